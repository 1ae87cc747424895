"""TF1's tf.train.SyncReplicasOptimizer: synchronous data-parallel training, built as TF1
builds it. Each replica's train_op applies its gradients to one ConditionalAccumulator per
variable (dropped there when older than the accumulator's step), then takes a token from
the queue 'sync_token_q' as its next local step. The chief's queue runner takes the mean
of replicas_to_aggregate gradients from each accumulator, applies it with the wrapped
optimizer (global_step += 1) and puts max(total_num_replicas, replicas_to_aggregate)
tokens holding the new global step into the queue.

    opt = gc.train.SyncReplicasOptimizer(gc.train.AdamOptimizer(1e-3),
                                         replicas_to_aggregate=1)
    train_op = opt.minimize(loss, global_step=gc.train.get_or_create_global_step())
    hook = opt.make_session_run_hook(is_chief=True)
    with gc.train.MonitoredTrainingSession(is_chief=True, hooks=[hook]) as sess:
        sess.run(train_op, feed)

graphc runs one process: the replicas are threads (or successive runs) of one Session,
and devices are not placed.
"""
import numpy as np

from .. import errors
from ..accumulators import ConditionalAccumulator, SparseConditionalAccumulator
from ..graph import Tensor, control_dependencies, name_scope
from ..indexed_slices import IndexedSlices
from ..ops.core import group, no_op
from ..ops.creation import fill
from ..ops.graphkeys import GraphKeys
from ..ops.init_checks import report_uninitialized_variables
from ..ops.state import Variable, assign, global_variables
from ..queues import FIFOQueue
from ..tf_logging import get_logger
from .optimizer import Optimizer
from .queue_runner import QueueRunner
from .session_run_hook import SessionRunHook

__all__ = ["SyncReplicasOptimizer"]

_UNBOUNDED = 2 ** 31 - 1


class SyncReplicasOptimizer(Optimizer):
    """Wraps `opt` so that each update applies the mean of replicas_to_aggregate replicas'
    gradients (TF1). apply_gradients needs global_step; then make_session_run_hook(is_chief)
    (or chief_init_op, get_init_tokens_op and get_chief_queue_runner by hand) starts it."""

    def __init__(self, opt, replicas_to_aggregate, total_num_replicas=None,
                 variable_averages=None, variables_to_average=None, use_locking=False,
                 name="sync_replicas"):
        if total_num_replicas is None:
            total_num_replicas = replicas_to_aggregate
        super().__init__(use_locking, name)
        get_logger().info("SyncReplicasV2: replicas_to_aggregate=%s; total_num_replicas=%s",
                          replicas_to_aggregate, total_num_replicas)
        self._opt = opt
        self._replicas_to_aggregate = replicas_to_aggregate
        self._gradients_applied = False
        self._variable_averages = variable_averages
        self._variables_to_average = variables_to_average
        self._total_num_replicas = total_num_replicas
        self._tokens_per_step = max(total_num_replicas, replicas_to_aggregate)
        self._global_step = None
        self._sync_token_queue = None
        self._chief_queue_runner = None
        self._accumulator_list = []

    def compute_gradients(self, *args, **kwargs):
        """The wrapped optimizer's compute_gradients (clip per replica here if needed)."""
        return self._opt.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The replica's train_op: the gradients into the accumulators, then the next
        token into the local step. Builds the chief's update and queue runner too."""
        if not grads_and_vars:
            raise ValueError("Must supply at least one variable")
        if global_step is None:
            raise ValueError("Global step is required to check staleness")
        self._global_step = global_step
        train_ops, aggregated_grad, var_list = [], [], []
        self._local_step = Variable(initial_value=np.zeros((), global_step.dtype.np),
                                    trainable=False, collections=[GraphKeys.LOCAL_VARIABLES],
                                    name="sync_rep_local_step")
        self.local_step_init_op = assign(self._local_step, global_step)
        chief_init_ops = [self.local_step_init_op]
        self.ready_for_local_init_op = report_uninitialized_variables(global_variables())
        with name_scope(None, self._name):
            for grad, var in grads_and_vars:
                var_list.append(var)
                if grad is None:
                    aggregated_grad.append(None)        # passed through
                    continue
                if isinstance(grad, IndexedSlices):
                    acc = SparseConditionalAccumulator(
                        grad.dtype, shape=(), shared_name=var.name + "/grad_accum")
                    train_ops.append(acc.apply_indexed_slices_grad(
                        grad, local_step=self._local_step))
                    aggregated_grad.append(acc.take_indexed_slices_grad(
                        self._replicas_to_aggregate))
                elif isinstance(grad, Tensor):
                    acc = ConditionalAccumulator(grad.dtype, shape=var.shape,
                                                 shared_name=var.name + "/grad_accum")
                    train_ops.append(acc.apply_grad(grad, local_step=self._local_step))
                    aggregated_grad.append(acc.take_grad(self._replicas_to_aggregate))
                else:
                    raise ValueError("Unknown grad type!")
                self._accumulator_list.append((acc, var.device))
            with name_scope(""):
                update_op = self._opt.apply_gradients(zip(aggregated_grad, var_list),
                                                      global_step)
                # TF1's capacity is -1 (no limit), which graphc's queues take literally
                queue = self._sync_token_queue = FIFOQueue(
                    _UNBOUNDED, global_step.dtype, shapes=[[]], name="sync_token_q",
                    shared_name="sync_token_q")
                with control_dependencies(train_ops):
                    token = queue.dequeue()
                train_op = assign(self._local_step, token)
                with control_dependencies([update_op]):   # the step after the update
                    tokens = fill([self._tokens_per_step], global_step.read_value())
                    sync_op = queue.enqueue_many((tokens,))
                if self._variable_averages is not None:
                    with control_dependencies([sync_op]):
                        sync_op = self._variable_averages.apply(self._variables_to_average)
                self._chief_queue_runner = QueueRunner(queue, [sync_op])
            chief_init_ops += [acc.set_global_step(global_step, name="SetGlobalStep")
                               for acc, _ in self._accumulator_list]
            self.chief_init_op = group(*chief_init_ops)
            self._gradients_applied = True
            return train_op

    def get_chief_queue_runner(self):
        """The QueueRunner the chief runs: aggregate, apply, put the next tokens."""
        if self._gradients_applied is False:
            raise ValueError("Should be called after apply_gradients().")
        return self._chief_queue_runner

    def get_slot(self, *args, **kwargs):
        return self._opt.get_slot(*args, **kwargs)

    def variables(self):
        """The wrapped optimizer's variables (not the local step)."""
        return self._opt.variables()

    def get_slot_names(self, *args, **kwargs):
        return self._opt.get_slot_names(*args, **kwargs)

    def get_init_tokens_op(self, num_tokens=-1):
        """The op putting num_tokens (default replicas_to_aggregate) tokens into the queue,
        run once by the chief so that the first step can finish."""
        if self._gradients_applied is False:
            raise ValueError(
                "get_init_tokens_op() should be called after apply_gradients().")
        tokens_needed = self._replicas_to_aggregate - self._total_num_replicas
        if num_tokens == -1:
            num_tokens = self._replicas_to_aggregate
        elif num_tokens < tokens_needed:
            raise ValueError("Too few tokens to finish the first step: %d (given) vs %d "
                             "(needed)" % (num_tokens, tokens_needed))
        if num_tokens <= 0:
            return no_op(name="no_init_tokens")
        with name_scope(""):
            tokens = fill([num_tokens], self._global_step.read_value())
            return self._sync_token_queue.enqueue_many((tokens,))

    def make_session_run_hook(self, is_chief, num_tokens=-1):
        """The hook that runs the init ops and, on the chief, starts the queue runner."""
        return _SyncReplicasOptimizerHook(self, is_chief, num_tokens)


class _SyncReplicasOptimizerHook(SessionRunHook):
    """Runs SyncReplicasOptimizer's init ops when a session is made (TF1)."""

    def __init__(self, sync_optimizer, is_chief, num_tokens):
        self._sync_optimizer = sync_optimizer
        self._is_chief = is_chief
        self._num_tokens = num_tokens

    def begin(self):
        opt = self._sync_optimizer
        if opt._gradients_applied is False:
            raise ValueError("SyncReplicasOptimizer.apply_gradient should be called before "
                             "using the hook.")
        self._ready_for_local_init_op = opt.ready_for_local_init_op
        if self._is_chief:
            self._local_init_op = opt.chief_init_op
            self._q_runner = opt.get_chief_queue_runner()
            self._init_tokens_op = opt.get_init_tokens_op(self._num_tokens)
        else:
            self._local_init_op = opt.local_step_init_op
            self._q_runner = self._init_tokens_op = None

    def after_create_session(self, session, coord):
        """The local init (after the model is ready), the init tokens, the queue runner."""
        try:
            missing = session.run(self._ready_for_local_init_op)
            msg = None if missing.size == 0 else "Variables not initialized: " + ", ".join(
                m.decode("utf-8") for m in missing.ravel())
        except errors.FailedPreconditionError as e:
            msg = str(e)
        if msg is not None:
            raise RuntimeError("Init operations did not make model ready for "
                               "SyncReplicasOptimizer local_init. Init op: %s, error: %s"
                               % (self._local_init_op.name, msg))
        session.run(self._local_init_op)
        if self._init_tokens_op is not None:
            session.run(self._init_tokens_op)
        if self._q_runner is not None:
            self._q_runner.create_threads(session, coord=coord, daemon=True, start=True)
