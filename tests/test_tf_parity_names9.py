"""Session handles, resource_loader, the summary leftovers and tf1_misc9 against
TensorFlow's tf.compat.v1 (skipped without it)."""
import os

import numpy as np
import pytest

from tf_parity import tf, v1

import graphc as gc
from graphc import resource_loader, summary_extra, tf1_misc9
from graphc.ops import session_ops


def _handles(m, ops):
    """Handle strings, read-back values, and the errors after deleting, in library m."""
    out = {}
    g = m.Graph()
    with g.as_default():
        x = m.placeholder(m.float32, [2, 3])
        h = ops.get_session_handle(x * 2, name="hh")
        h2 = ops.get_session_handle(m.constant([b"a", b"bc"]))
        with m.Session() as sess:
            a = np.arange(6, dtype=np.float32).reshape(2, 3)
            hv = sess.run(h, {x: a})
            out["str"] = [str(hv), str(sess.run(h2)).split(";", 1)[1]]
            out["eval"] = hv.eval()
            p, t = ops.get_session_tensor(hv.handle, m.float32)
            out["read"] = sess.run(m.reduce_sum(t, axis=1), {p: hv.handle})
            out["static"] = (t.shape.ndims, p.shape.ndims, t.dtype.name, p.dtype.name)
            ps, ts = ops.get_session_tensor(hv.handle, m.string)
            hs = sess.run(h2)
            out["strings"] = list(sess.run(ts, {ps: hs.handle}))
            hd, dl = ops.delete_session_tensor(hv.handle)
            sess.run(dl, {hd: hv.handle})
            with pytest.raises(m.errors.InvalidArgumentError) as e:
                sess.run(t, {p: hv.handle})
            out["gone"] = str(e.value)
            with pytest.raises(m.errors.InvalidArgumentError) as e:
                sess.run(dl, {hd: hv.handle})
            out["twice"] = str(e.value)
            raw = sess.run(h, {x: a}).get_raw_handle()
            out["raw"] = sess.run(t, {p: raw})
            p2, t2 = ops.get_session_tensor(raw, m.int32)
            with pytest.raises(m.errors.InternalError):
                sess.run(t2, {p2: raw})
    return out


def _first_line(msg):
    return [s for s in msg.splitlines() if "session store" in s][0].strip()


def test_session_handles():
    got, want = _handles(gc, session_ops), _handles(v1, v1)
    assert got["str"] == want["str"]
    np.testing.assert_array_equal(got["eval"], want["eval"])
    np.testing.assert_array_equal(got["read"], want["read"])
    np.testing.assert_array_equal(got["raw"], want["raw"])
    assert got["strings"] == want["strings"]
    assert got["static"] == want["static"]
    for k in ("gone", "twice"):
        assert _first_line(got[k]) == _first_line(want[k])


def test_session_handle_python_errors():
    for m, ops in ((gc, session_ops), (v1, v1)):
        with m.Graph().as_default():
            with pytest.raises(TypeError, match="`data` must be of type Tensor."):
                ops.get_session_handle(np.float32(1))
            with pytest.raises(ValueError, match="Unknown attribute 'foo' is encountered"):
                ops.get_session_tensor("foo", m.float32)
            with m.Session() as sess:
                hv = sess.run(ops.get_session_handle(m.constant(1.0)))
                hv.get_raw_handle()
                with pytest.raises(TypeError, match="may have already been deleted"):
                    hv.eval()


def test_resource_loader():
    here = os.path.dirname(os.path.abspath(__file__))
    for mod in (resource_loader, v1.resource_loader):
        assert mod.get_data_files_path() == here
        assert mod.get_path_to_datafile("a/b") == os.path.join(here, "a/b")
        assert mod.readahead_file_path("/x", "1M") == "/x"


def test_summary_leftovers():
    g = v1.Graph()
    with g.as_default():
        v1.summary.scalar("a", 1.0)
        assert v1.summary.all_v2_summary_ops() == []
        with pytest.raises(RuntimeError) as want:
            v1.summary.initialize()
    with gc.Graph().as_default():
        gc.summary.scalar("a", gc.constant(1.0))
        assert summary_extra.all_v2_summary_ops() == []
        with pytest.raises(RuntimeError) as got:
            summary_extra.initialize()
    assert str(got.value) == str(want.value)
    for hint in ("", "x", "image/png"):
        assert summary_extra.SummaryDescription(type_hint=hint).SerializeToString() == \
            v1.summary.SummaryDescription(type_hint=hint).SerializeToString()
    for tag, rm in (("", b""), ("t", b"abc"), ("step 1", bytes(300))):
        want = v1.summary.TaggedRunMetadata(tag=tag, run_metadata=rm).SerializeToString()
        assert summary_extra.TaggedRunMetadata(tag=tag, run_metadata=rm) \
            .SerializeToString() == want
        back = summary_extra.TaggedRunMetadata.FromString(want)
        assert (back.tag, back.run_metadata) == (tag, rm)


def test_get_summary_description():
    with v1.Graph().as_default():
        nd = v1.summary.scalar("a", 1.0).op.node_def
        with pytest.raises(ValueError) as want:
            v1.summary.get_summary_description(nd)
        legacy = v1.NodeDef(op="TensorSummary")
        legacy.attr["description"].s = b'{"typeHint": "audio"}'
        want_d = v1.summary.get_summary_description(legacy)
    with gc.Graph().as_default():
        with pytest.raises(ValueError) as got:
            summary_extra.get_summary_description(gc.summary.scalar("a", 1.0).op)
        got_d = summary_extra.get_summary_description(legacy)
    assert str(got.value) == str(want.value)
    assert got_d.SerializeToString() == want_d.SerializeToString()


def _cpu_flags(m, run):
    with m.Graph().as_default():
        i = m.constant([1, 2])
        v = m.Variable([1.0], use_resource=False)      # TF1's VariableV2
        ops = [i, m.constant("a"), m.constant(1.0), m.cast(i, m.float32),
               m.cast(m.constant(1.0), m.int32),
               m.dynamic_stitch([m.constant([0, 1])], [i]),
               m.dynamic_stitch([m.constant([0])], [m.constant([1.0])]),
               v, m.assign_add(v, [1.0]), m.scatter_update(v, [0], [2.0]),
               m.truncated_normal([2]), m.exp(m.constant(1.0))]
        ops = [getattr(t, "op", t) for t in ops]
        # TF1's truncated_normal ends in an Add: judge its TruncatedNormal op
        ops[10] = [o for o in m.get_default_graph().get_operations()
                   if o.type == "TruncatedNormal"][0]
        return [(run(o), run(o, pin_variables_on_cpu=True)) for o in ops]


def test_must_run_on_cpu():
    assert _cpu_flags(gc, tf1_misc9.must_run_on_cpu) == \
        _cpu_flags(v1, v1.graph_util.must_run_on_cpu)


def test_status_and_switches():
    with v1.errors.raise_exception_on_not_ok_status():
        pass
    with tf1_misc9.raise_exception_on_not_ok_status() as st:
        pass
    assert st.code == 0
    # TF filters its own frames by default; graphc has none to filter (deliberate)
    assert tf.debugging.is_traceback_filtering_enabled() is True
    assert tf1_misc9.is_traceback_filtering_enabled() is False
    assert tf1_misc9.get_log_device_placement() == tf.debugging.get_log_device_placement()
    assert set(tf1_misc9.get_registered_schemes()) <= \
        set(tf.io.gfile.get_registered_schemes())
