"""Samples for metrics_at_k ops."""
from samples import Sample  # noqa: F401

SAMPLES = []
