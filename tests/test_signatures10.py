"""TF1 argument names of functions whose graphc parameters used to be named otherwise
(found by comparing signatures with tf.compat.v1): keyword calls written for TF work."""
import numpy as np
import pytest

import graphc as gc


def _run(t):
    with gc.Session() as sess:
        return sess.run(t)


def test_special_functions_take_tfs_argument_names():
    a, x = gc.constant([1.0, 2.0]), gc.constant([0.5, 3.0])
    np.testing.assert_allclose(_run(gc.igamma(a=a, x=x) + gc.igammac(a=a, x=x)), [1, 1],
                               rtol=1e-6)
    assert _run(gc.zeta(x=2.0, q=1.0)) == pytest.approx(np.pi ** 2 / 6, rel=1e-6)
    assert _run(gc.math.nextafter(x1=1.0, x2=2.0)) > 1.0


def test_assign_takes_tf1s_positional_arguments():
    v = gc.Variable([1.0, 2.0])
    with gc.Session() as sess:
        sess.run(v.initializer)
        sess.run(gc.assign(v, [3.0, 4.0], True, False, name="set"))
        sess.run(gc.assign_add(v, [1.0, 1.0], False))
        sess.run(gc.assign_sub(v, [0.5, 0.5], use_locking=True))
        np.testing.assert_allclose(sess.run(v), [3.5, 4.5])
    with pytest.raises(NotImplementedError, match="validate_shape=False"):
        gc.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
    u = gc.Variable([1.0], validate_shape=False)
    with gc.Session() as sess:
        sess.run(u.initializer)
        assert sess.run(gc.assign(u, [5.0, 6.0], validate_shape=False)).tolist() == [5, 6]


def test_small_renames():
    assert gc.as_dtype(type_value="float64") is gc.float64
    assert gc.nest.is_nested(seq=[1]) and not gc.nest.is_nested(seq=1)
    img = gc.zeros([2, 3, 1])
    assert gc.image.transpose(img, name="t").name == "t:0"
