"""gc.data: datasets and iterators against plain Python/numpy."""
import numpy as np
import pytest

import graphc as gc
from helpers import raises

Dataset = gc.data.Dataset


def drain(ds, feed=None):
    """All elements of ds (through an initializable iterator, in a fresh Session)."""
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    out = []
    with gc.Session() as sess:
        sess.run(it.initializer, feed)
        while True:
            try:
                out.append(sess.run(nxt))
            except gc.errors.OutOfRangeError:
                return out


def ints(elements):
    return [int(e) for e in elements]


def test_from_tensor_slices_values_order_shapes_and_dtypes():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.array([5, 6, 7, 8], np.int64)
    ds = Dataset.from_tensor_slices((x, y))
    assert ds.output_types == (gc.float32, gc.int64)
    assert [s.as_list() for s in ds.output_shapes] == [[3], []]
    a, b = ds.make_one_shot_iterator().get_next()
    assert (a.shape.as_list(), a.dtype, b.shape.as_list(), b.dtype) == (
        [3], gc.float32, [], gc.int64)
    got = drain(ds)
    assert len(got) == 4
    for i, (u, v) in enumerate(got):
        np.testing.assert_array_equal(u, x[i])
        assert v == y[i] and v.dtype == np.int64


def test_dict_and_nested_structures():
    ds = Dataset.from_tensor_slices({"img": np.ones((3, 2), np.float32),
                                     "lab": (np.arange(3), np.arange(3) * 10)})
    assert set(ds.output_types) == {"img", "lab"}
    got = drain(ds.map(lambda e: {"s": gc.reduce_sum(e["img"]), "l": e["lab"][1]}))
    assert [(float(e["s"]), int(e["l"])) for e in got] == [(2.0, 0), (2.0, 10), (2.0, 20)]


def test_a_list_is_one_tensor_as_in_tf1():
    ds = Dataset.from_tensor_slices([1, 2, 3])
    assert ds.output_types == gc.int32
    assert ints(drain(ds)) == [1, 2, 3]


def test_from_tensors_and_range_and_zip():
    got = drain(Dataset.from_tensors(np.arange(3)))
    assert len(got) == 1 and got[0].tolist() == [0, 1, 2]
    assert ints(drain(Dataset.range(5))) == list(range(5))
    assert ints(drain(Dataset.range(2, 11, 3))) == list(range(2, 11, 3))
    assert ints(drain(Dataset.range(5, 0, -2))) == [5, 3, 1]
    assert Dataset.range(3).output_types == gc.int64
    z = Dataset.zip((Dataset.range(3), Dataset.range(10, 20)))
    assert [(int(a), int(b)) for a, b in drain(z)] == [(0, 10), (1, 11), (2, 12)]


def test_batch_with_and_without_drop_remainder():
    x = np.arange(14, dtype=np.float32).reshape(7, 2)
    ds = Dataset.from_tensor_slices(x)
    b = ds.batch(3)
    assert b.output_shapes.as_list() == [None, 2]
    got = drain(b)
    assert [g.shape for g in got] == [(3, 2), (3, 2), (1, 2)]
    np.testing.assert_array_equal(np.concatenate(got), x)
    d = ds.batch(3, drop_remainder=True)
    assert d.output_shapes.as_list() == [3, 2]
    assert d.make_one_shot_iterator().get_next().shape.as_list() == [3, 2]
    assert [g.shape for g in drain(d)] == [(3, 2), (3, 2)]


def test_repeat_take_skip_concatenate_against_python():
    r = Dataset.range(5)
    assert ints(drain(r.repeat(3))) == list(range(5)) * 3
    assert ints(drain(r.repeat().take(12))) == (list(range(5)) * 3)[:12]
    assert ints(drain(r.take(2))) == [0, 1]
    assert ints(drain(r.take(-1))) == list(range(5))
    assert ints(drain(r.skip(3))) == [3, 4]
    assert ints(drain(r.skip(-1))) == []
    assert ints(drain(r.concatenate(Dataset.range(7, 9)))) == [0, 1, 2, 3, 4, 7, 8]
    assert ints(drain(r.skip(1).take(3).repeat(2).prefetch(1))) == [1, 2, 3] * 2
    assert ints(drain(r.take(0).repeat())) == []        # empty, even repeated forever


def test_shuffle_covers_all_elements_and_is_reproducible_with_seeds():
    ds = Dataset.range(50).shuffle(10, seed=7)
    first = ints(drain(ds))
    assert sorted(first) == list(range(50)) and first != list(range(50))
    # a buffer of 10: element i cannot come out before position i - 9
    assert all(pos >= v - 9 for pos, v in enumerate(first))
    assert ints(drain(ds)) == first                     # a new session: the same order
    gc.reset_default_graph()
    gc.set_random_seed(3)
    a = ints(drain(Dataset.range(20).shuffle(20)))
    gc.reset_default_graph()
    gc.set_random_seed(3)
    assert ints(drain(Dataset.range(20).shuffle(20))) == a


def test_shuffle_reshuffles_each_epoch_unless_told_not_to():
    two = ints(drain(Dataset.range(30).shuffle(30, seed=1).repeat(2)))
    assert sorted(two[:30]) == sorted(two[30:]) == list(range(30))
    assert two[:30] != two[30:]
    same = ints(drain(Dataset.range(30).shuffle(30, seed=1, reshuffle_each_iteration=False)
                      .repeat(2)))
    assert same[:30] == same[30:]


def test_map_with_a_captured_variable_reads_its_current_value():
    v = gc.Variable(1.0)
    ds = Dataset.from_tensor_slices(np.arange(4, dtype=np.float32)).map(lambda x: x * 2.0 + v)
    it = ds.make_initializable_iterator()
    x = it.get_next()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(it.initializer)
        assert sess.run(x) == 1.0
        sess.run(v.assign(10.0))
        assert sess.run(x) == 12.0


def test_map_filter_and_their_composition():
    x = np.arange(10, dtype=np.int32)
    ds = (Dataset.from_tensor_slices((x, x.astype(np.float32)))
          .filter(lambda i, f: gc.equal(i % 3, 0))
          .map(lambda i, f: (i * 10, f * f))
          .batch(2))
    got = drain(ds)
    want = [(i * 10, float(i * i)) for i in x if i % 3 == 0]
    flat = [(int(a), float(b)) for i, f in got for a, b in zip(i, f)]
    assert flat == want and len(got) == 2


def test_a_map_function_is_traced_once():
    calls = []

    def fn(x):
        calls.append(1)
        return x + 1
    assert ints(drain(Dataset.range(6).map(fn))) == list(range(1, 7))
    assert len(calls) == 1


def test_placeholders_fed_through_the_initializer_restart_the_pipeline():
    p = gc.placeholder(gc.float32, shape=(None, 2), name="features")
    it = gc.data.make_initializable_iterator(Dataset.from_tensor_slices(p).batch(2))
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(it.initializer, {p: np.ones((3, 2))})
        assert sess.run(nxt).shape == (2, 2)
        sess.run(it.initializer, {p: np.arange(8).reshape(4, 2)})   # restart, new data
        np.testing.assert_array_equal(sess.run(nxt), [[0, 1], [2, 3]])
        np.testing.assert_array_equal(sess.run(nxt), [[4, 5], [6, 7]])
        with pytest.raises(gc.errors.OutOfRangeError, match="End of sequence"):
            sess.run(nxt)
        with pytest.raises(gc.errors.OutOfRangeError):     # and stays at the end
            sess.run(nxt)


def test_one_shot_iterator_starts_once_per_session():
    nxt = gc.data.make_one_shot_iterator(Dataset.range(3)).get_next()
    for _ in range(2):
        with gc.Session() as sess:
            assert [int(sess.run(nxt)) for _ in range(3)] == [0, 1, 2]
            with pytest.raises(gc.errors.OutOfRangeError, match="does not restart"):
                sess.run(nxt)
    with pytest.raises(ValueError, match="no initializer"):
        Dataset.range(3).make_one_shot_iterator().initializer


def test_get_next_before_the_initializer_is_a_failed_precondition():
    nxt = Dataset.range(3).make_initializable_iterator().get_next()
    with gc.Session() as sess:
        with pytest.raises(gc.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)


def test_the_classic_loop_and_training_over_a_dataset():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((64, 3)).astype(np.float32)
    w_true = np.array([[1.0], [-2.0], [0.5]], np.float32)
    ys = xs @ w_true
    ds = Dataset.from_tensor_slices((xs, ys)).shuffle(64, seed=1).batch(16).repeat(40)
    x, y = ds.make_one_shot_iterator().get_next()
    w = gc.Variable(np.zeros((3, 1), np.float32))
    loss = gc.reduce_mean(gc.square(gc.matmul(x, w) - y))
    train = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
    steps = 0
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        while True:
            try:
                sess.run(train)
                steps += 1
            except gc.errors.OutOfRangeError:
                break
        assert steps == 4 * 40
        np.testing.assert_allclose(sess.run(w), w_true, atol=1e-3)


def test_mismatched_first_dims_raise_at_build_time():
    a = gc.constant(np.ones((4, 2)), name="a")
    b = gc.constant(np.ones(5), name="b")
    raises(gc.errors.ShapeError, lambda: Dataset.from_tensor_slices((a, b)),
           "different sizes of dim 0", "'a'", "'b'", "(4, 2)", "(5,)")
    raises(gc.errors.ShapeError, lambda: Dataset.from_tensor_slices(gc.constant(1.0)),
           "scalars")


def test_unknown_first_dims_that_differ_at_run_time_fail_clearly():
    p = gc.placeholder(gc.float32, (None,))
    q = gc.placeholder(gc.float32, (None,))
    it = Dataset.from_tensor_slices((p, q)).make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(it.initializer, {p: np.ones(2), q: np.ones(3)})
        with pytest.raises(gc.errors.ExecutionError, match="one common dim 0"):
            sess.run(nxt)


def test_bad_functions_and_arguments_are_errors():
    ds = Dataset.range(4)
    with pytest.raises(gc.errors.DTypeError, match="scalar bool"):
        ds.filter(lambda x: x * 2)
    with pytest.raises(TypeError, match="must return tensors"):
        ds.map(lambda x: None)
    with pytest.raises(gc.errors.DTypeError, match="concatenate"):
        ds.concatenate(Dataset.from_tensor_slices(np.ones(3, np.float32)))
    with pytest.raises(ValueError, match="batch_size"):
        ds.batch(0)
    with pytest.raises(ValueError, match="dtype int64"):     # a count tensor is int64 (TF)
        ds.take(gc.constant(2))


def test_one_shot_iterator_over_a_placeholder_is_refused():
    p = gc.placeholder(gc.float32, (None,), name="p")
    with pytest.raises(gc.errors.GraphError, match="make_initializable_iterator"):
        Dataset.from_tensor_slices(p * 2.0).make_one_shot_iterator()


def test_batching_elements_of_different_shapes_fails_clearly():
    p = gc.placeholder(gc.float32, (None,))
    longer = Dataset.from_tensors(gc.concat([p, p[:1]], 0))
    ds = Dataset.from_tensors(p).concatenate(longer).batch(2)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    assert nxt.shape.as_list() == [None, None]
    with gc.Session() as sess:
        sess.run(it.initializer, {p: np.ones(3)})
        with pytest.raises(gc.errors.ExecutionError, match="different shapes"):
            sess.run(nxt)


def test_a_failed_element_raises_and_the_iterator_goes_on_as_tf1s():
    x = gc.placeholder(gc.float64, (None,))
    ds = gc.data.Dataset.from_tensor_slices(x).map(lambda v: gc.check_numerics(gc.log(v), "log"))
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as s, np.errstate(invalid="ignore"):
        s.run(it.initializer, {x: [1.0, -1.0, 2.0]})
        assert s.run(nxt) == 0.0
        with pytest.raises(gc.errors.ExecutionError, match="log : Tensor had NaN"):
            s.run(nxt)
        assert s.run(nxt) == pytest.approx(np.log(2.0))    # TF1: the next element
        with pytest.raises(gc.errors.OutOfRangeError):
            s.run(nxt)


def test_an_error_outside_an_element_ends_the_pipeline_and_is_not_the_end_of_data():
    x = gc.placeholder(gc.float64, (None,))
    y = gc.placeholder(gc.float64, (None,))
    it = gc.data.Dataset.from_tensor_slices((x, y)).make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as s:
        s.run(it.initializer, {x: [1.0, 2.0], y: [1.0]})
        with pytest.raises(gc.errors.ExecutionError, match="common dim 0"):
            s.run(nxt)
        with pytest.raises(gc.errors.ExecutionError, match="failed on an earlier run"):
            s.run(nxt)                          # not OutOfRangeError: nothing was read
        s.run(it.initializer, {x: [2.0], y: [3.0]})
        assert s.run(nxt) == (2.0, 3.0)


def test_tf1_structure_helpers_and_constants():
    ds = gc.data.Dataset.from_tensor_slices(
        {"x": np.ones((3, 2), np.float32), "y": np.arange(3)}).map(
        lambda d: (d["x"], d["y"]), num_parallel_calls=gc.data.AUTOTUNE).prefetch(
        gc.data.AUTOTUNE)
    assert gc.data.get_output_types(ds) == (gc.float32, gc.int64)
    assert [s.as_list() for s in gc.data.get_output_shapes(ds)] == [[2], []]
    assert gc.data.get_output_classes(ds) == (gc.Tensor, gc.Tensor)
    it = ds.make_one_shot_iterator()
    assert gc.data.get_output_types(it) == (gc.float32, gc.int64)
    assert gc.data.INFINITE_CARDINALITY == -1 and gc.data.UNKNOWN_CARDINALITY == -2



def test_batched_and_queued_strings_keep_trailing_nul_bytes():
    # serialized Examples often end in b"\x00": numpy's fixed-width bytes would drop it
    recs = [b"ab\x00", b"c\x00\x00", b"d"]
    ph = gc.placeholder(gc.string, [None])
    ds = gc.data.Dataset.from_tensor_slices(ph)
    its = [gc.data.make_initializable_iterator(d) for d in (
        ds.batch(3), ds.map(lambda s: gc.reshape(s, [1])).padded_batch(3, [2]))]
    q = gc.FIFOQueue(5, gc.string, shapes=[[]])
    enq, deq = q.enqueue_many([ph]), q.dequeue_many(3)
    with gc.Session() as s:
        for it in its:
            s.run(it.initializer, {ph: recs})
        batch, padded = s.run([it.get_next() for it in its])
        s.run(enq, {ph: recs})
        queued = s.run(deq)
    assert batch.tolist() == recs and queued.tolist() == recs
    assert padded.tolist() == [[r, b""] for r in recs]
