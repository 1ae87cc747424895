"""Session handles (graphc/ops/session_ops.py), tf.resource_loader, the tf.summary
leftovers (summary_extra.py) and tf1_misc9.py."""
import gc as pygc
import os

import numpy as np
import pytest

import graphc as gc
from graphc import errors, resource_loader, summary_extra, tf1_misc9
from graphc.ops.session_ops import (TensorHandle, delete_session_tensor,
                                    get_session_handle, get_session_tensor)

DEV = "/job:localhost/replica:0/task:0/device:CPU:0"


@pytest.fixture
def graph():
    with gc.Graph().as_default() as g:
        yield g


def test_handle_round_trip(graph):
    c = gc.constant(10.0) * gc.constant([5.0, 2.0])
    h = get_session_handle(c, name="hh")
    assert h.dtype is gc.string and h.shape == ()
    with gc.Session() as sess:
        hv = sess.run(h)
        assert isinstance(hv, TensorHandle)
        assert str(hv) == hv.handle == f"hh;0;{DEV}"
        assert str(sess.run(h)) == f"hh;1;{DEV}"          # one counter per Session
        np.testing.assert_array_equal(hv.eval(), [50.0, 20.0])
        p, t = get_session_tensor(hv.handle, gc.float32)
        assert p.dtype is gc.string and p.shape.dims is None and t.shape.dims is None
        for fed in (hv.handle, hv, hv.handle.encode(), np.array(hv.handle)):
            np.testing.assert_array_equal(sess.run(t * 2, {p: fed}), [100.0, 40.0])


def test_handles_in_structures_and_callables(graph):
    c = gc.constant([1, 2])
    h = get_session_handle(c)
    with gc.Session() as sess:
        out = sess.run({"a": h, "b": [h, c]})
        assert isinstance(out["a"], TensorHandle) and isinstance(out["b"][0], TensorHandle)
        np.testing.assert_array_equal(out["b"][1], [1, 2])
        f = sess.make_callable(h)
        assert isinstance(f(), TensorHandle)
        assert isinstance(sess.make_callable([h, c])()[0], TensorHandle)
        assert isinstance(sess.run(h), TensorHandle)         # the cached fast path too


def test_delete_and_errors(graph):
    h = get_session_handle(gc.constant(3.0))
    with gc.Session() as sess:
        hv = sess.run(h)
        p, t = get_session_tensor(hv.handle, gc.float32, name="gst")
        p2, t2 = get_session_tensor(hv.handle, gc.int32)
        with pytest.raises(errors.InternalError, match="does not match declared output"):
            sess.run(t2, {p2: hv})
        hd, dl = delete_session_tensor(hv.handle)
        assert dl.type == "DeleteSessionTensor" and list(dl.outputs) == []
        with pytest.raises(errors.InvalidArgumentError, match="Failed to delete a tensor "
                           "with handle 'garbage'"):
            sess.run(dl, {hd: "garbage"})
        assert sess.run(dl, {hd: hv}) is None
        with pytest.raises(errors.InvalidArgumentError, match="is not in the session "
                           "store.*\n.*'gst'"):
            sess.run(t, {p: hv.handle})
        with pytest.raises(errors.InvalidArgumentError, match="is not in the session"):
            hv.eval()
        with pytest.raises(errors.InvalidArgumentError, match="Failed to delete"):
            sess.run(dl, {hd: hv.handle})
        with pytest.raises(errors.InvalidArgumentError, match="must be a scalar"):
            sess.run(t, {p: ["a", "b"]})


def test_handle_delete_and_raw(graph):
    h = get_session_handle(gc.constant([1.5]))
    with gc.Session() as sess:
        x = sess.run(h)
        x.delete()
        with pytest.raises(TypeError, match="may have already been deleted"):
            x.delete()
        with pytest.raises(TypeError, match="may have already been deleted"):
            x.eval()
        y = sess.run(h)
        raw = y.get_raw_handle()
        with pytest.raises(TypeError, match="may have already been deleted"):
            y.eval()
        del y
        pygc.collect()
        p, t = get_session_tensor(raw, gc.float32)
        np.testing.assert_array_equal(sess.run(t, {p: raw}), [1.5])


def test_dropped_handles_freed_in_batches_of_ten(graph):
    h = get_session_handle(gc.constant(1))
    with gc.Session() as sess:
        names = []
        for _ in range(9):
            hv = sess.run(h)
            names.append(hv.handle)
            del hv
        pygc.collect()
        p, t = get_session_tensor(names[0], gc.int32)
        assert sess.run(t, {p: names[0]}) == 1         # 9 dropped: still kept
        hv = sess.run(h)
        del hv                                         # the tenth frees all ten
        pygc.collect()
        with pytest.raises(errors.InvalidArgumentError, match="not in the session"):
            sess.run(t, {p: names[0]})


def test_values_are_per_session_and_die_with_it(graph):
    h = get_session_handle(gc.constant("str"))
    sess = gc.Session()
    hv = sess.run(h)
    assert hv.eval() == b"str"
    p, t = get_session_tensor(hv.handle, gc.string)
    with gc.Session() as other:
        with pytest.raises(errors.InvalidArgumentError, match="not in the session store"):
            other.run(t, {p: hv.handle})
    sess.close()
    with pytest.raises(errors.GraphcError, match="closed Session"):
        hv.eval()


def test_stored_value_is_a_copy(graph):
    x = gc.placeholder(gc.float32, [2])
    h = get_session_handle(x)
    with gc.Session() as sess:
        a = np.array([1.0, 2.0], np.float32)
        hv = sess.run(h, {x: a})
        a[0] = 9
        out = hv.eval()
        out[1] = 7
        np.testing.assert_array_equal(hv.eval(), [1.0, 2.0])


def test_build_errors(graph):
    with pytest.raises(TypeError, match="`data` must be of type Tensor."):
        get_session_handle(np.float32(1))
    for bad in ("foo", ["a", "b"]):
        with pytest.raises(ValueError, match="Unknown attribute"):
            get_session_tensor(bad, gc.float32)
    with pytest.raises(ValueError, match="Unknown attribute 'x'"):
        delete_session_tensor("x")
    p, t = get_session_tensor(f"a;b;{DEV}", gc.float32)
    assert p.node.device == DEV == t.node.device


def test_resource_loader(tmp_path):
    here = os.path.dirname(os.path.abspath(__file__))
    assert resource_loader.get_data_files_path() == here
    assert resource_loader.get_path_to_datafile("x/y.txt") == os.path.join(here, "x/y.txt")
    pkg = os.path.dirname(resource_loader.__file__)
    assert resource_loader.get_root_dir_with_all_resources() == pkg
    assert resource_loader.load_resource("resource_loader.py").startswith(b'"""TF1')
    with pytest.raises(OSError):
        resource_loader.load_resource("no/such/file")
    assert resource_loader.readahead_file_path("/a/b", readahead="1M") == "/a/b"


def test_summary_extras(graph):
    assert summary_extra.all_v2_summary_ops() == []
    gc.summary.scalar("a", gc.constant(1.0))
    assert summary_extra.all_v2_summary_ops() == []             # TF1 summaries: not V2
    gc.add_to_collection("_SUMMARY_V2", "op")
    assert summary_extra.all_v2_summary_ops() == ["op"]
    with pytest.raises(RuntimeError, match="No default tf.contrib.summary.SummaryWriter"):
        summary_extra.initialize()
    d = summary_extra.SummaryDescription(type_hint="x")
    assert d.SerializeToString() == b"\n\x01x"
    assert summary_extra.SummaryDescription.FromString(b"\n\x01x") == d
    assert summary_extra.SummaryDescription().SerializeToString() == b""
    m = summary_extra.TaggedRunMetadata(tag="t", run_metadata=b"abc")
    assert m.SerializeToString() == b"\n\x01t\x12\x03abc"
    assert summary_extra.TaggedRunMetadata.FromString(m.SerializeToString()) == m


def test_get_summary_description(graph):
    s = gc.summary.scalar("a", gc.constant(1.0))
    with pytest.raises(ValueError, match="Can't get_summary_description on ScalarSummary"):
        summary_extra.get_summary_description(s.op)
    t = gc.summary.tensor_summary("t", gc.constant([1.0]))
    with pytest.raises(ValueError, match="on TensorSummaryV2"):
        summary_extra.get_summary_description(t.op)

    class Attr:
        s = b'{"typeHint": "image"}'

    class NodeDef:
        op = "TensorSummary"
        attr = {"description": Attr()}
    got = summary_extra.get_summary_description(NodeDef())
    assert got == summary_extra.SummaryDescription(type_hint="image")
    NodeDef.attr = {"description": Attr()}
    Attr.s = b'{"nope": 1}'
    with pytest.raises(ValueError, match='no field named "nope"'):
        summary_extra.get_summary_description(NodeDef())


def test_raise_exception_on_not_ok_status():
    with tf1_misc9.raise_exception_on_not_ok_status() as status:
        assert status.code == errors.OK
    with pytest.raises(errors.NotFoundError, match="no such thing") as e:
        with tf1_misc9.raise_exception_on_not_ok_status() as status:
            status.set(errors.NOT_FOUND, "no such thing")
    assert e.value.error_code == errors.NOT_FOUND
    with pytest.raises(errors.InvalidArgumentError):
        with tf1_misc9.raise_exception_on_not_ok_status() as status:
            status.set(errors.INVALID_ARGUMENT, "bad")
    with pytest.raises(KeyError):                  # an exception inside passes through
        with tf1_misc9.raise_exception_on_not_ok_status():
            raise KeyError("k")


def test_must_run_on_cpu(graph):
    run = tf1_misc9.must_run_on_cpu
    i = gc.constant([1, 2])
    assert run(i.op) and run(gc.constant("a").op) and not run(gc.constant(1.0).op)
    assert run(gc.cast(i, gc.float32).op)
    assert not run(gc.cast(gc.constant(1.0), gc.int32).op)
    assert run(gc.dynamic_stitch([gc.constant([0, 1])], [i]).op)
    assert not run(gc.dynamic_stitch([gc.constant([0])], [gc.constant([1.0])]).op)
    v = gc.Variable([1.0])
    for op in (v.op, gc.assign_add(v, [1.0]).op, gc.scatter_update(v, [0], [2.0]).op,
               gc.truncated_normal([2]).op):
        assert not run(op) and run(op, pin_variables_on_cpu=True)
    assert not run(gc.FIFOQueue(2, gc.float32).queue_ref.op, True)
    with pytest.raises(TypeError, match="takes an operation"):
        run({"op": "Const"})


def test_switches_say_what_graphc_does():
    assert tf1_misc9.get_registered_schemes() == [""]
    assert tf1_misc9.is_traceback_filtering_enabled() is False
    assert tf1_misc9.disable_traceback_filtering() is None
    with pytest.warns(UserWarning, match="does not filter"):
        tf1_misc9.enable_traceback_filtering()
    assert tf1_misc9.is_traceback_filtering_enabled() is False
    tf1_misc9.set_log_device_placement(1)
    try:
        assert tf1_misc9.get_log_device_placement() is True
        assert gc.Session()._log_placement
    finally:
        tf1_misc9.set_log_device_placement(False)
    assert tf1_misc9.get_log_device_placement() is False
    assert not gc.Session()._log_placement
