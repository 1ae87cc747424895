"""gc.summary: summary ops, FileWriter and summary_iterator; the event-file format
checked byte by byte against known vectors and, where TensorFlow is installed, against
TensorFlow's own reader and ops."""
import bisect
import glob
import importlib.util
import os
import re
import struct

import numpy as np
import pytest

import graphc as gc
from graphc.io import events
from graphc.io.events import Event, HistogramProto, Summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DBL_MAX = np.finfo(np.float64).max


def run(fetch, feed=None):
    with gc.Session() as sess:
        return sess.run(fetch, feed)


def parsed(value):
    assert isinstance(value, bytes)        # a scalar string fetch is bytes, as in TF1
    return Summary.FromString(value)


def read(path):
    return list(gc.summary.summary_iterator(path))


# ---- the format, byte by byte ---------------------------------------------------------
@pytest.mark.parametrize("data, crc", [
    (b"123456789", 0xE3069283),                   # the CRC catalogue's check value
    (bytes(32), 0x8A9136AA),                      # RFC 3720, B.4
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
    (b"", 0x0)])
def test_crc32c_known_vectors(data, crc):
    assert events.crc32c(data) == crc


def test_masked_crc_rotates_and_adds_the_delta():
    crc = 0xE3069283
    want = ((crc >> 15 | crc << 17) + 0xA282EAD8) % 2**32
    assert events.masked_crc32c(b"123456789") == want


def test_one_event_encodes_to_the_hand_computed_bytes():
    e = Event(wall_time=1.5, step=3, summary=Summary([Summary.Value("a", simple_value=1.0)]))
    want = bytes.fromhex("09 000000000000f83f" "1003" "2a0a" "0a08" "0a0161" "150000803f")
    assert e.SerializeToString() == want
    assert Event.FromString(want) == e
    record = events.encode_record(want)
    assert record[:8] == struct.pack("<Q", len(want)) and record[12:-4] == want
    assert record[8:12] == struct.pack("<I", events.masked_crc32c(record[:8]))
    assert record[-4:] == struct.pack("<I", events.masked_crc32c(want))


def test_defaults_are_left_out_and_oneof_members_are_not():
    assert Event().SerializeToString() == b""
    assert Event(file_version="").SerializeToString() == b"\x1a\x00"
    assert Summary([Summary.Value("t", simple_value=0.0)]).SerializeToString() == \
        bytes.fromhex("0a08" "0a0174" "1500000000")
    assert HistogramProto(min=-0.0).SerializeToString() == b"\x09" + struct.pack("<d", -0.0)


def test_negative_step_and_big_values_round_trip():
    e = Event(wall_time=1e9 + 0.25, step=-1, graph_def=b"\x00\x01")
    data = e.SerializeToString()
    assert data[9:20] == b"\x10" + b"\xff" * 9 + b"\x01"     # int64 -1: ten bytes
    assert Event.FromString(data) == e
    assert Event.FromString(Event(step=2**63 - 1).SerializeToString()).step == 2**63 - 1


def test_unknown_fields_survive_a_round_trip():
    image = b"\x22\x02\x08\x01"                        # Value.image = Image{height: 1}
    data = bytes.fromhex("0a0174") + image + b"\x4a\x00"   # + empty metadata (field 9)
    v = Summary.Value.FromString(data)
    assert (v.tag, v.WhichOneof("value"), v.simple_value) == ("t", "image", 0.0)
    assert v.SerializeToString() == data


def test_malformed_protos_raise_decode_error():
    with pytest.raises(events.DecodeError):
        Summary.FromString(b"\x0a\x05ab")          # length past the end
    with pytest.raises(events.DecodeError):
        Summary.FromString(b"\x0b")                # wire type 3 (groups)
    with pytest.raises(events.DecodeError):
        Summary.FromString(b"\x0d\x00\x00\x00\x00")   # value as fixed32


def test_records_detect_corruption_and_truncation(tmp_path):
    path = str(tmp_path / "r")
    with open(path, "wb") as f:
        f.write(events.encode_record(b"hello") + events.encode_record(b"world"))
    with open(path, "rb") as f:
        assert list(events.read_records(f)) == [b"hello", b"world"]
    good = open(path, "rb").read()
    for pos, what in [(14, "corrupted record data at offset 0"),
                      (3, "corrupted record length at offset 0"),
                      (len(good) - 3, "corrupted record data at offset 21")]:
        bad = bytearray(good)
        bad[pos] ^= 1
        with open(path, "wb") as f:
            f.write(bad)
        with open(path, "rb") as f, pytest.raises(events.DataLossError, match=what):
            list(events.read_records(f))
    with open(path, "wb") as f:
        f.write(good[:-2])
    with open(path, "rb") as f:
        it = events.read_records(f)
        assert next(it) == b"hello"
        with pytest.raises(events.DataLossError, match="truncated record at offset 21"):
            next(it)


# ---- histograms ---------------------------------------------------------------------------
def test_default_bucket_limits_are_tfs():
    lim = events.BUCKET_LIMITS
    assert lim[0] == -DBL_MAX and lim[-1] == DBL_MAX and 0.0 in lim
    assert np.all(np.diff(lim) > 0) and len(lim) == 2 * (774 + 1) + 1
    pos = lim[lim > 0][:-1]
    assert pos[0] == 1e-12 and pos[-1] < 1e20 and pos[-1] * 1.1 >= 1e20
    np.testing.assert_allclose(pos[1:] / pos[:-1], 1.1, rtol=1e-12)


def _reference_histogram(values):
    """TF's Histogram::Add one value at a time, then EncodeToProto(false), in Python."""
    lim = list(events.BUCKET_LIMITS)
    counts = [0.0] * len(lim)
    lo, hi, total, squares = DBL_MAX, -DBL_MAX, 0.0, 0.0
    for v in map(float, values):
        counts[min(bisect.bisect_right(lim, v), len(lim) - 1)] += 1
        lo, hi, total, squares = min(lo, v), max(hi, v), total + v, squares + v * v
    limits, buckets, i = [], [], 0
    while i < len(lim):
        end, count = lim[i], counts[i]
        i += 1
        if count <= 0:
            while i < len(lim) and counts[i] <= 0:
                end, count = lim[i], counts[i]
                i += 1
        limits.append(end)
        buckets.append(count)
    return HistogramProto(lo, hi, len(values), total, squares, limits, buckets)


@pytest.mark.parametrize("values", [
    np.random.default_rng(0).standard_normal(1000) * 100,
    np.array([0.0, -0.0, 1e-13, -1e-13, 1e-12, 1.1e-12, 5e30, -5e30, 3.0, 3.0]),
    np.array([DBL_MAX, -DBL_MAX, 1.0]),
    np.arange(-20, 20, dtype=np.int64),
    np.array([], np.float64)], ids=["normal", "edges", "dbl_max", "int", "empty"])
def test_histogram_matches_tfs_algorithm_value_by_value(values):
    got = events.histogram_proto(values)
    want = _reference_histogram(values)
    assert got == want
    assert sum(got.bucket) == len(values)


def test_histogram_op_records_its_values_and_tag():
    x = gc.placeholder(gc.float32, (None, 2))
    with gc.name_scope("layer"):
        h = gc.summary.histogram("acts", x)
    data = np.array([[1, 2], [3, 250]], np.float32)
    v, = parsed(run(h, {x: data})).value
    assert (h.node.name, h.node.type, v.tag) == ("layer/acts", "HistogramSummary",
                                                 "layer/acts")
    assert v.histo == events.histogram_proto(data)
    assert (v.histo.min, v.histo.max, v.histo.num, v.histo.sum) == (1, 250, 4, 256)


@pytest.mark.parametrize("bad, kind", [(np.nan, "Nan"), (np.inf, "Infinity")])
def test_histogram_of_nan_or_inf_fails_naming_the_tag(bad, kind):
    x = gc.placeholder(gc.float64, (3,))
    h = gc.summary.histogram("w", x)
    with pytest.raises(gc.errors.ExecutionError, match=f"HistogramSummary 'w' failed at "
                       f"run time: ValueError: {kind} in summary histogram for: w\n"):
        run(h, {x: [1.0, bad, np.nan]})


# ---- scalar, tags, collections -----------------------------------------------------------
def test_scalar_op_records_a_float32_value():
    x = gc.placeholder(gc.float64, ())
    s = gc.summary.scalar("loss", x)
    assert (s.dtype, s.shape.rank, s.node.type) == (gc.string, 0, "ScalarSummary")
    v, = parsed(run(s, {x: 0.1})).value
    assert (v.tag, v.WhichOneof("value")) == ("loss", "simple_value")
    assert v.simple_value == float(np.float32(0.1)) != 0.1
    n = gc.summary.scalar("count", gc.constant(7, gc.int64))
    assert parsed(run(n)).value[0].simple_value == 7.0


def test_tags_follow_name_scopes_uniqueness_and_families():
    x = gc.constant(1.0, name="loss")
    a = gc.summary.scalar("loss", x)                 # the node "loss" exists: loss_1
    b = gc.summary.scalar("loss", x)
    with gc.name_scope("train"):
        c = gc.summary.scalar("loss", x)
        d = gc.summary.scalar("loss", x, family="fam")
    e = gc.summary.scalar("bad name:/x", x)
    f = gc.summary.histogram("/lead", x)
    tags = [parsed(v).value[0].tag for v in run([a, b, c, d, e, f])]
    assert tags == ["loss_1", "loss_2", "train/loss", "fam/train/fam/loss",
                    "bad_name_/x", "lead"]
    assert [t.node.name for t in (a, c, d, e)] == ["loss_1", "train/loss",
                                                   "train/fam/loss", "bad_name_/x"]


def test_summaries_go_to_their_collections():
    x = gc.constant(1.0)
    a = gc.summary.scalar("a", x)
    b = gc.summary.scalar("b", x, collections=[])
    c = gc.summary.histogram("c", x, collections=["mine", "other"])
    assert gc.get_collection(gc.GraphKeys.SUMMARIES) == [a]
    assert gc.get_collection("summaries") == [a]
    assert gc.get_collection("mine") == gc.get_collection("other") == [c]
    assert b not in gc.get_collection(gc.GraphKeys.SUMMARIES)


def test_non_scalar_tensor_is_refused_when_built_naming_it_and_where():
    w = gc.placeholder(gc.float32, (3, 4), name="weights")
    with pytest.raises(gc.errors.ShapeError) as e:
        gc.summary.scalar("w", w)
    msg = str(e.value)
    assert msg.startswith("summary.scalar: weights must be a scalar (shape ())")
    assert "placeholder 'weights'  shape (3, 4) float32, created at " in msg
    assert re.search(r"test_summary\.py:\d+", msg)
    assert gc.get_collection(gc.GraphKeys.SUMMARIES) == []


@pytest.mark.parametrize("dtype", [gc.bool, gc.string])
def test_non_numeric_dtype_is_refused(dtype):
    t = gc.constant(True) if dtype is gc.bool else gc.report_uninitialized_variables()
    for f in (gc.summary.scalar, gc.summary.histogram):
        with pytest.raises(gc.errors.DTypeError, match="needs a numeric dtype"):
            f("t", t)


def test_unknown_rank_is_checked_when_run():
    x = gc.placeholder(gc.float32, None)
    s = gc.summary.scalar("x", x)
    assert parsed(run(s, {x: 2.0})).value[0].simple_value == 2.0
    with pytest.raises(gc.errors.ExecutionError, match=r"not the same shape: \[\] != \[2\]"):
        run(s, {x: [1.0, 2.0]})


# ---- merge ----------------------------------------------------------------------------------
def test_merge_all_concatenates_values_and_merge_nests():
    x = gc.placeholder(gc.float32, ())
    gc.summary.scalar("a", x)
    with gc.name_scope("s"):
        gc.summary.histogram("b", x)
    gc.summary.scalar("c", x * 2.0, collections=[])
    m = gc.summary.merge_all()
    assert (m.node.name, m.node.type) == ("Merge/MergeSummary", "MergeSummary")
    assert m not in gc.get_collection(gc.GraphKeys.SUMMARIES)
    only = gc.summary.merge_all(scope="s/", name="only")
    assert only.node.name == "only/only"
    c = gc.summary.scalar("c", x * 2.0)
    both = gc.summary.merge([only, c])
    got = run([m, only, both], {x: 3.0})
    assert [v.tag for v in parsed(got[0]).value] == ["a", "s/b"]
    assert [v.tag for v in parsed(got[1]).value] == ["s/b"]
    merged = parsed(got[2])
    assert [v.tag for v in merged.value] == ["s/b", "c_1"]
    assert merged.value[1].simple_value == 6.0
    # a merged Summary is the concatenation of its inputs' serializations
    assert got[2] == got[1] + parsed(run(c, {x: 3.0})).SerializeToString()


def test_merge_refuses_duplicate_tags_when_run_and_bad_inputs_when_built():
    x = gc.constant(1.0)
    a = gc.summary.scalar("a", x)
    m = gc.summary.merge([a, a])
    with pytest.raises(gc.errors.ExecutionError, match="Duplicate tag a found"):
        run(m)
    with pytest.raises(gc.errors.DTypeError, match="has dtype float32, but merge takes"):
        gc.summary.merge([a, x])
    with pytest.raises(ValueError, match="inputs is empty"):
        gc.summary.merge([])
    assert gc.summary.merge_all("nothing here") is None


# ---- FileWriter and summary_iterator ------------------------------------------------------
def test_writer_writes_a_readable_event_file(tmp_path):
    x = gc.placeholder(gc.float32, ())
    s = gc.summary.scalar("loss", x)
    logdir = str(tmp_path / "logs" / "run1")            # created by the writer
    with gc.Session() as sess:
        writer = gc.summary.FileWriter(logdir, filename_suffix=".sfx")
        for step in range(3):
            writer.add_summary(sess.run(s, {x: step / 2}), global_step=step)
        writer.add_summary(sess.run(s, {x: 9.0}), global_step=np.array(10))
        writer.add_summary(Summary([Summary.Value("hand", simple_value=-1.0)]))
        writer.close()
    assert writer.get_logdir() == logdir
    path, = glob.glob(os.path.join(logdir, "*"))
    assert path == writer.get_filename()
    m = re.fullmatch(r"events\.out\.tfevents\.(\d{10})\.(.+)\.sfx", os.path.basename(path))
    assert m and m.group(2) == __import__("socket").gethostname()
    first, *rest = read(path)
    assert first.file_version == "brain.Event:2" and first.step == 0
    assert first.wall_time == int(m.group(1))
    got = [(e.step, v.tag, v.simple_value) for e in rest for v in e.summary.value]
    assert got == [(0, "loss", 0.0), (1, "loss", 0.5), (2, "loss", 1.0), (10, "loss", 9.0),
                   (0, "hand", -1.0)]
    assert all(first.wall_time <= e.wall_time for e in rest)
    with open(path, "rb") as f:
        assert len(f.read()) == sum(16 + len(e.SerializeToString()) for e in [first] + rest)


def test_add_summary_refuses_what_is_not_a_summary(tmp_path):
    with gc.summary.FileWriter(str(tmp_path)) as writer:
        with pytest.raises(TypeError, match="got float"):
            writer.add_summary(1.0)
        with pytest.raises(events.DecodeError):
            writer.add_summary(b"\x0a\x09")
        with pytest.raises(TypeError, match="expected a gc.summary.Event"):
            writer.add_event(b"")


def _on_disk(path):
    with open(path, "rb") as f:
        return len(list(events.read_records(f)))


def test_flush_secs_flush_and_close(tmp_path):
    writer = gc.summary.FileWriter(str(tmp_path), flush_secs=1000)
    path = writer.get_filename()
    assert _on_disk(path) == 1                      # the file_version event, at once
    one = Summary([Summary.Value("a", simple_value=1.0)])
    writer.add_summary(one, 1)
    assert _on_disk(path) == 2                      # the first one added: at once
    writer.add_summary(one, 2)
    assert _on_disk(path) == 2                      # the rest: after flush_secs
    writer.flush()
    assert _on_disk(path) == 3
    writer.add_event(Event(wall_time=5.0, step=7, summary=one))
    writer.close()
    last = read(path)[-1]
    assert (last.wall_time, last.step) == (5.0, 7)


def test_closed_writer_warns_and_reopen_starts_a_new_file(tmp_path):
    writer = gc.summary.FileWriter(str(tmp_path))
    first = writer.get_filename()
    writer.close()
    writer.close()                                  # a second close is harmless
    one = Summary([Summary.Value("a", simple_value=1.0)])
    with pytest.warns(UserWarning, match="closed FileWriter"):
        writer.add_summary(one, 1)
    with pytest.warns(UserWarning, match="closed FileWriter"):
        writer.flush()
    assert len(read(first)) == 1
    writer.reopen()
    writer.add_summary(one, 2)
    writer.close()
    second = writer.get_filename()
    assert second != first and len(read(second)) == 2
    assert sorted(os.listdir(tmp_path)) == sorted(os.path.basename(p)
                                                  for p in (first, second))


def test_writers_in_one_directory_never_share_a_file(tmp_path):
    a = gc.summary.FileWriter(str(tmp_path))
    b = gc.summary.FileWriter(str(tmp_path))
    assert a.get_filename() != b.get_filename()
    a.close()
    b.close()
    assert [len(read(w.get_filename())) for w in (a, b)] == [1, 1]


def _fields(data):
    return [(f, v) for f, _, v, _ in events._fields(data)]


def test_add_graph_writes_a_graph_def_of_the_nodes(tmp_path):
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    m = x * 2.0
    y = gc.reduce_sum(m, axis=1, name="y")
    with gc.control_dependencies([y]):
        z = gc.identity(x, name="z")
    with gc.summary.FileWriter(str(tmp_path), x.graph) as writer:
        pass
    _, event = read(writer.get_filename())
    assert event.WhichOneof("what") == "graph_def" and event.wall_time > 0
    nodes = {}
    for field, node in _fields(event.graph_def):
        assert field == 1
        fs = _fields(node)
        name = [v.decode() for f, v in fs if f == 1][0]
        nodes[name] = ([v.decode() for f, v in fs if f == 2][0],
                       [v.decode() for f, v in fs if f == 3])
    assert nodes["x"] == ("Placeholder", [])
    assert nodes["z"][1] == ["x", "^y"]
    assert nodes[m.node.name] == ("Mul", ["x", m.node.inputs[1].node.name])
    assert nodes["y"] == ("Sum", [m.node.name])          # the axis is an attr
    assert len(nodes) == len(x.graph.nodes)
    # x's "_output_shapes": one TensorShapeProto with dims -1 and 3
    attr = [v for f, v in _fields([n for f, n in _fields(event.graph_def)][0]) if f == 5][0]
    (_, key), (_, value) = _fields(attr)
    (_, lst), = _fields(value)
    (_, shape), = _fields(lst)
    dims = [_fields(d)[0][1] for _, d in _fields(shape)]
    assert (key, dims) == (b"_output_shapes", [2**64 - 1, 3])
    with pytest.raises(TypeError, match="expected a gc.Graph"):
        writer.add_graph(x.graph.as_graph_def())
    assert z.graph is x.graph


def test_summary_iterator_stops_at_a_truncated_record(tmp_path):
    writer = gc.summary.FileWriter(str(tmp_path))
    writer.add_summary(Summary([Summary.Value("a", simple_value=1.0)]), 1)
    writer.close()
    path = writer.get_filename()
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[:-5])
    it = gc.summary.summary_iterator(path)
    assert next(it).file_version == "brain.Event:2"
    with pytest.raises(events.DataLossError, match="truncated record"):
        next(it)


def test_file_writer_cache_keeps_one_writer_per_directory(tmp_path):
    gc.summary.FileWriterCache.clear()
    a = gc.summary.FileWriterCache.get(str(tmp_path / "a"))
    assert gc.summary.FileWriterCache.get(str(tmp_path / "a")) is a
    assert gc.summary.FileWriterCache.get(str(tmp_path / "b")) is not a
    gc.summary.FileWriterCache.clear()
    assert a._closed and gc.summary.FileWriterCache.get(str(tmp_path / "a")) is not a
    gc.summary.FileWriterCache.clear()


def test_summaries_survive_a_json_round_trip_of_the_graph():
    x = gc.placeholder(gc.float32, (), name="x")
    gc.summary.scalar("a", x)
    gc.summary.histogram("b", x)
    m = gc.summary.merge_all()
    g1 = gc.Graph()
    with g1.as_default():
        gc.import_graph_def(x.graph.as_graph_def(), name="")
        assert [t.name for t in gc.get_collection("summaries")] == ["a:0", "b:0"]
    with gc.Session(graph=g1) as sess:
        got = sess.run(g1.get_tensor_by_name(m.name), {"x:0": 2.0})
    assert got == run(m, {x: 2.0})


def test_the_docs_examples_run(tmp_path, monkeypatch):
    """tests/test_docs.py runs the docs it lists; this one runs docs/summaries.md."""
    monkeypatch.chdir(tmp_path)
    with open(os.path.join(ROOT, "docs", "summaries.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) == 2
    namespace = {"__name__": "__main__"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"summaries.md[{i}]", "exec"), namespace)


# ---- TensorFlow itself, where installed (CI has none) -------------------------------------
def _values(rng):
    return {"w": rng.standard_normal((5, 7)) * 3, "loss": np.float32(0.1),
            "n": np.arange(-4, 9, dtype=np.int32)}


def _summaries(lib, ph):
    """The same summaries built with gc.summary or tf.compat.v1.summary."""
    lib.summary.scalar("loss", ph["loss"])
    lib.summary.scalar("loss", ph["loss"] * 2.0)                    # tag loss_1
    with lib.name_scope("train"):
        lib.summary.histogram("w", ph["w"], family="weights")
        lib.summary.histogram("n", ph["n"])
        lib.summary.scalar("bad name", ph["loss"])
    return lib.summary.merge_all()


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                    reason="TensorFlow is not installed")
def test_tensorflow_reads_our_files_and_writes_the_same_bytes(tmp_path):
    import tensorflow.compat.v1 as tf
    feeds = [_values(np.random.default_rng(s)) for s in range(3)]
    ph = {"w": gc.placeholder(gc.float64, (5, 7)), "loss": gc.placeholder(gc.float32, ()),
          "n": gc.placeholder(gc.int32, (13,))}
    merged = _summaries(gc, ph)
    ours = []
    with gc.Session() as sess, gc.summary.FileWriter(str(tmp_path), sess.graph) as writer:
        for step, f in enumerate(feeds):
            ours.append(sess.run(merged, {ph[k]: v for k, v in f.items()}))
            writer.add_summary(ours[-1], global_step=step)
    # TensorFlow's own ops give the same bytes
    g = tf.Graph()
    with g.as_default():
        tph = {"w": tf.placeholder(tf.float64, (5, 7)), "loss": tf.placeholder(tf.float32, ()),
               "n": tf.placeholder(tf.int32, (13,))}
        tmerged = _summaries(tf, tph)
        with tf.Session(graph=g) as sess:
            theirs = [sess.run(tmerged, {tph[k]: v for k, v in f.items()}) for f in feeds]
    assert ours == theirs
    # TensorFlow's reader reads our file
    tf_events = list(tf.train.summary_iterator(writer.get_filename()))
    mine = read(writer.get_filename())
    assert tf_events[0].file_version == "brain.Event:2"
    assert [e.step for e in tf_events] == [e.step for e in mine] == [0, 0, 0, 1, 2]
    assert [e.wall_time for e in tf_events] == [e.wall_time for e in mine]
    graph = tf.GraphDef.FromString(tf_events[1].graph_def)
    assert [(n.name, n.op, list(n.input)) for n in graph.node] == [
        (n.name, n.type, [t.name[:-2] if t.index == 0 else t.name for t in n.inputs])
        for n in gc.get_default_graph().nodes]
    shapes = graph.node[0].attr["_output_shapes"].list.shape
    assert [d.size for d in shapes[0].dim] == [5, 7]
    for te, me in zip(tf_events[2:], mine[2:]):
        assert te.summary.SerializeToString() == me.summary.SerializeToString()
        for tv, mv in zip(te.summary.value, me.summary.value):
            assert (tv.tag, tv.WhichOneof("value")) == (mv.tag, mv.WhichOneof("value"))
            if tv.HasField("histo"):
                h = tv.histo
                assert HistogramProto(h.min, h.max, h.num, h.sum, h.sum_squares,
                                      h.bucket_limit, h.bucket) == mv.histo
            else:
                assert tv.simple_value == mv.simple_value
    # our reader reads TensorFlow's FileWriter's file (its first event has fields ours
    # lacks: source_metadata)
    tf_dir = str(tmp_path / "tf")
    with tf.Graph().as_default():           # TF's FileWriter refuses eager mode
        tf_writer = tf.summary.FileWriter(tf_dir)
        for step, data in enumerate(theirs):
            tf_writer.add_summary(data, global_step=step)
        tf_writer.close()
    tf_file, = glob.glob(os.path.join(tf_dir, "events.out.tfevents.*"))
    back = read(tf_file)
    assert back[0].file_version == "brain.Event:2"
    assert [(e.step, e.summary.SerializeToString()) for e in back[1:]] == list(
        enumerate(theirs))
    # and TFRecord framing (the CRCs) is the same as TensorFlow's writer's
    path = str(tmp_path / "records")
    data = [b"", b"123456789", bytes(range(256)) * 5]
    with tf.io.TFRecordWriter(path) as w:
        for d in data:
            w.write(d)
    with open(path, "rb") as f:
        assert f.read() == b"".join(events.encode_record(d) for d in data)
