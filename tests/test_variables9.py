"""tf.Variable's TF1 signature, variable creators, constraints and the variable enums."""
import numpy as np
import pytest

import graphc as gc


def test_positional_arguments_follow_tf1():
    with gc.Graph().as_default():
        v = gc.Variable(1.0, False, ["mine"], True, None, "named")
        assert v.name == "named:0" and not v.trainable
        assert gc.get_collection("mine") == [v] and gc.global_variables() == []


def test_shape_and_expected_shape():
    with gc.Graph().as_default():
        v = gc.Variable(np.zeros((2, 3), np.float32), shape=gc.TensorShape([None, 3]))
        assert v.shape.as_list() == [None, 3]
        with pytest.raises(gc.errors.ShapeError, match="expected_shape"):
            gc.Variable(np.zeros(3), expected_shape=[4])
        with pytest.raises(gc.errors.ShapeError, match="shape"):
            gc.Variable(np.zeros(3), shape=[2])
        with pytest.raises(NotImplementedError, match="variable_def"):
            gc.Variable(variable_def=object())


def test_creator_can_return_an_existing_variable_unchanged():
    with gc.Graph().as_default():
        base = gc.Variable(5.0, name="base")

        def reuse(next_creator, **kw):
            return base

        with gc.variable_creator_scope(reuse):
            again = gc.Variable(1.0, name="other")
        assert again is base and base.name == "base:0"
        assert len(gc.global_variables()) == 1
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert s.run(again) == 5.0


def test_creator_sees_tf_keywords_and_can_change_the_initial_value():
    with gc.Graph().as_default():
        seen = {}

        def doubled(next_creator, **kw):
            seen.update(kw)
            kw["initial_value"] = gc.convert_to_tensor(kw["initial_value"]) * 2.0
            return next_creator(**kw)

        with gc.variable_creator_scope(doubled):
            v = gc.Variable(3.0, name="v")
        outside = gc.Variable(3.0)
        assert {"initial_value", "trainable", "collections", "validate_shape", "name",
                "dtype", "constraint", "synchronization", "aggregation",
                "shape"} <= set(seen)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert s.run([v, outside]) == [6.0, 3.0]


def test_creator_scope_is_per_graph_and_checked():
    calls = []
    with gc.Graph().as_default():
        with gc.variable_creator_scope(lambda nxt, **kw: calls.append(1) or nxt(**kw)):
            with gc.Graph().as_default():
                gc.Variable(1.0)            # another graph: no creator
            gc.Variable(1.0)
    assert calls == [1]
    with pytest.raises(TypeError, match="callable"):
        with gc.variable_creator_scope(3):
            pass


def test_constraint_runs_after_each_update_and_refuses_sparse():
    with gc.Graph().as_default():
        w = gc.get_variable("w", initializer=np.array([0.5, 2.0], np.float32),
                            constraint=lambda x: gc.clip_by_value(x, -1.0, 1.0))
        step = gc.train.GradientDescentOptimizer(1.0).minimize(
            -gc.reduce_sum(w * np.float32([1.0, -10.0])))
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            s.run(step)
            np.testing.assert_allclose(s.run(w), [1.0, -1.0])
        table = gc.Variable(np.ones((4, 2), np.float32), constraint=lambda x: x)
        loss = gc.reduce_sum(gc.nn.embedding_lookup(table, [1, 2]))
        with pytest.raises(RuntimeError, match="constraint function on a sparse"):
            gc.train.GradientDescentOptimizer(0.1).minimize(loss)
        with pytest.raises(ValueError, match="callable"):
            gc.Variable(1.0, constraint=3)


def test_enums_and_on_read_default():
    with gc.Graph().as_default():
        v = gc.Variable(0.0, synchronization=gc.VariableSynchronization.ON_READ,
                        aggregation=gc.VariableAggregation.MEAN)
        assert not v.trainable and v.aggregation is gc.VariableAggregation.MEAN
        assert gc.VariableAggregation.ONLY_FIRST_TOWER is \
            gc.VariableAggregation.ONLY_FIRST_REPLICA
        with pytest.raises(ValueError, match="synchronization"):
            gc.Variable(0.0, synchronization="ON_READ")


def test_saved_graph_keeps_variables_working():
    with gc.Graph().as_default():
        gc.Variable(np.float32(2.0), name="v", constraint=lambda x: x)
        meta = gc.train.export_meta_graph()
    with gc.Graph().as_default():
        gc.train.import_meta_graph(meta)
        v, = gc.global_variables()
        assert v.constraint is None and v.aggregation is gc.VariableAggregation.NONE
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert s.run(v) == 2.0


def test_layer_constraints_are_applied_after_each_step():
    with gc.Graph().as_default():
        x = gc.constant(np.ones((4, 3), np.float32))
        img = gc.constant(np.ones((1, 4, 4, 1), np.float32))
        unit = lambda w: w / gc.maximum(gc.norm(w), 1.0)  # noqa: E731
        y = gc.layers.dense(x, 2, kernel_constraint=unit, name="fc")
        conv = gc.layers.Conv2D(2, 3, kernel_constraint=unit, bias_constraint=gc.nn.relu)
        z = conv(img)
        bn = gc.layers.batch_normalization(y, gamma_constraint=unit, training=True)
        loss = -gc.reduce_sum(y) * 10.0 - gc.reduce_sum(z) * 10.0 - gc.reduce_sum(bn * y)
        step = gc.train.GradientDescentOptimizer(1.0).minimize(loss)
        kernels = [v for v in gc.trainable_variables() if "kernel" in v.name or
                   "gamma" in v.name]
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            s.run(step)
            for k in s.run(kernels):
                assert np.linalg.norm(k) <= 1.0 + 1e-5
            assert (s.run(conv.bias) >= 0).all()


def test_variables_ignore_enclosing_control_dependencies():
    with gc.Graph().as_default():
        gate = gc.identity(gc.constant(1.0), name="gate")
        with gc.control_dependencies([gate]):
            v = gc.Variable(2.0)
            w = gc.get_variable("w", [2])
            y = v * 2.0
        for var in (v, w):
            assert not var.node.control_inputs and not var.initializer.control_inputs
        assert [n.name for n in y.node.control_inputs] == ["gate"]
