"""gc.keras: the graph-mode tf.keras of TF 1.x (tf.compat.v1.keras)."""
__all__ = []
