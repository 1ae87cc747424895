"""gc.keras: (being written)."""
__all__ = []
