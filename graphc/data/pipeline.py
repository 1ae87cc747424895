"""A started input pipeline in one Session: what the iterator ops (iterator.py) keep in
session._op_state for each iterator, and what a dataset's `_iter(run)` reads (its tensors'
values, the session, per-dataset epochs, seeds and caches). iterator.py re-exports it."""

from .. import errors
from ..ops.random import fresh_entropy
from ..ops.state import _stored
from .dataset import Failed, check_pipeline


class PipelineRun:
    """What a dataset's _iter reads in one started pipeline: the values of its tensors,
    the session, and per-dataset state (epochs, seeds, caches)."""

    def __init__(self, session, values):
        self.session = session
        self.values = values            # tensor -> array: what the datasets read
        self._starts = {}
        self._entropy = {}
        self._stores = {}

    def started(self, ds):
        """How many times `ds` started before in this pipeline (its epoch number)."""
        k = self._starts.get(ds, 0)
        self._starts[ds] = k + 1
        return k

    def entropy(self, ds):
        """Fresh random seed words for an unseeded shuffle, fixed for this pipeline."""
        if ds not in self._entropy:
            self._entropy[ds] = fresh_entropy()
        return self._entropy[ds]

    def store(self, ds):
        """A dict `ds` keeps in this pipeline (cache's elements)."""
        return self._stores.setdefault(ds, {})


class _Pipeline(PipelineRun):
    """One started iterator in one session: the element generator and what it reads."""

    def __init__(self, session, handle, values):
        super().__init__(session, values)
        check_pipeline(handle.dataset, values)
        self.handle = handle
        self._elements = handle.dataset._iter(self)
        self.done = False
        self.failed = None              # the error that ended the pipeline, if one did

    def close(self):
        """Ends the element generators now (their finally blocks run: a file cache
        deletes its unfinished file), rather than whenever they are collected."""
        self.done = True
        self._elements.close()

    def refresh(self):
        """Reads the variables the pipeline's functions use (when the get_next that runs
        it does not have them as inputs: another iterator's, a string handle's)."""
        for t in self.handle.live:
            self.values[t] = _stored(self.session, t.node)

    def next(self):
        """The next element, or None at the end. A failed element raises its error and
        the next call goes on (TF's iterators); an error raised through the generators
        ends the pipeline (they cannot resume): later calls say so rather than report
        an end of sequence that would silently drop the remaining elements."""
        if self.failed is not None:
            again = (f"this iterator's pipeline failed on an earlier run and cannot go on "
                     f"(run its initializer to start again); that error was "
                     f"{type(self.failed).__name__}: {self.failed}")
            if isinstance(self.failed, errors.OpError):     # the same class, as TF's
                raise type(self.failed)(again)              # readers raise it again
            raise ValueError(again)
        if not self.done:
            try:
                element = next(self._elements)
            except StopIteration:
                self.done = True
            except Exception as e:
                self.failed = e
                raise
            else:
                if type(element) is Failed:
                    raise element.error
                return element
        return None


_CLOSER = "data.close_pipelines"      # session._op_state: the close hook is registered


def _start(session, key, pipeline):
    """Keeps `pipeline` under `key` in the session, closing the one it replaces; the
    session's close() closes those it holds."""
    old = session._op_state.get(key)
    session._op_state[key] = pipeline
    if isinstance(old, _Pipeline):
        old.close()
    if _CLOSER not in session._op_state:
        session._op_state[_CLOSER] = True
        session._on_close.append(lambda: [p.close() for p in list(session._op_state.values())
                                          if isinstance(p, _Pipeline)])
    return pipeline
