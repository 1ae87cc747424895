"""TF parity of the TypeSpecs, Dataset.element_spec, DatasetSpec, tf.data Options,
from_generator(output_signature=), Dataset.window and cache(filename): the same thing
built in graphc and in tf.compat.v1 (graph mode) gives the same reprs, answers,
elements and errors."""
import collections
import os
import warnings

import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1


def both(build):
    """build(m) in a fresh graph of m = graphc and m = tf.compat.v1."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            out.append(build(m))
    return out


def spec_key(s):
    """A comparable form of a nested spec: reprs at the leaves (dict order aside)."""
    if isinstance(s, dict):
        return {k: spec_key(v) for k, v in s.items()}
    if isinstance(s, tuple):
        return tuple(spec_key(v) for v in s)
    return repr(s).replace("DatasetSpecV1", "DatasetSpec")


def elements(m, ds, feed=None, limit=100):
    it = m.data.make_initializable_iterator(ds)
    nxt = it.get_next()
    out = []
    with m.Session() as sess:
        sess.run(it.initializer, feed or {})
        for _ in range(limit):
            try:
                v = sess.run(nxt)
            except m.errors.OutOfRangeError:
                break
            out.append(m.nest.map_structure(lambda a: np.asarray(a).tolist(), v))
    return out


# ---- TypeSpecs ------------------------------------------------------------------------------
SPECS = [
    lambda m: m.TensorSpec([2, None], m.float32, name="x"),
    lambda m: m.TensorSpec(None),
    lambda m: m.TensorSpec([], m.string),
    lambda m: m.TensorSpec([3], "int32"),
    lambda m: m.SparseTensorSpec(),
    lambda m: m.SparseTensorSpec([2, None], m.int32),
    lambda m: m.RaggedTensorSpec([2, None, 3], m.int32),
    lambda m: m.RaggedTensorSpec([2, None, 3], m.int32, 1, m.int32),
    lambda m: m.RaggedTensorSpec(None, m.int32, 1),
    lambda m: m.IndexedSlicesSpec(),
    lambda m: m.IndexedSlicesSpec([None, 3], m.float32, m.int32, m.int64, [3]),
    lambda m: m.TensorArraySpec(),
    lambda m: m.TensorArraySpec([2], m.int32, True, False),
    lambda m: m.OptionalSpec(m.TensorSpec([])),
    lambda m: m.OptionalSpec((m.TensorSpec([2]), m.TensorSpec([], m.int64))),
    lambda m: m.data.DatasetSpec(m.TensorSpec([], m.int64)),
    lambda m: m.data.DatasetSpec(m.TensorSpec([], m.int64), [2]),
]


@pytest.mark.parametrize("k", range(len(SPECS)))
def test_spec_repr(k):
    g, t = both(lambda m: repr(SPECS[k](m)))
    assert g == t


PAIRS = [   # (a, b): is_compatible_with, most_specific_compatible_type, ==, is_subtype_of
    (lambda m: m.TensorSpec([2, None]), lambda m: m.TensorSpec([2, 3])),
    (lambda m: m.TensorSpec([2, None]), lambda m: m.TensorSpec([3, 3])),
    (lambda m: m.TensorSpec([2, None], name="x"), lambda m: m.TensorSpec([2, 3])),
    (lambda m: m.TensorSpec([2, None], name="x"), lambda m: m.TensorSpec([2, 3], name="x")),
    (lambda m: m.TensorSpec([2, 3]), lambda m: m.TensorSpec([2, None], name="a")),
    (lambda m: m.TensorSpec([2]), lambda m: m.TensorSpec([2], m.int32)),
    (lambda m: m.TensorSpec([2]), lambda m: m.TensorSpec([2, 3, 4])),
    (lambda m: m.TensorSpec([2]), lambda m: m.SparseTensorSpec([2])),
    (lambda m: m.SparseTensorSpec([2, 3]), lambda m: m.SparseTensorSpec([None, 3])),
    (lambda m: m.SparseTensorSpec([2, 3]), lambda m: m.SparseTensorSpec([4, 3])),
    (lambda m: m.SparseTensorSpec([2, 3]), lambda m: m.SparseTensorSpec([2, 3], m.int32)),
    (lambda m: m.RaggedTensorSpec([2, None], m.int32),
     lambda m: m.RaggedTensorSpec([3, None], m.int32)),
    (lambda m: m.RaggedTensorSpec([2, None, 4], m.int32, 1),
     lambda m: m.RaggedTensorSpec([3, None, 5], m.int32, 2)),
    (lambda m: m.RaggedTensorSpec([2, None], m.int32),
     lambda m: m.RaggedTensorSpec([2, None], m.int32, row_splits_dtype=m.int32)),
    (lambda m: m.OptionalSpec(m.TensorSpec([2])), lambda m: m.OptionalSpec(m.TensorSpec([3]))),
    (lambda m: m.data.DatasetSpec(m.TensorSpec([2])),
     lambda m: m.data.DatasetSpec(m.TensorSpec([None]))),
    (lambda m: m.TensorArraySpec([2], m.int32), lambda m: m.TensorArraySpec([None], m.int32)),
]


def _answers(m, a, b):
    x, y = a(m), b(m)
    try:
        common = repr(x.most_specific_compatible_type(y))
    except ValueError:
        common = "ValueError"
    return (x.is_compatible_with(y), common, x == y, x != y, x.is_subtype_of(y),
            repr(x.most_specific_common_supertype([y])), hash(x) == hash(y))


@pytest.mark.parametrize("k", range(len(PAIRS)))
def test_spec_pairs(k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g, t = both(lambda m: _answers(m, *PAIRS[k]))
    assert g == t


def test_spec_errors_and_constructors():
    def build(m):
        out = []
        for f in (lambda: m.RaggedTensorSpec(), lambda: m.RaggedTensorSpec([2, None], m.int32, 2),
                  lambda: m.TensorSpec([2.5]), lambda: m.TensorSpec.from_tensor(np.zeros(3))):
            try:
                f()
                out.append(None)
            except (TypeError, ValueError) as e:
                out.append((type(e).__name__, str(e)))
        t = m.placeholder(m.float32, [None, 3], name="ph")
        out += [repr(m.TensorSpec.from_tensor(t)), repr(m.TensorSpec.from_tensor(t, name="n")),
                repr(m.TensorSpec.from_spec(m.TensorSpec([2], name="x"))),
                repr(m.TensorSpec.from_spec(m.TensorSpec([2], name="x"), name="y")),
                m.TensorSpec([2]).is_compatible_with(t), m.TensorSpec([None, 3]).is_compatible_with(t),
                m.TensorSpec([2, 3]).is_compatible_with(np.zeros((2, 3), np.float32)),
                m.TensorSpec([]).is_compatible_with(3.0),
                m.SparseTensorSpec([2, 3]).is_compatible_with(3)]
        return out
    g, t = both(build)
    assert g == t


def test_type_spec_from_value():
    def build(m):
        t = m.placeholder(m.float32, [2, 3], name="ph")
        values = [t, np.zeros(3), 3, 2.5, True, "a", np.array([b"x", b"y"]), None,
                  m.SparseTensor([[0, 0]], [1.0], [3, 4]),
                  m.ragged.constant([[1, 2], [3]]),
                  m.ragged.constant([[[1], [2]], [[3]]], ragged_rank=1),
                  m.IndexedSlices(m.zeros([2, 3]), m.constant([0, 1]), m.constant([5, 3])),
                  m.IndexedSlices(m.zeros([2, 3]), m.constant([0, 1])),
                  m.TensorArray(m.float32, size=3, dynamic_size=False),
                  m.data.Dataset.range(3), m.data.Dataset.range(3).batch(2),
                  (t, 1), [t], {"a": t}, object()]
        out = []
        for v in values:
            try:
                out.append(repr(m.type_spec_from_value(v)).replace("DatasetSpecV1", "DatasetSpec"))
            except TypeError as e:
                out.append(("TypeError", str(e)[:25]))
        return out
    g, t = both(build)
    assert g == t


# ---- element_spec --------------------------------------------------------------------------
P = collections.namedtuple("P", "x y")
DATASETS = [
    lambda m: m.data.Dataset.from_tensor_slices(
        (np.zeros((4, 3), np.float32), {"b": np.arange(4), "a": np.ones(4, np.int32)})),
    lambda m: m.data.Dataset.from_tensors(P(1, 2.0)).repeat(3).batch(2),
    lambda m: m.data.Dataset.range(10).batch(4, drop_remainder=True).map(lambda x: (x, x * 2)),
    lambda m: m.data.Dataset.from_tensors(m.SparseTensor([[0, 0]], [1.0], [3, 4])),
    lambda m: m.data.Dataset.from_tensors(m.SparseTensor([[0, 0]], [1.0], [3, 4])).batch(2),
    lambda m: m.data.Dataset.zip((m.data.Dataset.range(2),
                                  m.data.Dataset.from_tensors(m.SparseTensor([[0]], [1], [3])))),
    lambda m: m.data.Dataset.range(5).window(2),
    lambda m: m.data.Dataset.zip((m.data.Dataset.range(5),
                                  {"y": m.data.Dataset.range(5)})).window(2, 1),
    lambda m: m.data.Dataset.from_generator(
        lambda: iter([[1]]), output_signature=(m.TensorSpec([None], m.int32),
                                               {"a": m.TensorSpec([], m.string)})),
    lambda m: m.data.Dataset.from_generator(lambda: iter([1]), m.int64, []),
]


@pytest.mark.parametrize("k", range(len(DATASETS)))
def test_element_spec(k):
    def build(m):
        ds = DATASETS[k](m)
        return (spec_key(ds.element_spec), spec_key(m.data.experimental.get_structure(ds)),
                spec_key(m.data.DatasetSpec.from_value(ds).element_spec))
    g, t = both(build)
    assert g == t


def test_output_types_of_windows_and_iterator_spec():
    def build(m):
        w = m.data.Dataset.from_tensor_slices({"a": np.zeros(3)}).window(2)
        it = m.data.make_one_shot_iterator(m.data.Dataset.range(3).map(lambda x: (x, [x])))
        return (spec_key(m.data.get_output_types(w)), spec_key(m.data.get_output_shapes(w)),
                spec_key(m.data.get_output_classes(w)), spec_key(it.element_spec))
    g, t = both(build)
    assert g == t


# ---- Options -------------------------------------------------------------------------------
def test_options():
    def build(m):
        o = m.data.Options()
        out = [o.deterministic, o.threading.private_threadpool_size, o.experimental_slack,
               o.autotune.enabled, o.experimental_optimization.map_fusion,
               o.experimental_distribute.auto_shard_policy.name,
               o.experimental_threading is o.threading, o == m.data.Options()]
        for name, value in (("foo", 1), ("deterministic", 3), ("threading", 3),
                            ("experimental_slack", 1)):
            try:
                setattr(o, name, value)
            except (AttributeError, TypeError) as e:
                out.append((type(e).__name__, str(e).split(" <class")[0]))
        try:
            o.threading.private_threadpool_size = 2.0
        except TypeError as e:
            out.append(str(e).split(" <class")[0])
        o1, o2 = m.data.Options(), m.data.Options()
        o1.deterministic = False
        o2.deterministic = True
        o2.threading.private_threadpool_size = 3
        out += [o1.merge(o2).deterministic, o2.merge(o1).deterministic,
                o1.merge(o2).threading.private_threadpool_size, o1 == o2]
        D = m.data.Dataset
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a, b = D.range(3).with_options(o1), D.range(3).with_options(o2)
            out += [a.with_options(o2).options().deterministic,
                    b.with_options(o1).options().deterministic,
                    D.zip((a, b)).options().deterministic, D.zip((b, a)).options().deterministic,
                    a.map(lambda x: x).options().deterministic,
                    b.batch(2).options().threading.private_threadpool_size,
                    D.range(3).options() == m.data.Options(),
                    elements(m, b.with_options(o1))]
        return out
    g, t = both(build)
    assert g == t


# ---- from_generator(output_signature) ------------------------------------------------------
def test_from_generator_signature_values_and_errors():
    def build(m):
        D = m.data.Dataset
        sig = (m.TensorSpec([None], m.int32), {"a": m.TensorSpec([], m.float32)})
        g = D.from_generator(lambda: iter([([1, 2], {"a": 1.5}), ([3], {"a": 2})]),
                             output_signature=sig)
        out = [elements(m, g)]
        for kwargs in ({"output_types": m.int32, "output_signature": m.TensorSpec([])},
                       {"output_shapes": [], "output_signature": m.TensorSpec([])},
                       {}, {"output_signature": m.int32}):
            try:
                D.from_generator(lambda: iter([1]), **kwargs)
            except TypeError as e:
                out.append(str(e).split(" <class")[0])
        return out
    g, t = both(build)
    assert g == t


# ---- window ----------------------------------------------------------------------------------
WINDOWS = [(3,), (3, 2), (3, 2, 2), (2, 3), (3, 1, 3), (3, None, 1, True), (3, 2, 2, True),
           (4, 1, 1, True), (2, 5), (1,), (8,), (8, 1, 1, True)]


@pytest.mark.parametrize("args", WINDOWS)
def test_window_elements(args):
    def build(m):
        ds = m.data.Dataset.range(7).window(*args).flat_map(lambda w: w.batch(10))
        return elements(m, ds)
    g, t = both(build)
    assert g == t


def test_window_structures_interleave_and_tensor_args():
    def build(m):
        D = m.data.Dataset
        z = D.zip((D.range(5), {"y": D.range(5).map(lambda x: x * 10)})).window(2)
        a = elements(m, z.flat_map(lambda a, d: D.zip((a.batch(2), d["y"]))))
        b = elements(m, D.range(6).window(3).interleave(lambda w: w.map(lambda x: -x),
                                                        cycle_length=2, block_length=2))
        n = m.placeholder(m.int64, [])
        ds = D.range(6).window(n, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(n))
        c = elements(m, ds, {n: 4})
        try:
            elements(m, ds, {n: 0})
            d = None
        except m.errors.InvalidArgumentError as e:
            d = "Window size must be greater than zero." in str(e)
        ragged = D.range(1, 4).map(lambda x: m.fill([x], x)).window(2).flat_map(
            lambda w: w.padded_batch(2, padded_shapes=[None]))
        return a, b, c, d, elements(m, ragged)
    g, t = both(build)
    assert g == t


# ---- cache(filename) -------------------------------------------------------------------------
def test_file_cache_behaviour(tmp_path):
    def build(m):
        f = str(tmp_path / m.__name__.split(".")[0])
        x = m.placeholder(m.int64, [None])
        ds = m.data.Dataset.from_tensor_slices((x, m.as_string(x))).cache(f)
        it = m.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        out = []

        def drain(sess):
            got = []
            while True:
                try:
                    got.append(sess.run(nxt))
                except m.errors.OutOfRangeError:
                    return [(int(a), bytes(b)) for a, b in got]
        with m.Session() as sess:
            sess.run(it.initializer, {x: [1, 2, 3]})
            sess.run(nxt)                               # unfinished: not kept
            sess.run(it.initializer, {x: [7, 8]})
            out.append(drain(sess))
            sess.run(it.initializer, {x: [9]})
            out.append(drain(sess))
        other = m.data.Dataset.from_tensor_slices((np.zeros(2), np.array([b"a", b"b"])))
        try:
            elements(m, other.cache(f))
        except m.errors.InvalidArgumentError as e:
            out.append("Data type mismatch at component 0: expected double but got int64."
                       in str(e))
        rep = m.data.Dataset.range(3).cache(f + "r").repeat(2)
        out.append(elements(m, rep))
        try:
            elements(m, m.data.Dataset.range(3).cache(str(tmp_path / "no" / "c")))
        except m.errors.NotFoundError as e:
            out.append("No such file or directory" in str(e))
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g, t = both(build)
    assert g == t
    assert os.path.exists(str(tmp_path / "graphc.graphc-cache"))
