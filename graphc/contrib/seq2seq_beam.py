"""tf.contrib.seq2seq's beam-search pieces (TF 1.15): tile_batch and gather_tree.

    memory = gc.contrib.seq2seq.tile_batch(encoder_outputs, multiplier=beam_width)
    ids = gc.contrib.seq2seq.gather_tree(step_ids, parent_ids, max_lengths, end_token)
"""
import numpy as np

from .. import dtypes, errors, nest
from ..graph import name_scope
from ..shapes import InferError, TensorShape
from ..ops.array import expand_dims, reshape, shape as shape_of
from ..ops.core import convert_to_tensor
from ..ops.join import concat
from ..ops.registry import OpDef, apply1, register
from ..ops.tile_reverse import tile

__all__ = ["tile_batch", "gather_tree"]


def _tile_batch(t, multiplier):
    t = convert_to_tensor(t, name="t")
    if t.shape.rank is None or t.shape.rank < 1:
        raise ValueError(f"t must have statically known rank\n  "
                         f"{errors.describe_tensor(t, t.name)}")
    tiling = [1] * (t.shape.rank + 1)
    tiling[1] = multiplier
    b = t.shape._dims[0]
    tiled = tile(expand_dims(t, 1), tiling)
    s = shape_of(t)
    tiled = reshape(tiled, concat([[s[0] * multiplier], s[1:]], 0))
    static_b = b * multiplier if isinstance(b, int) and isinstance(multiplier, int) else None
    tiled.set_shape(TensorShape((static_b,) + tuple(t.shape._dims[1:])))
    return tiled


def tile_batch(t, multiplier, name=None):
    """Each batch entry repeated `multiplier` times in place: [a, b] -> [a, a, b, b] for
    multiplier 2 (TF 1.15), for every tensor of the structure t. Use it on the encoder's
    outputs, lengths and final state before a BeamSearchDecoder.

        gc.contrib.seq2seq.tile_batch(gc.constant([[1], [2]]), 2)   # [[1], [1], [2], [2]]
    """
    with name_scope(name, "tile_batch"):
        return nest.map_structure(lambda x: _tile_batch(x, multiplier), t)


# ---- gather_tree -------------------------------------------------------------------------
def _infer_gather_tree(ctx, step_ids, parent_ids, lengths, end_token):
    for i, t in enumerate((step_ids, parent_ids)):
        if t.shape.rank not in (None, 3):
            raise InferError(f"{{{i}}} must be [max_time, batch_size, beam_width], not "
                             f"{t.shape}")
    if lengths.shape.rank not in (None, 1):
        raise InferError(f"max_sequence_lengths {{2}} must be a vector, not {lengths.shape}")
    if end_token.shape.rank not in (None, 0):
        raise InferError(f"end_token {{3}} must be a scalar, not {end_token.shape}")
    if step_ids.dtype is not parent_ids.dtype or step_ids.dtype is not end_token.dtype:
        raise InferError("step_ids {0}, parent_ids {1} and end_token {3} must have one dtype",
                         "dtype")
    return step_ids.shape._dims, step_ids.dtype


def _gather_tree_kernel(step_ids, parent_ids, lengths, end_token):
    """Each beam's ids followed back through its parents from its last step, then
    end_token from each sequence's first end_token on (TF's GatherTree kernel)."""
    step_ids, parent_ids = np.asarray(step_ids), np.asarray(parent_ids)
    if step_ids.shape != parent_ids.shape:
        raise ValueError(f"gather_tree: step_ids {step_ids.shape} and parent_ids "
                         f"{parent_ids.shape} differ in shape")
    t_max, batch, beams = step_ids.shape
    if len(lengths) != batch:
        raise ValueError(f"gather_tree: max_sequence_lengths has {len(lengths)} entries "
                         f"for a batch of {batch}")
    out = np.full_like(step_ids, end_token)
    cols = np.arange(beams)
    for b in range(batch):
        n = min(int(lengths[b]), t_max)
        if n <= 0:
            continue
        parent = cols.copy()
        for t in range(n - 1, -1, -1):
            if ((parent < 0) | (parent >= beams)).any():
                raise ValueError(f"gather_tree: a parent id at batch {b}, time {t + 1} is "
                                 f"outside [0, {beams})")
            out[t, b] = step_ids[t, b, parent]
            parent = parent_ids[t, b, parent]
        ended = np.cumsum(out[:n, b] == end_token, axis=0)      # end_tokens so far
        after = (ended - (out[:n, b] == end_token)) > 0         # strictly after the first
        out[:n, b][after] = end_token
    return out


GATHER_TREE = register(OpDef(
    "GatherTree", _infer_gather_tree, _gather_tree_kernel, differentiable=False,
    api="contrib.seq2seq.gather_tree",
    signature="gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token)",
    shape_rule="[time, batch, beam] -> the same", dtypes="int32 or int64 -> the same",
    doc="Beam search's ids, backtracked through the parent ids."))


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """The full sequence of each beam, [max_time, batch, beam]: from each batch entry's
    step max_sequence_lengths[b] - 1 back to 0 following parent_ids, with end_token
    after a sequence's first end_token and past its length (TF's GatherTree).

        ids = gc.contrib.seq2seq.gather_tree(step_ids, parent_ids, lengths, end_token=2)
    """
    step_ids = convert_to_tensor(step_ids, name="step_ids")
    dtype = step_ids.dtype if step_ids.dtype in (dtypes.int32, dtypes.int64) else None
    if dtype is None:
        raise errors.DTypeError(f"gather_tree: step_ids must be int32 or int64\n  "
                                f"{errors.describe_tensor(step_ids, step_ids.name)}")
    return apply1(GATHER_TREE, (step_ids, convert_to_tensor(parent_ids, dtype=dtype),
                                convert_to_tensor(max_sequence_lengths, dtype=dtype),
                                convert_to_tensor(end_token, dtype=dtype)),
                  name=name or "GatherTree")
