"""gc.data's padded_batch, flat_map, interleave, cache, shard, unbatch, apply, reduce,
reinitializable and feedable iterators, and tensors as counts (docs/data.md)."""
import collections
import json

import numpy as np
import pytest

import graphc as gc
from graphc.io import serialize

Dataset = gc.data.Dataset


def drain(sess, nxt, init=None, feed=None, limit=1000):
    """The elements `nxt` gives until OutOfRangeError (after running init if given)."""
    if init is not None:
        sess.run(init, feed)
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(nxt, feed))
        except gc.errors.OutOfRangeError:
            return out
    raise AssertionError("no end of sequence")


def elements(ds, feed=None):
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        return drain(sess, nxt, it.initializer, feed)


def as_lists(xs):
    return [np.asarray(x).tolist() for x in xs]


def fill(x):
    return gc.fill(gc.reshape(gc.cast(x, gc.int32), [1]), x)


# ---- padded_batch ---------------------------------------------------------------------------
def test_padded_batch_pads_to_the_longest_or_to_padded_shapes():
    ds = Dataset.range(5).map(fill)
    pb = ds.padded_batch(2, padded_shapes=[-1])
    assert pb.output_shapes.as_list() == [None, None] and pb.output_types == gc.int64
    assert as_lists(elements(pb)) == [[[0], [1]], [[2, 2, 0], [3, 3, 3]], [[4, 4, 4, 4]]]
    assert as_lists(elements(ds.padded_batch(2))) == as_lists(elements(pb))
    pb = ds.padded_batch(2, [6], padding_values=np.int64(-1), drop_remainder=True)
    assert pb.output_shapes.as_list() == [2, 6]
    got = elements(pb)
    assert got[1].tolist() == [[2, 2, -1, -1, -1, -1], [3, 3, 3, -1, -1, -1]] and len(got) == 2


def test_padded_batch_tuples_dicts_strings_and_tensor_shapes():
    ds = Dataset.from_tensor_slices((np.arange(3), np.array([b"a", b"bb", b"c"])))
    ds = ds.map(lambda a, b: (fill(a), gc.fill(gc.reshape(gc.cast(a, gc.int32) + 1, [1]), b)))
    got = elements(ds.padded_batch(2, ([None], [None]), padding_values=(np.int64(7), "x")))
    assert got[0][0].tolist() == [[7], [1]] and got[0][1].tolist() == [[b"a", b"x"],
                                                                      [b"bb", b"bb"]]
    got = elements(Dataset.from_tensor_slices({"a": np.arange(3)}).padded_batch(2, {"a": []}))
    assert [g["a"].tolist() for g in got] == [[0, 1], [2]]
    pb = Dataset.range(3).map(fill).padded_batch(2, gc.constant([5], gc.int64))
    assert pb.output_shapes.as_list() == [None, 5]
    assert elements(pb)[0].tolist() == [[0] * 5, [1, 0, 0, 0, 0]]
    p = gc.placeholder(gc.int64, [1])
    pb = Dataset.range(3).map(fill).padded_batch(2, p)
    assert pb.output_shapes.as_list() == [None, None]
    assert elements(pb, {p: [-1]})[1].tolist() == [[2, 2]]
    assert Dataset.range(3).map(fill).padded_batch(2, 4).output_shapes.as_list() == [None, 4]


def test_padded_batch_errors():
    ds = Dataset.range(5).map(fill)
    with pytest.raises(gc.errors.DataLossError, match="Attempted to pad to a smaller size"):
        elements(ds.padded_batch(2, padded_shapes=[3]))
    with pytest.raises(TypeError, match="does not match type"):
        ds.padded_batch(2, [4], padding_values=-1)           # an int32 for int64
    with pytest.raises(ValueError, match="should be scalars"):
        ds.padded_batch(2, [4], padding_values=np.array([1, 2], np.int64))
    with pytest.raises(ValueError, match=r"padded shape \(4, 4\) is not compatible"):
        ds.padded_batch(2, [4, 4])
    with pytest.raises(ValueError, match="is not compatible with the shape"):
        Dataset.from_tensor_slices(np.ones((3, 2), np.float32)).padded_batch(2, [1])
    gen = Dataset.from_generator(lambda: iter([[1]]), gc.int64)
    with pytest.raises(ValueError, match="component 0 has unknown rank"):
        gen.padded_batch(2)
    with pytest.raises(ValueError, match="structure"):
        Dataset.from_tensor_slices((np.arange(3), np.arange(3))).padded_batch(2, [[]])


# ---- flat_map, interleave -------------------------------------------------------------------
def repeat_x(x):
    return Dataset.from_tensors(x).repeat(x)


@pytest.mark.parametrize("cycle,block,want", [
    (2, 1, [1, 2, 2, 3, 3, 4, 3, 4, 4, 5, 4, 5, 5, 5, 5]),
    (3, 2, [1, 2, 2, 3, 3, 4, 4, 3, 4, 4, 5, 5, 5, 5, 5]),
    (1, 3, [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5]),
    (10, 1, [1, 2, 3, 4, 5, 2, 3, 4, 5, 3, 4, 5, 4, 5, 5])])
def test_interleave_order_is_tfs(cycle, block, want):
    ds = Dataset.range(1, 6).interleave(repeat_x, cycle_length=cycle, block_length=block)
    assert ds.output_shapes.as_list() == [] and ds.output_types == gc.int64
    assert as_lists(elements(ds)) == want


def test_flat_map_tuples_captures_and_tensor_cycle_length():
    got = elements(Dataset.from_tensor_slices((np.arange(3), np.arange(3) * 10)).flat_map(
        lambda a, b: Dataset.from_tensor_slices(gc.stack([a, b]))))
    assert as_lists(got) == [0, 0, 1, 10, 2, 20]
    base = gc.constant(100, gc.int64)
    got = elements(Dataset.range(1, 4).flat_map(
        lambda x: Dataset.range(x).map(lambda y: y + base)))
    assert as_lists(got) == [100, 100, 101, 100, 101, 102]
    outer = Dataset.range(2)                   # a dataset built outside the function
    assert as_lists(elements(Dataset.range(3).flat_map(lambda x: outer))) == [0, 1] * 3
    c = gc.placeholder(gc.int64, [])
    ds = Dataset.range(1, 6).interleave(repeat_x, cycle_length=c)
    assert as_lists(elements(ds, {c: 2}))[:4] == [1, 2, 2, 3]
    with pytest.raises(gc.errors.InvalidArgumentError, match="cycle_length must be greater"):
        elements(ds, {c: 0})
    with pytest.raises(TypeError, match="must return a `Dataset`"):
        Dataset.range(3).flat_map(lambda x: x)
    with pytest.raises(ValueError, match="block_length must be greater"):
        Dataset.range(3).interleave(repeat_x, 2, 0)


def test_flat_map_reads_variables_afresh():
    v = gc.Variable(np.int64(10))
    ds = Dataset.range(2).flat_map(lambda x: Dataset.from_tensors(x + v))
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(it.initializer)
        assert sess.run(nxt) == 10
        sess.run(v.assign(20))
        assert sess.run(nxt) == 21


# ---- unbatch, shard, cache, apply -----------------------------------------------------------
def test_unbatch_and_experimental_unbatch():
    ds = Dataset.from_tensor_slices(np.arange(12).reshape(3, 2, 2)).batch(2).unbatch()
    assert ds.output_shapes.as_list() == [2, 2]
    assert as_lists(elements(Dataset.range(5).batch(2).unbatch())) == [0, 1, 2, 3, 4]
    from graphc.data import experimental
    assert as_lists(elements(Dataset.range(5).batch(2).apply(experimental.unbatch()))) == \
        [0, 1, 2, 3, 4]
    got = elements(Dataset.from_tensors((np.arange(3), np.arange(6).reshape(3, 2))).unbatch())
    assert [(a.tolist(), b.tolist()) for a, b in got] == [(0, [0, 1]), (1, [2, 3]),
                                                          (2, [4, 5])]
    with pytest.raises(ValueError, match="Cannot unbatch an input with scalar"):
        Dataset.range(5).unbatch()
    with pytest.raises(ValueError, match="Encountered both 3 and 4"):
        Dataset.from_tensors((np.arange(3), np.arange(4))).unbatch()
    bad = Dataset.range(1, 3).map(lambda x: (fill(x), gc.fill([2], x))).unbatch()
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match="Component 0 has batch size 1 but component 1 has batch size 2"):
        elements(bad)


def test_shard():
    assert as_lists(elements(Dataset.range(10).shard(3, 1))) == [1, 4, 7]
    n = gc.placeholder(gc.int64, [])
    ds = Dataset.range(10).shard(n, 1)
    assert as_lists(elements(ds, {n: 4})) == [1, 5, 9]
    with pytest.raises(gc.errors.InvalidArgumentError, match=r"num_shards = 0\)"):
        elements(ds, {n: 0})
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match=r"Index must be between 0 and 0 \(currently index = 1\)"):
        elements(ds, {n: 1})
    with pytest.raises(ValueError, match="Number of shards must be greater than zero"):
        Dataset.range(3).shard(0, 0)
    with pytest.raises(ValueError, match="Index must be between 0 and 2"):
        Dataset.range(3).shard(3, 3)


def test_cache_replays_the_first_complete_pass():
    v = gc.Variable(np.int64(0))
    ds = Dataset.range(3).map(lambda x: x + v).cache().repeat(2)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(it.initializer)
        got = [sess.run(nxt) for _ in range(3)]
        sess.run(v.assign(10))                   # the second epoch reads the cache
        got += drain(sess, nxt)
        assert got == [0, 1, 2, 0, 1, 2]
        assert drain(sess, nxt, it.initializer) == [10, 11, 12, 10, 11, 12]
    partial = Dataset.range(3).map(lambda x: x + v).cache().take(2).repeat(2)
    it = partial.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(it.initializer)
        first = [sess.run(nxt) for _ in range(2)]
        sess.run(v.assign(5))                    # an unfinished pass is not kept
        assert first + drain(sess, nxt) == [0, 1, 5, 6]


def test_apply():
    assert as_lists(elements(Dataset.range(5).apply(lambda d: d.skip(2)))) == [2, 3, 4]
    with pytest.raises(TypeError, match="must return a `tf.data.Dataset`"):
        Dataset.range(5).apply(lambda d: 3)


# ---- reduce ---------------------------------------------------------------------------------
def test_reduce_returns_tensors():
    total = Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)
    assert total.shape.as_list() == [] and total.dtype == gc.int64
    pair = Dataset.range(5).reduce((np.int64(0), np.float32(1)),
                                   lambda s, x: (s[0] + x, s[1] * 2.0))
    grow = Dataset.range(5).reduce(gc.zeros([0], gc.int64),
                                   lambda s, x: gc.concat([s, gc.reshape(x, [1])], 0))
    assert grow.shape.as_list() == [None]
    p = gc.placeholder(gc.float32, [None])
    fed = Dataset.from_tensor_slices(p).reduce(np.float32(0), lambda s, x: s + x * x)
    with gc.Session() as sess:
        assert sess.run(total) == 10
        assert sess.run(pair) == (10, 32.0)
        assert sess.run(grow).tolist() == [0, 1, 2, 3, 4]
        assert sess.run(fed, {p: [1, 2, 3]}) == 14.0
    with pytest.raises(TypeError, match="element types for the new state must match"):
        Dataset.range(5).reduce(np.int64(0), lambda s, x: gc.cast(s, gc.int32))


# ---- counts as tensors ----------------------------------------------------------------------
def test_tensor_counts_are_read_when_the_iterator_starts():
    n = gc.placeholder(gc.int64, [])
    assert Dataset.range(5).batch(n).output_shapes.as_list() == [None]
    assert Dataset.range(5).batch(n, True).output_shapes.as_list() == [None]
    two = gc.constant(2, gc.int64)
    assert Dataset.range(5).batch(two, True).output_shapes.as_list() == [2]
    assert as_lists(elements(Dataset.range(5).batch(n), {n: 2})) == [[0, 1], [2, 3], [4]]
    with pytest.raises(gc.errors.InvalidArgumentError, match="Batch size must be greater"):
        elements(Dataset.range(5).batch(n), {n: 0})
    assert len(elements(Dataset.range(5).repeat(n), {n: 2})) == 10
    assert as_lists(elements(Dataset.range(5).take(n), {n: -3})) == [0, 1, 2, 3, 4]
    assert as_lists(elements(Dataset.range(5).skip(n), {n: -3})) == []
    assert as_lists(elements(Dataset.range(n, 10, 3), {n: 2})) == [2, 5, 8]
    assert sorted(as_lists(elements(Dataset.range(5).shuffle(n, seed=1), {n: 2}))) == \
        [0, 1, 2, 3, 4]
    with pytest.raises(gc.errors.InvalidArgumentError, match="buffer_size must be greater"):
        elements(Dataset.range(5).shuffle(n), {n: 0})
    with pytest.raises(gc.errors.InvalidArgumentError, match="step must be a non-zero"):
        elements(Dataset.range(0, 5, n), {n: 0})
    with pytest.raises(ValueError, match="requested dtype int64 for Tensor with dtype int32"):
        Dataset.range(5).batch(gc.placeholder(gc.int32, []))
    with pytest.raises(gc.errors.ShapeError, match="rank 1"):
        Dataset.range(5).batch(gc.placeholder(gc.int64, [None]))


# ---- reinitializable and feedable iterators -------------------------------------------------
def test_from_structure_switches_datasets():
    it = gc.data.Iterator.from_structure(gc.int64, gc.TensorShape([]))
    assert it.output_types == gc.int64 and it.output_shapes.as_list() == []
    nxt = it.get_next()
    a = it.make_initializer(Dataset.range(3))
    b = it.make_initializer(Dataset.range(10, 12), name="bee")
    assert a.type == "MakeIterator" and a.name == "make_initializer" and b.name == "bee"
    with gc.Session() as sess:
        with pytest.raises(gc.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)
        assert drain(sess, nxt, a) == [0, 1, 2]
        assert drain(sess, nxt, b) == [10, 11]
        sess.run(a)
        assert sess.run(nxt) == 0
    with pytest.raises(TypeError, match="Expected output types"):
        it.make_initializer(Dataset.range(3).map(lambda x: gc.cast(x, gc.int32)))
    with pytest.raises(TypeError, match="Expected output shapes compatible"):
        it.make_initializer(Dataset.range(3).batch(2))
    with pytest.raises(ValueError, match="same nested structure"):
        it.make_initializer(Dataset.range(3).map(lambda x: (x, x)))
    loose = gc.data.Iterator.from_structure(gc.int64)
    assert loose.output_shapes.rank is None
    loose.make_initializer(Dataset.range(3).batch(2))
    with pytest.raises(ValueError, match="no initializer"):
        loose.initializer


def test_from_structure_with_a_training_loop_and_nested_elements():
    Point = collections.namedtuple("Point", "x y")
    train = Dataset.from_tensor_slices(Point(np.arange(4.0, dtype=np.float32),
                                             np.arange(4) * 2)).batch(2)
    val = Dataset.from_tensor_slices(Point(np.ones(3, np.float32), np.zeros(3, np.int64)))
    val = val.batch(3)
    it = gc.data.Iterator.from_structure(train.output_types, train.output_shapes)
    p = it.get_next()
    assert isinstance(p, Point) and p.x.shape.as_list() == [None]
    t_init, v_init = it.make_initializer(train), it.make_initializer(val)
    with gc.Session() as sess:
        got = drain(sess, p, t_init)
        assert [g.x.tolist() for g in got] == [[0, 1], [2, 3]]
        assert [g.y.tolist() for g in drain(sess, p, v_init)] == [[0, 0, 0]]


def test_from_string_handle_feeds_which_iterator_runs():
    h = gc.placeholder(gc.string, shape=[])
    fit = gc.data.Iterator.from_string_handle(h, gc.int64, gc.TensorShape([]))
    nxt = fit.get_next()
    assert nxt.shape.as_list() == [] and fit.string_handle() is h
    tr = Dataset.range(100).repeat().make_one_shot_iterator()
    va = Dataset.range(1000, 1003).make_initializable_iterator()
    fl = Dataset.range(3).map(lambda x: gc.cast(x, gc.float32)).make_one_shot_iterator()
    sh = Dataset.range(3).batch(2).make_one_shot_iterator()
    st = gc.data.Iterator.from_structure(gc.int64, [])
    st_init = st.make_initializer(Dataset.range(7, 9))
    with gc.Session() as sess:
        th, vh = sess.run([tr.string_handle(), va.string_handle()])
        assert isinstance(th, bytes) and th != vh
        assert [sess.run(nxt, {h: th}) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(gc.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt, {h: vh})
        sess.run(va.initializer)
        assert drain(sess, nxt, feed={h: vh}) == [1000, 1001, 1002]
        assert [sess.run(nxt, {h: th}) for _ in range(2)] == [3, 4]
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match="Data type mismatch at component 0: expected int64 but "
                                 "got float"):
            sess.run(nxt, {h: sess.run(fl.string_handle())})
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match=r"Incompatible shapes at component 0: expected \[\] but "
                                 r"got \[\?\]"):
            sess.run(nxt, {h: sess.run(sh.string_handle())})
        with pytest.raises(gc.errors.InvalidArgumentError, match="Could not parse"):
            sess.run(nxt, {h: b"garbage"})
        sess.run(st_init)
        assert sess.run(nxt, {h: sess.run(st.string_handle())}) == 7
    h2 = gc.placeholder(gc.string, shape=[])
    two = gc.data.Iterator.from_string_handle(h2, (gc.int64, gc.int64)).get_next()
    with gc.Session() as sess:
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match="Number of components does not match: expected 2 types but "
                                 "got 1"):
            sess.run(two, {h2: sess.run(tr.string_handle())})
    with pytest.raises(ValueError, match="requested dtype string"):
        gc.data.Iterator.from_string_handle(gc.constant(1), gc.int64)


# ---- serialization --------------------------------------------------------------------------
def round_trip(tmp_path, run):
    """Writes the default graph as a .meta, imports it into a new graph and returns
    run(graph) there."""
    path = str(tmp_path / "model.meta")
    serialize.export_meta_graph(path)
    with open(path, encoding="utf-8") as f:
        json.load(f)
    with gc.Graph().as_default() as g:
        serialize.import_meta_graph(path)
        return run(g)


def drained(name, init=None, feed=None):
    def run(g):
        nxt = g.get_tensor_by_name(name)
        with gc.Session() as sess:
            op = g.get_operation_by_name(init) if init else None
            feed_ = {g.get_tensor_by_name(k): v for k, v in (feed or {}).items()}
            return as_lists(drain(sess, nxt, op, feed_))
    return run


@pytest.mark.parametrize("build", [
    lambda: Dataset.range(5).map(fill).padded_batch(2, [None], np.int64(-1)),
    lambda: Dataset.range(5).batch(2).unbatch(),
    lambda: Dataset.range(10).shard(3, 1),
    lambda: Dataset.range(3).cache().repeat(2),
    lambda: Dataset.range(1, 6).interleave(repeat_x, cycle_length=3, block_length=2),
    lambda: Dataset.range(1, 4).flat_map(lambda x: Dataset.range(x).map(lambda y: y * 10)),
    lambda: Dataset.range(gc.constant(2, gc.int64), 9).batch(gc.constant(3, gc.int64)),
], ids=["padded_batch", "unbatch", "shard", "cache", "interleave", "flat_map", "tensors"])
def test_new_datasets_round_trip(tmp_path, build):
    with gc.Graph().as_default():
        it = build().make_initializable_iterator()
        nxt = it.get_next(name="nx")
        with gc.Session() as sess:
            want = as_lists(drain(sess, nxt, it.initializer))
        got = round_trip(tmp_path, drained("nx:0", "MakeIterator"))
    assert got == want and want


def test_reduce_and_iterators_round_trip(tmp_path):
    with gc.Graph().as_default():
        Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)
        it = gc.data.Iterator.from_structure(gc.int64, [])
        it.get_next(name="nx")
        it.make_initializer(Dataset.range(3), name="init_a")
        it.make_initializer(Dataset.range(5, 7), name="init_b")
        h = gc.placeholder(gc.string, [], name="h")
        gc.data.Iterator.from_string_handle(h, gc.int64, []).get_next(name="fnx")
        it.string_handle(name="sh")

        def run(g):
            with gc.Session() as sess:
                total = sess.run(g.get_tensor_by_name("ReduceDataset:0"))
                a = drain(sess, g.get_tensor_by_name("nx:0"), g.get_operation_by_name("init_a"))
                b = drain(sess, g.get_tensor_by_name("nx:0"), g.get_operation_by_name("init_b"))
                sess.run(g.get_operation_by_name("init_a"))
                s = sess.run(g.get_tensor_by_name("sh:0"))
                c = sess.run(g.get_tensor_by_name("fnx:0"), {g.get_tensor_by_name("h:0"): s})
                return total, a, b, c
        assert round_trip(tmp_path, run) == (10, [0, 1, 2], [5, 6], 0)
