"""Kernels with kernel_out (in-place / buffer reuse) give the same values as without."""
import numpy as np

import graphc as gc


def test_large_inplace_chain_matches_unoptimized():
    rng = np.random.default_rng(0)
    x = gc.placeholder(gc.float64, (None, 64), name="x")
    W = gc.constant(rng.standard_normal((64, 64)) * 0.2)
    h = x
    for _ in range(3):
        h = gc.nn.relu(gc.matmul(h, W) + 0.1)
        h = gc.sigmoid(h) * 2.0 - gc.nn.softplus(-h)
    loss = gc.reduce_sum(h * h)
    g, = gc.gradients(loss, [x])
    xv = rng.standard_normal((128, 64))
    exe = gc.compile([h, g], feed_list=[x])
    with gc.Session() as s, gc.Session(optimize=False) as ref:
        got = s.run([h, g], {x: xv})
        want = ref.run([h, g], {x: xv})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert exe.plan.inplace > 0                       # the rewrite really happened
    np.testing.assert_array_equal(xv, xv.copy())      # the feed is untouched
