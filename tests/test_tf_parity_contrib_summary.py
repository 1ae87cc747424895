"""gc.contrib.summary against TF's legacy contrib summary functions (TF 2.21 still
keeps them in summary_ops_v2), each run the same way; graphc's event files read by TF's
summary_iterator."""
from tf_parity import needs_eager, tf  # noqa: F401  (skips it without TensorFlow)

import glob
import os

import numpy as np
import pytest

import graphc as gc
from graphc.contrib import summary as gs

tf1 = tf.compat.v1


def _build(lib, s, logdir):
    step = lib.train.get_or_create_global_step()
    w = s.create_file_writer(logdir)
    with w.as_default():
        with s.always_record_summaries():
            ops = [s.scalar("x", 3.5, step=7), s.histogram("h", [1.0, 2.0, 3.0, -4.5]),
                   s.generic("gen", lib.constant([[1, 2]], lib.int32)),
                   s.image("img", lib.constant(np.arange(2 * 4 * 5 * 3, dtype=np.float32)
                                               .reshape(2, 4, 5, 3) - 20), max_images=2),
                   s.audio("aud", lib.constant(np.linspace(-1, 1, 20, dtype=np.float32)
                                               .reshape(2, 10)), 8000, 1)]
            with lib.name_scope("outer"):
                ops.append(s.scalar("y", lib.constant(2, lib.int32), family="fam"))
        with s.never_record_summaries():
            ops.append(s.scalar("never", 1.0))
        with s.record_summaries_every_n_global_steps(2):
            ops.append(s.scalar("every", lib.cast(step, lib.float32)))
    return step, ops, s.summary_writer_initializer_op(), w.flush()


def _read(logdir):
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    out = []
    for e in list(tf1.train.summary_iterator(path))[1:]:
        for v in e.summary.value:
            which = v.WhichOneof("value")
            out.append((e.step, v.tag, which, getattr(v, which).SerializeToString()
                        if which != "simple_value" else v.simple_value))
    return sorted(out)


@pytest.mark.usefixtures("needs_eager")       # TF's image decoding below runs eagerly
def test_event_files_match_tf(tmp_path):
    from tensorflow.python.ops import summary_ops_v2 as ts
    runs = {}
    for name, lib, s, sess_cls, init in (
            ("tf", tf1, ts, tf1.Session, tf1.global_variables_initializer),
            ("gc", gc, gs, gc.Session, gc.global_variables_initializer)):
        logdir = str(tmp_path / name)
        graph = tf.Graph() if name == "tf" else gc.Graph()
        with graph.as_default():
            step, ops, inits, flush = _build(lib, s, logdir)
            bump = lib.assign_add(step, 1)
            with sess_cls() as sess:
                sess.run([init(), inits])
                vals = []
                for _ in range(3):
                    vals.append([bool(v) for v in sess.run(ops)])
                    sess.run(bump)
                sess.run(flush)
        runs[name] = (vals, _read(logdir))
    assert runs["gc"][0] == runs["tf"][0]
    got, want = runs["gc"][1], runs["tf"][1]
    assert [g[:3] for g in got] == [w[:3] for w in want]
    for g, w in zip(got, want):
        if g[2] in ("simple_value", "tensor", "histo"):
            assert g[3] == w[3], g[1]
        elif g[2] == "image":      # same size and pixels (PNG bytes may differ)
            gi, wi = (tf.compat.v1.Summary.Image.FromString(x[3]) for x in (g, w))
            assert (gi.height, gi.width, gi.colorspace) == (wi.height, wi.width,
                                                            wi.colorspace)
            np.testing.assert_array_equal(tf.io.decode_png(gi.encoded_image_string),
                                          tf.io.decode_png(wi.encoded_image_string))
        else:
            ga, wa = (tf.compat.v1.Summary.Audio.FromString(x[3]) for x in (g, w))
            assert (ga.sample_rate, ga.num_channels, ga.length_frames) == \
                (wa.sample_rate, wa.num_channels, wa.length_frames)
            assert ga.encoded_audio_string == wa.encoded_audio_string
