"""gc.config.experimental, keras.mixed_precision, DeviceWrapper and stateless_shuffle
against TensorFlow 2.x / tf_keras (graph mode)."""
import numpy as np
import pytest

import graphc as gc
import graphc.keras.mixed_precision as gmp
from graphc.ops.rnn_device import DeviceWrapper
from graphc.ops.random_shuffle_stateless import stateless_shuffle
from keras_parity import tfk
from tf_parity import tf, v1

TE = tf.config.experimental
GE = gc.config.experimental


def _outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except Exception as e:          # noqa: BLE001 (the exception type is compared)
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("device", ["CPU:0", "/device:CPU:0", "/cpu:0", "", "GPU:0",
                                    "CPU:1", "CPU",
                                    "/job:localhost/replica:0/task:0/device:CPU:0"])
def test_memory_info(device):
    for name in ("get_memory_info", "reset_memory_stats"):
        want = _outcome(getattr(TE, name), device)
        if want[0] == "ValueError" and "Allocator stats not available" in want[1]:
            # some TF wheels build the CPU allocator without stats (TF 2.21 from PyPI in
            # session 24); graphc answers as the wheels that keep them
            pytest.skip(f"this TF wheel keeps no CPU allocator stats: {want[1]}")
        assert _outcome(getattr(GE, name), device) == want


def test_memory_growth_and_details():
    tcpu, gcpu = tf.config.list_physical_devices("CPU")[0], GE.list_physical_devices("CPU")[0]
    assert tuple(tcpu) == tuple(gcpu)
    assert _outcome(GE.set_memory_growth, gcpu, True) == _outcome(TE.set_memory_growth,
                                                                  tcpu, True)
    assert _outcome(GE.set_memory_growth, "x", True) == _outcome(TE.set_memory_growth,
                                                                 "x", True)
    assert type(pytest.raises(KeyError, GE.get_memory_growth, gcpu).value) is \
        type(pytest.raises(KeyError, TE.get_memory_growth, tcpu).value)
    assert GE.get_device_details(gcpu) == TE.get_device_details(tcpu)
    assert _outcome(GE.get_device_details, "x") == _outcome(TE.get_device_details, "x")
    assert GE.get_virtual_device_configuration(gcpu) == \
        TE.get_virtual_device_configuration(tcpu)
    assert GE.list_physical_devices("GPU") == TE.list_physical_devices("GPU") == []


def test_policy_sync_tf32_defaults_and_setters():
    assert GE.get_device_policy() == TE.get_device_policy()
    assert GE.get_synchronous_execution() == TE.get_synchronous_execution()
    assert GE.tensor_float_32_execution_enabled() == TE.tensor_float_32_execution_enabled()
    try:
        for p in ("explicit", "warn", "silent_for_int32", None, "bogus"):
            assert _outcome(GE.set_device_policy, p) == _outcome(TE.set_device_policy, p)
            assert GE.get_device_policy() == TE.get_device_policy()
    finally:
        GE.set_device_policy(None)
        TE.set_device_policy(None)


def test_cpu_target_errors():
    assert gc.test.is_cpu_target_available("x86") == tf.test.is_cpu_target_available("x86")
    for bad in ("X86", "AArch64", "mips"):
        with pytest.raises(AssertionError, match="Unknown CPU target"):
            tf.test.is_cpu_target_available(bad)
        with pytest.raises(AssertionError, match="Unknown CPU target"):
            gc.test.is_cpu_target_available(bad)


@pytest.mark.parametrize("name", ["mixed_float16", "mixed_bfloat16", "float32", "float16",
                                  "float64", "_infer", "int32", "bogus", 3])
def test_policy_matches_tf_keras(name):
    def describe(mod):
        p = mod.Policy(name)
        return repr(p), p.name, p.compute_dtype, p.variable_dtype, p.get_config()
    assert _outcome(describe, gmp) == _outcome(describe, tfk.mixed_precision)


def test_set_global_policy_errors():
    for bad in ("int32", 3):
        got = _outcome(gmp.set_global_policy, bad)
        assert got == _outcome(tfk.mixed_precision.set_global_policy, bad)
    tfk.mixed_precision.set_global_policy(None)
    assert repr(gmp.global_policy()) == repr(tfk.mixed_precision.global_policy())


FEEDS = [[1.0, 2.0], [1.0, 2.0], [np.inf, 2.0], [1.0, 2.0], [0.5, -1.0], [1.0, 2.0],
         [1.0, 3.0], [np.nan, 1.0], [2.0, 1.0]]


def _gc_run(make_inner, **kwargs):
    with gc.Graph().as_default():
        w = gc.Variable(np.ones((2,), np.float32), name="w")
        x = gc.placeholder(gc.float32, (2,))
        opt = gmp.LossScaleOptimizer(make_inner(gc.keras.optimizers), **kwargs)
        step = opt.minimize(gc.reduce_sum(w * w * x), var_list=[w])
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            return [(s.run(step, {x: f}),
                     s.run([w, opt.loss_scale, opt.dynamic_counter, opt.iterations]))[1]
                    for f in FEEDS]


def _tf_run(make_inner, **kwargs):
    with tf.Graph().as_default():
        w = tf.Variable(np.ones((2,), np.float32), name="w")
        x = v1.placeholder(tf.float32, (2,))
        opt = tfk.mixed_precision.LossScaleOptimizer(
            make_inner(tfk.optimizers.legacy), **kwargs)
        grads = opt.get_gradients(tf.reduce_sum(w * w * x), [w])
        step = opt.apply_gradients(zip(grads, [w]))
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            return [(s.run(step, {x: f}),
                     s.run([w, opt.loss_scale, opt.dynamic_counter, opt.iterations]))[1]
                    for f in FEEDS]


@pytest.mark.parametrize("make_inner", [lambda m: m.Adam(0.1), lambda m: m.SGD(0.1, 0.9),
                                        lambda m: m.RMSprop(0.05)],
                         ids=["adam", "momentum", "rmsprop"])
def test_dynamic_loss_scale_steps_match(make_inner):
    got = _gc_run(make_inner, dynamic_growth_steps=3, initial_scale=64)
    want = _tf_run(make_inner, dynamic_growth_steps=3, initial_scale=64)
    for (gw, gs, gcount, git), (tw, ts, tcount, tit) in zip(got, want):
        np.testing.assert_allclose(gw, tw, rtol=2e-5, atol=1e-6)
        assert (float(gs), int(gcount), int(git)) == (float(ts), int(tcount), int(tit))


def test_loss_scale_optimizer_config_keys():
    g = gmp.LossScaleOptimizer(gc.keras.optimizers.SGD(0.5), initial_scale=8)
    t = tfk.mixed_precision.LossScaleOptimizer(tfk.optimizers.legacy.SGD(0.5),
                                               initial_scale=8)
    gconf, tconf = g.get_config(), t.get_config()
    assert sorted(gconf) == sorted(tconf)
    for key in ("dynamic", "initial_scale", "dynamic_growth_steps"):
        assert gconf[key] == tconf[key]
    assert (g.dynamic, g.initial_scale, g.dynamic_growth_steps) == \
        (t.dynamic, t.initial_scale, t.dynamic_growth_steps)
    for kw in ({"dynamic": False}, {"dynamic": False, "initial_scale": 2,
                                    "dynamic_growth_steps": 5}):
        def make(inner, mod):
            return mod.LossScaleOptimizer(inner, **kw)
        assert _outcome(make, gc.keras.optimizers.SGD(), gmp) == _outcome(
            make, tfk.optimizers.legacy.SGD(), tfk.mixed_precision)


def test_device_wrapper_matches_tf1():
    from tf_keras.src.layers.rnn import legacy_cell_wrappers, legacy_cells
    xv = np.random.RandomState(1).randn(2, 3).astype(np.float32)
    results = []
    for m, lib in ((gc, None), (v1, legacy_cells)):
        with (gc.Graph() if lib is None else tf.Graph()).as_default():
            init = m.constant_initializer(0.1)
            base = (gc.nn.rnn_cell.GRUCell(4, kernel_initializer=init) if lib is None
                    else lib.GRUCell(4, kernel_initializer=init))
            wrap = DeviceWrapper if lib is None else legacy_cell_wrappers.DeviceWrapper
            cell = wrap(base, "/cpu:0")
            z = cell.zero_state(2, m.float32)
            out, _ = cell(m.constant(xv), z)
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                results.append((z.name, out.op.device, cell.state_size, cell.output_size,
                                s.run(out)))
    (gz, gd, gs, go, gv), (tz, td, ts, to, tv) = results
    assert (gz, gd, gs, go) == (tz, td, ts, to)
    np.testing.assert_allclose(gv, tv, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("value", [np.arange(12.0).reshape(4, 3), np.arange(5), 7.0,
                                   np.array([b"a", b"b", b"c"])])
def test_stateless_shuffle_semantics(value):
    outs = []
    for m, fn in ((gc, stateless_shuffle), (v1, tf.random.experimental.stateless_shuffle)):
        with (gc.Graph() if m is gc else tf.Graph()).as_default():
            y = fn(m.constant(value), seed=[1, 2])
            with m.Session() as s:
                outs.append((y.shape.as_list(), y.dtype.name, s.run(y), s.run(y)))
    (gshape, gdtype, g1, g2), (tshape, tdtype, t1, _) = outs
    assert (gshape, gdtype) == (tshape, tdtype) and g1.shape == t1.shape
    np.testing.assert_array_equal(g1, g2)                      # stateless: repeatable
    flat = np.asarray(value).reshape(np.asarray(value).shape[:1] + (-1,))
    if np.ndim(value):                                         # a permutation of rows
        assert sorted(map(tuple, g1.reshape(flat.shape).tolist())) == \
            sorted(map(tuple, flat.tolist()))
    else:
        assert g1 == t1 == value


def test_stateless_shuffle_errors():
    for seed in ([1, 2, 3], [1.0, 2.0]):
        with tf.Graph().as_default(), pytest.raises((ValueError, TypeError)) as te:
            tf.random.experimental.stateless_shuffle(tf.constant([1, 2]), seed)
        with gc.Graph().as_default(), pytest.raises((ValueError, TypeError)) as ge:
            stateless_shuffle(gc.constant([1, 2]), seed)
        assert isinstance(ge.value, ValueError) == isinstance(te.value, ValueError)
    for alg in ("philox", "threefry", 1, 3, "bogus"):
        def make(fn, m, alg=alg):
            with (gc.Graph() if m is gc else tf.Graph()).as_default():
                fn(m.constant([1, 2]), [1, 2], alg=alg)
        assert _outcome(make, stateless_shuffle, gc)[0] == _outcome(
            make, tf.random.experimental.stateless_shuffle, v1)[0]
