"""Samples for the session-8 math/nn/quantization additions."""
from samples import Sample  # noqa: F401

SAMPLES = []
