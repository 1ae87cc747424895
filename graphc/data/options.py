"""tf.data options (TF's tf.data.Options and its groups), Dataset.with_options and
Dataset.options.

    options = gc.data.Options()
    options.deterministic = True
    options.threading.private_threadpool_size = 4     # stored; graphc warns it is unused
    ds = ds.with_options(options)

graphc makes each element on the calling thread, in the deterministic order, when
get_next runs. So it acts on no option but `deterministic=True` (which it always
honours): every other option set is kept, returned by options(), merged as TF merges
them, and named in a UserWarning when with_options is called.
"""
import copy
import enum
import warnings

__all__ = ["Options", "ThreadingOptions", "AutotuneOptions", "DistributeOptions",
           "OptimizationOptions", "ServiceOptions", "AutoShardPolicy", "AutotuneAlgorithm",
           "ExternalStatePolicy"]


class AutoShardPolicy(enum.IntEnum):
    """How a distributed dataset is sharded (TF's enum)."""
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class AutotuneAlgorithm(enum.Enum):
    """TF's autotuning algorithms."""
    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class ExternalStatePolicy(enum.Enum):
    """What to do with external state when a dataset is serialized (TF's enum)."""
    WARN = 0
    IGNORE = 1
    FAIL = 2


class _OptionsGroup:
    """A group of options: each in `_spec` as name -> (type, default); setting another
    name, or a value of another type, raises as TF does. Unset options read as their
    default and do not count as set."""
    _spec = {}
    _aliases = {}

    def __init__(self):
        object.__setattr__(self, "_values", {})
        for name, (kind, _) in self._spec.items():
            if isinstance(kind, type) and issubclass(kind, _OptionsGroup):
                self._values[name] = kind()

    def __getattr__(self, name):
        name = type(self)._aliases.get(name, name)
        spec = type(self)._spec.get(name)
        if spec is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return self._values.get(name, spec[1])

    def __setattr__(self, name, value):
        name = type(self)._aliases.get(name, name)
        if name not in type(self)._spec:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        kind = self._spec[name][0]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            raise TypeError(f'Property "{name}" must be of type {kind}, got: {value!r} '
                            f"(type: {type(value)})")
        self._values[name] = value

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self._spec)

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None                     # mutable, as TF's

    def _set(self, prefix=""):
        """(dotted name, value) of each option set to a value (groups: their set ones)."""
        out = []
        for name, (kind, _) in self._spec.items():
            v = self._values.get(name)
            if isinstance(v, _OptionsGroup):
                out += v._set(f"{prefix}{name}.")
            elif name in self._values:
                out.append((prefix + name, v))
        return out

    def _merge_from(self, other):
        """Sets on self the options set in `other` (later wins, TF's merge)."""
        for name, v in other._values.items():
            if isinstance(v, _OptionsGroup):
                self._values[name]._merge_from(v)
            else:
                self._values[name] = v


class ThreadingOptions(_OptionsGroup):
    """Threading options (TF's tf.data.ThreadingOptions): max_intra_op_parallelism,
    private_threadpool_size. graphc stores them; it runs pipelines on one thread."""
    _spec = {"max_intra_op_parallelism": (int, None), "private_threadpool_size": (int, None)}


class AutotuneOptions(_OptionsGroup):
    """Autotuning options (TF's tf.data.experimental.AutotuneOptions): stored only."""
    _spec = {"autotune_algorithm": (AutotuneAlgorithm, None), "cpu_budget": (int, None),
             "enabled": (bool, None), "initial_parallelism": (int, None),
             "min_parallelism": (int, None), "ram_budget": (int, None)}


class DistributeOptions(_OptionsGroup):
    """Distribution options (TF's tf.data.experimental.DistributeOptions): stored only."""
    _spec = {"auto_shard_policy": (AutoShardPolicy, AutoShardPolicy.AUTO),
             "num_devices": (int, None)}


class OptimizationOptions(_OptionsGroup):
    """Graph rewrites of the pipeline (TF's tf.data.experimental.OptimizationOptions):
    stored only; graphc runs the pipeline as written."""
    _spec = {k: (bool, None) for k in (
        "apply_default_optimizations", "filter_fusion", "filter_parallelization",
        "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion",
        "map_parallelization", "noop_elimination", "parallel_batch",
        "seq_interleave_prefetch", "shuffle_and_repeat_fusion")}


class ServiceOptions(_OptionsGroup):
    """tf.data service options (TF's tf.data.experimental.ServiceOptions): stored only."""
    _spec = {"pinned": (bool, None)}


class Options(_OptionsGroup):
    """Options of a dataset (TF's tf.data.Options), set by attribute and given to
    Dataset.with_options. Unknown names: AttributeError; a value of the wrong type:
    TypeError (TF's messages). graphc acts on deterministic=True only (it always is);
    every other option is stored and reported (see the module docstring).

        options = gc.data.Options()
        options.deterministic = True
        ds = gc.data.Dataset.range(3).with_options(options)
    """
    _spec = {"autotune": (AutotuneOptions, None), "dataset_name": (str, None),
             "deterministic": (bool, None),
             "experimental_distribute": (DistributeOptions, None),
             "experimental_external_state_policy": (ExternalStatePolicy, None),
             "experimental_optimization": (OptimizationOptions, None),
             "experimental_service": (ServiceOptions, None),
             "experimental_slack": (bool, None),
             "experimental_symbolic_checkpoint": (bool, None),
             "experimental_warm_start": (bool, None), "framework_type": (list, None),
             "threading": (ThreadingOptions, None)}
    _aliases = {"experimental_deterministic": "deterministic",
                "experimental_threading": "threading"}

    def merge(self, options):
        """A new Options: these, with the options set in `options` over them."""
        if not isinstance(options, Options):
            raise TypeError(f"options must be a tf.data.Options, got {type(options)}")
        out = copy.deepcopy(self)
        out._merge_from(options)
        return out

    def __deepcopy__(self, memo):
        out = type(self)()
        out._merge_from(self)
        return out


def _unused(options):
    """The dotted names of the options set that graphc does not act on."""
    return [f"{k}={v!r}" for k, v in options._set() if (k, v) != ("deterministic", True)]


def with_options(ds, options):
    """Dataset.with_options: see its docstring."""
    if not isinstance(options, Options):
        raise TypeError(f"with_options: expected a gc.data.Options, got {type(options)}")
    unused = _unused(options)
    if unused:
        warnings.warn("gc.data: graphc makes each element on the calling thread, in order; "
                      f"these options are stored but have no effect: {', '.join(unused)}",
                      UserWarning, stacklevel=3)
    out = copy.copy(ds)         # the same pipeline, with options of its own
    own = ds._own_options if ds._own_options is not None else Options()
    out._own_options = own.merge(options)
    return out


def options_of(ds):
    """Dataset.options: the options of the datasets `ds` reads (each after those it
    reads, parents in order), merged, then its own (iterative)."""
    order, seen, stack = [], set(), [(ds, False)]
    while stack:
        d, ready = stack.pop()
        if ready:
            order.append(d)
            continue
        if id(d) in seen:
            continue
        seen.add(id(d))
        stack.append((d, True))
        stack.extend((p, False) for p in reversed(d._parents))
    out = Options()
    for d in order:
        if d._own_options is not None:
            out._merge_from(d._own_options)
    return out
