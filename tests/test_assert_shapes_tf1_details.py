"""assert_shapes, assert_rank_in and complex values in assert/print messages, against
the outputs of TF 2.21 (tensorflow.compat.v1, v2 behaviour disabled), hard-coded."""
import sys

import numpy as np
import pytest

import graphc as gc


def _failure(fetch, feed):
    with gc.Session() as s:
        with pytest.raises(gc.errors.InvalidArgumentError) as e:
            s.run(fetch, feed)
    return str(e.value).split("assertion failed: ", 1)[1].splitlines()[0]


@pytest.mark.parametrize("spec", [lambda x, y: [(x, ())],
                                  lambda x, y: [(x, ("N",)), (y, ("N",))],
                                  lambda x, y: [(x, ("*", "C")), (y, ("C",))]])
def test_unknown_rank_fed_a_scalar_counts_as_shape_1(spec):
    x = gc.placeholder(gc.float32, None, name="x")
    y = gc.placeholder(gc.float32, [None], name="y")
    with gc.control_dependencies([gc.debugging.assert_shapes(spec(x, y))]):
        z = gc.identity(x) + y
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(z, {x: 2., y: [1.]}), [3.])   # TF: [3.]


def test_scalar_against_size_2_gives_the_assert_message():
    x = gc.placeholder(gc.float32, None, name="x")
    y = gc.placeholder(gc.float32, [None], name="y")
    a = gc.debugging.assert_shapes([(x, ("N",)), (y, ("N",))])
    assert _failure(a, {x: 2., y: [1., 2.]}) == (
        "[] [Specified by tensor x:0 dimension 0] [Tensor y:0 dimension] [0] "
        "[must have size] [1] [Received shape: ] [2]")


def test_wrong_rank_fails_on_the_rank_check_not_in_a_slice():
    x = gc.placeholder(gc.float32, None, name="x")
    a = gc.debugging.assert_shapes([(x, (2, "N"))])
    msg = _failure(a, {x: np.zeros(5)})
    assert "must have rank 2" in msg and "[5]" in msg


@pytest.mark.parametrize("spec, feed, tf_text", [
    (lambda x, y: [(x, ("*", "C")), (y, ("C",))], {"x": np.zeros((2, 3)), "y": [1., 2.]},
     "[] [Specified by tensor x:0 dimension -1] [Tensor y:0 dimension] [0] "
     "[must have size] [3] [Received shape: ] [2]"),
    (lambda x, y: [(x, (2, 3))], {"x": np.zeros((2, 4))},
     "[] [Specified explicitly] [Tensor x:0 dimension] [1] [must have size] [3] "
     "[Received shape: ] [2 4]"),
    (lambda x, y: [(x, ("*", 3))], {"x": np.zeros((2, 4))},
     "[] [Specified explicitly] [Tensor x:0 dimension] [-1] [must have size] [3] "
     "[Received shape: ] [2 4]"),
    (lambda x, y: [(y, ("N",)), (x, ("*", "N", 3))], {"x": np.zeros((5, 2, 3)),
                                                       "y": [1., 2., 3.]},
     "[] [Specified by tensor y:0 dimension 0] [Tensor x:0 dimension] [-2] "
     "[must have size] [3] [Received shape: ] [5 2 3]"),
])
def test_run_time_messages_name_the_dim_and_the_size(spec, feed, tf_text):
    x = gc.placeholder(gc.float32, None, name="x")
    y = gc.placeholder(gc.float32, [None], name="y")
    a = gc.debugging.assert_shapes(spec(x, y))
    assert _failure(a, {{"x": x, "y": y}[k]: v for k, v in feed.items()}) == tf_text


def test_symbol_mismatch_message_r4():
    feats = gc.placeholder(gc.float32, [None, None], name="feats")
    labels = gc.placeholder(gc.int32, [None], name="labels")
    chk = gc.debugging.assert_shapes([(feats, ("B", 4)), (labels, ("B",))], message="batch")
    # TF: [batch.  ] [Specified by tensor feats:0 dimension 0] [Tensor labels:0 dimension]
    #     [0] [must have size] [3] [Received shape: ] [2]
    assert _failure(chk, {feats: np.zeros((3, 4)), labels: [0, 1]}) == (
        "[batch] [Specified by tensor feats:0 dimension 0] [Tensor labels:0 dimension] [0] "
        "[must have size] [3] [Received shape: ] [2]")


@pytest.mark.parametrize("spec, tf_text", [
    (lambda p, q: [(p, ("N", "D")), (q, ("N", "D"))],
     "Specified by tensor p:0 dimension 0.  Tensor q:0 dimension 0 must have size 3.  "
     "Received size 5, shape (5, 4)"),
    (lambda p, q: [(p, ("*", "D")), (q, ("*", 5))],
     "Specified explicitly.  Tensor q:0 dimension -1 must have size 5.  "
     "Received size 4, shape (5, 4)"),
    (lambda p, q: [(p, (3, 5))],
     "Specified explicitly.  Tensor p:0 dimension 1 must have size 5.  "
     "Received size 4, shape (3, 4)"),
])
def test_build_time_messages_use_tf_dim_numbers(spec, tf_text):
    p = gc.placeholder(gc.float32, [3, 4], name="p")
    q = gc.placeholder(gc.float32, [5, 4], name="q")
    with pytest.raises(ValueError) as e:
        gc.debugging.assert_shapes(spec(p, q), message="m")
    assert str(e.value).splitlines()[0].replace(".  ", ". ") == \
        "m  " + tf_text.replace(".  ", ". ")


def test_assert_rank_in_with_a_tensor_rank():
    x = gc.placeholder(gc.float32, None, name="x")
    r = gc.placeholder(gc.int32, [], name="r")
    a = gc.assert_rank_in(x, [r, 3], message="m")
    with gc.Session() as s:
        assert s.run(a, {x: np.zeros((2, 2)), r: 2}) is None        # TF: None
    # TF: [m.  ] [Tensor x:0 must have rank in] [1] [3] [Received shape: ] [2 2]
    assert _failure(a, {x: np.zeros((2, 2)), r: 1}) == (
        "[m] [Tensor x:0 must have rank in] [1] [3] [Received shape: ] [2 2]")


def test_assert_rank_in_tensor_rank_with_known_rank_checks_at_run_time():
    x2 = gc.placeholder(gc.float32, [2, 2], name="x2")
    r = gc.placeholder(gc.int32, [], name="r")
    a = gc.assert_rank_in(x2, [r, 3])
    with gc.Session() as s:
        assert s.run(a, {x2: np.zeros((2, 2)), r: 2}) is None
    assert _failure(a, {x2: np.zeros((2, 2)), r: 1}) == (
        "[] [Tensor x2:0 must have rank in] [1] [3] [Received shape: ] [2 2]")
    with pytest.raises(ValueError, match=r"must have rank in \[1, 3\]"):
        gc.assert_rank_in(x2, [gc.constant(1), 3])              # folded, as TF does
    with pytest.raises(ValueError, match="Rank must be a scalar"):
        gc.assert_rank_in(x2, [gc.constant([2])])


def test_complex_values_print_as_question_marks(capsys):
    c = gc.placeholder(gc.complex64, [None], name="c")
    a = gc.assert_equal(c, gc.zeros_like(c), message="cplx")
    with _no_complex_warning():
        text = _failure(a, {c: [1 + 2j, -0.5j]})
    assert text == ("[cplx] [Condition x == y did not hold element-wise:] "
                    "[x (c:0) = ] [? ?] [y (zeros_like:0) = ] [? ?]")
    k = gc.constant([1 + 2j, -0.5j], gc.complex64)
    k128 = gc.constant(1.5 - 2j, gc.complex128)
    with gc.Session() as s:
        s.run(gc.print("v2", k, k128, output_stream=sys.stdout))
        assert capsys.readouterr().out == "v2 [? ?] ?\n"              # TF's tf.print
        assert _failure(gc.Assert(False, [k, k128]), {}) == "[? ?] [?]"


class _no_complex_warning:
    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("error", np.exceptions.ComplexWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


def test_is_numeric_tensor_counts_quantized_dtypes_as_tf():
    assert gc.debugging.is_numeric_tensor(gc.placeholder(gc.qint8, [2]))
    assert not gc.debugging.is_numeric_tensor(gc.placeholder(gc.string, [2]))
