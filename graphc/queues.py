"""TF1's queues (FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue)."""
__all__ = []
