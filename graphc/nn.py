"""TF1's tf.nn namespace: thin re-exports."""
from .ops.elementwise import (elu, leaky_relu, relu, relu6, selu, sigmoid, softplus,  # noqa: F401
                              softsign, tanh)
from .ops.nn import *  # noqa: F401,F403
from .ops.sorting import top_k  # noqa: F401
from .ops.nn_extra import *  # noqa: F401,F403
from .ops.conv_extra import *  # noqa: F401,F403
from .ops.depthwise import *  # noqa: F401,F403
from .ops.conv3d import *  # noqa: F401,F403
from .ops.nn_misc import *  # noqa: F401,F403
from .ops.sampled import *  # noqa: F401,F403
from .ops.nn_more import *  # noqa: F401,F403
from .ops.nn_composites import *  # noqa: F401,F403
from .ops.ctc import *  # noqa: F401,F403
from .ops.rnn import (bidirectional_dynamic_rnn, dynamic_rnn,  # noqa: F401
                      static_bidirectional_rnn, static_rnn)
from .sparse import embedding_lookup_sparse  # noqa: F401
from . import rnn_cell  # noqa: F401,E402
from .ops.nn_backprop import (compute_average_loss,  # noqa: F401,E402
                              depthwise_conv2d_backprop_filter,
                              depthwise_conv2d_backprop_input, scale_regularization_loss)
from .ops.space_batch import space_to_batch  # noqa: F401,E402
from .ops.fractional_pool import *  # noqa: F401,F403,E402
from .ops.with_space_batch import *  # noqa: F401,F403,E402
from .ops.math_ndtri import approx_max_k, approx_min_k  # noqa: F401,E402 (tf.nn has them too)
from .ops.sampled_more import *  # noqa: F401,F403,E402 (candidate samplers)
from .ops.nn_quantized import *  # noqa: F401,F403,E402 (quantized_*)
from .ops.raw_rnn import raw_rnn  # noqa: F401,E402
from .namespaces import _namespace  # noqa: E402
from .ops import stateless_dropout as _stateless_dropout  # noqa: E402
experimental = _namespace("nn.experimental", "tf.nn.experimental (TF1 names): the dropouts.",
                          _stateless_dropout.__all__, vars(_stateless_dropout))
