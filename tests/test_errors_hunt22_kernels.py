"""Kernel and attribute errors, as session 22's errors hunt found them (A2-A4, A10-A12, D2,
E1, E2, E4, B9): TF1's class (a graphc subclass of it), a message naming what is wrong
and this file's line, at build time where shapes tell, else when the graph runs. No TF
needed: TF 2.21's behaviour was checked by hand and is quoted in the comments.
"""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import (DTypeError, ExecutionError, GraphcError, ShapeError,
                           UnimplementedError, UsageError)
from graphc.testing import check_vjp
from helpers import raises, run


def check_error(cls, build, *fragments, line=None):
    """helpers.raises, and the error is a GraphcError; its message."""
    e = raises(cls, build, *fragments, line=line)
    assert isinstance(e, GraphcError)
    return str(e)


def check_run_error(build, feed_values, *fragments, cls=ExecutionError):
    """build(*placeholders) (a one-line lambda) builds; running it on feed_values raises
    cls (TF1's InvalidArgumentError) naming the node's line here and each fragment."""
    phs = [gc.placeholder(gc.as_dtype(np.asarray(v).dtype), None) for v in feed_values]
    out = build(*phs)
    return check_error(cls, lambda: run(out, dict(zip(phs, feed_values))), *fragments,
                       line=build.__code__.co_firstlineno)


# ---- A2: TF1's where (Select) never broadcasts x and y --------------------------------------
def test_where_needs_x_and_y_of_one_shape_and_a_fitting_condition_at_build_time():
    t, f = True, False
    # TF: "Dimension 0 in both shapes must be equal, but are 1 and 3"
    check_error(ShapeError, lambda: gc.where([t, f, t], gc.ones([1]), gc.zeros([3])),
                "where:", "must have the same shape", "dim 0 is 1 and 3", "gc.where_v2")
    check_error(ShapeError, lambda: gc.where([t, f], gc.ones([3, 2]), gc.zeros([3, 2])),
                "the condition has 2 elements but x and y have 3 rows")
    check_error(ShapeError, lambda: gc.where([[t], [f], [t]], gc.ones([3, 2]), gc.ones([3, 2])),
                "the condition", "must have x's shape")
    check_error(ShapeError, lambda: gc.where([t, f], 1.0, 0.0), "must be a scalar, a vector")
    check_error(ShapeError, lambda: gc.where(True, gc.ones([3, 2]), gc.zeros([3, 1])),
                "must have the same shape")
    # what TF1 accepts: equal shapes, a scalar condition, a vector picking rows
    x, y = np.arange(6.0).reshape(3, 2), -np.ones((3, 2))
    np.testing.assert_array_equal(run(gc.where([t, f, t], x, y)), [[0, 1], [-1, -1], [4, 5]])
    np.testing.assert_array_equal(run(gc.where(False, x, y)), y)
    np.testing.assert_array_equal(run(gc.where([t, f], [1, 2], [3, 4])), [1, 4])
    # where_v2 (TF2's tf.where) still broadcasts as numpy does
    np.testing.assert_array_equal(run(gc.where_v2([t, f, t], gc.ones([1]), gc.zeros([3]))),
                                  [1, 0, 1])


def test_where_checks_unknown_shapes_when_run_with_tf1s_messages():
    t, f = True, False
    # TF: "Inputs to operation Select of type Select must have the same size and shape.
    # Input 0: [3] != input 1: [1]"
    check_run_error(lambda c, x, y: gc.where(c, x, y), [[t, f, t], [7.0], [0.0, 0.0, 0.0]],
                    "Inputs to operation Select", "Input 0: [3] != input 1: [1]")
    check_run_error(lambda c, x, y: gc.where(c, x, y), [[t, f], np.ones((3, 2)), np.ones((3, 2))],
                    "Number of batches of 'then' must match size of 'cond'", "3 vs. 2")
    check_run_error(lambda c, x, y: gc.where(c, x, y), [True, np.ones((3, 2)), np.ones(3)],
                    "'then' and 'else' must have the same size", "[3,2] vs. [3]")
    check_run_error(lambda c, x, y: gc.where(c, x, y), [[t], 1.0, 0.0],
                    "'then' must be at least a vector")
    # a vector condition of unknown rank still picks rows, as TF1's kernel does
    c, x = gc.placeholder(gc.bool), gc.placeholder(gc.float64)
    out = gc.where(c, x, -x)
    np.testing.assert_array_equal(run(out, {c: [t, f], x: [[1.0, 2.0], [3.0, 4.0]]}),
                                  [[1, 2], [-3, -4]])
    g, = gc.gradients(gc.reduce_sum(out * [[1.0, 2.0]]), [x])
    np.testing.assert_array_equal(run(g, {c: [t, f], x: np.ones((2, 2))}), [[1, 2], [-1, -2]])


def test_where_gradients_follow_tf1s_rules():
    check_vjp(lambda x, y: gc.where([True, False, True], x, y),
              [np.random.randn(3, 2), np.random.randn(3, 2)])
    check_vjp(lambda x, y: gc.where(False, x, y), [np.random.randn(2), np.random.randn(2)])


# ---- A3, E4: matmul's run-time checks name both shapes --------------------------------------
def test_matmul_of_unknown_rank_refuses_a_vector_when_run():
    # TF: InvalidArgumentError "In[0] ndims must be >= 2: 1" (numpy would take the vector)
    check_run_error(lambda a, b: gc.matmul(a, b), [np.ones(3), np.ones((3, 2))],
                    "In[0] ndims must be >= 2: 1", "(3,)", "in MatMul")
    check_run_error(lambda a, b: gc.matmul(a, b), [np.ones((2, 3)), np.ones(3)],
                    "In[1] ndims must be >= 2: 1")


def test_matmul_size_errors_at_run_time_are_graphc_worded():
    check_run_error(lambda a, b: gc.matmul(a, b), [np.ones((2, 3)), np.ones((4, 5))],
                    "matmul: inner dimensions differ", "(2, 3) has 3 (dim 1)",
                    "(4, 5) has 4 (dim 0)", "Matrix size-incompatible: In[0]: [2,3]")
    check_run_error(lambda a, b: gc.matmul(a, b, transpose_b=True),
                    [np.ones((2, 3)), np.ones((4, 5))], "(4, 5) has 5 (dim 1)")
    check_run_error(lambda a, b: gc.matmul(a, b), [np.ones((7, 2, 3)), np.ones((6, 3, 5))],
                    "batch dimensions", "(7, 2, 3)", "(6, 3, 5)", "do not broadcast")


def test_matmul_transpose_and_adjoint_together_is_a_usage_error():
    x = gc.ones([2, 2])
    msg = check_error(UsageError, lambda: gc.matmul(x, x, transpose_a=True, adjoint_a=True),
                      "matmul: only one of transpose_a and adjoint_a")
    assert isinstance(UsageError(msg), ValueError)


# ---- A4: bias_add never broadcasts a bias known only at run time ----------------------------
def test_bias_add_checks_the_bias_length_when_run():
    # TF: "Must provide as many biases as the last dimension of the input tensor: [1] vs. [2,3]"
    v, b = gc.placeholder(gc.float32, [2, 3]), gc.placeholder(gc.float32, [None])
    out = gc.nn.bias_add(v, b)
    msg = check_error(ExecutionError, lambda: run(out, {v: np.ones((2, 3)), b: [5.0]}),
                      "bias_add: the bias has 1 elements", "3 channels", "(2, 3)",
                      "Must provide as many biases", line=out.node.site[1])
    check_run_error(lambda v, b: gc.nn.bias_add(v, b), [np.ones((2, 3), np.float32),
                                                       np.ones((1, 3), np.float32)],
                    "the bias must be 1-D", "Biases must be 1D: [1,3]")
    check_run_error(lambda v, b: gc.nn.bias_add(v, b), [np.ones(3, np.float32),
                                                       np.ones(3, np.float32)],
                    "Input tensor must be at least 2D: [3]")
    assert msg
    np.testing.assert_array_equal(run(out, {v: np.ones((2, 3)), b: [1.0, 2.0, 3.0]}),
                                  [[2, 3, 4], [2, 3, 4]])


# ---- A10: sparse_tensor_to_dense validates indices by default -------------------------------
def test_sparse_tensor_to_dense_rejects_unordered_or_repeated_indices():
    for idx, what in (([[2], [0]], "out of order"), ([[1], [1]], "repeated")):
        i = gc.placeholder(gc.int64, [None, 1])
        out = gc.sparse_tensor_to_dense(gc.SparseTensor(i, [1.0, 2.0], [3]))
        check_error(ExecutionError, lambda: run(out, {i: idx}), what, "gc.sparse.reorder",
                    line=out.node.site[1])
        lenient = gc.sparse_tensor_to_dense(gc.SparseTensor(i, [1.0, 2.0], [3]),
                                            validate_indices=False)
        assert run(lenient, {i: idx}).shape == (3,)
    # constant indices: found when the graph is built
    check_error(ShapeError, lambda: gc.sparse.to_dense(gc.SparseTensor([[2], [0]], [1., 2.], [3])),
                "indices[1] = [0] is out of order")
    np.testing.assert_array_equal(
        run(gc.sparse.to_dense(gc.SparseTensor([[0], [2]], ["a", "b"], [3]))), [b"a", b"", b"b"])


# ---- A11: cast between strings and numbers ---------------------------------------------------
def test_cast_between_strings_and_numbers_is_tfs_unimplemented_error():
    s, x = gc.constant(["1.5"]), gc.constant([1.5])
    for build, text in ((lambda: gc.cast(s, gc.float32), "Cast string to float"),
                        (lambda: gc.to_int32(s), "Cast string to int32"),
                        (lambda: gc.cast(x, gc.string), "Cast float to string")):
        with pytest.raises(UnimplementedError) as e:     # TF: UnimplementedError
            build()
        assert isinstance(e.value, TypeError) and isinstance(e.value, DTypeError)
        assert e.value.error_code == gc.errors.UNIMPLEMENTED
    check_error(DTypeError, lambda: gc.cast(s, gc.float64), "Cast string to double is not "
                "supported", "gc.strings.to_number")
    assert run(gc.cast(s, gc.string)).tolist() == [b"1.5"]


# ---- A12: padding strings, one_hot's on/off dtypes ------------------------------------------
def test_padding_must_be_upper_case_same_or_valid():
    x, w = gc.ones([1, 4, 4, 1]), gc.ones([3, 3, 1, 1])
    # TF: "Attr 'padding' of 'Conv2D' Op passed string 'same' not in: "SAME", "VALID", ..."
    check_error(UsageError, lambda: gc.nn.conv2d(x, w, [1, 1, 1, 1], "same"),
                "conv2d: padding must be 'SAME' or 'VALID', not 'same'", "upper case")
    check_error(UsageError, lambda: gc.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "valid"),
                "max_pool: padding must be")
    check_error(UsageError, lambda: gc.nn.avg_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "FULL"),
                "avg_pool:", "'FULL'")
    check_error(DTypeError, lambda: gc.nn.conv2d(x, w, [1, 1, 1, 1], 3),   # TF: TypeError
                "padding must be a string")
    assert gc.nn.conv2d(x, w, [1, 1, 1, 1], b"SAME").shape == (1, 4, 4, 1)     # as TF


def test_one_hot_on_and_off_values_of_different_dtypes():
    # TF: TypeError "dtype <dtype: 'int32'> of on_value does not match dtype <dtype:
    # 'float32'> of off_value"
    check_error(DTypeError, lambda: gc.one_hot([0, 1], 3, on_value=1, off_value=0.0),
                "one_hot: dtype int32 of on_value does not match dtype float32 of off_value")
    check_error(DTypeError, lambda: gc.one_hot([0, 1], 3, on_value=1.5, dtype=gc.int32),
                "dtype float32 of on_value does not match dtype parameter int32")
    assert run(gc.one_hot([0, 1], 3, on_value=1, off_value=0.0, dtype=gc.float32)).dtype == \
        np.float32
    assert run(gc.one_hot([0, 1], 3, on_value=1, off_value=0)).dtype == np.int32
    assert run(gc.one_hot([0], 2, on_value=np.int64(1), dtype=gc.float32)).tolist() == [[1, 0]]


# ---- D2: softmax cross-entropy stretches labels as TF's kernel does -------------------------
def test_softmax_xent_takes_labels_with_rows_or_classes_of_one():
    logits = np.arange(6.0).reshape(2, 3)
    ls = logits - np.log(np.exp(logits).sum(1, keepdims=True))

    def ref(z):
        return -(np.broadcast_to(z, logits.shape) * ls).sum(1)
    for z in (np.array([[1.0], [0.0]]), np.array([[0.2, 0.3, 0.5]]), np.array([0.2, 0.3, 0.5])):
        for fn in (gc.nn.softmax_cross_entropy_with_logits_v2,
                   gc.nn.softmax_cross_entropy_with_logits):
            np.testing.assert_allclose(run(fn(labels=z, logits=logits)), ref(z), rtol=1e-12)
            zp, xp = gc.placeholder(gc.float64, None), gc.placeholder(gc.float64, [None, None])
            np.testing.assert_allclose(run(fn(labels=zp, logits=xp), {zp: z, xp: logits}),
                                       ref(z), rtol=1e-12)
    # labels that stretch some rows but not all, or other sizes: TF refuses too
    check_error(ShapeError, lambda: gc.nn.softmax_cross_entropy_with_logits_v2(
        labels=np.ones((2, 2)), logits=logits), "dim 1 is 2 in the labels but 3")
    check_run_error(lambda z, x: gc.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x),
                    [np.ones((2, 1, 3)), np.ones((2, 4, 3))], "stretch some of the logits' rows")
    # the labels' gradient is summed back to their shape
    z = gc.constant([[1.0], [0.0]], gc.float64)
    loss = gc.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=logits)
    g, = gc.gradients(loss, [z])
    np.testing.assert_allclose(run(g), -ls.sum(1, keepdims=True), rtol=1e-12)


def test_softmax_xent_without_labels_is_a_usage_error():
    check_error(UsageError, lambda: gc.nn.softmax_cross_entropy_with_logits_v2(logits=[1.0]),
                "both labels and logits are required")


# ---- E1: dropout names the argument the user gave -------------------------------------------
def test_dropout_rate_errors_name_rate_and_keep_prob_errors_keep_prob():
    x = gc.ones([3])
    msg = check_error(UsageError, lambda: gc.nn.dropout(x, rate=1.5),
                      "`rate` must be a scalar tensor or a float in the range [0, 1)", "rate=1.5")
    assert "keep_prob" not in msg
    check_error(UsageError, lambda: gc.nn.dropout(x, keep_prob=1.5),
                "keep_prob must be in (0, 1], got 1.5")
    check_error(UsageError, lambda: gc.nn.dropout(x, keep_prob=0.5, rate=0.5),
                "Cannot specify both 'keep_prob' and 'rate'")
    check_error(UsageError, lambda: gc.nn.dropout(x), "`rate` must be provided")


# ---- E2: window attributes name the op and the user's line ----------------------------------
def test_conv_and_pool_attribute_errors_are_usage_errors_naming_op_and_line():
    x, w = gc.ones([1, 4, 4, 1]), gc.ones([3, 3, 1, 1])
    # TF: "strides should be of length 1, 2 or 4. Received: strides=[1, 1, 1] of length 3"
    check_error(UsageError, lambda: gc.nn.conv2d(x, w, [1, 1, 1], "SAME"),
                "conv2d: strides should be of length 1, 2 or 4, not [1, 1, 1]")
    check_error(UsageError, lambda: gc.nn.max_pool(x, [1, 2, 2], [1, 1, 1, 1], "SAME"),
                "max_pool: ksize should be of length 1, 2 or 4")
    check_error(UsageError, lambda: gc.nn.conv2d(x, w, [1, 0, 0, 1], "SAME"),
                "Stride must be > 0, but got 0")
    check_error(UsageError, lambda: gc.nn.conv2d(x, w, 1, "SAME", dilations=[1, 0, 0, 1]),
                "Dilation rate must be >= 1")
    check_error(UsageError, lambda: gc.nn.conv2d(x, w, [2, 1, 1, 1], "SAME"),
                "the batch and channel entries must be 1")
    check_error(UsageError, lambda: gc.nn.conv2d(x, w, 1, "SAME", data_format="NHCW"),
                "conv2d: data_format must be 'NHWC' or 'NCHW', not 'NHCW'")
    check_error(UsageError, lambda: gc.nn.conv3d(gc.ones([1, 4, 4, 4, 1]),
                                                 gc.ones([3, 3, 3, 1, 1]), [1, 1, 1, 1], "SAME"),
                "conv3d: strides must have 5 entries")


# ---- E4: conv2d's run-time channel check names both shapes ----------------------------------
def test_conv2d_channel_mismatch_at_run_time_names_both_shapes():
    # TF: "input depth must be evenly divisible by filter depth: 4 vs 3"
    w = np.ones((3, 3, 3, 5), np.float32)
    check_run_error(lambda x: gc.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"),
                    [np.ones((1, 8, 8, 4), np.float32)],
                    "conv2d: the input of shape (1, 8, 8, 4) (NHWC) has 4 channels",
                    "filter of shape (3, 3, 3, 5) expects 3", "in Conv2D")
    check_run_error(lambda x: gc.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"),
                    [np.ones((8, 8, 3), np.float32)], "conv2d: the input must be 4-D")


# ---- B9: einsum's equation errors are ShapeErrors at the user's line ------------------------
def test_einsum_equation_errors_are_shape_errors():
    a = gc.ones([2, 3])
    # TF: 'Got 1 inputs for equation "ij,jk->ik", expecting 2'
    check_error(ShapeError, lambda: gc.einsum("ij,jk->ik", a),
                "einsum: the equation 'ij,jk->ik' has 2 operands but 1 tensors")
    check_error(ShapeError, lambda: gc.einsum("ij,jk->iz", a, gc.ones([3, 4])),
                "the output index 'z'", "is in no input")
    check_error(ShapeError, lambda: gc.einsum("i.j->ij", a), "misplaced '.'")
    check_error(UsageError, lambda: gc.einsum("ij->ij"), "no input tensors")


def test_conv_without_strides_or_padding_names_them_at_the_users_line():
    x, w = gc.zeros([1, 4, 4, 1]), gc.zeros([2, 2, 1, 1])
    check_error(TypeError, lambda: gc.nn.conv2d(x, w), "strides, padding", "conv2d")
    check_error(TypeError, lambda: gc.nn.conv2d(x, w, [1, 1, 1, 1]), "padding")
    check_error(TypeError, lambda: gc.nn.conv3d(gc.zeros([1, 2, 2, 2, 1]), None, None, "SAME"),
                "filter, strides")
