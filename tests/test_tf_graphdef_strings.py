"""The preprocessing ops of serving graphs in TF GraphDefs: hash buckets, AsString and
the image codecs export to TF's ops and import back. The expected values are TF 2.21's
on the same graph (TF also ran graphc's exported GraphDef and graphc imported TF's)."""
import numpy as np

import graphc as gc
from graphc.io.tf_graphdef import GraphDef

IMAGE = (np.arange(48) * 5 % 256).astype(np.uint8).reshape(4, 4, 3)
FEED = {"s:0": np.array([b"a", b"hello", b""], object),
        "x:0": np.array([1.5, -0.25, 1e6], np.float32),
        "i:0": np.array([3, -42], np.int32), "im:0": IMAGE}
TF = {"fast": [39, 96, 63], "strong": [46, 22, 35], "legacy": [68, 38, 99],
      "as1": [b"1.50", b"-0.25", b"1000000.00"],
      "as2": [b"1.500e+00", b"-2.500e-01", b"1.000e+06"], "as3": [b"1.5", b"-0.25", b"1e+06"],
      "as4": [b"00003", b"-0042"], "png": IMAGE, "dimg": IMAGE, "jshape": [4, 4, 3]}


def _build():
    s = gc.placeholder(gc.string, [None], name="s")
    x = gc.placeholder(gc.float32, [None], name="x")
    i = gc.placeholder(gc.int32, [None], name="i")
    im = gc.placeholder(gc.uint8, [None, None, 3], name="im")
    outs = {"fast": gc.strings.to_hash_bucket_fast(s, 100),
            "strong": gc.strings.to_hash_bucket_strong(s, 100, [1, 2]),
            "legacy": gc.string_to_hash_bucket(s, 100),
            "as1": gc.as_string(x, precision=2),
            "as2": gc.as_string(x, scientific=True, precision=3),
            "as3": gc.as_string(x, shortest=True), "as4": gc.as_string(i, width=5, fill="0"),
            "png": gc.image.decode_png(gc.image.encode_png(im), channels=3),
            "jpg": gc.image.decode_jpeg(gc.image.encode_jpeg(im, quality=90), channels=3),
            "dimg": gc.image.decode_image(gc.image.encode_png(im), channels=3),
            "jshape": gc.image.extract_jpeg_shape(gc.image.encode_jpeg(im))}
    return {k: gc.identity(v, name="out_" + k) for k, v in outs.items()}


def test_string_and_image_ops_export_to_tf_and_import_back():
    with gc.Graph().as_default() as g:
        outs = _build()
        with gc.Session() as sess:
            want = sess.run(outs, FEED)
        data = gc.io.export_tf_graph_def(g).SerializeToString()
    for k, v in TF.items():
        np.testing.assert_array_equal(want[k], v, err_msg=k)
    gd = GraphDef()
    gd.ParseFromString(data)
    ops = {n.op for n in gd.node}
    assert {"StringToHashBucketFast", "StringToHashBucketStrong", "StringToHashBucket",
            "AsString", "DecodePng", "EncodePng", "DecodeJpeg", "EncodeJpeg", "DecodeImage",
            "ExtractJpegShape"} <= ops
    with gc.Graph().as_default():
        gc.import_graph_def(gd, name="")
        with gc.Session() as sess:
            got = sess.run({k: f"out_{k}:0" for k in want}, FEED)
    for k in want:
        np.testing.assert_array_equal(got[k], want[k], err_msg=k)


def test_image_serving_input_in_map_fn_exports():
    """map_fn over image bytes (the usual serving input): the codecs inside the loop's
    function export (their output arg names are in the export table)."""
    with gc.Graph().as_default() as g:
        b = gc.placeholder(gc.string, [None], name="image_bytes")
        gc.identity(gc.map_fn(lambda s: gc.cast(gc.image.decode_png(s, channels=3),
                                                gc.float32) / 255.0, b, dtype=gc.float32),
                    name="images")
        gc.identity(gc.map_fn(lambda s: gc.strings.to_hash_bucket_fast(s, 10),
                              gc.placeholder(gc.string, [None, 2], name="words"),
                              dtype=gc.int64), name="buckets")
        png = gc.image.encode_png(IMAGE)
        with gc.Session() as sess:
            data = sess.run(png)
            feed = {"image_bytes:0": np.array([data, data], object),
                    "words:0": np.array([[b"a", b"b"], [b"c", b""]], object)}
            want = sess.run(["images:0", "buckets:0"], feed)
        gd = gc.io.export_tf_graph_def(g)
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            got = sess.run(["images:0", "buckets:0"], feed)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_allclose(want[0][0], IMAGE / 255.0, rtol=1e-6)
