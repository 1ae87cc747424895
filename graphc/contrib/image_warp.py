"""Warps of TF 1.15's tf.contrib.image: dense_image_warp (per-pixel flow, bilinear with the
border clamped), interpolate_spline (polyharmonic splines through a linear solve) and
sparse_image_warp (a spline-interpolated flow from control points, then the dense warp).

All three are compositions of graphc ops, as in TF 1.15, so their gradients (w.r.t. the
image, the flow, the points and the values) are those of the composition: exact, apart
from the floor of the warp's query points, which (as in TF) passes no gradient.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import control_dependencies, name_scope
from ..ops.array import expand_dims, reshape, shape, transpose
from ..ops.array_extra import meshgrid
from ..ops.asserts import assert_equal, assert_greater_equal, assert_less_equal
from ..ops.cast import cast
from ..ops.core import constant, convert_to_tensor
from ..ops.creation import ones_like, range as range_, zeros
from ..ops.elementwise import floor, log, maximum, minimum, pow as pow_, sqrt, square
from ..ops.gather import gather
from ..ops.join import concat, stack, unstack
from ..ops.linalg import matmul
from ..ops.matrix import eye, matrix_diag_part
from ..ops.reduce import reduce_sum
from ..ops.solve import matrix_solve

__all__ = ["dense_image_warp", "interpolate_spline", "sparse_image_warp"]

EPSILON = 0.0000000001


# ---- dense_image_warp ---------------------------------------------------------------------
def _interpolate_bilinear(grid, query_points, name="interpolate_bilinear", indexing="ij"):
    """values[b, q, c] of grid (b, h, w, c) at query_points (b, q, 2), bilinear with the
    floor clamped to [0, size - 2] and the weight to [0, 1] (so the border repeats)."""
    if indexing not in ("ij", "xy"):
        raise ValueError("Indexing mode must be 'ij' or 'xy'")
    with name_scope(name):
        grid = convert_to_tensor(grid)
        query_points = convert_to_tensor(query_points)
        if grid.shape.rank != 4:
            raise errors.ShapeError("Grid must be 4 dimensional. Received size: "
                                    f"{grid.shape}\n  " + errors.describe_tensor(grid, "grid"))
        size = shape(grid)
        batch, height, width, channels = size[0], size[1], size[2], size[3]
        query_type, grid_type = query_points.dtype, grid.dtype
        with control_dependencies([
                assert_equal(query_points.shape.rank, 3,
                             message="Query points must be 3 dimensional."),
                assert_equal(shape(query_points)[2], 2,
                             message="Query points must be size 2 in dim 2.")]):
            num_queries = shape(query_points)[1]
        with control_dependencies([
                assert_greater_equal(height, 2, message="Grid height must be at least 2."),
                assert_greater_equal(width, 2, message="Grid width must be at least 2.")]):
            queries_by_dim = unstack(query_points, axis=2)
        floors, ceils, alphas = [], [], []
        for dim in ([0, 1] if indexing == "ij" else [1, 0]):
            with name_scope("dim-" + str(dim)):
                queries = queries_by_dim[dim]
                max_floor = cast(size[dim + 1] - 2, query_type)
                low = minimum(maximum(constant(0.0, dtype=query_type), floor(queries)),
                              max_floor)
                int_floor = cast(low, dtypes.int32)
                floors.append(int_floor)
                ceils.append(int_floor + 1)
                alpha = cast(queries - low, grid_type)
                alpha = minimum(maximum(constant(0.0, dtype=grid_type), alpha),
                                constant(1.0, dtype=grid_type))
                alphas.append(expand_dims(alpha, 2))
        with control_dependencies([assert_less_equal(
                cast(batch * height * width, dtypes.float32), np.iinfo(np.int32).max / 8,
                message="The image size or batch size is sufficiently large that the "
                        "linearized addresses used by gather may exceed the int32 limit.")]):
            flat = reshape(grid, stack([batch * height * width, channels]))
            offsets = reshape(range_(batch) * height * width, [-1, 1])

        def corner(y, x, label):
            with name_scope("gather-" + label):
                values = gather(flat, offsets + y * width + x)
                return reshape(values, stack([batch, num_queries, channels]))

        top_left = corner(floors[0], floors[1], "top_left")
        top_right = corner(floors[0], ceils[1], "top_right")
        bottom_left = corner(ceils[0], floors[1], "bottom_left")
        bottom_right = corner(ceils[0], ceils[1], "bottom_right")
        with name_scope("interpolate"):
            top = alphas[1] * (top_right - top_left) + top_left
            bottom = alphas[1] * (bottom_right - bottom_left) + bottom_left
            return alphas[0] * (bottom - top) + top


def dense_image_warp(image, flow, name="dense_image_warp"):
    """Warps image (b, h, w, c) by a per-pixel flow (b, h, w, 2), as TF 1.15's
    tf.contrib.image.dense_image_warp: output[b, j, i, c] = image[b, j - flow[b, j, i, 0],
    i - flow[b, j, i, 1], c], bilinear, the nearest border pixels outside the image.
    h and w must be at least 2 (checked when the graph runs).

        warped = gc.contrib.image.dense_image_warp(img, flow)
    """
    with name_scope(name):
        image = convert_to_tensor(image)
        flow = convert_to_tensor(flow)
        size = shape(image)
        batch, height, width, channels = size[0], size[1], size[2], size[3]
        grid_x, grid_y = meshgrid(range_(width), range_(height))
        grid = cast(stack([grid_y, grid_x], axis=2), flow.dtype)
        query = reshape(expand_dims(grid, 0) - flow, stack([batch, height * width, 2]))
        values = _interpolate_bilinear(image, query)
        return reshape(values, stack([batch, height, width, channels]))


# ---- interpolate_spline -------------------------------------------------------------------
def _cross_squared_distance_matrix(x, y):
    """||x[b, i] - y[b, j]||^2 as |x|^2 - 2 x.y + |y|^2 (TF's formula, not the difference)."""
    x_norm = expand_dims(reduce_sum(square(x), 2), 2)
    y_norm = expand_dims(reduce_sum(square(y), 2), 1)
    return x_norm - 2 * matmul(x, y, adjoint_b=True) + y_norm


def _pairwise_squared_distance_matrix(x):
    """||x[b, i] - x[b, j]||^2 from the Gram matrix."""
    gram = matmul(x, x, adjoint_b=True)
    norm = expand_dims(matrix_diag_part(gram), 2)
    return norm - 2 * gram + transpose(norm, [0, 2, 1])


def _phi(r, order):
    """The polyharmonic kernel of squared distance r: r^(k/2) for odd k, r^(k/2) log(r) / 2
    for even k (EPSILON keeps log and sqrt away from 0)."""
    with name_scope("phi"):
        if order == 1:
            return sqrt(maximum(r, EPSILON))
        if order == 2:
            return 0.5 * r * log(maximum(r, EPSILON))
        if order == 4:
            return 0.5 * square(r) * log(maximum(r, EPSILON))
        r = maximum(r, EPSILON)
        if order % 2 == 0:
            return 0.5 * pow_(r, 0.5 * order) * log(r)
        return pow_(r, 0.5 * order)


def _static_last(t, what):
    d = t.shape._dims[-1] if t.shape.rank else None
    d = t.graph.dims.resolve(d) if d is not None else None
    if not isinstance(d, int):
        raise errors.ShapeError(f"The dimensionality of the {what} must be "
                                f"statically-inferrable.\n  " + errors.describe_tensor(t))
    return d


def _solve_interpolation(train_points, train_values, order, regularization_weight):
    """The spline's weights w (b, n, k) and linear part v (b, d + 1, k): the solution of
    [[A + reg I, B], [B^T, 0]] [w; v] = [f; 0], A = phi(distances), B = [c, 1]."""
    b, n, _ = unstack(shape(train_points), num=3)
    d = _static_last(train_points, "input points (d)")
    k = _static_last(train_values, "output values (k)")
    c, f = train_points, train_values
    with name_scope("construct_linear_system"):
        matrix_a = _phi(_pairwise_squared_distance_matrix(c), order)
        if regularization_weight > 0:
            matrix_a += regularization_weight * expand_dims(eye(n, dtype=c.dtype), 0)
        matrix_b = concat([c, ones_like(c[..., :1], dtype=c.dtype)], 2)
        left = concat([matrix_a, transpose(matrix_b, [0, 2, 1])], 1)
        right = concat([matrix_b, zeros(stack([b, d + 1, d + 1]), c.dtype)], 1)
        lhs = concat([left, right], 2)
        rhs = concat([f, zeros(stack([b, d + 1, k]), c.dtype)], 1)
    with name_scope("solve_linear_system"):
        w_v = matrix_solve(lhs, rhs)
        return w_v[:, :n, :], w_v[:, n:, :]


def _apply_interpolation(query_points, train_points, w, v, order):
    """phi(distances to the centres) w + [query, 1] v."""
    rbf = matmul(_phi(_cross_squared_distance_matrix(query_points, train_points), order), w)
    padded = concat([query_points, ones_like(query_points[..., :1], train_points.dtype)], 2)
    return rbf + matmul(padded, v)


def interpolate_spline(train_points, train_values, query_points, order,
                       regularization_weight=0.0, name="interpolate_spline"):
    """Polyharmonic spline through train_values (b, n, k) at train_points (b, n, d),
    evaluated at query_points (b, m, d), as TF 1.15's tf.contrib.image.interpolate_spline:
    f(x) = sum_i w_i phi(|x - c_i|) + v^T [x, 1], phi(r) = r^order (odd order) or
    r^order log(r) (even; order 2 is the thin-plate spline). regularization_weight > 0
    trades the exact fit for smoothness. d and k must be static. Differentiable in all
    three tensors.

        values = gc.contrib.image.interpolate_spline(points, values_at_points, queries, 2)
    """
    with name_scope(name):
        train_points = convert_to_tensor(train_points)
        train_values = convert_to_tensor(train_values)
        query_points = convert_to_tensor(query_points)
        with name_scope("solve"):
            w, v = _solve_interpolation(train_points, train_values, order,
                                        regularization_weight)
        with name_scope("predict"):
            return _apply_interpolation(query_points, train_points, w, v, order)


# ---- sparse_image_warp --------------------------------------------------------------------
def _grid_locations(height, width):
    """(h, w, 2): the (y, x) of every pixel."""
    ys, xs = np.meshgrid(np.linspace(0, height - 1, height), np.linspace(0, width - 1, width),
                         indexing="ij")
    return np.stack((ys, xs), -1)


def _boundary_locations(height, width, per_edge):
    """The corners and per_edge evenly spaced points inside each edge, row-major order."""
    ys, xs = np.meshgrid(np.linspace(0, height - 1, per_edge + 2),
                         np.linspace(0, width - 1, per_edge + 2), indexing="ij")
    edge = (xs == 0) | (xs == width - 1) | (ys == 0) | (ys == height - 1)
    return np.stack([ys[edge], xs[edge]], axis=-1)


def _minibatch(array, batch):
    return np.tile(array[None], [batch] + [1] * array.ndim)


def sparse_image_warp(image, source_control_point_locations, dest_control_point_locations,
                      interpolation_order=2, regularization_weight=0.0, num_boundary_points=0,
                      name="sparse_image_warp"):
    """Warps image (b, h, w, c) so that each source control point (b, n, 2; (y, x)) moves
    to its destination, as TF 1.15's tf.contrib.image.sparse_image_warp: the flows at the
    control points are interpolated to a dense flow by interpolate_spline (num_boundary_points
    > 0 pins zero flow at the corners and num_boundary_points - 1 points inside each edge),
    then dense_image_warp. Needs the image's static shape (as TF). Returns
    (warped_image, dense_flows (b, h, w, 2)).

        warped, flow = gc.contrib.image.sparse_image_warp(img, src_points, dst_points)
    """
    image = convert_to_tensor(image)
    source = convert_to_tensor(source_control_point_locations)
    dest = convert_to_tensor(dest_control_point_locations)
    flows = dest - source
    with name_scope(name):
        dims = [image.graph.dims.resolve(d) if d is not None else None
                for d in (image.shape._dims or [None] * 4)]
        if len(dims) != 4 or not all(isinstance(d, int) for d in dims[:3]):
            raise errors.ShapeError("sparse_image_warp: the image's batch, height and width "
                                    "must be known when the graph is built (as TF 1.15)\n  "
                                    + errors.describe_tensor(image, "image"))
        batch, height, width, _ = dims
        grid = np.reshape(_grid_locations(height, width), [height * width, 2])
        grid = constant(_minibatch(grid, batch), image.dtype)
        if num_boundary_points > 0:
            where = _boundary_locations(height, width, num_boundary_points - 1)
            dest = concat([dest, constant(_minibatch(where, batch), dest.dtype)], 1)
            flows = concat([flows, constant(_minibatch(np.zeros([len(where), 2]), batch),
                                            dest.dtype)], 1)
        flat_flows = interpolate_spline(dest, flows, grid, interpolation_order,
                                        regularization_weight)
        dense_flows = reshape(flat_flows, [batch, height, width, 2])
        return dense_image_warp(image, dense_flows), dense_flows
