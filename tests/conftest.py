import os
import random
import re
import shutil
import sys
import tempfile
import zlib

import pytest
from hypothesis import settings

sys.path.insert(0, os.path.dirname(__file__))

import numpy as np  # noqa: E402

import graphc as gc  # noqa: E402
from graphc.ops.random import seed_unseeded  # noqa: E402

# The default run is deterministic (the same drawn examples every time), so CI cannot
# fail by chance; `pytest --hypothesis-profile=explore` searches new random examples.
# The fresh_graph fixture does the same for graphc's unseeded ops, shuffles and queues.
settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=50)
settings.load_profile("default")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Hypothesis' pytest plugin (6.155) wraps a parametrized test's settings in new
    settings whose parent is the previous case's, so their chain grows by one per case;
    past ~950 cases of one test (test_registry's samples) reading them exceeds Python's
    recursion limit. Each case starts again from the test's own settings."""
    fn = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
    own = getattr(fn, "_hypothesis_internal_use_settings", None)
    yield
    if own is not None:
        fn._hypothesis_internal_use_settings = own


# TF's own CPU kernels that some TF wheels leave out (NCHW convolutions, dilated or
# depthwise ones, conv3d_transpose in NCDHW): a parity case whose TF side raises one of
# these has nothing to compare with in that wheel, so it is skipped, not failed.
_TF_CPU_REFUSAL = re.compile(
    r"only supports? (the )?ND?HWC|only supported for NHWC|supports the NHWC tensor "
    r"format on the CPU|do not yet support dilation rates larger than 1|"
    r"grouped convolutions are not supported on CPU")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if report.when == "call" and report.failed and call.excinfo is not None:
        e = call.excinfo.value
        found = _TF_CPU_REFUSAL.search(str(e))
        if type(e).__module__.startswith("tensorflow") and found:
            line = next(ln for ln in str(e).splitlines() if found.group(0) in ln)
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0,
                               f"Skipped: this TF wheel's CPU kernel refuses it: {line}")


def pytest_addoption(parser):
    parser.addoption("--tf2-shapes", action="store_true",
                     help="run every test with TF2's int-indexed shapes "
                          "(gc.enable_v2_tensorshape): graphc must not depend on either")
    parser.addoption("--fresh-entropy", action="store_true",
                     help="leave unseeded random draws to the OS's entropy (not fixed per "
                          "test): finds tests that pass only by chance")


def pytest_configure(config):
    """Every temporary file of the run (estimators' default model_dirs, the samples'
    files, subprocesses' TMPDIR) goes under one directory, removed when the run ends."""
    config._graphc_tmp = (tempfile.tempdir, os.environ.get("TMPDIR"))
    tempfile.tempdir = tempfile.mkdtemp(prefix="graphc-tests-")
    os.environ["TMPDIR"] = tempfile.tempdir


def pytest_unconfigure(config):
    shutil.rmtree(tempfile.tempdir, ignore_errors=True)
    tempfile.tempdir, tmpdir = config._graphc_tmp
    if tmpdir is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = tmpdir


@pytest.fixture(autouse=True)
def fresh_graph(request):
    """Each test starts on a new, empty default graph, with TF1's Dimension-indexed
    shapes, graphc's default (TF2's ints or None under --tf2-shapes), Keras' TF2 layer
    dtypes (graphc's default; disable_v2_behavior switches to TF1's), and with its unseeded
    random draws (graphc's, numpy's global ones, Python's) fixed by its own name, so its
    outcome does not depend on chance or on the tests that ran before it."""
    if not request.config.getoption("--fresh-entropy"):
        seed = zlib.crc32(request.node.nodeid.encode())
        seed_unseeded(seed)
        np.random.seed(seed)
        random.seed(seed)
    gc.reset_default_graph()
    if request.config.getoption("--tf2-shapes"):
        gc.enable_v2_tensorshape()
    else:
        gc.disable_v2_tensorshape()
    gc.keras.layers.enable_v2_dtype_behavior()   # the default (disable_v2_behavior leaks)
    yield
    seed_unseeded(None)
