"""Variables: state that lives in a Session and survives between runs."""
import sys

import numpy as np

from .. import errors
from ..graph import Tensor, get_default_graph
from ..shapes import InferError, TensorShape
from .core import convert_arg, convert_to_tensor, group
from . import blas
from .registry import OpDef, apply, register
from .scope import _root

__all__ = ["Variable", "global_variables_initializer", "variables_initializer",
           "global_variables", "trainable_variables", "initialize_all_variables",
           "local_variables_initializer", "assign", "assign_add", "assign_sub",
           "moving_average_variables", "model_variables"]


def _read_var(rt, *, shape, dtype):
    return _stored(rt.session, rt.node)


def _stored(session, node):
    value = session._variables.get(node)
    if value is None:
        shape, dtype = node.outputs[0].shape, node.outputs[0].dtype
        raise errors.UninitializedVariableError(
            f"variable '{node.name}' (shape {shape}, {dtype.name}, created at "
            f"{errors.format_site(node.site)}) is read before it is initialized: run "
            f"gc.global_variables_initializer() or '{node.name}'s initializer first")
    return value


VARIABLE = register(OpDef(
    "VariableV2", lambda ctx, *, shape, dtype: (shape, dtype), _read_var,
    stateful=True, uses_state=True, ref=True, api="Variable",
    signature="Variable(initial_value, name=None, trainable=True, dtype=None)",
    shape_rule="shape of initial_value", dtypes="any",
    doc="A value kept in the Session between runs."))


def _read_live(rt, x, *, var):
    """The variable's value now, or, where this run feeds the variable, the fed value
    (x: the captured value, which the feed replaced)."""
    fed = getattr(rt.session._fed_variables, "vars", None)
    return x if fed and var in fed else _stored(rt.session, var)


READ_LIVE = register(OpDef(
    "ReadCapturedVariable", lambda ctx, x, *, var: (var.outputs[0].shape, var.outputs[0].dtype),
    _read_live,
    stateful=True, uses_state=True, vjp=lambda node, gs: [gs[0]],
    jvp=lambda node, ts: ts[0], api="(a variable used in a cond branch or loop body)",
    signature="", shape_rule="the variable's", dtypes="any",
    doc="A variable read where a cond branch or while_loop body uses it, at its turn "
        "there (so assigns before it in the branch or earlier iterations are seen); its "
        "input is the captured value, through which gradients flow."))


INITIALIZED_VALUE = register(OpDef(
    "InitializedValue",
    lambda ctx, initial, *, var: (var.outputs[0].shape, var.outputs[0].dtype),
    lambda rt, initial, *, var: rt.session._variables.get(var, initial),
    stateful=True, uses_state=True, differentiable=False,
    api="Variable.initialized_value", signature="Variable.initialized_value()",
    shape_rule="the variable's", dtypes="the variable's",
    doc="The variable's value if it has one in the Session, else its initial value "
        "(TF1's cond on is_variable_initialized; nothing is assigned)."))


def _infer_assign(ctx, value, *, var, mode):
    want = var.outputs[0]
    if value.dtype is not want.dtype:
        raise InferError(f"cannot assign {{0}} of dtype {value.dtype.name} to variable "
                         f"'{var.name}' of dtype {want.dtype.name}", "dtype")
    a, b = value.shape._dims, want.shape._dims
    if a is not None and b is not None:
        if len(a) != len(b) or not all(ctx.compatible(x, y) for x, y in zip(a, b)):
            raise InferError(f"cannot assign {{0}} of shape {value.shape} to variable "
                             f"'{var.name}' of shape {want.shape}")
    return want.shape, want.dtype


def _assign_kernel(rt, value, *, var, mode):
    store = rt.session._variables
    if mode == "set":
        new = np.array(value, dtype=var.outputs[0].dtype.np, copy=True)
        shape = var.outputs[0].shape
        if shape._dims is not None and any(
                isinstance(d, int) and d != n for d, n in zip(shape._dims, new.shape)) \
                or shape._dims is not None and len(shape._dims) != new.ndim:
            raise errors.InvalidArgumentError(
                f"Assign requires shapes of both tensors to match: value of shape "
                f"{new.shape} does not fit variable '{var.name}' of shape {shape}")
    else:
        old = _stored(rt.session, var)
        if np.shape(value) != old.shape:        # TF1 broadcasts no update into a variable
            raise errors.InvalidArgumentError(
                f"{'AssignAdd' if mode == 'add' else 'AssignSub'}: the update's shape "
                f"{np.shape(value)} is not the shape {old.shape} of variable '{var.name}'")
        ufunc = np.add if mode == "add" else np.subtract
        # references to old: the store, this local and getrefcount's argument. Nothing
        # else (no live value, view or earlier result) can see it: update it in place.
        if sys.getrefcount(old) == 3 and old.ndim and old.flags.owndata:
            old.setflags(write=True)
            ufunc(old, value, out=old)
            old.setflags(write=False)
            return old
        spare = _recycled(rt.session, var, old)
        if spare is None:
            new = np.asarray(ufunc(old, value))    # 0-d: an array, not a numpy scalar
        else:
            spare.setflags(write=True)
            new = ufunc(old, value, out=spare)
        rt.session._spares[var] = old
    new.setflags(write=False)
    store[var] = new
    return new


def _recycled(session, var, old):
    """The variable's previous value, to be overwritten by the update, if nothing else
    holds it any more: no fetched result, live value or view (a view keeps a reference
    to its base, so the reference count tells). Saves an allocation per update."""
    spare = session._spares.pop(var, None)
    if spare is None or spare.ndim == 0 or spare.shape != old.shape or spare.dtype != old.dtype:
        return None
    # references: `spare` here and getrefcount's argument
    return spare if sys.getrefcount(spare) == 2 and spare.flags.owndata else None


ASSIGN = register(OpDef(
    "Assign", _infer_assign, _assign_kernel, stateful=True, uses_state=True,
    differentiable=False, api="assign",
    signature="assign(ref, value) / var.assign(value) / assign_add / assign_sub",
    shape_rule="shape of the variable", dtypes="dtype of the variable",
    doc="Sets (mode='set'), adds to or subtracts from a variable; returns the new value."))


def _gemm_assign_kernel(rt, a, b, c, *, var, mode, transpose_a, transpose_b):
    """var -= c * (a @ b) (mode "sub"; "add": +=) as one BLAS gemm with beta 1 into the
    variable's own buffer, where nothing else holds its old value: no product array and
    no second pass over the variable. Otherwise as ScaledMatMul then Assign."""
    old = _stored(rt.session, var)
    gemm = blas.gemm(old.dtype)
    m = a.shape[1] if transpose_a else a.shape[0]
    n = b.shape[0] if transpose_b else b.shape[1]
    # references to old: the store, this local and getrefcount's argument (as Assign's)
    if (gemm is not None and old.shape == (m, n) and a.dtype == b.dtype == old.dtype
            and sys.getrefcount(old) == 3 and old.flags.c_contiguous and old.flags.owndata
            and old.size):
        old.setflags(write=True)
        gemm(-float(c) if mode == "sub" else float(c), a, b, transpose_a, transpose_b, 1.0,
             old)
        old.setflags(write=False)
        return old
    from .linalg import _scaled_matmul_out
    value = _scaled_matmul_out(a, b, c, transpose_a=transpose_a, transpose_b=transpose_b)
    return _assign_kernel(rt, value, var=var, mode=mode)


# made by the compiler (AssignSub/AssignAdd of a ScaledMatMul used once: an SGD update
# W -= lr * (x^T g)), never by users: not registered
GEMM_ASSIGN = OpDef(
    "GemmAssign", lambda ctx, a, b, c, *, var, mode, transpose_a, transpose_b:
    (var.outputs[0].shape, var.outputs[0].dtype), _gemm_assign_kernel,
    stateful=True, uses_state=True, differentiable=False,
    doc="var -= c * (a @ b) (or +=) as one BLAS gemm into the variable's buffer.")


def _sparse_update(mode, nd=False):
    """Variable.scatter_<mode>(sparse_delta), .scatter_nd_<mode>(indices, updates): the
    ops of graphc/ops/state_scatter.py."""
    def method(self, *args, use_locking=False, name=None):
        from .state_scatter import variable_method
        return variable_method(self, mode, nd, args, name)
    method.__name__ = method.__qualname__ = f"scatter_{'nd_' if nd else ''}{mode}"
    return method


def _check_liftable(graph, initial_value, name):
    """A variable made in a function graph lives in the outermost graph; its initial value
    cannot be a tensor of the function graph (TF1's error), only a callable or a value."""
    if isinstance(initial_value, Tensor) and initial_value.graph is not graph.root:
        raise errors.GraphError(
            f"Initializer for variable {graph.lifted_scope()}{name or 'Variable'}/ is from "
            "inside a control-flow construct, such as a loop or conditional. When creating "
            "a variable inside a loop or conditional, use a lambda as the initializer.\n  "
            + errors.describe_tensor(initial_value, "initial_value"))


class Variable(Tensor):
    """A tensor whose value lives in the Session (TF1: tf.Variable).

    `W = gc.Variable(gc.zeros((3, 2)), name="W")`; run `gc.global_variables_initializer()`
    before reading it. The Variable is the output tensor of its VariableV2 node.
    """
    __slots__ = ("initializer", "initial_value", "trainable", "constraint",
                 "synchronization", "aggregation", "_done")

    def __new__(cls, *args, **kwargs):
        # gc.variable_creator_scope: creators see TF's keyword arguments and may change
        # them, or return another variable (then __init__ below leaves it as it is)
        creators = getattr(get_default_graph(), "_variable_creators", None)
        if not creators or cls is not Variable or not (args or kwargs):
            return Tensor.__new__(cls)
        from .variable_creator import create_through
        return create_through(creators, Variable._tf1_kwargs(*args, **kwargs))

    @staticmethod
    def _tf1_kwargs(initial_value=None, trainable=None, collections=None,
                    validate_shape=True, caching_device=None, name=None, variable_def=None,
                    dtype=None, expected_shape=None, import_scope=None, constraint=None,
                    use_resource=None, synchronization=None, aggregation=None, shape=None):
        return dict(locals())

    def __init__(self, initial_value=None, trainable=None, collections=None,
                 validate_shape=True, caching_device=None, name=None, variable_def=None,
                 dtype=None, expected_shape=None, import_scope=None, constraint=None,
                 use_resource=None, synchronization=None, aggregation=None, shape=None):
        if getattr(self, "_done", False):
            return                  # made (or picked) by a variable creator
        from .variable_creator import resolve_sync
        if variable_def is not None or import_scope is not None:
            raise NotImplementedError(
                "Variable(variable_def=...): graphc rebuilds variables from its own graph "
                "files (gc.train.import_meta_graph), not from VariableDef protos")
        if initial_value is None:
            raise errors.UsageError("initial_value must be specified: gc.Variable needs an "
                                    "initial value (a tensor, a value or a callable)")
        if constraint is not None and not callable(constraint):
            raise errors.UsageError(f"The `constraint` argument must be a callable, got "
                                    f"{constraint!r}")
        self.synchronization, self.aggregation, trainable = resolve_sync(
            synchronization, aggregation, trainable, name)
        graph = get_default_graph()
        if getattr(graph, "outer", None) is not None:   # in a cond branch or a loop body:
            _check_liftable(graph, initial_value, name)  # made in the outermost graph
        from .control import init_scope
        with init_scope():                  # TF: variables ignore control dependencies
            self._build(get_default_graph(), initial_value, dtype, name, shape,
                        expected_shape, validate_shape, constraint, collections, trainable)
        self._done = True

    def _build(self, graph, initial_value, dtype, name, shape, expected_shape,
               validate_shape, constraint, collections, trainable):
        """The VariableV2 node, its initializer and its collections."""
        with graph.name_scope(name or "Variable") as scope:
            if callable(initial_value):     # TF1: built in "Initializer", on no device
                with graph.name_scope("Initializer"), graph.device(None):
                    initial_value = initial_value()
            init = convert_to_tensor(initial_value, dtype=dtype, name="initial_value")
        for want, what in ((expected_shape, "expected_shape"), (shape, "shape")):
            if want is not None and not init.shape.is_compatible_with(want):
                raise errors.ShapeError(
                    f"Variable {scope.rstrip('/')}: {what} {want} does not match the "
                    f"initial value's shape {init.shape}\n  "
                    + errors.describe_tensor(init, "initial_value"))
        if shape is not None:
            var_shape = init.shape.__class__(shape)
        else:
            var_shape = init.shape if validate_shape else init.shape.__class__(None)
        node = apply(VARIABLE, (), name=scope.rstrip("/") + "/", shape=var_shape,
                     dtype=init.dtype)
        Tensor.__init__(self, node, 0, node.outputs[0].shape, init.dtype)
        node.outputs = (self,)
        self.initial_value = init
        self.constraint = constraint
        with graph.name_scope(scope):
            value = _guarded(init, scope)
            with graph.colocate_with(node):                         # on its device (TF1)
                self.initializer = apply(ASSIGN, (value,), name="Assign", var=node,
                                         mode="set")
        # TF1: collections default to the global variables; a trainable variable also
        # joins the trainable ones; an empty list means no collection at all
        keys = ["variables"] if collections is None else list(collections)
        if trainable and "trainable_variables" not in keys:
            keys.append("trainable_variables")
        self.trainable = "trainable_variables" in keys
        for key in dict.fromkeys(keys):
            graph.add_to_collection(key, self)

    def _assign(self, value, mode, name, read_value=True):
        value = _update_value(self, value, f"Variable.{_METHOD[mode]}")
        node = apply(ASSIGN, (value,), name=name, var=self.node, mode=mode)
        return updated(node, self) if read_value else node

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """An op that sets the variable to `value` and gives the new value (the op
        itself with read_value=False)."""
        return self._assign(value, "set", name or "Assign", read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign(delta, "add", name or "AssignAdd", read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign(delta, "sub", name or "AssignSub", read_value)

    def __bool__(self):
        return True                 # TF1's Variable is an object (`if global_step:`)

    def __getitem__(self, key):
        """The variable's value sliced (numpy basic indexing); `v[1:3].assign(x)` sets
        that slice of the variable (TF1's sliced assignment)."""
        from .indexing import strided_slice_
        return _retyped(strided_slice_(self, key).node, SlicedVariable, _var=self, _key=key)

    scatter_update, scatter_add, scatter_sub, scatter_mul, scatter_div, scatter_max, \
        scatter_min = (_sparse_update(m) for m in ("update", "add", "sub", "mul", "div",
                                                   "max", "min"))
    scatter_nd_update, scatter_nd_add, scatter_nd_sub = (
        _sparse_update(m, nd=True) for m in ("update", "add", "sub"))

    def sparse_read(self, indices, name=None):
        """The rows `indices` of the variable: gc.gather(self, indices)."""
        from .indexing import gather
        return gather(self, indices, name=name or "Gather")

    def gather_nd(self, indices, name=None):
        """gc.gather_nd(self, indices)."""
        from .scatter import gather_nd
        return gather_nd(self, indices, name=name or "GatherNd")

    def is_initialized(self, name=None):
        """A bool scalar: whether the variable has a value in the running Session."""
        from .init_checks import is_variable_initialized
        return is_variable_initialized(self)

    def batch_scatter_update(self, sparse_delta, use_locking=False, name=None):
        """gc.batch_scatter_update(self, sparse_delta.indices, sparse_delta.values)."""
        from ..tf1_misc import batch_scatter_update
        return batch_scatter_update(self, sparse_delta.indices, sparse_delta.values,
                                    name=name)

    def count_up_to(self, limit):
        """gc.count_up_to(self, limit): this value, then 1 more; OutOfRangeError at limit."""
        from .misc_ops import count_up_to
        return count_up_to(self, limit)

    def read_value(self):
        from .core import identity
        return identity(self, name="read")

    def value(self):
        return self

    def initialized_value(self):
        """The variable's value once it is initialized, else its initial value (TF1: a
        cond on is_variable_initialized; nothing is assigned, so a trained or restored
        value stays)."""
        with self.graph.as_default(), self.graph.control_dependencies(None):
            return apply(INITIALIZED_VALUE, (self.initial_value,), name="initialized_value",
                         var=self.node).outputs[0]

    def _get_save_slice_info(self):
        """TF's: this part's slice of a partitioned variable (a SaveSliceInfo), None for
        a whole variable."""
        return getattr(self, "_save_slice_info", None)

    def eval(self, session=None):
        """The variable's value in `session` (default: the default session), TF1's
        Variable.eval(session) (a tensor's eval takes feed_dict first)."""
        from ..session import _session_or_default
        return _session_or_default(session, f"evaluate variable '{self.name}' using "
                                            "`eval()`").run(self)

    def load(self, value, session=None):
        """Set the value directly in `session` (default session), without an op."""
        from ..session import _session_or_default
        sess = _session_or_default(session, f"load a value into variable '{self.name}'")
        arr = np.array(value, dtype=self.dtype.np, copy=True)
        from ..shapes import TensorShape, fits
        if not fits(TensorShape(arr.shape), self.shape):
            raise errors.FeedError(f"Cannot feed value of shape {arr.shape} for Tensor "
                                   f"'{self.name}', which has shape {self.shape}")
        arr.setflags(write=False)
        sess._variables[self.node] = arr

    def __repr__(self):
        return (f"<gc.Variable '{self.node.name}:0' shape={self.shape} "
                f"dtype={self.dtype.name}>")


_METHOD = {"set": "assign", "add": "assign_add", "sub": "assign_sub"}


def _update_value(var, value, api):
    """The value of an update of `var` as a tensor: converted in var's graph (or the cond
    branch or loop body being built in it), to var's dtype where it is a Python or numpy
    value (a tensor's dtype the op checks); one of another graph raises TF1's ValueError."""
    default = get_default_graph()
    with (default if _root(default) is var.graph else var.graph).as_default():
        if not isinstance(value, Tensor):
            value = convert_arg(value, var.dtype, f"{api}: the value for {_describe(var)}")
    if _root(value.graph) is not var.graph:
        raise errors.GraphError(
            f"{api}: {value.name} must be from the same graph as {var.name} (TF1's "
            f"ValueError)\n  {errors.describe_tensor(value, 'value')}\n  "
            + errors.describe_tensor(var, "variable"))
    return value


def _describe(var):
    return (f"variable '{var.node.name}' ({var.dtype.name}, shape {var.shape}, created at "
            f"{errors.format_site(var.node.site)})")


def _guarded(init, scope):
    """TF1's _try_guard_against_uninitialized_dependencies: `init` with each read of a
    variable of the global or local variables replaced by its initialized_value(), so
    that a variable made from another one's value can be initialized first. The ops on
    the way are copied, named '<op>_<variable>'; ops that read or write state (a variable
    update, a cond, a loop) are kept as they are, as TF1 keeps its If and variable reads."""
    known = None
    new = {}                            # node -> its copy's outputs, or None: unchanged
    stack = [init.node]
    while stack:                        # post-order, iterative
        node = stack[-1]
        if node in new:
            stack.pop()
        elif node.op is VARIABLE:
            if known is None:
                known = {id(v) for key in ("variables", "local_variables")
                         for v in init.graph.get_collection(key)}
            var = node.outputs[0]
            new[node] = (var.initialized_value(),) if id(var) in known else None
        elif node.op.uses_state:
            new[node] = None
        elif any(t.node not in new for t in node.inputs):
            stack.extend(t.node for t in node.inputs if t.node not in new)
        else:
            stack.pop()
            ins = [t if new[t.node] is None else new[t.node][t.index] for t in node.inputs]
            same = all(a is b for a, b in zip(ins, node.inputs))
            new[node] = None if same else apply(
                node.op, ins, name=f"{node.name}_{scope}", **node.attrs).outputs
    out = new[init.node]
    return init if out is None else out[init.index]


class VariableUpdate(Tensor):
    """The new value an update of a variable (assign, scatter...) gives; TF1's state ops
    also take it as the variable itself (its ref output), updating it after this one."""
    __slots__ = ("_var",)


def _retyped(node, cls, **slots):
    """The one output of `node`, a node just made, as an instance of the Tensor subclass
    cls with `slots` set (nothing holds the output yet, so it is replaced)."""
    t = node.outputs[0]
    out = cls(node, 0, t.shape, t.dtype)
    for k, v in slots.items():
        setattr(out, k, v)
    node.outputs = (out,)
    return out


def updated(node, var):
    """The output of `node`, a new node updating `var`, as a VariableUpdate."""
    return _retyped(node, VariableUpdate, _var=var)


def after_update(ref, build):
    """build(variable) for `ref`, a variable or a VariableUpdate (then run after that
    update, as TF1 runs an op on the ref an update returns)."""
    if isinstance(ref, VariableUpdate):
        with ref.graph.control_dependencies([ref.node]):
            return build(ref._var)
    return build(ref)


class SlicedVariable(Tensor):
    """v[key] of a variable: its value sliced, with assign(value) setting that slice."""
    __slots__ = ("_var", "_key")

    def assign(self, value, name=None, use_locking=None, read_value=True):
        """An op that sets the slice to `value` (of the slice's shape) and gives the
        variable's new value (TF1's strided_slice_assign)."""
        from .indexing import _parse_key
        var = self._var
        spec, idx = _parse_key(self._key)
        value = _update_value(var, value, "assign to a slice of a variable")
        node = apply(SLICE_ASSIGN, (value, *idx), name=name or "StridedSliceAssign",
                     var=var.node, spec=spec)
        return updated(node, var) if read_value else node


def _infer_slice_assign(ctx, value, *idx, var, spec):
    from .indexing import _infer_strided_slice
    want = var.outputs[0]
    if value.dtype is not want.dtype:
        raise InferError(f"cannot assign {{0}} of dtype {value.dtype.name} to a slice of "
                         f"variable '{var.name}' of dtype {want.dtype.name}", "dtype")
    part, _ = _infer_strided_slice(ctx, want, *idx, spec=spec)
    part = TensorShape(part)
    if not part.is_compatible_with(value.shape):
        raise InferError(f"cannot assign {{0}} of shape {value.shape} to the slice of shape "
                         f"{part} of variable '{var.name}'")
    return want.shape, want.dtype


def _slice_assign_kernel(rt, value, *idx, var, spec):
    from .indexing import _numpy_key
    new = np.array(_stored(rt.session, var), copy=True)
    key = _numpy_key(spec, idx)
    if new[key].shape != np.shape(value):
        raise errors.InvalidArgumentError(
            f"sliced l-value shape {list(new[key].shape)} does not match r-value shape "
            f"{list(np.shape(value))} in the assignment to a slice of variable '{var.name}'")
    new[key] = value
    new.setflags(write=False)
    rt.session._variables[var] = new
    return new


SLICE_ASSIGN = register(OpDef(
    "StridedSliceAssign", _infer_slice_assign, _slice_assign_kernel, stateful=True,
    uses_state=True, differentiable=False, api="Variable.__getitem__(...).assign",
    signature="v[key].assign(value)", shape_rule="shape of the variable",
    dtypes="dtype of the variable; tensor indices scalar int",
    doc="Sets v[key] (numpy basic indexing) to value, of that slice's shape; returns the "
        "variable's new value."))


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """An op that sets variable `ref` to `value` and gives the new value (TF1). A value
    of another shape needs a variable made with validate_shape=False (graphc keeps a
    variable's static shape, so validate_shape=False here cannot change it)."""
    if validate_shape is False and ref.shape.rank is not None:
        raise NotImplementedError(
            f"assign(validate_shape=False): variable '{ref.node.name}' has the static "
            f"shape {ref.shape}, which graphc keeps; make the variable with "
            "validate_shape=False to assign values of other shapes")
    return after_update(ref, lambda v: v.assign(value, use_locking=use_locking, name=name))


def assign_add(ref, value, use_locking=None, name=None):
    return after_update(ref, lambda v: v.assign_add(value, use_locking=use_locking, name=name))


def assign_sub(ref, value, use_locking=None, name=None):
    return after_update(ref, lambda v: v.assign_sub(value, use_locking=use_locking, name=name))


def global_variables(scope=None):
    return get_default_graph().get_collection("variables", scope)


def trainable_variables(scope=None):
    return get_default_graph().get_collection("trainable_variables", scope)


def moving_average_variables(scope=None):
    """The variables an ExponentialMovingAverage.apply averages (TF1)."""
    return get_default_graph().get_collection("moving_average_variables", scope)


def model_variables(scope=None):
    """The variables of the "model_variables" collection (TF1)."""
    return get_default_graph().get_collection("model_variables", scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of `var_list`."""
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def local_variables_initializer():
    return variables_initializer(get_default_graph().get_collection("local_variables"))
