"""gc.keras.layers: the Keras layers of graph-mode tf.keras (TF 1.x).

    h = gc.keras.layers.Dense(64, activation="relu")(gc.keras.Input(shape=(784,)))
"""
from . import (layers_activation, layers_attention, layers_conv, layers_conv_more, layers_core,
               layers_merge, layers_noise, layers_pooling_more, layers_preprocessing,
               layers_reshape, layers_rnn, layers_rnn_more, layers_wrappers)
from .engine import Input, InputLayer, InputSpec, Layer
from .layers_conv import *  # noqa: F401,F403
from .layers_core import *  # noqa: F401,F403
from .layers_merge import *  # noqa: F401,F403
from .layers_rnn import *  # noqa: F401,F403
from .layers_wrappers import *  # noqa: F401,F403
from .layers_activation import *  # noqa: F401,F403
from .layers_reshape import *  # noqa: F401,F403
from .layers_noise import *  # noqa: F401,F403
from .layers_pooling_more import *  # noqa: F401,F403
from .layers_conv_more import *  # noqa: F401,F403
from .layers_rnn_more import *  # noqa: F401,F403
from .layers_attention import *  # noqa: F401,F403
from .layers_preprocessing import *  # noqa: F401,F403
from .layers_normalization import LayerNormalization  # noqa: F401
from .layers_serialize_more2 import deserialize, serialize  # noqa: F401

__all__ = (["Layer", "InputLayer", "Input", "InputSpec", "LayerNormalization",
            "serialize", "deserialize"]
           + layers_core.__all__
           + layers_merge.__all__ + layers_conv.__all__ + layers_rnn.__all__ + layers_wrappers.__all__
           + layers_activation.__all__ + layers_reshape.__all__ + layers_noise.__all__
           + layers_pooling_more.__all__ + layers_conv_more.__all__ + layers_rnn_more.__all__
           + layers_attention.__all__ + layers_preprocessing.__all__)

# tf.keras.layers.experimental (TF 1.x names of layers that later left it)
from ..namespaces import _namespace  # noqa: E402

experimental = _namespace(
    "keras.layers.experimental", "gc.keras.layers.experimental (TF1's names): "
    "EinsumDense and preprocessing.", ["EinsumDense"], globals())
experimental.preprocessing = _namespace(
    "keras.layers.experimental.preprocessing", "The preprocessing layers (TF1's names).",
    ["CategoryEncoding", "CenterCrop", "Discretization", "Hashing", "Normalization",
     "Rescaling", "Resizing"], globals())
experimental.__all__.append("preprocessing")

