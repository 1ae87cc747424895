"""gc.keras.layers: the Keras layers of graph-mode tf.keras (TF 1.x).

    h = gc.keras.layers.Dense(64, activation="relu")(gc.keras.Input(shape=(784,)))
"""
from . import layers_conv, layers_core, layers_merge, layers_rnn, layers_wrappers
from .engine import Input, InputLayer, InputSpec, Layer
from .layers_conv import *  # noqa: F401,F403
from .layers_core import *  # noqa: F401,F403
from .layers_merge import *  # noqa: F401,F403
from .layers_rnn import *  # noqa: F401,F403
from .layers_wrappers import *  # noqa: F401,F403

__all__ = (["Layer", "InputLayer", "Input", "InputSpec"] + layers_core.__all__
           + layers_merge.__all__ + layers_conv.__all__ + layers_rnn.__all__ + layers_wrappers.__all__)
