"""Session: checks feeds, caches one Executable per (fetches, feeds), returns fetches
in the structure they were asked in."""
import collections

import numpy as np

from . import errors
from .compiler.executable import Executable
from .compiler.program import lower
from .graph import Node, Tensor, get_default_graph
from .ops.core import to_array

_session_stack = []


def get_default_session():
    return _session_stack[-1] if _session_stack else None


def _session_or_default(session):
    session = session or get_default_session()
    if session is None:
        raise errors.GraphcError("no default session: pass session=, or run inside "
                                 "`with gc.Session() as sess:`")
    return session


class _Fetch:
    """A fetch structure flattened: the unique tensors/ops, and how to rebuild it."""

    def __init__(self, graph, fetches):
        self.graph = graph
        self.items = []          # unique Tensors and Nodes, in first-seen order
        self._index = {}
        self.template = self._flatten(fetches)

    def _flatten(self, f):
        if isinstance(f, (Tensor, Node, str)):
            return self._leaf(f)
        if isinstance(f, dict):
            return (type(f), [(k, self._flatten(v)) for k, v in f.items()])
        if isinstance(f, tuple) and hasattr(f, "_fields"):
            return ("namedtuple", type(f), [self._flatten(v) for v in f])
        if isinstance(f, (list, tuple)):
            return (type(f), [self._flatten(v) for v in f])
        raise TypeError(f"fetch {f!r} of type {type(f).__name__} is not a tensor, "
                        "operation, name, or list/tuple/dict of them")

    def _leaf(self, f):
        if isinstance(f, str):
            try:
                f = self.graph.as_graph_element(f)
            except (KeyError, ValueError) as e:
                raise errors.FeedError(f"cannot fetch '{f}': {e}") from None
        if f.graph is not self.graph:
            raise errors.FeedError(
                f"fetch {f.name!r} (created at {errors.format_site(f.node.site if isinstance(f, Tensor) else f.site)}) "
                "belongs to another graph than this Session's")
        if f not in self._index:
            self._index[f] = len(self.items)
            self.items.append(f)
        return self._index[f]

    def rebuild(self, values, t=None):
        t = self.template if t is None else t
        if isinstance(t, int):
            return values[t]
        if t[0] == "namedtuple":
            return t[1](*[self.rebuild(values, c) for c in t[2]])
        kind, children = t
        if issubclass(kind, dict):
            return kind((k, self.rebuild(values, c)) for k, c in children)
        out = [self.rebuild(values, c) for c in children]
        return out if kind is list else kind(out)


def _check_feed(t, value, sizes):
    """The fed value converted to t's dtype and checked against t's static shape."""
    what = f"feed for '{t.name}'"
    try:
        arr = to_array(value, t.dtype, what)
    except errors.DTypeError as e:
        raise errors.FeedError(f"{e}\n  {errors.describe_tensor(t, t.node.name)}") from None
    except (ValueError, TypeError) as e:
        raise errors.FeedError(f"{what}: cannot make an array of {type(value).__name__}: "
                               f"{e}\n  {errors.describe_tensor(t, t.node.name)}") from None
    dims = t.shape.dims
    if dims is None:
        return arr
    bad = len(dims) != arr.ndim
    if not bad:
        for k, (d, n) in enumerate(zip(dims, arr.shape)):
            if isinstance(d, int) and d != n:
                bad = f"dim {k} must be {d}"
            elif isinstance(d, str):
                bound = sizes.get(d)
                if bound is not None and bound[0] != n:
                    bad = (f"named dim '{d}' (dim {k}) is {n} here but {bound[0]} in "
                           f"{bound[1]}")
                    break
                sizes.setdefault(d, (n, what))
            if bad:
                break
    if bad:
        why = f"rank {arr.ndim} but needs rank {len(dims)}" if bad is True else bad
        raise errors.FeedError(
            f"feed for '{t.name}' has shape {arr.shape}, which does not fit static "
            f"shape {t.shape}: {why}\n  {errors.describe_tensor(t, t.node.name)}")
    return arr


class Session:
    """Runs graphs (TF1: tf.Session). Holds variable values and random generators.

        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            out = sess.run(y, feed_dict={x: batch})
    """

    def __init__(self, target="", graph=None, config=None, optimize=True):
        self.graph = graph or get_default_graph()
        self.optimize = optimize
        self._variables = {}
        self._rngs = {}
        self._plans = {}
        self._closed = False

    # ---- running ----------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Values of `fetches` (any nesting of tensors/ops/names), feeding `feed_dict`."""
        if self._closed:
            raise errors.GraphcError("attempted to use a closed Session")
        fetch = _Fetch(self.graph, fetches)
        feeds = self._feed_keys(feed_dict)
        key = (tuple(fetch.items), tuple(feeds))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(fetch.items, list(feeds))
        values = self._run_plan(plan, feeds.items(), list(feeds.values()))
        return fetch.rebuild(values)

    def _feed_keys(self, feed_dict):
        feeds = {}
        for k, v in (feed_dict or {}).items():
            t = k
            if isinstance(k, str):
                try:
                    t = self.graph.get_tensor_by_name(k if ":" in k else k + ":0")
                except (KeyError, ValueError) as e:
                    raise errors.FeedError(f"feed key '{k}' is not in the graph: {e}") from None
            if not isinstance(t, Tensor):
                raise errors.FeedError(f"feed key {k!r} is not a tensor or tensor name")
            if t.graph is not self.graph:
                raise errors.FeedError(
                    f"feed key '{t.name}' (created at {errors.format_site(t.node.site)}) "
                    "belongs to another graph than this Session's")
            feeds[t] = v
        return feeds

    def _compile(self, items, feeds):
        tensors = [f for f in items if isinstance(f, Tensor)]
        targets = [f for f in items if isinstance(f, Node)]
        exe = Executable(lower(tensors, targets, feeds), self)
        pos = {t: i for i, t in enumerate(tensors)}
        exe.out_index = [pos.get(f) for f in items]
        return exe

    def _run_plan(self, exe, feed_items, _values):
        sizes = {}
        checked = [_check_feed(t, v, sizes) for t, v in feed_items]
        outs = exe.run(checked)
        result = []
        for i in exe.out_index:
            if i is None:
                result.append(None)
                continue
            v = outs[i]
            if isinstance(v, np.ndarray) and not v.flags.writeable:
                v = v.copy()               # never hand out a variable's own buffer
            result.append(v)
        return result

    def make_callable(self, fetches, feed_list=None):
        """A function taking the feeds of `feed_list` positionally (TF1's fast path)."""
        fetch = _Fetch(self.graph, fetches)
        feed_list = list(self._feed_keys({k: None for k in feed_list or ()}))
        exe = self._compile(fetch.items, feed_list)

        def call(*args):
            if len(args) != len(feed_list):
                raise errors.FeedError(f"callable takes {len(feed_list)} feed(s) "
                                       f"({', '.join(t.name for t in feed_list)}), "
                                       f"got {len(args)}")
            return fetch.rebuild(self._run_plan(exe, zip(feed_list, args), args))
        return call

    # ---- lifetime and defaults -----------------------------------------------------
    def close(self):
        self._closed = True
        self._variables.clear()

    def as_default(self):
        return _DefaultSession(self)

    def __enter__(self):
        self._ctx = self.as_default()
        self._ctx.__enter__()
        self._graph_ctx = self.graph.as_default()
        self._graph_ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._graph_ctx.__exit__(*exc)
        self._ctx.__exit__(*exc)
        self.close()
        return False


class _DefaultSession:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        _session_stack.append(self.session)
        return self.session

    def __exit__(self, *exc):
        _session_stack.remove(self.session)
        return False


class InteractiveSession(Session):
    """A Session that installs itself as the default session when created."""

    def __init__(self, target="", graph=None, config=None, optimize=True):
        super().__init__(target, graph, config, optimize)
        _session_stack.append(self)

    def close(self):
        if self in _session_stack:
            _session_stack.remove(self)
        super().close()


