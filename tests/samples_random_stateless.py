"""Samples for random_stateless ops."""
from samples import Sample  # noqa: F401

SAMPLES = []
