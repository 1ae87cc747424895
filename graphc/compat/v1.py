"""tf.compat.v1: all of graphc, which is TF1's API (`import graphc.compat.v1 as tf`)."""
from graphc import *  # noqa: F401,F403
from graphc import (compat, debugging, initializers, layers, linalg, losses,  # noqa: F401
                    nn, testing, train)


def disable_v2_behavior():
    """TF2 code calls this to get TF1's graph mode: graphc has no other mode."""


def disable_eager_execution():
    """TF2 code calls this to get TF1's graph mode: graphc has no other mode."""


def executing_eagerly():
    """False: graphc builds graphs and runs them in a Session (TF1)."""
    return False
