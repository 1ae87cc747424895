"""Parity with TF1 (tf.compat.v1) for matmul and gc.linalg, gc.image, and the random ops
and initializers (dtype and shape only for those)."""
import numpy as np
import pytest
from tf_parity import check, rand


def _wellcond(*shape, dtype=np.float64, seed=None):
    """Random square matrices (last two dims n x n) with a dominant diagonal."""
    n = shape[-1]
    return (rand(*shape, dtype=dtype, seed=seed) + 2 * n * np.eye(n)).astype(dtype)


def _spd(*shape, dtype=np.float64, seed=None):
    """Random symmetric positive definite matrices."""
    a = rand(*shape, seed=seed)
    n = shape[-1]
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)


def _sym(*shape, dtype=np.float64, seed=None):
    """Random symmetric matrices (distinct eigenvalues almost surely)."""
    a = rand(*shape, seed=seed)
    return ((a + np.swapaxes(a, -1, -2)) / 2).astype(dtype)


def _lower(*shape, dtype=np.float64, seed=None):
    """Random matrices whose lower triangle has a dominant diagonal (upper: noise)."""
    return _wellcond(*shape, dtype=dtype, seed=seed)


def _svd_parts(m, x, **kw):
    """Sign-invariant functions of svd(x): s, U diag(s) V^H, |U|^2 and |V|^2 of the first
    min(m, n) columns."""
    s, u, v = m.svd(x, **kw)
    k = min(x.shape.as_list()[-2:])
    u, v = u[..., :k], v[..., :k]
    rec = m.matmul(u * m.expand_dims(s, -2), v, adjoint_b=True)
    return s, rec, m.square(u), m.square(v)


def _eigh_parts(m, x):
    e, v = m.self_adjoint_eig(x)
    return e, m.square(v), m.matmul(v * m.expand_dims(e, -2), v, adjoint_b=True)


f32 = np.float32
i32, i64 = np.int32, np.int64

LINALG = {
    # ---- matmul -------------------------------------------------------------------------
    "matmul": (lambda m, a, b: m.matmul(a, b), rand(3, 4), rand(4, 5)),
    "matmul_f32": (lambda m, a, b: m.matmul(a, b), rand(3, 4, dtype=f32), rand(4, 5, dtype=f32)),
    "matmul_f16": (lambda m, a, b: m.matmul(a, b), rand(3, 4, dtype=np.float16),
                   rand(4, 2, dtype=np.float16)),
    "matmul_i64": (lambda m, a, b: m.matmul(a, b, transpose_b=True),
                   rand(3, 4, dtype=i64, low=-5, high=5), rand(2, 4, dtype=i64, low=-5, high=5)),
    "matmul_i32": (lambda m, a, b: m.matmul(a, b), rand(3, 4, dtype=i32, low=-5, high=5),
                   rand(4, 2, dtype=i32, low=-5, high=5)),
    "matmul_ta": (lambda m, a, b: m.matmul(a, b, transpose_a=True), rand(4, 3), rand(4, 5)),
    "matmul_tb": (lambda m, a, b: m.matmul(a, b, transpose_b=True), rand(3, 4), rand(5, 4)),
    "matmul_tab": (lambda m, a, b: m.matmul(a, b, transpose_a=True, transpose_b=True),
                   rand(4, 3), rand(5, 4)),
    "matmul_adj": (lambda m, a, b: m.matmul(a, b, adjoint_a=True, adjoint_b=True),
                   rand(4, 3), rand(5, 4)),
    "matmul_batched": (lambda m, a, b: m.matmul(a, b), rand(2, 3, 4), rand(2, 4, 5)),
    "matmul_batched_ta": (lambda m, a, b: m.matmul(a, b, transpose_a=True),
                          rand(2, 4, 3), rand(2, 4, 5)),
    "matmul_bcast_2d": (lambda m, a, b: m.matmul(a, b), rand(2, 3, 4), rand(4, 5)),
    "matmul_bcast_2d_left": (lambda m, a, b: m.matmul(a, b, transpose_b=True),
                             rand(3, 4), rand(2, 5, 4)),
    "matmul_bcast_batch": (lambda m, a, b: m.matmul(a, b), rand(2, 1, 3, 4), rand(5, 4, 6)),
    "matmul_bcast_ones": (lambda m, a, b: m.matmul(a, b), rand(1, 3, 4), rand(2, 4, 2)),
    "matmul_empty_k": (lambda m, a, b: m.matmul(a, b), rand(3, 0), rand(0, 5)),
    "matmul_empty_m": (lambda m, a, b: m.matmul(a, b), rand(0, 4), rand(4, 5)),
    "matmul_size1": (lambda m, a, b: m.matmul(a, b), rand(1, 4), rand(4, 1)),
    "matmul_op": (lambda m, a, b: a @ b, rand(2, 3, 4), rand(2, 4, 5)),
    "linalg_matmul": (lambda m, a, b: m.linalg.matmul(a, b, transpose_b=True),
                      rand(3, 4), rand(5, 4)),
    "matvec": (lambda m, a, b: m.linalg.matvec(a, b), rand(3, 4), rand(4)),
    "matvec_ta": (lambda m, a, b: m.linalg.matvec(a, b, transpose_a=True), rand(2, 4, 3),
                  rand(2, 4)),
    "matvec_bcast": (lambda m, a, b: m.linalg.matvec(a, b), rand(2, 3, 4), rand(4)),
    # ---- transposes, diagonals, bands ---------------------------------------------------
    "matrix_transpose": (lambda m, x: m.matrix_transpose(x), rand(2, 3, 4)),
    "linalg_transpose": (lambda m, x: m.linalg.transpose(x), rand(3, 4)),
    "linalg_matrix_transpose": (lambda m, x: m.linalg.matrix_transpose(x), rand(2, 3, 4)),
    "linalg_adjoint": (lambda m, x: m.linalg.adjoint(x), rand(2, 3, 4)),
    "trace": (lambda m, x: m.trace(x), rand(3, 4)),
    "trace_batched": (lambda m, x: m.trace(x), rand(2, 5, 3)),
    "trace_i32": (lambda m, x: m.trace(x), rand(3, 3, dtype=i32)),
    "linalg_trace": (lambda m, x: m.linalg.trace(x), rand(2, 4, 3)),
    "diag_tensor": (lambda m, x: m.diag(x), rand(2, 3)),
    "diag_part_tensor": (lambda m, x: m.diag_part(x), rand(2, 3, 2, 3)),
    "linalg_tensor_diag": (lambda m, x: m.linalg.tensor_diag(x), rand(3, 2)),
    "linalg_tensor_diag_part": (lambda m, x: m.linalg.tensor_diag_part(x), rand(3, 2, 3, 2)),
    "matrix_diag": (lambda m, x: m.matrix_diag(x), rand(2, 3)),
    "linalg_diag": (lambda m, x: m.linalg.diag(x), rand(4)),
    "matrix_diag_part": (lambda m, x: m.matrix_diag_part(x), rand(2, 3, 4)),
    "matrix_diag_part_tall": (lambda m, x: m.linalg.diag_part(x), rand(5, 3)),
    "matrix_set_diag": (lambda m, x, d: m.matrix_set_diag(x, d), rand(2, 3, 4), rand(2, 3)),
    "band_part_lower": (lambda m, x: m.matrix_band_part(x, -1, 0), rand(4, 5)),
    "band_part_upper": (lambda m, x: m.linalg.band_part(x, 0, -1), rand(2, 5, 4)),
    "band_part_diag": (lambda m, x: m.linalg.band_part(x, 0, 0), rand(3, 4)),
    "band_part_band": (lambda m, x: m.linalg.band_part(x, 1, 2), rand(5, 6)),
    "band_part_i32": (lambda m, x: m.linalg.band_part(x, 1, 0), rand(4, 3, dtype=i32)),
    "eye": (lambda m: m.eye(3, 4, batch_shape=[2], dtype=m.float64),),
    "linalg_eye": (lambda m: m.linalg.eye(3),),
    "cross": (lambda m, a, b: m.cross(a, b), rand(4, 3), rand(4, 3)),
    "linalg_cross": (lambda m, a, b: m.linalg.cross(a, b), rand(2, 1, 3), rand(2, 1, 3)),
    # ---- inverse, determinant -----------------------------------------------------------
    "inv": (lambda m, x: m.matrix_inverse(x), _wellcond(4, 4)),
    "inv_batched": (lambda m, x: m.linalg.inv(x), _wellcond(2, 3, 3)),
    "inv_adjoint": (lambda m, x: m.matrix_inverse(x, adjoint=True), _wellcond(2, 3, 3)),
    "inv_f32": (lambda m, x: m.linalg.inv(x), _wellcond(3, 3, dtype=f32)),
    "det": (lambda m, x: m.matrix_determinant(x), _wellcond(3, 3)),
    "det_batched": (lambda m, x: m.linalg.det(x), rand(2, 4, 4)),
    "det_f32": (lambda m, x: m.linalg.det(x), _wellcond(3, 3, dtype=f32)),
    "slogdet": (lambda m, x: m.linalg.slogdet(x), rand(2, 3, 3)),
    "logdet": (lambda m, x: m.linalg.logdet(x), _spd(2, 4, 4)),
    # ---- cholesky and solves ------------------------------------------------------------
    "cholesky": (lambda m, x: m.cholesky(x), _spd(4, 4)),
    "cholesky_batched": (lambda m, x: m.linalg.cholesky(x), _spd(2, 3, 3)),
    "cholesky_f32": (lambda m, x: m.cholesky(x), _spd(3, 3, dtype=f32)),
    "cholesky_solve": (lambda m, c, b: m.cholesky_solve(c, b),
                       np.linalg.cholesky(_spd(3, 3)), rand(3, 2)),
    "cholesky_solve_batched": (lambda m, c, b: m.linalg.cholesky_solve(c, b),
                               np.linalg.cholesky(_spd(2, 4, 4)), rand(2, 4, 3)),
    "cholesky_then_solve": (lambda m, a, b: m.cholesky_solve(m.cholesky(a), b),
                            _spd(3, 3), rand(3, 2)),
    "solve": (lambda m, a, b: m.matrix_solve(a, b), _wellcond(3, 3), rand(3, 2)),
    "solve_adjoint": (lambda m, a, b: m.matrix_solve(a, b, adjoint=True),
                      _wellcond(3, 3), rand(3, 2)),
    "solve_batched": (lambda m, a, b: m.linalg.solve(a, b), _wellcond(2, 4, 4), rand(2, 4, 3)),
    "solve_f32": (lambda m, a, b: m.linalg.solve(a, b), _wellcond(3, 3, dtype=f32),
                  rand(3, 1, dtype=f32)),
    "tri_solve_lower": (lambda m, a, b: m.matrix_triangular_solve(a, b),
                        _lower(3, 3), rand(3, 2)),
    "tri_solve_upper": (lambda m, a, b: m.matrix_triangular_solve(a, b, lower=False),
                        _lower(4, 4), rand(4, 2)),
    "tri_solve_lower_adj": (lambda m, a, b: m.linalg.triangular_solve(a, b, adjoint=True),
                            _lower(2, 3, 3), rand(2, 3, 4)),
    "tri_solve_upper_adj": (lambda m, a, b: m.linalg.triangular_solve(
        a, b, lower=False, adjoint=True), _lower(2, 3, 3), rand(2, 3, 1)),
    "lstsq_tall": (lambda m, a, b: m.matrix_solve_ls(a, b), rand(5, 3), rand(5, 2)),
    "lstsq_l2": (lambda m, a, b: m.linalg.lstsq(a, b, l2_regularizer=0.5), rand(5, 3),
                 rand(5, 2)),
    "lstsq_wide": (lambda m, a, b: m.matrix_solve_ls(a, b), rand(3, 5), rand(3, 2)),
    "lstsq_wide_l2": (lambda m, a, b: m.matrix_solve_ls(a, b, l2_regularizer=0.3),
                      rand(3, 5), rand(3, 2)),
    "lstsq_batched": (lambda m, a, b: m.linalg.lstsq(a, b), rand(2, 4, 3), rand(2, 4, 2)),
    # fast=False: TF1 has no gradient (graphc differentiates its SVD)
    "lstsq_slow": (lambda m, a, b: m.matrix_solve_ls(a, b, fast=False), rand(5, 3),
                   rand(5, 2), dict(grad=False)),
    "lstsq_slow_l2_ignored": (lambda m, a, b: m.matrix_solve_ls(
        a, b, l2_regularizer=0.5, fast=False), rand(2, 5, 3), rand(2, 5, 2), dict(grad=False)),
    "lstsq_slow_wide": (lambda m, a, b: m.linalg.lstsq(a, b, fast=False), rand(3, 5),
                        rand(3, 2), dict(grad=False)),
    "lstsq_slow_rank_deficient": (lambda m, a, b: m.matrix_solve_ls(a, b, fast=False),
                                  rand(5, 3)[:, [0, 1, 1]], rand(5, 2), dict(grad=False)),
    # ---- decompositions -----------------------------------------------------------------
    "qr": (lambda m, x: m.qr(x), rand(5, 3)),
    "qr_wide": (lambda m, x: m.linalg.qr(x), rand(3, 5), dict(grad=False)),
    "qr_square_batched": (lambda m, x: m.qr(x), rand(2, 4, 4)),
    # TF1's gradient, as graphc's, needs m >= n (m == n with full_matrices); TF 2 added
    # the wide case
    "qr_full": (lambda m, x: m.qr(x, full_matrices=True), rand(5, 3), dict(grad=False)),
    "qr_full_square": (lambda m, x: m.qr(x, full_matrices=True), rand(2, 3, 3)),
    "svd_s": (lambda m, x: m.svd(x, compute_uv=False), rand(5, 3)),
    "svd_s_wide_batched": (lambda m, x: m.linalg.svd(x, compute_uv=False), rand(2, 3, 4)),
    "svd_tall": (lambda m, x: _svd_parts(m, x), rand(5, 3)),
    "svd_wide": (lambda m, x: _svd_parts(m, x), rand(2, 3, 4)),
    "svd_square": (lambda m, x: _svd_parts(m, x), rand(4, 4)),
    "eigh": (lambda m, x: _eigh_parts(m, x), _sym(4, 4)),
    "eigh_batched": (lambda m, x: _eigh_parts(m, x), _sym(2, 3, 3)),
    "eigh_f32": (lambda m, x: _eigh_parts(m, x), _sym(3, 3, dtype=f32)),
    "eigvalsh": (lambda m, x: m.self_adjoint_eigvals(x), _sym(2, 4, 4)),
    "linalg_eigh_sum": (lambda m, x: m.reduce_sum(m.linalg.eigh(x)[0]), _sym(3, 3)),
    "linalg_eigvalsh": (lambda m, x: m.linalg.eigvalsh(x), _sym(5, 5)),
    # ---- norms --------------------------------------------------------------------------
    "norm": (lambda m, x: m.norm(x), rand(3, 4)),
    "norm_axis": (lambda m, x: m.norm(x, axis=1), rand(3, 4)),
    "norm_axis_neg_kd": (lambda m, x: m.norm(x, axis=-1, keepdims=True), rand(2, 3, 4)),
    "norm_ord1": (lambda m, x: m.norm(x, ord=1, axis=0), rand(3, 4)),
    "norm_inf": (lambda m, x: m.norm(x, ord=np.inf, axis=-1), rand(3, 4)),
    "norm_ord3": (lambda m, x: m.norm(x, ord=3, axis=1), rand(3, 4)),
    "norm_ord0_5": (lambda m, x: m.norm(x, ord=0.5), rand(3, 4)),
    "norm_fro": (lambda m, x: m.norm(x, ord="fro", axis=[-2, -1]), rand(2, 3, 4)),
    "norm_fro_kd": (lambda m, x: m.norm(x, ord="fro", axis=(0, 1), keepdims=True),
                    rand(3, 4)),
    "norm_mat1": (lambda m, x: m.norm(x, ord=1, axis=[0, 1]), rand(3, 4)),
    "norm_matinf": (lambda m, x: m.norm(x, ord=np.inf, axis=[1, 2]), rand(2, 3, 4)),
    "norm_matinf_rev": (lambda m, x: m.norm(x, ord=np.inf, axis=[2, 1]), rand(2, 3, 4)),
    "norm_mat2": (lambda m, x: m.norm(x, ord=2, axis=[-2, -1]), rand(2, 3, 4)),
    "norm_keep_dims": (lambda m, x: m.norm(x, axis=0, keep_dims=True), rand(3, 4)),
    "linalg_l2_normalize": (lambda m, x: m.linalg.l2_normalize(x, axis=-1), rand(3, 4)),
    "linalg_global_norm": (lambda m, x, y: m.linalg.global_norm([x, y]), rand(3, 4), rand(2)),
    "linalg_norm": (lambda m, x: m.linalg.norm(x, axis=[0, 2]), rand(2, 3, 4)),
    "norm_f32": (lambda m, x: m.norm(x, axis=-1), rand(3, 4, dtype=f32)),
}

_RGB = np.random.default_rng(7).uniform(0, 1, size=(2, 5, 6, 3))
_RGB_I = np.random.default_rng(8).integers(0, 2**31 - 1, size=(5, 6, 3)).astype(np.int32)

IMAGE = {
    # ---- resizes ------------------------------------------------------------------------
    "resize_bilinear": (lambda m, x: m.image.resize_bilinear(x, [7, 4]), rand(2, 5, 6, 3)),
    "resize_bilinear_ac": (lambda m, x: m.image.resize_bilinear(x, [7, 9], align_corners=True),
                           rand(2, 5, 6, 3)),
    "resize_bilinear_hp": (lambda m, x: m.image.resize_bilinear(
        x, [3, 9], half_pixel_centers=True), rand(1, 5, 6, 2)),
    "resize_bilinear_f32": (lambda m, x: m.image.resize_bilinear(x, [8, 3]),
                            rand(1, 5, 6, 1, dtype=f32)),
    "resize_bilinear_i32": (lambda m, x: m.image.resize_bilinear(x, [8, 3]),
                            rand(1, 5, 6, 1, dtype=i32, low=0, high=100)),
    "resize_nearest": (lambda m, x: m.image.resize_nearest_neighbor(x, [7, 4]),
                       rand(2, 5, 6, 3)),
    "resize_nearest_ac": (lambda m, x: m.image.resize_nearest_neighbor(
        x, [9, 11], align_corners=True), rand(2, 5, 6, 3)),
    "resize_nearest_hp": (lambda m, x: m.image.resize_nearest_neighbor(
        x, [9, 4], half_pixel_centers=True), rand(1, 5, 6, 2)),
    "resize_nearest_i32": (lambda m, x: m.image.resize_nearest_neighbor(x, [3, 8]),
                           rand(1, 5, 6, 1, dtype=i32, low=0, high=100)),
    "resize_images": (lambda m, x: m.image.resize_images(x, [7, 4]), rand(2, 5, 6, 3)),
    "resize_images_3d": (lambda m, x: m.image.resize_images(x, [7, 4]), rand(5, 6, 3)),
    "resize_images_f64": (lambda m, x: m.image.resize_images(x, [3, 8]), rand(1, 5, 6, 1)),
    "resize_images_nn": (lambda m, x: m.image.resize_images(
        x, [7, 4], method=m.image.ResizeMethod.NEAREST_NEIGHBOR), rand(2, 5, 6, 3)),
    "resize_images_nn_ac": (lambda m, x: m.image.resize_images(
        x, [7, 11], method=1, align_corners=True), rand(5, 6, 3)),
    "resize_images_ac": (lambda m, x: m.image.resize_images(x, [8, 9], align_corners=True),
                         rand(2, 5, 6, 3)),
    "resize_images_same": (lambda m, x: m.image.resize_images(x, [5, 6]), rand(1, 5, 6, 2)),
    "resize_images_i32": (lambda m, x: m.image.resize_images(x, [4, 4]),
                          rand(5, 6, 1, dtype=i32, low=0, high=50)),
    "resize_images_aspect": (lambda m, x: m.image.resize_images(
        x, [8, 9], preserve_aspect_ratio=True), rand(1, 5, 6, 2)),
    "resize_bicubic": (lambda m, x: m.image.resize_bicubic(x, [7, 4]), rand(2, 5, 6, 3)),
    "resize_bicubic_up": (lambda m, x: m.image.resize_bicubic(x, [9, 13]), rand(1, 5, 6, 2)),
    "resize_bicubic_ac": (lambda m, x: m.image.resize_bicubic(x, [9, 4], align_corners=True),
                          rand(1, 5, 6, 2)),
    "resize_bicubic_hp": (lambda m, x: m.image.resize_bicubic(
        x, [9, 4], half_pixel_centers=True), rand(1, 5, 6, 2)),
    "resize_bicubic_f32": (lambda m, x: m.image.resize_bicubic(x, [3, 11]),
                           rand(2, 5, 6, 1, dtype=f32)),
    "resize_bicubic_i32": (lambda m, x: m.image.resize_bicubic(x, [3, 11]),
                           rand(1, 5, 6, 1, dtype=i32, low=0, high=255)),
    "resize_images_bicubic": (lambda m, x: m.image.resize_images(
        x, [8, 3], method=m.image.ResizeMethod.BICUBIC), rand(5, 6, 3)),
    "resize_images_bicubic_ac": (lambda m, x: m.image.resize_images(
        x, [8, 3], method=2, align_corners=True), rand(2, 5, 6, 3)),
    # TF has no gradient for ResizeArea (graphc's composite has one)
    "resize_area": (lambda m, x: m.image.resize_area(x, [3, 4]), rand(2, 5, 6, 3),
                    dict(grad=False)),
    "resize_area_up": (lambda m, x: m.image.resize_area(x, [7, 13]), rand(1, 5, 6, 2),
                       dict(grad=False)),
    "resize_area_ac": (lambda m, x: m.image.resize_area(x, [3, 9], align_corners=True),
                       rand(1, 5, 6, 2), dict(grad=False)),
    "resize_area_i32": (lambda m, x: m.image.resize_area(x, [2, 4]),
                        rand(1, 5, 6, 1, dtype=i32, low=0, high=255), dict(grad=False)),
    "resize_images_area": (lambda m, x: m.image.resize_images(
        x, [4, 4], method=m.image.ResizeMethod.AREA), rand(5, 6, 3), dict(grad=False)),
    # ---- flips, rotations ---------------------------------------------------------------
    "flip_lr": (lambda m, x: m.image.flip_left_right(x), rand(4, 5, 3)),
    "flip_lr_4d": (lambda m, x: m.image.flip_left_right(x), rand(2, 4, 5, 3)),
    "flip_ud": (lambda m, x: m.image.flip_up_down(x), rand(4, 5, 3)),
    "flip_ud_4d": (lambda m, x: m.image.flip_up_down(x), rand(2, 4, 5, 1)),
    "transpose_image": (lambda m, x: m.image.transpose_image(x), rand(4, 5, 3)),
    "transpose_image_4d": (lambda m, x: m.image.transpose_image(x), rand(2, 4, 5, 3)),
    "image_transpose": (lambda m, x: m.image.transpose(x), rand(2, 4, 5, 3)),
    # TF's rot90 loses the static shape (a case): reshape both results to the known one
    "rot90": (lambda m, x: m.reshape(m.image.rot90(x), [5, 4, 3]), rand(4, 5, 3)),
    "rot90_k2": (lambda m, x: m.reshape(m.image.rot90(x, k=2), [2, 4, 5, 3]),
                 rand(2, 4, 5, 3)),
    "rot90_k3": (lambda m, x: m.reshape(m.image.rot90(x, 3), [5, 4, 2]), rand(4, 5, 2)),
    "rot90_k4": (lambda m, x: m.reshape(m.image.rot90(x, 4), [4, 5, 2]), rand(4, 5, 2)),
    "rot90_kneg": (lambda m, x: m.reshape(m.image.rot90(x, -1), [2, 5, 4, 2]),
                   rand(2, 4, 5, 2)),
    "rot90_k_tensor": (lambda m, x: m.reshape(m.image.rot90(x, m.constant(3)), [5, 4, 2]),
                       rand(4, 5, 2)),
    "rot90_i32": (lambda m, x: m.reshape(m.image.rot90(x), [5, 4, 2]),
                  rand(4, 5, 2, dtype=i32)),
    # ---- crops, pads --------------------------------------------------------------------
    "crop_bbox": (lambda m, x: m.image.crop_to_bounding_box(x, 1, 2, 3, 2), rand(5, 6, 3)),
    "crop_bbox_4d": (lambda m, x: m.image.crop_to_bounding_box(x, 0, 1, 5, 4),
                     rand(2, 5, 6, 3)),
    "pad_bbox": (lambda m, x: m.image.pad_to_bounding_box(x, 1, 2, 7, 9), rand(5, 6, 3)),
    "pad_bbox_4d": (lambda m, x: m.image.pad_to_bounding_box(x, 0, 3, 6, 9),
                    rand(2, 5, 6, 3)),
    "central_crop": (lambda m, x: m.image.central_crop(x, 0.5), rand(5, 7, 3)),
    "central_crop_4d": (lambda m, x: m.image.central_crop(x, 0.33), rand(2, 9, 8, 3)),
    "central_crop_one": (lambda m, x: m.image.central_crop(x, 1.0), rand(5, 7, 3)),
    "crop_or_pad_crop": (lambda m, x: m.image.resize_image_with_crop_or_pad(x, 3, 4),
                         rand(5, 7, 3)),
    "crop_or_pad_pad": (lambda m, x: m.image.resize_image_with_crop_or_pad(x, 8, 10),
                        rand(2, 5, 7, 3)),
    "crop_or_pad_mixed": (lambda m, x: m.image.resize_image_with_crop_or_pad(x, 8, 4),
                          rand(5, 7, 1)),
    "crop_or_pad_odd": (lambda m, x: m.image.resize_with_crop_or_pad(x, 2, 10),
                        rand(5, 7, 1)),
    # ---- pixel values -------------------------------------------------------------------
    "standardize": (lambda m, x: m.image.per_image_standardization(x), rand(5, 6, 3, dtype=f32)),
    "standardize_4d": (lambda m, x: m.image.per_image_standardization(x),
                       rand(2, 5, 6, 3, dtype=f32)),
    "standardize_f64": (lambda m, x: m.image.per_image_standardization(x), rand(4, 3, 2)),
    "standardize_const": (lambda m, x: m.image.per_image_standardization(x),
                          np.ones((3, 4, 2), f32)),
    "standardize_i32": (lambda m, x: m.image.per_image_standardization(x),
                        rand(3, 4, 2, dtype=i32, low=0, high=255)),
    "brightness": (lambda m, x: m.image.adjust_brightness(x, 0.2), _RGB.astype(f32)),
    "brightness_f64": (lambda m, x: m.image.adjust_brightness(x, -0.3), _RGB),
    "brightness_i32": (lambda m, x: m.image.adjust_brightness(x, 0.25), _RGB_I),
    # TF has no gradient for AdjustContrastv2 (graphc's composite has one)
    "contrast": (lambda m, x: m.image.adjust_contrast(x, 1.7), _RGB.astype(f32),
                 dict(grad=False)),
    "contrast_3d_f64": (lambda m, x: m.image.adjust_contrast(x, 0.4), _RGB[0],
                        dict(grad=False)),
    "contrast_i32": (lambda m, x: m.image.adjust_contrast(x, 0.5), _RGB_I),
    "gamma": (lambda m, x: m.image.adjust_gamma(x, 2.0), _RGB.astype(f32)),
    "gamma_gain": (lambda m, x: m.image.adjust_gamma(x, 0.5, 1.5), _RGB[0]),
    "gamma_i32": (lambda m, x: m.image.adjust_gamma(x, 1.5), _RGB_I),
    "rgb_to_grayscale": (lambda m, x: m.image.rgb_to_grayscale(x), _RGB.astype(f32)),
    "rgb_to_grayscale_f64": (lambda m, x: m.image.rgb_to_grayscale(x), _RGB[0]),
    "rgb_to_grayscale_i32": (lambda m, x: m.image.rgb_to_grayscale(x), _RGB_I),
    "grayscale_to_rgb": (lambda m, x: m.image.grayscale_to_rgb(x), rand(2, 4, 5, 1)),
    "grayscale_to_rgb_2d": (lambda m, x: m.image.grayscale_to_rgb(x), rand(4, 1)),
    "rgb_to_hsv": (lambda m, x: m.image.rgb_to_hsv(x), _RGB.astype(f32)),
    "rgb_to_hsv_f64": (lambda m, x: m.image.rgb_to_hsv(x), _RGB[0]),
    # TF has no gradient for HSVToRGB (graphc's composite has one)
    "hsv_to_rgb": (lambda m, x: m.image.hsv_to_rgb(x), _RGB.astype(f32), dict(grad=False)),
    "hsv_to_rgb_f64": (lambda m, x: m.image.hsv_to_rgb(x), _RGB[0], dict(grad=False)),
    "hsv_round_trip": (lambda m, x: m.image.hsv_to_rgb(m.image.rgb_to_hsv(x)), _RGB[1],
                       dict(grad=False)),
    "convert_i32_f32": (lambda m, x: m.image.convert_image_dtype(x, m.float32), _RGB_I),
    "convert_i32_f64": (lambda m, x: m.image.convert_image_dtype(x, m.float64), _RGB_I),
    "convert_f32_i32": (lambda m, x: m.image.convert_image_dtype(x, m.int32),
                        _RGB.astype(f32)),
    "convert_f64_i32": (lambda m, x: m.image.convert_image_dtype(x, m.int32), _RGB[0]),
    "convert_f32_i32_sat": (lambda m, x: m.image.convert_image_dtype(x, m.int32, saturate=True),
                            (_RGB[0] * 1.5 - 0.2).astype(f32)),
    # (values >= 1 would overflow TF's float -> int64 cast: see test_convert_saturates)
    "convert_f64_i64_sat": (lambda m, x: m.image.convert_image_dtype(x, m.int64, saturate=True),
                            _RGB[0] * 0.9 - 0.2),
    "convert_f32_f64": (lambda m, x: m.image.convert_image_dtype(x, m.float64),
                        _RGB.astype(f32)),
    "convert_f64_f32": (lambda m, x: m.image.convert_image_dtype(x, m.float32), _RGB),
    "convert_f64_f16": (lambda m, x: m.image.convert_image_dtype(x, m.float16), _RGB),
    "convert_same": (lambda m, x: m.image.convert_image_dtype(x, m.float64), _RGB),
    "convert_i32_i64": (lambda m, x: m.image.convert_image_dtype(x, m.int64), _RGB_I),
    "convert_i64_i32": (lambda m, x: m.image.convert_image_dtype(x, m.int32),
                        _RGB_I.astype(i64) * 2**32),
    # ---- differences, edges, patches ----------------------------------------------------
    "total_variation": (lambda m, x: m.image.total_variation(x), rand(5, 6, 3)),
    "total_variation_4d": (lambda m, x: m.image.total_variation(x), rand(2, 5, 6, 3)),
    "total_variation_i32": (lambda m, x: m.image.total_variation(x),
                            rand(2, 5, 6, 1, dtype=i32, low=-9, high=9)),
    "image_gradients": (lambda m, x: m.image.image_gradients(x), rand(2, 5, 6, 3)),
    "sobel_edges": (lambda m, x: m.image.sobel_edges(x), rand(2, 5, 6, 3)),
    "sobel_edges_f32": (lambda m, x: m.image.sobel_edges(x), rand(1, 4, 3, 2, dtype=f32)),
    "extract_image_patches": (lambda m, x: m.image.extract_image_patches(
        x, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 1, 1], "VALID"), rand(2, 5, 6, 2)),
    "extract_image_patches_same": (lambda m, x: m.extract_image_patches(
        x, ksizes=[1, 3, 2, 1], strides=[1, 2, 3, 1], rates=[1, 1, 2, 1], padding="SAME"),
        rand(1, 5, 7, 2)),
    "extract_patches": (lambda m, x: m.image.extract_patches(
        x, sizes=[1, 2, 2, 1], strides=[1, 1, 2, 1], rates=[1, 1, 1, 1], padding="VALID"),
        rand(1, 4, 5, 3)),
}

CASES = {**{"linalg_" + k: v for k, v in LINALG.items()},
         **{"image_" + k: v for k, v in IMAGE.items()}}

# Looser tolerances for float32 and float16 cases.
TOL = {"float32": dict(rtol=2e-4, atol=2e-5), "float16": dict(rtol=1e-2, atol=1e-3)}


def _tol(args):
    kinds = {np.asarray(a).dtype.name for a in args}
    for k in ("float16", "float32"):
        if k in kinds:
            return TOL[k]
    return dict(rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    kw = args.pop() if args and isinstance(args[-1], dict) else {}
    tol = TOL["float32"] if "resize" in name else _tol(args)    # resizes compute in float32
    check(fn, *args, **{**tol, **kw})


# ---- random ops and initializers: dtypes and shapes only ----------------------------------
RANDOM = {
    "random_normal": (lambda m: m.random_normal([2, 3]),),
    "random_normal_f64": (lambda m: m.random_normal([4], mean=1.0, stddev=2.0,
                                                    dtype=m.float64, seed=3),),
    "random_normal_shape_tensor": (lambda m, x: m.random_normal(m.shape(x)), rand(3, 2)),
    "random_normal_mean_tensor": (lambda m, mu: m.random_normal([2, 3], mean=mu),
                                  rand(2, 3, dtype=f32)),
    "random_uniform": (lambda m: m.random_uniform([3, 2]),),
    "random_uniform_f64": (lambda m: m.random_uniform([3], -1.0, 4.0, dtype=m.float64),),
    "random_uniform_i32": (lambda m: m.random_uniform([3, 4], maxval=10, dtype=m.int32),),
    "random_uniform_i64": (lambda m: m.random_uniform([5], 2, 10, dtype=m.int64),),
    "random_uniform_scalar": (lambda m: m.random_uniform([]),),
    "random_uniform_empty": (lambda m: m.random_uniform([0, 3]),),
    "truncated_normal": (lambda m: m.truncated_normal([2, 3, 4]),),
    "truncated_normal_f64": (lambda m: m.truncated_normal([3], 0.5, 0.1, dtype=m.float64),),
    "random_shuffle": (lambda m, x: m.random_shuffle(x), rand(5, 3)),
    "random_shuffle_i32": (lambda m, x: m.random_shuffle(x), rand(5, dtype=i32)),
    "multinomial": (lambda m, z: m.multinomial(z, 7), rand(3, 4, dtype=f32)),
    "multinomial_i32": (lambda m, z: m.multinomial(z, 2, output_dtype=m.int32), rand(3, 4)),
    "categorical": (lambda m, z: m.random.categorical(z, 5), rand(2, 6, dtype=f32)),
    "categorical_i32": (lambda m, z: m.random.categorical(z, 5, dtype=m.int32),
                        rand(2, 6, dtype=f32)),
    "random_gamma": (lambda m: m.random_gamma([4], 2.0),),
    "random_gamma_alpha": (lambda m, a: m.random_gamma([4, 2], a, dtype=m.float64),
                           rand(3, low=0.5, high=3.0)),
    "random_gamma_beta": (lambda m, a, b: m.random.gamma([5], a, b), rand(2, 1, dtype=f32,
                          low=1, high=2), rand(3, dtype=f32, low=1, high=2)),
    "random_poisson": (lambda m: m.random_poisson(3.0, [4, 2]),),
    "random_poisson_lam": (lambda m, lam: m.random_poisson(lam, [5]), rand(2, 3, dtype=f32,
                           low=0.5, high=4)),
    "random_poisson_i64": (lambda m, lam: m.random_poisson(lam, [2], dtype=m.int64),
                           rand(3, dtype=f32, low=0.5, high=4)),
    "random_poisson_i32": (lambda m: m.random.poisson(2.0, [3], dtype=m.int32),),
    "random_crop": (lambda m, x: m.random_crop(x, [2, 3, 3]), rand(5, 6, 3)),
    "image_random_crop": (lambda m, x: m.image.random_crop(x, [1, 4, 2, 3]),
                          rand(2, 5, 6, 3, dtype=f32)),
    "random_flip_lr": (lambda m, x: m.image.random_flip_left_right(x, seed=1),
                       rand(2, 5, 6, 3)),
    "random_flip_ud": (lambda m, x: m.image.random_flip_up_down(x), rand(5, 6, 3)),
    "random_brightness": (lambda m, x: m.image.random_brightness(x, 0.3), rand(5, 6, 3)),
    "random_brightness_i32": (lambda m, x: m.image.random_brightness(x, 0.1, seed=2),
                              rand(5, 6, 3, dtype=i32, low=0, high=1000)),
    "random_contrast": (lambda m, x: m.image.random_contrast(x, 0.5, 1.5),
                        rand(2, 5, 6, 3, dtype=f32)),
    "ns_random_normal": (lambda m: m.random.normal([2, 5], dtype=m.float64),),
    "ns_random_uniform": (lambda m: m.random.uniform([2, 5], maxval=3, dtype=m.int64),),
    "ns_random_shuffle": (lambda m, x: m.random.shuffle(x), rand(4, 2)),
    "ns_truncated_normal": (lambda m: m.random.truncated_normal([3]),),
    "stateless_normal": (lambda m: m.random.stateless_normal([2, 3], seed=[1, 2]),),
    "stateless_uniform": (lambda m: m.random.stateless_uniform([2, 3], [1, 2],
                                                                dtype=m.float64),),
    "stateless_uniform_int": (lambda m: m.random.stateless_uniform(
        [4], [1, 2], minval=0, maxval=5, dtype=m.int32),),
    "stateless_truncated_normal": (lambda m: m.random.stateless_truncated_normal([3], [3, 4]),),
    # initializers called directly: shape and dtype of the initial value
    "init_zeros": (lambda m: m.zeros_initializer()([2, 3]),),
    "init_zeros_i32": (lambda m: m.zeros_initializer(dtype=m.int32)([2, 3]),),
    "init_ones_f64": (lambda m: m.ones_initializer()([4], dtype=m.float64),),
    "init_constant": (lambda m: m.constant_initializer(2.5)([3, 2]),),
    "init_constant_list": (lambda m: m.constant_initializer([1, 2, 3, 4, 5, 6])([2, 3]),),
    "init_random_uniform": (lambda m: m.random_uniform_initializer(-1, 1)([3, 4]),),
    "init_random_normal_f64": (lambda m: m.random_normal_initializer(
        dtype=m.float64)([3, 4]),),
    "init_truncated_normal": (lambda m: m.truncated_normal_initializer(stddev=0.1)([5]),),
    "init_variance_scaling": (lambda m: m.variance_scaling_initializer()([3, 4, 5]),),
    "init_variance_scaling_uniform": (lambda m: m.variance_scaling_initializer(
        2.0, "fan_avg", "uniform")([3, 4]),),
    "init_variance_scaling_normal": (lambda m: m.variance_scaling_initializer(
        distribution="untruncated_normal")([3, 4]),),
    "init_glorot_uniform": (lambda m: m.glorot_uniform_initializer()([3, 4]),),
    "init_glorot_normal": (lambda m: m.glorot_normal_initializer()([2, 3, 4, 5]),),
    "init_ns_he_normal": (lambda m: m.initializers.he_normal()([3, 4]),),
    "init_ns_lecun_uniform": (lambda m: m.initializers.lecun_uniform()([3, 4]),),
    "init_ns_identity": (lambda m: m.initializers.identity()([3, 4]),),
    "init_ns_orthogonal": (lambda m: m.initializers.orthogonal()([3, 4]),),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random(name):
    fn, *args = RANDOM[name]
    check(fn, *args, grad=False, values=False)


# initializers whose values are deterministic
INIT_VALUES = {
    "zeros": (lambda m: m.zeros_initializer()([2, 3]),),
    "ones_i64": (lambda m: m.ones_initializer(dtype=m.int64)([3]),),
    "constant": (lambda m: m.constant_initializer(-1.5)([2, 2]),),
    "constant_list": (lambda m: m.constant_initializer([1, 2, 3, 4, 5, 6])([3, 2]),),
    "identity": (lambda m: m.initializers.identity(gain=2.0)([3, 4]),),
}


@pytest.mark.parametrize("name", sorted(INIT_VALUES))
def test_initializer_values(name):
    fn, *args = INIT_VALUES[name]
    check(fn, *args, grad=False)


def test_convert_saturates_at_the_int64_maximum():
    # graphc clips float -> int64 just below 2**63; TF's cast of 2**63 overflows (INT64_MIN)
    import graphc as gc
    x = gc.constant(np.array([1.5, 0.5]))
    with gc.Session() as sess:
        got = sess.run(gc.image.convert_image_dtype(x, gc.int64, saturate=True))
    assert got.tolist() == [2**63 - 1024, 2**62]


def test_matmul_incompatible_batch_dims_raise_in_both():
    import graphc as gc
    from tf_parity import v1
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default(), pytest.raises(ValueError):
            m.matmul(m.placeholder(m.float32, [2, 3, 4]), m.placeholder(m.float32, [3, 4, 5]))


def test_cross_needs_size_3_and_equal_shapes():
    import graphc as gc
    with pytest.raises(ValueError):
        gc.cross(gc.placeholder(gc.float32, [2, 4]), gc.placeholder(gc.float32, [2, 4]))
    with pytest.raises(ValueError):
        gc.cross(gc.placeholder(gc.float32, [2, 3]), gc.placeholder(gc.float32, [1, 3]))


@pytest.mark.parametrize("bands", [(-1, 0), (0, 0), (1, 2), (0, -1), (-1, -1)])
def test_matrix_band_part_with_band_widths_fed_at_run_time(bands):
    check(lambda m, x, lo, up: m.matrix_band_part(x, lo, up), rand(2, 3, 4),
          np.int64(bands[0]), np.int64(bands[1]))
