"""The gradient accumulator ops (TF1's data_flow_ops). A handle op makes the accumulator
in the Session on first use and outputs its handle, a string scalar (TF: a resource or
a string ref); the other ops take the handle first and find the accumulator's contents
in session._op_state (accumulator_state.py) under it.

    ResourceConditionalAccumulator() -> handle          SparseConditionalAccumulator()
    ResourceAccumulatorApplyGradient(h, local_step, g)   SparseAccumulatorApplyGradient(
                                                           h, local_step, indices, values,
                                                           shape)
    ResourceAccumulatorTakeGradient(h, n) -> mean        SparseAccumulatorTakeGradient(h, n)
                                                           -> indices, values, shape
    ResourceAccumulatorNumAccumulated(h) -> int32        AccumulatorNumAccumulated(h)
    ResourceAccumulatorSetGlobalStep(h, step)            AccumulatorSetGlobalStep(h, step)
"""
import numpy as np

from .. import dtypes, errors
from ..shapes import InferError, TensorShape
from .accumulator_state import DenseAccumulatorState, SparseAccumulatorState
from .queue_ops import fail
from .queue_state import state_of
from .registry import OpDef, register

__all__ = []


def handle_key(handle):
    h = handle.item() if isinstance(handle, np.ndarray) else handle
    return ("accumulator", h.decode() if isinstance(h, bytes) else h)


def accumulator_of(rt, handle):
    st = rt.session._op_state.get(handle_key(handle))
    if st is None:
        fail(rt, errors.NotFoundError(f"no accumulator with handle "
                                      f"{handle_key(handle)[1]!r} in this Session"))
    return st


def _need(t, i, dtype, what, rank=0):
    if t.dtype is not dtype or (rank is not None and t.shape.rank not in (None, rank)):
        want = "a scalar" if rank == 0 else "a tensor"
        raise InferError(f"{what} must be {want} of {dtype.name}, not {{{i}}} of "
                         f"{t.dtype.name} {t.shape}", "dtype")


def _need_handle(h):
    _need(h, 0, dtypes.string, "an accumulator handle (accumulator_ref)")


def _run(rt, fn, *args):
    """fn(*args), its OpError re-raised naming the node."""
    try:
        return fn(*args)
    except errors.OpError as e:
        fail(rt, e)


# ---- the handle ops --------------------------------------------------------------------
def _infer_handle(ctx, *, dtype, shape, shared_name, reduction_type):
    return (), dtypes.string


def _handle_kernel(rt, *, dtype, shape, shared_name, reduction_type):
    handle = shared_name or rt.node.name
    kind = SparseAccumulatorState if rt.node.type == "SparseConditionalAccumulator" \
        else DenseAccumulatorState
    state_of(rt, handle_key(handle), lambda: kind(dtype.np, shape, reduction_type))
    return np.array(handle.encode(), dtype=object)


def _handle_op(name, api, doc):
    return register(OpDef(
        name, _infer_handle, _handle_kernel, uses_state=True, stateful=True,
        differentiable=False, api=api, signature=f"{api}(dtype, shape=None, shared_name="
                                                 "None, name=None, reduction_type='MEAN')",
        shape_rule="() string (TF: a resource)", dtypes="string", doc=doc))


CONDITIONAL_ACCUMULATOR = _handle_op(
    "ResourceConditionalAccumulator", "ConditionalAccumulator",
    "A conditional accumulator of dense gradients; its handle.")
SPARSE_CONDITIONAL_ACCUMULATOR = _handle_op(
    "SparseConditionalAccumulator", "SparseConditionalAccumulator",
    "A conditional accumulator of sparse (IndexedSlices) gradients; its handle.")


# ---- apply ------------------------------------------------------------------------------
def _infer_apply(ctx, handle, local_step, grad, *, dtype):
    _need_handle(handle)
    _need(local_step, 1, dtypes.int64, "local_step")
    _need(grad, 2, dtype, "the gradient", rank=None)
    return []


def _apply_kernel(rt, handle, local_step, grad, *, dtype):
    _run(rt, accumulator_of(rt, handle).apply, int(local_step), np.asarray(grad))
    return ()


def _infer_sparse_apply(ctx, handle, local_step, indices, values, shape, *, dtype,
                        has_known_shape):
    _need_handle(handle)
    _need(local_step, 1, dtypes.int64, "local_step")
    _need(indices, 2, dtypes.int64, "gradient_indices", rank=None)
    _need(values, 3, dtype, "gradient_values", rank=None)
    _need(shape, 4, dtypes.int64, "gradient_shape", rank=None)
    return []


def _sparse_apply_kernel(rt, handle, local_step, indices, values, shape, *, dtype,
                         has_known_shape):
    _run(rt, accumulator_of(rt, handle).apply, int(local_step), np.asarray(indices),
         np.asarray(values), np.asarray(shape).ravel() if has_known_shape else None)
    return ()


APPLY_GRADIENT = register(OpDef(
    "ResourceAccumulatorApplyGradient", _infer_apply, _apply_kernel, uses_state=True,
    stateful=True, differentiable=False, api="ConditionalAccumulator.apply_grad",
    signature="accumulator.apply_grad(grad, local_step=0, name=None)",
    shape_rule="handle, () int64, gradient -> no outputs", dtypes="float16/32/64",
    doc="Adds a gradient to the accumulator, unless local_step < its global step."))
SPARSE_APPLY_GRADIENT = register(OpDef(
    "SparseAccumulatorApplyGradient", _infer_sparse_apply, _sparse_apply_kernel,
    uses_state=True, stateful=True, differentiable=False,
    api="SparseConditionalAccumulator.apply_grad",
    signature="accumulator.apply_grad(grad_indices, grad_values, grad_shape=None, "
              "local_step=0, name=None)",
    shape_rule="handle, () int64, (n,) int64, (n, ...), (r,) int64 -> no outputs",
    dtypes="float16/32/64",
    doc="Adds sparse gradient rows to the accumulator, unless local_step is stale."))


# ---- take -----------------------------------------------------------------------------
def _infer_take(ctx, handle, num_required, *, dtype, shape):
    _need_handle(handle)
    _need(num_required, 1, dtypes.int32, "num_required")
    return TensorShape(shape), dtype


def _take_kernel(rt, handle, num_required, *, dtype, shape):
    return _run(rt, accumulator_of(rt, handle).take, int(num_required))


def _infer_sparse_take(ctx, handle, num_required, *, dtype):
    _need_handle(handle)
    _need(num_required, 1, dtypes.int32, "num_required")
    unknown = TensorShape(None)         # TF's static shapes, too
    return [(unknown, dtypes.int64), (unknown, dtype), (unknown, dtypes.int64)]


def _sparse_take_kernel(rt, handle, num_required, *, dtype):
    return _run(rt, accumulator_of(rt, handle).take, int(num_required))


TAKE_GRADIENT = register(OpDef(
    "ResourceAccumulatorTakeGradient", _infer_take, _take_kernel, uses_state=True,
    stateful=True, differentiable=False, api="ConditionalAccumulator.take_grad",
    signature="accumulator.take_grad(num_required, name=None)",
    shape_rule="handle, () int32 -> the accumulator's shape", dtypes="float16/32/64",
    doc="Waits for num_required gradients; their mean (or sum). Resets the sum and adds "
        "1 to the global step."))
SPARSE_TAKE_GRADIENT = register(OpDef(
    "SparseAccumulatorTakeGradient", _infer_sparse_take, _sparse_take_kernel,
    uses_state=True, stateful=True, differentiable=False,
    api="SparseConditionalAccumulator.take_grad",
    signature="accumulator.take_grad(num_required, name=None)",
    shape_rule="handle, () int32 -> indices, values, shape (unknown shapes, as TF)",
    dtypes="int64, float16/32/64, int64",
    doc="Waits for num_required sparse gradients; their rows averaged per index."))


# ---- num_accumulated, set_global_step ----------------------------------------------------
def _infer_num(ctx, handle):
    _need_handle(handle)
    return (), dtypes.int32


def _num_kernel(rt, handle):
    return np.asarray(accumulator_of(rt, handle).num_accumulated(), np.int32)


def _infer_set_step(ctx, handle, step):
    _need_handle(handle)
    _need(step, 1, dtypes.int64, "new_global_step")
    return []


def _set_step_kernel(rt, handle, step):
    accumulator_of(rt, handle).set_global_step(int(step))
    return ()


def _num_op(name, api):
    return register(OpDef(
        name, _infer_num, _num_kernel, uses_state=True, stateful=True,
        differentiable=False, api=api, signature="accumulator.num_accumulated(name=None)",
        shape_rule="handle -> () int32", dtypes="int32",
        doc="How many gradients the accumulator holds."))


def _set_step_op(name, api):
    return register(OpDef(
        name, _infer_set_step, _set_step_kernel, uses_state=True, stateful=True,
        differentiable=False, api=api,
        signature="accumulator.set_global_step(new_global_step, name=None)",
        shape_rule="handle, () int64 -> no outputs", dtypes="-",
        doc="Sets the accumulator's global step (gradients older than it are dropped)."))


NUM_ACCUMULATED = _num_op("ResourceAccumulatorNumAccumulated",
                          "ConditionalAccumulator.num_accumulated")
SPARSE_NUM_ACCUMULATED = _num_op("AccumulatorNumAccumulated",
                                 "SparseConditionalAccumulator.num_accumulated")
SET_GLOBAL_STEP = _set_step_op("ResourceAccumulatorSetGlobalStep",
                               "ConditionalAccumulator.set_global_step")
SPARSE_SET_GLOBAL_STEP = _set_step_op("AccumulatorSetGlobalStep",
                                      "SparseConditionalAccumulator.set_global_step")
