"""gc.contrib.layers (slim) without TensorFlow: variable names, shapes, collections,
aliases, arg_scope, batch_norm updates and error messages."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import layers, slim


def _names(key):
    return [v.name for v in gc.get_collection(key)]


def test_fully_connected_variables_and_collections():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 6])
        y = slim.fully_connected(x, 4, scope="fc", variables_collections=["mine"],
                                 outputs_collections="end_points",
                                 weights_regularizer=slim.l2_regularizer(0.1))
        assert y.shape.as_list() == [None, 4]
        assert _names("variables") == ["fc/weights:0", "fc/biases:0"]
        assert _names("model_variables") == _names("variables") == _names("mine")
        assert _names("trainable_variables") == _names("variables")
        assert len(gc.get_collection("regularization_losses")) == 1
        assert layers.get_tensor_aliases(y) == ["fc"]
        assert layers.convert_collection_to_dict("end_points") == {"fc": y}
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            out = sess.run(y, {x: np.ones((2, 6), np.float32)})
        assert (out >= 0).all()          # relu is the default activation


def test_conv_defaults_repeat_and_arg_scope():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2, 8, 8, 3])
        with slim.arg_scope([slim.conv2d], padding="VALID", activation_fn=None):
            net = slim.repeat(x, 2, slim.conv2d, 5, [3, 3], scope="conv")
        assert net.shape.as_list() == [2, 4, 4, 5]
        assert _names("variables") == ["conv/conv_1/weights:0", "conv/conv_1/biases:0",
                                       "conv/conv_2/weights:0", "conv/conv_2/biases:0"]
        net = slim.conv2d(x, 4, 3, normalizer_fn=slim.batch_norm)
        assert "Conv/biases:0" not in _names("variables")
        assert "Conv/BatchNorm/beta:0" in _names("model_variables")
        assert len(gc.get_collection(gc.GraphKeys.UPDATE_OPS)) == 2


def test_separable_and_transpose_shapes():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [1, 6, 6, 3])
        a = slim.separable_conv2d(x, None, 3, depth_multiplier=2, scope="dw")
        b = slim.separable_conv2d(x, 7, 3, scope="sep")
        c = slim.conv2d_transpose(x, 2, 3, stride=2, padding="VALID")
        assert a.shape.as_list() == [1, 6, 6, 6]
        assert b.shape.as_list() == [1, 6, 6, 7]
        assert c.shape.as_list() == [1, 13, 13, 2]
        shapes = {v.name: v.shape.as_list() for v in gc.global_variables()}
        assert shapes["dw/depthwise_weights:0"] == [3, 3, 3, 2]
        assert shapes["sep/pointwise_weights:0"] == [1, 1, 3, 7]
        assert shapes["Conv2d_transpose/weights:0"] == [3, 3, 2, 3]


@pytest.mark.parametrize("kwargs", [dict(), dict(updates_collections=None),
                                    dict(fused=False, updates_collections=None)])
def test_batch_norm_updates_with_tensor_is_training(kwargs):
    x_val = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32) + 2.0
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        training = gc.placeholder_with_default(True, [])
        y = slim.batch_norm(x, decay=0.5, is_training=training, **kwargs)
        mean = [v for v in gc.global_variables() if "moving_mean" in v.name][0]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            out = sess.run([y] + gc.get_collection(gc.GraphKeys.UPDATE_OPS), {x: x_val})[0]
            np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-4)
            np.testing.assert_allclose(sess.run(mean), x_val.mean(0) / 2, rtol=1e-4)
            sess.run(y, {x: x_val, training: False})
            np.testing.assert_allclose(sess.run(mean), x_val.mean(0) / 2, rtol=1e-4)


def test_layer_norm_pool_dropout_one_hot():
    with gc.Graph().as_default():
        x = gc.constant(np.arange(32, dtype=np.float32).reshape(2, 4, 4, 1))
        ln = slim.layer_norm(x)
        assert [v.shape.as_list() for v in gc.global_variables()] == [[1], [1]]
        p = slim.max_pool2d(x, 2, outputs_collections="ends")
        assert layers.get_tensor_aliases(p) == ["MaxPool2D"]
        d = slim.dropout(x, is_training=False)
        oh = slim.one_hot_encoding([0, 2], 3)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            ln_v, p_v, d_v, oh_v = sess.run([ln, p, d, oh])
        np.testing.assert_allclose(ln_v.reshape(2, -1).mean(1), 0.0, atol=1e-5)
        assert p_v.shape == (2, 2, 2, 1) and p_v[0, 0, 0, 0] == 5.0
        np.testing.assert_array_equal(d_v, np.arange(32).reshape(2, 4, 4, 1))
        assert oh_v.dtype == np.float32 and oh_v.tolist() == [[1, 0, 0], [0, 0, 1]]


def test_regularizers_and_initializers():
    with gc.Graph().as_default():
        w = gc.constant([[1.0, -2.0], [3.0, 0.5]])
        reg = layers.l1_l2_regularizer(0.5, 0.25)(w)
        total = layers.apply_regularization(layers.l2_regularizer(1.0), [w])
        assert layers.l2_regularizer(0.0)(w) is None
        init = layers.xavier_initializer(seed=3)([100, 50])
        with gc.Session() as sess:
            r, t, i = sess.run([reg, total, init])
        assert r == pytest.approx(0.5 * 6.5 + 0.25 * 14.25 / 2)
        assert t == pytest.approx(7.125)
        assert np.abs(i).max() <= np.sqrt(6 / 150) + 1e-6
        assert gc.get_collection("regularization_losses") != []


def test_errors_name_layer_and_tensor():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.int32, [2, 3], name="ints")
        with pytest.raises(gc.errors.DTypeError, match="(?s)fully_connected.*ints"):
            slim.fully_connected(x, 2)
        with pytest.raises(ValueError, match="num_outputs"):
            slim.fully_connected(gc.ones([2, 3]), 2.0)
        with pytest.raises(ValueError, match="data_format"):
            slim.max_pool2d(gc.ones([1, 4, 4, 1]), 2, data_format="NCW")
        with pytest.raises(gc.errors.ShapeError, match="(?s)separable_conv2d.*rank"):
            slim.separable_conv2d(gc.ones([2, 3]), 2, 3)
        with pytest.raises(NotImplementedError, match="renorm"):
            slim.batch_norm(gc.ones([2, 3]), renorm=True)
        with pytest.raises(ValueError, match="not a multiple"):
            slim.maxout(gc.ones([2, 5]), 2)
