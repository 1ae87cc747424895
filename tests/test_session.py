"""Session.run: fetch structures, feeds and their checks, defaults, plan caching."""
import collections

import numpy as np
import pytest

import graphc as gc
from graphc.errors import FeedError


def _model():
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    w = gc.constant(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
    return x, x @ w


def test_fetch_structures_round_trip():
    x, y = _model()
    P = collections.namedtuple("P", "a b")
    xv = np.ones((2, 3), np.float32)
    with gc.Session() as s:
        out = s.run({"y": y, "pair": (y, [x]), "nt": P(a=y, b=x)}, {x: xv})
    want = xv @ np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_allclose(out["y"], want)
    assert isinstance(out["pair"], tuple) and isinstance(out["pair"][1], list)
    assert isinstance(out["nt"], P)
    np.testing.assert_allclose(out["nt"].b, xv)


def test_fetch_op_gives_none_and_names_work():
    x, y = _model()
    noop = gc.no_op(name="nothing")
    with gc.Session() as s:
        assert s.run(noop) is None
        a, b = s.run([y.name, "x:0"], feed_dict={"x:0": np.zeros((1, 3))})
    assert a.shape == (1, 2) and b.dtype == np.float32


def test_feed_lists_and_scalars():
    x = gc.placeholder(gc.float64, (2,), name="x")
    s_ = gc.placeholder(gc.int32, (), name="s")
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(x * 2.0, {x: [1, 2]}), [2, 4])
        assert s.run(s_ + 1, {s_: 4}) == 5


def test_feed_any_tensor_overrides_its_value():
    x = gc.placeholder(gc.float32, (2,), name="x")
    mid = gc.exp(x, name="mid")
    out = mid * 2.0
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(out, {mid: [1.0, 2.0]}), [2.0, 4.0])


def test_missing_feed_names_the_placeholder_and_fetch():
    x, y = _model()
    with gc.Session() as s, pytest.raises(FeedError) as e:
        s.run(y)
    msg = str(e.value)
    assert "placeholder 'x' must be fed" in msg and "matmul:0" in msg
    assert "test_session.py" in msg


def test_wrong_shape_feed():
    x, y = _model()
    with gc.Session() as s, pytest.raises(FeedError) as e:
        s.run(y, {x: np.zeros((2, 4))})
    assert "dim 1 must be 3" in str(e.value) and "test_session.py" in str(e.value)
    with gc.Session() as s, pytest.raises(FeedError, match="rank 1 but needs rank 2"):
        s.run(y, {x: np.zeros(3)})


def test_unsafe_dtype_feed_is_refused():
    i = gc.placeholder(gc.int32, (2,), name="i")
    with gc.Session() as s:
        with pytest.raises(FeedError, match="without loss"):
            s.run(i + 1, {i: [1.5, 2.0]})
        with pytest.raises(FeedError, match="overflow"):
            s.run(i + 1, {i: np.array([2**40, 1])})
        # exact conversions are fine, bools (a mask) included, as TF1
        np.testing.assert_array_equal(s.run(i + 1, {i: np.array([1.0, 2.0])}), [2, 3])
        np.testing.assert_array_equal(s.run(i + 1, {i: np.array([True, False])}), [2, 1])


def test_named_dims_must_agree_across_feeds():
    a = gc.placeholder(gc.float32, ("batch", 2), name="a")
    b = gc.placeholder(gc.float32, ("batch", 3), name="b")
    out = gc.concat([a, b], axis=1)
    with gc.Session() as s:
        s.run(out, {a: np.zeros((4, 2)), b: np.zeros((4, 3))})
        with pytest.raises(FeedError, match="named dim 'batch'"):
            s.run(out, {a: np.zeros((4, 2)), b: np.zeros((5, 3))})


def test_feed_key_errors():
    x, y = _model()
    other = gc.Graph()
    with other.as_default():
        z = gc.placeholder(gc.float32, (1,), name="z")
    with gc.Session() as s:
        with pytest.raises(FeedError, match="not in the graph"):
            s.run(y, {"nope:0": 1})
        with pytest.raises(FeedError, match="another graph"):
            s.run(y, {x: np.zeros((1, 3)), z: [1.0]})
        with pytest.raises(FeedError, match="another graph"):
            s.run(z)


def test_defaults_eval_and_interactive():
    x, y = _model()
    with gc.Session() as s:
        assert gc.get_default_session() is s
        v = y.eval({x: np.ones((1, 3))})
        assert v.shape == (1, 2)
    assert gc.get_default_session() is None
    sess = gc.InteractiveSession()
    try:
        assert gc.get_default_session() is sess
        gc.no_op().run()
    finally:
        sess.close()
    assert gc.get_default_session() is None
    s2 = gc.Session()
    with s2.as_default():
        assert gc.constant(3.0).eval() == 3.0


def test_plan_is_cached_and_only_ancestors_run():
    x = gc.placeholder(gc.float32, (2,), name="x")
    y = x * 2.0
    # never fed: running it would raise FeedError, so a run proves it was left out
    gc.placeholder(gc.float32, (2,), name="unrelated") + 1.0
    with gc.Session() as s:
        s.run(y, {x: [1.0, 2.0]})
        s.run(y, {x: [3.0, 4.0]})
        assert len(s._plans) == 1
        s.run([y, gc.exp(x)], {x: [3.0, 4.0]})
        assert len(s._plans) == 2
        exe = s.compile(y, [x])
    assert all(n.name != "unrelated" for n in exe.nodes)


def test_convert_to_tensor():
    t = gc.convert_to_tensor([1.0, 2.0])
    assert t.dtype is gc.float32 and t.shape == [2]
    assert gc.convert_to_tensor(t) is t
    with pytest.raises(gc.errors.DTypeError):
        gc.convert_to_tensor(t, dtype=gc.int32)
    assert gc.convert_to_tensor(np.arange(3)).dtype is gc.int64


def test_kernel_failure_names_node_and_site():
    a = gc.placeholder(gc.float32, (None,), name="a")
    b = gc.placeholder(gc.float32, (None,), name="b")
    c = gc.add(a, b, name="sum_ab")
    with gc.Session() as s, pytest.raises(gc.errors.ExecutionError) as e:
        s.run(c, {a: np.zeros(3), b: np.zeros(4)})
    msg = str(e.value)
    assert "Add 'sum_ab'" in msg and "test_session.py" in msg
    assert isinstance(e.value.__cause__, ValueError)


def test_closed_session_refuses():
    s = gc.Session()
    s.close()
    with pytest.raises(gc.errors.GraphcError, match="closed"):
        s.run(gc.constant(1.0))


def test_shape_only_known_at_run_time_is_not_broadcast_silently():
    logits = gc.placeholder(gc.float64, (None, 3), name="logits")
    labels = gc.placeholder(gc.float64, (None, 3), name="labels")
    loss = gc.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    total = gc.add_n([logits, labels])
    with gc.Session() as s:
        for fetch in (loss, total):
            with pytest.raises(gc.errors.ExecutionError):    # TF's kernel stretches
                s.run(fetch, {logits: np.zeros((4, 3)), labels: np.zeros((2, 3))})  # 1s only


def test_control_dependency_on_a_fed_placeholder_is_met_by_the_feed():
    x = gc.placeholder(gc.float32, (2,), name="x")
    with gc.control_dependencies([x.op]):
        y = x * 2.0
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: np.ones(2, np.float32)}), [2, 2])
        with pytest.raises(gc.errors.FeedError, match="placeholder 'x' must be fed"):
            s.run(y)
        with pytest.raises(gc.errors.InvalidArgumentError) as caught:   # TF1 catches this
            s.run(y)
        assert isinstance(caught.value, gc.errors.OpError)
        assert caught.value.error_code == gc.errors.INVALID_ARGUMENT


def test_a_callable_of_a_closed_session_refuses_to_run():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = gc.placeholder(gc.float32, (None,), name="y")
    s = gc.Session()
    fs = [s.make_callable(x * 2.0, [x]), s.make_callable([x * 2.0, x + 1.0], [x]),
          s.make_callable(y * 2.0, [y])]
    for f in fs:
        f(np.ones(3, np.float32))
    s.close()
    for f in fs:
        with pytest.raises(gc.errors.GraphcError, match="closed Session"):
            f(np.ones(3, np.float32))


def test_a_traced_run_times_every_kernel_into_run_metadata():
    import json
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    y = gc.reduce_sum(gc.tanh(gc.matmul(x, gc.ones((3, 4)), name="mm")), name="total")
    meta, opts = gc.RunMetadata(), gc.RunOptions(trace_level=gc.RunOptions.FULL_TRACE)
    feed = {x: np.ones((2, 3), np.float32)}
    with gc.Session() as s:
        traced = s.run(y, feed, options=opts, run_metadata=meta)
        assert traced == s.run(y, feed)
        stats = meta.step_stats.dev_stats[0].node_stats
        assert [st.node_name for st in stats] == ["mm", "Tanh", "total"]
        assert all(st.all_end_rel_micros >= 1 for st in stats)
        starts = [st.all_start_micros for st in stats]
        assert starts == sorted(starts)
        events = json.loads(meta.chrome_trace())["traceEvents"]
        assert [e["name"] for e in events] == ["MatMul", "Tanh", "Sum"]
        s.run(y, feed, options=gc.RunOptions(), run_metadata=gc.RunMetadata())  # no trace


def test_tf1_code_catching_invalid_argument_error_catches_run_time_failures():
    a = gc.placeholder(gc.float32, (None,))
    with gc.Session() as s, pytest.raises(gc.errors.InvalidArgumentError):
        s.run(a + a[:1] * 0 + gc.reshape(a, (-1, 1))[:, 0][1:], {a: np.ones(3)})
