"""Conv, pooling and tf.layers details from the session-18 conv hunt; the expected values
are TF 2.21's (compat.v1, graph mode) on the same programs."""
import numpy as np
import pytest

import graphc as gc


def test_shapes_built_with_concat_and_cast_keep_their_known_dims():
    x = gc.placeholder(gc.float32, [None, None, None, 3])
    skip = gc.placeholder(gc.float32, [None, None, None, 8])
    w = gc.ones([3, 3, 4, 3])
    up = gc.nn.conv2d_transpose(x, w, gc.concat([gc.shape(skip)[:3], [4]], 0),
                                [1, 2, 2, 1], "SAME")
    assert up.shape.as_list() == [None, None, None, 4]
    assert gc.layers.conv2d(up, 2, 3).shape.as_list() == [None, None, None, 2]
    flat = gc.reshape(skip, gc.concat([gc.shape(skip)[:1], [-1, 8]], 0))
    assert flat.shape.as_list() == [None, None, 8]
    z = gc.zeros(gc.cast(gc.concat([gc.shape(x)[:3], [8]], 0), gc.int64))
    assert z.shape.as_list() == [None, None, None, 8]
    x1 = gc.placeholder(gc.float32, [None, None, 3])
    y = gc.nn.conv1d_transpose(x1, gc.ones([3, 2, 3]),
                               gc.stack([gc.shape(x1)[0], gc.shape(x1)[1] * 2, 2]), 2)
    assert y.shape.as_list() == [None, None, 2]
    crops = gc.placeholder(gc.int32, [2, 2])
    b2s = gc.batch_to_space_nd(gc.placeholder(gc.float32, [4, 6, 8, 3]), [2, 2], crops)
    assert b2s.shape.as_list() == [1, None, None, 3]


def test_tf_layers_take_names_of_activations_initializers_and_regularizers():
    x = gc.placeholder(gc.float32, [None, 5, 5, 3])
    relu = gc.layers.conv2d(x, 2, 3, activation="relu", kernel_initializer="ones",
                            bias_initializer="zeros", kernel_regularizer="l2")
    tanh = gc.layers.dense(gc.layers.flatten(x), 2, activation="tanh",
                           kernel_initializer="zeros", bias_initializer="ones")
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        a, b = s.run([relu, tanh], {x: -np.ones([1, 5, 5, 3])})
        assert a.shape == (1, 3, 3, 2) and not a.any()          # relu of -27
        np.testing.assert_allclose(b, np.tanh(1.0) * np.ones((1, 2)), rtol=1e-6)
        reg = s.run(gc.losses.get_regularization_loss())
        assert reg == pytest.approx(0.01 * 27 * 2)              # keras "l2": 0.01 sum(w^2)


def test_a_transposed_conv_checks_a_fed_output_shape_against_its_input():
    x = gc.placeholder(gc.float32, [None, None, None, 4])
    size = gc.placeholder(gc.int32, [4])
    y = gc.nn.conv2d_transpose(x, gc.ones([3, 3, 2, 4]), size, [1, 2, 2, 1], "SAME")
    with gc.Session() as s:
        assert s.run(y, {x: np.ones([1, 2, 2, 4]), size: [1, 4, 4, 2]}).sum() == 200.0
        for shape, out in [([1, 1, 2, 4], [1, 3, 4, 2]), ([1, 2, 2, 4], [2, 4, 4, 2])]:
            with pytest.raises(gc.errors.InvalidArgumentError, match="does not fit") as e:
                s.run(y, {x: np.ones(shape), size: out})
            assert e.value.op is not None and "created at" in str(e.value)  # names the op


def test_compute_output_shape_leaves_no_scratch_loss_in_the_collection():
    layer = gc.layers.Conv2D(4, 3, activity_regularizer=lambda t: gc.reduce_sum(t))
    assert layer.compute_output_shape([None, 9, 8, 2]).as_list() == [None, 7, 6, 4]
    assert gc.get_collection(gc.GraphKeys.REGULARIZATION_LOSSES) == []
    layer(gc.placeholder(gc.float32, [None, 9, 8, 2]))
    assert len(gc.get_collection(gc.GraphKeys.REGULARIZATION_LOSSES)) == 1
    gc.losses.get_regularization_loss()                     # one graph: builds


def test_extract_patches_of_integer_images():
    img = gc.placeholder(gc.uint8, [None, None, None, 3])
    p = gc.image.extract_patches(img, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    with gc.Session() as s:
        v = s.run(p, {img: np.arange(96, dtype=np.uint8).reshape(2, 4, 4, 3)})
    assert v.dtype == np.uint8 and v.shape == (2, 2, 2, 12) and int(v.sum()) == 4560


def test_conv2d_backprop_input_takes_filters_and_random_shuffle_a_scalar():
    g, w = gc.ones([1, 4, 4, 2]), gc.ones([3, 3, 1, 2])
    a = gc.nn.conv2d_backprop_input([1, 4, 4, 1], filters=w, out_backprop=g,
                                    strides=[1, 1, 1, 1], padding="SAME")
    b = gc.nn.conv2d_backprop_input([1, 4, 4, 1], w, g, [1, 1, 1, 1], "SAME")
    with gc.Session() as s:
        va, vb = s.run([a, b])
        assert (va == vb).all() and va[0, 1, 1, 0] == 18
        assert s.run(gc.random_shuffle(3.0)) == 3.0             # TF1: unchanged


@pytest.mark.parametrize("op", ["patches", "argmax", "max", "avg", "conv", "depthwise",
                                "dilation", "conv3d"])
def test_a_valid_window_a_little_wider_than_the_input_gives_an_empty_output(op):
    """TF's (n - k + s) / s, rounded toward zero: 0 windows fit a 3x3 image with a 4x4
    (or, strided, 5x5) VALID window, an empty output; a 2x2 image is an error (TF 2.21's
    values and classes). Known static shapes are refused when the graph is built, as
    TF's shape functions do (but for ExtractImagePatches and Dilation2D)."""
    def build(x, k, s):
        win, st = [1, k, k, 1], [1, s, s, 1]
        return {"patches": lambda: gc.extract_image_patches(x, win, st, [1] * 4, "VALID"),
                "argmax": lambda: gc.nn.max_pool_with_argmax(x, win, st, "VALID")[0],
                "max": lambda: gc.nn.max_pool(x, win, st, "VALID"),
                "avg": lambda: gc.nn.avg_pool(x, win, st, "VALID"),
                "conv": lambda: gc.nn.conv2d(x, gc.ones([k, k, 2, 3]), st, "VALID"),
                "depthwise": lambda: gc.nn.depthwise_conv2d(x, gc.ones([k, k, 2, 1]), st,
                                                            "VALID"),
                "dilation": lambda: gc.nn.dilation2d(x, gc.ones([k, k, 2]), st, [1] * 4,
                                                     "VALID"),
                "conv3d": lambda: gc.nn.conv3d(gc.expand_dims(x, 1),
                                               gc.ones([1, k, k, 2, 3]), [1, 1, s, s, 1],
                                               "VALID")[:, 0]}[op]()
    x = gc.placeholder(gc.float32, [None, None, None, 2])
    for k, s in ((4, 1), (5, 2)):
        y = build(x, k, s)
        (g,) = gc.gradients(gc.reduce_sum(y), [x])
        with gc.Session() as sess:
            out, grad = sess.run([y, g], {x: np.ones([2, 3, 3, 2])})
            assert out.shape[:3] == (2, 0, 0) and grad.shape == (2, 3, 3, 2)
            assert not grad.any()
        with pytest.raises(ValueError, match="larger than"):
            build(gc.placeholder(gc.float32, [2, 3, 3, 2]), k, s)
    if op != "dilation":        # dilation2d reads the fed size with ops: TF errs there too
        with gc.Session() as sess, pytest.raises(gc.errors.InvalidArgumentError,
                                                 match="output size would be negative"):
            sess.run(build(x, 4, 1), {x: np.ones([1, 2, 2, 2])})
    with pytest.raises(ValueError):
        build(gc.placeholder(gc.float32, [1, 2, 2, 2]), 4, 1)


def test_bias_add_nchw_of_unknown_rank_finds_the_channel_axis_at_run_time():
    """TF 2.21: NCHW bias_add of a shapeless placeholder adds along dim 1 of whatever is
    fed; the bias gradient sums every other axis."""
    u = gc.placeholder(gc.float32)
    b = gc.constant([1.0, 2.0])
    y = gc.nn.bias_add(u, b, data_format="NCHW")
    gu, gb = gc.gradients(gc.reduce_sum(y * 2), [u, b])
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(y, {u: np.zeros([1, 2, 2])})[0, :, 0], [1, 2])
        for shape in ([1, 2, 2, 2], [3, 2], [1, 2, 3, 1, 2]):
            du, db = s.run([gu, gb], {u: np.ones(shape)})
            assert du.shape == tuple(shape)
            np.testing.assert_array_equal(db, [2.0 * np.prod(shape) / 2] * 2)


def test_space_to_batch_nd_with_a_block_shape_fed_at_run_time():
    """TF 2.21: block_shape may be a fed int tensor (of known length); the static dims
    it decides are unknown then; batch_to_space_nd undoes it; gradients flow."""
    x = gc.placeholder(gc.float32, [None, None, None, 2])
    static = gc.placeholder(gc.float32, [1, 4, 4, 2])
    bs = gc.placeholder(gc.int32, [2])
    y = gc.space_to_batch_nd(x, bs, [[0, 0], [0, 0]])
    assert y.shape.as_list() == [None, None, None, 2]
    back = gc.batch_to_space_nd(gc.space_to_batch_nd(static, bs, [[0, 0], [0, 0]]), bs,
                                [[0, 0], [0, 0]])
    (g,) = gc.gradients(gc.reduce_sum(y ** 2), x)
    v = np.arange(32.0).reshape(1, 4, 4, 2)
    with gc.Session() as s:
        out, grad = s.run([y, g], {x: v, bs: [2, 2]})
        assert out.shape == (4, 2, 2, 2)
        np.testing.assert_array_equal(out.ravel()[:8], [0, 1, 4, 5, 16, 17, 20, 21])
        np.testing.assert_array_equal(grad, 2 * v)
        np.testing.assert_array_equal(s.run(back, {static: v, bs: [1, 2]}), v)
    with pytest.raises(ValueError, match="known length"):
        gc.space_to_batch_nd(x, gc.placeholder(gc.int32, [None]), [[0, 0], [0, 0]])
