"""TF1's CTC family in gc.nn: ctc_loss (sparse labels, blank = num_classes - 1),
ctc_loss_v2 (dense or sparse labels, any blank), the greedy and beam search decoders,
collapse_repeated and ctc_unique_labels.

The ops live in ctc_loss.py (CTCLoss: loss and gradient from one forward-backward
pass) and ctc_decode.py (CTCGreedyDecoder, CTCBeamSearchDecoder); the rest are
composites: a blank other than the last class is moved last by a gather of the
classes (so gradients flow back through it) and the labels renumbered.
"""
from .. import dtypes, errors
from ..graph import name_scope
from . import array as A
from . import elementwise as E
from . import reduce as R
from .broadcast import select
from .core import convert_to_tensor
from .creation import ones, range as range_, zeros
from .ctc_decode import CTC_BEAM_SEARCH_DECODER, CTC_GREEDY_DECODER
from .ctc_loss import ctc_loss_op
from .gather import gather
from .join import concat, stack
from .mask import sequence_mask
from .registry import apply
from .scan import cumsum
from .scatter import gather_nd, scatter_nd
from .where import where_

__all__ = ["ctc_loss", "ctc_loss_v2", "ctc_greedy_decoder", "ctc_beam_search_decoder",
           "ctc_beam_search_decoder_v2", "collapse_repeated", "ctc_unique_labels"]


def _sparse_labels(labels, api):
    from ..sparse import SparseTensor, SparseTensorValue
    if isinstance(labels, SparseTensorValue):
        labels = SparseTensor(*labels)
    if not isinstance(labels, SparseTensor):
        raise TypeError(f"{api}: expected labels (first argument) to be a SparseTensor, "
                        f"not {type(labels).__name__}")
    return labels


def _logits(x, time_major, api):
    x = convert_to_tensor(x, name="inputs")
    if x.shape.rank not in (3, None):
        raise errors.ShapeError(f"{api}: logits must be 3-D ([max_time, batch, "
                                f"num_classes] or batch major), not of shape {x.shape}")
    return x if time_major else A.transpose(x, [1, 0, 2])


def _num_classes(x):
    """The number of classes (the logits' last dim): an int, or an int32 tensor when it
    is known only at run time."""
    c = x.shape._dims[2] if x.shape.rank == 3 else None
    return c if isinstance(c, int) else A.shape(x)[2]


def _blank_last(x, blank, c):
    """x with class `blank` moved to the end (the other classes keep their order);
    blank and c are ints, or tensors known at run time."""
    if isinstance(blank, int) and isinstance(c, int):
        if blank == c - 1:
            return x
        perm = [k for k in range(c) if k != blank] + [blank]
    else:
        perm = concat([range_(blank), range_(blank + 1, c), [blank]], 0)
    return gather(x, perm, axis=2)


def _as(t, dtype):
    return t if isinstance(t, int) else E.cast(t, dtype)


def ctc_loss(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
             ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False,
             time_major=True, logits=None):
    """Per-example CTC loss, -log p(labels | inputs) (TF1): inputs are unnormalized logits
    [max_time, batch, num_classes] (softmax inside), the blank is num_classes - 1, labels
    an int32 SparseTensor [batch, max_label_length], sequence_length int32 [batch].

        labels = gc.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 2, 0], [2, 2])
        loss = gc.nn.ctc_loss(labels, logits, [5, 4])          # shape (2,)
    The gradient is TF1's (softmax - posterior occupation; 0 past sequence_length).
    A label sequence longer than its sequence is an error, or loss 0 with zero gradient
    with ignore_longer_outputs_than_inputs; an impossible alignment (repeats needing
    blanks) gives inf."""
    api = "ctc_loss"
    if inputs is not None and logits is not None:
        raise ValueError(f"{api}: give inputs or logits (its old name), not both")
    inputs = logits if inputs is None else inputs
    labels = _sparse_labels(labels, api)
    if labels.dtype is not dtypes.int32:
        raise errors.DTypeError(f"{api}: labels must be an int32 SparseTensor, not "
                                f"{labels.dtype.name}")
    x = _logits(inputs, time_major, api)
    seq = convert_to_tensor(sequence_length, dtype=dtypes.int32, name="sequence_length")
    return ctc_loss_op(x, labels.indices, labels.values, seq,
                       collapse=preprocess_collapse_repeated, merge=ctc_merge_repeated,
                       ignore_longer=ignore_longer_outputs_than_inputs, strict=True)


def ctc_loss_v2(labels, logits, label_length, logit_length, logits_time_major=True,
                unique=None, blank_index=None, name=None):
    """CTC loss with dense or sparse labels and any blank class (TF's ctc_loss_v2):

        loss = gc.nn.ctc_loss_v2(labels, logits, label_length, logit_length)
    Dense labels [batch, max_label_length] (int) with label_length [batch]: blank_index
    defaults to 0; an empty label is allowed (every frame blank), logit_length is
    clipped to [0, max_time] and an impossible alignment gives inf. A SparseTensor of
    labels needs blank_index and follows ctc_loss's rules (label_length unused). A
    negative blank_index counts from the end. `unique` (ctc_unique_labels' pair) is
    accepted and not needed: the loss is the same."""
    api = "ctc_loss_v2"
    from ..sparse import SparseTensor, SparseTensorValue
    with name_scope(name, "ctc_loss_dense" if not isinstance(
            labels, (SparseTensor, SparseTensorValue)) else "ctc_loss"):
        x = _logits(logits, logits_time_major, api)
        if isinstance(labels, (SparseTensor, SparseTensorValue)):
            if blank_index is None:
                raise ValueError(f"{api}: blank_index must be given when labels is a "
                                 "SparseTensor")
            labels = _sparse_labels(labels, api)
            c = _num_classes(x)
            blank = blank_index + c if blank_index < 0 else blank_index
            if not (isinstance(c, int) and blank == c - 1):
                from ..sparse import SparseTensor as ST
                v = labels.values
                v = select(E.less(v, _as(blank, v.dtype)), v,
                           v - convert_to_tensor(1, dtype=v.dtype))
                labels = ST(labels.indices, v, labels.dense_shape)
            return ctc_loss(labels, _blank_last(x, blank, c), logit_length)
        c = _num_classes(x)
        blank = 0 if blank_index is None else blank_index
        blank = blank + c if blank < 0 else blank
        if isinstance(c, int) and not 0 <= blank < c:
            raise ValueError(f"{api}: blank_index {blank_index} is out of range for "
                             f"{c} classes")
        labels = convert_to_tensor(labels, name="labels")
        if not labels.dtype.is_integer or labels.shape.rank not in (2, None):
            raise errors.DTypeError(f"{api}: dense labels must be an int tensor [batch, "
                                    f"max_label_length], not {labels.dtype.name} of shape "
                                    f"{labels.shape}")
        lengths = convert_to_tensor(label_length, dtype=labels.dtype, name="label_length")
        coords = where_(sequence_mask(lengths, A.shape(labels, out_type=labels.dtype)[1]))
        v = gather_nd(labels, coords)
        one = convert_to_tensor(1, dtype=v.dtype)
        last = convert_to_tensor(_as(c - 1, v.dtype), dtype=v.dtype)
        b = _as(blank, v.dtype)
        # renumber so that the blank is the last class: below it unchanged, above it
        # one less; the blank itself becomes c - 1, which the kernel rejects as a label
        v = select(E.less(v, b), v, select(E.equal(v, b), last + one, v - one))
        seq = convert_to_tensor(logit_length, dtype=dtypes.int32, name="logit_length")
        return ctc_loss_op(_blank_last(x, blank, c), coords, E.cast(v, dtypes.int32), seq,
                           collapse=False, merge=True, ignore_longer=False, strict=False)


def _decoded(outputs, n):
    from ..sparse import SparseTensor
    return [SparseTensor(*outputs[3 * i:3 * i + 3]) for i in range(n)]


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """Best path decoding (TF1): the most likely class per frame, repeats merged (with
    merge_repeated), blanks dropped. Returns ([decoded], neg_sum_logits):

        (decoded,), neg = gc.nn.ctc_greedy_decoder(logits, seq_len)
    decoded is an int64 SparseTensor [batch, max_decoded_length]; neg_sum_logits
    [batch, 1] is minus the sum over frames of the largest logit. blank_index defaults
    to num_classes - 1 (negative counts from the end); a tie between the blank and a
    class goes to the class, between classes to the lower one."""
    x = _logits(inputs, True, "ctc_greedy_decoder")
    seq = convert_to_tensor(sequence_length, dtype=dtypes.int32, name="sequence_length")
    blank = -1 if blank_index is None else int(blank_index)
    c = x.shape._dims[2] if x.shape.rank == 3 else None
    if isinstance(c, int) and not -c <= blank < c:
        raise ValueError(f"ctc_greedy_decoder: blank_index {blank_index} is out of range "
                         f"for {c} classes")
    node = apply(CTC_GREEDY_DECODER, (x, seq), name="CTCGreedyDecoder",
                 merge_repeated=bool(merge_repeated), blank_index=blank)
    return _decoded(node.outputs, 1), node.outputs[3]


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1,
                            merge_repeated=True):
    """Prefix beam search (TF1): the top_paths most likely label sequences of each
    example, found keeping beam_width prefixes per frame; the blank is num_classes - 1.

        decoded, log_probs = gc.nn.ctc_beam_search_decoder(logits, seq_len, top_paths=2)
    decoded is a list of top_paths int64 SparseTensors, log_probs [batch, top_paths]
    their log probabilities (best first). With merge_repeated, equal neighbours of a
    decoded prefix are emitted once (TF1: "A B B * B * B" gives "A B")."""
    api = "ctc_beam_search_decoder"
    for what, v in (("beam_width", beam_width), ("top_paths", top_paths)):
        if int(v) < 1:
            raise ValueError(f"{api}: {what} must be at least 1, got {v}")
    if int(top_paths) > int(beam_width):
        raise ValueError(f"{api}: top_paths ({top_paths}) must not exceed beam_width "
                         f"({beam_width})")
    x = _logits(inputs, True, api)
    seq = convert_to_tensor(sequence_length, dtype=dtypes.int32, name="sequence_length")
    node = apply(CTC_BEAM_SEARCH_DECODER, (x, seq), name="CTCBeamSearchDecoder",
                 beam_width=int(beam_width), top_paths=int(top_paths),
                 merge_repeated=bool(merge_repeated))
    return _decoded(node.outputs, int(top_paths)), node.outputs[-1]


def ctc_beam_search_decoder_v2(inputs, sequence_length, beam_width=100, top_paths=1):
    """ctc_beam_search_decoder with merge_repeated=False (TF2's tf.nn name):
    `decoded, log_probs = gc.nn.ctc_beam_search_decoder_v2(logits, seq_len)`."""
    return ctc_beam_search_decoder(inputs, sequence_length, beam_width=beam_width,
                                   top_paths=top_paths, merge_repeated=False)


def collapse_repeated(labels, seq_length, name=None):
    """Merges runs of equal labels within each row's first seq_length entries (TF1):

        gc.nn.collapse_repeated([[1, 1, 2, 2, 3]], [4])    # ([[1, 2]], [2])
    Returns (collapsed labels [batch, longest collapsed row], padded with 0, of the
    labels' dtype; their int32 lengths)."""
    with name_scope(name, "collapse_repeated_labels"):
        labels = convert_to_tensor(labels, name="labels")
        seq = convert_to_tensor(seq_length, name="seq_length")
        width = A.shape(labels, out_type=dtypes.int64)[1]
        batch = A.shape(labels, out_type=dtypes.int64)[0]
        new_run = concat([ones(A.stack([batch, 1]), dtype=dtypes.bool_),
                          E.not_equal(labels[:, 1:], labels[:, :-1])], axis=1)
        keep = E.logical_and(new_run, sequence_mask(seq, E.cast(width, seq.dtype)))
        kept = E.cast(keep, dtypes.int32)
        lengths = R.reduce_sum(kept, axis=1)
        longest = E.maximum(R.reduce_max(concat([lengths, zeros([1], dtypes.int32)], 0)), 0)
        coords = where_(keep)
        cols = E.cast(gather_nd(cumsum(kept, axis=1) - 1, coords), dtypes.int64)
        out = scatter_nd(stack([coords[:, 0], cols], axis=1), gather_nd(labels, coords),
                         A.stack([batch, E.cast(longest, dtypes.int64)]))
        return out, lengths


def ctc_unique_labels(labels, name=None):
    """Each row's distinct labels in order of first appearance, padded with 0, and each
    label's position among them (TF1, for ctc_loss_v2's `unique`):

        gc.nn.ctc_unique_labels([[3, 1, 3, 2]])   # ([[3, 1, 2, 0]], [[0, 1, 0, 2]])
    The labels come back int64, the positions int32."""
    with name_scope(name, "ctc_unique_labels"):
        labels = convert_to_tensor(labels, name="labels")
        same = E.equal(A.expand_dims(labels, 2), A.expand_dims(labels, 1))     # [B, L, L]
        n = A.shape(labels, out_type=dtypes.int64)[1]
        earlier = E.less(A.expand_dims(_iota(n), 1), A.expand_dims(_iota(n), 0))  # j < i
        first = E.logical_not(R.reduce_any(E.logical_and(same, A.expand_dims(
            A.transpose(earlier), 0)), axis=2))
        rank = cumsum(E.cast(first, dtypes.int32), axis=1) - 1
        hit = E.cast(E.logical_and(same, A.expand_dims(first, 1)), dtypes.int32)
        idx = R.reduce_sum(hit * A.expand_dims(rank, 1), axis=2)
        coords = where_(first)
        at = stack([coords[:, 0], E.cast(gather_nd(rank, coords), dtypes.int64)], axis=1)
        uniq = scatter_nd(at, E.cast(gather_nd(labels, coords), dtypes.int64),
                          A.shape(labels, out_type=dtypes.int64))
        return uniq, idx


def _iota(n):
    from .creation import range as range_
    return range_(n)
