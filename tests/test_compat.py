"""tf.compat.v1 spelling of TF1 code runs unchanged on graphc."""
import numpy as np

import graphc as gc


def test_compat_v1_is_graphc():
    import graphc.compat.v1 as tf
    tf.disable_v2_behavior()
    tf.disable_eager_execution()
    assert not tf.executing_eagerly()
    assert tf.Session is gc.Session and tf.nn.relu is gc.nn.relu and tf.train is gc.train
    x = tf.placeholder(tf.float32, (None, 2))
    w = tf.get_variable("w_compat", initializer=tf.ones((2, 1)))
    y = tf.matmul(x, w)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(y, {x: [[1.0, 2.0]]}), [[3.0]])


def test_dimension_value():
    x = gc.placeholder(gc.float32, (None, 3))
    assert gc.compat.dimension_value(x.shape[1]) == 3
    assert gc.compat.dimension_value(x.shape[0]) is None

    class Dimension:            # TF1's Dimension: the int is in .value
        value = 7
    assert gc.compat.dimension_value(Dimension()) == 7
