"""gc.function: TF's tf.function as it behaves when called while a graph is built (TF1
graph mode, or inside another tf.function).

    @gc.function(input_signature=[gc.TensorSpec([None, 3], gc.float32)])
    def score(x):
        return gc.reduce_sum(x, axis=1) * 2.0

    y = score(x)                        # ops in the default graph, under 'score/'

TF adds a call op to a traced function; graphc traces the Python function into the
calling graph at each call (what TF's function inlining then produces), so the values,
gradients and variables are TF's. What differs, and why:
- Python side effects (print, appending to a list) run at every call, where TF runs them
  once per new input signature. As in TF, a first call that makes variables is traced
  twice, the second time with variable creation refused, so a function must make its
  variables only once (`if self.v is None: ...`).
- No AutoGraph: `if` and `for` on tensors raise TypeError as with autograph=False; use
  gc.cond / gc.while_loop (TF's autograph rewrites them into those).
TF's rules that graphc keeps: an input_signature fixes the number, dtypes and shapes of
the arguments (TypeError otherwise, with TF's wording; the function sees the signature's
static shape); variables may be created only on the first call (ValueError after, TF's
message), named by the name scopes opened inside the function only (TF lifts them out
with init_scope); a call runs the function's side effects (assigns, prints, asserts)
whenever an output is computed (TF's automatic control dependencies);
`get_concrete_function` gives a trace with placeholders named after the arguments.
SparseTensorSpec and RaggedTensorSpec arguments check their parts as TF does (a
SparseTensor's indices, values and dense_shape; a RaggedTensor's flat_values and
row_splits: type_spec_more's _component_specs), and SparseTensor and RaggedTensor
results are as any other.
"""
import functools
import inspect
import re

from . import nest
from .graph import Tensor, get_default_graph
from .ops.core import convert_to_tensor, placeholder
from .ops.array_more import ensure_shape
from .ops.variable_creator import variable_creator_scope
from .type_spec import TensorSpec
from .type_spec_more import RaggedTensorSpec, SparseTensorSpec, type_spec_from_value

__all__ = ["function", "Function", "ConcreteFunction", "run_functions_eagerly",
           "functions_run_eagerly"]

_RUN_EAGERLY = [False]


def run_functions_eagerly(run_eagerly):
    """With True, a Function call runs its Python function as plain Python (TF's
    tf.config.run_functions_eagerly, for debugging): no signature check, no name scope,
    no second trace for variables, so breakpoints and prints see each call once."""
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly():
    """Whether run_functions_eagerly(True) is in effect."""
    return _RUN_EAGERLY[0]

_VARIABLES_AFTER_FIRST_CALL = (
    "tf.function only supports singleton tf.Variables created on the first call. Make "
    "sure the tf.Variable is only created once or created outside tf.function.")


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_relax_shapes=None,
             experimental_compile=None, experimental_follow_type_hints=None):
    """A Function that builds `func`'s ops in the graph being built when called (TF's
    tf.function; see the module docstring for what differs). Usable as `@gc.function`
    or `@gc.function(input_signature=[...])`."""
    if func is None:
        return functools.partial(function, input_signature=input_signature,
                                 autograph=autograph, jit_compile=jit_compile,
                                 reduce_retracing=reduce_retracing)
    return Function(func, input_signature=input_signature, autograph=autograph,
                    jit_compile=jit_compile)


class Function:
    """A Python function whose calls build graph ops (TF's tf.types.experimental
    PolymorphicFunction in graph mode)."""

    def __init__(self, python_function, input_signature=None, autograph=True,
                 jit_compile=None, name=None):
        if input_signature is not None:
            if not isinstance(input_signature, (list, tuple)):
                raise TypeError(f"input_signature must be either a tuple or a list, got "
                                f"{type(input_signature).__name__}")
            for spec in nest.flatten(input_signature):
                if not isinstance(spec, _SPECS):
                    raise TypeError(f"input_signature must be a possibly nested sequence "
                                    f"of TensorSpec objects, got {spec!r}")
        self._python_function = python_function
        self._input_signature = None if input_signature is None else tuple(input_signature)
        self._autograph = autograph
        self._jit_compile = jit_compile
        self._name = name or getattr(python_function, "__name__", "function")
        self._calls = 0
        self._scope = ""                # the name scope of the trace being built
        functools.update_wrapper(self, python_function)

    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    @property
    def function_spec(self):
        return inspect.signature(self._python_function)

    def experimental_get_tracing_count(self):
        """How many times the Python function has been traced: every call in graphc."""
        return self._calls

    def __get__(self, instance, owner):
        """As a method: a Function bound to the instance (TF's tf.function methods)."""
        if instance is None:
            return self
        bound = Function(self._python_function.__get__(instance, owner),
                         self._input_signature, self._autograph, self._jit_compile,
                         name=self._name)
        cache = instance.__dict__.setdefault("_graphc_functions", {})
        return cache.setdefault(id(self), bound)

    def _bind(self, args, kwargs):
        """args and kwargs checked against the input_signature and made tensors."""
        if self._input_signature is None:
            return args, kwargs
        try:                                # TF's wording: inspect's own messages
            bound = inspect.signature(self._python_function).bind(*args, **kwargs)
        except TypeError as e:
            self._binding_error(args, kwargs, str(e))
        if bound.kwargs:
            self._binding_error(args, kwargs, f"unexpected keyword arguments "
                                f"{sorted(bound.kwargs)}")
        args, kwargs = bound.args, {}
        if len(args) > len(self._input_signature):
            self._binding_error(args, kwargs, "too many positional arguments")
        if len(args) < len(self._input_signature):
            self._binding_error(args, kwargs, f"missing a required argument: "
                                f"{self._param_name(len(args))!r}")
        out = []
        for arg, spec in zip(args, self._input_signature):
            arg = _sparse_values(arg, spec)
            try:
                flat = nest.flatten(arg)
                nest.assert_same_structure(arg, spec)
            except (TypeError, ValueError) as e:
                self._binding_error(args, kwargs, str(e))
            specs = nest.flatten(spec)
            values = []
            for a, s in zip(flat, specs):
                try:
                    values.append(_bind_composite(a, s) if isinstance(s, _COMPOSITE)
                                  else _bind_tensor(a, s))
                except (AttributeError, TypeError, ValueError) as e:
                    self._binding_error(args, kwargs, str(e))
            out.append(nest.pack_sequence_as(spec, values))
        return tuple(out), {}

    def _param_name(self, i):
        params = list(inspect.signature(self._python_function).parameters)
        return params[i] if i < len(params) else f"arg{i}"

    def _binding_error(self, args, kwargs, why):
        raise TypeError(f"Binding inputs to tf.function failed due to `{why}`. Received "
                        f"args: {args} and kwargs: {kwargs} for signature: "
                        f"{self._input_signature} ({self._name})")

    def __call__(self, *args, **kwargs):
        if _RUN_EAGERLY[0]:
            return self._python_function(*args, **kwargs)
        args, kwargs = self._bind(args, kwargs)
        made, creating = [], []

        def creator(next_creator, **kw):
            if self._calls > 0 or made and made[0] == "forbidden":
                raise ValueError(_VARIABLES_AFTER_FIRST_CALL)
            made.append(kw.get("name"))
            graph = get_default_graph()
            start = len(graph.nodes)
            # TF lifts the variable out of the function (init_scope): no control
            # dependencies, and only the name scopes opened inside the function
            inner = graph._scope
            inner = inner[len(self._scope):] if inner.startswith(self._scope) else inner
            with graph.control_dependencies(None), graph.name_scope(inner or None):
                v = next_creator(**kw)
            creating.extend(graph.nodes[start:])   # (its initializer: no effect of a call)
            return v

        out = self._trace(creator, creating, args, kwargs)
        if made:
            # TF traces a first call that made variables once more, with creation
            # forbidden: a function must make its variables only once (if v is None)
            made[:] = ["forbidden"]
            out = self._trace(creator, creating, args, kwargs)
        self._calls += 1
        return out

    def _trace(self, creator, creating, args, kwargs):
        graph = get_default_graph()
        start = len(graph.nodes)
        with graph.name_scope(_scope_name(self._name)) as self._scope, \
                variable_creator_scope(creator):
            out = self._python_function(*args, **kwargs)
            return _with_effects(out, graph.nodes[start:], creating)

    def get_concrete_function(self, *args, **kwargs):
        """The function traced once into a graph of its own, for the input_signature or
        for these arguments (tensors or TensorSpecs)."""
        if self._input_signature is not None and not args and not kwargs:
            specs = self._input_signature
        else:
            specs = tuple(nest.map_structure(_spec_of, a) for a in args)
            if kwargs:
                raise NotImplementedError("get_concrete_function: pass the arguments "
                                          "positionally")
        return ConcreteFunction(self, specs)

    def __repr__(self):
        return f"<gc.function {self._name}>"


_COMPOSITE = (SparseTensorSpec, RaggedTensorSpec)
_SPECS = (TensorSpec,) + _COMPOSITE


def _bind_tensor(a, s):
    """Argument a as a tensor of TensorSpec s (ValueError: TF's "Can not cast")."""
    t = a if isinstance(a, Tensor) else convert_to_tensor(a, dtype=s.dtype)
    if not s.is_compatible_with(t):
        raise ValueError(f"Can not cast {TensorSpec(t.shape, t.dtype)} to {s}")
    merged = t.shape.merge_with(s.shape)
    if merged != t.shape:       # TF's function sees the signature's shape
        t = ensure_shape(t, merged)
    return t


def _sparse_values(arg, spec):
    """arg with each SparseTensorValue where spec has a SparseTensorSpec made a
    SparseTensor (a namedtuple would otherwise be nested). Recursion follows the user's
    nesting of specs."""
    from .sparse_tensor import SparseTensor, SparseTensorValue
    if isinstance(spec, SparseTensorSpec) and isinstance(arg, SparseTensorValue):
        return SparseTensor(*arg)
    if isinstance(spec, dict) and isinstance(arg, dict):
        return type(arg)((k, _sparse_values(v, spec.get(k))) for k, v in arg.items())
    if isinstance(spec, (list, tuple)) and type(arg) is type(spec) and len(arg) == len(spec):
        items = [_sparse_values(a, s) for a, s in zip(arg, spec)]
        return type(arg)(*items) if hasattr(arg, "_fields") else type(arg)(items)
    return arg


def _bind_composite(a, s):
    """Argument a as a SparseTensor / RaggedTensor of spec s: TF checks its parts
    against s's _component_specs, not its dense shape. Wrong kinds fail as in TF (no
    attribute 'indices'; another nesting of parts)."""
    from .sparse_tensor import SparseTensor
    parts, specs = s._to_components(a), s._component_specs
    if len(parts) != len(specs):
        raise ValueError(f"The two structures don't have the same nested structure.\n\n"
                         f"First structure: type=list str={specs}\n\nSecond structure: "
                         f"type=list str={parts}")
    parts = [_bind_tensor(t, c) for t, c in zip(parts, specs)]
    if isinstance(s, RaggedTensorSpec):
        return s._from_components(parts)
    sp = SparseTensor(*parts)               # its shape: also the spec's where they agree
    known = a.shape
    sp._static_shape = known.merge_with(s.shape) if known.is_compatible_with(s.shape) \
        else s.shape
    return sp


def _parts(x):
    """The tensors of x: itself, or a SparseTensor's or RaggedTensor's parts (TF's
    components); [] for anything else."""
    if isinstance(x, Tensor):
        return [x]
    spec = _composite_spec(x)
    return [] if spec is None else spec._to_components(x)


def _composite_spec(x):
    from .ragged_tensor import RaggedTensor
    from .sparse_tensor import SparseTensor
    return type_spec_from_value(x) if isinstance(x, (RaggedTensor, SparseTensor)) else None


def _map_tensors(fn, structure):
    """structure with fn applied to each tensor, a composite rebuilt from its parts."""
    def one(x):
        if isinstance(x, Tensor):
            return fn(x)
        spec = _composite_spec(x)
        return x if spec is None else spec._from_components(
            [fn(t) for t in spec._to_components(x)])
    return nest.map_structure(one, structure)


def _scope_name(name):
    """A function's name as a valid name scope ('<lambda>' -> 'lambda')."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name).strip("_") or "function"


def _with_effects(out, built, creating):
    """out, made to run the side effects the trace built (TF's automatic control
    dependencies: a call runs every stateful op of its function): where a stateful op
    with inputs (an assign, an optimizer update, a print or assert) is not already
    something out depends on, each tensor of out is passed through an Identity that
    waits for it. Variable creation (and its initializer) is no effect of a call."""
    skip = {id(n) for n in creating}
    effects = [n for n in built if n.op.stateful and (n.inputs or n.control_inputs)
               and id(n) not in skip]
    if not effects:
        return out
    _reads_after_effects(built, {id(n) for n in effects})
    flat = [t for x in nest.flatten(out) for t in _parts(x)]
    seen, stack = set(), [t.node for t in flat]
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            stack.extend(t.node for t in n.inputs)
            stack.extend(n.control_inputs)
    missing = [n for n in effects if id(n) not in seen]
    if not missing:
        return out
    from .ops.core import identity
    with get_default_graph().control_dependencies(missing):
        return _map_tensors(identity, out)


def _reads_after_effects(built, effects):
    """TF's automatic control dependencies order a function's variable reads after the
    effects traced before them (`v.assign_add(a); return v.read_value()` returns the
    new value): each op built after an effect that reads a variable waits for the last
    such effect (a read otherwise runs as soon as its consumer's inputs are ready)."""
    last = None
    for n in built:
        if last is not None and last not in n.control_inputs and \
                any(t.node.op.ref for t in n.inputs):
            n.control_inputs = tuple(n.control_inputs) + (last,)
        if id(n) in effects:
            last = n


def _outputs_map(concrete, fn):
    """fn of each tensor of structured_outputs; a composite's: a list, one per part
    (TF's output_shapes and output_dtypes)."""
    def one(x):
        if isinstance(x, Tensor):
            return fn(x)
        parts = _parts(x)
        return [fn(t) for t in parts] if parts else x
    return nest.map_structure(one, concrete.structured_outputs)


def _spec_of(value):
    if isinstance(value, _SPECS):
        return value
    if isinstance(value, Tensor):
        return TensorSpec.from_tensor(value)
    if _composite_spec(value) is not None:
        return type_spec_from_value(value)
    t = convert_to_tensor(value)
    return TensorSpec(t.shape, t.dtype)


def _placeholder(spec, name):
    """A placeholder of a TensorSpec; for a composite spec, one per part (all named
    `name`, so name, name_1...: TF's) made into the composite."""
    if not isinstance(spec, _COMPOSITE):
        return placeholder(spec.dtype, spec.shape, name=name)
    return spec._from_components([placeholder(c.dtype, c.shape, name=name)
                                  for c in spec._component_specs])


class ConcreteFunction:
    """One trace of a Function (TF's ConcreteFunction): `inputs` (placeholders named
    after the arguments), `outputs`, `structured_outputs`, `structured_input_signature`.
    TF traces into a FuncGraph that captures the outer tensors it uses; graphc traces
    into the calling graph (`graph`), under '<name>_concrete/', so the trace uses the
    graph's variables directly; its unfed placeholders cost nothing unless fetched.
    Calling it builds the function's ops in the default graph, with its signature
    checked."""

    def __init__(self, fn, specs):
        self._function = fn
        params = list(inspect.signature(fn.python_function).parameters)
        self.graph = get_default_graph()
        start = len(self.graph.nodes)
        with self.graph.name_scope(f"{_scope_name(fn._name)}_concrete"):
            placeholders = []
            for i, spec in enumerate(specs):
                leaves = nest.flatten(spec)
                base = spec.name if isinstance(spec, TensorSpec) and spec.name else \
                    (params[i] if i < len(params) else f"arg{i}")
                made = [_placeholder(s, getattr(s, "name", None) or (
                    base if len(leaves) == 1 else f"{base}_{k}"))
                        for k, s in enumerate(leaves)]
                placeholders.append(nest.pack_sequence_as(spec, made))
            self.structured_outputs = fn.python_function(*placeholders)
        self.inputs = [t for p in placeholders for x in nest.flatten(p) for t in _parts(x)]
        self.outputs = [t for x in nest.flatten(self.structured_outputs) for t in _parts(x)]
        built = self.graph.nodes[start:]
        own = {id(n) for n in built}
        self.captured_inputs = list(dict.fromkeys(
            t for n in built for t in n.inputs if id(t.node) not in own))
        fn._calls += 1                                  # (TF counts this trace too)
        self.structured_input_signature = (
            tuple(nest.map_structure(
                lambda t: TensorSpec(t.shape, t.dtype, t.node.name.rsplit('/', 1)[-1])
                if isinstance(t, Tensor) else type_spec_from_value(t), p)
                for p in placeholders), {})
        self._specs = specs

    @property
    def name(self):
        return self._function._name

    output_shapes = property(lambda self: _outputs_map(self, lambda t: t.shape),
                             doc="The shapes of structured_outputs (TF's).")
    output_dtypes = property(lambda self: _outputs_map(self, lambda t: t.dtype),
                             doc="The dtypes of structured_outputs (TF's).")

    @property
    def variables(self):
        """The variables the trace reads (TF: the ones its function captures)."""
        from .ops.state import Variable
        return tuple(t for t in self.captured_inputs if isinstance(t, Variable))

    @property
    def trainable_variables(self):
        return tuple(v for v in self.variables if v.trainable)

    def __call__(self, *args, **kwargs):
        checker = Function(self._function.python_function, self._specs,
                           name=self._function._name)
        return checker(*args, **kwargs)

    def __repr__(self):
        return (f"<gc.ConcreteFunction {self.name}{self.structured_input_signature[0]} "
                f"-> {self.structured_outputs!r}>")

