"""Samples for the lookup-table ops (graphc/ops/lookup_ops.py, lookup_text.py) and
SparseCross (graphc/sparse_cross.py). A table op reads session state, so each sample
builds its table and runs the initializer (or inserts) through control dependencies in
the same Session.run. String results are compared through their FarmHash bucket."""
import atexit
import itertools
import os
import shutil
import tempfile

import numpy as np

import graphc as gc
from graphc.ops.strings_hash import fingerprint64
from graphc.sparse_cross import cross, cross_hashed, fingerprint_cat64
from samples import Sample, shape

B = 2 ** 40          # exact in float64
VOCAB = [b"ant", b"bee", b"cat", b"dog", b"eel", b"fox"]
_DIR = tempfile.mkdtemp(prefix="graphc_lookup_samples_")
atexit.register(shutil.rmtree, _DIR, True)      # (pytest's own runs: inside its tmp dir)
VOCAB_FILE = os.path.join(_DIR, "vocab.txt")
with open(VOCAB_FILE, "wb") as _f:
    _f.write(b"".join(w + b"\t" + str(10 * i).encode() + b"\n" for i, w in enumerate(VOCAB)))


def _h(t):
    return gc.string_to_hash_bucket_fast(t, B)


def _words(rng, s, extra=(b"owl", b"")):
    pool = VOCAB + list(extra)
    out = np.empty(s, dtype=object)
    out.reshape(-1)[:] = [pool[int(i)] for i in rng.integers(0, len(pool), size=out.size)]
    return out


def _after(op, fn):
    with gc.control_dependencies([op]):
        return fn()


# a static int64 -> float64 table of keys 0..9
KEYS = np.arange(10, dtype=np.int64)
VALS = np.linspace(-1.0, 2.0, 10)


def _find_int(x):
    t = gc.lookup.StaticHashTable(gc.lookup.KeyValueTensorInitializer(KEYS, VALS), -5.0)
    return _after(t.initializer, lambda: t.lookup(x))


def _find_int_ref(x):
    return np.where((x >= 0) & (x < 10), VALS[np.clip(x, 0, 9)], -5.0)


def _by_handle(x):
    """A lookup through the table's handle, as TF's raw ops take it."""
    t = gc.lookup.StaticHashTable(gc.lookup.KeyValueTensorInitializer(KEYS, VALS), -5.0)
    return _after(t.initializer, lambda: gc.raw_ops.LookupTableFindV2(
        table_handle=t.resource_handle, keys=x, default_value=gc.constant(-5.0, gc.float64)))


def _find_str(x):
    t = gc.lookup.StaticHashTable(gc.lookup.KeyValueTensorInitializer(
        VOCAB, np.arange(6, dtype=np.int64)), gc.constant(-1, gc.int64))
    return _after(t.initializer, lambda: t.lookup(x))


def _find_str_ref(x):
    ids = {w: i for i, w in enumerate(VOCAB)}
    return np.vectorize(lambda w: ids.get(w, -1), otypes=[np.int64])(x)


def _unique_keys(rng):
    n = int(rng.integers(1, 7))
    return [rng.permutation(np.arange(-20, 20, dtype=np.int64))[:n], rng.standard_normal(n)]


def _init(keys, values):
    t = gc.lookup.StaticHashTable(gc.lookup.KeyValueTensorInitializer(keys, values), 0.0)
    return _after(t.initializer, lambda: [t.lookup(keys), t.size()])


def _text(x):
    t = gc.lookup.StaticHashTable(gc.lookup.TextFileInitializer(
        VOCAB_FILE, gc.string, 0, gc.int64, 1), gc.constant(-1, gc.int64))
    w = gc.lookup.StaticHashTable(gc.lookup.TextFileInitializer(
        VOCAB_FILE, gc.int64, gc.lookup.TextFileIndex.LINE_NUMBER, gc.string,
        gc.lookup.TextFileIndex.WHOLE_LINE, value_index_offset=100), "?")
    return _after(gc.group(t.initializer, w.initializer),
                  lambda: [t.lookup(x), _h(w.lookup(gc.constant([100, 105, 7], gc.int64)))])


def _text_ref(x):
    line = [VOCAB[0] + b"\t0", VOCAB[5] + b"\t50", b"?"]
    return [np.where(_find_str_ref(x) >= 0, 10 * _find_str_ref(x), -1),
            np.array([fingerprint64(s) % B for s in line], np.int64)]


def _mutable(value_shape=()):
    return gc.lookup.experimental.MutableHashTable(
        gc.int64, gc.float64, np.full(value_shape, -7.0))


def _insert(keys, values, probe):
    t = _mutable((3,))
    return _after(t.insert(keys, values), lambda: t.lookup(probe))


def _insert_inputs(rng):
    keys = rng.permutation(np.arange(30, dtype=np.int64))[:int(rng.integers(1, 8))]
    return [keys, rng.standard_normal((len(keys), 3)),
            rng.integers(0, 30, size=shape(rng, 2, 1, 4)).astype(np.int64)]


def _insert_ref(keys, values, probe):
    d = dict(zip(keys.tolist(), values))
    return np.stack([d.get(k, np.full(3, -7.0)) for k in probe.ravel().tolist()]
                    ).reshape(probe.shape + (3,))


def _import(keys, values, probe):
    """TF 2's restore of a MutableHashTable (LookupTableImportV2): its entries replaced."""
    from graphc.ops import lookup_ops as L
    t = _mutable((3,))
    old = t.insert(gc.constant([0, 1, 2, 3], gc.int64), gc.ones([4, 3], gc.float64))
    imp = _after(old, lambda: L.table_op(L.LOOKUP_IMPORT, (keys, values), t._ref,
                                         "LookupTableImportV2"))
    return _after(imp, lambda: t.lookup(probe))


def _remove(keys, values, gone):
    t = _mutable()
    ins = t.insert(keys, values)
    rem = _after(ins, lambda: t.remove(gone))
    return _after(rem, lambda: [t.lookup(keys), t.size()])


def _remove_inputs(rng):
    keys = rng.permutation(np.arange(30, dtype=np.int64))[:int(rng.integers(1, 8))]
    return [keys, rng.standard_normal(len(keys)),
            rng.integers(0, 30, size=shape(rng, 2, 1, 3)).astype(np.int64)]


def _remove_ref(keys, values, gone):
    kept = ~np.isin(keys, gone)
    return [np.where(kept, values, -7.0), np.int64(kept.sum())]


def _export(keys, values):
    t = _mutable()
    return _after(t.insert(keys, values), lambda: list(t.export()))


def _cross_inputs(rng):
    b = int(rng.integers(1, 4))
    return [_words(rng, (b, int(rng.integers(1, 3)))),
            rng.integers(0, 3, size=(b, int(rng.integers(1, 4)))).astype(np.int64)]


def _cross(words, ids):
    sp = gc.sparse.from_dense(ids)          # rows with no ids give no crosses
    hashed = cross_hashed([words, sp], num_buckets=B, hash_key=11)
    text = cross([sp, words], separator="|")
    return [hashed.indices, hashed.values, hashed.dense_shape, text.indices,
            _h(text.values)]


def _cross_ref(words, ids):
    rows_i = [[v for v in r if v != 0] for r in ids.tolist()]
    idx, hashed, text = [], [], []
    for b, (ws, vs) in enumerate(zip(words.tolist(), rows_i)):
        # the sparse input comes first whatever the order of the inputs
        for j, (v, w) in enumerate(itertools.product(vs, ws)):
            idx.append([b, j])
            h = fingerprint_cat64(fingerprint_cat64(11, v), fingerprint64(w))
            hashed.append(h % B)
            text.append(fingerprint64(str(v).encode() + b"|" + w) % B)
    width = max([len(r) * words.shape[1] for r in rows_i])
    idx = np.array(idx, np.int64).reshape(-1, 2)
    return [idx, np.array(hashed, np.int64), np.array([len(ids), width]), idx,
            np.array(text, np.int64)]


SAMPLES = [
    Sample("LookupTableFindV2", _find_int,
           lambda rng: [rng.integers(-3, 13, size=shape(rng)).astype(np.int64)],
           _find_int_ref, grad=False, id="int64"),
    Sample("TableHandle", _by_handle,
           lambda rng: [rng.integers(-3, 13, size=shape(rng)).astype(np.int64)],
           _find_int_ref, grad=False),
    Sample("LookupTableFindV2", _find_str, lambda rng: [_words(rng, shape(rng))],
           _find_str_ref, grad=False, id="string"),
    Sample("InitializeTableV2", _init, _unique_keys,
           lambda k, v: [v, np.int64(len(k))], grad=False),
    Sample("LookupTableSizeV2", _init, _unique_keys,
           lambda k, v: [v, np.int64(len(k))], grad=False),
    Sample("InitializeTableFromTextFileV2", _text, lambda rng: [_words(rng, shape(rng))],
           _text_ref, grad=False),
    Sample("LookupTableInsertV2", _insert, _insert_inputs, _insert_ref, grad=False),
    Sample("LookupTableImportV2", _import, _insert_inputs, _insert_ref, grad=False),
    Sample("LookupTableRemoveV2", _remove, _remove_inputs, _remove_ref, grad=False),
    Sample("LookupTableExportV2", _export,
           lambda rng: _unique_keys(rng), lambda k, v: [k, v], grad=False),
    Sample("SparseCross", _cross, _cross_inputs, _cross_ref, grad=False),
]
