"""Optimizer: the TF1 tf.train.Optimizer protocol on graphc Variables.

minimize = compute_gradients (gc.gradients of the loss) + apply_gradients (one update
subgraph per variable, grouped). An update builds the new value of each slot from reads
of the slot (inputs of the slot's assign, so they run first), assigns it, and uses the
*output* of that assign wherever the formula needs the new value; the variable's own
update (assign_sub) comes last. Every gradient node is built before any update, and the
Executable runs nodes in build order, so a step's gradients see the old variables.
"""
import numpy as np

from .. import dtypes, errors
from ..autodiff.reverse import gradients
from ..graph import Tensor, get_default_graph
from ..indexed_slices import IndexedSlices
from ..ops import array, core, elementwise
from ..ops.gather import gather, unsorted_segment_sum
from ..ops.control import init_scope
from ..ops.state import Variable, trainable_variables
from ..ops.state_scatter import scatter_sub, scatter_update
from ..ops.scope import _store, _unique_scope_name
from ..ops.varstore import _shared
from ..ops.where import unique
from ..partitioned import SaveSliceInfo, SlicedVariable, slice_info
from ..shapes import TensorShape, surely_differ

__all__ = ["Optimizer"]


class Optimizer:
    """Base class of the optimizers (TF1: tf.train.Optimizer).

        opt = gc.train.GradientDescentOptimizer(0.1)
        train_op = opt.minimize(loss, global_step=gc.train.get_or_create_global_step())

    A subclass states its slots in `_create_slots(var_list)`, the update of one variable
    in `_apply_dense(grad, var)` and, optionally, what runs after all updates in
    `_finish(update_ops, name)`.
    """

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2
    # TF1's optimizers make their slots with get_variable (its slot_creator), so a variable
    # scope's reuse applies to them; Keras's optimizers use plain Variables (False)
    _slots_by_get_variable = True

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("an optimizer needs a name (it prefixes its slot variables)")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}        # slot name -> {var: slot Variable}
        self._non_slots = {}    # (graph, name) -> Variable (e.g. Adam's beta1_power)
        self._hypers = {}       # (name, dtype) -> tensor, rebuilt by each apply_gradients

    def get_name(self):
        return self._name

    # ---- the three public steps -------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """The op that takes one step downhill on `loss` (and adds 1 to `global_step`).

            train_op = gc.train.AdamOptimizer(1e-3).minimize(loss)
            sess.run(train_op, feed_dict={x: batch})
        """
        loss = checked_loss(loss)       # a callable loss called once, here
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        if all(g is None for g, _ in grads_and_vars):
            names = ", ".join(v.node.name for _, v in grads_and_vars)
            raise ValueError(
                f"No gradients provided for any variable: none of [{names}] reaches the "
                f"loss {errors.describe_tensor(loss, loss.name)} through differentiable ops")
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """[(gradient, variable)] for `var_list` (default: the trainable variables).

        The gradient is None for a variable that does not reach `loss`, and for an
        integer or bool variable.
        """
        loss = checked_loss(loss)
        if var_list is None:
            var_list = trainable_variables()
        else:
            var_list = list(var_list)
        if not var_list:
            raise errors.UsageError("No variables to optimize: the graph has no "
                                    "trainable variables and var_list is empty")
        for v in var_list:
            _check_variable(v, "compute_gradients")
        # an integer or bool variable gets no gradient (None), as in TF1, which checks
        # dtypes only of the variables that have one
        # a variable used only by row lookups gets an IndexedSlices (autodiff/sparse_grads)
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        if gate_gradients == Optimizer.GATE_GRAPH:
            # TF1: no gradient is used before all of them are computed
            parts = [p for g in grads if g is not None
                     for p in ((g.values, g.indices) if isinstance(g, IndexedSlices) else (g,))]
            if parts:
                gated = iter(core.tuple_(parts))
                grads = [None if g is None else
                         IndexedSlices(next(gated), next(gated), g.dense_shape)
                         if isinstance(g, IndexedSlices) else next(gated) for g in grads]
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The op that applies each (gradient, variable) pair; pairs whose gradient is
        None are skipped. With `global_step`, the op is the increment of global_step,
        which runs after every update (TF1)."""
        from ..distribute.optimizer_hook import apply_in_replica_context
        merged = apply_in_replica_context(self, grads_and_vars, global_step, name)
        if merged is not None:      # in a replica function: gradients summed, applied once
            return merged
        pairs = self._check_pairs(grads_and_vars)
        var_list = [v for g, v in pairs if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: "
                             + ", ".join(v.node.name for _, v in pairs))
        if global_step is not None:
            _check_variable(global_step, "apply_gradients (global_step)")
        graph = _building_in(var_list[0].graph)
        with graph.as_default():
            with init_scope():          # TF1: slots out of any cond branch or loop body
                self._create_slots(var_list)
            with graph.name_scope(name or self._name) as scope:
                self._hypers = {}
                self._prepare()
                update_ops = []
                for g, v in pairs:
                    if g is None:
                        continue
                    with graph.name_scope("update_" + v.node.name):
                        update_ops.append(self._apply_one(g, v, graph))
                if global_step is None:
                    train_op = self._finish(update_ops, scope)
                else:
                    with graph.control_dependencies([self._finish(update_ops, "update")]):
                        train_op = global_step.assign_add(1, name=scope).node
        graph.add_to_collection("train_op", train_op)
        return train_op

    def _apply_one(self, g, v, graph):
        """The update of v by g, then v's constraint applied to the result (TF1's
        _RefVariableProcessor: a constraint refuses sparse gradients)."""
        constraint = getattr(v, "constraint", None)
        if isinstance(g, IndexedSlices):
            if constraint is not None:
                raise RuntimeError(f"Cannot use a constraint function on a sparse variable "
                                   f"({v.node.name} gets an IndexedSlices gradient)")
            return self._apply_sparse_duplicate_indices(g, v)
        update = self._apply_dense(g, v)
        if constraint is None:
            return update
        with graph.control_dependencies([update]):
            return v.assign(constraint(v)).node

    # ---- slots ---------------------------------------------------------------------------
    def get_slot(self, var, name):
        """The slot variable `name` of `var` (e.g. "momentum"), or None."""
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        """The names of the slots this optimizer makes, e.g. ["m", "v"] for Adam."""
        return sorted(self._slots)

    def variables(self):
        """The slot and non-slot variables this optimizer made in the default graph."""
        graph = get_default_graph()
        found = [s for slots in self._slots.values() for s in slots.values()
                 if s.graph is graph]
        found += [v for (g, _), v in self._non_slots.items() if g is graph]
        return sorted(found, key=lambda v: v.node.name)

    def _zeros_slot(self, var, slot_name, op_name):
        return self._make_slot(var, slot_name, op_name, 0)

    def _make_slot(self, var, slot_name, op_name, fill=0, value=None):
        """A Variable like `var` filled with `fill` (or of initial `value`), named
        '<var>/<op_name>' under the current variable scope, as TF1's slot_creator names it.
        The
        slot of a partitioned variable's part is the same part of a slot saved whole as
        '<full name>/<op_name>', as TF1 checkpoints it."""
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            slots[var] = self._slot_variable(var, op_name, fill, value)
        return slots[var]

    def _slot_variable(self, var, op_name, fill, value):
        """TF1's slot_creator: get_variable("") in variable_scope(None, default_name=
        '<var>/<op_name>'). So the slot is named by that scope, made unique under the
        current variable scope, and kept in the get_variable store under that name + "/";
        the scope's reuse decides as get_variable's does: True shares a stored slot of
        that name or raises (TF1's error when minimize runs under reuse_variables()),
        AUTO_REUSE shares or makes, otherwise a stored one is "already exists"."""
        store = _store(var.graph)
        scope = store.current
        if not self._slots_by_get_variable:
            prefix = scope.name + "/" if scope.name else ""
            return self._new_slot(var, f"{prefix}{var.node.name}/{op_name}", fill, value)
        unique = _unique_scope_name(store, f"{var.node.name}/{op_name}")
        name = f"{scope.name}/{unique}" if scope.name else unique
        store.counts[name] = store.counts.get(name, 0) + 1     # the scope TF1 opens
        key = name + "/"
        if key in store.vars:
            return _shared(store.vars[key], key, var.shape, var.dtype, scope.reuse, True)
        if scope.reuse is True:
            raise errors.GraphError(
                f"Variable {key} does not exist, or was not created with gc.get_variable(). "
                f"Did you mean to set reuse=gc.AUTO_REUSE in VarScope?")
        store.vars[key] = slot = self._new_slot(var, name, fill, value)
        return slot

    def _new_slot(self, var, name, fill, value):
        """A new slot Variable `name` like var, filled with `fill` or of initial `value`."""
        graph = var.graph
        with graph.name_scope(""), graph.control_dependencies(None):
            if value is not None:           # TF1's _get_or_make_slot: a given value
                init = value
            elif var.shape.is_fully_defined():
                init = np.full(var.shape._dims, fill, dtype=var.dtype.np)
            else:
                init = array.fill(array.shape(var.initial_value),
                                  core.constant(fill, dtype=var.dtype))
            info = slice_info(var)
            slot = (Variable if info is None else SlicedVariable)(init, trainable=False,
                                                                  name=name)
            if info is not None:        # a part's slot is a part of the slot (TF1)
                own = slot.node.name[len(var.node.name) + 1:]
                slot._save_slice_info = SaveSliceInfo(
                    f"{info.full_name}/{own}", info.full_shape, info.var_offset,
                    info.var_shape)
        return slot

    def _non_slot(self, name, initial_value, like):
        """The one variable `name` this optimizer keeps per graph (beside `like`), in
        the current name scope (TF1: 'train/beta1_power' under name_scope('train')). A
        Python number makes a float32 (or int32) variable whatever `like`'s dtype, as
        TF1's _create_non_slot_variable: users cast it to the variable's dtype. A numpy
        value keeps its dtype."""
        graph = like.graph
        key = (graph, name)
        if key not in self._non_slots:
            if callable(initial_value) and not isinstance(initial_value, Tensor):
                initial_value = initial_value()     # TF1's _call_if_callable (beta1)
            if not isinstance(initial_value, (Tensor, np.ndarray, np.generic)):
                initial_value = np.asarray(
                    initial_value, np.int32 if isinstance(initial_value, int) else np.float32)
            with graph.control_dependencies(None):
                self._non_slots[key] = Variable(initial_value, trainable=False, name=name)
        return self._non_slots[key]

    def _get_non_slot(self, name, graph):
        while (graph, name) not in self._non_slots and getattr(graph, "outer", None):
            graph = graph.outer             # a branch function uses its graph's
        return self._non_slots.get((graph, name))

    # ---- helpers for subclasses ----------------------------------------------------------
    def _hyper(self, name, value, dtype):
        """Hyperparameter `value` as a tensor of `dtype`: Python numbers become constants
        of that dtype, tensors are cast to it (TF1 casts the hyperparameters to the
        variable's dtype)."""
        key = (name, dtype)
        if key not in self._hypers:
            if callable(value) and not isinstance(value, Tensor):
                value = value()
            if isinstance(value, Tensor):
                t = value if value.dtype is dtype else elementwise.cast(value, dtype, name=name)
            else:
                t = core.constant(value, dtype=dtype, name=name)
            self._hypers[key] = t
        return self._hypers[key]

    # ---- TF1's API for subclasses (tf.contrib.opt and user optimizers use it) ------------
    # (attribute, hyperparameter attribute, name): the tensors _prepare sets, as TF1's
    # optimizers do (a subclass of AdamOptimizer reads self._lr_t in _apply_sparse)
    _TF1_TENSORS = ()

    def _prepare(self):
        """Called by apply_gradients before the updates: the hyperparameters as tensors."""
        for attr, source, name in self._TF1_TENSORS:
            value = self._call_if_callable(getattr(self, source))
            setattr(self, attr, value if isinstance(value, Tensor)
                    else core.convert_to_tensor(value, name=name))

    @staticmethod
    def _call_if_callable(param):
        return param() if callable(param) else param

    def _valid_dtypes(self):
        return {dtypes.float16, dtypes.float32, dtypes.float64}

    def _slot_dict(self, slot_name):
        return self._slots.setdefault(slot_name, {})

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        """var's slot `slot_name`, made with initial value `val` if missing (TF1)."""
        return self._make_slot(var, slot_name, op_name, value=val)

    def _get_or_make_slot_with_initializer(self, var, initializer, shape, dtype, slot_name,
                                           op_name):
        """var's slot `slot_name`, made by `initializer(shape, dtype)` if missing (TF1)."""
        shape = TensorShape(shape).as_list()
        return self._make_slot(var, slot_name, op_name,
                               value=lambda: initializer(shape, dtype=dtypes.as_dtype(dtype)))

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """The one variable `name` of this optimizer in colocate_with's graph (TF1)."""
        return self._non_slot(name, initial_value, colocate_with)

    def _get_non_slot_variable(self, name, graph=None):
        return self._get_non_slot(name, graph or get_default_graph())

    # ---- what subclasses define -----------------------------------------------------------
    def _create_slots(self, var_list):
        pass

    def _apply_dense(self, grad, var):
        """A subclass written for TF's resource variables defines
        _resource_apply_dense(grad, handle) instead: graphc's variable is the handle."""
        if type(self)._resource_apply_dense is not Optimizer._resource_apply_dense:
            return self._resource_apply_dense(grad, var)
        raise NotImplementedError(f"{type(self).__name__} does not define _apply_dense")

    def _resource_apply_dense(self, grad, handle):
        raise NotImplementedError(f"{type(self).__name__} does not define "
                                  "_resource_apply_dense")

    def _resource_apply_sparse(self, grad, handle, indices):
        raise NotImplementedError(f"{type(self).__name__} does not define "
                                  "_resource_apply_sparse")

    def _apply_sparse_duplicate_indices(self, grad, var):
        """The update of var's rows at grad.indices (an IndexedSlices): repeated indices
        are summed first (TF1), then `_apply_sparse` runs."""
        return self._apply_sparse(_deduplicate(grad), var)

    def _apply_sparse(self, grad, var):
        """The update of var by a sparse gradient with distinct indices. TF1's optimizers
        update only those rows; a subclass that defines only `_apply_dense` gets the
        dense update of the summed-up gradient (TF1 raises NotImplementedError), one
        that defines `_resource_apply_sparse` its update."""
        if type(self)._resource_apply_sparse is not Optimizer._resource_apply_sparse:
            return self._resource_apply_sparse(grad.values, var, grad.indices)
        return self._apply_dense(core.convert_to_tensor(grad), var)

    def _finish(self, update_ops, name):
        return core.group(*update_ops, name=name)

    # ---- checks ------------------------------------------------------------------------------
    def _check_pairs(self, grads_and_vars):
        """The pairs checked; a variable listed more than once gets the sum of its
        gradients, one update (TF1 applies each pair: for SGD the same sum)."""
        pairs, at = [], {}
        for pair in tuple(grads_and_vars):
            try:
                g, v = pair
            except (TypeError, ValueError):
                raise TypeError(f"apply_gradients takes (gradient, variable) pairs; got "
                                f"{pair!r}") from None
            _check_variable(v, "apply_gradients")
            if isinstance(g, IndexedSlices):
                _check_slices(g, v)
            elif g is not None:
                g = core.convert_to_tensor(g, dtype=v.dtype)
                _check_grad_shape(g, v)
            if v in at:
                k = at[v]
                pairs[k] = (_add_grads(pairs[k][0], g), v)
                continue
            at[v] = len(pairs)
            pairs.append((g, v))
        if not pairs:
            raise ValueError("apply_gradients: grads_and_vars is empty")
        return pairs


def _add_grads(a, b):
    """a + b for gradients that may be None or IndexedSlices (rows stay sparse)."""
    if a is None or b is None:
        return b if a is None else a
    if isinstance(a, IndexedSlices) and isinstance(b, IndexedSlices):
        from ..ops.join import concat
        return IndexedSlices(concat([a.values, b.values], 0),
                             concat([a.indices, b.indices], 0), a.dense_shape)
    return core.convert_to_tensor(a) + core.convert_to_tensor(b)


def _check_variable(v, where):
    if not isinstance(v, Variable):
        raise TypeError(f"{where}: expected a gc.Variable, got {type(v).__name__} {v!r}")


def _check_grad_shape(g, v):
    if surely_differ(g.shape, v.shape):
        raise errors.ShapeError(
            f"apply_gradients: the gradient {errors.describe_tensor(g, g.name)} does not "
            f"fit variable '{v.node.name}' of shape {v.shape} (created at "
            f"{errors.format_site(v.node.site)})")


def _check_slices(g, v):
    if g.dtype is not v.dtype:
        raise errors.DTypeError(f"apply_gradients: {g!r} is {g.dtype.name} but variable "
                                f"'{v.node.name}' is {v.dtype.name}")
    rows, want = g.values.shape, v.shape
    if rows.rank is not None and want.rank is not None and (
            rows.rank != want.rank or surely_differ(TensorShape(rows._dims[1:]),
                                                    TensorShape(want._dims[1:]))):
        raise errors.ShapeError(
            f"apply_gradients: the rows {errors.describe_tensor(g.values, 'values')} of "
            f"the sparse gradient do not fit variable '{v.node.name}' of shape {v.shape} "
            f"(created at {errors.format_site(v.node.site)})")


class _Whole:
    """How a dense update reads and writes a slot or variable: whole. write returns
    (the op, the new value) and the new value is the assign's output, so later reads
    of it run after the assign."""

    @staticmethod
    def read(v):
        return v

    @staticmethod
    def write(v, value):
        t = v.assign(value)
        return t, t

    @staticmethod
    def sub(v, value):
        return v.assign_sub(value)


WHOLE = _Whole()


class Rows:
    """How a sparse update (TF1's SparseApply* kernels) reads and writes a slot or
    variable: only its rows at `indices` (distinct), by gather and scatter_update."""

    def __init__(self, indices):
        self.indices = indices

    def read(self, v):
        return gather(v, self.indices)

    def write(self, v, value):
        return scatter_update(v, self.indices, value), value

    def sub(self, v, value):
        return scatter_sub(v, self.indices, value)


def _deduplicate(grad):
    """grad with each index once, its rows summed (TF1's _deduplicate_indexed_slices)."""
    unique_indices, positions = unique(grad.indices)
    summed = unsorted_segment_sum(grad.values, positions, array.shape(unique_indices)[0])
    return IndexedSlices(summed, unique_indices, grad.dense_shape)


def cast_to(t, dtype):
    """t in `dtype` (a Cast only where needed)."""
    return t if t.dtype is dtype else elementwise.cast(t, dtype)


def checked_loss(loss):
    """`loss` (called first when it is a callable): a floating point Tensor, or a
    TypeError / DTypeError naming it."""
    if callable(loss) and not isinstance(loss, Tensor):
        loss = loss()
    if not isinstance(loss, Tensor):
        raise TypeError(f"compute_gradients: loss must be a graphc Tensor, got "
                        f"{type(loss).__name__} {loss!r}")
    if not loss.dtype.is_floating:
        raise errors.DTypeError(f"compute_gradients: the loss must be floating point\n  "
                                f"{errors.describe_tensor(loss, loss.name)}")
    return loss


def _building_in(graph):
    """`graph`, or the default graph when that is a branch function (a cond's) inside
    it: an update built in a branch runs only when the branch is taken."""
    default = get_default_graph()
    outer = default
    while outer is not None and outer is not graph:
        outer = getattr(outer, "outer", None)
    return default if outer is graph else graph
