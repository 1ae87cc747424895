"""The export table's fake quantization and random ops (see tf_graphdef_export_ops.py):
seeded stateful ops take TF's seed / seed2 attrs (graphc's op-level seed), stateless ops
their seed tensor."""
from .. import dtypes
from .tf_graphdef_export import export, seeds

__all__ = []


@export("RandomUniformInt")
def _random_uniform_int(ex, n):
    seed, seed2 = seeds(n)
    ex.emit(n, "RandomUniformInt", n.inputs, seed=seed, seed2=seed2,
            Tout=n.outputs[0].dtype, T=n.inputs[0].dtype)


@export("Multinomial")
def _multinomial(ex, n):
    seed, seed2 = seeds(n)
    ex.emit(n, "Multinomial", n.inputs, seed=seed, seed2=seed2, T=n.inputs[0].dtype,
            output_dtype=n.outputs[0].dtype)


@export("RandomShuffle")
def _random_shuffle(ex, n):
    seed, seed2 = seeds(n)
    ex.emit(n, "RandomShuffle", n.inputs, seed=seed, seed2=seed2, T=n.inputs[0].dtype)


@export("StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
        "StatelessRandomUniformFullInt")
def _stateless(ex, n):
    shape, seed = n.inputs
    ex.emit(n, n.type, n.inputs, dtype=n.outputs[0].dtype, T=shape.dtype, Tseed=seed.dtype)


@export("StatelessRandomUniformInt")
def _stateless_int(ex, n):
    shape, seed = n.inputs[:2]
    ex.emit(n, n.type, n.inputs, dtype=n.outputs[0].dtype, T=shape.dtype, Tseed=seed.dtype)


@export("StatelessMultinomial")
def _stateless_multinomial(ex, n):
    logits, _, seed = n.inputs
    ex.emit(n, n.type, n.inputs, T=logits.dtype, Tseed=seed.dtype,
            output_dtype=n.outputs[0].dtype)


# ---- fake quantization ---------------------------------------------------------------------
def _float32_only(ex, n):
    if n.inputs[0].dtype != dtypes.float32:
        raise ex.fail(n, f"TF's {n.type} takes float32, not {n.inputs[0].dtype.name}")


@export("FakeQuantWithMinMaxArgs", "FakeQuantWithMinMaxArgsGradient")
def _fake_quant_args(ex, n):
    _float32_only(ex, n)
    ex.emit(n, n.type, n.inputs, min=float(n.attrs["min"]), max=float(n.attrs["max"]),
            num_bits=int(n.attrs["num_bits"]), narrow_range=bool(n.attrs["narrow_range"]))


@export("FakeQuantWithMinMaxVars", "FakeQuantWithMinMaxVarsGradient",
        "FakeQuantWithMinMaxVarsPerChannel", "FakeQuantWithMinMaxVarsPerChannelGradient")
def _fake_quant_vars(ex, n):
    _float32_only(ex, n)
    ex.emit(n, n.type, n.inputs, num_bits=int(n.attrs["num_bits"]),
            narrow_range=bool(n.attrs["narrow_range"]))


@export("QuantizeAndDequantizeV2", "QuantizeAndDequantizeV4")
def _quantize_dequantize(ex, n):
    a = n.attrs
    ex.emit(n, n.type, n.inputs, T=n.inputs[0].dtype, signed_input=bool(a["signed_input"]),
            num_bits=int(a["num_bits"]), range_given=bool(a["range_given"]),
            round_mode=a["round_mode"], narrow_range=bool(a["narrow_range"]),
            axis=int(a["axis"]))


@export("QuantizeAndDequantizeV4Grad")
def _quantize_dequantize_grad(ex, n):
    ex.emit(n, n.type, n.inputs, T=n.inputs[0].dtype, axis=int(n.attrs["axis"]))


# ---- the banded diagonal ops: their static attrs as TF's Const inputs --------------------
def _k(ex, n):
    lo, hi = n.attrs["k"]
    return ex.const(n, "k", lo if lo == hi else [lo, hi])


@export("MatrixDiagV3")
def _matrix_diag_v3(ex, n):
    a, t = n.attrs, n.outputs[0].dtype
    ex.emit(n, "MatrixDiagV3", (n.inputs[0], _k(ex, n), ex.const(n, "num_rows", a["num_rows"]),
                                ex.const(n, "num_cols", a["num_cols"]),
                                ex.const(n, "padding_value", a["padding_value"], t)),
            T=t, align=a["align"])


@export("MatrixDiagPartV3")
def _matrix_diag_part_v3(ex, n):
    t = n.outputs[0].dtype
    ex.emit(n, "MatrixDiagPartV3", (n.inputs[0], _k(ex, n), ex.const(
        n, "padding_value", n.attrs["padding_value"], t)), T=t, align=n.attrs["align"])


@export("MatrixSetDiagV3")
def _matrix_set_diag_v3(ex, n):
    ex.emit(n, "MatrixSetDiagV3", (*n.inputs, _k(ex, n)), T=n.outputs[0].dtype,
            align=n.attrs["align"])


@export("SparseReshape")
def _sparse_reshape(ex, n):
    """graphc's op is TF's: (indices, dense_shape, new_shape) -> (indices, shape)."""
    ex.emit(n, "SparseReshape", n.inputs)

from . import tf_graphdef_export_more3  # noqa: E402,F401 (masks, CTC, sets, NMS, audio ...)
