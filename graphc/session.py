"""Session: checks feeds, caches one Executable per (fetches, feeds), returns fetches
in the structure they were asked in."""
import collections
import threading
import weakref

from . import errors
from .compiler.executable import Executable
from .compiler.pipeline import as_options, compile_program, no_cyclic_gc
from .config_proto import ConfigProto, config_changes  # noqa: F401 (gc.ConfigProto)
from .feeds import (_check_feed, _feed_checker, _Fetch, _copied_out, _make_call, _named_dims,
                    _results, _Specializing)
from .graph import Node, Tensor, get_default_graph
from .run_metadata import run_with_deadline

_session_stack = []


def get_default_session():
    return _session_stack[-1] if _session_stack else None


def _session_or_default(session, what=None):
    """`session`, else the default session; TF1's ValueError where there is none (what:
    "evaluate tensor 'y:0' using `eval()`", for the message)."""
    session = session or get_default_session()
    if session is None:
        raise errors.NoDefaultSessionError(
            (f"Cannot {what}: no" if what else "no") + " default session is registered. "
            "Pass session=sess, or run it inside `with sess.as_default():` (or `with "
            "gc.Session() as sess:`)")
    return session


def _log_placement(program):
    """TF1's log_device_placement: each op that runs and its device, on stderr."""
    import sys

    from .compiler.program import src_of
    for rec in program.nodes:
        device = getattr(src_of(rec), "device", "") or ""
        device = device if "/device:CPU:" in device else "/device:CPU:0"
        print(f"{rec.name}: ({rec.type}): /job:localhost/replica:0/task:0"
              f"{device[device.index('/device:'):]}", file=sys.stderr)


_DeviceAttributes = collections.namedtuple(
    "DeviceAttributes", ["name", "device_type", "memory_limit_bytes", "incarnation"])


class Session:
    """Runs graphs (TF1: tf.Session). Holds variable values and random generators.

        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            out = sess.run(y, feed_dict={x: batch})
    """

    def __init__(self, target="", graph=None, config=None, optimize=True):
        self.graph = graph or get_default_graph()
        self.options = as_options(optimize)
        if isinstance(optimize, bool):      # no explicit options: gc.config's defaults
            from .config import session_defaults
            changes = session_defaults()
            if not optimize:                # passes off already: only the threads count
                changes = {k: v for k, v in changes.items() if k == "threads"}
            if changes:
                self.options = self.options.replace(**changes)
        changes = config_changes(config)       # a ConfigProto wins over gc.config,
        if not isinstance(optimize, bool) or not optimize:  # explicit options over it
            changes = {k: v for k, v in changes.items() if k == "threads"}
        if changes:
            self.options = self.options.replace(**changes)
        from .tf1_misc9 import get_log_device_placement
        self._log_placement = getattr(config, "log_device_placement", False) or \
            get_log_device_placement()
        self._timeout_ms = getattr(config, "operation_timeout_in_ms", 0)
        self.optimize = self.options.optimize
        self._variables = {}
        self._spares = {}       # variable -> its previous value, reused by the next update
        self._rngs = {}
        self._op_state = {}             # node -> what a stateful kernel keeps (Print's count)
        self._fed_variables = threading.local()     # .vars: variables fed in this run
        self._plans = {}
        self._branches = {}             # cond branches compiled here (ops/control.py)
        self._quiet = 0                 # > 0 while a derivative replays a body: no Print
        self._fast = {}                 # (fetches, feed keys) -> (_Fetch, Executable)
        self._executables = weakref.WeakSet()   # all it compiled (their recycled buffers)
        self._on_close = []     # callbacks close() runs first (queues wake their waiters)
        self._closed = False

    @property
    def graph_def(self):
        """The session's graph as a graph_def (TF1: sess.graph_def), as
        graph.as_graph_def() gives it."""
        return self.graph.as_graph_def()

    def list_devices(self):
        """The devices this session runs on: graphc's one CPU (TF1's DeviceAttributes:
        name, device_type, memory_limit_bytes, incarnation)."""
        return [_DeviceAttributes("/job:localhost/replica:0/task:0/device:CPU:0", "CPU",
                                  268435456, 0)]

    # ---- running ----------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Values of `fetches` (any nesting of tensors/ops/names), feeding `feed_dict`.
        With `options=gc.RunOptions(trace_level=gc.RunOptions.FULL_TRACE)` and a
        `run_metadata=gc.RunMetadata()`, every kernel call is timed into it."""
        if self._closed:
            raise errors.ClosedSessionError()
        if type(fetches) is list:
            fkey = tuple(fetches)
        elif type(fetches) is tuple and not hasattr(fetches, "_fields"):
            fkey = (tuple, fetches)
        else:
            fkey = fetches
        key = (fkey, tuple(feed_dict) if feed_dict else ())
        try:
            hit = self._fast.get(key)
        except TypeError:                   # an unhashable fetch structure (dict...)
            hit, key = None, None
        if hit is None:
            fetch = _handle_fetch(_Fetch(self.graph, fetches), self)
            if self.graph._unfetchable:
                for f in fetch.items:
                    if getattr(f, "node", f) in self.graph._unfetchable:
                        raise ValueError(f"Operation '{getattr(f, 'node', f).name}' has "
                                         "been marked as not fetchable.")
            feeds = self._feed_keys(feed_dict)
            pkey = (tuple(fetch.items), tuple(feeds))
            plan = self._plans.get(pkey)
            if plan is None:
                plan = self._plans[pkey] = self._plan_for(fetch.items, list(feeds),
                                                          self.options)
            hit = (fetch, plan, tuple(feeds))
            if key is not None and len(feeds) == len(feed_dict or ()):
                self._fast[key] = hit
        fetch, plan, feeds = hit
        if feeds:
            values = list(feed_dict.values()) if len(feeds) == len(feed_dict) else \
                list(self._feed_keys(feed_dict).values())
            args = [chk(v) for chk, v in zip(plan.checkers, values)] \
                if plan.simple_feeds else self._check_feeds(plan, values)
        else:
            args = ()
        if type(plan) is _Specializing:
            plan = plan.plan(args)
        if options is not None or self._timeout_ms:
            outs = self._run_with(plan, args, options, run_metadata)
        else:
            outs = plan.run(*args)
        return fetch.rebuild(_results(plan, outs))

    def _run_with(self, plan, args, options, run_metadata):
        """plan.run(*args) traced into run_metadata and under a deadline, as asked."""
        traced = run_metadata is not None and options is not None and options.trace_level
        timeout = getattr(options, "timeout_in_ms", 0) or self._timeout_ms
        run = plan.traced_run if traced else plan.run
        outs = run_with_deadline(timeout, run, *args) if timeout else run(*args)
        if traced:
            outs, records = outs
            run_metadata._record(records)
        return outs

    def partial_run_setup(self, fetches, feeds=None):
        """A handle for a run taken in steps (TF1; graphc/partial_run.py): `fetches`
        are fetched and `feeds` fed over the partial_run calls, each op running once."""
        from .partial_run import setup
        return setup(self, fetches, feeds)

    def partial_run(self, handle, fetches, feed_dict=None):
        """One step of the partial run `handle`: feeds some of its feeds and returns
        some of its fetches, reusing what the earlier steps computed."""
        from .partial_run import step
        return step(self, handle, fetches, feed_dict)

    def _feed_keys(self, feed_dict):
        feeds = {}
        for k, v in (feed_dict or {}).items():
            if isinstance(k, tuple):        # a structure (an LSTMStateTuple...): leaf by leaf
                if not isinstance(v, (tuple, list)) or len(v) != len(k):
                    raise errors.FeedError(
                        f"feed key {k!r} is a structure of {len(k)} tensors, so its value "
                        f"must be a tuple or list of {len(k)}, not {type(v).__name__}")
                for kk, vv in zip(k, v):
                    feeds.update(self._feed_keys({kk: vv}))
                continue
            if hasattr(k, "_as_parts"):      # a composite (SparseTensor) feeds its parts
                if any(p in feed_dict for p in k._as_parts()):
                    raise errors.FeedError(f"{k!r} is fed both whole and by its parts")
                for t, pv in zip(k._as_parts(), k._feed_parts(v)):
                    feeds.update(self._feed_keys({t: pv}))
                continue
            t = self._feed_tensor(k) if isinstance(k, str) else k
            if not isinstance(t, Tensor):
                raise errors.FeedTypeError(f"Cannot interpret feed_dict key as Tensor: "
                                           f"{k!r} is not a tensor or tensor name")
            if t.graph is not self.graph:
                raise errors.FeedTypeError(
                    f"Cannot interpret feed_dict key as Tensor: '{t.name}' (created at "
                    f"{errors.format_site(t.node.site)}) belongs to another graph than this "
                    "Session's")
            if t in self.graph._unfeedable:
                raise errors.FeedError(f"Tensor {t.name} may not be fed.")
            feeds[t] = v
        return feeds

    def _feed_tensor(self, name):
        """The tensor a feed key names, "op:index" (TF1's TypeError for anything else)."""
        if ":" not in name:
            what = ("refers to an Operation, not a Tensor" if name in self.graph._by_name
                    else "looks like an (invalid) Operation name, not a Tensor")
            raise errors.FeedTypeError(
                f"Cannot interpret feed_dict key as Tensor: the name '{name}' {what}. "
                f"Tensor names look like \"<op_name>:<output_index>\" ('{name}:0')")
        try:
            return self.graph.get_tensor_by_name(name)
        except (KeyError, ValueError) as e:
            raise errors.FeedTypeError(f"Cannot interpret feed_dict key as Tensor: "
                                       f"'{name}' is not in the graph: {e}") from None

    def _compile(self, items, feeds, options=None, shapes=None):
        """The Executable for fetch items (tensors and ops) given `feeds` (of `shapes`,
        when given), with what the fast paths need precomputed: feed checkers and where
        each fetch comes from."""
        options = self.options if options is None else options
        tensors = list(dict.fromkeys(f for f in items if isinstance(f, Tensor)))
        targets = [f for f in items if isinstance(f, Node)]
        with no_cyclic_gc():
            program, plan, log, lowered = compile_program(tensors, targets, feeds, options,
                                                          shapes)
            exe = Executable(program, plan, self, log, options, lowered)
        self._executables.add(exe)
        if self._log_placement:
            _log_placement(program)
        pos = {t: i for i, t in enumerate(tensors)}
        exe.out_index = [pos.get(f) for f in items]
        exe.feeds = list(feeds)
        exe.checkers = [_feed_checker(t, self) for t in feeds]
        exe.simple_feeds = not any(_named_dims(t) for t in feeds)
        exe.copy_out = _copied_out(program, plan)
        return exe

    def _plan_for(self, items, feeds, options):
        """What runs `items` from `feeds`: an Executable, or, when some feed has unknown
        dims (and options.specialize), a _Specializing that compiles one per feed-shape
        signature as runs bring them."""
        if options.optimize and options.specialize and \
                not all(t.shape.is_fully_defined() for t in feeds):
            return _Specializing(self, items, feeds, options)
        return self._compile(items, feeds, options)

    def _check_feeds(self, exe, values):
        sizes = {d: (n, f"the graph (bound at {errors.format_site(site)})")
                 for d, (n, site) in self.graph.dims.sizes.items()}
        return [_check_feed(t, v, sizes) for t, v in zip(exe.feeds, values)]

    def _run_plan(self, exe, feed_items, _values):
        """Check the feeds and run `exe`: the fetch values, in exe's item order."""
        values = [v for _, v in feed_items]
        args = [chk(v) for chk, v in zip(exe.checkers, values)] \
            if exe.simple_feeds else self._check_feeds(exe, values)
        return _results(exe, exe.run(*args))

    def compile(self, fetches, feed_list=None, optimize=None, unsafe_math=None, **options):
        """The Executable computing `fetches` from the feeds of `feed_list` (positional):
        `exe(*feeds)` runs it, `exe.report()` tells what the compiler did."""
        if optimize is not None:
            options["optimize"] = optimize
        if unsafe_math is not None:
            options["unsafe_math"] = unsafe_math
        options["specialize"] = False       # the plan exe.report() shows is what runs
        exe, call = self._callable(fetches, feed_list, self.options.replace(**options))
        exe.call = call
        return exe

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function taking the feeds of `feed_list` positionally (TF1's fast path);
        with accept_options, it also takes options= and run_metadata= (TF1), and a call
        given either runs as Session.run does."""
        call = self._callable(fetches, feed_list, self.options)[1]
        if not accept_options:
            return call
        keys = list(feed_list or ())

        def with_options(*args, options=None, run_metadata=None):
            if options is None and run_metadata is None:
                return call(*args)
            return self.run(fetches, dict(zip(keys, args)), options, run_metadata)
        return with_options

    def _callable(self, fetches, feed_list, options):
        if self._closed:
            raise errors.ClosedSessionError()
        fetch = _handle_fetch(_Fetch(self.graph, fetches), self)
        keys = list(feed_list or ())
        flat = list(self._feed_keys({k: None for k in keys}))
        exe = self._plan_for(fetch.items, flat, options)
        call = _make_call(self, exe, fetch, flat)
        if any(hasattr(k, "_as_parts") for k in keys):
            call = _whole_composites(keys, call)
        return exe, call

    # ---- lifetime and defaults -----------------------------------------------------
    def close(self):
        """Release what the session holds: variable values, compiled plans and the
        results its executables kept for recycling."""
        self._closed = True
        for fn in self._on_close:
            fn()
        self._on_close.clear()
        self._variables.clear()
        self._spares.clear()
        for exe in list(self._executables):
            exe._spares.clear()
        self._plans.clear()
        self._branches.clear()
        self._op_state.clear()
        self._fast.clear()

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




def _handle_fetch(fetch, session):
    """fetch, or one returning its get_session_handle tensors as TensorHandles (TF1
    tells them by the op too); built once per fetch structure, off the fast paths."""
    wrap = [i for i, f in enumerate(fetch.items)
            if isinstance(f, Tensor) and f.node.op.name == "GetSessionHandle"]
    if not wrap:
        return fetch
    from .ops.session_ops import HandleFetch
    return HandleFetch(fetch, wrap, session)


def _whole_composites(keys, call):
    """make_callable's function taking a composite's value (a SparseTensorValue, a
    RaggedTensorValue) as one argument, as TF1's does, and `call` on its parts."""
    def parts(key, value):
        if not hasattr(key, "_as_parts"):
            return [value]
        return [v for k, pv in zip(key._as_parts(), key._feed_parts(value))
                for v in parts(k, pv)]

    def call_whole(*args):
        if len(args) != len(keys):
            raise errors.FeedError(f"callable takes {len(keys)} feed(s), got {len(args)}")
        return call(*[v for k, a in zip(keys, args) for v in parts(k, a)])
    return call_whole


def compile(fetches, feed_list=None, optimize=True, unsafe_math=False, session=None,
            **options):
    """The Executable computing `fetches` from the feeds of `feed_list`.

        exe = gc.compile(loss, feed_list=[x, y])
        exe.report()                      # what each pass did, planned peak bytes
        value = exe(x_batch, y_batch)     # feeds positionally, like make_callable

    Runs in `session` (default: the default session, else a new one on the fetches'
    graph: fine for graphs without variables). `optimize=False` runs the graph as built;
    `unsafe_math=True` allows rewrites that change inf/NaN results (x*0 -> 0).
    """
    if session is None:
        session = get_default_session()
        graph = _graph_of(fetches) or get_default_graph()
        if session is None or session.graph is not graph:
            session = Session(graph=graph)
    return session.compile(fetches, feed_list, optimize=optimize, unsafe_math=unsafe_math,
                           **options)


def _graph_of(fetches):
    stack = [fetches]
    while stack:
        f = stack.pop()
        if isinstance(f, (Tensor, Node)):
            return f.graph
        if isinstance(f, dict):
            stack.extend(f.values())
        elif isinstance(f, (list, tuple)):
            stack.extend(f)
    return None
