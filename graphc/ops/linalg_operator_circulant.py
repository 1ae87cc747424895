"""TF1's circulant LinearOperators: Circulant (N x N), Circulant2D (block circulant with
circulant blocks) and Circulant3D, given by their spectrum (the FFT of the convolution
kernel), so A x = ifft(spectrum * fft(x)), A^-1 x = ifft(fft(x) / spectrum) and
det A = prod(spectrum). The FFTs are graphc's fft ops, so gradients flow."""
from .. import dtypes
from ..shapes import TensorShape
from .array import expand_dims, reshape, shape as shape_
from .cast import cast
from .complex_ops import conj, real
from .core import convert_to_tensor
from .creation import ones
from .elementwise import abs as abs_, log
from .fft import fft, fft2d, fft3d, ifft, ifft2d, ifft3d
from .linalg_operator import LinearOperator
from .linalg_operator_util import as_shape, lead
from .matrix import eye, matrix_transpose
from .reduce import reduce_prod, reduce_sum

__all__ = ["LinearOperatorCirculant", "LinearOperatorCirculant2D",
           "LinearOperatorCirculant3D"]

_FFT = {1: (fft, ifft), 2: (fft2d, ifft2d), 3: (fft3d, ifft3d)}
_IO = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64, dtypes.complex128)


def _spectrum(spectrum, api):
    if isinstance(spectrum, (list, tuple, int, float)):
        t = convert_to_tensor(spectrum)
        spectrum = cast(t, dtypes.float32) if t.dtype.is_integer else t
    spectrum = convert_to_tensor(spectrum)
    if spectrum.dtype not in _IO:
        raise TypeError(f"{api}: spectrum must be float or complex, not {spectrum.dtype.name}")
    return spectrum


class _Circulant(LinearOperator):
    """The shared body of the 1-, 2- and 3-D circulant operators."""

    def __init__(self, spectrum, block_depth, input_output_dtype, is_non_singular,
                 is_self_adjoint, is_positive_definite, is_square, name):
        self._spectrum = spectrum = _spectrum(spectrum, name)
        self._block_depth = block_depth
        dtype = dtypes.as_dtype(input_output_dtype)
        if dtype not in _IO:
            raise TypeError(f"{name}: input_output_dtype must be float or complex, not "
                            f"{dtype.name}")
        r = spectrum.shape.rank
        if r is not None and r < block_depth:
            raise ValueError(f"{name}: argument `spectrum` must have at least {block_depth} "
                             f"dimensions. Received shape {spectrum.shape}.")
        if is_square is False:
            raise ValueError(f"{name}: a [[nested] block] circulant operator is always square")
        if not spectrum.dtype.is_complex:
            if is_self_adjoint is False:
                raise ValueError(f"{name}: a real spectrum always corresponds to a "
                                 f"self-adjoint operator")
            is_self_adjoint = True
        cdt = spectrum.dtype if spectrum.dtype.is_complex else \
            (dtypes.complex128 if spectrum.dtype == dtypes.float64 else dtypes.complex64)
        self._cspectrum = spectrum if spectrum.dtype.is_complex else cast(spectrum, cdt)
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite, True,
                         name)

    # ---- properties
    @property
    def spectrum(self):
        return self._spectrum

    @property
    def block_depth(self):
        return self._block_depth

    @property
    def block_shape(self):
        s = self._spectrum.shape
        return TensorShape(None) if s.rank is None else TensorShape(s._dims[-self._block_depth:])

    def block_shape_tensor(self):
        """The block shape as an int32 tensor."""
        return shape_(self._spectrum)[-self._block_depth:]

    def _n(self):
        b = self.block_shape
        if b.rank is not None and all(isinstance(d, int) for d in b._dims):
            out = 1
            for d in b._dims:
                out *= d
            return out
        return reduce_prod(self.block_shape_tensor())

    def _shape(self):
        s = self._spectrum.shape
        if s.rank is None:
            return TensorShape(None)
        n = self._n()
        n = n if isinstance(n, int) else None
        return TensorShape(s._dims[:-self._block_depth] + (n, n))

    def _axes(self):
        return list(range(-self._block_depth, 0))

    def _io(self, t):
        """t (complex) in input_output_dtype: its real part for a real dtype."""
        if self._dtype.is_complex:
            return t if t.dtype == self._dtype else cast(t, self._dtype)
        t = real(t) if t.dtype.is_complex else t
        return t if t.dtype == self._dtype else cast(t, self._dtype)

    # ---- the operations
    def _apply(self, x, adjoint, divide):
        """ifft(spectrum * fft(x)) (or / spectrum) on the columns of x (..., N, R)."""
        fwd, inv = _FFT[self._block_depth]
        s = conj(self._cspectrum) if adjoint else self._cspectrum
        xt = matrix_transpose(x)
        xt = xt if xt.dtype == s.dtype else cast(xt, s.dtype)
        block = self.block_shape
        block = list(block._dims) if block.rank is not None and all(
            isinstance(d, int) for d in block._dims) else self.block_shape_tensor()
        y = fwd(reshape(xt, as_shape([lead(xt, 1), block])))
        s = expand_dims(s, -self._block_depth - 1)
        y = inv(y / s if divide else y * s)
        y = reshape(y, as_shape([lead(y, self._block_depth), [-1]]))
        return self._io(matrix_transpose(y))

    def _matmul(self, x, adjoint):
        return self._apply(x, adjoint, False)

    def _solve(self, rhs, adjoint):
        return self._apply(rhs, adjoint, True)

    def _to_dense(self):
        return self._matmul(eye(self._n(), dtype=self._dtype), False)

    def _determinant(self):
        return self._io(reduce_prod(self._cspectrum, self._axes()))

    def _log_abs_determinant(self):
        return self._io(reduce_sum(log(abs_(self._spectrum)), self._axes()))

    def trace(self, name="trace"):
        from ..graph import name_scope
        with name_scope(self._name):
            with name_scope(name):
                return self._io(reduce_sum(self._cspectrum, self._axes()))

    def _diag_part(self):
        # every diagonal entry is the kernel's first one: trace / N
        t = reduce_sum(self._cspectrum, self._axes())
        n = self._n()
        t = t / (n if isinstance(n, int) else cast(n, t.dtype))
        return self._io(expand_dims(t, -1) * ones(as_shape([[n]]), dtype=t.dtype))

    def convolution_kernel(self, name="convolution_kernel"):
        """ifft(spectrum): the kernel h with A x = h (circularly) convolved with x."""
        return self._io(_FFT[self._block_depth][1](self._cspectrum))

    def _like(self, spectrum, name):
        return type(self)(spectrum, input_output_dtype=self._dtype,
                          is_non_singular=self.is_non_singular,
                          is_self_adjoint=self.is_self_adjoint,
                          is_positive_definite=self.is_positive_definite, name=name)

    def adjoint(self, name=None):
        """The circulant of the conjugate spectrum (itself when self-adjoint)."""
        if self.is_self_adjoint:
            return self
        return self._like(conj(self._spectrum), name or self._name + "_adjoint")

    def inverse(self, name=None):
        """The circulant of 1 / spectrum."""
        LinearOperator.inverse(self)                       # its checks
        return self._like(1.0 / self._spectrum, name or self._name + "_inverse")


class LinearOperatorCirculant(_Circulant):
    """The N x N circulant operator of spectrum (..., N), in input_output_dtype:

        op = gc.linalg.LinearOperatorCirculant([6., -1.5 + 0.866j, -1.5 - 0.866j])
        op.convolution_kernel()      # [1, 2, 3] (complex64): A's first column
    """

    def __init__(self, spectrum, input_output_dtype=dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant"):
        super().__init__(spectrum, 1, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


class LinearOperatorCirculant2D(_Circulant):
    """The block circulant operator with circulant blocks of spectrum (..., H, W):
    N = H * W, A x = ifft2d(spectrum * fft2d(x reshaped to (H, W))).

        op = gc.linalg.LinearOperatorCirculant2D(gc.ones([2, 3]), input_output_dtype=gc.float32)
        op.to_dense()                # the 6 x 6 identity
    """

    def __init__(self, spectrum, input_output_dtype=dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant2D"):
        super().__init__(spectrum, 2, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


class LinearOperatorCirculant3D(_Circulant):
    """The doubly nested block circulant operator of spectrum (..., D, H, W), N = D*H*W.

        op = gc.linalg.LinearOperatorCirculant3D(2. * gc.ones([2, 2, 2]))
        op.determinant()             # 256 (complex64)
    """

    def __init__(self, spectrum, input_output_dtype=dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant3D"):
        super().__init__(spectrum, 3, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)
