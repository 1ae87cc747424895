"""registry.apply_elementwise, the build fast path of unary and binary elementwise ops,
builds exactly what apply() builds: the same node name, op, inputs, shape and dtype,
and the same error (class and message) when apply() refuses."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.ops import registry
from graphc.ops.registry import REGISTRY

BINARY = ["Add", "Sub", "Mul", "RealDiv", "Maximum", "Less", "LogicalAnd", "BitwiseAnd"]
UNARY = ["Tanh", "Neg", "Sqrt", "LogicalNot", "IsNan", "Relu", "Abs"]
DTYPES = [gc.float32, gc.float64, gc.int32, gc.bool]
# unknown rank, scalars, equal shapes, unknown dims, shapes that broadcast and clash
SHAPES = st.sampled_from([None, (), (3,), (2, 3), (None, 3), (2, None), (1, 3), (4,)])


def _rule(op):
    """(kind, out_dtype) of op's infer rule, read from the closure _unary/_binary made."""
    cells = dict(zip(op.infer.__code__.co_freevars,
                     (c.cell_contents for c in op.infer.__closure__)))
    return cells["kind"], cells["out_dtype"]


def _build(way, op, specs, name):
    graph = gc.Graph()
    with graph.as_default():
        ins = tuple(gc.placeholder(d, s, name=f"in{i}") for i, (d, s) in enumerate(specs))
        try:
            # one line, so that both report the same call site in their errors
            t = registry.apply_elementwise(op, ins, *_rule(op), name) if way == "fast" else registry.apply1(op, ins, name)  # noqa: E501
        except Exception as e:          # noqa: BLE001 (compared below, class and text)
            return ("error", type(e), str(e))
    shape = t.shape.as_list() if t.shape.rank is not None else None
    return (t.node.name, t.node.op.name, [x.name for x in t.node.inputs], shape,
            t.dtype, t.node.attrs)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(BINARY + UNARY), st.sampled_from(DTYPES),
       st.one_of(st.none(), st.sampled_from(DTYPES)), SHAPES, SHAPES,
       st.sampled_from([None, "y", "scope/"]))
def test_fast_path_builds_what_apply_builds(name, d0, d1, s0, s1, node_name):
    """d1 None: the second operand has the first's dtype (the common case)."""
    op = REGISTRY[name]
    specs = [(d0, s0)] if name in UNARY else [(d0, s0), (d1 or d0, s1)]
    fast = _build("fast", op, specs, node_name)
    slow = _build("slow", op, specs, node_name)
    assert fast == slow


def test_fast_path_is_taken_for_the_common_case(monkeypatch):
    """Equal shapes skip apply(); a broadcast, a Variable operand or a cond branch
    go through it."""
    calls = []
    real = registry.apply

    def counting(*a, **k):
        calls.append(a[0].name)
        return real(*a, **k)
    monkeypatch.setattr(registry, "apply", counting)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (2, 3))
        b = gc.placeholder(gc.float32, (3,))
        two = gc.constant(2.0)
        calls.clear()
        y = gc.tanh(gc.add(x, x) * two)
        assert calls == [] and y.shape.as_list() == [2, 3]
        assert (x + b).shape.as_list() == [2, 3] and calls == ["Add"]
        v = gc.Variable(np.ones(3, np.float32))
        calls.clear()
        v + b
        assert calls == ["Add"]


def test_fast_path_inside_cond_captures_outer_tensors():
    x = gc.placeholder(gc.float32, (3,))
    p = gc.placeholder(gc.bool, ())
    y = gc.cond(p, lambda: x * x, lambda: x + x)
    with gc.Session() as s:
        v = np.array([1, 2, 3], np.float32)
        np.testing.assert_array_equal(s.run(y, {x: v, p: True}), v * v)
        np.testing.assert_array_equal(s.run(y, {x: v, p: False}), v + v)


@pytest.mark.parametrize("a, b", [(gc.float32, gc.float64), (gc.int32, gc.float32)])
def test_fast_path_dtype_mismatch_is_the_usual_error(a, b):
    with gc.Graph().as_default():
        x = gc.placeholder(a, (2,), name="x")
        y = gc.placeholder(b, (2,), name="y")
        with pytest.raises(gc.errors.DTypeError, match="dtypes differ"):
            gc.add(x, y)
