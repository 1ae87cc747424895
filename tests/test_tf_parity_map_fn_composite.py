"""map_fn with RaggedTensor / SparseTensor elements and results, and tf.function with
SparseTensorSpec / RaggedTensorSpec signatures, against TF's tf.compat.v1 graph mode:
values, static and run-time shapes, gradients through ragged flat_values, and errors."""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc

V = np.array([1., 2., 3., 4., 5., 6.], np.float32)
LENGTHS = np.array([2, 0, 4], np.int64)


def _shape(s):
    return None if s.rank is None else list(s.as_list())


def _static(x):
    """The static shapes of a tensor, or of a composite and each of its parts."""
    if hasattr(x, "nested_row_splits"):
        return ("ragged", _shape(x.shape), _shape(x.flat_values.shape),
                [_shape(s.shape) for s in x.nested_row_splits])
    if hasattr(x, "dense_shape"):
        return ("sparse", _shape(x.shape), _shape(x.indices.shape), _shape(x.values.shape),
                _shape(x.dense_shape.shape))
    return _shape(x.shape)


def _value(v):
    """A fetched value as plain arrays: a ragged one's flat_values and row_splits, a
    sparse one's indices, values and dense_shape."""
    if hasattr(v, "nested_row_splits"):
        return ["ragged", np.asarray(v.flat_values)] + [np.asarray(s)
                                                        for s in v.nested_row_splits]
    if hasattr(v, "dense_shape"):
        return ["sparse", np.asarray(v.indices), np.asarray(v.values),
                np.asarray(v.dense_shape)]
    return [np.asarray(v)]


def _run(m, build):
    """build(m) -> (outputs {name: tensor or composite}, loss or None, xs, feed) in a
    new graph: (static shapes, fetched values, gradients of loss w.r.t. xs)."""
    with m.Graph().as_default():
        outs, loss, xs, feed = build(m)
        grads = [] if loss is None else m.gradients(loss, xs)
        grads = [g if g is None else m.convert_to_tensor(g) for g in grads]
        static = {k: _static(v) for k, v in outs.items()}
        with m.Session() as s:
            values, gvals = s.run(
                (outs, [g for g in grads if g is not None]), feed(m) if callable(feed)
                else feed)
    it = iter(gvals)
    return static, values, [None if g is None else next(it) for g in grads]


def _same(build, rtol=1e-6):
    ours, theirs = _run(gc, build), _run(v1, build)
    assert ours[0] == theirs[0], f"static shapes: {ours[0]} vs TF's {theirs[0]}"
    assert sorted(ours[1]) == sorted(theirs[1])
    for k in theirs[1]:
        a, b = _value(ours[1][k]), _value(theirs[1][k])
        assert len(a) == len(b), k
        if isinstance(b[0], str):
            assert a[0] == b[0], k
            a, b = a[1:], b[1:]
        for x, y in zip(a, b):
            assert x.dtype == y.dtype, f"{k}: {x.dtype} vs TF's {y.dtype}"
            assert x.shape == y.shape, f"{k}: {x.shape} vs TF's {y.shape}"
            np.testing.assert_allclose(x, y, rtol=rtol, err_msg=k)
    assert len(ours[2]) == len(theirs[2])
    for a, b in zip(ours[2], theirs[2]):
        assert (a is None) == (b is None), (a, b)
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=rtol)


def _ragged(m, v_dtype=None):
    v = m.placeholder(m.float32, [None])
    lengths = m.placeholder(m.int64, [None])
    return v, lengths, m.RaggedTensor.from_row_lengths(v, lengths)


# ---- ragged results --------------------------------------------------------------------------
def test_dense_elems_give_ragged_rows():
    def build(m):
        e = m.constant([3, 5, 0, 2])
        ep = m.placeholder(m.int32, [None])
        x = m.placeholder(m.float32, [None])
        n = m.placeholder(m.int32, [None])
        spec = m.RaggedTensorSpec([None], m.int32)
        outs = {
            "range": m.map_fn(m.range, e, fn_output_signature=spec),
            "range_fed": m.map_fn(m.range, ep, fn_output_signature=spec),
            "splits32": m.map_fn(m.range, e, fn_output_signature=m.RaggedTensorSpec(
                [None], m.int32, row_splits_dtype=m.int32)),
            "rows": m.map_fn(lambda a: m.fill(m.stack([a[1], 3]), a[0]) * a[0], (x, n),
                             fn_output_signature=m.RaggedTensorSpec([None, 3], m.float32,
                                                                    ragged_rank=0)),
            "any_inner": m.map_fn(lambda a: m.fill(m.stack([a[1], 2]), a[0]), (x, n),
                                  fn_output_signature=m.RaggedTensorSpec(
                                      [None, None], m.float32, ragged_rank=0)),
            "no_shape": m.map_fn(lambda a: m.fill(m.stack([a[1], 2]), a[0]), (x, n),
                                 fn_output_signature=m.RaggedTensorSpec(
                                     None, m.float32, ragged_rank=0)),
            "said_uniform": m.map_fn(m.range, e, fn_output_signature=m.RaggedTensorSpec(
                [2], m.int32)),       # a wrong static row length: TF does not check it
        }
        rows = outs["rows"].flat_values
        loss = m.reduce_sum(rows * rows * m.range(1., 10., 0.5)[:1]) + m.reduce_sum(
            outs["any_inner"].flat_values * 3.)
        feed = {ep: [2, 0, 1], x: [1.5, -2., 0.5], n: [2, 0, 3]}
        return outs, loss, [x], feed
    _same(build)


def test_fn_giving_ragged_tensors():
    def build(m):
        e = m.placeholder(m.int32, [None])
        x = m.placeholder(m.float32, [None])

        def fn(a):
            k = m.cast(a[1], m.int64)
            vals = m.fill(m.stack([2 * a[1]]), a[0]) * m.cast(m.range(2 * a[1]), m.float32)
            return m.RaggedTensor.from_row_lengths(vals, m.fill(m.stack([a[1]]), k * 0 + 2))
        r = m.map_fn(fn, (x, e), fn_output_signature=m.RaggedTensorSpec(
            [None, None], m.float32, ragged_rank=1))
        loss = m.reduce_sum(m.sin(r.flat_values))
        return {"r": r}, loss, [x], {e: [3, 2, 0, 2], x: [1., -2., 3., 0.5]}
    _same(build)


def test_ragged_elems():
    def build(m):
        v, lengths, rt = _ragged(m)
        outs = {
            "squares": m.map_fn(lambda r: r * r, rt),          # no signature: ragged
            "sums": m.map_fn(m.reduce_sum, rt, fn_output_signature=m.float32),
            "pairs": m.map_fn(lambda r: m.stack([m.reduce_sum(r), m.cast(m.size(r),
                                                                        m.float32)]),
                              rt, dtype=m.float32),
            "mixed": m.map_fn(lambda a: a[0] * a[1], (rt, m.constant([1., 2., 3.])),
                              fn_output_signature=m.RaggedTensorSpec([None], m.float32)),
        }
        loss = m.reduce_sum(outs["squares"].flat_values * m.range(6.)) + m.reduce_sum(
            outs["sums"] ** 2) + m.reduce_sum(outs["pairs"]) + m.reduce_sum(
            m.exp(outs["mixed"].flat_values))
        return outs, loss, [v], {v: V, lengths: LENGTHS}
    _same(build)


def test_ragged_rank_2_elems():
    def build(m):
        v = m.placeholder(m.float32, [None])
        outer = m.placeholder(m.int64, [None])
        inner = m.placeholder(m.int64, [None])
        rt = m.RaggedTensor.from_nested_row_lengths(v, [outer, inner])
        outs = {"same": m.map_fn(lambda r: r * 2., rt),
                "sums": m.map_fn(lambda r: m.reduce_sum(r.flat_values), rt,
                                 fn_output_signature=m.float32)}
        loss = m.reduce_sum(outs["same"].flat_values ** 2) + m.reduce_sum(outs["sums"])
        return outs, loss, [v], {v: V, outer: [2, 1, 0], inner: [1, 2, 3]}
    _same(build)


def test_rows_fn_gets_of_ragged_elems():
    def seen(m):
        got = []

        def fn(r):
            got.append(_static(r))
            return m.reduce_sum(r.flat_values if hasattr(r, "flat_values") else r)
        with m.Graph().as_default():
            v = m.placeholder(m.float32, [None, 2])
            outer = m.placeholder(m.int64, [None])
            inner = m.placeholder(m.int64, [None])
            for rt in (m.RaggedTensor.from_row_lengths(v, outer),
                       m.RaggedTensor.from_nested_row_lengths(v, [outer, inner]),
                       m.RaggedTensor.from_row_lengths(m.zeros([6, 3]),
                                                       m.constant([2, 0, 4], m.int64))):
                m.map_fn(fn, rt, fn_output_signature=m.float32)
        return got
    assert seen(gc) == seen(v1)


def test_no_rows():
    def build(m):
        e = m.zeros([0], m.int32)
        x = m.zeros([0])
        outs = {"range": m.map_fn(m.range, e, fn_output_signature=m.RaggedTensorSpec(
                    [None], m.int32)),
                "fill": m.map_fn(lambda a: m.fill(m.stack([m.cast(a, m.int32)]), a), x,
                                 fn_output_signature=m.RaggedTensorSpec([None], m.float32))}
        return outs, None, [], {}
    _same(build)


# ---- SparseTensor elements and results -------------------------------------------------------
def _sparse_feed(m, sp):
    return {sp: m.SparseTensorValue([[0, 2], [1, 1], [1, 3], [3, 0]],
                                    np.array([1., 2., 3., 4.], np.float32), [4, 5])}


def test_sparse_elems():
    seen = {}

    def build(m):
        sp = m.sparse_placeholder(m.float32, [None, 5])

        def rows(s):
            seen[m] = _static(s)
            return s
        outs = {"sums": m.map_fn(m.sparse.reduce_sum, sp, fn_output_signature=m.float32),
                "rows": m.map_fn(rows, sp),                    # no signature: sparse
                "dense": m.map_fn(lambda s: m.sparse.to_dense(s, validate_indices=False),
                                  sp, fn_output_signature=m.float32)}
        return outs, None, [], lambda m: _sparse_feed(m, sp)
    _same(build)
    assert seen[gc] == seen[v1]


def test_sparse_results():
    def build(m):
        e = m.constant([2, 3])
        x = m.placeholder(m.float32, [None])

        def pairs(a):               # indices out of order, dense shapes that differ
            return m.SparseTensor([[1, 0], [0, 1]], m.stack([a * a, 1.]),
                                  m.stack([m.cast(a, m.int64) + 1, 2]))
        outs = {"eye": m.map_fn(lambda n: m.sparse.eye(n), e,
                                fn_output_signature=m.SparseTensorSpec([None, None],
                                                                      m.float32)),
                "any": m.map_fn(lambda n: m.sparse.eye(n), e,
                                fn_output_signature=m.SparseTensorSpec(None, m.float32)),
                "pairs": m.map_fn(pairs, x, fn_output_signature=m.SparseTensorSpec(
                    [None, 2], m.float32))}
        return outs, None, [], {x: [1., 2., 3.]}
    _same(build)


def test_nested_dense_ragged_and_sparse():
    def build(m):
        v, lengths, rt = _ragged(m)
        x = m.placeholder(m.float32, [3, 2])

        def fn(e):
            d, r = e["d"], e["r"]
            return {"a": m.reduce_sum(d) + m.reduce_sum(r),
                    "b": (r * d[0], m.SparseTensor([[1]], [7.], [4])),
                    "c": m.reduce_max(d)}
        sig = {"a": m.float32, "b": (m.RaggedTensorSpec([None], m.float32),
                                     m.SparseTensorSpec([4], m.float32)), "c": m.float32}
        out = m.map_fn(fn, {"d": x, "r": rt}, fn_output_signature=sig)
        outs = {"a": out["a"], "b0": out["b"][0], "b1": out["b"][1], "c": out["c"]}
        loss = m.reduce_sum(out["a"] ** 2) + m.reduce_sum(m.tanh(out["b"][0].flat_values))
        return outs, loss, [v, x], {v: V, lengths: LENGTHS,
                                    x: np.arange(6, dtype=np.float32).reshape(3, 2)}
    _same(build)


def test_nested_sparse_elems():
    """(Values only: TF cannot differentiate anything through a map_fn over a
    SparseTensor, its SerializeManySparse having no gradient; graphc can, except the
    sparse values.)"""
    def build(m):
        v, lengths, rt = _ragged(m)
        sp = m.SparseTensor([[0, 1], [2, 0], [2, 3]], [1., 2., 3.], [3, 4])

        def fn(e):
            return (m.sparse.reduce_sum(e[1]["s"]) * m.reduce_sum(e[0]),
                    [e[1]["s"], e[0] + m.sparse.reduce_sum(e[1]["s"])])
        out = m.map_fn(fn, (rt, {"s": sp}), fn_output_signature=(
            m.float32, [m.SparseTensorSpec([4], m.float32), m.RaggedTensorSpec([None],
                                                                              m.float32)]))
        return {"a": out[0], "s": out[1][0], "r": out[1][1]}, None, [], {v: V,
                                                                         lengths: LENGTHS}
    _same(build)


@pytest.mark.parametrize("which", ["dense", "ragged", "both"])
def test_gradient_through_one_result(which):
    """A loss that reads only some of a map_fn's results (the others get zeros)."""
    def build(m):
        x = m.placeholder(m.float32, [None])
        n = m.placeholder(m.int32, [None])
        d, r = m.map_fn(lambda a: (a[0] ** 3, m.fill(m.stack([a[1]]), a[0]) * a[0]), (x, n),
                        fn_output_signature=(m.float32, m.RaggedTensorSpec([None],
                                                                           m.float32)))
        parts = {"dense": m.reduce_sum(d), "ragged": m.reduce_sum(r.flat_values ** 2)}
        loss = parts["dense"] + parts["ragged"] if which == "both" else parts[which]
        return {"d": d, "r": r}, loss, [x], {x: [1., -2., 0.5], n: [2, 0, 3]}
    _same(build)


def test_back_prop_false():
    def build(m):
        x = m.placeholder(m.float32, [None])
        r = m.map_fn(lambda a: m.fill([2], a) * a, x, back_prop=False,
                     fn_output_signature=m.RaggedTensorSpec([None], m.float32))
        return {"r": r}, m.reduce_sum(r.flat_values), [x], {x: [1., 2.]}
    _same(build)


# ---- errors ------------------------------------------------------------------------------------
def _raises(m, make, types_):
    with m.Graph().as_default():
        with pytest.raises(types_) as info:
            make(m)
    return str(info.value)


def test_build_errors():
    e = lambda m: m.constant([1, 2])              # noqa: E731
    cases = [   # (make, exception types, text both messages hold)
        (lambda m: m.map_fn(m.range, e(m), fn_output_signature=m.RaggedTensorSpec(
            [None], m.float32)), ValueError, "Error in map_fn:\n  Expected `fn` to return a:"),
        (lambda m: m.map_fn(lambda x: m.range(x), e(m), fn_output_signature=m.SparseTensorSpec(
            [None], m.int32)), ValueError, "To fix, update the `fn_output_signature`"),
        (lambda m: m.map_fn(lambda x: x, e(m), fn_output_signature=m.IndexedSlicesSpec()),
         TypeError, "map_fn can not generate"),
        (lambda m: m.map_fn(lambda x: m.range(x), e(m), fn_output_signature=(
            m.int32, m.RaggedTensorSpec([None], m.int32))), (TypeError, ValueError),
         "same nested structure"),
        (lambda m: m.map_fn(lambda r: m.reduce_sum(r), m.RaggedTensor.from_row_lengths(
            [1., 2.], [1, 1])), ValueError, ""),
    ]
    for make, types_, text in cases:
        for m in (gc, v1):
            assert text in _raises(m, make, types_)


def test_run_errors():
    def inner(m):               # rows whose inner dims differ
        return m.map_fn(lambda x: m.fill(m.stack([x, x]), 1.0), m.constant([1, 2]),
                        fn_output_signature=m.RaggedTensorSpec([None, None], m.float32,
                                                               ragged_rank=0))

    def ranks(m):               # sparse results of different ranks
        return m.map_fn(lambda x: m.SparseTensor(m.zeros(m.stack([1, x]), m.int64), [1.],
                                                 m.fill(m.stack([x]), m.constant(3, m.int64))),
                        m.constant([1, 2]), fn_output_signature=m.SparseTensorSpec(
                            None, m.float32))

    def empty(m):               # no sparse result at all
        return m.map_fn(lambda x: m.sparse.eye(x), m.zeros([0], m.int32),
                        fn_output_signature=m.SparseTensorSpec([None, None], m.float32))
    for make, text in ((inner, "All flat_values must have compatible shapes.  Shape at index "
                               "0: [1].  Shape at index 1: [2]."),
                       (ranks, "Inconsistent shape across SparseTensors: rank prior to "
                               "SparseTensor[1] was: 1 but rank of SparseTensor[1] is: 2"),
                       (empty, "Serialized sparse should have at least 1 serialized tensor")):
        for m, err in ((gc, gc.errors.InvalidArgumentError),
                       (v1, tf.errors.InvalidArgumentError)):
            with m.Graph().as_default():
                out = make(m)
                with m.Session() as s, pytest.raises(err) as info:
                    s.run(out)
            assert text in str(info.value), (m, str(info.value))


def test_sparse_values_have_no_gradient():
    """TF's DeserializeSparse has no gradient: differentiating the values of sparse elems
    or results fails when the gradient is built (TF: LookupError; graphc: GradientError,
    as for the other ops TF has no gradient for)."""
    def elems(m, x):
        sp = m.SparseTensor([[0, 0], [2, 1]], x, [3, 2])
        return m.map_fn(m.sparse.reduce_sum, sp, fn_output_signature=m.float32)

    def results(m, x):
        return m.map_fn(lambda a: m.SparseTensor([[0]], m.reshape(a, [1]), [1]), x,
                        fn_output_signature=m.SparseTensorSpec([1], m.float32)).values
    for make in (elems, results):
        for m, err in ((gc, gc.errors.GradientError), (v1, LookupError)):
            with m.Graph().as_default():
                x = m.placeholder(m.float32, [2])
                out = make(m, x)
                with pytest.raises(err):
                    m.gradients(m.reduce_sum(out), x)


# ---- tf.function with composite specs ------------------------------------------------------
def _signature(m):
    return [m.SparseTensorSpec([None, 5], m.float32), m.RaggedTensorSpec([None, None], m.float32)]


def _function(m, seen):
    def f(sp, rt):
        seen.append((_static(sp), _static(rt)))
        return m.reduce_sum(sp.values * 3.), rt * 2.0, sp
    return m.function(f, input_signature=_signature(m))


def test_function_with_sparse_and_ragged_signature():
    def build(m):
        seen = []
        f = _function(m, seen)
        sp = m.sparse_placeholder(m.float32, [None, 5])
        v, lengths, rt = _ragged(m)
        total, doubled, same = f(sp, rt)
        again = f(m.SparseTensor([[0, 1]], [7.], [2, 5]), rt)       # a second call
        outs = {"total": total, "doubled": doubled, "same": same, "again": again[0]}
        build.seen[m] = seen
        loss = m.reduce_sum(doubled.flat_values ** 2)
        feed = _sparse_feed(m, sp)
        feed.update({v: V, lengths: LENGTHS})
        return outs, loss, [v], feed
    build.seen = {}
    _same(build)        # (graphc traces every call, TF once: the first trace's shapes)
    assert build.seen[gc][0] == build.seen[v1][0]


def test_function_on_composites_without_signature():
    def build(m):
        f = m.function(lambda sp, rt: (m.sparse.reduce_sum(sp), rt.row_lengths(),
                                       m.RaggedTensor.from_row_lengths(sp.values,
                                                                       [1, 0, 2])))
        v, lengths, rt = _ragged(m)
        total, lens, made = f(m.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 2., 3.], [2, 3]),
                              rt)
        return {"total": total, "lens": lens, "made": made}, None, [], {v: V,
                                                                       lengths: LENGTHS}
    _same(build)


def _concrete(m):
    with m.Graph().as_default():
        cf = _function(m, []).get_concrete_function()
        names = [t.name.rsplit("/", 1)[-1].split(":")[0] for t in cf.inputs]
        sig = [(type(s).__name__, _shape(s.shape), s.dtype.name)
               for s in cf.structured_input_signature[0]]
        shapes = [[_shape(x) for x in s] if isinstance(s, list) else _shape(s)
                  for s in cf.output_shapes]
        dtypes = [[d.name for d in x] if isinstance(x, list) else x.name
                  for x in cf.output_dtypes]
        kinds = [type(x).__name__.replace("Symbolic", "") for x in cf.structured_outputs]
        out = cf(m.SparseTensor([[0, 1], [2, 4]], [1., 2.], [3, 5]),
                 m.RaggedTensor.from_row_splits([1., 2., 3.], m.constant([0, 1, 3], m.int64)))
        with m.Session() as s:
            values = [x for v in s.run(out) for x in _value(v)]
        return names, sig, shapes, dtypes, kinds, len(cf.outputs), values


def test_concrete_function_of_composite_specs():
    ours, theirs = _concrete(gc), _concrete(v1)
    assert ours[:6] == theirs[:6]
    assert len(ours[6]) == len(theirs[6])
    for a, b in zip(ours[6], theirs[6]):
        np.testing.assert_array_equal(a, b)


def _binding_errors(m):
    got = []
    with m.Graph().as_default():
        f = _function(m, [])
        sp = m.SparseTensor([[0, 1]], [1.], [3, 5])
        rt = m.RaggedTensor.from_row_lengths(m.constant([1., 2., 3.]),
                                             m.constant([2, 0, 1], m.int64))
        bad = [(m.SparseTensor([[0, 1]], [1], [3, 5]), rt),
               (sp, m.RaggedTensor.from_row_lengths(m.constant([1., 2., 3.]),
                                                    m.constant([2, 0, 1], m.int32))),
               (m.zeros([3, 5]), rt),
               (sp, m.zeros([3, 2])),
               (sp, m.RaggedTensor.from_nested_row_lengths(
                   m.constant([1., 2., 3.]), [m.constant([1, 1], m.int64),
                                              m.constant([2, 1], m.int64)]))]
        for args in bad:
            with pytest.raises(TypeError) as info:
                f(*args)
            why = str(info.value).split("`")[1]
            got.append(why.replace("SymbolicTensor", "Tensor").split("\n")[0])
        f(m.SparseTensor([[0, 1]], [1.], [3, 4]), rt)   # TF checks no dense shape
        f(m.SparseTensorValue([[0, 1]], [1.], [3, 5]), rt)
    return got


def test_function_binding_errors():
    assert _binding_errors(gc) == _binding_errors(v1)


def test_function_effects_run_with_composite_results():
    def build(m):
        counter = m.Variable(0.)

        @m.function
        def f(x):
            m.assign_add(counter, 1.)
            return m.SparseTensor([[0]], m.reshape(x, [1]), [2]), \
                m.RaggedTensor.from_row_lengths(m.stack([x, x]), [2])
        x = m.placeholder(m.float32, [])
        sp, rt = f(x)
        return {"sp": sp, "rt": rt}, counter, x

    for m in (gc, v1):
        with m.Graph().as_default():
            outs, counter, x = build(m)
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                s.run(outs["sp"], {x: 2.})
                s.run(outs["rt"], {x: 3.})
                assert s.run(counter) == 2.0, m
