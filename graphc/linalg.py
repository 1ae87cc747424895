"""TF1's tf.linalg namespace: thin re-exports."""
from .ops.linalg import einsum, matmul, tensordot  # noqa: F401
from .ops.matrix import eye, trace  # noqa: F401
from .ops.matrix import matrix_determinant as det  # noqa: F401
from .ops.matrix import matrix_diag as diag  # noqa: F401
from .ops.matrix import matrix_diag_part as diag_part  # noqa: F401
from .ops.matrix import matrix_inverse as inv  # noqa: F401
from .ops.matrix import matrix_set_diag as set_diag  # noqa: F401
from .ops.matrix import matrix_transpose as transpose  # noqa: F401
from .ops.norm import norm  # noqa: F401
