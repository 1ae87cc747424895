"""TF1's queue-based input pipelines: the input producers (queues of file names, indices
or slices, refilled by a QueueRunner) and tf.train.batch, shuffle_batch and their _join
and maybe_ forms (input_batch.py).

    files = gc.train.string_input_producer(["a.tfrecord"], num_epochs=2, shuffle=False)
    _, serialized = gc.TFRecordReader().read(files)
    x = gc.parse_single_example(serialized, {"x": gc.FixedLenFeature([3], gc.float32)})
    xs = gc.train.shuffle_batch(x, batch_size=32, capacity=200, min_after_dequeue=100)
"""
from .. import dtypes
from ..graph import Tensor, control_dependencies, name_scope
from ..ops.graphkeys import GraphKeys
from . import queue_runner
from .input_batch import (batch, fraction_summary, batch_join, maybe_batch, maybe_batch_join,
                          maybe_shuffle_batch, maybe_shuffle_batch_join, shuffle_batch,
                          shuffle_batch_join)

__all__ = ["match_filenames_once", "limit_epochs", "input_producer",
           "string_input_producer", "range_input_producer", "slice_input_producer",
           "batch", "maybe_batch", "batch_join", "maybe_batch_join", "shuffle_batch",
           "maybe_shuffle_batch", "shuffle_batch_join", "maybe_shuffle_batch_join"]


def match_filenames_once(pattern, name=None):
    """A local variable holding the files matching `pattern` (its value is computed
    when local_variables_initializer runs; TF1 tf.train.match_filenames_once).

        files = gc.train.match_filenames_once("/data/*.tfrecord")"""
    from ..ops.parsing_files import matching_files
    from ..ops.state import Variable
    with name_scope(name, "matching_filenames", [pattern]) as scope:
        return Variable(matching_files(pattern), name=scope, trainable=False,
                        validate_shape=False, collections=[GraphKeys.LOCAL_VARIABLES])


def limit_epochs(tensor, num_epochs=None, name=None):
    """`tensor`, which fails with OutOfRangeError after num_epochs runs (a local int64
    variable counts them; TF1 tf.train.limit_epochs). None: no limit.

        t = gc.train.limit_epochs(gc.constant([1, 2]), num_epochs=2)"""
    from ..ops.core import constant, identity
    from ..ops.misc_ops import count_up_to
    from ..ops.state import Variable
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError("num_epochs must be > 0 not %d." % num_epochs)
    with name_scope(name, "limit_epochs", [tensor]) as scope:
        epochs = Variable(constant(0, dtype=dtypes.int64), name="epochs", trainable=False,
                          collections=[GraphKeys.LOCAL_VARIABLES])
        counter = count_up_to(epochs, num_epochs)
        with control_dependencies([counter]):
            return identity(tensor, name=scope)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True,
                   seed=None, capacity=32, shared_name=None, summary_name=None, name=None,
                   cancel_op=None):
    """A FIFOQueue refilled with the rows of input_tensor (shuffled each epoch when
    shuffle; num_epochs times, then closed) by a QueueRunner (TF1).

        q = gc.train.input_producer(gc.constant([[1, 2], [3, 4]]), shuffle=False)
        row = q.dequeue()"""
    from ..ops.core import convert_to_tensor
    from ..ops.random import random_shuffle
    from ..queues import FIFOQueue
    from ..shapes import TensorShape
    with name_scope(name, "input_producer", [input_tensor]):
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        dims = input_tensor.shape._dims
        element_shape = TensorShape(None if dims is None else dims[1:]).merge_with(
            TensorShape(element_shape))
        if not element_shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or "
                             "`element_shape` must be specified")
        if shuffle:
            input_tensor = random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        q = FIFOQueue(capacity=capacity, dtypes=[input_tensor.dtype],
                      shapes=[element_shape], shared_name=shared_name, name=name)
        enq = q.enqueue_many([input_tensor])
        queue_runner.add_queue_runner(queue_runner.QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            fraction_summary(summary_name, q, capacity)
        return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None,
                          capacity=32, shared_name=None, name=None, cancel_op=None):
    """A queue of the strings (file names) of string_tensor, num_epochs times (TF1).

        filename_queue = gc.train.string_input_producer(["a.csv", "b.csv"])"""
    from ..ops.asserts import Assert
    from ..ops.core import convert_to_tensor, identity
    from ..ops.elementwise import greater
    from ..ops.array import size
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, Tensor) and not len(string_tensor):
        raise ValueError(not_null_err)
    with name_scope(name, "input_producer", [string_tensor]) as scope:
        string_tensor = convert_to_tensor(string_tensor, dtype=dtypes.string)
        with control_dependencies([Assert(greater(size(string_tensor), 0), [not_null_err])]):
            string_tensor = identity(string_tensor)
        return input_producer(string_tensor, element_shape=[], num_epochs=num_epochs,
                              shuffle=shuffle, seed=seed, capacity=capacity,
                              shared_name=shared_name, name=scope,
                              summary_name="fraction_of_%d_full" % capacity,
                              cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """A queue of the int32 integers 0..limit-1, num_epochs times (TF1).

        q = gc.train.range_input_producer(10, shuffle=False); i = q.dequeue()"""
    from ..ops.creation import range as range_
    with name_scope(name, "input_producer", [limit]) as scope:
        return input_producer(range_(limit), [], num_epochs, shuffle, seed, capacity,
                              shared_name, "fraction_of_%d_full" % capacity, scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None,
                         capacity=32, shared_name=None, name=None):
    """One row of each tensor of tensor_list, the same row of each, every row
    num_epochs times (TF1).

        image, label = gc.train.slice_input_producer([images, labels], shuffle=False)"""
    from ..ops.array import shape
    from ..ops.core import convert_to_tensor
    from ..ops.gather import gather
    with name_scope(name, "input_producer", list(tensor_list)):
        tensor_list = [convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        range_size = shape(tensor_list[0])[0]
        queue = range_input_producer(range_size, num_epochs=num_epochs, shuffle=shuffle,
                                     seed=seed, capacity=capacity, shared_name=shared_name)
        index = queue.dequeue()
        return [gather(t, index) for t in tensor_list]
