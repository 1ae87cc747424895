import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import graphc as gc  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_graph():
    """Each test starts on a new, empty default graph."""
    gc.reset_default_graph()
    yield
