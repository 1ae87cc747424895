"""tf.contrib.legacy_seq2seq (TF 1.15): the statically unrolled seq2seq models, their
decoders, the sequence losses and model_with_buckets, with TF 1.15's variable names.

    from graphc.contrib import legacy_seq2seq
    enc = [gc.placeholder(gc.int32, [None]) for _ in range(4)]
    dec = [gc.placeholder(gc.int32, [None]) for _ in range(3)]
    outputs, state = legacy_seq2seq.embedding_attention_seq2seq(
        enc, dec, gc.nn.rnn_cell.GRUCell(16), 10, 10, embedding_size=8)
    # 'embedding_attention_seq2seq/rnn/embedding_wrapper/embedding',
    # '.../embedding_attention_decoder/attention_decoder/AttnW_0', ...

A feed_previous given as a boolean tensor builds both decoders under gc.cond, as TF does.
"""
from .. import dtypes
from ..graph import name_scope
from ..ops.array import reshape, shape
from ..ops.broadcast import add_n
from ..ops.cast import cast
from ..ops.control import cond
from ..ops.join import concat
from ..ops.nn_extra import embedding_lookup
from ..ops.nn_softmax import sparse_softmax_cross_entropy_with_logits
from ..ops.reduce import reduce_sum
from ..ops.rnn import static_rnn
from ..ops.rnn_cell_base import RNNCell, flatten, pack_as
from ..ops.scope import get_variable_scope, variable_scope
from ..ops.varstore import get_variable
from .legacy_seq2seq_decoders import (_check_projection, _copy_cell,
                                      _extract_argmax_and_embed, attention_decoder,
                                      embedding_attention_decoder, embedding_rnn_decoder,
                                      rnn_decoder)
from .rnn_wrappers import EmbeddingWrapper, OutputProjectionWrapper

__all__ = ["rnn_decoder", "basic_rnn_seq2seq", "tied_rnn_seq2seq", "sequence_loss_by_example",
           "sequence_loss", "embedding_rnn_decoder", "embedding_rnn_seq2seq",
           "attention_decoder", "embedding_attention_decoder", "embedding_attention_seq2seq",
           "model_with_buckets", "embedding_tied_rnn_seq2seq", "one2many_rnn_seq2seq"]


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=dtypes.float32,
                      scope=None):
    """(outputs, state): static_rnn encodes with a deep copy of `cell`, rnn_decoder decodes
    from its final state with `cell` (TF 1.15; no shared weights).

        outputs, state = legacy_seq2seq.basic_rnn_seq2seq(enc, dec, gc.nn.rnn_cell.GRUCell(4))

    Variables under 'basic_rnn_seq2seq/rnn/' and 'basic_rnn_seq2seq/rnn_decoder/'.
    """
    with variable_scope(scope or "basic_rnn_seq2seq"):
        _, enc_state = static_rnn(_copy_cell(cell), encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None,
                     dtype=dtypes.float32, scope=None):
    """(outputs, state): basic_rnn_seq2seq with encoder and decoder sharing `cell`'s
    weights, under 'combined_tied_rnn_seq2seq/<scope or tied_rnn_seq2seq>/' (TF 1.15).

        outputs, state = legacy_seq2seq.tied_rnn_seq2seq(enc, dec, gc.nn.rnn_cell.GRUCell(4))
    """
    with variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function,
                           scope=scope)


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """(batch,) sum_t w_t * crossentropy(logits_t, targets_t), divided by sum_t w_t (+1e-12)
    when average_across_timesteps (TF 1.15).

        loss = legacy_seq2seq.sequence_loss_by_example(logits, targets, weights)
    """
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError("Lengths of logits, weights, and targets must be the same "
                         "%d, %d, %d." % (len(logits), len(weights), len(targets)))
    with name_scope(name, "sequence_loss_by_example", list(logits) + list(targets)
                    + list(weights)):
        log_perp_list = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                crossent = sparse_softmax_cross_entropy_with_logits(
                    labels=reshape(target, [-1]), logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            log_perp_list.append(crossent * weight)
        log_perps = add_n(log_perp_list)
        if average_across_timesteps:
            total_size = add_n(list(weights)) + 1e-12     # avoids 0/0 for all-0 weights
            log_perps = log_perps / total_size
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """Scalar: the sum of sequence_loss_by_example, divided by the batch size when
    average_across_batch (TF 1.15).

        loss = legacy_seq2seq.sequence_loss(logits, targets, weights)
    """
    with name_scope(name, "sequence_loss", list(logits) + list(targets) + list(weights)):
        cost = reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            return cost / cast(shape(targets[0])[0], cost.dtype)
        return cost


def _cond_decoder(feed_previous, decoder, n_outputs, structure):
    """TF's two decoders under cond(feed_previous): the True branch, built first, makes
    the variables (in the outermost graph), the False one reuses them."""
    def branch(flag):
        with variable_scope(get_variable_scope(), reuse=None if flag else True):
            outputs, state = decoder(flag)
        return list(outputs) + flatten(state)
    outputs_and_state = cond(feed_previous, lambda: branch(True), lambda: branch(False))
    state = pack_as(structure, outputs_and_state[n_outputs:])
    return outputs_and_state[:n_outputs], state


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                          num_decoder_symbols, embedding_size, output_projection=None,
                          feed_previous=False, dtype=None, scope=None):
    """(outputs, state): an EmbeddingWrapper'd copy of `cell` encodes; embedding_rnn_decoder
    (cell wrapped in OutputProjectionWrapper(num_decoder_symbols) unless output_projection)
    decodes. feed_previous: bool or scalar bool tensor (TF 1.15).

        outputs, state = legacy_seq2seq.embedding_rnn_seq2seq(enc, dec, cell, 10, 10, 8)
    """
    with variable_scope(scope or "embedding_rnn_seq2seq") as vs:
        if dtype is not None:
            vs.set_dtype(dtype)
        dtype = vs.dtype
        encoder_cell = EmbeddingWrapper(_copy_cell(cell), num_encoder_symbols,
                                        embedding_size)
        _, encoder_state = static_rnn(encoder_cell, list(encoder_inputs), dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)

        def decoder(flag, update=False):
            return embedding_rnn_decoder(decoder_inputs, encoder_state, cell,
                                         num_decoder_symbols, embedding_size,
                                         output_projection=output_projection,
                                         feed_previous=flag,
                                         update_embedding_for_previous=update)
        if isinstance(feed_previous, bool):
            return decoder(feed_previous, True)
        return _cond_decoder(feed_previous, decoder, len(decoder_inputs), encoder_state)


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols,
                               embedding_size, num_decoder_symbols=None,
                               output_projection=None, feed_previous=False, dtype=None,
                               scope=None):
    """(outputs, state): tied_rnn_seq2seq on inputs embedded by one shared 'embedding'
    (num_symbols, embedding_size); outputs over num_decoder_symbols (default num_symbols)
    (TF 1.15).

        outputs, state = legacy_seq2seq.embedding_tied_rnn_seq2seq(enc, dec, cell, 10, 8)
    """
    with variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        _check_projection(output_projection, num_symbols, dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_enc = [embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_dec = [embedding_lookup(embedding, x) for x in decoder_inputs]
        output_symbols = num_symbols if num_decoder_symbols is None else num_decoder_symbols
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, output_symbols)

        def decoder(flag, update=False):
            loop_function = _extract_argmax_and_embed(
                embedding, output_projection, update) if flag else None
            return tied_rnn_seq2seq(emb_enc, emb_dec, cell, loop_function=loop_function,
                                    dtype=dtype)
        if isinstance(feed_previous, bool):
            return decoder(feed_previous, True)
        return _cond_decoder(feed_previous, decoder, len(decoder_inputs), cell.state_size)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                                num_decoder_symbols, embedding_size, encoder_cell=None,
                                num_heads=1, output_projection=None, feed_previous=False,
                                dtype=None, scope=None, initial_state_attention=False):
    """(outputs, state): embedding_rnn_seq2seq whose decoder attends over the encoder's
    outputs (embedding_attention_decoder) (TF 1.15). feed_previous: bool or bool tensor.

        outputs, state = legacy_seq2seq.embedding_attention_seq2seq(enc, dec, cell, 10, 10, 8)
    """
    with variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        encoder_cell = EmbeddingWrapper(_copy_cell(cell) if encoder_cell is None
                                        else encoder_cell, num_encoder_symbols, embedding_size)
        encoder_outputs, encoder_state = static_rnn(encoder_cell, list(encoder_inputs),
                                                    dtype=dtype)
        top_states = [reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs]
        attention_states = concat(top_states, 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def decoder(flag, update=False):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
                embedding_size, num_heads=num_heads, output_size=output_size,
                output_projection=output_projection, feed_previous=flag,
                update_embedding_for_previous=update,
                initial_state_attention=initial_state_attention)
        if isinstance(feed_previous, bool):
            return decoder(feed_previous, True)
        return _cond_decoder(feed_previous, decoder, len(decoder_inputs), encoder_state)


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict,
                         num_encoder_symbols, num_decoder_symbols_dict, embedding_size,
                         feed_previous=False, dtype=None, scope=None):
    """({name: outputs}, {name: state}): one EmbeddingWrapper'd encoder, one
    embedding_rnn_decoder per name under 'one2many_decoder_<name>' (TF 1.15).

        outs, states = legacy_seq2seq.one2many_rnn_seq2seq(
            enc, {"a": dec_a}, enc_cell, {"a": cell_a}, 10, {"a": 7}, embedding_size=8)
    """
    for what, c in [("enc_cell", enc_cell)] + [("dec_cell", c) for c in dec_cells_dict.values()]:
        if not isinstance(c, RNNCell):
            raise TypeError("%s is not an RNNCell: %s" % (what, type(c)))
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
    outputs_dict, state_dict = {}, {}
    with variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        enc_cell = EmbeddingWrapper(enc_cell, num_encoder_symbols, embedding_size)
        _, encoder_state = static_rnn(enc_cell, list(encoder_inputs), dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with variable_scope("one2many_decoder_" + str(name)):
                dec_cell = OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                def decoder(flag, decoder_inputs=decoder_inputs, dec_cell=dec_cell,
                            n=num_decoder_symbols):
                    return embedding_rnn_decoder(decoder_inputs, encoder_state, dec_cell, n,
                                                 embedding_size, feed_previous=flag)
                if isinstance(feed_previous, bool):
                    outputs, state = decoder(feed_previous)
                else:
                    outputs, state = _cond_decoder(feed_previous, decoder,
                                                   len(decoder_inputs), encoder_state)
            outputs_dict[name], state_dict[name] = outputs, state
    return outputs_dict, state_dict


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """(outputs, losses): one seq2seq(encoder_inputs[:i], decoder_inputs[:o]) per bucket
    (i, o), all sharing variables, and its sequence_loss (or, with per_example_loss,
    sequence_loss_by_example) on targets[:o], weights[:o] (TF 1.15).

        outputs, losses = legacy_seq2seq.model_with_buckets(
            enc, dec, targets, weights, [(2, 2), (4, 3)],
            lambda x, y: legacy_seq2seq.embedding_rnn_seq2seq(x, y, cell, 10, 10, 8))
    """
    for what, seq, need in [("encoder_inputs", encoder_inputs, buckets[-1][0]),
                            ("targets", targets, buckets[-1][1]),
                            ("weights", weights, buckets[-1][1])]:
        if len(seq) < need:
            raise ValueError("Length of %s (%d) must be at least that of last bucket (%d)."
                             % (what, len(seq), need))
    all_inputs = list(encoder_inputs) + list(decoder_inputs) + list(targets) + list(weights)
    losses, outputs = [], []
    loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
    with name_scope(name, "model_with_buckets", all_inputs):
        for j, bucket in enumerate(buckets):
            with variable_scope(get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:bucket[0]],
                                            decoder_inputs[:bucket[1]])
                outputs.append(bucket_outputs)
                losses.append(loss_fn(outputs[-1], targets[:bucket[1]], weights[:bucket[1]],
                                      softmax_loss_function=softmax_loss_function))
    return outputs, losses
