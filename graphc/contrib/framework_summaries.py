"""Summaries of tensors, activations and collections (tf.contrib.layers' summarize_*,
tf_slim.layers.summaries) and slim.summaries' add_*_summary helpers.

    net = slim.fully_connected(x, 10, outputs_collections="activations")
    summarize_activations()             # histogram 'fully_connected/Relu/activation', ...
    summarize_collection("variables")   # one histogram or scalar summary per variable
"""
import functools
import re

from .. import dtypes, summary
from ..graph import get_default_graph
from ..ops.graphkeys import GraphKeys

__all__ = ["summarize_tensor", "summarize_activation", "summarize_tensors",
           "summarize_collection", "summarize_variables", "summarize_weights",
           "summarize_biases", "summarize_activations"]


def _gc():
    import graphc
    return graphc


def _scalar(tensor, tag=None):
    if tensor.shape.rank != 0:
        raise ValueError(f"Shape {tensor.shape} must have rank 0 (tensor {tensor.name})")
    return summary.scalar(tag or f"{tensor.op.name}_summary", tensor)


def _histogram(tensor, tag=None):
    return summary.histogram(tag or f"{tensor.op.name}_summary", tensor)


def _fraction(condition):
    gc = _gc()
    return gc.reduce_mean(gc.cast(condition, dtypes.float32))


def summarize_activation(op):
    """A histogram summary '<op name>/activation' of the activation `op`; for a Relu,
    Relu6 or Softplus also the scalar '<op name>/zeros' (fraction of inputs below 0) and
    for a Relu6 '<op name>/sixes' (fraction above 6).

        summarize_activation(gc.nn.relu(x))
    """
    gc = _gc()
    kind, name = op.op.type, op.op.name
    if kind in ("Relu", "Softplus", "Relu6"):
        x = op.op.inputs[0]
        _scalar(_fraction(gc.less(x, gc.cast(0.0, x.dtype))), f"{name}/zeros")
    if kind == "Relu6":
        x = op.op.inputs[0]
        _scalar(_fraction(gc.greater(x, gc.cast(6.0, x.dtype))), f"{name}/sixes")
    return _histogram(op, f"{name}/activation")


def summarize_tensor(tensor, tag=None):
    """A scalar summary for a scalar tensor, else a histogram; tag defaults to
    '<op name>_summary'. None for string and bool tensors.

        summarize_tensor(loss)          # scalar 'loss_summary'
    """
    if tensor.dtype.base_dtype in (dtypes.string, dtypes.bool):
        return None
    if tensor.shape.rank == 0:
        return _scalar(tensor, tag)
    return _histogram(tensor, tag)


def summarize_tensors(tensors, summarizer=summarize_tensor):
    """[summarizer(t) for t in tensors]."""
    return [summarizer(tensor) for tensor in tensors]


def summarize_collection(collection, name_filter=None, summarizer=summarize_tensor):
    """summarize_tensors over graph collection `collection`, only the tensors whose op
    names match `name_filter` (re.match) if given.

        summarize_collection("variables", name_filter="conv")
    """
    tensors = [t for t in get_default_graph().get_collection(collection)
               if name_filter is None or re.match(name_filter, t.op.name)]
    return summarize_tensors(tensors, summarizer)


summarize_variables = functools.partial(summarize_collection, GraphKeys.GLOBAL_VARIABLES)
summarize_weights = functools.partial(summarize_collection, GraphKeys.WEIGHTS)
summarize_biases = functools.partial(summarize_collection, GraphKeys.BIASES)


def summarize_activations(name_filter=None, summarizer=summarize_activation):
    """summarize_activation over the "activations" collection."""
    return summarize_collection(GraphKeys.ACTIVATIONS, name_filter, summarizer)
