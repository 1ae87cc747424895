"""gc.lookup.experimental.DenseHashTable keeps TF's MutableDenseHashTable buckets, so
its export and import are TF's bucket arrays, and it exports to TF GraphDefs as
MutableDenseHashTableV2 and imports back. The expected bucket arrays below are TF
2.21's (tests/test_io23_tf_parity.py runs TF on random sequences of the same ops)."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.io.tf_graphdef import NodeDef
from graphc.io.tf_graphdef_export import attr_value
from graphc.io.tf_graphdef_import import UnsupportedOpError

D = gc.lookup.experimental.DenseHashTable


def _int_table(buckets):
    t = D(gc.int64, gc.int64, -1, empty_key=-1, deleted_key=-2, initial_num_buckets=buckets,
          name="ints")
    k = gc.placeholder(gc.int64, [None], name="k")
    v = gc.placeholder(gc.int64, [None], name="v")
    return t, k, v, t.insert(k, v), t.remove(k), t.export(), t.size(), t.lookup(k)


def test_buckets_probe_grow_and_remove_as_tf():
    with gc.Graph().as_default(), gc.Session() as s:
        t, k, v, ins, rm, ex, size, look = _int_table(4)
        s.run(ins, {k: [3, 7, 11], v: [1, 2, 3]})      # 3 -> 3; 7: 3, 0; 11: 3, 0, 2
        keys, values = s.run(ex)
        assert keys.shape == (4, 1) and values.shape == (4, 1)
        assert keys.ravel().tolist() == [7, -1, 11, 3] and values.ravel().tolist() == [2, 0, 3, 1]
        s.run(rm, {k: [3, 99]})
        # 2 + 2 pending entries > 0.8 * 4 buckets: 8 buckets, the old ones re-inserted
        # in bucket order (deleted_key skipped), then 7 updated and 15 probing past it
        s.run(ins, {k: [7, 15], v: [20, 40]})
        keys, values = s.run(ex)
        assert keys.ravel().tolist() == [15, -1, -1, 11, -1, -1, -1, 7]
        assert values.ravel().tolist() == [40, 0, 0, 3, 0, 0, 0, 20]
        assert s.run(size) == 3
        np.testing.assert_array_equal(s.run(look, {k: [3, 7, 11, 15]}), [-1, 20, 3, 40])


def test_string_keys_hash_as_tf():
    """TF's Hash64 (MurmurHash64A, seed 0xDECAFCAFFE) places string keys."""
    with gc.Graph().as_default(), gc.Session() as s:
        t = D(gc.string, gc.int64, -1, empty_key="", deleted_key="$", initial_num_buckets=16)
        s.run(t.insert(gc.constant([b"a", b"bb", b"hello world!", b"abcdefgh", b"xyz\xc3\xbf"]),
                       gc.constant([1, 2, 3, 4, 5], gc.int64)))
        keys, values = s.run(t.export())
    at = {k: i for i, k in enumerate(keys.ravel().tolist()) if k}
    assert at == {b"bb": 0, b"abcdefgh": 2, b"xyz\xc3\xbf": 3, b"a": 12, b"hello world!": 15}
    assert values.ravel()[[0, 2, 3, 12, 15]].tolist() == [2, 4, 5, 1, 3]


def test_import_takes_bucket_arrays_as_they_are():
    """TF's ImportValues: no rehashing; the entries are the buckets holding neither
    empty_key nor deleted_key. Keys must be [buckets, 1]."""
    with gc.Graph().as_default(), gc.Session() as s:
        t, k, v, ins, rm, ex, size, look = _int_table(4)
        keys = gc.placeholder(gc.int64, [None, 1])
        values = gc.placeholder(gc.int64, [None, 1])
        imp = gc.raw_ops.LookupTableImportV2(table_handle=t.resource_handle, keys=keys,
                                             values=values)
        layout = [[15], [-1], [-2], [11], [-1], [-1], [-1], [7]]
        s.run(imp, {keys: layout, values: [[40], [0], [9], [3], [0], [0], [0], [20]]})
        assert s.run(size) == 3
        np.testing.assert_array_equal(s.run(look, {k: [15, 11, 7, 5]}), [40, 3, 20, -1])
        np.testing.assert_array_equal(s.run(ex)[0], layout)
        with pytest.raises(errors.InvalidArgumentError, match="keys \\[buckets, 1\\]"):
            s.run(imp, {keys: [[1], [2]], values: [[1], [2], [3]]})
    with gc.Graph().as_default():
        t = D(gc.int64, gc.int64, -1, empty_key=-1, deleted_key=-2, initial_num_buckets=4)
        with pytest.raises(ValueError, match="bucket arrays: keys of shape \\[buckets, 1\\]"):
            gc.raw_ops.LookupTableImportV2(table_handle=t.resource_handle,
                                           keys=gc.constant([1, 2], gc.int64),
                                           values=gc.constant([1, 2], gc.int64))


def test_bad_bucket_counts_are_refused():
    with gc.Graph().as_default():
        for n in (3, 12):
            with pytest.raises(ValueError, match="power of 2"):
                D(gc.int64, gc.int64, -1, empty_key=0, deleted_key=-1, initial_num_buckets=n)


def _exported(build):
    """The TF GraphDef of a graph build() makes."""
    with gc.Graph().as_default() as g:
        build()
        gd = gc.io.export_tf_graph_def(g)
    return gd


def test_tf_graphdef_export_and_import_round_trip():
    def build():
        t = D(gc.string, gc.float32, [0.0, -1.0], empty_key="", deleted_key="$",
              initial_num_buckets=8, name="words")
        k = gc.placeholder(gc.string, [None], name="k")
        v = gc.placeholder(gc.float32, [None, 2], name="v")
        t.insert(k, v, name="ins")
        gc.identity(t.lookup(k), name="look")
        keys, values = t.export(name="ex")
        gc.identity(keys, name="keys")
    gd = _exported(build)
    nodes = {nd.name: nd for nd in gd.node}
    table = nodes["words"]
    assert table.op == "MutableDenseHashTableV2"
    assert list(table.input) == ["words/empty_key", "words/deleted_key"]
    assert table.attr["initial_num_buckets"].i == 8
    assert abs(table.attr["max_load_factor"].f - 0.8) < 1e-7
    assert [d.size for d in table.attr["value_shape"].shape.dim] == [2]
    assert nodes["words/deleted_key"].attr["value"].tensor.string_val == [b"$"]
    with gc.Graph().as_default(), gc.Session() as s:
        gc.import_graph_def(gd, name="")
        s.run("ins/LookupTableInsertV2", {"k:0": ["a", "b", "c", "d", "e", "f", "g"],
                                          "v:0": np.arange(14.0).reshape(7, 2)})
        np.testing.assert_array_equal(s.run("look:0", {"k:0": ["g", "q"]}),
                                      [[12, 13], [0, -1]])
        assert s.run("keys:0").shape == (16, 1)             # 7 > 0.8 * 8: doubled
        with pytest.raises(errors.InvalidArgumentError, match="deleted_key as a table key"):
            s.run("look:0", {"k:0": ["$"]})


def test_import_refuses_a_key_that_is_not_a_constant():
    gd = _exported(lambda: D(gc.int64, gc.int64, -1, empty_key=0, deleted_key=-1,
                                  name="t").size())
    gd.node.append(NodeDef(name="e", op="Placeholder", attr={
        "dtype": attr_value(gc.int64)}))
    table = next(nd for nd in gd.node if nd.op == "MutableDenseHashTableV2")
    table.input[0] = "e"
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match="'t'.*empty_key \\(e:0\\) is not a "
                                                     "constant"):
            gc.import_graph_def(gd, name="")
