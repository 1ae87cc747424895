"""graphc's sparse ops on a SparseTensor of unknown rank: TF1's shapeless
`sparse_placeholder(tf.float32)` fed 2-D and 3-D values (empty ones included) through one
graph. The expected values and gradients (w.r.t. the fed values, of the sum of squares of
the float outputs) are TF 2.21's in tf.compat.v1 graph mode; None: TF has no gradient."""
import numpy as np
import pytest

import graphc as gc


def _value(indices, values, shape):
    idx = np.array(indices, np.int64).reshape(-1, len(shape))
    return gc.SparseTensorValue(idx, np.array(values, np.float32), np.array(shape, np.int64))


FEEDS = {
    "A2": _value([[0, 1], [2, 0], [1, 3]], [1, 2, 3], [3, 4]),
    "M2": _value([[0, 3], [0, 1], [2, 0], [2, 2]], [-1, -5, 2, 7], [4, 5]),
    "E2": _value([], [], [2, 3]),
    "B3": _value([[1, 2, 1], [0, 0, 0], [1, 0, 1], [0, 2, 0], [1, 2, 0]], [1, -2, 3, 4, 6],
                 [2, 3, 2]),
    "E3": _value([], [], [2, 2, 2]),
}


def _wider(v):
    """v with its last dim 2 longer (the second operand of concat_exp)."""
    shape = v.dense_shape.copy()
    shape[-1] += 2
    return gc.SparseTensorValue(v.indices, v.values, shape)


def _ints(sp):
    return gc.SparseTensor(sp.indices, gc.cast(gc.abs(sp.values), gc.int64) % 5,
                           sp.dense_shape)


CASES = {
    "reorder": lambda x, y: gc.sparse_reorder(x),
    "rsum_none": lambda x, y: gc.sparse_reduce_sum(x),
    "rsum_none_kd": lambda x, y: gc.sparse_reduce_sum(x, keepdims=True),
    "rsum_0": lambda x, y: gc.sparse_reduce_sum(x, 0),
    "rsum_1": lambda x, y: gc.sparse_reduce_sum(x, 1),
    "rsum_m1": lambda x, y: gc.sparse_reduce_sum(x, -1),
    "rsum_m1_kd": lambda x, y: gc.sparse_reduce_sum(x, -1, keepdims=True),
    "rsum_0m1": lambda x, y: gc.sparse_reduce_sum(x, [0, -1]),
    "rsum_01_kd": lambda x, y: gc.sparse_reduce_sum(x, [1, 0], keepdims=True),
    "rsums_1": lambda x, y: gc.sparse_reduce_sum_sparse(x, 1),
    "rsums_m1_kd": lambda x, y: gc.sparse_reduce_sum_sparse(x, -1, keepdims=True),
    "rsums_none": lambda x, y: gc.sparse_reduce_sum_sparse(x),
    "rsums_01": lambda x, y: gc.sparse_reduce_sum_sparse(x, [0, 1]),
    "rmax_none": lambda x, y: gc.sparse_reduce_max(x),
    "rmax_1": lambda x, y: gc.sparse_reduce_max(x, 1),
    "rmax_m1_kd": lambda x, y: gc.sparse_reduce_max(x, -1, keepdims=True),
    "rmax_0": lambda x, y: gc.sparse_reduce_max(x, 0),
    "rmax_0m1": lambda x, y: gc.sparse_reduce_max(x, [0, -1]),
    "rmax_0m1_kd": lambda x, y: gc.sparse_reduce_max(x, [0, -1], keepdims=True),
    "rmaxs_none": lambda x, y: gc.sparse_reduce_max_sparse(x),
    "rmaxs_1": lambda x, y: gc.sparse_reduce_max_sparse(x, 1),
    "rmaxs_0_kd": lambda x, y: gc.sparse_reduce_max_sparse(x, 0, keepdims=True),
    "transpose": lambda x, y: gc.sparse_transpose(x),
    "transpose_p2": lambda x, y: gc.sparse_transpose(x, [1, 0]),
    "transpose_p3": lambda x, y: gc.sparse_transpose(x, [2, 0, 1]),
    # TF's softmax needs ordered input (it garbles others; graphc does not)
    "softmax_ord": lambda x, y: gc.sparse_softmax(gc.sparse_reorder(x)),
    "fill": lambda x, y: gc.sparse_fill_empty_rows(x, -1.),
    "concat_1": lambda x, y: gc.sparse_concat(1, [x, x]),
    "concat_0": lambda x, y: gc.sparse_concat(0, [x, x]),
    "concat_exp": lambda x, y: gc.sparse_concat(0, [x, y], expand_nonconcat_dim=True),
    "split_1": lambda x, y: gc.sparse_split(sp_input=x, num_split=2, axis=1),
    "split_m1": lambda x, y: gc.sparse_split(sp_input=x, num_split=3, axis=-1),
    "reset": lambda x, y: gc.sparse_reset_shape(x),
    "reset_2": lambda x, y: gc.sparse_reset_shape(x, [9, 9]),
    "to_ind": lambda x, y: gc.sparse_to_indicator(_ints(x), 5),
    "merge": lambda x, y: gc.sparse_merge(_ints(x), x, 5),
}

# (case, feed, outputs: a dense value or (indices, values, dense_shape), gradient)
TF_RESULTS = [
    ('concat_0', 'A2',
     [([[0, 1], [1, 3], [2, 0], [3, 1], [4, 3], [5, 0]], [1.0, 3.0, 2.0, 1.0, 3.0, 2.0], [6, 4])],
     None),
    ('concat_0', 'B3',
     [([[0, 0, 0], [0, 2, 0], [1, 0, 1], [1, 2, 0], [1, 2, 1], [2, 0, 0], [2, 2, 0], [3, 0, 1],
        [3, 2, 0], [3, 2, 1]],
       [-2.0, 4.0, 3.0, 6.0, 1.0, -2.0, 4.0, 3.0, 6.0, 1.0], [4, 3, 2])],
     None),
    ('concat_0', 'E2', [([], [], [4, 3])], None), ('concat_0', 'E3', [([], [], [4, 2, 2])], None),
    ('concat_1', 'A2',
     [([[0, 1], [0, 5], [1, 3], [1, 7], [2, 0], [2, 4]], [1.0, 1.0, 3.0, 3.0, 2.0, 2.0], [3, 8])],
     None),
    ('concat_1', 'B3',
     [([[0, 0, 0], [0, 2, 0], [0, 3, 0], [0, 5, 0], [1, 0, 1], [1, 2, 0], [1, 2, 1], [1, 3, 1],
        [1, 5, 0], [1, 5, 1]],
       [-2.0, 4.0, -2.0, 4.0, 3.0, 6.0, 1.0, 3.0, 6.0, 1.0], [2, 6, 2])],
     None),
    ('concat_1', 'E2', [([], [], [2, 6])], None), ('concat_1', 'E3', [([], [], [2, 4, 2])], None),
    ('concat_exp', 'A2',
     [([[0, 1], [1, 3], [2, 0], [3, 1], [4, 3], [5, 0]], [1.0, 3.0, 2.0, 1.0, 3.0, 2.0], [6, 6])],
     None),
    ('concat_exp', 'B3',
     [([[0, 0, 0], [0, 2, 0], [1, 0, 1], [1, 2, 0], [1, 2, 1], [2, 0, 0], [2, 2, 0], [3, 0, 1],
        [3, 2, 0], [3, 2, 1]],
       [-2.0, 4.0, 3.0, 6.0, 1.0, -2.0, 4.0, 3.0, 6.0, 1.0], [4, 3, 4])],
     None),
    ('concat_exp', 'E2', [([], [], [4, 5])], None),
    ('concat_exp', 'E3', [([], [], [4, 2, 4])], None),
    ('fill', 'A2', [([[0, 1], [1, 3], [2, 0]], [1.0, 3.0, 2.0], [3, 4]), [False, False, False]],
     [2.0, 4.0, 6.0]),
    ('fill', 'B3',
     [([[0, 0, 0], [0, 2, 0], [1, 2, 1], [1, 0, 1], [1, 2, 0]], [-2.0, 4.0, 1.0, 3.0, 6.0],
       [2, 3, 2]),
      [False, False]],
     [2.0, -4.0, 6.0, 8.0, 12.0]),
    ('fill', 'E2', [([[0, 0], [1, 0]], [-1.0, -1.0], [2, 3]), [True, True]], []),
    ('fill', 'E3', [([[0, 0, 0], [1, 0, 0]], [-1.0, -1.0], [2, 2, 2]), [True, True]], []),
    ('merge', 'A2', [([[0, 1], [1, 3], [2, 2]], [1.0, 3.0, 2.0], [3, 5])], [2.0, 4.0, 6.0]),
    ('merge', 'B3',
     [([[0, 0, 2], [0, 2, 4], [1, 0, 3], [1, 2, 1], [1, 2, 1]], [-2.0, 4.0, 3.0, 1.0, 6.0],
       [2, 3, 5])],
     [2.0, -4.0, 6.0, 8.0, 12.0]),
    ('merge', 'E2', [([], [], [2, 5])], []), ('merge', 'E3', [([], [], [2, 2, 5])], []),
    ('reorder', 'A2', [([[0, 1], [1, 3], [2, 0]], [1.0, 3.0, 2.0], [3, 4])], [2.0, 4.0, 6.0]),
    ('reorder', 'B3',
     [([[0, 0, 0], [0, 2, 0], [1, 0, 1], [1, 2, 0], [1, 2, 1]], [-2.0, 4.0, 3.0, 6.0, 1.0],
       [2, 3, 2])],
     [2.0, -4.0, 6.0, 8.0, 12.0]),
    ('reorder', 'E2', [([], [], [2, 3])], []), ('reorder', 'E3', [([], [], [2, 2, 2])], []),
    ('reset', 'A2', [([[0, 1], [2, 0], [1, 3]], [1.0, 2.0, 3.0], [3, 4])], [2.0, 4.0, 6.0]),
    ('reset', 'B3',
     [([[1, 2, 1], [0, 0, 0], [1, 0, 1], [0, 2, 0], [1, 2, 0]], [1.0, -2.0, 3.0, 4.0, 6.0],
       [2, 3, 2])],
     [2.0, -4.0, 6.0, 8.0, 12.0]),
    ('reset', 'E2', [([], [], [0, 0])], []), ('reset', 'E3', [([], [], [0, 0, 0])], []),
    ('reset_2', 'A2', [([[0, 1], [2, 0], [1, 3]], [1.0, 2.0, 3.0], [9, 9])], [2.0, 4.0, 6.0]),
    ('reset_2', 'E2', [([], [], [9, 9])], []), ('rmax_0', 'A2', [[2.0, 1.0, 0.0, 3.0]], None),
    ('rmax_0', 'B3', [[[-2.0, 3.0], [0.0, 0.0], [6.0, 1.0]]], None),
    ('rmax_0', 'E2', [[0.0, 0.0, 0.0]], None), ('rmax_0', 'E3', [[[0.0, 0.0], [0.0, 0.0]]], None),
    ('rmax_0m1', 'A2', [3.0], None), ('rmax_0m1', 'B3', [[3.0, 0.0, 6.0]], None),
    ('rmax_0m1', 'E2', [0.0], None), ('rmax_0m1', 'E3', [[0.0, 0.0]], None),
    ('rmax_0m1', 'M2', [7.0], None), ('rmax_0m1_kd', 'A2', [[[3.0]]], None),
    ('rmax_0m1_kd', 'B3', [[[[3.0], [0.0], [6.0]]]], None),
    ('rmax_0m1_kd', 'E2', [[[0.0]]], None), ('rmax_0m1_kd', 'E3', [[[[0.0], [0.0]]]], None),
    ('rmax_1', 'A2', [[1.0, 3.0, 2.0]], None), ('rmax_1', 'B3', [[[4.0, 0.0], [6.0, 3.0]]], None),
    ('rmax_1', 'E2', [[0.0, 0.0]], None), ('rmax_1', 'E3', [[[0.0, 0.0], [0.0, 0.0]]], None),
    ('rmax_1', 'M2', [[-1.0, 0.0, 7.0, 0.0]], None),
    ('rmax_m1_kd', 'A2', [[[1.0], [3.0], [2.0]]], None),
    ('rmax_m1_kd', 'B3', [[[[-2.0], [0.0], [4.0]], [[3.0], [0.0], [6.0]]]], None),
    ('rmax_m1_kd', 'E2', [[[0.0], [0.0]]], None),
    ('rmax_m1_kd', 'E3', [[[[0.0], [0.0]], [[0.0], [0.0]]]], None),
    ('rmax_m1_kd', 'M2', [[[-1.0], [0.0], [7.0], [0.0]]], None), ('rmax_none', 'A2', [3.0], None),
    ('rmax_none', 'B3', [6.0], None), ('rmax_none', 'E2', [0.0], None),
    ('rmax_none', 'E3', [0.0], None),
    ('rmaxs_0_kd', 'A2', [([[0, 0], [0, 1], [0, 3]], [2.0, 1.0, 3.0], [1, 4])], None),
    ('rmaxs_0_kd', 'B3',
     [([[0, 0, 0], [0, 0, 1], [0, 2, 0], [0, 2, 1]], [-2.0, 3.0, 6.0, 1.0], [1, 3, 2])], None),
    ('rmaxs_0_kd', 'E2', [([], [], [1, 3])], None),
    ('rmaxs_0_kd', 'E3', [([], [], [1, 2, 2])], None),
    ('rmaxs_1', 'A2', [([[0], [1], [2]], [1.0, 3.0, 2.0], [3])], None),
    ('rmaxs_1', 'B3', [([[0, 0], [1, 0], [1, 1]], [4.0, 6.0, 3.0], [2, 2])], None),
    ('rmaxs_1', 'E2', [([], [], [2])], None), ('rmaxs_1', 'E3', [([], [], [2, 2])], None),
    ('rmaxs_1', 'M2', [([[0], [2]], [-1.0, 7.0], [4])], None),
    ('rmaxs_none', 'A2', [([[]], [3.0], [])], None),
    ('rmaxs_none', 'B3', [([[]], [6.0], [])], None), ('rmaxs_none', 'E2', [([], [], [])], None),
    ('rmaxs_none', 'E3', [([], [], [])], None),
    ('rsum_0', 'A2', [[2.0, 1.0, 0.0, 3.0]], [2.0, 4.0, 6.0]),
    ('rsum_0', 'B3', [[[-2.0, 3.0], [0.0, 0.0], [10.0, 1.0]]], [2.0, -4.0, 6.0, 20.0, 20.0]),
    ('rsum_0', 'E2', [[0.0, 0.0, 0.0]], []), ('rsum_0', 'E3', [[[0.0, 0.0], [0.0, 0.0]]], []),
    ('rsum_01_kd', 'A2', [[[6.0]]], [12.0, 12.0, 12.0]),
    ('rsum_01_kd', 'B3', [[[[8.0, 4.0]]]], [8.0, 16.0, 8.0, 16.0, 16.0]),
    ('rsum_01_kd', 'E2', [[[0.0]]], []), ('rsum_01_kd', 'E3', [[[[0.0, 0.0]]]], []),
    ('rsum_0m1', 'A2', [6.0], [12.0, 12.0, 12.0]),
    ('rsum_0m1', 'B3', [[1.0, 0.0, 11.0]], [22.0, 2.0, 2.0, 22.0, 22.0]),
    ('rsum_0m1', 'E2', [0.0], []), ('rsum_0m1', 'E3', [[0.0, 0.0]], []),
    ('rsum_1', 'A2', [[1.0, 3.0, 2.0]], [2.0, 4.0, 6.0]),
    ('rsum_1', 'B3', [[[2.0, 0.0], [6.0, 4.0]]], [8.0, 4.0, 8.0, 4.0, 12.0]),
    ('rsum_1', 'E2', [[0.0, 0.0]], []), ('rsum_1', 'E3', [[[0.0, 0.0], [0.0, 0.0]]], []),
    ('rsum_1', 'M2', [[-6.0, 0.0, 9.0, 0.0]], [-12.0, -12.0, 18.0, 18.0]),
    ('rsum_m1', 'A2', [[1.0, 3.0, 2.0]], [2.0, 4.0, 6.0]),
    ('rsum_m1', 'B3', [[[-2.0, 0.0, 4.0], [3.0, 0.0, 7.0]]], [14.0, -4.0, 6.0, 8.0, 14.0]),
    ('rsum_m1', 'E2', [[0.0, 0.0]], []), ('rsum_m1', 'E3', [[[0.0, 0.0], [0.0, 0.0]]], []),
    ('rsum_m1_kd', 'A2', [[[1.0], [3.0], [2.0]]], [2.0, 4.0, 6.0]),
    ('rsum_m1_kd', 'B3', [[[[-2.0], [0.0], [4.0]], [[3.0], [0.0], [7.0]]]],
     [14.0, -4.0, 6.0, 8.0, 14.0]),
    ('rsum_m1_kd', 'E2', [[[0.0], [0.0]]], []),
    ('rsum_m1_kd', 'E3', [[[[0.0], [0.0]], [[0.0], [0.0]]]], []),
    ('rsum_none', 'A2', [6.0], [12.0, 12.0, 12.0]),
    ('rsum_none', 'B3', [12.0], [24.0, 24.0, 24.0, 24.0, 24.0]), ('rsum_none', 'E2', [0.0], []),
    ('rsum_none', 'E3', [0.0], []), ('rsum_none_kd', 'A2', [[[6.0]]], [12.0, 12.0, 12.0]),
    ('rsum_none_kd', 'B3', [[[[12.0]]]], [24.0, 24.0, 24.0, 24.0, 24.0]),
    ('rsum_none_kd', 'E2', [[[0.0]]], []), ('rsum_none_kd', 'E3', [[[[0.0]]]], []),
    ('rsums_01', 'A2', [([[]], [6.0], [])], None),
    ('rsums_01', 'B3', [([[0], [1]], [8.0, 4.0], [2])], None),
    ('rsums_01', 'E2', [([], [], [])], None), ('rsums_01', 'E3', [([], [], [2])], None),
    ('rsums_1', 'A2', [([[0], [1], [2]], [1.0, 3.0, 2.0], [3])], None),
    ('rsums_1', 'B3', [([[0, 0], [1, 0], [1, 1]], [2.0, 6.0, 4.0], [2, 2])], None),
    ('rsums_1', 'E2', [([], [], [2])], None), ('rsums_1', 'E3', [([], [], [2, 2])], None),
    ('rsums_m1_kd', 'A2', [([[0, 0], [1, 0], [2, 0]], [1.0, 3.0, 2.0], [3, 1])], None),
    ('rsums_m1_kd', 'B3',
     [([[0, 0, 0], [0, 2, 0], [1, 0, 0], [1, 2, 0]], [-2.0, 4.0, 3.0, 7.0], [2, 3, 1])], None),
    ('rsums_m1_kd', 'E2', [([], [], [2, 1])], None),
    ('rsums_m1_kd', 'E3', [([], [], [2, 2, 1])], None),
    ('rsums_none', 'A2', [([[]], [6.0], [])], None),
    ('rsums_none', 'B3', [([[]], [12.0], [])], None), ('rsums_none', 'E2', [([], [], [])], None),
    ('rsums_none', 'E3', [([], [], [])], None),
    ('softmax_ord', 'A2', [([[0, 1], [1, 3], [2, 0]], [1.0, 1.0, 1.0], [3, 4])], [0.0, 0.0, 0.0]),
    ('softmax_ord', 'B3',
     [([[0, 0, 0], [0, 2, 0], [1, 0, 1], [1, 2, 0], [1, 2, 1]],
       [1.0, 1.0, 1.0, 0.993307, 0.006693], [2, 3, 2])],
     [-0.013118, 0.0, 0.0, 0.0, 0.013118]),
    ('softmax_ord', 'E2', [([], [], [2, 3])], []),
    ('softmax_ord', 'E3', [([], [], [2, 2, 2])], []),
    ('softmax_ord', 'M2',
     [([[0, 1], [0, 3], [2, 0], [2, 2]], [0.017986, 0.982014, 0.006693, 0.993307], [4, 5])],
     [0.034055, -0.034055, -0.013118, 0.013118]),
    ('split_1', 'A2', [([[0, 1], [2, 0]], [1.0, 2.0], [3, 2]), ([[1, 1]], [3.0], [3, 2])], None),
    ('split_1', 'B3',
     [([[0, 0, 0], [1, 0, 1]], [-2.0, 3.0], [2, 2, 2]),
      ([[1, 0, 1], [0, 0, 0], [1, 0, 0]], [1.0, 4.0, 6.0], [2, 1, 2])],
     None),
    ('split_1', 'E2', [([], [], [2, 2]), ([], [], [2, 1])], None),
    ('split_1', 'E3', [([], [], [2, 1, 2]), ([], [], [2, 1, 2])], None),
    ('split_m1', 'A2',
     [([[0, 1], [2, 0]], [1.0, 2.0], [3, 2]), ([], [], [3, 1]), ([[1, 0]], [3.0], [3, 1])],
     None),
    ('split_m1', 'E2', [([], [], [2, 1]), ([], [], [2, 1]), ([], [], [2, 1])], None),
    ('to_ind', 'A2',
     [[[False, True, False, False, False], [False, False, False, True, False],
       [False, False, True, False, False]]],
     None),
    ('to_ind', 'B3',
     [[[[False, False, True, False, False], [False, False, False, False, False],
        [False, False, False, False, True]],
       [[False, False, False, True, False], [False, False, False, False, False],
        [False, True, False, False, False]]]],
     None),
    ('to_ind', 'E2', [[[False, False, False, False, False], [False, False, False, False, False]]],
     None),
    ('to_ind', 'E3',
     [[[[False, False, False, False, False], [False, False, False, False, False]],
       [[False, False, False, False, False], [False, False, False, False, False]]]],
     None),
    ('transpose', 'A2', [([[0, 2], [1, 0], [3, 1]], [2.0, 1.0, 3.0], [4, 3])], [2.0, 4.0, 6.0]),
    ('transpose', 'B3',
     [([[0, 0, 0], [0, 2, 0], [0, 2, 1], [1, 0, 1], [1, 2, 1]], [-2.0, 4.0, 6.0, 3.0, 1.0],
       [2, 3, 2])],
     [2.0, -4.0, 6.0, 8.0, 12.0]),
    ('transpose', 'E2', [([], [], [3, 2])], []), ('transpose', 'E3', [([], [], [2, 2, 2])], []),
    ('transpose_p2', 'A2', [([[0, 2], [1, 0], [3, 1]], [2.0, 1.0, 3.0], [4, 3])],
     [2.0, 4.0, 6.0]),
    ('transpose_p2', 'E2', [([], [], [3, 2])], []),
    ('transpose_p3', 'B3',
     [([[0, 0, 0], [0, 0, 2], [0, 1, 2], [1, 1, 0], [1, 1, 2]], [-2.0, 4.0, 6.0, 3.0, 1.0],
       [2, 2, 3])],
     [2.0, -4.0, 6.0, 8.0, 12.0]),
    ('transpose_p3', 'E3', [([], [], [2, 2, 2])], []),
]


def _floats(outs):
    return [o.values if isinstance(o, gc.SparseTensor) else o for o in outs
            if o.dtype is gc.float32]


@pytest.mark.parametrize("case,feed,want,want_grad", TF_RESULTS,
                         ids=[f"{c}-{f}" for c, f, _, _ in TF_RESULTS])
def test_unknown_rank_matches_tf(case, feed, want, want_grad):
    with gc.Graph().as_default():
        x, y = gc.sparse_placeholder(gc.float32), gc.sparse_placeholder(gc.float32)
        out = CASES[case](x, y)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        squares = [gc.reduce_sum(gc.square(t)) for t in _floats(outs)]
        grad = gc.gradients(gc.add_n(squares), [x.values])[0] if squares else gc.constant(0.)
        with gc.Session() as sess:
            got, g = sess.run([outs, grad], {x: FEEDS[feed], y: _wider(FEEDS[feed])})
    assert len(got) == len(want)
    for o, w in zip(got, want):
        if isinstance(w, tuple):
            assert np.asarray(o.indices).tolist() == w[0]
            np.testing.assert_allclose(o.values, w[1], rtol=1e-5, atol=1e-6)
            np.testing.assert_array_equal(o.dense_shape, w[2])
        else:
            np.testing.assert_allclose(o, w, rtol=1e-5, atol=1e-6)
    if want_grad is not None:
        np.testing.assert_allclose(g, want_grad, rtol=1e-5, atol=1e-6)


def _run(fetch, feed):
    x = gc.sparse_placeholder(gc.float32)
    with gc.Session() as sess:
        return sess.run(fetch(x), {x: feed})


def test_known_rank_keeps_static_shapes():
    sp = gc.sparse_placeholder(gc.float32, [3, 4])
    assert gc.sparse_reduce_sum(sp, 1).shape.as_list() == [3]
    assert gc.sparse_reduce_sum(sp, -1, keepdims=True).shape.as_list() == [3, 1]
    assert gc.sparse_reduce_max(sp, 0).shape.as_list() == [4]
    assert gc.sparse_transpose(sp).shape.as_list() == [4, 3]
    assert gc.sparse_concat(1, [sp, sp]).shape.as_list() == [3, 8]
    assert [p.shape.as_list() for p in gc.sparse_split(sp_input=sp, num_split=3,
                                                      axis=1)] == [[3, 2], [3, 1], [3, 1]]
    ids = gc.SparseTensor([[0, 1]], np.array([2], np.int64), [3, 4])
    assert gc.sparse_to_indicator(ids, 5).shape.as_list() == [3, 5]


def test_unknown_rank_static_shapes():
    x = gc.sparse_placeholder(gc.float32)
    assert gc.sparse_reduce_sum(x, 1).shape.rank is None
    assert gc.sparse_reduce_sum(x).shape.as_list() == []
    assert gc.sparse_reduce_max(x).shape.as_list() == []
    assert gc.sparse_transpose(x, [1, 0]).shape.rank == 2
    assert gc.sparse_concat(0, [x, x]).shape.rank is None


def test_axis_out_of_range():
    with pytest.raises(gc.errors.ExecutionError, match="axis 2 out of range"):
        _run(lambda x: gc.sparse_reduce_sum(x, 2), FEEDS["A2"])
    with pytest.raises(gc.errors.ExecutionError, match="axis -3 out of range"):
        _run(lambda x: gc.sparse_concat(-3, [x, x]).dense_shape, FEEDS["A2"])
    # a known rank checks the axis at build time
    with pytest.raises(gc.errors.ShapeError, match="out of range for rank 2"):
        gc.sparse_reduce_max(gc.sparse_placeholder(gc.float32, [3, 4]), 2)


def test_expand_dims_unknown_rank():
    # TF cannot build this one with an unknown rank; the values are TF's for known ranks
    for axis, idx, shape in [(None, [[0, 1, 0], [2, 0, 0]], [3, 4, 1]),
                             (0, [[0, 0, 1], [0, 2, 0]], [1, 3, 4]),
                             (1, [[0, 0, 1], [2, 0, 0]], [3, 1, 4])]:
        got = _run(lambda x: gc.sparse.expand_dims(x, axis),
                   _value([[0, 1], [2, 0]], [1, 2], [3, 4]))
        np.testing.assert_array_equal(got.indices, idx)
        np.testing.assert_array_equal(got.dense_shape, shape)
    with pytest.raises(ValueError, match="expand_dims with axis -2: needs a SparseTensor "
                                         "of known rank"):
        gc.sparse.expand_dims(gc.sparse_placeholder(gc.float32), -2)


def test_softmax_rank_1_refused():
    with pytest.raises(ValueError, match="sparse_softmax: needs a SparseTensor of rank >= 2"):
        gc.sparse_softmax(gc.sparse_placeholder(gc.float32, [5]))


def test_safe_embedding_lookup_of_unknown_rank_ids():
    """sparse_placeholder(int64) with no shape (values from TF 2.21): an empty row gets
    zeros, 2-D and 3-D ids both work."""
    ids = gc.sparse_placeholder(gc.int64)
    emb = gc.constant(np.arange(10, dtype=np.float32).reshape(5, 2))
    out = gc.nn.safe_embedding_lookup_sparse(emb, ids, None)
    two = gc.SparseTensorValue([[0, 0], [0, 1], [2, 0]], [1, 3, 4], [3, 2])
    three = gc.SparseTensorValue([[0, 1, 0], [1, 0, 1]], [2, 0], [2, 2, 2])
    with gc.Session() as sess:
        assert sess.run(out, {ids: two}).tolist() == [[4, 5], [0, 0], [8, 9]]
        assert sess.run(out, {ids: three}).tolist() == [[[0, 0], [4, 5]], [[0, 1], [0, 0]]]
