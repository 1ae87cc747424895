"""AdagradDAOptimizer, the conditional accumulators, replica_device_setter and
ClusterSpec (graphc/train/optimizers_da.py, graphc/accumulators.py,
graphc/train/device_setter.py)."""
import threading
import time

import numpy as np
import pytest

import graphc as gc
from graphc.accumulators import ConditionalAccumulator, SparseConditionalAccumulator
from graphc.train.device_setter import ClusterSpec, replica_device_setter
from graphc.train.optimizers_da import AdagradDAOptimizer


def test_public_names():
    assert gc.ConditionalAccumulator is ConditionalAccumulator
    assert gc.SparseConditionalAccumulator is SparseConditionalAccumulator
    assert gc.train.AdagradDAOptimizer is AdagradDAOptimizer
    assert gc.train.replica_device_setter is replica_device_setter
    assert gc.train.ClusterSpec is ClusterSpec


# ---- AdagradDA --------------------------------------------------------------------------
def _da_reference(grads, lr, l1, l2, init=0.1):
    """TF1's ApplyAdagradDA in numpy, the step T counting from 1."""
    g = np.zeros_like(grads[0])
    gg = np.full_like(grads[0], init)
    out = []
    for t, grad in enumerate(grads, start=1):
        g, gg = g + grad, gg + grad * grad
        denom = np.sqrt(gg) + l2 * t * lr
        if l1 > 0:
            var = -np.sign(g) * lr * np.maximum(np.abs(g) - l1 * t, 0) / denom
        else:
            var = -lr * g / denom
        out.append(var)
    return out


@pytest.mark.parametrize("l1,l2", [(0.0, 0.0), (0.25, 0.5), (1.5, 0.0)])
def test_adagrad_da_dense_matches_the_formula(l1, l2):
    step = gc.train.get_or_create_global_step()
    x = gc.Variable(np.array([0.5, -1.0, 2.0]), name="x")
    c = np.array([1.0, -2.0, 0.5])
    loss = gc.reduce_sum(c * x)          # constant gradient c
    opt = AdagradDAOptimizer(0.5, step, l1_regularization_strength=l1,
                             l2_regularization_strength=l2)
    train = opt.minimize(loss, global_step=step)
    want = _da_reference([c] * 3, 0.5, float(np.float32(l1)), float(np.float32(l2)))
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for k in range(3):
            sess.run(train)
            np.testing.assert_allclose(sess.run(x), want[k], rtol=1e-12)
        np.testing.assert_allclose(sess.run(opt.get_slot(x, "gradient_accumulator")), 3 * c)
        np.testing.assert_allclose(
            sess.run(opt.get_slot(x, "gradient_squared_accumulator")), 0.1 + 3 * c * c)
    assert opt.get_slot_names() == ["gradient_accumulator", "gradient_squared_accumulator"]
    assert opt.get_slot(x, "gradient_accumulator").name == "x/AdagradDA:0"


def test_adagrad_da_sparse_updates_only_its_rows():
    step = gc.train.get_or_create_global_step()
    x = gc.Variable(np.arange(8.0).reshape(4, 2), name="emb")
    loss = gc.reduce_sum(gc.gather(x, [1, 3, 1]))   # rows 1 (twice) and 3
    opt = AdagradDAOptimizer(0.1, step, l2_regularization_strength=0.1)
    train = opt.minimize(loss, global_step=step)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train)
        got = sess.run(x)
    l2 = float(np.float32(0.1))
    lr = float(np.float32(0.1))
    for row, g in ((1, 2.0), (3, 1.0)):
        np.testing.assert_allclose(got[row], -lr * g / (np.sqrt(0.1 + g * g) + l2 * lr),
                                   rtol=1e-6)
    np.testing.assert_array_equal(got[[0, 2]], np.arange(8.0).reshape(4, 2)[[0, 2]])


def test_adagrad_da_argument_errors():
    step = gc.train.get_or_create_global_step()
    with pytest.raises(ValueError, match="must be positive: 0.0"):
        AdagradDAOptimizer(0.1, step, initial_gradient_squared_accumulator_value=0.0)
    with pytest.raises(TypeError, match="global_step must be a tensor"):
        AdagradDAOptimizer(0.1, 3)


# ---- accumulators -----------------------------------------------------------------------
def test_dense_mean_sum_and_global_step():
    acc = ConditionalAccumulator(gc.float32, shape=[2], name="acc")
    total = ConditionalAccumulator(gc.float64, shape=[2], reduction_type="SUM")
    assert acc.name == "acc" and acc.dtype is gc.float32
    assert acc.take_grad(1).shape.as_list() == [2]
    assert acc.num_accumulated().name == "acc_NumAccumulated:0"
    with gc.Session() as sess:
        sess.run(acc.apply_grad([1.0, 2.0]))
        sess.run(acc.apply_grad([3.0, 5.0]))
        assert sess.run(acc.num_accumulated()) == 2
        np.testing.assert_array_equal(sess.run(acc.take_grad(2)), [2.0, 3.5])
        assert sess.run(acc.num_accumulated()) == 0
        sess.run(acc.apply_grad([9.0, 9.0], local_step=0))     # stale: the take made it 1
        assert sess.run(acc.num_accumulated()) == 0
        sess.run(acc.set_global_step(5))
        sess.run(acc.apply_grad([9.0, 9.0], local_step=4))
        sess.run(acc.apply_grad([1.0, 1.0], local_step=5))
        assert sess.run(acc.num_accumulated()) == 1
        sess.run(total.apply_grad([1.0, 2.0]))
        sess.run(total.apply_grad([3.0, 2.0]))
        np.testing.assert_array_equal(sess.run(total.take_grad(2)), [4.0, 4.0])


def test_dense_shape_errors():
    acc = ConditionalAccumulator(gc.float32, shape=[None, 3])
    with pytest.raises(ValueError, match="incompatible"):
        acc.apply_grad(np.ones((2, 4), np.float32))
    p = gc.placeholder(gc.float32)
    apply = acc.apply_grad(p)
    with gc.Session() as sess:
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match=r"Shape mismatch: expected \[\?,3\], got \[2,4\]"):
            sess.run(apply, {p: np.ones((2, 4))})
        sess.run(apply, {p: np.ones((2, 3))})
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match=r"expected \[2,3\], got \[1,3\]"):
            sess.run(apply, {p: np.ones((1, 3))})
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match="num_required must be positive, but was 0"):
            sess.run(acc.take_grad(0))


def test_construction_errors():
    with pytest.raises(ValueError, match='not in: "MEAN", "SUM"'):
        ConditionalAccumulator(gc.float32, reduction_type="MAX")
    with pytest.raises(TypeError, match="float16, float32 and float64"):
        SparseConditionalAccumulator(gc.int32)


def test_take_waits_for_enough_gradients_then_close_cancels():
    acc = ConditionalAccumulator(gc.float32, shape=[])
    take = acc.take_grad(2)
    sess = gc.Session()
    got = []
    t = threading.Thread(target=lambda: got.append(sess.run(take)))
    t.start()
    sess.run(acc.apply_grad(1.0))
    time.sleep(0.05)
    assert t.is_alive() and not got
    sess.run(acc.apply_grad(4.0))
    t.join(2)
    assert got == [2.5]
    errs = []

    def wait():
        try:
            sess.run(take)
        except gc.errors.CancelledError as e:
            errs.append(str(e))
    t = threading.Thread(target=wait)
    t.start()
    time.sleep(0.05)
    sess.close()
    t.join(2)
    assert not t.is_alive() and "TakeGrad operation was cancelled" in errs[0]


def test_sparse_merge_order_mean_per_row_and_shape():
    acc = SparseConditionalAccumulator(gc.float32, shape=[None, 2])
    with gc.Session() as sess:
        sess.run(acc.apply_grad([5, 1], [[1.0, 1.0], [2.0, 2.0]]))
        sess.run(acc.apply_grad([0, 5, 3], [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]))
        idx, vals, shape = sess.run(acc.take_grad(2))
    np.testing.assert_array_equal(idx, [0, 5, 1, 3])         # TF's merge of "sorted" lists
    np.testing.assert_array_equal(vals, [[1, 1], [1.5, 1.5], [2, 2], [3, 3]])
    np.testing.assert_array_equal(shape, [-1, 2])


def test_sparse_indexed_slices_and_errors():
    acc = SparseConditionalAccumulator(gc.float64, shape=[3, 2], reduction_type="SUM")
    g = gc.IndexedSlices(gc.constant([[1.0, 2.0]], gc.float64), gc.constant([2]),
                         gc.constant([3, 2]))
    out = acc.take_indexed_slices_grad(1)
    assert isinstance(out, gc.IndexedSlices)
    with gc.Session() as sess:
        sess.run(acc.apply_indexed_slices_grad(g))
        values, indices, dense_shape = sess.run([out.values, out.indices, out.dense_shape])
        np.testing.assert_array_equal(indices, [2])
        np.testing.assert_array_equal(values, [[1.0, 2.0]])
        np.testing.assert_array_equal(dense_shape, [3, 2])
        for args, msg in [
                (([5], [[1.0, 1.0]]), "index of slice 0 exceeded limits of shape; index is 5 "
                                      "exceeded 3"),
                (([1, 2], [[1.0, 1.0]]), "Expected 2 non-empty input values, got 1"),
                (([[1]], [[1.0, 1.0]]), r"indices should be vector but received shape: \[1,1\]"),
                (([1], [[1.0, 1.0, 1.0]]), "expected values dim 1 to be 2, got 3"),
                (([1], [[1.0, 1.0]], [4, 2]), "expected shape dim 0 to be 3, got 4")]:
            with pytest.raises(gc.errors.InvalidArgumentError, match=msg):
                sess.run(acc.apply_grad(*args, local_step=1))


def test_accumulators_are_per_session_and_shared_by_name():
    a = ConditionalAccumulator(gc.float32, shape=[], shared_name="shared")
    b = ConditionalAccumulator(gc.float32, shape=[], shared_name="shared")
    with gc.Session() as s1, gc.Session() as s2:
        s1.run(a.apply_grad(1.0))
        assert s1.run(b.num_accumulated()) == 1
        assert s2.run(a.num_accumulated()) == 0


# ---- replica_device_setter, ClusterSpec --------------------------------------------------
def test_replica_device_setter_round_robin():
    with gc.device(replica_device_setter(ps_tasks=2)):
        a = gc.Variable(1.0, name="a")
        b = gc.Variable(2.0, name="b")
        c = gc.Variable(3.0, name="c")
        s = a + b
    assert [v.node.device for v in (a, b, c)] == ["/job:ps/task:0", "/job:ps/task:1",
                                                  "/job:ps/task:0"]
    assert s.node.device == "/job:worker"


def test_replica_device_setter_strings_and_merging():
    fn = replica_device_setter(ps_tasks=3, ps_device="/job:ps/device:CPU:0",
                               worker_device="/job:worker/task:1/gpu:0")
    with gc.device(fn):
        v = gc.Variable(1.0, name="v")
        y = v * 2.0
    assert v.node.device == "/job:ps/task:0/device:CPU:0"
    assert y.node.device == "/job:worker/task:1/device:GPU:0"
    # a device already on the op wins field by field (TF1's merge)
    y.node.device = "/cpu:1"
    assert fn(y.node) == "/job:worker/task:1/device:CPU:1"
    v.node.device = "/job:foo/task:3"
    assert fn(v.node) == "/job:foo/task:3/device:CPU:0"
    v.node.device = "/job:ps/replica:2"
    assert fn(v.node) == "/job:ps/replica:2/task:1/device:CPU:0"
    keep = replica_device_setter(ps_tasks=1, merge_devices=False)
    assert keep(v.node) == "/job:ps/replica:2"


def test_replica_device_setter_cluster_and_none():
    cluster = {"ps": ["ps0:1", "ps1:1", "ps2:1"], "worker": ["w0:1"]}
    assert replica_device_setter(cluster={"worker": ["w0:1"]}) is None
    assert replica_device_setter() is None
    fn = replica_device_setter(cluster=ClusterSpec(cluster))
    with gc.device(fn):
        vs = [gc.Variable(float(i)) for i in range(4)]
    assert [v.node.device for v in vs] == [f"/job:ps/task:{i}" for i in (0, 1, 2, 0)]
    with pytest.raises(TypeError, match="ps_strategy must be callable"):
        replica_device_setter(ps_tasks=2, ps_strategy=3)
    with gc.device(replica_device_setter(ps_tasks=4, ps_strategy=lambda op: 3)):
        assert gc.Variable(1.0).node.device == "/job:ps/task:3"


def test_cluster_spec():
    cs = ClusterSpec({"ps": ["a:1", "b:2"], "worker": {1: "c:3", 4: "d:4"}})
    assert cs.jobs == ["ps", "worker"]
    assert cs.as_dict() == {"ps": ["a:1", "b:2"], "worker": {1: "c:3", 4: "d:4"}}
    assert cs.task_indices("worker") == [1, 4] and cs.num_tasks("worker") == 2
    assert cs.job_tasks("worker") == [None, "c:3", None, None, "d:4"]
    assert cs.task_address("worker", 4) == "d:4"
    assert repr(cs) == "ClusterSpec({'ps': ['a:1', 'b:2'], 'worker': {1: 'c:3', 4: 'd:4'}})"
    assert ClusterSpec(cs) == cs and ClusterSpec(cs.as_cluster_def()) == cs
    assert bool(cs) and not ClusterSpec({})
    text = str(cs.as_cluster_def())
    assert text.startswith('job {\n  name: "ps"\n  tasks {\n    key: 0\n    value: "a:1"')
    with pytest.raises(ValueError, match="No such job in cluster: 'x'"):
        cs.num_tasks("x")
    with pytest.raises(ValueError, match="No task with index 2 in job 'worker'"):
        cs.task_address("worker", 2)
    with pytest.raises(TypeError, match="must be a dictionary"):
        ClusterSpec([1])
    with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
        replica_device_setter(ps_tasks=1, ps_device="/foo:1")(gc.Variable(1.0).node)
