"""The helpers gc.layers' functions share (graphc/layers.py, layers_conv.py,
normalization.py): a layer call's scopes, input and argument checks (Keras'
normalize_tuple and normalize_data_format), the training switch (smart_cond), and the
bias, activation and activity regularizer every layer ends with."""
import contextlib

import numpy as np

from . import errors
from .graph import Tensor, name_scope
from .ops.array import as_int, shape as shape_of
from .ops.control import cond, init_scope
from .ops.core import convert_to_tensor
from .ops.elementwise import cast
from .ops.graphkeys import GraphKeys, add_to_collection
from .ops.nn import bias_add
from .ops.registry import constant_value
from .ops.scope import VariableScope, variable_scope
from .ops.varstore import get_variable


@contextlib.contextmanager
def _layer_scope(name, base_name, reuse=None, scope_is_name=True):
    """The scopes of one call of a TF1 layer: the variable scope its constructor captures
    (`name` for dense and conv2d, else a unique default name), entered again with `reuse`,
    and that scope's first name scope for the ops. A VariableScope `name` is a layer
    object's captured scope (layers_classes.py), entered as it is."""
    if isinstance(name, VariableScope):
        captured = name
    elif name is not None and scope_is_name:
        with variable_scope(name) as captured:
            pass
    elif reuse:
        with variable_scope(name or base_name) as captured:
            pass
    else:
        with variable_scope(None, default_name=name or base_name) as captured:
            pass
    with variable_scope(captured, reuse=reuse, auxiliary_name_scope=False) as scope:
        with name_scope(scope.original_name_scope):
            yield scope


def _float_input(inputs, layer):
    x = convert_to_tensor(inputs)
    if not x.dtype.is_floating:
        raise errors.DTypeError(f"Unable to build `{layer}` layer with non-floating point "
                                f"dtype {x.dtype.name}\n  " + errors.describe_tensor(x, "inputs"))
    return x


def _known(x, axis, layer, what):
    """The size of x's dim `axis` (a bound named dim counts); an error if unknown."""
    d = x.graph.dims.resolve(x.shape._dims[axis])
    if d is None:
        raise errors.ShapeError(f"The {what} dimension of the inputs to `{layer}` should be "
                                f"defined. Found `None`.\n  " + errors.describe_tensor(x, "inputs"))
    return d


def _rank(x, layer, want=None, at_least=None):
    r = x.shape.rank
    if r is None or want is not None and r != want or at_least is not None and r < at_least:
        need = f"ndim={want}" if want is not None else f"min_ndim={at_least}"
        raise errors.ShapeError(f"Input 0 of layer {layer} is incompatible with the layer: "
                                f"expected {need}, found ndim={r}\n  "
                                + errors.describe_tensor(x, "inputs"))
    return r


def _positive_int(v, what, layer):
    v = as_int(v)                          # numpy ints, TF1's x.shape[i] (a Dimension)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{layer}: {what} must be a positive int, got {v!r}")
    return int(v)


def _pair(v, what, layer):
    """(a, b) from an int or a pair of ints (Keras normalize_tuple)."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = (v, v)
    try:
        v = tuple(_positive_int(d, what, layer) for d in v)
    except TypeError:
        v = ()
    if len(v) != 2:
        raise ValueError(f"{layer}: the `{what}` argument must be an int or a tuple of 2 "
                         f"positive integers. Received: {v!r}")
    return v


def _format(data_format, layer):
    """NHWC or NCHW; None means channels_last and case does not count (TF1 Keras)."""
    fmt = {"channels_last": "NHWC", "channels_first": "NCHW"}.get(
        "channels_last" if data_format is None else str(data_format).lower())
    if fmt is None:
        raise ValueError(f"{layer}: data_format must be 'channels_last' or 'channels_first', "
                         f"not {data_format!r}")
    return fmt


def _padding(padding, layer):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{layer}: padding must be 'valid' or 'same', not {padding!r}")
    return padding.upper()


def _causal(x, padding, rank, time_axis, kernel, dilation, layer):
    """(x, padding for the op): for padding 'causal' (1-D convolutions only, as Keras),
    x left-padded on its time axis so that output t sees no input after t, and 'VALID'."""
    if not (isinstance(padding, str) and padding.lower() == "causal"):
        return x, _padding(padding, layer)
    if rank != 1:
        raise ValueError("Causal padding is only supported for `Conv1D`and "
                         "`SeparableConv1D`.")
    from .ops.array import pad
    paddings = [[0, 0]] * 3
    paddings[time_axis] = [dilation * (kernel - 1), 0]
    return pad(x, paddings), "VALID"


def _static_bool(training, layer):
    """`training` as True or False when known now (a Python bool, 0 or 1, or a tensor
    with a constant value: TF1's smart_cond), None when only a run decides."""
    if isinstance(training, Tensor):
        value = constant_value(training)
        return None if value is None else bool(value)
    if isinstance(training, (bool, np.bool_, int, np.integer)) and training in (0, 1):
        return bool(training)
    raise TypeError(f"{layer}: training must be a Python bool (or 1 or 0) or a bool "
                    f"tensor, not {training!r}")


def _smart_cond(static, pred, true_fn, false_fn):
    """true_fn() or false_fn() when `static` decides, else gc.cond(pred, ...)."""
    if static is None:
        return cond(pred, true_fn, false_fn)
    return true_fn() if static else false_fn()


def layer_variable(name, shape, dtype, initializer, regularizer, trainable=True,
                   constraint=None):
    """A layer's variable as TF1's tf.layers makes it: get_variable in the layer's scope
    (the scope's default regularizer applies, as to any variable), then the layer's own
    regularizer, once, when the variable is made: a weight in a variable_scope with a
    regularizer gets both losses.

        kernel = layer_variable("kernel", [3, 4], gc.float32, None, l2, trainable=True)
    """
    from .graph import get_default_graph
    initializer, regularizer = by_name(initializer, "initializers"), \
        by_name(regularizer, "regularizers")
    graph = get_default_graph()
    before = len(graph.get_collection(GraphKeys.GLOBAL_VARIABLES))
    v = get_variable(name, shape, dtype, initializer, trainable=trainable,
                     constraint=constraint)
    if regularizer is not None and \
            len(graph.get_collection(GraphKeys.GLOBAL_VARIABLES)) > before:
        scope = graph.get_name_scope()  # TF1 names the loss in the layer call's scope
        with init_scope():              # beside the variable, out of any cond or loop
            root = get_default_graph()
            at = f"{scope}/{name}/Regularizer/" if scope else f"{name}/Regularizer/"
            with root.name_scope(at), root.colocate_with(v.node):
                loss = regularizer(v)
            if loss is not None:
                add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return v


def _bias(n, dtype, use_bias, initializer, regularizer, constraint, trainable):
    """The layer's 'bias' variable of n entries, or None without use_bias."""
    if not use_bias:
        return None
    return layer_variable("bias", [n], dtype, initializer, regularizer, trainable,
                          constraint)


def by_name(fn, kind):
    """fn, or the Keras `kind` ("activations", "initializers", "regularizers") it names:
    TF1's tf.layers take activation="relu", kernel_initializer="zeros"... (Keras-based)."""
    if not isinstance(fn, str):
        return fn
    from . import keras
    return getattr(keras, kind).get(fn)


def _finish(outputs, bias, activation, activity_regularizer, data_format="NHWC"):
    """bias_add, the activation and the activity regularizer's loss (mean over the batch)."""
    activation = by_name(activation, "activations")
    activity_regularizer = by_name(activity_regularizer, "regularizers")
    if bias is not None:
        outputs = bias_add(outputs, bias, data_format=data_format)
    if activation is not None:
        outputs = activation(outputs)
    if activity_regularizer is not None:
        with name_scope("ActivityRegularizer"):
            loss = activity_regularizer(outputs)
            if loss is not None:
                batch = cast(shape_of(outputs)[0], loss.dtype)
                add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss / batch)
    return outputs
