"""Samples for graphc.ops.elementwise (see samples.py)."""
import math

import numpy as np

import graphc as gc
from samples import Sample, away_from, broadcastable, normal, positive, shape


def _unary(op, fn, ref, gen=normal, grad=True, **kw):
    return Sample(op, fn, lambda r: [gen(r, shape(r))], ref, grad=grad, **kw)


def _binary(op, fn, ref, gen=normal, gen_y=None, grad=True, **kw):
    gen_y = gen_y or gen

    def inputs(r):
        s = shape(r)
        t = broadcastable(r, s)
        return [gen(r, s), gen_y(r, t)] if r.random() < 0.5 else [gen(r, t), gen_y(r, s)]
    return Sample(op, fn, inputs, ref, grad=grad, **kw)


def _ints(r, s):
    return r.integers(-9, 10, size=s).astype(np.int32)


def _nonzero_ints(r, s):
    x = r.integers(1, 10, size=s) * r.choice([-1, 1], size=s)
    return x.astype(np.int32)


def _bools(r, s):
    return r.random(s) < 0.5


def _erf(x):
    return np.vectorize(math.erf)(x)


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _distinct(gen, gap=0.2):
    """Pairs of values at least `gap` apart (max/min/compare are kinked at ties)."""
    def inputs(r):
        s = shape(r)
        t = broadcastable(r, s)
        x, y = gen(r, s), gen(r, t)
        xb = np.broadcast_to(x, np.broadcast_shapes(s, t))
        yb = np.broadcast_to(y, xb.shape)
        if np.any(np.abs(xb - yb) < gap):
            return [x, y + 10.0] if t == () or np.ndim(y) else [x, y + 10.0]
        return [x, y]
    return inputs


SAMPLES = [
    _binary("Add", lambda x, y: x + y, np.add),
    _binary("Add", lambda x, y: gc.add(x, 2.5), lambda x, y: x + 2.5, id="scalar"),
    _binary("Sub", lambda x, y: x - y, np.subtract),
    _binary("Mul", lambda x, y: x * y, np.multiply),
    _binary("RealDiv", lambda x, y: x / y, np.divide, gen_y=lambda r, s: positive(r, s)),
    _binary("RealDiv", lambda x, y: gc.divide(x, y), lambda x, y: x / y,
            gen=_ints, gen_y=_nonzero_ints, grad=False, id="int->float64"),
    _binary("FloorDiv", lambda x, y: x // y, np.floor_divide, gen=_ints,
            gen_y=_nonzero_ints, grad=False),
    _binary("FloorMod", lambda x, y: x % y, np.mod,
            gen=lambda r, s: positive(r, s, 0.1, 0.9) + r.integers(0, 3, s),
            gen_y=lambda r, s: positive(r, s, 1.05, 1.1)),
    _binary("FloorMod", lambda x, y: gc.mod(x, y), np.mod, gen=_ints, gen_y=_nonzero_ints,
            grad=False, id="int"),
    _binary("Pow", lambda x, y: x ** y, np.power, gen=positive),
    Sample("Maximum", lambda x, y: gc.maximum(x, y), _distinct(normal), np.maximum),
    Sample("Minimum", lambda x, y: gc.minimum(x, y), _distinct(normal), np.minimum),
    _binary("SquaredDifference", gc.squared_difference, lambda x, y: (x - y) ** 2),
    _binary("Equal", gc.equal, np.equal, gen=_ints, grad=False),
    _binary("NotEqual", gc.not_equal, np.not_equal, gen=_ints, grad=False),
    _binary("Less", lambda x, y: x < y, np.less, grad=False),
    _binary("LessEqual", lambda x, y: x <= y, np.less_equal, gen=_ints, grad=False),
    _binary("Greater", lambda x, y: x > y, np.greater, grad=False),
    _binary("GreaterEqual", lambda x, y: x >= y, np.greater_equal, gen=_ints, grad=False),
    _binary("LogicalAnd", lambda x, y: x & y, np.logical_and, gen=_bools, grad=False),
    _binary("LogicalOr", lambda x, y: x | y, np.logical_or, gen=_bools, grad=False),
    _binary("LogicalXor", lambda x, y: x ^ y, np.logical_xor, gen=_bools, grad=False),
    _unary("LogicalNot", lambda x: ~x, np.logical_not, gen=_bools, grad=False),
    _unary("IsNan", gc.is_nan, np.isnan, grad=False),
    _unary("IsInf", gc.is_inf, np.isinf, grad=False),
    _unary("IsFinite", gc.is_finite, np.isfinite, grad=False),
    _unary("Neg", lambda x: -x, np.negative),
    _unary("Abs", lambda x: abs(x), np.abs, gen=away_from),
    _unary("Sign", gc.sign, np.sign, gen=away_from),       # gradient: zeros (TF1)
    _unary("Square", gc.square, np.square),
    _unary("Sqrt", gc.sqrt, np.sqrt, gen=positive),
    _unary("Rsqrt", gc.rsqrt, lambda x: 1 / np.sqrt(x), gen=positive),
    _unary("Exp", gc.exp, np.exp),
    _unary("Log", gc.log, np.log, gen=positive),
    _unary("Log1p", gc.log1p, np.log1p, gen=positive),
    _unary("Expm1", gc.expm1, np.expm1),
    _unary("Sin", gc.sin, np.sin),
    _unary("Cos", gc.cos, np.cos),
    _unary("Tan", gc.tan, np.tan, gen=lambda r, s: r.uniform(-1.2, 1.2, s)),
    _unary("Tanh", gc.tanh, np.tanh),
    _unary("Sigmoid", gc.sigmoid, _sig),
    _unary("Erf", gc.erf, _erf),
    _unary("Floor", gc.floor, np.floor, grad=False),
    _unary("Ceil", gc.ceil, np.ceil, grad=False),
    _unary("Round", gc.round, np.round, grad=False),
    _unary("Reciprocal", gc.reciprocal, np.reciprocal, gen=positive),
    _unary("Softplus", gc.nn.softplus, lambda x: np.log1p(np.exp(x))),
    _unary("Softsign", gc.nn.softsign, lambda x: x / (1 + np.abs(x))),
    _unary("Relu", gc.nn.relu, lambda x: np.maximum(x, 0), gen=away_from),
    _unary("Relu6", gc.nn.relu6, lambda x: np.clip(x, 0, 6),
           gen=lambda r, s: away_from(r, s, (0.0, 6.0), scale=4.0)),
    _unary("Elu", gc.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), gen=away_from),
    _unary("Selu", gc.nn.selu,
           lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
           gen=away_from),
    _unary("LeakyRelu", lambda x: gc.nn.leaky_relu(x, alpha=0.1),
           lambda x: np.where(x > 0, x, 0.1 * x), gen=away_from),
    Sample("Select", lambda c, x, y: gc.where(c, x, y),      # TF1's: x, y, condition equal
           lambda r: [r.random((3, 4)) < 0.5, normal(r, (3, 4)), normal(r, (3, 4))],
           lambda c, x, y: np.where(c, x, y)),
    Sample("Select", lambda c, x, y: gc.where(c, x, y),      # TF1's: a vector picks rows
           lambda r: [r.random(3) < 0.5, normal(r, (3, 4, 2)), normal(r, (3, 4, 2))],
           lambda c, x, y: np.where(c[:, None, None], x, y), id="rows"),
    _unary("Cast", lambda x: gc.cast(x, gc.float32), lambda x: x.astype(np.float32),
           rtol=1e-6, atol=1e-6, grad_kw={"eps": 0.5}),  # linear: FD is exact
    _unary("Cast", lambda x: gc.cast(x, gc.int32), lambda x: x.astype(np.int32),
           id="float->int", grad=False),
    Sample("AddN", lambda a, b, c: gc.add_n([a, b, c]),
           lambda r: [normal(r, (2, 3)) for _ in range(3)], lambda a, b, c: a + b + c),
    Sample("SumTo", lambda g: gc.sum_to(g, [3, 1]), lambda r: [normal(r, (2, 3, 4))],
           lambda g: g.sum(axis=(0, 2)).reshape(3, 1)),
    Sample("BroadcastTo", lambda x: gc.broadcast_to(x, [2, 3, 4]),
           lambda r: [normal(r, (3, 1))], lambda x: np.broadcast_to(x, (2, 3, 4))),
]

SAMPLES.append(Sample("ReluGrad", lambda g, y: gc.relu_grad(g, y),
                      lambda r: [normal(r, (3, 4)), away_from(r, (3, 4))],
                      lambda g, y: g * (y > 0)))
SAMPLES.append(Sample("Relu6Grad", lambda g, y: gc.ops.activations.relu6_grad(g, y),
                      lambda r: [normal(r, (3, 4)), away_from(r, (3, 4), (0.0, 6.0), scale=4.0)],
                      lambda g, y: g * ((y > 0) & (y < 6))))
SAMPLES.append(Sample("LeakyReluGrad",
                      lambda g, y: gc.ops.activations.leaky_relu_grad(g, y, alpha=0.3),
                      lambda r: [normal(r, (3, 4)), away_from(r, (3, 4))],
                      lambda g, y: np.where(y > 0, g, 0.3 * g)))
