"""Graphs holding tf.data pipelines and iterators, written as JSON and imported back."""
import collections
import json
import logging
import os
import re

import numpy as np
import pytest

import graphc as gc
from graphc.io import serialize
from graphc.io.serialize import SerializationError

Dataset = gc.data.Dataset


def drain(sess, nxt, init=None, feed=None, limit=1000):
    """The elements `nxt` gives until OutOfRangeError (after running init if given)."""
    if init is not None:
        sess.run(init, feed)
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(nxt))
        except gc.errors.OutOfRangeError:
            return out
    raise AssertionError("no end of sequence")


def same(a, b):
    """Elements (nested tuples/dicts/arrays) equal, dtypes too."""
    fa, fb = gc.nest.flatten(a), gc.nest.flatten(b)
    assert len(fa) == len(fb), (a, b)
    for x, y in zip(fa, fb):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
        np.testing.assert_array_equal(x, y)


def round_trip(tmp_path, names, init=None, feed=None, variables=False, scope=None):
    """The default graph written as a .meta file, imported into a new graph: the
    elements of the imported tensors `names` (by name), their static shapes and dtypes."""
    path = str(tmp_path / "model.meta")
    serialize.export_meta_graph(path)
    with open(path, encoding="utf-8") as f:
        json.load(f)                                    # plain JSON
    with gc.Graph().as_default() as g:
        serialize.import_meta_graph(path, import_scope=scope)
        pre = scope + "/" if scope else ""
        nxt = gc.nest.map_structure(lambda n: g.get_tensor_by_name(pre + n), names)
        with gc.Session() as sess:
            if variables:
                sess.run(gc.global_variables_initializer())
            op = g.get_operation_by_name(pre + init) if init else None
            feed = {g.get_tensor_by_name(pre + k): v for k, v in (feed or {}).items()}
            return drain(sess, nxt, op, feed), nxt


def test_map_filter_shuffle_repeat_batch_with_a_captured_variable(tmp_path):
    x = np.arange(10, dtype=np.float32)
    scale = gc.Variable(2.0, name="scale")
    ds = (Dataset.from_tensor_slices((x, x.astype(np.int64)))
          .map(lambda a, b: (a * scale, b))
          .filter(lambda a, b: gc.equal(b % 2, 0))
          .shuffle(4, seed=3).repeat(2).batch(3))
    it = ds.make_initializable_iterator()
    a, b = it.get_next()
    with gc.Session() as sess:
        sess.run(scale.initializer)
        want = drain(sess, (a, b), it.initializer)
    got, (ga, gb) = round_trip(tmp_path, (a.name, b.name), it.initializer.name,
                               variables=True)
    assert len(want) == 4
    same(got, want)
    assert (ga.shape.as_list(), ga.dtype, gb.shape.as_list(), gb.dtype) == (
        [None], gc.float32, [None], gc.int64)


def test_sources_zip_concatenate_take_skip_prefetch_one_shot(tmp_path):
    Point = collections.namedtuple("Point", "x y")
    left = Dataset.from_tensor_slices(Point(np.arange(6, dtype=np.int32),
                                            np.arange(6, dtype=np.float64) / 2))
    right = Dataset.range(2, 20, 3).concatenate(Dataset.range(3)).skip(1).take(5)
    ds = Dataset.zip({"p": left, "r": right, "t": Dataset.from_tensors([7, 8]).repeat()})
    nxt = ds.prefetch(2).make_one_shot_iterator().get_next()
    names = gc.nest.map_structure(lambda t: t.name, nxt)
    with gc.Session() as sess:
        want = drain(sess, nxt)
    got, tensors = round_trip(tmp_path, names)
    assert len(want) == 5
    same(got, want)
    assert type(got[0]["p"]).__name__ == "Point" and got[0]["p"]._fields == ("x", "y")
    assert [int(e["r"]) for e in got] == [5, 8, 11, 14, 17]


def test_placeholders_are_fed_to_the_imported_initializer(tmp_path):
    feats = gc.placeholder(gc.float32, (None, 2), name="feats")
    n = gc.placeholder(gc.int64, (), name="n")
    ds = Dataset.from_tensor_slices(feats).map(lambda f: gc.reduce_sum(f) + 1.0)
    ds = ds.concatenate(Dataset.from_tensors(gc.cast(n, gc.float32)))
    it = gc.data.make_initializable_iterator(ds)
    y = it.get_next(name="y")
    data = np.arange(8, dtype=np.float32).reshape(4, 2)
    for scope in (None, "copy"):
        got, _ = round_trip(tmp_path, "y:0", "MakeIterator",
                            feed={"feats:0": data, "n:0": 9}, scope=scope)
        assert [float(v) for v in got] == [2.0, 6.0, 10.0, 14.0, 9.0]


def test_a_map_function_with_cond_and_while_loop_inside(tmp_path):
    def f(v):
        doubled = gc.cond(v > 2, lambda: v * 10, lambda: v)
        _, total = gc.while_loop(lambda i, s: i < v, lambda i, s: (i + 1, s + i),
                                 (gc.constant(0, gc.int64), gc.constant(0, gc.int64)))
        return {"d": doubled, "sum": total}

    nxt = Dataset.range(6).map(f).make_one_shot_iterator().get_next()
    names = {k: t.name for k, t in nxt.items()}
    with gc.Session() as sess:
        want = drain(sess, nxt)
    got, _ = round_trip(tmp_path, names)
    same(got, want)
    assert [int(e["d"]) for e in got] == [0, 1, 2, 30, 40, 50]


def test_two_get_next_ops_of_one_iterator_share_its_pipeline(tmp_path):
    it = Dataset.range(10).make_initializable_iterator()
    a, b = it.get_next(name="a"), it.get_next(name="b")
    it2 = Dataset.range(100, 103).make_one_shot_iterator()
    c, d = it2.get_next(name="c"), it2.get_next(name="d")
    serialize.export_meta_graph(str(tmp_path / "m.meta"))
    with gc.Graph().as_default() as g:
        serialize.import_meta_graph(str(tmp_path / "m.meta"))
        ta, tb, tc, td = (g.get_tensor_by_name(f"{n}:0") for n in "abcd")
        with gc.Session() as sess:
            sess.run(g.get_operation_by_name("MakeIterator"))
            assert sess.run([ta, tb]) in ([0, 1], [1, 0])
            assert [int(sess.run(t)) for t in (ta, tb, ta)] == [2, 3, 4]
            assert [int(sess.run(t)) for t in (tc, td, tc)] == [100, 101, 102]
            with pytest.raises(gc.errors.OutOfRangeError):
                sess.run(td)


def test_sparse_elements_and_unseeded_shuffle(tmp_path):
    sp = gc.SparseTensor([[0, 1]], np.array([5.0], np.float32), [2, 3])
    nxt = Dataset.from_tensors(sp).repeat(2).batch(2).make_one_shot_iterator().get_next()
    order = Dataset.range(8).shuffle(8).make_one_shot_iterator().get_next(name="order")
    with gc.Session() as sess:
        want = sess.run(nxt)
    path = serialize.write_graph(gc.get_default_graph(), str(tmp_path), "g.json")
    with gc.Graph().as_default():
        parts = [f"{t.name}" for t in nxt._as_parts()]
        got_parts = gc.import_graph_def(path, return_elements=parts + ["order:0"], name="")
        with gc.Session() as sess:
            got = sess.run(got_parts[:3])
            perm = drain(sess, got_parts[3])
    np.testing.assert_array_equal(got[0], want.indices)
    np.testing.assert_array_equal(got[1], want.values)
    np.testing.assert_array_equal(got[2], want.dense_shape)
    assert sorted(int(v) for v in perm) == list(range(8))


def test_file_datasets_with_fixed_and_fed_filenames(tmp_path):
    paths = []
    for k in range(2):
        p = str(tmp_path / f"r{k}.tfrecord")
        with gc.python_io.TFRecordWriter(p) as w:
            for i in range(3):
                w.write(f"rec{k}{i}".encode())
        paths.append(p)
    text = tmp_path / "t.txt"
    text.write_bytes(b"alpha\r\nbeta\ngamma")
    fixed = tmp_path / "f.bin"
    fixed.write_bytes(b"HDR" + b"abcdefgh" + b"F")
    files = gc.placeholder(gc.string, (None,), name="files")
    ds = Dataset.zip((gc.data.TFRecordDataset(files, num_parallel_reads=2),
                      gc.data.TextLineDataset(str(text)).repeat(),
                      gc.data.FixedLengthRecordDataset([str(fixed)], 2, header_bytes=3,
                                                       footer_bytes=1).repeat()))
    it = ds.make_initializable_iterator()
    names = [t.name for t in it.get_next()]
    with gc.Session() as sess:
        want = drain(sess, it.get_next(), it.initializer, {files: paths})
    got, _ = round_trip(tmp_path, names, it.initializer.name, feed={"files:0": paths})
    same(got, want)
    assert [e[0] for e in got] == [b"rec00", b"rec10", b"rec01", b"rec11", b"rec02",
                                   b"rec12"]
    assert [e[1] for e in got[:4]] == [b"alpha", b"beta", b"gamma", b"alpha"]
    assert [e[2] for e in got[:5]] == [b"ab", b"cd", b"ef", b"gh", b"ab"]


def test_a_seeded_shuffle_keeps_its_order_under_a_graph_seed(tmp_path):
    gc.set_random_seed(7)
    ds = Dataset.range(20).shuffle(5).repeat(2)       # op seed from the graph seed
    nxt = ds.make_one_shot_iterator().get_next(name="e")
    with gc.Session() as sess:
        want = drain(sess, nxt)
    got, _ = round_trip(tmp_path, "e:0")
    assert [int(v) for v in got] == [int(v) for v in want]
    assert [int(v) for v in got[:20]] != [int(v) for v in got[20:]]   # reshuffled


def test_the_json_holds_no_python_objects(tmp_path):
    ds = Dataset.from_tensor_slices(np.arange(3)).map(lambda v: v * 2)
    ds.make_one_shot_iterator().get_next()
    text = json.dumps(gc.get_default_graph().as_graph_def())
    assert '"iterator"' in text and "pickle" not in text.lower()
    handle = json.loads(text)["nodes"][-1]["attrs"]["handle"][1]
    assert [d["kind"] for d in handle["datasets"]] == ["_Slices", "_Map"]


def test_saver_and_monitored_session_write_graphs_with_iterators(tmp_path, caplog):
    x = Dataset.from_tensor_slices(np.arange(4, dtype=np.float32)).repeat()
    x = x.make_one_shot_iterator().get_next(name="x")
    w = gc.Variable(0.0, name="w")
    step = gc.train.get_or_create_global_step()
    train = gc.group(gc.assign_add(w, x), gc.assign_add(step, 1))
    d = str(tmp_path / "ckpt")
    with caplog.at_level("WARNING", logger="graphc"):
        with gc.train.MonitoredTrainingSession(
                checkpoint_dir=d, hooks=[gc.train.StopAtStepHook(last_step=3)]) as sess:
            while not sess.should_stop():
                sess.run(train)
    assert "not written" not in caplog.text
    assert {"graph.pbtxt", "model.ckpt-3.meta"} <= set(os.listdir(d))
    prefix = gc.train.latest_checkpoint(d)
    with gc.Graph().as_default() as g:
        saver = serialize.import_meta_graph(prefix + ".meta")
        with gc.Session() as sess:
            saver.restore(sess, prefix)
            assert sess.run(g.get_tensor_by_name("w:0")) == 3.0       # 0 + 1 + 2
            assert [float(sess.run(g.get_tensor_by_name("x:0"))) for _ in range(5)] == [
                0.0, 1.0, 2.0, 3.0, 0.0]
    with gc.Graph().as_default():
        gc.import_graph_def(os.path.join(d, "graph.pbtxt"))


def test_py_func_in_a_map_function_is_refused_naming_the_node(tmp_path, caplog):
    ds = Dataset.range(3).map(lambda v: gc.py_func(lambda a: a * 2, [v], gc.int64))
    ds.make_one_shot_iterator().get_next()
    with pytest.raises(SerializationError, match=r"cannot serialize PyFunc '.*' created at "
                       r".*test_data_serialize.py:\d+: its attr .*a Python callable"):
        serialize.export_meta_graph()
    v = gc.Variable(1.0, name="v")
    with gc.Session() as sess:
        sess.run(v.initializer)
        with caplog.at_level(logging.WARNING, logger="graphc"):
            path = gc.train.Saver([v]).save(sess, str(tmp_path / "m"))
    assert "m.meta not written" in caplog.text and not os.path.exists(path + ".meta")


def test_a_dataset_graphc_cannot_write_is_refused_naming_node_and_sites():
    class Mine(Dataset):            # e.g. one holding Python state
        def __init__(self):
            super().__init__(None, [gc.int64], [()])

        def _iter(self, run):
            yield [np.int64(1)]

    Mine().map(lambda v: v + 1).make_one_shot_iterator().get_next(name="nx")
    with pytest.raises(SerializationError) as e:
        gc.get_default_graph().as_graph_def()
    msg = str(e.value)
    assert "cannot serialize IteratorGetNext 'nx' created at " in msg
    assert "holds a Mine, which graphc cannot write" in msg
    assert msg.count("test_data_serialize.py:") == 3     # node, iterator, dataset sites


def test_the_docs_example_runs(capsys):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = open(os.path.join(root, "docs", "serialization.md"), encoding="utf-8").read()
    code, = re.findall(r"```py\n(.*?)```", text, re.S)
    with gc.Graph().as_default():
        exec(compile(code, "serialization.md", "exec"), {"__name__": "__main__"})
    shown = re.findall(r"# (\[.*)$", code, re.M)
    assert capsys.readouterr().out.splitlines() == shown


def test_from_generator_yields_checked_elements():
    def gen(n, tag):
        for i in range(n):
            yield {"i": i, "row": [1.0] * i, "tag": tag}

    types = {"i": gc.int64, "row": gc.float32, "tag": gc.string}
    ds = Dataset.from_generator(gen, types, {"i": (), "row": [None], "tag": ()},
                                args=(gc.constant(3), "t"))
    assert ds.output_shapes["row"].as_list() == [None] and ds.output_types == types
    nxt = ds.repeat(2).make_one_shot_iterator().get_next()
    with gc.Session() as sess:
        got = drain(sess, nxt)
    assert [(int(e["i"]), e["row"].tolist(), e["tag"]) for e in got[:3]] == [
        (0, [], b"t"), (1, [1.0], b"t"), (2, [1.0, 1.0], b"t")]
    assert len(got) == 6 and got[1]["row"].dtype == np.float32


@pytest.mark.parametrize("yielded, types, shapes, message", [
    (1.5, gc.int64, None, "did not match the expected structure. The expected structure "
                          "was int64, but the yielded element was 1.5"),
    ("abc", gc.int32, None, "yielded element was 'abc'"),
    ([1, 2, 3], gc.int32, [2], "yielded an element of shape (3,) where an element of "
                               "shape (2,) was expected"),
    (5, (gc.int32, gc.string), None, "The expected structure was (gc.int32, gc.string), "
                                     "but the yielded element was 5"),
])
def test_from_generator_refuses_what_tf_refuses(yielded, types, shapes, message):
    nxt = Dataset.from_generator(lambda: iter([yielded]), types, shapes)
    nxt = nxt.make_one_shot_iterator().get_next()
    with gc.Session() as sess:
        with pytest.raises(gc.errors.InvalidArgumentError) as e:
            sess.run(nxt)
    assert message in str(e.value)


def test_from_generator_is_refused_by_the_serializer_and_the_saver(tmp_path, caplog):
    ds = Dataset.from_generator(lambda: iter(range(3)), gc.int64).map(lambda v: v * 2)
    ds.make_one_shot_iterator().get_next(name="gen_next")
    line = test_from_generator_is_refused_by_the_serializer_and_the_saver.__code__
    with pytest.raises(SerializationError) as e:
        serialize.export_meta_graph()
    msg = str(e.value)
    assert "cannot serialize IteratorGetNext 'gen_next' created at " in msg
    assert "holds a Dataset.from_generator (its generator is Python code)" in msg
    assert f"test_data_serialize.py:{line.co_firstlineno + 1}" in msg   # where it was built
    v = gc.Variable(1.0, name="v")
    with gc.Session() as sess:
        sess.run(v.initializer)
        with caplog.at_level(logging.WARNING, logger="graphc"):
            path = gc.train.Saver([v]).save(sess, str(tmp_path / "m"))
        assert "m.meta not written" in caplog.text and "from_generator" in caplog.text
    assert os.path.exists(path + ".npz") and not os.path.exists(path + ".meta")
