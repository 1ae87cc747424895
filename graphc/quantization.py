"""gc.quantization (and the fake_quant_* names at top level, as in TF1): TF1's
fake-quantization ops and quantize_and_dequantize, and quantize / quantize_v2 /
dequantize / quantized_concat on the quantized dtypes (quint8, qint8, ...; see
docs/special-and-quantization.md)."""
from .ops.quantization_ops import *  # noqa: F401,F403
from .ops.quantization_ops import __all__ as _fq
from .ops.quantize_dequantize import *  # noqa: F401,F403
from .ops.quantize_dequantize import __all__ as _qdq
from .ops.quantize_ops import *  # noqa: F401,F403,E402

# TF1 has the fake_quant_* names at top level but quantize_and_dequantize only in
# tf.quantization: __all__ (what `from .quantization import *` exports) lists the former.
__all__ = list(_fq)
_QUANTIZATION_ONLY = list(_qdq)
