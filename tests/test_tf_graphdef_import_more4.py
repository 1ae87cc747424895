"""Import of the TF ops of tf_graphdef_import_more4.py without TensorFlow: graphc builds,
gc.io.export_tf_graph_def writes TF's ops, gc.import_graph_def reads them back, and the
values are graphc's; plus the refusals, on GraphDefs built by hand."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_import import OPS, UnsupportedOpError
from graphc.io.tf_graphdef_import_more4 import OPS as MORE4
from samples import all_samples
from test_tf_graphdef_export import compare, sample_graph
from test_tf_graphdef_import_more import F32, I32, _const, _gd, _ph

RNG = np.random.default_rng(0)
# graphc op names whose TF export is one of MORE4's ops
GRAPHC_OPS = set(MORE4) | {"SetOperation"}


def _export_import(build, *arrays):
    """graphc's values of build(placeholders) and those of its export imported back."""
    with gc.Graph().as_default() as g:
        phs = [gc.placeholder(gc.as_dtype(a.dtype), a.shape, name=f"in{i}")
               for i, a in enumerate(arrays)]
        outs = build(*phs)
        with gc.Session() as s:
            want = s.run(outs, dict(zip(phs, arrays)))
    gd = GraphDef.FromString(gc.io.export_tf_graph_def(g).SerializeToString())
    with gc.Graph().as_default():
        got_t = gc.import_graph_def(gd, name="", return_elements=[t.name for t in outs])
        with gc.Session() as s:
            got = s.run(got_t, {f"in{i}:0": a for i, a in enumerate(arrays)})
    compare([t.name for t in outs], want, got, 1e-6, 1e-9)
    return {nd.op for nd in gd.node}


def test_merged_into_the_import_table():
    assert all(OPS[k] is v for k, v in MORE4.items() if k != "Cast")
    assert OPS["Cast"] is MORE4["Cast"]


@pytest.mark.parametrize("sample", [s for s in all_samples() if s.op in GRAPHC_OPS
                                    and s.op != "RandomPoissonV2"], ids=str)
def test_sample_round_trip(sample):
    g, outs, want, feeds = sample_graph(sample)
    gd = GraphDef.FromString(gc.io.export_tf_graph_def(g).SerializeToString())
    if {"Enter", "Exit"} & {nd.op for nd in gd.node}:
        pytest.skip("MatrixExponential exports as a TF1 while loop (checked below)")
    with gc.Graph().as_default():
        got_t = gc.import_graph_def(gd, name="", return_elements=[t.name for t in outs])
        with gc.Session() as s:
            got = s.run(got_t, feeds)
    compare([t.name for t in outs], want, got, max(sample.rtol, 1e-6),
            max(sample.atol, 1e-9))


def _ctc_beam(top_paths):
    def build(a, s):
        decoded, log_p = gc.nn.ctc_beam_search_decoder(a, s, beam_width=6,
                                                       top_paths=top_paths)
        return [t for d in decoded for t in (d.indices, d.values, d.dense_shape)] + [log_p]
    return build


@pytest.mark.parametrize("top_paths", [1, 3])
def test_ctc_beam_search_paths_keep_their_order(top_paths):
    x = RNG.standard_normal((5, 2, 4)).astype(np.float32)
    ops = _export_import(_ctc_beam(top_paths), x, np.array([5, 3], np.int32))
    assert "CTCBeamSearchDecoder" in ops


A = np.array([[1, 2, 3, 0], [4, 5, 5, 6]], np.int64)
B = np.array([[2, 7, 1], [6, 8, 9]], np.int64)


@pytest.mark.parametrize("kinds", ["dense-dense", "dense-sparse", "sparse-dense",
                                   "sparse-sparse"])
@pytest.mark.parametrize("op", ["intersection", "union", "a-b", "b-a"])
def test_set_operations_every_operand_kind(op, kinds):
    def build(a, b):
        a = gc.sparse.from_dense(a) if kinds.startswith("sparse") else a
        b = gc.sparse.from_dense(b) if kinds.endswith("sparse") else b
        if op in ("intersection", "union"):
            r = getattr(gc.sets, op)(a, b)
        else:
            r = gc.sets.difference(a, b, aminusb=op == "a-b")
        return [r.indices, r.values, r.dense_shape, gc.sets.size(r)]
    ops = _export_import(build, A, B)
    kind = {"dense-dense": "DenseToDense", "sparse-sparse": "SparseToSparse"}.get(
        kinds, "DenseToSparse")
    assert {f"{kind}SetOperation", "SetSize"} <= ops


@pytest.mark.parametrize("T,mode,axis", [("qint8", "MIN_COMBINED", None),
                                         ("quint8", "MIN_FIRST", None),
                                         ("qint16", "SCALED", None),
                                         ("qint8", "SCALED", 1)])
def test_quantize_dequantize_and_quantized_casts(T, mode, axis):
    x = RNG.uniform(-2, 3, (3, 4)).astype(np.float32)
    lo, hi = (np.float32([-1, -2, 0, -0.5]), np.float32([2, 1, 3, 0.5])) if axis else \
        (np.float32(-1.5), np.float32(2.5))

    def build(a, b, c):
        kw = {} if axis is None else {"axis": axis}
        q, qlo, qhi = gc.quantize(a, b, c, getattr(gc, T), mode=mode, **kw)
        back = gc.cast(gc.cast(gc.cast(q, gc.int32), getattr(gc, T)), gc.int64)
        return [gc.dequantize(q, qlo, qhi, mode=mode, **kw), qlo, qhi, back]
    assert {"QuantizeV2", "Dequantize", "Cast"} <= _export_import(build, x, lo, hi)


def test_generator_draws_and_fractional_pool_sequences():
    from graphc.ops import random_generator_ops as R
    from graphc.ops.registry import apply1
    x = RNG.standard_normal((2, 9, 8, 3))

    def build(a):
        key, counter = gc.constant([7], gc.uint64), gc.constant([3, 0], gc.uint64)
        shape = gc.constant([3, 5])
        y, rows, cols = gc.nn.fractional_max_pool(a, [1.0, 1.5, 1.4, 1.0], pseudo_random=True,
                                                  deterministic=True, seed=7, seed2=11)
        return [apply1(R.UNIFORM_V2, (shape, key, counter), dtype=gc.float64, alg=1),
                apply1(R.NORMAL_V2, (shape, key, counter), dtype=gc.float32, alg=3),
                apply1(R.INT_V2, (shape, key, counter, gc.constant(-4), gc.constant(9)),
                       dtype=gc.int32, alg=1), y, rows, cols]
    ops = _export_import(build, x)
    assert {"StatelessRandomUniformV2", "StatelessRandomNormalV2", "FractionalMaxPool",
            "StatelessRandomUniformIntV2"} <= ops


def test_count_up_to_counts_in_the_imported_variable():
    with gc.Graph().as_default() as g:
        v = gc.Variable(np.int64(3), name="counter")
        c = v.count_up_to(5)
        gc.global_variables_initializer()
    gd = GraphDef.FromString(gc.io.export_tf_graph_def(g).SerializeToString())
    with gc.Graph().as_default() as g2:
        c2, = gc.import_graph_def(gd, name="", return_elements=[c.name])
        init = [op for op in g2.get_operations() if op.name.endswith("Assign")]
        with gc.Session() as s:
            s.run(init)
            assert [s.run(c2) for _ in range(2)] == [3, 4]
            with pytest.raises(gc.errors.OutOfRangeError):
                s.run(c2)


def test_files_and_timestamp(tmp_path):
    path = str(tmp_path / "a.txt")
    with gc.Graph().as_default() as g:
        w = gc.io.write_file(path, "hello")
        with gc.control_dependencies([w]):
            r = gc.io.read_file(path)
        m = gc.io.matching_files(str(tmp_path / "*.txt"))
        t = gc.timestamp()
    gd = GraphDef.FromString(gc.io.export_tf_graph_def(g).SerializeToString())
    with gc.Graph().as_default():
        outs = gc.import_graph_def(gd, name="", return_elements=[r.name, m.name, t.name])
        with gc.Session() as s:
            got = s.run(outs)
    assert got[0] == b"hello" and list(got[1]) == [path.encode()] and got[2] > 1.6e9


def test_matrix_exponential_imports_as_graphcs_op():
    """TF's MatrixExponential node (graphc writes a loop; TF1 graphs hold the op)."""
    x = (RNG.standard_normal((2, 3, 3)) * 2).astype(np.float64)
    gd = _gd(_ph("x", gc.float64, [None, 3, 3]), ("e", "MatrixExponential", ("x",),
                                                  {"T": gc.float64}))
    with gc.Graph().as_default():
        e, = gc.import_graph_def(gd, name="", return_elements=["e:0"])
        assert e.op.type == "MatrixExponential"
        with gc.Session() as s:
            got, want = s.run([e, gc.linalg.expm(x)], {"x:0": x})
    np.testing.assert_allclose(got, want, rtol=1e-12)     # (graphc's expm: test_linalg*)


def _refused(gd, match):
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match=match):
            gc.import_graph_def(gd, name="")


def test_refusals_name_why():
    _refused(_gd(_const("shape", [2]), _const("key", [1], gc.uint64),
                 _const("counter", [0, 0], gc.uint64), _const("alg", 2),
                 ("r", "StatelessRandomUniformV2", ("shape", "key", "counter", "alg"),
                  {"dtype": F32, "Tshape": I32})), "ThreeFry")
    img = (_ph("img", F32, [1, 4, 4, 1]), _const("size", [2, 2]),
           _const("off", [[0.0, 0.0]], F32))
    _refused(_gd(*img, ("g", "ExtractGlimpse", ("img", "size", "off"),
                        {"uniform_noise": False, "noise": "zero"})), "'zero'")
    _refused(_gd(*img, ("g", "ExtractGlimpse", ("img", "size", "off"),
                        {"uniform_noise": True, "noise": "gaussian"})), "together")
    _refused(_gd(_ph("img", F32, [1, 4, 4, 1]), _const("t", [[1, 0, 0, 0, 1, 0, 0, 0]], F32),
                 _const("shape", [4, 4]),
                 ("p", "ImageProjectiveTransformV2", ("img", "t", "shape"),
                  {"dtype": F32, "interpolation": "NEAREST", "fill_mode": "REFLECT"})),
             "fill_mode 'REFLECT'")
