"""Model-variable helpers of tf.contrib.framework / slim (tf_slim.ops.variables): make
variables into the right collections, find them by scope, name or suffix, and assign
them from values or from a checkpoint.

    with slim.arg_scope([slim.model_variable], device="/cpu:0"):
        W = slim.model_variable("W", [3, 2])     # in "variables" and "model_variables"
    to_restore = slim.get_variables_to_restore(exclude=["logits"])
    init_fn = slim.assign_from_checkpoint_fn("ckpt/model-100", to_restore)
    init_fn(sess)
"""
import functools
import re

from .. import device_spec as _device_spec
from ..graph import get_default_graph
from ..ops.graphkeys import GraphKeys
from ..ops.scope import VariableScope, get_variable_scope
from ..ops.state import Variable
from ..ops.varstore import get_variable
from ..partitioned import slice_info
from ..train import step as _step
from .arg_scope import add_arg_scope

__all__ = ["add_model_variable", "assert_global_step", "assert_or_get_global_step",
           "assign_from_checkpoint", "assign_from_checkpoint_fn", "assign_from_values",
           "assign_from_values_fn", "create_global_step", "filter_variables",
           "get_global_step", "get_or_create_global_step", "get_local_variables",
           "get_model_variables", "get_trainable_variables", "get_unique_variable",
           "get_variables_by_name", "get_variables_by_suffix", "get_variable_full_name",
           "get_variables_to_restore", "get_variables", "global_variable",
           "local_variable", "model_variable", "variable", "VariableDeviceChooser"]

# TF deprecated these in favour of tf.train's; they are the same functions here
get_global_step = _step.get_global_step
create_global_step = _step.create_global_step
get_or_create_global_step = _step.get_or_create_global_step
assert_global_step = _step.assert_global_step


def assert_or_get_global_step(graph=None, global_step_tensor=None):
    """`global_step_tensor` checked by assert_global_step, or the graph's global step
    (None if it has none) when it is None.

        step = slim.assert_or_get_global_step()
    """
    if global_step_tensor is None:
        return get_global_step(graph)
    assert_global_step(global_step_tensor)
    return global_step_tensor


# ---- making variables ----------------------------------------------------------------
def local_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable Variable in "local_variables" only.

        count = slim.local_variable(0, name="count")
    """
    return Variable(initial_value, trainable=False, collections=[GraphKeys.LOCAL_VARIABLES],
                    validate_shape=validate_shape, use_resource=use_resource, name=name)


def global_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable Variable in "variables" only.

        epoch = slim.global_variable(0, name="epoch")
    """
    return Variable(initial_value, trainable=False,
                    collections=[GraphKeys.GLOBAL_VARIABLES],
                    validate_shape=validate_shape, use_resource=use_resource, name=name)


@add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
             trainable=True, collections=None, caching_device=None, device=None,
             partitioner=None, custom_getter=None, use_resource=None,
             synchronization=None, aggregation=None):
    """gc.get_variable under `device` (a string or a function of the op), into
    `collections` (default ["variables"]). A `custom_getter` is called as get_variable
    with the scope's reuse added.

        with slim.arg_scope([slim.variable], device="/cpu:0"):
            v = slim.variable("v", [2], initializer=gc.zeros_initializer())
    """
    collections = list(dict.fromkeys(
        collections if collections is not None else [GraphKeys.GLOBAL_VARIABLES]))
    getter = get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=get_variable_scope().reuse)
    with get_default_graph().device(device or ""):
        return getter(name, shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, trainable=trainable,
                      collections=collections, caching_device=caching_device,
                      partitioner=partitioner, use_resource=use_resource,
                      synchronization=synchronization, aggregation=aggregation)


@add_arg_scope
def model_variable(name, shape=None, dtype="float32", initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None,
                   synchronization=None, aggregation=None):
    """`variable` that also joins "variables" and "model_variables" (whatever
    `collections` says); dtype defaults to float32.

        W = slim.model_variable("weights", [3, 3, 1, 32],
                                initializer=gc.truncated_normal_initializer(stddev=0.1))
    """
    collections = list(collections or [])
    collections += [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    return variable(name, shape=shape, dtype=dtype, initializer=initializer,
                    regularizer=regularizer, trainable=trainable, collections=collections,
                    caching_device=caching_device, device=device, partitioner=partitioner,
                    custom_getter=custom_getter, use_resource=use_resource,
                    synchronization=synchronization, aggregation=aggregation)


def add_model_variable(var):
    """Add `var` to "model_variables" unless it is there already."""
    graph = get_default_graph()
    if var not in graph.get_collection(GraphKeys.MODEL_VARIABLES):
        graph.add_to_collection(GraphKeys.MODEL_VARIABLES, var)


# ---- finding variables ---------------------------------------------------------------
def get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES):
    """The variables of `collection` whose names match `scope` (a regular expression
    matched at the start, or a VariableScope) followed by `suffix` somewhere after it.

        slim.get_variables("conv1")              # [conv1/weights, conv1/biases]
        slim.get_variables(suffix="biases")      # every .../biases
    """
    if scope and isinstance(scope, VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return get_default_graph().get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    """get_variables over "model_variables"."""
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    """get_variables over "local_variables"."""
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    """get_variables over "trainable_variables"."""
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_to_restore(include=None, exclude=None):
    """The global variables under any scope of `include` (default all), less those
    under any scope of `exclude`; both lists or tuples of scope strings.

        slim.get_variables_to_restore(exclude=["InceptionV3/Logits"])
    """
    if include is None:
        chosen = get_variables()
    else:
        if not isinstance(include, (list, tuple)):
            raise TypeError("include is provided but is not a list or a tuple.")
        chosen = [v for scope in include for v in get_variables(scope)]
    dropped = set()
    if exclude is not None:
        if not isinstance(exclude, (list, tuple)):
            raise TypeError("exclude is provided but is not a list or a tuple.")
        for scope in exclude:
            dropped.update(id(v) for v in get_variables(scope))
    return [v for v in chosen if id(v) not in dropped]


def get_variables_by_suffix(suffix, scope=None):
    """The global variables whose names end with `suffix` (within `scope`)."""
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
    """The global variables named `given_name` in any scope (within `scope`).

        slim.get_variables_by_name("weights")    # conv1/weights, fc/weights, ...
    """
    return get_variables(scope=scope, suffix=f"/{given_name}:|^{given_name}:")


def get_unique_variable(var_op_name):
    """The global variable whose op name is exactly `var_op_name`; ValueError if none.

        slim.get_unique_variable("conv1/weights")
    """
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")


def get_variable_full_name(var):
    """The name a checkpoint uses for `var`: the full variable's name for a part of a
    partitioned variable, else var.op.name."""
    info = slice_info(var)
    return info.full_name if info else var.op.name


def filter_variables(var_list, include_patterns=None, exclude_patterns=None,
                     reg_search=True):
    """The variables of `var_list` whose names match any of `include_patterns` (default
    all) and none of `exclude_patterns`; re.search, or re.match if not reg_search.

        slim.filter_variables(slim.get_model_variables(), ["Conv"], ["biases"])
    """
    find = re.search if reg_search else re.match
    kept = list(var_list) if include_patterns is None else [
        v for v in var_list if any(find(p, v.name) for p in include_patterns)]
    if exclude_patterns is None:
        return kept
    return [v for v in kept if not any(find(p, v.name) for p in exclude_patterns)]


class VariableDeviceChooser:
    """A device function for variables: round robin over `num_tasks` parameter-server
    tasks of job `job_name`, or one local device when num_tasks is 0.

        with gc.device(slim.VariableDeviceChooser(2)):   # /job:ps/task:0, task:1, ...
            ...
    """

    def __init__(self, num_tasks=0, job_name="ps", device_type="CPU", device_index=0,
                 replica=None):
        self._job_name = job_name
        self._device_type = device_type
        self._device_index = device_index
        self._replica = replica
        self._num_tasks = num_tasks
        self._next_task_id = 0

    def __call__(self, op):
        job = task = None
        if self._num_tasks > 0:        # each op it places takes the next task, as in TF
            job, task = self._job_name, self._next_task_id
            self._next_task_id = (self._next_task_id + 1) % self._num_tasks
        return _device_spec.DeviceSpec(job=job, replica=self._replica, task=task,
                                       device_type=self._device_type,
                                       device_index=self._device_index).to_string()


from .framework_assign import (assign_from_checkpoint, assign_from_checkpoint_fn,  # noqa
                               assign_from_values, assign_from_values_fn)
