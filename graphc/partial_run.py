"""Session.partial_run_setup / partial_run (TF1): one run taken in steps, each step
feeding some of the declared feeds and fetching some of the declared fetches; every op
runs at most once over the steps, so a value drawn or an assignment made in one step is
what the later steps see.

    h = sess.partial_run_setup([r1, r2], [a, b, c])
    v1 = sess.partial_run(h, r1, feed_dict={a: 1, b: 2})
    v2 = sess.partial_run(h, r2, feed_dict={c: v1})      # r1 is not computed again

A step is an ordinary Session.run that feeds everything known so far (the feeds given,
and every output of the ops earlier steps ran) and fetches, besides what was asked, the
outputs of the ops it runs, for the steps after it. The handle lives in the Session and
ends when every declared fetch has been fetched (TF's rules and messages).
"""
import itertools

import numpy as np

from . import errors
from .compiler.program import needed
from .feeds import _Fetch
from .graph import Tensor
from .ops.core import PLACEHOLDER

_handles = itertools.count()


class _Steps:
    def __init__(self, fetches, feeds):
        self.fetches = fetches          # the declared Tensors and Operations
        self.feeds = feeds              # the declared feed Tensors
        self.known = {}                 # Tensor -> value: fed, or computed by a step
        self.fetched = set()


def setup(session, fetches, feeds=None):
    """A handle for a run in steps of `fetches` (a graph element or a list of them)
    given `feeds` (a list of tensors fed by the steps)."""
    graph = session.graph
    items = _Fetch(graph, fetches if isinstance(fetches, (list, tuple)) else [fetches]).items
    fed = _Fetch(graph, list(feeds or [])).items
    for t in fed:
        if not isinstance(t, Tensor):
            raise TypeError(f"partial_run_setup: feeds must be tensors, got {t!r}")
    handle = f"partial_run:{next(_handles)}"
    session._op_state[("partial_run", handle)] = _Steps(set(items), set(fed))
    return handle


def step(session, handle, fetches, feed_dict=None):
    """One step of the run `handle`: feed `feed_dict` (declared feeds not fed before)
    and return the values of `fetches` (declared fetches not fetched before)."""
    steps = session._op_state.get(("partial_run", handle))
    if steps is None:
        raise errors.InvalidArgumentError("Must run 'setup' before performing partial "
                                          "runs!")
    feeds = session._feed_keys(feed_dict)
    for t in feeds:
        if t not in steps.feeds:
            raise errors.InvalidArgumentError(f"The feed {t.name} was not specified in "
                                              "partial_run_setup.")
        if t in steps.known:
            raise errors.InvalidArgumentError(f"The feed {t.name} has already been fed.")
    want = _Fetch(session.graph, fetches).items
    for f in want:
        if f not in steps.fetches:
            raise errors.InvalidArgumentError(f"The fetch {f.name} was not specified in "
                                              "partial_run_setup.")
        if f in steps.fetched:
            raise errors.InvalidArgumentError(f"The fetch {f.name} has already been "
                                              "fetched.")
    known = {**steps.known, **feeds}
    tensors = [f for f in want if isinstance(f, Tensor)]
    runs = needed(tensors, [f for f in want if not isinstance(f, Tensor)], known)
    for node, why in runs.items():
        if node.op is PLACEHOLDER:
            raise errors.InvalidArgumentError(
                f"Fetch {_fetch_of(why, runs).name} can't be computed from the feeds "
                f"that have been fed so far: it needs {errors.describe_node(node)}")
    new = [t for node in sorted(runs, key=lambda n: n.id) for t in node.outputs
           if t not in known]
    value, computed = session.run([fetches, new], feed_dict=known)
    # kept as copies: the caller may refill a fed array or edit a returned one (TF keeps
    # its own tensors)
    steps.known.update((t, _own(v)) for t, v in feeds.items())
    steps.known.update((t, _own(v)) for t, v in zip(new, computed))
    steps.fetched.update(want)
    if steps.fetched >= steps.fetches:
        del session._op_state[("partial_run", handle)]
    return value


def _own(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _fetch_of(why, runs):
    """The fetch (a Tensor or an Operation) that made a node needed."""
    while not isinstance(why, Tensor) and runs[why] is not why:
        why = runs[why]
    return why
