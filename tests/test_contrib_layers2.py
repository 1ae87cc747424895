"""gc.contrib.layers' group_norm, instance_norm, max_pool3d, avg_pool3d,
conv3d_transpose and gdn without TensorFlow: numpy references, variables and
collections, arg_scope, reuse and error messages."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import layers, slim
from graphc.contrib.arg_scope import has_arg_scope

R = np.random.default_rng(0)


def _names(key):
    return [v.name for v in gc.get_collection(key)]


def _run(outs, feed):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(outs, feed)


def _group_norm_ref(x, groups, c_axis, axes, eps, beta=0.0, gamma=1.0):
    shape = x.shape
    c = shape[c_axis]
    xg = x.reshape(shape[:c_axis] + (groups, c // groups) + shape[c_axis + 1:])
    red = tuple([c_axis + 1] + [a + 1 if a > c_axis else a for a in axes])
    mean = xg.mean(red, keepdims=True)
    var = xg.var(red, keepdims=True)
    y = ((xg - mean) / np.sqrt(var + eps)).reshape(shape)
    bshape = [1] * x.ndim
    bshape[c_axis] = c
    return (y * np.reshape(np.broadcast_to(gamma, (c,)), bshape)
            + np.reshape(np.broadcast_to(beta, (c,)), bshape))


def test_group_norm_values_variables_and_unknown_dims():
    x_val = R.standard_normal((3, 4, 5, 6))
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, [None, 4, 5, 6])   # unknown batch: run-time shape
        y = slim.group_norm(x, groups=3, reduction_axes=(-3, -2),
                            param_initializers={"beta": gc.constant_initializer(0.5),
                                                "gamma": gc.constant_initializer(2.0)},
                            variables_collections={"beta": ["mine"]},
                            outputs_collections="end_points", scope="gn")
        z = slim.group_norm(x, groups=2, channels_axis=1, reduction_axes=(2, 3),
                            mean_close_to_zero=True, center=False, scale=False)
        assert y.shape.as_list() == [None, 4, 5, 6]
        assert _names("variables") == ["gn/beta:0", "gn/gamma:0"]
        assert _names("model_variables") == _names("trainable_variables") == \
            _names("variables")
        assert _names("mine") == ["gn/beta:0"]
        assert layers.get_tensor_aliases(y) == ["gn"]
        got_y, got_z = _run([y, z], {x: x_val})
    np.testing.assert_allclose(got_y, _group_norm_ref(x_val, 3, 3, [1, 2], 1e-6, 0.5, 2.0),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got_z, _group_norm_ref(x_val, 2, 1, [2, 3], 1e-6),
                               rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("kwargs, match", [
    (dict(groups=4), "not commensurate"),
    (dict(groups=8), "Invalid groups 8"),
    (dict(groups=2, channels_axis=4), "out of bounds"),
    (dict(groups=2, reduction_axes=(1, 3)), "mutually exclusive"),
    (dict(groups=2, reduction_axes=(5,)), "out of bounds"),
    (dict(groups=2, reduction_axes=(0,)), "reduction axis 0"),     # unknown batch dim
])
def test_group_norm_errors(kwargs, match):
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4, 5, 6])
        with pytest.raises(ValueError, match=match):
            slim.group_norm(x, **kwargs)


def test_instance_norm_nchw_and_nhwc():
    x_val = R.standard_normal((2, 3, 4, 5)).astype(np.float32)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3, 4, 5])
        a = slim.instance_norm(x, data_format="NCHW", activation_fn=gc.nn.relu)
        b = slim.instance_norm(x, center=False, epsilon=1e-3)
        assert _names("variables") == ["InstanceNorm/beta:0", "InstanceNorm/gamma:0",
                                       "InstanceNorm_1/gamma:0"]
        assert [v.shape.as_list() for v in gc.global_variables()] == [[3], [3], [5]]
        got_a, got_b = _run([a, b], {x: x_val})
    m, v = x_val.mean((2, 3), keepdims=True), x_val.var((2, 3), keepdims=True)
    np.testing.assert_allclose(got_a, np.maximum((x_val - m) / np.sqrt(v + 1e-6), 0),
                               rtol=1e-4, atol=1e-5)
    m, v = x_val.mean((1, 2), keepdims=True), x_val.var((1, 2), keepdims=True)
    np.testing.assert_allclose(got_b, (x_val - m) / np.sqrt(v + 1e-3), rtol=1e-4,
                               atol=1e-5)


def test_instance_norm_errors():
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="NCHW or NHWC"):
            slim.instance_norm(gc.zeros([2, 3, 4]), data_format="NCW")
        with pytest.raises(ValueError, match="channels dimension"):
            slim.instance_norm(gc.placeholder(gc.float32, [2, 3, None]))
        with pytest.raises(ValueError, match="undefined rank"):
            slim.instance_norm(gc.placeholder(gc.float32))


def test_pool3d_values_and_formats():
    x_val = R.standard_normal((2, 4, 6, 2, 3)).astype(np.float32)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4, 6, 2, 3])
        mx = slim.max_pool3d(x, [2, 3, 2], stride=[2, 3, 1], outputs_collections="ep")
        av = slim.avg_pool3d(gc.transpose(x, [0, 4, 1, 2, 3]), 2, padding="same",
                             data_format="NCDHW", scope="avg")
        assert mx.shape.as_list() == [None, 2, 2, 1, 3]
        assert av.shape.as_list() == [None, 3, 2, 3, 1]
        assert layers.get_tensor_aliases(mx) == ["MaxPool3D"]
        got_mx, got_av = _run([mx, av], {x: x_val})
    want = x_val.reshape(2, 2, 2, 2, 3, 1, 2, 3).max((2, 4, 6))
    np.testing.assert_allclose(got_mx, want)
    xt = x_val.transpose(0, 4, 1, 2, 3)      # SAME: 2x2x2 windows, the last row alone
    np.testing.assert_allclose(got_av[:, :, 0, 0, 0], xt[:, :, :2, :2, :2].mean((2, 3, 4)),
                               rtol=1e-5)
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="NCDHW or NDHWC"):
            slim.max_pool3d(gc.zeros([1, 2, 2, 2, 1]), 2, data_format="NHWC")
        with pytest.raises(ValueError, match="rank 5"):
            slim.avg_pool3d(gc.zeros([1, 2, 2, 1]), 2)
        with pytest.raises(ValueError, match="padding"):
            slim.avg_pool3d(gc.zeros([1, 2, 2, 2, 1]), 2, padding="FULL")


def test_conv3d_transpose_shapes_variables_and_gradient_of_conv3d():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 2, 3, None, 4])
        y = slim.conv3d_transpose(x, 5, [3, 2, 1], stride=[2, 3, 1], padding="VALID",
                                  weights_regularizer=slim.l2_regularizer(0.1),
                                  variables_collections=["mine"], scope="up")
        assert y.shape.as_list() == [None, 5, 9, None, 5]
        assert _names("variables") == _names("mine") == ["up/weights:0", "up/biases:0"]
        assert gc.global_variables()[0].shape.as_list() == [3, 2, 1, 5, 4]
        assert len(gc.get_collection("regularization_losses")) == 1
        z = slim.convolution3d_transpose(x, 2, 2, data_format="NDHWC",
                                         normalizer_fn=slim.instance_norm)
        assert [v.name for v in gc.global_variables()[2:]] == [
            "Conv3d_transpose/weights:0", "Conv3d_transpose/InstanceNorm/beta:0",
            "Conv3d_transpose/InstanceNorm/gamma:0"]
        x_val = R.standard_normal((2, 2, 3, 4, 4)).astype(np.float32)
        got, got_z = _run([y, z], {x: x_val})
        assert got.shape == (2, 5, 9, 4, 5) and (got >= 0).all()
        assert got_z.shape == (2, 2, 3, 4, 2)
    # the transposed convolution is the gradient of conv3d (same weights) for its input
    x_val = R.standard_normal((2, 4, 2, 3, 4)).astype(np.float32)
    with gc.Graph().as_default():
        x = gc.constant(x_val)
        y = slim.conv3d_transpose(x, 3, 2, stride=2, activation_fn=None,
                                  biases_initializer=None, data_format="NCDHW")
        w = gc.global_variables()[0]
        assert w.shape.as_list() == [2, 2, 2, 3, 4]
        probe = gc.placeholder(gc.float32, [2, 3, 4, 6, 8])
        back = gc.gradients(gc.nn.conv3d(probe, w, [1, 1, 2, 2, 2], "SAME",
                                         data_format="NCDHW"), probe, grad_ys=x)[0]
        got, want = _run([y, back], {probe: np.zeros((2, 3, 4, 6, 8), np.float32)})
    assert got.shape == (2, 3, 4, 6, 8)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _gdn_ref(x, beta, gamma, axis, inverse=False):
    xc = np.moveaxis(x, axis, -1)
    norm = np.sqrt(beta + (xc ** 2) @ gamma)
    return np.moveaxis(xc * norm if inverse else xc / norm, -1, axis)


@pytest.mark.parametrize("shape, fmt", [((2, 5, 3), "channels_last"),
                                        ((2, 3, 4, 5), "channels_first"),
                                        ((2, 3, 2, 4, 5), "channels_first"),
                                        ((2, 2, 4, 5, 3), "channels_last")])
def test_gdn_values(shape, fmt):
    x_val = R.standard_normal(shape)
    axis = 1 if fmt == "channels_first" else -1
    c = shape[axis]
    beta_v = R.uniform(0.5, 1.5, c)
    gamma_v = R.uniform(0.0, 0.5, (c, c))
    with gc.Graph().as_default():
        x = gc.constant(x_val)
        y = slim.gdn(x, data_format=fmt)
        yi = slim.gdn(x, data_format=fmt, inverse=True, name="igdn")
        assert _names("variables") == ["gdn/reparam_beta:0", "gdn/reparam_gamma:0",
                                       "igdn/reparam_beta:0", "igdn/reparam_gamma:0"]
        assert _names("trainable_variables") == _names("variables")
        assert _names("model_variables") == []
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            beta0, gamma0 = sess.run(gc.global_variables()[:2])
            np.testing.assert_allclose(beta0, np.sqrt(1 + 2.0 ** -36))
            np.testing.assert_allclose(gamma0, np.sqrt(0.1 * np.eye(c) + 2.0 ** -36))
            for v, val in zip(gc.global_variables(), [beta_v, gamma_v] * 2):
                v.load(np.sqrt(val + 2.0 ** -36), sess)
            got, got_i = sess.run([y, yi])
    np.testing.assert_allclose(got, _gdn_ref(x_val, beta_v, gamma_v, axis), rtol=1e-9)
    np.testing.assert_allclose(got_i, _gdn_ref(x_val, beta_v, gamma_v, axis, True),
                               rtol=1e-9)


def test_gdn_layer_object_reuse_and_errors():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4, 3])
        layer = slim.GDN(trainable=False)
        a, b = layer(x), layer(x * 2.0)
        assert a.shape.as_list() == b.shape.as_list() == [None, 4, 3]
        assert layer.scope_name == "gdn" and len(layer.variables) == 2
        slim.gdn(x, name="gdn", reuse=True)
        slim.gdn(x)
        assert _names("variables") == ["gdn/reparam_beta:0", "gdn/reparam_gamma:0",
                                       "gdn_1/reparam_beta:0", "gdn_1/reparam_gamma:0"]
        assert _names("trainable_variables") == _names("variables")[2:]
        with pytest.raises(ValueError, match="found ndim=2"):
            slim.gdn(gc.zeros([2, 3]))
        with pytest.raises(ValueError, match="found ndim=4"):
            layer(gc.zeros([1, 2, 2, 3]))
        with pytest.raises(ValueError, match="Unsupported `data_format`"):
            slim.GDN(data_format="NHWC")
        with pytest.raises(ValueError, match="channel dimension"):
            slim.gdn(gc.placeholder(gc.float32, [2, 3, None]))


def test_gdn_lower_bound_gradient():
    """reparam_beta below its bound gets only the gradients that push it up."""
    with gc.Graph().as_default():
        x = gc.constant(np.ones((1, 2, 2), np.float32))
        y = slim.gdn(x)
        beta = gc.global_variables()[0]
        for sign, passes in ((1.0, True), (-1.0, False)):   # y falls as beta grows
            g = gc.gradients(y * sign, beta)[0]
            with gc.Session() as sess:
                sess.run(gc.global_variables_initializer())
                beta.load(np.array([0.0, 2.0], np.float32), sess)
                got = sess.run(g)
            assert (got[0] != 0) == passes and got[1] != 0


def test_arg_scope_decoration():
    for fn in (slim.group_norm, slim.instance_norm, slim.max_pool3d, slim.avg_pool3d,
               slim.conv3d_transpose, slim.convolution3d_transpose):
        assert has_arg_scope(fn), fn
    assert not has_arg_scope(slim.gdn)        # tf_slim does not decorate gdn
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4, 4, 4])
        with slim.arg_scope([slim.group_norm], groups=2, scope="shared", center=False):
            slim.group_norm(x)
        assert _names("variables") == ["shared/gamma:0"]
