"""What a Session does around a plan: fetch structures flattened and rebuilt, feeds
checked against their placeholders, results handed out (copied where they are a
variable's own buffer), the make_callable fast paths, and per-feed-shape plans."""
import numpy as np

from . import errors
from .graph import Node, Tensor
from .ops.core import as_array, to_array
from .run_metadata import run_with_deadline


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
        if hasattr(f, "_as_parts"):          # a composite (SparseTensor): its value type
            return ("namedtuple", f._value_type, [self._flatten(p) for p in f._as_parts()])
        if isinstance(f, dict):
            return (type(f), [(k, self._flatten(v)) for k, v in f.items()])
        if isinstance(f, tuple) and hasattr(f, "_fields"):
            return ("namedtuple", type(f), [self._flatten(v) for v in f])
        if isinstance(f, (list, tuple)):
            return (type(f), [self._flatten(v) for v in f])
        raise errors.FeedTypeError(f"fetch {f!r} of type {type(f).__name__} is not a "
                                   "tensor, operation, name, or list/tuple/dict of them")

    def _leaf(self, f):
        if isinstance(f, str):
            try:
                f = self.graph.as_graph_element(f)
            except (KeyError, ValueError) as e:
                raise errors.FeedError(f"cannot fetch '{f}': {e}") from None
        if f.graph is not self.graph:
            site = f.node.site if isinstance(f, Tensor) else f.site
            raise errors.FeedError(
                f"fetch {f.name!r} (created at {errors.format_site(site)}) "
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
        arr = to_array(_bools_as_numbers(t, value, what), t.dtype, what)
    except (errors.DTypeError, errors.ShapeError) as e:     # (ShapeError: ragged lists)
        raise errors.FeedError(f"{e}\n  {errors.describe_tensor(t, t.node.name)}") from None
    except (ValueError, TypeError) as e:
        raise errors.FeedError(f"{what}: cannot make an array of {type(value).__name__}: "
                               f"{e}\n  {errors.describe_tensor(t, t.node.name)}") from None
    dims = t.shape._dims
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


def _bools_as_numbers(t, value, what):
    """TF1 (numpy) feeds 0 and 1 to a bool placeholder ({K.learning_phase(): 1}; other
    ints stay errors), and a bool mask as 0/1 to a number one (`{mask: ids > 0}`)."""
    if t.dtype.is_bool:
        ints = as_array(value, what)
        if ints.dtype.kind in "iu" and np.isin(ints, (0, 1)).all():
            return ints.astype(bool)
    elif t.dtype.is_floating or t.dtype.is_integer:
        bools = as_array(value, what)
        if bools.dtype.kind == "b":
            return bools.astype(t.dtype.np)
    return value


def _named_dims(t):
    return t.shape._dims is not None and any(isinstance(d, str) for d in t.shape._dims)


def _feed_checker(t, session):
    """A function: fed value -> array of t's dtype and static shape (FeedError if not).
    An ndarray that already fits passes straight through."""
    npdt = t.dtype.np
    dims = t.shape._dims
    if dims is None:
        def fits(v):
            return True
    elif all(isinstance(d, int) for d in dims):
        shape = tuple(dims)

        def fits(v):
            return v.shape == shape
    else:
        def fits(v):
            s = v.shape
            return len(s) == len(dims) and all(
                d is None or d == n for d, n in zip(dims, s))

    text = npdt.kind == "O"          # string feeds: elements are checked (str -> bytes)

    def check(v):
        if type(v) is np.ndarray and v.dtype == npdt and fits(v) and not text:
            return v
        return session._check_feeds(_One(t), [v])[0]
    check.fits = fits
    check.dtype = None if text else npdt     # None: call1 always checks string feeds
    return check


class _One:
    __slots__ = ("feeds",)

    def __init__(self, t):
        self.feeds = [t]


def _copied_out(program, plan):
    """Per fetch: whether its value must be copied when returned: it is not surely a new
    array of its record's own (memory planning's owned output), or an earlier fetch has
    its slot (fetches the compiler merged)."""
    from .compiler.passes.memory import _owned_output
    seen = set()
    out = []
    for t, s in zip(program.fetches, plan.fetch_slots):
        out.append(not _owned_output(t.node) or s in seen)
        seen.add(s)
    return out


def _results(exe, outs, scalars=True):
    """The fetched values; 0-d ones as numpy scalars (bytes for strings) with scalars, as
    Session.run gives them, else as 0-d arrays (for loop and cond bodies)."""
    result = []
    copy_out = exe.copy_out
    for i in exe.out_index:
        if i is None:
            result.append(None)
            continue
        v = outs[i]
        if copy_out[i] and isinstance(v, np.ndarray):
            if v.ndim == 0:
                if scalars:            # a scalar comes back as a numpy scalar, as in TF1
                    v = v[()]
            else:   # it may be (a view of) a feed, a variable or another fetch: the caller
                v = v.copy()        # gets an array of its own, as from TF1
        result.append(v)
    return result


def _deadlined(session, run):
    """run, or with a ConfigProto(operation_timeout_in_ms) run under that deadline, as
    Session.run applies it (decided once here, so the fast path pays nothing without)."""
    timeout = session._timeout_ms
    if not timeout:
        return run

    def run_timed(*args):
        return run_with_deadline(timeout, run, *args)
    return run_timed


def _make_call(session, exe, fetch, feed_list):
    """The make_callable function, specialized for the common shapes of the call."""
    n = len(feed_list)
    checkers = exe.checkers
    names = ", ".join(t.name for t in feed_list)

    def wrong(args):
        if session._closed:
            return errors.ClosedSessionError()
        return errors.FeedError(f"callable takes {n} feed(s) ({names}), got {len(args)}")

    if type(exe) is _Specializing:         # a plan per feed-shape signature
        timeout = session._timeout_ms      # decided once, as _deadlined does

        def call_specialized(*args):
            if len(args) != n or session._closed:
                raise wrong(args)
            vals = [chk(a) for chk, a in zip(checkers, args)] if exe.simple_feeds \
                else session._check_feeds(exe, args)
            plan = exe.plan(vals)
            outs = run_with_deadline(timeout, plan.run, *vals) if timeout else \
                plan.run(*vals)
            return fetch.rebuild(_results(plan, outs))
        return call_specialized

    run = _deadlined(session, exe.run)
    single = (len(fetch.items) == 1 and isinstance(fetch.template, int)
              and exe.out_index == [0])
    if single and n == 1 and exe.simple_feeds and not exe.copy_out[0]:
        chk = checkers[0]
        fits, npdt = chk.fits, chk.dtype
        ndarray = np.ndarray

        def call1(*args):
            if len(args) != 1 or session._closed:
                raise wrong(args)
            a = args[0]
            if type(a) is not ndarray or a.dtype != npdt or not fits(a):
                a = chk(a)
            return run(a)[0]
        return call1

    def call(*args):
        if len(args) != n or session._closed:
            raise wrong(args)
        if exe.simple_feeds:
            vals = [chk(a) for chk, a in zip(checkers, args)]
        else:
            vals = session._check_feeds(exe, args)
        return fetch.rebuild(_results(exe, run(*vals)))
    return call


MAX_SPECIALIZED = 8     # plans for feed-shape signatures, per (fetches, feeds)


class _Specializing:
    """Runs (fetches, feeds) with feeds of unknown dims: a plan compiled for each feed-
    shape signature the runs bring (compiler/passes/specialize.py), up to
    MAX_SPECIALIZED of them; after that, one general plan for any shapes."""

    def __init__(self, session, items, feeds, options):
        self.session = session
        self.items = items
        self.feeds = list(feeds)
        self.options = options
        self.checkers = [_feed_checker(t, session) for t in feeds]
        self.simple_feeds = not any(_named_dims(t) for t in feeds)
        self.plans = {}                 # feed shapes -> Executable
        self.general = None

    def plan(self, args):
        """The Executable for feeds `args` (arrays, already checked)."""
        key = tuple([a.shape for a in args])
        exe = self.plans.get(key)
        if exe is None:
            if len(self.plans) < MAX_SPECIALIZED:
                exe = self.plans[key] = self.session._compile(self.items, self.feeds,
                                                              self.options, key)
            else:
                if self.general is None:
                    self.general = self.session._compile(self.items, self.feeds,
                                                         self.options)
                exe = self.general
        return exe
