"""TF's op dispatch for RaggedTensor (graphc/ragged_dispatch.py): dense functions called
on RaggedTensors give TF 2.21's values (hard-coded here; test_tf_parity_ragged_dispatch.py
runs TF itself), and calls without one are the original functions' calls."""
import inspect

import numpy as np
import pytest

import graphc as gc
from graphc import ragged_dispatch

A = [[1., 2.], [], [3., 4., 5.]]


def _run(*ts, feed=None):
    with gc.Session() as sess:
        out = sess.run(list(ts), feed)
    return [o.to_list() if hasattr(o, "to_list") else np.asarray(o).tolist() for o in out]


def test_wrappers_keep_name_doc_signature_and_dense_calls():
    for f, name in [(gc.add, "add"), (gc.reduce_sum, "reduce_sum"),
                    (gc.strings.lower, "lower"), (gc.nn.embedding_lookup, "embedding_lookup")]:
        assert f.__name__ == name and f.__doc__ == f.__wrapped__.__doc__
        assert inspect.signature(f) == inspect.signature(f.__wrapped__)
    assert gc.math.add is gc.add and gc.compat.v1.reduce_sum is gc.reduce_sum
    x = gc.constant([[1., 2.], [3., 4.]])
    y = gc.reduce_sum(x, axis=1)
    assert y.op.type == gc.reduce_sum.__wrapped__(x, axis=1).op.type
    assert _run(y, gc.add(x, 1.))[0] == [3., 7.]
    assert "math.add" in ragged_dispatch.dispatched()


def test_elementwise_and_reductions():
    rt = gc.ragged.constant(A)
    it = gc.ragged.constant([[1, 2], [], [3]])
    got = _run(gc.add(gc.constant([[1.], [2.], [3.]]), rt), gc.cast(it, gc.float32),
               gc.equal(rt, 2.), gc.where(rt > 1.5, rt, rt * 10), gc.where_v2(rt > 1.5, rt, 0.),
               gc.where(rt > 1.5), gc.add_n([rt, rt]), gc.scalar_mul(2., rt),
               gc.reduce_sum(rt, axis=1, keepdims=True), gc.reduce_sum(rt),
               gc.math.reduce_variance(rt, axis=0), gc.clip_by_value(rt, 1.5, 4.),
               gc.nn.relu(rt - 2.), gc.zeros_like(rt, dtype=gc.int32))
    assert got == [[[2., 3.], [], [6., 7., 8.]], [[1., 2.], [], [3.]],
                   [[False, True], [], [False, False, False]],
                   [[10., 2.], [], [3., 4., 5.]], [[0., 2.], [], [3., 4., 5.]],
                   [[0, 1], [2, 0], [2, 1], [2, 2]], [[2., 4.], [], [6., 8., 10.]],
                   [[2., 4.], [], [6., 8., 10.]], [[3.], [0.], [12.]], 15.,
                   [1., 1., 0.], [[1.5, 2.], [], [3., 4., 4.]], [[0., 0.], [], [1., 2., 3.]],
                   [[0, 0], [], [0, 0, 0]]]


def test_array_ops():
    rt = gc.ragged.constant(A)
    it = gc.ragged.constant([[1, 2], [], [3]])
    shape = gc.shape(rt)
    got = _run(gc.tile(rt, [2, 2]), gc.gather_nd(rt, [[2, 1], [0, 0]]),
               gc.gather_nd(rt, [[2], [0]]), gc.reverse(rt, [1]), gc.reverse(rt, [0]),
               gc.stack([rt, rt], axis=2), gc.concat([rt, rt], axis=1),
               gc.squeeze(gc.expand_dims(rt, 0), axis=0), gc.cumsum(rt, axis=1),
               gc.size(rt), gc.rank(rt), shape[0], gc.reshape(rt, [-1]),
               gc.nn.embedding_lookup(gc.reshape(gc.range(10.), [5, 2]), it),
               gc.one_hot(it, 4)[0], gc.gather(rt, [2, 0]))
    assert got == [[[1., 2., 1., 2.], [], [3., 4., 5., 3., 4., 5.], [1., 2., 1., 2.], [],
                    [3., 4., 5., 3., 4., 5.]], [4., 1.], [[3., 4., 5.], [1., 2.]],
                   [[2., 1.], [], [5., 4., 3.]], [[3., 4., 5.], [], [1., 2.]],
                   [[[1., 1.], [2., 2.]], [], [[3., 3.], [4., 4.], [5., 5.]]],
                   [[1., 2., 1., 2.], [], [3., 4., 5., 3., 4., 5.]],
                   [[1., 2.], [], [3., 4., 5.]], [[1., 3.], [], [3., 7., 12.]], 5, 2, 3,
                   [1., 2., 3., 4., 5.], [[[2., 3.], [4., 5.]], [], [[6., 7.]]],
                   [[0., 1., 0., 0.], [0., 0., 1., 0.]], [[3., 4., 5.], [1., 2.]]]
    assert gc.tile(rt, [2, 2]).shape.as_list() == [6, None]
    assert gc.stack([rt, rt], axis=2).shape.as_list() == [3, None, 2]
    with pytest.raises(ValueError, match="Index 1 is not uniform"):
        shape[1]
    with pytest.raises(ValueError, match="must have an axis"):
        gc.squeeze(rt)
    with pytest.raises(TypeError, match="RaggedTensor"):
        gc.boolean_mask(rt, rt > 1.)          # TF does not dispatch it either


def test_gradients_through_dispatch():
    x = gc.placeholder(gc.float32, [None])
    rt = gc.RaggedTensor.from_row_lengths(x, [2, 0, 3])
    y = gc.reduce_sum(gc.reduce_max(gc.multiply(rt, rt), axis=1))
    g, = gc.gradients(y, [x])
    assert _run(g, feed={x: [1., -3., 2., 4., 1.]})[0] == [0., -6., 0., 8., 0.]


def test_strings():
    tok = gc.ragged.constant([["Ab", "cD"], [], ["é"]])
    got = _run(gc.strings.lower(tok), gc.strings.length(tok, unit="UTF8_CHAR"),
               gc.strings.reduce_join(tok, axis=1, separator=" "),
               gc.strings.reduce_join(tok), gc.strings.join([tok, "x"], separator="-"),
               gc.strings.ngrams(tok, 2, separator="+"),
               gc.strings.ngrams(tok, (1, 3), pad_values=("<", ">"), padding_width=1),
               gc.strings.unicode_decode(tok, "UTF-8"),
               gc.strings.unicode_decode(["hé", ""], "UTF-8"),
               gc.strings.unicode_split(["hé", ""], "UTF-8"),
               gc.strings.bytes_split(["hé", ""]),
               gc.strings.split([["a b", "c"], ["", "d e f"]], result_type="RaggedTensor"),
               gc.strings.unicode_encode(gc.ragged.constant([[104, 105], [233], []]),
                                         "UTF-8"))
    assert got == [[[b"ab", b"cd"], [], ["é".encode()]], [[2, 2], [], [1]],
                   [b"Ab cD", b"", "é".encode()], "AbcDé".encode(),
                   [[b"Ab-x", b"cD-x"], [], ["é-x".encode()]], [[b"Ab+cD"], [], []],
                   [[b"Ab", b"cD", b"< Ab cD", b"Ab cD >"], [], ["é".encode(), "< é >".encode()]],
                   [[[65, 98], [99, 68]], [], [[233]]], [[104, 233], []],
                   [[b"h", "é".encode()], []], [[b"h", b"\xc3", b"\xa9"], []],
                   [[[b"a", b"b"], [b"c"]], [[], [b"d", b"e", b"f"]]],
                   [b"hi", "é".encode(), b""]]
    assert gc.strings.split([["a b", "c"]], result_type="RaggedTensor").shape.as_list() \
        == [1, 2, None]


def test_format_and_regex_as_tf():
    s = gc.constant(["é", 'a"b', "\x01"])
    got = _run(gc.strings.format("{}", [s]),
               gc.strings.regex_replace(["abc", "xbx"], "(b)", r"\g<1>"),
               gc.strings.regex_replace(["abc"], "(b)", r"[\1\0]"),
               gc.strings.regex_replace(["abc"], "(b)", r"<\g>"))
    assert got == ['["é" "a\\"b" "\\001"]'.encode(), [b"ac", b"xx"], [b"a[bb]c"], [b"a<c"]]
