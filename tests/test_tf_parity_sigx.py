"""TF parity of the sigx ops: fftshift, mdct/inverse_mdct, sparse.bincount,
guarantee_const, approx_top_k, the all/learned-unigram samplers' expected counts and
decode_json_example's bytes. (TF 2.21's CPU build has no kernel for FFTND & co. nor for
GenerateBoundingBoxProposals, so the N-D FFTs are checked against numpy in
test_sigx.py and the samples.)"""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc

CASES = {
    "fftshift": (lambda m, x: m.signal.fftshift(x), rand(5, 6)),
    "fftshift_axes": (lambda m, x: m.signal.fftshift(x, axes=[1]), rand(3, 5, 4)),
    "ifftshift": (lambda m, x: m.signal.ifftshift(x, axes=0), rand(5, 3)),
    "mdct": (lambda m, x: m.signal.mdct(x, 16), rand(2, 70, dtype=np.float32)),
    "mdct_ortho_pad": (lambda m, x: m.signal.mdct(x, 8, pad_end=True, norm="ortho"),
                       rand(3, 30)),
    "mdct_kbd": (lambda m, x: m.signal.mdct(
        x, 12, window_fn=m.signal.kaiser_bessel_derived_window), rand(50, dtype=np.float32)),
    "mdct_nowindow": (lambda m, x: m.signal.mdct(x, 8, window_fn=None), rand(2, 33)),
    "inverse_mdct": (lambda m, y: m.signal.inverse_mdct(y), rand(2, 5, 8, dtype=np.float32)),
    "inverse_mdct_ortho": (lambda m, y: m.signal.inverse_mdct(y, norm="ortho"), rand(4, 6)),
    "inverse_mdct_nowindow": (lambda m, y: m.signal.inverse_mdct(y, window_fn=None),
                              rand(3, 4)),
    "approx_top_k": (lambda m, x: m.approx_top_k(x, 3), rand(4, 7, dtype=np.float32)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    tol = 2e-5 if any(np.asarray(a).dtype == np.float32 for a in args) else 1e-9
    check(fn, *args, rtol=tol, atol=tol)


def test_guarantee_const_values_and_no_gradient():
    check(lambda m, x: m.guarantee_const(x), rand(2, 3), grad=False)
    g = v1.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float64, [2])
        with pytest.raises(LookupError):
            v1.gradients(v1.guarantee_const(x), x)


def _run(m, build):
    g = m.Graph()
    with g.as_default():
        out = build(m)
        with m.Session() as s:
            return s.run(out)


D = np.array([[1, 2, 2, 5], [0, 7, 7, 7], [3, 3, 0, 1]], np.int32)
BINCOUNT = {
    "axis0": lambda m: m.sparse.bincount(D),
    "rows": lambda m: m.sparse.bincount(D, axis=-1),
    "minmax": lambda m: m.sparse.bincount(D, axis=-1, minlength=10, maxlength=4),
    "maxlength0": lambda m: m.sparse.bincount(D, maxlength=0),
    "binary": lambda m: m.sparse.bincount(D, axis=-1, binary_output=True, minlength=9),
    "weights64": lambda m: m.sparse.bincount(D.astype(np.int64), axis=-1,
                                             weights=np.linspace(0, 1, 12).reshape(3, 4)),
    "weights_int": lambda m: m.sparse.bincount(D, weights=np.ones((3, 4), np.int64)),
    "empty": lambda m: m.sparse.bincount(np.zeros((2, 0), np.int32), axis=-1),
    "1d_rows": lambda m: m.sparse.bincount(D[0], axis=-1),
    "sparse": lambda m: m.sparse.bincount(
        m.SparseTensor([[0, 1], [0, 3], [2, 0], [3, 2]], [3, 3, 1, 0], [5, 4]), axis=-1),
    "sparse_w": lambda m: m.sparse.bincount(
        m.SparseTensor([[0, 1], [0, 3], [2, 0]], [3, 3, 1], [3, 4]), axis=-1,
        weights=m.SparseTensor([[0, 1], [0, 3], [2, 0]], [1.0, 2.0, 3.0], [3, 4])),
    "sparse_axis0": lambda m: m.sparse.bincount(
        m.SparseTensor([[1], [3]], [3, 3], [5]), binary_output=True, minlength=5),
    "sparse_rank3": lambda m: m.sparse.bincount(
        m.SparseTensor([[1, 0, 0], [1, 1, 1]], [3, 3], [2, 2, 2]), axis=-1),
    "ragged": lambda m: m.sparse.bincount(
        m.RaggedTensor.from_row_splits([1, 1, 4, 2], [0, 3, 3, 4]), axis=-1),
    "ragged_axis0": lambda m: m.sparse.bincount(
        m.RaggedTensor.from_row_splits([1, 1, 4, 2], [0, 3, 3, 4]), maxlength=3),
    "ragged_w": lambda m: m.sparse.bincount(
        m.RaggedTensor.from_row_splits([1, 1, 4, 2], [0, 3, 3, 4]), axis=-1,
        weights=m.RaggedTensor.from_row_splits([1.0, 2.0, 3.0, 4.0], [0, 3, 3, 4])),
}


@pytest.mark.parametrize("name", sorted(BINCOUNT))
def test_bincount(name):
    got, want = _run(gc, BINCOUNT[name]), _run(v1, BINCOUNT[name])
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
        np.testing.assert_allclose(a, b)


def test_bincount_errors_match():
    for bad in (dict(axis=1), dict(weights=np.ones((3, 4), np.float32),
                                   binary_output=True)):
        for m in (gc, v1):
            with pytest.raises(ValueError):
                _run(m, lambda m: m.sparse.bincount(D, **bad))
    for m in (gc, v1):
        with pytest.raises((gc.errors.OpError, tf.errors.OpError)):
            _run(m, lambda m: m.sparse.bincount(np.array([-1, 3], np.int32)))


T = np.array([[0, 2], [2, 3]], np.int64)


def test_all_candidate_sampler():
    got = _run(gc, lambda m: list(m.random.all_candidate_sampler(T, 2, 5, True, seed=3)))
    want = _run(v1, lambda m: list(m.random.all_candidate_sampler(T, 2, 5, True, seed=3)))
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("unique", [False, True])
def test_learned_unigram_expected_counts(unique):
    """Expected counts over three runs (weights learned from the true classes); with
    unique=False they are exact, with unique=True they depend on the draw: check the
    true classes' counts in the first run (p * n when no draw was rejected is rare)."""
    def three(m):
        g = m.Graph()
        with g.as_default():
            s, te, se = m.nn.learned_unigram_candidate_sampler(T, 2, 3, unique, 5, seed=1)
            with m.Session() as sess:
                return [sess.run([s, te, se]) for _ in range(3)]
    got, want = three(gc), three(v1)
    for (gs, gte, gse), (ws, wte, wse) in zip(got, want):
        assert gs.dtype == ws.dtype and gs.shape == ws.shape
        assert gte.dtype == wte.dtype and gte.shape == wte.shape
        if not unique:
            np.testing.assert_allclose(gte, wte, rtol=1e-6)
    if unique:
        assert len(set(got[0][0].tolist())) == 3


JSONS = [
    '{"features":{"feature":{"b":{"int64List":{"value":["1",2,-3]}},"a":{"floatList":'
    '{"value":[1.5,2]}},"c":{"bytesList":{"value":["aGk=", ""]}}, "e":{}, "d":{"floatList":{}}}}}',
    '{}', '{"features":{}}', '{"features":null}',
    '{"features":{"feature":{"x":{"floatList":{"value":["NaN","Infinity",-0.0, 0, 1e-50]}}}}}',
    '{"features":{"feature":{"z":{"int64List":{"value":[]}}, "a":{"int64List":{"value":[0]}}}}}',
    ' { "features" : { "feature" : { "k" : { "bytes_list" : { "value" : [ "YQ", "_-8" ] } } } } } ',
    '{"features":{"feature":{"k":{"int64List":{"value":[1.0, "9223372036854775807"]}}}}}',
    '{"features":{"feature":{"k":{"int64List":{"value":"1"}}, "": {}}}}',
    '{"features":{"feature":{"k":null, "\\u00e9":{"float_list":{"value":[3.4028235e38]}}}}}',
]


def test_decode_json_example_bytes():
    got = _run(gc, lambda m: m.io.decode_json_example(JSONS))
    want = _run(v1, lambda m: m.io.decode_json_example(JSONS))
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("bad", [
    '{"unknown":1}', '[1]', 'nope', '{"features":{"feature":{"k":{"int64List":{"value":[1.5]}}}}}',
    '{"features":{"feature":{"x":{"floatList":{"value":[1e40]}}}}}',
    '{"features":{"feature":{"k":{"int64List":{"value":[1]},"floatList":{"value":[2]}}}}}'])
def test_decode_json_example_errors(bad):
    for m in (gc, v1):
        with pytest.raises((gc.errors.OpError, tf.errors.OpError)):
            _run(m, lambda m: m.io.decode_json_example(bad))
