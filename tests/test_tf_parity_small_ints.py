"""TF1 parity for the small int dtypes uint8, int8, int16, uint16: placeholders and feeds,
cast, wrapping arithmetic, comparisons, reductions, the dtype-generic array ops and the
image functions (convert_image_dtype's scaling, resizes, grayscale)."""
import numpy as np
import pytest
from tf_parity import check, rand

SMALL = ("uint8", "int8", "int16", "uint16")
RANGE = {"uint8": (0, 256), "int8": (-128, 128), "int16": (-32768, 32768),
         "uint16": (0, 65536)}
OTHER = ("float16", "float32", "float64", "int32", "int64", "uint8", "int8", "int16",
         "uint16", "bool")


def full(dt, *shape, seed=0):
    """Values over dt's whole range (so arithmetic wraps)."""
    lo, hi = RANGE[dt]
    return rand(*shape, dtype=np.dtype(dt), low=lo, high=hi, seed=seed)


def small(dt, *shape, seed=0, nonzero=False):
    """Values in [-9, 9] (or [0, 19) for unsigned), away from overflow; nonzero for divisors."""
    lo = 0 if dt.startswith("u") else -9
    a = rand(*shape, dtype=np.dtype(dt), low=lo, high=lo + 19, seed=seed)
    if nonzero:
        a[a == 0] = 3
    return a


CASES = {}
for dt in SMALL:
    x, y = full(dt, 3, 4, seed=1), full(dt, 3, 4, seed=2)
    s, t = small(dt, 3, 4, seed=3), small(dt, 4, seed=4, nonzero=True)
    CASES.update({
        f"{dt}-identity": (lambda m, x: m.identity(x), x),
        f"{dt}-add_wraps": (lambda m, x, y: x + y, x, y),
        f"{dt}-sub_wraps": (lambda m, x, y: x - y, x, y),
        f"{dt}-mul_wraps": (lambda m, x, y: x * y, x, y),
        f"{dt}-add_pyint": (lambda m, x: x + 7, x),
        f"{dt}-rsub_pyint": (lambda m, x: 9 - x, s),
        f"{dt}-mul_bcast": (lambda m, s, t: s * t, s, t),
        f"{dt}-floordiv": (lambda m, s, t: s // t, s, t),
        f"{dt}-mod": (lambda m, s, t: m.mod(s, t), s, t),
        f"{dt}-floordiv_full": (lambda m, x, t: m.floordiv(x, t), x, t),
        f"{dt}-truediv": (lambda m, s, t: s / t, s, t),
        f"{dt}-truediv_pyint": (lambda m, x: x / 3, x),
        f"{dt}-maximum": (lambda m, x, y: m.maximum(x, y), x, y),
        f"{dt}-minimum": (lambda m, x, y: m.minimum(x, y), x, y),
        f"{dt}-compare": (lambda m, x, y: [m.equal(x, y), m.not_equal(x, y), x < y,
                                          x <= y, x > 3, m.greater_equal(x, y)], x, y),
        f"{dt}-square": (lambda m, s: m.square(s), s),
        f"{dt}-clip": (lambda m, x: m.clip_by_value(x, 3, 100), x),
        f"{dt}-reduce_sum_wraps": (lambda m, x: [m.reduce_sum(x), m.reduce_sum(x, 1),
                                                 m.reduce_sum(x, -2, keepdims=True)], x),
        f"{dt}-reduce_max_min": (lambda m, x: [m.reduce_max(x, 0), m.reduce_min(x, -1)], x),
        f"{dt}-reduce_prod": (lambda m, s: m.reduce_prod(s, 1), s),
        f"{dt}-reduce_mean": (lambda m, s: m.reduce_mean(s, 0), s),
        f"{dt}-argmax": (lambda m, x: [m.argmax(x, 1), m.argmin(x, 0),
                                      m.argmax(x, -1, output_type="int32")], x),
        f"{dt}-reshape_transpose": (lambda m, x: m.transpose(m.reshape(x, [2, 6]) + 0), x),
        f"{dt}-concat_stack": (lambda m, x, y: [m.concat([x, y], -1), m.stack([x, y], 1)],
                               x, y),
        f"{dt}-gather": (lambda m, x, i: [m.gather(x, i), m.gather(x, i, axis=1)], x,
                         np.array([2, 0, 2], np.int32)),
        f"{dt}-slice": (lambda m, x: [x[1:, ::-2], x[..., 1], m.slice(x, [0, 1], [2, -1])],
                        x),
        f"{dt}-tile_pad": (lambda m, x: [m.tile(x, [2, 1]), m.pad(x, [[1, 0], [0, 2]]),
                                         m.pad(x, [[1, 1], [2, 0]], constant_values=5)], x),
        f"{dt}-reverse_split": (lambda m, x: [m.reverse(x, [1])] + m.split(x, 2, axis=1), x),
        f"{dt}-expand_squeeze": (lambda m, x: m.squeeze(m.expand_dims(x, 0)), x),
        f"{dt}-where": (lambda m, x, y: m.where(x > y, x, y), x, y),
        f"{dt}-like": (lambda m, x: [m.zeros_like(x), m.ones_like(x)], x),
        f"{dt}-zeros_ones_fill": (lambda m: [m.zeros([2, 3], dt), m.ones([3], dt),
                                             m.fill([2], m.constant(5, dt))],),
        f"{dt}-constant": (lambda m: [m.constant([1, 2, 3], dt), m.constant(4, dt, [2, 3]),
                                      m.constant(np.array([[7]], dt))],),
        f"{dt}-one_hot_idx": (lambda m, i: m.one_hot(i, 5), np.array([0, 4, 2], dt)),
        f"{dt}-shape_size": (lambda m, x: [m.shape(x), m.size(x), m.rank(x)], x),
        f"{dt}-boolean_mask": (lambda m, x, y: m.boolean_mask(x, x > y), x, y),
        f"{dt}-variable": (lambda m, x, v=x: m.Variable(v) + x, x),
    })
    for to in OTHER:
        if to != dt:
            CASES[f"{dt}-cast_to_{to}"] = (lambda m, s, to=to: m.cast(s, to), s)
            # from `to`: values in range (TF's float -> int out of range is platform UB)
            lo = 0 if to == "bool" or dt.startswith("u") else -9
            src = rand(3, 4, dtype=np.dtype(to), low=lo, high=lo + 19, seed=5)
            if np.dtype(to).kind == "f":
                src = (src + np.asarray(0.75, to)).astype(to)     # truncation toward 0
            CASES[f"{dt}-cast_from_{to}"] = (lambda m, a, dt=dt: m.cast(a, dt), src)
    # images: HWC and NHWC of distinct sizes
    img, batch = full(dt, 5, 7, 3, seed=6), full(dt, 2, 5, 7, 3, seed=7)
    CASES.update({
        f"{dt}-img_flips": (lambda m, a: [m.image.flip_left_right(a), m.image.flip_up_down(a),
                                          m.image.transpose_image(a), m.image.rot90(a, 3)],
                            img),
        f"{dt}-img_crop_pad": (lambda m, a: [m.image.crop_to_bounding_box(a, 1, 2, 3, 4),
                                             m.image.pad_to_bounding_box(a, 1, 0, 7, 9),
                                             m.image.central_crop(a, 0.5),
                                             m.image.resize_image_with_crop_or_pad(a, 4, 9)],
                               batch),
        f"{dt}-img_nearest": (lambda m, a: [
            m.image.resize_nearest_neighbor(a, [7, 4]),
            m.image.resize_images(a, [3, 9], m.image.ResizeMethod.NEAREST_NEIGHBOR)], batch),
        f"{dt}-img_bilinear": (lambda m, a: [m.image.resize_bilinear(a, [7, 4]),
                                             m.image.resize_images(a, [3, 9])], batch),
        f"{dt}-img_bicubic": (lambda m, a: m.image.resize_bicubic(a, [7, 4]), batch),
        f"{dt}-img_gray": (lambda m, a: m.image.grayscale_to_rgb(
            m.image.rgb_to_grayscale(a)), img),
        f"{dt}-img_std": (lambda m, a: m.image.per_image_standardization(a), img),
    })
    for to in ("float16", "float32", "float64") + SMALL + ("int32",):
        if to == dt:
            continue
        CASES[f"{dt}-convert_to_{to}"] = (
            lambda m, a, to=to: [m.image.convert_image_dtype(a, to),
                                 m.image.convert_image_dtype(a, to, saturate=True)], img)
        if to.startswith("float"):
            # floats in [0, 1] and out of it (saturate), exact in float16
            f = (np.arange(-4, 32) / 24).astype(to).reshape(4, 3, 3)
            if (dt, to) == ("uint16", "float16"):   # scale inf: 0 * inf is NaN, no 0 here
                f[f == 0] = 0.5
            CASES[f"{dt}-convert_from_{to}_sat"] = (
                lambda m, a, dt=dt: m.image.convert_image_dtype(a, dt, saturate=True), f)
            CASES[f"{dt}-convert_from_{to}"] = (
                lambda m, a, dt=dt: m.image.convert_image_dtype(a, dt),
                (np.arange(0, 36) / 35).astype(to).reshape(4, 3, 3))

# TF has no kernel (graphc runs these): Tile on uint16 (grayscale_to_rgb uses it), OneHot
# with int16/uint16 indices
SKIP = {"uint16-tile_pad": "TF: TileOp does not support uint16",
        "uint16-img_gray": "TF: TileOp does not support uint16",
        "int16-one_hot_idx": "TF: one_hot indices are uint8, int8, int32 or int64",
        "uint16-one_hot_idx": "TF: one_hot indices are uint8, int8, int32 or int64",
        # float16 cannot hold uint16's scale 65535.5: both multiply by inf, and casting
        # inf to an int is undefined in TF (the saturating form, without 0s, is compared)
        "uint16-convert_from_float16": "TF: float16 -> uint16 casts inf (undefined)"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    if name in SKIP:
        pytest.skip(SKIP[name])
    fn, *args = CASES[name]
    check(fn, *args, rtol=1e-5, atol=1e-6)


def test_uint16_pad_and_gray():
    check(lambda m, x: [m.pad(x, [[1, 0], [0, 2], [0, 0]]), m.image.rgb_to_grayscale(x)],
          full("uint16", 5, 7, 3, seed=6))


def test_uint8_wraps_like_tf():
    """The brief's example: uint8 200 + 100 is 44 in both."""
    check(lambda m, x: x + 100, np.array([200, 155, 156], np.uint8))


def test_mnist_style_pipeline():
    """x = placeholder(uint8, [None, 28, 28]); cast(x, float32) / 255."""
    def fn(m, x):
        f = m.cast(x, "float32") / 255.
        g = m.image.convert_image_dtype(m.expand_dims(x, -1), "float32")
        return [f, g, m.reduce_mean(f, [1, 2])]
    check(fn, full("uint8", 3, 28, 28, seed=9))
