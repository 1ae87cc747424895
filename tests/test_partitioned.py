"""Partitioned variables: partitioners, get_variable's parts, PartitionedVariable,
sharded embedding lookups and their per-part sparse gradients, checkpoints."""
import numpy as np
import pytest

import graphc as gc
import graphc.partitioned as P
from graphc.indexed_slices import IndexedSlices

TAB = np.arange(40, dtype=np.float32).reshape(10, 4)


def fixed(n, axis=0):
    return P.fixed_size_partitioner(n, axis)


@pytest.fixture(autouse=True)
def graph():
    with gc.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


# ---- partitioners ---------------------------------------------------------------------------
def test_fixed_size_partitioner():
    shape = gc.TensorShape([10, 4])
    assert fixed(3)(shape=shape, dtype=gc.float32) == [3, 1]
    assert fixed(20)(shape=shape, dtype=gc.float32) == [10, 1]
    assert fixed(3, axis=1)(shape=shape, dtype=gc.float32) == [1, 3]


def test_variable_axis_size_partitioner():
    p = P.variable_axis_size_partitioner
    shape = gc.TensorShape([10, 4])         # 16 bytes a row in float32
    assert p(100)(shape, gc.float32) == [2, 1]          # 6 rows a shard
    assert p(1)(shape, gc.float32) == [10, 1]           # at least one row a shard
    assert p(1, max_shards=4)(shape, gc.float32) == [4, 1]
    assert p(1 << 20)(shape, gc.float64) == [1, 1]
    assert p(400, axis=1)(shape, gc.string) == [1, 2]   # 16 bytes a string: 160 a column
    assert p(400, axis=1, bytes_per_string_element=4)(shape, gc.string) == [1, 1]
    with pytest.raises(ValueError, match="must be positive"):
        p(0)
    with pytest.raises(ValueError, match="max_shards must be positive"):
        p(10, max_shards=-1)
    with pytest.raises(ValueError, match="not a TensorShape"):
        p(10)([10, 4], gc.float32)
    with pytest.raises(ValueError, match="not fully defined"):
        p(10)(gc.TensorShape([None, 4]), gc.float32)
    with pytest.raises(ValueError, match="not a DType"):
        p(10)(shape, "float32")


def test_min_max_variable_partitioner():
    p = P.min_max_variable_partitioner
    shape = gc.TensorShape([10, 4])             # 160 bytes in float32
    assert p()(shape, gc.float32) == [1, 1]
    assert p(4, min_slice_size=16)(shape, gc.float32) == [4, 1]
    assert p(100, min_slice_size=50)(shape, gc.float32) == [4, 1]     # ceil(3.2)
    assert p(100, min_slice_size=1)(shape, gc.float32) == [10, 1]     # at most the rows
    assert p(100, axis=1, min_slice_size=1)(shape, gc.string) == [1, 4]
    with pytest.raises(ValueError, match="Can not partition variable along axis 2"):
        p(2, axis=2)(shape, gc.float32)


# ---- get_variable ----------------------------------------------------------------------------
def test_parts_names_shapes_and_slice_info():
    with gc.variable_scope("s", partitioner=fixed(3)):
        e = gc.get_variable("emb", [10, 4])
    assert isinstance(e, P.PartitionedVariable)
    assert (e.name, e.dtype, e.get_shape().as_list(), len(e)) == ("s/emb", gc.float32,
                                                                  [10, 4], 3)
    assert [v.name for v in e] == ["s/emb/part_0:0", "s/emb/part_1:0", "s/emb/part_2:0"]
    assert [v.shape.as_list() for v in e] == [[4, 4], [3, 4], [3, 4]]
    infos = [v._save_slice_info for v in e]
    assert [i.spec for i in infos] == ["10 4 0,4:0,4", "10 4 4,3:0,4", "10 4 7,3:0,4"]
    assert {i.full_name for i in infos} == {"s/emb"}
    assert infos[1].var_offset == [4, 0] and infos[1].var_shape == [3, 4]
    assert e.get_partitions() == e._get_partitions() == [3, 1]
    assert e.get_variable_list() == list(e) == e._get_variable_list()
    assert gc.global_variables() == gc.trainable_variables() == list(e)
    assert "partitions=[3, 1]" in repr(e)


def test_initial_values_are_sliced():
    a = gc.get_variable("a", [10, 4], initializer=TAB, partitioner=fixed(3))
    t = gc.get_variable("t", initializer=gc.constant(TAB), partitioner=fixed(4, 1))
    c = gc.get_variable("c", [10, 4], initializer=gc.constant_initializer(2.5),
                        partitioner=fixed(2))
    i = gc.get_variable("i", [7], dtype=gc.int32, partitioner=fixed(3))
    got = run([a.as_tensor(), t.as_tensor(), c.as_tensor(), i.as_tensor(), list(a)])
    np.testing.assert_array_equal(got[0], TAB)
    np.testing.assert_array_equal(got[1], TAB)
    np.testing.assert_array_equal(got[2], np.full((10, 4), 2.5, np.float32))
    np.testing.assert_array_equal(got[3], np.zeros(7, np.int32))
    np.testing.assert_array_equal(got[4][1], TAB[4:7])
    assert [v.shape.as_list() for v in t] == [[10, 1]] * 4


def test_initializer_gets_partition_info():
    seen = []

    def init(shape, dtype=None, partition_info=None):
        seen.append((shape, partition_info.full_shape, partition_info.var_offset,
                     partition_info.single_offset(shape), partition_info.single_slice_dim(shape)))
        return gc.zeros(shape, dtype)

    gc.get_variable("w", [3, 7], initializer=init, partitioner=fixed(3, 1))
    assert seen == [([3, 3], [3, 7], [0, 0], 0, 1), ([3, 2], [3, 7], [0, 3], 3, 1),
                    ([3, 2], [3, 7], [0, 5], 5, 1)]


def test_default_glorot_uses_the_full_shape():
    w = gc.get_variable("w", [300, 20], partitioner=fixed(4))
    vals = run(list(w))
    limit = np.sqrt(6 / 320)
    assert max(np.abs(v).max() for v in vals) <= limit
    assert max(np.abs(v).max() for v in vals) > 0.9 * limit


def test_partition_info_checks():
    info = P.PartitionInfo([10, 4], [4, 0])
    assert info.single_offset([3, 4]) == 4
    assert P.PartitionInfo([10, 4], [0, 0]).single_slice_dim([10, 4]) is None
    with pytest.raises(ValueError, match="Expected 0 <= offset < shape"):
        P.PartitionInfo([2, 4], [2, 0])
    with pytest.raises(ValueError, match="Expected equal length"):
        P.PartitionInfo([2, 4], [0])
    with pytest.raises(TypeError, match="must be a sequence"):
        P.PartitionInfo(10, [0])
    with pytest.raises(ValueError, match="would exceed"):
        info.single_slice_dim([7, 4])
    with pytest.raises(ValueError, match="could be either dimension 0 or 1"):
        P.PartitionInfo([10, 4], [0, 0]).single_slice_dim([3, 2])


def test_reuse():
    e = gc.get_variable("e", [9, 2], partitioner=fixed(3))
    with gc.variable_scope("", reuse=True):
        assert gc.get_variable("e") is e                        # no partitioner needed
        assert gc.get_variable("e", [9, 2], partitioner=fixed(3)) is e
        assert gc.get_variable("e/part_1").name == "e/part_1:0"
    with gc.variable_scope("", reuse=gc.AUTO_REUSE):
        assert gc.get_variable("e", [9, 2], partitioner=fixed(3)) is e
        f = gc.get_variable("f", [9, 2], partitioner=fixed(3))
        assert gc.get_variable("f", [9, 2], partitioner=fixed(3)) is f


@pytest.mark.parametrize("call,match", [
    (lambda: gc.get_variable("e", [9, 2], partitioner=fixed(3)),
     "Partitioned variable with name e already exists"),
    (lambda: gc.get_variable("e", [9, 2]),
     "No partitioner was provided, but a partitioned version of the variable was found: "
     "e/part_0"),
    (lambda: gc.get_variable("plain", [4], partitioner=fixed(3)),
     "unpartitioned version of the variable was found: plain"),
    (lambda: gc.get_variable("u", [None, 2], partitioner=fixed(3)),
     r"must be fully defined, but instead was \(None, 2\)"),
    (lambda: gc.get_variable("u", partitioner=fixed(3)), "instead was <unknown>"),
    (lambda: gc.get_variable("u", [4], partitioner=3), "Partitioner must be callable"),
    (lambda: gc.get_variable("u", [4, 2], partitioner=lambda shape, dtype: 3),
     "must return a sequence, but saw: 3"),
    (lambda: gc.get_variable("u", [4, 2], partitioner=lambda shape, dtype: [3]),
     r"does not match the Variable's rank: \[3\] vs. \(4, 2\)"),
    (lambda: gc.get_variable("u", [4, 2], partitioner=lambda shape, dtype: [2, 2]),
     "Can only slice a variable along one dimension"),
    (lambda: gc.get_variable("u", [4, 2], partitioner=lambda shape, dtype: [0, 1]),
     "zero partitions for some axes"),
    (lambda: gc.get_variable("u", [2, 2], partitioner=lambda shape, dtype: [3, 1]),
     "Expected 0 <= offset < shape but found offset=2"),
])
def test_creation_errors(call, match):
    gc.get_variable("e", [9, 2], partitioner=fixed(3))
    gc.get_variable("plain", [4])
    with pytest.raises(ValueError, match=match):
        call()


def test_reuse_errors():
    gc.get_variable("e", [9, 2], partitioner=fixed(3))
    with gc.variable_scope("", reuse=True):
        with pytest.raises(ValueError, match=r"specified partitions \[2, 1\] and found "
                                             r"partitions \[3, 1\]"):
            gc.get_variable("e", [9, 2], partitioner=fixed(2))
        with pytest.raises(ValueError, match=r"specified shape \(9, 3\)"):
            gc.get_variable("e", [9, 3], partitioner=fixed(3))
        with pytest.raises(TypeError, match="specified dtype int32"):
            gc.get_variable("e", [9, 2], dtype=gc.int32, partitioner=fixed(3))
        with pytest.raises(ValueError, match="PartitionedVariable nope does not exist"):
            gc.get_variable("nope", [9, 2], partitioner=fixed(3))
    with gc.variable_scope("", reuse=gc.AUTO_REUSE), \
            pytest.raises(ValueError, match="specified partitions"):
        gc.get_variable("e", [9, 2], partitioner=fixed(2))


def test_scalar_shape_ignores_the_partitioner():
    v = gc.get_variable("s", [], partitioner=fixed(3))
    assert isinstance(v, gc.Variable) and v.name == "s:0"


def test_variable_scope_partitioner_is_inherited():
    with gc.variable_scope("outer", partitioner=fixed(2)) as scope:
        assert scope.partitioner is not None
        with gc.variable_scope("inner"):
            a = gc.get_variable("a", [4, 2])
            assert gc.get_variable_scope().partitioner is scope.partitioner
        b = gc.get_variable("b", [6], partitioner=fixed(3))
        scope.set_partitioner(None)
        c = gc.get_variable("c", [6])
    with gc.variable_scope(scope, reuse=True):
        assert gc.get_variable("inner/a") is a
    assert (len(a), len(b), type(c).__name__) == (2, 3, "Variable")
    assert a.name == "outer/inner/a"


def test_custom_getter_sees_the_partitioner():
    seen = []

    def getter(getter, name, *args, **kwargs):
        seen.append((name, kwargs["partitioner"] is not None))
        return getter(name, *args, **kwargs)

    with gc.variable_scope("g", partitioner=fixed(2), custom_getter=getter):
        pv = gc.get_variable("w", [4, 3])
    assert seen == [("g/w", True)] and len(pv) == 2


def test_regularizer_per_part():
    pv = gc.get_variable("w", initializer=gc.constant(TAB), partitioner=fixed(3),
                         regularizer=lambda v: gc.reduce_sum(v))
    losses = gc.get_collection(gc.GraphKeys.REGULARIZATION_LOSSES)
    assert [t.name.split("/Regularizer")[0] for t in losses] == [v.node.name for v in pv]
    assert sum(run(losses)) == TAB.sum()


def test_create_partitioned_variables():
    parts = P.create_partitioned_variables([10, 4], [3, 1], gc.zeros_initializer())
    assert [v.name for v in parts] == ["PartitionedVariable/part_0:0",
                                       "PartitionedVariable/part_1:0",
                                       "PartitionedVariable/part_2:0"]
    more = P.create_partitioned_variables([10, 4], [1, 2], TAB, name="w")
    assert [v.shape.as_list() for v in more] == [[10, 2], [10, 2]]
    np.testing.assert_array_equal(np.concatenate(run(more), 1), TAB)
    with pytest.raises(ValueError, match="must have the length"):
        P.create_partitioned_variables([10, 4], [3], gc.zeros_initializer())
    with pytest.raises(ValueError, match="rank at least 1"):
        P.create_partitioned_variables([], [], gc.zeros_initializer())


# ---- the PartitionedVariable ----------------------------------------------------------------
def test_as_tensor_and_conversion():
    pv = gc.get_variable("e", initializer=TAB, shape=[10, 4], partitioner=fixed(3, 0))
    t = pv.as_tensor()
    assert t.name == "e:0" and t.shape.as_list() == [10, 4]
    assert gc.convert_to_tensor(pv).name == "e_1:0"
    y = gc.matmul(gc.ones([2, 10]), pv)             # converted like a tensor
    with pytest.raises(ValueError, match="Incompatible type conversion"):
        gc.convert_to_tensor(pv, dtype=gc.int32)
    np.testing.assert_allclose(run(y), np.ones((2, 10)) @ TAB)
    one = gc.get_variable("one", [3, 2], partitioner=fixed(1))
    assert one.as_tensor().name == "one:0" and len(one) == 1


def test_assign_forms():
    pv = gc.get_variable("e", [10, 4], initializer=gc.zeros_initializer(),
                         partitioner=fixed(3))
    other = gc.get_variable("o", initializer=gc.constant(TAB * 3), partitioner=fixed(3))
    ops = [pv.assign(TAB), pv.assign_add(np.ones_like(TAB)),
           pv.assign_sub([np.ones((4, 4)), np.ones((3, 4)), np.ones((3, 4))]),
           pv.assign(other), pv.assign(TAB, read_value=False)]
    assert all(len(o) == 3 for o in ops)
    assert all(isinstance(n, gc.Operation) for n in ops[4])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        outs = []
        for o in ops[:4]:
            s.run(o)
            outs.append(s.run(pv.as_tensor()))
    np.testing.assert_array_equal(outs[0], TAB)
    np.testing.assert_array_equal(outs[1], TAB + 1)
    np.testing.assert_array_equal(outs[2], TAB)
    np.testing.assert_array_equal(outs[3], TAB * 3)
    with pytest.raises(ValueError, match="2 values for 3 parts"):
        pv.assign([TAB, TAB])


def test_partitioned_variable_checks():
    with pytest.raises(ValueError, match="save_slice_info"):
        P.PartitionedVariable("x", [4], gc.float32, [gc.Variable(np.zeros(4))], [1])
    with pytest.raises(ValueError, match="Empty variable_list"):
        P.PartitionedVariable("x", [4], gc.float32, [], [1])
    with pytest.raises(TypeError, match="not a list or tuple"):
        P.PartitionedVariable("x", [4], gc.float32, None, [1])


# ---- embedding lookups ----------------------------------------------------------------------
def _ref_lookup(shards, ids, strategy):
    n, total = len(shards), sum(len(s) for s in shards)
    if strategy == "mod":
        full = np.empty((total,) + shards[0].shape[1:], shards[0].dtype)
        for p, s in enumerate(shards):
            full[p::n] = s
    else:
        full = np.concatenate(shards)
    return full[ids]


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize("sizes", [[4, 3, 3], [3, 3], [2, 2, 2, 1], [1, 1, 1]])
def test_lookup_in_shards(strategy, sizes):
    rng = np.random.default_rng(0)
    shards = [rng.standard_normal((s, 3)) for s in sizes]
    if strategy == "mod":       # the mod layout needs sizes that interleave
        n, total = len(sizes), sum(sizes)
        shards = [rng.standard_normal((len(range(p, total, n)), 3)) for p in range(n)]
    total = sum(len(s) for s in shards)
    ids = rng.integers(0, total, size=(4, 5))
    ph = gc.placeholder(gc.int64, [None, 5])
    out = gc.nn.embedding_lookup(shards, ph, partition_strategy=strategy)
    assert out.shape.as_list() == [None, 5, 3]
    np.testing.assert_allclose(run(out, {ph: ids}), _ref_lookup(shards, ids, strategy))


def test_lookup_partitioned_variable_and_max_norm():
    pv = gc.get_variable("e", initializer=gc.constant(TAB), partitioner=fixed(3))
    ids = np.array([[1, 9], [4, 0]])
    mod = gc.nn.embedding_lookup(pv, ids)
    div = gc.nn.embedding_lookup(pv, ids, partition_strategy="div", max_norm=20.0)
    got_mod, got_div = run([mod, div])
    full_mod = np.concatenate([TAB[0:4], TAB[4:7], TAB[7:10]])[[0, 4, 7, 1, 5, 8, 2, 6, 9, 3]]
    np.testing.assert_array_equal(got_mod, full_mod[ids])
    want = TAB[ids]
    norms = np.linalg.norm(want, axis=-1, keepdims=True)
    np.testing.assert_allclose(got_div, want * np.minimum(1, 20 / norms), rtol=1e-6)


def test_lookup_unknown_shapes():
    a = gc.placeholder(gc.float32, [None, 2])
    b = gc.placeholder(gc.float32, None)
    ids = gc.placeholder(gc.int32, None)
    out = gc.nn.embedding_lookup([a, b], ids, partition_strategy="div")
    assert out.shape.rank is None
    got = run(out, {a: TAB[:5, :2], b: TAB[5:, :2], ids: np.array([[9], [0]])})
    np.testing.assert_array_equal(got, TAB[[[9], [0]], :2])


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize("bad", [-1, 10, 11])
def test_lookup_id_outside_the_table_fails(strategy, bad):
    pv = gc.get_variable("e", initializer=gc.constant(TAB), partitioner=fixed(3))
    ids = gc.placeholder(gc.int32, [None])
    out = gc.nn.embedding_lookup(pv, ids, partition_strategy=strategy)
    with pytest.raises(gc.errors.InvalidArgumentError, match=r"is not in \[0, "):
        run(out, {ids: [0, bad]})


def test_lookup_errors():
    with pytest.raises(ValueError, match="Need at least one param"):
        gc.nn.embedding_lookup([], [0])
    with pytest.raises(ValueError, match="Unrecognized partition strategy: x"):
        gc.nn.embedding_lookup([TAB[:5], TAB[5:]], [0], partition_strategy="x")
    assert gc.nn.embedding_lookup([TAB], [0], partition_strategy="x").shape.as_list() == [1, 4]
    with pytest.raises(gc.errors.ShapeError, match="rows differ in shape"):
        gc.nn.embedding_lookup([TAB[:5], TAB[5:, :2]], [0])


def test_lookup_sparse_in_partitioned_variable():
    pv = gc.get_variable("e", initializer=gc.constant(TAB), partitioner=fixed(3))
    sp = gc.SparseTensor([[0, 0], [0, 1], [1, 0]], [9, 2, 4], [2, 2])
    out = gc.nn.embedding_lookup_sparse(pv, sp, None, partition_strategy="div",
                                        combiner="sum")
    np.testing.assert_array_equal(run(out), [TAB[9] + TAB[2], TAB[4]])


def _model(strategy="div"):
    pv = gc.get_variable("e", initializer=gc.constant(TAB), partitioner=fixed(3))
    ids = gc.constant([[1, 9], [4, 9]])
    loss = gc.reduce_sum(gc.square(gc.nn.embedding_lookup(pv, ids, strategy)))
    return pv, ids, loss


def test_per_part_sparse_gradients():
    pv, _, loss = _model()
    gv = gc.train.GradientDescentOptimizer(0.1).compute_gradients(loss)
    assert [v for _, v in gv] == list(pv)
    assert all(isinstance(g, IndexedSlices) for g, _ in gv)
    dense = [gc.math.unsorted_segment_sum(g.values, g.indices, g.dense_shape[0])
             for g, _ in gv]
    want = np.zeros_like(TAB)
    for i in (1, 9, 4, 9):
        want[i] += 2 * TAB[i]
    np.testing.assert_allclose(np.concatenate(run(dense)), want)
    full = [gc.convert_to_tensor(g) for g in gc.gradients(loss, list(pv))]   # sparse too
    np.testing.assert_allclose(np.concatenate(run(full)), want)


def test_minimize_updates_only_looked_up_rows():
    pv, _, loss = _model("mod")
    step = gc.train.AdagradOptimizer(0.1).minimize(loss)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(step)
        after = s.run(pv.as_tensor())
    # mod: ids 1, 4 and 9 live in shards 1, 1, 0 at rows 0, 1, 3
    changed = np.flatnonzero(np.any(after != TAB, axis=1))
    full_rows = {0: [0, 1, 2, 3], 1: [4, 5, 6], 2: [7, 8, 9]}
    assert changed.tolist() == sorted([full_rows[1][0], full_rows[1][1], full_rows[0][3]])


# ---- checkpoints ----------------------------------------------------------------------------
def _save(path, parts=3, axis=0, var_list=None):
    with gc.Graph().as_default():
        pv = gc.get_variable("emb", initializer=gc.constant(TAB),
                             partitioner=fixed(parts, axis))
        gc.get_variable("w", initializer=gc.constant(TAB[:2]))
        saver = gc.train.Saver(var_list if var_list is None else var_list(pv))
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            return saver.save(s, str(path / "model"))


def test_checkpoint_holds_the_full_variable(tmp_path):
    prefix = _save(tmp_path)
    assert gc.train.list_variables(str(tmp_path)) == [("emb", [10, 4]), ("w", [2, 4])]
    np.testing.assert_array_equal(gc.train.load_variable(str(tmp_path), "emb"), TAB)
    reader = gc.train.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map() == {"emb": [10, 4], "w": [2, 4]}


@pytest.mark.parametrize("parts,axis", [(3, 0), (4, 0), (2, 1), (1, 0), (None, 0)])
def test_restore_into_another_partitioning(tmp_path, parts, axis):
    prefix = _save(tmp_path, 3, 0)
    p = None if parts is None else fixed(parts, axis)
    pv = gc.get_variable("emb", [10, 4], partitioner=p)
    with gc.Session() as s:
        gc.train.Saver().restore(s, prefix)
        got = s.run(pv if parts is None else pv.as_tensor())
    np.testing.assert_array_equal(got, TAB)


def test_restore_partitioned_from_an_unpartitioned_save(tmp_path):
    with gc.Graph().as_default():
        gc.get_variable("emb", initializer=gc.constant(TAB))
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            prefix = gc.train.Saver().save(s, str(tmp_path / "m"))
    pv = gc.get_variable("emb", [10, 4], partitioner=fixed(4))
    with gc.Session() as s:
        gc.train.Saver().restore(s, prefix)
        np.testing.assert_array_equal(s.run(pv.as_tensor()), TAB)


@pytest.mark.parametrize("var_list,names", [
    (lambda pv: [pv], [("emb", [10, 4])]),
    (lambda pv: list(pv), [("emb", [10, 4])]),
    (lambda pv: {"renamed": pv}, [("renamed", [10, 4])]),
    (lambda pv: {"listed": list(pv)}, [("listed", [10, 4])]),
    (lambda pv: {"one": list(pv)[1]}, [("one", [3, 4])]),
])
def test_saver_var_list_forms(tmp_path, var_list, names):
    _save(tmp_path, var_list=var_list)
    assert gc.train.list_variables(str(tmp_path)) == names


def test_saver_errors(tmp_path):
    with pytest.raises(gc.errors.GraphcError, match="only some parts of partitioned"):
        _save(tmp_path, var_list=lambda pv: list(pv)[:2])
    with pytest.raises(ValueError, match="Mixing slices and non-slices with the same name"):
        _save(tmp_path, var_list=lambda pv: {"emb": gc.get_variable("emb2", [1]),
                                             "emb 10 4 0,4:0,4": list(pv)[0]})
    with pytest.raises(ValueError, match="without spaces"):
        _save(tmp_path, var_list=lambda pv: {"a b": pv})
    prefix = _save(tmp_path)
    pv = gc.get_variable("emb", [10, 5], partitioner=fixed(2))
    with gc.Session() as s, pytest.raises(gc.errors.ShapeError, match="full shape"):
        gc.train.Saver([pv]).restore(s, prefix)


def test_meta_graph_round_trip_keeps_slices(tmp_path):
    with gc.Graph().as_default():
        gc.get_variable("emb", initializer=gc.constant(TAB), partitioner=fixed(3))
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            prefix = gc.train.Saver().save(s, str(tmp_path / "m"))
    with gc.Graph().as_default():
        saver = gc.train.import_meta_graph(prefix + ".meta")
        with gc.Session() as s:
            saver.restore(s, prefix)
            parts = s.run([gc.get_default_graph().get_tensor_by_name(f"emb/part_{i}:0")
                           for i in range(3)])
            saver.save(s, str(tmp_path / "again"))
    np.testing.assert_array_equal(np.concatenate(parts), TAB)
    assert gc.train.list_variables(str(tmp_path / "again")) == [("emb", [10, 4])]


@pytest.mark.parametrize("how", ["name", "scope", "list", "object"])
def test_init_from_checkpoint(tmp_path, how):
    _save(tmp_path)
    with gc.variable_scope("new"):
        pv = gc.get_variable("emb", [10, 4], partitioner=fixed(4))
        gc.get_variable("w", [2, 4])
    target = {"name": "new/emb", "list": list(pv), "object": pv}.get(how)
    gc.train.init_from_checkpoint(str(tmp_path),
                                  {"/": "new/"} if how == "scope" else {"emb": target})
    np.testing.assert_array_equal(run(pv.as_tensor()), TAB)


def test_init_from_checkpoint_shape_mismatch(tmp_path):
    _save(tmp_path)
    pv = gc.get_variable("x", [10, 5], partitioner=fixed(2))
    with pytest.raises(ValueError, match=r"Shape of partitioned variable x \(\[10, 5\]\)"):
        gc.train.init_from_checkpoint(str(tmp_path), {"emb": pv})


def test_warm_start(tmp_path):
    _save(tmp_path)
    pv = gc.get_variable("emb", [10, 4], partitioner=fixed(4))
    other = gc.get_variable("f", [10, 4], partitioner=fixed(2))
    gc.train.warm_start(str(tmp_path), ".*", var_name_to_prev_var_name={"f": "emb"})
    a, b = run([pv.as_tensor(), other.as_tensor()])
    np.testing.assert_array_equal(a, TAB)
    np.testing.assert_array_equal(b, TAB)


def test_warm_start_errors(tmp_path):
    _save(tmp_path)
    pv = gc.get_variable("emb", [10, 4], partitioner=fixed(4))
    with pytest.raises(ValueError, match="cannot take 'emb'"):
        gc.train.warm_start(str(tmp_path), [list(pv)[0]])
    with pytest.raises(NotImplementedError, match="vocabulary"):
        gc.train.warm_start(str(tmp_path), "emb", var_name_to_vocab_info={
            "emb": gc.train.VocabInfo("a", 10, 0, "b")})


def test_doc_code_runs(tmp_path, monkeypatch, capsys):
    """Every ```python block of docs/partitioned.md runs, in order, in one namespace."""
    import os
    import re
    for name in P.__all__:          # until graphc/__init__.py exports them
        if not hasattr(gc, name):
            monkeypatch.setattr(gc, name, getattr(P, name), raising=False)
    monkeypatch.chdir(tmp_path)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "docs", "partitioned.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) == 3
    namespace = {"__name__": "__main__"}
    with gc.Graph().as_default():
        for i, block in enumerate(blocks):
            exec(compile(block, f"partitioned.md[{i}]", "exec"), namespace)
    out = capsys.readouterr().out
    assert "emb/words/part_0:0" in out and "[36. 37. 38. 39.]" in out
    assert "[('emb/words', [10, 4])]" in out


def test_sampled_losses_and_safe_lookup_take_a_partitioned_variable_as_its_shards():
    with gc.Graph().as_default():
        w = gc.get_variable("w", partitioner=gc.fixed_size_partitioner(3),
                            initializer=gc.constant(np.arange(40, dtype=np.float32).reshape(10, 4)))
        b = gc.zeros([10])
        x = gc.constant(np.ones((2, 4), np.float32))
        labels = gc.constant([[1], [7]], gc.int64)
        kw = dict(num_sampled=3, num_classes=10, partition_strategy="mod", seed=5)
        a = gc.nn.sampled_softmax_loss(w, b, labels, x, **kw)
        c = gc.nn.sampled_softmax_loss(list(w), b, labels, x, **kw)
        ids = gc.SparseTensor([[0, 0], [1, 0]], gc.constant([3, 8], gc.int64), [2, 1])
        e = gc.nn.safe_embedding_lookup_sparse(w, ids, partition_strategy="mod")
        f = gc.nn.safe_embedding_lookup_sparse(list(w), ids, partition_strategy="mod")
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            got = s.run([a, c, e, f])
    np.testing.assert_allclose(got[0], got[1])
    np.testing.assert_allclose(got[2], got[3])
    # "mod": id 3 is row 1 of part 0 (full row 1), id 8 row 2 of part 2 (full row 9)
    np.testing.assert_allclose(got[2], [np.arange(4., 8.), np.arange(36., 40.)])


def test_uniform_unit_scaling_sizes_parts_by_the_full_shape():
    with gc.Graph().as_default():
        init = gc.uniform_unit_scaling_initializer(seed=1)
        v = gc.get_variable("u", [300, 5], initializer=init,
                            partitioner=gc.fixed_size_partitioner(3))
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            parts = s.run(list(v))
    limit = np.sqrt(3.0 / 300)
    assert all(np.abs(p).max() <= limit and np.abs(p).max() > 0.8 * limit for p in parts)


def test_optimizer_slots_follow_the_variable_scope_and_non_slots_the_name_scope():
    """TF1's names: slots '<variable scope>/<var>/<slot>', Adam's beta powers in the
    name scope minimize was called in (tests/test_tf_parity_slot_names.py compares)."""
    w = gc.get_variable("w", [2], initializer=gc.ones_initializer())
    with gc.variable_scope("s"):
        gc.train.AdamOptimizer(0.1).minimize(gc.reduce_sum(w * w))
    with gc.name_scope("train"):
        gc.train.MomentumOptimizer(0.1, 0.9).minimize(gc.reduce_sum(w * w))
    assert sorted(v.op.name for v in gc.global_variables()) == [
        "s/beta1_power", "s/beta2_power", "s/w/Adam", "s/w/Adam_1", "w", "w/Momentum"]
