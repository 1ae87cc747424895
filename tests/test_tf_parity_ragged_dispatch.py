"""TF's op dispatch for RaggedTensor (graphc/ragged_dispatch.py) against TF's
(tf.compat.v1 graph mode): the dense functions called on RaggedTensors fed through
placeholders, on several feeds: values, static shapes and gradients w.r.t. the values."""
import numpy as np
import pytest
from tf_parity import v1

import graphc as gc

FEEDS = [([1., 2., 3., 4., 5.], [2, 0, 3]), ([0.5, -1.5, 2.5], [1, 2, 0]),
         ([3., -2., 1., 7.], [4])]
WORDS = [["Ab", "cD", "é"], ["x y", "Zz"], [""]]

F = {   # m: the module (gc or tf.compat.v1); rt, it, tok: ragged float, int and strings
    "add": lambda m, rt, it, tok: m.add(rt, 1.),
    "add_rr": lambda m, rt, it, tok: m.math.add(rt, rt * 2.),
    "dense_left": lambda m, rt, it, tok: m.subtract(m.ones([m.shape(rt)[0], 1]) * 3., rt),
    "multiply": lambda m, rt, it, tok: m.multiply(rt, rt),
    "divide": lambda m, rt, it, tok: m.divide(rt, 4.),
    "maximum": lambda m, rt, it, tok: m.maximum(rt, 2.),
    "pow": lambda m, rt, it, tok: m.pow(rt, 2.),
    "squared_difference": lambda m, rt, it, tok: m.squared_difference(rt, 1.),
    "exp": lambda m, rt, it, tok: m.exp(rt),
    "abs": lambda m, rt, it, tok: m.abs(rt),
    "square": lambda m, rt, it, tok: m.math.square(rt),
    "tanh": lambda m, rt, it, tok: m.nn.tanh(rt),
    "relu": lambda m, rt, it, tok: m.nn.relu(rt - 1.),
    "cast": lambda m, rt, it, tok: m.cast(it, m.float32),
    "equal": lambda m, rt, it, tok: m.equal(it, 2),
    "logical_and": lambda m, rt, it, tok: m.logical_and(rt > 0., rt < 3.),
    "logical_not": lambda m, rt, it, tok: m.logical_not(rt > 0.),
    "ones_like": lambda m, rt, it, tok: m.ones_like(rt),
    "zeros_like": lambda m, rt, it, tok: m.zeros_like(rt, dtype=m.int32),
    "clip": lambda m, rt, it, tok: m.clip_by_value(rt, 0., 3.),
    "where": lambda m, rt, it, tok: m.where(rt > 1., rt, rt * 10.),
    "where_v2": lambda m, rt, it, tok: m.where_v2(rt > 1., rt, 0.),
    "where_coords": lambda m, rt, it, tok: m.where(rt > 1.),
    "add_n": lambda m, rt, it, tok: m.add_n([rt, rt, rt]),
    "scalar_mul": lambda m, rt, it, tok: m.scalar_mul(2., rt),
    "reduce_sum": lambda m, rt, it, tok: m.reduce_sum(rt, axis=1),
    "reduce_sum0": lambda m, rt, it, tok: m.reduce_sum(rt, axis=0),
    "reduce_sum_all": lambda m, rt, it, tok: m.reduce_sum(rt),
    "reduce_mean_kd": lambda m, rt, it, tok: m.reduce_mean(rt, axis=1, keepdims=True),
    "reduce_max": lambda m, rt, it, tok: m.math.reduce_max(rt, axis=1),
    "reduce_min0": lambda m, rt, it, tok: m.reduce_min(rt, axis=0),
    "reduce_prod": lambda m, rt, it, tok: m.reduce_prod(rt, axis=1),
    "reduce_any": lambda m, rt, it, tok: m.reduce_any(rt > 2., axis=1),
    "reduce_all": lambda m, rt, it, tok: m.reduce_all(rt > 0., axis=1),
    "reduce_variance": lambda m, rt, it, tok: m.math.reduce_variance(rt, axis=0),
    "gather": lambda m, rt, it, tok: m.gather(rt, [0, -0, 0]),
    "gather_ragged_ids": lambda m, rt, it, tok: m.gather([10., 20., 30., 40.],
                                                         m.abs(it) % 4),
    "gather_nd": lambda m, rt, it, tok: m.gather_nd(rt, [[0], [0]]),
    "concat0": lambda m, rt, it, tok: m.concat([rt, rt * 2.], axis=0),
    "concat1": lambda m, rt, it, tok: m.concat([rt, rt * 2.], axis=1),
    "stack1": lambda m, rt, it, tok: m.stack([rt, rt], axis=1),
    "stack2": lambda m, rt, it, tok: m.stack([rt, rt * 3.], axis=2),
    "expand_dims": lambda m, rt, it, tok: m.expand_dims(rt, 2),
    "squeeze": lambda m, rt, it, tok: m.squeeze(m.expand_dims(rt, 2), axis=2),
    "tile": lambda m, rt, it, tok: m.tile(rt, [2, 3]),
    "reverse1": lambda m, rt, it, tok: m.reverse(rt, [1]),
    "reverse0": lambda m, rt, it, tok: m.reverse(rt, [0]),
    "cumsum": lambda m, rt, it, tok: m.cumsum(rt, axis=1, exclusive=True),
    "size": lambda m, rt, it, tok: m.size(rt),
    "rank": lambda m, rt, it, tok: m.rank(rt),
    "nrows": lambda m, rt, it, tok: m.shape(rt, out_type=m.int64)[0],
    "reshape": lambda m, rt, it, tok: m.reshape(rt, [-1]),
    "embedding": lambda m, rt, it, tok: m.nn.embedding_lookup(
        m.reshape(m.range(10.), [5, 2]), m.abs(it) % 5),
    "one_hot": lambda m, rt, it, tok: m.one_hot(m.abs(it) % 3, 3),
    "lower": lambda m, rt, it, tok: m.strings.lower(tok),
    "upper8": lambda m, rt, it, tok: m.strings.upper(tok, encoding="utf-8"),
    "length": lambda m, rt, it, tok: m.strings.length(tok, unit="UTF8_CHAR"),
    "substr": lambda m, rt, it, tok: m.strings.substr(tok, 0, 1),
    "regex_replace": lambda m, rt, it, tok: m.strings.regex_replace(tok, "[a-z]", "_"),
    "regex_full_match": lambda m, rt, it, tok: m.strings.regex_full_match(tok, "[A-Z].*"),
    "hash": lambda m, rt, it, tok: m.strings.to_hash_bucket_fast(tok, 7),
    "as_string": lambda m, rt, it, tok: m.strings.as_string(it),
    "join": lambda m, rt, it, tok: m.strings.join([tok, "!"], separator="-"),
    "reduce_join": lambda m, rt, it, tok: m.strings.reduce_join(tok, axis=1, separator=" "),
    "reduce_join0": lambda m, rt, it, tok: m.strings.reduce_join(tok, axis=0),
    "ngrams": lambda m, rt, it, tok: m.strings.ngrams(tok, 2, separator="+"),
    "ngrams_pad": lambda m, rt, it, tok: m.strings.ngrams(
        tok, (1, 3), pad_values=("<", ">"), padding_width=1),
    "ngrams_preserve": lambda m, rt, it, tok: m.strings.ngrams(
        tok, 3, pad_values="#", padding_width=1, preserve_short_sequences=True),
    "unicode_decode": lambda m, rt, it, tok: m.strings.unicode_decode(tok, "UTF-8"),
    "unicode_split": lambda m, rt, it, tok: m.strings.unicode_split(tok.flat_values,
                                                                    "UTF-8"),
    "unicode_decode_offsets": lambda m, rt, it, tok: m.strings.unicode_decode_with_offsets(
        tok.flat_values, "UTF-8")[1],
    "unicode_encode": lambda m, rt, it, tok: m.strings.unicode_encode(
        m.strings.unicode_decode(tok, "UTF-8"), "UTF-8"),
    "bytes_split": lambda m, rt, it, tok: m.strings.bytes_split(tok.flat_values),
    "split_2d": lambda m, rt, it, tok: m.strings.split(
        m.reshape(tok.flat_values, [1, -1]), result_type="RaggedTensor"),
}
GRAD = {"add", "add_rr", "dense_left", "multiply", "divide", "maximum", "pow",
        "squared_difference", "exp", "abs", "square", "tanh", "relu", "clip", "where",
        "where_v2", "add_n", "scalar_mul", "reduce_sum", "reduce_sum0", "reduce_mean_kd",
        "reduce_max", "reduce_prod", "gather", "gather_nd", "concat0", "concat1",
        "stack1", "stack2", "expand_dims", "squeeze", "tile", "reverse1", "reverse0",
        "reshape", "reduce_variance"}


def _value(v):
    if hasattr(v, "to_list"):
        return v.to_list()
    return np.asarray(v).tolist()


def _build_run(m, name, vals, lengths, words):
    with m.Graph().as_default():
        x = m.placeholder(m.float32, [None])
        n = m.placeholder(m.int64, [None])
        w = m.placeholder(m.string, [None])
        wn = m.placeholder(m.int64, [None])
        rt = m.RaggedTensor.from_row_lengths(x, n)
        it = m.cast(m.RaggedTensor.from_row_lengths(x, n), m.int32)
        tok = m.RaggedTensor.from_row_lengths(w, wn)
        out = F[name](m, rt, it, tok)
        shape = [d if isinstance(d, int) or d is None else d.value
                 for d in (out.shape.as_list() if out.shape.rank is not None else [])]
        flat = out.flat_values if hasattr(out, "flat_values") else out
        fetch = [out]
        if name in GRAD:
            fetch.append(m.convert_to_tensor(m.gradients(m.reduce_sum(flat * flat), [x])[0]))
        feed = {x: np.array(vals, np.float32), n: lengths,
                w: np.array([t.encode() for r in words for t in r], object),
                wn: [len(r) for r in words]}
        with m.Session() as sess:
            got = sess.run(fetch, feed)
        return shape, [_value(g) for g in got]


def _close(g, t):
    """Equal nested lists, floats to float32 rounding."""
    if isinstance(t, list):
        assert isinstance(g, list) and len(g) == len(t), (g, t)
        for a, b in zip(g, t):
            _close(a, b)
    elif isinstance(t, float):
        np.testing.assert_allclose(g, t, rtol=2e-6, atol=1e-6)
    else:
        assert g == t, (g, t)


@pytest.mark.parametrize("name", sorted(F))
def test_dispatch_matches_tf(name):
    for vals, lengths in FEEDS:
        want = _build_run(v1, name, vals, lengths, WORDS)
        got = _build_run(gc, name, vals, lengths, WORDS)
        # equal static shapes, where graphc may know a dim TF leaves unknown
        assert len(got[0]) == len(want[0]) and all(
            t is None or a == t for a, t in zip(got[0], want[0])), (got[0], want[0])
        _close(got[1], want[1])
