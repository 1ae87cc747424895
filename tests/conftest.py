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


def pytest_addoption(parser):
    parser.addoption("--tf2-shapes", action="store_true",
                     help="run every test with TF2's int-indexed shapes "
                          "(gc.enable_v2_tensorshape): graphc must not depend on either")


@pytest.fixture(autouse=True)
def fresh_graph(request):
    """Each test starts on a new, empty default graph, with TF1's Dimension-indexed
    shapes, graphc's default (TF2's ints or None under --tf2-shapes)."""
    gc.reset_default_graph()
    if request.config.getoption("--tf2-shapes"):
        gc.enable_v2_tensorshape()
    else:
        gc.disable_v2_tensorshape()
    yield
