"""More of TF 1.15's tf.contrib.framework: remove_squeezable_dimensions, smart_cond,
the nest-aware py_func, and fuse_op (not supported: a clear NotImplementedError).

    from graphc.contrib import framework
    p, l = framework.remove_squeezable_dimensions(gc.ones([4, 1]), gc.ones([4]))  # (4,), (4,)
    y = framework.smart_cond(True, lambda: gc.constant(1), lambda: gc.constant(2))  # 1
"""
from .. import nest
from ..graph import Tensor, name_scope
from ..ops.core import convert_to_tensor
from ..ops.tensor_utils import get_static_value

__all__ = ["remove_squeezable_dimensions", "smart_cond", "py_func", "fuse_op"]


def _gc():
    import graphc
    return graphc


def remove_squeezable_dimensions(predictions, labels, name=None):
    """(predictions, labels) with a trailing dim squeezed from whichever has rank one
    more than the other (tf.contrib.framework.remove_squeezable_dimensions). Static ranks
    decide at build time; otherwise a gc.cond on the run-time ranks does.

        p, l = framework.remove_squeezable_dimensions(gc.ones([4, 1]), gc.ones([4]))
        # p: (4,), l: (4,)
    """
    gc = _gc()
    with name_scope(name, "remove_squeezable_dimensions"):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        rp, rl = predictions.shape.rank, labels.shape.rank
        if rp is not None and rl is not None:
            if rp - rl == 1:
                predictions = gc.squeeze(predictions, [-1])
            elif rp - rl == -1:
                labels = gc.squeeze(labels, [-1])
            return predictions, labels
        rank_diff = gc.rank(predictions) - gc.rank(labels)
        p, lab = predictions, labels
        if rp is None or predictions.shape._dims[-1] in (None, 1):
            predictions = gc.cond(gc.equal(1, rank_diff), lambda: gc.squeeze(p, [-1]),
                                  lambda: gc.identity(p))
        if rl is None or labels.shape._dims[-1] in (None, 1):
            labels = gc.cond(gc.equal(-1, rank_diff), lambda: gc.squeeze(lab, [-1]),
                             lambda: gc.identity(lab))
        return predictions, labels


def _smart_constant_value(pred):
    """pred as a Python bool when known at build time, else None."""
    if isinstance(pred, Tensor):
        value = get_static_value(pred)
        return None if value is None else bool(value)
    if isinstance(pred, bool) or (not hasattr(pred, "shape") and pred in (0, 1)):
        return bool(pred)
    raise TypeError("Argument `pred` must be a Tensor, or a Python bool, or 1 or 0. "
                    f"Received: pred={pred} of type {type(pred).__name__}")


def smart_cond(pred, true_fn=None, false_fn=None, name=None):
    """true_fn() or false_fn(), chosen now when pred is a Python bool (or 0/1) or a tensor
    with a constant value, else a gc.cond (tf.contrib.framework.smart_cond).

        y = framework.smart_cond(True, lambda: gc.constant(1), lambda: gc.constant(2))
    """
    if not callable(true_fn):
        raise TypeError(f"Argument `true_fn` must be callable. Received {true_fn}")
    if not callable(false_fn):
        raise TypeError(f"Argument `false_fn` must be callable. Received {false_fn}")
    value = _smart_constant_value(pred)
    if value is not None:
        return true_fn() if value else false_fn()
    return _gc().cond(pred, true_fn=true_fn, false_fn=false_fn, name=name)


def py_func(func, args=(), kwargs=None, output_types=None, output_shapes=None,
            stateful=True, name=None):
    """gc.py_func taking keyword arguments and nested outputs, with optional static
    output shapes (tf.contrib.framework.py_func). output_types / output_shapes may be
    callables of (*args, **kwargs).

        y = framework.py_func(lambda x, k: x * k, [gc.constant(2.0)],
                              {"k": gc.constant(3.0)}, output_types=gc.float32,
                              output_shapes=[])                          # 6.0
    """
    kwargs = {} if kwargs is None else kwargs
    if not isinstance(args, (list, tuple)):
        raise TypeError(f"args must be list and not {type(args)}. args: {args}")
    if not isinstance(kwargs, dict):
        raise TypeError(f"kwargs must be dict and not {type(kwargs)}. args: {kwargs}")
    if callable(output_types):
        output_types = output_types(*args, **kwargs)
    if callable(output_shapes):
        output_shapes = output_shapes(*args, **kwargs)
    structure = (list(args), kwargs)
    flat_types = nest.flatten(output_types)

    def flat_func(*flat_args):
        py_args, py_kwargs = nest.pack_sequence_as(structure, list(flat_args))
        ret = func(*py_args, **py_kwargs)
        flat_ret = nest.flatten(ret)
        if len(flat_ret) != len(flat_types):
            raise ValueError(f"py_func: {getattr(func, '__name__', 'func')} returned "
                             f"{len(flat_ret)} values; output_types has {len(flat_types)}")
        return flat_ret if nested else flat_ret[0]

    nested = isinstance(output_types, (list, tuple, dict))
    flat_values = _gc().py_func(flat_func, nest.flatten(structure),
                                flat_types if nested else output_types,
                                stateful=stateful, name=name)
    if isinstance(flat_values, Tensor):
        flat_values = [flat_values]
    if output_shapes is not None:
        shapes = _flatten_up_to(output_types, output_shapes)
        for t, shape in zip(flat_values, shapes):
            t.set_shape(shape)
    return nest.pack_sequence_as(output_types, list(flat_values))


def _flatten_up_to(types, shapes):
    """The shapes, one per leaf of the nested types (a shape is itself a list of dims)."""
    out, stack = [], [(types, shapes)]
    while stack:
        t, s = stack.pop()
        if isinstance(t, dict):
            stack.extend((t[k], s[k]) for k in sorted(t, reverse=True))
        elif isinstance(t, (list, tuple)):
            stack.extend(reversed(list(zip(t, s))))
        else:
            out.append(s)
    return out


def fuse_op(graph_def, input_nodes, output_nodes, output_dtypes, output_quantized,
            op_name, op_type):
    """Not supported: graphc has no GraphDef rewriting into a custom fused op
    (tf.contrib.framework.fuse_op raises NotImplementedError here)."""
    raise NotImplementedError(
        "tf.contrib.framework.fuse_op is not supported by graphc: it rewrites a GraphDef "
        f"into a custom op {op_type!r} that only TF's C++ kernels can run; graphc fuses "
        "ops itself when a session runs (see ConfigProto remapping)")
