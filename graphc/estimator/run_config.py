"""RunConfig (TF1 tf.estimator.RunConfig): where an Estimator writes, how often it
saves checkpoints and summaries, its seed and session config.

    config = gc.estimator.RunConfig(model_dir="m", save_checkpoints_steps=100,
                                    tf_random_seed=1)
    config = config.replace(keep_checkpoint_max=2)
"""
import copy
import os

from ..session import ConfigProto

__all__ = ["RunConfig"]

_USE_DEFAULT = object()
_REPLACEABLE = ["model_dir", "tf_random_seed", "save_summary_steps",
                "save_checkpoints_steps", "save_checkpoints_secs", "session_config",
                "keep_checkpoint_max", "keep_checkpoint_every_n_hours",
                "log_step_count_steps", "train_distribute", "device_fn", "protocol",
                "eval_distribute", "experimental_distribute",
                "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
                "checkpoint_save_graph_def"]
_SAVE_CKPT_ERR = "`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set."

# (property, condition on a value that is not None, message) as TF1 validates them
_CHECKS = [
    ("model_dir", lambda d: d, "model_dir should be non-empty"),
    ("save_summary_steps", lambda s: s >= 0, "save_summary_steps should be >= 0"),
    ("save_checkpoints_steps", lambda s: s >= 0, "save_checkpoints_steps should be >= 0"),
    ("save_checkpoints_secs", lambda s: s >= 0, "save_checkpoints_secs should be >= 0"),
    ("session_config", lambda c: isinstance(c, ConfigProto),
     "session_config must be instance of ConfigProto"),
    ("keep_checkpoint_max", lambda k: k >= 0, "keep_checkpoint_max should be >= 0"),
    ("keep_checkpoint_every_n_hours", lambda h: h > 0,
     "keep_checkpoint_every_n_hours should be > 0"),
    ("log_step_count_steps", lambda s: s > 0, "log_step_count_steps should be > 0"),
    ("tf_random_seed", lambda s: isinstance(s, int), "tf_random_seed must be integer."),
    ("experimental_max_worker_delay_secs", lambda d: isinstance(d, int),
     "experimental_max_worker_delay_secs must be an integer if set."),
    ("session_creation_timeout_secs", lambda t: t > 0,
     "session_creation_timeout_secs should be > 0"),
    ("protocol", lambda p: p in (None, "grpc", "grpc+verbs"),
     "protocol should be grpc or grpc+verbs"),
]


class RunConfig:
    """An Estimator's run settings (TF1). Exactly one of save_checkpoints_steps and
    save_checkpoints_secs may be set; neither means a checkpoint every 600 s.

        gc.estimator.RunConfig(model_dir="m", save_summary_steps=10,
                               save_checkpoints_steps=50, keep_checkpoint_max=3)

    graphc runs in one process: the cluster properties are those of a local chief
    (is_chief True, master '', one worker, no ps); TF_CONFIG is not read. The
    distribution strategies, device_fn and protocol are accepted and unused.
    """

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_USE_DEFAULT, save_checkpoints_secs=_USE_DEFAULT,
                 session_config=None, keep_checkpoint_max=5,
                 keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None,
                 eval_distribute=None, experimental_distribute=None,
                 experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200, checkpoint_save_graph_def=True):
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        elif save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_secs = None
        elif save_checkpoints_steps is _USE_DEFAULT:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
        if model_dir is not None:
            model_dir = os.fspath(model_dir)
        if model_dir == "":
            raise ValueError("model_dir should be non-empty.")
        values = dict(locals())
        self._replace_in_place({k: values[k] for k in _REPLACEABLE})

    def replace(self, **kwargs):
        """A copy with the given properties replaced (those listed in TF1); setting one
        of save_checkpoints_steps/secs to a value clears the other.

            config.replace(save_checkpoints_steps=10)
        """
        new = copy.deepcopy(self)
        new._replace_in_place(kwargs)
        return new

    def _replace_in_place(self, kwargs):
        for key, value in kwargs.items():
            if key not in _REPLACEABLE:
                raise ValueError(f"Replacing {key} is not supported. Allowed properties "
                                 f"are {_REPLACEABLE}.")
            setattr(self, "_" + key, value)
        steps, secs = self._save_checkpoints_steps, self._save_checkpoints_secs
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" in kwargs:
            if steps is not None and secs is not None:
                raise ValueError(_SAVE_CKPT_ERR)
        elif "save_checkpoints_steps" in kwargs and steps is not None:
            self._save_checkpoints_secs = None
        elif "save_checkpoints_secs" in kwargs and secs is not None:
            self._save_checkpoints_steps = None
        for name, ok, message in _CHECKS:
            value = getattr(self, "_" + name)
            if value is not None and not ok(value):
                raise ValueError(message)

    # a local chief: TF1's values when TF_CONFIG is empty
    cluster_spec = property(lambda self: None)
    evaluation_master = property(lambda self: "")
    is_chief = property(lambda self: True)
    master = property(lambda self: "")
    num_ps_replicas = property(lambda self: 0)
    num_worker_replicas = property(lambda self: 1)
    global_id_in_cluster = property(lambda self: 0)
    task_id = property(lambda self: 0)
    task_type = property(lambda self: "worker")
    service = property(lambda self: None)

    def __repr__(self):
        shown = ", ".join(f"'_{k}': {getattr(self, '_' + k)!r}" for k in _REPLACEABLE)
        return "{" + shown + "}"


def _make_property(name):
    return property(lambda self: getattr(self, "_" + name),
                    doc=f"The {name} setting (TF1 RunConfig.{name}).")


for _name in _REPLACEABLE:
    setattr(RunConfig, _name, _make_property(_name))
