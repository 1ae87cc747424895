"""Graph building, Session.run and gradients' API behave as TF1's (tf.compat.v1 graph
mode): names, fetch and feed structures, scalar results, stop_gradients."""
import collections

import numpy as np
import pytest

import graphc as gc
from tf_parity import check, v1

P = collections.namedtuple("P", "a b")


def both(fn):
    """fn(m) on a fresh graph of each library: (graphc's result, TF's result)."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            out.append(fn(m))
    return out


def same_run(fn, feed_fn=None):
    """fn(m) builds the fetches; both libraries' Session.run give equal results, of the
    same Python types."""
    def go(m):
        fetch = fn(m)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return sess.run(fetch, feed_fn(m) if feed_fn else None)
    got, want = both(go)
    _same(got, want)


def _same(a, b):
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif a is not None:
        assert np.asarray(a).dtype == np.asarray(b).dtype, (a, b)
        np.testing.assert_allclose(a, b)


def test_fetch_structures_and_scalars_match():
    def fn(m):
        x = m.constant([[1., 2.], [3., 4.]])
        return {"p": P(x * 2, [m.reduce_sum(x), m.no_op()]),
                "o": collections.OrderedDict([("z", m.shape(x)), ("a", x[0, 1])]),
                "t": (m.argmax(x, axis=1), m.reduce_mean(m.constant([1, 2])))}
    same_run(fn)


def test_feeds_by_tensor_and_by_name_and_of_intermediates_match():
    def fn(m):
        x = m.placeholder(m.float32, (None, 2), name="x")
        y = m.identity(x * 3.0, name="y")
        return [y + 1.0, m.reduce_sum(y)]
    same_run(fn, lambda m: {"x:0": [[1, 2]]})
    same_run(fn, lambda m: {"y:0": np.ones((3, 2), np.float32)})


def test_variables_read_after_control_dependencies_match():
    def fn(m):
        v = m.Variable([1., 2.], name="v")
        with m.control_dependencies([v.assign_add([10., 10.])]):
            r = m.identity(v.read_value())
        return r
    same_run(fn)


def test_unique_names_scopes_and_variable_scopes_match():
    def fn(m):
        x = m.placeholder(m.float32, (2, 3), name="x")
        names = [x.name]
        with m.name_scope("s"):
            names += [m.matmul(x, x, transpose_b=True).name, m.identity(x).name]
            with m.name_scope("t"):
                names.append(m.identity(x).name)
        with m.name_scope("s"):
            names.append(m.identity(x).name)
        with m.name_scope("s/"):
            names.append(m.identity(x).name)
        with m.variable_scope("v"):
            w = m.get_variable("w", (3,), initializer=m.zeros_initializer())
            names += [w.name, m.reduce_sum(w, name="total").name]
        with m.variable_scope("v", reuse=True):
            assert m.get_variable("w", (3,)).name == w.name
        with m.variable_scope("v", reuse=m.AUTO_REUSE):
            names.append(m.get_variable("u", (3,), initializer=m.ones_initializer()).name)
        names += [m.Variable(1.0, name="var").name, m.Variable(2.0, name="var").name]
        names += [m.reduce_sum(x, name="r").name, m.reduce_sum(x, name="r").name]
        names += [t.name for t in m.split(x, 3, axis=1)]
        names.append(m.gradients(m.reduce_sum(x * x), [x])[0].name.split("/")[0])
        names.append(sorted(v.name for v in m.global_variables()))
        names.append(sorted(v.name for v in m.get_collection(
            m.GraphKeys.TRAINABLE_VARIABLES, scope="v")))
        return names
    got, want = both(fn)
    assert got == want


def test_get_tensor_and_operation_by_name_match():
    def fn(m):
        with m.name_scope("a"):
            y = m.add(m.constant(1.0), m.constant(2.0), name="y")
        g = m.get_default_graph()
        return (g.get_tensor_by_name("a/y:0") is y, g.get_operation_by_name("a/y") is y.op,
                y.op.name, y.name, [t.name for t in y.op.inputs])
    got, want = both(fn)
    assert got == want


@pytest.mark.parametrize("case", ["x_in_stop", "through_stop", "both_paths", "none"])
def test_stop_gradients_match(case):
    """A stop tensor still gets its own gradient; its op passes none on (TF1)."""
    def fn(m, x):
        h = m.sin(x) * x
        y = m.reduce_sum(h * h + x)
        stop = {"x_in_stop": [x], "through_stop": [h], "both_paths": [h, x],
                "none": None}[case]
        return m.gradients(y, [x, h], stop_gradients=stop)
    check(fn, np.array([0.5, -1.5, 2.0]), grad=False)


def test_stop_gradients_with_forward_mode():
    x = gc.constant([0.5, -1.5])
    h = gc.sin(x)
    y = h * x
    dy, = gc.jvp(y, [x], [gc.ones_like(x)], stop_gradients=[h])
    with gc.Session() as sess:
        np.testing.assert_allclose(sess.run(dy), np.sin([0.5, -1.5]))


@pytest.mark.parametrize("unconnected", ["none", "zero"])
def test_gradients_of_several_ys_with_grad_ys_and_unconnected_match(unconnected):
    def fn(m, x, z):
        ys = [x * x, m.reduce_sum(3.0 * x, axis=1)]
        gys = [m.ones_like(ys[0]) * 2.0, m.constant([1.0, -1.0], dtype=x.dtype)]
        return m.gradients(ys, [x, z], grad_ys=gys, unconnected_gradients=unconnected)
    if unconnected == "none":
        with gc.Graph().as_default():
            x, z = gc.constant(np.ones((2, 3))), gc.constant(1.0)
            assert fn(gc, x, z)[1] is None
    else:
        check(fn, np.arange(6.0).reshape(2, 3), np.array(1.0), grad=False)


def test_second_derivative_of_a_gradient_matches():
    def fn(m, x):
        g, = m.gradients(m.reduce_sum(m.tanh(x) ** 3), [x])
        return m.gradients(m.reduce_sum(g * m.sin(x)), [x])
    check(fn, np.array([0.3, -0.7, 1.1]), grad=False)


def test_lists_of_tensors_are_packed_as_in_tf1():
    def fn(m, x, y):
        return [m.reduce_sum([x, 2.0 * x, y]), m.reduce_mean([[x, y], [y, 1.0]], axis=1),
                m.convert_to_tensor([x, y], name="pair")]
    check(fn, np.array(0.7), np.array(-1.2))


def test_make_template_shares_variables_as_in_tf1():
    def fn(m):
        x = m.constant([[1.0, 2.0, 3.0]])

        def f(x, scale):
            w = m.get_variable("w", [3, 2], initializer=m.ones_initializer())
            return m.matmul(x, w) * scale
        t = m.make_template("dense", f, scale=2.0)
        a, b = t(x), t(x)
        t2 = m.make_template("dense", f, scale=1.0, create_scope_now_=True)
        c = t2(x)
        names = ([v.name for v in m.global_variables()], t.variable_scope_name,
                 t2.variable_scope_name, [v.name for v in t.trainable_variables],
                 a.name, b.name, c.name)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return names, [v.tolist() for v in sess.run([a, b, c])]
    got, want = both(fn)
    assert got == want
