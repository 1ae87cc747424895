"""gc.contrib.distributions.bijectors: TF 1.15's Bijector base and bijectors, against
closed forms (numpy) and numerical derivatives. The base's event_ndims reductions were
checked against TF 2.21's tensorflow.python.ops.distributions.bijector_impl."""
import numpy as np
import pytest

import graphc as gc

tfb = gc.contrib.distributions.bijectors


def _run(fetches):
    with gc.Session() as sess:
        return sess.run(fetches)


def _softplus(x):
    return np.logaddexp(0.0, x)


def test_elementwise_bijectors_match_closed_forms():
    x = np.array([[-1.5, 0.3, 2.0], [0.7, -0.2, 1.1]])
    xp = np.abs(x) + 0.1                                  # for Square / PowerTransform
    cases = [  # bijector, x, forward, d forward / dx
        (tfb.Identity(), x, x, np.ones_like(x)),
        (tfb.Exp(), x, np.exp(x), np.exp(x)),
        (tfb.Softplus(), x, _softplus(x), 1 / (1 + np.exp(-x))),
        (tfb.Softplus(hinge_softness=0.5), x, 0.5 * _softplus(x / 0.5),
         1 / (1 + np.exp(-x / 0.5))),
        (tfb.Sigmoid(), x, 1 / (1 + np.exp(-x)), np.exp(-x) / (1 + np.exp(-x)) ** 2),
        (tfb.Square(), xp, xp ** 2, 2 * xp),
        (tfb.PowerTransform(power=0.5), xp, (1 + 0.5 * xp) ** 2, 1 + 0.5 * xp),
        (tfb.AffineScalar(shift=np.float64(1.0), scale=-3.0), x, 1 - 3 * x, np.full_like(x, 3.0)),
    ]
    fetches = []
    for b, xv, _, _ in cases:
        y_t = b.forward(gc.constant(xv))
        fetches.append((y_t, b.inverse(gc.identity(y_t)),
                        b.forward_log_det_jacobian(gc.constant(xv), event_ndims=0),
                        b.inverse_log_det_jacobian(gc.identity(y_t), event_ndims=0),
                        b.forward_log_det_jacobian(gc.constant(xv), event_ndims=2)))
    got = _run(fetches)
    for (b, xv, fwd, dfwd), (y, xb, fldj, ildj, fldj2) in zip(cases, got):
        np.testing.assert_allclose(y, fwd, rtol=1e-12, err_msg=b.name)
        np.testing.assert_allclose(xb, xv, rtol=1e-9, atol=1e-12, err_msg=b.name)
        np.testing.assert_allclose(np.broadcast_to(fldj, xv.shape), np.log(dfwd),
                                   rtol=1e-10, atol=1e-12, err_msg=b.name)
        np.testing.assert_allclose(np.broadcast_to(ildj, xv.shape), -np.log(dfwd),
                                   rtol=1e-9, atol=1e-12, err_msg=b.name)
        assert np.shape(fldj2) == ()
        np.testing.assert_allclose(fldj2, np.log(dfwd).sum(), rtol=1e-10, err_msg=b.name)
    assert [b.name for b, *_ in cases] == [
        "identity", "exp", "softplus", "softplus", "sigmoid", "square",
        "power_transform", "affine_scalar"]


def test_event_ndims_reduction_cache_and_errors():
    exp = tfb.Exp()
    x = gc.constant(np.full((4, 2, 3), 0.5))
    y = exp.forward(x)
    assert exp.inverse(y) is x and exp.forward(x) is y       # cached pair
    shapes = [exp.inverse_log_det_jacobian(y, event_ndims=n).shape.as_list()
              for n in (0, 1, 2, 3)]
    assert shapes == [[4, 2, 3], [4, 2], [4], []]
    # a constant Jacobian given for one point is counted once per event element
    ildj = tfb.AffineScalar(scale=2.0).inverse_log_det_jacobian(
        gc.ones((4, 2, 3)), event_ndims=2)
    np.testing.assert_allclose(_run(ildj), -6 * np.log(2.0), rtol=1e-6)
    with pytest.raises(ValueError, match=r"event_ndims \(0\) must be larger than "
                                         r"min_event_ndims \(1\)"):
        tfb.Affine(shift=[1.0, 2.0]).forward_log_det_jacobian(gc.ones((2,)), 0)
    with pytest.raises(TypeError, match="float64 but the bijector expects float32"):
        tfb.Affine(shift=[1.0, 2.0]).forward(np.ones(2))
    with pytest.raises(ValueError, match="non-negative"):
        tfb.PowerTransform(power=-1.0)


def test_affine_variants_match_dense_matrices():
    rng = np.random.default_rng(0)
    k = 3
    x = rng.standard_normal((5, k))
    shift = rng.standard_normal(k)
    tril = rng.standard_normal((k, k))
    diag = rng.uniform(1, 2, k)
    u = rng.standard_normal((k, 2))
    pd = rng.uniform(0.5, 1, 2)
    cases = [  # Affine kwargs, dense scale
        (dict(scale_tril=tril, scale_diag=diag, scale_identity_multiplier=0.5),
         np.tril(tril) + np.diag(diag) + 0.5 * np.eye(k)),
        (dict(scale_diag=diag), np.diag(diag)),
        (dict(scale_identity_multiplier=2.5, scale_perturb_factor=u,
              scale_perturb_diag=pd), 2.5 * np.eye(k) + u @ np.diag(pd) @ u.T),
        (dict(scale_perturb_factor=u), np.eye(k) + u @ u.T),
        (dict(scale_identity_multiplier=-2.0), -2.0 * np.eye(k)),
        (dict(), np.eye(k)),
    ]
    fetches = []
    for kwargs, _ in cases:
        b = tfb.Affine(shift=shift, **kwargs)
        y = b.forward(x)
        fetches.append((y, b.inverse(gc.identity(y)), b.forward_log_det_jacobian(x, 1),
                        b.inverse_log_det_jacobian(y, 2)))
    op = tfb.AffineLinearOperator(shift=shift, scale=gc.linalg.LinearOperatorDiag(diag))
    fetches.append((op.forward(x), op.inverse(op.forward(x) + 0.0),
                    op.forward_log_det_jacobian(x, 1), op.inverse_log_det_jacobian(x, 2)))
    cases.append((None, np.diag(diag)))
    for (_, m), (y, xb, fldj, ildj2) in zip(cases, _run(fetches)):
        logdet = np.linalg.slogdet(m)[1]
        np.testing.assert_allclose(y, x @ m.T + shift, rtol=1e-10)
        np.testing.assert_allclose(xb, x, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(fldj, logdet, rtol=1e-10)
        np.testing.assert_allclose(ildj2, -5 * logdet, rtol=1e-10)


def test_chain_invert_reshape():
    x = np.array([[-1.0, 0.5], [2.0, 0.1]])
    chain = tfb.Chain([tfb.Exp(), tfb.Softplus()])
    assert chain.name == "chain_of_exp_of_softplus"
    inv = tfb.Invert(tfb.Exp())
    assert inv.name == "invert_exp"
    # Affine (vector events) after an elementwise map: the chain's events are vectors
    mixed = tfb.Chain([tfb.Affine(shift=np.array([1.0, -1.0]), scale_diag=[2.0, 3.0]),
                       tfb.Exp()])
    assert (mixed.forward_min_event_ndims, mixed.inverse_min_event_ndims) == (1, 1)
    r = tfb.Reshape(event_shape_out=[2, -1], event_shape_in=[4])
    assert (r.forward_min_event_ndims, r.inverse_min_event_ndims) == (1, 2)
    assert r.forward_event_shape([4]).as_list() == [2, 2]
    rx = r.forward(gc.constant(np.arange(12.0).reshape(3, 4)))
    assert rx.shape.as_list() == [3, 2, 2]
    through = tfb.Chain([tfb.Invert(r), tfb.Exp(), r])     # exp, by way of a reshape
    y = chain.forward(x)
    got = _run([y, chain.inverse(gc.identity(y)), chain.inverse_log_det_jacobian(y, 1),
                inv.forward(np.exp(x)), inv.forward_log_det_jacobian(np.exp(x), 0),
                mixed.forward(x), mixed.forward_log_det_jacobian(x, 1), rx,
                tfb.Reshape([3, -1]).forward_event_shape_tensor([12]),
                through.forward_log_det_jacobian(gc.constant(x.reshape(1, 4)), 1)])
    y_np = 1 + np.exp(x)                    # exp(softplus(x))
    np.testing.assert_allclose(got[0], y_np, rtol=1e-12)
    np.testing.assert_allclose(got[1], x, rtol=1e-10)
    # x = log(y - 1): dx/dy = 1 / (y - 1)
    np.testing.assert_allclose(got[2], -np.log(y_np - 1).sum(-1), rtol=1e-10)
    np.testing.assert_allclose(got[3], x, rtol=1e-12)
    np.testing.assert_allclose(got[4], -x, rtol=1e-12)
    np.testing.assert_allclose(got[5], np.exp(x) * [2, 3] + [1, -1], rtol=1e-12)
    np.testing.assert_allclose(got[6], x.sum(-1) + np.log(6.0), rtol=1e-12)
    np.testing.assert_array_equal(got[7], np.arange(12.0).reshape(3, 2, 2))
    np.testing.assert_array_equal(got[8], [3, 4])
    np.testing.assert_allclose(got[9], [x.sum()], rtol=1e-12)


def test_bijector_subclass_fallbacks():
    class Cube(tfb.Bijector):
        def __init__(self):
            super().__init__(forward_min_event_ndims=0)

        def _forward(self, x):
            return x ** 3

        def _inverse(self, y):
            return gc.sign(y) * gc.abs(y) ** (1 / 3)

        def _forward_log_det_jacobian(self, x):
            return gc.log(3 * x ** 2)

    b = Cube()
    assert b.name == "cube"
    y = np.array([8.0, 0.125])
    ildj = _run(b.inverse_log_det_jacobian(y, event_ndims=0))   # from -fldj(inverse(y))
    np.testing.assert_allclose(ildj, -np.log(3 * np.cbrt(y) ** 2), rtol=1e-10)
    with pytest.raises(NotImplementedError, match="inverse_log_det_jacobian"):
        tfb.Inline(forward_fn=gc.exp, forward_min_event_ndims=0) \
            .inverse_log_det_jacobian(y, event_ndims=0)
    with pytest.raises(ValueError, match="at least one of"):
        tfb.Inline(forward_fn=gc.exp)
