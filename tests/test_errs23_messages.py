"""Build-time error messages: errors.called_at (the one "in <api> called at <line>"
suffix), and the size errors of extract_glimpse, crop_and_resize and scale_and_translate
(TF 2.21: size is a 1-D int32 tensor of 2 elements; TypeError for another dtype,
ValueError for another shape)."""
import sys

import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.ops.image_scale import scale_and_translate


# ---- errors.called_at ---------------------------------------------------------------------
def test_called_at_formats_the_given_site_or_the_users_line():
    assert errors.called_at("conv2d", ("model.py", 12)) == "\n  in conv2d called at model.py:12"
    line = sys._getframe().f_lineno + 1
    got = errors.called_at("matmul")
    assert got == f"\n  in matmul called at {errors.format_site((__file__, line))}"


@pytest.mark.parametrize("api, build", [
    ("einsum", lambda: gc.einsum("ij,jk->ik", gc.zeros((2, 3)), gc.zeros((4, 5)))),
    ("assert_scalar", lambda: gc.debugging.assert_scalar(gc.zeros((2,)))),
    ("ragged.cross", lambda: gc.ragged.cross([gc.constant([1])])),
    ("from_tensor_slices", lambda: gc.data.Dataset.from_tensor_slices(1.0)),
    ("constant", lambda: gc.constant(300, dtype=gc.int8)),
])
def test_converted_messages_end_with_called_at(api, build):
    with gc.Graph().as_default():
        with pytest.raises((ValueError, TypeError)) as e:
            build()
    site = (build.__code__.co_filename, build.__code__.co_firstlineno)
    assert str(e.value).endswith(errors.called_at(api, site))


# ---- image size errors --------------------------------------------------------------------
@pytest.fixture
def images():
    with gc.Graph().as_default():
        yield gc.placeholder(gc.float32, (2, 8, 8, 3), name="images")


def _glimpse(x, size):
    return gc.image.extract_glimpse(x, size, gc.zeros((2, 2)))


def _crop(x, size):
    return gc.image.crop_and_resize(x, [[0., 0., .5, .5]], [0], size)


def _scale(x, size):
    return scale_and_translate(x, size, [2.0, 2.0], [0.0, 0.0])


def called_in(fn, api):
    """The suffix of an error raised by fn's one-line body (the user's line)."""
    return errors.called_at(api, (fn.__code__.co_filename, fn.__code__.co_firstlineno + 1))


CASES = [("image.extract_glimpse", "size", _glimpse),
         ("image.crop_and_resize", "crop_size", _crop),
         ("raw_ops.ScaleAndTranslate", "size", _scale)]


@pytest.mark.parametrize("api, what, fn", CASES)
def test_a_float_size_list_names_the_api_and_the_line(images, api, what, fn):
    with pytest.raises(TypeError) as e:
        fn(images, [2.5, 3])
    msg = str(e.value)
    assert msg.startswith(f"{api}: {what} must be ints") and msg.endswith(called_in(fn, api))


@pytest.mark.parametrize("api, what, fn", CASES)
@pytest.mark.parametrize("size, cls", [([[1, 2]], ValueError), ([1, 2, 3], ValueError),
                                       (4, ValueError), ("int64", TypeError),
                                       ("float32", TypeError)])
def test_a_size_tensor_of_another_shape_or_dtype_fails_at_build_naming_it(
        images, api, what, fn, size, cls):
    size = gc.constant([1, 2], getattr(gc, size), name="sz") if isinstance(size, str) else \
        gc.constant(size, name="sz")
    with pytest.raises(cls) as e:
        fn(images, size)
    msg = str(e.value)
    assert msg.startswith(f"{api}: {what} sz ") and "  sz: constant 'sz'" in msg
    assert msg.endswith(called_in(fn, api))
    if cls is ValueError:       # a shape error, not a dtype error (TF's ValueError)
        assert not isinstance(e.value, TypeError) and "1-D tensor of 2 elements" in msg


def test_known_sizes_below_the_least_fail_at_build(images):
    with pytest.raises(ValueError, match="crop_size .* must be positive, got \\[0, 2\\]"):
        _crop(images, [0, 2])
    with pytest.raises(ValueError, match="size .* must be non-negative, got \\[-1, 2\\]"):
        _glimpse(images, [-1, 2])
    g = _glimpse(images, [0, 2])                # TF: an empty glimpse
    assert g.shape.as_list() == [2, 0, 2, 3]
    with gc.Session() as sess:
        assert sess.run(g, {images: np.ones((2, 8, 8, 3), np.float32)}).shape == (2, 0, 2, 3)


def test_crop_and_resize_argument_errors_name_the_line(images):
    with pytest.raises(ValueError) as e:
        gc.image.crop_and_resize(images, [[0., 0., 1., 1.]], [0])
    line = sys._getframe().f_lineno - 1
    assert str(e.value) == ("crop_and_resize: box_ind and crop_size are required"
                            + errors.called_at("image.crop_and_resize", (__file__, line)))
