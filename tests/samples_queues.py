"""Samples for the queue and reader ops (graphc/ops/queue_ops.py, reader_ops.py). A queue
op reads session state, so each sample builds its queue (or reader), fills it and reads
it back through control dependencies in one Session.run. String results are compared
through their FarmHash bucket."""
import os
import tempfile

import numpy as np

import graphc as gc
from graphc.ops.strings_hash import fingerprint64
from samples import Sample

B = 2 ** 40
_DIR = tempfile.mkdtemp(prefix="graphc_queue_samples_")


def _write_files():
    """Three files of each kind, with known contents."""
    paths = {"tfrecord": [], "text": [], "bin": []}
    for i in range(3):
        p = os.path.join(_DIR, f"r{i}.tfrecord")
        with gc.python_io.TFRecordWriter(p) as w:
            for j in range(i + 2):
                w.write(b"rec%d-%d" % (i, j) * (j + 1))
        paths["tfrecord"].append(p)
        p = os.path.join(_DIR, f"t{i}.txt")
        with open(p, "wb") as f:
            f.write(b"".join(b"line %d of %d\n" % (j, i) for j in range(i + 2)))
        paths["text"].append(p)
        p = os.path.join(_DIR, f"b{i}.bin")
        with open(p, "wb") as f:
            f.write(bytes(range(7 * (i + 1), 7 * (i + 1) + 20)))
        paths["bin"].append(p)
    return paths


FILES = _write_files()


def _h(t):
    return gc.string_to_hash_bucket_fast(t, B)


def _hb(b):
    return np.int64(fingerprint64(b) % B)


def _after(op, fn):
    with gc.control_dependencies([op]):
        return fn()


def _rows(rng, inner=3):
    return [rng.standard_normal((int(rng.integers(1, 6)), inner))]


# ---- queues ----------------------------------------------------------------------------
def _fifo_many(x):
    q = gc.FIFOQueue(10, gc.float64, shapes=[[3]])
    close = _after(q.enqueue_many([x]), q.close)
    return _after(close, lambda: q.dequeue_up_to(10))


def _fifo_one(x):
    q = gc.FIFOQueue(2, gc.float64)
    return _after(q.enqueue(x), q.dequeue)


def _fifo_n(x):
    q = gc.FIFOQueue(10, gc.float64, shapes=[[3]])
    return _after(q.enqueue_many([x]), lambda: q.dequeue_many(gc.shape(x)[0]))


def _padding(x, y):
    q = gc.PaddingFIFOQueue(4, gc.float64, shapes=[[None]])
    second = _after(q.enqueue(x), lambda: q.enqueue(y))
    return _after(second, lambda: q.dequeue_many(2))


def _padding_ref(x, y):
    out = np.zeros((2, max(len(x), len(y))))
    out[0, :len(x)], out[1, :len(y)] = x, y
    return out


def _shuffle(x):
    q = gc.RandomShuffleQueue(10, 2, gc.float64, shapes=[[3]], seed=5)
    close = _after(q.enqueue_many([x]), q.close)
    return _after(close, lambda: gc.reduce_sum(q.dequeue_up_to(10), 0))


def _priority(p, x):
    q = gc.PriorityQueue(10, [gc.float64], shapes=[[]])
    close = _after(q.enqueue_many([p, x]), q.close)
    return _after(close, lambda: q.dequeue_up_to(10))


def _priority_inputs(rng):
    n = int(rng.integers(1, 7))
    return [rng.integers(-3, 3, size=n).astype(np.int64), rng.standard_normal(n)]


def _priority_ref(p, x):
    order = np.argsort(p, kind="stable")
    return [p[order], x[order]]


def _status(x):
    q = gc.FIFOQueue(10, gc.float64, shapes=[[3]])
    close = _after(q.enqueue_many([x]), q.close)
    return _after(close, lambda: [q.size(), q.is_closed()])


QUEUE_SAMPLES = [
    Sample("FIFOQueueV2", _fifo_one, lambda rng: [rng.standard_normal((2, 3))],
           lambda x: x, grad=False),
    Sample("QueueEnqueueV2", _fifo_one, lambda rng: [rng.standard_normal(4)], lambda x: x,
           grad=False),
    Sample("QueueDequeueV2", _fifo_one, lambda rng: [rng.standard_normal(())], lambda x: x,
           grad=False),
    Sample("QueueEnqueueManyV2", _fifo_many, _rows, lambda x: x, grad=False),
    Sample("QueueDequeueUpToV2", _fifo_many, _rows, lambda x: x, grad=False),
    Sample("QueueDequeueManyV2", _fifo_n, _rows, lambda x: x, grad=False),
    Sample("PaddingFIFOQueueV2", _padding,
           lambda rng: [rng.standard_normal(int(rng.integers(1, 5))),
                        rng.standard_normal(int(rng.integers(1, 5)))],
           _padding_ref, grad=False),
    Sample("RandomShuffleQueueV2", _shuffle, _rows, lambda x: x.sum(0), grad=False),
    Sample("PriorityQueueV2", _priority, _priority_inputs, _priority_ref, grad=False),
    Sample("QueueCloseV2", _status, _rows, lambda x: [len(x), True], grad=False),
    Sample("QueueSizeV2", _status, _rows, lambda x: [len(x), True], grad=False),
    Sample("QueueIsClosedV2", _status, _rows, lambda x: [len(x), True], grad=False),
]


# ---- readers ---------------------------------------------------------------------------
def _pick(kind):
    def inputs(rng):
        paths = FILES[kind]
        k = int(rng.integers(0, len(paths)))
        return [np.array(paths[k:] + paths[:k], object)]
    return inputs


def _read(make_reader, up_to=None):
    def build(files):
        q = gc.FIFOQueue(5, gc.string)
        reader = make_reader()
        close = _after(q.enqueue_many([files]), q.close)
        with gc.control_dependencies([close]):
            if up_to is None:
                key, value = reader.read(q)
            else:
                key, value = reader.read_up_to(q, up_to)
        counts = _after(value, lambda: [reader.num_records_produced(),
                                        reader.num_work_units_completed()])
        return [_h(key), _h(value)] + counts
    return build


def _tfrecord_ref(files):
    first = files[0]
    rec = next(iter(gc.python_io.tf_record_iterator(first)))
    return [_hb(first.encode() + b":0"), _hb(rec), 1, 0]


def _text_ref(files):
    with open(files[0], "rb") as f:
        line = f.read().split(b"\n")[1]
    return [_hb(files[0].encode() + b":2"), _hb(line), 1, 0]


def _fixed_ref(files):
    with open(files[0], "rb") as f:
        data = f.read()
    return [_hb(files[0].encode() + b":0"), _hb(data[2:7]), 1, 0]


def _whole_ref(files):
    with open(files[0], "rb") as f:
        data = f.read()
    return [_hb(files[0].encode()), _hb(data), 1, 1]


def _identity_up_to_ref(files):
    w = files[0].encode()
    return [np.array([_hb(w)]), np.array([_hb(w)]), 1, 1]


def _state(files):
    reader = gc.IdentityReader()
    q = gc.FIFOQueue(5, gc.string)
    close = _after(q.enqueue_many([files]), q.close)
    with gc.control_dependencies([close]):
        _, value = reader.read(q)
    state = _after(value, reader.serialize_state)
    restore = _after(state, lambda: reader.restore_state(b"\x08\x07\x10\x03\x18\x09"))
    restored = _after(restore, lambda: [reader.num_records_produced(),
                                        reader.num_work_units_completed()])
    reset = _after(restored[1], reader.reset)
    after_reset = _after(reset, reader.num_records_produced)
    return [_h(state)] + restored + [after_reset]


def _state_ref(files):
    return [_hb(b"\x08\x01\x10\x01\x18\x01"), 9, 3, 0]


READER_SAMPLES = [
    Sample("TFRecordReaderV2", _read(gc.TFRecordReader), _pick("tfrecord"), _tfrecord_ref,
           grad=False),
    Sample("ReaderReadV2", _read(gc.TFRecordReader), _pick("tfrecord"), _tfrecord_ref,
           grad=False),
    Sample("ReaderNumRecordsProducedV2", _read(gc.TFRecordReader), _pick("tfrecord"),
           _tfrecord_ref, grad=False),
    Sample("ReaderNumWorkUnitsCompletedV2", _read(gc.TFRecordReader), _pick("tfrecord"),
           _tfrecord_ref, grad=False),
    Sample("TextLineReaderV2", _read(lambda: gc.TextLineReader(skip_header_lines=1)),
           _pick("text"), _text_ref, grad=False),
    Sample("FixedLengthRecordReaderV2",
           _read(lambda: gc.FixedLengthRecordReader(5, header_bytes=2, footer_bytes=1)),
           _pick("bin"), _fixed_ref, grad=False),
    Sample("WholeFileReaderV2", _read(gc.WholeFileReader), _pick("bin"), _whole_ref,
           grad=False),
    Sample("IdentityReaderV2", _read(gc.IdentityReader, up_to=4), _pick("text"),
           _identity_up_to_ref, grad=False),
    Sample("ReaderReadUpToV2", _read(gc.IdentityReader, up_to=4), _pick("text"),
           _identity_up_to_ref, grad=False),
    Sample("ReaderSerializeStateV2", _state, _pick("text"), _state_ref, grad=False),
    Sample("ReaderRestoreStateV2", _state, _pick("text"), _state_ref, grad=False),
    Sample("ReaderResetV2", _state, _pick("text"), _state_ref, grad=False),
]

SAMPLES = QUEUE_SAMPLES + READER_SAMPLES
