"""graphc's string ops in TF GraphDefs (tf_graphdef_strops.py, tf_graphdef_export_strops.py):
each exports to the op TF's tf.compat.v1 API writes and imports back with the same
values. The expected values are TF 2.21's on the same graph (TF also ran graphc's
exported GraphDef, and graphc imported the graph TF's API builds:
test_tf_parity_tf_graphdef_strops.py)."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import AttrValue, GraphDef, NodeDef
from graphc.io.tf_graphdef_import import UnsupportedOpError

S = np.array([b"  Hello World ", "héllo wörld".encode(), b"", b"a,b,,c"], object)
M = np.array([[b"a", b"b", b"c"], [b"d", "é".encode(), b"f"]], object)
FEED = {"s:0": S, "m:0": M, "sc:0": np.array("hé€😀".encode(), object),
        "cp:0": np.array([[104, 233, 8364], [65, 66, 67]], np.int32),
        "b64:0": np.array([b"aGk_", b"", b"YWJj"], object),
        "num:0": np.array([b"1.5", b" -2 ", b"1e3"], object),
        "ids:0": np.array([1, 0, 1, 1], np.int32),
        "w:0": np.array(["héllo".encode(), "wörld!".encode(), b"abcd"], object)}
TF = {
    "join": [b'  Hello World -x', b'h\xc3\xa9llo w\xc3\xb6rld-x', b'-x', b'a,b,,c-x'],
    "rj": [b'a,b,c', b'd,\xc3\xa9,f'],
    "rj_all": b'abcd\xc3\xa9f',
    "rj_keep": [[b'ad', b'b\xc3\xa9', b'cf']],
    "rr": [b'  Hell0 W0rld ', b'h\xc3\xa9ll0 w\xc3\xb6rld', b'', b'a,b,,c'],
    "rr1": [b'  Hell0 World ', b'h\xc3\xa9ll0 w\xc3\xb6rld', b'', b'a,b,,c'],
    "rr_dyn": [b'__Hello_World_', b'h\xc3\xa9llo_w\xc3\xb6rld', b'', b'a,b,,c'],
    "rfm": [False, True, False, False],
    "rfm_dyn": [False, False, False, True],
    "strip": [b'Hello World', b'h\xc3\xa9llo w\xc3\xb6rld', b'', b'a,b,,c'],
    "sub": [b'\xc3\xa9l', b'\xc3\xb6r', b'bcd'],
    "sub8": [b'\xc3\xa9ll', b'rld', b'abc'],
    "num_f": [1.5, -2.0, 1000.0],
    "num_i": [15, -2, 1],
    "eb": [b'ICBIZWxsbyBXb3JsZCA', b'aMOpbGxvIHfDtnJsZA', b'', b'YSxiLCxj'],
    "ebp": [b'ICBIZWxsbyBXb3JsZCA=', b'aMOpbGxvIHfDtnJsZA==', b'', b'YSxiLCxj'],
    "db": [b'hi?', b'', b'abc'],
    "low": [b'  hello world ', b'h\xc3\xa9llo w\xc3\xb6rld', b'', b'a,b,,c'],
    "up8": [b'  HELLO WORLD ', b'H\xc3\x89LLO W\xc3\x96RLD', b'', b'A,B,,C'],
    "fmt": b'x=[[104 ... 8364]\n [65 ... 67]] n=3',
    "fmt_s": b's=["  Hello World " "h\xc3\xa9llo w\xc3\xb6rld" "" "a,b,,c"]',
    "ng": [[b'a b', b'b c'], [b'd \xc3\xa9', b'\xc3\xa9 f']],
    "ng2": [[b'<_a', b'a_b', b'b_c', b'c_>', b'<_a_b', b'a_b_c', b'b_c_>'],
            [b'<_d', b'd_\xc3\xa9', b'\xc3\xa9_f', b'f_>', b'<_d_\xc3\xa9', b'd_\xc3\xa9_f',
             b'\xc3\xa9_f_>']],
    "ng3": [[b'<_a_b_c_>'], [b'<_d_\xc3\xa9_f_>']],
    "ng5": [[b'a', b'b', b'c', b'#_a', b'a_b', b'b_c', b'c_#'],
            [b'd', b'\xc3\xa9', b'f', b'#_d', b'd_\xc3\xa9', b'\xc3\xa9_f', b'f_#']],
    "ng4": [b'h\xc3\xa9llo', b'w\xc3\xb6rld!', b'abcd', b'# h\xc3\xa9llo',
            b'h\xc3\xa9llo w\xc3\xb6rld!', b'w\xc3\xb6rld! abcd', b'abcd #'],
    "ue": [b'h\xc3\xa9\xe2\x82\xac', b'ABC'],
    "ut": [b'\x00 \x00 \x00H\x00e\x00l\x00l\x00o\x00 \x00W\x00o\x00r\x00l\x00d\x00 ',
           b'\x00h\x00\xe9\x00l\x00l\x00o\x00 \x00w\x00\xf6\x00r\x00l\x00d', b'',
           b'\x00a\x00,\x00b\x00,\x00,\x00c'],
    "ud": [104, 233, 8364, 128512],
    "udo_off": [0, 1, 3, 6],
    "fp": [[159, 125, 76, 128, 79, 65, 32, 21], [147, 72, 113, 150, 10, 109, 237, 124],
           [79, 64, 144, 47, 59, 106, 225, 154], [180, 241, 227, 218, 91, 146, 243, 93]],
    "usj": [b'h\xc3\xa9llo w\xc3\xb6rld', b'  Hello World ++a,b,,c'],
}


def _build():
    s = gc.placeholder(gc.string, [None], name="s")
    m = gc.placeholder(gc.string, [None, 3], name="m")
    sc = gc.placeholder(gc.string, [], name="sc")
    cp = gc.placeholder(gc.int32, [None, 3], name="cp")
    b64 = gc.placeholder(gc.string, [None], name="b64")
    num = gc.placeholder(gc.string, [None], name="num")
    ids = gc.placeholder(gc.int32, [None], name="ids")
    w = gc.placeholder(gc.string, [None], name="w")
    pat = gc.placeholder_with_default(" ", [])          # patterns that are not constants
    cps, offsets = gc.strings.unicode_decode_with_offsets(sc, "UTF-8")
    sp = gc.string_split(gc.strings.strip(s), ",", skip_empty=False)
    sp2 = gc.strings.split(s, sep=",", maxsplit=1)
    sp3 = gc.strings.split(s)
    outs = {
        "join": gc.strings.join([s, "x"], separator="-"),
        "rj": gc.strings.reduce_join(m, axis=1, separator=","),
        "rj_all": gc.strings.reduce_join(m),
        "rj_keep": gc.strings.reduce_join(m, axis=[0], keepdims=True),
        "rr": gc.strings.regex_replace(s, "[oO]", "0"),
        "rr1": gc.strings.regex_replace(s, "o", "0", replace_global=False),
        "rr_dyn": gc.strings.regex_replace(s, pat, "_"),
        "rfm": gc.strings.regex_full_match(s, r"\pL+ \pL+"),
        "rfm_dyn": gc.strings.regex_full_match(
            s, gc.placeholder_with_default(".*,.*", [])),
        "strip": gc.strings.strip(s),
        "sub": gc.strings.substr(w, 1, 3),
        "sub8": gc.strings.substr(w, -4, 3, unit="UTF8_CHAR"),
        "num_f": gc.strings.to_number(num),
        "num_i": gc.strings.to_number(gc.strings.regex_replace(num, r"\.|e3|e", ""),
                                      gc.int64),
        "eb": gc.encode_base64(s), "ebp": gc.encode_base64(s, pad=True),
        "db": gc.decode_base64(b64),
        "low": gc.strings.lower(s), "up8": gc.strings.upper(s, encoding="utf-8"),
        "fmt": gc.strings.format("x={} n={}", [cp, gc.size(s) - 1], summarize=1),
        "fmt_s": gc.strings.format("s={}", [s]),       # non-ASCII bytes as they are
        "ng": gc.strings.ngrams(m, 2),
        "ng2": gc.strings.ngrams(m, [2, 3], separator="_", pad_values=("<", ">"),
                                 padding_width=1),
        "ng3": gc.strings.ngrams(m, [6], separator="_", pad_values=("<", ">"),
                                 padding_width=1, preserve_short_sequences=True),
        "ng4": gc.strings.ngrams(w, [1, 2], pad_values="#"),
        "ng5": gc.strings.ngrams(m, [1, 2], separator="_", pad_values="#",
                                 padding_width=3),      # each width w padded by w - 1
        "ue": gc.strings.unicode_encode(cp, "UTF-8"),
        "ut": gc.strings.unicode_transcode(s, "UTF-8", "UTF-16-BE"),
        "ud": gc.strings.unicode_decode(sc, "UTF-8"),
        "udo_cp": cps, "udo_off": offsets,
        "fp": gc.fingerprint(s),
        "usj": gc.strings.unsorted_segment_join(s, ids, 2, separator="+"),
        "sp_i": sp.indices, "sp_v": sp.values, "sp_s": sp.dense_shape,
        "sp2_i": sp2.indices, "sp2_v": sp2.values, "sp2_s": sp2.dense_shape,
        "sp3_v": sp3.values, "sp3_s": sp3.dense_shape,
    }
    return {k: gc.identity(v, name="out_" + k) for k, v in outs.items()}


def _run(outs):
    with gc.Session() as sess:
        return {k: np.asarray(v) for k, v in sess.run(outs, FEED).items()}


def _export_import(g):
    """g exported as TF's GraphDef and imported into a fresh graph (through bytes)."""
    data = gc.io.export_tf_graph_def(g).SerializeToString()
    gd = GraphDef.FromString(data)
    with gc.Graph().as_default() as g2:
        gc.import_graph_def(gd, name="")
    return gd, g2


def test_string_ops_export_to_tf_ops_and_import_back():
    with gc.Graph().as_default() as g:
        outs = _build()
        want = _run(outs)
    for k, v in TF.items():
        np.testing.assert_array_equal(want[k], np.array(v, dtype=want[k].dtype), err_msg=k)
    gd, g2 = _export_import(g)
    ops = {n.op for n in gd.node}
    assert {"StringJoin", "ReduceJoin", "StaticRegexReplace", "RegexReplace",
            "StaticRegexFullMatch", "RegexFullMatch", "StringStrip", "Substr",
            "StringToNumber", "EncodeBase64", "DecodeBase64", "StringSplit",
            "StringSplitV2", "StringLower", "StringUpper", "StringFormat", "StringNGrams",
            "UnicodeEncode", "UnicodeTranscode", "UnicodeDecodeWithOffsets",
            "Fingerprint", "UnsortedSegmentJoin"} <= ops
    with g2.as_default():
        got = _run({k: f"out_{k}:0" for k in want})
    for k in want:
        assert got[k].dtype == want[k].dtype, k
        np.testing.assert_array_equal(got[k], want[k], err_msg=k)


def _cross_graph():
    v = gc.placeholder(gc.string, [None], name="v")
    m = gc.placeholder(gc.string, [None, 3], name="m")
    k = gc.placeholder(gc.int64, [None, 1], name="k")
    sp = gc.SparseTensor(gc.constant([[0, 0], [1, 0], [1, 1]], gc.int64), v,
                         gc.constant([2, 2], gc.int64))
    crosses = {"cross": gc.sparse.cross([sp, m]),
               "cross_sep": gc.sparse.cross([m, sp, k], separator="#"),
               "hashed": gc.sparse.cross_hashed([sp, m], num_buckets=10),
               "hashed_int": gc.sparse.cross_hashed([sp, k], hash_key=-3)}
    return {f"{name}_{part}": gc.identity(getattr(c, part), name=f"out_{name}_{part}")
            for name, c in crosses.items() for part in ("indices", "values", "dense_shape")}


CROSS_FEED = {"v:0": np.array(["é".encode(), b"", b"b"], object), "m:0": M,
              "k:0": np.array([[7], [-1]], np.int64)}
TF_CROSS = {
    "cross_values": [b"\xc3\xa9_X_a", b"\xc3\xa9_X_b", b"\xc3\xa9_X_c", b"_X_d",
                     b"_X_\xc3\xa9", b"_X_f", b"b_X_d", b"b_X_\xc3\xa9", b"b_X_f"],
    "cross_dense_shape": [2, 6],
    "cross_sep_values": [b"\xc3\xa9#a#7", b"\xc3\xa9#b#7", b"\xc3\xa9#c#7", b"#d#-1",
                         b"#\xc3\xa9#-1", b"#f#-1", b"b#d#-1", b"b#\xc3\xa9#-1",
                         b"b#f#-1"],
    "hashed_values": [8, 1, 0, 9, 7, 3, 4, 0, 9],
    "hashed_int_indices": [[0, 0], [1, 0], [1, 1]],
    "hashed_int_values": [4200791189384181410, 7844759848764905451, 1983050218876850756],
}


def test_sparse_cross_exports_to_tf_ops_and_imports_back():
    with gc.Graph().as_default() as g:
        outs = _cross_graph()
        with gc.Session() as sess:
            want = sess.run(outs, CROSS_FEED)
    for k, v in TF_CROSS.items():
        np.testing.assert_array_equal(want[k], np.array(v, dtype=want[k].dtype), err_msg=k)
    gd, g2 = _export_import(g)
    crosses = [n for n in gd.node if n.op.startswith("SparseCross")]
    assert [n.op for n in crosses] == ["SparseCrossV2"] * 2 + ["SparseCross"] * 2
    assert crosses[3].attr["internal_type"].type == 9        # DT_INT64
    assert crosses[3].attr["hash_key"].i == -3
    with g2.as_default(), gc.Session() as sess:
        got = sess.run({k: f"out_{k}:0" for k in want}, CROSS_FEED)
    for k in want:
        np.testing.assert_array_equal(got[k], want[k], err_msg=k)


STR, I32 = AttrValue(type=7), AttrValue(type=3)


def _ints(values):
    from graphc.io.tf_graphdef_export import attr_value
    return attr_value(values)


def _types(values):
    from graphc.io.tf_graphdef import ListValue
    return AttrValue(list=ListValue(type=[v.type for v in values]))


def _graph_def(*nodes):
    gd = GraphDef()
    gd.node.extend(nodes)
    return gd


def _string_const(name, value):
    from graphc.io.tf_graphdef_export import attr_value
    return NodeDef(name=name, op="Const", attr={
        "dtype": STR, "value": attr_value(np.array(value, object))})


def _import(*nodes):
    with gc.Graph().as_default():
        gc.import_graph_def(_graph_def(*nodes), name="")


@pytest.mark.parametrize("node,match", [
    (NodeDef(name="rj", op="ReduceJoin", input=["s", "ax"]), "'rj'.*reduction_indices"),
    (NodeDef(name="fp", op="Fingerprint", input=["s", "meth"], attr={"T": STR}),
     "'fp'.*method b'md5'"),
    (NodeDef(name="low", op="StringLower", input=["s"],
             attr={"encoding": AttrValue(s=b"latin1")}), "'low'.*encoding='latin1'"),
    (NodeDef(name="ut", op="UnicodeTranscode", input=["s"], attr={
        "input_encoding": AttrValue(s=b"ISO-8859-1"),
        "output_encoding": AttrValue(s=b"UTF-8")}), "'ut'.*input_encoding='ISO-8859-1'"),
])
def test_import_refusals_name_the_node(node, match):
    s = NodeDef(name="s", op="Placeholder", attr={"dtype": STR})
    ax = NodeDef(name="ax", op="Placeholder", attr={"dtype": I32})
    splits = NodeDef(name="splits", op="Placeholder", attr={"dtype": I32})
    ragged = NodeDef(name="ragged", op="Const", attr={"dtype": I32, "value": AttrValue(
        tensor=gc.make_tensor_proto(np.array([0, 1, 3], np.int32)))})
    with pytest.raises(UnsupportedOpError, match=match):
        _import(s, ax, splits, ragged, _string_const("meth", b"md5"), node)


def test_import_of_ragged_rows_of_any_widths():
    """Dynamic row_splits: rows of one width or of different widths (ragged ngrams)."""
    s = NodeDef(name="s", op="Placeholder", attr={"dtype": STR})
    splits = NodeDef(name="splits", op="Placeholder", attr={"dtype": I32})
    ng = NodeDef(name="ng", op="StringNGrams", input=["s", "splits"], attr={
        "ngram_widths": _ints([2]), "Tsplits": I32, "pad_width": AttrValue(i=0),
        "separator": AttrValue(s=b"+")})
    with gc.Graph().as_default():
        gc.import_graph_def(_graph_def(s, splits, ng), name="")
        x = np.array([b"a", b"b", b"c", b"d"], object)
        with gc.Session() as sess:
            grams, gsplits = sess.run(["ng:0", "ng:1"], {"s:0": x, "splits:0": [0, 2, 4]})
            assert grams.tolist() == [b"a+b", b"c+d"] and gsplits.tolist() == [0, 1, 2]
            grams, gsplits = sess.run(["ng:0", "ng:1"], {"s:0": x, "splits:0": [0, 1, 4]})
            assert grams.tolist() == [b"b+c", b"c+d"] and gsplits.tolist() == [0, 0, 2]


def test_export_refusals_name_the_node():
    with gc.Graph().as_default() as g:
        gc.strings.bytes_split(gc.placeholder(gc.string, [None]), name="bytes")
        with pytest.raises(UnsupportedOpError, match="'bytes'.*bytes_split"):
            gc.io.export_tf_graph_def(g)
    with gc.Graph().as_default() as g:
        gc.strings.reduce_join(gc.placeholder(gc.string), name="rank")
        with pytest.raises(UnsupportedOpError, match="'rank'.*unknown rank"):
            gc.io.export_tf_graph_def(g)
