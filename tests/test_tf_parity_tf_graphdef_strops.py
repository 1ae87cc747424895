"""Parity of the string ops' TF GraphDef import and export (tf_graphdef_strops.py,
tf_graphdef_export_strops.py): TF runs graphc's exported GraphDef and gets graphc's
values, and the graph TF's tf.compat.v1 API builds imports into graphc and gives TF's
values, on several feeds (non-ASCII UTF-8, empty strings)."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from tf_parity import frozen_tf_graph, tf, v1

import test_tf_graphdef_strops as cases

FEEDS = [np.array([b"  Hello World ", "héllo wörld".encode(), b"", b"a,b,,c"], object),
         np.array(["日本語 テキスト".encode(), b"\t x \n", b"A-B-C", b""], object),
         np.array([], object)]


def _same(got, want, what):
    got, want = np.asarray(got), np.asarray(want)
    assert (got.dtype, got.shape) == (want.dtype, want.shape), what
    np.testing.assert_array_equal(got, want, err_msg=what)


def _run_in_tf(gd, fetches, feed):
    with tf.Graph().as_default():
        v1.import_graph_def(v1.GraphDef.FromString(gd.SerializeToString()), name="")
        with v1.Session() as s:
            return s.run(fetches, feed)


@pytest.mark.parametrize("build,feed", [(cases._build, cases.FEED),
                                        (cases._cross_graph, cases.CROSS_FEED)])
def test_tf_runs_graphcs_export(build, feed):
    with gc.Graph().as_default() as g:
        outs = build()
        with gc.Session() as sess:
            want = sess.run(outs, feed)
        gd = gc.io.export_tf_graph_def(g)
    got = _run_in_tf(gd, {k: t.name for k, t in outs.items()}, feed)
    for k in want:
        _same(got[k], want[k], k)


def _tf_ops(s):
    """The string ops through TF's tf.compat.v1 API, on a vector of strings s."""
    st = tf.strings
    m = v1.reshape(v1.tile(s, [2]), [2, -1])
    sc = v1.reduce_join(s, separator="|")
    sp = v1.string_split(s, delimiter=" ,", skip_empty=False)
    sp2 = v1.strings.split(s, sep="-", maxsplit=1)
    sp3 = v1.strings.split(s)
    cps = st.unicode_decode(sc, "UTF-8")
    cps2, offs = st.unicode_decode_with_offsets(sc, "UTF-8", replace_control_characters=True)
    dense = v1.transpose(v1.reshape(v1.tile(s, [3]), [3, -1]))
    ids = v1.range(v1.size(s)) % 2
    cross_sp = v1.SparseTensor(sp3.indices, sp3.values, sp3.dense_shape)
    outs = [
        v1.string_join([s, "!", s], separator="/"), sc,
        v1.reduce_join(m, axis=1, keep_dims=True, separator=","),
        v1.reduce_join(m, axis=[-1, 0]),
        v1.regex_replace(s, r"[aeiouö]+", r"<\0>"),
        v1.regex_replace(s, r"(\w)\s", r"\1_", replace_global=False),
        v1.regex_replace(s, v1.placeholder_with_default(" ", []), "."),
        st.regex_full_match(s, r".*\s.*"),
        st.regex_full_match(s, v1.placeholder_with_default("[A-Z].*", [])),
        v1.string_strip(s), v1.substr(s, 0, 3), v1.substr(s, 0, 2, unit="UTF8_CHAR"),
        v1.string_to_number(st.as_string(st.length(s)), tf.int64),
        v1.encode_base64(s), v1.encode_base64(s, pad=True),
        v1.decode_base64(v1.encode_base64(s)),
        sp.indices, sp.values, sp.dense_shape, sp2.indices, sp2.values, sp2.dense_shape,
        sp3.values, st.lower(s), st.upper(s), st.upper(s, encoding="utf-8"),
        st.format("n={}, l={}", [v1.size(s), st.length(s)], summarize=2),
        # (the empty feed: ngrams and Fingerprint of no strings, and the Reshape of 0
        # values to [0, -1] that TF's ngrams of no rows makes)
        st.ngrams(s, 2, separator="+"),
        st.ngrams(dense, [2, 3], pad_values=("<", ">"), padding_width=1),
        st.ngrams(dense, [1, 2, 3], pad_values="#", padding_width=4),
        st.ngrams(dense, 5, pad_values="#", preserve_short_sequences=True),
        st.unicode_encode(v1.reshape(cps, [1, -1]), "UTF-16-BE"),
        st.unicode_transcode(s, "UTF-8", "UTF-32-BE"), cps, cps2, offs,
        v1.fingerprint(s), st.unsorted_segment_join(s, ids, 2, separator=";"),
    ]
    for c in (v1.sparse.cross([cross_sp, v1.reshape(s, [-1, 1])], name="cross"),
              v1.sparse.cross_hashed([cross_sp, v1.reshape(s, [-1, 1])], num_buckets=100)):
        outs += [c.indices, c.values, c.dense_shape]
    return outs


@pytest.mark.parametrize("k", range(len(FEEDS)))
def test_graphc_imports_tfs_graph(k):
    def build():
        s = v1.placeholder(tf.string, [None], name="s")
        return [s], _tf_ops(s)
    gd, names, xs, wants = frozen_tf_graph(build, [[f] for f in FEEDS])
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            got = sess.run(names, {xs[0]: FEEDS[k]})
    for name, g_, w in zip(names, got, wants[k]):
        _same(g_, w, name)
