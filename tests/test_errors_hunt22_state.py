"""Bad-input hunt 22 (variables, gradients, feeds, sessions, checkpoints, imports): graphc
raises the exception classes TF1 raises (TF 2.21, tf.compat.v1 graph mode), so TF1 code's
except clauses catch them, and its messages name the operands and the user's line."""
import inspect
import os

import numpy as np
import pytest

import graphc as gc
from graphc import errors

HERE = os.path.basename(__file__)


def _next_line():
    """The line number after the caller's line (where the offending call is)."""
    return inspect.currentframe().f_back.f_lineno + 1


def _other_graph_placeholder(name="x2"):
    with gc.Graph().as_default():
        return gc.placeholder(gc.float32, [2], name=name)


# ---- A8: tensors of another graph --------------------------------------------------------
@pytest.mark.parametrize("where", ["xs", "ys", "ys list", "grad_ys", "stop_gradients"])
def test_gradients_of_tensors_of_two_graphs_raise_value_error(where):
    x2 = _other_graph_placeholder()
    x = gc.placeholder(gc.float32, [2], name="x")
    y = gc.reduce_sum(x * x)
    with x2.graph.as_default():
        y2 = gc.reduce_sum(x2, name="y2")
    args = {"xs": ([y], [x2], {}), "ys": ([y2], [x], {}), "ys list": ([y, y2], [x], {}),
            "grad_ys": ([y], [x], {"grad_ys": [y2]}),
            "stop_gradients": ([y], [x], {"stop_gradients": [x2]})}[where]
    with pytest.raises(ValueError, match="must be from the same graph") as e:
        gc.gradients(args[0], args[1], **args[2])
    assert isinstance(e.value, errors.GraphError)
    assert "placeholder 'x" in str(e.value) or "Sum 'y2'" in str(e.value)


def test_gradients_in_a_cond_branch_of_an_outer_tensor_still_work():
    x = gc.placeholder(gc.float32, [], name="x")
    out = gc.cond(x > 0.0, lambda: gc.gradients(x * x * x, x)[0], lambda: x)
    with gc.Session() as s:
        assert s.run(out, {x: 2.0}) == pytest.approx(12.0)


@pytest.mark.parametrize("how", ["tf.assign", "assign", "assign_add", "assign_sub",
                                 "slice"])
def test_assign_of_a_value_of_another_graph_raises_value_error_at_build(how):
    with gc.Graph().as_default():
        c2 = gc.constant([4.0, 5.0], name="c2")
    v = gc.Variable(gc.zeros([2]), name="v")
    build = {"tf.assign": lambda: gc.assign(v, c2), "assign": lambda: v.assign(c2),
             "assign_add": lambda: v.assign_add(c2), "assign_sub": lambda: v.assign_sub(c2),
             "slice": lambda: v[0].assign(c2[0])}[how]
    with pytest.raises(ValueError, match="must be from the same graph as v:0") as e:
        build()
    assert isinstance(e.value, errors.GraphError)
    assert "variable 'v'" in str(e.value)


def test_assign_of_a_python_value_builds_in_the_variables_graph():
    g = gc.Graph()
    with g.as_default():
        v = gc.Variable(gc.zeros([2]), name="v")
    with gc.Graph().as_default():       # another graph is the default one
        a = v.assign([1.0, 2.0])
    assert a.graph is g
    with gc.Session(graph=g) as s:
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(a), [1.0, 2.0])


def test_assign_in_a_cond_branch_still_builds_there():
    v = gc.Variable(0.0, name="v")
    p = gc.placeholder(gc.bool, [])
    out = gc.cond(p, lambda: v.assign(3.0), lambda: gc.identity(v))
    with gc.Session() as s:
        s.run(v.initializer)
        assert s.run(out, {p: True}) == 3.0


# ---- A12: a feed key naming an operation; gradients of strings ---------------------------
def test_feed_key_that_names_an_operation_is_a_type_error():
    x = gc.placeholder(gc.float32, [2], name="x")
    with gc.Session() as s:
        with pytest.raises(TypeError, match="'x' refers to an Operation, not a Tensor"):
            s.run(x * 2.0, {"x": [1.0, 2.0]})
        with pytest.raises(TypeError, match="'nope' looks like an .invalid. Operation"):
            s.run(x * 2.0, {"nope": [1.0, 2.0], x: [1.0, 2.0]})
        np.testing.assert_array_equal(s.run(x * 2.0, {"x:0": [1.0, 2.0]}), [2.0, 4.0])


def test_gradients_of_a_string_y_raise_type_error_and_of_a_string_x_give_none():
    s = gc.placeholder(gc.string, [2], name="s")
    x = gc.placeholder(gc.float32, [2], name="x")
    with pytest.raises(TypeError, match="ys.0. is string") as e:
        gc.gradients(gc.identity(s), [s])
    assert isinstance(e.value, errors.DTypeError) and "Identity" in str(e.value)
    with pytest.raises(TypeError, match="ys.1. is string"):      # even if unconnected
        gc.gradients([gc.reduce_sum(x), gc.identity(s)], [x])
    with pytest.raises(TypeError, match="must be numeric"):
        gc.gradients(gc.identity(s), [s], grad_ys=[gc.constant(["a", "b"])])
    assert gc.gradients(gc.reduce_sum(gc.strings.to_number(s)), [s]) == [None]
    assert gc.gradients(gc.reduce_sum(x), [s]) == [None]


def test_gradients_check_grad_ys_as_tf1_does():
    x = gc.placeholder(gc.float32, [2], name="x")
    b = gc.placeholder(gc.bool, [2], name="b")
    assert gc.gradients(gc.identity(b), [b]) == [None]         # ones of bool: no error
    with pytest.raises(TypeError, match="must be numeric"):
        gc.gradients(gc.identity(b), [b], grad_ys=[gc.constant([True, False])])
    with pytest.raises(TypeError, match="grad_ys is bool"):
        gc.gradients(x * 2.0, [x], grad_ys=[gc.constant([True, False])])
    with pytest.raises(TypeError, match="complex y needs its grad_ys"):
        gc.gradients(gc.complex(x, x), [x])
    g, = gc.gradients(gc.complex(x, x), [x], grad_ys=[gc.complex(x, x)])
    assert g is not None


# ---- B1: restoring a variable of another shape or dtype -----------------------------------
@pytest.mark.parametrize("change", ["shape", "dtype"])
def test_restore_of_another_shape_or_dtype_is_invalid_argument(tmp_path, change):
    with gc.Graph().as_default():
        gc.Variable(gc.ones([2]), name="v")
        saver = gc.train.Saver()
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            path = saver.save(s, str(tmp_path / "m.ckpt"))
    with gc.Graph().as_default():
        value = gc.ones([3]) if change == "shape" else gc.ones([2], gc.int32)
        gc.Variable(value, name="v")
        saver = gc.train.Saver()
        with gc.Session() as s:
            with pytest.raises(gc.errors.InvalidArgumentError) as e:
                saver.restore(s, path)
    kind = errors.ShapeError if change == "shape" else errors.DTypeError
    assert isinstance(e.value, kind) and isinstance(e.value, gc.errors.OpError)
    assert e.value.error_code == gc.errors.INVALID_ARGUMENT
    assert "variable 'v'" in str(e.value)


def test_partitioned_checkpoint_errors_are_the_same_classes():
    from graphc import partitioned_ckpt
    assert partitioned_ckpt.SliceShapeError is errors.CheckpointShapeError
    assert partitioned_ckpt.SliceDTypeError is errors.CheckpointDTypeError


# ---- B3: dtype mistakes TF1 reports as ValueError -----------------------------------------
def _reuse_with_another_dtype():
    with gc.variable_scope("s"):
        gc.get_variable("w", [2])
    with gc.variable_scope("s", reuse=True):
        gc.get_variable("w", [2], dtype=gc.float64)


def _input_map_of_another_dtype():
    with gc.Graph().as_default() as g1:
        gc.identity(gc.placeholder(gc.float32, [2], name="x"), name="y")
    gc.import_graph_def(g1.as_graph_def(), input_map={"x:0": gc.ones([2], gc.int32)},
                        name="")


@pytest.mark.parametrize("build", [
    _reuse_with_another_dtype,
    lambda: gc.convert_to_tensor(gc.ones([2]), dtype=gc.int32),
    lambda: gc.convert_to_tensor(gc.Variable(1.0), dtype=gc.int32),
    _input_map_of_another_dtype,
    lambda: gc.data.Dataset.range(3).filter(lambda x: x),
    lambda: gc.data.Dataset.range(3).filter(lambda x: gc.constant([True, False])),
    lambda: gc.data.Dataset.range(3).filter(lambda x: None),
    lambda: gc.data.Dataset.range(3).map(lambda x: None),
], ids=["get_variable reuse", "convert_to_tensor", "convert_to_tensor variable",
        "input_map", "filter int64", "filter vector", "filter None", "map None"])
def test_dtype_mistakes_are_value_errors_and_dtype_errors(build):
    with gc.Graph().as_default():
        with pytest.raises(ValueError) as e:
            build()
    assert isinstance(e.value, errors.DTypeError)       # and still a TypeError


def test_dataset_map_returning_an_op_stays_a_type_error():
    with pytest.raises(TypeError, match="must return tensors, got Node") as e:
        gc.data.Dataset.range(3).map(lambda x: gc.no_op())
    assert isinstance(e.value, errors.GraphcError) and not isinstance(e.value, ValueError)


def test_convert_to_tensor_takes_tf1s_preferred_dtype():
    assert gc.convert_to_tensor(1, preferred_dtype=gc.int64).dtype == gc.int64
    assert gc.convert_to_tensor(1.5, preferred_dtype=gc.int64).dtype == gc.float32
    assert gc.convert_to_tensor(gc.ones([2]), preferred_dtype=gc.int32).dtype == gc.float32


# ---- B5: feed keys that are not tensors of the session's graph ---------------------------
@pytest.mark.parametrize("key", ["nope:0", "x:1", "other graph", "int", "operation"])
def test_feed_keys_that_are_no_tensor_of_the_graph_are_type_errors(key):
    x = gc.placeholder(gc.float32, [2], name="x")
    key = {"other graph": _other_graph_placeholder(), "int": 3,
           "operation": x.node}.get(key, key)
    with gc.Session() as s:
        with pytest.raises(TypeError, match="Cannot interpret feed_dict key as Tensor") as e:
            s.run(x * 2.0, {key: [1.0, 2.0], x: [1.0, 2.0]})
    assert isinstance(e.value, errors.FeedError)


def test_unknown_fetches_stay_value_errors_and_bad_fetch_types_are_type_errors():
    x = gc.placeholder(gc.float32, [2], name="x")
    with gc.Session() as s:
        with pytest.raises(ValueError):
            s.run("nope:0")
        with pytest.raises(TypeError, match="fetch 3 of type int") as e:
            s.run(3)
    assert isinstance(e.value, errors.GraphcError)
    assert x is not None


# ---- B6: no default session ---------------------------------------------------------------
def test_eval_and_run_without_a_default_session_are_value_errors():
    c = gc.constant(1.0, name="c")
    v = gc.Variable(1.0, name="v")
    for call, what in ((c.eval, "evaluate tensor 'c:0' using `eval()`"),
                       (c.node.run, "execute operation 'c' using `run()`"),
                       (v.eval, "evaluate variable 'v:0'"),
                       (lambda: v.load(2.0), "load a value into variable 'v:0'")):
        with pytest.raises(ValueError, match="no default session is registered") as e:
            call()
        assert isinstance(e.value, errors.NoDefaultSessionError)
        assert what in str(e.value)


# ---- B7: import_graph_def of an op type graphc does not know ------------------------------
def test_import_of_an_unknown_op_type_is_not_found_and_unsupported():
    from graphc.io.tf_graphdef_import import UnsupportedOpError
    gd = gc.GraphDef()
    n = gd.node.add()
    n.name, n.op = "a", "NoSuchOpXyz"
    with gc.Graph().as_default():
        with pytest.raises(gc.errors.NotFoundError, match="NoSuchOpXyz") as e:
            gc.import_graph_def(gd, name="")
    assert isinstance(e.value, UnsupportedOpError) and isinstance(e.value, ValueError)
    assert e.value.error_code == gc.errors.NOT_FOUND
    assert "NoSuchOpXyz: 'a'" in str(e.value)


# ---- D1: a variable made from another one's value ----------------------------------------
def test_a_variable_made_from_another_initializes_alone():
    v = gc.Variable(gc.ones([2]), name="v")
    w = gc.Variable(v * 2.0, name="w")
    assert w.initial_value.node.name == "mul"            # TF1 keeps the original
    assert w.graph.get_operation_by_name("mul_w").type == "Mul"
    with gc.Session() as s:
        s.run(w.initializer)
        np.testing.assert_array_equal(s.run(w), [2.0, 2.0])
        with pytest.raises(gc.errors.FailedPreconditionError):
            s.run(v)                                    # v itself is not initialized
        s.run(v.initializer)
        s.run(v.assign([5.0, 6.0]))
        s.run(w.initializer)                            # an initialized v: its value
        np.testing.assert_array_equal(s.run(w), [10.0, 12.0])


def test_guarded_initial_values_of_get_variable_callables_and_local_variables():
    v = gc.get_variable("v", initializer=gc.ones([2]))
    w = gc.get_variable("w", initializer=v * 3.0)
    u = gc.Variable(lambda: v + 1.0, name="u")
    local = gc.Variable(gc.ones([2]), name="local",
                        collections=[gc.GraphKeys.LOCAL_VARIABLES])
    z = gc.Variable(local * 4.0, name="z")
    assert u.graph.get_operation_by_name("u/Initializer/add_u").inputs[0].name == \
        "u/initialized_value:0"                 # the read of v, in u's name scope
    with gc.Session() as s:
        s.run([w.initializer, u.initializer, z.initializer])
        np.testing.assert_array_equal(s.run([w, u, z]), [[3, 3], [2, 2], [4, 4]])


def test_a_variable_in_no_collection_is_read_as_it_is():
    v = gc.Variable(gc.ones([2]), name="v", collections=[])
    w = gc.Variable(v * 2.0, name="w")
    with gc.Session() as s:
        with pytest.raises(gc.errors.FailedPreconditionError, match="'v'"):
            s.run(w.initializer)


def test_only_the_dependency_is_guarded_not_its_own_initial_value():
    """TF1 too: v's initialized_value() computes v's initial value, which reads u."""
    u = gc.Variable(gc.ones([2]), name="u")
    v = gc.Variable(u + 1.0, name="v")
    w = gc.Variable(v * 2.0 + u, name="w")
    with gc.Session() as s:
        with pytest.raises(gc.errors.FailedPreconditionError, match="'u'"):
            s.run(w.initializer)
        s.run(u.initializer)
        s.run(w.initializer)
        np.testing.assert_array_equal(s.run(w), [5.0, 5.0])


# ---- E3: ragged nested lists ---------------------------------------------------------------
def test_a_ragged_constant_names_the_constant_the_spot_and_the_line():
    with pytest.raises(ValueError) as e:
        line = _next_line()
        gc.constant([[1.0, 2.0], [3.0]], name="c")
    msg = str(e.value)
    assert isinstance(e.value, errors.ShapeError)
    assert "constant 'c'" in msg and "value[1] has 1 element(s) where value[0] has 2" in msg
    assert f"{HERE}:{line}" in msg and "inhomogeneous shape after" not in msg
    with pytest.raises(errors.ShapeError, match=r"value\[1\] is a scalar"):
        gc.constant([[1.0, 2.0], 3.0])
    with pytest.raises(errors.ShapeError, match=r"value\[1\]\[1\] has 2"):
        gc.constant([[[1], [2]], [[1], [2, 3]]], gc.int32)
    with pytest.raises(errors.ShapeError, match="ragged"):
        gc.constant([["a", "b"], ["c"]])


@pytest.mark.parametrize("dtype", [gc.float32, gc.int32, gc.bool, gc.string])
def test_a_ragged_feed_names_the_placeholder_and_the_spot(dtype):
    x = gc.placeholder(dtype, [None, None], name="x")
    value = {gc.string: [["a", "b"], ["c"]], gc.bool: [[True, False], [True]]}.get(
        dtype, [[1, 2], [3]])
    with gc.Session() as s:
        with pytest.raises(ValueError) as e:
            line = _next_line()
            s.run(gc.identity(x), {x: value})
    msg = str(e.value)
    assert isinstance(e.value, errors.FeedError)
    assert "placeholder 'x'" in msg and "value[1] has 1 element(s)" in msg
    assert f"{HERE}:{line}" in msg


# ---- E6: a Python value that does not convert to a variable's dtype -----------------------
def test_assign_of_a_lossy_value_names_the_variable_and_the_line():
    v = gc.Variable(gc.zeros([2], gc.int32), name="vi")
    with pytest.raises(TypeError) as e:
        line = _next_line()
        v.assign(2.5)
    msg = str(e.value)
    assert isinstance(e.value, errors.DTypeError)
    assert "Variable.assign" in msg and "variable 'vi' (int32" in msg and "2.5" in msg
    assert f"{HERE}:{line}" in msg and "'Const'" not in msg
    with pytest.raises(TypeError, match="Variable.assign_add: the value for variable 'vi'"):
        gc.assign_add(v, [1.5, 2])
    with pytest.raises(TypeError, match="cannot assign zeros.* of dtype float32"):
        v.assign(gc.zeros([2], name="zeros"))


def test_a_lossy_constant_names_the_line():
    with pytest.raises(TypeError) as e:
        line = _next_line()
        gc.constant(1.5, gc.int32)
    assert f"{HERE}:{line}" in str(e.value)


# ---- B9: graphc's own classes for what TF1 raises as ValueError/TypeError ---------------
def test_usage_errors_are_graphc_errors_and_value_errors(tmp_path):
    with gc.Graph().as_default():
        with pytest.raises(errors.UsageError, match="No variables to save"):
            gc.train.Saver()
        with pytest.raises(errors.UsageError, match="initial_value must be specified"):
            gc.Variable()
        x = gc.placeholder(gc.float32, [], name="x")
        with pytest.raises(errors.UsageError, match="No variables to optimize"):
            gc.train.GradientDescentOptimizer(0.1).minimize(x * x)
        gc.Variable(1.0, name="v")
        saver = gc.train.Saver()
        with gc.Session() as s:
            with pytest.raises(errors.UsageError, match="not a valid checkpoint"):
                saver.restore(s, str(tmp_path / "missing"))
            with pytest.raises(errors.UsageError, match="save_path when it is None"):
                saver.restore(s, None)
    assert issubclass(errors.UsageError, ValueError)
