"""Samples for graphc.ops.image_scale (see samples.py): ScaleAndTranslate and its
transpose ScaleAndTranslateGrad. Both take float32 (TF's gradient has no other dtype),
so the builds cast the registry's float64 inputs; values are checked against a
pixel-by-pixel reference of TF's kernel in tests/test_image_scale.py and against TF in
tests/test_tf_parity_image_scale.py."""
import graphc as gc
from graphc.ops.image_scale import SCALE_AND_TRANSLATE_GRAD, scale_and_translate
from graphc.ops.registry import apply1
from samples import Sample, normal

_LOOSE = {"eps": 1e-2, "rtol": 1e-3, "atol": 1e-3}      # float32 outputs
_TF = {"rtol": 1e-5, "atol": 1e-6}       # TF sums in float32, graphc in float64, rounded


def _f32(t):
    return gc.cast(t, gc.float32)


def _grad(g, x):
    return apply1(SCALE_AND_TRANSLATE_GRAD, (_f32(g), _f32(x), gc.constant([0.7, 1.6]),
                                             gc.constant([0.3, -0.5])),
                  kernel_type="gaussian", antialias=False)


SAMPLES = [
    Sample("ScaleAndTranslate",
           lambda x: scale_and_translate(_f32(x), [3, 5], [0.6, 1.25], [0.0, 0.25]),
           lambda r: [normal(r, (2, 5, 4, 2))], grad_kw=_LOOSE, id="lanczos3 down/up", **_TF),
    Sample("ScaleAndTranslate",
           lambda x: scale_and_translate(_f32(x), [7, 2], [7 / 3, 0.4], [0.0, 0.0],
                                         "mitchellcubic", antialias=False),
           lambda r: [normal(r, (1, 3, 5, 3))], grad_kw=_LOOSE, id="mitchellcubic", **_TF),
    Sample("ScaleAndTranslate",
           lambda x: scale_and_translate(x, [2, 3], [0.5, 0.75], [0.0, 0.0], "triangle"),
           lambda r: [r.integers(0, 255, (2, 4, 4, 1)).astype("uint8")], grad=False,
           id="uint8", rtol=1e-5, atol=1e-4),
    Sample("ScaleAndTranslateGrad", _grad,
           lambda r: [normal(r, (2, 4, 8, 2)), normal(r, (2, 5, 6, 2))], wrt=(0,),
           grad_kw=_LOOSE, **_TF),
]
