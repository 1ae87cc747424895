"""A TF1 training graph with control flow on ref variables (tests/data/make_tf_ema.py:
non-fused batch norm on a training placeholder, whose moving averages are assigned in a
tf.cond through RefSwitch, and an ExponentialMovingAverage, whose averages start from
initialized_value(): a cond on IsVariableInitialized, applied under a control dependency
on the optimizer step, reading the updated weights as TF's aliasing `read` Identities
do) imports with gc.train.import_meta_graph and trains as TF did. No TensorFlow
needed."""
import os

import numpy as np
import pytest

import graphc as gc

HERE = os.path.join(os.path.dirname(__file__), "data")
XS = np.arange(12, dtype=np.float32).reshape(4, 3) / 4


@pytest.mark.parametrize("optimize", [True, False], ids=["optimized", "unoptimized"])
def test_batch_norm_and_ema_train_as_in_tf(optimize):
    want = np.load(os.path.join(HERE, "tf_ema.npz"))
    with gc.Graph().as_default() as g, gc.Session(optimize=optimize) as s:
        gc.train.import_meta_graph(os.path.join(HERE, "tf_ema.meta"))
        ops = {n.type for n in g.get_operations()}
        assert "IsVariableInitialized" in ops and "If" in ops
        s.run(gc.global_variables_initializer())
        for step in range(3):
            loss, _ = s.run(["loss:0", "train"], {"x:0": XS, "training:0": True})
            np.testing.assert_allclose(loss, want["losses"][step], rtol=1e-5)
            for k in want.files:
                if k not in ("losses", "eval_loss"):
                    np.testing.assert_allclose(s.run(k + ":0"), want[k][step], rtol=1e-5,
                                               atol=1e-7, err_msg=f"{k} after step {step}")
        np.testing.assert_allclose(s.run("loss:0", {"x:0": XS}), want["eval_loss"],
                                   rtol=1e-5)
