"""Hunt 22 against TensorFlow (skipped without it): sparse_placeholder's shape forms
(static shapes, names, dense_shape defaults, feeds), and gc.contrib.distributions'
re-exported Normal and MultivariateNormalDiag against TF's tf.distributions.Normal
(TF 2.21 has no tf.contrib, so MVNDiag is checked as the product of TF's Normals)."""
import numpy as np
import pytest

from tf_parity import tf, v1

import graphc as gc

FEED = (np.array([[0, 1], [2, 3]]), np.array([1.0, 2.0], np.float32), (3, 4))


def _shape_cases(m):
    return {"none": None, "list": [3, 4], "minus_one": [-1, 4], "none_dim": [None, 4],
            "tuple3": (2, 3, 5), "numpy": np.array([3, 4]), "empty": [],
            "tensorshape": m.TensorShape([None, 4]),
            "dimension": [m.Dimension(3), m.Dimension(None)],
            "const": lambda: m.constant([3, 4], dtype=m.int64),
            "placeholder": lambda: m.placeholder(m.int64, [2])}


def _dims(shape):
    return None if shape.ndims is None else shape.as_list()


def _describe(m, key, name):
    g = m.Graph()
    with g.as_default():
        shape = _shape_cases(m)[key]
        sp = m.sparse_placeholder(m.float32, shape=shape() if callable(shape) else shape,
                                  name=name)
        out = {"shape": _dims(sp.shape), "dense_shape": _dims(sp.dense_shape.shape),
               "indices": _dims(sp.indices.shape),
               "ops": [op.name for op in g.get_operations()]}
        with m.Session() as sess:
            if sp.dense_shape.op.type == "PlaceholderWithDefault" and key != "placeholder":
                out["default"] = sess.run(sp.dense_shape).tolist()
            if key not in ("tuple3", "empty"):
                for feed in (FEED, m.SparseTensorValue(*FEED)):
                    got = sess.run(sp, {sp: feed})
                    out.setdefault("fed", []).append(
                        [got.indices.tolist(), got.values.tolist(), got.dense_shape.tolist()])
                y = m.sparse_tensor_dense_matmul(sp, m.ones([4, 2]))
                out["matmul"] = sess.run(y, {sp: FEED}).tolist()
    return out


@pytest.mark.parametrize("key", sorted(_shape_cases(gc)))
@pytest.mark.parametrize("name", [None, "sp"])
def test_sparse_placeholder_matches_tf(key, name):
    assert _describe(gc, key, name) == _describe(v1, key, name)


def test_sparse_placeholder_int32_shape_tensor_rejected_as_in_tf():
    with v1.Graph().as_default():
        with pytest.raises(ValueError):
            v1.sparse_placeholder(v1.float32, shape=v1.constant([3, 4]))
    with gc.Graph().as_default():
        with pytest.raises(gc.errors.DTypeError, match="must be int64"):
            gc.sparse_placeholder(gc.float32, shape=gc.constant([3, 4]))


def _normals(m, dist, mu, sd, mu2, sd2, x):
    g = m.Graph()
    with g.as_default():
        a, b = dist.Normal(mu, sd), dist.Normal(mu2, sd2)
        outs = [a.log_prob(x), a.entropy(), dist.kl_divergence(a, b), a.cdf(x)]
        with m.Session() as sess:
            return sess.run(outs)


def test_contrib_normal_is_tf_distributions_normal():
    rng = np.random.RandomState(0)
    args = [rng.randn(2, 3).astype(np.float32), (rng.rand(2, 3) + 0.5).astype(np.float32),
            rng.randn(3).astype(np.float32), (rng.rand(3) + 0.5).astype(np.float32),
            rng.randn(4, 2, 3).astype(np.float32)]
    ours = _normals(gc, gc.contrib.distributions, *args)
    theirs = _normals(v1, v1.distributions, *args)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_mvn_diag_against_tf_normal_products():
    rng = np.random.RandomState(1)
    mu, sd = rng.randn(2, 3).astype(np.float32), (rng.rand(2, 3) + 0.5).astype(np.float32)
    mu2, sd2 = rng.randn(3).astype(np.float32), (rng.rand(3) + 0.5).astype(np.float32)
    x = rng.randn(4, 2, 3).astype(np.float32)
    theirs = [np.sum(v, -1) for v in _normals(v1, v1.distributions, mu, sd, mu2, sd2, x)[:3]]
    with gc.Graph().as_default():
        D = gc.contrib.distributions
        a, b = D.MultivariateNormalDiag(mu, sd), D.MultivariateNormalDiag(mu2, sd2)
        with gc.Session() as sess:
            ours = sess.run([a.log_prob(x), a.entropy(), D.kl_divergence(a, b)])
    for u, v in zip(ours, theirs):
        np.testing.assert_allclose(u, v, rtol=2e-6, atol=2e-6)
    assert tf.__version__          # the comparison above ran against TensorFlow
