"""String hashing and encoding ops: the string_to_hash_bucket family (TF's exact
buckets, from the pure-Python hashes in strings_hash.py), fingerprint, and web-safe
encode_base64/decode_base64."""
import base64
import re

import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply1, register
from .strings import _either, _elementwise, obj, strings
from .strings_hash import fingerprint64, legacy_hash64, siphash24

# ---- hash buckets, fingerprint --------------------------------------------------------
def _check_buckets(*, num_buckets, key=None):
    if not isinstance(num_buckets, int) or num_buckets < 1:
        raise InferError(f"num_buckets must be an int >= 1, got {num_buckets!r}")


_HASH = {"fast": lambda v, key: fingerprint64(v), "legacy": lambda v, key: legacy_hash64(v),
         "strong": lambda v, key: siphash24(v, *key)}


def _bucket(v, *, num_buckets, how, key):
    return _HASH[how](v, key) % num_buckets


STRING_TO_HASH_BUCKET = _elementwise(
    "StringToHashBucket", "string_to_hash_bucket", _bucket, dtypes.int64,
    "string_to_hash_bucket(string_tensor, num_buckets, name=None)",
    "Hash64(s) % num_buckets (fast: FarmHash Fingerprint64; strong: keyed SipHash-2-4).",
    check=lambda num_buckets, how, key: _check_buckets(num_buckets=num_buckets))


def _hash_bucket(x, num_buckets, how, key, name):
    return apply1(STRING_TO_HASH_BUCKET, (strings(x),), name=name,
                  num_buckets=int(num_buckets), how=how, key=key)


def string_to_hash_bucket(string_tensor=None, num_buckets=None, name=None, input=None):
    """Buckets by TF's legacy Hash64: `gc.string_to_hash_bucket(['a'], 10)` is [8]."""
    string_tensor = _either(string_tensor, input, "string_to_hash_bucket")
    return _hash_bucket(string_tensor, num_buckets, "legacy", (), name)


def string_to_hash_bucket_fast(input, num_buckets, name=None):
    """Buckets by FarmHash Fingerprint64 (stable across runs and machines).

        gc.string_to_hash_bucket_fast(['hello'], 1000)
    """
    return _hash_bucket(input, num_buckets, "fast", (), name)


def string_to_hash_bucket_strong(input, num_buckets, key, name=None):
    """Buckets by SipHash-2-4 keyed with `key`, a list of two uint64.

        gc.string_to_hash_bucket_strong(['hello'], 1000, key=[1, 2])
    """
    key = tuple(int(k) for k in key)
    if len(key) != 2 or not all(0 <= k < 2 ** 64 for k in key):
        raise ValueError(f"string_to_hash_bucket_strong: key must be two uint64, got {key}")
    return _hash_bucket(input, num_buckets, "strong", key, name)


def _infer_fingerprint(ctx, x, *, method):
    if x.shape.rank == 0:
        raise InferError("{0} must be at least rank 1, not a scalar")
    n = x.shape._dims[0] if x.shape._dims is not None else None
    return (n, 8), dtypes.uint8


def _fingerprint_kernel(x, *, method):
    x = obj(x) if isinstance(x, bytes) else x
    rows = x.reshape(x.shape[0], int(np.prod(x.shape[1:])))     # -1 fails on size 0
    if x.dtype.kind == "O":
        def one(row):
            if len(row) == 1:
                return fingerprint64(row[0])
            return fingerprint64(b"".join(fingerprint64(v).to_bytes(8, "little")
                                          for v in row))
        hs = [one(r) for r in rows.tolist()]
    else:
        data = np.ascontiguousarray(rows)
        hs = [fingerprint64(r.tobytes()) for r in data]
    out = np.array([h.to_bytes(8, "little") for h in hs], dtype=bytes)
    return np.frombuffer(out.tobytes(), np.uint8).reshape(len(hs), 8).copy() if hs \
        else np.zeros((0, 8), np.uint8)


FINGERPRINT = register(OpDef(
    "Fingerprint", _infer_fingerprint, _fingerprint_kernel, differentiable=False,
    api="fingerprint", signature="fingerprint(data, method='farmhash64', name=None)",
    shape_rule="(n, ...) -> (n, 8)", dtypes="any -> uint8",
    doc="FarmHash64 fingerprint of each row of data, as 8 little-endian bytes."))


def fingerprint(data, method="farmhash64", name=None):
    """The FarmHash Fingerprint64 of each row (dim 0 slice) of data, as uint8 (n, 8).

        gc.fingerprint(gc.constant(['a', 'b']))      # uint8 (2, 8)
    """
    if method != "farmhash64":
        raise ValueError(f"fingerprint: method must be 'farmhash64', not {method!r}")
    return apply1(FINGERPRINT, (convert_to_tensor(data),), name=name, method=method)


# ---- base64 ---------------------------------------------------------------------------
def _b64encode(v, *, pad):
    s = base64.urlsafe_b64encode(v)
    return s if pad else s.rstrip(b"=")


_B64 = re.compile(rb"([A-Za-z0-9_-]*)(=*)")


def _b64decode(v):
    """Web-safe base64; '=' padding only to a multiple of 4 (TF's rule)."""
    m = _B64.fullmatch(v)
    if m is None or m.group(2) and (len(v) % 4 or len(m.group(2)) > 2):
        raise ValueError(f"decode_base64: invalid character found in base64 {v!r}")
    body = m.group(1)
    if len(body) % 4 == 1:
        raise ValueError(f"decode_base64: base64 string length cannot be 1 modulo 4: {v!r}")
    return base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))


ENCODE_BASE64 = _elementwise(
    "EncodeBase64", "encode_base64", _b64encode, None,
    "encode_base64(input, pad=False, name=None)",
    "Web-safe base64 (- and _), padded with '=' only if pad.")

DECODE_BASE64 = _elementwise(
    "DecodeBase64", "decode_base64", _b64decode, None,
    "decode_base64(input, name=None)", "Decodes web-safe base64, padded or not.")


def encode_base64(input, pad=False, name=None):
    """Web-safe base64 of each string: `gc.encode_base64(['hi?'])` is [b'aGk_']."""
    return apply1(ENCODE_BASE64, (strings(input),), name=name, pad=bool(pad))


def decode_base64(input, name=None):
    """Decodes web-safe base64 (with or without padding): inverse of encode_base64."""
    return apply1(DECODE_BASE64, (strings(input),), name=name)
