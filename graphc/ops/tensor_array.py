"""TensorArray (TF1): an array of same-shaped tensors, written one index at a time, most
often inside a while_loop.

A TensorArray here is a value, not a resource: its `flow` is one dense tensor of shape
(size,) + element_shape, and write/scatter return a new TensorArray whose flow is the
updated copy. So it is a loop variable like any other (while_loop and cond take and
return TensorArrays), and its derivatives are those of five small ops
(ops/tensor_array_ops.py):

    TensorArrayNew(size)               zeros; while the element shape is not known, a
                                       buffer of no elements, made whole by the first write
    TensorArrayScatter(buf, i, v)      buf with rows i set to v (or added, `add`); a
                                       dynamic_size array grows to hold index i
    TensorArrayGather(buf, i)          rows i (read: a scalar i; gather: a vector)
    TensorArrayStack(buf)              buf, checked to have been written
    TensorArrayPop(g, i)               (g with rows i cleared, rows i): a write's vjp

d Scatter = Pop(g, i) (Scatter(g, i, 0) and Gather(g, i) in one kernel): it never reads
the buffer, so a loop's gradient does not keep a copy of it per iteration. A write
copies the buffer, except inside a loop whose carry it is: the Loop kernel copies such a
carry once when it starts (into an `Owned` array) and the writes then update it in
place, as TF1's resource does (a read is copied out, so later writes never change it).
A loop owns a buffer only when its body's writes are all that see it (reads that run
before them aside): not, say, in a derivative's replay that also stacks the buffer
each call received (tensor_array_ops.in_place_carries).

A second write to an element fails when run, as in TF1 ("Could not write to TensorArray
index 0 because it has already been written to"): each buffer knows which elements were
written (tensor_array_ops.Buffer); the writes derivatives make add up or clear instead.
Departures from TF1, each documented on its method: unwritten elements of an array whose
element shape is known read as zeros, and split() takes only equal lengths (elements
share one shape). Being values, two writes to one TensorArray (a fork) make two arrays,
each checked on its own; TF1's one resource also fails a write after a read of the
element, and a second read when clear_after_read.
"""
from .. import dtypes, errors
from ..shapes import TensorShape, as_shape
from .array import reshape, shape as shape_of
from . import join
from .core import convert_to_tensor
from .registry import apply1
from .tensor_array_ops import TENSOR_ARRAY_NEW, TENSOR_ARRAY_STACK, gather, scatter

__all__ = ["TensorArray"]


# ---- the Python object ---------------------------------------------------------------------
class _Meta:
    """What the TensorArrays of one lineage share (TF1 shares it through the Python
    object too): dtype, dynamic_size, the element shape the writes have shown, and the
    name errors give it (its TensorArrayNew's)."""
    __slots__ = ("dtype", "dynamic", "infer_shape", "element_shape", "name")

    def __init__(self, dtype, dynamic, infer_shape, element_shape, name=None):
        self.dtype, self.dynamic, self.infer_shape = dtype, dynamic, infer_shape
        self.element_shape, self.name = element_shape, name


class _Spec:
    """How control flow rebuilds a TensorArray from its flow tensor (ops/control.py)."""
    __name__ = "TensorArray"

    def __init__(self, meta):
        self.meta = meta

    def __call__(self, items):
        return TensorArray._wrap(self.meta, items[0])

    def __eq__(self, other):            # cond's branches return the same structure
        return isinstance(other, _Spec) and (self.meta.dtype, self.meta.dynamic) == \
            (other.meta.dtype, other.meta.dynamic)

    def __hash__(self):
        return hash((self.meta.dtype, self.meta.dynamic))


class TensorArray:
    """A list of same-shaped tensors for loops (TF1 tf.TensorArray).

        ta = gc.TensorArray(gc.float32, size=n)
        def body(i, ta):
            return i + 1, ta.write(i, gc.square(x[i]))
        _, ta = gc.while_loop(lambda i, ta: i < n, body, [0, ta])
        y = ta.stack()                      # shape (n,) + x's element shape

    Writes return a new TensorArray (use it, as in TF1). dynamic_size=True lets writes
    grow it past `size`; the gradient of a dynamic array grown inside a while_loop is
    not supported (its shape changes between iterations: give it a size)."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        dtype = dtypes.as_dtype(dtype)
        dynamic = bool(dynamic_size)
        elem = as_shape(element_shape) if element_shape is not None else TensorShape(None)
        self._meta = _Meta(dtype, dynamic, infer_shape, elem)
        if flow is not None:
            self._flow = convert_to_tensor(flow, dtype=dtype)
            self._meta.name = self._flow.node.name
            return
        if size is None:
            if not dynamic:
                raise errors.UsageError("TensorArray: give a size (or dynamic_size=True)"
                                        f"{errors.called_at('TensorArray')}")
            size = 0
        size = convert_to_tensor(size, dtype=dtypes.int32)
        self._flow = apply1(TENSOR_ARRAY_NEW, (size,), name=name or tensor_array_name,
                            dtype=dtype, dynamic=dynamic, element_shape=elem._dims)
        self._meta.name = self._flow.node.name

    @classmethod
    def _wrap(cls, meta, flow):
        ta = cls.__new__(cls)
        ta._meta, ta._flow = meta, flow
        return ta

    def _next(self, flow):
        return TensorArray._wrap(self._meta, flow)

    def _spec(self):
        return _Spec(self._meta)

    # ---- TF1 properties -------------------------------------------------------------
    @property
    def flow(self):
        """The buffer tensor, (size,) + element_shape."""
        return self._flow

    handle = flow

    @property
    def dtype(self):
        return self._meta.dtype

    @property
    def dynamic_size(self):
        return self._meta.dynamic

    @property
    def element_shape(self):
        return self._meta.element_shape

    def _seen(self, shape, value=None, api="write"):
        """Refine the shared element shape with a written element's (TF1 infer_shape)."""
        meta = self._meta
        if not meta.infer_shape or shape._dims is None:
            return
        old = meta.element_shape
        if old._dims is not None and (len(old._dims) != len(shape._dims) or any(
                isinstance(a, int) and isinstance(b, int) and a != b
                for a, b in zip(old._dims, shape._dims))):
            shown = "" if value is None else "\n  " + errors.describe_tensor(value, "value")
            raise errors.ShapeError(
                f"TensorArray '{meta.name}': writing an element of shape {shape} into an "
                f"array of elements of shape {old}{shown}{errors.called_at('TensorArray.' + api)}")
        meta.element_shape = shape if old._dims is None else TensorShape(tuple(
            a if b is None else b for a, b in zip(old._dims, shape._dims)))

    # ---- TF1 methods ----------------------------------------------------------------
    def write(self, index, value, name=None):
        """A TensorArray with element `index` set to value. Writing an element that is
        already written fails when run (InvalidArgumentError, as in TF1)."""
        value = convert_to_tensor(value, dtype=self.dtype)
        self._seen(value.shape, value, "write")
        return self._write(convert_to_tensor(index, dtype=dtypes.int32), value)

    def _write(self, indices, value):
        return self._next(scatter(self._flow, indices, value, self._meta.dynamic, False,
                                  array=self._meta.name))

    def scatter(self, indices, value, name=None):
        """Elements `indices` set to the rows of value (each must not be written yet,
        nor repeated, as for write)."""
        value = convert_to_tensor(value, dtype=self.dtype)
        if value.shape._dims is not None and value.shape._dims:
            self._seen(TensorShape(value.shape._dims[1:]), value, "scatter")
        return self._write(convert_to_tensor(indices, dtype=dtypes.int32), value)

    def unstack(self, value, name=None):
        """Elements 0..len(value)-1 set to the rows of value (TF1: a scatter to
        range(len(value)); the size stays, unless a dynamic_size array must grow, and
        more rows than a fixed size fail when run)."""
        from .creation import range as range_
        value = convert_to_tensor(value, dtype=self.dtype)
        if value.shape.rank == 0:
            raise errors.ShapeError(f"TensorArray.unstack: "
                                    f"{errors.describe_tensor(value, value.name)} is a scalar")
        if value.shape._dims is not None:
            self._seen(TensorShape(value.shape._dims[1:]), value, "unstack")
        return self._write(range_(shape_of(value, out_type=dtypes.int32)[0]), value)

    def split(self, value, lengths, name=None):
        """A TensorArray holding value cut along axis 0 into pieces of `lengths` (all
        equal: graphc's elements share one shape, as concat's do; lengths fed at run time
        are checked when run).

            ta = ta.split(gc.zeros([6, 2]), [2, 2, 2])     # 3 elements of shape (2, 2)
        """
        from .registry import constant_value
        value = convert_to_tensor(value, dtype=self.dtype)
        lengths = convert_to_tensor(lengths)
        if not lengths.dtype.is_integer:
            raise errors.DTypeError(f"TensorArray.split: lengths must be int32 or int64\n"
                                    f"  {errors.describe_tensor(lengths, 'lengths')}")
        known = constant_value(lengths)
        if known is None:
            return self._split_at_run_time(value, lengths, name)
        known = [int(n) for n in known.reshape(-1)]
        if len(set(known)) > 1:
            raise NotImplementedError(
                f"TensorArray.split: pieces of lengths {known} would be elements of "
                f"different shapes, which graphc's TensorArray does not hold")
        rows = value.shape._dims[0] if value.shape._dims else None
        if isinstance(rows, int) and rows != sum(known):
            raise errors.ShapeError(f"TensorArray.split: lengths {known} sum to "
                                    f"{sum(known)}, but "
                                    f"{errors.describe_tensor(value, value.name)} has {rows}")
        pieces = reshape(value, join.concat([[len(known), known[0] if known else 0],
                                             shape_of(value)[1:]], 0))
        return self.unstack(pieces, name=name)

    def _split_at_run_time(self, value, lengths, name):
        """split by lengths computed at run time: as many pieces as lengths has, checked
        when run to be equal and to sum to value's rows."""
        from ..graph import control_dependencies
        from .asserts import Assert
        from .elementwise import equal, logical_and
        from .reduce import reduce_all, reduce_sum
        if lengths.shape.rank not in (1, None):
            raise errors.ShapeError(f"TensorArray.split: lengths must be 1-D\n"
                                    f"  {errors.describe_tensor(lengths, 'lengths')}")
        rows = shape_of(value, out_type=lengths.dtype)[0]
        ok = logical_and(reduce_all(equal(lengths, lengths[:1])),
                         equal(reduce_sum(lengths), rows))
        check = Assert(ok, ["TensorArray.split: graphc's elements share one shape, so the "
                            "lengths must be equal and sum to the value's rows; lengths:",
                            lengths, "rows:", rows])
        k = shape_of(lengths, out_type=lengths.dtype)[:1]
        piece = reshape(reduce_sum(lengths[:1]), [1])   # lengths[0], 0 for no pieces
        with control_dependencies([check]):
            pieces = reshape(value, join.concat([k, piece, shape_of(value, out_type=
                                                                    lengths.dtype)[1:]], 0))
        return self.unstack(pieces, name=name)

    def read(self, index, name=None):
        """Element `index` (an error when out of range)."""
        return self._with_shape(gather(self._flow, convert_to_tensor(index, dtype=dtypes.int32)),
                                ())

    def gather(self, indices, name=None):
        """Elements `indices`, stacked."""
        indices = convert_to_tensor(indices, dtype=dtypes.int32)
        return self._with_shape(gather(self._flow, indices), indices.shape._dims or (None,))

    def stack(self, name=None):
        """All elements stacked: (size,) + element_shape. Unwritten elements are zeros
        when the element shape is known (else stacking an unwritten array raises)."""
        known = self._meta.element_shape.is_fully_defined()
        out = apply1(TENSOR_ARRAY_STACK, (self._flow,), name=name, known=known)
        lead = out.shape._dims[:1] if out.shape._dims is not None else (None,)
        return self._with_shape(out, lead)

    def concat(self, name=None):
        """The elements joined along their first dim: (size * d0,) + the rest."""
        s = self.stack()
        if s.shape.rank is not None and s.shape.rank < 2:
            raise errors.ShapeError("TensorArray.concat: the elements must have a rank "
                                    f"of at least 1, not {s.shape.rank - 1}")
        return reshape(s, join.concat([[-1], shape_of(s)[2:]], 0), name=name)

    def size(self, name=None):
        """The number of elements, an int32 scalar."""
        return shape_of(self._flow, out_type=dtypes.int32)[0]

    def identity(self):
        return self._next(self._flow)

    def close(self, name=None):
        """Nothing to release: the buffer is an ordinary value (TF1 frees a resource)."""
        from .core import no_op
        return no_op(name=name)

    def _with_shape(self, t, lead):
        elem = self._meta.element_shape
        if elem._dims is not None and t.shape._dims is None:
            t.set_shape(TensorShape(tuple(lead) + elem._dims))
        return t

    def __repr__(self):
        return (f"<gc.TensorArray dtype={self.dtype.name} element_shape="
                f"{self.element_shape} flow={self._flow.name}>")
