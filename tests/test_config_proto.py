"""ConfigProto and its messages: protobuf's behaviour, and what a Session does with
them (threads, optimizer switches, log_device_placement, operation timeouts)."""
import threading
import time

import numpy as np
import pytest

import graphc as gc


def test_fields_submessages_text_format_and_equality():
    c = gc.ConfigProto(gpu_options=gc.GPUOptions(per_process_gpu_memory_fraction=0.5,
                                                 allow_growth=True),
                       log_device_placement=True, device_count={"GPU": 0})
    assert str(c) == ('device_count {\n  key: "GPU"\n  value: 0\n}\ngpu_options {\n'
                      '  per_process_gpu_memory_fraction: 0.5\n  allow_growth: true\n}\n'
                      'log_device_placement: true\n')
    assert c.HasField("gpu_options") and not c.HasField("graph_options")
    c.graph_options.optimizer_options.opt_level = gc.OptimizerOptions.L0
    c.graph_options.rewrite_options.constant_folding = c.graph_options.rewrite_options.OFF
    assert str(c).endswith("graph_options {\n  optimizer_options {\n    opt_level: L0\n  }\n"
                           "  rewrite_options {\n    constant_folding: OFF\n  }\n}\n")
    assert c.HasField("graph_options")
    assert c.gpu_options.allow_growth is True and c.intra_op_parallelism_threads == 0
    assert gc.ConfigProto() == gc.ConfigProto() and c != gc.ConfigProto()
    d = gc.ConfigProto()
    d.CopyFrom(c)
    assert d == c and str(d) == str(c)
    d.gpu_options.allow_growth = False
    assert c.gpu_options.allow_growth is True       # a deep copy
    d.device_filters.append("/cpu:0")
    d.session_inter_op_thread_pool.add(num_threads=2)
    assert 'device_filters: "/cpu:0"' in str(d) and "num_threads: 2" in str(d)
    d.ClearField("gpu_options")
    assert not d.HasField("gpu_options")
    gc.GPUOptions(allow_growth=1)                   # protobuf takes an int for a bool
    c.gpu_options.per_process_gpu_memory_fraction = 1


@pytest.mark.parametrize("bad, error, message", [
    (lambda c: gc.ConfigProto(foo=1), ValueError, 'ConfigProto has no "foo" field'),
    (lambda c: setattr(c, "foo", 1), AttributeError, 'ConfigProto has no "foo" field'),
    (lambda c: setattr(c, "gpu_options", gc.GPUOptions()), AttributeError,
     'Assignment not allowed to message field "gpu_options"'),
    (lambda c: setattr(c, "log_device_placement", "x"), TypeError, "'str' object"),
    (lambda c: setattr(c, "intra_op_parallelism_threads", 1.5), TypeError, "'float'"),
    (lambda c: gc.ConfigProto(gpu_options=3), TypeError, "must be a GPUOptions"),
    (lambda c: c.HasField("log_device_placement"), ValueError, "does not have presence"),
])
def test_protobuf_errors(bad, error, message):
    with pytest.raises(error, match=message):
        bad(gc.ConfigProto())


def _passes(config):
    return gc.Session(config=config).options


def test_optimizer_switches_turn_graphc_passes_off():
    c = gc.ConfigProto()
    c.graph_options.optimizer_options.opt_level = gc.OptimizerOptions.L0
    opts = _passes(c)
    assert "fold" not in opts.passes and "cse" not in opts.passes and "fuse" in opts.passes
    c.graph_options.optimizer_options.do_constant_folding = True
    assert "fold" in _passes(c).passes and "cse" not in _passes(c).passes
    c = gc.ConfigProto()
    rw = c.graph_options.rewrite_options
    rw.arithmetic_optimization = rw.OFF
    rw.remapping = rw.OFF
    assert not {"simplify", "stability", "fuse"} & set(_passes(c).passes)
    rw.disable_meta_optimizer = True
    assert _passes(c).optimize is False
    assert _passes(gc.ConfigProto()).passes is None     # nothing asked: every pass


def test_optimizer_switches_keep_results():
    x = gc.placeholder(gc.float32, (3,))
    y = gc.log(1 + gc.exp(x * 1.0)) + gc.constant([1.0, 2.0, 3.0]) * 2
    c = gc.ConfigProto()
    c.graph_options.rewrite_options.disable_meta_optimizer = True
    v = np.float32([0.5, -1, 2])
    with gc.Session(config=c) as s, gc.Session() as t:
        np.testing.assert_allclose(s.run(y, {x: v}), t.run(y, {x: v}), rtol=1e-6)
        assert s.compile(y, [x]).report() != t.compile(y, [x]).report()


def test_log_device_placement_logs_each_op_once(capsys):
    x = gc.placeholder(gc.float32, (2,), name="x")
    y = gc.add(x, 1.0, name="y")
    with gc.Session(config=gc.ConfigProto(log_device_placement=True)) as s:
        s.run(y, {x: [1, 2]})
        err = capsys.readouterr().err
        assert "y: (Add): /job:localhost/replica:0/task:0/device:CPU:0" in err
        s.run(y, {x: [1, 2]})
        assert capsys.readouterr().err == ""          # the plan is cached: no new log


def test_run_timeout_on_a_blocking_dequeue():
    q = gc.FIFOQueue(3, gc.float32)
    d = q.dequeue()
    with gc.Session() as s:
        t = time.monotonic()
        with pytest.raises(gc.errors.DeadlineExceededError,
                           match="Timed out waiting for notification"):
            s.run(d, options=gc.RunOptions(timeout_in_ms=100))
        assert 0.09 < time.monotonic() - t < 5
        s.run(q.enqueue(1.0))
        assert s.run(d, options=gc.RunOptions(timeout_in_ms=1000)) == 1.0


def test_operation_timeout_of_the_config_and_a_late_enqueue():
    q = gc.FIFOQueue(3, gc.float32)
    d, e = q.dequeue(), q.enqueue(7.0)
    with gc.Session(config=gc.ConfigProto(operation_timeout_in_ms=100)) as s:
        with pytest.raises(gc.errors.DeadlineExceededError):
            s.run(d)
        assert s.run(q.size()) == 0                  # the timed-out attempt left the line
        threading.Timer(0.05, lambda: s.run(e)).start()
        assert s.run(d, options=gc.RunOptions(timeout_in_ms=5000)) == 7.0


def test_text_format_escapes_strings_as_tf_prints_them():
    """Quotes, backslashes and \\t escaped, control characters in octal, UTF-8 kept (the
    line TF 2.21's ConfigProto prints for the same value)."""
    config = gc.ConfigProto()
    config.gpu_options.visible_device_list = "it's\ttab\x01\x7fé\\"
    config.device_count["CPU"] = 2
    assert str(config) == ('device_count {\n  key: "CPU"\n  value: 2\n}\n'
                           'gpu_options {\n'
                           '  visible_device_list: "it\\\'s\\ttab\\001\\177é\\\\"\n}\n')
