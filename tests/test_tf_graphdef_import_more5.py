"""Import of tf_graphdef_import_more5.py's ops, grouped Conv2D and the ragged
StringNGrams / UnicodeDecode, without TensorFlow: GraphDefs built by hand, imported and
run, checked against numpy or graphc's own ops (the TF checks:
test_tf_parity_tf_graphdef_import_more5.py)."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef_import import OPS, UnsupportedOpError
from graphc.io.tf_graphdef_import_more5 import OPS as MORE5
from test_tf_graphdef_import_more import F32, I32, _const, _gd, _ph, _run

I64 = gc.int64
RNG = np.random.default_rng(0)


def test_merged_into_the_import_table():
    assert all(OPS[k] is v for k, v in MORE5.items())


def test_conv2d_groups_is_split_conv_concat():
    x = RNG.standard_normal((1, 4, 5, 6)).astype(np.float32)
    w = RNG.standard_normal((2, 2, 3, 4)).astype(np.float32)
    gd = _gd(_ph("x", F32, [None, 4, 5, 6]), _const("w", w, F32),
             ("c", "Conv2D", ("x", "w"), {"T": F32, "strides": [1, 1, 1, 1],
                                         "padding": "SAME"}))
    got, = _run(gd, ["c:0"], {"x": x})
    with gc.Graph().as_default(), gc.Session() as s:
        want = s.run(gc.concat([gc.nn.conv2d(x[..., 3 * i:3 * i + 3], w[..., 2 * i:2 * i + 2],
                                             [1, 1, 1, 1], "SAME") for i in (0, 1)], 3))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_conv2d_channels_not_a_multiple_is_refused():
    gd = _gd(_ph("x", F32, [1, 4, 4, 5]), _const("w", np.ones((1, 1, 2, 4)), F32),
             ("c", "Conv2D", ("x", "w"), {"T": F32, "strides": [1, 1, 1, 1],
                                         "padding": "SAME"}))
    with pytest.raises(ValueError, match="grouped conv"):
        _run(gd, ["c:0"])


def test_ragged_bincount():
    splits = np.array([0, 3, 3, 6], np.int64)
    vals = np.array([1, 1, 4, 0, 7, 2], np.int32)
    gd = _gd(_ph("sp", I64), _ph("v", I32), _const("size", 5),
             _const("w", np.zeros(0, np.float32), F32),
             ("b", "RaggedBincount", ("sp", "v", "size", "w"),
              {"Tidx": I32, "T": F32, "binary_output": False}))
    got, = _run(gd, ["b:0"], {"sp": splits, "v": vals})
    np.testing.assert_array_equal(got, [[0, 2, 0, 0, 1], [0] * 5, [1, 0, 1, 0, 0]])


def test_string_ngrams_rows_of_different_lengths():
    data = np.array([b"a", b"b", b"c", b"d"], object)
    gd = _gd(_ph("d", gc.string), _const("sp", np.array([0, 1, 1, 4], np.int64), I64),
             ("g", "StringNGrams", ("d", "sp"),
              {"Tsplits": I64, "separator": " ", "ngram_widths": [2], "left_pad": "<",
               "right_pad": ">", "pad_width": 0, "preserve_short_sequences": True}))
    vals, splits = _run(gd, ["g:0", "g:1"], {"d": data})
    assert list(vals) == [b"a", b"b c", b"c d"] and list(splits) == [0, 1, 1, 3]


def test_unicode_decode_batch():
    s = np.array(["hé".encode(), b"", "日".encode()], object)
    gd = _gd(_ph("s", gc.string),
             ("u", "UnicodeDecode", ("s",), {"input_encoding": "UTF-8", "Tsplits": I64}))
    splits, cps = _run(gd, ["u:0", "u:1"], {"s": s})
    assert list(splits) == [0, 2, 2, 3] and list(cps) == [104, 233, 0x65E5]


def test_key_counter_gives_graphc_stateless_draws():
    """StatelessRandomGetKeyCounter + StatelessRandomUniformV2 draw what graphc's
    stateless_uniform draws for the same seed (both TF's Philox bits)."""
    gd = _gd(_const("seed", [3, 9]),
             ("kc", "StatelessRandomGetKeyCounter", ("seed",), {"Tseed": I32}),
             _const("shape", [2, 3]), _const("alg", 1),
             ("u", "StatelessRandomUniformV2", ("shape", "kc", "kc:1", "alg"),
              {"dtype": F32, "Tshape": I32}))
    got, = _run(gd, ["u:0"])
    with gc.Graph().as_default(), gc.Session() as s:
        want = s.run(gc.random.stateless_uniform([2, 3], seed=[3, 9]))
    np.testing.assert_array_equal(got, want)


def test_refusals():
    gd = _gd(_ph("s", I32, [2]),
             ("kc", "StatelessRandomGetKeyCounter", ("s",), {"Tseed": I32}))
    with pytest.raises(UnsupportedOpError, match="known only at run time"):
        _run(gd, ["kc:0"])
