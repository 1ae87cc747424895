"""gc.contrib.slim (tf.contrib.slim): contrib.layers and contrib.framework together."""
from .framework import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from . import framework as _framework, layers as _layers
from . import framework_learning as learning, framework_training as training  # noqa: F401

__all__ = sorted(set(_framework.__all__) | set(_layers.__all__)) + ["learning", "training"]
