"""Samples for graphc.ops.random_extra and graphc.ops.state_scatter (see samples.py).

Random ops: static shapes and dtypes, and statistics of many seeded draws against the
distribution's moments with loose bounds (each sample's seed is fixed, so a check is
deterministic). IgammaInv (random_gamma's quantile) is pure: its values are checked
against scipy where installed and its vjp/jvp against finite differences. Variable
scatter ops make a Variable, set it to the first input, then update it (references:
numpy loops applying one index after another).
"""
import numpy as np

import graphc as gc
from graphc.ops.random_extra import _igamma_inv_op as gamma_quantile
from graphc.ops.random_extra import random_gamma_grad
from samples import Sample, normal

try:
    from scipy import special
except ImportError:         # the values of IgammaInv and RandomGammaGrad go unchecked
    special = None


def _softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _logits(r, k=4):
    return [normal(r, (int(r.integers(1, 4)), k))]


def _frequencies(logits):
    draws = gc.multinomial(logits, 4000, seed=5)
    return gc.reduce_mean(gc.one_hot(draws, 4, dtype=gc.float64), axis=1)


def _alpha(r):
    return [r.uniform(0.5, 5.0, size=(int(r.integers(1, 4)),))]


def _alpha_u(r):
    s = (int(r.integers(1, 4)), 3)
    return [r.uniform(0.3, 6.0, size=s[1:]), r.uniform(0.05, 0.95, size=s)]


def _quantile_ref(a, u):
    return special.gammaincinv(a, u)


def _gamma_grad_ref(a, x):
    """-(dP/da) / p(x) with dP/da by central differences of scipy's P."""
    h = 1e-5 * a
    dp = (special.gammainc(a + h, x) - special.gammainc(a - h, x)) / (2 * h)
    return -dp / np.exp((a - 1) * np.log(x) - x - special.gammaln(a))


def _alpha_x(r):
    a = r.uniform(0.3, 8.0, size=(4,))
    return [a, a * r.uniform(0.2, 3.0, size=(3, 4))]       # below and above x = a + 1


def _seed(r):
    return [r.integers(-2**40, 2**40, size=2)]


def _moments(x):
    return [gc.reduce_mean(x), gc.sqrt(gc.reduce_mean(gc.square(x)))]


RANDOM = [
    Sample("Multinomial", lambda lg: gc.multinomial(lg, 7), _logits, grad=False),
    Sample("Multinomial", lambda lg: gc.random.categorical(lg, 3, dtype=gc.int32, seed=2),
           _logits, grad=False, id="categorical-int32"),
    Sample("Multinomial", _frequencies, _logits, ref=_softmax, grad=False, atol=0.05,
           id="frequencies"),
    Sample("RandomPoissonV2", lambda lam: gc.random_poisson(lam, [2, 3], dtype=gc.int32,
                                                           seed=3),
           lambda r: [r.integers(0, 9, size=(4,)).astype(np.int32)], grad=False),
    Sample("RandomPoissonV2", lambda lam: gc.reduce_mean(gc.random.poisson(
        lam, [4000], dtype=gc.float64, seed=2), axis=0), _alpha, ref=lambda lam: lam,
        grad=False, rtol=0.1, id="mean"),
    Sample("IgammaInv", lambda a: gc.random_gamma([2, 3], a, dtype=gc.float64, seed=1),
           _alpha, grad=False, id="random_gamma"),
    Sample("IgammaInv", lambda a: gc.reduce_mean(gc.random_gamma(
        [4000], a, dtype=gc.float64, seed=3), axis=0), _alpha, ref=lambda a: a, grad=False,
        rtol=0.1, id="random_gamma-mean"),
    Sample("IgammaInv", lambda a, b: gc.reduce_mean(gc.random.gamma(
        [4000], a, beta=b, dtype=gc.float64, seed=4), axis=0),
        lambda r: [r.uniform(0.5, 5.0, size=(3, 1)), r.uniform(0.5, 2.0, size=(2,))],
        ref=lambda a, b: a / b, grad=False, rtol=0.1, id="random_gamma-beta-mean"),
    Sample("IgammaInv", gamma_quantile, _alpha_u, ref=_quantile_ref if special else None,
           rtol=1e-9, id="quantile"),
    Sample("RandomGammaGrad", random_gamma_grad, _alpha_x,
           ref=_gamma_grad_ref if special else None, grad=False, rtol=1e-5, atol=1e-8),
    Sample("StatelessRandomNormal", lambda s: _moments(gc.stateless_random_normal(
        [20000], s, dtype=gc.float64)), _seed, ref=lambda s: [0.0, 1.0], grad=False,
        atol=0.05),
    Sample("StatelessRandomUniform", lambda s: gc.stateless_random_uniform(
        [2, 3], s, minval=-1.0, maxval=3.0), _seed, grad=False, id="shape"),
    Sample("StatelessRandomUniform", lambda s: (lambda x: [gc.reduce_mean(x), gc.reduce_min(
        x), gc.reduce_max(x)])(gc.stateless_random_uniform([20000], s, dtype=gc.float64)),
        _seed, ref=lambda s: [0.5, 0.0, 1.0], grad=False, atol=0.02),
    Sample("StatelessTruncatedNormal", lambda s: _moments(gc.stateless_truncated_normal(
        [20000], s, dtype=gc.float64)) + [gc.reduce_max(gc.abs(gc.stateless_truncated_normal(
            [20000], s, dtype=gc.float64)))], _seed, ref=lambda s: [0.0, 0.8796, 2.0],
        grad=False, atol=0.03),
]


# ---- state_scatter -----------------------------------------------------------------------
def _variable(x0):
    """A Variable of x0's static shape and an op setting it to x0: its initializer (zeros)
    needs no feed, as test_serialize's runs of initializers want."""
    if x0.shape.is_fully_defined():
        v = gc.Variable(np.zeros(x0.shape.as_list(), x0.dtype.np), name="v")
    else:
        v = gc.Variable(np.zeros((), x0.dtype.np), name="v", validate_shape=False)
    return v, v.assign(x0)


def _on_variable(fn):
    """build(x0, indices, updates): fn applied to a Variable set to x0 first."""
    def build(x0, indices, updates):
        v, init = _variable(x0)
        with gc.control_dependencies([init]):
            return fn(v, indices, updates)
    return build


def _rows(r, nd=False, positive=False, dtype=np.float64):
    """x0 (5, 3), indices with repeats (rows, or (row, col) tuples), matching updates."""
    x0 = r.uniform(0.5, 2.0, (5, 3)) if positive else normal(r, (5, 3))
    m = (int(r.integers(2, 4)), 2)
    if nd:
        idx = np.stack([r.integers(0, 5, m), r.integers(0, 3, m)], -1)
        idx[0, 0] = idx[1, 0]                   # a repeated tuple
        upd_shape = m
    else:
        idx = r.integers(0, 5, m)
        idx[0, 0] = idx[1, 1]                   # a repeated row
        upd_shape = m + (3,)
    upd = r.uniform(0.5, 2.0, upd_shape) if positive else normal(r, upd_shape)
    if np.dtype(dtype).kind in "iu":
        x0 = r.integers(-20, 20, (5, 3))
        upd = r.integers(1, 4, upd_shape) * np.where(r.random(upd_shape) < 0.5, -1, 1)
    return [x0.astype(dtype), idx.astype(np.int32), upd.astype(dtype)]


def _reference(mode, nd=False):
    """The update applied one index after another, in index order (numpy loops)."""
    def ref(x0, idx, upd):
        out = x0.copy()
        keys = idx.reshape(-1, idx.shape[-1]) if nd else idx.reshape(-1, 1)
        vals = upd.reshape((len(keys),) + x0.shape[keys.shape[1]:])
        for k, u in zip(keys, vals):
            k = tuple(k)
            if mode == "update":
                out[k] = u
            elif mode == "div" and out.dtype.kind in "iu":
                out[k] = np.trunc(out[k] / u)
            else:
                out[k] = {"add": np.add, "sub": np.subtract, "mul": np.multiply,
                          "div": np.divide, "max": np.maximum, "min": np.minimum}[mode](
                              out[k], u)
        return out
    return ref


def _tensor_rows(r, nd=False):
    x0, idx, upd = _rows(r, nd)
    return [x0, idx if nd else idx[..., None], upd]


SCATTER = [
    Sample(f"Scatter{mode.capitalize()}", _on_variable(getattr(gc, f"scatter_{mode}")),
           lambda r, mode=mode: _rows(r, positive=mode in ("mul", "div")),
           ref=_reference(mode), grad=False, id=mode)
    for mode in ("update", "add", "sub", "mul", "div", "max", "min")
] + [
    Sample("ScatterDiv", _on_variable(gc.scatter_div),
           lambda r: _rows(r, dtype=np.int32), ref=_reference("div"), grad=False,
           id="div-int32"),
    Sample("ScatterAdd", _on_variable(lambda v, i, u: gc.scatter_add(v, i, 1.5)),
           _rows, ref=lambda x0, i, u: _reference("add")(x0, i, np.full(u.shape, 1.5)),
           grad=False, id="scalar-updates"),
] + [
    Sample(f"ScatterNd{mode.capitalize()}", _on_variable(getattr(gc, f"scatter_nd_{mode}")),
           lambda r: _rows(r, nd=True), ref=_reference(mode, nd=True), grad=False,
           id=f"nd-{mode}")
    for mode in ("update", "add", "sub")
] + [
    Sample(op, getattr(gc, f"tensor_scatter_nd_{mode}"),
           lambda r, nd=nd: _tensor_rows(r, nd), ref=_reference(mode, nd=True),
           id=f"{'nd' if nd else 'rows'}")
    for op, mode in (("TensorScatterUpdate", "update"), ("TensorScatterAdd", "add"),
                     ("TensorScatterSub", "sub"))
    for nd in (False, True)
] + [
    Sample("TensorScatterUpdate", lambda x, u: gc.tensor_scatter_update(
        x, [[1], [3], [1]], u), lambda r: [normal(r, (5, 2)), normal(r, (3, 2))],
        ref=lambda x, u: _reference("update", nd=True)(x, np.array([[1], [3], [1]]), u),
        id="constant-repeats"),
]


def _fresh(x0):
    return gc.is_variable_initialized(_variable(x0)[0])


def _initialized(x0):
    v, init = _variable(x0)
    with gc.control_dependencies([init]):
        return gc.is_variable_initialized(v)


def _report(x0, x1):
    (a, init), (b, _) = _variable(x0), _variable(x1)
    with gc.control_dependencies([init]):
        names = gc.report_uninitialized_variables([a, b])
    return gc.size(names)


def _asserted(x0):
    v, init = _variable(x0)
    with gc.control_dependencies([init]):
        check = gc.assert_variables_initialized([v])
    with gc.control_dependencies([check]):
        return gc.identity(v)


def _initialized_value(x0):
    """The set value (x0) once initialized and assigned; a fresh variable gives its
    initial value (zeros) without being assigned."""
    v, init = _variable(x0)
    with gc.control_dependencies([init]):
        return gc.identity(v.initialized_value())


INIT = [
    Sample("InitializedValue", _initialized_value, lambda r: [normal(r, (2, 3))],
           ref=lambda x: x, grad=False),
    Sample("IsVariableInitialized", _fresh, lambda r: [normal(r, (2, 3))],
           ref=lambda x: False, grad=False),
    Sample("IsVariableInitialized", _initialized, lambda r: [normal(r, (2, 3))],
           ref=lambda x: True, grad=False, id="after-init"),
    Sample("ReportUninitializedVariables", _report,
           lambda r: [normal(r, (2,)), normal(r, (3, 1))], ref=lambda a, b: 1, grad=False),
    Sample("AssertVariablesInitialized", _asserted, lambda r: [normal(r, (4,))],
           ref=lambda x: x, grad=False),
]

def _slice_assign(x0, rows, value):
    """v[1:3, ::2] of a Variable set to x0 first, assigned `value` (rows: unused)."""
    v, init = _variable(x0)
    with gc.control_dependencies([init]):
        return v[1:3, ::2].assign(value)


def _slice_assign_ref(x0, rows, value):
    out = x0.copy()
    out[1:3, ::2] = value
    return out


SLICE_ASSIGN = [
    Sample("StridedSliceAssign", _slice_assign,
           lambda r: [normal(r, (5, 3)), np.zeros(1), normal(r, (2, 2))],
           ref=_slice_assign_ref, grad=False),
]

SAMPLES = RANDOM + SCATTER + INIT + SLICE_ASSIGN
