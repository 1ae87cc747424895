"""gc.test: TF1's tf.test for graph-mode tests.

    class SquareTest(gc.test.TestCase):
        def testSquare(self):
            with self.cached_session():
                x = gc.square([2, 3])
                self.assertAllEqual(self.evaluate(x), [4, 9])

    if __name__ == "__main__":
        gc.test.main()

TestCase (graphc/testcase.py) gives each test a fresh default graph with TF's test seeds
and Sessions on it; the module has TF1's gradient checker (compute_gradient,
compute_gradient_error), assert_equal_graph_def, Benchmark and the device questions,
answered for graphc's one CPU.
"""
import sys
import unittest

import numpy as np

from . import errors
from .testcase import TestCase, get_temp_dir  # noqa: F401

__all__ = ["TestCase", "main", "get_temp_dir", "compute_gradient", "compute_gradient_error",
           "assert_equal_graph_def", "is_gpu_available", "gpu_device_name",
           "is_built_with_cuda", "is_built_with_rocm", "is_built_with_gpu_support",
           "is_built_with_xla", "is_cpu_target_available", "Benchmark", "benchmark_config",
           "StubOutForTesting",
           "disable_with_predicate", "with_eager_op_as_function", "mock"]


def __getattr__(name):
    """tf.test.mock is unittest.mock, imported on first use (it brings asyncio: 6k objects
    that Python's cyclic collector would rescan while graphs are built)."""
    if name == "mock":
        from unittest import mock
        return mock
    raise AttributeError(f"module 'graphc.test' has no attribute '{name}'")


def main(argv=None):
    """Runs the tests of __main__ (TF1's tf.test.main; unittest's runner)."""
    unittest.main(module="__main__", argv=argv if argv is not None else sys.argv)


# ---- devices: graphc runs on one CPU -----------------------------------------------------
def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """False: graphc has no GPU."""
    return False


def gpu_device_name():
    """'': graphc has no GPU."""
    return ""


def is_built_with_cuda():
    return False


def is_built_with_rocm():
    return False


def is_built_with_gpu_support():
    return False


def is_cpu_target_available(target):
    """Whether graphc runs on CPU target `target` ('x86', 'aarch64', 'arm', 'ppc',
    'powerpc', 's390x'; a prefix, as TF): True for the host's family only, since graphc
    runs where numpy runs and generates no code for other CPUs. An unknown target fails
    an assertion, as in TF.

        gc.test.is_cpu_target_available("x86")          # True on an x86-64 host
    """
    import platform
    families = (("arm", "arm"), ("aarch64", "aarch64"), ("ppc", "ppc"),
                ("powerpc", "ppc"), ("x86", "x86"), ("s390x", "s390x"))
    family = next((f for prefix, f in families if target.startswith(prefix)), None)
    if family is None:
        raise AssertionError("Unknown CPU target: " + target)
    machine = platform.machine().lower()
    host = ("x86" if machine in ("x86_64", "amd64", "i386", "i686", "x86") else
            "aarch64" if machine in ("aarch64", "arm64") else
            "arm" if machine.startswith("arm") else
            "ppc" if machine.startswith(("ppc", "powerpc")) else machine)
    return family == host


def is_built_with_xla():
    return False


def benchmark_config():
    """The ConfigProto TF1's benchmarks run with (Grappler's dependency optimizer off)."""
    from .config_proto import ConfigProto, RewriterConfig
    config = ConfigProto()
    config.graph_options.rewrite_options.dependency_optimization = RewriterConfig.OFF
    return config


# ---- the gradient checker ----------------------------------------------------------------
def _default_session():
    from .session import get_default_session
    sess = get_default_session()
    if sess is None:
        raise errors.GraphcError("compute_gradient runs in the default session: call it "
                                 "inside `with self.cached_session():` or `with "
                                 "gc.Session():`")
    return sess


def _jacobians(x, x_shape, x_value, y, y_shape, delta, feeds, sess):
    """(theoretical, numerical) Jacobians of y with respect to x, (x size, y size)."""
    from .autodiff.reverse import gradients
    from .ops.core import placeholder
    if x.dtype.is_complex or y.dtype.is_complex:
        raise TypeError(f"compute_gradient: {x.name} or {y.name} is complex; graphc's "
                        "checker handles real tensors (use graphc.testing.check_vjp)")
    x_size, y_size = int(np.prod(x_shape)), int(np.prod(y_shape))
    dtype = x.dtype.as_numpy_dtype
    dy = placeholder(y.dtype, y_shape, name="compute_gradient_dy")
    (grad,) = gradients(y, x, grad_ys=dy, _dense=True)
    theory = np.zeros((x_size, y_size), dtype)
    value = np.asarray(x_value, dtype).reshape(x_shape)
    if grad is not None:
        one_hot = np.zeros(y_size, y.dtype.as_numpy_dtype)
        for j in range(y_size):
            one_hot[:] = 0
            one_hot[j] = 1
            g = sess.run(grad, {**feeds, x: value, dy: one_hot.reshape(y_shape)})
            theory[:, j] = _dense(g, x_shape) if hasattr(g, "indices") else \
                np.asarray(g).reshape(-1)
    numeric = np.zeros((x_size, y_size), dtype)
    flat = value.reshape(-1).copy()
    for i in range(x_size):
        old = flat[i]
        flat[i] = old + delta
        pos = sess.run(y, {**feeds, x: flat.reshape(x_shape)})
        flat[i] = old - delta
        neg = sess.run(y, {**feeds, x: flat.reshape(x_shape)})
        flat[i] = old
        numeric[i] = (np.asarray(pos, np.float64) - neg).reshape(-1) / (2 * delta)
    return theory, numeric


def _dense(slices, shape):
    out = np.zeros(shape, np.asarray(slices.values).dtype)
    np.add.at(out, np.asarray(slices.indices), slices.values)
    return out.reshape(-1)


def compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3,
                     init_targets=None, extra_feed_dict=None):
    """TF1's gradient checker: (theoretical, numerical) Jacobians of y with respect to
    x, each of shape (x size, y size), run in the default session; with a list of x
    (and of x_shape), a list of such pairs, each x fed alone (the others keep their
    values, or come from extra_feed_dict). x_init_value defaults to uniform [0, 1)."""
    sess = _default_session()
    if init_targets is not None:
        sess.run(init_targets)
    feeds = dict(extra_feed_dict or {})
    many = isinstance(x, (list, tuple))
    xs, shapes = (list(x), list(x_shape)) if many else ([x], [x_shape])
    if x_init_value is None:
        values = [np.random.random_sample(s) for s in shapes]
    else:
        values = list(x_init_value) if many else [x_init_value]
    out = [_jacobians(xi, tuple(si), vi, y, tuple(y_shape), delta, feeds, sess)
           for xi, si, vi in zip(xs, shapes, values)]
    return out if many else out[0]


def compute_gradient_error(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3,
                           init_targets=None, extra_feed_dict=None):
    """The largest |theoretical - numerical| over compute_gradient's Jacobians."""
    pairs = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                             extra_feed_dict)
    pairs = pairs if isinstance(pairs, list) else [pairs]
    return max((float(np.max(np.abs(t - n))) if t.size else 0.0) for t, n in pairs)


# ---- graph defs ------------------------------------------------------------------------
def _nodes(graph_def, hash_table_shared_name):
    if isinstance(graph_def, dict):
        from .io.tf_graphdef_export import export_tf_graph_def
        graph_def = export_tf_graph_def(graph_def)
    out = {}
    for node in graph_def.node:
        attrs = {k: v for k, v in node.attr.items()
                 if not (hash_table_shared_name and k == "shared_name"
                         and "HashTable" in node.op)}
        data = [i for i in node.input if not i.startswith("^")]
        control = sorted(i for i in node.input if i.startswith("^"))
        out[node.name] = (node.op, data, control, node.device, attrs)
    return out


def assert_equal_graph_def(actual, expected, checkpoint_v2=False,
                           hash_table_shared_name=False):
    """Raises AssertionError naming the first difference when the two GraphDefs
    (gc.GraphDef, or graphc's graph_def dicts) differ in any node, ignoring node order
    and the order of control inputs (TF1's tf.test.assert_equal_graph_def)."""
    a, e = _nodes(actual, hash_table_shared_name), _nodes(expected, hash_table_shared_name)
    if checkpoint_v2:       # TF's V2 checkpoints add a temp-file suffix in its own node
        for nodes in (a, e):
            for name in [n for n in nodes if n.endswith("save/StringJoin/inputs_1")]:
                del nodes[name]
    if set(a) != set(e):
        raise AssertionError(f"Found nodes only in actual: {sorted(set(a) - set(e))}; "
                             f"only in expected: {sorted(set(e) - set(a))}")
    fields = ("op", "input", "control input", "device", "attr")
    for name in a:
        for field, x, y in zip(fields, a[name], e[name]):
            if x != y:
                raise AssertionError(f"Node {name!r}: {field} differs: actual {x!r}, "
                                     f"expected {y!r}")


# ---- benchmarks, stubs, decorators -------------------------------------------------------
class Benchmark:
    """TF1's tf.test.Benchmark: run_op_benchmark times a fetch in a Session and
    report_benchmark records (and prints) the figures."""

    def __init__(self):
        self.reports = []

    def report_benchmark(self, iters=None, cpu_time=None, wall_time=None, throughput=None,
                         extras=None, name=None, metrics=None):
        entry = {"name": name or type(self).__name__, "iters": iters, "cpu_time": cpu_time,
                 "wall_time": wall_time, "throughput": throughput,
                 "extras": dict(extras or {}), "metrics": list(metrics or [])}
        self.reports.append(entry)
        print(f"entry {{ name: {entry['name']!r} iters: {iters} wall_time: {wall_time} }}")

    def run_op_benchmark(self, sess, op_or_tensor, feed_dict=None, burn_iters=2,
                         min_iters=10, store_trace=False, store_memory_usage=True,
                         name=None, extras=None, mbs=0):
        """Runs op_or_tensor burn_iters times, then min_iters timed times; the median
        wall time per run (seconds) is reported and returned in a dict."""
        import time
        for _ in range(burn_iters):
            sess.run(op_or_tensor, feed_dict)
        times = []
        for _ in range(min_iters):
            t = time.perf_counter()
            sess.run(op_or_tensor, feed_dict)
            times.append(time.perf_counter() - t)
        wall = float(np.median(times))
        extras = dict(extras or {})
        if mbs:
            extras["throughput_mbs"] = mbs / wall
        self.report_benchmark(iters=min_iters, wall_time=wall, extras=extras, name=name)
        return {"iters": min_iters, "wall_time": wall, "extras": extras}


class StubOutForTesting:
    """Replaces attributes for a test and puts them back (TF1's stubout helper)."""

    def __init__(self):
        self._stubs = []

    def Set(self, parent, child_name, new_child):
        self._stubs.append((parent, child_name, getattr(parent, child_name)))
        setattr(parent, child_name, new_child)

    SmartSet = Set

    def UnsetAll(self):
        while self._stubs:
            parent, name, old = self._stubs.pop()
            setattr(parent, name, old)

    SmartUnsetAll = UnsetAll
    CleanUp = UnsetAll

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.UnsetAll()


def disable_with_predicate(pred, skip_message):
    """A decorator skipping the test method when pred() is true."""
    def decorator(fn):
        def wrapper(self, *args, **kwargs):
            if pred():
                self.skipTest(skip_message)
            return fn(self, *args, **kwargs)
        wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
        return wrapper
    return decorator


def with_eager_op_as_function(cls=None, only_as_function=False):
    """The class unchanged: its variants run eager ops as functions, and graphc has no
    eager mode."""
    return cls if cls is not None else (lambda c: c)
