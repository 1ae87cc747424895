"""get_variable (TF1): the variable `scope/name` of the current variable scope, created or
shared according to the scope's reuse (see ops/scope.py for the scopes).

    with gc.variable_scope("fc", reuse=gc.AUTO_REUSE):
        W = gc.get_variable("W", [784, 10])     # 'fc/W'; the same Variable on every call

A new variable is an ordinary gc.Variable named exactly by its scope (the name scope does
not count), its initial value built under 'scope/name/Initializer/' and its regularizer's
loss under 'scope/name/Regularizer/'.
"""
import inspect

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..shapes import TensorShape, as_shape, surely_differ
from .control import init_scope
from .core import convert_to_tensor
from .graphkeys import GraphKeys
from .scope import _root, _store
from .variable_creator import resolve_sync
from .state import Variable

__all__ = ["get_variable", "get_local_variable", "no_regularizer"]


def no_regularizer(_):
    """A regularizer that adds nothing (to turn off a scope's default regularizer)."""
    return None


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """The variable `scope/name`: created, or the existing one when the scope reuses.

        with gc.variable_scope("fc", reuse=gc.AUTO_REUSE):
            W = gc.get_variable("W", [784, 10],
                                initializer=gc.truncated_normal_initializer(stddev=0.1),
                                regularizer=lambda w: 1e-4 * gc.nn.l2_loss(w))

    `initializer`: an initializer (called with the shape and dtype; default the scope's,
    else glorot_uniform for floats and zeros for ints and bools), or a tensor or value
    (then give no shape). The regularizer's result goes to the "regularization_losses"
    collection. A Python or numpy `initializer` value is converted to `dtype` if given; a
    tensor must have it. `partitioner` (default the scope's; see graphc/partitioned.py)
    makes a PartitionedVariable of parts 'name/part_0', ... instead (not for shape []).
    `constraint` (a function of the variable) is applied after each optimizer update, as
    TF1's Optimizer does. caching_device and use_resource have no effect in graphc;
    synchronization and aggregation are kept on the variable (one process: no replicas).
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"get_variable: name must be a non-empty string, not {name!r}")
    store = _store()
    scope = store.current
    full_name = f"{scope.name}/{name}" if scope.name else name
    explicit = dtype is not None
    if explicit and isinstance(initializer, Tensor) and \
            initializer.dtype is not dtypes.as_dtype(dtype):
        raise errors.DTypeError(
            f"Initializer type '{initializer.dtype.name}' and explicit dtype "
            f"'{dtypes.as_dtype(dtype).name}' don't match (variable {full_name})\n  "
            + errors.describe_tensor(initializer, "initializer"))
    if custom_getter is not None and not callable(custom_getter):
        raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter!r}")

    def true_getter(name, shape=None, dtype=dtypes.float32, initializer=None,
                    regularizer=None, reuse=None, trainable=None, collections=None,
                    validate_shape=True, partitioner=None, constraint=None,
                    synchronization=None, aggregation=None, **ignored):
        # TF1: a partitioner is ignored for a scalar shape given as [] or (); reuse=True
        # gets a partitioned variable without its partitioner
        scalar = isinstance(shape, (list, tuple)) and not shape
        if partitioner is not None and not scalar or \
                partitioner is None and reuse is True and name in store.partitioned:
            if constraint is not None:
                raise NotImplementedError(f"get_variable: a constraint on the partitioned "
                                          f"variable {name} is not supported")
            from ..partitioned_store import get_partitioned
            return get_partitioned(name, shape, dtype, initializer, regularizer, reuse,
                                   trainable, collections, validate_shape, explicit,
                                   partitioner)
        if f"{name}/part_0" in store.vars:
            raise ValueError(f"No partitioner was provided, but a partitioned version of "
                             f"the variable was found: {name}/part_0. Perhaps a variable "
                             "of the same name was already created with partitioning?")
        return _get_single(store, name, shape, dtype, initializer, regularizer, reuse,
                           trainable, collections, validate_shape, explicit,
                           extra=dict(constraint=constraint, synchronization=synchronization,
                                      aggregation=aggregation))

    # TF1 resolves trainable before a custom getter sees it (None -> True; False for an
    # ON_READ variable)
    kwargs = dict(name=full_name, shape=shape,
                  dtype=dtype if explicit else scope.dtype,
                  initializer=scope.initializer if initializer is None else initializer,
                  regularizer=scope.regularizer if regularizer is None else regularizer,
                  reuse=scope.reuse,
                  trainable=resolve_sync(synchronization, aggregation, trainable, full_name)[2],
                  collections=collections,
                  caching_device=caching_device,
                  partitioner=scope.partitioner if partitioner is None else partitioner,
                  validate_shape=validate_shape, use_resource=use_resource,
                  synchronization=synchronization, aggregation=aggregation,
                  constraint=constraint)
    getter = scope.custom_getter if custom_getter is None else custom_getter
    with get_default_graph().name_scope(None):  # names come from the variable scope
        if getter is None:                      # alone: a custom getter's ops too (TF1)
            return true_getter(**kwargs)
        return getter(getter=true_getter, **kwargs)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None,
                       partitioner=None, validate_shape=True, use_resource=None,
                       custom_getter=None, constraint=None, synchronization=None,
                       aggregation=None):
    """get_variable into the "local_variables" collection, never trainable (TF1).

        count = gc.get_local_variable("count", [], dtype=gc.int32)
    """
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections,
                        caching_device, partitioner, validate_shape, use_resource,
                        custom_getter, constraint, synchronization, aggregation)


# ---- one variable --------------------------------------------------------------------------
def _get_single(store, name, shape, dtype, initializer, regularizer, reuse, trainable,
                collections, validate_shape, explicit_dtype, partition_info=None,
                cls=Variable, extra=None):
    """The stored variable `name` (checked against shape and dtype), or a new one (of
    class `cls`; a part of a partitioned variable passes its PartitionInfo on to the
    initializer; `extra`: Variable's constraint, synchronization and aggregation)."""
    from_value = initializer is not None and not callable(initializer)
    if shape is not None and from_value:
        raise ValueError(f"If initializer is a constant, do not specify shape "
                         f"(variable {name}, shape {shape}).")
    dtype = dtypes.as_dtype(dtype)
    shape = TensorShape(None) if shape is None else as_shape(shape)
    found = store.vars.get(name)
    if found is not None:
        return _shared(found, name, shape, dtype, reuse, explicit_dtype)
    graph = get_default_graph()
    root = _root(graph)
    if reuse is True:
        node = _node(root, name)
        raise errors.GraphError(
            f"Variable {name} does not exist, or was not created with gc.get_variable(). "
            f"Did you mean to set reuse=gc.AUTO_REUSE in VarScope?"
            + (f"\n  {errors.describe_node(node)} has that name, but only variables made "
               "by gc.get_variable are shared" if node is not None else ""))
    # a name an op not made by get_variable holds (a Keras layer's dense/kernel): the
    # variable's op is named 'name_1', kept in the store under `name`, as in TF1
    if graph is not root and isinstance(initializer, Tensor) and initializer.graph is graph:
        raise ValueError(f"get_variable {name}: the initializer is a tensor made inside a "
                         "cond branch or a loop body; use an initializer object or a "
                         "lambda to create a variable there\n  "
                         + errors.describe_tensor(initializer, "initializer"))
    trainable = True if trainable is None else bool(trainable)
    with init_scope(), root.name_scope(""):     # in the outermost graph, named by the
        init_val = _initial_value(name, shape, dtype, initializer, from_value,  # scope
                                  explicit_dtype, partition_info)
        v = cls(init_val, trainable=trainable, name=name, validate_shape=validate_shape,
                collections=collections, **(extra or {}))
        store.vars[name] = v
        if regularizer is not None:     # TF1: colocated with the variable
            with root.name_scope(name + "/Regularizer/"), root.colocate_with(v.node):
                loss = regularizer(v)
            if loss is not None:
                root.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return v


def _node(graph, name):
    try:
        return graph.get_operation_by_name(name)
    except errors.NotFoundError:
        return None


def _shared(found, name, shape, dtype, reuse, explicit_dtype):
    site = errors.format_site(found.node.site)
    if reuse is False:
        raise errors.GraphError(
            f"Variable {name} already exists, disallowed. Did you mean to set reuse=True or "
            f"reuse=gc.AUTO_REUSE in VarScope? Originally defined at {site}")
    if surely_differ(shape, found.shape):
        raise errors.ShapeError(f"Trying to share variable {name}, but specified shape "
                                f"{shape} and found shape {found.shape} (created at {site})")
    if dtype is not found.dtype:
        hint = "" if explicit_dtype else f" (the scope's default: pass dtype={found.dtype!r})"
        raise errors.DTypeValueError(f"Trying to share variable {name}, but specified "
                                     f"dtype {dtype.name}{hint} and found dtype "
                                     f"{found.dtype.name} (created at {site})")
    return found


def _initial_value(name, shape, dtype, initializer, from_value, explicit_dtype,
                   partition_info=None):
    """The Variable's initial_value: a tensor or value, or a callable building it under
    the name scope 'name/Initializer/' and checking its shape and dtype."""
    if from_value:
        if isinstance(initializer, Tensor):
            return initializer
        return convert_to_tensor(initializer, dtype=dtype if explicit_dtype else None,
                                 name="initial_value")
    if initializer is None:
        from .. import initializers
        if dtype.is_floating:
            initializer = initializers.glorot_uniform_initializer()
        elif dtype.is_integer or dtype.is_bool:
            initializer = initializers.zeros_initializer()
        else:
            raise ValueError(f"An initializer for variable {name} of {dtype} is required")
    if inspect.isclass(initializer):
        initializer = initializer()
    if shape.is_fully_defined():
        def build():
            return _call_initializer(initializer, shape.as_list(), dtype, partition_info)
    elif _takes_no_args(initializer):
        build = initializer
    else:
        raise errors.ShapeError(f"Shape of a new variable ({name}) must be fully defined, "
                                f"but instead was {shape}.")

    def initial_value():            # Variable builds it in scope 'Initializer'
        try:
            value = convert_to_tensor(build())
        except errors.GraphcError as e:     # say which variable it was for
            raise type(e)(f"{e}\n  in the initializer of variable {name} (shape {shape}, "
                          f"{dtype.name}), at {errors.format_site(errors.user_site())}"
                          ) from None
        if not shape.is_fully_defined():
            return value
        what = (f"the initializer of variable {name} (shape {shape}, {dtype.name}) gave "
                f"{errors.describe_tensor(value, value.name)}")
        if value.dtype is not dtype:
            raise errors.DTypeError(what)
        if surely_differ(value.shape, shape):
            raise errors.ShapeError(what)
        return value
    return initial_value


def _call_initializer(init, shape, dtype, partition_info=None):
    """init(shape, dtype=..., partition_info=...), leaving out partition_info for an
    initializer that does not take it."""
    try:
        params = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):
        params = ()
    if any(p.name == "partition_info" or p.kind is p.VAR_KEYWORD for p in params):
        return init(shape, dtype=dtype, partition_info=partition_info)
    return init(shape, dtype=dtype)


def _takes_no_args(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params)
