"""The contents of one gradient accumulator in one Session (TF1's ConditionalAccumulator
and SparseConditionalAccumulator resources), safe for runs on several threads.

An accumulator sums the gradients applied with local_step >= its global step (older,
"stale" ones are dropped before any check) and counts them. take(n) waits until n have
arrived, returns their mean (or sum), clears the sum and adds 1 to the global step.
Waiting takes are served in arrival order, and as TF's kernel serves them: by the apply
that brings the n-th gradient, before that apply returns, so an apply that comes after
it sees the new global step. They fail with CancelledError when the Session closes.
Messages are TF's.
"""
import collections
import threading

import numpy as np

from .. import errors
from ..run_metadata import wait


def _dims_str(dims):
    """TF's PartialTensorShape::DebugString: [2,?] or <unknown>."""
    if dims is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def _divide(total, count):
    """total / count as TF's Eigen division in total's dtype."""
    return (total / np.asarray(count, total.dtype)).astype(total.dtype, copy=False)


class _Take:
    """One take waiting in line: how many gradients it needs, its result once served."""

    __slots__ = ("num_required", "result", "done")

    def __init__(self, num_required):
        self.num_required, self.result, self.done = num_required, None, False


class AccumulatorState:
    """shape: the accumulator's shape attr, a tuple of dims (None: unknown) or None."""

    def __init__(self, np_dtype, shape, reduction_type):
        self.np_dtype, self.shape, self.reduction_type = np_dtype, shape, reduction_type
        self.cond = threading.Condition()
        self.counter = 0
        self.global_step = 0
        self.session_closed = False
        self.takes = collections.deque()       # the waiting takes, in arrival order

    # ---- the shared protocol ----------------------------------------------------------
    def apply(self, local_step, *grad):
        with self.cond:
            if local_step < self.global_step:
                return                  # stale: TF drops it (and logs it)
            self._validate(*grad)
            if self.counter > 0:
                self._add(*grad)
            else:
                self._assign(*grad)
            self.counter += 1
            self._serve()

    def take(self, num_required):
        if num_required <= 0:
            raise errors.InvalidArgumentError(
                f"Argument num_required must be positive, but was {num_required}")
        with self.cond:
            mine = _Take(num_required)
            self.takes.append(mine)
            self.cond.notify_all()              # the line changed: wake whoever watches it
            self._serve()
            while not mine.done:
                try:
                    if self.session_closed:
                        raise errors.CancelledError("TakeGrad operation was cancelled")
                    wait(self.cond)
                except errors.OpError:          # cancelled, or past the run's deadline
                    if mine.done:               # served while the wait timed out
                        break
                    self.takes.remove(mine)
                    self._serve()               # TF flushes after a cancel too
                    raise
            return mine.result

    def _serve(self):
        """TF's flush (TryAttemptLocked): the head take gets the mean once it has enough;
        the counter goes to 0 and the global step up by 1 under the same lock, so no
        apply lands between. (Only the head can be served: after it the counter is 0.)"""
        if self.takes and self.counter >= self.takes[0].num_required:
            head = self.takes.popleft()
            head.result = self._result()
            head.done = True
            self.counter = 0
            self.global_step += 1
            self.cond.notify_all()

    def num_accumulated(self):
        with self.cond:
            return self.counter

    def set_global_step(self, step):
        with self.cond:
            self.global_step = step       # TF warns when it goes down, and sets it anyway

    def cancel_all(self):
        """Session.close(): every waiting take fails with CancelledError."""
        with self.cond:
            self.session_closed = True
            self.cond.notify_all()


class DenseAccumulatorState(AccumulatorState):
    """A ConditionalAccumulator: the sum of the dense gradients."""

    def _validate(self, grad):
        if self.counter > 0:
            want = self.total.shape
            ok = grad.shape == want
        else:
            want = self.shape
            ok = want is None or (len(want) == grad.ndim and all(
                w is None or w == g for w, g in zip(want, grad.shape)))
        if not ok:
            raise errors.InvalidArgumentError(
                f"Shape mismatch: expected {_dims_str(want)}, got {_dims_str(grad.shape)}")

    def _assign(self, grad):
        self.total = np.array(grad, dtype=self.np_dtype, copy=True)

    def _add(self, grad):
        self.total = self.total + grad

    def _result(self):
        if self.reduction_type == "MEAN":
            return _divide(self.total, self.counter)
        return self.total


class SparseAccumulatorState(AccumulatorState):
    """A SparseConditionalAccumulator: rows (indices, values) and a count per row."""

    def _validate(self, indices, values, shape):
        if indices.ndim != 1:
            raise errors.InvalidArgumentError("Input indices should be vector but received "
                                              f"shape: {_dims_str(indices.shape)}")
        if values.ndim == 0:
            raise errors.InvalidArgumentError("Values cannot be 0-dimensional.")
        if values.shape[0] != indices.shape[0]:
            raise errors.InvalidArgumentError(f"Expected {indices.shape[0]} non-empty input "
                                              f"values, got {values.shape[0]}")
        want = self.shape
        rank = 0 if want is None else len(want)
        if shape is not None:
            if rank > shape.size:
                raise errors.InvalidArgumentError(f"Shape mismatch: expected shape rank at "
                                                  f"least {rank}, got {shape.size}")
            for i in range(rank):
                if want[i] is not None and want[i] != shape[i]:
                    raise errors.InvalidArgumentError(
                        f"Shape mismatch: expected shape dim {i} to be {want[i]}, got "
                        f"{shape[i]}")
        if rank > 0 and want[0] is not None:
            over = np.flatnonzero(indices >= want[0])
            if over.size:
                k = int(over[0])
                raise errors.InvalidArgumentError(
                    f"Shape mismatch: index of slice {k} exceeded limits of shape; index is "
                    f"{indices[k]} exceeded {want[0]}")
        if self.counter > 0:
            have = self.values
            if have.ndim != values.ndim:
                raise errors.InvalidArgumentError(f"Shape mismatch: expected values rank "
                                                  f"{have.ndim}, got {values.ndim}")
            dims = [(have.shape[i], values.shape[i]) for i in range(1, have.ndim)]
        else:
            if rank > values.ndim:
                raise errors.InvalidArgumentError(f"Shape mismatch: expected values rank at "
                                                  f"least {rank}, got {values.ndim}")
            dims = [(want[i], values.shape[i]) for i in range(1, rank)]
        for i, (w, g) in enumerate(dims, start=1):
            if w is not None and w != g:
                raise errors.InvalidArgumentError(
                    f"Shape mismatch: expected values dim {i} to be {w}, got {g}")

    def _assign(self, indices, values, shape):
        self.indices = np.array(indices, np.int64, copy=True)
        self.values = np.array(values, dtype=self.np_dtype, copy=True)
        self.counts = np.ones(len(indices), np.int64)

    def _add(self, indices, values, shape):
        """TF's merge of two index lists taken as sorted: walk both, the smaller index
        first; equal indices become one row (summed, counts added)."""
        a, b = self.indices, indices
        rows, vals, counts = [], [], []
        i = j = 0
        while i < len(a) and j < len(b):
            if a[i] < b[j]:
                rows.append(a[i]), vals.append(self.values[i]), counts.append(self.counts[i])
                i += 1
            elif a[i] > b[j]:
                rows.append(b[j]), vals.append(values[j]), counts.append(1)
                j += 1
            else:
                rows.append(a[i]), vals.append(self.values[i] + values[j])
                counts.append(self.counts[i] + 1)
                i, j = i + 1, j + 1
        for k in range(i, len(a)):
            rows.append(a[k]), vals.append(self.values[k]), counts.append(self.counts[k])
        for k in range(j, len(b)):
            rows.append(b[k]), vals.append(values[k]), counts.append(1)
        self.indices = np.array(rows, np.int64)
        self.values = np.array(vals, self.np_dtype).reshape((len(rows),)
                                                            + self.values.shape[1:])
        self.counts = np.array(counts, np.int64)

    def _result(self):
        values = self.values
        if self.reduction_type == "MEAN":
            scale = self.counts.reshape((-1,) + (1,) * (values.ndim - 1))
            values = _divide(values, scale)
        dim0 = -1 if not self.shape or self.shape[0] is None else self.shape[0]
        shape = np.array((dim0,) + values.shape[1:], np.int64)
        return self.indices, values, shape
