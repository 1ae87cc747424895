import os
import sys

import pytest
from hypothesis import settings

sys.path.insert(0, os.path.dirname(__file__))

import graphc as gc  # noqa: E402

# The default run is deterministic (the same drawn examples every time), so CI cannot
# fail by chance; `pytest --hypothesis-profile=explore` searches new random examples.
settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=50)
settings.load_profile("default")


@pytest.fixture(autouse=True)
def fresh_graph():
    """Each test starts on a new, empty default graph."""
    gc.reset_default_graph()
    yield
