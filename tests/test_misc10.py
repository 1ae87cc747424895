"""Session 10's small TF1 names: gc.conv (TF's generic Conv), gc.newaxis, the version
constants, gc.config.run_functions_eagerly and tf.logging.TaskLevelStatusMessage."""
import logging

import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.testing import check_vjp

RNG = np.random.default_rng(0)


def _rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _run(t, feed=None):
    with gc.Session() as sess:
        return sess.run(t, feed)


def test_conv_is_conv2d_and_conv3d():
    x, k = _rand(2, 6, 6, 4), _rand(3, 3, 4, 5)
    np.testing.assert_allclose(
        _run(gc.conv(x, k, [1, 2, 2, 1], "SAME", dilations=[1, 1, 1, 1])),
        _run(gc.nn.conv2d(x, k, [1, 2, 2, 1], "SAME")), rtol=1e-5, atol=1e-5)
    x3, k3 = _rand(2, 5, 5, 5, 3), _rand(2, 2, 2, 3, 4)
    np.testing.assert_allclose(_run(gc.conv(x3, k3, [1] * 5, "VALID")),
                               _run(gc.nn.conv3d(x3, k3, [1] * 5, "VALID")), rtol=1e-5,
                               atol=1e-5)


def test_conv_extra_batch_dims_fold_and_unfold():
    x, k = _rand(3, 2, 5, 5, 4), _rand(3, 3, 4, 6)
    y = gc.conv(x, k, [1, 1, 1, 1], "VALID", batch_dims=2)
    assert y.shape == (3, 2, 3, 3, 6)
    want = _run(gc.nn.conv2d(x.reshape(6, 5, 5, 4), k, [1, 1, 1, 1], "VALID"))
    np.testing.assert_allclose(_run(y), want.reshape(3, 2, 3, 3, 6), rtol=1e-5, atol=1e-5)


def test_conv_explicit_padding_is_pad_then_valid():
    x, k = _rand(2, 6, 6, 4), _rand(3, 3, 4, 5)
    pads = [0, 0, 1, 2, 0, 1, 0, 0]
    y = gc.conv(x, k, [1, 2, 2, 1], "EXPLICIT", explicit_paddings=pads)
    xp = np.pad(x, [(0, 0), (1, 2), (0, 1), (0, 0)])
    np.testing.assert_allclose(_run(y), _run(gc.nn.conv2d(xp, k, [1, 2, 2, 1], "VALID")),
                               rtol=1e-5, atol=1e-5)


def test_conv_groups_convolve_each_share_of_the_channels():
    x, k = _rand(2, 5, 5, 6), _rand(3, 3, 2, 9)      # 3 groups of 2 -> 3 outputs each
    y = _run(gc.conv(x, k, [1, 1, 1, 1], "SAME", groups=3))
    parts = [_run(gc.nn.conv2d(x[..., 2 * g:2 * g + 2], k[..., 3 * g:3 * g + 3],
                               [1, 1, 1, 1], "SAME")) for g in range(3)]
    np.testing.assert_allclose(y, np.concatenate(parts, -1), rtol=1e-5, atol=1e-5)


def test_conv_channels_first_matches_channels_last():
    x, k = _rand(2, 6, 6, 4), _rand(3, 3, 4, 5)
    last = _run(gc.conv(x, k, [1, 1, 1, 1], "SAME"))
    first = _run(gc.conv(x.transpose(0, 3, 1, 2), k, [1, 1, 1, 1], "SAME",
                         data_format="CHANNELS_FIRST"))
    np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-5)


def test_conv_gradients_match_finite_differences():
    def f(x, k):
        return gc.conv(x, k, [1, 1, 1, 1], "EXPLICIT",
                       explicit_paddings=[0, 0, 1, 0, 0, 1, 0, 0], groups=2)
    x, k = _rand(1, 4, 4, 2).astype(np.float64), _rand(2, 2, 1, 4).astype(np.float64)
    check_vjp(f, [x, k])
    check_vjp(lambda x, k: gc.conv(x, k, [1, 1, 1, 1], "SAME", batch_dims=2),
              [_rand(2, 1, 3, 3, 2).astype(np.float64), _rand(2, 2, 2, 3).astype(np.float64)])


def test_conv_errors_name_the_operands():
    x = gc.placeholder(gc.float32, [2, 7, 4], name="seq")
    with pytest.raises(errors.ShapeError, match=r"rank 4 or 5(.|\n)*seq"):
        gc.conv(x, _rand(3, 4, 5), [1, 1, 1], "VALID")          # 1-D: TF refuses it too
    img = gc.placeholder(gc.float32, [2, 5, 5, 6], name="img")
    with pytest.raises(errors.ShapeError, match="6 channels but filter takes 4 per group"):
        gc.conv(img, _rand(3, 3, 4, 4), [1, 1, 1, 1], "SAME", groups=2)
    with pytest.raises(ValueError, match="batch and channel dims must be 1"):
        gc.conv(img, _rand(3, 3, 6, 4), [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="explicit_paddings must have 8"):
        gc.conv(img, _rand(3, 3, 6, 4), [1, 1, 1, 1], "EXPLICIT", explicit_paddings=[1, 1])


def test_newaxis_and_version_constants():
    x = gc.constant([1.0, 2.0])
    assert gc.newaxis is None and x[:, gc.newaxis].shape == (2, 1)
    assert gc.VERSION == gc.__version__ and gc.GIT_VERSION.endswith(gc.__version__)
    assert isinstance(gc.COMPILER_VERSION, str) and gc.CXX11_ABI_FLAG == 0
    from graphc.io.serialize import VERSION
    assert gc.GRAPH_DEF_VERSION == VERSION == gc.GRAPH_DEF_VERSION_MIN_CONSUMER


def test_run_functions_eagerly_calls_the_python_function_once_per_call():
    calls = []

    @gc.function(input_signature=[gc.TensorSpec([2], gc.float32)])
    def f(x):
        calls.append(1)
        if not hasattr(f, "v"):
            f.v = gc.Variable(1.0)
        return x * f.v

    assert gc.config.functions_run_eagerly() is False
    gc.config.run_functions_eagerly(True)
    try:
        assert gc.config.functions_run_eagerly() is True
        y = f(gc.constant([1.0, 2.0]))
        assert len(calls) == 1                # no second trace for the new variable
        assert y.name.startswith("mul")       # no 'f/' name scope: plain Python
    finally:
        gc.config.experimental_run_functions_eagerly(False)
    assert gc.config.experimental_functions_run_eagerly() is False
    f(gc.constant([1.0, 2.0]))
    assert len(calls) == 2


def test_task_level_status_message_logs_at_error(caplog):
    with caplog.at_level(logging.INFO, logger="graphc"):
        gc.logging.TaskLevelStatusMessage("task 3 done")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.ERROR, "task 3 done")]
