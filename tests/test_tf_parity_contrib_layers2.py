"""Parity of gc.contrib.layers' group_norm, instance_norm, max_pool3d, avg_pool3d,
conv3d_transpose and gdn against tf_slim on tf.compat.v1: variable names, shapes and
collections, initial values (where deterministic), outputs, regularization losses and
gradients with respect to the inputs and every trainable variable."""
import numpy as np
import pytest

from tf_parity import tf, v1

import graphc as gc

tf_slim = pytest.importorskip("tf_slim")
from tf_slim.layers import utils as _slim_utils  # noqa: E402

if not hasattr(_slim_utils.ops, "Tensor"):     # tf_slim 1.1 on TF 2.21: restore the name
    _slim_utils.ops.Tensor = tf.Tensor

# tf_slim 1.1 never registers GDN's lower-bound gradient (tf.contrib did): register it
from tf_slim.layers.layers import GDN as _TFGDN  # noqa: E402
try:
    tf.RegisterGradient("GDNLowerBound")(_TFGDN._lower_bound_grad)
except KeyError:      # already registered
    pass

GS = gc.contrib.slim
KEYS = ("variables", "trainable_variables", "model_variables", "my_vars", "end_points")


def _colls(g):
    res = {}
    for k in KEYS:
        items = g.get_collection(k)
        if k == "end_points":
            res[k] = [(GS if isinstance(i, gc.Tensor) else _slim_utils)
                      .get_tensor_aliases(i) for i in items]
        else:
            res[k] = [i.name for i in items]
    res["n_reg"] = len(g.get_collection("regularization_losses"))
    return res


def _side(m, slim, fn, arrays, tf_init):
    g = m.Graph()
    with g.as_default():
        xs = [m.placeholder(a.dtype, [None] + list(a.shape[1:])) for a in arrays]
        out = fn(m, slim, *xs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        outs += g.get_collection("regularization_losses")
        wrt = list(xs) + g.get_collection("trainable_variables")
        rng = np.random.default_rng(1)
        feed = dict(zip(xs, arrays))
        with m.Session(graph=g) as sess:
            sess.run(m.global_variables_initializer())
            shapes = [np.shape(v) for v in sess.run(outs, feed)]
            cts = [m.constant(rng.standard_normal(s).astype(o.dtype.as_numpy_dtype))
                   for s, o in zip(shapes, outs)]
            grads = m.gradients(outs, wrt, grad_ys=cts)
            vs = g.get_collection("variables")
            init = {v.name: sess.run(v) for v in vs}
            if tf_init is not None:
                for v in vs:
                    v.load(tf_init[v.name], sess)
            vals = sess.run(outs + [d for d in grads if d is not None], feed)
        return dict(vars=[(v.name, tuple(v.shape.as_list())) for v in vs],
                    colls=_colls(g), vals=[np.asarray(v) for v in vals], init=init,
                    static=[o.shape.as_list() for o in outs],
                    grads_none=[d is None for d in grads])


def _run(fn, arrays, rtol=1e-4, atol=1e-5, same_init=True):
    """fn(m, slim, *placeholders) alike in both libraries; same_init: the initial
    values are compared too (else TF's are loaded into graphc's variables)."""
    t = _side(v1, tf_slim, fn, arrays, None)
    c = _side(gc, GS, fn, arrays, t["init"])
    assert c["vars"] == t["vars"]
    assert c["colls"] == t["colls"]
    assert c["static"] == t["static"]
    assert c["grads_none"] == t["grads_none"]
    if same_init:
        for k in t["init"]:
            np.testing.assert_allclose(c["init"][k], t["init"][k], rtol=1e-7, atol=0)
    assert len(c["vals"]) == len(t["vals"])
    for i, (a, b) in enumerate(zip(c["vals"], t["vals"])):
        assert a.dtype == b.dtype and a.shape == b.shape, (i, a.dtype, b.dtype)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"value {i}")


R = np.random.default_rng(0)
X3 = R.standard_normal((2, 7, 4)).astype(np.float32)
X4 = R.standard_normal((2, 6, 5, 4)).astype(np.float32)
X5 = R.standard_normal((2, 4, 5, 3, 6)).astype(np.float32)
X4D = R.standard_normal((3, 5, 4, 6))
X4_shift = (X4 * 0.5 + 0.1).astype(np.float32)

CASES = {
    "group_norm": (lambda m, s, x: s.group_norm(x, groups=2), [X4]),
    "group_norm_nchw": (lambda m, s, x: s.group_norm(
        x, groups=2, channels_axis=1, reduction_axes=(-2, -1), scope="gn",
        outputs_collections="end_points"), [X4]),
    "group_norm_5d_options": (lambda m, s, x: s.group_norm(
        x, groups=3, reduction_axes=(1, 2, 3), center=False, epsilon=1e-3,
        activation_fn=m.nn.relu, variables_collections={"gamma": ["my_vars"]}), [X5]),
    "group_norm_close_to_zero": (lambda m, s, x: s.group_norm(
        x, groups=4, mean_close_to_zero=True, scale=False,
        param_initializers={"beta": m.constant_initializer(0.3)}), [X4_shift]),
    "group_norm_f64_reuse": (lambda m, s, x: [
        s.group_norm(x, groups=3, scope="g"),
        s.group_norm(x * 2.0, groups=3, scope="g", reuse=True)], [X4D]),
    "group_norm_untrainable": (lambda m, s, x: s.group_norm(
        x, groups=1, channels_axis=2, reduction_axes=(1,), trainable=False), [X3]),
    "instance_norm": (lambda m, s, x: s.instance_norm(x), [X4]),
    "instance_norm_nchw": (lambda m, s, x: s.instance_norm(
        x, data_format="NCHW", activation_fn=m.nn.relu, variables_collections=["my_vars"],
        param_initializers={"gamma": m.constant_initializer(2.0)}), [X4]),
    "instance_norm_3d_5d": (lambda m, s, x, y: [
        s.instance_norm(x, center=False, epsilon=1e-2, scope="a",
                        outputs_collections="end_points"),
        s.instance_norm(y, scale=False)], [X3, X5]),
    "max_pool3d": (lambda m, s, x: s.max_pool3d(x, 2, outputs_collections="end_points"),
                   [X5]),
    "max_pool3d_same_ncdhw": (lambda m, s, x: s.max_pool3d(
        x, [2, 3, 2], stride=[1, 2, 2], padding="SAME", data_format="NCDHW",
        scope="p"), [X5]),
    "avg_pool3d": (lambda m, s, x: s.avg_pool3d(x, [2, 2, 1], stride=1), [X5]),
    "avg_pool3d_same": (lambda m, s, x: s.avg_pool3d(x, 3, stride=2, padding="SAME"),
                        [X5]),
    "conv3d_transpose": (lambda m, s, x: s.conv3d_transpose(x, 2, 3, stride=2), [X5]),
    "conv3d_transpose_valid_reg": (lambda m, s, x: s.convolution3d_transpose(
        x, 3, [2, 3, 1], stride=[1, 2, 3], padding="VALID", activation_fn=None,
        weights_regularizer=s.l2_regularizer(0.1), biases_regularizer=s.l1_regularizer(0.2),
        biases_initializer=m.constant_initializer(0.5), variables_collections=["my_vars"],
        outputs_collections="end_points", scope="up"), [X5]),
    "conv3d_transpose_ncdhw": (lambda m, s, x: s.conv3d_transpose(
        x, 2, 2, stride=[2, 1, 2], data_format="NCDHW",
        biases_initializer=m.constant_initializer(0.1)), [X5]),
    "conv3d_transpose_norm": (lambda m, s, x: s.conv3d_transpose(
        x, 4, 3, normalizer_fn=s.group_norm, normalizer_params={"groups": 2,
                                                               "reduction_axes": (1, 2, 3)},
        trainable=False), [X5]),
    "gdn": (lambda m, s, x: s.gdn(x), [X4]),
    "gdn_inverse_first": (lambda m, s, x: s.gdn(x, inverse=True, data_format="channels_first",
                                                gamma_init=0.3, name="igdn"), [X4]),
    # tf_slim's 5-D channels_first GDN fails at run time (shape[:3] + [-1] adds -1 to a
    # shape tensor): graphc's is checked against numpy in test_contrib_layers2.py
    "gdn_ranks": (lambda m, s, x, y: [s.gdn(x), s.gdn(x, data_format="channels_first"),
                                      s.gdn(y, beta_min=0.5)], [X3, X5]),
    "gdn_reuse_reg": (lambda m, s, x: [
        s.gdn(x, name="g", activity_regularizer=lambda t: m.reduce_sum(m.abs(t))),
        s.gdn(x * 3.0, name="g", reuse=True)], [X4]),
    "gdn_untrainable_f64": (lambda m, s, x: s.gdn(x, trainable=False), [X4D]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer(name):
    fn, arrays = CASES[name]
    _run(fn, arrays, same_init="conv3d_transpose" not in name)


def test_arg_scope():
    def fn(m, s, x, y):
        with s.arg_scope([s.group_norm, s.instance_norm], center=False,
                         activation_fn=m.nn.tanh):
            with s.arg_scope([s.max_pool3d, s.avg_pool3d, s.conv3d_transpose],
                             padding="SAME", stride=1):
                a = s.max_pool3d(y, 2)
                b = s.conv3d_transpose(y, 2, 2, activation_fn=None)
            return [s.group_norm(x, groups=2), s.instance_norm(x), a, b]
    _run(fn, [X4, X5], same_init=False)


def test_gdn_lower_bound_gradient():
    """Parameters below their bound get only the gradient that pushes them up."""
    for m, s in ((v1, tf_slim), (gc, GS)):
        g = m.Graph()
        with g.as_default():
            x = m.placeholder(np.float32, X4.shape)
            y = s.gdn(x, name="low", beta_min=1e-6)
            beta = [v for v in g.get_collection("variables") if "beta" in v.name][0]
            sign = m.constant(np.array([1.0, -1.0, 1.0, -1.0], np.float32))
            grad = m.gradients(m.reduce_sum(y * sign), [beta])[0]
            with m.Session(graph=g) as sess:
                sess.run(m.global_variables_initializer())
                sess.run(beta.assign(np.array([1e-5, 1e-5, 1.0, -1.0], np.float32)))
                got = sess.run(grad, {x: X4})
        if m is v1:
            want = got
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    assert np.all(want[[0, 1, 3]] <= 0) and want[2] != 0     # below the bound: <= 0
