"""Samples for queues ops."""
from samples import Sample  # noqa: F401

SAMPLES = []
