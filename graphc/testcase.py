"""gc.test.TestCase: TF1's tf.test.TestCase for graphc (unittest.TestCase plus
Sessions on a fresh default graph and TF's array assertions).

Each test starts, as in TF1, with a new default graph whose seed is TF's test seed
(87654321) and with Python's and numpy's generators seeded with it. `session()` gives
a new Session on the default graph, `cached_session()` the same one for the whole test
(closed afterwards); `evaluate` runs tensors (any nesting) in the default session.
"""
import contextlib
import math
import os
import re
import tempfile
import threading
import unittest

import numpy as np

from . import errors

DEFAULT_GRAPH_SEED = 87654321       # TF's random_seed.DEFAULT_GRAPH_SEED
_TEMP_DIR = []


def get_temp_dir():
    """A directory for this process's test files (made on first use; TEST_TMPDIR's
    parent when set)."""
    if not _TEMP_DIR:
        _TEMP_DIR.append(tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR")))
    return _TEMP_DIR[0]


def _array(x, evaluate):
    if _is_tensor(x):
        x = evaluate(x)
    return np.asarray(getattr(x, "numpy", lambda: x)())


def _is_tensor(x):
    from .graph import Tensor
    from .ops.state import Variable
    return isinstance(x, (Tensor, Variable)) or hasattr(x, "_as_parts")


class TestCase(unittest.TestCase):
    """TF1's tf.test.TestCase (graph mode)."""

    def setUp(self):
        from .graph import reset_default_graph
        from .ops.random import set_random_seed
        import random
        super().setUp()
        self._cached = None
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        reset_default_graph()
        set_random_seed(DEFAULT_GRAPH_SEED)

    def tearDown(self):
        self._clear_cached_session()
        super().tearDown()

    def _clear_cached_session(self):
        if getattr(self, "_cached", None) is not None:
            self._cached[1].close()
            self._cached = None

    # ---- sessions ----------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """A new Session on `graph` (default: the default graph), as the default session
        with its graph as the default graph; closed at the end of the block."""
        from .graph import get_default_graph
        from .session import Session
        _no_gpu(force_gpu)
        graph = graph or get_default_graph()
        with Session(graph=graph, config=config) as sess:
            yield sess

    @contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """The test's one Session on `graph` (made on first use, closed when the test
        ends), as the default session with its graph as the default graph."""
        from .graph import get_default_graph
        from .session import Session
        _no_gpu(force_gpu)
        graph = graph or get_default_graph()
        if getattr(self, "_cached", None) is None or self._cached[0] is not graph:
            self._clear_cached_session()
            self._cached = (graph, Session(graph=graph, config=config))
        sess = self._cached[1]
        with sess.as_default(), graph.as_default():
            yield sess

    def test_session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """TF1's older name of cached_session (skipped when a runner takes it for a
        test, as in TF)."""
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")
        return self.cached_session(graph, config, use_gpu, force_gpu)

    def evaluate(self, tensors):
        """The values of `tensors` (any nesting) in the default session (or the cached
        one)."""
        from .session import get_default_session
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.cached_session() as sess:
            return sess.run(tensors)

    def get_temp_dir(self):
        """A fresh directory for this test's files."""
        return tempfile.mkdtemp(dir=get_temp_dir())

    def checkedThread(self, target, args=None, kwargs=None):
        """A thread whose exception fails the test at join() (TF1)."""
        return _CheckedThread(self, target, args, kwargs)

    # ---- array assertions --------------------------------------------------------------
    def _values(self, a):
        return _array(a, self.evaluate)

    def _check_shape(self, a, b, msg):
        self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got "
                                           f"{b.shape} with contents {b}. {msg or ''}")

    def _all_close(self, a, b, rtol, atol, msg, path):
        if isinstance(a, dict) or isinstance(b, dict):
            if not (isinstance(a, dict) and isinstance(b, dict)) or set(a) != set(b):
                raise AssertionError(f"{path or 'structure'}: mismatched keys or types: "
                                     f"{a!r} vs {b!r}. {msg or ''}")
            for k in a:
                self._all_close(a[k], b[k], rtol, atol, msg, f"{path}[{k!r}]")
            return
        nested = [isinstance(x, (list, tuple)) and not _is_tensor(x) and
                  any(isinstance(e, (list, tuple, dict)) or _is_tensor(e) for e in x)
                  for x in (a, b)]
        if any(nested):
            if not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))) or \
                    len(a) != len(b):
                raise AssertionError(f"{path or 'structure'}: mismatched length or types: "
                                     f"{a!r} vs {b!r}. {msg or ''}")
            for i, (x, y) in enumerate(zip(a, b)):
                self._all_close(x, y, rtol, atol, msg, f"{path}[{i}]")
            return
        a, b = self._values(a), self._values(b)
        self._check_shape(a, b, msg)
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            if np.float16 in (a.dtype, b.dtype):
                rtol, atol = max(rtol, 1e-3), max(atol, 1e-3)
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"{path} {msg or ''}".strip())
        else:
            np.testing.assert_array_equal(a, b, err_msg=f"{path} {msg or ''}".strip())

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):
        """a and b (arrays, tensors, or nested lists/tuples/dicts of them) have the same
        structure and shapes and are elementwise close; NaNs match NaNs."""
        self._all_close(a, b, rtol, atol, msg, "")

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6,
                                      float_atol=1e-6, half_rtol=1e-3, half_atol=1e-3,
                                      bfloat16_rtol=1e-2, bfloat16_atol=1e-2, msg=None):
        """assertAllClose with the tolerance loosened to the least precise float type of
        a and b."""
        va, vb = self._values(a), self._values(b)
        kinds = {va.dtype, vb.dtype}
        if np.float32 in kinds or np.complex64 in kinds:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if np.float16 in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        self.assertAllClose(va, vb, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)
        except AssertionError:
            return
        raise AssertionError(msg or "The two values are close at all elements")

    def assertAllEqual(self, a, b, msg=None):
        """a and b have the same shape and equal elements (NaN equals NaN)."""
        a, b = self._values(a), self._values(b)
        self._check_shape(a, b, msg)
        same = a == b
        if a.dtype.kind in "fc":
            same = same | (np.isnan(a) & np.isnan(b))
        if not np.all(same):
            np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllEqual(self, a, b, msg=None):
        try:
            self.assertAllEqual(a, b, msg)
        except AssertionError:
            return
        raise AssertionError(msg or "The two values are equal at all elements")

    def _compare_all(self, a, target, op, word):
        a = self._values(a)
        if not np.all(op(a, target)):
            raise AssertionError(f"{a!r} not {word} {target!r}")

    def assertAllGreater(self, a, comparison_target):
        self._compare_all(a, comparison_target, np.greater, "greater than")

    def assertAllGreaterEqual(self, a, comparison_target):
        self._compare_all(a, comparison_target, np.greater_equal, "greater than or equal to")

    def assertAllLess(self, a, comparison_target):
        self._compare_all(a, comparison_target, np.less, "less than")

    def assertAllLessEqual(self, a, comparison_target):
        self._compare_all(a, comparison_target, np.less_equal, "less than or equal to")

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,
                         open_upper_bound=False):
        """Every element of target lies in [lower_bound, upper_bound] (or the open
        ends asked for); a float array must hold no NaN."""
        t = self._values(target)
        if t.dtype.kind not in "iuf":
            raise AssertionError(f"The value of {target!r} does not have an ordered "
                                 f"numeric type, instead it has type: {t.dtype}")
        low = t <= lower_bound if open_lower_bound else t < lower_bound
        high = t >= upper_bound if open_upper_bound else t > upper_bound
        bad = low | high | (np.isnan(t) if t.dtype.kind == "f" else False)
        if np.any(bad):
            where = np.argwhere(bad)
            lines = "".join(f"\n  {list(map(int, i))} : {t[tuple(i)]}" for i in where)
            brackets = ("(" if open_lower_bound else "[", ")" if open_upper_bound else "]")
            raise AssertionError(
                f"{len(where)} of the {t.size} element(s) are outside the range "
                f"{brackets[0]}{lower_bound}, {upper_bound}{brackets[1]}. Subscript(s) and "
                f"value(s) of the offending elements:{lines}")

    def assertAllInSet(self, target, expected_set):
        values = set(np.unique(self._values(target)).tolist())
        extra = values - set(expected_set)
        if extra:
            raise AssertionError(f"{sorted(extra)} unexpected values not in "
                                 f"{sorted(expected_set)}")

    def assertArrayNear(self, farray1, farray2, err, msg=None):
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNear(self, f1, f2, err, msg=None):
        if not (f1 == f2 or math.fabs(f1 - f2) <= err):
            raise AssertionError(f"{f1} != {f2} +/- {err}{' (' + msg + ')' if msg else ''}")

    def assertNDArrayNear(self, ndarray1, ndarray2, err, msg=None):
        a, b = np.asarray(ndarray1), np.asarray(ndarray2)
        if a.shape != b.shape or not np.all(np.abs(a - b) <= err):
            raise AssertionError(msg or f"{a} not near {b} (err {err})")

    def assertShapeEqual(self, input_a, input_b, msg=None):
        """A numpy array's shape equals a tensor's static shape."""
        if not isinstance(input_a, np.ndarray) or not _is_tensor(input_b):
            raise TypeError("input_a must be a numpy array and input_b a tensor")
        self.assertEqual(list(input_a.shape), input_b.get_shape().as_list(),
                         msg=msg or "Shape mismatch")

    def assertDTypeEqual(self, target, expected_dtype):
        from .dtypes import as_dtype
        want = as_dtype(expected_dtype).as_numpy_dtype
        for t in target if isinstance(target, (list, tuple)) else [target]:
            self.assertEqual(np.asarray(t).dtype, want)

    def assertDeviceEqual(self, device1, device2, msg=None):
        from .device_spec import DeviceSpec
        self.assertEqual(DeviceSpec.from_string(device1 or "").to_string(),
                         DeviceSpec.from_string(device2 or "").to_string(), msg=msg)

    # ---- error assertions --------------------------------------------------------------
    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):
        """The block raises exception_type whose message matches the regex (re.search)
        or for which the predicate is true."""
        pred = expected_err_re_or_predicate
        if not callable(pred):
            pattern = pred
            pred = lambda e: re.search(pattern, str(e), re.S) is not None  # noqa: E731
        try:
            yield
        except exception_type as e:
            if not pred(e):
                raise AssertionError(f"Exception of type {type(e).__name__}: {e}") from e
        else:
            raise AssertionError(f"{exception_type.__name__} not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate):
        """The block raises an OpError (a run-time error) matching the regex/predicate."""
        return self.assertRaisesWithPredicateMatch(errors.OpError,
                                                   expected_err_re_or_predicate)

    def assertRaisesIncompatibleShapesError(self, exception_type=errors.InvalidArgumentError):
        return self.assertRaisesWithPredicateMatch(
            exception_type, r"Incompatible shapes|Dimensions must be equal|"
                            r"required broadcastable shapes|cannot broadcast")

    # ---- absltest's helpers that TF tests use ------------------------------------------
    def assertLen(self, container, expected_len, msg=None):
        if len(container) != expected_len:
            raise AssertionError(msg or f"{container!r} has length of {len(container)}, "
                                        f"expected {expected_len}.")

    def assertEmpty(self, container, msg=None):
        self.assertLen(container, 0, msg)

    def assertNotEmpty(self, container, msg=None):
        if not len(container):
            raise AssertionError(msg or f"{container!r} has length of 0.")

    def assertStartsWith(self, actual, expected_start, msg=None):
        if not actual.startswith(expected_start):
            raise AssertionError(msg or f"{actual!r} does not start with {expected_start!r}")

    def assertEndsWith(self, actual, expected_end, msg=None):
        if not actual.endswith(expected_end):
            raise AssertionError(msg or f"{actual!r} does not end with {expected_end!r}")

    def assertBetween(self, value, minv, maxv, msg=None):
        if not minv <= value <= maxv:
            raise AssertionError(msg or f"{value!r} is not between {minv!r} and {maxv!r}")

    def assertItemsEqual(self, first, second, msg=None):
        self.assertCountEqual(first, second, msg)

    def assertSameElements(self, expected_seq, actual_seq, msg=None):
        self.assertEqual(set(expected_seq), set(actual_seq), msg)

    def assertContainsSubset(self, expected_subset, actual_set, msg=None):
        missing = set(expected_subset) - set(actual_set)
        if missing:
            raise AssertionError(msg or f"Missing elements {sorted(missing, key=repr)}")


def _no_gpu(force_gpu):
    if force_gpu:
        raise errors.GraphcError("force_gpu=True: graphc has no GPU (gc.test."
                                 "is_gpu_available() is False)")


class _CheckedThread:
    """A thread that records its exception; join() fails the test with it."""

    def __init__(self, testcase, target, args=None, kwargs=None):
        self._testcase, self._target = testcase, target
        self._args, self._kwargs = args or (), kwargs or {}
        self._exception = None
        self._thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            self._target(*self._args, **self._kwargs)
        except Exception as e:      # noqa: BLE001 (handed to the test at join)
            self._exception = e

    def start(self):
        self._thread.start()

    def join(self):
        self._thread.join()
        if self._exception is not None:
            self._testcase.fail(f"Error in checkedThread: {self._exception}")

    def is_alive(self):
        return self._thread.is_alive()
