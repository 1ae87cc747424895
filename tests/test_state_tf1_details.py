"""TF1 behaviours of variables and state ops found missing by the session-18 state hunt;
the expected values are TF 2.21's (compat.v1, graph mode) on the same programs."""
import numpy as np
import pytest

import graphc as gc


def test_sliced_variable_assignment():
    v = gc.Variable(np.zeros((4, 3), np.float32), name="v")
    r = gc.get_variable("r", [3], initializer=gc.zeros_initializer(), use_resource=True)
    i = gc.placeholder(gc.int32, [])
    ops = [v[1:3].assign(gc.fill([2, 3], 7.0)), v[:, 0].assign(gc.range(4, dtype=gc.float32)),
           v[i].assign([1.0, 2.0, 3.0]), r[1].assign(5.0), gc.assign(v[0, 1:], [8.0, 9.0])]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for op in ops[:4]:
            s.run(op, {i: 3})
        assert s.run(v).tolist() == [[0, 0, 0], [1, 7, 7], [2, 7, 7], [1, 2, 3]]
        assert s.run(r).tolist() == [0, 5, 0]
        assert s.run(ops[4])[0].tolist() == [0, 8, 9]       # the variable's new value
        with pytest.raises(gc.errors.InvalidArgumentError, match="r-value shape"):
            s.run(v[i].assign(gc.placeholder_with_default([1.0, 2.0], [None])), {i: 0})
    with pytest.raises(gc.errors.ShapeError, match="slice of shape"):
        v[1:3].assign(gc.ones([3, 3]))
    assert v[1:3].assign(gc.ones([2, 3]), read_value=False).type == "StridedSliceAssign"


def test_state_ops_chain_on_the_ref_an_update_returns():
    mask = gc.Variable(np.zeros(5, np.float32), trainable=False, name="mask")
    idx = gc.placeholder(gc.int32, [None])
    ones = gc.ones_like(idx, gc.float32)
    reset_then_set = gc.scatter_update(gc.assign(mask, gc.zeros([5])), idx, ones)
    add_then_add = gc.assign_add(gc.scatter_add(mask, idx, ones), gc.ones([5]))
    add_then_sub = gc.assign_sub(gc.assign_add(mask, gc.ones([5])), 2 * gc.ones([5]))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert [s.run(reset_then_set, {idx: i}).tolist() for i in ([1, 3], [0])] == [
            [0, 1, 0, 1, 0], [1, 0, 0, 0, 0]]
        assert [s.run(add_then_add, {idx: i}).tolist() for i in ([1, 3], [0])] == [
            [2, 2, 1, 2, 1], [4, 3, 2, 3, 2]]
        assert [s.run(add_then_sub, {idx: i}).tolist() for i in ([1, 3], [0])] == [
            [3, 2, 1, 2, 1], [2, 1, 0, 1, 0]]


def test_assign_add_and_sub_do_not_broadcast_an_update_of_another_shape():
    v = gc.Variable([1.0, 2.0, 3.0], name="v")
    d = gc.placeholder(gc.float32, [None])
    u = gc.placeholder(gc.float32, None)
    m = gc.Variable(np.zeros((2, 3), np.float32), name="m")
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for op, feed in [(gc.assign_add(v, d), {d: [10.0]}), (gc.assign_sub(v, d), {d: [1.0]}),
                         (gc.assign_add(m, u), {u: 5.0}),
                         (gc.assign_add(m, u), {u: np.ones((1, 3))}),
                         (gc.assign(v, d), {d: [1.0, 2.0]})]:
            with pytest.raises(gc.errors.InvalidArgumentError):
                s.run(op, feed)
        assert s.run(v).tolist() == [1.0, 2.0, 3.0]


def test_tuple_and_group_take_what_tf1s_take():
    emb = gc.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="emb")
    w = gc.Variable([1.0, 2.0], name="w")
    unused = gc.Variable([0.0], name="unused")
    loss = gc.reduce_sum(gc.gather(emb, [0, 2]) * w)
    grads = gc.gradients(loss, [emb, w, unused])
    gated = gc.tuple(grads)
    assert isinstance(gated[0], gc.IndexedSlices) and gated[2] is None
    step = gc.group({"a": w.assign_add([1.0, 1.0]), "b": [[emb.assign(emb * 2)]]})
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        g0, g1 = s.run(gated[:2])
        assert g0.values.tolist() == [[1, 2], [1, 2]] and g1.tolist() == [4, 6]
        s.run(step)
        assert s.run(w).tolist() == [2, 3] and s.run(emb)[2].tolist() == [8, 10]
    with pytest.raises(TypeError, match="Tensors"):
        gc.group([None])


def test_variable_methods_and_read_value_false():
    r = gc.get_variable("r", initializer=np.arange(6, dtype=np.float32).reshape(3, 2),
                        use_resource=True)
    op = r.assign(gc.zeros([3, 2]), read_value=False)
    assert isinstance(op, gc.Operation)
    with gc.Session() as s:
        assert not s.run(r.is_initialized())
        s.run(gc.global_variables_initializer())
        assert s.run(r.sparse_read([2, 0])).tolist() == [[4, 5], [0, 1]]
        assert s.run(r.gather_nd([[1, 1]])).tolist() == [3]
        assert s.run(r.is_initialized()) and s.run(op) is None
        assert s.run(r).tolist() == [[0, 0]] * 3
    assert bool(r)                          # `if global_step:` (a TF1 Variable is an object)


def test_constant_initializer_fills_with_its_last_value_and_max_norm_of_unknown_rank():
    v = gc.get_variable("c", [2, 3], initializer=gc.constant_initializer([1.0, 2.0]))
    table = gc.Variable(gc.placeholder_with_default(np.array([[3., 4.], [0., 1.]], np.float32),
                                                    None), validate_shape=False)
    looked = gc.nn.embedding_lookup(table, [0, 1], max_norm=1.0)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(v).tolist() == [[1, 2, 2], [2, 2, 2]]
        np.testing.assert_allclose(s.run(looked), [[0.6, 0.8], [0.0, 1.0]], rtol=1e-6)
    with pytest.raises(gc.errors.ShapeError, match="3 elements cannot initialize"):
        gc.constant_initializer([1.0, 2.0, 3.0])([2])


def test_saver_records_no_checkpoints_without_max_to_keep_and_refuses_a_variable_twice(
        tmp_path):
    v = gc.Variable([1.0, 2.0], name="v")
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        saver = gc.train.Saver(max_to_keep=None)
        for i in range(2):
            saver.save(s, str(tmp_path / "m"), global_step=i)
        assert saver.last_checkpoints == []                     # TF1
        assert gc.train.latest_checkpoint(str(tmp_path)).endswith("m-1")
    with pytest.raises(ValueError, match="two names"):
        gc.train.Saver({"a": v, "b": v})
