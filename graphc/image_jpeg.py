"""gc.image's JPEG and GIF codecs."""
__all__ = []
