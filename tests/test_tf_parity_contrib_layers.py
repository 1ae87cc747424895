"""Parity of gc.contrib.layers (slim) against tf_slim on tf.compat.v1: variable names,
shapes and collections, outputs and gradients (TF's initial values copied into graphc),
and a small slim CNN trained a few steps. tf_slim's batch_norm needs tf_keras for its
core-layer path (default UPDATE_OPS on 4-D inputs), not installed here: those cases are
compared against slim's own fused path with a custom updates collection, which computes
the same thing."""
import numpy as np
import pytest

from tf_parity import tf, v1

import graphc as gc

tf_slim = pytest.importorskip("tf_slim")
from tf_slim.layers import utils as _slim_utils  # noqa: E402

if not hasattr(_slim_utils.ops, "Tensor"):     # tf_slim 1.1 on TF 2.21: restore the name
    _slim_utils.ops.Tensor = tf.Tensor

GS = gc.contrib.slim
KEYS = ("variables", "trainable_variables", "model_variables", "regularization_losses",
        "update_ops", "end_points", "my_vars", "my_updates")


def _build(m, slim, fn, arrays):
    g = m.Graph()
    with g.as_default():
        if m is v1:
            v1.set_random_seed(0)
        xs = [m.placeholder(a.dtype, a.shape) for a in arrays]
        out = fn(m, slim, *xs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        return g, xs, outs


def _colls(g):
    res = {}
    for k in KEYS:
        items = g.get_collection(k)
        if k in ("variables", "trainable_variables", "model_variables", "my_vars"):
            res[k] = [getattr(i, "name", None) for i in items]
        elif k == "end_points":     # op names differ; the aliases are slim's
            res[k] = [(GS if isinstance(i, gc.Tensor) else _slim_utils)
                      .get_tensor_aliases(i) for i in items]
        else:
            res[k] = len(items)
    return res


def _run(fn, arrays, rtol=1e-4, atol=1e-5, grad=True, train_flag=None):
    """Run fn(m, slim, *xs) in both libraries and compare; returns the TF outputs."""
    results = {}
    tf_vals = None
    for m, slim in ((v1, tf_slim), (gc, GS)):
        g, xs, outs = _build(m, slim, fn, arrays)
        with g.as_default():
            vs = g.get_collection("variables")
            floats = [o for o in outs if o.dtype.is_floating]
            rng = np.random.default_rng(1)
            wrt = list(xs) + [v for v in g.get_collection("trainable_variables")]
            grads = []
            if grad and floats:
                cts = [m.constant(rng.standard_normal(o.shape.as_list()).astype(np.float32))
                       for o in floats]
                grads = m.gradients(floats, wrt, grad_ys=cts)
            with m.Session(graph=g) as sess:
                sess.run(m.global_variables_initializer())
                if m is v1:
                    tf_vals = {v.name: sess.run(v) for v in vs}
                else:
                    for v in vs:
                        v.load(tf_vals[v.name], sess)
                feed = dict(zip(xs, arrays))
                fetch = outs + [d for d in grads if d is not None]
                vals = sess.run(fetch, feed)
                if m is v1:
                    vals = [np.asarray(v) for v in vals]
                results[m is gc] = dict(
                    vars=[(v.name, tuple(v.shape.as_list())) for v in vs],
                    colls=_colls(g), vals=vals,
                    grads_none=[d is None for d in grads],
                    after={v.name: sess.run(v) for v in vs})
    t, c = results[False], results[True]
    assert c["vars"] == t["vars"]
    assert c["colls"] == t["colls"]
    assert c["grads_none"] == t["grads_none"]
    assert len(c["vals"]) == len(t["vals"])
    for a, b in zip(c["vals"], t["vals"]):
        assert np.asarray(a).shape == np.asarray(b).shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    for k in t["after"]:
        np.testing.assert_allclose(c["after"][k], t["after"][k], rtol=rtol, atol=atol)
    return t


R = np.random.default_rng(0)
X2 = R.standard_normal((4, 6)).astype(np.float32)
X3 = R.standard_normal((2, 7, 3)).astype(np.float32)
X4 = R.standard_normal((2, 6, 5, 3)).astype(np.float32)
X5 = R.standard_normal((2, 4, 5, 3, 2)).astype(np.float32)

CASES = {
    "fc": (lambda m, s, x: s.fully_connected(x, 5), [X2]),
    "fc_linear_scope": (lambda m, s, x: s.linear(x, 3, scope="lin",
                        outputs_collections="end_points"), [X2]),
    "fc_rank3_reg": (lambda m, s, x: s.fully_connected(
        x, 4, weights_regularizer=s.l2_regularizer(0.1),
        biases_regularizer=s.l1_regularizer(0.2), activation_fn=m.nn.relu6), [X3]),
    "fc_no_bias_collections": (lambda m, s, x: s.fully_connected(
        x, 4, biases_initializer=None, variables_collections=["my_vars"]), [X2]),
    "fc_dict_collections": (lambda m, s, x: s.relu(
        x, 4, variables_collections={"weights": ["my_vars"]}, trainable=False), [X2]),
    "fc_reuse": (lambda m, s, x: [s.fully_connected(x, 4, scope="a"),
                                  s.fully_connected(x * 2.0, 4, scope="a", reuse=True)],
                 [X2]),
    "fc_elu_stack": (lambda m, s, x: s.stack(x, s.fully_connected, [3, 4, (2,)],
                                             scope="fc"), [X2]),
    "conv2d": (lambda m, s, x: s.conv2d(x, 4, [3, 2]), [X4]),
    "conv2d_valid_stride": (lambda m, s, x: s.conv2d(
        x, 4, 3, stride=2, padding="VALID", weights_regularizer=s.l2_regularizer(0.5),
        outputs_collections="end_points", scope="c1"), [X4]),
    "conv2d_rate": (lambda m, s, x: s.conv2d(x, 2, 3, rate=2, activation_fn=None), [X4]),
    "conv1d": (lambda m, s, x: s.convolution(x, 4, 3), [X3]),
    "conv3d": (lambda m, s, x: s.conv3d(x, 3, [2, 2, 1], padding="VALID"), [X5]),
    "conv_repeat": (lambda m, s, x: s.repeat(x, 2, s.conv2d, 3, [3, 3], scope="conv"),
                    [X4]),
    "conv_transpose": (lambda m, s, x: s.conv2d_transpose(x, 2, 3, stride=2), [X4]),
    "conv_transpose_valid": (lambda m, s, x: s.conv2d_transpose(
        x, 2, [3, 2], stride=[2, 1], padding="VALID", activation_fn=None), [X4]),
    "separable": (lambda m, s, x: s.separable_conv2d(x, 5, [3, 3], depth_multiplier=2),
                  [X4]),
    "separable_depthwise": (lambda m, s, x: s.separable_conv2d(
        x, None, 3, depth_multiplier=2, stride=2, variables_collections=["my_vars"]),
        [X4]),
    "bias_add": (lambda m, s, x: s.bias_add(x, activation_fn=m.nn.relu,
                                            initializer=m.constant_initializer(0.3)), [X4]),
    "pools": (lambda m, s, x: [s.max_pool2d(x, 2), s.avg_pool2d(x, [3, 2], stride=1,
                               padding="SAME", outputs_collections="end_points")], [X4]),
    "flatten": (lambda m, s, x: s.flatten(x, outputs_collections="end_points"), [X4]),
    "dropout_eval": (lambda m, s, x: s.dropout(x, 0.7, is_training=False), [X4]),
    "one_hot": (lambda m, s, x: s.one_hot_encoding(m.cast(x * 0.0 + 2.0, m.int32)[:, 0],
                                                   5), [X2]),
    "layer_norm": (lambda m, s, x: s.layer_norm(x, begin_norm_axis=-1), [X3]),
    "layer_norm_params": (lambda m, s, x: s.layer_norm(x, center=False,
                          begin_params_axis=1, activation_fn=m.nn.relu), [X4]),
    "unit_norm_maxout": (lambda m, s, x: [s.unit_norm(x, 1), s.maxout(x, 2)], [X2]),
    "softmax": (lambda m, s, x: s.softmax(x), [X3]),
    "bn_2d": (lambda m, s, x: s.batch_norm(x, scale=True), [X2]),
    "bn_2d_eval": (lambda m, s, x: s.batch_norm(x, is_training=False), [X2]),
    "bn_4d_none": (lambda m, s, x: s.batch_norm(x, updates_collections=None,
                                                decay=0.9), [X4]),
    "bn_4d_legacy": (lambda m, s, x: s.batch_norm(x, updates_collections=None,
                                                  fused=False, scale=True), [X4]),
    "bn_3d_legacy_coll": (lambda m, s, x: s.batch_norm(x, updates_collections="my_updates",
                                                       fused=False), [X3]),
    "bn_nchw_none": (lambda m, s, x: s.batch_norm(x, updates_collections=None,
                                                  data_format="NCHW", scale=True), [X4]),
    "conv_bn": (lambda m, s, x: s.conv2d(x, 4, 3, normalizer_fn=s.batch_norm,
                normalizer_params={"updates_collections": None, "scale": True}), [X4]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer(name):
    fn, arrays = CASES[name]
    _run(fn, arrays)


def test_arg_scope():
    def fn(m, s, x):
        with s.arg_scope([s.conv2d, s.fully_connected], activation_fn=m.nn.tanh,
                         weights_regularizer=s.l2_regularizer(0.01)):
            with s.arg_scope([s.conv2d], padding="VALID", stride=2):
                net = s.conv2d(x, 3, 3, scope="c1")
            net = s.flatten(net)
            return s.fully_connected(net, 2, scope="fc")
    _run(fn, [X4])


def test_batch_norm_core_path_matches_slim_fused():
    """graphc's default path (core layer, UPDATE_OPS) against slim's fused path."""
    def run(m, s, coll):
        g = m.Graph()
        with g.as_default():
            x = m.placeholder(np.float32, X4.shape)
            y = s.batch_norm(x, scale=True, decay=0.5, updates_collections=coll)
            ups = g.get_collection(coll)
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                out = sess.run([y] + ups, {x: X4})[0]
                return out, sorted((v.name, sess.run(v).tolist())
                                   for v in m.global_variables())
    a, va = run(v1, tf_slim, "my_updates")
    b, vb = run(gc, GS, gc.GraphKeys.UPDATE_OPS)
    np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    assert [n for n, _ in va] == [n for n, _ in vb]
    for (_, p), (_, q) in zip(va, vb):
        np.testing.assert_allclose(q, p, rtol=1e-4, atol=1e-6)


def test_initializers_and_regularizers():
    for m, s in ((v1, tf_slim), (gc, GS)):
        with m.Graph().as_default():
            w = m.constant(X2)
            pen = s.apply_regularization(s.l1_l2_regularizer(0.1, 0.2), [w, w * 2.0])
            s1 = s.sum_regularizer([s.l1_regularizer(0.3), s.l2_regularizer(0.0)])(w)
            with m.Session() as sess:
                got = sess.run([pen, s1])
        if m is v1:
            want = got
    np.testing.assert_allclose(got, want, rtol=1e-5)
    with pytest.raises(ValueError):
        GS.l2_regularizer(1)
    with pytest.raises(ValueError):
        GS.l1_regularizer(-0.5)
    with pytest.raises(TypeError):
        GS.variance_scaling_initializer(mode="FAN_X")


@pytest.mark.parametrize("args", [dict(), dict(uniform=True), dict(mode="FAN_OUT",
                                                                    factor=1.0)])
def test_variance_scaling_statistics(args):
    shape = [3, 3, 64, 32]
    vals = []
    for m, s in ((v1, tf_slim), (gc, GS)):
        with m.Graph().as_default():
            t = s.variance_scaling_initializer(seed=1, **args)(shape)
            with m.Session() as sess:
                vals.append(sess.run(t))
    for a in vals:
        assert a.shape == tuple(shape) and a.dtype == np.float32
    assert abs(vals[0].std() - vals[1].std()) < 0.05 * vals[0].std()
    assert abs(np.abs(vals[0]).max() - np.abs(vals[1]).max()) < 0.1 * np.abs(vals[0]).max()


def test_small_cnn_trains_like_tf_slim():
    """conv + batch_norm (UPDATE_OPS run with the train op) + pool + flatten + fc +
    dropout(eval) + l2 reg, SGD for 4 steps: the same losses as tf_slim."""
    rng = np.random.default_rng(3)
    images = rng.standard_normal((8, 8, 8, 2)).astype(np.float32)
    labels = rng.integers(0, 3, 8).astype(np.int64)

    def run(m, s, bn_updates):
        g = m.Graph()
        with g.as_default():
            x = m.constant(images)
            with s.arg_scope([s.conv2d, s.fully_connected],
                             weights_regularizer=s.l2_regularizer(1e-2)):
                net = s.conv2d(x, 4, 3, normalizer_fn=s.batch_norm,
                               normalizer_params={"updates_collections": bn_updates,
                                                  "scale": True}, scope="conv1")
                net = s.max_pool2d(net, 2, scope="pool1")
                net = s.flatten(net)
                net = s.fully_connected(net, 8, scope="fc1")
                net = s.dropout(net, 0.5, is_training=False)
                logits = s.fully_connected(net, 3, activation_fn=None, scope="logits")
            loss = m.losses.sparse_softmax_cross_entropy(labels, logits)
            total = loss + m.add_n(g.get_collection("regularization_losses"))
            with m.control_dependencies(g.get_collection(bn_updates)):
                step = m.train.GradientDescentOptimizer(0.1).minimize(total)
            names = [v.name for v in g.get_collection("variables")]
            sess = m.Session()
            sess.run(m.global_variables_initializer())
            return g, sess, step, total, names
    gt, st, stept, tt, nt = run(v1, tf_slim, "my_updates")
    gg, sg, stepg, tg, ng = run(gc, GS, gc.GraphKeys.UPDATE_OPS)
    assert sorted(nt) == sorted(ng)     # keras' core layer makes gamma before beta
    with gt.as_default():
        init = {v.name: st.run(v) for v in v1.global_variables()}
    with gg.as_default():
        for v in gc.global_variables():
            v.load(init[v.name], sg)
    lt, lg = [], []
    for _ in range(4):
        lt.append(st.run([tt, stept])[0])
        lg.append(sg.run([tg, stepg])[0])
    np.testing.assert_allclose(lg, lt, rtol=1e-4)
    assert lt[-1] < lt[0]
