"""Device strings as TF1 reads, merges and writes them (tf.DeviceSpec). graphc runs every
node on one CPU with numpy, but it records each node's device (Operation.device) and
exports it, so the strings are TF1's: `gc.device("/cpu:0")` records "/device:CPU:0",
and nested scopes merge field by field, the inner one winning.

    gc.DeviceSpec.from_string("/job:ps/gpu:1").to_string()   # "/job:ps/device:GPU:1"
"""
__all__ = ["DeviceSpec"]

_DEVICE_TYPES = frozenset({"CPU", "GPU", "TPU", "CUSTOM", "EPU"})
FIELDS = ("job", "replica", "task", "device_type", "device_index")


def parse(spec):
    """{field: value} of a device string as TF's DeviceSpec reads it ('/job:ps/task:0',
    '/gpu:1', '/device:CPU:*'); fields not named are absent."""
    out = {}
    for part in (spec or "").split("/"):
        y = part.split(":")
        if y == [""]:
            continue
        if len(y) == 2 and y[0] in ("job", "replica", "task"):
            out[y[0]] = y[1] if y[0] == "job" else int(y[1])
        elif len(y) in (1, 2) and y[0].upper() in _DEVICE_TYPES or \
                len(y) == 3 and y[0] == "device":
            if "device_type" in out:
                raise ValueError("Multiple device types are not allowed while parsing the "
                                 f"device spec: {spec}.")
            kind, index = (y[0].upper(), y[1:]) if len(y) < 3 else (y[1], y[2:])
            out["device_type"] = kind
            if index and index[0] != "*":
                out["device_index"] = int(index[0])
        elif y[0] != "":
            raise ValueError(f"Unknown attribute '{y[0]}' is encountered while parsing the "
                             f"device spec: '{spec}'.")
    return out


def to_string(fields):
    """TF's DeviceSpec.to_string: /job:J/replica:R/task:T/device:TYPE:INDEX."""
    out = ""
    for name in ("job", "replica", "task"):
        if name in fields:
            out += f"/{name}:{fields[name]}"
    if "device_type" in fields:
        out += f"/device:{fields['device_type']}:{fields.get('device_index', '*')}"
    return out


def merge(outer, inner):
    """The device string of `inner` with the fields it leaves out taken from `outer`
    (how TF1 merges nested device scopes)."""
    return to_string({**parse(outer), **parse(inner)})


def place(scopes, node):
    """node's device under the device scopes (outermost first), as TF1 places it: from
    the innermost out, a string fills the fields still unset, a function maps the device
    so far (set on the node) to a new one, and None stops."""
    node.device = ""
    for spec in reversed(scopes):
        if spec is None:
            break
        if callable(spec):
            spec = spec(node) or ""
            spec = spec.to_string() if hasattr(spec, "to_string") else spec
            node.device = merge("", spec)
        else:
            node.device = merge(spec, node.device)
    return node.device


class DeviceSpec:
    """TF's tf.DeviceSpec: job, replica, task, device_type, device_index (None where not
    set); from_string, to_string, make_merged_spec, replace, merge_from."""

    def __init__(self, job=None, replica=None, task=None, device_type=None,
                 device_index=None):
        self.job, self.replica, self.task = job, replica, task
        self.device_type = device_type.upper() if isinstance(device_type, str) and \
            device_type.upper() in _DEVICE_TYPES else device_type
        self.device_index = device_index

    def _fields(self):
        return {k: getattr(self, k) for k in FIELDS if getattr(self, k) is not None}

    @classmethod
    def from_string(cls, spec):
        return cls(**parse(spec))

    def to_string(self):
        return to_string(self._fields())

    def make_merged_spec(self, dev):
        """A new spec: this one with the fields `dev` sets replaced by dev's."""
        return DeviceSpec(**{**self._fields(), **dev._fields()})

    def merge_from(self, dev):
        """Set the fields `dev` sets (TF1's in-place merge)."""
        for k, v in dev._fields().items():
            setattr(self, k, v)

    def replace(self, **kwargs):
        return DeviceSpec(**{**self._fields(), **kwargs})

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return f"<DeviceSpec '{self.to_string()}'>"
