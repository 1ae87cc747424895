"""TF 1.15 tf.contrib.layers / tf.contrib.framework names of layers_more2.py and
framework_more2.py: values against numpy, gradients against finite differences."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import framework, layers

RNG = np.random.RandomState(0)


def _run(fetches, feed=None):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(fetches, feed)


def _np_depthwise_same(x, k):
    """Every channel of NHWC x correlated with the one 2-D kernel k, SAME padding, stride 1."""
    kh, kw = k.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    p = np.pad(x, [(0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)])
    out = np.zeros_like(x)
    for i in range(kh):
        for j in range(kw):
            out += k[i, j] * p[:, i:i + x.shape[1], j:j + x.shape[2], :]
    return out


def test_conv2d_in_plane_values_variables_and_gradient():
    with gc.Graph().as_default():
        x_np = RNG.randn(2, 5, 4, 3).astype(np.float32)
        x = gc.constant(x_np)
        y = layers.conv2d_in_plane(x, [3, 2], activation_fn=None,
                                   biases_initializer=gc.constant_initializer(0.5))
        names = sorted(v.name for v in gc.global_variables())
        assert names == ["ConvInPlane/biases:0", "ConvInPlane/weights:0"]
        w = [v for v in gc.global_variables() if "weights" in v.name][0]
        got, w_np = _run([y, w])
        assert w_np.shape == (3, 2, 1, 1)
        np.testing.assert_allclose(got, _np_depthwise_same(x_np, w_np[:, :, 0, 0]) + 0.5,
                                   rtol=1e-5, atol=1e-5)
        relu = layers.convolution2d_in_plane(x, 3, stride=2, scope="s")
        assert relu.shape.as_list() == [2, 3, 2, 3]
        assert _run(relu).min() >= 0
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            err = gc.test.compute_gradient_error(x, [2, 5, 4, 3], y, [2, 5, 4, 3],
                                                 x_init_value=x_np)
        assert err < 1e-2
        with pytest.raises(ValueError, match="rank"):
            layers.conv2d_in_plane(gc.ones([2, 3]), 3)


def test_pool_and_safe_embedding_lookup_sparse_are_the_core_ops():
    with gc.Graph().as_default():
        x_np = RNG.randn(1, 4, 4, 2).astype(np.float32)
        y = layers.pool(gc.constant(x_np), [2, 2], "AVG", "VALID", strides=[2, 2])
        want = x_np.reshape(1, 2, 2, 2, 2, 2).mean(axis=(2, 4))
        np.testing.assert_allclose(_run(y), want, rtol=1e-5)
        table = RNG.randn(5, 3).astype(np.float32)
        sp = gc.SparseTensor([[0, 0], [0, 1], [2, 0]], np.array([1, 3, -1], np.int64),
                             [3, 2])
        emb = layers.safe_embedding_lookup_sparse([gc.constant(table)], sp)  # mean
        np.testing.assert_allclose(_run(emb), [(table[1] + table[3]) / 2, np.zeros(3),
                                               np.zeros(3)], rtol=1e-5)


def test_embedding_lookup_unique_and_gradient():
    with gc.Graph().as_default():
        table_np = RNG.randn(6, 4).astype(np.float32)
        table = gc.constant(table_np)
        ids = np.array([[0, 3, 3], [5, 0, 2]])
        y = layers.embedding_lookup_unique(table, ids)
        assert y.shape.as_list() == [2, 3, 4]
        np.testing.assert_allclose(_run(y), table_np[ids], rtol=1e-6)
        split = layers.embedding_lookup_unique([table[:3], table[3:]], ids,
                                               partition_strategy="div")
        np.testing.assert_allclose(_run(split), table_np[ids], rtol=1e-6)
        with gc.Session():
            err = gc.test.compute_gradient_error(table, [6, 4], y, [2, 3, 4],
                                                 x_init_value=table_np)
        assert err < 1e-2


def test_sparse_row_envelope():
    with gc.Graph().as_default():
        sp = gc.SparseTensor([[0, 0], [0, 2], [2, 1], [3, 3]], [1, 2, 3, 4], [5, 4])
        assert list(_run(layers.sparse_row_envelope(sp))) == [3, 0, 2, 4, 0]
        sp3 = gc.SparseTensor([[0, 1, 0], [1, 0, 2]], [1, 2], [2, 2, 3])
        assert list(_run(layers.sparse_row_envelope(sp3, row_axis=1, col_axis=2))) == [3, 1]


def test_recompute_grad_contrib_signature_matches_plain_autodiff():
    with gc.Graph().as_default():
        x_np = RNG.randn(3, 4).astype(np.float32)
        w_np = RNG.randn(4, 4).astype(np.float32)
        x = gc.constant(x_np)
        w = gc.constant(w_np)

        def block(h):
            return gc.tanh(gc.matmul(h, w))

        plain = gc.reduce_sum(block(block(x)) ** 2)
        decorated = layers.recompute_grad(use_data_dep=False)(block)
        again = layers.recompute_grad(block)
        rec = gc.reduce_sum(again(decorated(x)) ** 2)
        g1, g2, v1, v2 = _run([gc.gradients(plain, x)[0], gc.gradients(rec, x)[0],
                               plain, rec])
        np.testing.assert_allclose(v1, v2, rtol=1e-6)
        np.testing.assert_allclose(g1, g2, rtol=1e-5, atol=1e-6)
        with pytest.raises(ValueError, match="must be Tensors"):
            again(x_np)


def test_remove_squeezable_dimensions_static_and_dynamic():
    with gc.Graph().as_default():
        p, l = framework.remove_squeezable_dimensions(gc.ones([4, 1]), gc.ones([4]))
        assert p.shape.as_list() == [4] and l.shape.as_list() == [4]
        p, l = framework.remove_squeezable_dimensions(gc.ones([4]), gc.ones([4, 1]))
        assert p.shape.as_list() == [4] and l.shape.as_list() == [4]
        p, l = framework.remove_squeezable_dimensions(gc.ones([4, 2]), gc.ones([4, 2]))
        assert p.shape.as_list() == [4, 2] and l.shape.as_list() == [4, 2]
        with pytest.raises(ValueError):
            framework.remove_squeezable_dimensions(gc.ones([4, 2]), gc.ones([4]))
        pred = gc.placeholder(gc.float32, None)
        lab = gc.placeholder(gc.float32, [None])
        p, l = framework.remove_squeezable_dimensions(pred, lab)
        a, b = _run([p, l], {pred: np.ones([3, 1]), lab: np.ones(3)})
        assert a.shape == (3,) and b.shape == (3,)
        a, b = _run([p, l], {pred: np.ones([3]), lab: np.ones(3)})
        assert a.shape == (3,) and b.shape == (3,)


def test_smart_cond_static_and_dynamic():
    with gc.Graph().as_default():
        calls = []

        def one():
            calls.append(1)
            return gc.constant(1)

        def two():
            calls.append(2)
            return gc.constant(2)

        assert _run(framework.smart_cond(True, one, two)) == 1 and calls == [1]
        assert _run(framework.smart_cond(0, one, two)) == 2 and calls == [1, 2]
        assert _run(framework.smart_cond(gc.constant(True), one, two)) == 1
        flag = gc.placeholder(gc.bool, [])
        y = framework.smart_cond(flag, one, two)
        assert _run(y, {flag: False}) == 2 and _run(y, {flag: True}) == 1
        with pytest.raises(TypeError, match="true_fn"):
            framework.smart_cond(True, 1, two)
        with pytest.raises(TypeError, match="pred"):
            framework.smart_cond("yes", one, two)


def test_contrib_py_func_kwargs_nesting_and_shapes():
    with gc.Graph().as_default():
        def f(x, k):
            return x * k, {"a": x + 1}

        out = framework.py_func(f, [gc.constant(2.0)], {"k": gc.constant(3.0)},
                                output_types=(gc.float32, {"a": gc.float32}),
                                output_shapes=([], {"a": []}))
        assert out[0].shape.as_list() == [] and out[1]["a"].shape.as_list() == []
        got = _run(out)
        assert got[0] == 6.0 and got[1]["a"] == 3.0
        single = framework.py_func(lambda x: x * 2, [gc.constant([1.0, 2.0])],
                                   output_types=lambda x: x.dtype,
                                   output_shapes=lambda x: x.shape)
        np.testing.assert_allclose(_run(single), [2.0, 4.0])
        with pytest.raises(TypeError, match="args must be list"):
            framework.py_func(f, gc.constant(1.0), output_types=gc.float32)
        with pytest.raises(TypeError, match="kwargs must be dict"):
            framework.py_func(f, [], [1], output_types=gc.float32)


def test_fuse_op_is_not_supported():
    with pytest.raises(NotImplementedError, match="fuse_op"):
        framework.fuse_op(None, [], [], [], [], "fused", "Fused")
