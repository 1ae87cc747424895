"""Writes the TF GraphDefs with resource variables (TF 2's default in tf.compat.v1) that
tests/test_tf_graphdef_resource.py imports, and what TF computes with them.

Run once with TensorFlow 2.x (python tests/data/make_tf_res.py). Each graph is built with
tf.compat.v1 in graph mode (resource variables: VarHandleOp, ReadVariableOp,
AssignVariableOp), its variables initialized from constants, and has an "init" op:
    tf_res_dense.pb   an MLP (softmax cross-entropy) with one train op per TF1 optimizer
                      ("train_<opt>": ResourceApplyGradientDescent, Momentum (nesterov),
                      Adam, CenteredRMSProp)
    tf_res_sparse.pb  an embedding model (ResourceGather): GradientDescent
                      (ResourceScatterAdd), Adam (ResourceScatterAdd on the slots),
                      Adagrad, RMSProp (ResourceSparseApply*)
    tf_res_raw.pb     raw ops on their own variables ("<case>/step", grads fed as
                      "<case>/g"): Adam with use_nesterov, KerasMomentum, Adagrad without
                      update_slots, AdaMax, sparse Momentum (nesterov), AdagradV2,
                      CenteredRMSProp, Adadelta, and a chain of scatters
The fixtures keep the cases of FIXTURE; the parity test runs them all.
    tf_res_<name>.npz  "feed:<placeholder>": the fed arrays (raw: one per step, stacked);
                      per train op / case k: "<k>:loss" (the loss of each of 3 steps,
                      dense and sparse) and "<k>:<var>" (each variable after the steps).
TF's bookkeeping attrs ("_class" ...) are left out of the .pb files (graphc ignores them).
The parity test tests/test_tf_parity_tf_graphdef_resource.py builds the same graphs.
"""
import os

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
R = tf.raw_ops
HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 3


def _var(name, value):
    return v1.get_variable(name, initializer=np.asarray(value, np.float32), use_resource=True)


def dense_graph(keep=None):
    """An MLP trained by each TF1 optimizer (those named in keep); returns (graph, feeds, train op names,
    variable names)."""
    rng = np.random.default_rng(1)
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 4], name="x")
        y = v1.placeholder(tf.int32, [None], name="labels")
        w1 = _var("w1", rng.normal(0, .5, (4, 5)))
        w2 = _var("w2", rng.normal(0, .5, (5, 3)))
        h = tf.nn.relu(tf.matmul(x, w1) + 0.1)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=tf.matmul(h, w2)), name="loss")
        grads = v1.train.GradientDescentOptimizer(1.0).compute_gradients(loss)
        opts = {"sgd": v1.train.GradientDescentOptimizer(0.3),
                "momentum": v1.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
                "adam": v1.train.AdamOptimizer(0.05),
                "rmsprop": v1.train.RMSPropOptimizer(0.05, momentum=0.5),
                "rmsprop_centered": v1.train.RMSPropOptimizer(
                    0.05, decay=0.8, momentum=0.3, centered=True, name="RMSPropC"),
                "adagrad": v1.train.AdagradOptimizer(0.2),
                "adadelta": v1.train.AdadeltaOptimizer(1.0, rho=0.9)}
        opts = {k: opt for k, opt in opts.items() if keep is None or k in keep}
        for k, opt in opts.items():
            opt.apply_gradients(grads, name="train_" + k)
        v1.global_variables_initializer()
    feeds = {"x:0": rng.normal(0, 1, (8, 4)).astype(np.float32),
             "labels:0": rng.integers(0, 3, 8).astype(np.int32)}
    return g, feeds, ["train_" + k for k in opts], ["w1", "w2"]


def sparse_graph(keep=None):
    """An embedding model (repeated ids) trained by the optimizers with sparse updates."""
    rng = np.random.default_rng(2)
    g = tf.Graph()
    with g.as_default():
        ids = v1.placeholder(tf.int32, [None], name="ids")
        y = v1.placeholder(tf.float32, [None], name="y")
        emb = _var("emb", rng.normal(0, .5, (6, 3)))
        w = _var("w", rng.normal(0, .5, (3, 1)))
        pred = tf.reshape(tf.matmul(tf.nn.relu(tf.nn.embedding_lookup(emb, ids) + 1.0), w), [-1])
        loss = tf.reduce_mean(tf.square(pred - y), name="loss")
        grads = v1.train.GradientDescentOptimizer(1.0).compute_gradients(loss)
        opts = {"sgd": v1.train.GradientDescentOptimizer(0.1),
                "adam": v1.train.AdamOptimizer(0.05),
                "momentum": v1.train.MomentumOptimizer(0.1, 0.8),
                "adagrad": v1.train.AdagradOptimizer(0.3),
                "rmsprop": v1.train.RMSPropOptimizer(0.05, momentum=0.4)}
        opts = {k: opt for k, opt in opts.items() if keep is None or k in keep}
        for k, opt in opts.items():
            opt.apply_gradients(grads, name="train_" + k)
        v1.global_variables_initializer()
    feeds = {"ids:0": np.array([0, 3, 3, 5, 1, 3], np.int32),
             "y:0": rng.normal(0, 1, 6).astype(np.float32)}
    return g, feeds, ["train_" + k for k in opts], ["emb", "w"]


def _h(v):
    return v.handle


def raw_graph(keep=None):
    """Each raw op on its own variables; returns (graph, feeds per step, cases): a case
    is (step op name, grad placeholder name or None, variable names)."""
    rng = np.random.default_rng(3)
    g = tf.Graph()
    cases = {}
    feeds = [{} for _ in range(STEPS)]

    def case(name, slots, make, shape=(2, 3), grad_shape=None, positive=()):
        if keep is not None and name not in keep:
            return
        with v1.variable_scope(name):
            # mg (a centered RMSProp's mean gradient) small: ms - mg^2 > 0
            vs = [_var(s, (np.abs(rng.normal(0, 1, shape)) + .2) if s in positive
                       else rng.normal(0, .1 if s == "mg" else 1, shape)) for s in slots]
            gp = v1.placeholder(tf.float32, grad_shape or shape, name="g")
            op = make(*[_h(v) for v in vs], gp)
            tf.group(op, name="step")
        for f in feeds:
            f[gp.name] = rng.normal(0, 1, grad_shape or shape).astype(np.float32)
        cases[name] = (name + "/step", [name + "/" + s for s in slots])

    with g.as_default():
        lr, mom = tf.constant(0.1), tf.constant(0.9)
        idx = tf.constant([2, 0], tf.int64)
        case("adam_nesterov", ["var", "m", "v"], lambda a, b, c, gr: R.ResourceApplyAdam(
            var=a, m=b, v=c, beta1_power=.81, beta2_power=.998, lr=lr, beta1=.9, beta2=.999,
            epsilon=1e-7, grad=gr, use_nesterov=True), positive=("v",))
        case("momentum_nesterov", ["var", "accum"], lambda a, b, gr: R.ResourceApplyMomentum(
            var=a, accum=b, lr=lr, grad=gr, momentum=mom, use_nesterov=True))
        case("keras_momentum", ["var", "accum"], lambda a, b, gr: R.ResourceApplyKerasMomentum(
            var=a, accum=b, lr=lr, grad=gr, momentum=mom))
        case("keras_nesterov", ["var", "accum"], lambda a, b, gr: R.ResourceApplyKerasMomentum(
            var=a, accum=b, lr=lr, grad=gr, momentum=mom, use_nesterov=True))
        case("adagrad_v2", ["var", "accum"], lambda a, b, gr: R.ResourceApplyAdagradV2(
            var=a, accum=b, lr=lr, epsilon=.01, grad=gr), positive=("accum",))
        case("adagrad_frozen", ["var", "accum"], lambda a, b, gr: R.ResourceApplyAdagrad(
            var=a, accum=b, lr=lr, grad=gr, update_slots=False), positive=("accum",))
        case("adamax", ["var", "m", "v"], lambda a, b, c, gr: R.ResourceApplyAdaMax(
            var=a, m=b, v=c, beta1_power=.81, lr=lr, beta1=.9, beta2=.99, epsilon=1e-7,
            grad=gr), positive=("v",))
        case("centered_rms", ["var", "mg", "ms", "mom"],
             lambda a, b, c, d, gr: R.ResourceApplyCenteredRMSProp(
                 var=a, mg=b, ms=c, mom=d, lr=lr, rho=.8, momentum=.5, epsilon=1e-3, grad=gr),
             positive=("ms",))
        sparse = dict(shape=(4, 3), grad_shape=(2, 3))
        case("sparse_momentum_nesterov", ["var", "accum"],
             lambda a, b, gr: R.ResourceSparseApplyMomentum(
                 var=a, accum=b, lr=lr, grad=gr, indices=idx, momentum=mom, use_nesterov=True),
             **sparse)
        case("sparse_keras_momentum", ["var", "accum"],
             lambda a, b, gr: R.ResourceSparseApplyKerasMomentum(
                 var=a, accum=b, lr=lr, grad=gr, indices=idx, momentum=mom), **sparse)
        case("sparse_adagrad_v2", ["var", "accum"],
             lambda a, b, gr: R.ResourceSparseApplyAdagradV2(
                 var=a, accum=b, lr=lr, epsilon=.01, grad=gr, indices=idx),
             positive=("accum",), **sparse)
        case("sparse_adagrad_frozen", ["var", "accum"],
             lambda a, b, gr: R.ResourceSparseApplyAdagrad(
                 var=a, accum=b, lr=lr, grad=gr, indices=idx, update_slots=False),
             positive=("accum",), **sparse)
        case("sparse_centered_rms", ["var", "mg", "ms", "mom"],
             lambda a, b, c, d, gr: R.ResourceSparseApplyCenteredRMSProp(
                 var=a, mg=b, ms=c, mom=d, lr=lr, rho=.8, momentum=.5, epsilon=1e-3, grad=gr,
                 indices=idx), positive=("ms",), **sparse)
        case("sparse_adadelta", ["var", "accum", "accum_update"],
             lambda a, b, c, gr: R.ResourceSparseApplyAdadelta(
                 var=a, accum=b, accum_update=c, lr=lr, rho=.9, epsilon=1e-3, grad=gr,
                 indices=idx), positive=("accum", "accum_update"), **sparse)

        def scatters(a, gr):
            ops = [R.ResourceScatterSub(resource=a, indices=[1, 1], updates=gr)]
            for make, ind in ((R.ResourceScatterMul, [3]), (R.ResourceScatterMax, [0, 2]),
                              (R.ResourceScatterUpdate, [2]), (R.ResourceScatterDiv, [0])):
                with tf.control_dependencies(ops[-1:]):
                    ops.append(make(resource=a, indices=ind, updates=gr[:len(ind)] + 2.0))
            with tf.control_dependencies(ops[-1:]):
                ops.append(R.ResourceScatterNdAdd(ref=a, indices=[[0, 1], [3, 2]],
                                                  updates=[1.5, -2.0]))
            with tf.control_dependencies(ops[-1:]):
                ops.append(R.AssignAddVariableOp(resource=a, value=tf.ones([4, 3]) * .5))
            with tf.control_dependencies(ops[-1:]):
                ops.append(R.ResourceScatterMin(resource=a, indices=[1], updates=gr[:1]))
            return ops
        case("scatters", ["var"], scatters, **sparse)
    return g, feeds, cases


def run_training(g, feeds, trains, var_names):
    """{"<train>:loss": losses of STEPS steps, "<train>:<var>": values after}."""
    out = {}
    with v1.Session(graph=g) as sess:
        for t in trains:
            sess.run("init")
            out[t + ":loss"] = np.array([sess.run(["loss:0", t], feeds)[0]
                                         for _ in range(STEPS)], np.float32)
            for v in var_names:
                out[f"{t}:{v}"] = sess.run(v + "/Read/ReadVariableOp:0")
    return out


def run_raw(g, feeds, cases):
    out = {}
    with v1.Session(graph=g) as sess:
        sess.run("init")
        for name, (step, variables) in cases.items():
            for f in feeds:
                sess.run(step, f)
            for v in variables:
                out[f"{name}:{v}"] = sess.run(v + "/Read/ReadVariableOp:0")
    return out


# what the fixtures keep (the parity test runs every case): each op once, small files
FIXTURE = {"dense": ("sgd", "momentum", "adam", "rmsprop_centered"),
           "sparse": ("sgd", "adam", "adagrad", "rmsprop"),
           "raw": ("adam_nesterov", "keras_nesterov", "adagrad_frozen", "adamax",
                   "sparse_momentum_nesterov", "sparse_adagrad_v2", "sparse_centered_rms",
                   "sparse_adadelta", "scatters")}


def main():
    v1.disable_eager_execution()
    for name, make in (("dense", dense_graph), ("sparse", sparse_graph)):
        g, feeds, trains, var_names = make(FIXTURE[name])
        out = run_training(g, feeds, trains, var_names)
        _write(name, g, dict(out, **{"feed:" + k: v for k, v in feeds.items()}))
    g, feeds, cases = raw_graph(FIXTURE["raw"])
    with g.as_default():
        v1.global_variables_initializer()
    out = run_raw(g, feeds, cases)
    out.update({"feed:" + k: np.stack([f[k] for f in feeds]) for k in feeds[0]})
    _write("raw", g, out)


def _write(name, g, arrays):
    gd = g.as_graph_def()
    for nd in gd.node:          # TF's bookkeeping (_class ...): graphc ignores "_" attrs
        for k in [k for k in nd.attr if k.startswith("_")]:
            del nd.attr[k]
    with open(os.path.join(HERE, f"tf_res_{name}.pb"), "wb") as f:
        f.write(gd.SerializeToString())
    np.savez_compressed(os.path.join(HERE, f"tf_res_{name}.npz"), **arrays)


if __name__ == "__main__":
    main()
