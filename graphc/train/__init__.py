"""TF1 tf.train: optimizers, the global step, learning-rate schedules, moving averages
and checkpoints.

    opt = gc.train.AdamOptimizer(1e-3)
    train_op = opt.minimize(loss, global_step=gc.train.get_or_create_global_step())
    gc.train.Saver().save(sess, "ckpt/model", global_step=step)
"""
from .optimizer import Optimizer
from .moving_averages import ExponentialMovingAverage
from .optimizers import (AdagradOptimizer, AdamOptimizer, GradientDescentOptimizer,
                         MomentumOptimizer, RMSPropOptimizer)
from .optimizers_extra import (AdadeltaOptimizer, FtrlOptimizer, ProximalAdagradOptimizer,
                               ProximalGradientDescentOptimizer)
from .saver import Saver, SaverDef
from .checkpoint import (CheckpointState, checkpoint_exists,
                         generate_checkpoint_state_proto, get_checkpoint_mtimes,
                         get_checkpoint_state, latest_checkpoint, list_variables,
                         load_variable, remove_checkpoint, update_checkpoint_state)
from ..io.serialize import export_meta_graph, import_meta_graph, write_graph
from ..summary import summary_iterator
from .decay import (cosine_decay, cosine_decay_restarts, exponential_decay,
                    inverse_time_decay, linear_cosine_decay, natural_exp_decay,
                    noisy_linear_cosine_decay, piecewise_constant, piecewise_constant_decay,
                    polynomial_decay)
from . import coordinator, hooks, monitored
from .coordinator import *  # noqa: F401,F403
from .hooks import *  # noqa: F401,F403
from .monitored import *  # noqa: F401,F403
from ..io import example
from ..io.example import *  # noqa: F401,F403
from . import checkpoint_reader
from .checkpoint_reader import *  # noqa: F401,F403
from . import queue_runner, input as _input
from .queue_runner import *  # noqa: F401,F403
from .input import *  # noqa: F401,F403
from .optimizers_da import AdagradDAOptimizer
from .supervisor import Supervisor
from .device_setter import ClusterSpec, replica_device_setter
from . import object_checkpoint
from .object_checkpoint import *  # noqa: F401,F403
from .loss_scale import experimental
from .step import (assert_global_step, create_global_step, get_global_step,
                   get_or_create_global_step, global_step)

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer",
           "AdagradOptimizer", "RMSPropOptimizer", "AdamOptimizer", "AdadeltaOptimizer",
           "FtrlOptimizer", "ProximalGradientDescentOptimizer", "ProximalAdagradOptimizer",
           "ExponentialMovingAverage", "get_global_step",
           "create_global_step", "get_or_create_global_step", "global_step",
           "exponential_decay", "piecewise_constant", "piecewise_constant_decay",
           "polynomial_decay", "natural_exp_decay", "inverse_time_decay", "cosine_decay",
           "cosine_decay_restarts", "linear_cosine_decay", "noisy_linear_cosine_decay",
           "Saver", "CheckpointState", "latest_checkpoint",
           "get_checkpoint_state", "update_checkpoint_state", "checkpoint_exists",
           "list_variables", "load_variable", "write_graph", "export_meta_graph",
           "import_meta_graph", "summary_iterator", "assert_global_step",
           "generate_checkpoint_state_proto", "get_checkpoint_mtimes", "remove_checkpoint"]
__all__ += coordinator.__all__ + hooks.__all__ + monitored.__all__ + example.__all__
__all__ += checkpoint_reader.__all__
__all__ += queue_runner.__all__ + _input.__all__
__all__ += ["experimental"]
__all__ += ["AdagradDAOptimizer", "Supervisor", "ClusterSpec", "replica_device_setter"]
__all__ += object_checkpoint.__all__
__all__ += ["SaverDef"]
from .sync_replicas import SyncReplicasOptimizer  # noqa: E402
__all__ += ["SyncReplicasOptimizer"]
