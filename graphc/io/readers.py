"""TF1's readers (TFRecordReader, TextLineReader, WholeFileReader, ...)."""
__all__ = []
