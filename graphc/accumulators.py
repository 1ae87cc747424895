"""TF1's gradient accumulators (tf.ConditionalAccumulator,
tf.SparseConditionalAccumulator): gather gradients from several workers (threads here),
drop stale ones, hand out their average once enough arrived.

    acc = gc.ConditionalAccumulator(gc.float32, shape=[2])
    apply = acc.apply_grad([1., 3.], local_step=0)
    with gc.Session() as sess:
        sess.run(apply); sess.run(apply)
        sess.run(acc.take_grad(2))          # [1., 3.]: the mean of the two

The contents live in each Session (as a queue's do); a take_grad run waits for the
gradients that other threads apply, and fails with CancelledError when the Session
closes.
"""
import collections

from . import dtypes as _dtypes
from .graph import get_default_graph
from .indexed_slices import IndexedSlices
from .ops import accumulators as A
from .ops.core import convert_to_tensor
from .ops.elementwise import cast
from .ops.registry import apply, apply1
from .shapes import TensorShape, as_shape

__all__ = ["ConditionalAccumulatorBase", "ConditionalAccumulator",
           "SparseConditionalAccumulator"]

_REDUCTIONS = ("MEAN", "SUM")
_FLOATS = (_dtypes.float16, _dtypes.float32, _dtypes.float64)

SparseAccumulatorTakeGradient = collections.namedtuple(
    "SparseAccumulatorTakeGradient", ["indices", "values", "shape"])


def _int64(t):
    t = convert_to_tensor(t)
    return t if t.dtype is _dtypes.int64 else cast(t, _dtypes.int64)


def _handle(op, dtype, shape, shared_name, name, reduction_type):
    if reduction_type not in _REDUCTIONS:
        raise ValueError(f"Attr 'reduction_type' of '{op.name}' Op passed string "
                         f"'{reduction_type}' not in: \"MEAN\", \"SUM\".")
    if dtype not in _FLOATS:
        raise TypeError(f"{op.api}: dtype {dtype.name} has no kernel (TF registers the "
                        "accumulators for float16, float32 and float64 only)")
    dims = None if shape._dims is None else tuple(shape._dims)
    with get_default_graph().control_dependencies(None):     # TF1's init_scope
        return apply1(op, (), name=name, dtype=dtype, shape=dims,
                      shared_name=shared_name or "", reduction_type=reduction_type)


class ConditionalAccumulatorBase:
    """What both accumulators share (TF1 tf.ConditionalAccumulatorBase): the handle,
    num_accumulated and set_global_step."""

    _NUM, _SET_STEP = A.NUM_ACCUMULATED, A.SET_GLOBAL_STEP

    def __init__(self, dtype, shape, accumulator_ref):
        self._dtype = dtype
        self._shape = as_shape(shape) if shape is not None else TensorShape(None)
        self._accumulator_ref = accumulator_ref
        self._name = accumulator_ref.node.name.split("/")[-1]

    @property
    def accumulator_ref(self):
        """The accumulator's handle: a string scalar tensor (TF1: a resource)."""
        return self._accumulator_ref

    @property
    def name(self):
        """The name of the handle node."""
        return self._accumulator_ref.node.name

    @property
    def dtype(self):
        return self._dtype

    def num_accumulated(self, name=None):
        """int32 scalar: how many gradients were applied since the last take_grad.

            n = acc.num_accumulated()"""
        return apply1(self._NUM, (self._accumulator_ref,),
                      name=name or f"{self._name}_NumAccumulated")

    def set_global_step(self, new_global_step, name=None):
        """The op setting the global step: gradients with a smaller local_step are
        dropped from then on (TF1 sets it even when it goes down).

            sess.run(acc.set_global_step(step))"""
        return apply(self._SET_STEP, (self._accumulator_ref, _int64(new_global_step)),
                     name=name)


class ConditionalAccumulator(ConditionalAccumulatorBase):
    """An accumulator of dense gradients (TF1 tf.ConditionalAccumulator; reduction_type
    "MEAN" averages, "SUM" sums). dtype: float16, float32 or float64.

        acc = gc.ConditionalAccumulator(gc.float32, shape=[3], reduction_type="SUM")
    """

    def __init__(self, dtype, shape=None, shared_name=None,
                 name="conditional_accumulator", reduction_type="MEAN"):
        dtype = _dtypes.as_dtype(dtype)
        shape = TensorShape(None) if shape is None else as_shape(shape)
        ref = _handle(A.CONDITIONAL_ACCUMULATOR, dtype, shape, shared_name, name,
                      reduction_type)
        super().__init__(dtype, shape, ref)

    def apply_grad(self, grad, local_step=0, name=None):
        """The op adding `grad` (converted to the accumulator's dtype; its shape must fit),
        unless local_step (cast to int64) is below the accumulator's global step.

            sess.run(acc.apply_grad(g, local_step=step))"""
        grad = convert_to_tensor(grad, dtype=self._dtype)
        grad.shape.assert_is_compatible_with(self._shape)
        return apply(A.APPLY_GRADIENT, (self._accumulator_ref, _int64(local_step), grad),
                     name=name, dtype=self._dtype)

    def take_grad(self, num_required, name=None):
        """The average (or sum) of the gradients once num_required (int32) arrived; a
        run waits until then, then clears the accumulator and adds 1 to its global step.

            mean_grad = acc.take_grad(2)"""
        n = convert_to_tensor(num_required, dtype=_dtypes.int32)
        dims = None if self._shape._dims is None else tuple(self._shape._dims)
        return apply1(A.TAKE_GRADIENT, (self._accumulator_ref, n), name=name,
                      dtype=self._dtype, shape=dims)


class SparseConditionalAccumulator(ConditionalAccumulatorBase):
    """An accumulator of sparse gradients (TF1 tf.SparseConditionalAccumulator): rows
    with the same index are summed and, with "MEAN", divided by how many gradients
    gave that row.

        acc = gc.SparseConditionalAccumulator(gc.float32, shape=[10, 4])
        sess.run(acc.apply_grad([0, 3], [[1., 1., 1., 1.], [2., 2., 2., 2.]]))
    """

    _NUM, _SET_STEP = A.SPARSE_NUM_ACCUMULATED, A.SPARSE_SET_GLOBAL_STEP

    def __init__(self, dtype, shape=None, shared_name=None,
                 name="sparse_conditional_accumulator", reduction_type="MEAN"):
        dtype = _dtypes.as_dtype(dtype)
        shape = TensorShape(None) if shape is None else as_shape(shape)
        ref = _handle(A.SPARSE_CONDITIONAL_ACCUMULATOR, dtype, shape, shared_name, name,
                      reduction_type)
        super().__init__(dtype, shape, ref)

    def apply_indexed_slices_grad(self, grad, local_step=0, name=None):
        """apply_grad of an IndexedSlices (its dense_shape as grad_shape)."""
        return self.apply_grad(grad.indices, grad.values, grad_shape=grad.dense_shape,
                               local_step=local_step, name=name)

    def apply_grad(self, grad_indices, grad_values, grad_shape=None, local_step=0,
                   name=None):
        """The op adding rows grad_values at grad_indices (cast to int64); grad_shape,
        when given, is checked against the accumulator's shape at run time.

            sess.run(acc.apply_grad([1, 4], rows, local_step=step))"""
        values = convert_to_tensor(grad_values, dtype=self._dtype)
        shape = _int64([] if grad_shape is None else grad_shape)
        return apply(A.SPARSE_APPLY_GRADIENT,
                     (self._accumulator_ref, _int64(local_step), _int64(grad_indices),
                      values, shape),
                     name=name, dtype=self._dtype, has_known_shape=grad_shape is not None)

    def take_grad(self, num_required, name=None):
        """(indices, values, shape) of the accumulated rows once num_required gradients
        arrived: a namedtuple, as TF1's. shape[0] is the accumulator's dim 0 (-1 when
        unknown), the rest the rows' dims.

            indices, values, shape = acc.take_grad(2)"""
        n = convert_to_tensor(num_required, dtype=_dtypes.int32)
        node = apply(A.SPARSE_TAKE_GRADIENT, (self._accumulator_ref, n), name=name,
                     dtype=self._dtype)
        return SparseAccumulatorTakeGradient(*node.outputs)

    def take_indexed_slices_grad(self, num_required, name=None):
        """take_grad as an IndexedSlices(values, indices, dense_shape).

            g = acc.take_indexed_slices_grad(2)"""
        indices, values, shape = self.take_grad(num_required, name=name)
        return IndexedSlices(values, indices, shape)
