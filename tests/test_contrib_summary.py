"""gc.contrib.summary (TF 1.15's tf.contrib.summary in graph mode): writers, recording
contexts, the write ops and the event files they leave."""
import glob
import os

import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.contrib import summary
from graphc.io import events


def _events(logdir):
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    assert path.endswith(".v2")
    return list(gc.summary.summary_iterator(path))[1:]      # after file_version


def test_writes_scalar_histogram_image_audio_generic(tmp_path):
    logdir = str(tmp_path / "logs")
    with gc.Graph().as_default():
        step = gc.train.get_or_create_global_step()
        writer = summary.create_file_writer(logdir)
        assert summary.summary_writer_initializer_op()[0].type == "CreateSummaryFileWriter"
        assert isinstance(summary.scalar("nowriter", 1.0), gc.Operation)
        with writer.as_default():
            off = summary.scalar("off", 1.0)        # contrib records only when told
            with summary.always_record_summaries():
                ops = [summary.scalar("x", 3.5, step=7),
                       summary.histogram("h", [1.0, 2.0, 3.0]),
                       summary.generic("gen", gc.constant([[1, 2]], gc.int32)),
                       summary.image("img", gc.zeros([2, 4, 5, 3], gc.uint8), max_images=1),
                       summary.audio("aud", gc.zeros([1, 10, 1]), 8000, 2)]
                with gc.name_scope("outer"):
                    ops.append(summary.scalar("y", gc.constant(2, gc.int32),
                                              family="fam"))
            flush = summary.flush()
        assert summary.all_summary_ops() == [off] + ops
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(),
                      summary.summary_writer_initializer_op()])
            assert sess.run(off) == False       # noqa: E712
            assert sess.run(ops) == [True] * 6
            sess.run(flush)
    got = {v.tag: (e.step, v) for e in _events(logdir) for v in e.summary.value}
    assert sorted(got) == ["aud/audio/0", "fam/outer/fam/y", "gen", "h", "img/image", "x"]
    assert got["x"][0] == 7 and got["x"][1].simple_value == 3.5
    assert got["fam/outer/fam/y"][1].simple_value == 2.0 and got["h"][0] == 0
    assert got["h"][1].histo.num == 3 and got["h"][1].histo.sum == 6
    from graphc.io.summary_protos import to_numpy
    np.testing.assert_array_equal(to_numpy(got["gen"][1].tensor), [[1, 2]])
    assert got["img/image"][1].image.height == 4 and got["img/image"][1].image.width == 5
    assert got["aud/audio/0"][1].audio.length_frames == 10


def test_every_n_steps_never_and_should_record(tmp_path):
    logdir = str(tmp_path / "logs")
    with gc.Graph().as_default():
        step = gc.train.get_or_create_global_step()
        writer = summary.create_file_writer(logdir)
        assert summary.should_record_summaries().dtype == gc.bool
        writer.set_as_default()
        try:
            with summary.never_record_summaries():
                never = summary.scalar("never", 1.0)
            with summary.record_summaries_every_n_global_steps(2):
                every = summary.scalar("every", gc.cast(step, gc.float32))
                should = summary.should_record_summaries()
            bump = gc.assign_add(step, 1)
            with gc.Session() as sess:
                sess.run(gc.global_variables_initializer())
                summary.initialize(graph=gc.get_default_graph(), session=sess)
                assert sess.run(never) == False     # noqa: E712
                seen = []
                for _ in range(5):
                    seen.append((bool(sess.run(every)), bool(sess.run(should))))
                    sess.run(bump)
                assert seen == [(True, True), (False, False)] * 2 + [(True, True)]
        finally:
            summary._state.writer = None
    got = _events(logdir)
    assert got[0].step == 0 and got[0].WhichOneof("what") == "graph_def"
    assert [(e.step, e.summary.value[0].simple_value) for e in got[1:]] == \
        [(0, 0.0), (2, 2.0), (4, 4.0)]


def test_graph_import_event_close_and_reinit(tmp_path):
    logdir = str(tmp_path / "logs")
    with gc.Graph().as_default() as g:
        writer = summary.create_file_writer(logdir, flush_millis=1000, max_queue=5)
        with pytest.raises(TypeError, match="needs a argument `param` to be tf.Tensor"):
            summary.graph(g)
        with pytest.raises(AttributeError, match="default summary writer"):
            summary.import_event(b"")
        with writer.as_default(), summary.always_record_summaries():
            x = gc.placeholder(gc.string)
            gph = summary.graph(x, 3)
            event = events.Event(step=9, summary=events.Summary(
                [events.Summary.Value("imported", simple_value=1.5)]))
            imp = summary.import_event(gc.constant(event.SerializeToString()))
            s = summary.scalar("s", 1.0, step=1)
        close, init = writer.close(), writer.init()
        with gc.Session() as sess:
            with pytest.raises(errors.NotFoundError, match="does not exist"):
                sess.run(s)
            sess.run(init)
            sess.run([gph, imp], {x: events.graph_def(g)})
            sess.run(close)
            with pytest.raises(errors.NotFoundError, match="summary_writer_initializer_op"):
                sess.run(s)
            sess.run(init)          # a new event file
            sess.run(s)
    paths = sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*")))
    assert len(paths) == 2
    first = list(gc.summary.summary_iterator(paths[0]))[1:]
    assert first[0].step == 3 and first[0].WhichOneof("what") == "graph_def"
    assert first[1].step == 9 and first[1].summary.value[0].tag == "imported"


def test_noop_writer_errors_and_helpers(tmp_path):
    with gc.Graph().as_default():
        noop = summary.create_file_writer(None)
        with noop.as_default():
            assert isinstance(summary.scalar("x", 1.0), gc.Operation)
        assert noop.init() is None and summary.summary_writer_initializer_op() == []
        with pytest.raises(RuntimeError, match="No default tf.contrib.summary"):
            summary.initialize()
        writer = summary.create_summary_file_writer(str(tmp_path))
        with writer.as_default(), summary.always_record_summaries():
            with pytest.raises(ValueError, match="`step` must be a scalar"):
                summary.scalar("x", 1.0, step=[1, 2])
            with pytest.raises(gc.errors.DTypeError if hasattr(gc.errors, "DTypeError")
                               else TypeError):
                summary.scalar("x", gc.constant("a"))
            with pytest.raises(ValueError, match="Invalid argument to flush"):
                summary.flush(writer=3)
            with pytest.raises(ValueError, match="session must be passed"):
                summary.initialize()
            with pytest.raises(TypeError, match="metadata must be"):
                summary.generic("g", 1.0, metadata=3)
            bad = summary.histogram("bad", [np.nan])
        with gc.Session() as sess:
            sess.run([writer.init(), gc.global_variables_initializer()])
            with pytest.raises(errors.InvalidArgumentError, match="Nan in summary histogram"):
                sess.run(bad)
    with pytest.raises(NotImplementedError, match="SQLite"):
        summary.create_db_writer("sqlite:///x")
    assert summary.eval_dir("m") == os.path.join("m", "eval")
    assert summary.eval_dir("m", "b") == os.path.join("m", "eval_b")
