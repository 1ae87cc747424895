"""Samples for feature_column ops."""
from samples import Sample  # noqa: F401

SAMPLES = []
