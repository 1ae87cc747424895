"""Variable scopes, get_variable, collections and initializers (TF1 semantics)."""
import math

import numpy as np
import pytest

import graphc as gc


def _names(ts):
    return [t.name for t in ts]


# ---- names ---------------------------------------------------------------------------------
def test_variable_names_come_from_the_variable_scope_only():
    with gc.name_scope("ns"):
        with gc.variable_scope("foo"):
            with gc.variable_scope("bar"):
                v = gc.get_variable("v", [1])
                x = 1.0 + v
    assert v.name == "foo/bar/v:0" and isinstance(v, gc.Variable)
    assert x.op.name == "ns/foo/bar/add"
    assert v.initializer.name == "foo/bar/v/Assign"
    assert v.initial_value.op.name.startswith("foo/bar/v/Initializer/")


def test_reentering_a_scope_keeps_its_name_but_opens_a_fresh_name_scope():
    with gc.variable_scope("foo") as vs:
        a = gc.identity(1.0)
    with gc.variable_scope(vs):
        v = gc.get_variable("v", [1])
        b = gc.identity(1.0)
    with gc.variable_scope("foo", reuse=True):
        c = gc.identity(1.0)
        assert gc.get_variable("v") is v
    assert (a.op.name, b.op.name, c.op.name) == ("foo/Identity", "foo_1/Identity",
                                                 "foo_2/Identity")
    assert v.name == "foo/v:0" and vs.original_name_scope == "foo/"
    with gc.variable_scope(vs, auxiliary_name_scope=False) as vs1:
        with gc.name_scope(vs1.original_name_scope):
            d = gc.identity(1.0, name="c")
    assert d.op.name == "foo/c"


def test_a_scope_object_inside_another_scope_keeps_its_own_name():
    with gc.variable_scope("a") as a:
        pass
    with gc.variable_scope("b"):
        with gc.variable_scope(a):
            v = gc.get_variable("v", [2])
            x = gc.identity(v)
    assert v.name == "a/v:0" and x.op.name == "b/a/Identity"


def test_scope_objects_reentered_inside_themselves_name_ops_as_tf1s_own_tests():
    # TF1 variable_scope_test: testVarScopeOuterScope and testVarScopeNestedOuterScope
    def ns(name):
        with gc.name_scope(name) as scope:
            return scope
    with gc.variable_scope("outer") as outer:
        with gc.variable_scope(outer):
            assert gc.get_variable("w", []).name == "outer/w:0"
            assert ns("s") == "outer/outer/s/"
        with gc.variable_scope(outer, reuse=True):
            assert gc.get_variable("w", []).name == "outer/w:0"
            assert ns("s") == "outer/outer_1/s/"
        with gc.variable_scope("default", reuse=True):
            assert ns("s") == "outer/default/s/"
    with gc.variable_scope(outer, reuse=gc.AUTO_REUSE):
        with gc.variable_scope(None, default_name="d"):
            assert gc.get_variable("v", []).name == "outer/d/v:0"
            assert ns("s") == "outer_1/d/s/"
            assert gc.get_variable_scope().reuse is gc.AUTO_REUSE


def test_default_names_are_unique_and_restart_when_the_parent_is_reentered():
    with gc.variable_scope("foo") as vs:
        with gc.variable_scope(None, default_name="bar"):
            a = gc.get_variable("a", [1])
        with gc.variable_scope(None, default_name="bar"):
            b = gc.get_variable("b", [1])
    with gc.variable_scope(vs):
        with gc.variable_scope(None, default_name="bar"):
            c = gc.get_variable("c", [1])
    assert _names([a, b, c]) == ["foo/bar/a:0", "foo/bar_1/b:0", "foo/bar/c:0"]
    with pytest.raises(TypeError, match="default_name is None"):
        gc.variable_scope(None)
    with pytest.raises(ValueError, match="without a name_or_scope"):
        with gc.variable_scope(None, default_name="x", reuse=True):
            pass


# ---- reuse ---------------------------------------------------------------------------------
def test_existing_variable_without_reuse_names_where_it_was_made():
    with gc.variable_scope("dense"):
        gc.get_variable("W", [3, 2])
    with pytest.raises(ValueError) as e, gc.variable_scope("dense"):
        gc.get_variable("W", [3, 2])
    msg = str(e.value)
    assert msg.startswith("Variable dense/W already exists, disallowed. Did you mean to "
                          "set reuse=True or reuse=gc.AUTO_REUSE in VarScope?")
    assert "Originally defined at tests/test_scope.py:" in msg or "test_scope.py:" in msg


def test_reuse_true_needs_an_existing_variable_and_names_a_plain_one():
    with pytest.raises(ValueError, match=r"Variable foo/v does not exist, or was not "
                                         r"created with gc.get_variable\(\)"):
        with gc.variable_scope("foo", reuse=True):
            gc.get_variable("v", [1])
    gc.Variable(1.0, name="bar/w")
    with pytest.raises(ValueError) as e, gc.variable_scope("bar", reuse=True):
        gc.get_variable("w", [])
    assert "VariableV2 'bar/w' created at" in str(e.value) and "test_scope.py" in str(e.value)


def test_reuse_is_inherited_and_reuse_variables_switches_it_on():
    with gc.variable_scope("foo") as scope:
        v = gc.get_variable("v", [1])
        assert scope.reuse is False
        scope.reuse_variables()
        assert gc.get_variable_scope().reuse is True
        assert gc.get_variable("v", [1]) is v
    with gc.variable_scope("root", reuse=True):
        with gc.variable_scope("inner"):
            assert gc.get_variable_scope().reuse is True
            assert gc.get_variable_scope().name == "root/inner"
    assert gc.get_variable_scope().reuse is False and gc.get_variable_scope().name == ""


def test_auto_reuse_creates_once_then_returns_it():
    def foo():
        with gc.variable_scope("foo", reuse=gc.AUTO_REUSE):
            return gc.get_variable("v", [1])
    assert foo() is foo()
    assert _names(gc.global_variables()) == ["foo/v:0"]
    assert repr(gc.AUTO_REUSE) == "gc.AUTO_REUSE"
    with pytest.raises(ValueError, match="reuse parameter"):
        gc.variable_scope("x", reuse="yes")


def test_sharing_checks_shape_and_dtype():
    with gc.variable_scope("s"):
        gc.get_variable("w", [2, 3])
        n = gc.get_variable("n", initializer=gc.constant([1, 2]))
    assert n.dtype is gc.int32 and n.shape == (2,)
    with gc.variable_scope("s", reuse=True):
        assert gc.get_variable("w", [None, 3]).shape == (2, 3)
        with pytest.raises(gc.errors.ShapeError, match=r"Trying to share variable s/w, but "
                                                         r"specified shape \(3, 2\) and found "
                                                         r"shape \(2, 3\)"):
            gc.get_variable("w", [3, 2])
        with pytest.raises(gc.errors.DTypeError, match="specified dtype float64 and found "
                                                         "dtype float32"):
            gc.get_variable("w", dtype=gc.float64)
        with pytest.raises(gc.errors.DTypeError, match=r"default: pass dtype=gc.int32"):
            gc.get_variable("n")
        assert gc.get_variable("n", dtype=gc.int32).dtype is gc.int32


def test_a_name_taken_by_another_node_gives_a_renamed_variable():
    """TF1: the variable's op is x/W_1, kept in the variable store as x/W."""
    gc.placeholder(gc.float32, name="x/W")
    with gc.variable_scope("x"):
        w = gc.get_variable("W", [1])
    assert w.op.name == "x/W_1"
    with gc.variable_scope("x", reuse=True):
        assert gc.get_variable("W") is w


def test_variables_in_cond_branches_are_shared_or_made_outside():
    with gc.variable_scope("m"):
        w = gc.get_variable("w", [], initializer=gc.constant_initializer(3.0))
    p = gc.placeholder(gc.bool, [])

    def branch():
        with gc.variable_scope("m", reuse=True):
            return gc.get_variable("w") * 2.0
    y = gc.cond(p, branch, lambda: gc.constant(0.0))
    with gc.Session() as s:
        s.run(w.initializer)
        assert s.run(y, {p: True}) == 6.0
    z = gc.cond(p, lambda: gc.get_variable("new", [1], initializer=gc.ones_initializer()),
                lambda: gc.zeros([1]))
    new = gc.global_variables()[-1]
    assert new.op.name == "new" and new.graph is gc.get_default_graph()
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(z, {p: True}) == [1.0] and s.run(z, {p: False}) == [0.0]


# ---- get_variable details ------------------------------------------------------------------
def test_initializers_defaults_and_values():
    with gc.variable_scope("d", initializer=gc.constant_initializer(0.5)):
        a = gc.get_variable("a", [2])
        b = gc.get_variable("b", [2], initializer=gc.ones_initializer)     # a class works
    c = gc.get_variable("c", [2], dtype=gc.int32)                           # ints: zeros
    f = gc.get_variable("f", [2], dtype=gc.bool)
    g = gc.get_variable("g", initializer=[[1.0, 2.0]], dtype=gc.float64)    # from a value
    h = gc.get_variable("h", initializer=lambda: gc.ones([3]))              # no shape
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        va, vb, vc, vf, vg, vh = s.run([a, b, c, f, g, h])
    np.testing.assert_array_equal(va, [0.5, 0.5])
    np.testing.assert_array_equal(vb, [1, 1])
    assert vc.dtype == np.int32 and not vc.any() and vf.dtype == np.bool_ and not vf.any()
    assert vg.dtype == np.float64 and vg.shape == (1, 2) and vh.shape == (3,)
    with pytest.raises(ValueError, match="do not specify shape"):
        gc.get_variable("bad", [2], initializer=[1.0, 2.0])
    with pytest.raises(gc.errors.ShapeError, match=r"must be fully defined"):
        gc.get_variable("bad2", [None, 2])
    with pytest.raises(gc.errors.DTypeError, match="Initializer type 'int32' and explicit "
                                                   "dtype 'float32' don't match"):
        gc.get_variable("bad3", initializer=gc.constant([1]), dtype=gc.float32)
    with pytest.raises(gc.errors.ShapeError, match=r"initializer of variable bad4"):
        gc.get_variable("bad4", [2], initializer=lambda shape, dtype: gc.zeros([3], dtype))


def test_regularizer_goes_to_the_collection_once():
    reg = lambda w: 0.5 * gc.reduce_sum(w * w)              # noqa: E731
    with gc.variable_scope("r", regularizer=reg, reuse=gc.AUTO_REUSE):
        w = gc.get_variable("w", initializer=gc.constant([1.0, 2.0]))
        gc.get_variable("w")
        gc.get_variable("u", [1], regularizer=gc.no_regularizer)
    losses = gc.get_collection(gc.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1 and losses[0].op.name.startswith("r/w/Regularizer/")
    with gc.Session() as s:
        s.run(w.initializer)
        assert s.run(losses[0]) == 2.5


def test_collections_trainable_and_local_variables():
    a = gc.get_variable("a", [1], trainable=False)
    b = gc.get_variable("b", [1], collections=["mine"])
    c = gc.get_local_variable("c", [], dtype=gc.int32)
    assert _names(gc.global_variables()) == ["a:0"]
    assert _names(gc.trainable_variables()) == ["b:0"]
    assert gc.get_collection("mine") == [b] and gc.local_variables() == [c]
    assert not a.trainable and not c.trainable
    assert gc.GraphKeys.GLOBAL_VARIABLES == "variables"
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        assert s.run(c) == 0


def test_get_collection_filters_by_scope_regex():
    with gc.variable_scope("enc"):
        e = gc.get_variable("w", [1])
    with gc.variable_scope("dec") as dec:
        d = gc.get_variable("w", [1])
    assert gc.get_collection(gc.GraphKeys.GLOBAL_VARIABLES, scope="enc") == [e]
    assert gc.get_collection(gc.GraphKeys.GLOBAL_VARIABLES, scope="(enc|dec)/w") == [e, d]
    assert dec.global_variables() == [d] and dec.trainable_variables() == [d]
    gc.add_to_collections(["x", "y"], 1)
    gc.get_collection_ref("x").append(2)
    assert gc.get_collection("x") == [1, 2] and gc.get_collection("y") == [1]
    assert gc.get_collection("x", scope="any") == []       # no .name: left out (TF1)


def test_custom_getters_wrap_the_true_getter_outermost_last():
    seen = []

    def outer(getter, name, *args, **kwargs):
        seen.append(("outer", name))
        return getter(name + "_o", *args, **kwargs)

    def inner(getter, name, *args, **kwargs):
        seen.append(("inner", name))
        return getter(name + "_i", *args, **kwargs)
    with gc.variable_scope("s", custom_getter=outer):
        with gc.variable_scope("t", custom_getter=inner):
            v = gc.get_variable("v", [1])
    assert seen == [("inner", "s/t/v"), ("outer", "s/t/v_i")] and v.name == "s/t/v_i_o:0"


def test_custom_getters_see_trainable_resolved_as_tf1_does():
    seen = {}

    def getter(getter, name, *args, **kwargs):
        seen[name] = kwargs["trainable"]
        return getter(name, *args, **kwargs)
    with gc.variable_scope("s", custom_getter=getter):
        gc.get_variable("a", [1])
        gc.get_variable("b", [1], trainable=False)
        gc.get_local_variable("c", [1])
    assert seen == {"s/a": True, "s/b": False, "s/c": False}     # never None
    assert _names(gc.trainable_variables()) == ["s/a:0"]


def test_scope_dtype_and_unsupported_arguments():
    with gc.variable_scope("f64", dtype=gc.float64):
        v = gc.get_variable("v", [2])
        assert gc.get_variable_scope().dtype is gc.float64
    assert v.dtype is gc.float64
    with pytest.raises(ValueError, match="constraint is not supported"):
        gc.variable_scope("c", constraint=lambda w: w)


# ---- initializers --------------------------------------------------------------------------
def _value(init, shape, dtype=gc.float32):
    with gc.Graph().as_default(), gc.Session() as s:
        return s.run(init(shape, dtype=dtype))


def test_glorot_uniform_bounds_are_exact_and_variance_matches():
    shape = [300, 500]
    limit = math.sqrt(6.0 / (300 + 500))
    x = _value(gc.glorot_uniform_initializer(seed=1), shape)
    assert x.shape == (300, 500) and np.abs(x).max() <= limit
    assert np.abs(x).max() > 0.99 * limit
    assert abs(x.std() - limit / math.sqrt(3)) < 0.01 * limit
    k = _value(gc.initializers.he_uniform(seed=2), [3, 3, 16, 32])     # conv kernel fans
    assert np.abs(k).max() <= math.sqrt(6.0 / (3 * 3 * 16))


@pytest.mark.parametrize("mode,n", [("fan_in", 400), ("fan_out", 600), ("fan_avg", 500)])
def test_variance_scaling_normal_variants(mode, n):
    shape = [400, 600]
    t = _value(gc.variance_scaling_initializer(2.0, mode, seed=3), shape)
    u = _value(gc.variance_scaling_initializer(2.0, mode, "untruncated_normal", seed=3), shape)
    std = math.sqrt(2.0 / n)
    assert abs(t.std() - std) < 0.02 * std and np.abs(t).max() <= 2 * std / .8796256610 + 1e-6
    assert abs(u.std() - std) < 0.02 * std and np.abs(u).max() > 2 * std / .8796256610
    assert abs(t.mean()) < 0.01 * std * 10


def test_random_initializers_statistics_and_seeds():
    n = _value(gc.random_normal_initializer(1.0, 2.0, seed=4), [200, 300])
    t = _value(gc.truncated_normal_initializer(0.0, 0.5, seed=5), [200, 300])
    u = _value(gc.random_uniform_initializer(-3.0, 1.0, seed=6), [200, 300])
    assert abs(n.mean() - 1.0) < 0.03 and abs(n.std() - 2.0) < 0.03
    assert np.abs(t).max() <= 1.0 and abs(t.std() - 0.5 * .8796256610) < 0.01
    assert u.min() >= -3.0 and u.max() < 1.0 and abs(u.mean() + 1.0) < 0.02
    again = _value(gc.random_normal_initializer(1.0, 2.0, seed=4), [200, 300])
    np.testing.assert_array_equal(n, again)
    ints = _value(gc.random_uniform_initializer(0, 5), [1000], gc.int32)
    assert ints.dtype == np.int32 and set(np.unique(ints)) == {0, 1, 2, 3, 4}


def test_constant_and_identity_initializers_refuse_a_wrong_size():
    np.testing.assert_array_equal(_value(gc.constant_initializer([1, 2, 3, 4]), [2, 2]),
                                  [[1, 2], [3, 4]])
    np.testing.assert_array_equal(_value(gc.initializers.identity(2.0), [2, 3]),
                                  2 * np.eye(2, 3))
    with pytest.raises(gc.errors.ShapeError, match="8 elements cannot initialize"):
        _value(gc.constant_initializer(list(range(8))), [2, 3])
    np.testing.assert_array_equal(    # TF1: fewer values are filled out with the last
        _value(gc.constant_initializer(list(range(8))), [3, 4]).ravel(),
        list(range(8)) + [7] * 4)
    with pytest.raises(gc.errors.ShapeError, match="verify_shape"):
        _value(gc.constant_initializer([1, 2], verify_shape=True), [1, 2])
    with pytest.raises(TypeError, match="Invalid type"):
        gc.constant_initializer({"a": 1})
    with pytest.raises(gc.errors.DTypeError, match="floating point"):
        gc.random_normal_initializer(dtype=gc.int32)
    with pytest.raises(ValueError, match="Invalid `mode`"):
        gc.variance_scaling_initializer(mode="fan_sum")
    assert gc.glorot_normal_initializer(seed=1).get_config() == {"seed": 1,
                                                                 "dtype": "float32"}


def test_make_template_creates_once_and_reuses():
    def f(x):
        return gc.matmul(x, gc.get_variable("w", [3, 2], initializer=gc.ones_initializer()))
    t = gc.make_template("lin", f)
    assert t.variable_scope_name is None and t.variables == []
    x = gc.constant([[1.0, 2.0, 3.0]])
    a, b = t(x), t(x * 2.0)
    assert [v.name for v in t.variables] == ["lin/w:0"] and t.variable_scope_name == "lin/"
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(b).tolist() == [[12.0, 12.0]] and s.run(a).tolist() == [[6.0, 6.0]]
    u = gc.make_template("lin", f)
    u(x)
    assert [v.name for v in u.variables] == ["lin_1/w:0"]


def test_a_template_that_makes_new_variables_after_its_first_call_fails():
    calls = []

    def f():
        calls.append(1)
        return gc.get_variable(f"v{len(calls)}", [1])
    t = gc.make_template("grow", f)
    t()
    with pytest.raises(ValueError):
        t()
