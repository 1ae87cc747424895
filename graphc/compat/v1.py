"""tf.compat.v1: all of graphc, which is TF1's API (`import graphc.compat.v1 as tf`)."""
from graphc import *  # noqa: F401,F403
from graphc import shapes as _shapes
from graphc import (compat, debugging, initializers, layers, linalg, losses,  # noqa: F401
                    nn, testing, train)
import graphc as _graphc


def __getattr__(name):
    """tf.compat.v1.keras, .contrib, .estimator, .test: graphc's, loaded on first use."""
    if name in _graphc._LAZY:
        return getattr(_graphc, name)
    raise AttributeError(f"module 'graphc.compat.v1' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_graphc._LAZY))


def disable_v2_behavior():
    """TF2 code calls this to get TF1's graph mode, graphc's only mode. As in TF, it also
    makes shapes index to Dimension objects (disable_v2_tensorshape) and gives Keras
    layers TF 1.x's dtypes (keras.layers.disable_v2_dtype_behavior: a layer made without
    a dtype computes in its first input's, so a Dense on float64 inputs is float64)."""
    from graphc.keras import engine_dtype
    disable_v2_tensorshape()
    engine_dtype.disable_v2_dtype_behavior()


def disable_eager_execution():
    """TF2 code calls this to get TF1's graph mode: graphc has no other mode."""


def executing_eagerly():
    """False: graphc builds graphs and runs them in a Session (TF1)."""
    return False


# ---- TF1 behaviour switches: graphc has one behaviour for each --------------------------
def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Refused: graphc has no eager mode (it builds graphs and runs them in a Session)."""
    raise NotImplementedError("graphc has no eager execution: build the graph, then run "
                              "it in a gc.Session (tf.compat.v1 graph mode)")


def enable_v2_behavior():
    """Refused, switching nothing: TF2 behaviour is eager execution, which graphc does not
    have. TF2's parts that graphc has are switched on one by one: enable_v2_tensorshape()
    and keras.layers.enable_v2_dtype_behavior()."""
    raise NotImplementedError("graphc is TF1 graph mode only; enable_v2_behavior would "
                              "turn on eager execution, which graphc does not have (TF2's "
                              "shapes: enable_v2_tensorshape(); TF2's Keras layer dtypes: "
                              "keras.layers.enable_v2_dtype_behavior())")


def resource_variables_enabled():
    """False: graphc's variables read as TF1's ref variables do (each consumer reads at
    its own turn, ordered among the run's writes by creation order; docs/performance.md)."""
    return False


def enable_resource_variables():
    """graphc keeps TF1's ref-variable reads (a warning says so)."""
    _warn("enable_resource_variables: graphc's variables keep TF1's ref-variable reads "
          "(each consumer reads at its own turn, ordered among the run's writes by "
          "creation order)")


def disable_resource_variables():
    """Nothing to do: graphc's variables read as TF1's ref variables."""


def control_flow_v2_enabled():
    """False: graphc's cond and while_loop are its own ops, built as TF1 builds them
    (branches and bodies see the graph's tensors; gradients as TF1's)."""
    return False


def enable_control_flow_v2():
    """graphc has one control flow (a warning says so); values and gradients are TF's."""
    _warn("enable_control_flow_v2: graphc has one implementation of cond and while_loop; "
          "it gives the same values and gradients as both of TF's")


def disable_control_flow_v2():
    """Nothing to do: control_flow_v2_enabled() is False."""


def enable_tensor_equality():
    """Refused: graphc tensors compare by identity (TF1), so they can be dict keys; use
    gc.equal for an elementwise comparison."""
    raise NotImplementedError("graphc tensors compare by identity (TF1 behaviour): "
                              "use gc.equal(a, b) for an elementwise comparison")


def disable_tensor_equality():
    """Nothing to do: graphc tensors compare by identity (TF1)."""


def enable_v2_tensorshape():
    """TensorShape indexing and iteration give ints or None (TF2's shapes; the default)."""
    _shapes._v2[0] = True


def disable_v2_tensorshape():
    """TensorShape indexing and iteration give Dimension objects (TF1's shapes), so TF1
    code's `x.get_shape()[1].value` works; as_list() still gives ints or None. The setting
    is process-wide, as TF's is; gc.dimension_value(shape[i]) works under both."""
    _shapes._v2[0] = False


def _warn(msg):
    import warnings
    warnings.warn(msg, stacklevel=3)
