"""ScaleAndTranslate and ScaleAndTranslateGrad (graphc/ops/image_scale.py) and the TF 2
path of gc.image.resize, without TensorFlow: values against a pixel-by-pixel reference
of TF's CPU kernel, identities (triangle = half-pixel bilinear when upsampling...),
shapes and errors, derivatives, and the GraphDef round trip through graphc's own
importer. tests/test_tf_parity_image_scale.py compares with TensorFlow."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef_export import export_tf_graph_def
from graphc.ops.image_scale import (KERNEL_TYPES, SCALE_AND_TRANSLATE_GRAD,
                                    scale_and_translate, span_weights)
from graphc.ops.registry import apply1
from graphc.testing import check_infer, check_jvp, check_transpose, check_vjp

F = np.float32
RNG = np.random.default_rng(0)


# ---- a reference: TF's spans, one output pixel at a time ----------------------------------------
def _k(kind, x):
    """sampling_kernels.h's kernels on one float (float32 arithmetic)."""
    x = abs(F(x))
    if kind.startswith("lanczos"):
        r, pi = F(int(kind[-1])), F(3.14159265359)
        if x > r:
            return F(0)
        return F(1) if x <= 1e-3 else r * np.sin(pi * x) * np.sin(pi * x / r) / (pi * pi * x * x)
    if kind == "gaussian":
        return F(0) if x >= F(1.5) else F(np.exp(float(-x * x) / 0.5))
    if kind == "box":
        return F(1) if x < F(0.5) else F(0.5) if x == F(0.5) else F(0)
    if kind == "triangle":
        return F(1) - x if x < F(1) else F(0)
    if x >= F(2):
        return F(0)
    if kind == "keyscubic":
        return ((F(-0.5) * x + F(2.5)) * x - F(4)) * x + F(2) if x >= F(1) else \
            (F(1.5) * x - F(2.5)) * x * x + F(1)
    return ((F(-7) / F(18) * x + F(2)) * x - F(10) / F(3)) * x + F(16) / F(9) if x >= F(1) \
        else (F(7) / F(6) * x - F(2)) * x * x + F(8) / F(9)


def ref_weights(n_in, n_out, scale, translate, kind, antialias):
    radius = {"gaussian": 1.5, "box": 1, "triangle": 1, "keyscubic": 2,
              "mitchellcubic": 2}.get(kind) or int(kind[-1])
    inv = F(1.0 / float(F(scale)))
    ks = max(inv, F(1)) if antialias else F(1)
    reach = F(radius) * ks
    w = np.zeros((n_out, n_in), F)
    for o in range(n_out):
        s = F(o + 0.5) * inv + (-inv * F(translate))
        if s < 0 or s > n_in:
            continue
        lo = min(max(int(np.ceil(s - reach - F(0.5))), 0), n_in - 1)
        hi = min(max(int(np.floor(s + reach - F(0.5))), 0), n_in - 1) + 1
        row = [_k(kind, (F(i) + F(0.5) - s) * (F(1) / ks)) for i in range(lo, hi)]
        total = F(0)
        for v in row:
            total += v
        if abs(total) >= F(1000) * np.finfo(F).tiny:
            w[o, lo:hi] = [v * (F(1) / total) for v in row]
    return w


def ref(x, size, scale, translation, kind, antialias):
    wy, wx = (ref_weights(x.shape[a + 1], size[a], scale[a], translation[a], kind, antialias)
              for a in (0, 1))
    return np.einsum("ih,nhwc,jw->nijc", wy.astype(float), x.astype(F).astype(float),
                     wx.astype(float))


def run(*fetches, feed=None):
    with gc.Session() as s:
        return s.run(list(fetches), feed)


CASES = [((2, 5, 7, 3), (3, 4), None, (0, 0)),                 # downscale
         ((1, 4, 3, 2), (9, 7), None, (0, 0)),                 # upscale
         ((2, 6, 6, 1), (6, 6), (1.3, 0.7), (0.4, -1.2)),      # translated
         ((1, 10, 3, 2), (2, 8), (0.21, 2.5), (1.0, 0.3)),     # mixed, some rows empty
         ((1, 3, 4, 1), (30, 2), (9.0, 0.3), (-3.0, 2.0))]     # outside the source


@pytest.mark.parametrize("kind", sorted(KERNEL_TYPES))
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_values_follow_tf_spans(kind, antialias, case):
    shape, size, scale, tr = CASES[case]
    scale = scale or (size[0] / shape[1], size[1] / shape[2])
    x = RNG.uniform(-1, 1, shape).astype(F)
    with gc.Graph().as_default():
        got, = run(scale_and_translate(x, size, scale, tr, kind, antialias))
    assert got.dtype == F and got.shape == (shape[0], *size, shape[3])
    np.testing.assert_allclose(got, ref(x, size, np.float32(scale), tr, kind, antialias),
                               rtol=1e-5, atol=1e-6)


def test_kernels_and_weights():
    x = np.array([0, 0.5, 1, 1.5, 2, 3], F)
    np.testing.assert_allclose(KERNEL_TYPES["lanczos3"][1](x)[[0, 2, 4, 5]], [1, 0, 0, 0],
                               atol=1e-6)
    np.testing.assert_allclose(KERNEL_TYPES["keyscubic"][1](x), [1, .5625, 0, -.0625, 0, 0])
    np.testing.assert_allclose(KERNEL_TYPES["mitchellcubic"][1](x)[[0, 2, 4]],
                               [8 / 9, 1 / 18, 0], atol=1e-6)
    np.testing.assert_allclose(KERNEL_TYPES["box"][1](x)[:3], [1, .5, 0])
    assert KERNEL_TYPES["gaussian"][1](np.array([1.5], F))[0] == 0
    for kind in KERNEL_TYPES:          # rows sum to one, and upsampling ignores antialias
        w = span_weights(7, 3, 3 / 7, 0.0, kind, True)
        np.testing.assert_allclose(w.sum(1), 1, rtol=1e-6)
        np.testing.assert_array_equal(span_weights(3, 8, 8 / 3, 0.0, kind, True),
                                      span_weights(3, 8, 8 / 3, 0.0, kind, False))
    assert not span_weights(4, 3, 1.0, 10.0, "triangle", True).any()   # all outside


def test_upsampling_identities():
    """Upsampling, the triangle kernel is half-pixel bilinear and the box (by an integer
    factor) half-pixel nearest neighbour (sampling_kernels.h's notes)."""
    x = RNG.standard_normal((2, 4, 5, 3)).astype(F)
    with gc.Graph().as_default():
        tri, bil, box, near = run(
            scale_and_translate(x, [9, 11], [9 / 4, 11 / 5], [0, 0], "triangle"),
            gc.image.resize_bilinear(x, [9, 11], half_pixel_centers=True),
            scale_and_translate(x, [8, 15], [2, 3], [0, 0], "box"),
            gc.image.resize_nearest_neighbor(x, [8, 15], half_pixel_centers=True))
    np.testing.assert_allclose(tri, bil, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(box, near, rtol=1e-6)


# ---- shapes and errors ------------------------------------------------------------------------
def test_infer_on_distinct_dims_and_unknown_shapes():
    x = RNG.standard_normal((2, 5, 7, 3)).astype(F)
    fn = lambda t: scale_and_translate(t, [4, 9], [0.8, 9 / 7], [0.0, 0.5], "gaussian")
    check_infer(fn, [x])
    check_infer(fn, [x], dynamic=True)
    check_infer(fn, [x.astype(np.uint8)])
    g = RNG.standard_normal((2, 4, 9, 3)).astype(F)
    check_infer(lambda a, b: apply1(SCALE_AND_TRANSLATE_GRAD, (
        a, b, gc.constant([0.8, 9 / 7]), gc.constant([0.0, 0.5])), kernel_type="box",
        antialias=True), [g, x])
    with gc.Graph().as_default():
        p = gc.placeholder(gc.int16, [None, None, 5, 2])
        y = scale_and_translate(p, gc.placeholder(gc.int32, [2]), [1.0, 1.0], [0.0, 0.0])
        assert y.shape.as_list() == [None, None, None, 2] and y.dtype == gc.float32


def test_build_errors_name_the_problem():
    x = gc.placeholder(gc.float32, [1, 4, 4, 1])
    with pytest.raises(ValueError, match="Unrecognized kernel type: cubic"):
        scale_and_translate(x, [2, 2], [.5, .5], [0., 0.], "cubic")
    with pytest.raises(ValueError, match="must be 4-D"):
        scale_and_translate(gc.placeholder(gc.float32, [4, 4, 1]), [2, 2], [.5, .5], [0., 0.])
    with pytest.raises(ValueError, match="scale .* 1-D tensor of 2 elements"):
        scale_and_translate(x, [2, 2], [.5, .5, .5], [0., 0.])
    with pytest.raises(ValueError, match="greater than zero"):
        scale_and_translate(x, [2, 2], [.5, 0.], [0., 0.])
    with pytest.raises(TypeError, match="size .* must be int32"):
        scale_and_translate(x, gc.constant([2, 2], gc.int64), [.5, .5], [0., 0.])
    with pytest.raises(TypeError, match="bool"):
        scale_and_translate(gc.placeholder(gc.bool, [1, 4, 4, 1]), [2, 2], [.5, .5], [0, 0.])
    y = scale_and_translate(gc.placeholder(gc.float64, [1, 4, 4, 1]), [2, 2], [.5, .5],
                            [0., 0.])
    with pytest.raises(gc.errors.GradientError, match="dtypes differ"):   # TF: float32 only
        gc.gradients(y, y.node.inputs[0])


def test_run_time_errors():
    x = gc.placeholder(gc.float32, [1, 4, 4, 1])
    scale = gc.placeholder(gc.float32, [2])
    size = gc.placeholder(gc.int32, [2])
    y = scale_and_translate(x, size, scale, [0., 0.])
    feed = {x: np.ones((1, 4, 4, 1), F), scale: [1., 1.], size: [2, 2]}
    with gc.Session() as s:
        for key, bad, msg in ((scale, [1., -1.], "greater than zero"),
                              (size, [0, 2], "must be positive")):
            with pytest.raises(gc.errors.InvalidArgumentError, match=msg):
                s.run(y, {**feed, key: bad})


# ---- derivatives ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,antialias,size,scale,tr", [
    ("lanczos3", True, [3, 5], None, [0, 0]), ("keyscubic", False, [7, 4], None, [0, 0]),
    ("mitchellcubic", True, [4, 4], [0.7, 1.6], [0.3, -0.5]),
    ("gaussian", True, [2, 9], [0.3, 2.0], [0.0, 1.0])])
def test_vjp_jvp_and_transposes(kind, antialias, size, scale, tr):
    x = RNG.standard_normal((2, 5, 6, 2)).astype(F)
    scale = scale or [size[0] / 5, size[1] / 6]
    fn = lambda t: scale_and_translate(t, size, scale, tr, kind, antialias)
    kw = dict(eps=1e-2, rtol=1e-3, atol=1e-3)
    check_vjp(fn, [x], **kw)
    check_vjp(fn, [x], dynamic=True, **kw)
    check_jvp(fn, [x], **kw)
    check_transpose(fn, [x], rtol=1e-5, atol=1e-5)
    g = RNG.standard_normal((2, *size, 2)).astype(F)
    grad = lambda a: apply1(SCALE_AND_TRANSLATE_GRAD, (a, gc.constant(x), gc.constant(
        np.float32(scale)), gc.constant(np.float32(tr))), kernel_type=kind, antialias=antialias)
    check_vjp(grad, [g], **kw)                       # the grad's vjp: the forward op
    check_transpose(grad, [g], rtol=1e-5, atol=1e-5)


def test_gradient_is_the_transpose_and_ignores_scale():
    x = RNG.standard_normal((1, 6, 4, 2)).astype(F)
    g = RNG.standard_normal((1, 3, 5, 2)).astype(F)
    with gc.Graph().as_default():
        p, sc = gc.placeholder(gc.float32, x.shape), gc.constant([0.5, 1.25])
        y = scale_and_translate(p, [3, 5], sc, [0.1, 0.2], "lanczos5")
        dx, dsc = gc.gradients(y, [p, sc], grad_ys=g)
        assert dsc is None and dx.node.type == "ScaleAndTranslateGrad"
        got, = run(dx, feed={p: x})
    wy = ref_weights(6, 3, 0.5, 0.1, "lanczos5", True)
    wx = ref_weights(4, 5, 1.25, 0.2, "lanczos5", True)
    np.testing.assert_allclose(got, np.einsum("ih,nijc,jw->nhwc", wy, g, wx), rtol=1e-5,
                               atol=1e-6)


# ---- gc.image.resize --------------------------------------------------------------------------
def _only(graph, op):
    return [n for n in graph.nodes if n.type == op]


@pytest.mark.parametrize("method,antialias,kernel", [
    ("lanczos3", False, "lanczos3"), ("lanczos5", True, "lanczos5"),
    ("gaussian", True, "gaussian"), ("mitchellcubic", False, "mitchellcubic"),
    ("bilinear", True, "triangle"), ("bicubic", True, "keyscubic"),
    (gc.image.ResizeMethod.BILINEAR, True, "triangle"),
    (gc.image.ResizeMethod.LANCZOS3, True, "lanczos3")])
def test_resize_uses_scale_and_translate_as_tf2(method, antialias, kernel):
    x = RNG.uniform(0, 255, (2, 9, 12, 3)).astype(np.uint8)
    with gc.Graph().as_default() as g:
        y = gc.image.resize(x, [4, 5], method, antialias=antialias)
        got, = run(y)
        node, = _only(g, "ScaleAndTranslate")
    assert node.attrs == {"kernel_type": kernel, "antialias": antialias}
    assert got.dtype == F and y.shape.as_list() == [2, 4, 5, 3]
    np.testing.assert_allclose(got, ref(x, (4, 5), F([4 / 9, 5 / 12]), (0, 0), kernel,
                                        antialias), rtol=1e-5, atol=1e-4)


def test_resize_tf2_path_other_methods_and_shapes():
    x = RNG.standard_normal((7, 10, 2)).astype(F)           # one image, HWC
    with gc.Graph().as_default() as g:
        near = gc.image.resize(x, [3, 4], "nearest", antialias=True)     # TF 2's: half-pixel
        area = gc.image.resize(x, [3, 4], "area", antialias=True)
        fit = gc.image.resize(x, [20, 20], "lanczos3", preserve_aspect_ratio=True)
        p = gc.placeholder(gc.float32, [None, None, None, 2])
        dyn = gc.image.resize(p, [5, 6], "gaussian")
        assert not _only(g, "ResizeNearestNeighbor")[0].attrs["align_corners"]
        assert _only(g, "ResizeNearestNeighbor")[0].attrs["half_pixel_centers"]
        got = run(near, area, fit, dyn, feed={p: x[None]})
        want = run(gc.image.resize_nearest_neighbor(x[None], [3, 4], half_pixel_centers=True),
                   gc.image.resize_area(x[None], [3, 4]))
    assert fit.shape.as_list() == [14, 20, 2] and got[2].shape == (14, 20, 2)
    assert dyn.shape.as_list() == [None, 5, 6, 2] and got[3].shape == (1, 5, 6, 2)
    np.testing.assert_array_equal(got[0], want[0][0])
    np.testing.assert_array_equal(got[1], want[1][0])
    np.testing.assert_allclose(got[3][0], ref(x[None], (5, 6), F([5 / 7, 6 / 10]), (0, 0),
                                              "gaussian", False)[0], rtol=1e-5, atol=1e-6)


def test_resize_tf1_path_unchanged_and_errors():
    x = RNG.standard_normal((1, 4, 4, 1)).astype(F)
    with gc.Graph().as_default() as g:
        gc.image.resize(x, [2, 2], "bilinear")
        assert not _only(g, "ScaleAndTranslate") and _only(g, "ResizeBilinear")
        t = gc.constant(x)
        assert gc.image.resize(t, [4, 4]) is t                  # TF1 skips the same size
        assert gc.image.resize(t, [4, 4], "lanczos3") is not t  # TF 2 does not
        with pytest.raises(ValueError, match="no align_corners"):
            gc.image.resize(x, [2, 2], "lanczos3", align_corners=True)
        with pytest.raises(ValueError, match="not implemented: cubic"):
            gc.image.resize(x, [2, 2], "cubic", antialias=True)
        with pytest.raises(ValueError, match="unknown resize method"):
            gc.image.resize_images(x, [2, 2], "lanczos3")     # TF1's has no lanczos
    assert gc.image.ResizeMethod.MITCHELLCUBIC == "mitchellcubic"


def test_resize_gradient():
    x = RNG.standard_normal((1, 6, 5, 2)).astype(F)
    check_vjp(lambda t: gc.image.resize(t, [3, 8], "lanczos3", antialias=True), [x],
              eps=1e-2, rtol=1e-3, atol=1e-3)


# ---- GraphDef export and import (graphc's own importer) ------------------------------------
def test_graph_def_round_trip():
    x = RNG.standard_normal((2, 9, 12, 3)).astype(F)
    with gc.Graph().as_default() as g:
        p = gc.placeholder(gc.float32, [None, 9, 12, 3], name="x")
        y = gc.identity(gc.image.resize(p, [4, 5], "bicubic", antialias=True), name="y")
        dx = gc.identity(gc.gradients(gc.reduce_sum(y * y), p)[0], name="dx")
        want = run(y, dx, feed={p: x})
    gd = export_tf_graph_def(g)
    node = next(n for n in gd.node if n.op == "ScaleAndTranslate")
    assert node.attr["kernel_type"].s == b"keyscubic" and node.attr["antialias"].b
    assert any(n.op == "ScaleAndTranslateGrad" for n in gd.node)
    with gc.Graph().as_default():
        outs = gc.import_graph_def(type(gd).FromString(gd.SerializeToString()),
                                   return_elements=["y:0", "dx:0"], name="")
        got = run(*outs, feed={"x:0": x})
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_raw_op():
    x = RNG.standard_normal((1, 5, 4, 1)).astype(F)
    with gc.Graph().as_default():
        y = gc.raw_ops.ScaleAndTranslate(images=x, size=[2, 3], scale=[0.4, 0.75],
                                         translation=[0.0, 0.0], kernel_type="Box")
        assert y.node.attrs == {"kernel_type": "Box", "antialias": True}
        got, = run(y)
    np.testing.assert_allclose(got, ref(x, (2, 3), F([0.4, 0.75]), (0, 0), "box", True),
                               rtol=1e-6)
