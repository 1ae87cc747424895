"""CheckpointManager (TF: tf.train.CheckpointManager): numbered saves of a Checkpoint in
one directory, keeping the newest max_to_keep, recorded in the directory's "checkpoint"
state file (the one gc.train.Saver writes and gc.train.latest_checkpoint reads).
"""
import os
import time

from ..graph import Tensor
from ..session import _session_or_default
from .checkpoint import (STATE_FILENAME, checkpoint_exists, get_checkpoint_mtimes,
                         get_checkpoint_state, remove_checkpoint, update_checkpoint_state)

__all__ = ["CheckpointManager"]


class CheckpointManager:
    """Saves a Checkpoint as "<directory>/<checkpoint_name>-<n>" and deletes old ones
    (TF: tf.train.CheckpointManager, graph mode: saves use the default session).

        ckpt = gc.train.Checkpoint(model=model, optimizer=opt)
        manager = gc.train.CheckpointManager(ckpt, "ckpt", max_to_keep=3)
        manager.restore_or_initialize()     # the latest checkpoint, if there is one
        ...
        manager.save()                      # "ckpt/ckpt-1", "ckpt/ckpt-2", ...

    max_to_keep None keeps every checkpoint. A checkpoint that falls off max_to_keep
    survives if keep_checkpoint_every_n_hours have passed since the last one kept that
    way. With checkpoint_interval, save() writes only when step_counter has advanced by
    at least that much since the last save (else returns None). Checkpoints the
    directory's state file names are adopted at construction.
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None, last_checkpoint_step=None):
        from .object_checkpoint import Checkpoint
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"CheckpointManager takes a gc.train.Checkpoint, got "
                            f"{type(checkpoint).__name__} {checkpoint!r}")
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, "
                             f"got {max_to_keep}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is "
                             "not None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_checkpoint_step = last_checkpoint_step
        self._last_preserved = time.time()
        self._kept = {}             # prefix -> time saved, oldest first
        self._latest = None
        state = get_checkpoint_state(self._directory)
        if state is not None:
            paths = [p for p in state.all_model_checkpoint_paths if checkpoint_exists(p)]
            self._kept = dict(zip(paths, get_checkpoint_mtimes(paths)))
            if checkpoint_exists(state.model_checkpoint_path):
                self._latest = state.model_checkpoint_path

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self):
        """The prefix of the newest checkpoint, or None."""
        return self._latest

    @property
    def checkpoints(self):
        """The prefixes of the checkpoints kept, oldest first."""
        return list(self._kept)

    def save(self, checkpoint_number=None, check_interval=True, options=None,
             session=None):
        """Save the checkpoint as "<prefix>-<n>" (n: checkpoint_number, an int or a
        tensor such as the global step, else the new save_counter); returns the path,
        or None when checkpoint_interval says it is too early.

            manager.save()                              # "ckpt/ckpt-4"
            manager.save(checkpoint_number=global_step) # "ckpt/ckpt-1000"
        """
        sess = _session_or_default(session)
        if self._checkpoint_interval is not None and check_interval:
            step = int(sess.run(self._step_counter))
            if (self._last_checkpoint_step is not None
                    and step < self._last_checkpoint_step + self._checkpoint_interval):
                return None
            self._last_checkpoint_step = step
        counter = self._checkpoint.save_counter
        old = sess._variables.get(counter.node)
        counter.load((0 if old is None else int(old)) + 1, sess)
        if checkpoint_number is None:
            checkpoint_number = counter
        if isinstance(checkpoint_number, Tensor):
            checkpoint_number = sess.run(checkpoint_number)
        path = self._checkpoint.write(f"{self._prefix}-{int(checkpoint_number)}", sess,
                                      options)
        self._kept.pop(path, None)      # saved again: now the newest
        self._kept[path] = time.time()
        self._latest = path
        self._record()
        self._sweep()
        self._record()
        return path

    def _record(self):
        os.makedirs(self._directory, exist_ok=True)
        update_checkpoint_state(self._directory, self._latest, list(self._kept),
                                STATE_FILENAME)

    def _sweep(self):
        """Delete the oldest checkpoints beyond max_to_keep (some kept for good)."""
        if self._max_to_keep is None:
            return
        while len(self._kept) > self._max_to_keep:
            oldest = next(iter(self._kept))
            saved = self._kept.pop(oldest)
            if (self._keep_hours is not None
                    and saved - self._keep_hours * 3600 >= self._last_preserved):
                self._last_preserved = saved        # kept for good, no longer managed
                continue
            remove_checkpoint(oldest)

    def sync(self):
        """Wait for pending writes (graphc writes synchronously: nothing to wait for)."""

    def restore_or_initialize(self, session=None):
        """Restore the latest checkpoint into `session` (default session) and return
        its path; with none, call init_fn (if given) and return None.

            if manager.restore_or_initialize() is None:
                sess.run(gc.global_variables_initializer())
        """
        if self._latest is not None:
            sess = _session_or_default(session)
            self._checkpoint.restore(self._latest).run_restore_ops(sess)
            if self._checkpoint_interval is not None:
                self._last_checkpoint_step = int(sess.run(self._step_counter))
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None
