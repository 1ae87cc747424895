"""Parity of gc.io.export_tf_graph_def for the ops of tf_graphdef_export_more3.py that the
shared sample sweep cannot check: boolean_mask on inputs of unknown shape and its
gradients at other axes, CountUpTo's state, quantize -> dequantize chains, CTC loss
gradients and beam search paths, the sparse operands of set ops, a Generator's Philox
draws, and the refusals."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef_import import UnsupportedOpError
from tf_parity import close_values, tf, tf_graph_of, v1


def _run_in_tf(gd, fetches, feeds, times=1):
    with tf_graph_of(gd).as_default(), v1.Session() as s:
        return [s.run(fetches, feeds) for _ in range(times)]


def _both(build, *arrays, grad=True, shapes=None):
    """graphc's values (and gradients of sum(out^2) w.r.t. the float inputs) and TF's,
    from the exported graph."""
    with gc.Graph().as_default() as g:
        phs = [gc.placeholder(gc.as_dtype(a.dtype), a.shape if shapes is None else shapes[i],
                              name=f"in{i}") for i, a in enumerate(arrays)]
        outs = build(*phs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        if grad:
            wrt = [p for p in phs if p.dtype.is_floating]
            outs += gc.gradients(gc.add_n([gc.reduce_sum(o * o) for o in outs
                                           if o.dtype.is_floating]), wrt)
        with gc.Session() as s:
            want = s.run(outs, dict(zip(phs, arrays)))
        gd = gc.io.export_tf_graph_def(g)
    got = _run_in_tf(gd, [t.name for t in outs], {f"in{i}:0": a for i, a in enumerate(arrays)})
    return want, got[0]


_close = close_values


rng = np.random.default_rng(0)


# ---- boolean_mask ---------------------------------------------------------------------------
@pytest.mark.parametrize("axis,mask_shape", [(0, (2, 3)), (1, (3,)), (2, (4,)), (1, (3, 4))])
def test_boolean_mask_and_gradients(axis, mask_shape):
    x = rng.standard_normal((2, 3, 4, 2))
    m = rng.random(mask_shape) < 0.6
    _close(*_both(lambda a, b: gc.boolean_mask(a, b, axis=axis), x, m))


def test_boolean_mask_unknown_dims():
    """The collapsed shape comes from Shape at run time (tf.boolean_mask's reshape)."""
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    m = rng.random((3, 4)) < 0.5
    _close(*_both(gc.boolean_mask, x, m, shapes=[(None, None, 5), (None, None)]), rtol=1e-5)


def test_boolean_mask_second_order():
    """BooleanMaskGrad's own gradient is BooleanMask: both export."""
    x = rng.standard_normal((4, 3))
    m = np.array([True, False, True, True])

    def build(a, b):
        y = gc.boolean_mask(a * a * a, b)
        g, = gc.gradients(gc.reduce_sum(y * y), [a])
        return gc.gradients(gc.reduce_sum(g * g), [a])
    _close(*_both(build, x, m, grad=False), rtol=1e-6)


# ---- variables ------------------------------------------------------------------------------
def test_count_up_to_steps_and_limit():
    with gc.Graph().as_default() as g:
        v = gc.Variable(np.int64(3), name="counter")
        c = v.count_up_to(5)
        init = gc.global_variables_initializer()
        done = gc.is_variable_initialized(v)
        gd = gc.io.export_tf_graph_def(g)
    tg = tf_graph_of(gd)
    with tg.as_default():
        with v1.Session() as s:
            assert not s.run(done.name)
            s.run(tg.get_operation_by_name(init.name))
            assert s.run(done.name)
            assert [s.run(c.name) for _ in range(2)] == [3, 4]
            with pytest.raises(tf.errors.OutOfRangeError):
                s.run(c.name)


# ---- quantization ---------------------------------------------------------------------------
# (not quint8 MIN_FIRST: x86 TF runs a oneDNN kernel for it whose rounding differs from
# TF's reference kernel, which graphc follows, by one quantum; tests/test_tf_parity_quant.py)
@pytest.mark.parametrize("T,mode,axis", [("qint8", "MIN_COMBINED", None),
                                         ("qint8", "MIN_FIRST", None),
                                         ("qint8", "SCALED", None),
                                         ("quint16", "MIN_COMBINED", None),
                                         ("qint8", "SCALED", 1)])
def test_quantize_dequantize_chain(T, mode, axis):
    x = rng.uniform(-2, 3, (3, 4)).astype(np.float32)
    lo, hi = (np.float32([-1, -2, 0, -0.5]), np.float32([2, 1, 3, 0.5])) if axis else \
        (np.float32(-1.5), np.float32(2.5))

    def build(a, b, c):
        kw = {} if axis is None else {"axis": axis}
        q, qlo, qhi = gc.quantize(a, b, c, getattr(gc, T), mode=mode, **kw)
        return [q, qlo, qhi, gc.dequantize(q, qlo, qhi, mode=mode, **kw)]
    _close(*_both(build, x, lo, hi, grad=False), rtol=1e-6)


# ---- CTC ------------------------------------------------------------------------------------
IDX = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], np.int64)
VALS = np.array([1, 2, 0, 0, 1], np.int32)


def test_ctc_loss_gradient():
    """graphc's vjp scales CTCLoss's second output: TF's same output."""
    x = rng.standard_normal((6, 2, 4))
    lens = np.array([6, 5], np.int32)
    _close(*_both(lambda a, s: gc.nn.ctc_loss(gc.SparseTensor(IDX, VALS, [2, 3]), a, s),
                  x, lens), rtol=1e-5, atol=1e-7)


def test_ctc_loss_v2_refused():
    with gc.Graph().as_default() as g:
        gc.nn.ctc_loss_v2(gc.constant([[1, 2], [1, 0]]), gc.placeholder(gc.float32, (5, 2, 4)),
                          [2, 1], [5, 5], blank_index=0)
        with pytest.raises(UnsupportedOpError, match="ctc_loss_v2's dense semantics"):
            gc.io.export_tf_graph_def(g)


@pytest.mark.parametrize("top_paths", [1, 3])
def test_ctc_beam_search_paths_in_graphc_order(top_paths):
    x = rng.standard_normal((5, 2, 4)).astype(np.float32)
    lens = np.array([5, 4], np.int32)

    def build(a, s):
        decoded, log_p = gc.nn.ctc_beam_search_decoder(a, s, beam_width=8,
                                                       top_paths=top_paths)
        return [t for d in decoded for t in (d.indices, d.values, d.dense_shape)] + [log_p]
    _close(*_both(build, x, lens, grad=False), rtol=1e-5, atol=1e-5)


def test_ctc_greedy_blank_zero():
    x = rng.standard_normal((6, 3, 5))
    lens = np.array([6, 3, 5], np.int32)

    def build(a, s):
        (d,), log_p = gc.nn.ctc_greedy_decoder(a, s, blank_index=0)
        return [d.indices, d.values, d.dense_shape, log_p]
    _close(*_both(build, x, lens, grad=False))


# ---- sets -----------------------------------------------------------------------------------
A = np.array([[1, 2, 3, 0], [4, 5, 5, 6]], np.int64)
B = np.array([[2, 7, 1], [6, 8, 9]], np.int64)


@pytest.mark.parametrize("op", ["intersection", "union", "a-b", "b-a"])
@pytest.mark.parametrize("kinds", ["dense-sparse", "sparse-dense", "sparse-sparse"])
def test_set_operation_sparse_operands(op, kinds):
    def build(a, b):
        a = gc.sparse.from_dense(a) if kinds.startswith("sparse") else a
        b = gc.sparse.from_dense(b) if kinds.endswith("sparse") else b
        if op in ("intersection", "union"):
            r = getattr(gc.sets, op)(a, b)
        else:
            r = gc.sets.difference(a, b, aminusb=op == "a-b")
        return [r.indices, r.values, r.dense_shape, gc.sets.size(r)]
    _close(*_both(build, A, B, grad=False))


# ---- a Generator's draws ---------------------------------------------------------------------
def test_generator_draws_are_tf_streams():
    with gc.Graph().as_default() as g:
        key, counter = gc.constant([7], gc.uint64), gc.constant([3, 0], gc.uint64)
        from graphc.ops import random_generator_ops as R
        from graphc.ops.registry import apply1
        shape = gc.constant([3, 5])
        outs = [apply1(R.UNIFORM_V2, (shape, key, counter), dtype=gc.float64, alg=1),
                apply1(R.NORMAL_V2, (shape, key, counter), dtype=gc.float32, alg=3),
                apply1(R.INT_V2, (shape, key, counter, gc.constant(-4), gc.constant(9)),
                       dtype=gc.int32, alg=1)]
        with gc.Session() as s:
            want = s.run(outs)
        gd = gc.io.export_tf_graph_def(g)
    _close(want, _run_in_tf(gd, [t.name for t in outs], {})[0], rtol=1e-6)


def test_generator_threefry_refused():
    with gc.Graph().as_default() as g:
        from graphc.ops import random_generator_ops as R
        from graphc.ops.registry import apply1
        apply1(R.UNIFORM_V2, (gc.constant([2]), gc.constant([1], gc.uint64),
                              gc.constant([0, 0], gc.uint64)), dtype=gc.float32, alg=2)
        with pytest.raises(UnsupportedOpError, match="ThreeFry"):
            gc.io.export_tf_graph_def(g)


# ---- scans ----------------------------------------------------------------------------------
def test_cumulative_logsumexp_float32_gradient():
    x = rng.standard_normal((3, 5)).astype(np.float32)
    _close(*_both(lambda a: gc.math.cumulative_logsumexp(a, axis=1, exclusive=True), x),
           rtol=1e-5, atol=1e-5)


# ---- priority 2: images, fractional pooling, random, initialized_value -------------------------
def test_initialized_value_before_and_after_init():
    with gc.Graph().as_default() as g:
        v = gc.Variable(np.float32([1.0, 2.0]), name="v")
        iv = v.initialized_value()
        bump = v.assign_add([10.0, 10.0])
        init = gc.global_variables_initializer()
        gd = gc.io.export_tf_graph_def(g)
    tg = tf_graph_of(gd)
    with tg.as_default():
        with v1.Session() as s:
            np.testing.assert_array_equal(s.run(iv.name), [1, 2])     # not initialized
            s.run(tg.get_operation_by_name(init.name))
            s.run(bump.name)
            np.testing.assert_array_equal(s.run(iv.name), [11, 12])   # the variable's


def test_extract_glimpse_inside_the_image():
    """The window's pixels inside the image are TF's; the noise outside is random."""
    img = rng.standard_normal((2, 6, 7, 2)).astype(np.float32)
    off = np.float32([[0.3, -0.8], [-0.55, 0.45]])
    for centered, normalized in [(True, True), (False, False), (True, False)]:
        o = off if normalized else off * 3 + (0 if centered else 3)
        want, got = _both(lambda x: gc.image.extract_glimpse(
            x, [3, 4], o, centered=centered, normalized=normalized), img, grad=False)
        inside = np.isin(want[0], img)
        assert inside.sum() > 0
        np.testing.assert_array_equal(got[0][inside], want[0][inside])


@pytest.mark.parametrize("pool", ["fractional_max_pool", "fractional_avg_pool"])
def test_fractional_pool_seeded_sequences_and_gradient(pool):
    x = rng.standard_normal((2, 9, 8, 3))
    _close(*_both(lambda a: list(getattr(gc.nn, pool)(
        a, [1.0, 1.5, 1.4, 1.0], pseudo_random=True, overlapping=pool.endswith("avg_pool"),
        deterministic=True, seed=7, seed2=11)), x), rtol=1e-6)


def test_random_poisson_and_sample_box_seeded_shapes_and_ranges():
    """Seeded like TF's ops, but not TF's streams: shapes, dtypes, ranges and means."""
    with gc.Graph().as_default() as g:
        p = gc.random_poisson([3.0, 50.0], [4000], dtype=gc.float32, seed=5)
        begin, size, box = gc.image.sample_distorted_bounding_box(
            [40, 50, 3], gc.constant([[[0.1, 0.2, 0.6, 0.7]]]), seed=3, seed2=4,
            min_object_covered=0.3)
        gd = gc.io.export_tf_graph_def(g)
    pv, b, s_, bx = _run_in_tf(gd, [p.name, begin.name, size.name, box.name], {})[0]
    assert pv.shape == (4000, 2) and pv.dtype == np.float32
    np.testing.assert_allclose(pv.mean(0), [3.0, 50.0], rtol=0.05)
    assert b.dtype == np.int32 and (b >= 0).all() and (b + s_ <= [40, 50, 3]).all()
    assert bx.shape == (1, 1, 4) and ((bx >= 0) & (bx <= 1)).all()


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
def test_matrix_exponential_squarings_unknown_batch(dtype):
    """graphc's algorithm in TF ops: each matrix squared its own number of times in the
    TF1 while loop (norms from 0.01 to ~300), the batch dims unknown."""
    x = rng.standard_normal((3, 2, 4, 4)) * np.array([0.01, 1.0, 60.0])[:, None, None, None]
    if dtype == np.complex128:
        x = x + 1j * rng.standard_normal(x.shape)
    x = x.astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-11
    _close(*_both(gc.linalg.expm, x, grad=False, shapes=[(None, None, 4, 4)]), rtol=tol,
           atol=0)
