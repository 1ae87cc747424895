"""String tensors and the string ops: constants, feeds, generic ops on strings, and the
tf.strings functions' behaviour, edge cases and errors (TF values in the comments were
taken from TF 2.21's tf.compat.v1)."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.strings_hash import fingerprint64, legacy_hash64, siphash24


def run(*ts, feed=None):
    with gc.Session() as s:
        return s.run(list(ts) if len(ts) > 1 else ts[0], feed)


def obj(*vals):
    return np.array(vals, dtype=object)


def test_constants_and_feeds():
    a, b = gc.constant(b"abc"), gc.constant(["a", "héllo"])
    c = gc.constant(np.array([[b"x", b"y"]]))
    d = gc.constant("z", shape=[2, 2])
    assert a.dtype is gc.string and b.shape == (2,)
    ra, rb, rc, rd = run(a, b, c, d)
    assert ra == b"abc" and type(ra) is bytes
    assert rb.dtype == object and list(rb) == [b"a", "héllo".encode()]
    assert rc.shape == (1, 2) and rd.tolist() == [[b"z", b"z"], [b"z", b"z"]]
    p = gc.placeholder(gc.string, [None])
    assert list(run(p, feed={p: ["q", b"r"]})) == [b"q", b"r"]
    assert list(run(p, feed={p: np.array(["u", "v"])})) == [b"u", b"v"]
    assert list(run(p, feed={p: obj("s", b"t")})) == [b"s", b"t"]
    f = gc.Session().make_callable(gc.identity(p), [p])
    assert list(f(obj("x"))) == [b"x"]


def test_conversion_errors():
    with pytest.raises(gc.errors.DTypeError, match="to string"):
        gc.constant(1, dtype=gc.string)
    with pytest.raises(gc.errors.DTypeError, match="int32"):
        gc.constant("a", dtype=gc.int32)
    p = gc.placeholder(gc.string)
    with pytest.raises(gc.errors.FeedError):
        run(p, feed={p: [1, 2]})


def test_equal_constants_are_merged_and_hash_by_content():
    from graphc.ops.core import ConstValue
    assert ConstValue(obj(b"a", b"b")) == ConstValue(np.array([b"a", b"b"], object))
    assert hash(ConstValue(obj(b"a"))) == hash(ConstValue(obj(b"a")))
    assert ConstValue(obj(b"a")) != ConstValue(obj(b"b"))


def test_generic_ops_on_strings():
    x = gc.constant([[b"a", b"b", b"c"], [b"d", b"e", b"f"]])
    v = gc.constant([b"a", b"b", b"a", b"c"])
    got = run(gc.reshape(x, [3, 2]), gc.concat([x, x], 1), gc.gather(x, [1]),
              gc.transpose(x), x[1, ::-1], gc.where(gc.equal(x, b"e"), x, gc.fill([2, 3], "-")),
              gc.unique(v)[0], gc.boolean_mask(v, [True, False, False, True]),
              gc.pad(x, [[0, 1], [1, 0]]), gc.tile(x[:1], [2, 1]),
              gc.cond(gc.constant(False), lambda: x, lambda: gc.reverse(x, [0])),
              gc.dynamic_partition(v, [0, 1, 0, 1], 2)[1])
    assert got[0].tolist() == [[b"a", b"b"], [b"c", b"d"], [b"e", b"f"]]
    assert got[1].shape == (2, 6) and got[2].tolist() == [[b"d", b"e", b"f"]]
    assert got[3][0].tolist() == [b"a", b"d"] and got[4].tolist() == [b"f", b"e", b"d"]
    assert got[5].tolist() == [[b"-"] * 3, [b"-", b"e", b"-"]]
    assert got[6].tolist() == [b"a", b"b", b"c"] and got[7].tolist() == [b"a", b"c"]
    assert got[8].tolist() == [[b"", b"a", b"b", b"c"], [b"", b"d", b"e", b"f"],
                               [b""] * 4]          # TF1 pads strings with b""
    assert got[9].shape == (2, 3) and got[10][0].tolist() == [b"d", b"e", b"f"]
    assert got[11].tolist() == [b"b", b"c"]


def test_optimized_equals_unoptimized():
    x = gc.placeholder(gc.string, [None, 3])
    a, b = gc.constant([b"a", b"b", b"c"]), gc.constant([b"a", b"b", b"c"])
    outs = [gc.concat([gc.reshape(a, [1, 3]), gc.reshape(b, [1, 3]), x], 0),
            gc.string_join([x, gc.reverse(x, [1])], "|"), gc.equal(a, b)]
    feed = {x: obj([b"d", b"e", b"f"])}
    r1 = gc.Session().run(outs, feed)
    r2 = gc.Session(optimize=False).run(outs, feed)
    for u, w in zip(r1, r2):
        assert u.dtype == w.dtype and np.array_equal(u, w)


def test_hashes_known_values():
    # TF: to_hash_bucket(['a'], 10) = [8]; fingerprint64(b'') is FarmHash's k2
    assert legacy_hash64(b"a") % 10 == 8
    assert fingerprint64(b"") == 0x9ae16a3b2f90404f
    assert run(gc.string_to_hash_bucket(["a"], 10)).tolist() == [8]
    assert siphash24(b"", 0, 0) == siphash24(b"", 0, 0) != siphash24(b"", 1, 0)
    with pytest.raises(ValueError, match="two uint64"):
        gc.string_to_hash_bucket_strong(["a"], 3, key=[1])
    with pytest.raises(gc.errors.ShapeError, match="num_buckets"):
        gc.string_to_hash_bucket_fast(["a"], 0)


def test_as_string_formats():
    got = run(gc.as_string([1.5, -np.nan, np.inf]), gc.as_string([3, -4], width=5, fill="-"),
              gc.as_string([1.5, 2.25], precision=1, width=8, fill="0"),
              gc.as_string([True, False]), gc.as_string([2.25], scientific=True, precision=2))
    assert got[0].tolist() == [b"1.500000", b"-nan", b"inf"]
    assert got[1].tolist() == [b"3    ", b"-4   "]
    assert got[2].tolist() == [b"000001.5", b"000002.2"]
    assert got[3].tolist() == [b"true", b"false"] and got[4].tolist() == [b"2.25e+00"]
    with pytest.raises(ValueError, match="precision"):
        gc.as_string([3], precision=2)
    with pytest.raises(ValueError, match="fill"):
        gc.as_string([3], fill="x", width=3)
    with pytest.raises(gc.errors.DTypeError):
        gc.as_string(["a"])


def test_split_family():
    sp = run(gc.string_split(["a b  c", "", "d"], " ", skip_empty=False))
    assert sp.indices.tolist() == [[0, 0], [0, 1], [0, 2], [0, 3], [2, 0]]
    assert sp.values.tolist() == [b"a", b"b", b"", b"c", b"d"]
    assert sp.dense_shape.tolist() == [3, 4]
    assert run(gc.string_split(["ab,c;d"], ",;")).values.tolist() == [b"ab", b"c", b"d"]
    with pytest.raises(gc.errors.ShapeError, match="1-D"):
        gc.string_split([["a"]])
    sp = run(gc.strings.split([["a b"], ["c d e"]], sep=" "))
    assert sp.dense_shape.tolist() == [2, 1, 3] and sp.indices[-1].tolist() == [1, 0, 2]
    sp = run(gc.strings.split(["a b c d"], sep=" ", maxsplit=2))
    assert sp.values.tolist() == [b"a", b"b", b"c d"]
    rt = run(gc.strings.split(["a b", ""], result_type="RaggedTensor"))
    assert rt.to_list() == [[b"a", b"b"], []]
    with pytest.raises(ValueError, match="RaggedTensor"):
        gc.strings.split(["a"], result_type="Ragged")
    assert run(gc.strings.bytes_split("ab")).tolist() == [b"a", b"b"]


def test_substr_and_errors():
    got = run(gc.substr(["hello", "ab"], [1, 2], [10, 1]), gc.substr(["hello"], -3, 2),
              gc.substr(["héllo"], 1, 2, unit="UTF8_CHAR"), gc.substr(["hello"], 2, -2))
    assert got[0].tolist() == [b"ello", b""] and got[1].tolist() == [b"ll"]
    assert got[2].tolist() == ["él".encode()] and got[3].tolist() == [b"llo"]
    with pytest.raises(gc.errors.ExecutionError, match="out of range"):
        run(gc.substr(["ab"], 3, 1))


def test_to_number():
    got = run(gc.string_to_number([" 1.5 ", "inf", "1e40", "0x10", ".5"]),
              gc.string_to_number(["12", " -3 "], out_type=gc.int32))
    assert got[0].dtype == np.float32 and got[0][2] == np.inf and got[0][3] == 16
    assert got[1].tolist() == [12, -3]
    for bad, t in [("1_0", gc.float32), ("", gc.float32), ("1d", gc.float32),
                   ("2147483648", gc.int32), ("1.0", gc.int64)]:
        with pytest.raises(gc.errors.ExecutionError, match="could not correctly convert"):
            run(gc.string_to_number([bad], out_type=t))


def test_joins_case_length_base64_regex():
    got = run(gc.reduce_join([["a", "b"], ["c", "d"]], axis=0, separator="-"),
              gc.reduce_join([["a", "b"], ["c", "d"]], keep_dims=True),
              gc.reduce_join([["a", "b"]], axis=[]),
              gc.string_join([["a", "b"], "c"], separator="-"),
              gc.strings.length(["héllo", ""], unit="UTF8_CHAR"),
              gc.strings.lower(["HÉllo"]), gc.strings.lower(["HÉllo"], encoding="utf-8"),
              gc.encode_base64(["hello?>"]), gc.decode_base64(["aGVsbG8_Pg=="]),
              gc.regex_replace(["abcabc"], "(b)(c)", r"\2\1\0", replace_global=False),
              gc.strings.unsorted_segment_join(["a", "b", "c", "d"], [1, 0, 1, 2], 4, ":"))
    assert got[0].tolist() == [b"a-c", b"b-d"] and got[1].tolist() == [[b"abcd"]]
    assert got[2].tolist() == [[b"a", b"b"]] and got[3].tolist() == [b"a-c", b"b-c"]
    assert got[4].tolist() == [5, 0] and got[5].tolist() == ["hÉllo".encode()]
    assert got[6].tolist() == ["héllo".encode()]
    assert got[7].tolist() == [b"aGVsbG8_Pg"] and got[8].tolist() == [b"hello?>"]
    assert got[9].tolist() == [b"acbbcabc"]
    assert got[10].tolist() == [b"b", b"a:c", b"d", b""]
    with pytest.raises(gc.errors.ShapeError, match="one shape"):
        gc.string_join([["a", "b"], ["c"]])
    with pytest.raises(gc.errors.ExecutionError, match="segment_ids"):
        run(gc.strings.unsorted_segment_join(["a", "b"], [1, -1], 2))


def test_fingerprint():
    got = run(gc.fingerprint(gc.constant([["ab", "c"], ["d", ""]])),
              gc.fingerprint(gc.constant([[1, 2], [3, 4]])))
    assert got[0].dtype == np.uint8 and got[0].shape == (2, 8)
    assert got[0][0].tolist() == [65, 83, 39, 149, 164, 245, 170, 22]       # TF's
    assert got[1][1].tolist() == [254, 162, 60, 240, 103, 244, 53, 255]      # TF's
    with pytest.raises(gc.errors.ShapeError, match="rank 1"):
        gc.fingerprint(gc.constant("a"))


def test_format():
    x = gc.reshape(gc.range(24), [2, 3, 4])
    got = run(gc.strings.format("{}", x, summarize=1),
              gc.strings.format("a={} b={}", [gc.constant(np.float32(1) / 3), "q\"\n"]),
              gc.strings.format("{}", gc.range(8)), gc.strings.format("{}", gc.range(8),
                                                                      summarize=-1))
    assert got[0] == b"[[[0 ... 3]\n  ...\n  [8 ... 11]]\n\n [[12 ... 15]\n  ...\n  [20 ... 23]]]"
    assert got[1] == b'a=0.333333343 b="q\\"\\n"'
    assert got[2] == b"[0 1 2 ... 5 6 7]" and got[3] == b"[0 1 2 3 4 5 6 7]"
    with pytest.raises(ValueError, match="expects 2 tensors"):
        gc.strings.format("{} {}", [x])


def test_ngrams():
    got = run(gc.strings.ngrams(["a", "b", "c"], (1, 3), separator="-"),
              gc.strings.ngrams([["a", "b", "c"]], 3, pad_values="#", padding_width=1),
              gc.strings.ngrams(["a", "b"], 3, preserve_short_sequences=True),
              gc.strings.ngrams(["a", "b"], 3))
    assert got[0].tolist() == [b"a", b"b", b"c", b"a-b-c"]
    assert got[1].tolist() == [[b"# a b", b"a b c", b"b c #"]]
    assert got[2].tolist() == [b"a b"] and got[3].shape == (0,)
    with pytest.raises(ValueError, match="ngram_width"):
        gc.strings.ngrams(["a"], 0)


def test_unicode_ops():
    cps = gc.constant([[104, 233, -5], [0x1F600, 97, 0x110000]])
    got = run(gc.strings.unicode_encode(cps, "UTF-8"),
              gc.strings.unicode_encode(cps, "UTF-16-BE", errors="ignore"),
              gc.strings.unicode_transcode([b"\xffa\x01"], "UTF-8", "UTF-8",
                                           replacement_char=63,
                                           replace_control_characters=True),
              *gc.strings.unicode_decode_with_offsets(b"h\xc3\xa9\xe2\x82z", "UTF-8"),
              gc.strings.unicode_split("hé", "UTF-8"))
    assert got[0].tolist() == [b"h\xc3\xa9\xef\xbf\xbd", b"\xf0\x9f\x98\x80a\xef\xbf\xbd"]
    assert got[1].tolist() == [b"\x00h\x00\xe9", b"\xd8\x3d\xde\x00\x00a"]
    assert got[2].tolist() == [b"?a?"]
    assert got[3].tolist() == [104, 233, 65533, 122] and got[4].tolist() == [0, 1, 3, 5]
    assert got[5].tolist() == [b"h", "é".encode()]
    with pytest.raises(gc.errors.ExecutionError, match="invalid code point"):
        run(gc.strings.unicode_encode(cps, "UTF-8", errors="strict"))
    assert isinstance(gc.strings.unicode_decode(["a"], "UTF-8"), gc.RaggedTensor)  # as TF
    with pytest.raises(ValueError, match="encoding"):
        gc.strings.unicode_encode(cps, "latin-1")


def test_tf1_argument_names():
    got = run(gc.string_split(["a,b c"], delimiter=",").values,
              gc.string_split(["a,b c"], sep=" ,").values,
              gc.string_to_number(input=["3"]), gc.string_to_hash_bucket(input=["a"],
                                                                           num_buckets=10))
    assert got[0].tolist() == [b"a", b"b c"] and got[1].tolist() == [b"a", b"b", b"c"]
    assert got[2].tolist() == [3.0] and got[3].tolist() == [8]
    assert run(gc.string_split(["a,b c"], delimiter=",", result_type="RaggedTensor")
               ).to_list() == [[b"a", b"b c"]]
    with pytest.raises(ValueError, match="RaggedTensor"):
        gc.string_split(["a"], result_type="ragged")
    with pytest.raises(ValueError, match="exactly one"):
        gc.string_to_number()


def test_zero_d_strings_keep_nul_bytes_and_object_dtype():
    v = gc.constant([b"a\x00", b"b"])
    for e in (v[0], gc.gather(v, 0)):
        r, r1 = run(e, gc.reshape(e, [1]))
        assert r == b"a\x00" and r1.dtype == object and r1.tolist() == [b"a\x00"]
    e = gc.unstack(v)[0]            # a kernel that hands on bare bytes
    got = run(gc.string_join([e, "x"]), gc.substr(e, 0, 2), gc.strings.length(e),
              gc.strings.split(e).values)
    assert got[0] == b"a\x00x" and got[1] == b"a\x00" and got[2] == 2
    assert got[3].tolist() == [b"a\x00"]


def test_string_graph_runs_repeatedly_same_as_unoptimized():
    rng = np.random.default_rng(0)
    x = gc.placeholder(gc.string, [None, 4])
    m = gc.placeholder(gc.bool, [None, 4])
    y = gc.where(m, x, gc.reverse(x, [1]))
    z = gc.concat([gc.transpose(y), gc.transpose(gc.pad(x[:, :1], [[0, 0], [0, 0]]))], 0)
    outs = [gc.tile(z, [1, 2]), gc.string_join([y, x], "."), gc.equal(y, x),
            gc.reduce_join(gc.where_v2(m, y, "_"), axis=1)]
    fast, slow = gc.Session(), gc.Session(optimize=False)
    for _ in range(3):
        feed = {x: np.array([[bytes([97 + int(k)]) for k in rng.integers(0, 5, 4)]
                             for _ in range(3)], dtype=object),
                m: rng.random((3, 4)) < 0.5}
        for u, w in zip(fast.run(outs, feed), slow.run(outs, feed)):
            assert u.dtype == w.dtype and np.array_equal(u, w)


def test_string_elements_stay_bytes_objects_through_indexing_and_loops():
    """One string element taken out (unstack, gather_nd, a TensorArray read, a map_fn or
    cond body) stays an object array of bytes: a numpy S array would drop trailing NULs."""
    v = gc.constant([b"a\x00", b"b"])
    ta = gc.TensorArray(gc.string, 2).unstack(v)
    outs = {"unstack": gc.reshape(gc.unstack(v)[0], [1]),
            "gather_nd": gc.reshape(gc.gather_nd(v, [0]), [1]),
            "ta_read": gc.reshape(ta.read(0), [1]),
            "map_fn": gc.map_fn(lambda s: s + b"!", v),
            "cond": gc.reshape(gc.cond(gc.constant(True), lambda: v[0], lambda: v[1]), [1])}
    with gc.Session() as sess:
        got = sess.run(outs)
    for name, value in got.items():
        assert value.dtype == object, name
    assert got["unstack"][0] == got["gather_nd"][0] == got["ta_read"][0] == b"a\x00"
    assert list(got["map_fn"]) == [b"a\x00!", b"b!"]


def test_string_add_zeros_like_and_print():
    v = gc.constant([b"ab", b"c"])
    p = gc.placeholder(gc.string, [None])
    with gc.Session() as sess:
        cat, add_n, zeros, printed = sess.run(
            [(p + v) + b"!", gc.add_n([v, v]), gc.zeros_like(p), gc.Print(v, [v], "v: ")],
            {p: np.array([b"x", b"y"], object)})
    assert list(cat) == [b"xab!", b"yc!"] and list(add_n) == [b"abab", b"cc"]
    assert list(zeros) == [b"", b""] and list(printed) == [b"ab", b"c"]
    with pytest.raises(gc.errors.DTypeError, match="ones of dtype string"):
        gc.ones_like(v)
    with pytest.raises(gc.errors.DTypeError):
        v - v


def test_regex_replace_skips_an_empty_match_where_the_last_one_ended():
    """RE2's GlobalReplace (TF's), not Python 3.7's re.sub: an empty match adjacent to
    the previous match is not replaced (values from TF 2.21)."""
    s = gc.placeholder(gc.string, [None])
    feed = {s: ["x.y", "ab  ", "a1b22"]}
    got = run(gc.regex_replace(s, "x*", "-"), gc.regex_replace(s, ".*", "Z"),
              gc.regex_replace(s, r"\s*$", "!"), gc.regex_replace(s, "[0-9]*", "#"),
              gc.regex_replace(s, "[0-9]*", "#", replace_global=False), feed=feed)
    assert [list(v) for v in got] == [
        [b"-.-y-", b"-a-b- - -", b"-a-1-b-2-2-"], [b"Z", b"Z", b"Z"],
        [b"x.y!", b"ab!", b"a1b22!"], [b"#x#.#y#", b"#a#b# # #", b"#a#b#"],
        [b"#x.y", b"#ab  ", b"#a1b22"]]


def test_as_string_of_complex_numbers_and_padded_nans():
    """TF's AsString: complex as "(real,imag)" in the float format (precision allowed);
    a NaN padded to the width with spaces, its sign kept (values from TF 2.21)."""
    c = gc.placeholder(gc.complex128, [None])
    got = run(gc.as_string(c, precision=1, width=7), gc.as_string(c, scientific=True),
              gc.as_string(c, shortest=True, fill="0", width=5),
              feed={c: [1 + 2j, -0.5 - 3.25j, np.nan]})
    assert [list(v) for v in got] == [
        [b"(    1.0,    2.0)", b"(   -0.5,   -3.2)", b"(    nan,    0.0)"],
        [b"(1.000000e+00,2.000000e+00)", b"(-5.000000e-01,-3.250000e+00)",
         b"(nan,0.000000e+00)"],
        [b"(00001,00002)", b"(-00.5,-3.25)", b"(  nan,00000)"]]
    x = gc.placeholder(gc.float32, [None])
    got = run(gc.as_string(x, width=6), gc.as_string(x, width=6, fill="-"),
              gc.as_string(x, fill="+"), feed={x: np.array([np.nan, -np.nan, 1.5])})
    assert [list(v) for v in got] == [[b"   nan", b"  -nan", b"1.500000"],
                                      [b"nan   ", b"-nan  ", b"1.500000"],
                                      [b"+nan", b"-nan", b"+1.500000"]]
