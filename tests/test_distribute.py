"""gc.distribute: strategies, replica contexts, mirrored variables, distributed input."""
import contextlib

import numpy as np
import pytest

import graphc as gc

D = gc.distribute


@pytest.fixture
def graph():
    g = gc.Graph()
    with g.as_default():
        yield g


@pytest.fixture
def two(graph):
    return D.MirroredStrategy(["/cpu:0", "/cpu:1"])


def _rid():
    return gc.cast(D.get_replica_context().replica_id_in_sync_group, gc.float32)


def _run(fetches, init=True):
    with gc.Session() as sess:
        if init:
            sess.run(gc.global_variables_initializer())
        return sess.run(fetches)


def test_default_context(graph):
    assert not D.has_strategy() and not D.in_cross_replica_context()
    ctx = D.get_replica_context()
    assert ctx.num_replicas_in_sync == 1 and ctx.replica_id_in_sync_group == 0
    assert ctx.strategy is D.get_strategy() is D.get_cross_replica_context()
    assert ctx.merge_call(lambda s, x: (s, x), args=(3,)) == (D.get_strategy(), 3)
    assert _run(ctx.all_reduce("SUM", gc.constant(2.0)), init=False) == 2.0
    assert _run(D.get_strategy().reduce("SUM", gc.constant(1.0), axis=None)) == 1.0


def test_scope_and_variables(two):
    assert two.num_replicas_in_sync == 2
    assert two.extended.worker_devices == ("/replica:0/task:0/device:CPU:0",
                                           "/replica:0/task:0/device:CPU:1")
    with two.scope() as s:
        assert s is two and D.get_strategy() is two and D.has_strategy()
        assert D.in_cross_replica_context() and D.get_replica_context() is None
        v = gc.Variable(1.0, name="v")
        w = gc.get_variable("w", shape=[2], initializer=gc.ones_initializer())
        assert isinstance(v, D.MirroredVariable) and isinstance(v, gc.Variable)
        assert v.name == "v:0" and w.name == "w:0"
        assert v.device == "/replica:0/task:0/device:CPU:0"
        assert v.synchronization is gc.VariableSynchronization.ON_WRITE
        assert two.extended.variable_created_in_scope(v)
        with two.extended.colocate_vars_with(v):
            u = gc.Variable(0.0, name="u")
        assert u.node.device == v.device
    assert not D.has_strategy()
    assert _run([v, w]) == [1.0, pytest.approx([1.0, 1.0])]


def test_run_gives_per_replica_values(two):
    with two.scope():
        per = two.run(lambda x: x * 2.0 + _rid(), args=(gc.constant(3.0),))
    assert isinstance(per, D.values.PerReplica) and len(per.values) == 2
    assert per.values[1].name.startswith("replica_1/")
    assert per.values[1].node.device.endswith("CPU:1")
    total = two.reduce(D.ReduceOp.SUM, per, axis=None)
    mean = two.reduce("MEAN", per, axis=None)
    assert _run([total, mean, two.experimental_local_results(per)]) == \
        [13.0, 6.5, (6.0, 7.0)]
    assert two.unwrap(per) == per.values
    assert _run(two.group(per)) is None


def test_reduce_over_axis(two):
    per = two.run(lambda: gc.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) * (_rid() + 1))
    got = _run([two.reduce("SUM", per, axis=0), two.reduce("MEAN", per, axis=0)])
    np.testing.assert_allclose(got[0], [27.0, 36.0])
    np.testing.assert_allclose(got[1], [4.5, 6.0])


def test_all_reduce_and_merge_call(two):
    def fn():
        ctx = D.get_replica_context()
        s = ctx.all_reduce(D.ReduceOp.SUM, _rid() + 1.0)
        m = ctx.all_reduce("MEAN", [_rid() + 1.0])[0]
        seen = ctx.merge_call(lambda strategy, x: len(x.values), args=(_rid(),))
        return s, m, seen
    with two.scope():
        s, m, seen = two.run(fn)
    assert seen == 2
    assert _run([two.experimental_local_results(s), two.experimental_local_results(m)]) \
        == [(3.0, 3.0), (1.5, 1.5)]


def test_all_reduce_gradient_reaches_every_replica(two):
    x = gc.constant(2.0)

    def fn():
        y = x * (_rid() + 1.0)
        return D.get_replica_context().all_reduce("SUM", y)
    per = two.run(fn)
    g = gc.gradients(per.values[0], x)[0]
    assert _run(g) == 3.0


@pytest.mark.parametrize("agg, want", [("SUM", 4.0), ("MEAN", 2.5),
                                       ("ONLY_FIRST_REPLICA", 2.0)])
def test_aggregated_update_in_replica_context(two, agg, want):
    with two.scope():
        v = gc.Variable(1.0, aggregation=getattr(gc.VariableAggregation, agg))
        per = two.run(lambda: v.assign_add(_rid() + 1.0))
    assert _run([per, v])[1] == want


def test_update_without_aggregation_is_refused(two):
    with two.scope():
        v = gc.Variable(1.0, name="plain")
        with pytest.raises(ValueError, match="aggregation method.*variable 'plain'"):
            two.run(lambda: v.assign(2.0))
        up = two.extended.update(v, lambda var, x: var.assign(x), args=(gc.constant(7.0),))
        assert isinstance(up, gc.Tensor)
    assert _run(up) == 7.0


def test_variables_made_in_replica_function_are_shared(two):
    def fn():
        v = gc.Variable(3.0, name="inner")
        u = gc.get_variable("gv", shape=(), initializer=gc.zeros_initializer())
        return v + u
    with two.scope():
        per = two.run(fn)
    assert [v.name for v in gc.global_variables()] == ["inner:0", "gv:0"]
    assert _run(two.experimental_local_results(per)) == (3.0, 3.0)


def test_distributed_dataset_splits_like_tf(two):
    x = np.arange(8, dtype=np.float32)
    it = two.make_dataset_iterator(gc.data.Dataset.from_tensor_slices(x).batch(5))
    nxt = two.experimental_local_results(it.get_next())
    with gc.Session() as sess:
        sess.run(it.initialize())
        a, b = sess.run(nxt)                 # 5 -> [3, 2]
        np.testing.assert_array_equal(a, [0, 1, 2])
        np.testing.assert_array_equal(b, [3, 4])
        a, b = sess.run(nxt)                 # a final 3 -> [2, 1]
        np.testing.assert_array_equal(a, [5, 6])
        np.testing.assert_array_equal(b, [7])
        with pytest.raises(gc.errors.OutOfRangeError):
            sess.run(nxt)


def test_dataset_of_tuples_and_one_shot(two):
    xs = np.arange(12, dtype=np.float32).reshape(4, 3)
    ds = gc.data.Dataset.from_tensor_slices((xs, xs[:, :1])).batch(4)
    x, y = two.experimental_distribute_dataset(ds).make_one_shot_iterator().get_next()
    got = _run(two.experimental_local_results(x) + two.experimental_local_results(y), False)
    np.testing.assert_array_equal(got[1], xs[2:])
    np.testing.assert_array_equal(got[3], xs[2:, :1])


def test_input_fn_iterator(two):
    x = np.arange(8, dtype=np.float32)
    seen = []

    def input_fn(ctx):
        seen.append((ctx.num_input_pipelines, ctx.input_pipeline_id,
                     ctx.num_replicas_in_sync))
        return gc.data.Dataset.from_tensor_slices(x).batch(ctx.get_per_replica_batch_size(4))
    it = two.make_input_fn_iterator(input_fn)
    nxt = two.experimental_local_results(it.get_next())
    assert seen == [(1, 0, 2)]
    with gc.Session() as sess:
        sess.run(it.initializer)
        assert [list(a) for a in sess.run(nxt)] == [[0, 1], [2, 3]]
        assert [list(a) for a in sess.run(nxt)] == [[4, 5], [6, 7]]
    assert isinstance(two.distribute_datasets_from_function(input_fn),
                      D.input.DistributedDatasetsFromFunction)


def _train(strategy, opt, steps=3):
    rng = np.random.RandomState(0)
    X = rng.randn(8, 3).astype(np.float32)
    Y = rng.randn(8, 1).astype(np.float32)
    with (strategy.scope() if strategy else contextlib.nullcontext()):
        W = gc.Variable(np.full((3, 1), 0.1, np.float32), name="W")
        b = gc.Variable(np.zeros((1,), np.float32), name="b")
        gs = gc.train.get_or_create_global_step()
        ds = gc.data.Dataset.from_tensor_slices((X, Y)).batch(4).repeat()

        def step(inputs):
            x, y = inputs
            loss = gc.reduce_sum(gc.square(gc.matmul(x, W) + b - y)) / 4.0
            with gc.control_dependencies([opt.minimize(loss, global_step=gs)]):
                return gc.identity(loss)
        if strategy:
            it = strategy.make_dataset_iterator(ds)
            loss = strategy.reduce("SUM", strategy.run(step, args=(it.get_next(),)), None)
        else:
            it = ds.make_initializable_iterator()
            loss = step(it.get_next())
    with gc.Session() as sess:
        sess.run([gc.global_variables_initializer(), it.initializer])
        losses = [sess.run(loss) for _ in range(steps)]
        return losses, sess.run([W, b, gs])


@pytest.mark.parametrize("make_opt", [lambda: gc.train.GradientDescentOptimizer(0.1),
                                      lambda: gc.train.AdamOptimizer(0.05)])
def test_custom_loop_matches_one_device_training(graph, make_opt):
    mirrored = _train(D.MirroredStrategy(["/cpu:0", "/cpu:1"]), make_opt())
    with gc.Graph().as_default():
        single = _train(None, make_opt())
    np.testing.assert_allclose(mirrored[0], single[0], rtol=1e-5)
    for a, b in zip(mirrored[1], single[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert mirrored[1][2] == 3                       # global_step: once per step


def test_keras_in_scope_matches_no_strategy():
    rng = np.random.RandomState(0)
    X = rng.randn(16, 3).astype(np.float32)
    Y = rng.randn(16, 1).astype(np.float32)
    results = []
    for strategy in (None, D.MirroredStrategy(["/cpu:0", "/cpu:1"])):
        with gc.Graph().as_default():
            with (strategy.scope() if strategy else contextlib.nullcontext()):
                model = gc.keras.Sequential([
                    gc.keras.layers.Dense(4, activation="relu", input_shape=(3,),
                                          kernel_initializer="ones"),
                    gc.keras.layers.Dense(1, kernel_initializer="ones")])
                model.compile(optimizer=gc.keras.optimizers.SGD(0.01), loss="mse")
                if strategy:
                    assert all(isinstance(w, D.MirroredVariable) for w in model.weights)
            hist = model.fit(X, Y, batch_size=8, epochs=2, verbose=0, shuffle=False)
            results.append((hist.history["loss"], model.evaluate(X, Y, verbose=0)))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)


def test_one_device_and_single_replica(graph):
    one = D.OneDeviceStrategy("/cpu:0")
    assert one.num_replicas_in_sync == 1
    with one.scope():
        v = gc.Variable(1.0)
        out = one.run(lambda: v * 2.0)
        assert type(v) is gc.Variable and v.node.device.endswith("CPU:0")
        assert isinstance(out, gc.Tensor) and one.reduce("SUM", out, axis=None) is out
    single = D.MirroredStrategy(["/cpu:0"]).run(lambda: gc.constant(1.0))
    assert isinstance(single, gc.Tensor)


def test_cross_device_ops(graph):
    for ops in (D.ReductionToOneDevice(), D.NcclAllReduce(), D.HierarchicalCopyAllReduce(2)):
        s = D.MirroredStrategy(["/cpu:0", "/cpu:1"], cross_device_ops=ops)
        per = s.run(lambda: _rid() + 1.0)
        mirrored = ops.reduce(D.ReduceOp.SUM, per, destinations="/cpu:0")
        assert _run(s.reduce("SUM", per, axis=None)) == 3.0
        assert _run(list(mirrored.values)) == [3.0]
    with pytest.raises(ValueError, match="must be Reduce.SUM or Reduce.MEAN"):
        D.ReductionToOneDevice().reduce("SUM", gc.constant(1.0), destinations=None)
    with pytest.raises(ValueError, match="num_packs >= 0"):
        D.NcclAllReduce(num_packs=-1)


def test_errors(two):
    other = D.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with two.scope():
        with pytest.raises(RuntimeError, match="Mixing different tf.distribute.Strategy"):
            with other.scope():
                pass
        with pytest.raises(ValueError, match="non-DistributedValues value constant 'c'"):
            two.reduce("SUM", gc.constant(1.0, name="c"), axis=None)
        with pytest.raises(RuntimeError, match="requires being in cross-replica context"):
            two.run(lambda: two.reduce("SUM", gc.constant(1.0), axis=None))
        with pytest.raises(ValueError, match="'MAX' is not a valid ReduceOp"):
            two.reduce("MAX", two.run(lambda: gc.constant(1.0)), axis=None)

        def uneven():
            if D.get_replica_context()._replica_id == 1:
                return gc.constant(1.0)
            return D.get_replica_context().all_reduce("SUM", gc.constant(1.0))
        with pytest.raises(RuntimeError, match="different number of .*merge_call"):
            two.run(uneven)

        def boom():
            if D.get_replica_context()._replica_id == 1:
                raise KeyError("boom")
            return D.get_replica_context().all_reduce("SUM", gc.constant(1.0))
        with pytest.raises(KeyError, match="boom"):
            two.run(boom)
        # the building state is back as it was
        assert D.in_cross_replica_context() and gc.get_default_graph().get_name_scope() == ""
    assert not D.has_strategy() and not gc.get_default_graph()._variable_creators
    with pytest.raises(ValueError, match="not divisible"):
        D.InputContext(1, 0, 4).get_per_replica_batch_size(7)
    with pytest.raises(ValueError, match="No duplicates"):
        D.MirroredStrategy(["/cpu:0", "/device:CPU:0"])
    with pytest.raises(NotImplementedError, match="TPU"):
        D.experimental.TPUStrategy()


def test_experimental_set_strategy(two):
    D.experimental_set_strategy(two)
    assert D.get_strategy() is two and D.in_cross_replica_context()
    D.experimental_set_strategy(None)
    assert not D.has_strategy()


def test_the_estimator_says_it_does_not_replicate(caplog):
    strategy = gc.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    config = gc.estimator.RunConfig(train_distribute=strategy)
    with caplog.at_level("WARNING", logger="graphc"):
        gc.estimator.Estimator(lambda features, labels, mode: None, config=config)
    assert "train_distribute has 2 replicas" in caplog.text


def test_reduction_to_one_device_uses_its_accumulation_fn():
    calls = []

    def accumulate(values):
        calls.append(len(values))
        return gc.add_n(values)
    ops = gc.distribute.ReductionToOneDevice(accumulation_fn=accumulate)
    strategy = gc.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"], cross_device_ops=ops)
    with strategy.scope():
        per_replica = strategy.run(lambda: gc.constant(2.0))
        total = strategy.reduce(gc.distribute.ReduceOp.SUM, per_replica, axis=None)
    assert calls == [2]
    with gc.Session() as sess:
        assert sess.run(total) == 4.0
