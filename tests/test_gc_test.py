"""gc.test: TF1's tf.test (TestCase, the gradient checker, assert_equal_graph_def,
Benchmark, stubs) for graph-mode tests."""
import io
import threading
import unittest

import numpy as np
import pytest

import graphc as gc


def _run(case_cls):
    """The unittest result of running every test of case_cls."""
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case_cls)
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    return result


class _Sample(gc.test.TestCase):
    __test__ = False            # run by test_testcase_runs_under_unittest
    def testFreshGraphWithTFsSeed(self):
        assert gc.get_default_graph().get_operations() == []
        self.assertEqual(gc.get_default_graph().seed, 87654321)
        gc.constant(1.0, name="leftover")

    def testSessionsAndEvaluate(self):
        x = gc.square(gc.constant([2.0, 3.0]))
        with self.cached_session() as s1:
            self.assertAllEqual(self.evaluate(x), [4, 9])
        with self.cached_session() as s2:
            self.assertIs(s1, s2)
        with self.session() as s3:
            self.assertIsNot(s3, s1)
            self.assertAllClose(self.evaluate({"a": x, "b": [x, (x,)]}),
                                {"a": [4, 9], "b": [[4, 9], ([4, 9],)]})
        self.assertAllClose(x, [4.0, 9.0])      # a tensor, evaluated in the cached one

    def testFailingAssertionFails(self):
        self.assertAllEqual([1, 2], [1, 3])

    def testOpErrorAssertion(self):
        x = gc.placeholder(gc.float32, (None,))
        y = gc.debugging.assert_positive(x, message="must be positive")
        with self.cached_session() as sess, self.assertRaisesOpError("must be positive"):
            sess.run(y, {x: [-1.0]})


def test_testcase_runs_under_unittest():
    result = _run(_Sample)
    assert result.testsRun == 5         # and test_session, skipped as "Not a test." (TF)
    assert [r for _, r in result.skipped] == ["Not a test."]
    assert [t.id().split(".")[-1] for t, _ in result.failures] == ["testFailingAssertionFails"]
    assert not result.errors


@pytest.fixture
def case():
    class C(gc.test.TestCase):
        def runTest(self):
            pass
    c = C()
    c.setUp()
    yield c
    c.tearDown()


@pytest.mark.parametrize("a, b", [([1.0, 2.0], [1.0, 2.0000001]), ({"a": 1}, {"a": 1.0}),
                                  ((1, 2), [1, 2]), ([np.nan, 1], [np.nan, 1]),
                                  (np.float16([1.0]), [1.0004])])
def test_all_close_accepts(case, a, b):
    case.assertAllClose(a, b)


@pytest.mark.parametrize("a, b, message", [
    (np.ones(2), np.ones((2, 1)), "Shape mismatch: expected \\(2,\\), got \\(2, 1\\)"),
    (1.0, [1.0], "Shape mismatch"), ([1.0, 2.0], [1.0, 2.1], "Not equal to tolerance"),
    ({"a": 1}, {"b": 1}, "mismatched keys"), ([[1.0], [2.0]], [[1.0]], "mismatched length")])
def test_all_close_refuses(case, a, b, message):
    with pytest.raises(AssertionError, match=message):
        case.assertAllClose(a, b)


def test_array_assertions(case):
    case.assertAllEqual([np.nan, 1.0], [np.nan, 1.0])
    case.assertNotAllEqual([1, 2], [1, 3])
    case.assertNotAllClose([1.0], [1.1])
    case.assertAllGreater([2, 3], 1)
    case.assertAllLessEqual([2, 3], 3)
    case.assertAllInSet([1, 2, 2], {1, 2, 5})
    case.assertAllInRange([0, 4], 0, 4)
    with pytest.raises(AssertionError, match=r"1 of the 3 element\(s\) are outside the "
                                             r"range \[0, 4\]\.(.|\n)*\[2\] : 5"):
        case.assertAllInRange([1, 2, 5], 0, 4)
    with pytest.raises(AssertionError, match="outside the range \\(0, 4\\]"):
        case.assertAllInRange([0, 4], 0, 4, open_lower_bound=True)
    with pytest.raises(AssertionError, match="not greater than"):
        case.assertAllGreater([1, 2], 1)
    case.assertNear(1.0, 1.05, 0.1)
    case.assertArrayNear([1.0, 2.0], [1.01, 2.0], 0.02)
    case.assertNDArrayNear(np.ones((2, 2)), np.ones((2, 2)) + 1e-3, 1e-2)
    case.assertShapeEqual(np.ones((2, 3)), gc.zeros((2, 3)))
    case.assertDTypeEqual(np.ones(2, np.float32), gc.float32)
    case.assertDeviceEqual("/cpu:0", "/device:CPU:0")
    case.assertAllCloseAccordingToType(np.float32([1.0]), np.float32([1.0 + 5e-7]))
    case.assertLen([1, 2], 2)
    case.assertStartsWith("graphc", "gra")
    with pytest.raises(AssertionError, match="has length of 1, expected 2"):
        case.assertLen([1], 2)


def test_assert_raises_with_predicate(case):
    with case.assertRaisesWithPredicateMatch(ValueError, lambda e: "bad" in str(e)):
        raise ValueError("bad input")
    with pytest.raises(AssertionError, match="not raised"):
        with case.assertRaisesWithPredicateMatch(ValueError, "x"):
            pass
    with pytest.raises(AssertionError, match="Exception of type ValueError"):
        with case.assertRaisesWithPredicateMatch(ValueError, "^good"):
            raise ValueError("bad")


def test_checked_thread_reports_its_exception(case):
    t = case.checkedThread(lambda: 1 / 0)
    t.start()
    with pytest.raises(AssertionError, match="division by zero"):
        t.join()
    ok = case.checkedThread(lambda box: box.append(1), args=([],))
    ok.start()
    ok.join()


def test_compute_gradient_matches_the_analytic_jacobian(case):
    x = gc.placeholder(gc.float64, (3,))
    a = gc.placeholder(gc.float64, (2, 3))
    with case.session():
        v = np.array([1.0, 2.0, 3.0])
        theory, numeric = gc.test.compute_gradient(x, (3,), gc.sin(x), (3,), x_init_value=v)
        np.testing.assert_allclose(theory, np.diag(np.cos(v)), atol=1e-12)
        np.testing.assert_allclose(numeric, np.diag(np.cos(v)), atol=1e-6)
        y = gc.matmul(a, gc.reshape(x, (3, 1)))
        pairs = gc.test.compute_gradient([a, x], [(2, 3), (3,)], y, (2, 1),
                                         x_init_value=[np.ones((2, 3)), v],
                                         extra_feed_dict={a: np.ones((2, 3)), x: v})
        assert [p[0].shape for p in pairs] == [(6, 2), (3, 2)]
        np.testing.assert_allclose(pairs[1][0], np.ones((3, 2)))
        assert gc.test.compute_gradient_error([a, x], [(2, 3), (3,)], y, (2, 1),
                                              extra_feed_dict={a: np.ones((2, 3)), x: v}) < 1e-8


def test_compute_gradient_of_a_gather_and_of_an_unconnected_input(case):
    params = gc.placeholder(gc.float64, (4, 2))
    other = gc.placeholder(gc.float64, (2,))
    y = gc.gather(params, [3, 1, 3])
    with case.cached_session():
        assert gc.test.compute_gradient_error(params, (4, 2), y, (3, 2)) < 1e-8
        theory, numeric = gc.test.compute_gradient(other, (2,), y, (3, 2),
                                                   extra_feed_dict={params: np.ones((4, 2))})
        assert not theory.any() and not numeric.any()


def test_compute_gradient_needs_a_default_session():
    x = gc.placeholder(gc.float64, (2,))
    with pytest.raises(gc.errors.GraphcError, match="default session"):
        gc.test.compute_gradient(x, (2,), x * 2, (2,))


def _graph(scale):
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float32, (2,), name="x")
        c = gc.constant(scale, name="c")
        with gc.control_dependencies([c]):
            gc.multiply(x, c, name="y")
    return g


def test_assert_equal_graph_def():
    gc.test.assert_equal_graph_def(_graph(2.0).as_graph_def(), _graph(2.0).as_graph_def())
    a = gc.io.export_tf_graph_def(_graph(2.0))
    gc.test.assert_equal_graph_def(a, gc.io.export_tf_graph_def(_graph(2.0)))
    with pytest.raises(AssertionError, match="Node 'c': attr differs"):
        gc.test.assert_equal_graph_def(a, gc.io.export_tf_graph_def(_graph(3.0)))
    with gc.Graph().as_default() as g:
        gc.placeholder(gc.float32, (2,), name="x")
    with pytest.raises(AssertionError, match=r"only in actual: \['c', 'y'\]"):
        gc.test.assert_equal_graph_def(a, gc.io.export_tf_graph_def(g))


def test_benchmark_stubs_and_devices(capsys):
    x = gc.constant(np.ones(10))
    with gc.Session() as s:
        report = gc.test.Benchmark().run_op_benchmark(s, x * 2, min_iters=3, name="twice")
    assert report["iters"] == 3 and report["wall_time"] > 0
    assert "twice" in capsys.readouterr().out
    holder = type("H", (), {"value": 1})
    with gc.test.StubOutForTesting() as stubs:
        stubs.Set(holder, "value", 2)
        assert holder.value == 2
    assert holder.value == 1
    assert gc.test.is_gpu_available() is False and gc.test.gpu_device_name() == ""
    assert not gc.test.is_built_with_cuda() and not gc.test.is_built_with_xla()
    assert gc.test.benchmark_config().graph_options.rewrite_options.dependency_optimization \
        == gc.ConfigProto().graph_options.rewrite_options.OFF
    assert gc.test.mock is unittest.mock
    assert gc.compat.v1.test is gc.test


def test_disable_with_predicate():
    class C(gc.test.TestCase):
        @gc.test.disable_with_predicate(lambda: True, "not here")
        def testSkipped(self):
            raise AssertionError("ran")
    result = _run(C)
    assert sorted(r for _, r in result.skipped) == ["Not a test.", "not here"]
    assert not result.failures


def test_force_gpu_is_refused(case):
    with pytest.raises(gc.errors.GraphcError, match="no GPU"):
        with case.session(force_gpu=True):
            pass


def test_get_temp_dir_is_per_test(case):
    d1, d2 = case.get_temp_dir(), case.get_temp_dir()
    assert d1 != d2 and d1.startswith(gc.test.get_temp_dir())
    assert threading.active_count() >= 1
