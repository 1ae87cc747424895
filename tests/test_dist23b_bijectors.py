"""TF 1.15's SoftmaxCentered, Permute, CholeskyOuterProduct, MaskedAutoregressiveFlow
(with the MADE template) and RealNVP bijectors (gc.contrib.distributions.bijectors):
maps against closed forms, log-det-Jacobians against numeric Jacobians."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp, numeric_jacobian

ds = gc.contrib.distributions
tfb = ds.bijectors


def _run(fetches, feed=None, init=False):
    with gc.Session() as sess:
        if init:
            sess.run(gc.global_variables_initializer())
        return sess.run(fetches, feed)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_softmax_centered():
    b = tfb.SoftmaxCentered()
    x = np.array([[0.3, -1.2, 0.4], [2.0, 0.5, -3.0]])
    y_ref = _softmax(np.concatenate([x, np.zeros((2, 1))], -1))
    y, x_back, fldj, ildj = _run([b.forward(x), b.inverse(y_ref),
                                  b.forward_log_det_jacobian(x, event_ndims=1),
                                  b.inverse_log_det_jacobian(y_ref, event_ndims=1)])
    np.testing.assert_allclose(y, y_ref, rtol=1e-12)
    np.testing.assert_allclose(x_back, x, rtol=1e-10)
    num = [np.linalg.slogdet(numeric_jacobian(
        lambda v: _softmax(np.append(v, 0.0))[:-1], row))[1] for row in x]
    np.testing.assert_allclose(fldj, num, rtol=1e-7)
    np.testing.assert_allclose(ildj, -np.array(num), rtol=1e-7)
    assert b.forward_event_shape([5, 3]).as_list() == [5, 4]
    assert b.inverse_event_shape([4]).as_list() == [3]
    assert _run(b.forward_event_shape_tensor([2, 3])).tolist() == [2, 4]
    check_vjp(lambda v: b.forward_log_det_jacobian(v, event_ndims=1), [x])


def test_permute():
    v = np.arange(12.0).reshape(2, 3, 2)
    last = tfb.Permute([2, 0, 1])
    mid = tfb.Permute([1, 2, 0], axis=-2)
    assert last.forward_min_event_ndims == 1 and mid.forward_min_event_ndims == 2
    f, back, fm, ldj = _run([last.forward(v[..., 0]), last.inverse(last.forward(v[..., 0])),
                             mid.forward(v), last.inverse_log_det_jacobian(v[..., 0], 1)])
    np.testing.assert_array_equal(f, v[..., 0][:, [2, 0, 1]])
    np.testing.assert_array_equal(back, v[..., 0])
    np.testing.assert_array_equal(fm, v[:, [1, 2, 0], :])
    np.testing.assert_array_equal(ldj, [0.0, 0.0])
    with pytest.raises(ValueError, match="exactly one of each"):
        tfb.Permute([0, 2, 2])
    with pytest.raises(NotImplementedError, match="negative"):
        tfb.Permute([1, 0], axis=1)
    with pytest.raises(TypeError, match="int"):
        tfb.Permute([1.0, 0.0])


def _vech(m):
    return m[np.tril_indices(m.shape[-1])]


def _unvech(v, p):
    m = np.zeros((p, p))
    m[np.tril_indices(p)] = v
    return m


def test_cholesky_outer_product():
    b = tfb.CholeskyOuterProduct()
    L = np.array([[[1.5, 0.0, 0.0], [0.3, 0.7, 0.0], [-0.4, 1.1, 2.0]],
                  [[0.5, 0.0, 0.0], [0.2, 1.3, 0.0], [0.1, -0.2, 0.9]]])
    y, back, fldj, ildj = _run([b.forward(L), b.inverse(L @ np.swapaxes(L, -1, -2)),
                                b.forward_log_det_jacobian(L, event_ndims=2),
                                b.inverse_log_det_jacobian(L @ np.swapaxes(L, -1, -2), 2)])
    np.testing.assert_allclose(y, L @ np.swapaxes(L, -1, -2), rtol=1e-12)
    np.testing.assert_allclose(back, L, rtol=1e-10)
    # the map on the lower triangles (6 free entries each)
    num = [np.linalg.slogdet(numeric_jacobian(
        lambda v: _vech(_unvech(v, 3) @ _unvech(v, 3).T), _vech(m)))[1] for m in L]
    np.testing.assert_allclose(fldj, num, rtol=1e-7)
    np.testing.assert_allclose(ildj, -np.array(num), rtol=1e-7)
    check_vjp(lambda m: b.forward_log_det_jacobian(m, event_ndims=2), [L])
    checked = tfb.CholeskyOuterProduct(validate_args=True)
    with pytest.raises(gc.errors.InvalidArgumentError):
        _run(checked.forward(gc.placeholder_with_default(L[0].T, [3, 3])))


def _flow_jacobian(fn, x, init=True):
    """(f(x), its numeric Jacobian per row) for a bijector map in one graph."""
    ph = gc.placeholder(gc.float64, [None, x.shape[-1]])
    out = fn(ph)
    with gc.Session() as sess:
        if init:
            sess.run(gc.global_variables_initializer())
        f = lambda v: sess.run(out, {ph: v[None]})[0]
        return sess.run(out, {ph: x}), [numeric_jacobian(f, row) for row in x]


def test_masked_autoregressive_flow():
    gc.set_random_seed(1)
    made = tfb.masked_autoregressive_default_template(hidden_layers=[6, 6])
    maf = tfb.MaskedAutoregressiveFlow(shift_and_log_scale_fn=made)
    x = np.random.default_rng(0).standard_normal((3, 4))
    xt = gc.constant(x)
    y = maf.forward(xt)
    unrolled = tfb.MaskedAutoregressiveFlow(made, unroll_loop=True).forward(xt)
    names = [v.name for v in gc.global_variables()]
    assert names[:2] == ["masked_autoregressive_default_template/dense/kernel:0",
                         "masked_autoregressive_default_template/dense/bias:0"]
    assert len(names) == 6          # three layers, shared by every call
    kernels = [v for v in gc.trainable_variables() if "kernel" in v.name]
    # nonzero biases so that the flow is not the identity on its first coordinate
    biases = [v for v in gc.trainable_variables() if "bias" in v.name]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run([b.assign(0.3 * np.sin(np.arange(b.shape.as_list()[0]) + 1.0))
                  for b in biases])
        yv, yu = sess.run([y, unrolled])
        ph = gc.placeholder(gc.float64, [None, 4])
        back, ildj = sess.run([maf.inverse(ph), maf.inverse_log_det_jacobian(ph, 1)],
                              {ph: yv})
        fwd = maf.forward(ph)
        jac = [numeric_jacobian(lambda v: sess.run(fwd, {ph: v[None]})[0], row) for row in x]
        masks = sess.run(kernels)
    np.testing.assert_allclose(yu, yv, rtol=1e-12)
    np.testing.assert_allclose(back, x, rtol=1e-9, atol=1e-12)
    for j in jac:                   # autoregressive: a lower-triangular Jacobian
        np.testing.assert_allclose(np.triu(j, 1), 0.0, atol=1e-9)
    np.testing.assert_allclose(ildj, [-np.linalg.slogdet(j)[1] for j in jac], rtol=1e-6)
    # MADE degrees (TF1's blocks of 6 // 4 = 1 unit, the 2 left over in the last block):
    # hidden unit j sees inputs i < j + 1 ... exclusive of its own block
    i, j = np.indices((4, 6))
    np.testing.assert_array_equal(masks[0] != 0, j >= i + 1)


def test_maf_density_trains_and_keeps_its_mask():
    gc.set_random_seed(2)
    dist = ds.TransformedDistribution(
        distribution=ds.Normal(loc=np.float64(0.0), scale=np.float64(1.0)),
        bijector=tfb.MaskedAutoregressiveFlow(
            tfb.masked_autoregressive_default_template(hidden_layers=[5])),
        event_shape=[3])
    data = np.random.default_rng(1).standard_normal((16, 3)) * [1.0, 2.0, 0.5]
    loss = -gc.reduce_mean(dist.log_prob(data))
    step = gc.train.GradientDescentOptimizer(0.05).minimize(loss)
    kernel = [v for v in gc.trainable_variables() if "kernel" in v.name][0]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        before = sess.run(loss)
        for _ in range(5):
            sess.run(step)
        after, k = sess.run([loss, kernel])
    assert after < before
    # the constraint keeps the masked entries (which have gradients) at zero
    i, j = np.indices((3, 5))
    np.testing.assert_array_equal(k != 0, j >= i + 1)


def test_real_nvp():
    gc.set_random_seed(3)
    nvp = tfb.RealNVP(num_masked=2,
                      shift_and_log_scale_fn=tfb.real_nvp_default_template([4]))
    x = np.random.default_rng(2).standard_normal((3, 5))
    ph = gc.placeholder(gc.float64, [None, 5])
    y, fldj = nvp.forward(ph), nvp.forward_log_det_jacobian(ph, event_ndims=1)
    names = sorted(v.name for v in gc.global_variables())
    assert names[0] == "real_nvp_default_template/dense/bias:0" and len(names) == 4
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run([v.assign(0.5 + 0.0 * v) for v in gc.global_variables()
                  if "bias" in v.name])
        yv, fv = sess.run([y, fldj], {ph: x})
        back, ildj = sess.run([nvp.inverse(ph), nvp.inverse_log_det_jacobian(ph, 1)],
                              {ph: yv})
        jac = [numeric_jacobian(lambda v: sess.run(y, {ph: v[None]})[0], row) for row in x]
    np.testing.assert_array_equal(yv[:, :2], x[:, :2])
    np.testing.assert_allclose(back, x, rtol=1e-9, atol=1e-12)
    logdet = [np.linalg.slogdet(j)[1] for j in jac]
    np.testing.assert_allclose(fv, logdet, rtol=1e-6)
    np.testing.assert_allclose(ildj, -np.array(logdet), rtol=1e-6)
    shift_only = tfb.RealNVP(1, tfb.real_nvp_default_template([3], shift_only=True))
    zero, = _run([shift_only.forward_log_det_jacobian(x, event_ndims=1)], init=True)
    assert zero == 0.0
    with pytest.raises(ValueError, match="smaller than the event size"):
        tfb.RealNVP(5, tfb.real_nvp_default_template([3])).forward(x)
    with pytest.raises(ValueError, match="positive"):
        tfb.RealNVP(0, None)
