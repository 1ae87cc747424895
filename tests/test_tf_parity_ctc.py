"""TF parity of the CTC family (ctc_loss, ctc_loss_v2, the decoders, collapse_repeated,
ctc_unique_labels) and edit_distance: values, dtypes, shapes and the loss gradients,
and the beam search against TF's on many random inputs."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc


def _sparse_rows(rows, width=None):
    """(indices int64, values int32, dense_shape) of a list of label rows."""
    idx = [[b, i] for b, r in enumerate(rows) for i in range(len(r))]
    vals = [v for r in rows for v in r]
    width = width or max([len(r) for r in rows] + [1])
    return (np.array(idx, np.int64).reshape(-1, 2), np.array(vals, np.int32),
            np.array([len(rows), width], np.int64))


def _loss_fn(rows, **kw):
    idx, vals, shape = _sparse_rows(rows)

    def fn(m, x, seq):
        labels = m.SparseTensor(idx, vals, shape)
        return m.nn.ctc_loss(labels, x, seq, **kw)
    return fn


def _logits(t, b, c, seed, dtype=np.float64):
    return rand(t, b, c, seed=seed, low=-3, high=3).astype(dtype)


LOSS_CASES = {
    "basic": ([[1, 2], [0]], (6, 2, 4), [6, 4], {}),
    "repeats": ([[1, 1, 2], [2, 2]], (7, 2, 4), [7, 5], {}),
    "collapse": ([[1, 1, 2], [0, 0, 0]], (6, 2, 3), [6, 3], dict(preprocess_collapse_repeated=True)),
    "no_merge": ([[1, 1, 2], [2, 0]], (6, 2, 4), [6, 4], dict(ctc_merge_repeated=False)),
    "both": ([[1, 1], [0, 1, 1]], (5, 2, 3), [5, 5],
             dict(preprocess_collapse_repeated=True, ctc_merge_repeated=False)),
    "impossible_inf": ([[1, 1, 1, 2], [0]], (4, 2, 3), [4, 4], {}),
    "ignore_longer": ([[0, 1, 0, 1, 0], [1]], (4, 2, 3), [4, 4],
                      dict(ignore_longer_outputs_than_inputs=True)),
    "null_label_ends": ([[1, 3, 3], [2]], (5, 2, 4), [5, 5], {}),
    "batch_major": ([[1, 2, 0], [2]], (2, 6, 5), [6, 3], dict(time_major=False)),
    "long": ([[3, 1, 4, 1, 5, 2, 6], [2, 7, 1, 8], [5]], (20, 3, 9), [20, 15, 9], {}),
}


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ctc_loss(name, dtype):
    rows, shape, seq, kw = LOSS_CASES[name]
    x = _logits(*shape, seed=len(name), dtype=dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-7
    check(_loss_fn(rows, **kw), x, np.array(seq, np.int32), rtol=tol, atol=tol)


@pytest.mark.parametrize("rows,seq", [([[1, 2, 1, 2, 1], [0]], [4, 4]), ([[1], [0]], [0, 3]),
                                      ([[], [0]], [3, 3]), ([[-1], [0]], [3, 3]),
                                      ([[3, 1], [0]], [3, 3]), ([[1], [0]], [6, 3])])
def test_ctc_loss_errors_where_tf_fails(rows, seq):
    x = _logits(5, 2, 4, seed=1)
    with pytest.raises(Exception):
        check(_loss_fn(rows), x, np.array(seq, np.int32), grad=False)
    with pytest.raises(gc.errors.InvalidArgumentError):
        g = gc.Graph()
        with g.as_default():
            xs = gc.placeholder(gc.float64, x.shape)
            out = _loss_fn(rows)(gc, xs, np.array(seq, np.int32))
            with gc.Session(graph=g) as sess:
                sess.run(out, {xs: x})


V2_DENSE = {
    "default_blank0": (dict(), [[1, 2, 0], [3, 0, 0]], [2, 1], (6, 2, 4), [6, 5]),
    "blank_last": (dict(blank_index=3), [[1, 2, 0], [0, 0, 0]], [2, 1], (6, 2, 4), [6, 5]),
    "blank_neg": (dict(blank_index=-1), [[1, 1, 2], [0, 2, 2]], [3, 3], (8, 2, 4), [8, 7]),
    "blank_mid": (dict(blank_index=2), [[1, 3, 0], [4, 4, 0]], [3, 2], (7, 2, 5), [7, 6]),
    "empty_label": (dict(), [[1, 2], [0, 0]], [2, 0], (5, 2, 3), [5, 4]),
    "batch_major": (dict(logits_time_major=False), [[1, 2], [2, 1]], [2, 2], (2, 5, 3), [5, 4]),
}


@pytest.mark.parametrize("name", sorted(V2_DENSE))
def test_ctc_loss_v2_dense(name):
    kw, labels, ll, shape, sl = V2_DENSE[name]
    x = _logits(*shape, seed=len(name), dtype=np.float32)
    check(lambda m, x, lab, ll, sl: m.nn.ctc_loss_v2(lab, x, ll, sl, **kw), x,
          np.array(labels, np.int32), np.array(ll, np.int32), np.array(sl, np.int32),
          rtol=2e-4, atol=2e-4)


@pytest.mark.parametrize("blank", [0, 2, -1, -2])
def test_ctc_loss_v2_sparse(blank):
    idx, vals, shape = _sparse_rows([[1, 3, 1], [3, 1]])

    def fn(m, x, sl):
        return m.nn.ctc_loss_v2(m.SparseTensor(idx, vals, shape), x, None, sl,
                                blank_index=blank)
    check(fn, _logits(7, 2, 5, seed=3), np.array([7, 6], np.int32), rtol=1e-7, atol=1e-7)


def test_ctc_loss_v2_sparse_needs_blank_index():
    idx, vals, shape = _sparse_rows([[1]])
    for m in (gc, v1):
        with (tf.Graph() if m is v1 else gc.Graph()).as_default():
            with pytest.raises(ValueError, match="blank_index"):
                m.nn.ctc_loss_v2(m.SparseTensor(idx, vals, shape),
                                 m.constant(np.zeros((2, 1, 3), np.float32)), None, [2])


def _sp(sp):
    return [sp.indices, sp.values, sp.dense_shape]


@pytest.mark.parametrize("merge", [True, False])
@pytest.mark.parametrize("blank", [None, 0, 1, -2])
def test_ctc_greedy_decoder(merge, blank):
    x = np.round(_logits(9, 3, 4, seed=5), 0).astype(np.float32)     # rounding makes ties

    def fn(m, x, sl):
        (d,), neg = m.nn.ctc_greedy_decoder(x, sl, merge_repeated=merge, blank_index=blank)
        return _sp(d) + [neg]
    check(fn, x, np.array([9, 0, 5], np.int32), grad=False)


def _beam_runner(m, shape, dtype, **kw):
    g = m.Graph() if m is gc else tf.Graph()
    with g.as_default():
        x = m.placeholder(dtype, shape)
        sl = m.placeholder(np.int32, shape[1:2])
        decoded, lp = m.nn.ctc_beam_search_decoder(x, sl, **kw)
        fetch = [_sp(d) for d in decoded] + [lp]
    sess = m.Session(graph=g)
    return lambda xv, slv: sess.run(fetch, {x: xv, sl: slv})


@pytest.mark.parametrize("cfg,shape", [
    (dict(beam_width=100, top_paths=6), (3, 5, 5)),          # no pruning: every prefix
    (dict(beam_width=100, top_paths=4, merge_repeated=False), (3, 4, 6)),
    (dict(beam_width=1), (8, 5, 5)), (dict(beam_width=3, top_paths=2), (8, 5, 5)),
    (dict(beam_width=10), (12, 4, 6))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ctc_beam_search_decoder_random(cfg, shape, dtype):
    """Many random inputs: the same paths in the same order with the same log
    probabilities where the beam keeps every prefix; the same best path when the beam
    prunes (TF's pruned beams then keep a different share of the probability mass, so
    log probabilities and lower-ranked paths may differ: see docs/ctc.md)."""
    ours, theirs = _beam_runner(gc, shape, dtype, **cfg), _beam_runner(v1, shape, dtype, **cfg)
    exact = cfg["beam_width"] == 100
    rng = np.random.default_rng(0)
    for _ in range(12):
        x = (rng.standard_normal(shape) * 2).astype(dtype)
        sl = rng.integers(2, shape[0] + 1, size=shape[1]).astype(np.int32)
        got, want = ours(x, sl), theirs(x, sl)
        for a, b in zip(got[:-1] if exact else got[:1], want[:-1] if exact else want[:1]):
            for p, q in zip(a, b):
                np.testing.assert_array_equal(p, q)
                assert np.asarray(p).dtype == np.asarray(q).dtype
        assert got[-1].dtype == want[-1].dtype and got[-1].shape == want[-1].shape
        if exact:
            np.testing.assert_allclose(got[-1], want[-1], rtol=1e-5, atol=1e-5)


def test_ctc_beam_search_decoder_v2_and_errors():
    x = _logits(6, 2, 4, seed=9)

    def fn(m, x, sl):
        d, lp = m.nn.ctc_beam_search_decoder_v2(x, sl, beam_width=5, top_paths=2)
        return _sp(d[0]) + _sp(d[1]) + [lp]
    check(fn, x, np.array([6, 4], np.int32), grad=False, rtol=1e-9)
    # fewer beams than top_paths (one frame, 2 labels): both fail at run time
    with pytest.raises(Exception):
        check(lambda m, x, sl: m.nn.ctc_beam_search_decoder(x, sl, top_paths=4)[1],
              _logits(1, 1, 3, seed=1), np.array([1], np.int32), grad=False)


def test_collapse_repeated_and_unique_labels():
    labels = np.array([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0], [5, 0, 5, 5, 0]], np.int32)
    check(lambda m, l, s: m.nn.collapse_repeated(l, s), labels,
          np.array([4, 3, 5], np.int32), grad=False)
    check(lambda m, l, s: m.nn.collapse_repeated(l, s), labels.astype(np.int64),
          np.array([5, 2, 0], np.int32), grad=False)
    check(lambda m, l: m.nn.ctc_unique_labels(l), labels, grad=False)
    check(lambda m, l: m.nn.ctc_unique_labels(l), labels.astype(np.int64), grad=False)


ED_CASES = {
    "2d": (([[0, 0], [0, 1], [1, 0]], [1, 2, 3], [2, 2]),
           ([[0, 0], [1, 0], [1, 1]], [1, 3, 4], [2, 3])),
    "empty_rows": (([[0, 0]], [1], [3, 1]), ([[1, 0]], [1], [2, 1])),
    "3d": (([[0, 0, 0], [0, 1, 2], [1, 0, 0], [1, 0, 1]], [1, 2, 3, 1], [2, 2, 3]),
           ([[0, 0, 0], [1, 0, 0], [1, 0, 3], [1, 1, 1]], [1, 3, 2, 3], [2, 3, 4])),
    "gaps": (([[0, 0], [0, 5]], [1, 2], [1, 6]), ([[0, 0], [0, 1]], [1, 2], [1, 2])),
}


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("name", sorted(ED_CASES))
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32])
def test_edit_distance(name, normalize, dtype):
    (hi, hv, hs), (ti, tv, ts) = ED_CASES[name]

    def fn(m):
        h = m.SparseTensor(np.array(hi, np.int64), np.array(hv, dtype), hs)
        t = m.SparseTensor(np.array(ti, np.int64), np.array(tv, dtype), ts)
        return m.edit_distance(h, t, normalize=normalize)
    check(fn, grad=False)


def test_edit_distance_random():
    """Random sparse sequences (ordered, with gaps): the same distances as TF."""
    rng = np.random.default_rng(4)
    for _ in range(10):
        parts = []
        for _ in range(2):
            dense = rng.integers(0, 3, size=(3, 4, 6))
            dense[rng.random(dense.shape) < 0.4] = 0
            idx = np.argwhere(dense > 0).astype(np.int64)
            parts.append((idx, dense[dense > 0].astype(np.int64), [3, 4, 6]))
        check(lambda m: m.edit_distance(m.SparseTensor(*parts[0]), m.SparseTensor(*parts[1])),
              grad=False)
