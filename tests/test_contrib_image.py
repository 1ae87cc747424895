"""gc.contrib.image (TF 1.15's tf.contrib.image) against plain numpy written here: per-pixel
loops for the transforms and the warps, a linear solve for the splines, BFS labelling,
a scan for the greedy matching, the YIQ matrices; gradients against finite differences.
TF itself is compared in test_tf_parity_contrib_image.py."""
import numpy as np
import pytest

import graphc as gc
from samples_contrib_image import _shift_ref, components_ref, match_ref

ci = gc.contrib.image


def run(*fetches, feed=None):
    return gc.get_default_session().run(list(fetches), feed)


@pytest.fixture(autouse=True)
def _graph():
    with gc.Graph().as_default(), gc.Session():
        yield


# ---- the numpy references -----------------------------------------------------------------
def transform_ref(img, t, interpolation, out_hw=None):
    """One output pixel at a time: float32 input point, round half away / bilinear with
    zeros outside, the blend in float32 and truncated to the dtype."""
    n, h, w, c = img.shape
    oh, ow = out_hw or (h, w)
    t = np.broadcast_to(np.asarray(t, np.float32).reshape(-1, 8), (n, 8))
    out = np.zeros((n, oh, ow, c), img.dtype)
    f32 = np.float32

    def read(b, y, x, dtype=np.float32):
        return img[b, y, x].astype(dtype) if 0 <= y < h and 0 <= x < w else \
            np.zeros(c, dtype)
    for b in range(n):
        a = t[b]
        for y in range(oh):
            for x in range(ow):
                k = a[6] * f32(x) + a[7] * f32(y) + f32(1)
                if k == 0:
                    continue
                px = (a[0] * f32(x) + a[1] * f32(y) + a[2]) / k
                py = (a[3] * f32(x) + a[4] * f32(y) + a[5]) / k
                if interpolation == "NEAREST":
                    ry = int(np.sign(py) * np.floor(abs(float(py)) + 0.5))
                    rx = int(np.sign(px) * np.floor(abs(float(px)) + 0.5))
                    out[b, y, x] = read(b, ry, rx, img.dtype)
                    continue
                y0, x0 = np.floor(py), np.floor(px)
                top = (x0 + 1 - px) * read(b, int(y0), int(x0)) + \
                    (px - x0) * read(b, int(y0), int(x0) + 1)
                bottom = (x0 + 1 - px) * read(b, int(y0) + 1, int(x0)) + \
                    (px - x0) * read(b, int(y0) + 1, int(x0) + 1)
                out[b, y, x] = ((y0 + 1 - py) * top + (py - y0) * bottom).astype(img.dtype)
    return out


def warp_ref(img, flow):
    """output[b, j, i] = bilinear image at (j - flow[..., 0], i - flow[..., 1]), border
    clamped (floor in [0, size - 2], weight in [0, 1])."""
    n, h, w, c = img.shape
    out = np.zeros_like(img)
    for b in range(n):
        for j in range(h):
            for i in range(w):
                qy, qx = j - flow[b, j, i, 0], i - flow[b, j, i, 1]
                y0 = int(min(max(0, np.floor(qy)), h - 2))
                x0 = int(min(max(0, np.floor(qx)), w - 2))
                ay, ax = min(max(qy - y0, 0), 1), min(max(qx - x0, 0), 1)
                top = (1 - ax) * img[b, y0, x0] + ax * img[b, y0, x0 + 1]
                bottom = (1 - ax) * img[b, y0 + 1, x0] + ax * img[b, y0 + 1, x0 + 1]
                out[b, j, i] = (1 - ay) * top + ay * bottom
    return out


def phi_ref(r, order):
    r = np.maximum(r, 1e-10)
    d = np.sqrt(r)
    return d ** order * np.log(d) if order % 2 == 0 else d ** order


def spline_ref(c, f, q, order, reg=0.0):
    """The polyharmonic system [[A + reg I, B], [B^T, 0]] [w; v] = [f; 0], per batch."""
    out = []
    for cb, fb, qb in zip(c, f, q):
        n, d = cb.shape
        a = phi_ref(((cb[:, None] - cb[None]) ** 2).sum(-1), order) + reg * np.eye(n)
        bm = np.concatenate([cb, np.ones((n, 1))], 1)
        lhs = np.block([[a, bm], [bm.T, np.zeros((d + 1, d + 1))]])
        wv = np.linalg.solve(lhs, np.concatenate([fb, np.zeros((d + 1, fb.shape[1]))]))
        dist = ((qb[:, None] - cb[None]) ** 2).sum(-1)
        out.append(phi_ref(dist, order) @ wv[:n] +
                   np.concatenate([qb, np.ones((len(qb), 1))], 1) @ wv[n:])
    return np.array(out)


# ---- transform, rotate, translate ---------------------------------------------------------
RNG = np.random.default_rng(0)
T3 = (np.eye(3).ravel()[:8] + RNG.normal(0, 0.3, (3, 8))).astype(np.float32)
T3[:, 6:] *= 0.1


@pytest.mark.parametrize("interpolation", ["NEAREST", "BILINEAR"])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.float64])
def test_transform_matches_a_per_pixel_loop(interpolation, dtype):
    img = RNG.uniform(0, 200, (3, 5, 7, 2)).astype(dtype)
    got, = run(ci.transform(img, T3, interpolation))
    np.testing.assert_array_equal(got, transform_ref(img, T3, interpolation))
    got, = run(ci.transform(img, T3[0], interpolation, output_shape=[6, 4]))
    np.testing.assert_array_equal(got, transform_ref(img, T3[0], interpolation, (6, 4)))


def test_ranks_2_3_4_and_static_shapes():
    img = RNG.normal(size=(5, 7)).astype(np.float32)
    for x, shape in ((img, (5, 7)), (img[..., None], (5, 7, 1)), (img[None, ..., None],
                                                                 (1, 5, 7, 1))):
        y = ci.transform(x, T3[0], "BILINEAR")
        assert y.shape.as_list() == list(shape) and y.dtype == gc.float32
        got, = run(y)
        np.testing.assert_array_equal(got.reshape(5, 7),
                                      transform_ref(img[None, ..., None], T3[0],
                                                    "BILINEAR")[0, ..., 0])
    x = gc.placeholder(gc.float64, (None, None, None, 3))
    assert ci.transform(x, T3, output_shape=[4, 2]).shape.as_list() == [None, 4, 2, 3]


def test_rotate_and_translate():
    sq = RNG.normal(size=(2, 5, 5, 1)).astype(np.float32)
    half, turn, zero = run(ci.rotate(sq, np.pi / 2), ci.rotate(sq, [np.pi, 2 * np.pi]),
                           ci.rotate(sq[0, :, :, 0], 0.0, "BILINEAR"))
    np.testing.assert_array_equal(half, np.rot90(sq, 1, axes=(1, 2)))   # counterclockwise
    np.testing.assert_array_equal(turn[0], sq[0, ::-1, ::-1])
    np.testing.assert_array_equal(turn[1], sq[1])
    np.testing.assert_allclose(zero, sq[0, :, :, 0], atol=1e-6)
    img = RNG.normal(size=(2, 4, 6, 3)).astype(np.float32)
    one, each = run(ci.translate(img, [2, -1]), ci.translate(img, [[1, 0], [0, 2]]))
    np.testing.assert_array_equal(one, _shift_ref(img, 2, -1, 4, 6))
    np.testing.assert_array_equal(each[0], _shift_ref(img[:1], 1, 0, 4, 6)[0])
    np.testing.assert_array_equal(each[1], _shift_ref(img[1:], 0, 2, 4, 6)[0])


def test_transform_helpers():
    a, t = run(ci.angles_to_projective_transforms([0.3, -1.0], 5.0, 8.0),
               ci.translations_to_projective_transforms([[1, 2], [3, 4]]))
    c, s = np.cos([0.3, -1.0]), np.sin([0.3, -1.0])
    np.testing.assert_allclose(a, np.stack([c, -s, (7 - (c * 7 - s * 4)) / 2, s, c,
                                            (4 - (s * 7 + c * 4)) / 2, 0 * c, 0 * c], 1),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(t, [[1, 0, -1, 0, 1, -2, 0, 0], [1, 0, -3, 0, 1, -4, 0, 0]])
    m, back, comp = run(ci.flat_transforms_to_matrices(T3),
                        ci.matrices_to_flat_transforms(2 * ci.flat_transforms_to_matrices(T3)),
                        ci.compose_transforms(T3[0], T3[1]))
    np.testing.assert_array_equal(m.reshape(3, 9), np.concatenate([T3, np.ones((3, 1))], 1))
    np.testing.assert_allclose(back, T3, rtol=1e-6)
    full = np.append(T3[:2], np.ones((2, 1)), 1).reshape(2, 3, 3)
    prod = full[0] @ full[1]
    np.testing.assert_allclose(comp[0], (prod / prod[2, 2]).ravel()[:8], rtol=1e-5)


def test_gradients_tf_rule_and_finite_differences():
    """TF 1.15's gradient: the transform with the inverse matrix applied to the
    cotangent. It is the exact adjoint for integer translations (checked against finite
    differences); for a general bilinear transform it is TF's approximation."""
    x = gc.placeholder(gc.float64, (2, 4, 5, 1))
    for interpolation in ("NEAREST", "BILINEAR"):
        y = ci.translate(x, [[1, -2], [-1, 1]], interpolation)
        assert gc.test.compute_gradient_error(x, [2, 4, 5, 1], y, [2, 4, 5, 1]) < 1e-4
    t = T3[:2]
    y = ci.transform(x, t, "BILINEAR")
    g = np.random.default_rng(1).normal(size=(2, 4, 5, 1))
    dx, = run(gc.gradients(y, x, grad_ys=g)[0], feed={x: np.zeros((2, 4, 5, 1))})
    mats = np.append(t, np.ones((2, 1)), 1).reshape(2, 3, 3)
    inv = np.linalg.inv(mats.astype(np.float32)).reshape(2, 9)
    inv = (inv / inv[:, 8:]).astype(np.float32)[:, :8]
    np.testing.assert_allclose(dx, transform_ref(g, inv, "BILINEAR"), rtol=1e-4, atol=1e-5)


def test_errors_name_the_tensor():
    bad = gc.placeholder(gc.int16, (3, 3), name="small_ints")
    with pytest.raises(gc.errors.DTypeError, match="Invalid dtype int16(.|\n)*small_ints"):
        ci.rotate(bad, 0.5)
    with pytest.raises(TypeError, match="rank between 2 and 4"):
        ci.transform(np.zeros((1, 2, 3, 4, 5), np.float32), T3[0])
    with pytest.raises(TypeError, match="rank must be statically known"):
        ci.transform(gc.placeholder(gc.float32), T3[0])
    with pytest.raises(ValueError, match="output_shape must be a 1-D Tensor of 2"):
        ci.transform(np.zeros((1, 2, 3, 1), np.float32), T3[0], output_shape=[1, 2, 3])
    with pytest.raises(gc.errors.ShapeError, match="3 images but .* 2 transforms"):
        ci.transform(np.zeros((3, 2, 3, 1), np.float32), T3[:2])
    with pytest.raises(ValueError, match="'NEAREST' or 'BILINEAR'"):
        ci.transform(np.zeros((2, 3), np.float32), T3[0], "BICUBIC")
    x = gc.placeholder(gc.float32, (None, 2, 3, 1))
    y = ci.transform(x, T3[:2])
    with pytest.raises(gc.errors.InvalidArgumentError, match="num_images x 8 or 1 x 8"):
        run(y, feed={x: np.zeros((3, 2, 3, 1), np.float32)})


# ---- warps --------------------------------------------------------------------------------
def test_dense_image_warp_values_and_gradients():
    img = RNG.normal(size=(2, 4, 5, 3))
    flow = RNG.normal(size=(2, 4, 5, 2)) * 2
    got, = run(ci.dense_image_warp(img, flow))
    np.testing.assert_allclose(got, warp_ref(img, flow), rtol=1e-12, atol=1e-12)
    x = gc.placeholder(gc.float64, (1, 3, 4, 2))
    f = gc.placeholder(gc.float64, (1, 3, 4, 2))
    y = ci.dense_image_warp(x, f)
    fv = RNG.uniform(0.1, 0.4, (1, 3, 4, 2)) * RNG.choice([-1, 1], (1, 3, 4, 2))
    xv = RNG.normal(size=(1, 3, 4, 2))
    assert gc.test.compute_gradient_error(x, [1, 3, 4, 2], y, [1, 3, 4, 2],
                                          x_init_value=xv, extra_feed_dict={f: fv}) < 1e-6
    assert gc.test.compute_gradient_error(f, [1, 3, 4, 2], y, [1, 3, 4, 2],
                                          x_init_value=fv, delta=1e-5,
                                          extra_feed_dict={x: xv}) < 1e-6


def test_dense_image_warp_needs_two_pixels():
    with pytest.raises(gc.errors.InvalidArgumentError, match="height must be at least 2"):
        ci.dense_image_warp(np.zeros((1, 1, 3, 1)), np.zeros((1, 1, 3, 2)))   # known: now
    x = gc.placeholder(gc.float32, [1, None, 3, 1])
    y = ci.dense_image_warp(x, np.zeros((1, 1, 3, 2)))
    with pytest.raises(gc.errors.InvalidArgumentError, match="height must be at least 2"):
        run(y, feed={x: np.zeros((1, 1, 3, 1))})                              # when run


@pytest.mark.parametrize("order, reg", [(1, 0.0), (2, 0.0), (3, 0.1), (4, 0.0)])
def test_interpolate_spline(order, reg):
    c = RNG.uniform(0, 3, (2, 6, 2))
    f = RNG.normal(size=(2, 6, 3))
    q = RNG.uniform(0, 3, (2, 4, 2))
    got, at_c = run(ci.interpolate_spline(c, f, q, order, reg),
                    ci.interpolate_spline(c, f, c, order))
    np.testing.assert_allclose(got, spline_ref(c, f, q, order, reg), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(at_c, f, atol=1e-8)                  # an exact fit
    qp = gc.placeholder(gc.float64, (2, 4, 2))
    cp = gc.placeholder(gc.float64, (2, 6, 2))
    y = ci.interpolate_spline(cp, f, qp, order, reg)
    assert gc.test.compute_gradient_error(qp, [2, 4, 2], y, [2, 4, 3], x_init_value=q,
                                          delta=1e-6, extra_feed_dict={cp: c}) < 1e-5
    assert gc.test.compute_gradient_error(cp, [2, 6, 2], y, [2, 4, 3], x_init_value=c,
                                          delta=1e-6, extra_feed_dict={qp: q}) < 1e-4


def test_sparse_image_warp():
    img = RNG.normal(size=(1, 5, 6, 2))
    src = np.array([[[1.0, 1.0], [3.0, 4.0], [2.0, 2.5]]])
    dst = src + np.array([[[0.5, -0.5], [0.0, 1.0], [-0.3, 0.2]]])
    warped, flow = run(*ci.sparse_image_warp(img, src, dst, num_boundary_points=2))
    grid = np.stack(np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij"), -1)
    corners = np.array([[0, 0], [0, 2.5], [0, 5], [2, 0], [2, 5], [4, 0], [4, 2.5], [4, 5]])
    pts = np.concatenate([dst, corners[None]], 1)
    flows = np.concatenate([dst - src, np.zeros((1, 8, 2))], 1)
    want_flow = spline_ref(pts, flows, grid.reshape(1, -1, 2), 2).reshape(1, 5, 6, 2)
    np.testing.assert_allclose(flow, want_flow, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(warped, warp_ref(img, want_flow), rtol=1e-6, atol=1e-8)
    same, = run(ci.sparse_image_warp(img, src, src)[0])
    np.testing.assert_allclose(same, img, atol=1e-8)                  # zero flow
    x = gc.placeholder(gc.float64, (1, 5, 6, 2))
    y, _ = ci.sparse_image_warp(x, src, dst, regularization_weight=0.01)
    assert gc.test.compute_gradient_error(x, [1, 5, 6, 2], y, [1, 5, 6, 2],
                                          x_init_value=img) < 1e-6
    with pytest.raises(gc.errors.ShapeError, match="must be known"):
        ci.sparse_image_warp(gc.placeholder(gc.float32, (1, None, 6, 2)), src, dst)


# ---- connected_components, bipartite_match, YIQ -------------------------------------------
def test_connected_components():
    imgs = RNG.integers(0, 3, (3, 6, 7)).astype(np.int64)
    got, one, mask = run(ci.connected_components(imgs), ci.connected_components(imgs[1]),
                         ci.connected_components(imgs[0] > 0))
    assert got.dtype == np.int32 and got.shape == imgs.shape
    np.testing.assert_array_equal(got, components_ref(imgs))
    np.testing.assert_array_equal(one, components_ref(imgs[1:2])[0])
    np.testing.assert_array_equal(mask, components_ref((imgs[:1] > 0))[0])
    with pytest.raises(TypeError, match="rank 2 .* or 3"):
        ci.connected_components(np.zeros(4))


def test_bipartite_match():
    d = RNG.uniform(0, 1, (5, 4)).astype(np.float32)
    for valid, k in ((-1, -1), (3.0, -1), (-1, 2), (0.0, -1)):
        r, c = run(*ci.bipartite_match(d, valid, top_k=k))
        want_r, want_c = match_ref(d, valid, k)
        np.testing.assert_array_equal(r, want_r)
        np.testing.assert_array_equal(c, want_c)
    r, c = ci.bipartite_match(d, -1)
    assert r.dtype == gc.int32 and r.shape.as_list() == [5] and c.shape.as_list() == [4]


def yiq_ref(rgb, h, s, v):
    yiq = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
    inv = np.array([[1, 0.95617069, 0.62143257], [1, -0.2726886, -0.64681324],
                    [1, -1.103744, 1.70062309]])
    hsv = np.array([[v, 0, 0], [0, v * s * np.cos(h), -v * s * np.sin(h)],
                    [0, v * s * np.sin(h), v * s * np.cos(h)]])
    return rgb @ (inv @ hsv @ yiq).T


def test_adjust_and_random_hsv_in_yiq():
    rgb = RNG.uniform(0, 1, (2, 3, 4, 3)).astype(np.float32)
    got, same, u8 = run(ci.adjust_hsv_in_yiq(rgb, 0.4, 0.7, 1.2),
                        ci.adjust_hsv_in_yiq(rgb),
                        ci.adjust_hsv_in_yiq((rgb * 100).astype(np.uint8), 0.4, 0.7, 0.9))
    np.testing.assert_allclose(got, yiq_ref(rgb, 0.4, 0.7, 1.2), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(same, rgb, atol=1e-4)
    assert u8.dtype == np.uint8
    want = yiq_ref((rgb * 100).astype(np.uint8) / 255.0, 0.4, 0.7, 0.9) * 255.5
    assert np.abs(u8.astype(float) - np.trunc(want)).max() <= 1
    fixed, rnd = run(ci.random_hsv_in_yiq(rgb, 0, 0.5, 0.5, 2.0, 2.0),
                     ci.random_hsv_in_yiq(rgb, 0.5, 0.8, 1.2, 0.9, 1.1, seed=3))
    np.testing.assert_allclose(fixed, yiq_ref(rgb, 0, 0.5, 2.0), rtol=1e-5, atol=1e-5)
    assert rnd.shape == rgb.shape
    for kw in ({"max_delta_hue": -1}, {"lower_saturation": 2}, {"lower_value": -1}):
        with pytest.raises(ValueError):
            ci.random_hsv_in_yiq(rgb, **kw)
    x = gc.placeholder(gc.float32, (2, 2, 3))
    y = ci.adjust_hsv_in_yiq(x, 0.3, 0.8, 1.1)
    assert gc.test.compute_gradient_error(x, [2, 2, 3], y, [2, 2, 3], delta=1e-2) < 1e-3
    with pytest.raises(gc.errors.ShapeError, match="3 channels"):
        ci.adjust_hsv_in_yiq(np.zeros((2, 2, 4), np.float32))
