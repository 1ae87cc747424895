"""gc.distribute against TF's tf.compat.v1.distribute in graph mode, with the CPU split
into two logical devices (MirroredStrategy(["/cpu:0", "/cpu:1"]) has 2 replicas)."""
from tf_parity import tf

import numpy as np
import pytest

import graphc as gc

v1 = tf.compat.v1
DEVICES = ["/cpu:0", "/cpu:1"]


@pytest.fixture(scope="module", autouse=True)
def two_cpus():
    cpus = tf.config.list_physical_devices("CPU")
    try:
        tf.config.set_logical_device_configuration(
            cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)
    except RuntimeError:
        pass                                # already initialized: check what we have
    if len(tf.config.list_logical_devices("CPU")) < 2:
        pytest.skip("TF was initialized before its CPU could be split in two")


def both(build):
    """build(m) in a new graph of graphc (m = gc) and of TF (m = tf.compat.v1); the
    fetches it returns, run after initializing variables (and iterators it lists)."""
    out = []
    for m, graph in ((gc, gc.Graph()), (v1, tf.Graph())):
        with graph.as_default():
            fetches, inits = build(m)
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                for i in inits:
                    sess.run(i)
                out.append(sess.run(fetches))
    return out


def _rid(m):
    return m.cast(m.distribute.get_replica_context().replica_id_in_sync_group, m.float32)


def test_run_reduce_all_reduce():
    def build(m):
        s = m.distribute.MirroredStrategy(DEVICES)
        with s.scope():
            per = s.run(lambda: m.constant([[1.0, 2.0], [3.0, 4.0]]) * (_rid(m) + 1.0))
            ar = s.run(lambda: m.distribute.get_replica_context().all_reduce(
                "MEAN", _rid(m) + 1.0))
        return [s.reduce("SUM", per, axis=None), s.reduce("MEAN", per, axis=None),
                s.reduce("SUM", per, axis=0), s.reduce("MEAN", per, axis=1),
                list(s.experimental_local_results(per)),
                list(s.experimental_local_results(ar))], []
    g, t = both(build)
    for a, b in zip(g[:4], t[:4]):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(g[4], t[4])
    np.testing.assert_allclose(g[5], t[5])


def test_context_functions():
    for m in (gc, v1):
        with (gc.Graph() if m is gc else tf.Graph()).as_default():
            s = m.distribute.MirroredStrategy(DEVICES)
            out = [m.distribute.has_strategy(), m.distribute.in_cross_replica_context(),
                   m.distribute.get_replica_context().num_replicas_in_sync]
            with s.scope():
                out += [m.distribute.get_strategy() is s, m.distribute.has_strategy(),
                        m.distribute.in_cross_replica_context(),
                        m.distribute.get_replica_context() is None, s.num_replicas_in_sync,
                        list(s.extended.worker_devices)]
                v = m.Variable(1.0, name="v")
                out += [v.name, v.synchronization.name, v.aggregation.name,
                        s.extended.variable_created_in_scope(v)]
        if m is gc:
            want = out
    assert want == out


@pytest.mark.parametrize("agg", ["SUM", "MEAN", "ONLY_FIRST_REPLICA"])
def test_aggregated_assign_in_replica_context(agg):
    def after(m):
        s = m.distribute.MirroredStrategy(DEVICES)
        with s.scope():
            v = m.Variable(1.0, aggregation=getattr(m.VariableAggregation, agg))
            up = s.group(s.run(lambda: v.assign_add(_rid(m) + 1.0)))
        with m.control_dependencies([up]):
            return m.identity(v.read_value()), []
    g, t = both(after)
    assert g == pytest.approx(t)


def test_dataset_split():
    x = np.arange(8, dtype=np.float32)

    def build(m):
        s = m.distribute.MirroredStrategy(DEVICES)
        it = s.make_dataset_iterator(m.data.Dataset.from_tensor_slices(x).batch(5))
        return list(s.experimental_local_results(it.get_next())), [it.initialize()]

    def build_fn(m):
        s = m.distribute.MirroredStrategy(DEVICES)
        it = s.make_input_fn_iterator(lambda ctx: m.data.Dataset.from_tensor_slices(x).batch(
            ctx.get_per_replica_batch_size(6)))
        return list(s.experimental_local_results(it.get_next())), [it.initialize()]
    for b in (build, build_fn):
        g, t = both(b)
        assert [list(a) for a in g] == [list(a) for a in t]


@pytest.mark.parametrize("opt", ["sgd", "adam", "momentum"])
def test_custom_training_loop(opt):
    rng = np.random.RandomState(0)
    X = rng.randn(8, 3).astype(np.float32)
    Y = rng.randn(8, 1).astype(np.float32)

    def build(m):
        s = m.distribute.MirroredStrategy(DEVICES)
        with s.scope():
            W = m.Variable(np.full((3, 1), 0.1, np.float32), name="W")
            b = m.Variable(np.zeros((1,), np.float32), name="b")
            o = {"sgd": lambda: m.train.GradientDescentOptimizer(0.1),
                 "adam": lambda: m.train.AdamOptimizer(0.05),
                 "momentum": lambda: m.train.MomentumOptimizer(0.1, 0.9)}[opt]()
            gs = m.train.get_or_create_global_step()
            it = s.make_dataset_iterator(
                m.data.Dataset.from_tensor_slices((X, Y)).batch(4).repeat())

            def step(inputs):
                x, y = inputs
                loss = m.reduce_sum(m.square(m.matmul(x, W) + b - y)) / 4.0
                gv = o.compute_gradients(loss)
                with m.control_dependencies([o.apply_gradients(gv, global_step=gs)]):
                    return m.identity(loss)
            loss = s.reduce("SUM", s.run(step, args=(it.get_next(),)), axis=None)
        return loss, [it.initialize()]

    results = []
    for m, graph in ((gc, gc.Graph()), (v1, tf.Graph())):
        with graph.as_default():
            loss, inits = build(m)
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                sess.run(inits)
                losses = [sess.run(loss) for _ in range(4)]
                values = sess.run(m.global_variables())
                names = [v.name for v in m.global_variables()]
            results.append((losses, values, names))
    (gl, gv, gn), (tl, tv, tn) = results
    assert gn == tn
    np.testing.assert_allclose(gl, tl, rtol=1e-5)
    for a, b in zip(gv, tv):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_errors_match():
    for m in (gc, v1):
        with (gc.Graph() if m is gc else tf.Graph()).as_default():
            s = m.distribute.MirroredStrategy(DEVICES)
            other = m.distribute.MirroredStrategy(DEVICES)
            with s.scope():
                with pytest.raises(RuntimeError, match="Mixing different tf.distribute"):
                    with other.scope():
                        pass
                with pytest.raises(ValueError, match="non-DistributedValues value"):
                    s.reduce("SUM", m.constant([1.0, 2.0]), axis=None)
                with pytest.raises(ValueError, match="'MAX' is not a valid ReduceOp"):
                    s.reduce("MAX", s.run(lambda: m.constant(1.0)), axis=None)
            with pytest.raises(ValueError, match="not divisible"):
                m.distribute.InputContext(1, 0, 4).get_per_replica_batch_size(7)
            with pytest.raises(ValueError, match="must be Reduce.SUM or Reduce.MEAN"):
                m.distribute.ReductionToOneDevice().reduce(
                    "SUM", s.run(lambda: m.constant(1.0)), destinations="/cpu:0")
