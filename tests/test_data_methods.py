"""gc.data.Dataset's methods from TF 2's DatasetV1 (graphc/data/methods.py): scan,
group_by_window, sampling, cardinality, get_single_element... (docs/data.md)."""
import inspect
import json

import numpy as np
import pytest

import graphc as gc
from graphc.io import serialize

Dataset = gc.data.Dataset
INF, UNK = gc.data.INFINITE_CARDINALITY, gc.data.UNKNOWN_CARDINALITY


def items(ds):
    """The elements as Python values (arrays as lists)."""
    def py(v):
        if isinstance(v, tuple):
            return tuple(py(x) for x in v)
        if isinstance(v, dict):
            return {k: py(x) for k, x in v.items()}
        return np.asarray(v).tolist()
    return [py(v) for v in ds.as_numpy_iterator()]


def run(t, feed=None):
    with gc.Session() as sess:
        return sess.run(t, feed)


def fill(x):
    return gc.fill([gc.cast(x, gc.int32)], x)


# ---- sources -----------------------------------------------------------------------------
def test_counter_and_enumerate():
    assert items(Dataset.counter(2, 3, gc.int32).take(4)) == [2, 5, 8, 11]
    assert Dataset.counter().element_spec == gc.TensorSpec([], gc.int64)
    assert items(Dataset.counter(0.5, 0.25, gc.float32).take(3)) == [0.5, 0.75, 1.0]
    assert items(Dataset.range(3, 6).enumerate(start=5)) == [(5, 3), (6, 4), (7, 5)]
    start = gc.placeholder(gc.int64, [])
    it = Dataset.range(2).enumerate(start).make_initializable_iterator()
    with gc.Session() as sess:
        sess.run(it.initializer, {start: 10})
        assert sess.run(it.get_next())[0] == 10
    with pytest.raises(ValueError, match="requested dtype int64 for Tensor with dtype int32"):
        Dataset.counter(gc.constant(3), 2)


def test_random_is_seeded_and_rerandomized_per_epoch():
    a = items(Dataset.random(seed=5).take(4))
    assert a == items(Dataset.random(seed=5).take(4)) and len(set(a)) == 4
    assert all(0 <= v < 2 ** 32 for v in a)
    same = items(Dataset.random(seed=5).take(2).repeat(2))
    assert same[:2] == same[2:]
    new = items(Dataset.random(seed=5, rerandomize_each_iteration=True).take(2).repeat(2))
    assert new[:2] != new[2:]
    with gc.Graph().as_default():
        gc.set_random_seed(3)
        b = items(Dataset.random().take(3))
    with gc.Graph().as_default():
        gc.set_random_seed(3)
        assert items(Dataset.random().take(3)) == b


def test_from_sparse_tensor_slices_gives_tf1_tuples():
    st = gc.SparseTensor([[0, 1], [2, 0], [2, 3]], [1., 2., 3.], [3, 4])
    ds = Dataset.from_sparse_tensor_slices(st)
    assert ds.element_spec == (gc.TensorSpec([None, 1], gc.int64),
                               gc.TensorSpec([None], gc.float32), gc.TensorSpec([1], gc.int64))
    assert items(ds) == [([[1]], [1.0], [4]), ([], [], [4]), ([[0], [3]], [2.0, 3.0], [4])]
    assert run(ds.cardinality()) == 3
    with pytest.raises(TypeError, match="must be a `tf.sparse.SparseTensor`"):
        Dataset.from_sparse_tensor_slices(np.zeros(3))


def test_list_files(tmp_path):
    names = [str(tmp_path / f"f{i}.txt") for i in range(6)]
    for n in names:
        open(n, "w").close()
    pattern = str(tmp_path / "*.txt")
    assert items(Dataset.list_files(pattern, shuffle=False)) == [n.encode() for n in names]
    shuffled = items(Dataset.list_files(pattern, seed=4))
    assert sorted(shuffled) == [n.encode() for n in names]
    assert shuffled == items(Dataset.list_files(pattern, seed=4))
    assert Dataset.list_files(pattern).element_spec == gc.TensorSpec([], gc.string)
    two = [str(tmp_path / "f[0-1].txt"), str(tmp_path / "f5.txt")]
    assert run(Dataset.list_files(two).cardinality()) == 3
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match="No files matched pattern: /nowhere/a, /nowhere/b"):
        items(Dataset.list_files(["/nowhere/a", "/nowhere/b"]))


# ---- scan, take_while, unique, ignore_errors -------------------------------------------------
def test_scan_values_structures_and_relaxed_state():
    ds = Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, (s, x * 2)))
    assert items(ds) == [(0, 0), (0, 2), (1, 4), (3, 6), (6, 8)]
    grow = Dataset.range(3).scan(gc.zeros([0], gc.int64),
                                 lambda s, x: (gc.concat([s, [x]], 0), gc.size(s)))
    assert grow.element_spec == gc.TensorSpec([], gc.int32) and items(grow) == [0, 1, 2]
    pair = Dataset.range(3).scan((np.int64(0), np.float32(1)),
                                 lambda s, x: ((s[0] + x, s[1] * 2), {"a": s[1]}))
    assert items(pair) == [{"a": 1.0}, {"a": 2.0}, {"a": 4.0}]


def test_scan_errors():
    with pytest.raises(TypeError, match="should return a pair consisting of new state"):
        Dataset.range(3).scan(np.int64(0), lambda s, x: s + x)
    with pytest.raises(TypeError, match=r"Expected <dtype: 'int32'>, got <dtype: 'int64'>"):
        Dataset.range(3).scan(np.int32(0), lambda s, x: (x, x))
    with pytest.raises(TypeError, match="element classes for the new state"):
        Dataset.range(3).scan(np.int64(0), lambda s, x: ((x, x), x))


def test_take_while_and_unique():
    assert items(Dataset.range(10).take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="must return a `tf.bool` scalar tensor"):
        Dataset.range(3).take_while(lambda x: x)
    assert items(Dataset.from_tensor_slices([1, 3, 1, 2, 3]).unique()) == [1, 3, 2]
    assert items(Dataset.from_tensor_slices([b"a", b"b", b"a"]).unique()) == [b"a", b"b"]
    vecs = Dataset.from_tensor_slices(np.array([[1, 2], [1, 2], [2, 1]])).unique()
    assert items(vecs) == [[1, 2], [2, 1]]
    with pytest.raises(TypeError, match="does not support type <dtype: 'float32'>"):
        Dataset.from_tensors(1.0).unique()
    with pytest.raises(gc.errors.InvalidArgumentError, match="single component"):
        items(Dataset.zip((Dataset.range(2), Dataset.range(2))).unique())


def inverse(ds):
    return ds.map(lambda x: gc.debugging.check_numerics(1. / x, "bad"))


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_ignore_errors_skips_failed_function_elements(caplog):
    x = Dataset.from_tensor_slices(np.array([1., 0., 2., 0., 4.], np.float32))
    assert items(inverse(x).ignore_errors()) == [1.0, 0.5, 0.25]
    deep = inverse(x).map(lambda v: v * 2).filter(lambda v: v > 0).shuffle(1).ignore_errors()
    assert items(deep) == [2.0, 1.0, 0.5]
    with pytest.raises(gc.errors.InvalidArgumentError, match="Inf"):
        items(inverse(x))
    # TF1: a failed element fails its batch (the rows before it are dropped)
    assert items(inverse(x).batch(2).ignore_errors()) == [[0.25]]
    items(inverse(x).ignore_errors(log_warning=True))
    assert "skipping an element" in caplog.text


# ---- group_by_window, bucket_by_sequence_length, rebatch, sparse_batch ------------------------
def test_group_by_window_orders_as_tf():
    ds = Dataset.range(10).group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), 3)
    assert ds.element_spec == gc.TensorSpec([None], gc.int64)
    assert items(ds) == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
    keyed = Dataset.range(10).group_by_window(
        lambda x: x % 3, lambda k, w: w.batch(10).map(lambda b: (k, b)),
        window_size_func=lambda k: k + 1)
    assert items(keyed) == [(0, [0]), (0, [3]), (1, [1, 4]), (0, [6]), (2, [2, 5, 8]),
                            (0, [9]), (1, [7])]


def test_group_by_window_errors():
    ds = Dataset.range(3)
    with pytest.raises(ValueError, match="Either the `window_size` argument"):
        ds.group_by_window(lambda x: x, lambda k, w: w)
    with pytest.raises(ValueError, match="Either the `window_size` argument"):
        ds.group_by_window(lambda x: x, lambda k, w: w, 2, lambda k: k)
    with pytest.raises(ValueError, match="requested dtype int64 for Tensor with dtype int32"):
        ds.group_by_window(lambda x: gc.cast(x, gc.int32), lambda k, w: w, 2)
    with pytest.raises(ValueError, match="`key_func` must return a single `tf.int64` scalar"):
        ds.group_by_window(lambda x: gc.stack([x]), lambda k, w: w, 2)
    with pytest.raises(TypeError, match="must return a single `tf.data.Dataset`"):
        ds.group_by_window(lambda x: x, lambda k, w: 1, 2)
    with pytest.raises(gc.errors.InvalidArgumentError, match="but got -5"):
        items(ds.group_by_window(lambda x: x, lambda k, w: w, window_size_func=lambda k: k - 5))


def test_bucket_by_sequence_length():
    ds = Dataset.range(1, 8).map(fill)
    b = ds.bucket_by_sequence_length(lambda x: gc.size(x), [3, 5], [2, 2, 2])
    assert b.element_spec == gc.TensorSpec([None, None], gc.int64)
    assert items(b) == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]],
                        [[5, 5, 5, 5, 5, 0], [6, 6, 6, 6, 6, 6]], [[7] * 7]]
    edge = Dataset.range(1, 5).map(fill).bucket_by_sequence_length(
        lambda x: gc.size(x), [3, 5], [2, 2, 2], pad_to_bucket_boundary=True)
    assert items(edge) == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    with pytest.raises(gc.errors.InvalidArgumentError, match="pad_to_bucket_boundary"):
        items(ds.bucket_by_sequence_length(lambda x: gc.size(x), [3, 5], [2, 2, 2],
                                           pad_to_bucket_boundary=True))
    same = Dataset.range(4).map(lambda x: gc.fill([2], x)).bucket_by_sequence_length(
        lambda x: gc.size(x), [3], [3, 1], no_padding=True, drop_remainder=True)
    assert items(same) == [[[0, 0], [1, 1], [2, 2]]]
    with pytest.raises(ValueError, match="must equal `len\\(bucket_boundaries\\) \\+ 1`"):
        ds.bucket_by_sequence_length(lambda x: gc.size(x), [3], [1])


def test_rebatch():
    b = Dataset.range(10).batch(4)
    assert items(b.rebatch(3)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert items(b.rebatch(3, drop_remainder=True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert b.rebatch(3, drop_remainder=True).element_spec == gc.TensorSpec([3], gc.int64)
    assert b.rebatch([2, 3], drop_remainder=True).element_spec.shape.as_list() == [None]
    assert items(b.rebatch([1, 2])) == [[0], [1, 2], [3], [4, 5], [6], [7, 8], [9]]
    sizes = gc.placeholder(gc.int64, [None])
    it = b.rebatch(sizes).make_initializable_iterator()
    with gc.Session() as sess:
        sess.run(it.initializer, {sizes: [5]})
        assert sess.run(it.get_next()).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="Expected dataset with rank of >= 1"):
        Dataset.range(3).rebatch(2)


def test_sparse_batch():
    ds = Dataset.range(5).map(fill).sparse_batch(2, [6])
    assert ds.element_spec == gc.SparseTensorSpec([None, 6], gc.int64)
    got = list(ds.as_numpy_iterator())
    assert [g.dense_shape.tolist() for g in got] == [[2, 6], [2, 6], [1, 6]]
    assert got[1].indices.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]]
    assert got[1].values.tolist() == [2, 2, 3, 3, 3]
    free = list(Dataset.range(1, 4).map(fill).sparse_batch(2, [None]).as_numpy_iterator())
    assert [g.dense_shape.tolist() for g in free] == [[2, 2], [1, 3]]
    with pytest.raises(gc.errors.DataLossError, match=r"shape \(\[3\]\) that is larger"):
        items(Dataset.range(5).map(fill).sparse_batch(2, [2]))
    with pytest.raises(gc.errors.InvalidArgumentError, match="incompatible with the row shape"):
        items(Dataset.range(5).map(fill).sparse_batch(2, [6, 1]))


# ---- choose, sample, rejection_resample -----------------------------------------------------
def choices(*c):
    return Dataset.from_tensor_slices(np.array(c, np.int64))


def test_choose_from_datasets():
    a, b = Dataset.range(3), Dataset.range(10, 13)
    assert items(Dataset.choose_from_datasets([a, b], choices(0, 1, 1, 0))) == [0, 10, 11, 1]
    short = [Dataset.range(1), b]
    assert items(Dataset.choose_from_datasets(short, choices(0, 0, 1, 1))) == [0]
    assert items(Dataset.choose_from_datasets(short, choices(0, 0, 1, 1),
                                              stop_on_empty_dataset=False)) == [0, 10, 11]
    with pytest.raises(gc.errors.InvalidArgumentError, match="Selector index out of range: 4"):
        items(Dataset.choose_from_datasets([a], choices(4)))
    with pytest.raises(TypeError, match="must be scalar `tf.int64` tensors"):
        Dataset.choose_from_datasets([a], Dataset.from_tensors(1))
    with pytest.raises(TypeError, match="must have compatible element specs"):
        Dataset.choose_from_datasets([a, Dataset.from_tensors(1.)], choices(0))
    with pytest.raises(ValueError, match="should not be empty"):
        Dataset.choose_from_datasets([], choices(0))
    mixed = Dataset.choose_from_datasets([Dataset.from_tensors(np.zeros((2, 3))),
                                          Dataset.from_tensors(np.zeros((2, 4)))], choices(0))
    assert mixed.element_spec == gc.TensorSpec([2, None], gc.float64)


def test_sample_from_datasets():
    a, b = Dataset.range(5), Dataset.range(10, 13)
    got = items(Dataset.sample_from_datasets([a, b], weights=[0.1, 0.9], seed=1))
    assert sorted(got) == [0, 1, 2, 3, 4, 10, 11, 12]
    assert got == items(Dataset.sample_from_datasets([a, b], weights=[0.1, 0.9], seed=1))
    assert items(Dataset.sample_from_datasets([a, b], weights=[0., 1.], seed=2)) == [10, 11, 12]
    big = items(Dataset.sample_from_datasets(
        [Dataset.from_tensors(0).repeat(), Dataset.from_tensors(1).repeat()],
        weights=[0.25, 0.75], seed=3).take(2000))
    assert abs(np.mean(big) - 0.75) < 0.04
    w = Dataset.from_tensors(np.array([0., 1.], np.float32)).repeat()
    assert items(Dataset.sample_from_datasets([a, b], weights=w, seed=1)) == [10, 11, 12]
    one = Dataset.sample_from_datasets([a, b], weights=[0., 2.])     # TF's shortcuts
    assert one is b and Dataset.sample_from_datasets([a]) is a
    assert items(Dataset.sample_from_datasets([a, b], weights=[0., 0.])) == []
    with pytest.raises(ValueError, match="`len\\(weights\\)=2` vs. `len\\(datasets\\)=1`"):
        Dataset.sample_from_datasets([a], weights=[0.5, 0.5])


def test_rejection_resample_reaches_the_target():
    ds = Dataset.range(4000).map(lambda x: x % 4)
    cls = (lambda x: gc.cast(x < 1, gc.int32))
    rs = ds.rejection_resample(cls, [0.5, 0.5], seed=1)
    assert rs.element_spec == (gc.TensorSpec([], gc.int32), gc.TensorSpec([], gc.int64))
    got = items(rs.take(600))
    assert all(c == int(x < 1) for c, x in got)
    assert abs(np.mean([c for c, _ in got]) - 0.5) < 0.07
    given = items(ds.rejection_resample(cls, [0.5, 0.5], initial_dist=[0.75, 0.25],
                                        seed=2).take(600))
    assert abs(np.mean([c for c, _ in given]) - 0.5) < 0.07
    same = items(ds.rejection_resample(cls, [0.75, 0.25], initial_dist=[0.75, 0.25]).take(4))
    assert same == [(1, 0), (0, 1), (0, 2), (0, 3)]     # no resampling needed


# ---- cardinality, get_single_element, as_numpy_iterator ---------------------------------------
def test_cardinality_follows_tf_rules():
    unk, inf = Dataset.range(5).filter(lambda x: x > 1), Dataset.range(2).repeat()
    cases = [(Dataset.range(10).batch(3), 4), (Dataset.range(10).batch(3, True), 3),
             (Dataset.range(10, 0, -3), 4), (Dataset.zip((inf, Dataset.range(3))), 3),
             (unk.concatenate(inf), INF), (Dataset.range(3).concatenate(unk), UNK),
             (inf.take(3), 3), (unk.take(3), UNK), (Dataset.range(5).skip(7), 0),
             (unk.repeat(), INF), (Dataset.range(0).repeat(), 0), (Dataset.range(10).shard(3, 1), 3),
             (Dataset.range(10).window(3, 2), 5), (Dataset.range(10).window(3, 1, 2, True), 6),
             (Dataset.range(7).map(lambda x: x), UNK), (Dataset.range(7).shuffle(3).cache(), 7),
             (Dataset.from_tensor_slices(np.zeros((4, 2))), 4), (Dataset.from_tensors(1), 1),
             (Dataset.counter().take(4), 4), (inf.enumerate(), INF),
             (Dataset.range(3).scan(np.int64(0), lambda s, x: (s, x)), 3),
             (Dataset.sample_from_datasets([inf, Dataset.range(3)], seed=1), INF),
             (Dataset.range(3).take_while(lambda x: x < 2), UNK)]
    with gc.Session() as sess:
        got = sess.run([ds.cardinality() for ds, _ in cases])
    assert list(got) == [n for _, n in cases]
    stop = gc.placeholder(gc.int64, [])
    card = Dataset.range(stop).cardinality()
    assert card.dtype is gc.int64 and card.shape.as_list() == [] and run(card, {stop: 7}) == 7


def test_get_single_element():
    x, d = Dataset.from_tensors((1, {"a": 2.})).get_single_element()
    assert x.dtype is gc.int32 and d["a"].shape.as_list() == []
    assert run((x, d)) == (1, {"a": 2.0})
    with pytest.raises(gc.errors.InvalidArgumentError, match="Dataset was empty."):
        run(Dataset.range(0).get_single_element())
    with pytest.raises(gc.errors.InvalidArgumentError, match="more than one element"):
        run(Dataset.range(2).get_single_element())


def test_as_numpy_iterator_and_legacy_aliases():
    assert items(Dataset.range(3)) == [0, 1, 2]
    ds = Dataset.range(4).map_with_legacy_function(lambda x: x * 2)
    assert items(ds.filter_with_legacy_function(lambda x: x > 2)) == [4, 6]


def test_signatures_match_tf():
    want = {"scan": "initial_state scan_func name", "counter": "start step dtype name",
            "sample_from_datasets": "datasets weights seed stop_on_empty_dataset "
                                    "rerandomize_each_iteration",
            "choose_from_datasets": "datasets choice_dataset stop_on_empty_dataset",
            "group_by_window": "key_func reduce_func window_size window_size_func name",
            "rejection_resample": "class_func target_dist initial_dist seed name",
            "list_files": "file_pattern shuffle seed name", "rebatch": "batch_size "
            "drop_remainder name", "random": "seed rerandomize_each_iteration name"}
    for name, params in want.items():
        got = [p for p in inspect.signature(getattr(Dataset, name)).parameters if p != "self"]
        assert got == params.split(), name


@pytest.mark.parametrize("build", [
    lambda: Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, s)),
    lambda: Dataset.range(9).take_while(lambda x: x < 5).unique().enumerate(),
    lambda: Dataset.range(10).batch(4).rebatch([3, 3], drop_remainder=True),
    lambda: Dataset.choose_from_datasets([Dataset.range(3), Dataset.range(5, 9)],
                                         choices(0, 1, 1)),
    lambda: Dataset.sample_from_datasets([Dataset.range(3), Dataset.random(seed=1).take(2)],
                                         seed=3),
], ids=["scan", "take_while", "rebatch", "choose", "sample"])
def test_new_datasets_round_trip(tmp_path, build):
    path = str(tmp_path / "model.meta")
    with gc.Graph().as_default():
        nxt = build().batch(100).get_single_element(name="single")
        card = build().cardinality()
        want = run([nxt[0] if isinstance(nxt, tuple) else nxt, card])
        serialize.export_meta_graph(path)
    with open(path, encoding="utf-8") as f:
        json.load(f)
    with gc.Graph().as_default() as g:
        serialize.import_meta_graph(path)
        got = run([g.get_tensor_by_name("single:0"), g.get_tensor_by_name(card.name)])
    assert np.asarray(got[0]).tolist() == np.asarray(want[0]).tolist() and got[1] == want[1]


def test_group_by_window_refuses_serialization():
    with gc.Graph().as_default():
        Dataset.range(4).group_by_window(lambda x: x % 2, lambda k, w: w, 2).cardinality()
        with pytest.raises(Exception, match="group_by_window"):
            serialize.export_meta_graph()
