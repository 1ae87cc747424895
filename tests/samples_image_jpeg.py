"""Samples for image_jpeg ops."""
from samples import Sample  # noqa: F401

SAMPLES = []
