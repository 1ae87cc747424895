"""Samples for ragged ops."""
from samples import Sample  # noqa: F401

SAMPLES = []
