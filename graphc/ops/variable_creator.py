"""TF1's variable creators and the variable enums: gc.variable_creator_scope,
gc.VariableSynchronization and gc.VariableAggregation.

    def creator(next_creator, **kwargs):
        kwargs["trainable"] = False                 # freeze every variable made here
        return next_creator(**kwargs)

    with gc.variable_creator_scope(creator):
        v = gc.Variable(1.0)                        # also gc.get_variable, layers...

The creators of a graph form a stack; the innermost is called first, each with a
`next_creator` that calls the next one out, and the last makes the Variable. Each sees
TF's keyword arguments of tf.Variable (initial_value, trainable, collections,
validate_shape, caching_device, name, variable_def, dtype, expected_shape, import_scope,
constraint, use_resource, synchronization, aggregation, shape).
"""
import contextlib
import enum

from ..graph import get_default_graph

__all__ = ["variable_creator_scope", "VariableSynchronization", "VariableAggregation"]


class VariableSynchronization(enum.Enum):
    """When a distributed variable's copies are synchronized (TF's enum). graphc runs in
    one process, so only the trainable default of ON_READ has an effect."""
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed variable's updates from replicas combine (TF1's enum, with its
    ONLY_FIRST_TOWER alias). Stored on the variable; graphc has one replica."""
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


def resolve_sync(synchronization, aggregation, trainable, name):
    """(synchronization, aggregation, trainable) with TF's defaults: an ON_READ variable
    is not trainable unless asked to be."""
    sync = VariableSynchronization.AUTO if synchronization is None else synchronization
    agg = VariableAggregation.NONE if aggregation is None else aggregation
    if not isinstance(sync, VariableSynchronization):
        raise ValueError(f"Invalid variable synchronization mode: {sync!r} for variable "
                         f"{name}")
    if not isinstance(agg, VariableAggregation):
        raise ValueError(f"Invalid variable aggregation mode: {agg!r} for variable {name}")
    if trainable is None:
        trainable = sync is not VariableSynchronization.ON_READ
    return sync, agg, trainable


def create_through(creators, kwargs):
    """The variable the creator stack makes from TF's keyword arguments."""
    from ..graph import Tensor
    from .state import Variable

    def make(**kw):
        v = Tensor.__new__(Variable)
        Variable.__init__(v, **kw)
        return v

    chain = make
    for creator in creators:                # outermost first: the innermost runs first
        chain = _link(creator, chain)
    return chain(**kwargs)


def _link(creator, next_creator):
    def call(**kw):
        return creator(next_creator, **kw)
    return call


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """Routes every Variable made in the block, in the default graph, through
    `variable_creator(next_creator, **kwargs)` (TF's tf.variable_creator_scope)."""
    if not callable(variable_creator):
        raise TypeError(f"variable_creator_scope: the creator must be callable, not "
                        f"{variable_creator!r}")
    graph = get_default_graph()
    stack = getattr(graph, "_variable_creators", None)
    if stack is None:
        stack = graph._variable_creators = []
    stack.append(variable_creator)
    try:
        yield
    finally:
        stack.pop()
