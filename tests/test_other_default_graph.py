"""Derivatives build in their ys' graph whatever the default graph is (TF1's gradients
does; graphc's jvp, hessians, hessian_vector_product and jacobian follow it)."""
import numpy as np

import graphc as gc


def test_derivatives_of_another_graph_build_there():
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float64, [3], name="x")
        y = gc.reduce_sum(x ** 3)
    # the default graph here is another one
    grad, = gc.gradients(y, x)
    h, = gc.hessians(y, x)
    hv, = gc.hessian_vector_product(y, [x], [x])
    j = gc.jacobian(grad, x)
    t, = gc.jvp([y], [x], [x])
    assert {t_.graph for t_ in (grad, h, hv, j, t)} == {g}
    xv = np.array([1., 2., 3.])
    with gc.Session(graph=g) as s:
        got = s.run([grad, h, hv, j, t], {x: xv})
    np.testing.assert_allclose(got[0], 3 * xv ** 2)
    np.testing.assert_allclose(got[1], np.diag(6 * xv))
    np.testing.assert_allclose(got[2], 6 * xv * xv)
    np.testing.assert_allclose(got[3], np.diag(6 * xv))
    np.testing.assert_allclose(got[4], np.sum(3 * xv ** 2 * xv))
