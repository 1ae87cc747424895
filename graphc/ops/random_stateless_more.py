"""The other stateless distributions of tf.random (TF1 names): stateless_categorical /
stateless_multinomial (TF's bits), stateless_random_gamma, stateless_random_poisson,
stateless_binomial and stateless_parameterized_truncated_normal (TF's distributions,
not its bits: graphc draws them from a numpy Generator seeded by the seed's Philox key
and counter, or, for gamma, as the gamma quantile of stateless uniform values, which
makes them differentiable in alpha as TF's are)."""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import InferError, TensorShape
from . import random_stateless_philox as P
from .core import convert_to_tensor
from .creation import zeros
from .random import _shape_tensor
from .random_extra import _igamma_inv_op
from .random_stateless import check_seed, infer_seed, stateless_random_uniform
from .registry import OpDef, apply1, register

__all__ = ["stateless_categorical", "stateless_multinomial", "stateless_random_gamma",
           "stateless_random_poisson", "stateless_binomial",
           "stateless_parameterized_truncated_normal"]


# ---- categorical ---------------------------------------------------------------------------
def _infer_multinomial(ctx, logits, num_samples, seed, *, output_dtype):
    ctx.require(0, "float")
    if logits.shape.rank not in (2, None):
        raise InferError(f"logits {{0}} must be 2-D [batch, classes], not {logits.shape}")
    if not num_samples.dtype.is_integer or num_samples.shape.rank not in (0, None):
        raise InferError("num_samples {1} must be an int scalar", "dtype")
    infer_seed(ctx, seed, 2)
    if output_dtype not in (dtypes.int32, dtypes.int64):
        raise InferError(f"output_dtype must be int32 or int64, not {output_dtype.name}",
                         "dtype")
    n = ctx.constant_value(num_samples)
    batch = None if logits.shape._dims is None else logits.shape._dims[0]
    return (batch, None if n is None else int(n)), output_dtype


def _multinomial_kernel(logits, num_samples, seed, *, output_dtype):
    """Row by row along one stream, 2 words a draw: u * total found in the running sums
    of exp(logit - max) over the finite logits (TF's one-shard order)."""
    api = "stateless_multinomial"
    seed = check_seed(api, seed)
    b, k, n = logits.shape[0], logits.shape[1], int(num_samples)
    if n < 0:
        raise ValueError(f"{api}: num_samples should be nonnegative, got {n}")
    if k == 0 and b and n:
        raise ValueError(f"{api}: logits should have at least 1 class, got 0")
    if b == 0 or n == 0:
        return np.zeros((b, n), output_dtype.np)
    x = logits.astype(np.float64)
    finite = np.isfinite(x)
    top = np.where(finite, x, -np.inf).max(axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, np.finfo(logits.dtype).min)
    with np.errstate(all="ignore"):
        cdf = np.cumsum(np.where(finite, np.exp(x - top), 0.0), axis=1)
    w = P.stream(seed, 2 * b * n).reshape(b, n, 2)
    find = P.to_float64(w[..., 0], w[..., 1]) * cdf[:, -1:]
    out = np.empty((b, n), np.int64)
    for r in range(b):                    # upper_bound in each row's running sums
        out[r] = np.searchsorted(cdf[r], find[r], "right")
    return out.astype(output_dtype.np)


STATELESS_MULTINOMIAL = register(OpDef(
    "StatelessMultinomial", _infer_multinomial, _multinomial_kernel,
    api="stateless_multinomial", differentiable=False,
    signature="stateless_multinomial(logits, num_samples, seed, output_dtype=int64)",
    shape_rule="[batch, classes] -> [batch, num_samples]",
    dtypes="logits float; num_samples, seed int -> int32/int64",
    doc="Class indices drawn from softmax(logits) fixed by `seed` (TF's bits)."))


def stateless_multinomial(logits, num_samples, seed, output_dtype=dtypes.int64, name=None):
    """num_samples class ids per row of logits [batch, classes], the same as TF's for
    the same seed: `gc.random.stateless_multinomial([[0., 1.]], 5, seed=[1, 2])`."""
    with name_scope(name, "stateless_multinomial"):
        logits = convert_to_tensor(logits, name="logits")
        return apply1(STATELESS_MULTINOMIAL, (logits, convert_to_tensor(num_samples),
                                              convert_to_tensor(seed)),
                      name="StatelessMultinomial", output_dtype=dtypes.as_dtype(output_dtype))


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None):
    """stateless_multinomial under its TF 1.13 name (`dtype` for output_dtype)."""
    with name_scope(name, "stateless_categorical"):
        return stateless_multinomial(logits, num_samples, seed, output_dtype=dtype)


# ---- sampled by a numpy Generator ----------------------------------------------------------
def _generator(api, seed):
    counter, key = P.key_counter(check_seed(api, seed))
    return np.random.default_rng([int(v) for v in np.concatenate([key, counter[2:]])])


def _infer_params(what, out_kinds):
    """Infer rule of an op (shape, seed, *params): `shape`, params broadcast to it."""
    def infer(ctx, shape, seed, *params, dtype):
        if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
            raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
        infer_seed(ctx, seed, 1)
        for i, p in enumerate(params, 2):
            if not (p.dtype.is_floating or p.dtype.is_integer):
                raise InferError(f"{what[i - 2]} {{{i}}} must be numeric", "dtype")
        if dtype.name not in out_kinds:
            raise InferError(f"dtype {dtype.name} is not one of {', '.join(out_kinds)}",
                             "dtype")
        out = ctx.shape_value(shape)
        for i, p in enumerate(params, 2):
            if out.rank is not None and p.shape.rank is not None and p.shape.rank > out.rank:
                raise InferError(f"{what[i - 2]} {{{i}}} must broadcast to the shape {out}")
        return out, dtype
    return infer


def _broadcast(api, dims, names, params):
    try:
        return [np.broadcast_to(p.astype(np.float64), dims) for p in params]
    except ValueError:
        shapes = ", ".join(f"{n} {p.shape}" for n, p in zip(names, params))
        raise ValueError(f"{api}: {shapes} must broadcast to the shape {list(dims)}") \
            from None


def _poisson_kernel(shape, seed, lam, *, dtype):
    api = "stateless_random_poisson"
    dims = tuple(int(d) for d in shape)
    (lam,) = _broadcast(api, dims, ["lam"], [lam])
    if (lam < 0).any() or not np.isfinite(lam).all():
        raise ValueError(f"{api}: lam must be finite and >= 0")
    return _generator(api, seed).poisson(lam).astype(dtype.np)


def _binomial_kernel(shape, seed, counts, probs, *, dtype):
    api = "stateless_binomial"
    dims = tuple(int(d) for d in shape)
    counts, probs = _broadcast(api, dims, ["counts", "probs"], [counts, probs])
    if (counts < 0).any() or not ((probs >= 0) & (probs <= 1)).all():
        raise ValueError(f"{api}: counts must be >= 0 and probs in [0, 1]")
    return _generator(api, seed).binomial(counts.astype(np.int64), probs).astype(dtype.np)


def _truncated_standard(gen, a, b):
    """Standard normals restricted to (a, b) by rejection: normal proposals where the
    interval holds 0 and is wide, uniform ones where it is narrow, exponential ones
    (Robert 1995) in a tail; b <= 0 is the mirror image of a >= 0."""
    dims, flip = a.shape, (b <= 0).ravel()
    a, b = a.ravel(), b.ravel()
    a, b = np.where(flip, -b, a), np.where(flip, -a, b)
    out, todo = np.full(a.shape, np.nan), np.flatnonzero(a < b)
    out[a == b] = a[a == b]
    for _ in range(1000):
        if not todo.size:
            break
        lo, hi = a[todo], b[todo]
        tail = lo > 0
        lam = (lo + np.sqrt(lo * lo + 4.0)) / 2.0
        narrow = (hi - lo) < np.where(tail, 1.0 / np.maximum(lam, 1e-300), 2.5)
        u1, u2 = gen.random(todo.size), gen.random(todo.size)
        z = np.where(narrow, lo + (hi - lo) * u1,
                     np.where(tail, lo - np.log1p(-u1) / lam, gen.standard_normal(todo.size)))
        top = np.where(tail, lo, np.where(narrow, 0.0, z))    # log density bound
        with np.errstate(all="ignore"):
            ok = (z > lo) & (z < hi) & np.where(
                narrow, np.log(u2) <= (top * top - z * z) / 2.0,
                np.where(tail, np.log(u2) <= -(z - lam) ** 2 / 2.0, True))
        out[todo[ok]] = z[ok]
        todo = todo[~ok]
    return np.where(flip, -out, out).reshape(dims)


def _ptn_kernel(shape, seed, means, stddevs, minvals, maxvals, *, dtype):
    api = "stateless_parameterized_truncated_normal"
    dims = tuple(int(d) for d in shape)
    m, s, lo, hi = _broadcast(api, dims, ["means", "stddevs", "minvals", "maxvals"],
                              [means, stddevs, minvals, maxvals])
    if (s <= 0).any() or (lo > hi).any():
        raise ValueError(f"{api}: stddevs must be > 0 and minvals <= maxvals")
    z = _truncated_standard(_generator(api, seed), (lo - m) / s, (hi - m) / s)
    return (m + s * z).astype(dtype.np)


def _params_op(name, api, kernel, what, out_kinds, signature, doc):
    return register(OpDef(name, _infer_params(what, out_kinds), kernel, api=api,
                          differentiable=False, signature=signature, shape_rule="`shape`",
                          dtypes=f"params numeric -> {'/'.join(out_kinds)}", doc=doc))


_F = ("float16", "float32", "float64")
STATELESS_POISSON = _params_op(
    "StatelessRandomPoisson", "stateless_random_poisson", _poisson_kernel, ["lam"],
    _F + ("int32", "int64"), "stateless_random_poisson(shape, seed, lam, dtype=int32)",
    "Poisson(lam) counts fixed by `seed` (TF's distribution).")
STATELESS_BINOMIAL = _params_op(
    "StatelessRandomBinomial", "stateless_binomial", _binomial_kernel,
    ["counts", "probs"], _F + ("int32", "int64"),
    "stateless_binomial(shape, seed, counts, probs, output_dtype=int32)",
    "Binomial(counts, probs) counts fixed by `seed` (TF's distribution).")
STATELESS_PTN = _params_op(
    "StatelessParameterizedTruncatedNormal", "stateless_parameterized_truncated_normal",
    _ptn_kernel, ["means", "stddevs", "minvals", "maxvals"], _F,
    "stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, "
    "minvals=-2.0, maxvals=2.0)", "Normal(means, stddevs) values within [minvals, "
    "maxvals] fixed by `seed` (TF's distribution).")


def _params_call(op, api, shape, seed, params, dtype, name, param_dtype=None):
    with name_scope(name, api):
        ts = [convert_to_tensor(p, dtype=param_dtype) for p in params]
        return apply1(op, (_shape_tensor(shape, api), convert_to_tensor(seed), *ts),
                      name=op.name, dtype=dtypes.as_dtype(dtype))


def stateless_random_poisson(shape, seed, lam, dtype=dtypes.int32, name=None):
    """Poisson(lam) samples of `shape` (lam broadcast to its last dims), fixed by seed:
    `gc.random.stateless_poisson([10, 2], seed=[1, 2], lam=[0.5, 12.])`."""
    return _params_call(STATELESS_POISSON, "stateless_random_poisson", shape, seed, [lam],
                        dtype, name)


def stateless_binomial(shape, seed, counts, probs, output_dtype=dtypes.int32, name=None):
    """Binomial(counts, probs) samples of `shape`, fixed by seed:
    `gc.random.stateless_binomial([4], seed=[1, 2], counts=10., probs=0.3)`."""
    return _params_call(STATELESS_BINOMIAL, "stateless_random_binomial", shape, seed,
                        [counts, probs], output_dtype, name)


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0,
                                             minvals=-2.0, maxvals=2.0, name=None):
    """Normal(means, stddevs) samples within [minvals, maxvals] (each broadcast to
    `shape`), float32 unless means is a float tensor, fixed by seed:
    `gc.random.stateless_parameterized_truncated_normal([3], [1, 2], minvals=0.)`."""
    means = convert_to_tensor(means, dtype=None)
    dtype = means.dtype if means.dtype.is_floating else dtypes.float32
    return _params_call(STATELESS_PTN, "stateless_parameterized_truncated_normal", shape,
                        seed, [means, stddevs, minvals, maxvals], dtype, name, dtype)


def stateless_random_gamma(shape, seed, alpha, beta=None, dtype=dtypes.float32, name=None):
    """Gamma(alpha, rate beta) samples of `shape` (alpha, beta broadcast to its last
    dims), fixed by seed, differentiable in alpha and beta as TF's:
    `gc.random.stateless_gamma([10, 2], seed=[1, 2], alpha=[0.5, 1.5])`."""
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"stateless_random_gamma: dtype must be a float dtype, not "
                        f"{dtype.name}")
    with name_scope(name, "stateless_random_gamma"):
        shape = _shape_tensor(shape, "stateless_random_gamma")
        alpha = convert_to_tensor(alpha, dtype=dtype, name="alpha")
        full = alpha + zeros(shape, dtype)
        u = stateless_random_uniform(shape, seed, dtype=dtype)
        x = _igamma_inv_op(full, u, name="sample")
        if beta is not None:
            x = x / convert_to_tensor(beta, dtype=dtype, name="beta")
        from .random_extra import gamma_floor
        x = gamma_floor(x, full)
        if isinstance(full.shape, TensorShape) and full.shape.rank is not None:
            x.set_shape(full.shape)
        return x


# ---- seeds from seeds (TF's stateless_fold_in / stateless_split) -------------------------
def fold_in(seed, data, alg="auto_select"):
    """A new stateless seed from `seed` and the int `data`: [uniform int drawn with seed,
    data], in data's dtype (TF's tf.random.fold_in), for per-step or per-example seeds.

        step_seed = gc.random.fold_in([1, 2], step)
    """
    from .core import convert_to_tensor
    from .join import stack
    from .random_stateless import stateless_random_uniform
    data = convert_to_tensor(data, name="data")
    first = stateless_random_uniform([], seed, minval=None, maxval=None, dtype=data.dtype)
    return stack([first, data])


def split(seed, num=2, alg="auto_select"):
    """`num` new stateless seeds from `seed`, an int tensor of shape [num, 2] in seed's
    dtype (TF's tf.random.split).

        a, b = gc.unstack(gc.random.split([1, 2]))
    """
    from .core import convert_to_tensor
    from .random_stateless import stateless_random_uniform
    seed = convert_to_tensor(seed, name="seed")
    return stateless_random_uniform([num, 2], seed, minval=None, maxval=None,
                                    dtype=seed.dtype)
