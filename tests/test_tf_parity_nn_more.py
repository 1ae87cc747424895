"""Parity with tf.compat.v1 for graphc/ops/nn_more.py's tf.nn functions and
gc.losses.mean_pairwise_squared_error: values and gradients (tests/tf_parity.py)."""
import numpy as np
import pytest
from tf_parity import check, rand


def _ties(*shape, seed=0):
    """Small integers as floats: windows with repeated maxima."""
    return np.random.default_rng(seed).integers(-2, 3, size=shape).astype(np.float64)


def _channels_first(gc_fn, tf_fn):
    """TF's CPU kernels are channels-last only: graphc runs gc_fn on the channels-first x,
    TF runs tf_fn on x moved to channels last, its result moved back."""
    def fn(m, x, *rest):
        if m.__name__.startswith("graphc"):
            return gc_fn(m, x, *rest)
        last = list(range(2, x.shape.rank)) + [1]
        y = tf_fn(m, m.transpose(x, [0] + last), *rest)
        return m.transpose(y, [0, y.shape.rank - 1] + list(range(1, y.shape.rank - 1)))
    return fn


# A 2-D sparse batch of 4 rows (row 2 empty; row 3 only an invalid id), ids in [0, 7).
_IDX = np.array([[0, 0], [0, 1], [1, 0], [1, 2], [1, 3], [3, 0]], np.int64)
_IDS = np.array([2, 5, 6, 2, 0, -1], np.int64)
_W = np.array([1.0, 2.0, 0.5, -1.0, 0.0, 3.0])
_SHAPE = np.array([4, 5], np.int64)
# 3-D: (2, 3) examples of up to 2 ids: the flat rows 0, 1, 3, 5 hold entries.
_IDX3 = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 1], [1, 2, 0]], np.int64)
_IDS3 = np.array([1, 4, 3, -2, 0], np.int64)
_W3 = np.array([0.5, 1.5, 2.0, 1.0, 0.25])
_SHAPE3 = np.array([2, 3, 2], np.int64)


def _safe(combiner, weighted, default_id=None, **kw):
    def fn(m, table, idx, ids, shape, *w):
        sp = m.SparseTensor(idx, ids, shape)
        wsp = m.SparseTensor(idx, w[0], shape) if weighted else None
        return m.nn.safe_embedding_lookup_sparse(table, sp, wsp, combiner=combiner,
                                                 default_id=default_id, **kw)
    return fn


def _safe_shards(m, t0, t1, t2, idx, ids, shape):
    return m.nn.safe_embedding_lookup_sparse([t0, t1, t2], m.SparseTensor(idx, ids, shape),
                                             combiner="sqrtn", default_id=1)


CASES = {
    # ---- space_to_depth, depth_to_space (gc.nn names)
    "space_to_depth": (lambda m, x: m.nn.space_to_depth(x, 2), rand(2, 4, 6, 3)),
    "space_to_depth_nchw": (_channels_first(
        lambda m, x: m.nn.space_to_depth(x, 2, data_format="NCHW"),
        lambda m, x: m.nn.space_to_depth(x, 2)), rand(2, 3, 4, 6)),
    "depth_to_space": (lambda m, x: m.nn.depth_to_space(x, 2), rand(2, 3, 2, 12)),
    # ---- max_pool_with_argmax
    "argmax_valid": (lambda m, x: m.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1],
                                                            "VALID"), rand(2, 5, 7, 3)),
    "argmax_same_overlap": (lambda m, x: m.nn.max_pool_with_argmax(x, [1, 3, 2, 1],
                                                                   [1, 2, 1, 1], "SAME"),
                            rand(2, 5, 4, 3)),
    "argmax_batch_index": (lambda m, x: m.nn.max_pool_with_argmax(
        x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME", include_batch_in_index=True), rand(3, 6, 5, 2)),
    "argmax_int32": (lambda m, x: m.nn.max_pool_with_argmax(
        x, [1, 2, 3, 1], [1, 1, 2, 1], "VALID", Targmax=m.int32), rand(2, 4, 7, 3)),
    "argmax_ties": (lambda m, x: m.nn.max_pool_with_argmax(x, [1, 3, 3, 1], [1, 1, 1, 1],
                                                           "SAME"), _ties(2, 4, 5, 2)),
    "argmax_float32": (lambda m, x: m.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1],
                                                              "SAME"),
                       rand(2, 5, 5, 4, dtype=np.float32)),
    # ---- pooling wrappers
    "max_pool1d": (lambda m, x: m.nn.max_pool1d(x, 3, 2, "SAME"), rand(2, 9, 3)),
    "max_pool1d_ncw": (_channels_first(
        lambda m, x: m.nn.max_pool1d(x, [2], [1, 1, 2], "VALID", data_format="NCW"),
        lambda m, x: m.nn.max_pool1d(x, [2], [1, 2, 1], "VALID")), rand(2, 3, 9)),
    "avg_pool1d": (lambda m, x: m.nn.avg_pool1d(x, [3], [2], "SAME"), rand(2, 8, 3)),
    "avg_pool1d_ncw": (_channels_first(
        lambda m, x: m.nn.avg_pool1d(x, 2, 2, "VALID", data_format="NCW"),
        lambda m, x: m.nn.avg_pool1d(x, 2, 2, "VALID")), rand(2, 3, 7)),
    "max_pool2d": (lambda m, x: m.nn.max_pool2d(x, 3, 2, "SAME"), rand(2, 7, 6, 3)),
    "max_pool2d_pair": (lambda m, x: m.nn.max_pool2d(x, [2, 3], [1, 2], "VALID"),
                        rand(2, 5, 7, 3)),
    "max_pool2d_nchw": (_channels_first(
        lambda m, x: m.nn.max_pool2d(x, [1, 1, 2, 2], [1, 1, 2, 2], "SAME", data_format="NCHW"),
        lambda m, x: m.nn.max_pool2d(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")),
        rand(2, 3, 5, 6)),
    "avg_pool2d": (lambda m, x: m.nn.avg_pool2d(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
                   rand(2, 7, 6, 3)),
    "max_pool_v2_1d": (lambda m, x: m.nn.max_pool_v2(x, 2, 2, "VALID"), rand(2, 9, 3)),
    "max_pool_v2_2d": (lambda m, x: m.nn.max_pool_v2(x, [3, 2], [2, 1], "SAME"),
                       rand(2, 7, 6, 3)),
    "max_pool_v2_3d_f32": (lambda m, x: m.nn.max_pool_v2(x, 2, 2, "SAME"),
                           rand(2, 5, 4, 6, 3, dtype=np.float32)),
    "avg_pool_v2_1d_ncw": (_channels_first(
        lambda m, x: m.nn.avg_pool_v2(x, 3, 1, "SAME", data_format="NCW"),
        lambda m, x: m.nn.avg_pool_v2(x, 3, 1, "SAME")), rand(2, 3, 7)),
    "avg_pool_v2_2d": (lambda m, x: m.nn.avg_pool_v2(x, 3, 2, "VALID"), rand(2, 7, 8, 3)),
    "avg_pool_v2_3d_ncdhw_f32": (_channels_first(
        lambda m, x: m.nn.avg_pool_v2(x, [2, 2, 3], [1, 2, 2], "SAME", data_format="NCDHW"),
        lambda m, x: m.nn.avg_pool_v2(x, [2, 2, 3], [1, 2, 2], "SAME")),
        rand(2, 3, 4, 5, 6, dtype=np.float32)),
    # ---- transposed convolutions
    "conv1d_transpose": (lambda m, x, f: m.nn.conv1d_transpose(x, f, [2, 10, 3], 2),
                         rand(2, 5, 4), rand(3, 3, 4)),
    "conv1d_transpose_valid": (lambda m, x, f: m.nn.conv1d_transpose(
        x, f, [2, 11, 3], [2], "VALID"), rand(2, 5, 4), rand(3, 3, 4)),
    "conv1d_transpose_ncw": (_channels_first(
        lambda m, x, f: m.nn.conv1d_transpose(x, f, [2, 3, 19], [1, 1, 2], "VALID",
                                              data_format="NCW"),
        lambda m, x, f: m.nn.conv1d_transpose(x, f, [2, 19, 3], 2, "VALID")),
        rand(2, 4, 9), rand(3, 3, 4)),
    "conv_transpose_1d": (lambda m, x, f: m.nn.conv_transpose(x, f, [2, 10, 3], 2),
                          rand(2, 5, 4), rand(3, 3, 4)),
    "conv_transpose_2d": (lambda m, x, f: m.nn.conv_transpose(x, f, [2, 8, 6, 3], [2, 2],
                                                              "SAME"),
                          rand(2, 4, 3, 5), rand(3, 2, 3, 5)),
    "conv_transpose_2d_nchw": (_channels_first(
        lambda m, x, f: m.nn.conv_transpose(x, f, [2, 3, 9, 7], 1, "VALID",
                                            data_format="NCHW"),
        lambda m, x, f: m.nn.conv_transpose(x, f, [2, 9, 7, 3], 1, "VALID")),
        rand(2, 5, 7, 6), rand(3, 2, 3, 5)),
    "conv_transpose_3d": (lambda m, x, f: m.nn.conv_transpose(x, f, [2, 4, 6, 5, 3], [1, 2, 1],
                                                              "SAME"),
                          rand(2, 4, 3, 5, 2), rand(2, 3, 2, 3, 2)),
    "atrous_transpose_same": (lambda m, x, f: m.nn.atrous_conv2d_transpose(
        x, f, [2, 7, 6, 3], 2, "SAME"), rand(2, 7, 6, 4), rand(3, 2, 3, 4)),
    "atrous_transpose_valid": (lambda m, x, f: m.nn.atrous_conv2d_transpose(
        x, f, [2, 9, 9, 3], 3, "VALID"), rand(2, 3, 6, 4), rand(3, 2, 3, 4)),
    "atrous_transpose_rate1": (lambda m, x, f: m.nn.atrous_conv2d_transpose(
        x, f, [2, 5, 6, 3], 1, "SAME"), rand(2, 5, 6, 4), rand(3, 2, 3, 4)),
    # ---- dilation2d, erosion2d
    "dilation_valid": (lambda m, x, f: m.nn.dilation2d(x, f, [1, 1, 1, 1], [1, 1, 1, 1],
                                                       "VALID"), rand(2, 5, 6, 3),
                       rand(2, 3, 3)),
    "dilation_same_strided": (lambda m, x, f: m.nn.dilation2d(x, f, [1, 2, 1, 1],
                                                              [1, 1, 1, 1], "SAME"),
                              rand(2, 7, 6, 3), rand(3, 2, 3)),
    "dilation_rates": (lambda m, x, f: m.nn.dilation2d(x, filters=f, strides=[1, 1, 1, 1],
                                                       dilations=[1, 2, 3, 1], padding="SAME"),
                       rand(2, 6, 7, 2), rand(2, 3, 2)),
    "dilation_ties": (lambda m, x, f: m.nn.dilation2d(x, f, [1, 1, 1, 1], [1, 1, 1, 1],
                                                      "SAME"), _ties(2, 5, 4, 2), _ties(3, 2, 2)),
    "dilation_float32": (lambda m, x, f: m.nn.dilation2d(x, f, [1, 2, 2, 1], [1, 1, 1, 1],
                                                         "VALID"),
                         rand(2, 7, 8, 3, dtype=np.float32), rand(3, 3, 3, dtype=np.float32)),
    "erosion_same": (lambda m, x, k: m.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
                     rand(2, 5, 6, 3), rand(3, 2, 3)),
    "erosion_strided_rates": (lambda m, x, k: m.nn.erosion2d(x, k, [1, 2, 1, 1],
                                                             [1, 1, 2, 1], "VALID"),
                              rand(2, 7, 8, 2), rand(2, 3, 2)),
    "erosion_ties": (lambda m, x, k: m.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
                     _ties(2, 4, 5, 2, seed=1), _ties(2, 3, 2, seed=2)),
    # ---- small composites
    "relu_layer": (lambda m, x, w, b: m.nn.relu_layer(x, w, b), rand(4, 3), rand(3, 5),
                   rand(5)),
    "relu_layer_f32": (lambda m, x, w, b: m.nn.relu_layer(x, w, b),
                       rand(4, 3, dtype=np.float32), rand(3, 5, dtype=np.float32),
                       rand(5, dtype=np.float32)),
    "weighted_moments_axis0": (lambda m, x, w: m.nn.weighted_moments(x, [0], w),
                               rand(5, 3), rand(5, 3, low=0.1)),
    "weighted_moments_bcast": (lambda m, x, w: m.nn.weighted_moments(x, [1, 2], w),
                               rand(2, 3, 4), rand(2, 1, 4, low=0.1)),
    "weighted_moments_keepdims": (lambda m, x, w: m.nn.weighted_moments(x, [0, 2], w,
                                                                        keepdims=True),
                                  rand(2, 3, 4), rand(3, 1, low=0.1)),
    "weighted_moments_keep_dims": (lambda m, x, w: m.nn.weighted_moments(x, [-1], w,
                                                                         keep_dims=True),
                                   rand(3, 4), rand(4, low=0.1)),
    "weighted_moments_f32": (lambda m, x, w: m.nn.weighted_moments(x, [0], w),
                             rand(6, 2, dtype=np.float32), rand(6, 1, dtype=np.float32,
                                                                low=0.1)),
    "bn_global_scale": (lambda m, t, mu, v, beta, gamma:
                        m.nn.batch_norm_with_global_normalization(t, mu, v, beta, gamma,
                                                                  1e-3, True),
                        rand(2, 3, 4, 5), rand(5), rand(5, low=0.1), rand(5), rand(5)),
    "bn_global_noscale": (lambda m, t, mu, v, beta, gamma:
                          m.nn.batch_norm_with_global_normalization(
                              t, mu, v, beta, gamma, variance_epsilon=0.01,
                              scale_after_normalization=False),
                          rand(3, 5), rand(5), rand(5, low=0.1), rand(5), rand(5)),
    # ---- safe_embedding_lookup_sparse
    "safe_mean": (_safe("mean", False), rand(7, 3), _IDX, _IDS, _SHAPE),
    "safe_sum_weighted": (_safe("sum", True), rand(7, 3), _IDX, _IDS, _SHAPE, _W),
    "safe_mean_weighted": (_safe("mean", True), rand(7, 3), _IDX, _IDS, _SHAPE, _W),
    "safe_sqrtn_default": (_safe("sqrtn", True, default_id=4), rand(7, 3), _IDX, _IDS,
                           _SHAPE, _W),
    "safe_mean_default_2d_emb": (_safe("mean", False, default_id=3), rand(7, 2, 3), _IDX,
                                 _IDS, _SHAPE),
    "safe_3d_ids": (_safe("mean", True), rand(5, 4), _IDX3, _IDS3, _SHAPE3, _W3),
    "safe_3d_ids_default": (_safe("sum", False, default_id=2), rand(5, 4), _IDX3, _IDS3,
                            _SHAPE3),
    "safe_max_norm": (_safe("sum", True, max_norm=1.0), rand(7, 3), _IDX, _IDS, _SHAPE, _W),
    "safe_shards_div": (_safe_shards, rand(3, 2), rand(2, 2), rand(2, 2), _IDX, _IDS, _SHAPE),
    # ---- mean_pairwise_squared_error (float32: TF1 computes in float32)
    "mpse": (lambda m, y, p: m.losses.mean_pairwise_squared_error(y, p),
             rand(4, 3, dtype=np.float32), rand(4, 3, dtype=np.float32)),
    "mpse_3d": (lambda m, y, p: m.losses.mean_pairwise_squared_error(y, p),
                rand(2, 3, 4, dtype=np.float32), rand(2, 3, 4, dtype=np.float32)),
    "mpse_scalar_weight": (lambda m, y, p: m.losses.mean_pairwise_squared_error(
        y, p, weights=2.5), rand(4, 3, dtype=np.float32), rand(4, 3, dtype=np.float32)),
    "mpse_batch_weights": (lambda m, y, p, w: m.losses.mean_pairwise_squared_error(
        y, p, weights=w), rand(4, 3, dtype=np.float32), rand(4, 3, dtype=np.float32),
        np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)),
    "mpse_full_weights": (lambda m, y, p, w: m.losses.mean_pairwise_squared_error(
        y, p, weights=w), rand(3, 4, dtype=np.float32), rand(3, 4, dtype=np.float32),
        np.array([[1, 0, 2, 1], [0, 0, 0, 0], [0, 3, 0, 0]], np.float32)),
    "mpse_zero_weights": (lambda m, y, p, w: m.losses.mean_pairwise_squared_error(
        y, p, weights=w), rand(3, 2, dtype=np.float32), rand(3, 2, dtype=np.float32),
        np.zeros((3, 1), np.float32)),
    "mpse_1d": (lambda m, y, p: m.losses.mean_pairwise_squared_error(y, p),
                rand(5, dtype=np.float32), rand(5, dtype=np.float32)),
}

_F32 = ("float32", "f32", "mpse")
NO_GRAD = {"argmax_int32"}      # TF has no CPU MaxPoolGradWithArgmax for Targmax int32


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    loose = any(s in name for s in _F32)
    check(fn, *args, rtol=1e-5 if loose else 1e-6, atol=1e-5 if loose else 1e-6,
          grad=name not in NO_GRAD)
