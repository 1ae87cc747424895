"""Variables live in the Session; reading one uninitialized names it."""
import numpy as np
import pytest

import graphc as gc


def test_initialize_assign_and_persist():
    v = gc.Variable(np.zeros(3), name="v")
    w = gc.Variable([1.0, 2.0], name="w", trainable=False)
    assert v.name == "v:0" and v.initializer.name == "v/Assign"
    assert gc.global_variables() == [v, w] and gc.trainable_variables() == [v]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(v.assign([1.0, 2.0, 3.0]))
        s.run(v.assign_add([1.0, 1.0, 1.0]))
        np.testing.assert_allclose(s.run(v), [2, 3, 4])
        np.testing.assert_allclose(s.run(v.assign_sub(np.ones(3))), [1, 2, 3])
        np.testing.assert_allclose(s.run(v.read_value()), [1, 2, 3])
    with gc.Session() as s2:          # a new session has its own state
        with pytest.raises(gc.errors.UninitializedVariableError):
            s2.run(v)


def test_uninitialized_read_names_the_variable_and_site():
    v = gc.Variable(gc.zeros((2, 2)), name="weights")
    y = v * 2.0
    with gc.Session() as s, pytest.raises(gc.errors.UninitializedVariableError) as e:
        s.run(y)
    msg = str(e.value)
    assert "'weights'" in msg and "test_variables.py" in msg and "initializ" in msg


def test_fetched_values_do_not_alias_state():
    v = gc.Variable(np.zeros(2), name="v")
    with gc.Session() as s:
        s.run(v.initializer)
        got = s.run(v)
        got[0] = 5.0
        np.testing.assert_allclose(s.run(v), [0, 0])


def test_variables_initializer_subset_and_load():
    a = gc.Variable(1.0, name="a")
    b = gc.Variable(2.0, name="b")
    with gc.Session() as s:
        s.run(gc.variables_initializer([a]))
        assert s.run(a) == 1.0
        with pytest.raises(gc.errors.UninitializedVariableError, match="'b'"):
            s.run(b)
        b.load(7.0, s)
        assert s.run(b) == 7.0


def test_assign_checks_shape_and_dtype_at_build():
    v = gc.Variable(np.zeros((2, 3)), name="v")
    with pytest.raises(gc.errors.ShapeError, match="cannot assign"):
        v.assign(np.zeros((3, 2)))
    with pytest.raises(gc.errors.DTypeError):
        v.assign(gc.constant([1, 2, 3], dtype=gc.int32))


def test_initial_value_from_callable_and_scoped_names():
    with gc.name_scope("layer"):
        v = gc.Variable(lambda: gc.ones((2,)), name="b")
    assert v.op.name == "layer/b" and v.initial_value.op.name.startswith("layer/b/")
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        np.testing.assert_allclose(s.run(v), [1, 1])


def test_updates_recycle_buffers_without_changing_earlier_results():
    v = gc.Variable(np.zeros(3), name="v")
    upd = v.assign_add(np.ones(3))
    view = gc.reshape(v, [3, 1])
    with gc.Session() as s:
        s.run(v.initializer)
        results = []
        for _ in range(4):
            results.append(s.run([v, view, upd]))
        kept = s.run(v)
        for _ in range(3):
            s.run(upd)
    for k, (val, vw, new) in enumerate(results):
        assert np.all(new == k + 1) and vw.shape == (3, 1)
    assert np.all(kept == 4)
    for r in results:                     # nothing fetched earlier changed afterwards
        assert r[0].flags.writeable
    assert [float(r[2][0]) for r in results] == [1.0, 2.0, 3.0, 4.0]


def test_collections_follow_tf1():
    a = gc.Variable(1.0, name="a", collections=[])          # trainable: that one only
    b = gc.Variable(1.0, name="b", collections=["mine", "trainable_variables"])
    c = gc.Variable(1.0, name="enc/c", trainable=False)
    assert gc.global_variables() == [c]
    assert gc.trainable_variables() == [a, b]               # b once, not twice
    assert gc.get_default_graph().get_collection("mine") == [b]
    assert not c.trainable and a.trainable and b.trainable
    assert gc.global_variables(scope="enc") == [c]
    assert gc.get_default_graph().get_collection("trainable_variables", scope="b") == [b]


def test_integer_variables_get_no_gradient_and_do_not_stop_training():
    step = gc.Variable(0, name="step")                      # trainable by default, as TF1
    w = gc.Variable(3.0, name="w")
    loss = gc.square(w)
    (gs, vs), (gw, vw) = gc.train.GradientDescentOptimizer(0.25).compute_gradients(
        loss, [step, w])
    assert gs is None and gw is not None
    train = gc.train.GradientDescentOptimizer(0.25).minimize(loss)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(train)
        assert s.run(w) == 1.5
