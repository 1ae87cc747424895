"""gc.feature_column against TF1's tf.compat.v1.feature_column: the same columns on the
same features, with the variables set to the same values (by name), give the same
input_layer / linear_model outputs, gradients w.r.t. the variables and the float
features, variable names and shapes, collections and parse specs."""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc

def _features(m, feats):
    """Features as constants, SparseTensors (("sparse", indices, values, shape)) and
    float placeholders; returns (features, placeholders, feed)."""
    out, phs, feed = {}, [], {}
    for k in sorted(feats):
        x = feats[k]
        if isinstance(x, tuple):
            out[k] = m.SparseTensor(np.array(x[1], np.int64), x[2], np.array(x[3], np.int64))
        elif np.asarray(x).dtype.kind == "f":
            a = np.asarray(x)
            out[k] = m.placeholder(a.dtype, a.shape)
            phs.append(out[k])
            feed[out[k]] = a
        else:
            out[k] = m.constant(x)
    return out, phs, feed


def _run(m, make_columns, feats, api, kwargs, seed):
    g = m.Graph()
    with g.as_default():
        cols = make_columns(m.feature_column)
        features, phs, feed = _features(m, feats)
        f = getattr(m.feature_column, api)
        outs = [f(features, cols, **kwargs)]
        vs = m.global_variables()
        rng = np.random.default_rng(seed)
        vals = [rng.standard_normal(v.shape.as_list()).astype(np.float32) for v in vs]
        sets = [v1.assign(v, x) if m is v1 else v.assign(x) for v, x in zip(vs, vals)]
        wrt = list(vs) + phs
        grads = m.gradients(outs, wrt) if wrt else []
        fetch_g = [m.convert_to_tensor(d) for d in grads if d is not None]
        with m.Session() as s:
            s.run([m.global_variables_initializer(), m.tables_initializer()])
            s.run(sets)
            res = s.run(outs + fetch_g, feed)
        info = dict(vars=[(v.name, tuple(v.shape.as_list())) for v in vs],
                    trainable=[v.name for v in m.trainable_variables()],
                    model=[v.name for v in g.get_collection("model_variables")],
                    names=[c.name for c in cols],
                    connected=[d is not None for d in grads])
        return res, info


def compare(make_columns, feats, api="input_layer", seed=0, **kwargs):
    got, gi = _run(gc, make_columns, feats, api, kwargs, seed)
    want, wi = _run(v1, make_columns, feats, api, kwargs, seed)
    assert gi == wi
    assert len(got) == len(want)
    for i, (a, b) in enumerate(zip(got, want)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (i, a.dtype, a.shape, b.dtype,
                                                           b.shape)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"result {i}")


S = np.array
STR2 = S([["x", "q"], ["z", ""], ["", ""]])
INT2 = S([[1, -1], [3, 4], [-1, -1]], np.int64)


def _voc(fc, **kw):
    return fc.categorical_column_with_vocabulary_list("s", ["x", "y", "z"], **kw)


CASES = {
    "numeric": (lambda fc: [fc.numeric_column("n", shape=(2, 3)),
                            fc.numeric_column("a", normalizer_fn=lambda x: x * 2. - 1.)],
                {"n": np.arange(18.).reshape(3, 2, 3).astype(np.float32),
                 "a": S([1., 2., 3.], np.float32)}),
    "numeric_int": (lambda fc: [fc.numeric_column("k", dtype=gc.int64 if fc is
                                                  gc.feature_column else tf.int64)],
                    {"k": S([[1], [5]], np.int64)}),
    "bucketized": (lambda fc: [fc.bucketized_column(fc.numeric_column("n", shape=2),
                                                    [-1., 0., 0.5, 2.])],
                   {"n": S([[-3., 0.], [0.5, 7.], [-1., 1.9]], np.float32)}),
    "emb_vocab_oov": (lambda fc: [fc.embedding_column(_voc(fc, num_oov_buckets=3), 4)],
                      {"s": STR2}),
    "emb_vocab_default": (lambda fc: [fc.embedding_column(_voc(fc, default_value=1), 2,
                                                          combiner="sum")], {"s": STR2}),
    "emb_vocab_int": (lambda fc: [fc.embedding_column(
        fc.categorical_column_with_vocabulary_list("s", [4, 1, 7]), 3, combiner="sqrtn")],
        {"s": INT2}),
    "emb_hash_sparse": (lambda fc: [fc.embedding_column(
        fc.categorical_column_with_hash_bucket("h", 13), 3)],
        {"h": ("sparse", [[0, 0], [0, 1], [0, 3], [2, 0]], S(["a", "bb", "a", "cc"]),
               [3, 4])}),
    "emb_max_norm": (lambda fc: [fc.embedding_column(
        fc.categorical_column_with_identity("i", 6), 3, max_norm=0.5)], {"i": INT2}),
    "emb_not_safe": (lambda fc: [fc.embedding_column(
        fc.categorical_column_with_identity("i", 6), 3, use_safe_embedding_lookup=False)],
        {"i": S([[1, 2], [3, 4]], np.int64)}),
    "indicator_hash_int": (lambda fc: [fc.indicator_column(
        fc.categorical_column_with_hash_bucket("h", 9, dtype=tf.int64 if fc is
                                               v1.feature_column else gc.int64))],
        {"h": INT2}),
    "indicator_identity_dup": (lambda fc: [fc.indicator_column(
        fc.categorical_column_with_identity("i", 5, default_value=0))],
        {"i": S([[1, 1], [3, 9], [-1, -1]], np.int64)}),
    "weighted": (lambda fc: [
        fc.embedding_column(fc.weighted_categorical_column(
            fc.categorical_column_with_identity("i", 5), "w"), 2, combiner=c)
        for c in ["mean"]] + [fc.indicator_column(fc.weighted_categorical_column(
            fc.categorical_column_with_identity("j", 5), "w"))],
        {"i": S([[1, 2], [3, 4], [0, 0]], np.int64), "j": S([[1, 1], [3, 4], [0, 2]]),
         "w": S([[0.5, 2.], [1., 3.], [1., 1.]], np.float32)}),
    "crossed": (lambda fc: [fc.indicator_column(fc.crossed_column(
        ["s", fc.bucketized_column(fc.numeric_column("n"), [0.]), _voc(fc)], 11)),
        fc.embedding_column(fc.crossed_column(["s", "t"], 17, hash_key=7), 2)],
        {"s": S([["x", "y"], ["z", "q"], ["y", "x"]]), "n": S([[-1.], [1.], [0.]],
                                                              np.float32),
         "t": ("sparse", [[0, 0], [2, 1]], S(["u", "v"]), [3, 2])}),
    "shared": (lambda fc: fc.shared_embedding_columns(
        [fc.categorical_column_with_identity("b", 6),
         fc.categorical_column_with_identity("a", 6)], 3, combiner="sum"),
        {"a": INT2, "b": S([[0, 5], [2, -1], [1, 1]], np.int64)}),
    "mixed": (lambda fc: [fc.numeric_column("n"), fc.embedding_column(_voc(fc), 2),
                          fc.indicator_column(_voc(fc, num_oov_buckets=1))][::-1],
              {"n": S([1., 2., 3.], np.float32), "s": STR2}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_input_layer(name):
    make, feats = CASES[name]
    compare(make, feats)


def test_input_layer_untrainable():
    make, feats = CASES["mixed"]
    compare(make, feats, trainable=False, weight_collections=["mine"])


LINEAR = {
    "dense_and_ids": (lambda fc: [fc.numeric_column("n", shape=2),
                                  fc.bucketized_column(fc.numeric_column("m"), [0., 1.]),
                                  _voc(fc, num_oov_buckets=2),
                                  fc.categorical_column_with_hash_bucket("h", 7),
                                  fc.indicator_column(fc.categorical_column_with_identity(
                                      "i", 6))],
                      {"n": S([[1., 2.], [3., 4.], [5., 6.]], np.float32),
                       "m": S([-1., 0.5, 3.], np.float32), "s": STR2, "h": STR2,
                       "i": INT2}),
    "weighted_crossed": (lambda fc: [fc.weighted_categorical_column(
        fc.categorical_column_with_identity("i", 5), "w"),
        fc.crossed_column(["s", "h"], 9)],
        {"i": S([[1, 2], [3, 4], [0, 0]], np.int64), "s": STR2,
         "h": S([["a", "b"], ["c", "d"], ["e", "f"]]),
         "w": S([[0.5, 2.], [1., 3.], [1., 1.]], np.float32)}),
    "sparse3d": (lambda fc: [fc.categorical_column_with_hash_bucket("h", 13)],
                 {"h": ("sparse", [[0, 0, 0], [0, 1, 0], [0, 1, 1], [2, 0, 0]],
                        S(["a", "bb", "a", "cc"]), [3, 2, 2])}),
}


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("name", sorted(LINEAR))
def test_linear_model(name, combiner):
    make, feats = LINEAR[name]
    compare(make, feats, api="linear_model", units=3, sparse_combiner=combiner)


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("x\ny\nz\nw\n")

    def make(fc):
        return [fc.embedding_column(fc.categorical_column_with_vocabulary_file(
                    "s", str(path), num_oov_buckets=2), 3),
                fc.indicator_column(fc.categorical_column_with_vocabulary_file(
                    "t", str(path), vocabulary_size=2, default_value=0))]
    compare(make, {"s": STR2, "t": STR2})


def test_names_properties_and_parse_spec():
    def make(fc):
        n = fc.numeric_column("n", shape=(2,), default_value=[1., 2.])
        i = fc.categorical_column_with_identity("i", 5)
        return [n, fc.bucketized_column(fc.numeric_column("m"), [1.]),
                i, _voc(fc), fc.categorical_column_with_hash_bucket("h", 3),
                fc.crossed_column(["h", i], 4), fc.weighted_categorical_column(i, "iw"),
                fc.indicator_column(i), fc.embedding_column(i, 2)]
    got, want = make(gc.feature_column), make(v1.feature_column)
    assert [c.name for c in got] == [c.name for c in want]
    for a, b in zip(got, want):
        for attr in ("num_buckets", "variable_shape"):
            if hasattr(b, attr):
                assert getattr(a, attr) == getattr(b, attr), (a.name, attr)
    gs = gc.feature_column.make_parse_example_spec(got)
    ts = v1.feature_column.make_parse_example_spec(want)
    assert sorted(gs) == sorted(ts)
    for k in ts:
        a, b = gs[k], ts[k]
        assert type(a).__name__ == type(b).__name__
        assert a.dtype.name == b.dtype.name
        if hasattr(b, "shape"):
            assert tuple(a.shape) == tuple(b.shape) and a.default_value == b.default_value


def test_cols_to_vars_and_second_call():
    def run(m):
        g = m.Graph()
        with g.as_default():
            fc = m.feature_column
            i = fc.categorical_column_with_identity("i", 5)
            cols = [fc.embedding_column(i, 2), fc.numeric_column("n")]
            feats = {"i": m.constant(INT2), "n": m.constant([1., 2., 3.])}
            c2v, c2o = {}, {}
            fc.input_layer(feats, cols, cols_to_vars=c2v, cols_to_output_tensors=c2o)
            fc.input_layer(feats, cols)
            lin = {}
            fc.linear_model(feats, [i], cols_to_vars=lin)
            fc.linear_model(feats, [i])
            return ({c.name: [v.name for v in vs] for c, vs in c2v.items()},
                    {c.name: tuple(t.shape.as_list()) for c, t in c2o.items()},
                    {getattr(c, "name", c): [v.name for v in vs] for c, vs in lin.items()},
                    [v.name for v in m.global_variables()])
    assert run(gc) == run(v1)


def test_linear_model_scope_names():
    def run(m):
        g = m.Graph()
        with g.as_default():
            fc = m.feature_column
            i, n = fc.categorical_column_with_identity("i", 5), fc.numeric_column("n")
            feats = {"i": m.constant([[1]]), "n": m.constant([[1.]])}
            with m.variable_scope("outer"):
                fc.linear_model(feats, [i, n])
                fc.linear_model(feats, [i])
                fc.input_layer(feats, [fc.indicator_column(i), n])
            fc.linear_model(feats, [i, n])
            fc.linear_model(feats, [n, i])
            return [v.name for v in m.global_variables()]
    assert run(gc) == run(v1)
