"""Samples for the string ops (graphc/ops/strings.py, strings_more.py). The registry
compares values as floats, so a string result is checked through its FarmHash bucket
(`_h`), which tests/test_strings.py checks against TF's to_hash_bucket_fast."""
import base64

import numpy as np

import graphc as gc
from graphc.ops.strings_hash import fingerprint64
from samples import Sample, shape

B = 2 ** 40          # exact in float64


def _h(t):
    return gc.string_to_hash_bucket_fast(t, B)


def _href(a):
    a = np.asarray(a, dtype=object)
    out = np.empty(a.shape, np.int64)
    out.reshape(-1)[:] = [fingerprint64(v) % B for v in a.ravel().tolist()]
    return out


def _words(rng, s, alphabet=b"ab c,", lo=0, hi=6):
    out = np.empty(s, dtype=object)
    out.reshape(-1)[:] = [bytes(rng.choice(list(alphabet), int(rng.integers(lo, hi))))
                          for _ in range(out.size)]
    return out


def _vmap(fn, a, dtype=object):
    a = np.asarray(a, dtype=object)
    out = np.empty(a.shape, dtype)
    out.reshape(-1)[:] = [fn(v) for v in a.ravel().tolist()]
    return out


def _rj(a):
    """reduce_join over axes [1, 2]: the first listed axis varies fastest (TF1)."""
    rows = a.transpose(0, 2, 1).reshape(a.shape[0], -1).tolist()
    return _href(np.array([b"-".join(r) for r in rows] or [], dtype=object)
                 .reshape(a.shape[:1]))


def _split_ref(a):
    toks = [t for v in a.tolist() for t in v.split(b" ") if t]
    return [_href(np.array(toks, dtype=object))]


SAMPLES = [
    Sample("AsString", lambda x: _h(gc.as_string(x, precision=2)),
           lambda r: [r.standard_normal(shape(r))],
           lambda x: _href(_vmap(lambda v: b"%.2f" % v, x)), grad=False),
    Sample("StringJoin", lambda x, y: _h(gc.string_join([x, y, "!"], separator="+")),
           lambda r: [_words(r, s := shape(r)), _words(r, s)],
           lambda x, y: _href(np.frompyfunc(lambda a, b: a + b"+" + b + b"+!", 2, 1)(x, y)),
           grad=False),
    Sample("ReduceJoin", lambda x: _h(gc.reduce_join(x, axis=[1, 2], separator="-")),
           lambda r: [_words(r, shape(r, 3))], _rj, grad=False),
    Sample("RegexReplace", lambda x: _h(gc.regex_replace(x, "a+", r"<\0>")),
           lambda r: [_words(r, shape(r))],
           lambda x: _href(_vmap(lambda v: __import__("re").sub(b"a+", b"<\\g<0>>", v), x)),
           grad=False),
    Sample("RegexFullMatch", lambda x: gc.strings.regex_full_match(x, "[ab]*"),
           lambda r: [_words(r, shape(r))],
           lambda x: _vmap(lambda v: all(c in b"ab" for c in v), x, bool), grad=False),
    Sample("StringStrip", lambda x: _h(gc.string_strip(x)), lambda r: [_words(r, shape(r))],
           lambda x: _href(_vmap(bytes.strip, x)), grad=False),
    Sample("Substr", lambda x: _h(gc.substr(x, 1, 2)), lambda r: [_words(r, shape(r), lo=1)],
           lambda x: _href(_vmap(lambda v: v[1:3], x)), grad=False),
    Sample("StringToNumber", lambda x: gc.string_to_number(x, out_type=gc.float64),
           lambda r: [_vmap(lambda v: b"%.3f" % v, r.standard_normal(shape(r)))],
           lambda x: _vmap(float, x, np.float64), grad=False),
    Sample("StringToHashBucket", lambda x: gc.string_to_hash_bucket_fast(x, 1000),
           lambda r: [_words(r, shape(r))],
           lambda x: _vmap(lambda v: fingerprint64(v) % 1000, x, np.int64), grad=False),
    Sample("Fingerprint", lambda x: gc.fingerprint(x), lambda r: [_words(r, shape(r, 1))],
           lambda x: np.array([list(fingerprint64(v).to_bytes(8, "little"))
                               for v in x.tolist()], np.uint8).reshape(-1, 8), grad=False),
    Sample("EncodeBase64", lambda x: _h(gc.encode_base64(x)), lambda r: [_words(r, shape(r))],
           lambda x: _href(_vmap(lambda v: base64.urlsafe_b64encode(v).rstrip(b"="), x)),
           grad=False),
    Sample("DecodeBase64", lambda x: _h(gc.decode_base64(gc.encode_base64(x, pad=True))),
           lambda r: [_words(r, shape(r))], lambda x: _href(x), grad=False),
    Sample("StringSplit", lambda x: _h(gc.string_split(x, " ").values),
           lambda r: [_words(r, shape(r, 1))], _split_ref, grad=False),
    Sample("StringLength", lambda x: gc.strings.length(x), lambda r: [_words(r, shape(r))],
           lambda x: _vmap(len, x, np.int32), grad=False),
    Sample("StringCase", lambda x: _h(gc.strings.upper(x)), lambda r: [_words(r, shape(r))],
           lambda x: _href(_vmap(bytes.upper, x)), grad=False),
    Sample("UnsortedSegmentJoin",
           lambda x: _h(gc.strings.unsorted_segment_join(x, [1, 0, 1], 3, separator=",")),
           lambda r: [_words(r, (3,) + shape(r, 1))],
           lambda x: _href(np.stack([x[1], np.frompyfunc(     # (TF: no "," after "")
               lambda a, b: a + b"," + b if a else b, 2, 1)(x[0], x[2]),
               np.full(x.shape[1:], b"", object)])), grad=False),
    Sample("StringFormat", lambda x: _h(gc.strings.format("v={} !", x)),
           lambda r: [r.integers(-9, 99, size=shape(r, 1)).astype(np.int32)],
           lambda x: _href(np.array(("v=[" + " ".join(map(str, x.tolist())) + "] !")
                                    .encode(), dtype=object)), grad=False),
    Sample("StringNGrams", lambda x: _h(gc.strings.ngrams(x, 2, separator="_")),
           lambda r: [_words(r, shape(r, 2))],
           lambda x: _href(np.array([[a + b"_" + b for a, b in zip(row[:-1], row[1:])]
                                     for row in x.reshape(-1, x.shape[-1]).tolist()],
                                    dtype=object).reshape(x.shape[:-1] + (x.shape[-1] - 1,))),
           grad=False),
    Sample("UnicodeEncode", lambda c: _h(gc.strings.unicode_encode(c, "UTF-8")),
           lambda r: [r.integers(32, 0xD000, size=shape(r, 2)).astype(np.int32)],
           lambda c: _href(np.array(["".join(map(chr, row)).encode() for row in
                                     c.reshape(-1, c.shape[-1]).tolist()],
                                    dtype=object).reshape(c.shape[:-1])), grad=False),
    Sample("UnicodeTranscode",
           lambda x: _h(gc.strings.unicode_transcode(x, "UTF-8", "UTF-16-BE")),
           lambda r: [_words(r, shape(r), alphabet="aé€ b".encode())],
           lambda x: _href(_vmap(lambda v: v.decode("utf-8", "replace").encode("utf-16-be"),
                                 x)), grad=False),
    Sample("UnicodeDecodeWithOffsets",
           lambda x: list(gc.strings.unicode_decode_with_offsets(x, "UTF-8")),
           lambda r: [np.array("".join(r.choice(list("aé€b"), int(r.integers(0, 6))))
                               .encode(), dtype=object)],
           lambda x: [np.array([ord(c) for c in x[()].decode()], np.int32),
                      np.array([i for i, b in enumerate(x[()]) if b & 0xC0 != 0x80],
                               np.int64)], grad=False),
]
