"""conv3d, conv3d_transpose, max_pool3d and avg_pool3d beyond the registry-wide checks
(samples_nn_more.py): identities with the 2-D ops, static shapes with unknown dims,
TF1's argument forms, build-time errors and second derivatives."""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ShapeError
from graphc.testing import check_jvp, check_vjp
from helpers import raises, run

RNG = np.random.default_rng(0)


def rand(*s):
    return RNG.standard_normal(s)


# ---- identities ----------------------------------------------------------------------------
@pytest.mark.parametrize("strides, padding", [((1, 1), "VALID"), ((2, 1), "SAME")])
def test_conv3d_is_a_sum_of_conv2d_over_depth_taps(strides, padding):
    """With depth stride 1 and VALID depth, y[:, d] = sum over a of conv2d(x[:, d + a],
    f[a]); a SAME depth pads the depth axis as conv2d pads height."""
    x, f = rand(2, 5, 6, 7, 3), rand(3, 2, 3, 3, 4)
    got = gc.nn.conv3d(x, f, [1, 1, *strides, 1], "VALID" if padding == "VALID" else "SAME")
    if padding == "SAME":       # depth 5, kernel 3: one zero slice before, one after
        x = np.concatenate([np.zeros_like(x[:, :1]), x, np.zeros_like(x[:, :1])], axis=1)
    want = [sum(gc.nn.conv2d(x[:, d + a], f[a], [1, *strides, 1], padding) for a in range(3))
            for d in range(5 - 2 if padding == "VALID" else 5)]
    got, want = run([got, gc.stack(want, axis=1)])
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_pool3d_with_unit_depth_is_the_2d_pool():
    x = rand(2, 1, 7, 6, 3)
    for p3, p2 in ((gc.nn.max_pool3d, gc.nn.max_pool), (gc.nn.avg_pool3d, gc.nn.avg_pool)):
        got = p3(x, [1, 1, 3, 2, 1], [1, 1, 2, 2, 1], "SAME")
        want = p2(x[:, 0], [1, 3, 2, 1], [1, 2, 2, 1], "SAME")
        assert got.shape == (2, 1, 4, 3, 3)
        np.testing.assert_allclose(run(got)[:, 0], run(want), rtol=1e-12)


def test_avg_pool3d_same_averages_only_real_inputs():
    ones = np.ones((1, 3, 4, 5, 2))
    y = run(gc.nn.avg_pool3d(ones, 3, 2, "SAME"))
    np.testing.assert_allclose(y, np.ones((1, 2, 2, 3, 2)), rtol=1e-12)
    z = run(gc.nn.max_pool3d(-ones, 3, 2, "SAME"))      # padding never wins a max
    np.testing.assert_allclose(z, -np.ones((1, 2, 2, 3, 2)))


def test_conv3d_transpose_is_the_input_gradient_of_conv3d():
    x, f, g = rand(2, 4, 7, 6, 3), rand(2, 3, 3, 3, 5), rand(2, 2, 4, 3, 5)
    xt = gc.constant(x)
    y = gc.nn.conv3d(xt, f, [1, 2, 2, 2, 1], "SAME")
    want = gc.gradients(y, [xt], grad_ys=[g])[0]
    got = gc.nn.conv3d_transpose(g, f, [2, 4, 7, 6, 3], [1, 2, 2, 2, 1], "SAME")
    assert got.shape == (2, 4, 7, 6, 3)
    np.testing.assert_allclose(*run([got, want]), rtol=1e-12)


def test_ncdhw_is_ndhwc_transposed():
    x, f = rand(2, 4, 5, 6, 3), rand(2, 2, 3, 3, 2)
    y = gc.nn.conv3d(np.moveaxis(x, -1, 1), f, [1, 1, 2, 1, 2], "SAME", data_format="NCDHW",
                     dilations=[1, 1, 2, 1, 1])
    want = gc.nn.conv3d(x, f, [1, 2, 1, 2, 1], "SAME", dilations=[1, 2, 1, 1, 1])
    assert y.shape == (2, 2, 2, 5, 3)
    np.testing.assert_allclose(run(y), np.moveaxis(run(want), -1, 1), rtol=1e-12)


# ---- static shapes and arguments -----------------------------------------------------------
def test_static_shapes_with_unknown_dims():
    x = gc.placeholder(gc.float32, (None, None, 9, 8, 3), name="x")
    f = gc.placeholder(gc.float32, (3, 2, 2, 3, 4), name="f")
    assert gc.nn.conv3d(x, f, [1, 1, 2, 3, 1], "SAME").shape.as_list() == \
        [None, None, 5, 3, 4]
    assert gc.nn.conv3d(x, f, [1, 2, 1, 1, 1], "VALID", dilations=[1, 1, 2, 1, 1]) \
        .shape.as_list() == [None, None, 7, 7, 4]
    assert gc.nn.max_pool3d(x, 2, 2, "VALID").shape.as_list() == [None, None, 4, 4, 3]
    c = gc.placeholder(gc.float32, (4, 3, None, 6, None), name="c")
    assert gc.nn.avg_pool3d(c, [1, 1, 2, 2, 2], [1, 1, 2, 2, 2], "SAME",
                            data_format="NCDHW").shape.as_list() == [4, 3, None, 3, None]
    u = gc.placeholder(gc.float32, None, name="u")
    assert gc.nn.conv3d(u, f, [1] * 5, "SAME").shape.as_list() == [None, None, None, None, 4]
    g = gc.placeholder(gc.float32, (2, None, 3, 3, 4), name="g")
    assert gc.nn.conv3d_transpose(g, f, [2, 5, 6, 6, 3], [1, 1, 2, 2, 1]).shape == \
        (2, 5, 6, 6, 3)
    gv = gc.placeholder(gc.float32, (None, None, 8, 7, None), name="gv")
    assert gc.nn.conv3d_backprop_filter(x, [3, 2, 2, 3, 4], gv, [1] * 5, "VALID").shape == \
        (3, 2, 2, 3, 4)


def test_conv3d_runs_on_run_time_shapes():
    x = gc.placeholder(gc.float64, (None, None, None, None, 2), name="x")
    f = rand(2, 2, 2, 2, 3)
    y = gc.nn.conv3d(x, f, [1, 2, 2, 2, 1], "SAME")
    gx = gc.gradients(gc.reduce_sum(y * y), x)[0]
    for shape in ((1, 3, 4, 5, 2), (2, 5, 2, 3, 2)):
        xv = rand(*shape)
        yv, gv = run([y, gx], {x: xv})
        assert yv.shape == (shape[0],) + tuple(-(-d // 2) for d in shape[1:4]) + (3,)
        assert gv.shape == shape


def test_argument_forms():
    x, f = rand(1, 4, 5, 6, 2), rand(2, 2, 2, 2, 3)
    a = gc.nn.conv3d(x, filters=f, strides=[1, 2, 2, 2, 1], padding="SAME")
    b = gc.nn.conv3d(x, f, [1, 2, 2, 2, 1], "SAME", dilations=[1] * 5)
    c = gc.nn.conv3d(x, f, [1, 2, 2, 2, 1], "SAME", name="c3")   # (TF: strides of 5 only)
    assert c.node.name == "c3" and c.node.op.name == "Conv3D"
    np.testing.assert_allclose(*run([a, b]), rtol=1e-12)
    np.testing.assert_allclose(*run([a, c]), rtol=1e-12)
    assert gc.nn.max_pool3d(x, [2, 2, 2], [1, 2, 2, 2, 1], "VALID").shape == (1, 2, 2, 3, 2)
    t = gc.nn.conv3d_transpose(input=rand(1, 2, 3, 3, 3), filters=f, output_shape=[1, 4, 5, 6, 2],
                               strides=2)
    assert t.shape == (1, 4, 5, 6, 2)


def test_build_errors():
    x = gc.placeholder(gc.float32, (1, 4, 5, 6, 3), name="x")
    f = gc.placeholder(gc.float32, (2, 2, 2, 4, 5), name="f")
    raises(ShapeError, lambda: gc.nn.conv3d(x, f, [1] * 5, "SAME"), "3 input channels", "expects 4",
           "'x'", "'f'")
    img = gc.placeholder(gc.float32, (1, 4, 5, 3), name="img")
    raises(ShapeError, lambda: gc.nn.conv3d(img, f, [1] * 5, "SAME"), "rank 5", "'img'")
    big = gc.placeholder(gc.float32, (5, 2, 2, 3, 1), name="big")
    raises(ShapeError, lambda: gc.nn.conv3d(x, big, [1] * 5, "VALID"), "effective depth 5",
           "depth 4")
    raises(ShapeError, lambda: gc.nn.max_pool3d(x, [1, 1, 1, 7, 1], 1, "VALID"),
           "effective width 7", "width 6")
    raises(DTypeError, lambda: gc.nn.conv3d(x, gc.zeros([1, 1, 1, 3, 2], gc.float64),
                                            [1] * 5, "SAME"), "float32", "float64")
    g = gc.placeholder(gc.float32, (1, 4, 5, 6, 5), name="g")
    raises(ShapeError, lambda: gc.nn.conv3d_backprop_input_v2([1, 4, 5, 6], f, g, 1, "SAME"),
           "5 elements")
    raises(ShapeError, lambda: gc.nn.conv3d_backprop_input_v2([1, 4, 9, 6, 4], f, g, 1,
                                                              "SAME"), "conv3d's output")
    v = gc.placeholder(gc.float32, (1, 2, 3, 3, 4), name="v")
    raises(ShapeError, lambda: gc.nn.conv3d_transpose(v, f, [1, 4, 6, 6, 4], 2),
           "4 channels", "expects 5", "'v'")
    f4 = gc.placeholder(gc.float32, (2, 2, 2, 3, 4), name="f4")
    raises(ShapeError, lambda: gc.nn.conv3d_transpose(v, f4, [1, 4, 6, 6, 2], 2),
           "2 channels", "makes 3", "'f4'")
    with pytest.raises(ValueError, match="NDHWC"):
        gc.nn.conv3d(x, f, [1] * 5, "SAME", data_format="NHWC")
    with pytest.raises(ValueError, match="batch and channel"):
        gc.nn.max_pool3d(x, [2, 2, 2, 2, 1], 1, "SAME")
    with pytest.raises(ValueError, match="strides must have 5 entries"):
        gc.nn.conv3d(x, f, [1, 2], "SAME")
    with pytest.raises(ValueError, match="padding"):
        gc.nn.avg_pool3d(x, 2, 2, "FULL")


# ---- derivatives ---------------------------------------------------------------------------
@pytest.mark.parametrize("wrt", [0, 1])
def test_conv3d_second_derivatives(wrt):
    x0, f0 = rand(1, 3, 4, 3, 2), rand(2, 2, 3, 2, 2)

    def gradient(x, f):
        y = gc.nn.conv3d(x, f, [1, 1, 2, 1, 1], "SAME", dilations=[1, 1, 1, 2, 1])
        return gc.gradients(gc.reduce_sum(gc.tanh(y)), [x, f])[wrt]
    check_vjp(gradient, [x0, f0])
    check_jvp(gradient, [x0, f0])


@pytest.mark.parametrize("pool", ["max", "avg"])
def test_pool3d_second_derivatives(pool):
    x0 = RNG.permutation(3 * 4 * 5 * 2).reshape(1, 3, 4, 5, 2) * 0.1
    fn = gc.nn.max_pool3d if pool == "max" else gc.nn.avg_pool3d

    def gradient(x):
        y = fn(x, [2, 2, 3], [1, 2, 2], "SAME")
        return gc.gradients(gc.reduce_sum(y * y * y), x)[0]
    check_vjp(gradient, [x0])
    check_jvp(gradient, [x0])


def test_max_pool3d_gradient_goes_to_the_first_max():
    x = np.zeros((1, 2, 2, 2, 1))                 # every value ties: the first tap wins
    xt = gc.constant(x)
    g = run(gc.gradients(gc.nn.max_pool3d(xt, 2, 2, "VALID"), xt)[0])
    want = np.zeros_like(x)
    want[0, 0, 0, 0, 0] = 1
    np.testing.assert_array_equal(g, want)
