"""Parity of gc.contrib.image with TF 1.15's tf.contrib.image. TF 2 has no tf.contrib, so
the reference composes TF 2.21's ops the way TF 1.15's contrib/image does: the
transforms from cos/sin/concat, the kernel tf.raw_ops.ImageProjectiveTransformV2
(fill_mode CONSTANT: TF 1.15's zeros outside) and its registered gradient (the same op
with the inverted transform, as TF 1.15's). Values, dtypes, shapes and gradients."""
import numpy as np
import pytest

from tf_parity import check as _check
from tf_parity import tf, v1

import graphc as gc

ci = gc.contrib.image
DTYPES = (np.uint8, np.int32, np.int64, np.float16, np.float32, np.float64)


def check(fn, *arrays, rtol=2e-5, atol=2e-5, **kw):
    """tf_parity.check; the gradients invert the transforms, and graphc's float32
    inverse differs from TF's in the last bits (bilinear weights move by ~1e-6)."""
    _check(fn, *arrays, rtol=rtol, atol=atol, **kw)


# ---- the reference: TF 1.15's contrib composition on TF 2.21 ops --------------------------
def _batch(x):
    rank = x.shape.ndims
    return {2: x[None, :, :, None], 3: x[None], 4: x}[rank], rank


def _unbatch(out, rank):
    return out[0, :, :, 0] if rank == 2 else out[0] if rank == 3 else out


def ref_transform(images, transforms, interpolation="NEAREST", output_shape=None):
    images, rank = _batch(tf.convert_to_tensor(images))
    t = tf.convert_to_tensor(transforms, tf.float32)
    t = t[None] if t.shape.ndims == 1 else t
    if output_shape is None:
        output_shape = tf.shape(images)[1:3]
    out = tf.raw_ops.ImageProjectiveTransformV2(
        images=images, transforms=t, output_shape=tf.convert_to_tensor(output_shape,
                                                                       tf.int32),
        interpolation=interpolation, fill_mode="CONSTANT")
    return _unbatch(out, rank)


def ref_angles(angles, height, width):
    a = tf.convert_to_tensor(angles, tf.float32)
    a = a[None] if a.shape.ndims == 0 else a
    c, s = tf.cos(a), tf.sin(a)
    x_off = ((width - 1) - (c * (width - 1) - s * (height - 1))) / 2.0
    y_off = ((height - 1) - (s * (width - 1) + c * (height - 1))) / 2.0
    n = tf.shape(a)[0]
    return tf.concat([c[:, None], -s[:, None], x_off[:, None], s[:, None], c[:, None],
                      y_off[:, None], tf.zeros((n, 2), tf.float32)], axis=1)


def ref_translations(t):
    t = tf.convert_to_tensor(t, tf.float32)
    t = t[None] if t.shape.ndims == 1 else t
    n = tf.shape(t)[0]
    one, zero = tf.ones((n, 1), tf.float32), tf.zeros((n, 1), tf.float32)
    return tf.concat([one, zero, -t[:, 0, None], zero, one, -t[:, 1, None],
                      tf.zeros((n, 2), tf.float32)], axis=1)


def ref_rotate(images, angles, interpolation="NEAREST"):
    x, rank = _batch(tf.convert_to_tensor(images))
    h = tf.cast(tf.shape(x)[1], tf.float32)[None]
    w = tf.cast(tf.shape(x)[2], tf.float32)[None]
    return _unbatch(ref_transform(x, ref_angles(angles, h, w), interpolation), rank)


def ref_translate(images, translations, interpolation="NEAREST"):
    return ref_transform(images, ref_translations(translations), interpolation)


def ref_to_matrices(t):
    t = tf.reshape(tf.convert_to_tensor(t), [-1, 8])
    return tf.reshape(tf.concat([t, tf.ones([tf.shape(t)[0], 1])], 1), [-1, 3, 3])


def ref_to_flat(m):
    flat = tf.reshape(tf.convert_to_tensor(m), [-1, 9])
    return (flat / flat[:, 8:9])[:, :8]


def ref_compose(*ts):
    m = ref_to_matrices(ts[0])
    for t in ts[1:]:
        m = tf.matmul(m, ref_to_matrices(t))
    return ref_to_flat(m)


def both(mine, ref):
    return lambda m, *xs: mine(*xs) if m is gc else ref(*xs)


def image(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 200 if np.dtype(dtype).kind in "ui" else 2, shape).astype(dtype)


def transforms(n, seed=1, projective=True):
    rng = np.random.default_rng(seed)
    t = np.concatenate([np.eye(3).reshape(-1)[:8][None] + rng.normal(0, 0.3, (n, 8))], 0)
    t[:, 2] += rng.uniform(-2, 2, n)
    t[:, 5] += rng.uniform(-2, 2, n)
    t[:, 6:] = rng.normal(0, 0.04, (n, 2)) if projective else 0
    return t.astype(np.float32)


# ---- transform ----------------------------------------------------------------------------
@pytest.mark.parametrize("interpolation", ["NEAREST", "BILINEAR"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_transform_batch_of_different_transforms(interpolation, dtype):
    t = transforms(3)
    tol = 1e-2 if dtype == np.float16 else 2e-5
    check(both(lambda x: ci.transform(x, t, interpolation),
               lambda x: ref_transform(x, t, interpolation)),
          image((3, 5, 7, 2), dtype), rtol=tol, atol=tol)


@pytest.mark.parametrize("interpolation", ["NEAREST", "bilinear"])
@pytest.mark.parametrize("out", [[4, 9], [7, 3], [1, 1]])
def test_transform_output_shape_and_one_transform_for_all(interpolation, out):
    t = transforms(1, seed=4)[0]
    check(both(lambda x: ci.transform(x, t, interpolation, output_shape=out),
               lambda x: ref_transform(x, t, interpolation.upper(), out)),
          image((2, 5, 7, 3), np.float32, 3))


@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 3), (2, 5, 7, 3)])
def test_transform_ranks(shape):
    t = transforms(1, seed=5)
    check(both(lambda x: ci.transform(x, t, "BILINEAR"),
               lambda x: ref_transform(x, t, "BILINEAR")),
          image(shape, np.float64, 2))


def test_transform_unknown_sizes_in_placeholders():
    t = transforms(2, seed=6)
    arr = image((2, 6, 5, 1), np.float32, 7)
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float32, (None, None, None, 1))
        y = ci.transform(x, t, "BILINEAR")
        assert y.shape.as_list() == [None, None, None, 1]
        with gc.Session() as s:
            got = s.run(y, {x: arr})
    want = ref_transform(arr, t, "BILINEAR").numpy() if tf.executing_eagerly() else None
    if want is None:
        with tf.Graph().as_default(), v1.Session() as s:
            want = s.run(ref_transform(arr, t, "BILINEAR"))
    np.testing.assert_array_equal(got, want)


# ---- rotate and translate -----------------------------------------------------------------
@pytest.mark.parametrize("interpolation", ["NEAREST", "BILINEAR"])
@pytest.mark.parametrize("shape, angles", [((5, 7), 0.7), ((6, 9, 2), -2.0),
                                           ((3, 5, 7, 1), [0.3, np.pi / 2, 4.0]),
                                           ((2, 4, 4, 2), np.pi)])
def test_rotate(interpolation, shape, angles):
    check(both(lambda x: ci.rotate(x, angles, interpolation),
               lambda x: ref_rotate(x, angles, interpolation)),
          image(shape, np.float32, 8))


@pytest.mark.parametrize("dtype", [np.uint8, np.int64, np.float16])
def test_rotate_other_dtypes(dtype):
    check(both(lambda x: ci.rotate(x, [0.4, -1.1], "BILINEAR"),
               lambda x: ref_rotate(x, [0.4, -1.1], "BILINEAR")),
          image((2, 5, 6, 3), dtype, 9), rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("interpolation", ["NEAREST", "BILINEAR"])
@pytest.mark.parametrize("shape, dxy", [((5, 7), [2, -1]), ((5, 7, 2), [0.5, 1.25]),
                                        ((3, 5, 7, 1), [[1, 0], [-2.5, 3], [0, -0.5]])])
def test_translate(interpolation, shape, dxy):
    check(both(lambda x: ci.translate(x, dxy, interpolation),
               lambda x: ref_translate(x, dxy, interpolation)),
          image(shape, np.float32, 10))


# ---- the transform helpers ----------------------------------------------------------------
def test_angles_and_translations_to_transforms():
    check(both(lambda a, h, w: ci.angles_to_projective_transforms(a, h, w),
               lambda a, h, w: ref_angles(a, h, w)),
          np.array([0.1, -1.3, 3.0], np.float32), np.float32(5), np.float32(8), grad=False)
    check(both(lambda a: ci.angles_to_projective_transforms(a, 5.0, 8.0),
               lambda a: ref_angles(a, 5.0, 8.0)), np.float32(0.25), grad=False)
    check(both(ci.translations_to_projective_transforms, ref_translations),
          np.array([[1, 2], [-3, 0.5]], np.float32), grad=False)
    check(both(ci.translations_to_projective_transforms, ref_translations),
          np.array([1, 2], np.float32), grad=False)


def test_compose_and_convert_transforms():
    a, b, c = transforms(2, 11), transforms(2, 12), transforms(2, 13)
    check(both(ci.compose_transforms, ref_compose), a, b, c, grad=False)
    check(both(ci.compose_transforms, ref_compose), a[0], grad=False)
    check(both(ci.flat_transforms_to_matrices, ref_to_matrices), a, grad=False)
    check(both(ci.flat_transforms_to_matrices, ref_to_matrices), a[1], grad=False)
    m = np.random.default_rng(3).normal(size=(4, 3, 3)).astype(np.float32)
    check(both(ci.matrices_to_flat_transforms, ref_to_flat), m, grad=False)
    check(both(ci.matrices_to_flat_transforms, ref_to_flat), m[0], grad=False)


# ---- errors as TF's -----------------------------------------------------------------------
def _tf_raises(fn):
    with tf.Graph().as_default():
        try:
            fn()
        except Exception as e:      # noqa: BLE001
            return type(e)
    return None


def test_errors_have_tf_classes():
    cases = [
        (lambda: ci.transform(np.zeros((1, 2, 3, 4, 5), np.float32), np.eye(3).ravel()[:8]),
         lambda: ref_transform_checked(np.zeros((1, 2, 3, 4, 5), np.float32))),
        (lambda: ci.rotate(np.zeros((3, 3), np.int16), 0.5),
         lambda: ref_transform_checked(np.zeros((3, 3), np.int16))),
    ]
    for mine, theirs in cases:
        assert _tf_raises(theirs) is TypeError
        with gc.Graph().as_default(), pytest.raises(TypeError):
            mine()
    with gc.Graph().as_default(), pytest.raises(ValueError, match="output_shape"):
        ci.transform(np.zeros((1, 2, 3, 1), np.float32), np.eye(3).ravel()[:8],
                     output_shape=[1, 2, 3])
    with gc.Graph().as_default(), pytest.raises(TypeError, match="rank 1 or 2"):
        ci.translations_to_projective_transforms(np.zeros((1, 2, 2)))
    with gc.Graph().as_default(), pytest.raises(TypeError, match="rank 0 or 1"):
        ci.angles_to_projective_transforms(np.zeros((1, 2)), 3.0, 3.0)


def ref_transform_checked(images):
    """TF 1.15's checks before the op: dtype in the set, rank 2 to 4 (TypeError)."""
    x = tf.convert_to_tensor(images)
    if x.dtype not in (tf.uint8, tf.int32, tf.int64, tf.float16, tf.float32, tf.float64):
        raise TypeError("Invalid dtype %s." % x.dtype)
    if x.shape.ndims not in (2, 3, 4):
        raise TypeError("Images should have rank between 2 and 4.")


# ---- dense_image_warp, interpolate_spline, sparse_image_warp (TF 1.15's composition) -------
def ref_interpolate_bilinear(grid, query):
    b, h, w, c = tf.unstack(tf.shape(grid))
    floors, ceils, alphas = [], [], []
    qs = tf.unstack(query, axis=2)
    for dim in (0, 1):
        size = [b, h, w, c][dim + 1]
        low = tf.minimum(tf.maximum(tf.constant(0.0, query.dtype), tf.floor(qs[dim])),
                         tf.cast(size - 2, query.dtype))
        f = tf.cast(low, tf.int32)
        floors.append(f)
        ceils.append(f + 1)
        a = tf.cast(qs[dim] - low, grid.dtype)
        alphas.append(tf.expand_dims(tf.minimum(tf.maximum(
            tf.constant(0.0, grid.dtype), a), tf.constant(1.0, grid.dtype)), 2))
    flat = tf.reshape(grid, [b * h * w, c])
    offsets = tf.reshape(tf.range(b) * h * w, [b, 1])

    def corner(y, x):
        return tf.reshape(tf.gather(flat, offsets + y * w + x), [b, tf.shape(query)[1], c])
    tl, tr = corner(floors[0], floors[1]), corner(floors[0], ceils[1])
    bl, br = corner(ceils[0], floors[1]), corner(ceils[0], ceils[1])
    top = alphas[1] * (tr - tl) + tl
    bottom = alphas[1] * (br - bl) + bl
    return alphas[0] * (bottom - top) + top


def ref_dense_warp(image, flow):
    b, h, w, c = tf.unstack(tf.shape(image))
    gx, gy = tf.meshgrid(tf.range(w), tf.range(h))
    grid = tf.cast(tf.stack([gy, gx], axis=2), flow.dtype)
    q = tf.reshape(grid[None] - flow, [b, h * w, 2])
    return tf.reshape(ref_interpolate_bilinear(image, q), [b, h, w, c])


def _ref_phi(r, order):
    eps = 1e-10
    if order == 1:
        return tf.sqrt(tf.maximum(r, eps))
    if order == 2:
        return 0.5 * r * tf.math.log(tf.maximum(r, eps))
    if order == 4:
        return 0.5 * tf.square(r) * tf.math.log(tf.maximum(r, eps))
    r = tf.maximum(r, eps)
    return 0.5 * tf.pow(r, 0.5 * order) * tf.math.log(r) if order % 2 == 0 else \
        tf.pow(r, 0.5 * order)


def ref_spline(c, f, q, order, reg=0.0):
    b, n, _ = tf.unstack(tf.shape(c), num=3)
    d, k = c.shape[-1], f.shape[-1]
    gram = tf.matmul(c, c, adjoint_b=True)
    norm = tf.expand_dims(tf.linalg.diag_part(gram), 2)
    a = _ref_phi(norm - 2 * gram + tf.transpose(norm, [0, 2, 1]), order)
    if reg > 0:
        a += reg * tf.expand_dims(tf.eye(n, dtype=c.dtype), 0)
    mb = tf.concat([c, tf.ones_like(c[..., :1], dtype=c.dtype)], 2)
    lhs = tf.concat([tf.concat([a, tf.transpose(mb, [0, 2, 1])], 1),
                     tf.concat([mb, tf.zeros([b, d + 1, d + 1], c.dtype)], 1)], 2)
    rhs = tf.concat([f, tf.zeros([b, d + 1, k], c.dtype)], 1)
    wv = tf.linalg.solve(lhs, rhs)
    w, v = wv[:, :n, :], wv[:, n:, :]
    qn = tf.expand_dims(tf.reduce_sum(tf.square(q), 2), 2)
    cn = tf.expand_dims(tf.reduce_sum(tf.square(c), 2), 1)
    dist = qn - 2 * tf.matmul(q, c, adjoint_b=True) + cn
    pad = tf.concat([q, tf.ones_like(q[..., :1], c.dtype)], 2)
    return tf.matmul(_ref_phi(dist, order), w) + tf.matmul(pad, v)


def ref_sparse_warp(image, src, dst, order=2, reg=0.0, boundary=0):
    from graphc.contrib.image_warp import _boundary_locations, _grid_locations, _minibatch
    flows = dst - src
    bsz, h, w, _ = image.shape.as_list()
    grid = tf.constant(_minibatch(np.reshape(_grid_locations(h, w), [h * w, 2]), bsz),
                       image.dtype)
    if boundary > 0:
        where = _boundary_locations(h, w, boundary - 1)
        dst = tf.concat([dst, tf.constant(_minibatch(where, bsz), dst.dtype)], 1)
        flows = tf.concat([flows, tf.constant(_minibatch(np.zeros([len(where), 2]), bsz),
                                              dst.dtype)], 1)
    dense = tf.reshape(ref_spline(dst, flows, grid, order, reg), [bsz, h, w, 2])
    return ref_dense_warp(image, dense), dense


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_image_warp(dtype):
    rng = np.random.default_rng(20)
    img = rng.normal(size=(2, 5, 7, 3)).astype(dtype)
    flow = (rng.normal(size=(2, 5, 7, 2)) * 2.5).astype(dtype)     # some points outside
    check(both(ci.dense_image_warp, ref_dense_warp), img, flow)


def test_dense_image_warp_mixed_dtypes_and_constant_inputs():
    rng = np.random.default_rng(21)
    img = rng.normal(size=(1, 4, 3, 2)).astype(np.float32)
    flow = (rng.normal(size=(1, 4, 3, 2))).astype(np.float64)
    check(both(ci.dense_image_warp, ref_dense_warp), img, flow, placeholders=False)


@pytest.mark.parametrize("order, reg", [(1, 0.0), (2, 0.0), (3, 0.0), (4, 0.01), (5, 0.0),
                                        (6, 0.0)])
def test_interpolate_spline(order, reg):
    rng = np.random.default_rng(order)
    c = rng.uniform(0, 3, (2, 7, 2))
    f = rng.normal(size=(2, 7, 3))
    q = rng.uniform(0, 3, (2, 5, 2))
    check(both(lambda c, f, q: ci.interpolate_spline(c, f, q, order, reg),
               lambda c, f, q: ref_spline(c, f, q, order, reg)), c, f, q,
          rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("boundary, order, reg", [(0, 2, 0.0), (1, 2, 0.0), (3, 1, 0.01)])
def test_sparse_image_warp(boundary, order, reg):
    rng = np.random.default_rng(30 + boundary)
    img = rng.normal(size=(2, 6, 7, 2)).astype(np.float32)
    src = rng.uniform(1, 5, (2, 3, 2)).astype(np.float32)
    dst = (src + rng.normal(0, 0.7, (2, 3, 2))).astype(np.float32)
    check(both(lambda i, s, d: ci.sparse_image_warp(i, s, d, order, reg, boundary),
               lambda i, s, d: ref_sparse_warp(i, s, d, order, reg, boundary)),
          img, src, dst, rtol=2e-4, atol=2e-4)
