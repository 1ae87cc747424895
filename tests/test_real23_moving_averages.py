"""moving_averages.assign_moving_average (TF1's tensorflow/python/training/
moving_averages.py: custom batch norms and sonnet's VectorQuantizerEMA import it); the
values are TF 2.21's."""
import numpy as np

import graphc as gc
from graphc.train import moving_averages


def test_assign_moving_average_plain_and_zero_debiased():
    v, w = gc.Variable([1.0, 2.0]), gc.Variable([1.0, 2.0])
    h = gc.Variable([1.0, 2.0], dtype=gc.float64)
    val = gc.placeholder(gc.float32, [2])
    debiased = moving_averages.assign_moving_average(v, val, 0.9)
    plain = moving_averages.assign_moving_average(w, val, 0.9, zero_debias=False, name="plain")
    halfway = moving_averages.assign_moving_average(h, gc.cast(val, gc.float64),
                                                    gc.constant(0.5), zero_debias=False)
    assert [debiased.name, plain.name, halfway.dtype] == ["AssignMovingAvg:0", "plain:0",
                                                          gc.float64]
    assert sorted(x.name for x in gc.global_variables())[:2] == ["Variable/biased:0",
                                                                 "Variable/local_step:0"]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        out = [sess.run([debiased, plain, halfway], {val: [3.0 + i, -1.0]}) for i in range(3)]
    np.testing.assert_allclose([o[0] for o in out], [[3, -1], [3.5263158, -1], [4.0701108, -1]],
                               rtol=1e-6)
    np.testing.assert_allclose([o[1] for o in out], [[1.2, 1.7], [1.48, 1.43], [1.832, 1.187]],
                               rtol=1e-6)
    np.testing.assert_allclose([o[2] for o in out], [[2, 0.5], [3, -0.25], [4, -0.625]])
