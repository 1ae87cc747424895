"""Bad int arguments, second round (session 22's errors hunt): each op that takes sizes,
offsets or counts names itself and the argument, refuses a float (TF1's TypeError)
instead of truncating it, and points at this file's line. A negative placeholder dim
is a ShapeError (TF1's ValueError). No TF needed.
"""
import numpy as np

import graphc as gc
from graphc.errors import DTypeError, DTypeValueError, ShapeError
from helpers import raises, run


def check_error(cls, build, *fragments):
    """helpers.raises; the message."""
    return str(raises(cls, build, *fragments))


def x23():
    return gc.constant(np.arange(6.0).reshape(2, 3), name="x")


def image():
    return gc.zeros([1, 4, 6, 1])


# ---- the callers of the checked conversion name their op and argument -----------------------
def test_shape_arguments_name_their_op_and_argument():
    x = x23()
    value, f2 = gc.zeros([1, 2, 2, 1]), gc.zeros([2, 2, 1, 1])
    cases = [
        (lambda: gc.tile(x, [1, 1.7]), "tile: multiples", "[1, 1.7]"),
        (lambda: gc.tile(x, [1, 2.0]), "tile: multiples", "[1, 2.0]"),
        (lambda: gc.random_poisson(1.0, [2.5]), "random_poisson: shape", "[2.5]"),
        (lambda: gc.random_gamma([2.5], 1.0), "random_gamma: shape", "[2.5]"),
        (lambda: gc.random.stateless_uniform([2.5], [1, 2]), "stateless_random_uniform: shape",
         "[2.5]"),
        (lambda: gc.random.stateless_uniform([2.5], [1, 2], 0, 5, gc.int32),
         "stateless_random_uniform: shape", "[2.5]"),
        (lambda: gc.random.stateless_normal([2.0], [1, 2]), "stateless_random_normal: shape",
         "[2.0]"),
        (lambda: gc.random.stateless_poisson([2.5], [1, 2], 1.0),
         "stateless_random_poisson: shape", "[2.5]"),
        (lambda: gc.random.stateless_gamma([2.5], [1, 2], 1.0), "stateless_random_gamma: shape",
         "[2.5]"),
        (lambda: gc.nn.conv2d_transpose(value, f2, [1, 4, 4.5, 1], [1, 2, 2, 1]),
         "conv2d_transpose: output_shape", "[1, 4, 4.5, 1]"),
        (lambda: gc.broadcast_dynamic_shape([2.5], [1]), "broadcast_dynamic_shape: shape_x",
         "[2.5]"),
        (lambda: gc.eye(2, batch_shape=[2.5]), "eye: batch_shape", "[2.5]"),
    ]
    for build, head, shown in cases:
        check_error(DTypeError, build, head, shown, "must be ints", "called at")


# ---- strided_slice: begin / end / strides are never truncated ------------------------------
def test_strided_slice_refuses_fractional_indices():
    x = x23()
    t, f = gc.constant(0), gc.constant([0.0])
    cases = [
        (lambda: gc.strided_slice(x, [0.5], [2]), "strided_slice: begin", "0.5"),
        (lambda: gc.strided_slice(x, [0], [1.5]), "strided_slice: end", "1.5"),
        (lambda: gc.strided_slice(x, [0], [2], [1.0]), "strided_slice: strides", "1.0"),
        (lambda: gc.strided_slice(x, np.array([0.5]), [2]), "strided_slice: begin", "0.5"),
        (lambda: gc.strided_slice(x, [t, 0.5], [2, 2]), "strided_slice: begin", "0.5"),
        (lambda: gc.strided_slice(x, f, [2]), "strided_slice: begin", "float32 tensor"),
        (lambda: gc.strided_slice(x, [gc.constant(0.0)], [2]), "strided_slice: begin",
         "float32 tensor"),
    ]
    for build, head, shown in cases:
        check_error(DTypeError, build, head, shown, "must be ints")


def test_strided_slice_int_indices_still_work():
    x = x23()
    np.testing.assert_array_equal(run(gc.strided_slice(x, [1, 0], [2, 3], [1, 2])),
                                  [[3.0, 5.0]])
    np.testing.assert_array_equal(run(gc.strided_slice(x, np.array([1], np.int64), [2])),
                                  [[3.0, 4.0, 5.0]])
    np.testing.assert_array_equal(run(gc.strided_slice(x, [gc.constant(1), 0], [2, 2])),
                                  [[3.0, 4.0]])
    np.testing.assert_array_equal(run(gc.strided_slice(x, np.array([1.0]), [2])),
                                  [[3.0, 4.0, 5.0]])        # numpy floats without fractions


# ---- placeholder: a negative dim (-1 too, as TF1) or a float dim ----------------------------
def test_placeholder_bad_dims_name_the_placeholder_and_the_line():
    msg = check_error(ShapeError, lambda: gc.placeholder(gc.float32, [2, -3], name="x"),
                      "placeholder 'x'", "-3", "[2, -3]", "must be >= 0")
    assert isinstance(ShapeError(msg), ValueError)             # TF1: ValueError
    check_error(ShapeError, lambda: gc.placeholder(gc.float32, [None, -1]),
                "placeholder 'Placeholder'", "-1", "None for an unknown dim")
    check_error(ShapeError, lambda: gc.placeholder(gc.float32, -2), "-2")
    check_error(DTypeError, lambda: gc.placeholder(gc.float32, [2, 2.5], name="y"),
                "placeholder 'y'", "2.5", "must be an int")      # TF1: TypeError
    check_error(DTypeError, lambda: gc.placeholder(gc.float32, [2.0]), "2.0")
    check_error(DTypeError, lambda: gc.placeholder(gc.float32, [True]), "True")


def test_placeholder_good_dims_still_work():
    d = gc.placeholder(gc.float32, [2, 3]).shape[1]
    assert gc.placeholder(gc.float32, [None, 3]).shape.as_list() == [None, 3]
    assert gc.placeholder(gc.float32, np.array([2, 3], np.int64)).shape.as_list() == [2, 3]
    assert gc.placeholder(gc.float32, [d, None]).shape.as_list() == [3, None]
    assert gc.placeholder(gc.float32, gc.TensorShape([4])).shape.as_list() == [4]
    assert gc.placeholder(gc.float32, ["batch", 3]).shape._dims == ("batch", 3)
    assert gc.placeholder(gc.float32).shape.rank is None
    assert gc.placeholder(gc.float32, []).shape.rank == 0


# ---- cumsum / cumprod of an unknown rank: a float axis is a DTypeError ----------------------
def test_scan_of_unknown_rank_with_a_float_axis_is_a_dtype_error():
    p = gc.placeholder(gc.float32)
    check_error(DTypeError, lambda: gc.cumsum(p, 1.0), "cumsum", "axis must be an int", "1.0")
    check_error(DTypeError, lambda: gc.cumprod(p, 0.5), "cumprod", "0.5")
    y = gc.cumsum(p, 1)
    assert y.shape.rank is None
    np.testing.assert_array_equal(run(y, {p: [[1.0, 2.0], [3.0, 4.0]]}), [[1, 3], [3, 7]])


# ---- repeat, invert_permutation ------------------------------------------------------------
def test_repeat_and_invert_permutation_refuse_floats():
    x = x23()
    cases = [
        (lambda: gc.repeat(x, 1.5, axis=0), "repeat: repeats", "1.5"),
        (lambda: gc.repeat(x, 2.0, axis=0), "repeat: repeats", "2.0"),
        (lambda: gc.repeat(x, [1, 2.5], axis=0), "repeat: repeats", "[1, 2.5]"),
        (lambda: gc.repeat(x, np.array([1.0, 2.5]), axis=0), "repeat: repeats", "never"),
        (lambda: gc.invert_permutation([0, 1.5]), "invert_permutation: x", "[0, 1.5]"),
        (lambda: gc.invert_permutation([1.0, 0.0]), "invert_permutation: x", "[1.0, 0.0]"),
    ]
    for build, head, shown in cases:
        check_error(DTypeError, build, head, shown, "must be ints")


def test_repeat_and_invert_permutation_take_ints():
    x = x23()
    assert run(gc.repeat(x, 2, axis=0)).shape == (4, 3)
    assert run(gc.repeat(x, np.array([1, 2], np.int64), axis=0)).shape == (3, 3)
    assert run(gc.repeat(x, np.array([1.0, 2.0]), axis=0)).shape == (3, 3)
    d = gc.placeholder(gc.float32, [None, 2]).shape[1]         # a TF1 Dimension
    assert run(gc.repeat(x, d, axis=1)).shape == (2, 6)
    np.testing.assert_array_equal(run(gc.invert_permutation([2, 0, 1])), [1, 2, 0])
    np.testing.assert_array_equal(run(gc.invert_permutation(np.array([1, 0], np.uint8))),
                                  [1, 0])


# ---- image sizes, offsets and targets -------------------------------------------------------
def test_image_resize_refuses_a_float_size():
    img = image()
    # resize_images / resize: TF1 raises ValueError "'size' must be a 1-D int32 Tensor"
    for build in [lambda: gc.image.resize(img, [2.5, 3]),
                  lambda: gc.image.resize_images(img, [2.0, 3.0]),
                  lambda: gc.image.resize(img, np.array([2.5, 3.0])),
                  lambda: gc.image.resize(img, [2.5, 3], "bilinear", antialias=True),
                  lambda: gc.image.resize_images(img, [gc.constant(2), 2.5])]:
        msg = check_error(DTypeValueError, build, "resize_images: size", "must be ints")
        assert isinstance(DTypeValueError(msg), ValueError)
    check_error(DTypeValueError, lambda: gc.image.resize_images(img, gc.constant([2.0, 3.0])),
                "resize_images: size must be ints, not float32")
    # the ops themselves: TF1's TypeError
    check_error(DTypeError, lambda: gc.image.resize_bilinear(img, [2.5, 3]),
                "image.resize_bilinear: size", "[2.5, 3]")
    check_error(DTypeError, lambda: gc.image.resize_nearest_neighbor(img, [2.5, 3]),
                "image.resize_nearest_neighbor: size", "[2.5, 3]")
    check_error(DTypeError, lambda: gc.image.resize_bicubic(img, [2.5, 3]),
                "image.resize_bicubic: size", "[2.5, 3]")
    check_error(DTypeError, lambda: gc.image.resize_area(img, [2.5, 3]),
                "image.resize_area: size", "[2.5, 3]")


def test_image_resize_int_sizes_still_work():
    img = image()
    assert run(gc.image.resize(img, [2, 3])).shape == (1, 2, 3, 1)
    assert run(gc.image.resize(img, np.array([2.0, 3.0]))).shape == (1, 2, 3, 1)
    assert run(gc.image.resize_images(img, [gc.constant(2), 3])).shape == (1, 2, 3, 1)
    assert run(gc.image.resize_bilinear(img, np.array([2, 3], np.int64))).shape == (1, 2, 3, 1)


def test_crop_and_pad_refuse_float_offsets_and_targets():
    img = image()
    cases = [
        (lambda: gc.image.crop_to_bounding_box(img, 0.5, 0, 2, 2),
         "crop_to_bounding_box: offset_height", "0.5"),
        (lambda: gc.image.crop_to_bounding_box(img, 0, 1.0, 2, 2),
         "crop_to_bounding_box: offset_width", "1.0"),
        (lambda: gc.image.crop_to_bounding_box(img, 0, 0, 1.5, 2),
         "crop_to_bounding_box: target_height", "1.5"),
        (lambda: gc.image.crop_to_bounding_box(img, gc.constant(1.0), 0, 2, 2),
         "crop_to_bounding_box: offset_height", "float32 tensor"),
        (lambda: gc.image.pad_to_bounding_box(img, 0.5, 0, 6, 8),
         "pad_to_bounding_box: offset_height", "0.5"),
        (lambda: gc.image.pad_to_bounding_box(img, 0, 0, 6, 8.0),
         "pad_to_bounding_box: target_width", "8.0"),
        (lambda: gc.image.resize_image_with_crop_or_pad(img, 5.5, 8),
         "resize_image_with_crop_or_pad: target_height", "5.5"),
    ]
    for build, head, shown in cases:
        check_error(DTypeError, build, head, shown, "must be ints")


def test_crop_and_pad_int_offsets_still_work():
    img = gc.constant(np.arange(24.0).reshape(4, 6, 1))
    got = run(gc.image.crop_to_bounding_box(img, gc.constant(1), np.int64(2), 2, 3))
    np.testing.assert_array_equal(got[..., 0], [[8, 9, 10], [14, 15, 16]])
    assert run(gc.image.pad_to_bounding_box(image(), np.int32(1), 0, 6, 8)).shape == (1, 6, 8, 1)
    assert run(gc.image.resize_image_with_crop_or_pad(image(), 5, 8)).shape == (1, 5, 8, 1)


# ---- eye ------------------------------------------------------------------------------------
def test_eye_refuses_float_sizes():
    check_error(DTypeError, lambda: gc.eye(2.5), "eye: num_rows", "2.5", "must be ints")
    check_error(DTypeError, lambda: gc.eye(2.0), "eye: num_rows", "2.0")
    check_error(DTypeError, lambda: gc.eye(2, 2.5), "eye: num_columns", "2.5")


def test_eye_int_sizes_still_work():
    np.testing.assert_array_equal(run(gc.eye(np.int64(2), 3)), [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(run(gc.eye(gc.constant(2))), np.eye(2))
    assert run(gc.eye(2, batch_shape=[3])).shape == (3, 2, 2)
    assert run(gc.eye(True)).shape == (1, 1)                   # bools are ints (TF1)


def test_placeholder_with_default_refuses_negative_dims_at_the_users_line():
    check_error(ShapeError, lambda: gc.placeholder_with_default([[1.0, 2.0]], [1, -1]),
                "placeholder_with_default", "dim -1", "must be >= 0")
