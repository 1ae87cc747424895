"""Fixes from bug hunt 20 (ragged tensors and Unicode text). Every expected value was
produced by TF 2.21 (tf.compat.v1, graph mode) on the same graph and feed."""
import numpy as np
import pytest

import graphc as gc

X = [1., 2., 3., 10., 20., 30.]


def _run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


# ---- bug 1, 10: ragged reduce_mean over several axes is sum / count over all of them ----
def test_ragged_reduce_mean_over_several_axes_and_its_gradient():
    x = gc.placeholder(gc.float32, [None])
    rl = gc.placeholder(gc.int64, [None])
    rt = gc.RaggedTensor.from_row_lengths(x, rl)
    rt2 = gc.RaggedTensor.from_nested_row_lengths(x, [[2, 1], rl])
    outs = [gc.ragged.reduce_mean(rt, axis=[0, 1]),
            gc.ragged.reduce_mean(rt, axis=[0, 1], keepdims=True),
            gc.ragged.reduce_mean(rt2, axis=[1, 2]), gc.ragged.reduce_mean(rt2, axis=[0, 2]),
            gc.ragged.reduce_mean(rt2, axis=[0, 1, 2])]
    g, = gc.gradients(gc.reduce_sum(outs[0]) * 2. + gc.reduce_sum(outs[2]), [x])
    got = _run(outs + [g], {x: X, rl: [2, 1, 3]})
    want = [11.0, [[11.0]], [2.0, 20.0], [12.6, 3.0], 11.0]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert got[1].shape == (1, 1)
    # d/dx: 2 * 1/6 (6 values) + 1/3 (each row of rt2 has 3 values), as TF
    np.testing.assert_allclose(got[5], [2 / 3] * 6, rtol=1e-6)
    # an empty row counts nothing: TF 3.5, not the NaN of a mean of means
    e = gc.RaggedTensor.from_row_lengths(gc.constant([1., 2., 3., 4., 5., 6.]), [4, 0, 2])
    np.testing.assert_allclose(_run(gc.ragged.reduce_mean(e, axis=[0, 1])), 3.5)


def test_integer_ragged_reduce_mean_of_everything_is_float64():
    rt = gc.RaggedTensor.from_row_lengths(gc.constant(np.int32([1, 2, 3, 4, 5, 6])),
                                          [4, 0, 2])
    got = _run(gc.ragged.reduce_mean(rt))
    assert got.dtype == np.float64 and got == 3.5


# ---- bug 2, 9: ngrams padding capped at width - 1; inputs without strings ----------------
def test_ngrams_pad_each_width_by_at_most_width_minus_one():
    t = gc.placeholder(gc.string, [None, None])
    a = gc.strings.ngrams(t, (1, 2), pad_values=("<s>", "</s>"), padding_width=1)
    b = gc.strings.ngrams(t, 2, pad_values="#", padding_width=3)
    c = gc.strings.ngrams(t, [3, 4], pad_values=("<", ">"), padding_width=3)
    d = gc.strings.ngrams(t, [3], pad_values=("<", ">"), padding_width=1,
                          preserve_short_sequences=True)
    m = np.array([[b"a", b"b"]], object)
    assert b.shape.as_list() == [None, None]
    ga, gb, gc_ = _run([a, b, c], {t: m})
    assert ga.tolist() == [[b"a", b"b", b"<s> a", b"a b", b"b </s>"]]
    assert gb.tolist() == [[b"# a", b"a b", b"b #"]]
    assert gc_.tolist() == [[b"< < a", b"< a b", b"a b >", b"b > >", b"< < < a", b"< < a b",
                             b"< a b >", b"a b > >", b"b > > >"]]
    assert _run(d, {t: np.array([[b"a"], [b"b"]], object)}).tolist() == [[b"< a >"],
                                                                          [b"< b >"]]
    static = gc.strings.ngrams(gc.placeholder(gc.string, [None, 3]), [1, 2], pad_values="#",
                               padding_width=5)
    assert static.shape.as_list() == [None, 7]


def test_ngrams_of_no_strings():
    t = gc.placeholder(gc.string, [None, None])
    v = gc.placeholder(gc.string, [None])
    outs = [gc.strings.ngrams(t, 2), gc.strings.ngrams(t, [2], pad_values="#",
                                                       padding_width=1,
                                                       preserve_short_sequences=True),
            gc.strings.ngrams(v, [1, 2], pad_values="#")]
    got = _run(outs, {t: np.zeros((2, 0), object), v: np.zeros((0,), object)})
    assert [g.tolist() for g in got] == [[[], []], [[], []], []]
    assert _run(outs[0], {t: np.zeros((0, 3), object)}).shape[0] == 0


def test_fingerprint_of_no_rows():
    got = _run(gc.fingerprint(gc.placeholder_with_default(np.zeros((0,), object), [None])))
    assert got.shape == (0, 8) and got.dtype == np.uint8
    got = _run(gc.fingerprint(gc.constant(np.zeros((2, 0), np.int32))))
    assert got.tolist() == [[79, 64, 144, 47, 59, 106, 225, 154]] * 2


@pytest.mark.parametrize("shape,target,static,want", [
    ([0], [0, -1], [0, None], (0, 1)), ([0], [-1, 0], [None, 0], (1, 0)),
    ([0, 3], [0, -1], [0, None], (0, 3)), ([0], [2, -1], [2, 0], (2, 0)),
    ([0, 0], [-1, 5], [0, 5], (0, 5)), ([0], [0, 0, -1], [0, 0, None], (0, 0, 1)),
    ([3, 0, 2], [0, -1], [0, None], (0, 6)), ([3, 0, 2], [0, 4, -1], [0, 4, None], (0, 4, 1)),
])
def test_reshape_of_no_values_with_minus_one_follows_tf(shape, target, static, want):
    """TF: with a 0 in the target, -1 is the product of the nonzero input dims over that of
    the nonzero target dims; its static shape leaves it unknown."""
    x = gc.placeholder(gc.float32, shape)
    y = gc.reshape(x, target)
    dyn = gc.reshape(gc.placeholder_with_default(np.zeros(shape, np.float32),
                                                 [None] * len(shape)),
                     gc.placeholder_with_default(np.int32(target), [None]))
    assert y.shape.as_list() == static
    got, got_dyn = _run([y, dyn], {x: np.zeros(shape, np.float32)})
    assert got.shape == want and got_dyn.shape == want


# ---- bug 3, 4: from_tensor lengths (clipped, nested) and ragged_rank 2 -------------------
def test_from_tensor_clips_lengths_to_the_width():
    x = gc.placeholder(gc.int32, [None, None])
    ln = gc.placeholder(gc.int64, [None])
    a, b = gc.RaggedTensor.from_tensor(x, lengths=ln), \
        gc.RaggedTensor.from_tensor(x, lengths=ln - 2)
    ga, gb = _run([a, b], {x: [[1, 2, 3], [4, 5, 6]], ln: [1, 5]})
    assert ga.to_list() == [[1], [4, 5, 6]] and list(ga.row_splits) == [0, 1, 4]
    assert gb.to_list() == [[], [4, 5, 6]] and list(gb.row_splits) == [0, 0, 3]


def test_from_tensor_nested_lengths_tuple_tf_doc_example():
    dt = gc.placeholder(gc.int32, [None, None, None])
    lens = gc.placeholder(gc.int64, [None])
    a = gc.RaggedTensor.from_tensor(dt, lengths=([2, 0, 3], [1, 1, 2, 0, 1]))
    b = gc.RaggedTensor.from_tensor(dt, lengths=(gc.constant([2, 0, 3]), lens),
                                    ragged_rank=2)
    assert a.ragged_rank == 2
    v = [[[5, 0], [7, 0], [0, 0]], [[0, 0], [3, 0], [0, 0]], [[6, 0], [0, 0], [0, 0]]]
    ga, gb = _run([a, b], {dt: v, lens: [1, 1, 2, 0, 1]})
    want = [[[5], [7]], [], [[6, 0], [], [0]]]
    assert ga.to_list() == want and gb.to_list() == want
    with pytest.raises(ValueError, match="ragged_rank"):
        gc.RaggedTensor.from_tensor(dt, lengths=([2, 0, 3], [1, 1, 2, 0, 1]), ragged_rank=3)


def test_from_tensor_ragged_rank_2_pads_the_innermost_dim_and_its_gradient():
    d = gc.placeholder(gc.float32, [None, None, None])
    rl = gc.placeholder(gc.int64, [None])
    ft = gc.RaggedTensor.from_tensor(d, lengths=rl, ragged_rank=2)
    ftp = gc.RaggedTensor.from_tensor(d, padding=0., ragged_rank=2)
    g, = gc.gradients(gc.reduce_sum(ft.flat_values * 3.) + gc.reduce_sum(ftp.flat_values),
                      [d])
    dv = np.float32([[[1, 2, 0], [0, 0, 0]], [[3, 0, 0], [4, 5, 6]]])
    a, b, gv = _run([ft, ftp, g], {d: dv, rl: [2, -1, 1, 5]})
    want = [[[1.0, 2.0], []], [[3.0], [4.0, 5.0, 6.0]]]
    assert a.to_list() == want and b.to_list() == want
    np.testing.assert_array_equal(gv, [[[4, 4, 0], [0, 0, 0]], [[4, 0, 0], [4, 4, 4]]])
    s = gc.RaggedTensor.from_tensor(gc.placeholder(gc.float32, [2, 3, 4]), padding=0.,
                                    ragged_rank=2)
    assert s.shape.as_list() == [2, 3, None]


# ---- bug 7: case conversion of invalid UTF-8 ---------------------------------------------
def test_utf8_case_replaces_invalid_bytes():
    s = gc.placeholder(gc.string, [None])
    lo, up = gc.strings.lower(s, encoding="utf-8"), gc.strings.upper(s, encoding="utf-8")
    got = _run([lo, up], {s: [b"bad\xff\xfeok", b"A\xc3", b"\xed\xa0\x80X",
                              b"\xc0\xafA", b"\x80\x80\xc3\xa9"]})
    r = "\ufffd".encode()
    assert got[0].tolist() == [b"bad" + 2 * r + b"ok", b"a" + r, 3 * r + b"x",
                               2 * r + b"a", 2 * r + "é".encode()]
    assert got[1].tolist() == [b"BAD" + 2 * r + b"OK", b"A" + r, 3 * r + b"X",
                               2 * r + b"A", 2 * r + "É".encode()]


# ---- bug 8: slicing a ragged dim with tensor bounds --------------------------------------
def test_ragged_slice_with_tensor_bounds_and_its_gradient():
    x = gc.placeholder(gc.float32, [None])
    rt = gc.RaggedTensor.from_row_lengths(x, [2, 1, 3])
    a, b = gc.placeholder(gc.int32, []), gc.placeholder(gc.int64, [])
    sl = [rt[:, a:b], rt[:, a:], rt[:, :b:2], rt[:, a:-1]]
    g, = gc.gradients(gc.reduce_sum(sl[0].flat_values * sl[0].flat_values), [x])
    g = gc.convert_to_tensor(g)         # IndexedSlices (a gather's), as TF's
    want = {
        (1, 3): ([[[2.0], [], [20.0, 30.0]], [[2.0], [], [20.0, 30.0]],
                  [[1.0], [3.0], [10.0, 30.0]], [[], [], [20.0]]], [0, 4, 0, 0, 40, 60]),
        (-2, -1): ([[[1.0], [], [20.0]], [[1.0, 2.0], [3.0], [20.0, 30.0]],
                    [[1.0], [], [10.0]], [[1.0], [], [20.0]]], [2, 0, 0, 0, 40, 0]),
        (-9, 9): ([[[1.0, 2.0], [3.0], [10.0, 20.0, 30.0]]] * 2 +
                  [[[1.0], [3.0], [10.0, 30.0]], [[1.0], [], [10.0, 20.0]]],
                  [2, 4, 6, 20, 40, 60]),
        (0, -3): ([[[], [], []], [[1.0, 2.0], [3.0], [10.0, 20.0, 30.0]], [[], [], []],
                   [[1.0], [], [10.0, 20.0]]], [0] * 6),
    }
    with gc.Session() as sess:
        for (av, bv), (vals, grad) in want.items():
            out = sess.run(sl + [g], {x: X, a: av, b: bv})
            assert [o.to_list() for o in out[:4]] == vals, (av, bv)
            np.testing.assert_allclose(out[4], grad)
    s = gc.placeholder(gc.string, [None])
    n = gc.placeholder(gc.int32, [])
    head = gc.strings.split(s, result_type="RaggedTensor")[:, :n]
    assert _run(head, {s: ["a b c d", "e"], n: 2}).to_list() == [[b"a", b"b"], [b"e"]]
    with pytest.raises(TypeError, match="integer scalar"):
        rt[:, :gc.constant(1.5)]


# ---- bug 5: cond and while_loop carry RaggedTensors --------------------------------------
def test_cond_and_while_loop_with_ragged_tensors_and_their_gradients():
    x = gc.placeholder(gc.float32, [None])
    rl = gc.placeholder(gc.int64, [None])
    p = gc.placeholder(gc.bool, [])
    rt = gc.RaggedTensor.from_row_lengths(x, rl)
    c = gc.cond(p, lambda: rt * x[0],
                lambda: gc.RaggedTensor.from_row_lengths(x[::-1] * 3., rl))

    def body(i, r):                     # the number of values doubles each time
        return i + 1, gc.RaggedTensor.from_row_lengths(
            gc.concat([r.flat_values, r.flat_values * 2.], 0), r.row_lengths() * 2)
    _, w = gc.while_loop(lambda i, r: i < 2, body, [0, rt])
    rt2 = gc.RaggedTensor.from_nested_row_lengths(x, [[2, 1], rl])
    _, w2 = gc.while_loop(lambda i, r: i < 3, lambda i, r: (i + 1, r * r), [0, rt2])
    loss = gc.reduce_sum(c.flat_values * c.flat_values) + gc.reduce_sum(w.flat_values) + \
        gc.reduce_sum(w2.flat_values)
    g, = gc.gradients(loss, [x])
    assert isinstance(c, gc.RaggedTensor) and w2.ragged_rank == 2
    want_w = [[1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 2.0, 4.0], [], [6.0, 4.0, 8.0, 12.0]]
    want_w2 = [[[1.0, 256.0], []], [[6561.0]]]
    with gc.Session() as sess:
        for pv, want_c, want_g in [(True, [[1.0, 2.0], [], [3.0]], [47.0, 1037.0, 17511.0]),
                                   (False, [[9.0, 6.0], [], [3.0]], [35.0, 1069.0, 17559.0])]:
            out = sess.run([c, w, w2, g], {x: [1., 2., 3.], rl: [2, 0, 1], p: pv})
            assert out[0].to_list() == want_c and out[1].to_list() == want_w
            assert out[2].to_list() == want_w2
            np.testing.assert_allclose(out[3], want_g, rtol=1e-6)


def test_cond_branches_must_give_ragged_tensors_of_one_ragged_rank():
    rt = gc.ragged.constant([[1., 2.], [3.]])
    rt2 = gc.ragged.constant([[[1.]], [[2.]]])
    with pytest.raises(ValueError, match="same structure"):
        gc.cond(gc.constant(True), lambda: rt, lambda: rt2)


# ---- bug 10: as_string pads inf like printf ----------------------------------------------
def test_as_string_pads_inf_and_nan_with_spaces():
    x = gc.constant([np.inf, -np.inf, np.nan, 1.5], gc.float32)
    got = _run([gc.strings.as_string(x, width=8, fill=f, precision=1) for f in "0+"])
    assert got[0].tolist() == [b"     inf", b"    -inf", b"     nan", b"000001.5"]
    assert got[1].tolist() == [b"    +inf", b"    -inf", b"    +nan", b"    +1.5"]


# ---- bug 6: RE2 translation --------------------------------------------------------------
def test_re2_classes_anchors_and_escapes_as_tf():
    s = gc.placeholder(gc.string, [None])
    cases = [(r"[^\pL\s]", ""), (r"[^\p{L} ]+", ""), (r"c$", "X"), (r"\b\w+\b", "X"),
             (r"[[:^alpha:]]+", "_"), (r"\pL+", "w"), (r"\z", "$"), (r"[\W\d]+", "-"),
             (r"\x{e9}|\Q.*\E", "E"), (r"(?m)c$", "X")]
    ops = [gc.strings.regex_replace(s, p, r) for p, r in cases]
    feed = {s: ["abc 123 _x! é", "abc\n", "naïve café", "中文 a.*b", "Ab"]}
    want = [["abc  x é", "abc\n", "naïve café", "中文 ab", "Ab"],
            ["abc  x é", "abc", "naïve café", "中文 ab", "Ab"],
            ["abc 123 _x! é", "abc\n", "naïve café", "中文 a.*b", "Ab"],
            ["X X X! é", "X\n", "XïX Xé", "中文 X.*X", "X"],
            ["abc_x_", "abc_", "na_ve_caf_", "_a_b", "Ab"],
            ["w 123 _w! w", "w\n", "w w", "w w.*w", "w"],
            ["abc 123 _x! é$", "abc\n$", "naïve café$", "中文 a.*b$", "Ab$"],
            ["abc-_x-", "abc-", "na-ve-caf-", "-a-b", "Ab"],
            ["abc 123 _x! E", "abc\n", "naïve cafE", "中文 aEb", "Ab"],
            ["abc 123 _x! é", "abX\n", "naïve café", "中文 a.*b", "Ab"]]
    for (p, _), got, w in zip(cases, _run(ops, feed), want):
        assert [v.decode() for v in got] == w, p
