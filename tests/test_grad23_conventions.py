"""TF's gradient conventions at points where the derivative is not defined (each expected
value is TF 2.21's, tf.compat.v1 graph mode, on the same program)."""
import numpy as np

import graphc as gc


def _run(*ts):
    with gc.Session() as s:
        return s.run(list(ts))


def _same(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7, equal_nan=True)


def test_sqrt_rsqrt_reciprocal_pass_zero_for_a_zero_cotangent():
    # TF's SqrtGrad/RsqrtGrad/ReciprocalGrad give 0 where the incoming gradient is 0, so
    # the unselected branch of a where does not leak 0 * inf = NaN
    x = gc.constant(np.array([0., 1., 4.], np.float32))
    safe = gc.where(x > 0., gc.sqrt(x), gc.zeros_like(x))
    grads = [gc.gradients(safe, x)[0]]
    for f in (gc.rsqrt, gc.reciprocal):
        grads.append(gc.gradients(gc.where(gc.equal(x, 0.), gc.zeros_like(x), f(x)), x)[0])
    g_sqrt, g_rsqrt, g_rec = _run(*grads)
    _same(g_sqrt, [0., 0.5, 0.25])
    _same(g_rsqrt, [0., -0.5, -0.0625])
    _same(g_rec, [0., -1., -0.0625])
    x0 = gc.constant(np.array([0.], np.float32))
    _same(_run(gc.gradients(gc.sqrt(x0) * x0, x0)[0])[0], [0.])    # sqrt(x) + x * inf


def test_second_derivatives_through_reciprocal_keep_tf_zeros():
    x = gc.constant(np.array([0., 1.], np.float32))
    zero = gc.zeros_like(x)
    g_log = gc.gradients(gc.where(gc.equal(x, 0.), zero, gc.log(x)), x)[0]
    g_acos = gc.gradients(gc.where(gc.equal(x, 1.), zero, gc.acos(x)), x)[0]
    h_log, h_acos = _run(gc.gradients(g_log, x)[0], gc.gradients(g_acos, x)[0])
    _same(h_log, [0., -1.])
    _same(h_acos, [0., 0.])
    y = gc.constant(np.array([0., 1.], np.float32))      # atan2's rule divides: NaN stays
    hy = gc.gradients(gc.gradients(gc.atan2(y, x), y)[0], y)[0]
    _same(_run(hy)[0], [np.nan, -0.5])


def test_clip_by_average_norm_of_zeros():
    x = gc.constant(np.zeros(2, np.float32))
    _same(_run(gc.gradients(gc.clip_by_average_norm(x, 1.), x)[0])[0], [1., 1.])


def test_cumprod_gradient_is_zero_at_zeros_as_tf():
    x = gc.constant(np.array([2., 0., 3.], np.float32))
    x2 = gc.constant(np.array([2., 0., 0., 3.], np.float32))
    w = np.array([1., 2., 3.], np.float32)
    g = gc.gradients(gc.cumprod(x), x)[0]
    got = _run(g, gc.gradients(gc.cumprod(x2), x2)[0],
               gc.gradients(gc.cumprod(x, exclusive=True) * w, x)[0],
               gc.gradients(gc.cumprod(x, reverse=True) * w, x)[0],
               gc.gradients(g, x)[0],
               gc.gradients(gc.gradients(gc.reduce_prod(x), x)[0], x)[0])
    for a, want in zip(got, [[1., 0., 0.], [1., 0., 0., 0.], [2., 0., 0.], [0., 0., 3.],
                             [0., 0., 0.], [3., 0., 2.]]):
        _same(a, want)


def test_cumprod_jvp_follows_the_vjp_convention():
    x = gc.constant(np.array([2., 0., 3.], np.float32))
    (t,) = gc.jvp([gc.cumprod(x)], [x], [gc.ones_like(x)])
    _same(_run(t)[0], [1., 0., 0.])


def test_repeated_eigen_and_singular_values_give_zero_not_nan():
    w = np.array([[1., 2.], [3., 4.]])
    a = gc.constant(np.array([[2., 0.], [0., 2.]]))
    _, v = gc.self_adjoint_eig(a)
    x = gc.constant(np.eye(2))
    _, u, _ = gc.svd(x)
    g_eig = gc.gradients(gc.reduce_sum(v * w), a)[0]
    g_svd = gc.gradients(gc.reduce_sum(u * w), x)[0]
    (t,) = gc.jvp([gc.reduce_sum(v * w)], [a], [gc.ones_like(a)])
    for got in _run(g_eig, g_svd, t):
        _same(got, np.zeros_like(got))
