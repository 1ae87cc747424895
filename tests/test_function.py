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


# ---- TF's automatic control dependencies, variable lifting, signature shapes ------------
def test_a_call_runs_the_functions_side_effects():
    """TF's automatic control dependencies: an optimizer update (or assign, print,
    assert) in the function runs whenever an output is computed (values: TF 2.21)."""
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        y = gc.placeholder(gc.float32, [None])
        w = gc.get_variable("w", [3], initializer=gc.zeros_initializer(), use_resource=True)
        opt = gc.train.GradientDescentOptimizer(0.1)

        @gc.function
        def train_step(a, t):
            with gc.GradientTape() as tape:
                loss = gc.reduce_mean((gc.reduce_sum(a * w, 1) - t) ** 2)
            opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
            return loss

        loss = train_step(x, y)
        c = gc.Variable(10.0, name="c")

        @gc.function
        def bump(a):
            c.assign_add(a)
            gc.debugging.assert_positive(a, message="must be positive")
            return c.read_value()

        z = gc.placeholder(gc.float32, [])
        bumped = bump(z)
        pure = gc.function(lambda a: a * 2.0)(z)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            feed = {x: np.eye(3), y: [1.0, 2.0, 3.0]}
            losses = [s.run(loss, feed) for _ in range(3)]
            np.testing.assert_allclose(losses, [4.6667, 4.0652, 3.5412], rtol=1e-4)
            np.testing.assert_allclose(s.run(w), [0.18696296, 0.37392592, 0.5608889],
                                       rtol=1e-6)
            assert s.run(bumped, {z: 5.0}) == 15.0
            with pytest.raises(gc.errors.InvalidArgumentError, match="must be positive"):
                s.run(bumped, {z: -1.0})
        assert pure.op.type == "Mul"            # a pure function gets no extra nodes


def test_variables_made_in_a_function_take_only_its_inner_name_scopes():
    """TF lifts them out of the function (init_scope): not under the function's or the
    caller's name scope, nor its control dependencies (names: TF 2.21)."""
    with gc.Graph().as_default():
        class Lin(gc.Module):
            def __init__(self):
                super().__init__(name="lin")
                self.w = None

            @gc.function
            def __call__(self, a):
                if self.w is None:
                    with gc.name_scope("inner"):
                        self.w = gc.Variable(gc.ones([3, 2]), name="kernel")
                return gc.matmul(a, self.w)

        x = gc.placeholder(gc.float32, [None, 3])
        Lin()(x)
        with gc.variable_scope("net"), gc.control_dependencies([gc.no_op()]):
            Lin()(x)
        assert sorted(v.name for v in gc.global_variables()) == [
            "inner/kernel:0", "inner/kernel_1:0"]
        assert not gc.global_variables()[1].initializer.control_inputs


def test_input_signature_shapes_the_arguments():
    """The function sees the signature's static shape (TF's placeholder), checked at
    run time."""
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, None])

        @gc.function(input_signature=[gc.TensorSpec([None, 3], gc.float32)])
        def f(a):
            assert a.shape.as_list() == [None, 3]
            return gc.reshape(a, [-1, a.shape[1], 1])

        y = f(x)
        assert y.shape.as_list() == [None, 3, 1]
        with gc.Session() as s:
            assert s.run(y, {x: np.ones((2, 3))}).shape == (2, 3, 1)
            with pytest.raises(gc.errors.InvalidArgumentError):
                s.run(y, {x: np.ones((2, 4))})


def test_concrete_function_outputs_and_variables():
    with gc.Graph().as_default():
        w = gc.Variable([[1.0], [2.0]], name="w")
        b = gc.Variable(0.5, name="b", trainable=False)

        @gc.function
        def f(x):
            return {"y": gc.matmul(x, w) + b, "n": gc.shape(x)}

        c = f.get_concrete_function(gc.TensorSpec([None, 2], gc.float32))
        assert c.output_shapes["y"].as_list() == [None, 1]
        assert c.output_dtypes == {"y": gc.float32, "n": gc.int32}
        assert [v.name for v in c.variables] == ["w:0", "b:0"]
        assert [v.name for v in c.trainable_variables] == ["w:0"]
        assert f.experimental_get_tracing_count() == 1       # TF counts the trace
