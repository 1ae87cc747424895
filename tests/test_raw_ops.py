"""gc.raw_ops (graphc/io/raw_ops.py): TF's raw ops as keyword-only functions built by the
GraphDef importer: values, dtypes, shapes, names, return types, gradients, errors."""
import inspect

import numpy as np
import pytest

import graphc as gc
from graphc.io.raw_ops import raw_ops as R
from graphc.io.tf_raw_op_defs import RAW_OP_DEFS, TF_ONLY


@pytest.fixture(autouse=True)
def graph():
    with gc.Graph().as_default() as g:
        yield g


def run(*fetches, feed=None):
    with gc.Session() as s:
        return s.run(list(fetches) if len(fetches) > 1 else fetches[0], feed)


X = np.arange(12, dtype=np.float32).reshape(3, 4) / 4 - 1


# ---- values across areas ---------------------------------------------------------------
def test_math_ops():
    x = gc.constant(X)
    got = run(R.Abs(x=x), R.Exp(x=x), R.AddV2(x=x, y=1.0), R.Maximum(x=x, y=0.0),
              R.Sum(input=x, axis=1), R.Mean(input=x, axis=[0], keep_dims=True),
              R.ArgMax(input=x, dimension=1), R.Cumsum(x=x, axis=0, exclusive=True),
              R.Pow(x=2.0, y=3.0), R.FloorMod(x=7, y=3))
    want = [np.abs(X), np.exp(X), X + 1, np.maximum(X, 0), X.sum(1), X.mean(0, keepdims=True),
            X.argmax(1), np.cumsum(X, 0) - X, 8.0, 1]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert got[6].dtype == np.int64                 # ArgMax's output_type default


def test_array_ops():
    x = gc.constant(X)
    got = run(R.Reshape(tensor=x, shape=[2, -1]), R.Transpose(x=x, perm=[1, 0]),
              R.ConcatV2(values=[x, x], axis=0), R.Pack(values=[x, x], axis=1),
              R.GatherV2(params=x, indices=[2, 0], axis=0), R.Tile(input=x, multiples=[1, 2]),
              R.Slice(input=x, begin=[1, 1], size=[-1, 2]), R.Fill(dims=[2], value=7),
              R.Range(start=0, limit=5, delta=2), R.OneHot(indices=[0, 2], depth=3,
                                                         on_value=1.0, off_value=0.0))
    want = [X.reshape(2, -1), X.T, np.concatenate([X, X]), np.stack([X, X], 1), X[[2, 0]],
            np.tile(X, (1, 2)), X[1:, 1:3], [7, 7], [0, 2, 4], np.eye(3)[[0, 2]]]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b)


def test_nn_ops():
    img = np.random.default_rng(0).standard_normal((1, 4, 4, 2)).astype(np.float32)
    k = np.ones((2, 2, 2, 3), np.float32)
    conv = R.Conv2D(input=img, filter=k, strides=[1, 1, 1, 1], padding="VALID")
    pool = R.MaxPool(input=img, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    sm = R.Softmax(logits=X)
    relu = R.Relu(features=X)
    assert conv.shape.as_list() == [1, 3, 3, 3] and pool.shape.as_list() == [1, 2, 2, 2]
    c, p, s, r = run(conv, pool, sm, relu)
    np.testing.assert_allclose(c[0, 0, 0, 0], img[0, :2, :2].sum(), rtol=1e-5)
    np.testing.assert_allclose(p[0, 0, 0], img[0, :2, :2].max((0, 1)))
    np.testing.assert_allclose(s.sum(1), 1, rtol=1e-6)
    np.testing.assert_allclose(r, np.maximum(X, 0))


def test_linalg_and_special_ops():
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    inv, det, chol, lg = run(R.MatrixInverse(input=a), R.MatrixDeterminant(input=a),
                             R.Cholesky(input=a), R.Lgamma(x=[1.0, 5.0]))
    np.testing.assert_allclose(inv, np.linalg.inv(a))
    np.testing.assert_allclose(det, 11.0)
    np.testing.assert_allclose(chol, np.linalg.cholesky(a))
    np.testing.assert_allclose(lg, [0.0, np.log(24.0)], atol=1e-6)


def test_placeholders_and_feeds():
    p = R.Placeholder(dtype=gc.float32, shape=[None, 4], name="inp")
    assert p.name == "inp:0" and p.shape.as_list() == [None, 4]
    y = R.MatMul(a=p, b=X, transpose_b=True)
    np.testing.assert_allclose(run(y, feed={p: X}), X @ X.T, rtol=1e-6)
    u = R.Placeholder(dtype="int32")
    assert u.shape.dims is None


def test_const_takes_a_tensor_proto():
    c = R.Const(value=gc.make_tensor_proto(np.array([1, 2], np.int64)), dtype=gc.int64)
    assert c.dtype == gc.int64
    np.testing.assert_array_equal(run(c), [1, 2])


# ---- conversion and inference ------------------------------------------------------------
def test_python_values_take_the_type_attrs_dtype():
    assert R.Add(x=1.0, y=2).dtype == gc.float32
    assert R.Add(x=np.float64(1.0), y=2).dtype == gc.float64
    assert R.Add(x=gc.constant(1, gc.int64), y=2).dtype == gc.int64
    assert R.LogicalAnd(x=True, y=False).dtype == gc.bool
    with pytest.raises(TypeError, match="DataType bool not in list"):
        R.Add(x=True, y=False)                  # Add takes no bool, as in TF
    assert R.Range(start=0.5, limit=2, delta=1).dtype == gc.float32
    assert R.Range(start=0, limit=2, delta=1).dtype == gc.int32
    assert R.AddN(inputs=[gc.constant(1.0, gc.float64), 2]).dtype == gc.float64
    assert R.Add(x=2 ** 40, y=1).dtype == gc.int64
    assert R.Select(condition=[True], x=[1.0], y=[2]).dtype == gc.float32


def test_inputs_are_named_in_the_ops_scope():
    y = R.Add(x=1.0, y=2.0, name="total")
    assert y.name == "total:0"
    assert [i.node.name for i in y.node.inputs] == ["total/x", "total/y"]
    with gc.name_scope("outer"):
        z = R.Relu(features=[1.0])
    assert z.name == "outer/Relu:0"


def test_names_are_made_unique():
    assert [R.Neg(x=1.0).name for _ in range(3)] == ["Neg:0", "Neg_1:0", "Neg_2:0"]


def test_control_dependencies_apply():
    a = R.NoOp(name="first")
    with gc.control_dependencies([a]):
        b = R.Identity(input=1.0)
    assert a in b.node.control_inputs


# ---- return values ---------------------------------------------------------------------
def test_return_structures():
    u = R.Unique(x=[3, 1, 3])
    assert type(u).__name__ == "Unique" and u._fields == ("y", "idx")
    y, idx = run(*u)
    np.testing.assert_array_equal(y, [3, 1])
    np.testing.assert_array_equal(idx, [0, 1, 0])
    parts = R.Split(axis=0, value=[1.0, 2.0, 3.0], num_split=3)
    assert isinstance(parts, list) and len(parts) == 3
    assert R.Unpack(value=X, num=3)[2].shape.as_list() == [4]
    assert isinstance(R.IdentityN(input=[1, "a"]), list)
    op = R.NoOp()
    assert isinstance(op, gc.Operation) and op.type == "NoOp"
    bn = R.FusedBatchNormV3(x=np.ones((1, 2, 2, 3), np.float32), scale=[1.0] * 3,
                            offset=[0.0] * 3, mean=[0.0] * 3, variance=[1.0] * 3,
                            is_training=False)
    assert bn._fields == ("y", "batch_mean", "batch_variance", "reserve_space_1",
                          "reserve_space_2", "reserve_space_3")


def test_variable_updates():
    v = gc.Variable([1.0, 2.0])
    step = R.ApplyGradientDescent(var=v, alpha=0.5, delta=[2.0, 2.0])
    add = R.AssignAdd(ref=v, value=[1.0, 1.0])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        np.testing.assert_allclose(s.run(step), [0.0, 1.0])
        np.testing.assert_allclose(s.run(add), [1.0, 2.0])


def test_resource_variable_ops():
    h = R.VarHandleOp(dtype=gc.float32, shape=[2], name="v", shared_name="v")
    init = R.AssignVariableOp(resource=h, value=[3.0, 4.0])
    read = R.ReadVariableOp(resource=h, dtype=gc.float32)
    with gc.Session() as s:
        s.run(init)
        np.testing.assert_allclose(s.run(read), [3.0, 4.0])


# ---- gradients ---------------------------------------------------------------------------
def test_gradients_through_raw_ops():
    x = gc.placeholder(gc.float64, [3, 4])
    y = R.Sum(input=R.Mul(x=R.Tanh(x=x), y=R.MatMul(a=x, b=x, transpose_b=True)[:, :1]),
              axis=[0, 1])
    g, = gc.gradients(y, [x])
    xv = X.astype(np.float64)
    eps, d = 1e-6, np.random.default_rng(1).standard_normal(xv.shape)
    with gc.Session() as s:
        gv = s.run(g, {x: xv})
        fd = (s.run(y, {x: xv + eps * d}) - s.run(y, {x: xv - eps * d})) / (2 * eps)
    np.testing.assert_allclose((gv * d).sum(), fd, rtol=1e-5)


def test_gradient_of_conv_and_softmax_xent():
    img = gc.placeholder(gc.float32, [1, 4, 4, 1])
    k = gc.constant(np.ones((2, 2, 1, 1), np.float32))
    y = R.Conv2D(input=img, filter=k, strides=[1, 1, 1, 1], padding="SAME")
    loss, _ = R.SoftmaxCrossEntropyWithLogits(features=gc.reshape(y, [4, 4]),
                                              labels=np.eye(4, dtype=np.float32))
    g, = gc.gradients(R.Sum(input=loss, axis=0), [img])
    assert g.shape.as_list() == [1, 4, 4, 1]
    assert np.isfinite(run(g, feed={img: np.ones((1, 4, 4, 1), np.float32)})).all()


# ---- TF's argument errors ----------------------------------------------------------------
@pytest.mark.parametrize("call, cls, msg", [
    (lambda: R.Add(1.0, 2), TypeError,
     "add only takes keyword args (possible keys: ['x', 'y', 'name']). Please pass these "
     "args as kwargs instead."),
    (lambda: R.Add(x=1.0), TypeError, "add() missing 1 required positional argument: 'y'"),
    (lambda: R.Conv2D(input=1.0), TypeError, "conv2d() missing 3 required positional "
     "arguments: 'filter', 'strides', and 'padding'"),
    (lambda: R.Add(x=1.0, y=2.0, z=3), TypeError,
     "add() got an unexpected keyword argument 'z'"),
    (lambda: R.Relu(features=[1.0], T=gc.float32), TypeError,
     "relu() got an unexpected keyword argument 'T'"),
    (lambda: R.Add(x=1, y=2.5), TypeError,
     "Expected int32 passed to parameter 'y' of op 'Add', got 2.5 of type 'float' "
     "instead. Error: Expected int32, but got 2.5 of type 'float'."),
    (lambda: R.Add(x=gc.constant(1.0), y=gc.constant(2)), TypeError,
     "Input 'y' of 'Add' Op has type int32 that does not match type float32 of argument "
     "'x'."),
    (lambda: R.Sqrt(x=[1, 2]), TypeError,
     "Value passed to parameter 'x' has DataType int32 not in list of allowed values: "
     "bfloat16, float16, float32, float64, complex64, complex128"),
    (lambda: R.AddN(inputs=[]), ValueError,
     "List argument 'inputs' to 'AddN' Op with length 0 shorter than minimum length 1."),
    (lambda: R.AddN(inputs=[1.0, 2]), TypeError,
     "Tensors in list passed to 'inputs' of 'AddN' Op have types [float32, int32] that "
     "don't all match."),
    (lambda: R.Pack(values=np.zeros(2)), TypeError,
     "Expected list for 'values' argument to 'pack' Op, not array([0., 0.])."),
    (lambda: R.Split(axis=0, value=[1.0], num_split=0), ValueError,
     "Attr 'num_split' of 'Split' Op passed 0 less than minimum 1."),
    (lambda: R.MaxPool(input=np.zeros((1, 2, 2, 1)), ksize=[1, 1, 1, 1],
                       strides=[1, 1, 1, 1], padding="FULL"), ValueError,
     "Attr 'padding' of 'MaxPool' Op passed string 'FULL' not in: \"SAME\", \"VALID\", "
     "\"EXPLICIT\"."),
    (lambda: R.MatMul(a=[[1.0]], b=[[1.0]], transpose_a=1), TypeError,
     "Expected bool for argument 'transpose_a' not 1."),
    (lambda: R.Cast(x=[1], DstT="foo"), TypeError,
     "Expected DataType for argument 'DstT' not 'foo'."),
    (lambda: R.Relu(features=None), ValueError,
     "Tried to convert 'features' to a tensor and failed. Error: None values not "
     "supported."),
    (lambda: R.Assign(ref=gc.constant(1.0), value=2.0), TypeError,
     "'Assign' Op requires that input 'ref' be a mutable tensor (e.g.: a tf.Variable)"),
])
def test_argument_errors(call, cls, msg):
    with pytest.raises(cls) as info:
        call()
    assert str(info.value) == msg


def test_attrs_graphc_cannot_honour_are_refused_by_name():
    with pytest.raises(Exception, match="MaxPool.*NCHW_VECT_C"):
        R.MaxPool(input=np.ones((1, 2, 2, 3), np.float32), ksize=[1, 1, 1, 1],
                  strides=[1, 1, 1, 1], padding="VALID", data_format="NCHW_VECT_C")
    # is_training (TF's default) is honoured: the batch mean and unbiased variance
    out = R.FusedBatchNormV3(x=np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3),
                             scale=[1.0] * 3, offset=[0.0] * 3, mean=[0.0] * 3,
                             variance=[1.0] * 3)
    with gc.Session() as s:
        _, mean, var = s.run(list(out)[:3])
    assert mean.tolist() == [4.5, 5.5, 6.5] and var.tolist() == [15.0] * 3


def test_unsupported_and_unknown_ops():
    with pytest.raises(AttributeError, match="Abort is not supported by graphc"):
        R.Abort
    with pytest.raises(AttributeError, match="takes functions"):
        R.While
    with pytest.raises(AttributeError, match="has no attribute 'NotAnOp'"):
        R.NotAnOp
    assert "Abort" in TF_ONLY and "Add" not in TF_ONLY


def test_dir_and_signatures():
    names = dir(R)
    assert "MatMul" in names and "If" not in names and "Abort" not in names
    assert len(names) > 250 and set(names) <= set(RAW_OP_DEFS)
    sig = inspect.signature(R.Sum)
    assert list(sig.parameters) == ["input", "axis", "keep_dims", "name"]
    assert sig.parameters["keep_dims"].default is False
    assert inspect.signature(R.Unique).parameters["out_idx"].default == gc.int32
    assert R.Sum.__name__ == "_sum" and "tf.raw_ops.Sum" in R.Sum.__doc__
    assert R.MatMul is R.MatMul


def test_every_supported_op_has_a_valid_signature():
    for name in dir(R):
        fn = getattr(R, name)
        params = list(inspect.signature(fn).parameters)
        assert params[-1] == "name" and len(set(params)) == len(params), name
