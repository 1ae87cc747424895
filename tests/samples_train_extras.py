"""Samples for the gradient accumulator ops (graphc/ops/accumulators.py). An accumulator
op reads session state, so each sample builds its accumulator, applies gradients and
takes them back through control dependencies in one Session.run."""
import numpy as np

import graphc as gc
from graphc.accumulators import ConditionalAccumulator, SparseConditionalAccumulator
from samples import Sample


def _after(op, fn):
    with gc.control_dependencies([op]):
        return fn()


def _dense(reduction):
    def build(x, y):
        acc = ConditionalAccumulator(gc.float64, shape=x.shape, reduction_type=reduction)
        second = _after(acc.apply_grad(x), lambda: acc.apply_grad(y))
        return _after(second, lambda: acc.take_grad(2))
    return build


def _pair(rng):
    s = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(0, 3))))
    return [rng.standard_normal(s), rng.standard_normal(s)]


def _steps(x):
    """set_global_step(3): local_step 1 is stale (dropped), 3 is kept."""
    acc = ConditionalAccumulator(gc.float64)
    stale = _after(acc.set_global_step(3), lambda: acc.apply_grad(x, local_step=1))
    kept = _after(stale, lambda: acc.apply_grad(x, local_step=3))
    return _after(kept, acc.num_accumulated)


def _rows(rng):
    """Two sparse gradients with sorted, distinct indices (so TF's merge is the sorted
    union) and rows of width 3."""
    out = []
    for _ in range(2):
        idx = np.sort(rng.choice(8, size=int(rng.integers(1, 5)), replace=False))
        out += [idx.astype(np.int64), rng.standard_normal((len(idx), 3))]
    return out


def _sparse(i1, v1, i2, v2):
    acc = SparseConditionalAccumulator(gc.float64, shape=[8, 3])
    second = _after(acc.apply_grad(i1, v1), lambda: acc.apply_grad(i2, v2, grad_shape=[8, 3]))
    return list(_after(second, lambda: acc.take_grad(2)))


def _sparse_ref(i1, v1, i2, v2):
    idx = np.union1d(i1, i2)
    total, count = np.zeros((len(idx), 3)), np.zeros((len(idx), 1))
    for i, v in ((i1, v1), (i2, v2)):
        pos = np.searchsorted(idx, i)
        total[pos] += v
        count[pos] += 1
    return [idx, total / count, np.array([8, 3], np.int64)]


def _sparse_steps(i1, v1, i2, v2):
    acc = SparseConditionalAccumulator(gc.float64)
    stale = _after(acc.set_global_step(2), lambda: acc.apply_grad(i1, v1, local_step=0))
    kept = _after(stale, lambda: acc.apply_grad(i2, v2, local_step=2))
    return _after(kept, acc.num_accumulated)


SAMPLES = [
    Sample("ResourceConditionalAccumulator", _dense("MEAN"), _pair, lambda x, y: (x + y) / 2,
           grad=False),
    Sample("ResourceAccumulatorApplyGradient", _dense("SUM"), _pair, lambda x, y: x + y,
           grad=False, id="sum"),
    Sample("ResourceAccumulatorTakeGradient", _dense("MEAN"), _pair,
           lambda x, y: (x + y) / 2, grad=False),
    Sample("ResourceAccumulatorNumAccumulated", _steps, lambda rng: [rng.standard_normal(3)],
           lambda x: np.int32(1), grad=False),
    Sample("ResourceAccumulatorSetGlobalStep", _steps, lambda rng: [rng.standard_normal(())],
           lambda x: np.int32(1), grad=False),
    Sample("SparseConditionalAccumulator", _sparse, _rows, _sparse_ref, grad=False),
    Sample("SparseAccumulatorApplyGradient", _sparse, _rows, _sparse_ref, grad=False),
    Sample("SparseAccumulatorTakeGradient", _sparse, _rows, _sparse_ref, grad=False),
    Sample("AccumulatorNumAccumulated", _sparse_steps, _rows, lambda *a: np.int32(1),
           grad=False),
    Sample("AccumulatorSetGlobalStep", _sparse_steps, _rows, lambda *a: np.int32(1),
           grad=False),
]
