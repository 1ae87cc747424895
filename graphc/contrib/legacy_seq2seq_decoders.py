"""The decoders of tf.contrib.legacy_seq2seq (TF 1.15): rnn_decoder, attention_decoder
and their embedding forms, with the helpers the models share (legacy_seq2seq.py holds the
models, the losses and model_with_buckets).

    outputs, state = rnn_decoder(decoder_inputs, initial_state, cell)
"""
import copy

from .. import errors
from ..ops import elementwise as E
from ..ops.array import reshape, shape
from ..ops.conv import conv2d
from ..ops.core import convert_to_tensor, stop_gradient
from ..ops.creation import zeros
from ..ops.join import concat, stack
from ..ops.linalg import matmul
from ..ops.nn import bias_add
from ..ops.nn_extra import embedding_lookup
from ..ops.nn_misc import xw_plus_b
from ..ops.nn_softmax import softmax
from ..ops.reduce import argmax, reduce_sum
from ..ops.rnn_cell_base import flatten
from ..ops.scope import get_variable_scope, variable_scope
from ..ops.varstore import get_variable
from ..initializers import zeros_initializer

__all__ = ["rnn_decoder", "embedding_rnn_decoder", "attention_decoder",
           "embedding_attention_decoder"]


def _linear(args, output_size, bias):
    """TF 1.15's rnn _linear: concat(args, 1) @ 'kernel' (+ 'bias', zeros) in the current
    variable scope."""
    args = list(args) if isinstance(args, (list, tuple)) else [args]
    depth = 0
    for a in args:
        d = a.shape._dims[1] if a.shape.rank == 2 else None
        if not isinstance(d, int):
            raise errors.ShapeError("linear is expecting 2D arguments with a known last "
                                    "dimension\n  " + errors.describe_tensor(a, "arg"))
        depth += d
    dtype = args[0].dtype
    kernel = get_variable("kernel", [depth, output_size], dtype=dtype)
    res = matmul(args[0] if len(args) == 1 else concat(args, 1), kernel)
    if not bias:
        return res
    return bias_add(res, get_variable("bias", [output_size], dtype=dtype,
                                      initializer=zeros_initializer()))


def _check_projection(output_projection, num_symbols, dtype, weights=True):
    """TF's checks: W compatible with [None, num_symbols], B with [num_symbols]."""
    if output_projection is None:
        return
    if weights:
        w = convert_to_tensor(output_projection[0], dtype=dtype)
        w.get_shape().assert_is_compatible_with([None, num_symbols])
    b = convert_to_tensor(output_projection[1], dtype=dtype)
    b.get_shape().assert_is_compatible_with([num_symbols])


def _copy_cell(cell):
    """copy.deepcopy(cell) of a cell not used yet (TF 1.15 cannot copy a used one either)."""
    if getattr(cell, "_scope", None) is not None or getattr(cell, "variables", None):
        raise TypeError(f"legacy_seq2seq copies the cell for the encoder, but "
                        f"{type(cell).__name__} '{cell.name}' was already used (its variables "
                        f"are made): create a new cell for each model, e.g. inside the "
                        f"seq2seq function given to model_with_buckets")
    return copy.deepcopy(cell)


def _extract_argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """loop_function(prev, i): embedding[argmax(prev @ W + B)] (stop_gradient unless
    update_embedding)."""
    def loop_function(prev, _):
        if output_projection is not None:
            prev = xw_plus_b(prev, output_projection[0], output_projection[1])
        emb_prev = embedding_lookup(embedding, argmax(prev, 1))
        return emb_prev if update_embedding else stop_gradient(emb_prev)
    return loop_function


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """(outputs, state): `cell` run from `initial_state` over `decoder_inputs` (TF 1.15);
    with `loop_function(prev_output, i)`, input i > 0 is computed from output i-1.

        outputs, state = legacy_seq2seq.rnn_decoder(xs, h0, gc.nn.rnn_cell.GRUCell(4))

    Variables under scope (default 'rnn_decoder').
    """
    with variable_scope(scope or "rnn_decoder"):
        state, outputs, prev = initial_state, [], None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                          output_projection=None, feed_previous=False,
                          update_embedding_for_previous=True, scope=None):
    """rnn_decoder on 'embedding'[ids] (TF 1.15); feed_previous=True feeds back
    embedding[argmax(output @ W + B)] (greedy decoding) after the first ("GO") input.

        outputs, state = legacy_seq2seq.embedding_rnn_decoder(ids, h0, cell, 10, 8)
    """
    with variable_scope(scope or "embedding_rnn_decoder") as vs:
        _check_projection(output_projection, num_symbols, vs.dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection,
            update_embedding_for_previous) if feed_previous else None
        emb_inp = [embedding_lookup(embedding, i) for i in decoder_inputs]
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                      output_size=None, num_heads=1, loop_function=None, dtype=None,
                      scope=None, initial_state_attention=False):
    """(outputs, state): an RNN decoder that attends over attention_states (batch, length,
    size) (TF 1.15, arXiv:1412.7449). Each step: x = linear([input] + attns);
    cell_out, state = cell(x, state); per head a, with h = attention_states:
    attn = sum_t softmax_t(v_a . tanh(h_t @ AttnW_a + linear_a(state))) h_t;
    output = linear([cell_out] + attns, output_size) ('AttnOutputProjection').

        outputs, state = legacy_seq2seq.attention_decoder(xs, h0, enc_states, cell)
    """
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    attention_states = convert_to_tensor(attention_states)
    dims = attention_states.shape._dims if attention_states.shape.rank == 3 else None
    if dims is None or not isinstance(dims[2], int):
        raise ValueError("Shape[2] of attention_states must be known: %s"
                         % attention_states.shape)
    if output_size is None:
        output_size = cell.output_size
    with variable_scope(scope or "attention_decoder", dtype=dtype) as vs:
        dtype = vs.dtype
        batch_size = shape(decoder_inputs[0])[0]
        attn_length = dims[1] if isinstance(dims[1], int) else shape(attention_states)[1]
        attn_size = dims[2]
        # W1 * h_t for every t as a 1x1 convolution over (batch, length, 1, size).
        hidden = reshape(attention_states, [-1, attn_length, 1, attn_size])
        hidden_features, v = [], []
        for a in range(num_heads):
            k = get_variable("AttnW_%d" % a, [1, 1, attn_size, attn_size])
            hidden_features.append(conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            v.append(get_variable("AttnV_%d" % a, [attn_size]))

        def attention(query):
            """The attention reads of every head for `query` (a state, maybe nested)."""
            query = flatten(query)
            query = query[0] if len(query) == 1 else concat(query, 1)
            ds = []
            for a in range(num_heads):
                with variable_scope("Attention_%d" % a):
                    y = reshape(_linear(query, attn_size, True), [-1, 1, 1, attn_size])
                    s = reduce_sum(v[a] * E.tanh(hidden_features[a] + y), [2, 3])
                    weights = reshape(softmax(s), [-1, attn_length, 1, 1])
                    ds.append(reshape(reduce_sum(weights * hidden, [1, 2]), [-1, attn_size]))
            return ds

        outputs, prev, state = [], None, initial_state
        attns = [reshape(zeros(stack([batch_size, attn_size]), dtype=dtype), [-1, attn_size])
                 for _ in range(num_heads)]
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            inp = convert_to_tensor(inp)
            if inp.shape.rank != 2:
                raise errors.ShapeError("attention_decoder: each input must have rank 2\n  "
                                        + errors.describe_tensor(inp, "input"))
            if not isinstance(inp.shape._dims[1], int):
                raise ValueError("Could not infer input size from input: %s" % inp.name)
            x = _linear([inp] + attns, inp.shape._dims[1], True)
            cell_output, state = cell(x, state)
            if i == 0 and initial_state_attention:
                with variable_scope(get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with variable_scope("AttnOutputProjection"):
                output = _linear([cell_output] + attns, output_size, True)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                                num_symbols, embedding_size, num_heads=1, output_size=None,
                                output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """attention_decoder on 'embedding'[ids], with embedding_rnn_decoder's feed_previous
    (TF 1.15).

        outputs, state = legacy_seq2seq.embedding_attention_decoder(
            ids, h0, enc_states, cell, num_symbols=10, embedding_size=8)
    """
    if output_size is None:
        output_size = cell.output_size
    _check_projection(output_projection, num_symbols, dtype, weights=False)
    with variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection,
            update_embedding_for_previous) if feed_previous else None
        emb_inp = [embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(emb_inp, initial_state, attention_states, cell,
                                 output_size=output_size, num_heads=num_heads,
                                 loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)
