"""gc.function in graph mode: signatures, variables, methods, concrete functions."""
import numpy as np
import pytest

import graphc as gc


def _run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


def test_calls_build_ops_in_the_calling_graph_under_the_function_name():
    with gc.Graph().as_default():
        @gc.function
        def affine(x, w):
            return gc.matmul(x, w) + 1.0

        x = gc.placeholder(gc.float32, [None, 2])
        y = affine(x, np.eye(2, dtype=np.float32))
        assert y.name.startswith("affine/") and y.graph is gc.get_default_graph()
        g, = gc.gradients(gc.reduce_sum(y), x)
        out, dx = _run([y, g], {x: [[1.0, 2.0]]})
    np.testing.assert_allclose(out, [[2.0, 3.0]])
    np.testing.assert_allclose(dx, [[1.0, 1.0]])


def test_input_signature_checks_and_converts():
    with gc.Graph().as_default():
        @gc.function(input_signature=[gc.TensorSpec([None, 3], gc.float32),
                                      gc.TensorSpec([], gc.float32)])
        def scale(x, k):
            return x * k

        x = gc.placeholder(gc.float32, [None, 3])
        y = scale(x, 2)                                  # 2 becomes a float32 tensor
        assert y.dtype is gc.float32
        with pytest.raises(TypeError, match="Can not cast .*int32"):
            scale(gc.placeholder(gc.int32, [None, 3]), 1.0)
        with pytest.raises(TypeError, match="Can not cast .*None, 4"):
            scale(gc.placeholder(gc.float32, [None, 4]), 1.0)
        with pytest.raises(TypeError, match="too many positional arguments"):
            scale(x, 1.0, 2.0)
        with pytest.raises(TypeError, match="missing a required argument: 'k'"):
            scale(x)
        assert scale(x, k=3.0).shape.as_list() == [None, 3]
        assert scale(k=3.0, x=x).shape.as_list() == [None, 3]     # keywords in any order
        with pytest.raises(TypeError, match="unexpected keyword argument 'q'"):
            scale(x, 1.0, q=2.0)
        np.testing.assert_allclose(_run(y, {x: np.ones((1, 3))}), 2.0)
    with pytest.raises(TypeError, match="TensorSpec"):
        gc.function(lambda x: x, input_signature=[3])


def test_variables_only_on_the_first_call():
    with gc.Graph().as_default():
        class Counter:
            v = None

            @gc.function
            def add(self, a):
                if self.v is None:
                    self.v = gc.Variable(10.0)
                return a + self.v

        c = Counter()
        a, b = c.add(1.0), c.add(2.0)
        assert len(gc.global_variables()) == 1

        @gc.function
        def fresh(a):
            return a * gc.Variable(1.0)

        with pytest.raises(ValueError, match="singleton tf.Variables"):
            fresh(1.0)                  # traced twice, as TF: the second makes another
        assert _run([a, b]) == [11.0, 12.0]


def test_concrete_function_traces_with_placeholders_named_after_the_arguments():
    with gc.Graph().as_default() as outer:
        @gc.function(input_signature=[gc.TensorSpec([None, 3], gc.float32, name="feats")])
        def total(x):
            return {"sum": gc.reduce_sum(x, 1)}

        cf = total.get_concrete_function()
        assert cf.graph is outer
        assert [t.name for t in cf.inputs] == ["total_concrete/feats:0"]
        assert cf.structured_outputs["sum"] in cf.outputs
        assert cf.structured_input_signature[0][0].shape.as_list() == [None, 3]
        out = cf(gc.constant(np.ones((2, 3), np.float32)))
        np.testing.assert_allclose(_run(out["sum"]), [3.0, 3.0])
        with pytest.raises(TypeError, match="Can not cast"):
            cf(gc.constant(np.ones((2, 2), np.float32)))
        untyped = gc.function(lambda a, b: a + b).get_concrete_function(
            gc.TensorSpec([2], gc.float64), np.float64(1.0))
        assert [t.shape.as_list() for t in untyped.inputs] == [[2], []]


def test_concrete_trace_uses_the_graphs_variables():
    with gc.Graph().as_default() as outer:
        holder = {}

        @gc.function
        def f(x):
            if "v" not in holder:
                holder["v"] = gc.Variable(np.float32(3.0))
            return x * holder["v"]

        f.get_concrete_function(gc.TensorSpec([], gc.float32))
        assert holder["v"].graph is outer
        assert _run(f(2.0)) == 6.0
