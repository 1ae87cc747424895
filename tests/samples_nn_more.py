"""Samples for conv3d.py (3-D convolution, pooling and their gradient ops) and nn_misc.py's
ops (LRN, InTopKV2); see samples.py. The references are naive loops written from TF's
definitions: the 3-D ones run over output voxels and window taps with TF's padding rule
(samples_nn.tf_padding), independent of the sliding-window kernels."""
import numpy as np

import graphc as gc
from samples import Sample, normal
from samples_nn import _distinct, tf_padding


# ---- naive 3-D references (NDHWC) ----------------------------------------------------------
def out3(sp, k, strides, padding, dilations=(1, 1, 1)):
    return tuple(tf_padding(n, kk, s, padding, d)[0]
                 for n, kk, s, d in zip(sp, k, strides, dilations))


def taps3(sp, k, strides, padding, dilations=(1, 1, 1)):
    """Yields (o, t, i) for every output voxel o and window tap t that reads the real
    input voxel i (taps in row-major order)."""
    geo = [tf_padding(n, kk, s, padding, d) for n, kk, s, d in zip(sp, k, strides, dilations)]
    for o in np.ndindex(*[g[0] for g in geo]):
        for t in np.ndindex(*k):
            i = tuple(oo * s + tt * d - g[1]
                      for oo, tt, s, d, g in zip(o, t, strides, dilations, geo))
            if all(0 <= ii < n for ii, n in zip(i, sp)):
                yield o, t, i


def _at(v):
    """The index [:, v[0], v[1], v[2]] (all batch items at one voxel)."""
    return (slice(None),) + tuple(v)


def conv3d_ref(x, f, strides, padding, dilations=(1, 1, 1)):
    sp = out3(x.shape[1:4], f.shape[:3], strides, padding, dilations)
    out = np.zeros((x.shape[0],) + sp + (f.shape[4],))
    for o, t, i in taps3(x.shape[1:4], f.shape[:3], strides, padding, dilations):
        out[_at(o)] += x[_at(i)] @ f[t]
    return out


def conv3d_input_ref(sizes, f, g, strides, padding, dilations=(1, 1, 1)):
    dx = np.zeros(sizes)
    for o, t, i in taps3(sizes[1:4], f.shape[:3], strides, padding, dilations):
        dx[_at(i)] += g[_at(o)] @ f[t].T
    return dx


def conv3d_filter_ref(x, fsizes, g, strides, padding, dilations=(1, 1, 1)):
    df = np.zeros(fsizes)
    for o, t, i in taps3(x.shape[1:4], fsizes[:3], strides, padding, dilations):
        df[t] += x[_at(i)].T @ g[_at(o)]
    return df


def _windows3(sp, k, strides, padding):
    """{o: [i, ...]} the real input voxels of each output voxel, in tap order."""
    out = {}
    for o, _, i in taps3(sp, k, strides, padding):
        out.setdefault(o, []).append(i)
    return out


def pool3d_ref(x, k, strides, padding, reduce):
    out = np.zeros((x.shape[0],) + out3(x.shape[1:4], k, strides, padding) + (x.shape[4],))
    for o, vox in _windows3(x.shape[1:4], k, strides, padding).items():
        out[_at(o)] = reduce(np.stack([x[_at(i)] for i in vox]), axis=0)
    return out


def max_pool3d_grad_ref(x, g, k, strides, padding, adjoint=False):
    """Routes g to the first max of each window (adjoint: reads g there instead)."""
    sp = x.shape[1:4]
    out = np.zeros((x.shape[0],) + out3(sp, k, strides, padding) + x.shape[4:]
                   if adjoint else x.shape)
    for o, vox in _windows3(sp, k, strides, padding).items():
        first = np.stack([x[_at(i)] for i in vox]).argmax(axis=0)     # (N, C)
        for n, i in enumerate(vox):
            if adjoint:
                out[_at(o)] += np.where(first == n, g[_at(i)], 0)
            else:
                out[_at(i)] += np.where(first == n, g[_at(o)], 0)
    return out


def avg_pool3d_grad_ref(sizes, g, k, strides, padding):
    out = np.zeros(sizes)
    for o, vox in _windows3(sizes[1:4], k, strides, padding).items():
        for i in vox:
            out[_at(i)] += g[_at(o)] / len(vox)
    return out


def _ncdhw(a):
    return np.moveaxis(a, -1, 1)


def _ndhwc(a):
    return np.moveaxis(a, 1, -1)


# ---- 3-D samples ---------------------------------------------------------------------------
def _dhw(r):
    """Spatial sizes (D, H, W), never equal, odd or even."""
    d = int(r.choice([3, 4]))
    return d, d + int(r.choice([1, 2])), d + 3


def _five(v, fmt):
    return [1, *v, 1] if fmt == "NDHWC" else [1, 1, *v]


def _conv_sample(strides, padding, k=(2, 3, 2), dilations=(1, 1, 1), fmt="NDHWC"):
    def inputs(r):
        x = normal(r, (2,) + _dhw(r) + (2,))
        return [x if fmt == "NDHWC" else _ncdhw(x), normal(r, k + (2, 3))]

    def ref(x, f):
        x = x if fmt == "NDHWC" else _ndhwc(x)
        y = conv3d_ref(x, f, strides, padding, dilations)
        return y if fmt == "NDHWC" else _ncdhw(y)
    return Sample("Conv3D", lambda x, f: gc.nn.conv3d(x, f, _five(strides, fmt), padding,
                                                      data_format=fmt,
                                                      dilations=_five(dilations, fmt)),
                  inputs, ref, id=f"{fmt} {padding}-s{''.join(map(str, strides))}"
                                  f"-d{''.join(map(str, dilations))}")


def _input_sample(strides, padding, transpose=False, k=(2, 2, 3)):
    def inputs(r):
        sp = _dhw(r)
        g = normal(r, (2,) + out3(sp, k, strides, padding) + (3,))
        return [np.array((2,) + sp + (2,), np.int32), normal(r, k + (2, 3)), g]

    def build(s, f, g):
        if transpose:       # value g, filter f, output_shape s
            return gc.nn.conv3d_transpose(g, f, s, [1, *strides, 1], padding)
        return gc.nn.conv3d_backprop_input_v2(s, f, g, [1, *strides, 1], padding)
    return Sample("Conv3DBackpropInputV2", build, inputs,
                  lambda s, f, g: conv3d_input_ref(tuple(s), f, g, strides, padding),
                  id=f"{'conv3d_transpose ' if transpose else ''}{padding}-s{strides[0]}")


def _filter_sample(strides, padding, k=(3, 2, 2)):
    def inputs(r):
        sp = _dhw(r)
        return [normal(r, (2,) + sp + (2,)),
                normal(r, (2,) + out3(sp, k, strides, padding) + (3,))]
    return Sample("Conv3DBackpropFilterV2",
                  lambda x, g: gc.nn.conv3d_backprop_filter_v2(x, list(k) + [2, 3], g,
                                                               [1, *strides, 1], padding),
                  inputs,
                  lambda x, g: conv3d_filter_ref(x, k + (2, 3), g, strides, padding),
                  id=f"{padding}-s{''.join(map(str, strides))}")


def _pool_sample(op, k, strides, padding, fmt="NDHWC"):
    fn = gc.nn.max_pool3d if op == "MaxPool3D" else gc.nn.avg_pool3d
    reduce = np.max if op == "MaxPool3D" else np.mean

    def inputs(r):
        x = _distinct(r, (2,) + _dhw(r) + (2,))
        return [x if fmt == "NDHWC" else _ncdhw(x)]

    def ref(x):
        x = x if fmt == "NDHWC" else _ndhwc(x)
        y = pool3d_ref(x, k, strides, padding, reduce)
        return y if fmt == "NDHWC" else _ncdhw(y)
    return Sample(op, lambda x: fn(x, _five(k, fmt), _five(strides, fmt), padding,
                                   data_format=fmt),
                  inputs, ref, id=f"{fmt} {padding}-k{''.join(map(str, k))}-s{strides[0]}")


def _max_grad_sample(op, padding, strides=(2, 1, 2), k=(2, 2, 3)):
    def inputs(r):
        sp = _dhw(r)
        gs = sp if op == "MaxPool3DGradGrad" else out3(sp, k, strides, padding)
        return [_distinct(r, (2,) + sp + (2,)), normal(r, (2,) + gs + (2,))]

    def build(x, g):
        y = gc.nn.max_pool3d(x, k, strides, padding)
        fn = gc.nn.max_pool3d_grad_grad if op == "MaxPool3DGradGrad" else gc.nn.max_pool3d_grad
        return fn(x, y, g, k, strides, padding)
    return Sample(op, build, inputs,
                  lambda x, g: max_pool3d_grad_ref(x, g, k, strides, padding,
                                                   adjoint=op == "MaxPool3DGradGrad"),
                  id=padding)


def _avg_grad_sample(padding, strides=(1, 2, 2), k=(2, 3, 2)):
    def inputs(r):
        sp = _dhw(r)
        return [np.array((2,) + sp + (2,), np.int32),
                normal(r, (2,) + out3(sp, k, strides, padding) + (2,))]
    return Sample("AvgPool3DGrad",
                  lambda s, g: gc.nn.avg_pool3d_grad(s, g, k, strides, padding), inputs,
                  lambda s, g: avg_pool3d_grad_ref(tuple(s), g, k, strides, padding),
                  id=padding)


# ---- LRN and in_top_k ----------------------------------------------------------------------
def lrn_ref(x, r, bias, alpha, beta):
    """out[..., c] = x[..., c] / (bias + alpha * sum of x[..., d]^2, |d - c| <= r) ** beta."""
    out = np.empty_like(x)
    depth = x.shape[-1]
    for c in range(depth):
        sqr = (x[..., max(0, c - r):c + r + 1] ** 2).sum(-1)
        out[..., c] = x[..., c] / (bias + alpha * sqr) ** beta
    return out


def _lrn_sample(r, bias, alpha, beta, shape=(2, 3, 4, 7)):
    return Sample("LRN", lambda x: gc.nn.local_response_normalization(x, r, bias, alpha, beta),
                  lambda rng: [normal(rng, shape)],
                  lambda x: lrn_ref(x, r, bias, alpha, beta),
                  id=f"r{r}-b{bias}-a{alpha}-beta{beta}")


def in_top_k_ref(p, t, k):
    """Row i: False for a target out of range or a non-finite row, else whether fewer
    than k entries beat the target's score (ties do not beat it)."""
    out = np.zeros(len(t), bool)
    for i, row in enumerate(p):
        if 0 <= t[i] < len(row) and all(np.isfinite(v) for v in row):
            out[i] = sum(1 for v in row if v > row[t[i]]) < k
    return out


def _top_k_inputs(r):
    """Scores with many ties (small integers), one row with a nan, one with an inf, and
    targets including -1 and the class count (out of range)."""
    p = r.integers(0, 4, size=(7, 5)).astype(np.float32)
    p[1, int(r.integers(0, 5))] = np.nan
    p[2, int(r.integers(0, 5))] = -np.inf
    t = r.integers(0, 5, size=7).astype(np.int32)
    t[3], t[4] = -1, 5
    return [p, t, np.int32(r.integers(1, 4))]


SAMPLES = [
    _conv_sample((1, 2, 2), "SAME"),
    _conv_sample((2, 1, 1), "VALID", k=(2, 2, 3)),
    _conv_sample((1, 1, 1), "SAME", dilations=(2, 1, 2)),
    _conv_sample((1, 1, 2), "VALID", fmt="NCDHW"),
    _input_sample((1, 2, 2), "SAME"),
    _input_sample((2, 1, 1), "VALID", transpose=True),
    Sample("Conv3DBackpropInputV2",
           lambda g, f: gc.nn.conv3d_transpose(g, f, [2, 2, 3, 4, 5], [1, 1, 1, 2, 2],
                                               "SAME", data_format="NCDHW"),
           lambda r: [normal(r, (2, 3, 3, 2, 3)), normal(r, (2, 3, 2, 2, 3))],
           lambda g, f: _ncdhw(conv3d_input_ref((2, 3, 4, 5, 2), f, _ndhwc(g), (1, 2, 2),
                                                "SAME")),
           id="conv3d_transpose NCDHW"),
    _filter_sample((2, 1, 2), "SAME"),
    _filter_sample((1, 1, 1), "VALID"),
    _pool_sample("MaxPool3D", (2, 2, 2), (2, 2, 2), "VALID"),
    _pool_sample("MaxPool3D", (3, 2, 2), (2, 1, 2), "SAME"),
    _pool_sample("MaxPool3D", (2, 3, 2), (1, 2, 1), "SAME", fmt="NCDHW"),
    _pool_sample("AvgPool3D", (2, 2, 2), (2, 2, 2), "VALID"),
    _pool_sample("AvgPool3D", (3, 2, 2), (2, 1, 2), "SAME"),
    _pool_sample("AvgPool3D", (2, 3, 2), (1, 2, 1), "SAME", fmt="NCDHW"),
    _max_grad_sample("MaxPool3DGrad", "SAME"),
    _max_grad_sample("MaxPool3DGrad", "VALID", strides=(1, 1, 1)),
    _max_grad_sample("MaxPool3DGradGrad", "SAME"),
    _max_grad_sample("MaxPool3DGradGrad", "VALID", strides=(1, 1, 1)),
    _avg_grad_sample("SAME"),
    _avg_grad_sample("VALID"),
    _lrn_sample(2, 1.5, 0.3, 0.75),
    _lrn_sample(5, 1.0, 1.0, 0.5),                      # TF's defaults; radius > depth
    _lrn_sample(1, 2.0, 0.1, 1.5, shape=(3, 2, 1, 6)),
    Sample("InTopKV2", gc.nn.in_top_k, _top_k_inputs, in_top_k_ref, grad=False),
]
