"""TF parity of ScaleAndTranslate (tf.raw_ops.ScaleAndTranslate and its gradient,
ScaleAndTranslateGrad) and of gc.image.resize against TF 2.21's tf.image.resize: every
method x antialias x down/up-scaling x preserve_aspect_ratio on float32 and uint8 images,
values and gradients; GraphDefs both ways (graphc's into TF, TF's into graphc) and a TF 2
SavedModel using these resizes."""
import numpy as np
import pytest

from tf_parity import check, needs_eager, tf, tf_graph_of, v1  # noqa: F401 (tf: skips)

import graphc as gc
from graphc.io.tf_graphdef_export import export_tf_graph_def
from graphc.ops.image_resize import resize_images_v2
from graphc.ops.image_scale import SCALE_AND_TRANSLATE_GRAD
from graphc.ops.registry import apply1

METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]
KERNELS = ["lanczos1", "lanczos3", "lanczos5", "gaussian", "box", "triangle", "keyscubic",
           "mitchellcubic"]
SIZES = {"down": ((9, 12), [4, 5]), "up": ((4, 5), [9, 13]), "mixed": ((6, 9), [12, 4])}


def _image(dtype, hw, seed=0, batch=2):
    x = np.random.default_rng(seed).uniform(0, 1, (batch, *hw, 3))
    return (x * 255).astype(np.uint8) if dtype == "uint8" else x.astype(np.float32)


def _tol(x):
    """~1e-5 relative, and an absolute floor scaled to the image (ringing gives zeros)."""
    return dict(rtol=1e-5, atol=1e-6 * max(1.0, float(np.max(x))))


@pytest.mark.parametrize("dtype", ["float32", "uint8"])
@pytest.mark.parametrize("preserve", [False, True])
@pytest.mark.parametrize("scaling", ["down", "up", "mixed"])
@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_resize(method, antialias, scaling, preserve, dtype):
    """gc.image.resize is TF 2's tf.image.resize where it takes TF 2's path (antialias or
    a TF 2 method), else TF1's resize_images; resize_images_v2 is TF 2's always. Both
    also in gradients (area has none in TF)."""
    hw, size = SIZES[scaling]
    x = _image(dtype, hw)
    tf2 = antialias or method in ("lanczos3", "lanczos5", "gaussian", "mitchellcubic")
    kw = dict(preserve_aspect_ratio=preserve)
    grad = method != "area"

    def ours(m, t):
        if m is gc:
            return gc.image.resize(t, size, method, antialias=antialias, **kw)
        if tf2:
            return tf.image.resize(t, size, method, antialias=antialias, **kw)
        return v1.image.resize(t, size, method, **kw)
    check(ours, x, grad=grad, **_tol(x))
    if not tf2:
        check(lambda m, t: (resize_images_v2 if m is gc else tf.image.resize)(
            t, size, method, antialias=antialias, **kw), x, grad=grad, **_tol(x))


@pytest.mark.parametrize("kind", KERNELS)
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("size,scale,tr", [
    ([3, 4], [0.6, 0.5], [0.0, 0.0]), ([6, 6], [1.3, 0.7], [0.4, -1.2]),
    ([2, 8], [0.21, 2.5], [1.0, 0.3]), ([30, 2], [9.0, 0.3], [-3.0, 2.0])])
def test_raw_scale_and_translate(kind, antialias, size, scale, tr):
    x = _image("float32", (5, 8), seed=1)

    def op(m, t):
        return m.raw_ops.ScaleAndTranslate(images=t, size=size, scale=scale, translation=tr,
                                           kernel_type=kind, antialias=antialias)
    check(op, x, **_tol(x))
    for dtype in (np.uint8, np.int16, np.int32, np.float64):
        xi = (x * 255).astype(dtype)
        check(op, xi, grad=False, **_tol(xi))


def test_scale_and_translate_grad_op():
    """graphc's ScaleAndTranslateGrad op is TF's (TF has no gradient of it; graphc's,
    ScaleAndTranslate, is checked by finite differences in test_image_scale.py)."""
    x = _image("float32", (5, 8), seed=2)
    g = np.random.default_rng(3).standard_normal((2, 3, 11, 3)).astype(np.float32)
    kw = dict(kernel_type="lanczos5", antialias=True)

    def op(m, g, x):
        scale, tr = m.constant([0.6, 1.4]), m.constant([0.2, 0.0])
        if m is gc:
            return apply1(SCALE_AND_TRANSLATE_GRAD, (g, x, scale, tr), **kw)
        return m.raw_ops.ScaleAndTranslateGrad(grads=g, original_image=x, scale=scale,
                                               translation=tr, **kw)
    check(op, g, x, grad=False, rtol=1e-5, atol=1e-6)


def test_float64_gradient_is_refused_as_in_tf():
    x = _image("float32", (5, 8)).astype(np.float64)
    for m in (gc, v1):
        with m.Graph().as_default():
            t = m.constant(x)
            y = m.raw_ops.ScaleAndTranslate(images=t, size=[3, 3], scale=[0.6, 0.4],
                                            translation=[0.0, 0.0])
            with pytest.raises((TypeError, gc.errors.GradientError), match="float"):
                m.gradients(y, t)


# ---- GraphDefs ----------------------------------------------------------------------------------
def test_graphc_graph_def_runs_in_tf():
    x = _image("float32", (9, 12), seed=4)
    with gc.Graph().as_default() as g:
        p = gc.placeholder(gc.float32, [None, 9, 12, 3], name="x")
        a = gc.image.resize(p, [4, 5], "lanczos5", antialias=True)
        b = gc.raw_ops.ScaleAndTranslate(images=gc.cast(p * 255, gc.uint8), size=[7, 3],
                                         scale=[0.8, 0.25], translation=[0.5, -1.0],
                                         kernel_type="gaussian", antialias=False)
        loss = gc.reduce_sum(a * a) + gc.reduce_sum(gc.image.resize(p, [20, 6], "bicubic",
                                                                    antialias=True))
        names = [gc.identity(t, name=n).name for t, n in
                 ((a, "a"), (b, "b"), (gc.gradients(loss, p)[0], "dx"))]
        with gc.Session() as s:
            want = s.run(names, {p: x})
    gd = export_tf_graph_def(g)
    assert {"ScaleAndTranslate", "ScaleAndTranslateGrad"} <= {n.op for n in gd.node}
    with v1.Session(graph=tf_graph_of(gd)) as s:
        got = s.run(names, {"x:0": x})
    for w, v in zip(want, got):
        np.testing.assert_allclose(v, w, **_tol(w))


def test_tf_graph_def_imports_in_graphc():
    x = _image("uint8", (9, 12), seed=5)
    xf = x.astype(np.float32) / 255
    g = tf.Graph()
    with g.as_default():
        p = v1.placeholder(tf.uint8, [None, None, None, 3], name="x")
        pf = v1.placeholder(tf.float32, [None, 9, 12, 3], name="xf")
        outs = [tf.image.resize(p, [5, 7], "mitchellcubic", antialias=True),
                tf.image.resize(p, [20, 4], "lanczos3", preserve_aspect_ratio=True),
                tf.image.resize(pf, [4, 4], "bilinear", antialias=True),
                v1.raw_ops.ScaleAndTranslate(images=pf, size=[3, 20], scale=[0.4, 1.7],
                                             translation=[0.5, -2.0], kernel_type="Box")]
        outs.append(v1.gradients(tf.reduce_sum(outs[2] ** 2) + tf.reduce_sum(outs[3]), pf)[0])
        names = [t.name for t in outs]
        with v1.Session() as s:
            want = s.run(names, {p: x, pf: xf})
    with gc.Graph().as_default():
        ts = gc.import_graph_def(g.as_graph_def(), return_elements=names, name="")
        with gc.Session() as s:
            got = s.run(ts, {"x:0": x, "xf:0": xf})
    for w, v in zip(want, got):
        assert v.dtype == w.dtype and v.shape == w.shape
        np.testing.assert_allclose(v, w, **_tol(w))


def test_tf2_saved_model_with_antialiased_resizes(tmp_path, needs_eager):  # noqa: F811
    class Model(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])
        def serve(self, x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                small = tf.image.resize(x, [5, 6], "lanczos3", antialias=True)
                loss = tf.reduce_sum(small * small)
            return {"small": small, "grad": tape.gradient(loss, x),
                    "big": tf.image.resize(x, [17, 19], "gaussian"),
                    "bilinear": tf.image.resize(x, [4, 4], antialias=True)}
    export = str(tmp_path / "module")
    m = Model()
    tf.saved_model.save(m, export, signatures={"serving_default": m.serve})
    x = _image("float32", (11, 13), seed=6)
    want = tf.saved_model.load(export).signatures["serving_default"](x=tf.constant(x))
    with gc.Graph().as_default(), gc.Session() as sess:
        sig = gc.saved_model.loader.load(sess, ["serve"], export).signature_def[
            "serving_default"]
        got = sess.run({k: v.name for k, v in sig.outputs.items()},
                       {sig.inputs["x"].name: x})
    for k, v in want.items():
        np.testing.assert_allclose(got[k], v.numpy(), err_msg=k, **_tol(v.numpy()))
