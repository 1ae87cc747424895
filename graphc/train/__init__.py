"""TF1 tf.train: optimizers, the global step, learning-rate decay and checkpoints.

    opt = gc.train.AdamOptimizer(1e-3)
    train_op = opt.minimize(loss, global_step=gc.train.get_or_create_global_step())
    gc.train.Saver().save(sess, "ckpt/model", global_step=step)
"""
from .optimizer import Optimizer
from .optimizers import (AdagradOptimizer, AdamOptimizer, GradientDescentOptimizer,
                         MomentumOptimizer, RMSPropOptimizer)
from .saver import (CheckpointState, Saver, checkpoint_exists, get_checkpoint_state,
                    latest_checkpoint, list_variables, load_variable,
                    update_checkpoint_state)
from ..io.serialize import export_meta_graph, import_meta_graph, write_graph
from .step import (create_global_step, exponential_decay, get_global_step,
                   get_or_create_global_step, global_step)

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer",
           "AdagradOptimizer", "RMSPropOptimizer", "AdamOptimizer", "get_global_step",
           "create_global_step", "get_or_create_global_step", "global_step",
           "exponential_decay", "Saver", "CheckpointState", "latest_checkpoint",
           "get_checkpoint_state", "update_checkpoint_state", "checkpoint_exists",
           "list_variables", "load_variable", "write_graph", "export_meta_graph",
           "import_meta_graph"]
