"""String tensors and string ops on graphc vs TF's tf.compat.v1 (graph mode). The shared
harness compares values as numbers, so string results are compared here directly: the
same function builds the graph in each library, both run on the same feeds."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.strings_hash import fingerprint64, legacy_hash64, siphash24

tf = pytest.importorskip("tensorflow")
v1 = tf.compat.v1


def _flat(x):
    if isinstance(x, (list, tuple)) and not hasattr(x, "indices"):
        return [t for y in x for t in _flat(y)]
    if hasattr(x, "indices") and hasattr(x, "dense_shape"):
        return [x.indices, x.values, x.dense_shape]
    return [x]


def _run(m, fn, arrays):
    g = m.Graph()
    with g.as_default():
        xs = [m.placeholder(m.string if np.asarray(a).dtype == object else a.dtype,
                            np.shape(a)) for a in arrays]
        outs = _flat(fn(m, *xs))
        with m.Session(graph=g) as s:
            return s.run(outs, dict(zip(xs, arrays)))


def same(fn, *arrays):
    """fn gives outputs of equal dtype, shape and value in graphc and TF."""
    arrays = [np.asarray(a, dtype=object) if isinstance(a, list) else a for a in arrays]
    got, want = _run(gc, fn, arrays), _run(v1, fn, arrays)
    assert len(got) == len(want)
    for i, (a, b) in enumerate(zip(got, want)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype, f"output {i}: {a.dtype} != TF's {b.dtype}"
        assert a.shape == b.shape, f"output {i}: {a.shape} != TF's {b.shape}"
        if a.dtype.kind == "f":
            np.testing.assert_array_equal(a, b, err_msg=f"output {i}")
        else:
            assert a.tolist() == b.tolist(), f"output {i}: {a} != TF's {b}"


W = [b"a b  c", b"", b" d,e;f ", "héllo wörld".encode(), b"x"]
G = np.array([[b"a", b"b", b"c"], [b"d", b"", b"f"]], dtype=object)


def test_hashes_on_many_strings():
    rng = np.random.default_rng(0)
    strs = [bytes(rng.integers(0, 256, size=n, dtype=np.uint8))
            for n in list(range(0, 140)) + [255, 256, 257, 1000]]
    big = 2 ** 62 + 12345
    with tf.Graph().as_default(), v1.Session() as s:
        fast, leg, strong, fp = s.run([
            v1.string_to_hash_bucket_fast(strs, big), v1.string_to_hash_bucket(strs, big),
            v1.string_to_hash_bucket_strong(strs, big, [123456789, 2 ** 62 + 7]),
            tf.fingerprint(v1.constant(strs))])
    for i, x in enumerate(strs):
        assert fingerprint64(x) % big == fast[i], len(x)
        assert legacy_hash64(x) % big == leg[i], len(x)
        assert siphash24(x, 123456789, 2 ** 62 + 7) % big == strong[i], len(x)
        assert fingerprint64(x).to_bytes(8, "little") == bytes(fp[i])


CASES = {
    "generic": (lambda m, x: [m.reshape(x, [3, 2]), m.concat([x, x], 1), m.gather(x, [1, 0]),
                              m.transpose(x), x[1, ::-1], m.pad(x, [[1, 0], [0, 1]]),
                              m.where(m.equal(x, b"b"), x, m.reverse(x, [1])),
                              m.boolean_mask(x, [True, False]), m.tile(x, [1, 2]),
                              m.expand_dims(x, 0), m.stack([x, x], 1), m.unstack(x)[0],
                              m.not_equal(x, "a"), m.shape(x), m.size(x), m.rank(x),
                              m.gather_nd(x, [[1, 2]]), m.fill([2], "q"),
                              m.zeros_like(x) if m is v1 else m.fill([2, 3], "")], [G]),
    "hash_buckets": (lambda m, x: [m.string_to_hash_bucket_fast(x, 7),
                                   m.string_to_hash_bucket(x, 1000),
                                   m.string_to_hash_bucket_strong(x, 9, [3, 4]),
                                   m.strings.to_hash_bucket_fast(x, 5), m.fingerprint(x)],
                     [W]),
    "as_string": (lambda m, x, i: [m.as_string(x), m.as_string(x, precision=3),
                                   m.as_string(x, shortest=True),
                                   m.as_string(x, scientific=True, width=12),
                                   m.as_string(i, width=4, fill="0"), m.as_string(i)],
                  [np.array([1.5, -0.25, np.inf, 1e20, 3.14159], np.float32),
                   np.array([3, -42, 0], np.int64)]),
    "join": (lambda m, x: [m.reduce_join(x), m.reduce_join(x, axis=0, separator="-"),
                           m.reduce_join(x, axis=[-1], keep_dims=True),
                           m.strings.reduce_join(x, axis=1, keepdims=True, separator=","),
                           m.string_join([x, "!", x], separator="/"),
                           m.strings.join([x, x])], [G]),
    "split": (lambda m, x: [m.string_split(x), m.string_split(x, ",; "),
                            m.string_split(x, "", skip_empty=False),
                            m.string_split(x, " ", skip_empty=False),
                            m.strings.split(x), m.strings.split(x, sep=" "),
                            m.strings.split(x, sep=" ", maxsplit=1),
                            m.strings.split(x[0]), m.strings.split(x[2], sep=",")], [W]),
    "as_string_more": (lambda m, b, u, h: [m.as_string(b), m.as_string(u, width=3),
                                           m.as_string(h, fill="+", width=4),
                                           m.as_string(h, shortest=True, precision=3)],
                       [np.array([True, False]), np.array([7, 200], np.uint8),
                        np.array([1.25, -3.5e-7, 6e8], np.float64)]),
    "split_kw": (lambda m, x: [m.string_split(x, delimiter=","), m.string_split(x, sep=";"),
                               m.string_split(x, result_type="SparseTensor")], [W]),
    "split_2d": (lambda m, x: [m.strings.split(x, sep="b")], [G]),
    "misc": (lambda m, x: [m.string_strip(x), m.strings.strip(x), m.substr(x, 0, 2),
                           m.substr(x, 0, -1), m.strings.substr(x, 0, 3, unit="UTF8_CHAR"),
                           m.strings.length(x), m.strings.length(x, unit="UTF8_CHAR"),
                           m.strings.lower(x), m.strings.upper(x),
                           m.strings.upper(x, encoding="utf-8"),
                           m.encode_base64(x), m.encode_base64(x, pad=True),
                           m.decode_base64(m.encode_base64(x)),
                           m.regex_replace(x, "[a-e]", "<\\0>"),
                           m.regex_replace(x, "(l+)", "\\1\\1", replace_global=False),
                           m.strings.regex_full_match(x, ".*[a-c].*")], [W]),
    "substr_broadcast": (lambda m, x: [m.substr(x, [[1], [0]], [[1], [2]]),
                                       m.substr(x, -1, 1), m.substr(x, 1, 2),
                                       m.substr(x, -4, 2, unit="UTF8_CHAR")],
                         [[b"hello", "abcdé".encode()]]),
    "to_number": (lambda m, x: [m.string_to_number(x), m.strings.to_number(x, gc.float64
                                if m is gc else tf.float64)],
                  [[b" 1.5 ", b"inf", b"-2e3", b"1e40", b".5", b"7", b"1e-50", b"0x10",
                    b"-Infinity", b"NaN", b"1.", b"+.5e-3", b"\t8\n"]]),
    "to_int": (lambda m, x: [m.string_to_number(x, m.int32), m.string_to_number(x, m.int64)],
               [[b"12", b" -3 ", b"+4", b"0", b"-0", b"2147483647", b"\t-2147483648"]]),
    "segment_join": (lambda m, x: [m.strings.unsorted_segment_join(x, [2, 0], 3, ";")], [G]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    fn, arrays = CASES[name]
    same(fn, *arrays)


def test_constants_from_python_values():
    def fn(m):
        return [m.constant(b"abc"), m.constant("héllo"), m.constant([["a", "b"]]),
                m.constant(np.array(["x", "yz"])), m.constant("z", shape=[2, 2]),
                m.convert_to_tensor([b"a", "b"])]
    same(lambda m: fn(m))


def test_cond_and_while_carry_strings():
    def fn(m, x):
        c = m.cond(m.constant(True), lambda: m.reverse(x, [1]), lambda: x)
        w = m.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, m.string_join([s, "."])),
                         [m.constant(0), x])[1]
        return [c, w]
    same(fn, G)


def _fmt(m, x, f, i, b):
    return [m.strings.format("{}", x), m.strings.format("{}", x, summarize=1),
            m.strings.format("a={} b={}", [f, i]), m.strings.format("{}", f, summarize=-1),
            m.strings.format("{} {}", (b, m.constant('q"\n\x01'))),
            m.strings.format("<>", [m.constant(3)], placeholder="<>"),
            m.strings.format("{}", m.reshape(i, [2, 4])),
            m.strings.format("{}", m.cast(f, m.float64)),
            m.strings.format("{}", m.constant([[1, 2, 3, 4, 5, 6, 7]]), summarize=2)]


UNICODE = {
    "format": (_fmt, [np.arange(24).reshape(2, 3, 4).astype(np.int32),
                      np.array([1.5, 1e20, 1e-5, 123456789.0, np.nan, -np.inf, 0.1, 1 / 3],
                               np.float32), np.arange(8).astype(np.int64),
                      np.array([True, False])]),
    "ngrams": (lambda m, x: [m.strings.ngrams(x, 2), m.strings.ngrams(x, (1, 3), "-"),
                             m.strings.ngrams(x, 2, pad_values=("<", ">")),
                             m.strings.ngrams(x, 3, pad_values="#", padding_width=1),
                             m.strings.ngrams(x[:, :2], 3, preserve_short_sequences=True),
                             m.strings.ngrams(x[0, :2], 3)], [G]),
    "unicode_encode": (lambda m, c: [m.strings.unicode_encode(c, "UTF-8"),
                                     m.strings.unicode_encode(c, "UTF-16-BE"),
                                     m.strings.unicode_encode(c, "UTF-32-BE", "ignore"),
                                     m.strings.unicode_encode(c, "UTF-8",
                                                              replacement_char=63)],
                       [np.array([[104, 233, -5], [0x1F600, 97, 0x110000]], np.int32)]),
    "unicode_transcode": (lambda m, x: [
        m.strings.unicode_transcode(x, "UTF-8", "UTF-16-BE"),
        m.strings.unicode_transcode(x, "UTF-8", "UTF-8", replacement_char=63,
                                    replace_control_characters=True),
        m.strings.unicode_transcode(x, "UTF-8", "UTF-32-BE", errors="ignore")],
        [[b"h\xc3\xa9llo", b"\xffa\x01", b"ab\xe2\x82", b"\xf0\x9f\x98\x80!"]]),
    "unicode_decode": (lambda m, x: [m.strings.unicode_decode(x, "UTF-8"),
                                     *m.strings.unicode_decode_with_offsets(x, "UTF-8"),
                                     m.strings.unicode_split(x, "UTF-8"),
                                     *m.strings.unicode_split_with_offsets(x, "UTF-8"),
                                     m.strings.unicode_decode(x, "UTF-8", errors="ignore")],
                       [np.array("h\xe9l".encode() + b"\xff\xe2\x82z", dtype=object)]),
}


@pytest.mark.parametrize("name", list(UNICODE))
def test_format_ngrams_unicode(name):
    fn, arrays = UNICODE[name]
    same(fn, *arrays)


ERRORS = {
    "substr": (lambda m, x: m.substr(x, 3, 1), [[b"ab"]]),
    "substr_neg": (lambda m, x: m.substr(x, -3, 1), [[b"ab"]]),
    "to_float": (lambda m, x: m.string_to_number(x), [[b"1_0"]]),
    "to_int": (lambda m, x: m.string_to_number(x, m.int32), [[b"2147483648"]]),
    "base64_pad": (lambda m, x: m.decode_base64(x), [[b"YQ="]]),
    "base64_char": (lambda m, x: m.decode_base64(x), [[b"a+b="]]),
    "base64_len": (lambda m, x: m.decode_base64(x), [[b"Y"]]),
    "segment_join": (lambda m, x: m.strings.unsorted_segment_join(x, [0, 2], 2), [[b"a", b"b"]]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_run_time_errors_match(name):
    fn, arrays = ERRORS[name]
    arrays = [np.asarray(a, dtype=object) for a in arrays]
    with pytest.raises(gc.errors.ExecutionError):
        _run(gc, fn, arrays)
    with pytest.raises(tf.errors.InvalidArgumentError):
        _run(v1, fn, arrays)


def test_base64_round_trips_and_accepted_forms():
    same(lambda m, x: [m.decode_base64(x)], [[b"YQ", b"YQ==", b"", b"YR", b"YWI", b"YWJj"]])
    same(lambda m, x: [m.decode_base64(m.encode_base64(x)),
                       m.decode_base64(m.encode_base64(x, pad=True))], [W])
