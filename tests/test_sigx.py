"""fftshift, mdct, the N-D FFTs, sparse.bincount, guarantee_const, approx_top_k, the
all/learned-unigram samplers and decode_json_example (graphc only; TF parity is in
test_tf_parity_sigx.py)."""
import numpy as np
import pytest

import graphc as gc


def run(*fetches, feed=None):
    with gc.Session() as s:
        return s.run(list(fetches) if len(fetches) > 1 else fetches[0], feed)


def test_fftshift_matches_numpy_and_inverts():
    x = np.arange(30.0).reshape(5, 6)
    np.testing.assert_array_equal(run(gc.signal.fftshift(x)), np.fft.fftshift(x))
    np.testing.assert_array_equal(run(gc.signal.ifftshift(x, axes=1)),
                                  np.fft.ifftshift(x, axes=1))
    p = gc.placeholder(gc.float64, [None, None])
    y = gc.signal.ifftshift(gc.signal.fftshift(p, axes=[0]), axes=[0])
    np.testing.assert_array_equal(run(y, feed={p: x}), x)
    g, = gc.gradients(gc.reduce_sum(gc.signal.fftshift(p) * x), p)
    np.testing.assert_array_equal(run(g, feed={p: x}), np.fft.ifftshift(x))


def test_mdct_round_trip_and_errors():
    x = np.random.default_rng(0).standard_normal((2, 64)).astype(np.float32)
    for kw in ({}, {"norm": "ortho"},
               {"window_fn": gc.signal.kaiser_bessel_derived_window}):
        m = gc.signal.mdct(x, 16, **kw)
        assert m.shape.as_list() == [2, 7, 8]
        back = run(gc.signal.inverse_mdct(m, **kw))
        np.testing.assert_allclose(back[:, 8:-8], x[:, 8:-8], atol=1e-5)
    with pytest.raises(ValueError, match="multiple of 4"):
        gc.signal.mdct(x, 10)
    with pytest.raises(ValueError, match="norm"):
        gc.signal.inverse_mdct(np.zeros((2, 4), np.float32), norm="forward")


def test_fftnd_shapes_defaults_and_errors():
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    y = gc.signal.rfftnd(x)
    assert y.shape.as_list() == [2, 3, 3] and y.dtype == gc.complex128
    np.testing.assert_allclose(run(gc.signal.irfftnd(y)), x, atol=1e-12)
    p = gc.placeholder(gc.float32, [None, 3, 5])
    z = gc.signal.irfftnd(gc.signal.rfftnd(p, axes=[1, 2]), axes=[1, 2])
    assert z.shape.as_list() == [None, 3, 4]
    c = x.astype(np.complex64)
    np.testing.assert_allclose(run(gc.signal.ifftnd(gc.signal.fftnd(c, norm="ortho"),
                                                     norm="ortho")), c, atol=1e-5)
    with pytest.raises(ValueError, match="same length"):
        gc.signal.fftnd(c, fft_length=[2], axes=[0, 1])
    with pytest.raises(ValueError, match="repeat"):
        gc.signal.fftnd(c, axes=[0, -3])
    with pytest.raises(ValueError, match="norm"):
        gc.signal.fftnd(c, norm="bad")
    with pytest.raises(gc.errors.DTypeError):
        gc.signal.rfftnd(c)
    assert gc.fftnd is not gc.signal.fftnd        # the top-level names are TF's raw ops
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    with gc.Session() as s:
        raw, sig = s.run([gc.rfftnd(x, [3, 4], [0, 1]), gc.signal.rfftnd(x)])
        np.testing.assert_allclose(raw, sig)
        np.testing.assert_allclose(s.run(gc.irfftnd(raw, fft_length=[3, 4], axes=[0, 1],
                                                    Treal=gc.float32)), x, atol=1e-5)
    with pytest.raises(TypeError, match="Tcomplex=complex128"):
        gc.rfftnd(x, [3, 4], [0, 1], Tcomplex=gc.complex128)
    assert gc.gradients(gc.real(gc.signal.fftnd(gc.constant(c))), []) == []


def _dense(sp):
    out = np.zeros(sp.dense_shape, sp.values.dtype)
    out[tuple(sp.indices.T)] = sp.values
    return out


def test_bincount_dense_sparse_ragged():
    d = np.array([[1, 2, 2, 5], [0, 7, 7, 7]], np.int32)
    got = run(gc.sparse.bincount(d, axis=-1, minlength=10))
    assert got.values.dtype == np.int32 and list(got.dense_shape) == [2, 10]
    np.testing.assert_array_equal(_dense(got)[:, :8], [np.bincount(r, minlength=8)
                                                       for r in d])
    got = run(gc.sparse.bincount(d, maxlength=3))
    np.testing.assert_array_equal(got.indices, [[0], [1], [2]])
    np.testing.assert_array_equal(got.values, [1, 1, 2])
    got = run(gc.sparse.bincount(d, axis=-1, binary_output=True))
    assert set(got.values.tolist()) == {1}
    got = run(gc.sparse.bincount(np.zeros((2, 0), np.int64), axis=-1))
    assert list(got.dense_shape) == [2, 1] and got.indices.shape == (0, 2)
    st = gc.SparseTensor([[0, 1], [0, 3], [2, 0]], [3, 3, 1], [3, 4])
    w = gc.SparseTensor([[0, 1], [0, 3], [2, 0]], [1.0, 2.0, 3.0], [3, 4])
    got = run(gc.sparse.bincount(st, weights=w, axis=-1))
    np.testing.assert_array_equal(got.indices, [[0, 3], [2, 1]])
    np.testing.assert_array_equal(got.values, np.array([3.0, 3.0], np.float32))
    rt = gc.RaggedTensor.from_row_splits([1, 1, 4, 2], [0, 3, 3, 4])
    got = run(gc.sparse.bincount(rt, axis=-1))
    np.testing.assert_array_equal(got.indices, [[0, 1], [0, 4], [2, 2]])
    np.testing.assert_array_equal(got.dense_shape, [3, 5])


def test_bincount_errors():
    d = np.array([[1, 2]], np.int32)
    with pytest.raises(ValueError, match="Only 0 and -1"):
        gc.sparse.bincount(d, axis=1)
    with pytest.raises(ValueError, match="mutually exclusive"):
        gc.sparse.bincount(d, weights=[[1.0, 2.0]], binary_output=True)
    with pytest.raises(gc.errors.DTypeError):
        gc.sparse.bincount(d.astype(np.float32))
    with pytest.raises(gc.errors.ShapeError, match="1-D or 2-D"):
        gc.sparse.bincount(np.zeros((2, 2, 2), np.int32), axis=-1)
    with pytest.raises(gc.errors.InvalidArgumentError, match="non-negative"):
        run(gc.sparse.bincount(np.array([-1, 3], np.int32)))
    with pytest.raises(ValueError, match="SparseTensor"):
        gc.sparse.bincount(gc.SparseTensor([[0]], [1], [2]), weights=[1.0])


def test_guarantee_const_and_approx_top_k():
    x = gc.constant([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    g = gc.guarantee_const(x)
    assert g.op.type == "GuaranteeConst"
    np.testing.assert_array_equal(run(g), run(x))
    v, i = gc.approx_top_k(x, 2, reduction_dimension=0, is_max_k=False)
    np.testing.assert_array_equal(run(v), [[0.0, 1.0, 2.0], [3.0, 5.0, 4.0]])
    np.testing.assert_array_equal(run(i), [[1, 0, 0], [0, 1, 1]])
    with pytest.raises(ValueError, match="k = 4"):
        gc.approx_top_k(x, 4)


def test_all_candidate_sampler():
    t = np.array([[0, 2], [2, 3]], np.int64)
    s, te, se = run(*gc.random.all_candidate_sampler(t, 2, 5, True))
    np.testing.assert_array_equal(s, np.arange(5))
    assert te.dtype == np.float32 and (te == 1).all() and (se == 1).all()
    with pytest.raises(gc.errors.InvalidArgumentError, match="out of range"):
        run(gc.nn.all_candidate_sampler(t, 2, 3, False)[0])


def test_learned_unigram_learns_per_session():
    t = np.array([[0, 2], [2, 3]], np.int64)
    s, te, se = gc.nn.learned_unigram_candidate_sampler(t, 2, 4, False, 5, seed=1)
    with gc.Session() as sess:
        first = sess.run(te)
        np.testing.assert_allclose(first, np.full((2, 2), 0.8))
        second = sess.run(te)                   # weights now [2, 1, 3, 2, 1] / 9
        np.testing.assert_allclose(second, [[8 / 9, 12 / 9], [12 / 9, 8 / 9]], rtol=1e-6)
        draws = np.concatenate([sess.run(s) for _ in range(300)])
    with gc.Session() as sess:                  # a new session starts from scratch
        np.testing.assert_allclose(sess.run(te), first)
    freq = np.bincount(draws, minlength=5) / len(draws)
    assert freq[2] > freq[1] and freq[2] > freq[4]   # class 2 is learned most often


def test_learned_unigram_unique_expected_counts():
    t = np.array([[1]], np.int64)
    s, te, se = gc.random.learned_unigram_candidate_sampler(t, 1, 3, True, 4, seed=5)
    sv, tv, sev = run(s, te, se)
    assert len(set(sv.tolist())) == 3 and ((tv > 0) & (tv <= 1)).all()


_EX = ('{"features":{"feature":{"b":{"int64List":{"value":["1",2,-3]}},'
       '"a":{"floatList":{"value":[1.5,2]}},"c":{"bytesList":{"value":["aGk=",""]}},'
       '"e":{},"d":{"floatList":{}}}}}')
_EX_BIN = (b'\nJ\n\x16\n\x01b\x12\x11\x1a\x0f\x08\x01\x08\x02\x08\xfd\xff\xff\xff\xff\xff'
           b'\xff\xff\xff\x01\n\x11\n\x01a\x12\x0c\x12\n\r\x00\x00\xc0?\r\x00\x00\x00@\n'
           b'\r\n\x01c\x12\x08\n\x06\n\x02hi\n\x00\n\x05\n\x01e\x12\x00\n\x07\n\x01d\x12'
           b'\x02\x12\x00')


def test_decode_json_example_bytes_and_parse():
    got = run(gc.io.decode_json_example([_EX, "{}", '{"features":null}']))
    assert got.tolist() == [_EX_BIN, b"", b""]
    ex = gc.io.decode_json_example(
        '{"features": {"feature": {"x": {"int64_list": {"value": "7"}}}}}')
    parsed = gc.io.parse_single_example(ex, {"x": gc.io.FixedLenFeature([], gc.int64)})
    assert run(parsed["x"]) == 7


@pytest.mark.parametrize("bad", ['{"unknown": 1}', "[1]", "nope",
                                 '{"features":{"feature":{"k":{"int64List":{"value":[1.5]}}}}}',
                                 '{"features":{"feature":{"k":{"floatList":{"value":[1e40]}}}}}',
                                 '{"features":{"feature":{"k":{"int64List":{},"floatList":{}}}}}',
                                 '{"features":{"feature":{"a":{},"a":{}}}}'])
def test_decode_json_example_errors(bad):
    with pytest.raises(gc.errors.InvalidArgumentError, match="Error while parsing JSON"):
        run(gc.io.decode_json_example(bad))
