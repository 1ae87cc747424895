"""gc.contrib.losses (TF 1.15 tf.contrib.losses) against numpy written here."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import losses as L

F = np.float32
RNG = np.random.default_rng(0)
P = RNG.normal(size=(3, 4)).astype(F)
Y = RNG.normal(size=(3, 4)).astype(F)


def _run(t):
    with gc.Session() as s:
        return s.run(t)


def _contrib_mean(losses, w):
    """contrib's rule: weights broadcast from the front, / elements of nonzero weights."""
    w = np.asarray(w, F)
    if w.ndim > 1 and w.shape[-1] == 1:
        w = w[..., 0]
    wb = w.reshape(w.shape + (1,) * (losses.ndim - w.ndim)) * np.ones_like(losses)
    num = np.count_nonzero(wb)
    return (losses * wb).sum() / num if num else 0.0


@pytest.mark.parametrize("w", [1.0, 0.0, 2.5, [1.0, 0.0, 2.0], [[1.0], [0.0], [3.0]],
                               np.arange(12, dtype=F).reshape(3, 4)])
def test_weighted_elementwise_losses(w):
    with gc.Graph().as_default():
        got = _run([L.mean_squared_error(P, Y, weights=w), L.absolute_difference(P, Y, w)])
        np.testing.assert_allclose(got[0], _contrib_mean((P - Y) ** 2, w), rtol=1e-5)
        np.testing.assert_allclose(got[1], _contrib_mean(np.abs(P - Y), w), rtol=1e-5)


def test_scalar_weight_scales_the_mean_unlike_tf_losses_it_does_not_renormalize():
    with gc.Graph().as_default():
        got = _run(L.mean_squared_error(P, Y, weights=3.0))
    np.testing.assert_allclose(got, 3 * ((P - Y) ** 2).mean(), rtol=1e-5)


def test_log_hinge_cosine():
    p = RNG.uniform(0.05, 0.95, size=(3, 4)).astype(F)
    y = (RNG.uniform(size=(3, 4)) > 0.5).astype(F)
    with gc.Graph().as_default():
        log, hinge, cos = _run([L.log_loss(p, y, weights=[1.0, 2.0, 0.0]),
                                L.hinge_loss(P, y), L.cosine_distance(P, Y, axis=1)])
    e = 1e-7
    ref = -y * np.log(p + e) - (1 - y) * np.log(1 - p + e)
    np.testing.assert_allclose(log, _contrib_mean(ref, [1.0, 2.0, 0.0]), rtol=1e-5)
    np.testing.assert_allclose(hinge, np.maximum(0, 1 - (2 * y - 1) * P), rtol=1e-6)
    np.testing.assert_allclose(cos, (1 - (P * Y).sum(1)).mean(), rtol=1e-5)


def test_cross_entropies():
    onehot = np.eye(4, dtype=F)[[0, 3, 1]]
    ids = np.array([[0], [3], [1]], np.int32)
    logp = P - np.log(np.exp(P).sum(1, keepdims=True))
    with gc.Graph().as_default():
        soft, smooth, sparse, sig = _run([
            L.softmax_cross_entropy(P, onehot, weights=[1.0, 2.0, 3.0]),
            L.softmax_cross_entropy(P, onehot, label_smoothing=0.2),
            L.sparse_softmax_cross_entropy(P, ids),
            L.sigmoid_cross_entropy(P, (Y > 0).astype(F), label_smoothing=0.1)])
    np.testing.assert_allclose(soft, _contrib_mean(-(onehot * logp).sum(1), [1, 2, 3]), 1e-5)
    sm = onehot * 0.8 + 0.2 / 4
    np.testing.assert_allclose(smooth, (-(sm * logp).sum(1)).mean(), rtol=1e-5)
    np.testing.assert_allclose(sparse, (-(onehot * logp).sum(1)).mean(), rtol=1e-5)
    z = (Y > 0).astype(F) * 0.9 + 0.05
    ref = np.maximum(P, 0) - P * z + np.log1p(np.exp(-np.abs(P)))
    np.testing.assert_allclose(sig, ref.mean(), rtol=1e-5)


@pytest.mark.parametrize("w", [1.0, [1.0, 0.0, 2.0]])
def test_mean_pairwise_squared_error(w):
    with gc.Graph().as_default():
        got = _run(L.mean_pairwise_squared_error(P, Y, weights=w))
    d = P - Y
    n = d.shape[1]
    per_row = np.array([sum(((r[i] - r[j]) ** 2) for i in range(n) for j in range(n))
                        for r in d]) / n ** 2           # the contrib formula: all ordered pairs
    np.testing.assert_allclose(got, (per_row * np.broadcast_to(w, (3,))).sum(), rtol=1e-5)


def test_collection_total_and_dtype():
    with gc.Graph().as_default():
        a = L.mean_squared_error(P, Y)
        L.add_loss(gc.constant(5.0))
        total = L.get_total_loss(add_regularization_losses=False)
        assert total.name == "total_loss:0"
        np.testing.assert_allclose(_run(total), ((P - Y) ** 2).mean() + 5, rtol=1e-5)
        b = L.compute_weighted_loss(np.ones((2, 2)), weights=0.0)
        assert b.dtype is gc.float64                  # cast back to the losses' dtype
        assert len(L.get_losses()) == 3 and L.get_losses()[0] is a
        assert a.name == "mean_squared_error/value:0"
        assert _run(b) == 0.0
        with pytest.raises(gc.errors.DTypeError):     # as TF: add_n of float32 and float64
            L.get_total_loss()


def test_errors():
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="predictions"):
            L.mean_squared_error(P, Y[:, :3])
        with pytest.raises(ValueError, match="labels must not be None"):
            L.absolute_difference(P)
        with pytest.raises(ValueError, match="cannot both be None"):
            L.cosine_distance(P, Y)
        with pytest.raises(ValueError, match="both 'axis' and 'dim'"):
            L.cosine_distance(P, Y, axis=1, dim=1)
        with pytest.raises(ValueError, match="ndims cannot be None"):
            L.compute_weighted_loss(gc.placeholder(gc.float32))
        with pytest.raises(ValueError, match="hold no loss"):
            L.get_total_loss()


@pytest.mark.parametrize("make", [
    lambda x: L.mean_squared_error(x, Y, weights=[1.0, 0.0, 2.0]),
    lambda x: L.softmax_cross_entropy(x, np.eye(4, dtype=F)[[0, 3, 1]], label_smoothing=0.1),
    lambda x: L.mean_pairwise_squared_error(x, Y),
    lambda x: L.sigmoid_cross_entropy(x, (Y > 0).astype(F)),
])
def test_gradients_match_finite_differences(make):
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, (3, 4))
        loss = make(gc.cast(x, gc.float32))
        with gc.Session():
            err = gc.test.compute_gradient_error(x, (3, 4), loss, (), x_init_value=P.astype(
                np.float64))
    assert err < 2e-2
