"""TF parity of the Dataset methods TF 2 added to DatasetV1 (graphc/data/methods.py): the
same pipeline built in graphc and in tf.compat.v1 (graph mode) gives the same element
specs, elements, cardinalities and errors; seeded randomness is compared by its
statistics, not its stream."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1  # noqa: F401  (tf: skips without TensorFlow)


def both(build):
    """build(m) in a fresh graph of m = graphc and m = tf.compat.v1."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            out.append(build(m))
    return out


def plain(v):
    if isinstance(v, tuple) and not hasattr(v, "dense_shape"):
        return tuple(plain(x) for x in v)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if hasattr(v, "dense_shape"):
        return ("sparse", plain(v.indices), plain(v.values), plain(v.dense_shape))
    return np.asarray(v).tolist()


def run_dataset(m, ds, limit=200):
    """(element_spec repr, elements, cardinality) of ds in m's Session."""
    it = m.data.make_one_shot_iterator(ds)
    nxt, card = it.get_next(), ds.cardinality()
    out = []
    with m.Session() as sess:
        n = int(sess.run(card))
        for _ in range(limit):
            try:
                out.append(plain(sess.run(nxt)))
            except m.errors.OutOfRangeError:
                break
    return repr(ds.element_spec), out, n


def fill(m):
    return lambda x: m.fill([m.cast(x, m.int32)], x)


CASES = {
    "enumerate": lambda m: m.data.Dataset.range(3, 6).enumerate(start=5),
    "counter": lambda m: m.data.Dataset.counter(2, 3, m.int32).take(4),
    "counter_float": lambda m: m.data.Dataset.counter(0.5, 0.25, m.float32).take(3),
    "scan": lambda m: m.data.Dataset.range(5).scan(np.int64(0),
                                                   lambda s, x: (s + x, (s, x * 2))),
    "scan_relaxed": lambda m: m.data.Dataset.range(3).scan(
        m.zeros([0], m.int64), lambda s, x: (m.concat([s, [x]], 0), m.size(s))),
    "take_while": lambda m: m.data.Dataset.range(10).take_while(lambda x: x < 4),
    "unique": lambda m: m.data.Dataset.from_tensor_slices([1, 3, 1, 2, 3]).unique(),
    "unique_str": lambda m: m.data.Dataset.from_tensor_slices([b"a", b"b", b"a"]).unique(),
    "group_by_window": lambda m: m.data.Dataset.range(10).group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(3), window_size=3),
    "group_window_func": lambda m: m.data.Dataset.range(10).group_by_window(
        lambda x: x % 3, lambda k, w: w.batch(10).map(lambda b: (k, b)),
        window_size_func=lambda k: k + 1),
    "rebatch": lambda m: m.data.Dataset.range(10).batch(4).rebatch(3),
    "rebatch_drop": lambda m: m.data.Dataset.range(10).batch(4).rebatch(3, True),
    "rebatch_list": lambda m: m.data.Dataset.range(10).batch(4).rebatch([1, 2]),
    "rebatch_2d": lambda m: m.data.Dataset.from_tensors(
        np.arange(10).reshape(5, 2)).rebatch(2, drop_remainder=True),
    "ignore_errors": lambda m: m.data.Dataset.from_tensor_slices(
        np.array([1., 0., 2., 0., 4.], np.float32)).map(
        lambda x: m.debugging.check_numerics(1. / x, "bad")).ignore_errors(),
    "sparse_batch": lambda m: m.data.Dataset.range(5).map(fill(m)).sparse_batch(2, [6]),
    "sparse_batch_free": lambda m: m.data.Dataset.range(1, 4).map(fill(m)).sparse_batch(
        2, [None]),
    "bucket": lambda m: m.data.Dataset.range(1, 8).map(fill(m)).bucket_by_sequence_length(
        lambda x: m.size(x), [3, 5], [2, 2, 2]),
    "bucket_boundary": lambda m: m.data.Dataset.range(1, 5).map(
        fill(m)).bucket_by_sequence_length(lambda x: m.size(x), [3, 5], [2, 2, 2],
                                           pad_to_bucket_boundary=True),
    "bucket_no_padding": lambda m: m.data.Dataset.range(6).map(
        lambda x: m.fill([2], x)).bucket_by_sequence_length(
        lambda x: m.size(x), [3], [4, 1], no_padding=True),
    "sparse_slices": lambda m: m.data.Dataset.from_sparse_tensor_slices(
        m.SparseTensor([[0, 1], [2, 0], [2, 3]], [1., 2., 3.], [3, 4])),
    "choose": lambda m: m.data.Dataset.choose_from_datasets(
        [m.data.Dataset.range(3), m.data.Dataset.range(10, 13)],
        m.data.Dataset.from_tensor_slices(np.array([0, 1, 1, 0], np.int64))),
    "choose_no_stop": lambda m: m.data.Dataset.choose_from_datasets(
        [m.data.Dataset.range(1), m.data.Dataset.range(10, 13)],
        m.data.Dataset.from_tensor_slices(np.array([0, 0, 1, 1], np.int64)),
        stop_on_empty_dataset=False),
    "choose_shapes": lambda m: m.data.Dataset.choose_from_datasets(
        [m.data.Dataset.from_tensors(np.zeros((2, 3))),
         m.data.Dataset.from_tensors(np.ones((2, 4)))],
        m.data.Dataset.from_tensor_slices(np.array([1, 0], np.int64))),
    "sample_one_weight": lambda m: m.data.Dataset.sample_from_datasets(
        [m.data.Dataset.range(5), m.data.Dataset.range(10, 13)], weights=[0., 1.], seed=3),
    "sample_all_zero": lambda m: m.data.Dataset.sample_from_datasets(
        [m.data.Dataset.range(5), m.data.Dataset.range(10, 13)], weights=[0., 0.], seed=3),
    "sample_one": lambda m: m.data.Dataset.sample_from_datasets([m.data.Dataset.range(3)]),
    "static_resample": lambda m: m.data.Dataset.range(8).rejection_resample(
        lambda x: m.cast(x % 2, m.int32), [0.5, 0.5], initial_dist=[0.5, 0.5]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_elements_specs_and_cardinality(name):
    got, want = both(lambda m: run_dataset(m, CASES[name](m)))
    assert got == want


CARDINALITIES = {
    "zip": lambda m: m.data.Dataset.zip((m.data.Dataset.range(2).repeat(),
                                         m.data.Dataset.range(5).filter(lambda x: x > 1))),
    "concat": lambda m: m.data.Dataset.range(3).concatenate(m.data.Dataset.range(2).repeat()),
    "take_unknown": lambda m: m.data.Dataset.range(5).filter(lambda x: x > 1).take(3),
    "skip": lambda m: m.data.Dataset.range(5).skip(7),
    "repeat_unknown": lambda m: m.data.Dataset.range(5).filter(lambda x: x > 1).repeat(2),
    "repeat_empty": lambda m: m.data.Dataset.range(0).repeat(),
    "batch": lambda m: m.data.Dataset.range(10).batch(3),
    "padded_batch": lambda m: m.data.Dataset.range(10).padded_batch(4, padded_shapes=[]),
    "shard": lambda m: m.data.Dataset.range(10).shard(3, 2),
    "window": lambda m: m.data.Dataset.range(10).window(3, 1, 2, drop_remainder=True),
    "map": lambda m: m.data.Dataset.range(7).map(lambda x: x),
    "unbatch": lambda m: m.data.Dataset.range(10).batch(3).unbatch(),
    "shuffle_cache": lambda m: m.data.Dataset.range(7).shuffle(3).cache(),
    "range_down": lambda m: m.data.Dataset.range(10, 0, -3),
    "enumerate_inf": lambda m: m.data.Dataset.range(2).repeat().enumerate(),
    "random": lambda m: m.data.Dataset.random(seed=1).take(4),
    "sample_inf": lambda m: m.data.Dataset.sample_from_datasets(
        [m.data.Dataset.range(2).repeat(), m.data.Dataset.range(3)], seed=1),
    "sample": lambda m: m.data.Dataset.sample_from_datasets(
        [m.data.Dataset.range(2), m.data.Dataset.range(3)], seed=1),
    "flat_map": lambda m: m.data.Dataset.range(3).flat_map(lambda x: m.data.Dataset.range(x)),
}


@pytest.mark.parametrize("name", sorted(CARDINALITIES))
def test_cardinality(name):
    def card(m):
        with m.Session() as sess:
            return int(sess.run(CARDINALITIES[name](m).cardinality()))
    got, want = both(card)
    assert got == want


def test_get_single_element_values_and_errors():
    def single(m):
        x = m.data.Dataset.from_tensors((1, {"a": 2.})).get_single_element()
        with m.Session() as sess:
            out = [plain(sess.run(x)), x[0].dtype.name, x[1]["a"].shape.as_list()]
            for ds, msg in ((m.data.Dataset.range(0), "Dataset was empty."),
                            (m.data.Dataset.range(2), "Dataset had more than one element.")):
                with pytest.raises(m.errors.InvalidArgumentError) as e:
                    sess.run(ds.get_single_element())
                out.append(msg in str(e.value))
        return out
    got, want = both(single)
    assert got == want


ERRORS = {
    "scan_pair": lambda m: m.data.Dataset.range(3).scan(np.int64(0), lambda s, x: s + x),
    "scan_types": lambda m: m.data.Dataset.range(3).scan(np.int32(0), lambda s, x: (x, x)),
    "take_while": lambda m: m.data.Dataset.range(3).take_while(lambda x: x),
    "unique_float": lambda m: m.data.Dataset.from_tensors(1.).unique(),
    "gbw_no_size": lambda m: m.data.Dataset.range(3).group_by_window(lambda x: x,
                                                                    lambda k, w: w),
    "gbw_key_vector": lambda m: m.data.Dataset.range(3).group_by_window(
        lambda x: m.stack([x]), lambda k, w: w, 2),
    "gbw_reduce": lambda m: m.data.Dataset.range(3).group_by_window(
        lambda x: x, lambda k, w: 1, 2),
    "choose_empty": lambda m: m.data.Dataset.choose_from_datasets([], m.data.Dataset.range(1)),
    "choose_types": lambda m: m.data.Dataset.choose_from_datasets(
        [m.data.Dataset.range(3), m.data.Dataset.from_tensors(1.)], m.data.Dataset.range(1)),
    "choose_choice": lambda m: m.data.Dataset.choose_from_datasets(
        [m.data.Dataset.range(3)], m.data.Dataset.from_tensors(1)),
    "sample_weights": lambda m: m.data.Dataset.sample_from_datasets(
        [m.data.Dataset.range(2)], weights=[0.5, 0.5]),
    "rebatch_scalar": lambda m: m.data.Dataset.range(3).rebatch(2),
    "bucket_sizes": lambda m: m.data.Dataset.range(3).bucket_by_sequence_length(
        lambda x: x, [3], [1]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_build_errors(name):
    def error(m):
        with pytest.raises((TypeError, ValueError)) as e:
            ERRORS[name](m)
        return (issubclass(e.type, TypeError), str(e.value).split(" but ")[0][:60])
    got, want = both(error)
    assert got == want


RUN_ERRORS = {
    "choose_range": lambda m: m.data.Dataset.choose_from_datasets(
        [m.data.Dataset.range(3)], m.data.Dataset.from_tensors(np.int64(4))),
    "window_size": lambda m: m.data.Dataset.range(3).group_by_window(
        lambda x: x, lambda k, w: w, window_size_func=lambda k: k - 5),
    "unique_tuple": lambda m: m.data.Dataset.zip((m.data.Dataset.range(2),
                                                  m.data.Dataset.range(2))).unique(),
    "list_files": lambda m: m.data.Dataset.list_files("/nonexistent/*.txt"),
    "sparse_batch_rank": lambda m: m.data.Dataset.range(5).map(fill(m)).sparse_batch(2, [6, 1]),
}
RUN_MESSAGES = {"choose_range": "Selector index out of range: 4 >= 1",
                "window_size": "Window size must be greater than zero, but got -5.",
                "unique_tuple": "UniqueDataset only supports inputs with a single component.",
                "list_files": "No files matched pattern: /nonexistent/*.txt",
                "sparse_batch_rank": "that is incompatible with the row shape ([6,1])."}


@pytest.mark.parametrize("name", sorted(RUN_ERRORS))
def test_run_errors(name):
    def error(m):
        it = m.data.make_initializable_iterator(RUN_ERRORS[name](m))
        nxt = it.get_next()
        with m.Session() as sess, pytest.raises(m.errors.InvalidArgumentError) as e:
            sess.run(it.initializer)
            sess.run(nxt)
        return RUN_MESSAGES[name] in str(e.value)
    assert both(error) == [True, True]


def test_seeded_sampling_statistics():
    def stats(m):
        ones = m.data.Dataset.from_tensors(np.int64(1)).repeat()
        zeros = m.data.Dataset.from_tensors(np.int64(0)).repeat()
        ds = m.data.Dataset.sample_from_datasets([zeros, ones], [0.25, 0.75], seed=7).take(2000)
        mixed = m.data.Dataset.sample_from_datasets(
            [m.data.Dataset.range(5), m.data.Dataset.range(10, 13)], [0.1, 0.9], seed=2)
        rnd = m.data.Dataset.random(seed=3).take(2000)
        _, a, _ = run_dataset(m, ds, 3000)
        _, b, _ = run_dataset(m, mixed)
        _, c, _ = run_dataset(m, rnd, 3000)
        return (round(float(np.mean(a)), 1), sorted(b), round(float(np.mean(c)) / 2 ** 32, 1),
                run_dataset(m, ds, 3000)[1] == a)
    got, want = both(stats)
    assert got == want


def test_rejection_resample_statistics():
    def stats(m):
        ds = m.data.Dataset.range(4000).map(lambda x: x % 4)
        rs = ds.rejection_resample(lambda x: m.cast(x < 1, m.int32), [0.5, 0.5], seed=1)
        spec, got, _ = run_dataset(m, rs.take(600), 700)
        return spec, round(float(np.mean([c for c, _ in got])), 1), \
            all(c == int(x < 1) for c, x in got)
    got, want = both(stats)
    assert got == want
