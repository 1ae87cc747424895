"""Parity of gc.io.export_tf_graph_def for the ops of tf_graphdef_export_more*.py that the
shared sample sweep cannot check: 3-D pooling and convolution in float32 (TF's CPU
kernels lack float64), seeded random ops (shapes, dtypes and ranges: TF's streams are
not graphc's), and the refusals."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef_import import UnsupportedOpError
from tf_parity import tf, v1


def _run_in_tf(gd, fetches, feeds):
    g = tf.Graph()
    with g.as_default():
        v1.import_graph_def(tf.compat.v1.GraphDef.FromString(gd.SerializeToString()),
                            name="")
        with v1.Session() as s:
            return s.run(fetches, feeds)


def _both(build, *arrays, grad=True):
    """graphc's values (and gradients of sum(out^2)) and TF's, from the exported graph."""
    with gc.Graph().as_default() as g:
        phs = [gc.placeholder(gc.as_dtype(a.dtype), a.shape, name=f"in{i}")
               for i, a in enumerate(arrays)]
        outs = build(*phs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        if grad:
            outs += gc.gradients(gc.add_n([gc.reduce_sum(o * o) for o in outs]), phs)
        with gc.Session() as s:
            want = s.run(outs, dict(zip(phs, arrays)))
        gd = gc.io.export_tf_graph_def(g)
    got = _run_in_tf(gd, [t.name for t in outs], {f"in{i}:0": a for i, a in enumerate(arrays)})
    return want, got


def _close(want, got, rtol=1e-4, atol=1e-5):
    for w, v in zip(want, got):
        w, v = np.asarray(w), np.asarray(v)
        assert (v.dtype, v.shape) == (w.dtype, w.shape)
        np.testing.assert_allclose(v, w, rtol=rtol, atol=atol)


rng = np.random.default_rng(0)
X5 = rng.standard_normal((2, 4, 6, 7, 3)).astype(np.float32)


@pytest.mark.parametrize("op", ["max_pool3d", "avg_pool3d"])
@pytest.mark.parametrize("padding,k,s", [("VALID", 2, 2), ("SAME", (3, 2, 2), (1, 2, 2))])
def test_pool3d_float32(op, padding, k, s):
    _close(*_both(lambda x: getattr(gc.nn, op)(x, k, s, padding), X5))


@pytest.mark.parametrize("padding,strides", [("SAME", (1, 2, 2, 1, 1)), ("VALID", 1)])
def test_conv3d_float32(padding, strides):
    f = rng.standard_normal((2, 3, 2, 3, 4)).astype(np.float32)
    strides = [1] + list(strides[:3]) + [1] if isinstance(strides, tuple) else [1] * 5
    _close(*_both(lambda x, w: gc.nn.conv3d(x, w, strides, padding), X5, f), atol=1e-3)


def test_pool3d_float64_refused():
    with gc.Graph().as_default() as g:
        gc.nn.max_pool3d(gc.placeholder(gc.float64, (1, 4, 4, 4, 1)), 2, 2, "VALID")
        with pytest.raises(UnsupportedOpError, match="float16/bfloat16/float32, not float64"):
            gc.io.export_tf_graph_def(g)


def test_svd_full_one_extra_column_matches():
    a = rng.standard_normal((2, 4, 3))
    _close(*_both(lambda x: gc.svd(x, full_matrices=True), a, grad=False), rtol=1e-8,
           atol=1e-10)


def test_svd_full_two_extra_columns_refused():
    with gc.Graph().as_default() as g:
        gc.svd(gc.placeholder(gc.float64, (5, 3)), full_matrices=True)
        with pytest.raises(UnsupportedOpError, match="orthonormal basis"):
            gc.io.export_tf_graph_def(g)


def test_searchsorted_1d_and_3d():
    seq = np.sort(rng.standard_normal((2, 3, 6)), axis=-1)
    vals = rng.standard_normal((2, 3, 4))
    want, got = _both(lambda s, v: [gc.searchsorted(s, v), gc.searchsorted(s, v, "right")],
                      seq, vals, grad=False)
    _close(want, got)
    want, got = _both(lambda s, v: gc.searchsorted(s, v), seq[0, 0], vals[0, 0], grad=False)
    _close(want, got)


def _random_in_tf(build):
    with gc.Graph().as_default() as g:
        out = build()
        with gc.Session() as s:
            want = s.run(out)
        gd = gc.io.export_tf_graph_def(g)
    return want, _run_in_tf(gd, out.name, {})


def test_random_uniform_int():
    want, got = _random_in_tf(lambda: gc.random.uniform((50, 3), 2, 9, gc.int64, seed=3))
    assert (got.dtype, got.shape) == (want.dtype, want.shape)
    assert got.min() >= 2 and got.max() < 9


def test_random_shuffle_is_a_permutation():
    x = np.arange(40, dtype=np.float64).reshape(20, 2)
    want, got = _random_in_tf(lambda: gc.random_shuffle(gc.constant(x), seed=5))
    assert (got.dtype, got.shape) == (want.dtype, want.shape)
    np.testing.assert_array_equal(np.sort(got, axis=0), x)
    np.testing.assert_array_equal(got[:, 1] - got[:, 0], 1)


def test_multinomial():
    logits = np.log([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    want, got = _random_in_tf(lambda: gc.random.categorical(gc.constant(logits), 30,
                                                            seed=1))
    assert (got.dtype, got.shape) == (want.dtype, want.shape)
    assert set(got[0]) <= {0, 1} and set(got[1]) == {2}
