"""graphc: a define-then-run graph compiler in the TensorFlow-1 style, on numpy.

    import graphc as gc
    x = gc.placeholder(gc.float32, shape=(None, 3))
    y = gc.reduce_sum(x * 2.0, axis=1)
    with gc.Session() as sess:
        print(sess.run(y, feed_dict={x: [[1, 2, 3]]}))
"""

from . import dtypes, errors
from .dtypes import (DType, as_dtype, float16, float32, float64, int8, int16, int32, int64,
                     string, uint8, uint16, uint32, uint64)
from .dtypes import float16 as half, float64 as double  # noqa: E402,F401 (TF1 aliases)
from .dtypes import bool_ as bool  # noqa: A001  (TF1 name: gc.bool)
from .graph import (Graph, Operation, Tensor, colocate_with, container,
                    control_dependencies, device, get_default_graph, name_scope,
                    reset_default_graph)
from .shapes import Dimension, TensorShape, dimension_at_index
from .ops.core import *  # noqa: F401,F403
from .ops.elementwise import *  # noqa: F401,F403
from .ops.array import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.trig import *  # noqa: F401,F403
from .ops.gamma import *  # noqa: F401,F403
from .ops.scan import *  # noqa: F401,F403
from .ops.scatter import *  # noqa: F401,F403
from .ops.mask import *  # noqa: F401,F403
from .ops.sorting import *  # noqa: F401,F403
from .ops.matrix import *  # noqa: F401,F403
from .ops.norm import *  # noqa: F401,F403
from .ops.where import *  # noqa: F401,F403
from .ops.segment import *  # noqa: F401,F403
from .ops.partition import *  # noqa: F401,F403
from .ops.random import *  # noqa: F401,F403
from .ops.state import *  # noqa: F401,F403
from .ops.variable_creator import *  # noqa: F401,F403
from .ops.scope import *  # noqa: F401,F403
from .ops.varstore import *  # noqa: F401,F403
from .partitioned import *  # noqa: F401,F403
from .ops.template import *  # noqa: F401,F403
from .ops.graphkeys import *  # noqa: F401,F403
from .initializers import (constant_initializer, glorot_normal_initializer,  # noqa: F401
                           glorot_uniform_initializer, ones_initializer,
                           orthogonal_initializer,
                           random_normal_initializer, random_uniform_initializer,
                           truncated_normal_initializer, uniform_unit_scaling_initializer,
                           variance_scaling_initializer, zeros_initializer)
from .ops.control import *  # noqa: F401,F403
from .ops.loop import *  # noqa: F401,F403
from .ops.clip import *  # noqa: F401,F403
from .ops.debug import Print, add_check_numerics_ops, check_numerics, verify_tensor_all_finite
from .ops.debug import print_v2 as print  # noqa: A001  (TF1 name: gc.print)
from .ops.asserts import *  # noqa: F401,F403
from .ops.functional import *  # noqa: F401,F403
from .ops.reverse_sequence import reverse_sequence
from .ops.pyfunc import numpy_function, py_func
from .ops.tensor_array import TensorArray
from .ops.conv_extra import extract_image_patches
from .ops.math_composite import *  # noqa: F401,F403
from .ops.decomp import *  # noqa: F401,F403
from .ops.solve import *  # noqa: F401,F403
from .ops.array_extra import *  # noqa: F401,F403
from .ops.math_extra import *  # noqa: F401,F403
from .ops.math_more import *  # noqa: F401,F403
from .ops.special import *  # noqa: F401,F403
from .ops.array_more import *  # noqa: F401,F403
from .ops.counting import *  # noqa: F401,F403
from .ops.random_extra import *  # noqa: F401,F403
from .ops.state_scatter import *  # noqa: F401,F403
from .ops.init_checks import *  # noqa: F401,F403
from .ops.strings import *  # noqa: F401,F403
from .ops.parsing import *  # noqa: F401,F403
from .ops.linalg_more import *  # noqa: F401,F403
from .ops.complex_ops import *  # noqa: F401,F403
from .ops.fft import *  # noqa: F401,F403
from .ops.edit_distance import *  # noqa: F401,F403
from .ops.tensor_utils import *  # noqa: F401,F403
from .ops.misc_ops import *  # noqa: F401,F403
from .ops.nn_backprop import (conv2d_backprop_filter_v2, conv2d_backprop_input_v2,  # noqa: F401
                              histogram_fixed_width_bins)
from .tf1_misc import *  # noqa: F401,F403
from .device_spec import DeviceSpec  # noqa: F401
from .ops.volume_patches import extract_volume_patches  # noqa: F401
from .ops.core import tuple_ as tuple  # noqa: A001  (TF1 name: gc.tuple)
from .ops.registry import constant_value
from .session import (ConfigProto, InteractiveSession, Session, compile,  # noqa: A004
                      get_default_session)
from .run_metadata import RunMetadata, RunOptions
from .config_proto import GPUOptions, GraphOptions, OptimizerOptions  # noqa: F401
from .utils import app, flags, get_logger, gfile, logging  # noqa: A004 (TF1 names)
from .autodiff.reverse import (AggregationMethod, NotDifferentiable,  # noqa: F401
                               RegisterGradient, UnconnectedGradients, custom_gradient,
                               gradients, no_gradient)
from .autodiff.transforms import *  # noqa: F401,F403
from .autodiff.forward import *  # noqa: F401,F403
from .autodiff.mixed import *  # noqa: F401,F403
from .autodiff.tape import GradientTape  # noqa: F401,E402
from .io.dot import *  # noqa: F401,F403
from .io.serialize import import_graph_def
from .compiler.pipeline import Options as CompilerOptions
from . import nn, testing, train  # noqa: E402
from . import linalg  # noqa: E402
from . import initializers, layers, losses  # noqa: E402
from . import debugging, graph_util, nest  # noqa: E402
from . import random  # noqa: E402
from .random import get_seed  # noqa: E402,F401
from . import math  # noqa: E402
from . import summary  # noqa: E402
from .summary import Event, HistogramProto, SessionLog, Summary  # noqa: E402,F401 (TF1 names)
from . import metrics  # noqa: E402
from . import data  # noqa: E402
from . import image  # noqa: E402
from .sparse import (SparseTensor, SparseTensorValue, sparse_placeholder,  # noqa: F401
                     sparse_tensor_to_dense, sparse_tensor_dense_matmul, sparse_reduce_sum,
                     sparse_add)
from . import sparse  # noqa: E402
from .sparse_ops import *  # noqa: F401,F403,E402
from .sparse_serialize import *  # noqa: F401,F403,E402
from . import audio, bitwise, manip, python_io, strings  # noqa: E402
from . import lookup, saved_model, sets, signal, spectral  # noqa: E402
from .queues import *  # noqa: F401,F403,E402 (FIFOQueue, ...)
from . import queues as queue  # noqa: E402 (tf.queue)
from .io.readers import *  # noqa: F401,F403,E402 (TFRecordReader, ...)
from .ragged_tensor import *  # noqa: F401,F403,E402 (RaggedTensor)
from . import ragged, feature_column, distributions  # noqa: E402
from .ragged_fill import *  # noqa: F401,F403,E402 (ragged_fill_empty_rows)
from .critical_section import *  # noqa: F401,F403,E402 (CriticalSection)
from .ops.conv_nd import conv  # noqa: F401,E402
from .io.tf_graphdef import AttrValue, GraphDef, NameAttrList, NodeDef  # noqa: F401,E402
from . import quantization  # noqa: E402
from .accumulators import (ConditionalAccumulator, ConditionalAccumulatorBase,  # noqa: E402,F401
                           SparseConditionalAccumulator)
from .quantization import *  # noqa: F401,F403,E402 (fake_quant_*)
from .indexed_slices import (IndexedSlices, IndexedSlicesValue,  # noqa: E402,F401
                             convert_to_tensor_or_indexed_slices, sparse_mask)
from .ops.misc_extra import *  # noqa: F401,F403,E402 (guarantee_const, approx_top_k)
from .ops.signal_extra import (raw_fftnd as fftnd, raw_ifftnd as ifftnd,  # noqa: F401,E402
                               raw_irfftnd as irfftnd, raw_rfftnd as rfftnd)
from .ops.random_index_shuffle import *  # noqa: F401,F403,E402
from .type_spec import *  # noqa: F401,F403,E402
from .module import *  # noqa: F401,F403,E402 (gc.Module)
from .function import function  # noqa: F401,E402 (gc.function)
from . import config  # noqa: E402 (gc.config)
from .ops.quantize_ops import *  # noqa: F401,F403,E402 (quantize, dequantize, q* dtypes)
from .io import json_example as _json_example  # noqa: F401,E402 (registers its op)
from .io.json_example import decode_json_example  # noqa: F401,E402 (tf.decode_json_example)
from .errors import OpError  # noqa: F401,E402 (tf.OpError)
from .dtypes import QUANTIZED_DTYPES  # noqa: F401,E402
from .autodiff.reverse import no_gradient as NoGradient  # noqa: F401,E402,N812 (TF1 alias)
from .ops.session_ops import (delete_session_tensor, get_session_handle,  # noqa: F401,E402
                              get_session_tensor)
from . import resource_loader  # noqa: E402
from . import profiler  # noqa: E402 (tf.profiler: FLOP and parameter counts)
from . import distribute  # noqa: E402 (tf.distribute: strategies on CPU devices)
from .train.loss_scale import mixed_precision  # noqa: E402,F401 (tf.mixed_precision)
from .tf1_misc9 import raise_exception_on_not_ok_status as _not_ok  # noqa: E402
errors.raise_exception_on_not_ok_status = _not_ok   # tf.errors's (errors.py cannot import it)

# TF's build constants (tf.version): graphc is pure Python, so the versions are
# graphc's, and the C++ ones say so (no C++ build, no ABI flag).
from . import version  # noqa: E402
from .version import (COMPILER_VERSION, GIT_VERSION, GRAPH_DEF_VERSION,  # noqa: E402,F401
                      GRAPH_DEF_VERSION_MIN_CONSUMER, GRAPH_DEF_VERSION_MIN_PRODUCER,
                      VERSION)
__version__ = VERSION
CXX11_ABI_FLAG = 0
CXX_VERSION = 0
MONOLITHIC_BUILD = 0

from .io.raw_ops import raw_ops  # noqa: E402,F401 (TF's raw ops, by the GraphDef importer)

# last: compat.v1 re-exports everything above
from . import compat  # noqa: E402
from .compat.v1 import (control_flow_v2_enabled, disable_control_flow_v2,  # noqa: E402,F401
                        disable_eager_execution, disable_resource_variables,
                        disable_tensor_equality, disable_v2_behavior, disable_v2_tensorshape,
                        enable_control_flow_v2, enable_eager_execution,
                        enable_resource_variables, enable_tensor_equality,
                        enable_v2_behavior, enable_v2_tensorshape, executing_eagerly,
                        resource_variables_enabled)

# gc.contrib, gc.keras, gc.estimator and gc.test (with unittest) load on first use, as
# TF's keras and estimator do (its LazyLoader): together they are a third of graphc's
# modules, which every `import graphc` would otherwise pay for, and every full
# collection of Python's cyclic GC would rescan while a graph grows (docs/performance.md,
# W4)
_LAZY = ("contrib", "estimator", "keras", "test")


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'graphc' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


from .ragged_dispatch import install as _install_ragged_dispatch  # noqa: E402
_install_ragged_dispatch()   # gc.add(rt, 1.), gc.reduce_sum(rt, 1), ...: TF's ragged dispatch
