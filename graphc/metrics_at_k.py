"""gc.metrics' top-k metrics: precision_at_k, recall_at_k, average_precision_at_k..."""
__all__ = []
