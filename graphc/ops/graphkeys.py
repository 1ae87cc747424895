"""Graph collections by name (TF1): GraphKeys and the module-level collection functions.

    gc.add_to_collection(gc.GraphKeys.UPDATE_OPS, update)
    reg = gc.get_collection(gc.GraphKeys.REGULARIZATION_LOSSES, scope="encoder")
"""

from ..graph import get_default_graph
# gc.tables_initializer lives with the table ops; this star-imported module exports it
from .lookup_ops import initialize_all_tables, tables_initializer

__all__ = ["GraphKeys", "get_collection", "get_collection_ref", "add_to_collection",
           "add_to_collections", "local_variables", "tables_initializer",
           "initialize_all_tables"]


class GraphKeys:
    """The standard collection names (TF1 tf.GraphKeys). graphc fills GLOBAL_VARIABLES,
    TRAINABLE_VARIABLES, LOCAL_VARIABLES, REGULARIZATION_LOSSES, LOSSES, UPDATE_OPS
    (gc.layers.batch_normalization), GLOBAL_STEP, TRAIN_OP, MOVING_AVERAGE_VARIABLES
    (gc.train.ExponentialMovingAverage.apply), METRIC_VARIABLES (gc.metrics' local
    variables) and TABLE_INITIALIZERS (gc.lookup's static tables) itself; the Scaffold
    keys (INIT_OP, READY_OP, ...) and the rest are there for user code, as in TF1."""
    GLOBAL_VARIABLES = "variables"
    VARIABLES = GLOBAL_VARIABLES            # TF1's deprecated alias
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    LOSSES = "losses"
    UPDATE_OPS = "update_ops"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    SUMMARIES = "summaries"                 # gc.summary.scalar/histogram add themselves
    METRIC_VARIABLES = "metric_variables"
    TABLE_INITIALIZERS = "table_initializer"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    SAVERS = "savers"
    ASSET_FILEPATHS = "asset_filepaths"
    QUEUE_RUNNERS = "queue_runners"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    SAVEABLE_OBJECTS = "saveable_objects"
    CONCATENATED_VARIABLES = "concatenated_variables"
    EVAL_STEP = "eval_step"
    ACTIVATIONS = "activations"
    WEIGHTS = "weights"
    BIASES = "biases"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


def get_collection(key, scope=None):
    """A copy of collection `key` of the default graph; with `scope`, only the values
    whose name matches that regular expression at its start (TF1: re.match).

        gc.get_collection(gc.GraphKeys.TRAINABLE_VARIABLES, scope="layer1/")
    """
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    """The list behind collection `key` itself (created empty if missing): changing it
    changes the collection."""
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name, value):
    """Appends `value` to collection `name` of the default graph."""
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    """Appends `value` to each collection in `names` (a name or a list of names)."""
    for name in [names] if isinstance(names, str) else dict.fromkeys(names):
        add_to_collection(name, value)


def local_variables(scope=None):
    """The variables of the "local_variables" collection (e.g. from get_local_variable)."""
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)
