import numpy as np
import pytest
from tf_parity import check, rand

CASES = {
    "matmul_tb": (lambda m, x, y: m.matmul(x, y, transpose_b=True), rand(3, 4), rand(5, 4)),
    "relu": (lambda m, x: m.nn.relu(x), rand(3, 4)),
    "reduce_sum_kd": (lambda m, x: m.reduce_sum(x, axis=[0, 2], keepdims=True), rand(2, 3, 4)),
    "softmax_xent": (lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z),
                     np.eye(5)[[1, 3, 0]] * 0.7 + 0.06, rand(3, 5)),
    "moments": (lambda m, x: m.nn.moments(x, axes=[0]), rand(6, 3)),
    "gather": (lambda m, x, i: m.gather(x, i, axis=1), rand(3, 5), np.array([4, 0, 4], np.int32)),
    "split": (lambda m, x: m.split(x, [1, 3], axis=1), rand(2, 4)),
}

@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    check(fn, *args)
