"""A DenseHashTable's contents in one Session as TF's MutableDenseHashTable keeps them:
open-addressing buckets (DenseBuckets) with TF's hashing (tf_hash64 for strings, the
value itself for ints), so its export, import and checkpoints are TF's bucket arrays,
bucket for bucket (lookup_ops.py holds the table ops)."""
import numpy as np

from .. import errors


def _show(v):
    """A key or value as TF's messages print it."""
    v = v.item() if isinstance(v, np.generic) else v
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return " ".join(_show(x) for x in v.ravel().tolist())
    return str(v)


def _key_bytes(key):
    """A reserved key as a key array's element (strings: bytes)."""
    return key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key


_M64, _MASK64 = 0xC6A4A7935BD1E995, (1 << 64) - 1


def tf_hash64(data, seed=0xDECAFCAFFE):
    """TF's Hash64 of bytes (tensorflow/core/platform/hash.cc, a MurmurHash64A), what
    its MutableDenseHashTable hashes a string key with."""
    h = (seed ^ (len(data) * _M64)) & _MASK64
    n8 = len(data) // 8 * 8
    for i in range(0, n8, 8):
        k = int.from_bytes(data[i:i + 8], "little") * _M64 & _MASK64
        k = (k ^ (k >> 47)) * _M64 & _MASK64
        h = (h ^ k) * _M64 & _MASK64
    if len(data) > n8:
        h = (h ^ int.from_bytes(data[n8:], "little")) * _M64 & _MASK64
    h = (h ^ (h >> 47)) * _M64 & _MASK64
    return h ^ (h >> 47)


class DenseBuckets:
    """A DenseHashTable's contents in one Session, kept as TF's MutableDenseHashTable
    keeps them (tensorflow/core/kernels/lookup_table_op.cc): `keys` and `values`, one
    per bucket, their number a power of 2; a free bucket holds empty_key, a removed one
    deleted_key. A key's probes are h, h+1, h+3, h+6, ... (mod the number of buckets)
    from h its hash (an integer key's own value, a string's TF Hash64): lookup stops at
    its key or an empty bucket, insert takes the first empty or deleted bucket unless
    it meets the key first. An insert of n keys that would pass max_load_factor doubles
    the buckets first, re-inserting the entries in bucket order. So graphc's export
    gives TF's bucket arrays, bucket for bucket, and an import (TF's checkpoint) takes
    them as they are."""

    def __init__(self, table):
        self.spec = table
        (empty, _), (deleted, _) = table.reserved
        self.empty, self.deleted = _key_bytes(empty), _key_bytes(deleted)
        initial, self.load = table.buckets
        self._allocate(initial)

    def _allocate(self, n):
        if n < 4 or n & (n - 1):
            raise errors.InvalidArgumentError(f"Number of buckets must be at least 4 and "
                                              f"a power of 2, got: {n}")
        self.keys = [self.empty] * n
        vshape, dt = self.spec.value_shape, self.spec.value_dtype.np
        self.values = np.full((n,) + vshape, b"" if dt == object else 0, dt)
        self.count = 0

    def __len__(self):
        return self.count

    def _probes(self, key):
        n = len(self.keys)
        h = tf_hash64(key) if isinstance(key, bytes) else key & _MASK64
        i = h & (n - 1)
        for p in range(1, n + 1):
            yield i
            i = (i + p) & (n - 1)
        raise errors.InternalError("Internal error in MutableDenseHashTable (every "
                                   f"bucket probed for key {_show(key)})")

    def get(self, key):
        """key's value, or None."""
        for i in self._probes(key):
            if self.keys[i] == key:
                return self.values[i]
            if self.keys[i] == self.empty:
                return None

    def insert(self, flat, rows):
        """Set keys `flat` to rows, growing the buckets first as TF does."""
        pending = np.float32(self.count + len(flat))
        n = len(self.keys)
        if pending > np.float32(n) * np.float32(self.load):
            while pending > np.float32(n) * np.float32(self.load):
                n <<= 1
            keys, values = self.keys, self.values
            self._allocate(n)
            self._insert(keys, values, skip_reserved=True)
        self._insert(flat, rows)

    def _insert(self, flat, rows, skip_reserved=False):
        free = (self.empty, self.deleted)
        for key, row in zip(flat, rows):
            if skip_reserved and key in free:
                continue
            for i in self._probes(key):
                if self.keys[i] == key:
                    break
                if self.keys[i] in free:
                    self.keys[i] = key
                    self.count += 1
                    break
            self.values[i] = row

    def remove(self, flat):
        for key in flat:
            for i in self._probes(key):
                if self.keys[i] == key:
                    self.keys[i] = self.deleted
                    self.count -= 1
                    break
                if self.keys[i] == self.empty:
                    break

    def export(self):
        """TF's (keys [buckets, 1], values [buckets, value size]) bucket arrays."""
        n = len(self.keys)
        keys = np.empty(n, self.spec.key_dtype.np)
        keys[:] = self.keys
        return keys.reshape(n, 1), self.values.reshape(n, -1).copy()

    def assign(self, keys, values):
        """Take the bucket arrays `keys` [buckets, 1] and `values` as they are (TF's
        ImportValues: no rehashing); the entries are the buckets holding neither
        empty_key nor deleted_key."""
        n = keys.shape[0]
        self.keys = keys.reshape(n).tolist()
        self.values = values.reshape((n,) + self.spec.value_shape).copy()
        self.count = sum(k != self.empty and k != self.deleted for k in self.keys)
