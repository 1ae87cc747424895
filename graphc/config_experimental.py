"""gc.config.experimental: TF 2.x's tf.config.experimental, as TF answers on a machine
with one CPU and no GPU (the GPU set-up lines of TF1-era scripts run unchanged).

    gpus = gc.config.experimental.list_physical_devices("GPU")      # []
    for gpu in gpus:                                                # nothing to do
        gc.config.experimental.set_memory_growth(gpu, True)
    gc.config.experimental.get_memory_info("CPU:0")     # {'current': 0, 'peak': 0}

What each setting means in graphc:
- memory growth is a GPU setting: on the CPU TF raises (ValueError to set it, KeyError to
  read it), and so does graphc. Memory info of the CPU is 0/0, as TF reports it for
  its CPU allocator without memory statistics (graphc does not count its arrays).
- the device policy, synchronous execution and TensorFloat-32 are kept and reported:
  graphc places everything on the CPU, runs synchronously and computes float32 in
  float32 whatever they say.
- enable_op_determinism is recorded (is_op_determinism_enabled() reports it,
  TF's internal name); graphc's
  kernels are deterministic already: the same graph, feeds and seeds give the same bits
  (threads split fused elementwise groups into disjoint chunks, and reductions run in
  numpy's fixed order). Random ops without a seed still differ between graphs, as in TF.
"""
from . import config as _config
from .config import (LogicalDeviceConfiguration, PhysicalDevice, get_visible_devices,
                     list_logical_devices, list_physical_devices, set_visible_devices)
from .device_spec import DeviceSpec

VirtualDeviceConfiguration = LogicalDeviceConfiguration            # TF's older name
get_virtual_device_configuration = _config.get_logical_device_configuration
set_virtual_device_configuration = _config.set_logical_device_configuration

__all__ = ["list_physical_devices", "list_logical_devices", "get_visible_devices",
           "set_visible_devices", "get_memory_growth", "set_memory_growth",
           "get_memory_info", "get_memory_usage", "reset_memory_stats",
           "get_virtual_device_configuration", "set_virtual_device_configuration",
           "VirtualDeviceConfiguration", "get_device_policy", "set_device_policy",
           "get_synchronous_execution", "set_synchronous_execution",
           "enable_tensor_float_32_execution", "tensor_float_32_execution_enabled",
           "enable_op_determinism", "is_op_determinism_enabled", "get_device_details"]

_POLICIES = ("explicit", "warn", "silent", "silent_for_int32")
_STATE = {"policy": "silent", "sync": True, "tf32": True, "determinism": False}


def _known(device):
    if device not in list_physical_devices():
        raise ValueError(f"Unrecognized device: {device!r}")


def get_memory_growth(device):
    """Whether memory growth is on for a GPU; graphc has none, and for the CPU TF
    raises KeyError (the CPU has no such setting), as graphc does.

        gc.config.experimental.get_memory_growth(gpu)
    """
    _known(device)
    raise KeyError(device)


def set_memory_growth(device, enable):
    """Memory growth of a GPU (ValueError for the CPU, TF's message).

        for gpu in gc.config.experimental.list_physical_devices("GPU"):
            gc.config.experimental.set_memory_growth(gpu, True)
    """
    _known(device)
    raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")


def _logical(device):
    """Checks a device string ('CPU:0', '/device:CPU:0', '' for the default) as TF."""
    if not isinstance(device, str):
        raise TypeError(f"device must be a device string such as 'CPU:0', got "
                        f"{type(device).__name__} {device!r}")
    if not device:
        return
    spec = DeviceSpec.from_string(device)
    if spec.device_type is None or spec.device_index is None:
        raise ValueError(f"Failed parsing device name: '{device}'. Note a valid device "
                         f"string should at least contain a device type and a device "
                         f"index, like \"GPU:0\".")
    name = f"/device:{spec.device_type}:{spec.device_index}"
    if name not in [d.name for d in list_logical_devices()]:
        raise ValueError(f"No matching devices found for '{device}'")


def get_memory_info(device):
    """{'current': bytes, 'peak': bytes} of a device: 0 and 0 for the CPU, as TF's
    CPU allocator reports (graphc does not count its numpy arrays).

        gc.config.experimental.get_memory_info("CPU:0")["peak"]        # 0
    """
    _logical(device)
    return {"current": 0, "peak": 0}


def get_memory_usage(device):
    """Deprecated in TF: get_memory_info(device)['current'] (0 on the CPU)."""
    return get_memory_info(device)["current"]


def reset_memory_stats(device):
    """Resets the peak memory of a device (nothing to reset on the CPU: returns None)."""
    _logical(device)


def get_device_details(device):
    """A dict of facts about a physical device: {} for the CPU, as TF.

        gc.config.experimental.get_device_details(gc.config.list_physical_devices()[0])
    """
    if not isinstance(device, PhysicalDevice):
        raise ValueError(f"device must be a tf.config.PhysicalDevice, but got: {device}")
    _known(device)
    return {}


def get_device_policy():
    """The device placement policy: 'silent' unless set (kept; graphc copies nothing)."""
    return _STATE["policy"]


def set_device_policy(device_policy):
    """One of 'explicit', 'warn', 'silent', 'silent_for_int32', or None ('silent').

        gc.config.experimental.set_device_policy("warn")
    """
    if device_policy is None:
        device_policy = "silent"
    if device_policy not in _POLICIES:
        raise ValueError(f"Invalid argument `device_policy`: {device_policy!r}. Please "
                         f"refer to https://www.tensorflow.org/api_docs/python/tf/config/"
                         f"experimental/set_device_policy for valid `device_policy` "
                         f"arguments.")
    _STATE["policy"] = device_policy


def get_synchronous_execution():
    """True unless set (kept: a Session.run returns when its fetches are computed)."""
    return _STATE["sync"]


def set_synchronous_execution(enable):
    _STATE["sync"] = bool(enable)


def tensor_float_32_execution_enabled():
    """True unless disabled, as TF (graphc computes float32 in float32 either way)."""
    return _STATE["tf32"]


def enable_tensor_float_32_execution(enabled):
    """Kept and reported; there is no TensorFloat-32 hardware to turn on or off."""
    _STATE["tf32"] = bool(enabled)


def enable_op_determinism():
    """Asks for deterministic ops. graphc's kernels are deterministic already (same
    graph, feeds and seeds: same bits), so this records the request only.

        gc.config.experimental.enable_op_determinism()
        gc.set_random_seed(1)                   # seeds make random ops repeatable
    """
    _STATE["determinism"] = True


def is_op_determinism_enabled():
    """Whether enable_op_determinism was called (TF's config.is_op_determinism_enabled)."""
    return _STATE["determinism"]
