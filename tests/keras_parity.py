"""What the gc.keras parity files share: tf_keras (the legacy Keras 2 that TF 2.21 no
longer bundles; found at /tmp/p8/tfkeras where the parity runs install it) and
run_both, which builds one model in graphc and in TF1 graph mode with the same weights.
The files skip without TensorFlow or tf_keras (CI has neither)."""
import os
import sys

import pytest

import graphc as gc
from tf_parity import tf

_TFK = "/tmp/p8/tfkeras"
if os.path.isdir(_TFK) and _TFK not in sys.path:
    sys.path.insert(0, _TFK)
tfk = pytest.importorskip("tf_keras")
from tf_keras.src import backend as tfk_backend  # noqa: E402 (get_session/set_session)

# TF's while-loop gradients built after a session ran the loop need this (its error
# message says so); it does not change values.
tf.compat.v1.experimental.output_all_intermediates(True)


def run_both(build, run, tf_lib=None):
    """build(keras) -> model in a graphc and a TF graph; the graphc model's initial
    weights are copied into the TF one; run(model) in each; [gc_result, tf_result]."""
    out, init = [], None
    for lib in (gc.keras, tf_lib or tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            if lib is gc.keras:
                m = build(lib)
                init = m.get_weights()
                out.append(run(m))
            else:
                with tf.compat.v1.Session(graph=g) as sess:
                    tfk_backend.set_session(sess)
                    m = build(lib)
                    sess.run(tf.compat.v1.global_variables_initializer())
                    m.set_weights(init)
                    out.append(run(m))
    return out
