"""gc.config: TF's tf.config for one process on one CPU.

    gc.config.list_physical_devices("GPU")          # [] : graphc runs on the CPU
    gc.config.threading.set_intra_op_parallelism_threads(2)
    gc.config.optimizer.set_experimental_options({"constant_folding": False})

The settings are the defaults of the Sessions made afterwards (a ConfigProto or an
explicit gc.CompilerOptions given to a Session wins). What each one does in graphc:
- intra_op threads: the threads that run the chunks of a fused elementwise group
  (CompilerOptions.threads). inter_op threads are kept and reported, but graphc's plan
  runs one kernel at a time.
- optimizer experimental options name graphc's passes where Grappler has the same one:
  constant_folding -> fold, arithmetic_optimization -> simplify and stability,
  common_subgraph_elimination -> cse,
  remapping -> fuse, disable_model_pruning -> no prune/dce, disable_meta_optimizer -> no
  passes at all. Grappler's other options are kept and reported, with no pass to turn.
- Logical devices: a CPU may be split in several logical CPUs (ops placed on
  /device:CPU:1 run on the same CPU, as TF's virtual CPUs do); once a Session exists
  the split is fixed (RuntimeError, as TF).
- No XLA (set_jit(True) raises) and soft placement is always on: every op runs on the
  CPU whatever its device string.
"""
import collections
import types

from .function import functions_run_eagerly, run_functions_eagerly

experimental_run_functions_eagerly = run_functions_eagerly        # TF's older names
experimental_functions_run_eagerly = functions_run_eagerly

__all__ = ["PhysicalDevice", "LogicalDevice", "LogicalDeviceConfiguration",
           "list_physical_devices", "list_logical_devices", "get_visible_devices",
           "set_visible_devices", "get_logical_device_configuration",
           "set_logical_device_configuration", "get_soft_device_placement",
           "set_soft_device_placement", "threading", "optimizer", "run_functions_eagerly",
           "functions_run_eagerly", "experimental_run_functions_eagerly",
           "experimental_functions_run_eagerly", "experimental"]

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDeviceConfiguration = collections.namedtuple(
    "LogicalDeviceConfiguration",
    ["memory_limit", "experimental_priority", "experimental_device_ordinal"],
    defaults=[None, None, None])

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_STATE = {"logical": None, "intra": 0, "inter": 0, "options": {}, "sessions": False}


def list_physical_devices(device_type=None):
    """The physical devices: graphc's one CPU (none for "GPU" or "TPU")."""
    return [_CPU] if device_type in (None, "CPU") else []


def list_logical_devices(device_type=None):
    """The logical devices: /device:CPU:0, or the CPUs it was split into."""
    if device_type not in (None, "CPU"):
        return []
    n = len(_STATE["logical"] or [None])
    return [LogicalDevice(f"/device:CPU:{i}", "CPU") for i in range(n)]


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Only the CPU can be visible (it cannot be hidden: graphc has nothing else)."""
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    if any(d != _CPU for d in devices):
        raise ValueError(f"Unrecognized device: {devices!r} (graphc has one device, {_CPU})")
    if device_type in (None, "CPU") and not devices:
        raise ValueError("Cannot hide the CPU: graphc runs every op on it")


def get_logical_device_configuration(device):
    _check_device(device)
    return None if _STATE["logical"] is None else list(_STATE["logical"])


def set_logical_device_configuration(device, logical_devices):
    """Splits the CPU into len(logical_devices) logical CPUs (before any Session)."""
    _check_device(device)
    if _STATE["sessions"]:
        raise RuntimeError("Virtual devices cannot be modified after being initialized")
    _STATE["logical"] = None if logical_devices is None else list(logical_devices)


def _check_device(device):
    if device != _CPU:
        raise ValueError(f"Unrecognized device: {device!r}")


def get_soft_device_placement():
    return True


def set_soft_device_placement(enabled):
    if not enabled:
        raise NotImplementedError("graphc places every op on the CPU whatever its device "
                                  "string: soft placement cannot be turned off")


def _set_intra(num_threads):
    _STATE["intra"] = int(num_threads)


def _set_inter(num_threads):
    _STATE["inter"] = int(num_threads)


threading = types.ModuleType("graphc.config.threading", "tf.config.threading")
threading.get_intra_op_parallelism_threads = lambda: _STATE["intra"]
threading.set_intra_op_parallelism_threads = _set_intra
threading.get_inter_op_parallelism_threads = lambda: _STATE["inter"]
threading.set_inter_op_parallelism_threads = _set_inter


def _get_options():
    return dict(_STATE["options"], disable_model_pruning=_STATE["options"].get(
        "disable_model_pruning", False), disable_meta_optimizer=_STATE["options"].get(
        "disable_meta_optimizer", False))


def _set_options(options):
    _STATE["options"].update(options)


def _set_jit(enabled):
    if enabled:
        raise NotImplementedError("graphc has no XLA: its compiler is always on "
                                  "(gc.CompilerOptions), and set_jit can only be False")


optimizer = types.ModuleType("graphc.config.optimizer", "tf.config.optimizer")
optimizer.get_jit = lambda: ""
optimizer.set_jit = _set_jit
optimizer.get_experimental_options = _get_options
optimizer.set_experimental_options = _set_options


def session_defaults():
    """The CompilerOptions changes these settings make for a new Session."""
    _STATE["sessions"] = True
    opts, changes = _STATE["options"], {}
    if _STATE["intra"]:
        changes["threads"] = _STATE["intra"]
    from .config_proto import optimizer_changes
    changes.update(optimizer_changes(opts))
    return changes


from . import config_experimental as experimental  # noqa: E402 (tf.config.experimental)
