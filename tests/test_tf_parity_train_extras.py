"""Parity with TF1 for AdagradDAOptimizer, the conditional accumulators,
replica_device_setter, ClusterSpec and the Supervisor's event log. Each case builds the
same program in graphc and in tf.compat.v1 (graph mode) and compares what it gives."""
import glob
import os
import types

import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc
from graphc.accumulators import ConditionalAccumulator, SparseConditionalAccumulator
from graphc.train.device_setter import ClusterSpec, replica_device_setter
from graphc.train.optimizers_da import AdagradDAOptimizer
from graphc.train.supervisor import Supervisor

from tensorflow.core.framework import node_def_pb2  # noqa: E402

v1.disable_eager_execution()

GC = types.SimpleNamespace(AdagradDA=AdagradDAOptimizer, Acc=ConditionalAccumulator,
                           SparseAcc=SparseConditionalAccumulator, Supervisor=Supervisor)
TF = types.SimpleNamespace(AdagradDA=v1.train.AdagradDAOptimizer, Acc=v1.ConditionalAccumulator,
                           SparseAcc=v1.SparseConditionalAccumulator,
                           Supervisor=v1.train.Supervisor)


def _lib(m):
    return GC if m is gc else TF


# ---- AdagradDA ------------------------------------------------------------------------------
def _da_history(m, dtype, sparse, l1, l2, lr):
    g = m.Graph()
    with g.as_default():
        step = m.train.get_or_create_global_step()
        x = m.Variable(np.array([[0.5, -1.0], [0.2, 0.3], [1.0, 2.0]], dtype), name="x")
        w = np.array([[1.0, -2.0], [3.0, 0.5], [0.25, 1.0]], dtype)
        loss = m.reduce_sum(m.gather(x, [2, 0, 2]) * w) if sparse else \
            m.reduce_sum(x * x * w)
        opt = _lib(m).AdagradDA(lr, step, initial_gradient_squared_accumulator_value=0.2,
                                l1_regularization_strength=l1, l2_regularization_strength=l2)
        train = opt.minimize(loss, global_step=step)
        fetch = [x, opt.get_slot(x, "gradient_accumulator"),
                 opt.get_slot(x, "gradient_squared_accumulator"), step]
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            out = []
            for _ in range(4):
                sess.run(train)
                out.append(sess.run(fetch))
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1,l2,lr", [(0.0, 0.0, 0.5), (0.3, 0.1, 0.1), (0.0, 0.2, 1.0),
                                      (2.0, 0.0, 0.3)])
def test_adagrad_da(dtype, sparse, l1, l2, lr):
    got, want = _da_history(gc, dtype, sparse, l1, l2, lr), \
        _da_history(v1, dtype, sparse, l1, l2, lr)
    rtol = 2e-7 if dtype == np.float32 else 1e-14
    for k, (a, b) in enumerate(zip(got, want)):
        for name, p, q in zip(["x", "g", "gg", "step"], a, b):
            assert np.asarray(p).dtype == np.asarray(q).dtype, name
            np.testing.assert_allclose(p, q, rtol=rtol, atol=1e-30, err_msg=f"{name} @{k}")


# ---- accumulators ---------------------------------------------------------------------------
def _outcome(sess, fetch, feed=None):
    try:
        return ("ok", sess.run(fetch, feed))
    except Exception as e:          # noqa: BLE001
        msg = getattr(e, "message", str(e))
        return (type(e).__name__.replace("ExecutionError", "InvalidArgumentError"),
                msg.split("\n")[0] if "Graph execution error" not in msg
                else [ln for ln in msg.split("\n") if "mismatch" in ln or "Expected" in ln
                      or "should be" in ln or "must be positive" in ln or "cannot" in ln][0])


def _dense_script(m):
    lib = _lib(m)
    p = m.placeholder(m.float32)
    acc = lib.Acc(m.float32, shape=[None, 2], name="acc")
    tot = lib.Acc(m.float64, reduction_type="SUM")
    steps = [(acc.apply_grad(p, local_step=0), {p: [[1.0, 2.0]]}),
             (acc.apply_grad(p, local_step=0), {p: [[3.0, 5.0]]}),
             (acc.apply_grad(p, local_step=0), {p: [[3.0, 5.0], [1.0, 1.0]]}),
             (acc.apply_grad(p, local_step=0), {p: [[1.0, 2.0, 3.0]]}),
             (acc.num_accumulated(), None), (acc.take_grad(2), None),
             (acc.num_accumulated(), None),
             (acc.apply_grad(p, local_step=0), {p: [[7.0, 7.0], [1.0, 1.0]]}),
             (acc.apply_grad(p, local_step=1), {p: [[7.0, 7.0], [1.0, 1.0]]}),
             (acc.take_grad(1), None), (acc.take_grad(0), None),
             (acc.set_global_step(10), None), (acc.set_global_step(3), None),
             (acc.apply_grad(p, local_step=3), {p: [[2.0, 4.0]]}),
             (acc.num_accumulated(), None),
             (tot.apply_grad([1.0, 2.0]), None), (tot.apply_grad([3.0, 0.5]), None),
             (tot.take_grad(2), None)]
    with m.Session() as sess:
        return [_outcome(sess, f, fd) for f, fd in steps]


def _sparse_script(m):
    lib = _lib(m)
    acc = lib.SparseAcc(m.float32, shape=[None, 2])
    fixed = lib.SparseAcc(m.float32, shape=[4, 2], reduction_type="SUM")
    steps = [acc.apply_grad([5, 1], [[1.0, 1.0], [2.0, 2.0]]),
             acc.apply_grad([0, 5, 3], [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]),
             acc.apply_grad([3, 3], [[1.0, 0.0], [0.0, 1.0]]),
             acc.take_grad(3),
             acc.apply_grad([1, 1], [[1.0, 1.0], [2.0, 2.0]], local_step=1),
             acc.apply_grad([-1], [[4.0, 4.0]], local_step=1),
             acc.apply_grad([1], [[1.0, 1.0, 1.0]], local_step=1),
             acc.apply_grad([1, 2], [[1.0, 1.0]], local_step=1),
             acc.apply_grad([1], [[1.0, 1.0]], grad_shape=[3, 3], local_step=1),
             acc.apply_grad([1], [[1.0, 1.0]], local_step=0),
             acc.num_accumulated(), acc.take_grad(2),
             fixed.apply_grad([7], [[1.0, 1.0]]),
             fixed.apply_grad([1], [[1.0, 1.0]], grad_shape=[5, 2]),
             fixed.apply_grad([2, 0], [[1.0, 1.0], [2.0, 3.0]], grad_shape=[4, 2]),
             fixed.apply_grad([0], [[2.0, 3.0]]),
             fixed.take_grad(2), fixed.set_global_step(0), fixed.num_accumulated()]
    with m.Session() as sess:
        return [_outcome(sess, f) for f in steps]


@pytest.mark.parametrize("script", [_dense_script, _sparse_script])
def test_accumulator_scripts(script):
    got, want = script(gc), script(v1)
    assert len(got) == len(want)
    for k, ((gk, gv), (wk, wv)) in enumerate(zip(got, want)):
        assert gk == wk, f"step {k}: {gk} {gv!r} vs TF's {wk} {wv!r}"
        if gk != "ok":
            assert gv == wv, f"step {k}"
            continue
        for a, b in zip(gv if isinstance(gv, tuple) else [gv],
                        wv if isinstance(wv, tuple) else [wv]):
            if b is None:
                assert a is None
                continue
            a, b = np.asarray(a), np.asarray(b)
            assert a.dtype == b.dtype and a.shape == b.shape, f"step {k}"
            np.testing.assert_array_equal(a, b, err_msg=f"step {k}")


def test_accumulator_static_shapes():
    for m in (gc, v1):
        with m.Graph().as_default():
            lib = _lib(m)
            dense = lib.Acc(m.float64, shape=[None, 3]).take_grad(1)
            sparse = lib.SparseAcc(m.float32, shape=[4, 3]).take_grad(1)
            n = lib.Acc(m.float32).num_accumulated()
            got = [(t.shape.as_list() if t.shape.rank is not None else None, t.dtype.name)
                   for t in (dense, *sparse, n)]
        if m is gc:
            mine = got
    assert mine == got


# ---- replica_device_setter, ClusterSpec ------------------------------------------------------
SETTERS = [dict(ps_tasks=2), dict(ps_tasks=3, ps_device="/job:ps/device:CPU:0",
                                  worker_device="/job:worker/task:1/gpu:0"),
           dict(cluster={"ps": ["a:1", "b:2"], "worker": ["c:3"]}),
           dict(ps_tasks=2, ps_device="/cpu:0", worker_device="/gpu:1"),
           dict(ps_tasks=2, ps_device="", worker_device=None),
           dict(ps_tasks=2, merge_devices=False),
           dict(ps_tasks=2, ps_device="/job:param/replica:1", worker_device="/job:w/task:2"),
           dict(ps_tasks=2, ps_ops=["Mul"])]
OPS = [("VariableV2", ""), ("Mul", ""), ("VariableV2", "/job:foo/task:3"),
       ("Mul", "/job:foo/task:3"), ("VariableV2", "/job:ps/replica:2"),
       ("VariableV2", "/cpu:1"), ("Mul", "/device:GPU:*"), ("VariableV2", "/job:ps"),
       ("VariableV2", "/job:param"), ("MutableHashTableV2", ""), ("Mul", "/task:7"),
       ("ResourceConditionalAccumulator", "")]


@pytest.mark.parametrize("kw", SETTERS)
def test_replica_device_setter_strings(kw):
    def placements(setter):
        fn = setter(**kw)
        if fn is None:
            return None
        out = []
        for op_type, device in OPS:
            nd = node_def_pb2.NodeDef(op=op_type, device=device)
            op = nd if setter is v1.train.replica_device_setter else \
                types.SimpleNamespace(type=op_type, device=device)
            out.append(fn(op))
        return out
    assert placements(replica_device_setter) == placements(v1.train.replica_device_setter)


def test_replica_device_setter_on_built_variables():
    def devices(m, setter):
        with m.Graph().as_default():
            with m.device(setter(ps_tasks=3)):
                vs = [m.Variable(float(i), name=f"v{i}") for i in range(4)]
                y = vs[0] * vs[1]
            return [v.op.device if m is v1 else v.node.device for v in vs] + \
                [y.op.device if m is v1 else y.node.device]
    assert devices(gc, replica_device_setter) == devices(v1, v1.train.replica_device_setter)


def test_none_setters():
    for kw in [dict(), dict(cluster={"worker": ["w:1"]}), dict(ps_tasks=0)]:
        assert replica_device_setter(**kw) is None
        assert v1.train.replica_device_setter(**kw) is None


def test_cluster_spec():
    spec = {"ps": ["a:1", "b:2"], "worker": {1: "c:3", 4: "d:4"}, "chief": ["e:5"]}
    mine, theirs = ClusterSpec(spec), tf.train.ClusterSpec(spec)
    assert mine.as_dict() == theirs.as_dict()
    assert mine.jobs == theirs.jobs and repr(mine) == repr(theirs)
    for job in spec:
        assert mine.task_indices(job) == theirs.task_indices(job)
        assert mine.num_tasks(job) == theirs.num_tasks(job)
        assert mine.job_tasks(job) == theirs.job_tasks(job)
    assert str(mine.as_cluster_def()) == str(theirs.as_cluster_def())
    assert (mine == mine.as_dict()) == (theirs == theirs.as_dict())     # both False
    assert ClusterSpec(mine) == mine and tf.train.ClusterSpec(theirs) == theirs
    for bad in ("x",):
        with pytest.raises(ValueError) as a:
            mine.num_tasks(bad)
        with pytest.raises(ValueError) as b:
            theirs.num_tasks(bad)
        assert str(a.value) == str(b.value)


# ---- Supervisor ------------------------------------------------------------------------------
def _supervised_log(m, logdir):
    """The event log of a Supervisor with every service on a zero interval (so none
    runs), one summary computed by hand: what TF's event parser reads back from it."""
    with m.Graph().as_default():
        step = m.train.get_or_create_global_step()
        x = m.Variable(1.0, name="x")
        m.summary.scalar("x_value", x)
        train = m.group(x.assign_add(1.0), step.assign_add(1))
        sv = _lib(m).Supervisor(logdir=logdir, save_model_secs=0, save_summaries_secs=0)
        sess = sv.prepare_or_wait_for_session()
        sess.run(train)
        sv.summary_computed(sess, sess.run(sv.summary_op))
        sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
        sv.stop()
        sess.close()
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    out = []
    for e in v1.train.summary_iterator(path):       # TF's parser, for both files
        kind = e.WhichOneof("what")
        if kind in ("summary",):
            out.append((kind, e.step, [(v.tag, v.simple_value) for v in e.summary.value]))
        elif kind == "session_log":
            out.append((kind, e.step, e.session_log.status, e.session_log.checkpoint_path))
        elif kind in ("file_version", "graph_def"):
            out.append((kind, e.step))
    return out, sorted(f for f in os.listdir(logdir) if f.startswith("checkpoint")
                       or f == "graph.pbtxt")


def test_supervisor_event_log(tmp_path):
    mine = _supervised_log(gc, str(tmp_path / "gc"))
    theirs = _supervised_log(v1, str(tmp_path / "tf"))
    assert mine == theirs


def test_variable_ops_devices_and_device_function_calls():
    """A variable's initializer is built on no device (TF1's device(None)), its Assign
    and regularizer colocated with it: the device functions see only the variable ops,
    in TF's order, and every op gets TF's device string."""
    def run(m):
        calls = []

        def fn(op):
            calls.append(op.name)
            return f"/job:ps/task:{len(calls) % 2}"
        g = m.Graph()
        with g.as_default():
            with m.device("/job:worker/task:1"):
                m.get_variable("a", [2, 3], initializer=m.zeros_initializer())
                m.Variable(m.zeros([2]), name="b")
                m.Variable(lambda: m.ones([2]), name="e")
                with m.device(fn):
                    m.get_variable("c", [2], initializer=m.ones_initializer())
                    d = m.get_variable("d", [3], regularizer=m.nn.l2_loss)
                    with m.device(None):
                        m.get_variable("f", [3], initializer=m.ones_initializer())
            reg = g.get_collection(m.GraphKeys.REGULARIZATION_LOSSES)[0]
            assert reg.op.device == d.op.device != ""
        calls = [c for c in calls if c in ("c", "d", "f")]    # TF 2's eager check makes
        return {op.name: op.device for op in g.get_operations()}, calls   # stray ops
    v1.disable_resource_variables()
    try:
        (theirs, tcalls), (ours, ocalls) = run(v1), run(gc)
    finally:
        v1.enable_resource_variables()
    assert ocalls == tcalls
    common = set(theirs) & set(ours)
    assert len(common) >= 15
    assert {k: ours[k] for k in common} == {k: theirs[k] for k in common}
