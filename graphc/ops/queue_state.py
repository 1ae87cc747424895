"""The contents of one queue in one Session (TF1's FIFOQueue, PaddingFIFOQueue,
RandomShuffleQueue and PriorityQueue resources), safe for runs on several threads.

An element is a tuple of numpy arrays, one per component. Enqueue and dequeue
attempts are served in arrival order, each side with its own line (a ticket each), as
TF's queues do: the attempt at the front of the line moves elements as the queue
allows (one by one, so a dequeue_many larger than the capacity completes), the others
wait. Waiting runs wake when the queue changes, when it is closed and when the Session
is closed (CancelledError). Messages are TF's.
"""
import collections
import heapq
import itertools
import threading

import numpy as np

from .. import errors
from ..run_metadata import wait
from .random import fresh_entropy

_IDS = itertools.count()        # TF names an unshared queue '_<id>_<node name>'


class QueueState:
    """kind: "FIFOQueue", "PaddingFIFOQueue", "RandomShuffleQueue" or "PriorityQueue";
    np_dtypes: per component; shapes: per component a tuple of dims (None: unknown)
    or None for the whole list when not given."""

    def __init__(self, kind, name, capacity, np_dtypes, shapes, min_after_dequeue=0,
                 seed=None):
        # TF's kernels: a negative capacity is no bound
        self.kind, self.name = kind, name
        self.capacity = capacity if capacity >= 0 else float("inf")
        self.np_dtypes, self.shapes = np_dtypes, shapes
        self.min_after_dequeue = min_after_dequeue
        self.rng = np.random.default_rng(fresh_entropy() if seed is None else seed)
        self.cond = threading.Condition()
        self.closed = False
        self.session_closed = False
        self.cancel_gen = 0                 # bumped by close(cancel_pending_enqueues)
        self.tickets = itertools.count()
        self.enq_line = collections.deque()
        self.deq_line = collections.deque()
        self.items = [] if kind in ("RandomShuffleQueue", "PriorityQueue") else \
            collections.deque()
        self.seq = itertools.count()        # priority ties: first in, first out

    # ---- the elements ---------------------------------------------------------------
    def size(self):
        return len(self.items)

    def _put(self, elem):
        if self.kind == "PriorityQueue":
            heapq.heappush(self.items, (int(elem[0]), next(self.seq), elem))
        else:
            self.items.append(elem)

    def _take(self):
        if self.kind == "PriorityQueue":
            return heapq.heappop(self.items)[2]
        if self.kind == "RandomShuffleQueue":
            items = self.items
            k = int(self.rng.integers(len(items)))
            items[k], items[-1] = items[-1], items[k]
            return items.pop()
        return self.items.popleft()

    def _give_back(self, taken):
        """Put elements a failed dequeue took back where they were (the front)."""
        if self.kind == "PriorityQueue" or self.kind == "RandomShuffleQueue":
            for e in taken:
                self._put(e)
        else:
            self.items.extendleft(reversed(taken))

    def _can_take(self):
        if not self.items:
            return False
        if self.kind == "RandomShuffleQueue" and not self.closed:
            return len(self.items) > self.min_after_dequeue
        return True

    # ---- waiting --------------------------------------------------------------------
    def _wait(self, what):
        if self.session_closed:
            raise errors.CancelledError(f"{what} operation was cancelled")
        wait(self.cond)
        if self.session_closed:
            raise errors.CancelledError(f"{what} operation was cancelled")

    def cancel_all(self):
        """Session.close(): every waiting run fails with CancelledError."""
        with self.cond:
            self.session_closed = True
            self.cond.notify_all()

    # ---- the operations -------------------------------------------------------------
    def enqueue(self, elements):
        """Adds the elements (tuples of arrays) in order, waiting for room."""
        with self.cond:
            if self.closed:
                raise errors.CancelledError(self._closed_message())
            ticket, gen = next(self.tickets), self.cancel_gen
            self.enq_line.append(ticket)
            try:
                i = 0
                while True:
                    if self.cancel_gen != gen:
                        raise errors.CancelledError("Enqueue operation was cancelled")
                    if self.enq_line[0] == ticket:
                        if self.closed:         # by a close() that waited ahead of us
                            raise errors.CancelledError(self._closed_message())
                        while i < len(elements) and len(self.items) < self.capacity:
                            self._put(elements[i])
                            i += 1
                        self.cond.notify_all()
                        if i == len(elements):
                            return
                    self._wait("Enqueue")
            finally:
                self.enq_line.remove(ticket)
                self.cond.notify_all()

    def dequeue(self, n, up_to=False):
        """n elements (a list of tuples); with up_to, fewer once the queue is closed."""
        with self.cond:
            ticket = next(self.tickets)
            self.deq_line.append(ticket)
            taken = []
            try:
                while True:
                    if self.deq_line[0] == ticket:
                        while len(taken) < n and self._can_take():
                            taken.append(self._take())
                        self.cond.notify_all()
                        if len(taken) == n:
                            return taken
                        if self.closed and not self._can_take():
                            if up_to and taken:
                                return taken
                            self._give_back(taken)
                            taken = []
                            raise errors.OutOfRangeError(
                                f"{self.kind} '{self.name}' is closed and has insufficient "
                                f"elements (requested {n}, current size {len(self.items)})")
                    self._wait("Dequeue")
            except (errors.CancelledError, errors.DeadlineExceededError):
                self._give_back(taken)
                raise
            finally:
                self.deq_line.remove(ticket)
                self.cond.notify_all()

    def _closed_message(self):
        kind = "FIFOQueue" if self.kind == "PaddingFIFOQueue" else self.kind
        return f"{kind} '{self.name}' is closed."

    def close(self, cancel_pending_enqueues):
        """With cancel_pending_enqueues: closed at once, waiting enqueues cancelled.
        Without: TF's queues put the close in the enqueues' line, so the enqueues waiting
        before it may still complete (as room comes) and the close waits for them; a
        queue already closed fails it (CancelledError)."""
        with self.cond:
            if cancel_pending_enqueues:
                self.closed = True
                self.cancel_gen += 1
                self.cond.notify_all()
                return
            ticket, gen = next(self.tickets), self.cancel_gen
            self.enq_line.append(ticket)
            try:
                while True:
                    if self.cancel_gen != gen:
                        raise errors.CancelledError("Enqueue operation was cancelled")
                    if self.enq_line[0] == ticket:
                        break
                    self._wait("Close")
                if self.closed:
                    raise errors.CancelledError(f"Queue '{self.name}' is already closed.")
                self.closed = True
            finally:
                self.enq_line.remove(ticket)
                self.cond.notify_all()


def new_name(handle):
    """The name TF's messages give an unshared queue (or reader)."""
    return f"_{next(_IDS)}_{handle}"


def state_of(rt, key, make):
    """session._op_state[key], made by make() on first use (safe when runs race: one
    object wins); its cancel_all runs when the Session closes."""
    store = rt.session._op_state
    st = store.get(key)
    if st is None:
        lock = store.setdefault("queue_state_lock", threading.Lock())
        with lock:
            st = store.get(key)
            if st is None:
                st = store[key] = make()
                cancel = getattr(st, "cancel_all", None)
                if cancel is not None:
                    rt.session._on_close.append(cancel)
    return st
