"""TypeSpecs, Dataset.element_spec, DatasetSpec, Options, from_generator's
output_signature, Dataset.window and the file cache (no TensorFlow needed)."""
import collections
import os
import warnings

import numpy as np
import pytest

import graphc as gc
from graphc.data import Dataset


def drain(sess, nxt, init=None):
    if init is not None:
        sess.run(init)
    out = []
    while True:
        try:
            v = sess.run(nxt)
        except gc.errors.OutOfRangeError:
            return out
        out.append(v.tolist() if isinstance(v, np.ndarray) else v)


def values(ds):
    with gc.Session() as sess:
        return drain(sess, ds.make_one_shot_iterator().get_next())


# ---- TypeSpecs ------------------------------------------------------------------------------
def test_tensor_spec_repr_eq_hash():
    s = gc.TensorSpec([2, None], gc.float32, name="x")
    assert repr(s) == "TensorSpec(shape=(2, None), dtype=tf.float32, name='x')"
    assert repr(gc.TensorSpec(None)) == \
        "TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)"
    assert repr(gc.TensorSpec([3], "int32")) == \
        "TensorSpec(shape=(3,), dtype=tf.int32, name=None)"
    assert s == gc.TensorSpec((2, None), gc.float32, "x")
    assert s != gc.TensorSpec([2, None], gc.float32)            # names count for ==
    assert hash(s) == hash(gc.TensorSpec([2, None], gc.float32))  # not for hash
    assert s.shape == gc.TensorShape([2, None]) and s.dtype is gc.float32 and s.name == "x"
    assert s.value_type is gc.Tensor
    with pytest.raises(TypeError, match="Dimension value must be integer"):
        gc.TensorSpec([2.5])


def test_tensor_spec_compatibility():
    s = gc.TensorSpec([2, None], gc.float32, name="x")
    assert s.is_compatible_with(gc.TensorSpec([2, 3], gc.float32))
    assert s.is_compatible_with(gc.placeholder(gc.float32, [2, 3]))
    assert not s.is_compatible_with(gc.TensorSpec([2, 3], gc.int32))
    assert not s.is_compatible_with(gc.TensorSpec([2, 3, 1], gc.float32))
    assert not s.is_compatible_with(np.zeros((2, 3), np.float32))   # not a Tensor (TF)
    assert not s.is_compatible_with(gc.SparseTensorSpec([2, 3]))
    u = gc.TensorSpec([2, None], gc.float32)
    assert u.most_specific_compatible_type(gc.TensorSpec([3, 3])) == gc.TensorSpec([None, None])
    assert u.most_specific_compatible_type(gc.TensorSpec([2, 3, 4])) == gc.TensorSpec(None)
    with pytest.raises(ValueError, match="No TypeSpec is compatible with both"):
        s.most_specific_compatible_type(gc.TensorSpec([3, 3]))       # names differ
    with pytest.raises(ValueError, match="No TypeSpec is compatible"):
        u.most_specific_compatible_type(gc.TensorSpec([3, 3], gc.int32))
    assert u.most_specific_common_supertype([gc.TensorSpec([2, 4]), gc.TensorSpec([3])]) == \
        gc.TensorSpec(None)
    assert u.most_specific_common_supertype([gc.TensorSpec([2], gc.int32)]) is None
    assert gc.TensorSpec([2, 3]).is_subtype_of(gc.TensorSpec([2, None]))
    assert not gc.TensorSpec([2, None]).is_subtype_of(gc.TensorSpec([2, 3]))


def test_tensor_spec_from_tensor_and_spec():
    t = gc.placeholder(gc.float32, [None, 3], name="ph")
    assert gc.TensorSpec.from_tensor(t) == gc.TensorSpec([None, 3], gc.float32, "ph")
    assert gc.TensorSpec.from_tensor(t, name="n").name == "n"
    with pytest.raises(ValueError, match="should be a tf.Tensor"):
        gc.TensorSpec.from_tensor(np.zeros(3))
    s = gc.TensorSpec([2], gc.int32, "x")
    assert gc.TensorSpec.from_spec(s) == s
    assert gc.TensorSpec.from_spec(s, name="y").name == "y"


def test_composite_specs():
    assert repr(gc.SparseTensorSpec()) == "SparseTensorSpec(TensorShape(None), tf.float32)"
    assert repr(gc.SparseTensorSpec([2, None], gc.int32)) == \
        "SparseTensorSpec(TensorShape([2, None]), tf.int32)"
    sp = gc.SparseTensorSpec([2, 3])
    assert sp.is_compatible_with(gc.SparseTensorSpec([None, 3]))
    assert not sp.is_compatible_with(gc.SparseTensorSpec([None, 3], gc.int32))
    assert sp.most_specific_compatible_type(gc.SparseTensorSpec([4, 3])) == \
        gc.SparseTensorSpec([None, 3])
    r = gc.RaggedTensorSpec([2, None, 3], gc.int32)
    assert repr(r) == "RaggedTensorSpec(TensorShape([2, None, 3]), tf.int32, 2, tf.int64)"
    assert r.ragged_rank == 2 and r.row_splits_dtype is gc.int64
    with pytest.raises(ValueError, match="Must specify ragged_rank"):
        gc.RaggedTensorSpec()
    with pytest.raises(ValueError, match=r"`ragged_rank` \(2\) must be less than rank"):
        gc.RaggedTensorSpec([2, None], gc.int32, 2)
    a, b = gc.RaggedTensorSpec([2, None, 4], gc.int32, 1), gc.RaggedTensorSpec([3, None, 5],
                                                                              gc.int32, 1)
    assert a.most_specific_compatible_type(b) == gc.RaggedTensorSpec([None, None, None],
                                                                     gc.int32, 1)
    assert repr(gc.IndexedSlicesSpec()) == ("IndexedSlicesSpec(TensorShape(None), tf.float32, "
                                            "tf.int64, None, TensorShape([None]))")
    assert repr(gc.TensorArraySpec()) == \
        "TensorArraySpec(TensorShape(None), tf.float32, False, True)"
    assert gc.TensorArraySpec([2], gc.int32).is_compatible_with(gc.TensorArraySpec([None], gc.int32))
    o = gc.OptionalSpec(gc.TensorSpec([2]))
    assert repr(o) == "OptionalSpec(TensorSpec(shape=(2,), dtype=tf.float32, name=None),)"
    assert o.is_compatible_with(gc.OptionalSpec(gc.TensorSpec([None])))
    assert o.most_specific_compatible_type(gc.OptionalSpec(gc.TensorSpec([3]))) == \
        gc.OptionalSpec(gc.TensorSpec([None]))
    n = gc.NoneTensorSpec()
    assert n == gc.NoneTensorSpec() and n.is_compatible_with(None) and repr(n) == "NoneTensorSpec()"


def test_type_spec_from_value():
    f = gc.type_spec_from_value
    t = gc.placeholder(gc.float32, [2, 3], name="ph")
    assert f(t) == gc.TensorSpec([2, 3], gc.float32)          # unnamed, as TF
    assert f(np.zeros(3)) == gc.TensorSpec([3], gc.float64)
    assert f(3) == gc.TensorSpec([], gc.int32) and f("a") == gc.TensorSpec([], gc.string)
    assert f(None) == gc.NoneTensorSpec()
    assert f(gc.SparseTensor([[0, 0]], [1.0], [3, 4])) == gc.SparseTensorSpec([3, 4])
    assert f(gc.ragged.constant([[1, 2], [3]])) == gc.RaggedTensorSpec([2, None], gc.int32, 1)
    s = gc.IndexedSlices(gc.zeros([2, 3]), gc.constant([0, 1]), gc.constant([5, 3]))
    assert f(s) == gc.IndexedSlicesSpec([5, 3], gc.float32, gc.int32, gc.int32, [2])
    assert f(gc.TensorArray(gc.float32, size=3)) == gc.TensorArraySpec(None, gc.float32)
    assert f(Dataset.range(3)) == gc.data.DatasetSpec(gc.TensorSpec([], gc.int64))
    assert f([t, t]) == gc.TensorSpec([2, 2, 3], gc.float32)      # packed, as TF
    for bad in ((t, 1), [t, "a"], {"a": t}, object()):
        with pytest.raises(TypeError, match="Could not build a TypeSpec"):
            f(bad)


# ---- element_spec and DatasetSpec ----------------------------------------------------------
def test_element_spec_structures():
    P = collections.namedtuple("P", "x y")
    ds = Dataset.from_tensor_slices((np.zeros((4, 3), np.float32),
                                     {"b": np.arange(4), "a": np.ones(4, np.int32)}))
    assert ds.element_spec == (gc.TensorSpec([3], gc.float32),
                               {"a": gc.TensorSpec([], gc.int32), "b": gc.TensorSpec([], gc.int64)})
    assert Dataset.from_tensors(P(1, 2.0)).element_spec == \
        P(gc.TensorSpec([], gc.int32), gc.TensorSpec([], gc.float32))
    assert ds.batch(2).element_spec[0] == gc.TensorSpec([None, 3], gc.float32)
    assert ds.batch(2, drop_remainder=True).element_spec[0] == gc.TensorSpec([2, 3], gc.float32)
    it = ds.make_one_shot_iterator()
    assert it.element_spec == ds.element_spec == gc.data.experimental.get_structure(it)
    with pytest.raises(TypeError, match="must be a `tf.data.Dataset`"):
        gc.data.experimental.get_structure(3)


def test_element_spec_sparse():
    sp = gc.SparseTensor([[0, 0]], [1.0], [3, 4])
    ds = Dataset.from_tensors(sp)
    assert ds.element_spec == gc.SparseTensorSpec([3, 4], gc.float32)
    assert ds.repeat(2).element_spec == gc.SparseTensorSpec([3, 4], gc.float32)
    assert ds.batch(2).element_spec == gc.SparseTensorSpec([None, 3, 4], gc.float32)
    z = Dataset.zip((Dataset.range(2), ds))
    assert z.element_spec[1] == gc.SparseTensorSpec([3, 4], gc.float32)


def test_dataset_spec():
    s = gc.data.DatasetSpec(gc.TensorSpec([], gc.int64))
    assert repr(s) == ("DatasetSpec(TensorSpec(shape=(), dtype=tf.int64, name=None), "
                       "TensorShape([]))")
    assert s.element_spec == gc.TensorSpec([], gc.int64) and s.value_type is Dataset
    assert s.is_compatible_with(Dataset.range(3))
    assert not gc.data.DatasetSpec(gc.TensorSpec([2])).is_compatible_with(Dataset.range(3))
    assert gc.data.DatasetSpec(gc.TensorSpec([2])).most_specific_compatible_type(
        gc.data.DatasetSpec(gc.TensorSpec([3]))) == gc.data.DatasetSpec(gc.TensorSpec([None]))
    assert gc.data.DatasetSpec.from_value(Dataset.range(3).batch(2)) == \
        gc.data.DatasetSpec(gc.TensorSpec([None], gc.int64))


# ---- Options ---------------------------------------------------------------------------------
def test_options_attributes_and_errors():
    o = gc.data.Options()
    assert o.deterministic is None and o.threading.private_threadpool_size is None
    assert o.experimental_threading is o.threading
    assert o.experimental_distribute.auto_shard_policy is \
        gc.data.experimental.AutoShardPolicy.AUTO
    assert o == gc.data.Options()
    o.deterministic = False
    assert o != gc.data.Options() and o.experimental_deterministic is False
    with pytest.raises(AttributeError, match="Cannot set the property foo on Options."):
        o.foo = 1
    with pytest.raises(TypeError, match='Property "deterministic" must be of type'):
        o.deterministic = 3
    with pytest.raises(TypeError, match='Property "private_threadpool_size"'):
        o.threading.private_threadpool_size = 2.0
    t = gc.data.ThreadingOptions()
    t.private_threadpool_size = 4
    o.threading = t
    assert o.threading.private_threadpool_size == 4


def test_options_merge_and_with_options():
    o1, o2 = gc.data.Options(), gc.data.Options()
    o1.deterministic = False
    o2.deterministic = True
    o2.threading.private_threadpool_size = 3
    m = o1.merge(o2)
    assert m.deterministic is True and m.threading.private_threadpool_size == 3
    assert o2.merge(o1).deterministic is False and o1.deterministic is False
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ds = Dataset.range(3).with_options(o1)
    assert "have no effect: deterministic=False" in str(w[0].message)
    assert ds.map(lambda x: x).options().deterministic is False
    with pytest.warns(UserWarning):
        both = ds.with_options(o2)
    assert both.options().deterministic is True
    with pytest.warns(UserWarning):
        a, b = Dataset.range(3).with_options(o1), Dataset.range(3).with_options(o2)
    assert Dataset.zip((a, b)).options().deterministic is True       # later input wins
    assert Dataset.zip((b, a)).options().deterministic is False
    assert values(both) == [0, 1, 2]
    assert Dataset.range(3).options() == gc.data.Options()
    d = gc.data.Options()
    d.deterministic = True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Dataset.range(2).with_options(d).options().deterministic is True
    with pytest.raises(TypeError, match="expected a gc.data.Options"):
        Dataset.range(3).with_options(3)


# ---- from_generator(output_signature=...) -------------------------------------------------
def test_from_generator_output_signature():
    g = Dataset.from_generator(lambda: iter([[1, 2], [3]]),
                               output_signature=gc.TensorSpec([None], gc.int32))
    assert g.element_spec == gc.TensorSpec([None], gc.int32)
    assert values(g) == [[1, 2], [3]]
    sig = (gc.TensorSpec([], gc.int64), {"a": gc.TensorSpec([], gc.float32)})
    g = Dataset.from_generator(lambda: iter([(1, {"a": 2.0})]), output_signature=sig)
    assert g.element_spec == sig
    with pytest.raises(TypeError, match="can not be used together"):
        Dataset.from_generator(lambda: iter([1]), gc.int32,
                               output_signature=gc.TensorSpec([], gc.int32))
    with pytest.raises(TypeError, match="either the `output_signature` argument or"):
        Dataset.from_generator(lambda: iter([1]))
    with pytest.raises(TypeError, match="must contain objects that are subclass of"):
        Dataset.from_generator(lambda: iter([1]), output_signature=gc.int32)
    bad = Dataset.from_generator(lambda: iter([[1, 2], [3]]),
                                 output_signature=gc.TensorSpec([2], gc.int32))
    with pytest.raises(Exception, match=r"element of shape \(1,\) where an element of shape"):
        values(bad)


# ---- window ----------------------------------------------------------------------------------
@pytest.mark.parametrize("args,want", [
    ((3,), [[0, 1, 2], [3, 4, 5], [6]]),
    ((3, 2), [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]),
    ((3, 2, 2), [[0, 2, 4], [2, 4, 6], [4, 6], [6]]),
    ((2, 3), [[0, 1], [3, 4], [6]]),
    ((3, 1, 3), [[0, 3, 6], [1, 4], [2, 5], [3, 6], [4], [5], [6]]),
    ((3, None, 1, True), [[0, 1, 2], [3, 4, 5]]),
    ((3, 2, 2, True), [[0, 2, 4], [2, 4, 6]]),
    ((2, 5), [[0, 1], [5, 6]]),
])
def test_window_values(args, want):
    ds = Dataset.range(7).window(*args)
    assert ds.element_spec == gc.data.DatasetSpec(gc.TensorSpec([], gc.int64))
    assert values(ds.flat_map(lambda w: w.batch(10))) == want


def test_window_nested_structures_and_checks():
    z = Dataset.zip((Dataset.range(5), {"y": Dataset.range(5).map(lambda x: x * 10)}))
    w = z.window(2)
    spec = gc.data.DatasetSpec(gc.TensorSpec([], gc.int64))
    assert w.element_spec == (spec, {"y": spec}) and w.output_types == (spec, {"y": spec})
    out = values(w.flat_map(lambda a, d: Dataset.zip((a.batch(2), d["y"].batch(2)))))
    assert [(a.tolist(), b.tolist()) for a, b in out] == \
        [([0, 1], [0, 10]), ([2, 3], [20, 30]), ([4], [40])]
    inter = Dataset.range(6).window(3).interleave(lambda w: w, cycle_length=2)
    assert values(inter) == [0, 3, 1, 4, 2, 5]
    assert values(Dataset.range(2).window(3).flat_map(lambda w: w)) == [0, 1]
    assert values(Dataset.range(0).window(3).flat_map(lambda w: w)) == []
    assert values(Dataset.range(5).window(2).skip(1).take(1).flat_map(lambda w: w)) == [2, 3]
    for bad, match in (((0,), "Window size"), ((2, 0), "Window shift"),
                       ((2, 1, 0), "Window stride")):
        with pytest.raises(ValueError, match=match):
            Dataset.range(3).window(*bad)
    w = Dataset.range(3).window(2)
    with pytest.raises(TypeError, match="are datasets"):
        w.make_one_shot_iterator()
    with pytest.raises(TypeError, match="are datasets"):
        w.map(lambda x: x)
    with pytest.raises(TypeError, match="are datasets"):
        w.batch(2)
    with pytest.raises(TypeError, match="SparseTensor"):
        Dataset.from_tensors(gc.SparseTensor([[0]], [1.0], [2])).window(2)


def test_window_tensor_arguments():
    n = gc.placeholder(gc.int64, [])
    ds = Dataset.range(5).window(n, shift=1, drop_remainder=True).flat_map(
        lambda w: w.batch(n))
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(it.initializer, {n: 4})
        assert drain(sess, nxt) == [[0, 1, 2, 3], [1, 2, 3, 4]]
        with pytest.raises(gc.errors.InvalidArgumentError, match="Window size must be"):
            sess.run(it.initializer, {n: 0})


# ---- cache(filename) -------------------------------------------------------------------------
def test_file_cache_reused_across_passes_and_sessions(tmp_path):
    f = str(tmp_path / "c")
    x = gc.placeholder(gc.int64, [None])
    ds = Dataset.from_tensor_slices((x, gc.as_string(x))).cache(f)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(it.initializer, {x: [1, 2, 3]})
        sess.run(nxt)                                   # an unfinished pass
        sess.run(it.initializer, {x: [7, 8]})           # ... is dropped
        assert [(a, b) for a, b in drain(sess, nxt)] == [(7, b"7"), (8, b"8")]
        assert os.listdir(tmp_path) == ["c.graphc-cache"]
        sess.run(it.initializer, {x: [9]})              # the file, not the input
        assert [(a, b) for a, b in drain(sess, nxt)] == [(7, b"7"), (8, b"8")]
    again = Dataset.from_tensor_slices((np.arange(5), np.array([b"q"] * 5))).cache(f)
    assert [(a, b) for a, b in values(again)] == [(7, b"7"), (8, b"8")]
    other = Dataset.from_tensor_slices(np.array([1.0, 2.0])).cache(f)
    with pytest.raises(gc.errors.InvalidArgumentError, match="Number of components"):
        values(other)
    wrong = Dataset.from_tensor_slices((np.zeros(2), np.array([b"a", b"b"]))).cache(f)
    with pytest.raises(gc.errors.InvalidArgumentError, match="Data type mismatch at "
                                                              "component 0: expected double"):
        values(wrong)


def test_file_cache_repeat_shapes_and_errors(tmp_path):
    f = str(tmp_path / "r")
    ds = Dataset.range(3).map(lambda v: gc.fill([v], gc.cast(v, gc.float32)))
    assert values(ds.cache(f).repeat(2)) == [[], [1.0], [2.0, 2.0]] * 2
    name = gc.placeholder(gc.string, [])
    it = Dataset.range(3).cache(name).make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(it.initializer, {name: str(tmp_path / "fed")})
        assert drain(sess, nxt) == [0, 1, 2]
        assert os.path.exists(str(tmp_path / "fed.graphc-cache"))
        sess.run(it.initializer, {name: f})         # another file: its float elements
        with pytest.raises(gc.errors.InvalidArgumentError, match="Data type mismatch"):
            sess.run(nxt)
    missing = Dataset.range(3).cache(str(tmp_path / "no" / "c"))
    with pytest.raises(gc.errors.NotFoundError, match="No such file or directory"):
        values(missing)
    with open(str(tmp_path / "bad") + ".graphc-cache", "wb") as fh:
        fh.write(b"not a cache\n")
    with pytest.raises(gc.errors.InvalidArgumentError, match="not a graphc dataset cache"):
        values(Dataset.range(3).cache(str(tmp_path / "bad")))
    good = str(tmp_path / "t")
    values(Dataset.range(4).cache(good))
    data = open(good + ".graphc-cache", "rb").read()
    with open(good + ".graphc-cache", "wb") as fh:       # cut off: no END record
        fh.write(data[:-20])
    with pytest.raises(gc.errors.DataLossError, match="truncated"):
        values(Dataset.range(4).cache(good))
    with pytest.raises(TypeError, match="filename must be a string"):
        Dataset.range(3).cache(3)


def test_file_cache_and_options_serialize(tmp_path):
    from graphc.io import serialize
    f = str(tmp_path / "s")
    path = str(tmp_path / "g.json")
    with gc.Graph().as_default():
        o = gc.data.Options()
        o.deterministic = True
        ds = Dataset.range(4).map(lambda x: x * 2).cache(f).with_options(o)
        gc.identity(ds.make_one_shot_iterator().get_next(), name="out")
        serialize.export_meta_graph(path)
    with gc.Graph().as_default() as g:
        serialize.import_meta_graph(path)
        out = g.get_tensor_by_name("out:0")
        with gc.Session() as sess:
            assert drain(sess, out) == [0, 2, 4, 6]
    assert os.path.exists(f + ".graphc-cache")
    with gc.Graph().as_default():
        w = Dataset.range(4).window(2).flat_map(lambda x: x)
        gc.identity(w.make_one_shot_iterator().get_next(), name="out")
        with pytest.raises(Exception, match="window"):
            serialize.export_meta_graph(str(tmp_path / "w.json"))
