"""gc.config.experimental, gc.test.is_cpu_target_available, gc.keras.mixed_precision,
DeviceWrapper and stateless_shuffle (no TensorFlow needed)."""
import platform

import numpy as np
import pytest

import graphc as gc
import graphc.keras.mixed_precision as mp
from graphc.ops.rnn_device import DeviceWrapper
from graphc.ops.random_shuffle_stateless import stateless_shuffle

E = gc.config.experimental
CPU = gc.config.list_physical_devices("CPU")[0]


# ---- config.experimental -------------------------------------------------------------------
def test_devices_are_config_s():
    assert E.list_physical_devices("GPU") == [] and E.list_physical_devices() == [CPU]
    assert E.get_visible_devices() == [CPU]
    assert [d.name for d in E.list_logical_devices()] == ["/device:CPU:0"]
    assert E.VirtualDeviceConfiguration is gc.config.LogicalDeviceConfiguration
    assert E.get_virtual_device_configuration(CPU) is None


def test_memory_growth_is_refused_for_the_cpu_as_tf():
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        E.set_memory_growth(CPU, True)
    with pytest.raises(KeyError):
        E.get_memory_growth(CPU)
    with pytest.raises(ValueError, match="Unrecognized device: 'x'"):
        E.set_memory_growth("x", True)
    for gpu in E.list_physical_devices("GPU"):      # the usual script: a no-op
        E.set_memory_growth(gpu, True)


@pytest.mark.parametrize("device", ["CPU:0", "/device:CPU:0", "/cpu:0", "",
                                    "/job:localhost/replica:0/task:0/device:CPU:0"])
def test_memory_info_of_the_cpu_is_zero(device):
    assert E.get_memory_info(device) == {"current": 0, "peak": 0}
    assert E.get_memory_usage(device) == 0
    assert E.reset_memory_stats(device) is None


def test_memory_info_errors():
    with pytest.raises(ValueError, match="No matching devices found for 'GPU:0'"):
        E.get_memory_info("GPU:0")
    with pytest.raises(ValueError, match="No matching devices found for 'CPU:1'"):
        E.reset_memory_stats("CPU:1")
    with pytest.raises(ValueError, match="Failed parsing device name: 'CPU'"):
        E.get_memory_info("CPU")
    with pytest.raises(TypeError):
        E.get_memory_info(CPU)


def test_device_details_policy_sync_tf32_determinism():
    assert E.get_device_details(CPU) == {}
    with pytest.raises(ValueError, match="must be a tf.config.PhysicalDevice"):
        E.get_device_details("x")
    assert E.get_device_policy() == "silent"
    try:
        for p in ("explicit", "warn", "silent_for_int32"):
            E.set_device_policy(p)
            assert E.get_device_policy() == p
        E.set_device_policy(None)
        assert E.get_device_policy() == "silent"
        with pytest.raises(ValueError, match="Invalid argument `device_policy`: 'bogus'"):
            E.set_device_policy("bogus")
        assert E.get_synchronous_execution() is True
        E.set_synchronous_execution(False)
        assert E.get_synchronous_execution() is False
        assert E.tensor_float_32_execution_enabled() is True
        E.enable_tensor_float_32_execution(False)
        assert E.tensor_float_32_execution_enabled() is False
    finally:
        E.set_device_policy(None)
        E.set_synchronous_execution(True)
        E.enable_tensor_float_32_execution(True)
    E.enable_op_determinism()
    assert E.is_op_determinism_enabled()


def test_determinism_same_seed_same_bits():
    def run():
        with gc.Graph().as_default():
            gc.set_random_seed(3)
            x = gc.random_normal((50, 40))
            y = gc.reduce_sum(gc.matmul(x, x, transpose_b=True) * 1.5, axis=0)
            with gc.Session() as s:
                return s.run(y)
    assert run().tobytes() == run().tobytes()


def test_is_cpu_target_available():
    host_x86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686")
    assert gc.test.is_cpu_target_available("x86") is host_x86
    assert gc.test.is_cpu_target_available("x86_64") is host_x86
    assert gc.test.is_cpu_target_available("s390x") is False or not host_x86
    for target in ("aarch64", "arm", "ppc", "powerpc"):
        assert isinstance(gc.test.is_cpu_target_available(target), bool)
    with pytest.raises(AssertionError, match="Unknown CPU target: X86"):
        gc.test.is_cpu_target_available("X86")


# ---- mixed_precision.Policy --------------------------------------------------------------------
@pytest.mark.parametrize("name,compute,variable", [
    ("mixed_float16", "float16", "float32"), ("mixed_bfloat16", "bfloat16", "float32"),
    ("float32", "float32", "float32"), ("float64", "float64", "float64"),
    ("int32", "int32", "int32"), ("_infer", None, None)])
def test_policy(name, compute, variable):
    p = mp.Policy(name)
    assert (p.name, p.compute_dtype, p.variable_dtype) == (name, compute, variable)
    assert repr(p) == f'<Policy "{name}">' and p.get_config() == {"name": name}
    assert mp.Policy.from_config(p.get_config()).name == name


def test_policy_errors():
    with pytest.raises(ValueError, match="Cannot convert value bogus to a mixed precision"):
        mp.Policy("bogus")
    with pytest.raises(TypeError, match="not a DType. Instead, pass DType.name"):
        mp.Policy(gc.float16)
    with pytest.raises(TypeError, match="'name' must be a string, but got: 3"):
        mp.Policy(3)


def test_global_policy():
    assert repr(mp.global_policy()) == '<Policy "float32">'
    try:
        mp.set_global_policy("float32")
        assert mp.global_policy().name == "float32"
        mp.set_global_policy(mp.Policy("_infer"))
        assert mp.global_policy().name == "_infer"
        with pytest.raises(ValueError, match="only be used to set the global policy to "
                                             "floating-point policies"):
            mp.set_global_policy("int32")
        with pytest.raises(NotImplementedError, match="no bfloat16"):
            mp.set_global_policy("mixed_bfloat16")
    finally:
        mp.set_global_policy(None)
    assert mp.global_policy().name == "float32"


# ---- LossScaleOptimizer ----------------------------------------------------------------------
def _adam_run(feeds, **kwargs):
    with gc.Graph().as_default():
        w = gc.Variable(np.ones((2,), np.float32), name="w")
        x = gc.placeholder(gc.float32, (2,))
        opt = mp.LossScaleOptimizer(gc.keras.optimizers.Adam(0.1), **kwargs)
        step = opt.minimize(gc.reduce_sum(w * x), var_list=[w])
        out = []
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            for f in feeds:
                s.run(step, {x: f})
                out.append(s.run([w, opt.loss_scale, opt.dynamic_counter, opt.iterations]))
        return out


def test_dynamic_loss_scale_skips_and_grows():
    bad, good = [np.inf, 2.0], [1.0, 2.0]
    out = _adam_run([good, good, bad, good, good, good, [np.nan, 1.0]],
                    dynamic_growth_steps=3)
    scales = [float(o[1]) for o in out]
    counters = [int(o[2]) for o in out]
    assert scales == [32768.0, 32768.0, 16384.0, 16384.0, 16384.0, 32768.0, 16384.0]
    assert counters == [1, 2, 0, 1, 2, 0, 0]
    assert [int(o[3]) for o in out] == list(range(1, 8))      # skipped steps count
    np.testing.assert_array_equal(out[2][0], out[1][0])       # a skipped step: no change
    np.testing.assert_array_equal(out[6][0], out[5][0])
    # TF's values (tf_keras legacy Adam(0.1) wrapped, same feeds)
    np.testing.assert_allclose(out[3][0], [0.7090314, 0.709031], rtol=1e-5)


def test_scale_never_below_one_and_fixed_scale():
    out = _adam_run([[np.inf, 1.0]] * 3, initial_scale=2.0)
    assert [float(o[1]) for o in out] == [1.0, 1.0, 1.0]
    np.testing.assert_array_equal(out[-1][0], [1.0, 1.0])
    with gc.Graph().as_default():
        opt = mp.LossScaleOptimizer(gc.keras.optimizers.SGD(1.0), dynamic=False,
                                    initial_scale=128)
        assert opt.dynamic_counter is None and opt.initial_scale == 128.0
        w = gc.Variable(np.float32(1.0))
        scaled = opt.get_scaled_loss(3.0 * w)
        (g, _), = opt.compute_gradients(3.0 * w, [w])
        step = opt.minimize(3.0 * w, var_list=[w])
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert s.run([scaled, g]) == [384.0, 3.0]
            s.run(step)
            assert s.run(w) == -2.0


def test_loss_scale_optimizer_arguments_and_config():
    inner = gc.keras.optimizers.SGD(0.5)
    opt = mp.LossScaleOptimizer(inner)
    assert (opt.dynamic, opt.initial_scale, opt.dynamic_growth_steps) == (True, 32768.0, 2000)
    assert opt.inner_optimizer is inner and opt.get_config()["dynamic_growth_steps"] == 2000
    assert opt.get_config()["inner_optimizer"]["class_name"] == "SGD"
    again = mp.LossScaleOptimizer.from_config(opt.get_config())
    assert isinstance(again.inner_optimizer, gc.keras.optimizers.SGD)
    with pytest.raises(ValueError, match='"initial_scale" must be specified'):
        mp.LossScaleOptimizer(inner, dynamic=False)
    with pytest.raises(ValueError, match='"dynamic_growth_steps" must be None'):
        mp.LossScaleOptimizer(inner, dynamic=False, initial_scale=2, dynamic_growth_steps=5)
    with pytest.raises(TypeError, match='"inner_optimizer" must be an instance'):
        mp.LossScaleOptimizer("sgd")
    with pytest.raises(TypeError, match="cannot wrap another"):
        mp.LossScaleOptimizer(opt)


def test_unscaled_gradients_keep_none_and_slices():
    with gc.Graph().as_default():
        opt = mp.LossScaleOptimizer(gc.keras.optimizers.SGD(), initial_scale=4.0)
        sl = gc.IndexedSlices(gc.constant([[8.0, 4.0]]), gc.constant([1]), gc.constant([3, 2]))
        none, dense, sparse = opt.get_unscaled_gradients([None, gc.constant([2.0]), sl])
        assert none is None and isinstance(sparse, gc.IndexedSlices)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            d, v = s.run([dense, sparse.values])
        assert d.tolist() == [0.5] and v.tolist() == [[2.0, 1.0]]


def test_keras_fit_with_loss_scale_optimizer():
    with gc.Graph().as_default():
        model = gc.keras.Sequential([gc.keras.layers.Dense(1, input_shape=(3,))])
        opt = mp.LossScaleOptimizer(gc.keras.optimizers.SGD(0.05))
        model.compile(opt, "mse")
        x = np.random.RandomState(0).rand(32, 3).astype(np.float32)
        y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
        hist = model.fit(x, y, epochs=20, batch_size=8, verbose=0)
        assert hist.history["loss"][-1] < hist.history["loss"][0] / 2
        assert gc.keras.backend.get_value(opt.iterations) == 80


# ---- DeviceWrapper, stateless_shuffle -------------------------------------------------------
def test_device_wrapper():
    with gc.Graph().as_default():
        cell = DeviceWrapper(gc.nn.rnn_cell.GRUCell(3), "/cpu:0")
        assert (cell.state_size, cell.output_size) == (3, 3)
        x = gc.placeholder(gc.float32, (2, 4))
        z = cell.zero_state(2, gc.float32)
        assert z.name == "DeviceWrapperZeroState/GRUCellZeroState/zeros:0"
        out, state = cell(x, z)
        assert out.op.device == state.op.device == z.op.device == "/device:CPU:0"
        assert [(v.name, v.op.device) for v in gc.global_variables()][0] == \
            ("gru_cell/gates/kernel:0", "/device:CPU:0")
        lstm = DeviceWrapper(gc.nn.rnn_cell.BasicLSTMCell(2), "/device:CPU:0")
        outs, _ = gc.nn.dynamic_rnn(lstm, gc.ones((2, 5, 4)), dtype=gc.float32)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert s.run(outs).shape == (2, 5, 2)
        with pytest.raises(TypeError, match="is not an RNNCell"):
            DeviceWrapper("cell", "/cpu:0")


def test_stateless_shuffle():
    with gc.Graph().as_default():
        x = gc.constant(np.arange(24.0).reshape(6, 4))
        a = stateless_shuffle(x, seed=[1, 2])
        b = stateless_shuffle(x, seed=gc.constant([1, 2], gc.int64))
        c = stateless_shuffle(x, seed=[7, 9], alg="philox")
        s0 = stateless_shuffle(gc.constant(7), seed=[1, 2])
        strs = stateless_shuffle(gc.constant(["a", "b", "c"]), seed=[1, 1])
        assert a.name == "stateless_shuffle/StatelessShuffle:0"
        assert gc.gradients(gc.reduce_sum(a), x) == [None]
        p = gc.placeholder(gc.float32, (None, 2))
        assert stateless_shuffle(p, [1, 2]).shape.as_list() == [None, 2]
        with gc.Session() as s:
            va, vb, vc, v0, vs = s.run([a, b, c, s0, strs])
        with gc.Session() as s:
            assert (s.run(a) == va).all()
        assert sorted(va[:, 0].tolist()) == list(range(0, 24, 4))
        assert (va == vb).all() and v0 == 7 and sorted(vs.tolist()) == [b"a", b"b", b"c"]
        assert (va[:, 1:] - va[:, :1] == [1, 2, 3]).all()     # rows stay whole
        with pytest.raises(ValueError, match="Argument `alg` got unsupported value bogus"):
            stateless_shuffle(x, [1, 2], alg="bogus")
        with pytest.raises(ValueError):
            stateless_shuffle(x, [1, 2, 3])
        with pytest.raises(TypeError):
            stateless_shuffle(x, [1.0, 2.0])


def test_stateless_shuffle_is_uniform():
    with gc.Graph().as_default():
        seeds = gc.placeholder(gc.int32, (2,))
        y = stateless_shuffle(gc.range(3), seeds)
        with gc.Session() as s:
            perms = [tuple(s.run(y, {seeds: [i, 5]})) for i in range(600)]
    counts = {p: perms.count(p) for p in set(perms)}
    assert len(counts) == 6 and min(counts.values()) > 60
