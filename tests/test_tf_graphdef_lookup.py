"""Lookup tables in TF GraphDefs: TF's serving graph with vocabulary tables
(tests/data/make_tf_lookup.py: HashTableV2, MutableHashTable(OfTensors)V2, text-file
and key-value initializers, find/size/insert/export) imports and gives TF's values;
graphc's tables export to TF's ops (TF ran the export in
test_tf_parity_tf_graphdef_lookup.py) and import back. No TensorFlow needed."""

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from graphc.io.tf_graphdef import AttrValue, GraphDef, NodeDef
from graphc.io.tf_graphdef_functiondef import parse_function_def
from graphc.io.tf_graphdef_import import UnsupportedOpError

make = tf_fixtures.data_module("make_tf_lookup")
FETCHES = ["ids", "ids_size", "counts", "score", "names", "seen", "seen_size", "seen_keys",
           "seen_values", "emb"]


@pytest.fixture
def fixture(tmp_path):
    """(GraphDef, npz, input_map of the asset paths to copies of the files here)."""
    gd, d = tf_fixtures.load("tf_", "lookup")
    files = {"vocab.txt": d["vocab"], "counts.txt": d["counts"]}
    assets = {}
    for key in d:
        if key.startswith("asset:"):
            path = tmp_path / str(d[key])
            path.write_text("".join(f"{line}\n" for line in files[str(d[key])]))
            assets[key[6:] + ":0"] = str(path)
    return gd, d, assets


def _run(feed, prefix=""):
    """Run the tables' init and insert ops, then the fetches (the export sorted)."""
    with gc.Session() as sess:
        sess.run(prefix + "init")
        sess.run(prefix + "insert", {prefix + "words:0": feed})
        out = dict(zip(FETCHES, sess.run([prefix + f + ":0" for f in FETCHES],
                                         {prefix + "words:0": feed})))
    order = np.argsort(out["seen_keys"])
    out["seen_keys"], out["seen_values"] = out["seen_keys"][order], out["seen_values"][order]
    return out


def _check(out, d):
    for k in FETCHES:
        want = d["out:" + k]
        got = out[k].astype("S") if out[k].dtype == object else out[k]
        assert got.shape == want.shape, k
        np.testing.assert_array_equal(got, want, err_msg=k)
        if want.dtype.kind != "S":
            assert out[k].dtype == want.dtype, k


def _feed(d):
    return d["feed"].astype(object)


def test_tf_serving_graph_with_tables_imports_and_gives_tf_values(fixture):
    gd, d, assets = fixture
    ops = {nd.op for nd in gd.node}
    assert {"HashTableV2", "MutableHashTableV2", "MutableHashTableOfTensorsV2",
            "InitializeTableFromTextFileV2", "LookupTableImportV2", "InitializeTableV2",
            "LookupTableFindV2", "LookupTableSizeV2", "LookupTableInsertV2",
            "LookupTableExportV2"} <= ops
    with gc.Graph().as_default() as g:
        gc.import_graph_def(gd, input_map={k: gc.constant(v) for k, v in assets.items()},
                            name="")
        assert g.get_operation_by_name("rev").type == "TableHandle"
        _check(_run(_feed(d)), d)


def test_tables_before_init_fail_as_in_tf(fixture):
    gd, d, assets = fixture
    with gc.Graph().as_default():
        gc.import_graph_def(gd, input_map={k: gc.constant(v) for k, v in assets.items()},
                            name="")
        with gc.Session() as sess:
            with pytest.raises(gc.errors.FailedPreconditionError, match="not initialized"):
                sess.run("ids:0", {"words:0": _feed(d)})
            assert sess.run("seen_size:0") == 0         # a mutable table starts empty


def _build_graphc(vocab_path, counts_path):
    """make_tf_lookup.build, written once for both libraries, with graphc."""
    make.build(gc, vocab_path, counts_path)


def test_graphc_tables_export_to_tf_ops_and_import_back(fixture):
    _, d, assets = fixture
    with gc.Graph().as_default() as g:
        _build_graphc(assets["vocab/asset_path:0"], assets["counts_table/asset_path:0"])
        _check(_run(_feed(d)), d)                   # graphc's own tables: TF's values
        gd = gc.io.export_tf_graph_def(g)
    by_name = {nd.name: nd for nd in gd.node}
    # a table node per table, named as the table, its shared_name the table's name
    assert by_name["vocab/hash_table"].op == "HashTableV2"
    assert by_name["rev"].attr["shared_name"].s == b"rev"
    assert by_name["seen_table"].op == "MutableHashTableV2"
    assert by_name["emb_table"].op == "MutableHashTableOfTensorsV2"
    finds = [nd for nd in gd.node if nd.op == "LookupTableFindV2"]
    assert len(finds) == 6 and all(by_name[nd.input[0]].op.endswith("TableV2")
                                   or by_name[nd.input[0]].op.endswith("TensorsV2")
                                   for nd in finds)
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="im")
        _check(_run(_feed(d), prefix="im/"), d)


def test_tables_shared_by_name_share_contents():
    """TF keys a table by its shared_name: two handles of one name are one table (TF's
    two text-file tables of one vocabulary are)."""
    with gc.Graph().as_default():
        a = gc.raw_ops.HashTableV2(key_dtype=gc.string, value_dtype=gc.int64,
                                   shared_name="vocab")
        b = gc.raw_ops.HashTableV2(key_dtype=gc.string, value_dtype=gc.int64,
                                   shared_name="vocab")
        c = gc.raw_ops.HashTableV2(key_dtype=gc.string, value_dtype=gc.int64)
        init = gc.raw_ops.InitializeTableV2(table_handle=a, keys=["x", "y"],
                                            values=gc.constant([1, 2], gc.int64))
        find_b = gc.raw_ops.LookupTableFindV2(table_handle=b, keys=["y"],
                                              default_value=gc.constant(-1, gc.int64))
        size_c = gc.raw_ops.LookupTableSizeV2(table_handle=c)
        with gc.Session() as sess:
            sess.run(init)
            assert sess.run(find_b).tolist() == [2]
            with pytest.raises(gc.errors.FailedPreconditionError):
                sess.run(size_c)                # its own table, never initialized


def test_resource_handle_is_the_table_node():
    with gc.Graph().as_default() as g:
        table = gc.lookup.StaticHashTable(
            gc.lookup.KeyValueTensorInitializer(["a"], gc.constant([4], gc.int64)), -1,
            name="t")
        with gc.control_dependencies([table.initializer]):
            handle = table.resource_handle      # made as if with the table
        assert handle is table.resource_handle and handle.op.name == "t"
        assert not handle.op.control_inputs and handle.dtype == gc.string
        vocab = gc.lookup.StaticVocabularyTable(
            gc.lookup.KeyValueTensorInitializer(["a"], gc.constant([0], gc.int64)), 3)
        assert vocab.resource_handle.op.type == "TableHandle"
        find = gc.raw_ops.LookupTableFindV2(table_handle=handle, keys=["a", "b"],
                                            default_value=gc.constant(-1, gc.int64))
        with gc.Session() as sess:
            sess.run(table.initializer)
            assert sess.run(find).tolist() == [4, -1]
            assert sess.run(handle) == b"t"
        assert {nd.op for nd in gc.io.export_tf_graph_def(g).node} >= {"HashTableV2"}


def _graph_def(*nodes):
    gd = GraphDef()
    gd.node.extend(nodes)
    return gd


STR, I64 = AttrValue(type=7), AttrValue(type=9)


def test_import_refusals_name_the_node():
    p = NodeDef(name="h", op="Placeholder", attr={"dtype": STR})
    k = NodeDef(name="k", op="Placeholder", attr={"dtype": STR})
    dflt = NodeDef(name="d", op="Placeholder", attr={"dtype": I64})
    find = NodeDef(name="find", op="LookupTableFindV2", input=["h", "k", "d"],
                   attr={"Tin": STR, "Tout": I64})
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match="find.*not a table's handle"):
            gc.import_graph_def(_graph_def(p, k, dflt, find), name="")
    table = NodeDef(name="t", op="HashTableV2", attr={
        "key_dtype": STR, "value_dtype": I64, "container": AttrValue(s=b"c")})
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match="'t'.*container='c'"):
            gc.import_graph_def(_graph_def(table), name="")
    mutable = NodeDef(name="m", op="MutableHashTableV2",
                      attr={"key_dtype": STR, "value_dtype": I64})
    init = NodeDef(name="init", op="InitializeTableV2", input=["m", "k", "d"],
                   attr={"Tkey": STR, "Tval": I64})
    with gc.Graph().as_default():       # (a mutable table's LookupTableImportV2 imports)
        with pytest.raises(UnsupportedOpError, match="'init'.*of a mutable table"):
            gc.import_graph_def(_graph_def(mutable, k, dflt, init), name="")


def _lookup_in_cond():
    """A graph looking a table up in both branches of a cond; (fetch, feeds, init)."""
    x = gc.placeholder(gc.string, [None], name="x")
    p = gc.placeholder(gc.bool, [], name="p")
    t = gc.lookup.StaticHashTable(gc.lookup.KeyValueTensorInitializer(
        ["a", "b"], gc.constant([1, 2], gc.int64)), -1, name="tab")
    y = gc.identity(gc.cond(p, lambda: t.lookup(x), lambda: t.lookup(x) * 10), name="y")
    return y, [{"x:0": [b"a", b"c"], "p:0": v} for v in (True, False)], t.initializer


COND_WANT = [[1, -1], [10, -10]]        # TF 2.21's, running the export


def test_a_table_read_in_cond_branches_exports_and_imports_back():
    """A branch function gets its own table node of the table's shared_name (TF shares
    one table between them)."""
    with gc.Graph().as_default() as g:
        y, feeds, init = _lookup_in_cond()
        with gc.Session() as sess:
            sess.run(init)
            assert [sess.run(y, f).tolist() for f in feeds] == COND_WANT
        gd = gc.io.export_tf_graph_def(g)
    bodies = [nd.op for f in gd.library.function for nd in parse_function_def(f).node_def]
    assert bodies.count("HashTableV2") == 2
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            sess.run(init.name)
            assert [sess.run("y:0", f).tolist() for f in feeds] == COND_WANT


def test_keras_preprocessing_ops_replay_tf():
    """DenseBincount and RaggedTensorToTensor (what TF 2's TextVectorization builds):
    a fixture TF wrote (tests/data/make_tf_keras_prep.py) gives TF's outputs."""
    import tf_fixtures
    tf_fixtures.replay(*tf_fixtures.load("tf_", "keras_prep"))
