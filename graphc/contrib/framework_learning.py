"""slim.learning (tf_slim.learning): create_train_op with clipping and multipliers, and
the Supervisor-driven training loop `train`.

    total_loss = slim.losses.get_total_loss()
    train_op = slim.learning.create_train_op(total_loss, gc.train.AdamOptimizer(1e-3),
                                             clip_gradient_norm=4.0)
    final_loss = slim.learning.train(train_op, "logs", number_of_steps=1000,
                                     log_every_n_steps=100, save_interval_secs=600)
"""
import time

from .. import errors, summary
from ..graph import get_default_graph
from ..train.optimizer import Optimizer
from ..train.saver import Saver
from ..train.step import get_or_create_global_step
from ..train.supervisor import Supervisor
from .. import tf_logging as logging
from .framework_training import (_USE_GLOBAL_STEP, add_gradients_summaries,
                                 clip_gradient_norms, multiply_gradients)
from . import framework_training as _training

__all__ = ["add_gradients_summaries", "clip_gradient_norms", "multiply_gradients",
           "create_train_op", "train_step", "train"]

_USE_DEFAULT = 0


def _gc():
    import graphc
    return graphc


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, clip_gradient_norm=0,
                    summarize_gradients=False, gate_gradients=Optimizer.GATE_OP,
                    aggregation_method=None, colocate_gradients_with_ops=False,
                    gradient_multipliers=None, check_numerics=True):
    """slim.training.create_train_op whose gradients are first multiplied by
    `gradient_multipliers` ({Variable or op name: factor}, under 'multiply_grads') and
    then, if clip_gradient_norm > 0, each clipped to that norm (under 'clip_grads').

        train_op = slim.learning.create_train_op(loss, opt, clip_gradient_norm=5.0)
        sess.run(train_op)          # one step; returns the loss
    """
    gc = _gc()

    def transform_grads_fn(grads):
        if gradient_multipliers:
            with gc.name_scope("multiply_grads"):
                grads = multiply_gradients(grads, gradient_multipliers)
        if clip_gradient_norm > 0:
            with gc.name_scope("clip_grads"):
                grads = clip_gradient_norms(grads, clip_gradient_norm)
        return grads

    return _training.create_train_op(
        total_loss=total_loss, optimizer=optimizer, global_step=global_step,
        update_ops=update_ops, variables_to_train=variables_to_train,
        transform_grads_fn=transform_grads_fn, summarize_gradients=summarize_gradients,
        gate_gradients=gate_gradients, aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops,
        check_numerics=check_numerics)


def train_step(sess, train_op, global_step, train_step_kwargs):
    """Run train_op once; returns (total loss, whether to stop). train_step_kwargs may
    hold 'should_log' (a bool tensor: log the step's loss) and 'should_stop'.

        loss, stop = slim.learning.train_step(sess, train_op, step, {})
    """
    if "should_trace" in train_step_kwargs:
        raise NotImplementedError("slim.learning.train_step: graphc writes no Chrome "
                                  "timeline traces ('should_trace')")
    start = time.time()
    total_loss, np_global_step = sess.run([train_op, global_step])
    elapsed = time.time() - start
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        logging.info("global step %d: loss = %.4f (%.3f sec/step)", np_global_step,
                     total_loss, elapsed)
    should_stop = False
    if "should_stop" in train_step_kwargs:
        should_stop = bool(sess.run(train_step_kwargs["should_stop"]))
    return total_loss, should_stop


def train(train_op, logdir, train_step_fn=train_step, train_step_kwargs=_USE_DEFAULT,
          log_every_n_steps=1, graph=None, master="", is_chief=True, global_step=None,
          number_of_steps=None, init_op=_USE_DEFAULT, init_feed_dict=None,
          local_init_op=_USE_DEFAULT, init_fn=None, ready_op=_USE_DEFAULT,
          summary_op=_USE_DEFAULT, save_summaries_secs=600, summary_writer=_USE_DEFAULT,
          startup_delay_steps=0, saver=None, save_interval_secs=600, sync_optimizer=None,
          session_config=None, session_wrapper=None, trace_every_n_steps=None,
          ignore_live_threads=False):
    """Train with a gc.train.Supervisor until number_of_steps global steps (or an
    OutOfRangeError); returns the last loss. With a logdir the chief restores its latest
    checkpoint (else runs init_op, then init_fn(sess)), writes summaries every
    save_summaries_secs and checkpoints every save_interval_secs, and saves
    '<logdir>/model.ckpt-<step>' at the end.

        slim.learning.train(train_op, "logs", number_of_steps=100, log_every_n_steps=10)

    sync_optimizer and trace_every_n_steps are not supported (slim's hooks for a
    SyncReplicasOptimizer are not wired here; graphc writes no timelines).
    """
    gc = _gc()
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if logdir is None:
        if summary_op != _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
        if trace_every_n_steps is not None:
            raise ValueError("Cannot provide trace_every_n_steps because logdir=None")
    if sync_optimizer is not None:
        raise NotImplementedError("slim.learning.train: sync_optimizer is not supported "
                                  "(use the optimizer's make_session_run_hook with a "
                                  "MonitoredTrainingSession)")
    if trace_every_n_steps is not None:
        raise NotImplementedError("slim.learning.train: trace_every_n_steps is not "
                                  "supported (graphc writes no Chrome timelines)")
    if number_of_steps is not None and number_of_steps <= 0:
        raise ValueError("`number_of_steps` must be either None or a positive number.")
    graph = graph or get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = get_or_create_global_step()
        saver = saver or Saver()
        with gc.name_scope("init_ops"):
            if init_op == _USE_DEFAULT:
                init_op = gc.global_variables_initializer()
            if ready_op == _USE_DEFAULT:
                ready_op = gc.report_uninitialized_variables()
            if local_init_op == _USE_DEFAULT:
                local_init_op = gc.group(gc.local_variables_initializer(),
                                         gc.tables_initializer())
        if summary_op == _USE_DEFAULT:
            summary_op = summary.merge_all()
        if summary_writer == _USE_DEFAULT:
            summary_writer = Supervisor.USE_DEFAULT
        if train_step_kwargs == _USE_DEFAULT:
            with gc.name_scope("train_step"):
                train_step_kwargs = {}
                train_step_kwargs["should_stop"] = (
                    gc.greater_equal(global_step, number_of_steps) if number_of_steps
                    else gc.constant(False))
                if log_every_n_steps > 0:
                    train_step_kwargs["should_log"] = gc.equal(
                        gc.mod(global_step, log_every_n_steps), 0)
    sv = Supervisor(graph=graph, is_chief=is_chief, logdir=logdir, init_op=init_op,
                    init_feed_dict=init_feed_dict, local_init_op=local_init_op,
                    ready_for_local_init_op=None, ready_op=ready_op,
                    summary_op=summary_op, summary_writer=summary_writer,
                    global_step=global_step, saver=saver,
                    save_summaries_secs=save_summaries_secs,
                    save_model_secs=save_interval_secs, init_fn=init_fn)
    if summary_writer is not None:
        train_step_kwargs["summary_writer"] = sv.summary_writer
    total_loss = None
    should_retry = True
    while should_retry:
        try:
            should_retry = False
            with sv.managed_session(master, start_standard_services=False,
                                    config=session_config) as sess:
                logging.info("Starting Session.")
                if session_wrapper is not None:
                    sess = session_wrapper(sess)
                if is_chief:
                    if logdir:
                        sv.start_standard_services(sess)
                elif startup_delay_steps > 0:
                    _wait_for_step(sess, global_step,
                                   min(startup_delay_steps, number_of_steps or 2**63 - 1))
                threads = sv.start_queue_runners(sess)
                logging.info("Starting Queues.")
                try:
                    while not sv.should_stop():
                        total_loss, should_stop = train_step_fn(
                            sess, train_op, global_step, train_step_kwargs)
                        if should_stop:
                            logging.info("Stopping Training.")
                            sv.request_stop()
                            break
                except errors.OutOfRangeError as e:
                    logging.info("Caught OutOfRangeError. Stopping Training. %s", e)
                if logdir and sv.is_chief:
                    logging.info("Finished training! Saving model to disk.")
                    sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
                    sv.stop(threads, close_summary_writer=True,
                            ignore_live_threads=ignore_live_threads)
        except errors.AbortedError:
            logging.info("Retrying training!")
            should_retry = True
    return total_loss


def _wait_for_step(sess, global_step, step):
    """Sleep until the global step reaches `step`."""
    while int(sess.run(global_step)) < step:
        time.sleep(1.0)
