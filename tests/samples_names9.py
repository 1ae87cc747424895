"""Samples for the session-handle ops (graphc/ops/session_ops.py). A handle's string
names its node and a per-Session counter, so the samples check it by its device part and
read values back through GetSessionTensor in the same run (graphc stores a value when
GetSessionHandle runs); tests/test_names9.py checks the strings and lifetimes."""
import numpy as np

import graphc as gc
from graphc.ops.registry import apply, apply1
from graphc.ops.session_ops import (DELETE_SESSION_TENSOR, DEVICE, GET_SESSION_TENSOR,
                                    get_session_handle)
from samples import Sample, shape


def _read_back(x):
    return apply1(GET_SESSION_TENSOR, (get_session_handle(x),), dtype=x.dtype)


def _device_part(x):
    """[part count, whether the last part is graphc's device]."""
    parts = gc.strings.split(gc.reshape(get_session_handle(x), [1]), ";").values
    return [gc.size(parts), gc.equal(parts[-1], DEVICE)]


def _delete_then_read(x):
    h = get_session_handle(x)
    value = apply1(GET_SESSION_TENSOR, (h,), dtype=x.dtype)
    with gc.control_dependencies([value]):
        deleter = apply(DELETE_SESSION_TENSOR, (h,))
    with gc.control_dependencies([deleter]):
        return gc.identity(value)


def _floats(rng):
    return [rng.standard_normal(shape(rng)).astype(np.float32)]


SAMPLES = [
    Sample("GetSessionHandle", _device_part, _floats,
           lambda x: [np.int32(3), np.bool_(True)], grad=False),
    Sample("GetSessionTensor", _read_back, _floats, lambda x: x, grad=False, id="float32"),
    Sample("GetSessionTensor", _read_back,
           lambda rng: [rng.integers(-9, 9, size=shape(rng)).astype(np.int64)],
           lambda x: x, grad=False, id="int64"),
    Sample("DeleteSessionTensor", _delete_then_read, _floats, lambda x: x, grad=False),
]
