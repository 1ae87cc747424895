"""TF1's TensorShape / Dimension compatibility API (graphc/shapes.py), with named dims."""
import pytest

import graphc as gc
from graphc.errors import ShapeError
from graphc.shapes import Dimension, TensorShape, as_dimension, dimension_at_index

S = TensorShape
U = TensorShape(None)


@pytest.mark.parametrize("a, b, want", [
    ((2, None), (None, 3), (2, 3)),
    ((2, 3), (2, 3), (2, 3)),
    (None, (2, 3), (2, 3)),
    ((2, 3), None, (2, 3)),
    (None, None, None),
    ((), (), ()),
    (("n", None), (5, "k"), (5, "k")),       # int over name over None
    (("n",), ("m",), ("n",)),                 # two names: this shape's
    ((None,), ("m",), ("m",)),
    ((0, None), (None, 0), (0, 0)),
])
def test_merge_with(a, b, want):
    assert S(a).merge_with(b) == S(want)
    assert S(a).is_compatible_with(b) and S(b).is_compatible_with(a)


@pytest.mark.parametrize("a, b", [((2, None), (3, 3)), ((2,), (2, 3)), ((), (1,)),
                                  ((2, "n"), (3, 4))])
def test_merge_incompatible(a, b):
    assert not S(a).is_compatible_with(b)
    with pytest.raises(ShapeError, match="not compatible"):
        S(a).merge_with(b)
    with pytest.raises(ValueError, match="are incompatible"):
        S(a).assert_is_compatible_with(b)


def test_merge_keeps_receiver_and_accepts_lists():
    s = S((2, 3))
    assert s.merge_with(U) is s
    assert S((2, None)).merge_with([2, 7]).as_list() == [2, 7]
    S((2, 3)).assert_is_compatible_with((None, 3))


@pytest.mark.parametrize("a, b, want", [
    ((2, None, 4), (2, 3, 5), (2, None, None)),
    ((2,), (2, 3), None),
    (None, (2, 3), None),
    (("n", "n", "m"), ("n", 3, "k"), ("n", None, None)),
    ((), (), ()),
])
def test_most_specific_compatible_shape(a, b, want):
    assert S(a).most_specific_compatible_shape(b) == S(want)


def test_concatenate_and_add():
    assert S((2,)).concatenate((3, None)) == S((2, 3, None))
    assert S((2,)).concatenate(4) == S((2, 4))
    assert S((2, "n")).concatenate(()) == S((2, "n"))
    assert S(None).concatenate((3,)) == U and S((3,)).concatenate(None) == U
    assert S((2,)) + (3,) == S((2, 3))
    assert [3] + S((2,)) == S((3, 2))


def test_rank_checks():
    s = S((1, 2))
    assert S(None).with_rank(2) == S((None, None))
    assert s.with_rank(2) == s
    assert S((None, "n")).with_rank(2) == S((None, "n"))
    with pytest.raises(ShapeError, match="must have rank 3"):
        s.with_rank(3)
    assert s.with_rank_at_least(1) is s and s.with_rank_at_least(2) is s
    with pytest.raises(ShapeError, match="rank at least 3"):
        s.with_rank_at_least(3)
    assert s.with_rank_at_most(2) is s and S(None).with_rank_at_most(0) == U
    with pytest.raises(ValueError, match="rank at most 1"):
        s.with_rank_at_most(1)
    s.assert_has_rank(2)
    S(None).assert_has_rank(5)
    with pytest.raises(ShapeError, match="must have rank 3"):
        s.assert_has_rank(3)
    s.assert_same_rank((None, 7))
    s.assert_same_rank(None)
    with pytest.raises(ShapeError, match="same rank"):
        s.assert_same_rank((3,))


def test_fully_defined_ndims_dims():
    S((1, 2)).assert_is_fully_defined()
    for s in (S((1, None)), S((1, "n")), U):
        assert not s.is_fully_defined()
        with pytest.raises(ShapeError, match="not fully defined"):
            s.assert_is_fully_defined()
    assert S((1, None)).ndims == 2 and U.ndims is None
    dims = S((1, None, "n")).dims          # TF's: a list of Dimensions
    assert [type(d) for d in dims] == [Dimension] * 3
    assert [d.value for d in dims] == [1, None, "n"] and U.dims is None


def test_dimension_values_and_errors():
    assert Dimension(3).value == 3 and Dimension(None).value is None
    assert Dimension("n").value == "n" and Dimension(Dimension(4)).value == 4
    assert as_dimension(5) == Dimension(5)
    with pytest.raises(ValueError, match="must be >= 0"):
        Dimension(-1)
    for bad in (1.5, True, [2]):
        with pytest.raises(TypeError):
            Dimension(bad)
    assert repr(Dimension(3)) == "Dimension(3)" and str(Dimension(None)) == "?"
    assert str(Dimension("n")) == "n"
    assert int(Dimension(3)) == 3 and [0, 1, 2, 3][Dimension(2)] == 2
    with pytest.raises(TypeError):
        int(Dimension(None))
    assert not Dimension(0) and not Dimension(None) and Dimension(2)
    with pytest.raises(TypeError):
        hash(Dimension(3))


def test_dimension_comparisons():
    d3, u = Dimension(3), Dimension(None)
    assert (d3 == 3) is True and (d3 == Dimension(4)) is False
    assert (d3 == u) is None and (u == u) is None and (d3 == None) is None  # noqa: E711
    assert (d3 != 4) is True and (d3 != u) is None
    assert (Dimension("n") == Dimension("n")) is True      # same name, same size
    assert (Dimension("n") == Dimension("m")) is None and (Dimension("n") == 3) is None
    assert (Dimension("n") != "n") is False
    assert (d3 < 4) is True and (d3 >= 4) is False and (d3 < u) is None
    assert (d3 > 2) is True and (d3 <= 3) is True and (d3 > "n") is None


def test_dimension_arithmetic():
    d = Dimension(7)
    assert d + 2 == Dimension(9) and 2 + d == Dimension(9)
    assert d - 2 == Dimension(5) and 9 - d == Dimension(2)
    assert d * Dimension(3) == Dimension(21) and 3 * d == Dimension(21)
    assert d // 2 == Dimension(3) and 15 // d == Dimension(2)
    assert d % 3 == Dimension(1) and 15 % d == Dimension(1)
    assert (d + None).value is None and (d * "n").value is None
    with pytest.raises(ValueError):
        d - 8                                      # a negative dimension
    with pytest.raises(TypeError, match="use //"):
        d / 2
    with pytest.raises(TypeError, match="use //"):
        2 / d


def test_dimension_merge_and_compat():
    assert Dimension(3).merge_with(None) == Dimension(3)
    assert Dimension(None).merge_with(4) == Dimension(4)
    assert Dimension("n").merge_with(4).value == 4
    assert Dimension("n").merge_with("m").value == "n"
    assert Dimension(3).is_compatible_with("n") and Dimension(3).is_compatible_with(None)
    assert not Dimension(3).is_compatible_with(4)
    with pytest.raises(ShapeError, match="not compatible"):
        Dimension(3).merge_with(4)
    with pytest.raises(ValueError, match="not compatible"):
        Dimension(3).assert_is_compatible_with(Dimension(4))


def test_dimension_at_index_and_shapes_of_dimensions():
    s = S((2, None, "n"))
    assert dimension_at_index(s, 0) == Dimension(2)
    assert dimension_at_index(s, 1).value is None
    assert dimension_at_index(s, -1).value == "n"
    assert dimension_at_index(U, 7).value is None
    assert dimension_at_index([4, 5], 1) == Dimension(5)
    with pytest.raises(IndexError):
        dimension_at_index(s, 5)
    assert S([Dimension(None), Dimension(3), 4]) == S((None, 3, 4))
    assert S(Dimension(3)) == S((3,))


def test_tensor_shape_api_on_graph_tensors():
    x = gc.placeholder(gc.float32, (None, 3))
    assert x.shape.merge_with((5, None)) == S((5, 3))
    assert x.get_shape().with_rank(2) is not None
    assert x.shape.is_compatible_with((4, 3)) and not x.shape.is_compatible_with((4, 2))
    assert x.shape.concatenate((2,)).as_list() == [None, 3, 2]
