"""gc.config: devices, threads and optimizer options as Session defaults."""
import numpy as np
import pytest

import graphc as gc
from graphc import config as cfg


@pytest.fixture(autouse=True)
def _restore():
    saved = {k: (dict(v) if isinstance(v, dict) else v) for k, v in cfg._STATE.items()}
    yield
    cfg._STATE.clear()
    cfg._STATE.update(saved)


def test_devices():
    cpu, = gc.config.list_physical_devices()
    assert cpu == gc.config.PhysicalDevice("/physical_device:CPU:0", "CPU")
    assert gc.config.list_physical_devices("GPU") == []
    assert gc.config.get_visible_devices() == [cpu]
    assert [d.name for d in gc.config.list_logical_devices()] == ["/device:CPU:0"]
    gc.config.set_visible_devices([cpu])
    with pytest.raises(ValueError, match="Unrecognized device"):
        gc.config.set_visible_devices([gc.config.PhysicalDevice("/physical_device:GPU:0",
                                                                "GPU")])
    assert gc.config.get_soft_device_placement() is True
    with pytest.raises(NotImplementedError, match="soft placement"):
        gc.config.set_soft_device_placement(False)


def test_logical_cpus_then_fixed_once_a_session_exists():
    cfg._STATE["sessions"] = False
    cpu, = gc.config.list_physical_devices()
    gc.config.set_logical_device_configuration(
        cpu, [gc.config.LogicalDeviceConfiguration()] * 2)
    assert [d.name for d in gc.config.list_logical_devices("CPU")] == \
        ["/device:CPU:0", "/device:CPU:1"]
    with gc.Graph().as_default():
        with gc.device("/device:CPU:1"):
            y = gc.constant(2.0) * 3.0
        with gc.Session() as s:
            assert s.run(y) == 6.0
    with pytest.raises(RuntimeError, match="cannot be modified"):
        gc.config.set_logical_device_configuration(cpu, None)


def test_threads_and_optimizer_options_are_session_defaults():
    gc.config.threading.set_intra_op_parallelism_threads(1)
    gc.config.threading.set_inter_op_parallelism_threads(3)
    assert gc.config.threading.get_inter_op_parallelism_threads() == 3
    gc.config.optimizer.set_experimental_options({"constant_folding": False,
                                                  "disable_model_pruning": True})
    assert gc.config.optimizer.get_experimental_options()["constant_folding"] is False
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2])
        y = x * (gc.constant(2.0) + 1.0)
        with gc.Session() as s:
            assert s.options.threads == 1
            assert "fold" not in s.options.passes and "prune" not in s.options.passes
            np.testing.assert_allclose(s.run(y, {x: [1.0, 2.0]}), [3.0, 6.0])
            report = s.compile(y, [x]).report(quiet=True)
        passes = [line.split()[0] for line in report.splitlines()[2:] if line.strip()]
        assert "fold" not in passes and "prune" not in passes and "simplify" in passes
        with gc.Session(config=gc.ConfigProto(intra_op_parallelism_threads=2)) as s:
            assert s.options.threads == 2               # the ConfigProto wins
        gc.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
        with gc.Session() as s:
            assert s.options.optimize is False
            np.testing.assert_allclose(s.run(y, {x: [1.0, 2.0]}), [3.0, 6.0])


def test_no_xla():
    assert gc.config.optimizer.get_jit() == ""
    gc.config.optimizer.set_jit(False)
    with pytest.raises(NotImplementedError, match="no XLA"):
        gc.config.optimizer.set_jit(True)
