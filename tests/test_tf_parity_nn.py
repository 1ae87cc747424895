"""gc.nn and gc.losses against tf.compat.v1: values, dtypes, shapes and gradients."""
import numpy as np
import pytest
from tf_parity import check, rand, tf

import graphc as gc

F32 = np.float32


def dist(*shape, axis=-1, seed=1):
    """Labels that are a probability distribution along `axis`."""
    p = rand(*shape, seed=seed, low=0.1, high=1.0)
    return p / p.sum(axis=axis, keepdims=True)


def ints(*shape, high, dtype=np.int32, seed=2):
    return rand(*shape, dtype=dtype, low=0, high=high, seed=seed)


def both(gc_fn, tf_fn):
    """A function that graphc and TF expose under different names (TF2-only in tf.nn)."""
    return lambda m: gc_fn if m is gc else tf_fn


# ---- activations ---------------------------------------------------------------------------
ACT = {
    "relu": (lambda m, x: m.nn.relu(x), rand(3, 4)),
    "relu_f32": (lambda m, x: m.nn.relu(x), rand(3, 4, dtype=F32)),
    "relu6": (lambda m, x: m.nn.relu6(x), rand(3, 5, low=-3, high=9)),
    "elu": (lambda m, x: m.nn.elu(x), rand(3, 4)),
    "selu": (lambda m, x: m.nn.selu(x), rand(3, 4)),
    "leaky_relu": (lambda m, x: m.nn.leaky_relu(x), rand(3, 4)),
    "leaky_relu_alpha": (lambda m, x: m.nn.leaky_relu(x, alpha=0.01), rand(3, 4)),
    "leaky_relu_alpha_big": (lambda m, x: m.nn.leaky_relu(x, alpha=1.5), rand(3, 4)),
    "softplus": (lambda m, x: m.nn.softplus(x), rand(3, 4, low=-30, high=30)),
    "softsign": (lambda m, x: m.nn.softsign(x), rand(3, 4)),
    "sigmoid": (lambda m, x: m.nn.sigmoid(x), rand(3, 4, low=-20, high=20)),
    "tanh": (lambda m, x: m.nn.tanh(x), rand(3, 4)),
    "swish": (lambda m, x: m.nn.swish(x), rand(3, 4, low=-6, high=6)),
    "silu": (lambda m, x: both(gc.nn.silu, tf.nn.silu)(m)(x), rand(3, 4)),
    "gelu": (lambda m, x: both(gc.nn.gelu, tf.nn.gelu)(m)(x), rand(3, 4)),
    "gelu_approx": (lambda m, x: both(gc.nn.gelu, tf.nn.gelu)(m)(x, approximate=True),
                    rand(3, 4)),
    "crelu": (lambda m, x: m.nn.crelu(x), rand(3, 4)),
    "crelu_axis0": (lambda m, x: m.nn.crelu(x, axis=0), rand(3, 4)),
    "softmax": (lambda m, x: m.nn.softmax(x), rand(3, 5)),
    "softmax_large": (lambda m, x: m.nn.softmax(x), rand(3, 5, low=-800, high=800)),
    "softmax_axis0": (lambda m, x: m.nn.softmax(x, axis=0), rand(3, 5)),
    "softmax_axis1_3d": (lambda m, x: m.nn.softmax(x, axis=1), rand(2, 3, 4)),
    "softmax_axis_neg2": (lambda m, x: m.nn.softmax(x, axis=-2), rand(2, 3, 4)),
    "softmax_dim": (lambda m, x: m.nn.softmax(x, dim=0), rand(3, 5)),
    "softmax_1d": (lambda m, x: m.nn.softmax(x), rand(5)),
    "log_softmax": (lambda m, x: m.nn.log_softmax(x), rand(3, 5)),
    "log_softmax_large": (lambda m, x: m.nn.log_softmax(x), rand(3, 5, low=-800, high=800)),
    "log_softmax_axis1": (lambda m, x: m.nn.log_softmax(x, axis=1), rand(2, 3, 4)),
    "log_softmax_axis0_f32": (lambda m, x: m.nn.log_softmax(x, axis=0), rand(3, 5, dtype=F32)),
}

# ---- cross entropies -----------------------------------------------------------------------
XENT = {
    "softmax_xent_v2": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z),
        dist(3, 5), rand(3, 5)),
    "softmax_xent_v2_large": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z),
        dist(3, 5), rand(3, 5, low=-500, high=500)),
    "softmax_xent_v2_axis0": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z, axis=0),
        dist(4, 3, axis=0), rand(4, 3)),
    "softmax_xent_v2_3d_axis1": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z, axis=1),
        dist(2, 4, 3, axis=1), rand(2, 4, 3)),
    "softmax_xent_v2_3d": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z),
        dist(2, 3, 4), rand(2, 3, 4)),
    "softmax_xent_v2_f32": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z),
        dist(3, 5).astype(F32), rand(3, 5, dtype=F32)),
    "softmax_xent_v1": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits(labels=l, logits=z),
        dist(3, 5), rand(3, 5)),
    "softmax_xent_v1_dim0": (
        lambda m, l, z: m.nn.softmax_cross_entropy_with_logits(labels=l, logits=z, dim=0),
        dist(4, 3, axis=0), rand(4, 3)),
    "sparse_xent_i32": (
        lambda m, l, z: m.nn.sparse_softmax_cross_entropy_with_logits(labels=l, logits=z),
        ints(4, high=5), rand(4, 5)),
    "sparse_xent_i64": (
        lambda m, l, z: m.nn.sparse_softmax_cross_entropy_with_logits(labels=l, logits=z),
        ints(4, high=5, dtype=np.int64), rand(4, 5, dtype=F32)),
    "sparse_xent_3d": (
        lambda m, l, z: m.nn.sparse_softmax_cross_entropy_with_logits(labels=l, logits=z),
        ints(2, 3, high=4), rand(2, 3, 4)),
    "sparse_xent_large": (
        lambda m, l, z: m.nn.sparse_softmax_cross_entropy_with_logits(labels=l, logits=z),
        ints(4, high=5), rand(4, 5, low=-500, high=500)),
    "sigmoid_xent": (
        lambda m, l, z: m.nn.sigmoid_cross_entropy_with_logits(labels=l, logits=z),
        rand(3, 4, low=0, high=1), rand(3, 4, low=-30, high=30)),
    "sigmoid_xent_f32": (
        lambda m, l, z: m.nn.sigmoid_cross_entropy_with_logits(labels=l, logits=z),
        rand(3, 4, low=0, high=1, dtype=F32), rand(3, 4, dtype=F32)),
    "weighted_xent": (
        lambda m, l, z: m.nn.weighted_cross_entropy_with_logits(labels=l, logits=z,
                                                                 pos_weight=2.5),
        rand(3, 4, low=0, high=1), rand(3, 4, low=-30, high=30)),
    "weighted_xent_targets": (
        lambda m, l, z: m.nn.weighted_cross_entropy_with_logits(targets=l, logits=z,
                                                                 pos_weight=0.3),
        rand(3, 4, low=0, high=1), rand(3, 4)),
    "weighted_xent_tensor_w": (
        lambda m, l, z, w: m.nn.weighted_cross_entropy_with_logits(labels=l, logits=z,
                                                                    pos_weight=w),
        rand(3, 4, low=0, high=1), rand(3, 4), rand(4, low=0.1, high=3)),
    "log_poisson": (lambda m, t, x: m.nn.log_poisson_loss(t, x),
                    rand(3, 4, low=0, high=5), rand(3, 4)),
    "log_poisson_full": (lambda m, t, x: m.nn.log_poisson_loss(t, x, compute_full_loss=True),
                         rand(3, 4, low=0, high=5), rand(3, 4)),
    # zero classes: empty softmax, a loss of 0 per row (hunt 21)
    "softmax_zero_classes": (lambda m, x: [m.nn.softmax(x), m.nn.log_softmax(x),
                                           m.nn.softmax(x, axis=0)], rand(2, 0)),
    "softmax_xent_zero_classes": (
        lambda m, l, z: [m.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=z),
                         m.nn.softmax_cross_entropy_with_logits(labels=l, logits=z)],
        rand(3, 0, dtype=F32), rand(3, 0, dtype=F32)),
}

# ---- normalization, moments, misc ------------------------------------------------------------
NORM = {
    "l2_loss": (lambda m, x: m.nn.l2_loss(x), rand(3, 4)),
    "l2_loss_f32": (lambda m, x: m.nn.l2_loss(x), rand(3, 4, dtype=F32)),
    "l2_normalize": (lambda m, x: m.nn.l2_normalize(x), rand(3, 4)),
    "l2_normalize_axis0": (lambda m, x: m.nn.l2_normalize(x, axis=0), rand(3, 4)),
    "l2_normalize_axes": (lambda m, x: m.nn.l2_normalize(x, axis=[0, 2]), rand(3, 4, 2)),
    "l2_normalize_dim": (lambda m, x: m.nn.l2_normalize(x, dim=-1), rand(3, 4)),
    "l2_normalize_eps": (lambda m, x: m.nn.l2_normalize(x, axis=1, epsilon=0.5),
                         rand(3, 4, low=-0.2, high=0.2)),
    "l2_normalize_zero_row": (lambda m, x: m.nn.l2_normalize(x, axis=1),
                              np.concatenate([rand(2, 4), np.zeros((1, 4))])),
    "bias_add": (lambda m, x, b: m.nn.bias_add(x, b), rand(2, 3, 4), rand(4)),
    "bias_add_nhwc": (lambda m, x, b: m.nn.bias_add(x, b, data_format="NHWC"),
                      rand(2, 3, 5, 4), rand(4)),
    "bias_add_nchw": (lambda m, x, b: m.nn.bias_add(x, b, data_format="NCHW"),
                      rand(2, 4, 3, 5), rand(4)),
    "bias_add_nchw_3d": (lambda m, x, b: m.nn.bias_add(x, b, data_format="NCHW"),
                         rand(2, 4, 3), rand(4)),
    "bias_add_2d": (lambda m, x, b: m.nn.bias_add(x, b), rand(3, 4, dtype=F32),
                    rand(4, dtype=F32)),
    "xw_plus_b": (lambda m, x, w, b: m.nn.xw_plus_b(x, w, b), rand(3, 4), rand(4, 5), rand(5)),
    "moments_0": (lambda m, x: m.nn.moments(x, axes=[0]), rand(6, 3)),
    "moments_all": (lambda m, x: m.nn.moments(x, axes=[0, 1, 2]), rand(2, 3, 4)),
    "moments_kd": (lambda m, x: m.nn.moments(x, axes=[0, 2], keepdims=True), rand(2, 3, 4)),
    "moments_keep_dims": (lambda m, x: m.nn.moments(x, axes=[1], keep_dims=True),
                          rand(2, 3, 4)),
    "moments_neg": (lambda m, x: m.nn.moments(x, axes=[-1]), rand(2, 3, 4)),
    "moments_nhwc": (lambda m, x: m.nn.moments(x, axes=[0, 1, 2]), rand(2, 3, 5, 4, dtype=F32)),
    "moments_shift": (lambda m, x, s: m.nn.moments(x, axes=[0], shift=s), rand(6, 3), rand(3)),
    "sufficient_statistics": (lambda m, x: m.nn.sufficient_statistics(x, axes=[0, 2])[:3],
                              rand(2, 3, 4)),
    "sufficient_statistics_shift": (
        lambda m, x, s: m.nn.sufficient_statistics(x, axes=[0], shift=s, keepdims=True),
        rand(5, 3), rand(3)),
    "normalize_moments": (lambda m, c, a, b: m.nn.normalize_moments(c, a, b, None),
                          np.array(5.0), rand(3), rand(3, low=3, high=4)),
    "normalize_moments_shift": (lambda m, c, a, b, s: m.nn.normalize_moments(c, a, b, s),
                                np.array(5.0), rand(3), rand(3, low=3, high=4), rand(3)),
    "batch_normalization": (
        lambda m, x, mu, var, b, s: m.nn.batch_normalization(x, mu, var, b, s, 1e-3),
        rand(2, 3, 4), rand(4), rand(4, low=0.5, high=2), rand(4), rand(4)),
    "batch_normalization_none": (
        lambda m, x, mu, var: m.nn.batch_normalization(x, mu, var, None, None, 1e-3),
        rand(2, 3, 4), rand(3, 1), rand(3, 1, low=0.5, high=2)),
    "fused_bn_inference": (
        lambda m, x, s, b, mu, var: m.nn.fused_batch_norm(x, s, b, mu, var, is_training=False),
        rand(2, 3, 5, 4, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32),
        rand(4, dtype=F32), rand(4, dtype=F32, low=0.5, high=2)),
    "fused_bn_inference_eps": (
        lambda m, x, s, b, mu, var: m.nn.fused_batch_norm(x, s, b, mu, var, epsilon=0.1,
                                                          is_training=False)[0],
        rand(2, 3, 5, 4, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32),
        rand(4, dtype=F32), rand(4, dtype=F32, low=0.5, high=2)),
    "fused_bn_inference_nchw": (
        lambda m, x, s, b, mu, var: m.nn.fused_batch_norm(x, s, b, mu, var, is_training=False,
                                                          data_format="NCHW")[0],
        rand(2, 4, 3, 5, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32),
        rand(4, dtype=F32), rand(4, dtype=F32, low=0.5, high=2)),
    # TF's FusedBatchNormGrad ignores cotangents of the batch mean and variance outputs
    "fused_bn_training_y": (
        lambda m, x, s, b: m.nn.fused_batch_norm(x, s, b, is_training=True)[0],
        rand(2, 3, 5, 4, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32)),
    "fused_bn_training_nchw_y": (
        lambda m, x, s, b: m.nn.fused_batch_norm(x, s, b, is_training=True,
                                                 data_format="NCHW")[0],
        rand(2, 4, 3, 5, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32)),
    "lrn": (lambda m, x: m.nn.lrn(x), rand(2, 3, 4, 7, dtype=F32)),
    "lrn_args": (lambda m, x: m.nn.local_response_normalization(
        x, depth_radius=2, bias=0.5, alpha=0.3, beta=0.75), rand(2, 3, 4, 7, dtype=F32)),
    "lrn_radius0": (lambda m, x: m.nn.lrn(x, depth_radius=0, bias=2.0, alpha=0.1, beta=1.0),
                    rand(1, 2, 3, 4, dtype=F32)),
    "zero_fraction": (lambda m, x: m.nn.zero_fraction(m.nn.relu(x)), rand(3, 5)),
}

NO_GRAD = {
    "fused_bn_training_stats": (
        lambda m, x, s, b: m.nn.fused_batch_norm(x, s, b, is_training=True)[1:],
        rand(2, 3, 5, 4, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32)),
    "fused_bn_training_stats_nchw": (
        lambda m, x, s, b: m.nn.fused_batch_norm(x, s, b, is_training=True,
                                                 data_format="NCHW")[1:],
        rand(2, 4, 3, 5, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32)),
    "in_top_k_i32": (lambda m, p, t: m.nn.in_top_k(p, t, 2),
                     rand(4, 6, dtype=F32), ints(4, high=6)),
    "in_top_k_i64": (lambda m, p, t: m.nn.in_top_k(p, t, 1),
                     rand(4, 6, dtype=F32), ints(4, high=6, dtype=np.int64)),
    "in_top_k_ties": (lambda m, p, t: m.nn.in_top_k(p, t, 1),
                      np.array([[1, 1, 0], [0, 2, 2], [3, 3, 3]], F32),
                      np.array([0, 2, 1], np.int32)),
    "in_top_k_k0": (lambda m, p, t: m.nn.in_top_k(p, t, 0),
                    rand(4, 6, dtype=F32), ints(4, high=6)),
}

# ---- top_k, embeddings -----------------------------------------------------------------------
LOOKUP = {
    "top_k": (lambda m, x: m.nn.top_k(x, k=3), rand(4, 6)),
    "top_k_3d": (lambda m, x: m.nn.top_k(x, k=2, sorted=True), rand(2, 3, 5)),
    "top_k_int": (lambda m, x: m.nn.top_k(x, k=2), rand(3, 5, dtype=np.int32, low=-9, high=9)),
    "top_k_ties": (lambda m, x: m.nn.top_k(x, k=3),
                   np.array([[1.0, 2.0, 2.0, 1.0, 0.0], [3.0, 3.0, 3.0, 3.0, 3.0]])),
    "embedding_one": (lambda m, p, i: m.nn.embedding_lookup(p, i), rand(7, 3),
                      np.array([[0, 6], [2, 2], [5, 1]], np.int32)),
    "embedding_one_list": (lambda m, p, i: m.nn.embedding_lookup([p], i), rand(7, 3, 2),
                           np.array([3, 0, 3], np.int64)),
    "embedding_mod": (lambda m, a, b, c, i: m.nn.embedding_lookup([a, b, c], i),
                      rand(3, 2), rand(2, 2), rand(2, 2),
                      np.array([[0, 6], [4, 2], [5, 1], [3, 3]], np.int32)),
    "embedding_div": (lambda m, a, b, c, i: m.nn.embedding_lookup([a, b, c], i,
                                                                 partition_strategy="div"),
                      rand(3, 2), rand(2, 2), rand(2, 2),
                      np.array([[0, 6], [4, 2], [5, 1], [3, 3]], np.int32)),
    "embedding_div_uneven": (lambda m, a, b, i: m.nn.embedding_lookup(
        [a, b], i, partition_strategy="div"), rand(3, 4), rand(2, 4),
        np.array([4, 0, 3, 2, 1], np.int32)),
    "embedding_max_norm": (lambda m, p, i: m.nn.embedding_lookup(p, i, max_norm=1.0),
                           rand(5, 3), np.array([0, 4, 2], np.int32)),
}

# ---- convolutions ------------------------------------------------------------------------------
def conv2d_case(xs, ks, strides, padding, dilations=None, dtype=np.float64):
    kw = {} if dilations is None else {"dilations": dilations}
    return (lambda m, x, f: m.nn.conv2d(x, f, strides=strides, padding=padding, **kw),
            rand(*xs, dtype=dtype, seed=3), rand(*ks, dtype=dtype, seed=4))


CONV = {
    "conv2d_same_odd": conv2d_case((2, 7, 6, 3), (3, 3, 3, 4), [1, 1, 1, 1], "SAME"),
    "conv2d_same_even_k": conv2d_case((2, 7, 6, 3), (2, 4, 3, 4), [1, 1, 1, 1], "SAME"),
    "conv2d_same_s2": conv2d_case((2, 7, 6, 3), (3, 2, 3, 4), [1, 2, 2, 1], "SAME"),
    "conv2d_same_s3_k4": conv2d_case((1, 8, 7, 2), (4, 4, 2, 3), [1, 3, 2, 1], "SAME"),
    "conv2d_valid_s2": conv2d_case((2, 7, 6, 3), (3, 2, 3, 4), [1, 2, 2, 1], "VALID"),
    "conv2d_valid_s3": conv2d_case((1, 8, 7, 2), (2, 3, 2, 3), [1, 3, 3, 1], "VALID"),
    "conv2d_int_stride": conv2d_case((1, 8, 7, 2), (2, 3, 2, 3), 2, "SAME"),
    "conv2d_pair_stride": conv2d_case((1, 8, 7, 2), (2, 3, 2, 3), [3, 2], "VALID"),
    "conv2d_k_bigger_same": conv2d_case((1, 3, 2, 2), (5, 4, 2, 3), [1, 1, 1, 1], "SAME"),
    "conv2d_1x1": conv2d_case((2, 3, 4, 5), (1, 1, 5, 2), [1, 1, 1, 1], "VALID"),
    "conv2d_f32": conv2d_case((2, 7, 6, 3), (3, 3, 3, 4), [1, 2, 2, 1], "SAME", dtype=F32),
    "conv2d_filters_kw": (lambda m, x, f: m.nn.conv2d(x, filters=f, strides=[1, 1, 1, 1],
                                                      padding="VALID"),
                          rand(1, 4, 5, 2), rand(2, 2, 2, 3)),
    "conv1d_same": (lambda m, x, f: m.nn.conv1d(x, f, stride=1, padding="SAME"),
                    rand(2, 9, 3), rand(4, 3, 5)),
    "conv1d_valid_s2": (lambda m, x, f: m.nn.conv1d(x, f, stride=2, padding="VALID"),
                        rand(2, 9, 3), rand(3, 3, 5)),
    "conv1d_same_s3": (lambda m, x, f: m.nn.conv1d(x, f, stride=3, padding="SAME"),
                       rand(2, 8, 3), rand(2, 3, 4)),
    "conv1d_filters_kw": (lambda m, x, f: m.nn.conv1d(value=x, filters=f, stride=1,
                                                      padding="VALID"),
                          rand(1, 6, 2), rand(2, 2, 3)),
    "conv2d_transpose_same_s2": (
        lambda m, x, f: m.nn.conv2d_transpose(x, f, [2, 8, 6, 3], strides=[1, 2, 2, 1],
                                              padding="SAME"),
        rand(2, 4, 3, 5), rand(3, 3, 3, 5)),
    "conv2d_transpose_same_s2_odd": (
        lambda m, x, f: m.nn.conv2d_transpose(x, f, [2, 7, 5, 3], strides=[1, 2, 2, 1],
                                              padding="SAME"),
        rand(2, 4, 3, 5), rand(2, 4, 3, 5)),
    "conv2d_transpose_valid_s2": (
        lambda m, x, f: m.nn.conv2d_transpose(x, f, [2, 9, 7, 3], strides=[1, 2, 2, 1],
                                              padding="VALID"),
        rand(2, 4, 3, 5), rand(3, 3, 3, 5)),
    "conv2d_transpose_valid_s3": (
        lambda m, x, f: m.nn.conv2d_transpose(x, f, [1, 8, 7, 2], strides=[1, 3, 2, 1],
                                              padding="VALID"),
        rand(1, 3, 3, 4), rand(2, 3, 2, 4)),
    "conv2d_transpose_s1": (
        lambda m, x, f: m.nn.conv2d_transpose(x, f, [2, 4, 3, 3], strides=[1, 1, 1, 1],
                                              padding="SAME"),
        rand(2, 4, 3, 5), rand(2, 2, 3, 5)),
    "conv2d_backprop_input": (
        lambda m, f, g: m.nn.conv2d_backprop_input([2, 7, 6, 3], f, g, strides=[1, 2, 2, 1],
                                                   padding="SAME"),
        rand(3, 2, 3, 4), rand(2, 4, 3, 4)),
    "conv2d_backprop_filter": (
        lambda m, x, g: m.nn.conv2d_backprop_filter(x, [3, 2, 3, 4], g, strides=[1, 2, 2, 1],
                                                    padding="SAME"),
        rand(2, 7, 6, 3), rand(2, 4, 3, 4)),
    "depthwise_same": (
        lambda m, x, f: m.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME"),
        rand(2, 5, 6, 3), rand(3, 2, 3, 2)),
    "depthwise_valid_s2": (
        lambda m, x, f: m.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "VALID"),
        rand(2, 7, 6, 3), rand(3, 2, 3, 2)),
    "depthwise_same_s2_even": (
        lambda m, x, f: m.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "SAME"),
        rand(2, 7, 6, 3), rand(2, 4, 3, 1)),
    "depthwise_rate": (
        lambda m, x, f: m.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME", rate=[2, 2]),
        rand(1, 7, 6, 2), rand(3, 2, 2, 3)),
    "depthwise_native": (
        lambda m, x, f: m.nn.depthwise_conv2d_native(x, f, [1, 2, 2, 1], "SAME"),
        rand(2, 7, 6, 3), rand(3, 2, 3, 2)),
    "separable_same": (
        lambda m, x, d, p: m.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME"),
        rand(2, 5, 6, 3), rand(3, 2, 3, 2), rand(1, 1, 6, 4)),
    "separable_valid_s2": (
        lambda m, x, d, p: m.nn.separable_conv2d(x, d, p, [1, 2, 2, 1], "VALID"),
        rand(2, 7, 6, 3), rand(3, 3, 3, 2), rand(1, 1, 6, 5)),
    "separable_rate": (
        lambda m, x, d, p: m.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME", rate=[2, 2]),
        rand(1, 7, 6, 2), rand(3, 2, 2, 2), rand(1, 1, 4, 3)),
    "atrous_same": (lambda m, x, f: m.nn.atrous_conv2d(x, f, 2, "SAME"),
                    rand(2, 7, 6, 3), rand(3, 2, 3, 4)),
    "atrous_valid": (lambda m, x, f: m.nn.atrous_conv2d(x, f, 3, "VALID"),
                     rand(1, 9, 8, 2), rand(2, 3, 2, 3)),
    "atrous_rate1": (lambda m, x, f: m.nn.atrous_conv2d(x, f, 1, "SAME"),
                     rand(1, 5, 4, 2), rand(2, 3, 2, 3)),
    "convolution_2d": (lambda m, x, f: m.nn.convolution(x, f, "SAME", strides=[2, 1]),
                       rand(2, 7, 6, 3), rand(3, 2, 3, 4)),
    "convolution_dil": (lambda m, x, f: m.nn.convolution(x, f, "VALID", dilation_rate=[2, 3]),
                        rand(1, 9, 8, 2), rand(2, 2, 2, 3)),
    "convolution_1d": (lambda m, x, f: m.nn.convolution(x, f, "SAME", strides=[2]),
                       rand(2, 9, 3), rand(4, 3, 2)),
    "convolution_3d": (lambda m, x, f: m.nn.convolution(x, f, "VALID"),
                       rand(1, 4, 5, 3, 2), rand(2, 3, 2, 2, 3)),
    "conv3d_same": (lambda m, x, f: m.nn.conv3d(x, f, [1, 1, 1, 1, 1], "SAME"),
                    rand(2, 4, 5, 3, 2), rand(2, 3, 2, 2, 3)),
    "conv3d_same_s2": (lambda m, x, f: m.nn.conv3d(x, f, [1, 2, 2, 3, 1], "SAME"),
                       rand(1, 5, 6, 7, 2), rand(2, 3, 2, 2, 3)),
    "conv3d_valid_s2": (lambda m, x, f: m.nn.conv3d(x, f, [1, 2, 1, 2, 1], "VALID"),
                        rand(1, 5, 6, 7, 2), rand(3, 2, 2, 2, 3)),
    "conv3d_transpose": (
        lambda m, x, f: m.nn.conv3d_transpose(x, f, [1, 5, 6, 7, 2], [1, 2, 2, 2, 1], "SAME"),
        rand(1, 3, 3, 4, 3), rand(2, 3, 2, 2, 3)),
    "conv3d_transpose_valid": (
        lambda m, x, f: m.nn.conv3d_transpose(x, f, [1, 6, 5, 7, 2], [1, 2, 1, 2, 1],
                                              "VALID"),
        rand(1, 3, 4, 3, 3), rand(2, 2, 3, 2, 3)),
    "extract_patches_same": (
        lambda m, x: m.extract_image_patches(x, [1, 3, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1],
                                             "SAME"), rand(2, 7, 6, 3)),
    "extract_patches_valid_rate": (
        lambda m, x: m.extract_image_patches(x, [1, 2, 3, 1], [1, 1, 2, 1], [1, 2, 1, 1],
                                             "VALID"), rand(1, 7, 6, 2)),
}

# TF's CPU conv backprop kernels reject dilations > 1, so dilated convs are compared with
# TF's convolution(dilation_rate=...), which runs them through space_to_batch.
def dilated(gc_fn, x, f, rates, padding):
    def fn(m, x, f):
        if m is gc:
            return gc_fn(x, f, padding)
        return m.nn.convolution(x, f, padding, dilation_rate=rates)
    return (fn, x, f)


CONV.update({
    "conv2d_dil_same": dilated(
        lambda x, f, p: gc.nn.conv2d(x, f, [1, 1, 1, 1], p, dilations=[1, 2, 3, 1]),
        rand(1, 9, 8, 2), rand(3, 2, 2, 3), [2, 3], "SAME"),
    "conv2d_dil_valid": dilated(
        lambda x, f, p: gc.nn.conv2d(x, f, [1, 1, 1, 1], p, dilations=[1, 2, 2, 1]),
        rand(2, 9, 8, 2), rand(3, 2, 2, 3), [2, 2], "VALID"),
    "conv2d_dil_same_even_k": dilated(
        lambda x, f, p: gc.nn.conv2d(x, f, [1, 1, 1, 1], p, dilations=2),
        rand(1, 7, 8, 2), rand(2, 4, 2, 3), [2, 2], "SAME"),
    "conv1d_dil": dilated(
        lambda x, f, p: gc.nn.conv1d(x, f, stride=1, padding=p, dilations=2),
        rand(2, 9, 3), rand(3, 3, 4), [2], "SAME"),
    "conv3d_dil": dilated(
        lambda x, f, p: gc.nn.conv3d(x, f, [1, 1, 1, 1, 1], p, dilations=[1, 2, 1, 2, 1]),
        rand(1, 5, 4, 6, 2), rand(2, 2, 3, 2, 2), [2, 1, 2], "SAME"),
})
NO_GRAD.update({
    "conv2d_dil_same_values": conv2d_case((1, 9, 8, 2), (3, 2, 2, 3), [1, 1, 1, 1], "SAME",
                                          [1, 2, 3, 1]),
    "conv2d_dil_valid_values": conv2d_case((1, 9, 8, 2), (3, 2, 2, 3), [1, 1, 1, 1], "VALID",
                                           [1, 2, 2, 1]),
})


# ---- pooling ----------------------------------------------------------------------------------
def pool_case(kind, xs, k, s, padding, dtype=np.float64):
    x = rand(*xs, dtype=dtype, seed=5)
    return (lambda m, x: getattr(m.nn, kind)(x, k, s, padding), x)


POOL = {
    "max_pool_same_2x2_s2_odd": pool_case("max_pool", (2, 7, 5, 3), [1, 2, 2, 1],
                                          [1, 2, 2, 1], "SAME"),
    "max_pool_valid_3x3_s2": pool_case("max_pool", (2, 7, 6, 3), [1, 3, 3, 1], [1, 2, 2, 1],
                                       "VALID"),
    "max_pool_same_3x2_s3": pool_case("max_pool", (1, 8, 7, 2), [1, 3, 2, 1], [1, 3, 2, 1],
                                      "SAME"),
    "max_pool_same_overlap": pool_case("max_pool", (2, 5, 6, 2), [1, 3, 3, 1], [1, 1, 1, 1],
                                       "SAME"),
    "max_pool_int_args": pool_case("max_pool", (2, 7, 5, 3), 2, 2, "SAME"),
    "max_pool_f32": pool_case("max_pool", (2, 7, 5, 3), [1, 3, 3, 1], [1, 2, 2, 1], "SAME",
                              dtype=F32),
    "max_pool_neg": (lambda m, x: m.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
                     rand(1, 5, 5, 2, low=-9, high=-1)),
    "avg_pool_same_2x2_s2_odd": pool_case("avg_pool", (2, 7, 5, 3), [1, 2, 2, 1],
                                          [1, 2, 2, 1], "SAME"),
    "avg_pool_valid_3x3_s2": pool_case("avg_pool", (2, 7, 6, 3), [1, 3, 3, 1], [1, 2, 2, 1],
                                       "VALID"),
    "avg_pool_same_3x2_s3": pool_case("avg_pool", (1, 8, 7, 2), [1, 3, 2, 1], [1, 3, 2, 1],
                                      "SAME"),
    "avg_pool_same_overlap": pool_case("avg_pool", (2, 5, 6, 2), [1, 3, 3, 1], [1, 1, 1, 1],
                                       "SAME"),
    "avg_pool_same_big": pool_case("avg_pool", (1, 4, 3, 2), [1, 5, 4, 1], [1, 2, 2, 1],
                                   "SAME"),
    "avg_pool_f32": pool_case("avg_pool", (2, 7, 5, 3), [1, 3, 3, 1], [1, 2, 2, 1], "SAME",
                              dtype=F32),
    "max_pool_valid_2x2_odd": pool_case("max_pool", (2, 7, 5, 3), [1, 2, 2, 1],
                                        [1, 2, 2, 1], "VALID"),
    "max_pool3d_same": pool_case("max_pool3d", (1, 5, 4, 6, 2), [1, 2, 2, 3, 1],
                                 [1, 2, 2, 2, 1], "SAME", dtype=F32),
    "max_pool3d_valid": pool_case("max_pool3d", (2, 5, 4, 6, 2), [1, 3, 2, 2, 1],
                                  [1, 2, 1, 2, 1], "VALID", dtype=F32),
    "avg_pool3d_same": pool_case("avg_pool3d", (1, 5, 4, 6, 2), [1, 2, 2, 3, 1],
                                 [1, 2, 2, 2, 1], "SAME", dtype=F32),
    "avg_pool3d_valid": pool_case("avg_pool3d", (2, 5, 4, 6, 2), [1, 3, 2, 2, 1],
                                  [1, 2, 1, 2, 1], "VALID", dtype=F32),
    "pool_max_2d": (lambda m, x: m.nn.pool(x, [3, 2], "MAX", "SAME", strides=[2, 2]),
                    rand(2, 7, 5, 3)),
    "pool_avg_2d": (lambda m, x: m.nn.pool(x, [3, 2], "AVG", "SAME", strides=[3, 2]),
                    rand(2, 7, 5, 3)),
    "pool_avg_valid": (lambda m, x: m.nn.pool(x, [2, 2], "AVG", "VALID", strides=[2, 2]),
                       rand(2, 7, 5, 3)),
    "pool_max_dil": (lambda m, x: m.nn.pool(x, [2, 2], "MAX", "VALID", dilation_rate=[2, 2]),
                     rand(1, 7, 6, 2)),
    "pool_avg_dil_valid": (lambda m, x: m.nn.pool(x, [2, 3], "AVG", "VALID",
                                                  dilation_rate=[2, 1]),
                           rand(1, 7, 6, 2)),
    "pool_max_1d": (lambda m, x: m.nn.pool(x, [3], "MAX", "SAME", strides=[2]), rand(2, 9, 3)),
    "pool_avg_1d": (lambda m, x: m.nn.pool(x, [3], "AVG", "VALID", strides=[3]),
                    rand(2, 9, 3)),
    "pool_max_3d": (lambda m, x: m.nn.pool(x, [2, 2, 2], "MAX", "SAME", strides=[2, 1, 2]),
                    rand(1, 5, 4, 6, 2, dtype=F32)),
    "pool_avg_3d": (lambda m, x: m.nn.pool(x, [2, 3, 2], "AVG", "SAME", strides=[2, 3, 1]),
                    rand(1, 5, 4, 6, 2, dtype=F32)),
}


# ---- losses -----------------------------------------------------------------------------------
RED = ["NONE", "SUM", "MEAN", "SUM_OVER_BATCH_SIZE", "SUM_BY_NONZERO_WEIGHTS",
       "SUM_OVER_NONZERO_WEIGHTS"]
W_BCAST = np.array([[0.0], [2.0], [0.5]], F32)         # (3, 1), one zero weight
W_FULL = np.array([[1.0, 0.0, 2.0, 0.5], [0.0, 0.0, 3.0, 1.0], [1.0, 1.0, 1.0, 0.0]], F32)


def loss_cases():
    lab, pred = rand(3, 4, dtype=F32, seed=6), rand(3, 4, dtype=F32, seed=7)
    p01 = rand(3, 4, dtype=F32, seed=8, low=0.01, high=0.99)
    b01 = (rand(3, 4, seed=9) > 0).astype(F32)
    onehot = np.eye(4, dtype=F32)[[1, 3, 0]]
    z = rand(3, 4, dtype=F32, seed=10)
    unit = lambda a: a / np.linalg.norm(a, axis=1, keepdims=True)  # noqa: E731
    basic = {
        "mse": (lambda m, l, p, **k: m.losses.mean_squared_error(l, p, **k), lab, pred),
        "abs": (lambda m, l, p, **k: m.losses.absolute_difference(l, p, **k), lab, pred),
        "log_loss": (lambda m, l, p, **k: m.losses.log_loss(l, p, **k), b01, p01),
        "hinge": (lambda m, l, p, **k: m.losses.hinge_loss(l, p, **k), b01, z),
        "huber": (lambda m, l, p, **k: m.losses.huber_loss(l, p, **k), lab, pred),
        "huber_delta": (lambda m, l, p, **k: m.losses.huber_loss(l, p, delta=0.7, **k),
                        lab, pred),
        "sigmoid_ce": (lambda m, l, p, **k: m.losses.sigmoid_cross_entropy(l, p, **k), b01, z),
        "sigmoid_ce_ls": (lambda m, l, p, **k: m.losses.sigmoid_cross_entropy(
            l, p, label_smoothing=0.2, **k), b01, z),
    }
    per_row = {      # losses of shape (3,): weights (3,) or scalar
        "softmax_ce": (lambda m, l, p, **k: m.losses.softmax_cross_entropy(l, p, **k),
                       onehot, z),
        "softmax_ce_ls": (lambda m, l, p, **k: m.losses.softmax_cross_entropy(
            l, p, label_smoothing=0.1, **k), onehot, z),
        "sparse_ce": (lambda m, l, p, **k: m.losses.sparse_softmax_cross_entropy(l, p, **k),
                      np.array([1, 3, 0], np.int32), z),
        "sparse_ce_i64": (lambda m, l, p, **k: m.losses.sparse_softmax_cross_entropy(
            l, p, **k), np.array([1, 3, 0], np.int64), z),
    }
    cos = {          # losses of shape (3, 1)
        "cosine": (lambda m, l, p, **k: m.losses.cosine_distance(l, p, axis=1, **k),
                   unit(lab), unit(pred)),
        "cosine_dim": (lambda m, l, p, **k: m.losses.cosine_distance(l, p, dim=1, **k),
                       unit(lab), unit(pred)),
    }
    out = {}
    sweep = ("mse", "softmax_ce", "cosine")      # every weights form x every reduction
    for group, weights in ((basic, (None, 2.0, 0.0, W_BCAST, W_FULL)),
                           (per_row, (None, 0.5, np.array([1.0, 0.0, 2.0], F32))),
                           (cos, (None, 3.0, np.array([[2.0], [0.0], [1.0]], F32)))):
        for name, (fn, l, p) in group.items():
            for wi, w in enumerate(weights):
                reds = [None] + RED if name in sweep else [None]
                if wi == len(weights) - 1 and name not in sweep:
                    reds = [None, "NONE", "MEAN"]
                for red in reds:
                    out[f"{name}_w{wi}_{red}"] = (fn, l, p, w, red)
    return out


LOSSES = loss_cases()


def run_loss(fn, l, p, w, red):
    def call(m, l, p, *ws):
        kw = {}
        if ws:
            kw["weights"] = ws[0]
        elif w is not None:
            kw["weights"] = w
        if red is not None:
            kw["reduction"] = getattr(m.losses.Reduction, red)
        return fn(m, l, p, **kw)
    arrays = [l, p] + ([w] if isinstance(w, np.ndarray) else [])
    check(call, *arrays, rtol=1e-5, atol=1e-6)


# TF's float64 gelu and leaky_relu (alpha is a float32 attr) are only float32-accurate
TOL = {"lrn": 1e-5, "lrn_args": 1e-5, "lrn_radius0": 1e-5, "gelu": 1e-7, "leaky_relu": 1e-7,
       "leaky_relu_alpha": 1e-7, "leaky_relu_alpha_big": 1e-7, "zero_fraction": 1e-7}


# ---- edge cases: ties, empty and size-1 dims, tensor shapes -----------------------------------
TIES = np.array([[1, 1, 0, 2, 2], [1, 1, 0, 2, 2], [3, 3, 3, 0, 0], [0, 0, 0, 0, 0]],
                np.float64)[None, :, :, None]
EDGE = {
    "max_pool_ties_overlap": (lambda m, x: m.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "SAME"),
                              TIES),
    "max_pool_ties_s2": (lambda m, x: m.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
                         TIES),
    "max_pool_empty_batch": (lambda m, x: m.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
                             rand(0, 4, 5, 2)),
    "max_pool_empty_channels": (lambda m, x: m.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1],
                                                           "SAME"), rand(2, 4, 5, 0)),
    "avg_pool_empty_batch": (lambda m, x: m.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
                             rand(0, 4, 5, 2)),
    "avg_pool3d_empty": (lambda m, x: m.nn.avg_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1],
                                                      "SAME"), rand(0, 3, 4, 5, 2, dtype=F32)),
    "avg_pool_k1_s2": (lambda m, x: m.nn.avg_pool(x, 1, 2, "SAME"), rand(1, 5, 4, 2)),
    "max_pool_window_is_input": (lambda m, x: m.nn.max_pool(x, [1, 5, 4, 1], [1, 1, 1, 1],
                                                            "VALID"), rand(1, 5, 4, 2)),
    "conv2d_empty_batch": (lambda m, x, f: m.nn.conv2d(x, f, [1, 1, 1, 1], "SAME"),
                           rand(0, 4, 5, 2), rand(2, 2, 2, 3)),
    "conv2d_no_out_channels": (lambda m, x, f: m.nn.conv2d(x, f, [1, 1, 1, 1], "SAME"),
                               rand(1, 4, 5, 2), rand(2, 2, 2, 0)),
    "conv3d_empty": (lambda m, x, f: m.nn.conv3d(x, f, [1, 1, 1, 1, 1], "SAME"),
                     rand(0, 3, 4, 5, 2), rand(2, 2, 2, 2, 3)),
    "conv1d_empty": (lambda m, x, f: m.nn.conv1d(x, f, 1, "SAME"), rand(0, 5, 2), rand(2, 2, 3)),
    "conv2d_transpose_empty": (lambda m, x, f: m.nn.conv2d_transpose(
        x, f, [0, 8, 6, 3], [1, 2, 2, 1], "SAME"), rand(0, 4, 3, 5), rand(3, 3, 3, 5)),
    "conv2d_transpose_tensor_shape": (lambda m, x, f: m.nn.conv2d_transpose(
        x, f, m.stack([m.shape(x)[0], 7, 5, 3]), [1, 2, 2, 1], "SAME"),
        rand(2, 4, 3, 5), rand(2, 4, 3, 5)),
    "softmax_empty": (lambda m, x: m.nn.softmax(x), rand(0, 4)),
    "softmax_size1_axis": (lambda m, x: m.nn.softmax(x, axis=1), rand(3, 1, 2)),
    "xent_empty": (lambda m, l, z: m.nn.softmax_cross_entropy_with_logits_v2(labels=l,
                                                                             logits=z),
                   rand(0, 4), rand(0, 4)),
    "sparse_xent_empty": (lambda m, l, z: m.nn.sparse_softmax_cross_entropy_with_logits(
        labels=l, logits=z), np.zeros((0,), np.int32), rand(0, 4)),
    "l2_normalize_empty": (lambda m, x: m.nn.l2_normalize(x, axis=1), rand(0, 4)),
    "lrn_empty": (lambda m, x: m.nn.lrn(x), rand(0, 2, 3, 4, dtype=F32)),
    "top_k_empty": (lambda m, x: m.nn.top_k(x, 2), rand(0, 4)),
    "top_k_k0": (lambda m, x: m.nn.top_k(x, 0), rand(3, 4)),
    "embedding_empty_ids": (lambda m, p, i: m.nn.embedding_lookup(p, i), rand(5, 3),
                            np.zeros((0,), np.int32)),
    "embedding_empty_ids_div": (lambda m, a, b, i: m.nn.embedding_lookup(
        [a, b], i, partition_strategy="div"), rand(3, 2), rand(2, 2), np.zeros((0, 2), np.int32)),
    "embedding_3d_params_div": (lambda m, a, b, i: m.nn.embedding_lookup(
        [a, b], i, partition_strategy="div"), rand(3, 2, 2), rand(2, 2, 2, seed=3),
        np.array([[4, 0], [3, 1]], np.int32)),
    "embedding_max_norm_two": (lambda m, a, b, i: m.nn.embedding_lookup([a, b], i, max_norm=0.5),
                               rand(3, 2, 2), rand(2, 2, 2, seed=3),
                               np.array([[4, 0], [3, 1]], np.int32)),
    "batch_normalization_empty": (
        lambda m, x, mu, v: m.nn.batch_normalization(x, mu, v, None, None, 1e-3),
        rand(0, 4), rand(4), rand(4, low=1, high=2)),
    "moments_empty_batch": (lambda m, x: m.nn.moments(x, [1]), rand(0, 4)),
    "bias_add_empty": (lambda m, x, b: m.nn.bias_add(x, b), rand(0, 4), rand(4)),
    "fused_bn_empty": (
        lambda m, x, s, b, mu, v: m.nn.fused_batch_norm(x, s, b, mu, v, is_training=False)[0],
        rand(0, 3, 4, 2, dtype=F32), rand(2, dtype=F32), rand(2, dtype=F32),
        rand(2, dtype=F32), rand(2, dtype=F32, low=1, high=2)),
}
NO_GRAD.update({
    # TF's depthwise filter gradient on an empty batch is uninitialized memory
    "depthwise_empty": (lambda m, x, f: m.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME"),
                        rand(0, 4, 5, 2), rand(2, 2, 2, 3)),
    "separable_empty": (lambda m, x, d, p: m.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME"),
                        rand(0, 5, 6, 3), rand(3, 2, 3, 2), rand(1, 1, 6, 4)),
    "in_top_k_empty": (lambda m, p, t: m.nn.in_top_k(p, t, 1), rand(0, 4, dtype=F32),
                       np.zeros((0,), np.int32)),
    "in_top_k_nonfinite": (lambda m, p, t: m.nn.in_top_k(p, t, 2),
                           np.array([[np.inf, 1, 2], [np.nan, 1, 2], [1, 2, 3]], F32),
                           np.array([0, 0, 0], np.int32)),
})


EDGE.update({
    "fused_bn_training_one_per_channel": (
        lambda m, x, s, b: m.nn.fused_batch_norm(x, s, b, is_training=True),
        rand(1, 1, 1, 3, dtype=F32), rand(3, dtype=F32), rand(3, dtype=F32)),
    "fused_bn_training_f16_y": (
        lambda m, x, s, b: m.nn.fused_batch_norm(x, s, b, is_training=True)[0],
        rand(2, 3, 2, 3, dtype=np.float16), rand(3, dtype=F32), rand(3, dtype=F32)),
    "dropout_rate0": (lambda m, x: m.nn.dropout(x, rate=0.0), rand(3, 4)),
    "dropout_keep1": (lambda m, x: m.nn.dropout(x, keep_prob=1.0), rand(3, 4)),
    "max_pool_int32": (lambda m, x: m.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
                       rand(1, 5, 3, 2, dtype=np.int32, low=-9, high=9)),
    "max_pool_int64": (lambda m, x: m.nn.max_pool(x, [1, 3, 2, 1], [1, 2, 2, 1], "VALID"),
                       rand(1, 5, 3, 2, dtype=np.int64, low=-9, high=9)),
    "bias_add_int": (lambda m, x, b: m.nn.bias_add(x, b),
                     rand(2, 3, dtype=np.int32, low=-9, high=9),
                     rand(3, dtype=np.int32, low=-9, high=9)),
    "top_k_all": (lambda m, x: m.nn.top_k(x, 4), rand(3, 4)),
    "conv2d_stride_list1": (lambda m, x, f: m.nn.conv2d(x, f, [2], "SAME"), rand(1, 5, 6, 2),
                            rand(2, 2, 2, 3)),
    "conv1d_stride_list3": (lambda m, x, f: m.nn.conv1d(x, f, stride=[1, 2, 1], padding="SAME"),
                            rand(2, 9, 3), rand(3, 3, 4)),
    "weighted_xent_vector_w": (lambda m, l, z: m.nn.weighted_cross_entropy_with_logits(
        labels=l, logits=z, pos_weight=np.array([1.0, 2.0, 3.0, 4.0])),
        rand(3, 4, low=0, high=1), rand(3, 4)),
    "l2_normalize_neg_axis": (lambda m, x: m.nn.l2_normalize(x, axis=-2), rand(2, 3, 4)),
    "moments_axes_tuple": (lambda m, x: m.nn.moments(x, axes=(0, -1)), rand(2, 3, 4)),
    "crelu_axis1_3d": (lambda m, x: m.nn.crelu(x, axis=1), rand(2, 3, 4)),
    "pool_max_1d_valid": (lambda m, x: m.nn.pool(x, [2], "MAX", "VALID", strides=[2]),
                          rand(2, 9, 3)),
})
TOL["fused_bn_training_one_per_channel"] = 1e-5
TOL["fused_bn_training_f16_y"] = 2e-3
NO_GRAD.update({
    "in_top_k_k_too_big": (lambda m, p, t: m.nn.in_top_k(p, t, 10), rand(4, 6, dtype=F32),
                           np.array([0, 1, 2, 5], np.int32)),
    "in_top_k_bad_target": (lambda m, p, t: m.nn.in_top_k(p, t, 2), rand(2, 6, dtype=F32),
                            np.array([7, -1], np.int32)),
})


# embedding_lookup_sparse: ids (and weights) as the values of a SparseTensor; its output's
# first dim is unknown statically, so it is reshaped for the harness's cotangents
# (row 1 is empty; a weighted mean over an empty row is TF1's 0/0 = NaN in graphc, while
# TF2's compat.v1 divides with div_no_nan, so the weighted cases fill every row)
SP_INDEX = np.array([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2], [3, 0]], np.int64)
SP_FULL = np.array([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [3, 0]], np.int64)
SP_IDS = np.array([1, 4, 0, 0, 5, 2], np.int64)


def sparse(m, values, index):
    return m.SparseTensor(indices=index, values=values, dense_shape=np.array([4, 3]))


def lookup_sparse(combiner, weighted=False, parts=1, strategy="mod"):
    index = SP_FULL if weighted else SP_INDEX

    def fn(m, *args):
        params, ids = list(args[:parts]), args[parts]
        w = sparse(m, args[parts + 1], index) if weighted else None
        kw = {} if combiner is None else {"combiner": combiner}
        y = m.nn.embedding_lookup_sparse(params, sparse(m, ids, index), w,
                                         partition_strategy=strategy, **kw)
        return m.reshape(y, [4, 3])
    params = [rand(6 // parts, 3, seed=11 + k) for k in range(parts)]
    return (fn, *params, SP_IDS) + ((rand(6, low=0.1, high=2),) if weighted else ())


EDGE.update({
    "lookup_sparse_sum": lookup_sparse("sum"),
    "lookup_sparse_mean": lookup_sparse("mean"),
    "lookup_sparse_sqrtn": lookup_sparse("sqrtn"),
    "lookup_sparse_default": lookup_sparse(None),
    "lookup_sparse_weighted_mean": lookup_sparse("mean", weighted=True),
    "lookup_sparse_weighted_sqrtn": lookup_sparse("sqrtn", weighted=True),
    "lookup_sparse_two_mod": lookup_sparse("sum", parts=2),
    "lookup_sparse_two_div": lookup_sparse("mean", parts=2, strategy="div"),
})


# ---- second derivatives: the gradient ops' own gradients -----------------------------------
def grad_of(f, wrt=None):
    """The gradient of sum(w * f(...)^2) w.r.t. the inputs numbered in wrt (all by default),
    so that the harness differentiates the gradient ops once more."""
    def fn(m, *xs):
        y = f(m, *xs)
        w = m.constant(rand(*y.shape.as_list(), seed=21).astype(y.dtype.as_numpy_dtype))
        ins = list(xs) if wrt is None else [xs[k] for k in wrt]
        return m.gradients(m.reduce_sum(m.square(y) * w), ins)
    return fn


# Left out: TF's moments stops the gradient through the mean inside the variance, and its
# softmax xent kernel assumes labels sum to 1, so their second derivatives are inexact in TF;
# LRNGrad has no gradient in TF.
GRAD2 = {
    "conv2d_same": (grad_of(lambda m, x, f: m.nn.conv2d(x, f, [1, 2, 2, 1], "SAME")),
                    rand(2, 7, 6, 3), rand(3, 2, 3, 4)),
    "conv2d_valid": (grad_of(lambda m, x, f: m.nn.conv2d(x, f, [1, 2, 3, 1], "VALID")),
                     rand(2, 7, 8, 3), rand(2, 2, 3, 4)),
    "conv2d_transpose": (grad_of(lambda m, x, f: m.nn.conv2d_transpose(
        x, f, [2, 7, 5, 3], [1, 2, 2, 1], "SAME")), rand(2, 4, 3, 5), rand(2, 4, 3, 5)),
    "conv3d": (grad_of(lambda m, x, f: m.nn.conv3d(x, f, [1, 2, 1, 2, 1], "SAME")),
               rand(1, 5, 4, 5, 2), rand(2, 2, 3, 2, 3)),
    "depthwise": (grad_of(lambda m, x, f: m.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "SAME")),
                  rand(2, 7, 6, 3), rand(3, 2, 3, 2)),
    "max_pool": (grad_of(lambda m, x: m.nn.max_pool(x, [1, 3, 2, 1], [1, 2, 2, 1], "SAME")),
                 rand(2, 7, 5, 3)),
    "max_pool_ties": (grad_of(lambda m, x: m.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1],
                                                         "SAME")), TIES),
    "avg_pool": (grad_of(lambda m, x: m.nn.avg_pool(x, [1, 3, 2, 1], [1, 2, 2, 1], "SAME")),
                 rand(2, 7, 5, 3)),
    "max_pool3d": (grad_of(lambda m, x: m.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 1, 2, 1],
                                                        "SAME")), rand(1, 5, 4, 5, 2, dtype=F32)),
    "avg_pool3d": (grad_of(lambda m, x: m.nn.avg_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 1, 2, 1],
                                                        "SAME")), rand(1, 5, 4, 5, 2, dtype=F32)),
    "softmax_xent_logits": (grad_of(lambda m, z: m.nn.softmax_cross_entropy_with_logits_v2(
        labels=m.constant(dist(3, 4)), logits=z)), rand(3, 4)),
    "sparse_xent": (grad_of(lambda m, z: m.nn.sparse_softmax_cross_entropy_with_logits(
        labels=m.constant(np.array([1, 3, 0], np.int32)), logits=z)), rand(3, 4)),
    "sigmoid_xent": (grad_of(lambda m, l, z: m.nn.sigmoid_cross_entropy_with_logits(
        labels=l, logits=z)), rand(3, 4, low=0, high=1), rand(3, 4)),
    "fused_bn_training": (grad_of(lambda m, x, s, b: m.nn.fused_batch_norm(
        x, s, b, is_training=True)[0]), rand(2, 3, 5, 4, dtype=F32), rand(4, dtype=F32),
        rand(4, dtype=F32)),
    "fused_bn_inference": (grad_of(lambda m, x, s, b, mu, v: m.nn.fused_batch_norm(
        x, s, b, mu, v, is_training=False)[0], wrt=[0, 1, 2]), rand(2, 3, 5, 4, dtype=F32),
        rand(4, dtype=F32), rand(4, dtype=F32), rand(4, dtype=F32),
        rand(4, dtype=F32, low=0.5, high=2)),
    "bias_add_nchw": (grad_of(lambda m, x, b: m.nn.bias_add(x, b, data_format="NCHW")),
                      rand(2, 4, 3, 5), rand(4)),
    "l2_normalize": (grad_of(lambda m, x: m.nn.l2_normalize(x, axis=1)), rand(3, 4)),
    "log_softmax": (grad_of(lambda m, x: m.nn.log_softmax(x, axis=0)), rand(3, 4)),
    "softmax": (grad_of(lambda m, x: m.nn.softmax(x, axis=1)), rand(2, 3, 4)),
    "elu": (grad_of(lambda m, x: m.nn.elu(x)), rand(3, 4)),
    "selu": (grad_of(lambda m, x: m.nn.selu(x)), rand(3, 4)),
    "softplus": (grad_of(lambda m, x: m.nn.softplus(x)), rand(3, 4)),
    "relu6": (grad_of(lambda m, x: m.nn.relu6(x)), rand(3, 4, low=-3, high=9)),
    "relu": (grad_of(lambda m, x: m.nn.relu(x)), rand(3, 4)),
}


@pytest.mark.parametrize("name", sorted(GRAD2))
def test_second_derivative(name):
    fn, *args = GRAD2[name]
    f32 = any(np.asarray(a).dtype == F32 for a in args)
    check(fn, *args, rtol=1e-4 if f32 else 1e-8, atol=1e-4 if f32 else 1e-8)


# ---- the tests --------------------------------------------------------------------------------
CASES = {**ACT, **XENT, **NORM, **LOOKUP, **CONV, **POOL, **EDGE}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    f32 = any(np.asarray(a).dtype == F32 for a in args)
    tol = TOL.get(name, 2e-5 if f32 else 1e-9)
    check(fn, *args, rtol=tol, atol=tol)


MAX_POOL3D_TIES = np.round(rand(1, 3, 4, 3, 1, dtype=F32)).astype(F32)


def test_max_pool3d_ties():
    """Values against TF; the gradient against the exact one, each window's weight to its
    first maximum in (depth, row, column) order (TF1's rule): TF 2.21's MaxPool3DGrad
    with SAME padding misplaces some (even without ties)."""
    x = MAX_POOL3D_TIES

    def pool(m, x):
        return m.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "SAME")
    check(pool, x, grad=False)
    w = np.arange(1, x.size + 1, dtype=F32).reshape(x.shape)   # SAME, stride 1: x's shape
    want = np.zeros_like(x)
    for d, h, c in np.ndindex(*x.shape[1:4]):
        box = x[0, d:d + 2, h:h + 2, c:c + 2, 0]    # SAME pads only after: windows start here
        at = np.unravel_index(np.argmax(box), box.shape)
        want[0, d + at[0], h + at[1], c + at[2], 0] += w[0, d, h, c, 0]
    xt = gc.constant(x)
    got = gc.Session().run(gc.gradients(gc.reduce_sum(pool(gc, xt) * w), xt)[0])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", sorted(NO_GRAD))
def test_no_grad(name):
    fn, *args = NO_GRAD[name]
    check(fn, *args, grad=False, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss(name):
    run_loss(*LOSSES[name])


def test_loss_as_tensor_weights():
    """Weights fed through a placeholder (the nonzero count is computed when run)."""
    fn = lambda m, l, p, w: m.losses.mean_squared_error(l, p, weights=w)  # noqa: E731
    check(fn, rand(3, 4, dtype=F32), rand(3, 4, dtype=F32, seed=3), W_FULL, rtol=1e-5)


LOSS_MORE = {
    "mse_int_labels": (lambda m, l, p: m.losses.mean_squared_error(l, p),
                       rand(3, 4, dtype=np.int32, low=-3, high=3), rand(3, 4, dtype=F32)),
    "mse_int_weights": (lambda m, l, p, w: m.losses.mean_squared_error(l, p, weights=w),
                        rand(3, 4, dtype=F32), rand(3, 4, dtype=F32, seed=3),
                        np.array([[1], [0], [2]], np.int32)),
    "mse_3d_weights_middle": (lambda m, l, p, w: m.losses.mean_squared_error(l, p, weights=w),
                              rand(2, 3, 4, dtype=F32), rand(2, 3, 4, dtype=F32, seed=9),
                              np.array([[[1.0], [0.0], [2.0]]], F32)),
    "mse_fed_scalar_zero": (lambda m, l, p, w: m.losses.mean_squared_error(l, p, weights=w),
                            rand(3, 4, dtype=F32), rand(3, 4, dtype=F32, seed=3),
                            np.array(0.0, F32)),
    "mse_fed_scalar": (lambda m, l, p, w: m.losses.mean_squared_error(l, p, weights=w),
                       rand(3, 4, dtype=F32), rand(3, 4, dtype=F32, seed=3), np.array(2.0, F32)),
    "mse_fed_row_mean": (lambda m, l, p, w: m.losses.mean_squared_error(
        l, p, weights=w, reduction=m.losses.Reduction.MEAN), rand(3, 4, dtype=F32),
        rand(3, 4, dtype=F32, seed=3), np.array([[0.0, 1, 2, 0]], F32)),
    "abs_1d": (lambda m, l, p: m.losses.absolute_difference(l, p), rand(4, dtype=F32),
               rand(4, dtype=F32, seed=3)),
    "abs_scalar": (lambda m, l, p: m.losses.absolute_difference(l, p), np.array(1.0, F32),
                   np.array(3.0, F32)),
    "total_loss": (lambda m, l, p: (m.losses.mean_squared_error(l, p),
                                    m.losses.absolute_difference(l, p, weights=2.0),
                                    m.losses.get_total_loss()),
                   rand(3, 4, dtype=F32), rand(3, 4, dtype=F32, seed=3)),
    "get_losses": (lambda m, l, p: [m.losses.mean_squared_error(l, p)] + m.losses.get_losses(),
                   rand(3, 4, dtype=F32), rand(3, 4, dtype=F32, seed=3)),
    "compute_weighted": (lambda m, x, w: m.losses.compute_weighted_loss(x, w),
                         rand(3, 4, dtype=F32), W_FULL),
    "compute_weighted_sum": (lambda m, x, w: m.losses.compute_weighted_loss(
        x, w, reduction=m.losses.Reduction.SUM), rand(3, 4, dtype=F32), W_FULL),
    "compute_weighted_mean_zero": (lambda m, x: m.losses.compute_weighted_loss(
        x, 0.0, reduction=m.losses.Reduction.MEAN), rand(3, 4, dtype=F32)),
    "cosine_neg_axis_3d": (lambda m, l, p: m.losses.cosine_distance(l, p, axis=-1),
                           dist(2, 3, 4).astype(F32) ** 0.5, dist(2, 3, 4, seed=5).astype(F32)
                           ** 0.5),
    "log_loss_epsilon": (lambda m, l, p: m.losses.log_loss(l, p, epsilon=0.1),
                         (rand(3, 4, seed=9) > 0).astype(F32),
                         rand(3, 4, dtype=F32, low=0, high=1)),
    "huber_big_delta": (lambda m, l, p: m.losses.huber_loss(
        l, p, delta=5.0, reduction=m.losses.Reduction.NONE), rand(3, 4, dtype=F32),
        rand(3, 4, dtype=F32, seed=3)),
    "softmax_ce_soft_labels": (lambda m, l, p: m.losses.softmax_cross_entropy(l, p),
                               dist(3, 4).astype(F32), rand(3, 4, dtype=F32)),
    "softmax_ce_f64": (lambda m, l, p: m.losses.softmax_cross_entropy(l, p, label_smoothing=0.1),
                       np.eye(4)[[1, 3, 0]], rand(3, 4)),
    "sparse_ce_f64": (lambda m, l, p: m.losses.sparse_softmax_cross_entropy(l, p),
                      np.array([1, 3, 0], np.int32), rand(3, 4)),
    "sparse_ce_2d_labels": (lambda m, l, p: m.losses.sparse_softmax_cross_entropy(
        l, p, weights=np.array([[1.0], [0.0], [2.0]], F32)),
        np.array([[1], [3], [0]], np.int32), rand(3, 4, dtype=F32)),
    "sigmoid_ce_3d": (lambda m, l, p: m.losses.sigmoid_cross_entropy(l, p, label_smoothing=0.1),
                      (rand(2, 3, 4, seed=3) > 0).astype(F32), rand(2, 3, 4, dtype=F32)),
}


@pytest.mark.parametrize("name", sorted(LOSS_MORE))
def test_loss_more(name):
    fn, *args = LOSS_MORE[name]
    check(fn, *args, rtol=1e-5, atol=1e-6)


RANDOM = {   # random ops: only dtypes and shapes
    "dropout_keep": (lambda m, x: m.nn.dropout(x, keep_prob=0.7), rand(3, 4)),
    "dropout_rate": (lambda m, x: m.nn.dropout(x, rate=0.3), rand(3, 4, dtype=F32)),
    "dropout_noise": (lambda m, x: m.nn.dropout(x, rate=0.5, noise_shape=[3, 1]), rand(3, 4)),
    "nce_loss": (lambda m, w, b, x, l: m.nn.nce_loss(w, b, l, x, num_sampled=3,
                                                     num_classes=7),
                 rand(7, 4, dtype=F32), rand(7, dtype=F32), rand(5, 4, dtype=F32),
                 ints(5, 1, high=7, dtype=np.int64)),
    "nce_loss_true2": (lambda m, w, b, x, l: m.nn.nce_loss(w, b, l, x, num_sampled=3,
                                                           num_classes=7, num_true=2),
                       rand(7, 4, dtype=F32), rand(7, dtype=F32), rand(5, 4, dtype=F32),
                       ints(5, 2, high=7, dtype=np.int64)),
    "sampled_softmax": (lambda m, w, b, x, l: m.nn.sampled_softmax_loss(
        w, b, l, x, num_sampled=3, num_classes=7),
        rand(7, 4, dtype=F32), rand(7, dtype=F32), rand(5, 4, dtype=F32),
        ints(5, 1, high=7, dtype=np.int64)),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_shapes(name):
    fn, *args = RANDOM[name]
    check(fn, *args, grad=False, values=False)
