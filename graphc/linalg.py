"""TF1's tf.linalg namespace: thin re-exports."""
from .ops.clip import global_norm  # noqa: F401
from .ops.decomp import qr, svd  # noqa: F401
from .ops.decomp import self_adjoint_eig as eigh  # noqa: F401
from .ops.decomp import self_adjoint_eigvals as eigvalsh  # noqa: F401
from .ops.linalg import cross, einsum, matmul, matvec, tensordot  # noqa: F401
from .ops.matrix import diag as tensor_diag  # noqa: F401
from .ops.matrix import diag_part as tensor_diag_part  # noqa: F401
from .ops.matrix import eye, matrix_transpose, trace  # noqa: F401
from .ops.matrix import matrix_determinant as det  # noqa: F401
from .ops.matrix import matrix_diag as diag  # noqa: F401
from .ops.matrix import matrix_diag_part as diag_part  # noqa: F401
from .ops.matrix import matrix_inverse as inv  # noqa: F401
from .ops.matrix import matrix_set_diag as set_diag  # noqa: F401
from .ops.matrix import matrix_transpose as transpose  # noqa: F401
from .ops.nn_extra import l2_normalize  # noqa: F401
from .ops.norm import norm  # noqa: F401
from .ops.solve import cholesky, cholesky_solve, logdet, slogdet  # noqa: F401
from .ops.solve import matrix_solve_ls as lstsq  # noqa: F401
from .ops.solve import matrix_band_part as band_part  # noqa: F401
from .ops.solve import matrix_solve as solve  # noqa: F401
from .ops.solve import matrix_triangular_solve as triangular_solve  # noqa: F401


def adjoint(matrix, name=None):
    """The conjugate transpose of each matrix (..., m, n) -> (..., n, m): for real
    dtypes gc.matrix_transpose. `gc.linalg.adjoint([[1j, 2]])` is [[-1j], [2]]."""
    from .ops.array import transpose
    from .ops.core import convert_to_tensor
    matrix = convert_to_tensor(matrix)
    r = matrix.shape.rank
    if r is None or r < 2:
        return matrix_transpose(matrix, name=name or "adjoint")     # its error
    return transpose(matrix, list(range(r - 2)) + [r - 1, r - 2], name=name or "adjoint",
                     conjugate=True)


from .ops.linalg_funcs import expm, matrix_rank, normalize, pinv  # noqa: E402,F401
from .ops.linalg_funcs import matrix_square_root as sqrtm  # noqa: E402,F401
from .ops.linalg_logm import logm  # noqa: E402,F401
from .ops.linalg_lu import lu, lu_matrix_inverse, lu_reconstruct, lu_solve  # noqa: E402,F401
from .ops.linalg_tridiag import eigh_tridiagonal  # noqa: E402,F401
from .ops.linalg_tridiag import tridiagonal_matmul, tridiagonal_solve  # noqa: E402,F401
from .ops.linalg_operator import (LinearOperator, LinearOperatorDiag,  # noqa: E402,F401
                                  LinearOperatorFullMatrix, LinearOperatorLowerTriangular)
from .ops.linalg_operator_more import (LinearOperatorAdjoint,  # noqa: E402,F401
                                       LinearOperatorComposition, LinearOperatorIdentity,
                                       LinearOperatorInversion, LinearOperatorScaledIdentity)

from .ops.linalg_operator_blocks import *  # noqa: E402,F401,F403
from .ops.linalg_operator_blocks import __all__ as _blocks
from .ops.linalg_operator_struct import *  # noqa: E402,F401,F403
from .ops.linalg_operator_struct import __all__ as _struct

__all__ = list(_blocks) + list(_struct) + [
    "LinearOperator", "LinearOperatorAdjoint", "LinearOperatorComposition",
    "LinearOperatorDiag", "LinearOperatorFullMatrix", "LinearOperatorIdentity",
    "LinearOperatorInversion", "LinearOperatorLowerTriangular",
    "LinearOperatorScaledIdentity", "adjoint", "band_part", "cholesky",
    "cholesky_solve", "cross", "det", "diag", "diag_part", "eigh", "eigh_tridiagonal",
    "eigvalsh", "einsum", "expm", "eye", "global_norm", "inv", "l2_normalize", "logdet",
    "logm", "lstsq", "lu", "lu_matrix_inverse", "lu_reconstruct", "lu_solve", "matmul",
    "matrix_rank", "matrix_transpose", "matvec", "norm", "normalize", "pinv", "qr",
    "set_diag", "slogdet", "solve", "sqrtm", "svd", "tensor_diag", "tensor_diag_part",
    "tensordot", "trace", "transpose", "triangular_solve", "tridiagonal_matmul",
    "tridiagonal_solve"]
