"""RaggedTensor and RaggedTensorValue (TF's tf.RaggedTensor)."""
__all__ = []
