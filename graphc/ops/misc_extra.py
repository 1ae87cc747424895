"""gc.guarantee_const (TF's GuaranteeConst: the identity, a promise to the compiler that
the value is constant) and gc.approx_top_k, the generic form of tf.math.approx_max_k /
approx_min_k (exact, as TF computes them on CPU; see math_ndtri.py)."""
from .core import convert_to_tensor
from .math_ndtri import _approx_k
from .registry import OpDef, apply1, register

__all__ = ["guarantee_const", "approx_top_k"]

GUARANTEE_CONST = register(OpDef(
    "GuaranteeConst", lambda ctx, x: (x.shape, x.dtype), lambda x: x,
    differentiable=False, api="guarantee_const",
    signature="guarantee_const(input, name=None)", shape_rule="same as input",
    dtypes="any", doc="The input, marked constant (no gradient, as TF)."))


def guarantee_const(input, name=None):  # noqa: A002 (TF1 name)
    """The input, promised to be constant for the graph's lifetime (TF1
    tf.guarantee_const). TF registers no gradient for it; nor does graphc.

        w = gc.guarantee_const(gc.constant([1.0, 2.0]))
    """
    return apply1(GUARANTEE_CONST, (convert_to_tensor(input),), name=name)


def approx_top_k(input, k, reduction_dimension=-1, recall_target=0.95, is_max_k=True,  # noqa: A002
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """(values, indices): the k largest (is_max_k) or smallest entries along
    reduction_dimension, best first, indices int32 (TF's raw tf.approx_top_k; exact here).

        values, idx = gc.approx_top_k(scores, 5, is_max_k=False)
    """
    return _approx_k(input, k, reduction_dimension, recall_target, aggregate_to_topk,
                     bool(is_max_k), "approx_top_k", name or "ApproxTopK")
