"""gc.contrib.crf: TF 1.15's tf.contrib.crf, a linear-chain conditional random field.

    log_likelihood, transitions = gc.contrib.crf.crf_log_likelihood(
        unary_scores, gold_tags, sequence_lengths)          # (batch,), (num_tags, num_tags)
    loss = gc.reduce_mean(-log_likelihood)
    tags, best = gc.contrib.crf.crf_decode(unary_scores, transitions, sequence_lengths)

The score of tags y over inputs x is sum_t x[t, y_t] + sum_{t>0} transitions[y_{t-1}, y_t];
log Z comes from the forward algorithm and crf_decode from Viterbi, each a graph loop
over time (dynamic_rnn's Loop), so any length builds the same few nodes. As TF 1.15,
max_seq_len == 1 takes a shortcut without a loop, and length 0 scores 0 with log Z 0.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..ops.array import expand_dims, reshape, shape, slice, squeeze  # noqa: A004 (TF name)
from ..ops.broadcast import where
from ..ops.control import cond
from ..ops.core import constant, convert_to_tensor
from ..ops.creation import fill, range as range_, zeros_like
from ..ops.elementwise import cast, equal, less_equal, maximum
from ..ops.gather import gather
from ..ops.join import concat, stack
from ..ops.mask import sequence_mask
from ..ops.reduce import argmax, reduce_logsumexp, reduce_max, reduce_sum
from ..ops.reverse_sequence import reverse_sequence
from ..ops.rnn import _dynamic_loop, _transpose_batch_time
from ..ops.rnn_cell_base import RNNCell
from ..ops.scatter import gather_nd
from ..ops.varstore import get_variable

__all__ = ["crf_sequence_score", "crf_log_norm", "crf_log_likelihood", "crf_unary_score",
           "crf_binary_score", "CrfForwardRnnCell", "viterbi_decode", "crf_decode",
           "CrfDecodeForwardRnnCell", "CrfDecodeBackwardRnnCell",
           "crf_multitag_sequence_score", "crf_forward"]


# ---- checks and the max_seq_len == 1 switch ------------------------------------------------
def _tensor(x, api, what, rank, dtype_kind=None):
    """x as a tensor of the given rank (when known), with an error naming it otherwise."""
    t = convert_to_tensor(x)
    if t.shape.rank is not None and t.shape.rank != rank:
        raise errors.ShapeError(f"{api}: {what} must have rank {rank}, got shape "
                                f"{t.shape}\n  " + errors.describe_tensor(t, what))
    if dtype_kind == "int" and not t.dtype.is_integer:
        raise errors.DTypeError(f"{api}: {what} must be int32 or int64, not {t.dtype.name}\n  "
                                + errors.describe_tensor(t, what))
    if dtype_kind == "float" and not t.dtype.is_floating:
        raise errors.DTypeError(f"{api}: {what} must be a floating dtype, not "
                                f"{t.dtype.name}\n  " + errors.describe_tensor(t, what))
    return t


def _static_dim(t, axis):
    """Dim `axis` of t as an int when known (a bound named dim counts), else None."""
    if t.shape.rank is None:
        return None
    d = t.shape._dims[axis]
    return t.graph.dims.resolve(d) if d is not None else None


def _num_tags(t, axis, api, what):
    """The static number of tags (dim `axis` of t); an error naming t if unknown."""
    n = _static_dim(t, axis)
    if n is None:
        raise errors.ShapeError(f"{api}: the number of tags (dim {axis} of {what}) must be "
                                f"known when the graph is built\n  "
                                + errors.describe_tensor(t, what))
    return n


def _shortcut(tensors, single_fn, multi_fn):
    """single_fn() if max_seq_len (dim 1 of each of `tensors`) is 1, else multi_fn():
    decided now when one of them has it static, else by a gc.cond (TF 1.15's smart_cond
    looks at the inputs only, and builds both branches when theirs is unknown)."""
    for t in tensors:
        n = _static_dim(t, 1)
        if n is not None:
            return single_fn() if n == 1 else multi_fn()
    return cond(equal(shape(tensors[0])[1], 1), single_fn, multi_fn)


def _lengths_less_one(sequence_lengths):
    """max(0, sequence_lengths - 1), in the lengths' dtype."""
    zero = constant(0, dtype=sequence_lengths.dtype)
    return maximum(zero, sequence_lengths - constant(1, dtype=sequence_lengths.dtype))


def _mask_empty(values, sequence_lengths):
    """values with 0 where a sequence's length is <= 0."""
    return where(less_equal(sequence_lengths, constant(0, dtype=sequence_lengths.dtype)),
                 zeros_like(values), values)


def _shared(api, inputs, tags, sequence_lengths):
    return (_tensor(inputs, api, "inputs", 3, "float"), tags,
            _tensor(sequence_lengths, api, "sequence_lengths", 1, "int"))


# ---- scores ----------------------------------------------------------------------------------
def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """The unnormalized score of each tag sequence: its unary plus its binary scores.

        score = gc.contrib.crf.crf_sequence_score(x, tags, lengths, transitions)  # (batch,)

    inputs (batch, max_seq_len, num_tags) unary potentials, tag_indices (batch,
    max_seq_len) int, sequence_lengths (batch,), transition_params (num_tags, num_tags).
    A sequence of length 0 scores 0.
    """
    api = "crf_sequence_score"
    inputs, tag_indices, sequence_lengths = _shared(
        api, inputs, _tensor(tag_indices, api, "tag_indices", 2, "int"), sequence_lengths)

    def single_seq():              # max_seq_len 1: gather each example's one unary score
        batch = shape(inputs, out_type=tag_indices.dtype)[0]
        rows = reshape(range_(batch, dtype=tag_indices.dtype), [-1, 1])
        scores = gather_nd(squeeze(inputs, [1]), concat([rows, tag_indices], axis=1))
        return _mask_empty(scores, sequence_lengths)

    def multi_seq():
        unary = crf_unary_score(tag_indices, sequence_lengths, inputs)
        binary = crf_binary_score(tag_indices, sequence_lengths, transition_params)
        return unary + binary
    return _shortcut([inputs, tag_indices], single_seq, multi_seq)


def crf_multitag_sequence_score(inputs, tag_bitmap, sequence_lengths, transition_params):
    """logsumexp of the scores of all tag sequences allowed by tag_bitmap (batch,
    max_seq_len, num_tags) bool; one-hot rows give crf_sequence_score.

        score = gc.contrib.crf.crf_multitag_sequence_score(x, allowed, lengths, transitions)

    As TF 1.15, when max_seq_len is 1 sequence_lengths is not looked at (a length-0
    sequence is not masked to 0 there).
    """
    api = "crf_multitag_sequence_score"
    inputs, tag_bitmap, sequence_lengths = _shared(
        api, inputs, _tensor(tag_bitmap, api, "tag_bitmap", 3), sequence_lengths)
    if tag_bitmap.dtype is not dtypes.bool_:
        raise errors.DTypeError(f"{api}: tag_bitmap must be bool, not {tag_bitmap.dtype.name}"
                                "\n  " + errors.describe_tensor(tag_bitmap, "tag_bitmap"))
    filtered = where(tag_bitmap, inputs,
                     fill(shape(inputs), constant(float("-inf"), dtype=inputs.dtype)))
    return _shortcut(
        [inputs, tag_bitmap], lambda: reduce_logsumexp(filtered, axis=[1, 2], keepdims=False),
        lambda: crf_log_norm(filtered, sequence_lengths, transition_params))


def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """The sum of inputs[b, t, tag_indices[b, t]] over each sequence's first
    sequence_lengths[b] steps: a (batch,) vector.

        unary = gc.contrib.crf.crf_unary_score(tags, lengths, x)
    """
    api = "crf_unary_score"
    inputs, tag_indices, sequence_lengths = _shared(
        api, inputs, _tensor(tag_indices, api, "tag_indices", 2, "int"), sequence_lengths)
    dims = shape(inputs)
    batch, steps, num_tags = dims[0], dims[1], dims[2]
    flat_inputs = reshape(inputs, [-1])
    # The flat index of inputs[b, t, tag]: (b * steps + t) * num_tags + tag.
    offsets = expand_dims(range_(batch) * steps * num_tags, 1)
    offsets = offsets + expand_dims(range_(steps) * num_tags, 0)
    if tag_indices.dtype is not dtypes.int32:
        offsets = cast(offsets, tag_indices.dtype)
    flat_tags = reshape(offsets + tag_indices, [-1])
    unary = reshape(gather(flat_inputs, flat_tags), stack([batch, steps]))
    masks = sequence_mask(sequence_lengths, maxlen=shape(tag_indices)[1], dtype=inputs.dtype)
    return reduce_sum(unary * masks, 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """The sum of transition_params[tag_indices[b, t - 1], tag_indices[b, t]] for 0 < t <
    sequence_lengths[b]: a (batch,) vector.

        binary = gc.contrib.crf.crf_binary_score(tags, lengths, transitions)
    """
    api = "crf_binary_score"
    tag_indices = _tensor(tag_indices, api, "tag_indices", 2, "int")
    sequence_lengths = _tensor(sequence_lengths, api, "sequence_lengths", 1, "int")
    transition_params = _tensor(transition_params, api, "transition_params", 2, "float")
    num_tags = _static_dim(transition_params, 0)
    if num_tags is None:
        num_tags = cast(shape(transition_params)[0], tag_indices.dtype)
    transitions = shape(tag_indices)[1] - 1
    start = slice(tag_indices, [0, 0], stack([-1, transitions]))
    end = slice(tag_indices, [0, 1], stack([-1, transitions]))
    flat = gather(reshape(transition_params, [-1]), start * num_tags + end)
    masks = sequence_mask(sequence_lengths, maxlen=shape(tag_indices)[1],
                          dtype=transition_params.dtype)
    return reduce_sum(flat * slice(masks, [0, 1], [-1, -1]), 1)


# ---- normalizer and likelihood ---------------------------------------------------------------
def crf_log_norm(inputs, sequence_lengths, transition_params):
    """log Z: the logsumexp of the scores of all tag sequences, by the forward algorithm.

        log_z = gc.contrib.crf.crf_log_norm(x, lengths, transitions)    # (batch,)

    A sequence of length 0 gets 0.
    """
    api = "crf_log_norm"
    inputs, _, sequence_lengths = _shared(api, inputs, None, sequence_lengths)
    first_input = squeeze(slice(inputs, [0, 0, 0], [-1, 1, -1]), [1])

    def single_seq():
        return _mask_empty(reduce_logsumexp(first_input, [1]), sequence_lengths)

    def multi_seq():
        rest = slice(inputs, [0, 1, 0], [-1, -1, -1])
        alphas = crf_forward(rest, first_input, transition_params,
                             _lengths_less_one(sequence_lengths))
        return _mask_empty(reduce_logsumexp(alphas, [1]), sequence_lengths)
    return _shortcut([inputs], single_seq, multi_seq)


def _rnn(cell, inputs, sequence_lengths, state):
    """(outputs, final_state) of dynamic_rnn(cell, inputs, sequence_lengths,
    initial_state=state): the same loop, without its run-time batch check (an Assert that
    a gradient through crf's gc.cond would run again) and its float-inputs check (the
    backtracking runs on int32 backpointers, which TF1's dynamic_rnn takes)."""
    with name_scope("rnn"):
        flat = [_transpose_batch_time(inputs)]                        # (T, B, O)
        steps, batch = [_static_dim(flat[0], i) for i in (0, 1)]
        steps = shape(flat[0])[0] if steps is None else steps
        batch = shape(flat[0])[1] if batch is None else batch
        outputs, final = _dynamic_loop("dynamic_rnn", cell, inputs, flat, state,
                                       cast(sequence_lengths, dtypes.int32), steps, batch)
        return _transpose_batch_time(outputs), final


def crf_forward(inputs, state, transition_params, sequence_lengths):
    """The last alphas of the forward algorithm, in log space: state (batch, num_tags)
    (the alphas of step 0) advanced over inputs (batch, steps, num_tags), each sequence
    for sequence_lengths[b] steps.

        alphas = gc.contrib.crf.crf_forward(x[:, 1:], x[:, 0], transitions, lengths - 1)
        log_z = gc.reduce_logsumexp(alphas, [1])

    TF 1.15's contrib has no crf_forward (later tensorflow_addons' crf_forward takes these
    arguments); this one runs CrfForwardRnnCell in dynamic_rnn's loop.
    """
    api = "crf_forward"
    inputs = _tensor(inputs, api, "inputs", 3, "float")
    state = _tensor(state, api, "state", 2, "float")
    sequence_lengths = _tensor(sequence_lengths, api, "sequence_lengths", 1, "int")
    _, alphas = _rnn(CrfForwardRnnCell(transition_params), inputs, sequence_lengths, state)
    return alphas


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """(log_likelihood, transition_params): each tag sequence's score minus log Z.

        ll, transitions = gc.contrib.crf.crf_log_likelihood(x, tags, lengths)
        loss = gc.reduce_mean(-ll)

    Without transition_params, makes the (num_tags, num_tags) variable "transitions" with
    gc.get_variable in the current variable scope (its default initializer), of the
    inputs' dtype (TF 1.15 always makes it float32 and then supports float32 only).
    """
    api = "crf_log_likelihood"
    inputs = _tensor(inputs, api, "inputs", 3, "float")
    if transition_params is None:
        num_tags = _num_tags(inputs, 2, api, "inputs")
        transition_params = get_variable("transitions", [num_tags, num_tags],
                                         dtype=inputs.dtype)
    scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    log_norm = crf_log_norm(inputs, sequence_lengths, transition_params)
    return scores - log_norm, transition_params


# ---- cells -----------------------------------------------------------------------------------
def _init_transitions(cell, transition_params):
    """Keep transition_params as (1, num_tags, num_tags), ready to broadcast over a batch."""
    RNNCell.__init__(cell)
    t = _tensor(transition_params, type(cell).__name__, "transition_params", 2, "float")
    cell._transition_params = expand_dims(t, 0)
    cell._num_tags = _static_dim(t, 0)


def _no_build(cell, inputs_shape, dtype, scope=None):
    """The CRF cells have no variables (and take int inputs): nothing to build."""


_tags_size = property(lambda cell: cell._num_tags, doc="num_tags (None if unknown).")


class CrfForwardRnnCell(RNNCell):
    """One step of the forward algorithm: alphas'[j] = inputs[j] +
    logsumexp_i(alphas[i] + transitions[i, j]). Output and state are both the new alphas.

        cell = gc.contrib.crf.CrfForwardRnnCell(transitions)
        _, alphas = gc.nn.dynamic_rnn(cell, x[:, 1:], initial_state=x[:, 0])
    """
    __init__ = _init_transitions
    _prebuild = _no_build
    state_size = output_size = _tags_size

    def __call__(self, inputs, state, scope=None):
        """(new_alphas, new_alphas) from inputs and state, both (batch, num_tags)."""
        scores = expand_dims(state, 2) + self._transition_params     # (B, O, 1) + (1, O, O)
        new_alphas = inputs + reduce_logsumexp(scores, [1])
        return new_alphas, new_alphas


class CrfDecodeForwardRnnCell(RNNCell):
    """One Viterbi step: the new best scores inputs[j] + max_i(state[i] + transitions[i,
    j]) as the state, and the argmax i as the output (int32 backpointers).

        cell = gc.contrib.crf.CrfDecodeForwardRnnCell(transitions)
        backpointers, last = gc.nn.dynamic_rnn(cell, x[:, 1:], initial_state=x[:, 0])
    """
    __init__ = _init_transitions
    _prebuild = _no_build
    state_size = output_size = _tags_size

    def __call__(self, inputs, state, scope=None):
        """(backpointers (batch, num_tags) int32, new_state (batch, num_tags))."""
        scores = expand_dims(state, 2) + self._transition_params       # (B, O, O)
        new_state = inputs + reduce_max(scores, [1])
        backpointers = cast(argmax(scores, 1), dtypes.int32)
        return backpointers, new_state


class CrfDecodeBackwardRnnCell(RNNCell):
    """One backtracking step: the tag before `state` (batch, 1) by the backpointers
    inputs (batch, num_tags); output and state are both it, (batch, 1) int32.

        cell = gc.contrib.crf.CrfDecodeBackwardRnnCell(num_tags)
        new_tags, _ = cell(backpointers_t, tags_next)
    """

    _prebuild = _no_build
    state_size = output_size = 1

    def __init__(self, num_tags):
        super().__init__()
        self._num_tags = num_tags

    def __call__(self, inputs, state, scope=None):
        """(new_tags, new_tags), each (batch, 1)."""
        state = squeeze(state, axis=[1])                               # (B,)
        rows = range_(shape(inputs)[0])
        new_tags = expand_dims(gather_nd(inputs, stack([rows, state], axis=1)), axis=-1)
        return new_tags, new_tags


# ---- decoding --------------------------------------------------------------------------------
def viterbi_decode(score, transition_params):
    """(viterbi, viterbi_score) for one sequence, in numpy: the best tag list and its score.

        tags, best = gc.contrib.crf.viterbi_decode(scores_np[:length], transitions_np)

    score (seq_len, num_tags), transition_params (num_tags, num_tags) arrays. Ties go to
    the lowest tag, as np.argmax.
    """
    score = np.asarray(score)
    transition_params = np.asarray(transition_params)
    trellis = np.zeros_like(score)
    backpointers = np.zeros_like(score, dtype=np.int32)
    trellis[0] = score[0]
    for t in range(1, score.shape[0]):
        v = np.expand_dims(trellis[t - 1], 1) + transition_params
        trellis[t] = score[t] + np.max(v, 0)
        backpointers[t] = np.argmax(v, 0)
    viterbi = [np.argmax(trellis[-1])]
    for bp in backpointers[:0:-1]:
        viterbi.append(bp[viterbi[-1]])
    viterbi.reverse()
    return viterbi, np.max(trellis[-1])


def crf_decode(potentials, transition_params, sequence_length):
    """(decode_tags, best_score): the highest scoring tag sequences, in the graph.

        tags, best = gc.contrib.crf.crf_decode(x, transitions, lengths)
        # tags (batch, max_seq_len) int32, best (batch,)

    Tags past a sequence's length are 0. As TF 1.15, when max_seq_len is 1 the result is
    each example's argmax whatever its length, and a length-0 sequence gets the argmax of
    step 0 and its score.
    """
    api = "crf_decode"
    potentials, _, sequence_length = _shared(api, potentials, None, sequence_length)

    def single_seq():
        squeezed = squeeze(potentials, [1])
        tags = expand_dims(argmax(squeezed, axis=1), 1)
        return cast(tags, dtypes.int32), reduce_max(squeezed, axis=1)

    def multi_seq():
        first = squeeze(slice(potentials, [0, 0, 0], [-1, 1, -1]), axis=[1])   # (B, O)
        rest = slice(potentials, [0, 1, 0], [-1, -1, -1])                     # (B, T-1, O)
        lengths = _lengths_less_one(sequence_length)
        backpointers, last_score = _rnn(CrfDecodeForwardRnnCell(transition_params), rest,
                                        lengths, first)                    # (B, T-1, O)
        backpointers = reverse_sequence(backpointers, lengths, seq_axis=1, batch_axis=0)
        last_tag = expand_dims(cast(argmax(last_score, axis=1), dtypes.int32), axis=-1)
        backward = CrfDecodeBackwardRnnCell(_static_dim(potentials, 2))
        tags, _ = _rnn(backward, backpointers, lengths, last_tag)               # (B, T-1, 1)
        tags = concat([last_tag, squeeze(tags, axis=[2])], axis=1)              # (B, T)
        tags = reverse_sequence(tags, sequence_length, seq_axis=1, batch_axis=0)
        return tags, reduce_max(last_score, axis=1)
    return _shortcut([potentials], single_seq, multi_seq)
