"""py_func and numpy_function: a Python function on numpy arrays as a node of the graph.

The function runs when the node runs, on copies of its inputs, as TF1 passes them: a
numpy array each, or for a scalar a numpy scalar (bytes for a string). It must return
as many arrays as Tout names, of those dtypes (Python numbers, lists and str/unicode
text are converted; a list returned for a list Tout holds the outputs). Output shapes
are unknown unless the caller refines them with set_shape, and then each run checks
them. An exception the function raises becomes TF's error class for it (StopIteration:
OutOfRangeError, which ends a tf.data map as TF1's does). A py_func is stateful (never
merged, folded or reordered among other effects) unless stateful=False. It has no
gradient (TF1): give it one with gc.RegisterGradient +
graph.gradient_override_map({"PyFunc": name}), or wrap the call in gc.custom_gradient.
"""
import numpy as np

from .. import dtypes, errors
from ..shapes import TensorShape, fits
from .core import convert_to_tensor
from .registry import OpDef, apply, register

__all__ = ["py_func", "numpy_function"]


def _infer(ctx, *inputs, func, Tout, listed=True):
    return [(TensorShape(None), d) for d in Tout]


def _argument(a):
    """What TF1 hands func for a value: a fresh array, or a numpy scalar / bytes."""
    a = np.asarray(a)
    return a[()] if a.ndim == 0 else np.array(a)


# TF's py_func turns these Python exceptions into its error classes (others: UnknownError;
# ValueError and TypeError: InvalidArgumentError, what graphc's run-time errors are)
_RAISED_AS = ((StopIteration, errors.OutOfRangeError), (MemoryError, errors.ResourceExhaustedError),
              (NotImplementedError, errors.UnimplementedError),
              ((ValueError, TypeError), None), (errors.GraphcError, None))


def raised_as(e):
    """The TF error class py_func turns Python exception e into, or None where graphc
    raises e itself (ValueError, TypeError and graphc's own errors)."""
    return next((c for kind, c in _RAISED_AS if isinstance(e, kind)), errors.UnknownError)


def _kernel(rt, *arrays, func, Tout, listed=True):
    try:
        out = func(*[_argument(a) for a in arrays])
    except Exception as e:
        cls = raised_as(e)
        if cls is None:
            raise
        from ..compiler.executable import explain
        raise cls(explain(rt.node, arrays, e), op=rt.node) from e
    if not Tout:
        return ()
    outs = list(out) if isinstance(out, (list, tuple)) and (listed or len(Tout) > 1) \
        else [out]
    if len(outs) != len(Tout):
        raise ValueError(f"the function {func.__name__!r} returned {len(outs)} values, "
                         f"but Tout names {len(Tout)}")
    results = [_checked(v, t, func) for v, t in zip(outs, rt.node.outputs)]
    return tuple(results) if len(results) > 1 else results[0]


def _checked(value, t, func):
    """value as an array of t's dtype and (refined) static shape, or a clear error."""
    want = t.dtype.np
    if t.dtype is dtypes.string:        # str and unicode arrays: UTF-8 bytes (TF1)
        from .core import string_array
        value = string_array(value, f"'{func.__name__}' output {t.index}")
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype != want:
            raise TypeError(f"{func.__name__!r} returned a {arr.dtype} value for output "
                            f"{t.index}, but Tout says {t.dtype.name}")
    else:
        arr = np.asarray(value, dtype=want)
    if not fits(TensorShape(arr.shape), t.shape):
        raise ValueError(f"{func.__name__!r} returned shape {arr.shape} for output "
                         f"{t.index}, which set_shape declared {t.shape}")
    return arr


def _opdef(name, stateful):
    return register(OpDef(
        name, _infer, _kernel, uses_state=True, stateful=stateful,
        differentiable=False,       # TF1's NotDifferentiable("PyFunc"): no gradient flows
        api="py_func", signature="py_func(func, inp, Tout, stateful=True, name=None)",
        shape_rule="unknown (refine with set_shape; checked when it runs)", dtypes="any",
        doc="func(*arrays) -> arrays of the dtypes in Tout, run when the node runs."
            + ("" if stateful else " (stateful=False: pure, so it may be pruned)")))


PY_FUNC = _opdef("PyFunc", True)
PY_FUNC_STATELESS = _opdef("PyFuncStateless", False)


def py_func(func, inp, Tout, stateful=True, name=None):
    """Wrap a Python function of numpy arrays as an op (TF1 tf.py_func).

        def clip_outliers(x):
            return np.clip(x, *np.percentile(x, [1, 99])).astype(np.float32)
        y = gc.py_func(clip_outliers, [x], gc.float32)
        y.set_shape(x.shape)

    Tout: one dtype (returns one tensor) or a list of dtypes (returns a list; an empty
    list returns the Operation, for a function run for its effect)."""
    single = not isinstance(Tout, (list, tuple))
    touts = (dtypes.as_dtype(Tout),) if single else tuple(dtypes.as_dtype(d) for d in Tout)
    if not callable(func):
        raise TypeError(f"py_func: func must be callable, not {type(func).__name__}")
    inputs = [convert_to_tensor(x) for x in (inp if isinstance(inp, (list, tuple)) else [inp])]
    node = apply(PY_FUNC if stateful else PY_FUNC_STATELESS, inputs, name=name,
                 func=func, Tout=touts, listed=not single)
    if single:
        return node.outputs[0]
    return list(node.outputs) if touts else node


def numpy_function(func, inp, Tout, name=None):
    """TF 1.14's name for py_func (always stateful)."""
    return py_func(func, inp, Tout, stateful=True, name=name)
