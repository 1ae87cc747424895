"""gc.lookup tables and the sparse feature crosses against TF's tf.compat.v1 (graph mode).
The harness's check() does not run table initializers, so each case builds the same
graph in both libraries here, runs tables_initializer and compares the fetches (exports
sorted by key: TF exports in hash order, graphc in insertion order)."""
import numpy as np
import pytest
from tf_parity import v1

import graphc as gc
import graphc.sparse_cross as gc_cross

v1.disable_eager_execution()


def _sparse(m):
    """m.sparse, or graphc's module while gc.sparse does not re-export cross yet."""
    return m.sparse if m is v1 or hasattr(m.sparse, "cross") else gc_cross


def _run(m, build, feed=None, init=True):
    g = m.Graph()
    with g.as_default():
        fetches, feeds = build(m)
        with m.Session(graph=g) as sess:
            if init:
                sess.run(m.tables_initializer(), feeds)
            out = []
            for f in fetches:
                if isinstance(f, str):          # a static fact, compared as it is
                    out.append(f)
                elif callable(f):               # an op to run for its effect, then None
                    sess.run(f(), feeds)
                    out.append(None)
                else:
                    out.append(sess.run(f, feeds))
            return out


def _norm(x):
    if x is None:
        return None
    if hasattr(x, "indices") and hasattr(x, "dense_shape"):
        return [_norm(x.indices), _norm(x.values), _norm(x.dense_shape)]
    if isinstance(x, tuple) and len(x) == 2:            # an export: sort by key
        k, v = np.asarray(x[0]), np.asarray(x[1])
        order = sorted(range(len(k)), key=lambda i: k[i])
        return [k[order], v[order]]
    return np.asarray(x)


def _same(a, b):
    a, b = _norm(a), _norm(b)
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
        return
    if a is None:
        assert b is None
        return
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert a.tolist() == b.tolist()


def both(build, **kw):
    got, want = _run(gc, build, **kw), _run(v1, build, **kw)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        _same(g, w)


def _words(seed, n, extra=()):
    rng = np.random.default_rng(seed)
    pool = ["", "a", "ab", "emerson", "lake", "palmer", "élan", "x" * 17, "y" * 40,
            "z" * 70, "日本"] + list(extra)
    return [pool[i] for i in rng.integers(0, len(pool), n)]


def test_static_hash_table_string_and_int_keys():
    def build(m):
        L = m.lookup
        t = L.StaticHashTable(L.KeyValueTensorInitializer(["a", "b", "c"], [1, 2, 3]), -1)
        u = L.StaticHashTable(L.KeyValueTensorInitializer(
            m.constant([1, 5, -9], m.int64), [0.5, 1.5, 2.5]), -1)   # int default -> float
        sp = m.SparseTensor([[0, 0], [1, 2]], m.constant([-9, 7], m.int64), [2, 3])
        return [t.lookup(m.constant([["a", "z"], ["c", "b"]])), t.size(), t.export(),
                u.lookup(m.constant([[1, 2, 5, -9]], m.int64)), u.lookup(sp), u.size(),
                t.key_dtype.name, u.value_dtype.name], None
    got, want = _run(gc, build), _run(v1, build)
    for g, w in zip(got[:6], want[:6]):
        _same(g, w)
    assert got[6:] == want[6:]


def test_placeholder_initializer_and_reinit_is_a_no_op():
    def build(m):
        k = m.placeholder(m.string, [None])
        t = m.lookup.StaticHashTable(m.lookup.KeyValueTensorInitializer(
            k, m.constant([1, 2], m.int64)), m.constant(-7, m.int64))
        return [lambda: t.initializer, t.export(), t.lookup(m.constant(["x", "q", "y"]))], \
            {k: ["x", "y"]}
    both(build, init=False)

    def again(m):
        k = m.placeholder(m.string, [None])
        t = m.lookup.StaticHashTable(m.lookup.KeyValueTensorInitializer(
            k, m.constant([1, 2], m.int64)), m.constant(-7, m.int64))
        return [lambda: t.initializer, t.export()], {k: ["x", "z"]}
    both(again)     # tables_initializer ran with the same feed before: TF keeps x, z


def _error(m, build, init=True):
    try:
        _run(m, build, init=init)
    except Exception as e:          # noqa: BLE001 - the class and message are compared
        msg = getattr(e, "message", str(e))
        lines = msg.split("\n")
        node = [i for i, s in enumerate(lines) if s.startswith("Node:")]
        name = {"ExecutionError": "InvalidArgumentError"}.get(type(e).__name__,
                                                              type(e).__name__)
        return name, (lines[node[0] + 1] if node else lines[0]).strip()
    return None, None


def _same_error(build, init=True):
    got, want = _error(gc, build, init), _error(v1, build, init)
    assert want[0] is not None and got[0] == want[0], (got, want)
    assert want[1] in got[1] or got[1] in want[1], (got, want)


def test_errors_match_tf(tmp_path):
    p = tmp_path / "v.txt"
    p.write_bytes(b"emerson\t10\nlake\t20\npalmer\t30\n")
    e = tmp_path / "e.txt"
    e.write_bytes(b"a b\nc d\n\ne f\n")
    L = lambda m: m.lookup      # noqa: E731
    cases = [
        lambda m: ([L(m).StaticHashTable(L(m).KeyValueTensorInitializer(["a"], [1]), -1)
                    .lookup(m.constant(["a"]))], None),
        lambda m: ([lambda: L(m).StaticHashTable(L(m).KeyValueTensorInitializer(
            ["a", "b", "a"], [1, 2, 3]), -1).initializer], None),
        lambda m: ([lambda: L(m).StaticHashTable(L(m).KeyValueTensorInitializer(
            m.constant([], m.string), m.constant([], m.int64)),
            m.constant(-1, m.int64)).initializer], None),
        lambda m: ([lambda: L(m).StaticHashTable(L(m).TextFileInitializer(
            str(p), m.string, 0, m.int64, 1, vocab_size=5), -1).initializer], None),
        lambda m: ([lambda: L(m).StaticHashTable(L(m).TextFileInitializer(
            str(p), m.int64, 0, m.int64, 1), -1).initializer], None),
        lambda m: ([lambda: L(m).StaticHashTable(L(m).TextFileInitializer(
            str(p), m.string, 0, m.int64, 2), -1).initializer], None),
        lambda m: ([lambda: L(m).StaticHashTable(L(m).TextFileInitializer(
            str(e), m.string, 1, m.string, 0, delimiter=" "), "U").initializer], None),
        lambda m: ([lambda: L(m).StaticHashTable(L(m).TextFileInitializer(
            str(tmp_path / "nope.txt"), m.string, 0, m.int64, 1), -1).initializer], None),
    ]
    for build in cases:
        _same_error(build, init=False)


def test_text_file_initializers(tmp_path):
    p = tmp_path / "v.txt"
    p.write_bytes(b"emerson\t10\nlake\t20\npalmer\t30\nking\t-4\n")
    q = tmp_path / "s.txt"
    q.write_bytes(b"1 un\n2 deux\n3 trois")          # no final newline
    W, N = -2, -1

    def build(m):
        L, f = m.lookup, str(p)
        ts = [L.StaticHashTable(L.TextFileInitializer(f, m.string, 0, m.int64, 1), -1),
              L.StaticHashTable(L.TextFileInitializer(f, m.string, W, m.int64, N), -1),
              L.StaticHashTable(L.TextFileInitializer(f, m.int64, N, m.string, 0,
                                                      value_index_offset=3), "U"),
              L.StaticHashTable(L.TextFileInitializer(f, m.int64, 1, m.string, W,
                                                      vocab_size=2), "U"),
              L.StaticHashTable(L.TextFileInitializer(str(q), m.int64, 0, m.string, 1,
                                                      delimiter=" "), "?")]
        return [t.export() for t in ts] + [ts[0].lookup(m.constant(["lake", "nope"]))], None
    both(build)


@pytest.mark.parametrize("seed", range(3))
def test_static_vocabulary_table(seed):
    words = _words(seed, 40, extra=[str(i) for i in range(50)])
    ints = np.random.default_rng(seed).integers(-10**12, 10**12, 30).astype(np.int64)

    def build(m):
        L = m.lookup
        vt = L.StaticVocabularyTable(L.KeyValueTensorInitializer(
            ["emerson", "lake", "palmer"], m.constant([0, 1, 2], m.int64)), 3 + seed)
        vi = L.StaticVocabularyTable(L.KeyValueTensorInitializer(
            m.constant(ints[:5], m.int64), m.constant([0, 1, 2, 3, 4], m.int64)), 7)
        v32 = L.StaticVocabularyTable(L.KeyValueTensorInitializer(
            m.constant([10, 20], m.int64), m.constant([0, 1], m.int64)), 5,
            lookup_key_dtype=m.int32)
        return [vt.lookup(m.constant(words)), vt.size(), vi.lookup(m.constant(ints)),
                v32.lookup(m.constant([10, 30, -4, 20], m.int32)), vi.size()], None
    both(build)


def test_mutable_hash_table():
    def build(m):
        M = m.lookup.experimental.MutableHashTable
        t = M(m.string, m.int64, -1)
        v = M(m.int64, m.float32, [0., -1.])
        return [t.lookup(m.constant(["a"])), t.size(),
                lambda: t.insert(m.constant(["a", "b", "c"]), m.constant([1, 2, 3], m.int64)),
                lambda: t.insert(m.constant(["b"]), m.constant([20], m.int64)),
                t.lookup(m.constant([["a", "b"], ["c", "d"]])),
                lambda: t.remove(m.constant(["c", "zz"])),
                t.lookup(m.constant(["a", "c"]), dynamic_default_values=m.constant(
                    [5, 6], m.int64)),
                t.size(), t.export(),
                lambda: v.insert(m.constant([3, 4], m.int64),
                                 m.constant([[1, 2], [3, 4]], m.float32)),
                v.lookup(m.constant([[3, 9, 4]], m.int64)), v.export()], None
    both(build, init=False)


def _sparse_input(m, rng, batch, dtype):
    rows = [sorted(set(rng.integers(0, 4, int(rng.integers(0, 4))).tolist()))
            for _ in range(batch)]
    idx = [[b, c] for b, r in enumerate(rows) for c in r]
    if dtype == "string":
        vals = _words(int(rng.integers(0, 1000)), len(idx))
        values = m.constant(vals, m.string) if vals else m.constant([], m.string)
    else:
        values = m.constant(rng.integers(-50, 50, len(idx)), m.int64)
    idx = m.constant(np.array(idx, np.int64).reshape(-1, 2))
    return m.SparseTensor(idx, values, [batch, 4])


@pytest.mark.parametrize("seed", range(4))
def test_sparse_cross_random(seed):
    def build(m):
        rng = np.random.default_rng(seed)
        batch = int(rng.integers(1, 5))
        a = _sparse_input(m, rng, batch, "string")
        b = _sparse_input(m, rng, batch, "int64")
        d = m.constant(np.array(_words(seed, batch * 2)).reshape(batch, 2))
        e = m.constant(rng.integers(-3, 3, (batch, 1)).astype(np.int64))
        S = _sparse(m)
        return [S.cross([d, a, e, b]), S.cross([a, d], separator="::"),
                S.cross_hashed([d, a, e, b]),
                S.cross_hashed([a, b, d], num_buckets=1000, hash_key=seed + 1),
                S.cross_hashed([e, d], hash_key=-5 - 2**40 * seed)], None
    both(build)


def test_sparse_cross_batch_error():
    _same_error(lambda m: ([_sparse(m).cross(
        [m.constant([["a"]]), m.SparseTensor([[0, 0]], ["q"], [2, 1])])], None))


def _ops(m):
    """The TF1 contrib-style helpers: gc.lookup, or TF's lookup_ops module."""
    if m is gc:
        return gc.lookup
    from tensorflow.python.ops import lookup_ops
    return lookup_ops


def test_index_tables_and_id_table_with_hash_buckets(tmp_path):
    p = tmp_path / "vocab.txt"
    p.write_bytes(b"emerson\nlake\npalmer\n")
    words = _words(5, 30, extra=["emerson", "lake", "palmer"])

    def build(m):
        L, f = _ops(m), str(p)
        tables = [L.index_table_from_tensor(["emerson", "lake", "palmer"]),
                  L.index_table_from_tensor(["emerson", "lake"], num_oov_buckets=4),
                  L.index_table_from_file(f, num_oov_buckets=3),
                  L.index_table_from_file(f, vocab_size=2, default_value=-9),
                  L.IdTableWithHashBuckets(None, 11),
                  L.IdTableWithHashBuckets(None, 13, hasher_spec=L.StrongHashSpec([7, 9])),
                  L.IdTableWithHashBuckets(None, 6, hasher_spec=L.HasherSpec("legacy", None))]
        ints = L.index_table_from_tensor(m.constant([4, 8, 15], m.int64), num_oov_buckets=2,
                                         dtype=m.int64)
        back = [L.index_to_string_table_from_tensor(["a", "b"], default_value="?"),
                L.index_to_string_table_from_file(f)]
        ids = m.constant([0, 2, 1, 9, -1], m.int64)
        return ([t.lookup(m.constant(words)) for t in tables] + [t.size() for t in tables[1:3]]
                + [ints.lookup(m.constant([8, 16, 4, -2], m.int64))]
                + [t.lookup(ids) for t in back]), None
    both(build)


def test_dense_hash_table():
    def build(m):
        D = m.lookup.experimental.DenseHashTable
        d = D(m.int64, m.int64, -1, empty_key=0, deleted_key=-1)
        s = D(m.string, m.float32, [0., 1.], empty_key="", deleted_key="$")
        return [lambda: d.insert(m.constant([5, 6, 7, 8], m.int64),
                                 m.constant([1, 2, 3, 4], m.int64)),
                lambda: d.remove(m.constant([6, 9], m.int64)),
                d.lookup(m.constant([5, 6, 7, 99], m.int64)), d.size(),
                lambda: s.insert(m.constant(["a", "b"]), m.constant([[1, 2], [3, 4]],
                                                                    m.float32)),
                s.lookup(m.constant(["a", "q"])), s.size()], None
    both(build, init=False)
    for keys in ([0], [-1], [[5, 6], [7, 99]]):
        _same_error(lambda m: ([m.lookup.experimental.DenseHashTable(
            m.int64, m.int64, -1, empty_key=0, deleted_key=-1).lookup(
            m.constant(keys, m.int64))], None), init=False)
