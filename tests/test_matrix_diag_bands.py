"""Diagonals k = (lo, hi) of matrix_diag, matrix_diag_part and matrix_set_diag (TF's
MatrixDiagV3, MatrixDiagPartV3, MatrixSetDiagV3): values against TensorFlow 2.21's
(hard-coded below, computed with tf.compat.v1.linalg.diag / diag_part / set_diag),
static shapes, unknown dims fed at several shapes, gradients against finite
differences, and the build- and run-time errors. tests/samples_linalg_more.py holds the
registry-wide samples of the three ops and the loop references used here."""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, InvalidArgumentError, ShapeError
from graphc.testing import check_jvp, check_vjp
from helpers import raises, run
from samples_linalg_more import diag_part_ref, diag_ref, set_diag_ref


def _seq(*shape, dtype=np.float64):
    return np.arange(1, int(np.prod(shape)) + 1).reshape(shape).astype(dtype)


X = _seq(2, 3, 4)
TALL = _seq(5, 3)
SEVENS = np.full((2, 3, 4), 7.0)
TZ = np.zeros((5, 3))

# (diagonal shape, keywords, TF's output); the diagonal is _seq(shape)
DIAG = [
    ((2, 4, 3), {'k': (-1, 2)},
     [[[7, 5, 3], [10, 8, 6], [0, 11, 9]], [[19, 17, 15], [22, 20, 18], [0, 23, 21]]]),
    ((2, 4, 3), {'align': 'LEFT_RIGHT', 'k': (-1, 2)},
     [[[7, 4, 1], [11, 8, 5], [0, 12, 9]], [[19, 16, 13], [23, 20, 17], [0, 24, 21]]]),
    ((2, 4, 3), {'align': 'LEFT_LEFT', 'k': (-1, 2)},
     [[[7, 4, 1], [10, 8, 5], [0, 11, 9]], [[19, 16, 13], [22, 20, 17], [0, 23, 21]]]),
    ((2, 4, 3), {'align': 'RIGHT_RIGHT', 'k': (-1, 2)},
     [[[7, 5, 3], [11, 8, 6], [0, 12, 9]], [[19, 17, 15], [23, 20, 18], [0, 24, 21]]]),
    ((3,), {'k': 1, 'num_rows': 5},
     [[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 3], [0, 0, 0, 0], [0, 0, 0, 0]]),
    ((3,), {'k': -1, 'num_cols': 6},
     [[0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0], [0, 2, 0, 0, 0, 0], [0, 0, 3, 0, 0, 0]]),
    ((2, 2), {'align': 'LEFT_LEFT', 'k': (-2, -1), 'num_rows': 6, 'padding_value': 9},
     [[9, 9], [1, 9], [3, 2], [9, 4], [9, 9], [9, 9]]),
    ((3, 2), {'align': 'RIGHT_RIGHT', 'k': (0, 2), 'num_cols': 7, 'padding_value': -1},
     [[5, 3, 1, -1, -1, -1, -1], [-1, 6, 4, 2, -1, -1, -1]]),
    ((2,), {'k': 0, 'num_rows': 4}, [[1, 0], [0, 2], [0, 0], [0, 0]]),
    ((2, 2), {'k': 0, 'padding_value': 5}, [[[1, 5], [5, 2]], [[3, 5], [5, 4]]]),
    ((2, 2, 3), {'k': (1, 2), 'num_cols': 4, 'num_rows': 5},
     [[[0, 4, 2, 0], [0, 0, 5, 3], [0, 0, 0, 6], [0, 0, 0, 0], [0, 0, 0, 0]],
      [[0, 10, 8, 0], [0, 0, 11, 9], [0, 0, 0, 12], [0, 0, 0, 0], [0, 0, 0, 0]]]),
    ((4, 1), {'k': (-3, 0)}, [[1]]),
]

# (input, keywords, TF's output)
PART = [
    (X, {'k': 1}, [[2, 7, 12], [14, 19, 24]]),
    (X, {'k': (-1, 2)},
     [[[0, 3, 8], [2, 7, 12], [1, 6, 11], [5, 10, 0]],
      [[0, 15, 20], [14, 19, 24], [13, 18, 23], [17, 22, 0]]]),
    (X, {'align': 'LEFT_RIGHT', 'k': (-1, 2)},
     [[[3, 8, 0], [2, 7, 12], [1, 6, 11], [0, 5, 10]],
      [[15, 20, 0], [14, 19, 24], [13, 18, 23], [0, 17, 22]]]),
    (X, {'align': 'LEFT_LEFT', 'k': (-1, 2)},
     [[[3, 8, 0], [2, 7, 12], [1, 6, 11], [5, 10, 0]],
      [[15, 20, 0], [14, 19, 24], [13, 18, 23], [17, 22, 0]]]),
    (X, {'align': 'RIGHT_RIGHT', 'k': (-1, 2)},
     [[[0, 3, 8], [2, 7, 12], [1, 6, 11], [0, 5, 10]],
      [[0, 15, 20], [14, 19, 24], [13, 18, 23], [0, 17, 22]]]),
    (X, {'k': (-2, -1)}, [[[5, 10], [9, 0]], [[17, 22], [21, 0]]]),
    (X, {'k': (1, 3), 'padding_value': 9},
     [[[9, 9, 4], [9, 3, 8], [2, 7, 12]], [[9, 9, 16], [9, 15, 20], [14, 19, 24]]]),
    (TALL, {'align': 'RIGHT_RIGHT', 'k': (-3, 1), 'padding_value': -1},
     [[-1, 2, 6], [1, 5, 9], [4, 8, 12], [7, 11, 15], [-1, 10, 14]]),
    (TALL, {'k': (2, 2)}, [3]),
    (TALL, {'k': -4}, [13]),
    (TALL, {'align': 'LEFT_RIGHT', 'k': (-4, 2)},
     [[3, 0, 0], [2, 6, 0], [1, 5, 9], [4, 8, 12], [7, 11, 15], [0, 10, 14], [0, 0, 13]]),
]

# (input, diagonal shape, keywords, TF's output); the diagonal is _seq(shape)
SET = [
    (SEVENS, (2, 3), {'k': 1},
     [[[7, 1, 7, 7], [7, 7, 2, 7], [7, 7, 7, 3]], [[7, 4, 7, 7], [7, 7, 5, 7], [7, 7, 7, 6]]]),
    (SEVENS, (2, 4, 3), {'k': (-1, 2)},
     [[[7, 4, 2, 7], [10, 8, 5, 3], [7, 11, 9, 6]],
      [[19, 16, 14, 7], [22, 20, 17, 15], [7, 23, 21, 18]]]),
    (SEVENS, (2, 4, 3), {'align': 'LEFT_RIGHT', 'k': (-1, 2)},
     [[[7, 4, 1, 7], [11, 8, 5, 2], [7, 12, 9, 6]],
      [[19, 16, 13, 7], [23, 20, 17, 14], [7, 24, 21, 18]]]),
    (SEVENS, (2, 4, 3), {'align': 'LEFT_LEFT', 'k': (-1, 2)},
     [[[7, 4, 1, 7], [10, 8, 5, 2], [7, 11, 9, 6]],
      [[19, 16, 13, 7], [22, 20, 17, 14], [7, 23, 21, 18]]]),
    (SEVENS, (2, 4, 3), {'align': 'RIGHT_RIGHT', 'k': (-1, 2)},
     [[[7, 4, 2, 7], [11, 8, 5, 3], [7, 12, 9, 6]],
      [[19, 16, 14, 7], [23, 20, 17, 15], [7, 24, 21, 18]]]),
    (TZ, (3, 3), {'align': 'LEFT_LEFT', 'k': (-2, 0)},
     [[1, 0, 0], [4, 2, 0], [7, 5, 3], [0, 8, 6], [0, 0, 9]]),
    (TZ, (3, 3), {'k': (-1, 1)}, [[4, 2, 0], [7, 5, 3], [0, 8, 6], [0, 0, 9], [0, 0, 0]]),
    (TZ, (3, 3), {'align': 'LEFT_RIGHT', 'k': (-1, 1)},
     [[4, 1, 0], [7, 5, 2], [0, 8, 6], [0, 0, 9], [0, 0, 0]]),
    (TZ, (2,), {'k': -3}, [[0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 2, 0]]),
    (SEVENS, (2, 3, 3), {'align': 'LEFT_RIGHT', 'k': (0, 2)},
     [[[7, 4, 1, 7], [7, 8, 5, 2], [7, 7, 9, 6]],
      [[16, 13, 10, 7], [7, 17, 14, 11], [7, 7, 18, 15]]]),
]

INT32_DIAG = [[-1, -4, 7], [3, 0, -3], [7, 4, 1]]
BOOL_DIAG = [[True, False, True], [True, True, False], [True, True, True]]
BOOL_PART = [[False, False, True], [False, True, False], [False, False, True]]
COMPLEX_DIAG = [[(2+1j), 1j, (2+1j)], [(2+1j), (2+1j), 2j], [(2+1j), (2+1j), (2+1j)]]

ALIGNS = ["RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT"]


def _ids(cases):
    return [f"{np.shape(c[0])}-{c[-2]}" for c in cases]


# ---- values: TF's --------------------------------------------------------------------------
@pytest.mark.parametrize("shape, kw, want", DIAG, ids=_ids(DIAG))
def test_diag_matches_tf(shape, kw, want):
    out = gc.linalg.diag(_seq(*shape), **kw)
    assert out.op.type == "MatrixDiagV3"
    assert out.shape.as_list() == list(np.shape(want))        # TF's static shape
    got = run(out)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(diag_ref(_seq(*shape), **kw), want)


@pytest.mark.parametrize("x, kw, want", PART, ids=_ids(PART))
def test_diag_part_matches_tf(x, kw, want):
    out = gc.linalg.diag_part(x, **kw)
    assert out.op.type == "MatrixDiagPartV3"
    assert out.shape.as_list() == list(np.shape(want))
    np.testing.assert_array_equal(run(out), want)
    np.testing.assert_array_equal(diag_part_ref(x, **kw), want)


@pytest.mark.parametrize("x, shape, kw, want", SET, ids=_ids(SET))
def test_set_diag_matches_tf(x, shape, kw, want):
    out = gc.linalg.set_diag(x, _seq(*shape), **kw)
    assert out.op.type == "MatrixSetDiagV3"
    assert out.shape.as_list() == list(x.shape)
    np.testing.assert_array_equal(run(out), want)
    np.testing.assert_array_equal(set_diag_ref(x, _seq(*shape), **kw), want)


def test_other_dtypes_match_tf():
    got = run([gc.matrix_diag(_seq(3, 3, dtype=np.int32) - 5, k=(-1, 1), padding_value=7,
                              align="LEFT_RIGHT"),
               gc.matrix_diag(_seq(2, 3) > 3, k=(0, 1), padding_value=1),
               gc.matrix_diag_part(_seq(3, 4) % 3 == 0, k=(-1, 1), padding_value=1),
               gc.matrix_diag(_seq(2).astype(np.complex128) * 1j, k=1, padding_value=2 + 1j)])
    for g, want, dtype in zip(got, [INT32_DIAG, BOOL_DIAG, BOOL_PART, COMPLEX_DIAG],
                              [np.int32, np.bool_, np.bool_, np.complex128]):
        assert g.dtype == dtype
        np.testing.assert_array_equal(g, want)


def test_diag_part_inverts_diag_and_set_diag_of_zeros_is_diag():
    """diag_part(diag(d, k, align), k, align) == d where d has no padding, and
    set_diag(zeros, d, k, align) == diag(d, k, align) for square outputs."""
    d = _seq(2, 4, 3)
    for align in ALIGNS:
        full = gc.matrix_diag(d, k=(-1, 2), align=align)
        back = run(gc.matrix_diag_part(full, k=(-1, 2), align=align))
        np.testing.assert_array_equal(back, diag_part_ref(diag_ref(d, (-1, 2), align=align),
                                                          (-1, 2), align=align))
        np.testing.assert_array_equal(
            run(gc.matrix_set_diag(gc.zeros([2, 3, 3], gc.float64), back, k=(-1, 2),
                                   align=align)), run(full))


# ---- k, num_rows, num_cols, padding_value as tensors or python values ---------------------
def test_k_forms_give_the_same_values():
    d = _seq(2, 4, 3)
    want = DIAG[0][2]
    for k in [(-1, 2), [-1, 2], np.array([-1, 2]), gc.constant([-1, 2]),
              gc.constant([-1, 2]) * 1]:       # a constant-folded tensor too
        np.testing.assert_array_equal(run(gc.matrix_diag(d, k=k)), want)
    for k in [1, np.int64(1), (1, 1), [1], gc.constant(1), gc.constant([1, 1])]:
        np.testing.assert_array_equal(run(gc.matrix_diag_part(X, k=k)), PART[0][2])
    out = gc.matrix_diag(_seq(3), k=1, num_rows=gc.constant(5), padding_value=gc.constant(0.0,
                                                                                       gc.float64))
    assert out.shape == (5, 4)
    np.testing.assert_array_equal(run(out), DIAG[4][2])


def test_the_default_k_keeps_the_main_diagonal_ops():
    """k = 0 with the default sizes and padding builds MatrixDiag, MatrixDiagPart and
    MatrixSetDiag (what the exporters and older graphs know); anything else the V3 ops."""
    d, x = gc.constant(_seq(2, 3)), gc.constant(X)
    assert gc.matrix_diag(d).op.type == "MatrixDiag"
    assert gc.matrix_diag(d, k=(0, 0), align="LEFT_LEFT").op.type == "MatrixDiag"
    assert gc.matrix_diag(d, k=gc.constant(0)).op.type == "MatrixDiag"
    assert gc.matrix_diag_part(x, padding_value=3).op.type == "MatrixDiagPart"
    assert gc.matrix_set_diag(x, d, k=[0, 0]).op.type == "MatrixSetDiag"
    assert gc.matrix_diag(d, padding_value=1).op.type == "MatrixDiagV3"
    assert gc.matrix_diag(d, num_cols=3).op.type == "MatrixDiagV3"
    assert gc.matrix_diag_part(x, k=(0, 1)).op.type == "MatrixDiagPartV3"


# ---- unknown dims ----------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(k=(-1, 2)), dict(k=(-2, 1), align="LEFT_RIGHT"),
                                dict(k=1, num_rows=6, padding_value=-1),
                                dict(k=(0, 1), num_cols=7, align="RIGHT_RIGHT")])
def test_diag_with_unknown_dims_at_several_shapes(kw):
    lo, hi = (kw["k"], kw["k"]) if np.ndim(kw["k"]) == 0 else kw["k"]
    band = () if lo == hi else (hi - lo + 1,)
    d = gc.placeholder(gc.float64, (None,) + band + (None,))
    out = gc.matrix_diag(d, **kw)
    assert out.shape.rank == 3
    with gc.Session() as s:
        for batch, n in [(1, 3), (2, 4), (3, 1), (2, 2)]:
            v = _seq(batch, *band, n)
            np.testing.assert_array_equal(s.run(out, {d: v}), diag_ref(v, **kw))


@pytest.mark.parametrize("kw", [dict(k=(-1, 2)), dict(k=(1, 3), padding_value=9.0),
                                dict(k=-1, align="LEFT_LEFT"),
                                dict(k=(-2, 0), align="RIGHT_RIGHT")])
def test_diag_part_and_set_diag_with_unknown_dims_at_several_shapes(kw):
    x = gc.placeholder(gc.float64, (None, None, None))
    d = gc.placeholder(gc.float64, None)
    part = gc.matrix_diag_part(x, **kw)
    set_kw = {k: v for k, v in kw.items() if k != "padding_value"}
    put = gc.matrix_set_diag(x, d, **set_kw)
    assert put.shape.rank == 3
    with gc.Session() as s:
        for shape in [(2, 3, 4), (1, 5, 4), (3, 4, 5), (2, 4, 4)]:
            v = _seq(*shape)
            got = s.run(part, {x: v})
            np.testing.assert_array_equal(got, diag_part_ref(v, **kw))
            new = -got
            np.testing.assert_array_equal(s.run(put, {x: v, d: new}),
                                          set_diag_ref(v, new, **set_kw))


def test_static_shapes_with_unknown_dims():
    """TF's shape functions where they are right; graphc keeps unknown what TF 2.21
    gets wrong (TF gives (0, 0) for diag(k=1) of a (?,) diagonal, and refuses a band whose
    number of diagonals is unknown)."""
    n = gc.placeholder(gc.float64, (None,))
    assert gc.matrix_diag(n, k=1).shape.as_list() == [None, None]
    assert gc.matrix_diag(n, k=1, num_rows=5).shape.as_list() == [5, None]
    assert gc.matrix_diag(n, k=-1, num_rows=5, num_cols=4).shape.as_list() == [5, 4]
    assert gc.matrix_diag(gc.placeholder(gc.float64, (2, None, 3)),
                          k=(0, 1)).shape.as_list() == [2, 3, 3]
    named = gc.placeholder(gc.float64, ("n",))
    assert gc.matrix_diag(named, k=(0, 0), num_rows=7).shape.as_list()[0] == 7
    x = gc.placeholder(gc.float64, (None, 3, 4))
    assert gc.matrix_diag_part(x, k=(-1, 2)).shape.as_list() == [None, 4, 3]
    assert gc.matrix_diag_part(gc.placeholder(gc.float64, (None, None)),
                               k=(0, 1)).shape.as_list() == [2, None]
    assert gc.matrix_diag_part(gc.placeholder(gc.float64, None), k=1).shape.rank is None
    assert gc.matrix_set_diag(gc.placeholder(gc.float64, (None, None, None)),
                              gc.placeholder(gc.float64, (4, 2, None)),
                              k=(0, 1)).shape.as_list() == [4, None, None]


# ---- gradients ---------------------------------------------------------------------------
GRAD_CASES = [
    ("diag", [(2, 4, 3)], dict(k=(-1, 2), align="LEFT_RIGHT")),
    ("diag", [(3,)], dict(k=-1, num_cols=6, padding_value=2.5)),
    ("diag", [(2, 2)], dict(k=(-2, -1), num_rows=6, align="RIGHT_RIGHT")),
    ("part", [(2, 3, 4)], dict(k=(-1, 2), padding_value=9.0)),
    ("part", [(5, 3)], dict(k=(-3, 1), align="LEFT_LEFT")),
    ("set", [(2, 3, 4), (2, 4, 3)], dict(k=(-1, 2))),
    ("set", [(5, 3), (3, 3)], dict(k=(-1, 1), align="LEFT_RIGHT")),
]
_FNS = {"diag": gc.matrix_diag, "part": gc.matrix_diag_part, "set": gc.matrix_set_diag}


@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "unknown dims"])
@pytest.mark.parametrize("kind, shapes, kw", GRAD_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in GRAD_CASES])
def test_gradients_match_finite_differences(kind, shapes, kw, dynamic):
    rng = np.random.default_rng(len(shapes) + len(kw))
    inputs = [rng.standard_normal(s) for s in shapes]

    def fn(*xs):
        return _FNS[kind](*xs, **kw)
    check_vjp(fn, inputs, dynamic=dynamic)
    check_jvp(fn, inputs, dynamic=dynamic)


def test_gradients_are_tf_formulas():
    """diag's gradient is diag_part(g) (zero where the diagonal was padding), diag_part's
    is set_diag(zeros, g), set_diag's are set_diag(g, 0) and diag_part(g)."""
    d = gc.constant(_seq(2, 4, 3))
    w = gc.constant(_seq(2, 3, 3) + 10)
    gd, = gc.gradients(gc.reduce_sum(gc.matrix_diag(d, k=(-1, 2), padding_value=5.0) * w),
                       [d])
    np.testing.assert_array_equal(run(gd), diag_part_ref(run(w), (-1, 2)))
    x = gc.constant(X)
    gx, = gc.gradients(gc.reduce_sum(gc.matrix_diag_part(x, k=(1, 3)) * _seq(2, 3, 3)), [x])
    np.testing.assert_array_equal(run(gx), set_diag_ref(np.zeros_like(X), _seq(2, 3, 3), (1, 3)))
    band = gc.constant(_seq(2, 2, 3))
    gx, gb = gc.gradients(gc.reduce_sum(gc.matrix_set_diag(x, band, k=(-1, 0)) * X), [x, band])
    np.testing.assert_array_equal(run(gx), set_diag_ref(X, np.zeros((2, 2, 3)), (-1, 0)))
    np.testing.assert_array_equal(run(gb), diag_part_ref(X, (-1, 0)))


def test_gradient_where_a_band_diagonal_misses_the_matrices():
    """diag(d, k=(0, 2)) of d (3, 2) is 2 x 2: diagonal 2 falls outside, and TF's rule,
    diag_part(g, k=(0, 2)), refuses it ("upper_diag_index is out of bound"). graphc gives
    that diagonal's row zeros when the matrices' size is known at build time."""
    for shape, kw in [((3, 2), dict(k=(0, 2))), ((4, 1), dict(k=(-3, 0), align="LEFT_LEFT")),
                      ((3, 1), dict(k=(-2, 0), num_cols=3, align="RIGHT_RIGHT"))]:
        d = np.random.default_rng(0).standard_normal(shape)
        check_vjp(lambda t, kw=kw: gc.matrix_diag(t, **kw), [d])
        check_jvp(lambda t, kw=kw: gc.matrix_diag(t, **kw), [d])
        t = gc.constant(d)
        g, = gc.gradients(gc.reduce_sum(gc.matrix_diag(t, **kw)), [t])
        np.testing.assert_array_equal(run(g), _placed(shape, kw))
    for shape, kw in [((2, 0), dict(k=(0, 1), num_rows=2)), ((3, 0), dict(k=(-4, -2)))]:
        t = gc.constant(np.zeros(shape))                    # nothing reaches the matrices
        y = gc.matrix_diag(t, **kw)
        g, = gc.gradients(gc.reduce_sum(y), [t])
        assert run(g).shape == shape


def _placed(shape, kw):
    """1 where an entry of a diagonal of that shape lands in matrix_diag's output."""
    marks = np.arange(1, int(np.prod(shape)) + 1).reshape(shape).astype(np.float64)
    out = diag_ref(marks, **kw)
    return np.isin(marks, out).astype(np.float64)


def test_jacobian_of_a_band_uses_the_batch_rules():
    d = gc.constant(_seq(3, 2))
    j = run(gc.jacobian(gc.matrix_diag(d, k=(0, 2)), d))
    assert j.shape == (2, 2, 3, 2)
    want = np.zeros((2, 2, 3, 2))
    for m in range(3):
        for t in range(2):
            e = np.zeros((3, 2))
            e[m, t] = 1.0
            want[..., m, t] = diag_ref(e, (0, 2))
    np.testing.assert_array_equal(j, want)


# ---- errors ------------------------------------------------------------------------------
def test_build_time_errors():
    d3, x = gc.constant(_seq(3), name="d3"), gc.constant(_seq(2, 3), name="x")
    raises(ShapeError, lambda: gc.matrix_diag(x, k=(1, 0)), "matrix_diag", "k = (1, 0)",
           "lower_diag_index is greater than upper_diag_index", "'x'")
    raises(ShapeError, lambda: gc.matrix_diag_part(x, k=(1, 0)), "matrix_diag_part",
           "k = (1, 0)")
    raises(ShapeError, lambda: gc.matrix_set_diag(x, d3, k=(1, 0)), "matrix_set_diag",
           "k = (1, 0)")
    raises(ShapeError, lambda: gc.matrix_diag(x, k=(0, 2)), "matrix_diag", "holds 2 diagonals",
           "needs 3")
    raises(ShapeError, lambda: gc.matrix_diag(d3, k=(0, 1)), "rank >= 2")
    raises(ShapeError, lambda: gc.matrix_diag(d3, k=1, num_rows=2), "num_rows = 2 is too small",
           "at least 3")
    raises(ShapeError, lambda: gc.matrix_diag(d3, k=1, num_cols=3), "num_cols = 3 is too small",
           "at least 4")
    raises(ShapeError, lambda: gc.matrix_diag(d3, k=1, num_rows=5, num_cols=5),
           "not consistent", "3 rows, 4 columns")
    raises(ShapeError, lambda: gc.matrix_diag(d3, k=1, num_rows=-2), "too small")
    raises(ShapeError, lambda: gc.matrix_diag(gc.constant(1.0), k=1), "rank >= 1", "not 0")
    raises(ShapeError, lambda: gc.matrix_diag_part(x, k=3), "matrix_diag_part",
           "lower diagonal 3 is out of bound for 2 x 3")
    raises(ShapeError, lambda: gc.matrix_diag_part(x, k=(-2, 0)), "out of bound")
    raises(ShapeError, lambda: gc.matrix_diag_part(x, k=(0, 3)), "upper diagonal 3")
    raises(ShapeError, lambda: gc.matrix_diag_part(d3, k=1), "rank >= 2")
    raises(ShapeError, lambda: gc.matrix_set_diag(x, gc.ones([3], gc.float64), k=1),
           "matrix_set_diag", "(max_diag_len,) = (2,)", "not (3,)")
    raises(ShapeError, lambda: gc.matrix_set_diag(x, gc.ones([3, 3], gc.float64), k=(0, 1)),
           "(num_diags, max_diag_len) = (2, 2)")
    raises(ShapeError, lambda: gc.matrix_set_diag(x, d3, k=(0, 1)), "rank >= 2")
    raises(ShapeError, lambda: gc.matrix_set_diag(x, gc.ones([1], gc.float64), k=-2),
           "out of bound")


def test_argument_errors():
    x = gc.constant(_seq(2, 3))
    for fn in (lambda: gc.matrix_diag(x, k=(0, 1, 2)), lambda: gc.matrix_diag_part(x, k=[]),
               lambda: gc.matrix_set_diag(x, x, k=[[0, 1]])):
        with pytest.raises(ValueError, match="k must be an int or a"):
            fn()
    with pytest.raises(TypeError, match="matrix_diag: k must be an int"):
        gc.matrix_diag(x, k=1.5)
    for fn in (gc.matrix_diag, gc.matrix_diag_part):
        with pytest.raises(ValueError, match="align must be one of RIGHT_LEFT"):
            fn(x, k=1, align="LEFT")
    with pytest.raises(ValueError, match="align must be one of"):
        gc.matrix_set_diag(x, x, align="right_left")
    with pytest.raises(DTypeError, match="padding_value.*2.5.*int32"):     # TF: TypeError
        gc.matrix_diag(gc.constant([1, 2]), k=1, padding_value=2.5)
    with pytest.raises(ValueError, match="num_rows must be an int"):
        gc.matrix_diag(x, num_rows=[3])


def test_values_known_only_at_run_time_are_not_supported():
    x = gc.constant(_seq(2, 3))
    k = gc.placeholder(gc.int32, [2], name="k")
    with pytest.raises(NotImplementedError, match="matrix_diag: k must be known .* k:0"):
        gc.matrix_diag(x, k=k)
    with pytest.raises(NotImplementedError, match="matrix_diag_part: k"):
        gc.matrix_diag_part(x, k=k)
    with pytest.raises(NotImplementedError, match="matrix_set_diag: k"):
        gc.matrix_set_diag(x, x, k=k)
    with pytest.raises(NotImplementedError, match="matrix_diag: num_rows"):
        gc.matrix_diag(x, k=(0, 1), num_rows=gc.placeholder(gc.int32, []))
    with pytest.raises(NotImplementedError, match="matrix_diag: padding_value"):
        gc.matrix_diag(x, k=(0, 1), padding_value=gc.placeholder(gc.float64, []))


@pytest.mark.parametrize("build, feeds, fragments", [
    (lambda p: gc.matrix_diag(p, k=(0, 2)), [_seq(2, 3)],
     ["matrix_diag", "does not hold the 3 diagonals", "MatrixDiagV3 'diag'"]),
    (lambda p: gc.matrix_diag(p, k=1, num_rows=2), [_seq(3)],
     ["num_rows = 2 is too small"]),
    (lambda p: gc.matrix_diag(p, k=1, num_cols=5, num_rows=5), [_seq(3)],
     ["not consistent"]),
    (lambda p: gc.matrix_diag_part(p, k=3), [_seq(2, 3)],
     ["matrix_diag_part", "lower diagonal 3 is out of bound for 2 x 3"]),
    (lambda p: gc.matrix_diag_part(p, k=(0, 3)), [_seq(2, 3)], ["upper diagonal 3"]),
    (lambda p, q: gc.matrix_set_diag(p, q, k=1), [_seq(2, 3), _seq(3)],
     ["matrix_set_diag", "the diagonal must have shape (2,)", "not (3,)"]),
    (lambda p, q: gc.matrix_set_diag(p, q, k=(0, 1)), [_seq(2, 3), _seq(3, 2)],
     ["must have shape (2, 2)"]),
])
def test_run_time_errors_when_dims_are_unknown(build, feeds, fragments):
    """What the static shapes cannot tell fails in the kernel with TF's
    InvalidArgumentError, naming the op and the node."""
    phs = [gc.placeholder(gc.float64, [None] * a.ndim) for a in feeds]
    out = build(*phs)
    with gc.Session() as s:
        with pytest.raises(InvalidArgumentError) as e:
            s.run(out, dict(zip(phs, feeds)))
    for f in fragments:
        assert f in str(e.value), str(e.value)
