"""The functions datasets trace (map, filter, flat_map, interleave, reduce) and the map
and filter datasets.

A function is traced once into a FuncGraph on placeholders standing for one element's
leaves; call() runs the graph on one element's arrays. A window() component of the
element is no tensor: the function gets a _WindowPart dataset for it instead, whose
elements the caller (flat_map/interleave) hands to the inner pipeline at run time.
"""
import numpy as np

from .. import errors
from ..graph import Node, Tensor, get_default_graph
from ..ops.control import FuncGraph, _unflatten, compiled
from ..ops.core import convert_to_tensor, placeholder
from .dataset import Dataset, Failed, _describe
from .specs import dense_shapes, nested_leaves
from .structure import flatten, shown, sparse_parts, with_dense_shapes

__all__ = []


class _WindowPart(Dataset):
    """One component of a window() element, inside a flat_map/interleave function: the
    run's values hold its elements under this dataset itself."""
    _unwritable = "a Dataset.window (its elements are datasets)"

    def __init__(self, dtype, shape):
        super().__init__(None, [dtype], [shape])

    def _iter(self, run):
        for a in run.values[self]:
            yield [a]


class _Function:
    """A map or filter function traced once into a FuncGraph; call() runs it on the
    leaves of one element (and the values of what it captured)."""

    def __init__(self, what, fn, ds):
        if not callable(fn):
            raise errors.UsageTypeError(         # (TF1: a ValueError)
                f"Dataset.{what}: expected a function, got {type(fn).__name__}")
        nested = getattr(ds, "_nested", None) or [False] * len(ds._types)
        if what not in ("flat_map", "interleave"):
            if isinstance(ds, Dataset):
                nested_leaves(ds, f"Dataset.{what}")
        graph = get_default_graph()
        with graph.name_scope(f"{what}_fn") as scope:
            fg = FuncGraph(graph, scope)
            with fg.as_default():
                items, phs, self.parts = [], [], []
                for k, (d, s) in enumerate(zip(ds._types, ds._shapes)):
                    if nested[k]:
                        self.parts.append((k, _WindowPart(d, s)))
                        items.append(self.parts[-1][1])
                    else:
                        phs.append(placeholder(d, s, name="elem"))
                        items.append(phs[-1])
                arg = with_dense_shapes(_unflatten(ds._structure, iter(items)),
                                        getattr(ds, "_dense", ()))
                value = fn(*arg) if type(arg) is tuple else fn(arg)
                outs = self._outputs(fg, value, what)
        self.fg, self.outs, self.what = fg, tuple(outs), what
        self._fed = [k for k in range(len(items)) if not nested[k]]
        self.captured = list(fg.captures)
        self.ins = tuple(phs) + tuple(fg.captures[t] for t in self.captured)

    def _outputs(self, fg, value, what):
        """The function's output tensors in fg; sets self.structure."""
        if isinstance(value, list):           # TF1 turns a returned list into a tuple
            value = tuple(value)
        leaves = []
        self.structure = flatten(value, leaves)
        self.sparse_shapes = [sp.shape for sp in sparse_parts(value)]
        outs = []
        for v in leaves:
            if isinstance(v, (Node, Dataset)) or v is None:     # TF1: None a ValueError
                raise (errors.DTypeError if v is not None else errors.DTypeValueError)(
                    f"Dataset.{what}: the function must return tensors, got "
                    f"{type(v).__name__} in {shown(self.structure)}"
                    + errors.called_at(f"Dataset.{what}"))
            outs.append(fg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v))
        if not outs:
            raise errors.UsageError(f"Dataset.{what}: the function returned no tensors")
        return outs

    def __call__(self, run, leaves):
        fed = getattr(self, "_fed", None)     # None: a function read from a graph_def
        leaves = list(leaves) if fed is None else [leaves[k] for k in fed]
        args = leaves + [run.values[t] for t in self.captured]
        return compiled(run.session, self.fg, self.ins, self.outs)(args)


class _Map(Dataset):
    def __init__(self, ds, fn):
        shapes = [t.shape for t in fn.outs]
        dense = dense_shapes(fn.structure, shapes, fn.outs)
        for k, s in enumerate(getattr(fn, "sparse_shapes", ())):    # the static ones
            dense[k] = dense[k].merge_with(s)
        super().__init__(fn.structure, [t.dtype for t in fn.outs], shapes, parents=(ds,),
                         functions=(fn,), dense=dense)

    def _iter(self, run):
        fn = self._functions[0]
        for element in self._parents[0]._iter(run):
            out = element if type(element) is Failed else failed(fn, run, element)
            if out is None:
                return
            yield out


class _Filter(Dataset):
    def __init__(self, ds, fn):
        out = fn.outs[0]
        if fn.structure is not None or not out.dtype.is_bool or out.shape.rank not in (0, None):
            raise errors.DTypeValueError(           # (TF1's ValueError)
                f"Dataset.filter: the predicate must return one scalar bool tensor, but "
                f"returned {shown(fn.structure)} starting with{_describe([out])}")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         functions=(fn,), dense=ds._dense)

    def _iter(self, run):
        for element, keep in predicate_results(self, run, lambda shape: ValueError(
                f"Dataset.filter (called at {errors.format_site(self._site)}): the "
                f"predicate returned shape {shape}, not a scalar")):
            if keep:
                yield element


def predicate_results(ds, run, not_scalar):
    """(element, keep) for each element of ds's parent under ds's predicate (filter,
    take_while); a failed element, or one whose predicate failed, comes as (Failed,
    True); a non-scalar result raises not_scalar(shape)."""
    fn = ds._functions[0]
    for element in ds._parents[0]._iter(run):
        keep = element if type(element) is Failed else failed(fn, run, element)
        if keep is None:
            return
        if type(keep) is Failed:
            yield keep, True
            continue
        keep = np.asarray(keep[0])
        if keep.shape != ():
            raise not_scalar(keep.shape)
        yield element, keep


def failed(fn, run, element):
    """fn's outputs on the element, a Failed holding its error, or None where fn raised
    OutOfRangeError: TF1's map and filter end there (the function ended the data)."""
    try:
        return fn(run, element)
    except errors.OutOfRangeError:
        return None
    except errors.OpError as e:
        return Failed(e)
