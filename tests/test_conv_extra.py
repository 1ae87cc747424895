"""conv2d_transpose, conv1d, depthwise_conv2d and separable_conv2d beyond the registry-wide
checks: identities with conv2d (the transpose is conv2d's input gradient; a depthwise
convolution is a conv2d with a block-diagonal filter), static shapes, TF1's argument
forms, build-time errors and second derivatives."""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import ShapeError
from graphc.testing import check_vjp
from helpers import raises, run


RNG = np.random.default_rng(0)


def rand(*s):
    return RNG.standard_normal(s)


# ---- conv2d_transpose ----------------------------------------------------------------------
def test_conv2d_transpose_is_the_input_gradient_of_conv2d():
    x, f, g = rand(2, 7, 6, 3), rand(3, 3, 3, 5), rand(2, 4, 3, 5)
    xt = gc.constant(x)
    y = gc.nn.conv2d(xt, f, [1, 2, 2, 1], "SAME")
    want = gc.gradients(y, [xt], grad_ys=[g])[0]
    got = gc.nn.conv2d_transpose(g, f, [2, 7, 6, 3], [1, 2, 2, 1], "SAME")
    assert got.shape == (2, 7, 6, 3)
    np.testing.assert_allclose(*run([got, want]), rtol=1e-12)


def test_conv2d_transpose_output_shape_forms():
    v = gc.placeholder(gc.float64, (None, 3, 3, 4), name="v")
    f = gc.constant(rand(2, 2, 3, 4))
    y = gc.nn.conv2d_transpose(v, f, [gc.shape(v)[0], 6, 6, 3], [1, 2, 2, 1], "VALID")
    assert y.shape.as_list() == [None, 6, 6, 3]
    assert run(y, {v: rand(5, 3, 3, 4)}).shape == (5, 6, 6, 3)
    s = gc.constant([1, 6, 6, 3])
    y2 = gc.nn.conv2d_transpose(input=v, filters=f, output_shape=s, strides=2,
                                padding="VALID")
    assert y2.shape.as_list() == [1, 6, 6, 3]


def test_conv2d_transpose_errors():
    v = gc.placeholder(gc.float32, (1, 3, 3, 4), name="v")
    f = gc.placeholder(gc.float32, (2, 2, 3, 5), name="f")
    raises(ShapeError, lambda: gc.nn.conv2d_transpose(v, f, [1, 6, 6, 3], [1, 2, 2, 1]),
           "4 channels", "expects 5", "'v'")
    f4 = gc.placeholder(gc.float32, (2, 2, 3, 4), name="f4")
    raises(ShapeError, lambda: gc.nn.conv2d_transpose(v, f4, [1, 6, 6, 2], [1, 2, 2, 1]),
           "2 channels", "makes 3", "'f4'")
    raises(ShapeError, lambda: gc.nn.conv2d_transpose(v, f4, [1, 6, 3], [1, 2, 2, 1]),
           "4 sizes")
    raises(ShapeError, lambda: gc.nn.conv2d_transpose(v, f4, [1, 9, 9, 3], [1, 2, 2, 1]),
           "conv2d's output")             # a (9, 9) input gives a (5, 5) output, not (3, 3)
    with pytest.raises(ValueError, match="data_format"):
        gc.nn.conv2d_transpose(v, f4, [1, 6, 6, 3], [1, 2, 2, 1], data_format="NWHC")


# ---- conv1d --------------------------------------------------------------------------------
@pytest.mark.parametrize("stride", [2, [2], [1, 2, 1]])
def test_conv1d_is_conv2d_on_a_unit_height(stride):
    x, f = rand(2, 9, 3), rand(3, 3, 4)
    y = gc.nn.conv1d(x, f, stride, "SAME")
    want = gc.nn.conv2d(x[:, None], f[None], [1, 1, 2, 1], "SAME")[:, 0]
    assert y.shape == (2, 5, 4)
    np.testing.assert_allclose(*run([y, want]), rtol=1e-12)


def test_conv1d_arguments_and_errors():
    x = gc.placeholder(gc.float32, (None, 8, 3), name="x")
    f = gc.placeholder(gc.float32, (2, 3, 5), name="f")
    assert gc.nn.conv1d(input=x, filters=f, stride=1, padding="VALID").shape.as_list() == \
        [None, 7, 5]
    with pytest.raises(ValueError, match='"NWC" or "NCW"'):
        gc.nn.conv1d(x, f, 1, "SAME", data_format="NHWC_")
    with pytest.raises(ValueError, match="length 1 or 3"):
        gc.nn.conv1d(x, f, [1, 1], "SAME")
    with pytest.raises(ValueError, match="batch and channel"):
        gc.nn.conv1d(x, f, [2, 1, 1], "SAME")
    img = gc.placeholder(gc.float32, (1, 8, 8, 3), name="img")
    raises(ShapeError, lambda: gc.nn.conv1d(img, f, 1, "SAME"), "rank 3", "'img'")
    raises(ShapeError, lambda: gc.nn.conv1d(x, gc.zeros([2, 3]), 1, "SAME"), "filters")


# ---- depthwise_conv2d, separable_conv2d -----------------------------------------------------
def _block_diagonal(f):
    """The (kh, kw, C, C * M) conv2d filter of depthwise filter f (kh, kw, C, M)."""
    kh, kw, c, m = f.shape
    full = np.zeros((kh, kw, c, c * m))
    for k in range(c):
        full[:, :, k, k * m:(k + 1) * m] = f[:, :, k]
    return full


@pytest.mark.parametrize("strides, padding, rate", [
    ([1, 1, 1, 1], "SAME", None), ([1, 2, 3, 1], "VALID", None), ([1, 1, 1, 1], "SAME", 2),
    ([1, 1, 1, 1], "VALID", [1, 3])])
def test_depthwise_is_conv2d_with_a_block_diagonal_filter(strides, padding, rate):
    x, f = rand(2, 9, 8, 3), rand(3, 2, 3, 2)
    y = gc.nn.depthwise_conv2d(x, f, strides, padding, rate=rate)
    want = gc.nn.conv2d(x, _block_diagonal(f), strides, padding,
                        dilations=[1, 1, 1, 1] if rate is None else rate)
    assert y.shape == want.shape
    np.testing.assert_allclose(*run([y, want]), rtol=1e-12, atol=1e-12)


def test_depthwise_nchw_and_static_shapes():
    x, f = rand(2, 3, 7, 6), rand(3, 3, 3, 4)
    y = gc.nn.depthwise_conv2d(x, f, [1, 1, 2, 2], "SAME", data_format="NCHW")
    want = gc.nn.depthwise_conv2d(np.moveaxis(x, 1, -1), f, [1, 2, 2, 1], "SAME")
    assert y.shape == (2, 12, 4, 3)
    np.testing.assert_allclose(run(y), np.moveaxis(run(want), -1, 1), rtol=1e-12)
    p = gc.placeholder(gc.float32, (None, None, 5, 3))
    assert gc.nn.depthwise_conv2d(p, gc.zeros([2, 2, 3, 2]), [1, 1, 1, 1],
                                  "VALID").shape.as_list() == [None, None, 4, 6]
    q = gc.placeholder(gc.float32, (1, 5, 5, None))
    assert gc.nn.depthwise_conv2d(q, gc.zeros([2, 2, 3, 2]), [1, 1, 1, 1],
                                  "SAME").shape.as_list() == [1, 5, 5, 6]


def test_depthwise_errors():
    x = gc.placeholder(gc.float32, (1, 5, 5, 3), name="x")
    f = gc.placeholder(gc.float32, (2, 2, 4, 1), name="f")
    raises(ShapeError, lambda: gc.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME"),
           "3 input channels", "expects 4")
    f3 = gc.zeros([2, 2, 3, 1])
    with pytest.raises(ValueError, match="strides of 1"):
        gc.nn.depthwise_conv2d(x, f3, [1, 2, 2, 1], "SAME", rate=2)
    with pytest.raises(ValueError, match="not both"):
        gc.nn.depthwise_conv2d(x, f3, [1, 1, 1, 1], "SAME", rate=2, dilations=2)
    pw = gc.placeholder(gc.float32, (3, 3, 3, 8), name="pw")
    raises(ShapeError, lambda: gc.nn.separable_conv2d(x, f3, pw, [1, 1, 1, 1], "SAME"),
           "pointwise", "'pw'")


def test_separable_is_depthwise_then_pointwise():
    x, d, p = rand(2, 6, 5, 3), rand(3, 3, 3, 2), rand(1, 1, 6, 4)
    y = gc.nn.separable_conv2d(x, d, p, [1, 2, 2, 1], "SAME", name="sep")
    mid = gc.nn.conv2d(x, _block_diagonal(d), [1, 2, 2, 1], "SAME")
    want = gc.nn.conv2d(mid, p, [1, 1, 1, 1], "VALID")
    assert y.shape == (2, 3, 3, 4) and y.node.name == "sep"
    np.testing.assert_allclose(*run([y, want]), rtol=1e-12)


@pytest.mark.parametrize("wrt", [0, 1])
def test_depthwise_second_derivatives(wrt):
    x0, f0 = rand(1, 5, 4, 2), rand(2, 3, 2, 2)

    def gradient(x, f):
        y = gc.nn.depthwise_conv2d(x, f, [1, 2, 1, 1], "SAME")
        return gc.gradients(gc.reduce_sum(y * y), [x, f])[wrt]
    check_vjp(gradient, [x0, f0])


def _patches_ref(x, k, s, r, padding):
    """TF1's extract_image_patches by loops: each window's taps in [rows, cols, depth] order."""
    n, h, w, c = x.shape
    (kh, kw), (sh, sw), (rh, rw) = k, s, r
    eh, ew = (kh - 1) * rh + 1, (kw - 1) * rw + 1
    if padding == "VALID":
        oh, ow, pt, pl = (h - eh) // sh + 1, (w - ew) // sw + 1, 0, 0
    else:
        oh, ow = -(-h // sh), -(-w // sw)
        pt = max((oh - 1) * sh + eh - h, 0) // 2
        pl = max((ow - 1) * sw + ew - w, 0) // 2
    out = np.zeros((n, oh, ow, kh * kw * c))
    for i in range(oh):
        for j in range(ow):
            taps = []
            for a in range(kh):
                for b in range(kw):
                    y, z = i * sh + a * rh - pt, j * sw + b * rw - pl
                    inside = 0 <= y < h and 0 <= z < w
                    taps.append(x[:, y, z, :] if inside else np.zeros((n, c)))
            out[:, i, j, :] = np.concatenate(taps, axis=1)
    return out


@pytest.mark.parametrize("k, s, r, padding", [((3, 2), (1, 1), (1, 1), "VALID"),
                                               ((2, 3), (2, 1), (1, 2), "SAME"),
                                               ((3, 3), (2, 3), (2, 1), "VALID")])
def test_extract_image_patches(k, s, r, padding):
    x = np.random.default_rng(0).standard_normal((2, 7, 6, 3))

    def patches(t):
        return gc.extract_image_patches(t, [1, *k, 1], [1, *s, 1], [1, *r, 1], padding)
    with gc.Session() as sess:
        got = sess.run(patches(gc.constant(x)))
    np.testing.assert_allclose(got, _patches_ref(x, k, s, r, padding))
    check_vjp(patches, [x[:1, :5, :4, :2]])
