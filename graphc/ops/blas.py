"""gemm with beta (c = alpha op(a) op(b) + beta c, in place), from the BLAS library numpy
itself uses. numpy has no matmul that accumulates into its output; calling another
library's BLAS (scipy's) would start a second thread pool that fights numpy's for the
cores. So the CBLAS sgemm/dgemm of the library numpy's core links is found with ctypes
(numpy's wheels: scipy_cblas_sgemm64_, 64-bit ints; other builds: cblas_sgemm64_ or
cblas_sgemm), checked once against numpy's matmul, and used only if it agrees; else
(no such library found by name, not Linux) gemm(dtype) is None and callers keep their
numpy path."""
import ctypes
import functools
import os

import numpy as np

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_NAMES = (("scipy_cblas_{}gemm64_", ctypes.c_int64), ("cblas_{}gemm64_", ctypes.c_int64),
          ("scipy_cblas_{}gemm", ctypes.c_int), ("cblas_{}gemm", ctypes.c_int))


def _numpy_blas_paths():
    """The loaded shared libraries that numpy's core extension links by name and that
    look like a BLAS (Linux: from /proc/self/maps). Another BLAS may be loaded too
    (scipy's wheels bring their own, with a thread pool of its own): it is not taken."""
    core = np._core._multiarray_umath if hasattr(np, "_core") else np.core._multiarray_umath
    core.dot(np.ones((2, 2)), np.ones((2, 2)))       # numpy's BLAS is loaded by now
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
        with open(core.__file__, "rb") as f:
            linked = f.read()
    except (OSError, AttributeError):
        return []
    keys = ("blas", "mkl_rt")
    return sorted(p for p in paths if any(k in os.path.basename(p).lower() for k in keys)
                  and os.path.basename(p).encode() in linked)


def _bind(lib, letter):
    for pattern, int_t in _NAMES:
        fn = getattr(lib, pattern.format(letter), None)
        if fn is None:
            continue
        real = ctypes.c_float if letter == "s" else ctypes.c_double
        ptr = ctypes.c_void_p
        fn.restype = None
        fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, int_t, int_t, int_t, real,
                       ptr, int_t, ptr, int_t, real, ptr, int_t]
        return fn
    return None


def _wrap(fn):
    def gemm(alpha, a, b, transpose_a, transpose_b, beta, c):
        """c = alpha op(a) op(b) + beta c in place; c C-ordered, a and b of its dtype."""
        a = np.ascontiguousarray(a)
        b = np.ascontiguousarray(b)
        m, n = c.shape
        k = a.shape[0] if transpose_a else a.shape[1]
        fn(_ROW_MAJOR, _TRANS if transpose_a else _NO_TRANS,
           _TRANS if transpose_b else _NO_TRANS, m, n, k, alpha, a.ctypes.data,
           max(a.shape[1], 1), b.ctypes.data, max(b.shape[1], 1), beta, c.ctypes.data,
           max(n, 1))
    return gemm


def _agrees(gemm, dtype):
    rng = np.random.default_rng(0)
    for ta, tb in ((False, False), (True, False), (False, True), (True, True)):
        a = rng.standard_normal((4, 3) if ta else (3, 4)).astype(dtype)
        b = rng.standard_normal((5, 4) if tb else (4, 5)).astype(dtype)
        c = rng.standard_normal((3, 5)).astype(dtype)
        want = c - 0.5 * ((a.T if ta else a) @ (b.T if tb else b))
        gemm(-0.5, a, b, ta, tb, 1.0, c)
        if not np.allclose(c, want, rtol=1e-4, atol=1e-5):
            return False
    return True


@functools.lru_cache(maxsize=None)
def gemm(dtype):
    """gemm(alpha, a, b, transpose_a, transpose_b, beta, c) for float32/float64 `dtype`
    through numpy's own BLAS, or None where it cannot be found or does not agree."""
    dtype = np.dtype(dtype)
    letter = {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}.get(dtype)
    if letter is None:
        return None
    for path in _numpy_blas_paths():
        try:
            fn = _bind(ctypes.CDLL(path), letter)
        except OSError:
            continue
        if fn is not None:
            g = _wrap(fn)
            return g if _agrees(g, dtype) else None
    return None
