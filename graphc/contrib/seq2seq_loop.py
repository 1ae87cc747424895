"""The loop behind dynamic_decode: a while-mode Loop node (ops/loop_op.py) whose steps'
outputs are stacked by the Loop itself, so gradients flow through a decode of any
length (TF1 writes them into dynamic-size TensorArrays, whose gradient inside a graphc
loop is not supported).

A dynamic-size TensorArray in the decoder's state (AttentionWrapper's
alignment_history) is handled the same way when each step writes it exactly once: the
step sees a recorder in its place, the (index, value) of each step's write are stacked
outputs, and the array is the original one with those rows scattered in after the
loop. A step that does anything else with it (a read, two writes) falls back to carrying
the array through the loop (forward values are the same; its gradient is then not
supported).
"""
from .. import dtypes, errors, nest
from ..graph import Tensor, get_default_graph
from ..shapes import fits
from ..ops.control import FuncGraph, _common_shape, _flatten, _unflatten
from ..ops.core import convert_to_tensor, placeholder
from ..ops.loop_op import make_loop
from ..ops.tensor_array import TensorArray

__all__ = []


def while_stacking(cond, body, carry, maximum_iterations=None, name="while"):
    """(final carry, stacked outputs): while cond(carry): carry, y = body(carry); each
    step's y (a structure of tensors) stacked along a new leading axis. One Loop node;
    gradients flow through it. Carry shapes that the body changes are relaxed (the dims
    that differ become unknown) and the body traced again."""
    graph = get_default_graph()
    leaves = []
    structure = _flatten(carry, leaves)
    init = [convert_to_tensor(v) for v in leaves]
    shapes = [t.shape for t in init]
    with graph.name_scope(name) as scope:
        for _ in range(4):
            bfg = FuncGraph(graph, scope + "body/")
            with bfg.as_default():
                args = [placeholder(t.dtype, s, name="loop_var") for t, s in zip(init, shapes)]
                new_carry, ys = body(_unflatten(structure, iter(args)))
                outs, ys_leaves = [], []
                _flatten(new_carry, outs)
                if len(outs) != len(init):
                    raise ValueError(f"{name}: the step returned {len(outs)} carry tensors "
                                     f"for {len(init)}")
                y_structure = _flatten(ys, ys_leaves)
                outs = [bfg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v)
                        for v in outs + ys_leaves]
            _check_dtypes(name, init, outs)
            if all(fits(o.shape, s) for o, s in zip(outs, shapes)):
                break
            shapes = [s if fits(o.shape, s) else _common_shape(s, o.shape)
                      for o, s in zip(outs, shapes)]
        cfg = FuncGraph(graph, scope + "cond/")
        with cfg.as_default():
            c_args = [placeholder(t.dtype, s, name="loop_var") for t, s in zip(init, shapes)]
            c = cfg.capture(convert_to_tensor(cond(_unflatten(structure, iter(c_args)))))
        captured = list(dict.fromkeys(list(cfg.captures) + list(bfg.captures)))
        inputs = init + captured
        if maximum_iterations is not None:
            inputs.append(maximum_iterations)
        node = make_loop(inputs, (bfg, tuple(args) + tuple(bfg.capture(t) for t in captured),
                                  tuple(outs)),
                         (cfg, tuple(c_args) + tuple(cfg.capture(t) for t in captured), (c,)),
                         len(init), 0, len(ys_leaves), False, maximum_iterations is not None)
    n = len(init)
    return (_unflatten(structure, iter(node.outputs[:n])),
            _unflatten(y_structure, iter(node.outputs[n:n + len(ys_leaves)])))


def _check_dtypes(name, init, outs):
    for i, (t, o) in enumerate(zip(init, outs)):
        if o.dtype is not t.dtype:
            raise errors.DTypeError(
                f"{name}: loop variable {i} is {t.dtype.name} but the step returns "
                f"{o.dtype.name} for it\n  {errors.describe_tensor(t, t.name)}\n  "
                f"{errors.describe_tensor(o, o.name)}")


# ---- dynamic TensorArrays written once per step -----------------------------------------
class Unrecordable(Exception):
    """A step used a recorded TensorArray other than by one write: carry it instead."""


class _Recorder:
    """Stands for a dynamic TensorArray inside one step: records its single write."""

    def __init__(self, ta, written=None):
        self._ta, self._written = ta, written

    dtype = property(lambda self: self._ta.dtype)
    dynamic_size = property(lambda self: True)
    element_shape = property(lambda self: self._ta.element_shape)

    def write(self, index, value, name=None):
        if self._written is not None:
            raise Unrecordable("a second write")
        value = convert_to_tensor(value, dtype=self._ta.dtype)
        self._ta._seen(value.shape)
        return _Recorder(self._ta, (convert_to_tensor(index, dtype=dtypes.int32), value))

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise Unrecordable(name)


class ArrayRecording:
    """Which leaves of a decoder state are dynamic TensorArrays, and the conversions
    between that state, the loop's carry (those leaves as ()) and the final state."""

    def __init__(self, state, enabled):
        self.template = state
        flat = nest.flatten(state)
        self.arrays = {i: x for i, x in enumerate(flat) if enabled and
                       isinstance(x, TensorArray) and x.dynamic_size}
        self.n = len(flat)

    def carry(self, state):
        """The state without its recorded arrays (each replaced by ())."""
        flat = nest.flatten(state)
        return nest.pack_sequence_as(self.template, [() if i in self.arrays else x
                                                     for i, x in enumerate(flat)])

    def step_state(self, carry):
        """The state a step sees: the carry with a recorder for each array."""
        rest = iter(nest.flatten(carry))
        return nest.pack_sequence_as(self.template, [
            _Recorder(self.arrays[i]) if i in self.arrays else next(rest)
            for i in range(self.n)])

    def split(self, new_state):
        """(carry, writes) of the state a step returned: each array's (index, value)."""
        flat = nest.flatten(new_state)
        writes = []
        for i in sorted(self.arrays):
            r = flat[i] if len(flat) == self.n else None
            if not isinstance(r, _Recorder) or r._written is None:
                raise Unrecordable("no write")
            writes.append(r._written)
        return self.carry(new_state), writes

    def final(self, carry, writes):
        """The final state: each array with the stacked writes scattered into it."""
        rest, done = iter(nest.flatten(carry)), iter(writes)
        flat = []
        for i in range(self.n):
            if i in self.arrays:
                index, value = next(done)
                flat.append(self.arrays[i].scatter(index, value))
            else:
                flat.append(next(rest))
        return nest.pack_sequence_as(self.template, flat)
