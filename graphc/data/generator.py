"""Dataset.from_generator (TF1): elements from a Python generator, checked against the
declared output_types and output_shapes as they come.

    def gen(n):
        for i in range(n):
            yield i, [1.0] * i
    ds = gc.data.Dataset.from_generator(gen, (gc.int64, gc.float32), ((), (None,)),
                                        args=(3,))

The generator is Python code: a graph holding one cannot be written as JSON (the
serializer refuses it, naming the iterator's node and where the dataset was built).
"""
import numpy as np

from .. import dtypes, errors
from ..ops.pyfunc import raised_as
from ..shapes import TensorShape
from .dataset import Dataset, Failed
from .structure import flatten, leaves_along, to_tensors

__all__ = []

# the numpy kinds a yielded value may have, by the kind of the declared dtype (TF's
# convert_to_tensor: ints widen to floats, nothing narrows, bools stay bools)
_FITS = {"b": "b", "i": "iu", "u": "iu", "f": "iuf", "c": "iufc"}


class _Generator(Dataset):
    """The elements `generator(*args)` yields; args are evaluated when the pipeline starts."""
    _unwritable = "a Dataset.from_generator (its generator is Python code)"

    def __init__(self, generator, structure, types, shapes, args):
        if not callable(generator):
            raise TypeError(f"from_generator: `generator` must be callable, got "
                            f"{type(generator).__name__}")
        self._args = to_tensors(tuple(args))[1] if args is not None else []
        super().__init__(structure, types, shapes, tensors=self._args)
        self._generator = generator

    def _iter(self, run):
        """The generator's elements. As TF's: an exception the generator raises fails
        that get_next and ends the data (a generator that raised is finished); an
        element of the wrong structure, shape or type fails its get_next only."""
        args = [np.asarray(run.values[t]) for t in self._args]
        args = [a.item() if a.dtype == object and a.ndim == 0 else a for a in args]
        values = iter(self._generator(*args))
        while True:
            try:
                value = next(values)
            except StopIteration:
                return
            except Exception as e:
                cls = raised_as(e) or errors.InvalidArgumentError
                yield Failed(cls(f"{type(e).__name__}: {e}\n  raised by the generator of "
                                 f"the Dataset.from_generator made at "
                                 f"{errors.format_site(self._site)}"))
                return
            try:
                yield self._element(value)
            except TypeError as e:
                yield Failed(errors.InvalidArgumentError(
                    f"{e}\n  in the Dataset.from_generator made at "
                    f"{errors.format_site(self._site)}"))

    def _element(self, value):
        declared = self.output_types
        leaves = []
        try:
            got = flatten(value if not isinstance(value, list) or self._structure is None
                          else tuple(value), leaves)
        except TypeError:
            got = "?"
        if got != self._structure:
            raise TypeError(f"`generator` yielded an element that did not match the expected "
                            f"structure. The expected structure was {declared}, but the "
                            f"yielded element was {value!r}.")
        out = []
        for leaf, t, shape in zip(leaves, self._types, self._shapes):
            out.append(_convert(leaf, t, declared, value))
            if not shape.is_compatible_with(TensorShape(out[-1].shape)):
                raise TypeError(f"`generator` yielded an element of shape {out[-1].shape} "
                                f"where an element of shape {shape} was expected.")
        return out


def _shape_leaves(shapes, structure, out):
    """The shapes of output_shapes, in the leaf order of `structure` (output_types')."""
    def error():
        return TypeError(f"from_generator: output_shapes {shapes!r} does not have the "
                         "structure of output_types")
    for s in leaves_along(shapes, structure, tuple, error):
        out.append(TensorShape(s._dims if isinstance(s, TensorShape) else
                               None if s is None else tuple(s)))


def _convert(leaf, dtype, declared, value):
    """The leaf as an array of dtype, as TF's convert_to_tensor would allow."""
    bad = TypeError(f"`generator` yielded an element that did not match the expected "
                    f"structure. The expected structure was {declared}, but the yielded "
                    f"element was {value!r}.")
    if dtype is dtypes.string:
        arr = np.asarray(leaf, dtype=object)
        if not all(isinstance(v, (bytes, str)) for v in arr.flat):
            raise bad
        out = np.empty(arr.shape, dtype=object)
        out.flat[:] = [v.encode("utf-8") if isinstance(v, str) else v for v in arr.flat]
        return out
    arr = np.asarray(leaf)
    if arr.dtype.kind not in _FITS.get(np.dtype(dtype.np).kind, np.dtype(dtype.np).kind):
        raise bad
    out = arr.astype(dtype.np)
    if arr.dtype.kind in "iu" and out.dtype.kind in "iu" and not np.array_equal(out, arr):
        raise bad                       # an int out of the declared type's range
    return out


def _signature(output_signature):
    """(structure, dtypes, shapes) of an output_signature of TensorSpecs."""
    from ..type_spec import TensorSpec, TypeSpec
    specs = []
    structure = flatten(output_signature, specs)
    for s in specs:
        if not isinstance(s, TypeSpec):
            raise TypeError("`output_signature` must contain objects that are subclass of "
                            f"`tf.TypeSpec` but found {type(s)} which is not.")
        if not isinstance(s, TensorSpec):
            raise TypeError(f"from_generator: graphc supports TensorSpecs in "
                            f"output_signature, not {s!r}")
    return structure, [s.dtype for s in specs], [s.shape for s in specs]


def from_generator(generator, output_types=None, output_shapes=None, args=None,
                   output_signature=None):
    """Dataset.from_generator (TF1): see its docstring."""
    if output_signature is not None:
        for value, name in ((output_types, "output_types"), (output_shapes, "output_shapes")):
            if value is not None:
                raise TypeError(f"The `{name}` argument can not be used together with the "
                                "`output_signature` argument.")
        structure, types, shapes = _signature(output_signature)
    else:
        if output_types is None:
            raise TypeError("To specify the output signature you need to provide either "
                            "the `output_signature` argument or the `output_types` "
                            "argument.")
        types = []
        structure = flatten(output_types, types)
        types = [dtypes.as_dtype(t) for t in types]
        shapes = [TensorShape(None)] * len(types)
        if output_shapes is not None:
            shapes = []
            _shape_leaves(output_shapes, structure, shapes)
    return _Generator(generator, structure, types, shapes, args)
