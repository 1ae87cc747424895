"""Parity with TF for session 10's small TF1 names (tests/test_misc10.py has the behaviour
tests): tf.compat.v1.conv (values), tf.newaxis indexing, and the
run_functions_eagerly switch."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc

CONV = {
    "same": (dict(strides=[1, 1, 1, 1], padding="SAME"), (2, 6, 6, 4), (3, 3, 4, 5)),
    "valid_strided": (dict(strides=[1, 2, 1, 1], padding="VALID"), (2, 7, 6, 3),
                      (3, 2, 3, 4)),
    "dilated": (dict(strides=[1, 1, 1, 1], padding="SAME", dilations=[1, 2, 2, 1]),
                (1, 7, 7, 2), (3, 3, 2, 3)),
    "explicit": (dict(strides=[1, 2, 2, 1], padding="EXPLICIT",
                      explicit_paddings=[0, 0, 1, 2, 0, 1, 0, 0]), (2, 6, 6, 4),
                 (3, 3, 4, 5)),
    "batch_dims_2": (dict(strides=[1, 1, 1, 1], padding="VALID", batch_dims=2),
                     (3, 2, 5, 5, 4), (3, 3, 4, 6)),
    "batch_dims_3_same": (dict(strides=[1, 1, 2, 1], padding="SAME", batch_dims=3),
                          (2, 2, 2, 4, 5, 3), (2, 3, 3, 2)),
    "conv3d": (dict(strides=[1, 1, 1, 1, 1], padding="VALID"), (2, 5, 5, 5, 3),
               (2, 2, 2, 3, 4)),
    "conv3d_same_strided": (dict(strides=[1, 2, 1, 2, 1], padding="SAME"),
                            (1, 5, 4, 6, 2), (3, 2, 3, 2, 3)),
}


@pytest.mark.parametrize("name", sorted(CONV))
def test_conv_matches_tf(name):
    kw, xs, ks = CONV[name]
    # TF registers no gradient for Conv; graphc's (composed) gradient is checked against
    # finite differences in tests/test_misc10.py
    check(lambda m, x, k: m.conv(x, k, **kw), rand(*xs, dtype=np.float32, seed=1),
          rand(*ks, dtype=np.float32, seed=2), rtol=2e-5, atol=2e-5, grad=False)


@pytest.mark.parametrize("index", [lambda m, x: x[:, m.newaxis],
                                   lambda m, x: x[m.newaxis, ..., m.newaxis],
                                   lambda m, x: x[1:, m.newaxis, 0]])
def test_newaxis_indexing_matches_tf(index):
    assert gc.newaxis is v1.newaxis is None
    check(index, rand(3, 4))


def test_run_functions_eagerly_matches_tf_in_graph_mode():
    """Both call the Python function directly, once per call, with no name scope."""
    def trace(m):
        calls = []

        @m.function
        def f(x):
            calls.append(x.name)
            return x * 2.0

        m.config.run_functions_eagerly(True)
        try:
            with m.Graph().as_default():
                y = f(m.constant([1.0], name="c"))
                return calls, y.name, m.config.functions_run_eagerly()
        finally:
            m.config.run_functions_eagerly(False)
    assert trace(gc) == trace(tf)
