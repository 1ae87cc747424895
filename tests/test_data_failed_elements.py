"""An element whose making fails (a map function's error, a batch of unlike shapes) is an
error for that get_next only: the iterator goes on with the next element, as TF1's
iterators do (a loop that catches InvalidArgumentError to skip a corrupt record must not
spin or lose the epoch). The expected sequences were produced by TF 2.21's compat.v1
(graph mode) on the same programs."""
import numpy as np
import pytest

import graphc as gc
from graphc.data import Dataset

E = gc.data.experimental


def drain(ds, feed):
    """What each get_next gives: the value (lists), "ERR" for an InvalidArgumentError,
    "END" at the end, or another error's class name (which ends the drain)."""
    lengths = gc.placeholder(gc.int64, [None])
    it = gc.data.make_initializable_iterator(ds(Dataset.from_tensor_slices(lengths)))
    nxt, out = it.get_next(), []
    with gc.Session() as s:
        s.run(it.initializer, {lengths: feed})
        for _ in range(20):
            try:
                v = s.run(nxt)
            except gc.errors.OutOfRangeError:
                return out + ["END"]
            except gc.errors.InvalidArgumentError:
                out.append("ERR")
                continue
            except gc.errors.OpError as e:
                return out + [type(e).__name__]
            out.append([np.asarray(a).tolist() for a in v] if isinstance(v, tuple)
                       else np.asarray(v).tolist())
    return out


def bad(n):             # fails for odd n: n values cannot make 2 rows
    return gc.reshape(gc.range(n), [2, -1])


def total(n):
    return gc.reduce_sum(bad(n))


A, B, C = [[0, 1], [2, 3]], [[0, 1, 2], [3, 4, 5]], [[0, 1, 2, 3], [4, 5, 6, 7]]
FEED = [4, 3, 6, 5, 8]
CASES = {
    "map": (lambda d: d.map(bad), [A, "ERR", B, "ERR", C, "END"]),
    "batch": (lambda d: d.map(bad).batch(2), ["ERR", "ERR", [C], "END"]),
    "take": (lambda d: d.map(bad).take(2), [A, "ERR", B, "END"]),
    "skip": (lambda d: d.map(bad).skip(1), ["ERR", B, "ERR", C, "END"]),
    "shard": (lambda d: d.map(bad).shard(2, 1), ["ERR", B, "ERR", "END"]),
    "ignore_errors": (lambda d: d.map(bad).ignore_errors(), [A, B, C, "END"]),
    "batch_ignore_errors": (lambda d: d.map(bad).batch(2).apply(E.ignore_errors()),
                            [[C], "END"]),
    "zip": (lambda d: Dataset.zip((d.map(bad), d)),
            [[A, 4], "ERR", [B, 6], "ERR", [C, 8], "END"]),
    "repeat": (lambda d: d.map(bad).repeat(2),
               [A, "ERR", B, "ERR", C, A, "ERR", B, "ERR", C, "END"]),
    "filter": (lambda d: d.filter(lambda n: total(n) > 0), [4, "ERR", 6, "ERR", 8, "END"]),
    "flat_map": (lambda d: d.flat_map(lambda n: Dataset.from_tensors(bad(n))),
                 [A, "ERR", B, "ERR", C, "END"]),
    "interleave": (lambda d: d.interleave(lambda n: Dataset.from_tensor_slices(bad(n)),
                                          cycle_length=2),
                   [[0, 1], "ERR", [0, 1, 2], [2, 3], [3, 4, 5], "ERR", [0, 1, 2, 3],
                    [4, 5, 6, 7], "END"]),
    "batch_of_unlike_shapes": (lambda d: d.map(gc.range).batch(2),
                               ["ERR", "ERR", [list(range(8))], "END"]),
    "padded_batch": (lambda d: d.map(bad).padded_batch(2, [2, None]), ["ERR", "ERR", [C], "END"]),
    "enumerate": (lambda d: d.map(bad).enumerate(),
                  [[0, A], "ERR", [2, B], "ERR", [4, C], "END"]),
    "scan": (lambda d: d.apply(E.scan(np.int64(0), lambda s, n: (s + n, bad(n)))),
             [A, "ERR", B, "ERR", C, "END"]),
    "unbatch": (lambda d: d.map(bad).unbatch(),
                [[0, 1], [2, 3], "ERR", *B, "ERR", *C, "END"]),
    "cache": (lambda d: d.map(bad).cache().repeat(2),
              [A, "ERR", B, "ERR", C, A, B, C, "END"]),
    "concatenate": (lambda d: d.map(bad).concatenate(d.map(bad)),
                    [A, "ERR", B, "ERR", C, A, "ERR", B, "ERR", C, "END"]),
    "prefetch": (lambda d: d.map(bad).prefetch(2), [A, "ERR", B, "ERR", C, "END"]),
    "assert_cardinality": (lambda d: d.map(bad).apply(E.assert_cardinality(4)),
                           [A, "ERR", B, "ERR", C, "FailedPreconditionError"]),
    "group_by_window": (lambda d: d.map(total).apply(E.group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(2), 2)), ["ERR", "ERR", [6, 28], [15], "END"]),
    "window": (lambda d: d.map(bad).window(2).flat_map(lambda w: w.batch(2)),
               ["ERR", "ERR", [C], "END"]),
    "py_func_stop_iteration_ends_the_map": (
        lambda d: d.map(lambda n: gc.py_func(stop_at_3, [n], gc.int64)).repeat(2),
        [4, 4, "END"]),
}

FEED7 = [4, 3, 6, 5, 8, 10, 7]
CASES7 = {
    "window_shift": (lambda d: d.map(total).window(3, shift=1).flat_map(lambda w: w.batch(3)),
                     ["ERR"] * 7 + ["END"]),
    "window_stride": (lambda d: d.map(total).window(2, shift=1, stride=2).flat_map(
        lambda w: w.batch(3)), [[6, 15], "ERR", [15, 28], "ERR", "ERR", [45], "ERR", "END"]),
    "window_drop": (lambda d: d.map(total).window(2, shift=2, drop_remainder=True).flat_map(
        lambda w: w.batch(3)), ["ERR", "ERR", [28, 45], "END"]),
    "padded_batch_drop": (lambda d: d.map(total).padded_batch(2, [], drop_remainder=True),
                          ["ERR", "ERR", [28, 45], "ERR", "END"]),
    "take_while": (lambda d: d.map(total).apply(E.take_while(lambda x: x < 20)),
                   [6, "ERR", 15, "ERR", "END"]),
    "unique": (lambda d: d.map(total).apply(E.unique()),
               [6, "ERR", 15, "ERR", 28, 45, "ERR", "END"]),
    "choose_from_datasets": (lambda d: E.choose_from_datasets(
        [d.map(total), d], Dataset.range(2).repeat(3)), [6, 4, "ERR", 3, 15, 6, "END"]),
    "sample_from_datasets": (lambda d: E.sample_from_datasets([d.map(total)], seed=1),
                             [6, "ERR", 15, "ERR", 28, 45, "ERR", "END"]),
    "filter_then_batch": (lambda d: d.filter(lambda n: total(n) > 0).batch(2),
                          ["ERR", "ERR", [8, 10], "ERR", "END"]),
}


def stop_at_3(n):
    if n == 3:
        raise StopIteration         # TF1's py_func: OutOfRangeError, which ends a map
    return n


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_failed_element_is_one_error_and_the_pipeline_goes_on(name):
    build, expected = CASES[name]
    assert drain(build, FEED) == expected


@pytest.mark.parametrize("name", sorted(CASES7))
def test_failed_elements_in_windows_selections_and_samples(name):
    build, expected = CASES7[name]
    assert drain(build, FEED7) == expected


def test_shuffle_passes_a_failed_element_on_when_it_meets_it():
    # the buffer fills past both failures before the first element comes out
    out = drain(lambda d: d.map(total).shuffle(10, seed=1), FEED)
    assert out[:2] == ["ERR", "ERR"] and sorted(out[2:5]) == [6, 15, 28] and out[5] == "END"
    small = drain(lambda d: d.map(total).shuffle(2, seed=1), FEED)
    assert [v == "ERR" for v in small] == [True, False, True, False, False, False]
    assert sorted(small[1:2] + small[3:5]) == [6, 15, 28]


def test_a_py_func_error_is_tfs_error_class_for_it():
    def raising(kind):
        def f(x):
            raise kind("boom")
        return gc.py_func(f, [gc.constant(1.0)], gc.float32)
    with gc.Session() as s:
        for kind, cls in [(StopIteration, gc.errors.OutOfRangeError),
                          (ValueError, gc.errors.InvalidArgumentError),
                          (MemoryError, gc.errors.ResourceExhaustedError),
                          (NotImplementedError, gc.errors.UnimplementedError),
                          (KeyError, gc.errors.UnknownError)]:
            with pytest.raises(cls, match="boom") as e:
                s.run(raising(kind))
            assert isinstance(e.value.__cause__, kind) and "PyFunc" in str(e.value)


# ---- SparseTensor components (TF1's legacy structures) ------------------------------------
def test_sparse_components_report_tf1s_output_types_shapes_and_classes():
    ds = Dataset.range(3).map(lambda x: {"s": gc.SparseTensor([[0]], [x], [3]), "d": x})
    ds = ds.batch(2)
    assert ds.output_types == {"s": gc.int64, "d": gc.int64}
    assert {k: s.as_list() for k, s in ds.output_shapes.items()} == {"s": [None, 3],
                                                                      "d": [None]}
    assert ds.output_classes == {"s": gc.SparseTensor, "d": gc.Tensor}


def test_from_structure_and_string_handle_iterators_carry_sparse_components():
    ds = Dataset.range(3).map(lambda x: {"s": gc.SparseTensor([[0]], [x], [3]), "d": x})
    ds = ds.batch(2)
    it = gc.data.Iterator.from_structure(ds.output_types, ds.output_shapes,
                                         output_classes=ds.output_classes)
    nxt, init = it.get_next(), it.make_initializer(ds)
    assert nxt["s"].get_shape().as_list() == [None, 3]
    handle = gc.placeholder(gc.string, [])
    fed = gc.data.Iterator.from_string_handle(handle, ds.output_types, ds.output_shapes,
                                              ds.output_classes).get_next()
    one_shot = gc.data.make_one_shot_iterator(ds)
    with gc.Session() as s:
        s.run(init)
        v = s.run(nxt)
        assert v["d"].tolist() == [0, 1] and v["s"].indices.tolist() == [[0, 0], [1, 0]]
        assert v["s"].dense_shape.tolist() == [2, 3]
        v = s.run(fed, {handle: s.run(one_shot.string_handle())})
        assert v["s"].values.tolist() == [0, 1]
    wrong = gc.data.Iterator.from_structure(gc.int64, gc.TensorShape([None, 4]),
                                            output_classes=gc.SparseTensor)
    with pytest.raises(TypeError, match="compatible"):      # TF's TypeError too
        wrong.make_initializer(ds.map(lambda e: e["s"]))


def test_from_tensor_slices_slices_a_sparse_tensor_along_dim_0():
    sp = gc.sparse_placeholder(gc.float32, [None, 4])
    labels = gc.placeholder(gc.int64, [None])
    ds = Dataset.from_tensor_slices((sp, labels))
    assert ds.output_classes == (gc.SparseTensor, gc.Tensor)
    it = gc.data.make_initializable_iterator(ds.batch(2))
    x, y = it.get_next()
    dense = gc.sparse.to_dense(x)
    with gc.Session() as s:     # TF 2.21 compat.v1 gives these batches
        s.run(it.initializer, {sp: gc.SparseTensorValue([[0, 3], [2, 0], [2, 1]],
                                                        [2., 3., 1.], [3, 4]),
                               labels: [7, 8, 9]})
        d, l = s.run([dense, y])
        assert d.tolist() == [[0, 0, 0, 2], [0, 0, 0, 0]] and l.tolist() == [7, 8]
        d, l = s.run([dense, y])
        assert d.tolist() == [[3, 1, 0, 0]] and l.tolist() == [9]
        with pytest.raises(gc.errors.OutOfRangeError):
            s.run(y)
        s.run(it.initializer, {sp: gc.SparseTensorValue([[0, 1]], [1.], [2, 4]),
                               labels: [7, 8, 9]})
        with pytest.raises(gc.errors.InvalidArgumentError, match="common dim 0"):
            s.run(y)
    with pytest.raises(gc.errors.ShapeError, match="different sizes of dim 0"):
        Dataset.from_tensor_slices((gc.SparseTensor([[0, 0]], [1.], [2, 3]), np.arange(3)))


def _outcomes(nxt, n=8):
    out = []
    with gc.Session() as s:
        for _ in range(n):
            try:
                v = s.run(nxt)
                out.append(v.tolist() if hasattr(v, "tolist") else v)
            except gc.errors.OutOfRangeError:
                out.append("END")
                break
            except gc.errors.OpError as e:
                out.append(type(e).__name__)
    return out


def test_from_generator_errors_as_tf():
    """TF 2.21: an element of the wrong shape or type fails its get_next only; an
    exception the generator raises fails one get_next (py_func's class) and ends it."""
    def gen():
        yield [1, 2]
        yield [1, 2, 3]
        yield "x"
        yield [4, 5]
        raise RuntimeError("late")
    nxt = gc.data.Dataset.from_generator(gen, gc.int64, [2]).batch(1) \
        .make_one_shot_iterator().get_next()
    assert _outcomes(nxt) == [[[1, 2]], "ExecutionError", "ExecutionError", [[4, 5]],
                              "UnknownError", "END"]

    def gen2():
        for i in range(5):
            if i == 2:
                raise ValueError("boom")
            yield i
    ds = gc.data.Dataset.from_generator(gen2, gc.int64, []).map(lambda v: v * 10)
    nxt = ds.make_one_shot_iterator().get_next()
    assert _outcomes(nxt) == [0, 10, "ExecutionError", "END"]     # InvalidArgumentError
    with gc.Session() as s, pytest.raises(gc.errors.InvalidArgumentError,
                                          match=r"ValueError: boom\n  raised by the generator"):
        s.run(gc.data.Dataset.from_generator(gen2, gc.int64, []).skip(2)
              .make_one_shot_iterator().get_next())


def test_a_reader_error_is_raised_again_with_its_class(tmp_path):
    """TF's TextLineDataset raises NotFoundError for a missing file on every later
    get_next too (graphc's pipeline cannot go on after it: the same class, saying so)."""
    good = tmp_path / "a.txt"
    good.write_text("a\nb\n")
    ds = gc.data.TextLineDataset([str(good), str(tmp_path / "missing.txt"), str(good)])
    assert _outcomes(ds.make_one_shot_iterator().get_next(), 5) == [
        b"a", b"b", "NotFoundError", "NotFoundError", "NotFoundError"]
