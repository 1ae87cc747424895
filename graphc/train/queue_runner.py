"""TF1's tf.train.queue_runner: QueueRunner, add_queue_runner, start_queue_runners."""
__all__ = []
