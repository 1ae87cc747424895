"""Hunt 20's interop2 bugs, without TensorFlow: Bucketize, SparseSegment*Grad(V2) and the
Ftrl / Proximal* / AdagradDA update ops imported from GraphDefs built by hand, string
sparse_to_dense, the names of sparse ops' results, and the Saver's missing directory and
saver_def. The expected numbers are what TF 2.21 printed for the same ops and inputs
(tests/test_tf_parity_interop2_hunt20.py runs TF)."""
import numpy as np
import pytest

import graphc as gc

from test_tf_graphdef_import_more import F32, I32, Shape, _const, _gd, _ph

I64 = gc.int64


def _run(gd, fetches, feed=None, init=()):
    with gc.Graph().as_default():
        gc.import_graph_def(gd, name="")
        with gc.Session() as s:
            for op in init:
                s.run(op)
            return s.run(fetches, feed)


# ---- Bucketize ---------------------------------------------------------------------------
def test_bucketize_counts_boundaries_at_or_below():
    gd = _gd(_ph("x", F32, [None, None]), _ph("i", I32, [None]),
             ("b", "Bucketize", ("x",), {"T": F32, "boundaries": [-1.5, 0., 2., 2.]}),
             ("bi", "Bucketize", ("i",), {"T": I32, "boundaries": [16777217.]}))
    b, bi = _run(gd, ["b:0", "bi:0"], {"x:0": [[-3, -1.5, -1], [0, 2, 2.5]],
                                       "i:0": [16777216, 16777217, 5]})
    assert b.dtype == np.int32
    np.testing.assert_array_equal(b, [[0, 1, 1], [2, 4, 4]])          # TF's
    np.testing.assert_array_equal(bi, [1, 1, 0])    # TF compares ints as float32


# ---- SparseSegment*Grad(V2) ----------------------------------------------------------------
_SEGMENT_GRADS = {   # TF 2.21: grad [[1,2],[3,4],[5,6]], indices [5,1,1,3,0,5], seg [0,0,0,1,2,2]
    "Sum": [[5., 6.], [2., 4.], [0., 0.], [3., 4.], [0., 0.], [6., 8.]],
    "Mean": [[2.5, 3.], [0.6666667, 1.3333334], [0., 0.], [3., 4.], [0., 0.],
             [2.8333333, 3.6666667]],
    "SqrtN": [[3.5355339, 4.2426405], [1.1547005, 2.309401], [0., 0.], [3., 4.], [0., 0.],
              [4.112884, 5.3973408]],
}


@pytest.mark.parametrize("kind", sorted(_SEGMENT_GRADS))
def test_sparse_segment_grads(kind):
    ins = ("g", "idx", "seg", "dim0")
    attrs = {"T": F32, "Tidx": I32, "Tsegmentids": I32}
    gd = _gd(_ph("g", F32, [None, 2]), _const("idx", [5, 1, 1, 3, 0, 5]),
             _const("seg", [0, 0, 0, 1, 2, 2]), _const("dim0", 6),
             ("v1", f"SparseSegment{kind}Grad", ins, attrs),
             ("v2", f"SparseSegment{kind}GradV2", ins, attrs))
    dense, values, unique = _run(gd, ["v1:0", "v2:0", "v2:1"],
                                 {"g:0": [[1., 2.], [3., 4.], [5., 6.]]})
    want = np.array(_SEGMENT_GRADS[kind], np.float32)
    np.testing.assert_allclose(dense, want, rtol=1e-6)
    np.testing.assert_array_equal(unique, [0, 1, 3, 5])
    assert unique.dtype == np.int32
    np.testing.assert_allclose(values, want[[0, 1, 3, 5]], rtol=1e-6)


# ---- Ftrl, Proximal*, AdagradDA ------------------------------------------------------------
def _variables(names_values):
    nodes = []
    for name, value in names_values:
        value = np.asarray(value, np.float32)
        shape = Shape(gc.TensorShape(value.shape))
        nodes += [(name, "VarHandleOp", (), {"dtype": F32, "shape": shape,
                                            "shared_name": name}),
                  _const(name + "/init", value, F32),
                  (name + "/assign", "AssignVariableOp", (name, name + "/init"),
                   {"dtype": F32})]
    return nodes


_G = [[0.5, -1.0], [2.0, 0.25]]
_CASES = {   # op: (var and slots' initial values, scalar inputs in order, TF's values
    # after 2 steps, attrs)
    "ResourceApplyFtrl": (
        [[1., -2.], [.1, .1], [0., .3]], [("lr", .1), ("l1", .01), ("l2", .02),
                                          ("lr_power", -.5)],
        [[0.28101555, -1.3473322], [4.35, 1.1625], [-5.8822846, 14.590734]], {}),
    "ResourceApplyFtrl/by_lr": (
        [[1., -2.], [.1, .1], [0., .3]], [("lr", .1), ("l1", .01), ("l2", .02),
                                          ("lr_power", -.7)],
        [[0.40228444, -1.8285193], [4.35, 1.1625], [-1.1284466, 2.0400844]],
        {"multiply_linear_by_lr": True}),
    "ResourceApplyFtrlV2": (
        [[1., -2.], [.1, .1], [0., .3]], [("lr", .1), ("l1", .01), ("l2", .02),
                                          ("l2_shrinkage", .05), ("lr_power", -.5)],
        [[0.26250356, -1.3162745], [4.35, 1.1625], [-5.4954457, 14.254629]], {}),
    "ResourceApplyProximalAdagrad": (
        [[1., -2.], [.1, .1]], [("lr", .1), ("l1", .3), ("l2", .02)],
        [[0.75086504, -1.8643837], [4.35, 1.1625]], {}),
    "ResourceApplyProximalGradientDescent": (
        [[1., -2.]], [("alpha", .1), ("l1", .3), ("l2", .02)], [[0.68679005, -1.8575525]], {}),
    "ResourceApplyAdagradDA": (
        [[1., -2.], [0., 0.], [.1, .1]], [("lr", .1), ("l1", .01), ("l2", .02),
                                          ("global_step", 2)],
        [[-0.11867931, 0.06745563], [2.5, -0.75], [4.35, 1.1625]], {}),
}
_GRAD_FIRST = ("ResourceApplyFtrl", "ResourceApplyFtrlV2", "ResourceApplyAdagradDA")


@pytest.mark.parametrize("case", sorted(_CASES))
def test_new_optimizer_updates_are_tfs(case):
    op = case.split("/")[0]
    init, scalars, want, attrs = _CASES[case]
    names = [f"s{i}" for i in range(len(init))]
    consts = [_const(k, v, I64 if k == "global_step" else F32) for k, v in scalars]
    ins = names + (["g"] + [k for k, _ in scalars] if op in _GRAD_FIRST
                   else [k for k, _ in scalars] + ["g"])
    gd = _gd(*_variables(zip(names, init)), *consts, _ph("g", F32, [2]),
             ("step", op, ins, {"T": F32, **attrs}))
    got = _steps(gd, names, lambda g: g)
    for n, g, w in zip(names, got, want):
        np.testing.assert_allclose(g, w, rtol=2e-6, err_msg=f"{case} {n}")


def _steps(gd, names, feed):
    """Import gd, initialize its variables `names`, run "step" on each of _G (fed as
    feed(g)); the variables' values."""
    with gc.Graph().as_default():
        gc.import_graph_def(gd, name="")
        with gc.Session() as s:
            for n in names:
                s.run(n + "/assign")
            for g in _G:
                s.run("step", {"g:0": feed(g)})
            return s.run([n + ":0" for n in names])


def test_sparse_ftrl_and_adagrad_da_update_the_picked_rows():
    for op, init, scalars, want in [
        ("ResourceSparseApplyFtrl", [[[1., -2.], [3., 4.]], [[.1, .1]] * 2, [[0., .3]] * 2],
         [("lr", .1), ("l1", .01), ("l2", .02), ("lr_power", -.5)],
         [[[1., -2.], [1.2057184, 2.825777]], [[.1, .1], [4.35, 1.1625]],
          [[0., .3], [-25.205479, -30.590359]]]),
        ("ResourceSparseApplyAdagradDA", [[[1., -2.], [3., 4.]], [[0., 0.]] * 2,
                                          [[.1, .1]] * 2],
         [("lr", .1), ("l1", .01), ("l2", .02), ("global_step", 2)],
         [[[1., -2.], [-0.1186793, 0.06745563]], [[0., 0.], [2.5, -0.75]],
          [[.1, .1], [4.35, 1.1625]]])]:
        names = [f"s{i}" for i in range(len(init))]
        consts = [_const(k, v, I64 if k == "global_step" else F32) for k, v in scalars]
        gd = _gd(*_variables(zip(names, init)), *consts, _ph("g", F32, [1, 2]),
                 _const("idx", [1], I64),
                 ("step", op, names + ["g", "idx"] + [k for k, _ in scalars],
                  {"T": F32, "Tindices": I64}))
        got = _steps(gd, names, lambda g: [g])
        for n, g, w in zip(names, got, want):
            np.testing.assert_allclose(g, w, rtol=2e-6, err_msg=f"{op} {n}")


# ---- sparse_to_dense of strings and bools; result names -------------------------------------
def test_sparse_to_dense_of_strings_and_bools():
    s = gc.placeholder(gc.string, [None])
    with gc.Session() as sess:
        got = sess.run(gc.sparse_to_dense([[0], [2]], [3], s, "<pad>"), {s: ["a", "b"]})
        np.testing.assert_array_equal(got, [b"a", b"<pad>", b"b"])
        np.testing.assert_array_equal(sess.run(gc.sparse_to_dense([[0], [2]], [3], "x", "-")),
                                      [b"x", b"-", b"x"])
        # a repeated index keeps its last value (TF1 without validate_indices)
        got = sess.run(gc.sparse_to_dense([[0], [2], [2]], [3], ["a", "b", "c"], "-",
                                          validate_indices=False))
        np.testing.assert_array_equal(got, [b"a", b"-", b"c"])
        got = sess.run(gc.sparse_to_dense([[0], [2]], [3], [True, False], True))
        np.testing.assert_array_equal(got, [True, True, False])
        sp = gc.SparseTensor([[0, 0], [1, 1], [1, 1]], ["a", "b", "c"], [2, 2])
        np.testing.assert_array_equal(sess.run(gc.sparse.to_dense(sp, "?",
                                                                 validate_indices=False)),
                                      [[b"a", b"?"], [b"?", b"c"]])


def test_string_sparse_to_dense_node_imports():
    gd = _gd(_const("idx", [[0, 0], [0, 1], [1, 0]], I64), _const("shape", [2, 3], I64),
             _ph("v", gc.string, [None]), _const("pad", b"<pad>", gc.string),
             ("toks", "SparseToDense", ("idx", "shape", "v", "pad"),
              {"T": gc.string, "Tindices": I64, "validate_indices": True}))
    got = _run(gd, "toks:0", {"v:0": ["a", "b", "d"]})
    np.testing.assert_array_equal(got, [[b"a", b"b", b"<pad>"], [b"d", b"<pad>", b"<pad>"]])


def test_name_names_the_result_as_tf():
    with gc.Graph().as_default():
        sp = gc.sparse_placeholder(gc.int64, name="sp")
        ids = gc.placeholder(gc.int64, [None], name="ids")
        e = gc.get_variable("E", [5, 3])
        w = gc.sparse_placeholder(gc.float32, name="w")
        assert gc.sparse.to_dense(sp, default_value=-1, name="dense_ids").name == \
            "dense_ids:0"
        assert gc.sparse.to_dense(sp, name="dense0").name == "dense0:0"
        assert gc.sparse_to_dense(ids[:, None], [5], 1, name="s2d").name == "s2d:0"
        assert gc.sparse_to_dense(ids[:, None], [5], 1, 7, name="s2d7").name == "s2d7:0"
        assert gc.sparse.to_indicator(sp, 5, name="ind").name == "ind:0"
        for combiner in ("sum", "mean", "sqrtn"):
            for weights in (None, w):
                name = f"els_{combiner}_{weights is not None}"
                t = gc.nn.embedding_lookup_sparse(e, sp, weights, combiner=combiner,
                                                  name=name)
                assert t.name == name + ":0"
        strings = gc.SparseTensor([[0]], ["a"], [2])
        assert gc.sparse.to_dense(strings, name="sd").name == "sd:0"


# ---- Saver ---------------------------------------------------------------------------------
def test_saver_makes_the_missing_directory_and_has_a_saver_def(tmp_path):
    with gc.Graph().as_default():
        gc.get_variable("w", initializer=gc.ones([2]))
        saver = gc.train.Saver()
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            prefix = saver.save(sess, str(tmp_path / "train_dir" / "model.ckpt"),
                                global_step=1)
            assert prefix == str(tmp_path / "train_dir" / "model.ckpt-1")
            with pytest.raises(ValueError, match="Parent directory of .* doesn't exist"):
                saver.save(sess, str(tmp_path / "a" / "b" / "model.ckpt"))   # as TF1
    d = saver.saver_def
    assert isinstance(d, gc.train.SaverDef) and isinstance(d, dict)
    assert (d.filename_tensor_name, d.save_tensor_name, d.restore_op_name) == \
        ("save/Const:0", "save/control_dependency:0", "save/restore_all")
    assert (d.max_to_keep, d.sharded, d.keep_checkpoint_every_n_hours, d.version) == \
        (5, False, 10000.0, None)
    assert d["var_list"] == {"w": "w"}
    assert gc.train.SaverDef.V2 == 2
