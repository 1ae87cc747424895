"""Parity of partitioned variables with TF1: partitioners, get_variable's parts and their
initial values, embedding lookups in shards (values, gradients, sparse per-part
gradients), Saver checkpoints, init_from_checkpoint and warm_start."""
import numpy as np
import pytest
from tf_parity import check, rand, v1

import graphc as gc
import graphc.partitioned as gc_partitioned

TAB = np.arange(70, dtype=np.float32).reshape(14, 5) / 10


def api(m):
    """The module holding the partitioner functions (graphc's before it exports them)."""
    return m if m is v1 or hasattr(m, "fixed_size_partitioner") else gc_partitioned


def run(m, g, fetches, init=True):
    with m.Session(graph=g) as s:
        if init:
            s.run(m.global_variables_initializer())
        return s.run(fetches)


def both(build, init=True):
    """build(m) -> fetches, run in a new graph of each library: (graphc's, TF's)."""
    out = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            fetches = build(m)
        out.append(run(m, g, fetches, init))
    return out


def assert_same(a, b):
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape, (x.dtype, x.shape, y.dtype, y.shape)
        np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-6)


# ---- partitioners ---------------------------------------------------------------------------
SHAPES = [[10, 4], [3, 7], [1000, 64], [7], [5, 3, 2], [300000, 8]]
DTYPES = ["float32", "float64", "int8", "string"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_partitioners(dtype):
    for shape in SHAPES:
        got, want = [], []
        for m, out in ((gc, got), (v1, want)):
            a, t, dt = api(m), m.TensorShape(shape), getattr(m, dtype)
            for axis in range(len(shape)):
                out.append(a.fixed_size_partitioner(3, axis)(shape=t, dtype=dt))
                for mb in (1, 100, 4096, 1 << 20):
                    out.append(a.variable_axis_size_partitioner(mb, axis)(shape=t, dtype=dt))
                    out.append(a.variable_axis_size_partitioner(
                        mb, axis, bytes_per_string_element=3, max_shards=2)(shape=t, dtype=dt))
                for mx, ms in ((1, 256 << 10), (4, 16), (8, 1000), (100, 1)):
                    out.append(a.min_max_variable_partitioner(mx, axis, ms)(shape=t, dtype=dt))
        assert got == want, shape


# ---- get_variable's parts -------------------------------------------------------------------
def _pinfo_initializer(seen):
    def init(shape, dtype=None, partition_info=None):
        seen.append((list(shape), partition_info.full_shape, partition_info.var_offset,
                     partition_info.single_offset(shape), partition_info.single_slice_dim(shape)))
        return np.zeros(shape, np.float32) + partition_info.single_offset(shape)
    return init


@pytest.mark.parametrize("n,axis", [(3, 0), (4, 0), (2, 1), (5, 1), (20, 0), (1, 0)])
def test_parts_and_initial_values(n, axis):
    seen = {gc: [], v1: []}
    layout = {}

    def build(m):
        p = api(m).fixed_size_partitioner(n, axis)
        with m.variable_scope("s", partitioner=p):
            c = m.get_variable("c", [14, 5], initializer=m.constant_initializer(1.5))
            z = m.get_variable("z", [14, 5], dtype=m.int32)
            o = m.get_variable("o", [14, 5], initializer=m.ones_initializer())
            t = m.get_variable("t", initializer=m.constant(TAB))
            a = m.get_variable("a", [14, 5], initializer=TAB)
            f = m.get_variable("f", [14, 5], initializer=_pinfo_initializer(seen[m]))
        pvs = [c, z, o, t, a, f]
        layout[m] = [(pv.name, list(pv.get_shape().as_list()), pv._get_partitions(), len(pv),
                      [(v.name, v.shape.as_list(), v._save_slice_info.full_name,
                        v._save_slice_info.full_shape, v._save_slice_info.var_offset,
                        v._save_slice_info.var_shape, v._save_slice_info.spec) for v in pv])
                     for pv in pvs]
        layout[m].append(sorted(v.name for v in m.trainable_variables()))
        return [pv.as_tensor() for pv in pvs] + [list(pv) for pv in pvs]

    got, want = both(build)
    assert layout[gc] == layout[v1]
    assert seen[gc] == seen[v1]
    flat = lambda r: r[:6] + [x for parts in r[6:] for x in parts]  # noqa: E731
    assert_same(flat(got), flat(want))


def test_glorot_default_uses_full_shape():
    """The default glorot_uniform draws each part within the full shape's limit."""
    limit = np.sqrt(6 / (300 + 20))
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            pv = m.get_variable("w", [300, 20], partitioner=api(m).fixed_size_partitioner(4))
            vals = run(m, g, list(pv))
        assert [v.shape for v in vals] == [(75, 20)] * 4
        assert max(np.abs(v).max() for v in vals) <= limit
        assert max(np.abs(v).max() for v in vals) > 0.9 * limit


def test_reuse_and_errors():
    def msgs(m):
        a = api(m)
        p3, p2 = a.fixed_size_partitioner(3), a.fixed_size_partitioner(2)
        out = []

        def attempt(f):
            try:
                r = f()
                out.append(("ok", type(r).__name__))
            except (ValueError, TypeError) as e:
                out.append(("err", str(e).replace("tf.", "gc.").split(" Originally")[0]))
        e = m.get_variable("e", [9, 2], partitioner=p3)
        m.get_variable("plain", [4, 2])
        attempt(lambda: m.get_variable("plain", [4, 2], partitioner=p3))
        attempt(lambda: m.get_variable("e", [9, 2], partitioner=p3))
        attempt(lambda: m.get_variable("e", [9, 2]))
        with m.variable_scope("", reuse=True):
            attempt(lambda: m.get_variable("e", [9, 2], partitioner=p2))
            attempt(lambda: m.get_variable("e", [9, 3], partitioner=p3))
            attempt(lambda: m.get_variable("e", partitioner=p3))
            attempt(lambda: m.get_variable("nope", [9, 2], partitioner=p3))
            attempt(lambda: m.get_variable("e") is e)
            attempt(lambda: m.get_variable("e", [9, 2], partitioner=p3) is e)
        with m.variable_scope("", reuse=m.AUTO_REUSE):
            attempt(lambda: m.get_variable("e", [9, 2], partitioner=p3) is e)
            attempt(lambda: m.get_variable("e", [9, 2]))
        attempt(lambda: m.get_variable("u", [None, 2], partitioner=p3))
        attempt(lambda: m.get_variable("nc", [4, 2], partitioner=3))
        attempt(lambda: m.get_variable("b1", [4, 2], partitioner=lambda shape, dtype: 3))
        attempt(lambda: m.get_variable("b2", [4, 2], partitioner=lambda shape, dtype: [3]))
        attempt(lambda: m.get_variable("b3", [4, 2], partitioner=lambda shape, dtype: (2, 2)))
        attempt(lambda: m.get_variable("b4", [4, 2], partitioner=lambda shape, dtype: [0, 1]))
        attempt(lambda: m.get_variable("b5", [2, 2], partitioner=lambda shape, dtype: [3, 1]))
        attempt(lambda: m.get_variable("sc", [], partitioner=p3))
        attempt(lambda: a.create_partitioned_variables([10, 4], [3], m.zeros_initializer()))
        attempt(lambda: a.create_partitioned_variables([], [], m.zeros_initializer()))
        attempt(lambda: [v.name for v in a.create_partitioned_variables(
            [10, 4], [1, 2], m.zeros_initializer(), name="cp")])
        attempt(lambda: [v.name for v in a.create_partitioned_variables(
            [10, 4], [3, 1], m.zeros_initializer())])
        return out

    results = []
    for m in (gc, v1):
        with m.Graph().as_default():
            results.append(msgs(m))
    for a, b in zip(*results):
        assert a[0] == b[0], (a, b)
    # the messages of TF1's own checks, word for word
    for a, b in zip(*results):
        if a[0] == "err" and not b[1].startswith("Variable"):
            assert a[1] == b[1], (a, b)


def test_partitioned_variable_api():
    out = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            pv = m.get_variable("e", initializer=m.constant(TAB),
                                partitioner=api(m).fixed_size_partitioner(3, 1))
            names = (pv.name, pv.as_tensor().name, m.convert_to_tensor(pv).name,
                     pv.dtype.name, pv.get_shape().as_list(), len(pv))
            assert names == ("e", "e:0", "e_1:0", "float32", [14, 5], 3), names
            y = m.matmul(m.constant(np.ones((2, 14), np.float32)), pv)
            set_ = pv.assign(TAB * 2)
            add = pv.assign_add(np.ones_like(TAB))
            assert len(set_) == len(add) == 3
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                first = s.run(y)
                parts = s.run(set_)
                s.run(add)
                out.append([first] + parts + [s.run(y)])
    assert_same(*out)


# ---- embedding_lookup ------------------------------------------------------------------------
def _shards(sizes, dim=3, seed=0):
    return [rand(s, dim, seed=seed + i) for i, s in enumerate(sizes)]


LOOKUPS = {
    "mod3": ("mod", [4, 3, 3], np.array([[1, 9], [4, 0], [7, 7]], np.int32), None),
    "div3": ("div", [4, 3, 3], np.array([[1, 9], [4, 0], [7, 7]], np.int64), None),
    "div_uneven": ("div", [3, 2, 2], np.array([0, 1, 2, 3, 4, 5, 6, 2], np.int32), None),
    "mod_maxnorm": ("mod", [2, 2], np.array([[3, 0], [1, 2]], np.int32), 1.5),
    "div_maxnorm": ("div", [2, 2], np.array([3, 0, 1, 2], np.int64), 1.5),
    "scalar_id": ("div", [3, 2], np.array(4, np.int32), 1.0),
    "empty_ids": ("mod", [2, 2], np.zeros((0,), np.int32), None),
}


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_embedding_lookup_shards(name):
    strategy, sizes, ids, max_norm = LOOKUPS[name]
    check(lambda m, i, *ps: m.nn.embedding_lookup(list(ps), i, partition_strategy=strategy,
                                                  max_norm=max_norm),
          ids, *_shards(sizes))


def test_embedding_lookup_3d_shards():
    ps = [rand(3, 2, 2, seed=1), rand(3, 2, 2, seed=2)]
    check(lambda m, i, a, b: m.nn.embedding_lookup([a, b], i, partition_strategy="div",
                                                   max_norm=2.0),
          np.array([[0, 5], [2, 3]], np.int32), *ps)


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_embedding_lookup_sparse_shards(combiner, strategy):
    def fn(m, w, a, b, c):
        # no empty row: TF 2's weighted mean gives 0 there, graphc TF1's 0/0 (sparse.py)
        at = [[0, 0], [0, 1], [1, 0], [2, 0], [3, 1]]
        sp = m.SparseTensor(at, [6, 1, 3, 0, 6], [4, 2])
        ws = m.SparseTensor(at, w, [4, 2])
        return [m.nn.embedding_lookup_sparse([a, b, c], sp, None, strategy, combiner=combiner),
                m.nn.embedding_lookup_sparse([a, b, c], sp, ws, strategy, combiner=combiner)]
    check(fn, np.array([0.5, 2.0, 1.0, 3.0, 0.7]), *_shards([3, 2, 2]))


def _lookup_model(m, strategy):
    pv = m.get_variable("emb", initializer=m.constant(TAB),
                        partitioner=api(m).fixed_size_partitioner(3))
    w = m.get_variable("w", initializer=m.constant(np.ones((5, 1), np.float32)))
    ids = m.constant([[1, 9], [4, 13], [9, 0]], dtype=m.int64)
    h = m.reduce_sum(m.nn.embedding_lookup(pv, ids, partition_strategy=strategy), 1)
    loss = m.reduce_sum(m.square(m.matmul(h, w) - 1.0))
    return pv, loss


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_sparse_gradients_per_part(strategy):
    kinds = {}

    def build(m):
        pv, loss = _lookup_model(m, strategy)
        gv = m.train.GradientDescentOptimizer(0.01).compute_gradients(loss)
        kinds[m] = [(type(g).__name__ == "IndexedSlices", v.name,
                     getattr(g, "indices", g).dtype.name)
                    for g, v in gv]
        return [m.math.unsorted_segment_sum(g.values, g.indices, g.dense_shape[0])
                if type(g).__name__ == "IndexedSlices" else g for g, _ in gv]

    got, want = both(build)
    assert kinds[gc] == kinds[v1]
    assert_same(got, want)


@pytest.mark.parametrize("opt", ["sgd", "adam", "adagrad", "momentum"])
def test_minimize_updates_parts(opt):
    def build(m):
        pv, loss = _lookup_model(m, "div")
        o = {"sgd": lambda: m.train.GradientDescentOptimizer(1e-3),
             "adam": lambda: m.train.AdamOptimizer(0.05),
             "adagrad": lambda: m.train.AdagradOptimizer(0.05),
             "momentum": lambda: m.train.MomentumOptimizer(1e-3, 0.9)}[opt]()
        step = o.minimize(loss)
        return step, pv, loss

    out = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            step, pv, loss = build(m)
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                for _ in range(3):
                    s.run(step)
                out.append(s.run([pv.as_tensor(), loss]))
    assert np.isfinite(out[0][1]) and not np.array_equal(out[0][0], TAB)
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-5)


# ---- checkpoints ----------------------------------------------------------------------------
def _save(m, directory, parts=3):
    g = m.Graph()
    with g.as_default():
        m.get_variable("emb", initializer=m.constant(TAB),
                       partitioner=api(m).fixed_size_partitioner(parts))
        m.get_variable("w", initializer=m.constant(TAB[:2]))
        saver = m.train.Saver()
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            return saver.save(s, str(directory / "model"))


@pytest.mark.parametrize("parts,axis", [(3, 0), (4, 0), (2, 1), (1, 0), (None, 0)])
def test_saver_roundtrip_other_partitioning(tmp_path, parts, axis):
    results, listing = [], []
    for m in (gc, v1):
        d = tmp_path / m.__name__.replace(".", "_")
        d.mkdir()
        prefix = _save(m, d)
        listing.append((sorted(m.train.list_variables(str(d))),
                        np.asarray(m.train.load_variable(str(d), "emb")).tolist()))
        g = m.Graph()
        with g.as_default():
            p = None if parts is None else api(m).fixed_size_partitioner(parts, axis)
            pv = m.get_variable("emb", [14, 5], partitioner=p)
            saver = m.train.Saver()
            with m.Session() as s:
                saver.restore(s, prefix)
                results.append(s.run(pv if parts is None else pv.as_tensor()))
    assert listing[0] == listing[1]
    assert_same([results[0]], [results[1]])
    np.testing.assert_array_equal(results[0], TAB)


def test_saver_var_list_forms(tmp_path):
    out = []
    for m in (gc, v1):
        d = tmp_path / m.__name__.replace(".", "_")
        d.mkdir()
        g = m.Graph()
        with g.as_default():
            pv = m.get_variable("emb", initializer=m.constant(TAB),
                                partitioner=api(m).fixed_size_partitioner(2))
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                m.train.Saver([pv]).save(s, str(d / "a"))
                m.train.Saver({"renamed": pv}).save(s, str(d / "b"))
                m.train.Saver({"listed": list(pv)}).save(s, str(d / "c"))
                m.train.Saver({"one": list(pv)[1]}).save(s, str(d / "d"))
        out.append([sorted(m.train.list_variables(str(d / k))) for k in "abcd"])
    assert out[0] == out[1]


def test_init_from_checkpoint_and_warm_start(tmp_path):
    results = []
    for m in (gc, v1):
        d = tmp_path / m.__name__.replace(".", "_")
        d.mkdir()
        _save(m, d)
        got = []
        for how in ("name", "scope", "list", "warm", "warm_rename"):
            g = m.Graph()
            with g.as_default():
                p = api(m).fixed_size_partitioner(4)
                with m.variable_scope("new"):
                    pv = m.get_variable("emb", [14, 5], partitioner=p)
                    m.get_variable("w", [2, 5])
                if how == "name":
                    m.train.init_from_checkpoint(str(d), {"emb": "new/emb"})
                elif how == "scope":
                    m.train.init_from_checkpoint(str(d), {"/": "new/"})
                elif how == "list":
                    m.train.init_from_checkpoint(str(d), {"emb": list(pv)})
                elif how == "warm":
                    m.train.warm_start(str(d), "new/emb",
                                       var_name_to_prev_var_name={"new/emb": "emb"})
                else:
                    m.train.warm_start(str(d), ["new/emb"],
                                       var_name_to_prev_var_name={"new/emb": "emb"})
                got.append(run(m, g, pv.as_tensor()))
        results.append(got)
    assert_same(results[0], results[1])
    np.testing.assert_array_equal(results[0][0], TAB)
