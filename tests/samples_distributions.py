"""Samples for distributions ops."""
from samples import Sample  # noqa: F401

SAMPLES = []
