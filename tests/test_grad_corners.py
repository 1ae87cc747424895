"""Gradient corners TF1 programs reach (each checked against TF 2.21 on the same
program): custom_gradient of a variable, back_prop=False loops, Hessians inside
control flow, derivatives of loops that run no call."""
import numpy as np
import pytest

import graphc as gc


def test_custom_gradient_of_a_variable_passed_as_its_argument():
    @gc.custom_gradient
    def quantize(w):                    # the straight-through weight quantizer
        return gc.round(w * 4.0) / 4.0, lambda dy: dy
    x = gc.placeholder(gc.float32, [None, 3])
    w = gc.get_variable("w", [3, 2], initializer=gc.constant_initializer(0.3))
    v = gc.Variable([0.3, 0.6], name="v", use_resource=True)
    y = gc.matmul(x, quantize(w)) * quantize(v)
    train = gc.train.GradientDescentOptimizer(0.1).minimize(gc.reduce_sum(y))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(train, {x: np.ones((2, 3))})
        np.testing.assert_allclose(s.run(w), [[0.25, 0.2]] * 3, rtol=1e-6)    # TF's
        np.testing.assert_allclose(s.run(v), [0.15, 0.45], rtol=1e-6)


def test_back_prop_false_loops_pass_no_gradient():
    x = gc.placeholder(gc.float32, [None, 3])
    w = gc.Variable([0., 1., 2.])
    target = gc.map_fn(lambda r: r * w, x, back_prop=False)
    _, roll = gc.while_loop(lambda i, h: i < 2, lambda i, h: (i + 1, h * w), (0, x),
                            back_prop=False)
    sc = gc.scan(lambda a, r: a * r + w, x, back_prop=False)
    fl = gc.foldl(lambda a, r: a * r, x, back_prop=False)
    loss = gc.reduce_sum((x * w - target) ** 2) + gc.reduce_sum(roll) + gc.reduce_sum(sc)
    (g,) = gc.gradients(loss, w)
    assert gc.gradients(gc.reduce_sum(roll) + gc.reduce_sum(fl), [x, w]) == [None, None]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        np.testing.assert_array_equal(s.run(g, {x: np.ones((2, 3))}), [0, 0, 0])


def test_hessians_inside_cond_while_and_map_fn_bodies():
    w = gc.Variable([0.5, -1.0, 2.0])
    x = gc.placeholder(gc.float32, [None, 3])
    flag = gc.placeholder(gc.bool, [])

    def f():
        return gc.reduce_sum(gc.sin(w) * w ** 2)
    h_cond = gc.cond(flag, lambda: gc.hessians(f(), w)[0], lambda: gc.zeros([3, 3]))
    _, h_while = gc.while_loop(lambda i, a: i < 1,
                               lambda i, a: (i + 1, a + gc.hessians(f(), w)[0]),
                               (0, gc.zeros([3, 3])))
    h_map = gc.map_fn(lambda r: gc.hessians(gc.reduce_sum(gc.sin(r * w) * w ** 2), w)[0],
                      x)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        got = s.run([h_cond, h_while, h_map[0]], {flag: True, x: np.ones((2, 3))})
    wv = np.array([0.5, -1.0, 2.0])
    diag = 2 * np.sin(wv) + 4 * wv * np.cos(wv) - wv ** 2 * np.sin(wv)
    for h in got:
        np.testing.assert_allclose(h, np.diag(diag), rtol=1e-4, atol=1e-5)


def test_derivatives_of_loops_that_make_no_call_with_unknown_dims():
    x = gc.placeholder(gc.float32, [None, 3])
    n = gc.placeholder(gc.int32, [])
    _, h = gc.while_loop(lambda i, h: i < n, lambda i, h: (i + 1, gc.tanh(h) * h), (0, x))
    (gw,) = gc.gradients(gc.reduce_sum(h), x)
    xd = gc.placeholder(gc.float32, [None, None])
    s_ = gc.scan(lambda a, r: a * r, xd)            # one row, no initializer: no call
    (gf,) = gc.gradients(gc.reduce_sum(gc.foldl(lambda a, r: a * r, xd)), xd)
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(gw, {x: np.ones((2, 3)), n: 0}), np.ones((2, 3)))
        np.testing.assert_array_equal(s.run(gw, {x: np.ones((2, 3)), n: 1}).shape, (2, 3))
        np.testing.assert_array_equal(s.run(s_, {xd: [[1., 2., 3.]]}), [[1., 2., 3.]])
        np.testing.assert_array_equal(s.run(gf, {xd: [[1., 2., 3.]]}), [[1., 1., 1.]])


def test_a_registered_gradient_gets_zeros_for_an_unused_output():
    x = gc.placeholder(gc.float32, [None])

    @gc.RegisterGradient("TwoOutGradForTest")
    def _grad(op, d_double, d_square):          # TF1 gives zeros for d_square here
        return d_double * 2.0 + d_square * 2.0 * op.inputs[0]

    with gc.get_default_graph().gradient_override_map({"PyFunc": "TwoOutGradForTest"}):
        dbl, sq = gc.py_func(lambda a: ((a * 2).astype(np.float32),
                                        (a ** 2).astype(np.float32)),
                             [x], [gc.float32, gc.float32])
    dbl.set_shape(x.shape)
    (g,) = gc.gradients(gc.reduce_sum(dbl), x)
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(g, {x: [1., 2., 3.]}), [2., 2., 2.])


def test_gradient_penalty_through_max_pools_is_zeros_not_none():
    x = gc.placeholder(gc.float32, [None, 4, 4, 1])
    b = gc.Variable([0.1])
    for pool in (lambda t: gc.nn.max_pool(t, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
                 lambda t: gc.nn.max_pool3d(gc.expand_dims(t, 1), [1, 1, 2, 2, 1],
                                            [1, 1, 2, 2, 1], "VALID")):
        (gx,) = gc.gradients(gc.reduce_sum(pool(x + b) * 3.0), x)     # WGAN-GP's critic
        (gb,) = gc.gradients(gc.reduce_sum(gc.square(gx)), b)
        assert gb is not None                                          # as TF1
        with gc.Session() as s:
            s.run(b.initializer)
            np.testing.assert_array_equal(
                s.run(gb, {x: np.random.RandomState(0).rand(2, 4, 4, 1)}), [0.0])


def test_gradient_override_map_on_an_embedding_gather_is_used():
    table = gc.Variable(np.ones((4, 2), np.float32))
    ids = gc.placeholder(gc.int32, [None])

    @gc.RegisterGradient("ScaledGatherForTest")
    def _scaled(op, grad):
        grad = grad.values if isinstance(grad, gc.IndexedSlices) else grad
        return [gc.IndexedSlices(grad * 5.0, op.inputs[1], gc.shape(op.inputs[0]))] + \
            [None] * (len(op.inputs) - 1)

    with gc.get_default_graph().gradient_override_map({"GatherV2": "ScaledGatherForTest"}):
        rows = gc.gather(table, ids)
    (g,) = gc.gradients(gc.reduce_sum(rows), table)
    with gc.Session() as s:
        s.run(table.initializer)
        got = s.run(gc.convert_to_tensor(g), {ids: [1, 3]})
    np.testing.assert_array_equal(got[:, 0], [0, 5, 0, 5])      # TF1's


def test_hessians_of_an_x_of_run_time_shape():
    x = gc.placeholder(gc.float64, [None])
    (h,) = gc.hessians(gc.reduce_sum(x ** 3), x)
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(h, {x: [1.0, 2.0]}), [[6, 0], [0, 12]])
        np.testing.assert_allclose(s.run(h, {x: [1.0, -1.0, 0.5]}), np.diag([6, -6, 3.0]))


def test_gradient_of_tile_of_unknown_rank():
    x = gc.placeholder(gc.float64, None)
    m = gc.placeholder(gc.int32, None)
    (g,) = gc.gradients(gc.reduce_sum(gc.tile(x, m) ** 2), x)
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(g, {x: np.ones((2, 3)), m: [2, 3]}),
                                      np.full((2, 3), 12.0))   # 2 * x * 6 copies


def test_gather_nd_of_single_row_indices_gives_a_sparse_gradient_as_tf1():
    table = gc.Variable(np.ones((5, 2), np.float32))
    ids = gc.placeholder(gc.int32, [None, 1])
    (g,) = gc.gradients(gc.reduce_sum(gc.gather_nd(table, ids) * 3.0), table)
    assert isinstance(g, gc.IndexedSlices)           # TF1's _GatherNdGrad
    (dense,) = gc.gradients(gc.reduce_sum(gc.gather_nd(table, [[1, 0]])), table)
    assert not isinstance(dense, gc.IndexedSlices)   # an element, not a row
    with gc.Session() as s:
        s.run(table.initializer)
        got = s.run(gc.convert_to_tensor(g), {ids: [[1], [3], [1]]})
    np.testing.assert_array_equal(got[:, 0], [0, 6, 0, 3, 0])


def test_a_registered_gradient_sees_tf1s_inputs_and_attrs():
    x = gc.placeholder(gc.float32, [None, 4, 4, 2])

    @gc.RegisterGradient("HalfTransposeForTest")        # TF1: Transpose has (x, perm)
    def _half(op, grad):
        return [gc.transpose(grad, gc.invert_permutation(op.inputs[1])) * 0.5, None]

    @gc.RegisterGradient("SumByAxesForTest")           # TF1: Sum has (input, axes)
    def _sum(op, grad):
        assert op.get_attr("keep_dims") is False and op.get_attr("T") == gc.float32
        return [gc.ones_like(op.inputs[0]) * 3.0, None]

    @gc.RegisterGradient("UpsamplePoolForTest")        # TF1's 4-element ksize
    def _up(op, grad):
        k = op.get_attr("ksize")
        return gc.image.resize_nearest_neighbor(grad, gc.shape(op.inputs[0])[1:3]) / \
            float(k[1] * k[2])

    g = gc.get_default_graph()
    with g.gradient_override_map({"Transpose": "HalfTransposeForTest",
                                  "Sum": "SumByAxesForTest",
                                  "MaxPool": "UpsamplePoolForTest"}):
        t = gc.transpose(x, [0, 3, 1, 2])
        s = gc.reduce_sum(x, [1, 2])
        p = gc.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    ones = {x: np.ones((1, 4, 4, 2))}
    with gc.Session() as sess:
        for y, want in ((t, 0.5), (s, 3.0), (p, 0.25)):     # TF 2.21's values
            (gx,) = gc.gradients(gc.reduce_sum(y), x)
            np.testing.assert_allclose(sess.run(gx, ones), np.full((1, 4, 4, 2), want))


def test_a_variable_with_no_differentiable_path_through_a_loop_gets_none():
    w = gc.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
    v = gc.Variable([0.5, -0.5], name="v")
    x = gc.placeholder(gc.float32, [None, 2])
    n = gc.placeholder(gc.int32, [])

    def body(t, h, logits):
        lg = gc.matmul(h, w)                        # w feeds only an argmax
        nxt = gc.one_hot(gc.argmax(lg, 1), 2)
        return t + 1, gc.tanh(nxt + h * v), lg
    _, h, _ = gc.while_loop(lambda t, *_: t < n, body,
                            (0, x, gc.zeros([gc.shape(x)[0], 2])))
    gw, gv = gc.gradients(gc.reduce_sum(h), [w, v])
    assert gw is None and gv is not None                # as TF1
    pairs = gc.train.GradientDescentOptimizer(0.1).compute_gradients(gc.reduce_sum(h))
    assert [(g is None, var.op.name) for g, var in pairs] == [(True, "w"), (False, "v")]


def test_a_table_read_by_row_lookups_in_a_loop_gets_tf1s_indexed_slices():
    emb = gc.Variable(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, name="emb")
    ids = gc.placeholder(gc.int32, [None, None])                 # (time, batch)

    def body(t, acc):
        return t + 1, acc + gc.reduce_sum(gc.nn.embedding_lookup(emb, ids[t]) ** 2)
    _, loss = gc.while_loop(lambda t, a: t < gc.shape(ids)[0], body, (0, 0.0))
    (g,) = gc.gradients(loss, emb)
    assert isinstance(g, gc.IndexedSlices)
    train = gc.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    f = gc.Variable(np.ones((4, 2), np.float32), name="f")
    rows = gc.placeholder(gc.int32, [None])
    mapped = gc.reduce_sum(gc.map_fn(lambda i: gc.gather(f, i), rows, dtype=gc.float32))
    step = gc.train.MomentumOptimizer(0.1, 0.9).minimize(mapped)
    (empty,) = gc.gradients(loss, emb)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        norm = s.run(gc.global_norm([g]), {ids: [[1, 1], [1, 2], [3, 1]]})
        s.run(train, {ids: [[1, 1], [3, 1]]})
        s.run(train, {ids: [[2, 2]]})                # rows 1 and 3 not looked up
        got = s.run(emb)[[1, 3]]
        s.run(step, {rows: [0, 1]})
        s.run(step, {rows: [2, 3]})
        got_f = s.run(f)[:, 0]
        none = s.run(gc.convert_to_tensor(empty), {ids: np.zeros((0, 2), np.int32)})
    assert norm == pytest.approx(5.10294, rel=1e-5)                 # TF 2.21's
    np.testing.assert_allclose(got, [[0.12, 0.16, 0.2], [0.72, 0.8, 0.88]], rtol=1e-5)
    # TF1's while-loop accumulator starts with a zero row at index 0: momentum moves it
    np.testing.assert_allclose(got_f, [0.81, 0.9, 0.9, 0.9], rtol=1e-6)
    np.testing.assert_array_equal(none, np.zeros((4, 3)))        # no call: no rows


@pytest.mark.parametrize("name, kind, want", [
    ("retain", gc.IndexedSlices, [0.9, 0.9, 0.9, 0.9]),
    ("slice", gc.Tensor, [0.81, 0.81, 0.9, 0.9]),
    ("reorder", gc.Tensor, [0.71, 0.71, 0.71, 0.71])])
def test_sparse_values_get_tf1s_gradient_kind(name, kind, want):
    """Learnable edge weights under Momentum: sparse_retain gathers (an IndexedSlices,
    so an unused row's momentum does not move it), sparse_slice and sparse_reorder give
    dense gradients, as TF1's registered gradients do (values from TF 2.21)."""
    w = gc.Variable([1.0, 1.0, 1.0, 1.0])
    mask = gc.placeholder(gc.bool, [None])
    start = gc.placeholder(gc.int64, [2])
    adj = gc.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], w, [2, 2])
    sp = {"retain": lambda: gc.sparse_retain(adj, mask),
          "slice": lambda: gc.sparse_slice(adj, start, [1, 2]),
          "reorder": lambda: gc.sparse_reorder(adj)}[name]()
    loss = gc.reduce_sum(gc.sparse_tensor_dense_matmul(sp, gc.ones([2, 1])))
    assert type(gc.gradients(loss, w)[0]) is kind
    train = gc.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(train, {mask: [True, True, False, False], start: [0, 0]})
        s.run(train, {mask: [False, False, True, True], start: [1, 0]})
        np.testing.assert_allclose(s.run(w), want, rtol=1e-6)


def test_softmax_cross_entropy_gradient_is_tf1s_softmax_minus_labels():
    """TF1's gradient w.r.t. logits is softmax - labels for any labels, so multi-hot rows
    and a padded step's all-zero labels differ from the exact derivative (values from
    TF 2.21); second derivatives and jvps follow that backprop output."""
    logits = gc.placeholder(gc.float32, [None, None])
    labels = gc.placeholder(gc.float32, [None, None])
    loss = gc.reduce_sum(gc.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                    logits=logits))
    (g,) = gc.gradients(loss, logits)
    (g2,) = gc.gradients(gc.losses.softmax_cross_entropy(labels, logits), logits)
    feed = {logits: [[1., 1., 1.], [0., 2., 0.]], labels: [[1., 1., 0.], [0., 0., 0.]]}
    with gc.Session() as s:
        got, got2 = s.run([g, g2], feed)
    np.testing.assert_allclose(got, [[-2 / 3, -2 / 3, 1 / 3], [0.106507, 0.786986, 0.106507]],
                               rtol=1e-5)
    np.testing.assert_allclose(got2, got / 2, rtol=1e-5)
    from graphc.testing import check_jvp, check_vjp
    xent = gc.nn.softmax_cross_entropy_with_logits_v2
    for check in (check_vjp, check_jvp):       # backprop = softmax(x) - z, differentiated
        check(lambda z, x: xent(labels=z, logits=x).op.outputs[1],
              [np.random.rand(2, 3), np.random.randn(2, 3)])


def test_dilated_max_pool_gives_a_tie_to_the_first_tap():
    """nn.pool(MAX, dilation_rate > 1) differentiates into the first maximal tap of the
    window, row-major (TF's space_to_batch + max_pool; zeros after a relu tie often)."""
    x = gc.placeholder(gc.float32, [None, None, None, 1])
    y = gc.nn.pool(x, [2, 2], "MAX", "VALID", dilation_rate=[2, 2])
    x3 = gc.placeholder(gc.float32, [None, None, None, None, 1])
    y3 = gc.nn.pool(x3, [2, 1, 1], "MAX", "VALID", dilation_rate=[2, 1, 1])
    (g,), (g3,) = gc.gradients(gc.reduce_sum(y), x), gc.gradients(gc.reduce_sum(y3), x3)
    with gc.Session() as s:
        got = s.run(g, {x: np.zeros((1, 3, 3, 1))})[0, :, :, 0]
        got3 = s.run(g3, {x3: np.ones((1, 3, 1, 2, 1))})[0, :, 0, :, 0]
    assert got.tolist() == [[1, 0, 0], [0, 0, 0], [0, 0, 0]]
    assert got3.tolist() == [[1, 1], [0, 0], [0, 0]]


def test_cast_and_scalar_mul_keep_a_sparse_gradient_sparse():
    # TF1's mixed-precision and tower-averaging idioms on an embedding gradient: the
    # optimizer still updates only the looked-up rows (TF 2.21 gives these values)
    for wrap, want in [(lambda g: gc.cast(g, gc.float32), 0.9),
                       (lambda g: gc.scalar_mul(0.5, g), 0.95)]:
        gc.reset_default_graph()
        emb = gc.Variable(np.ones((4, 2), np.float32))
        ids = gc.placeholder(gc.int32, [None])
        opt = gc.train.MomentumOptimizer(0.1, 0.9)
        gv = [(wrap(g), v) for g, v in opt.compute_gradients(
            gc.reduce_sum(gc.nn.embedding_lookup(emb, ids)))]
        assert isinstance(gv[0][0], gc.IndexedSlices)
        train = opt.apply_gradients(gv)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            s.run(train, {ids: [0, 1]})
            s.run(train, {ids: [2, 3]})
            np.testing.assert_allclose(s.run(emb)[:, 0], [want] * 4, rtol=1e-6)
    assert gc.scalar_mul(2, gc.constant([1.5])).dtype == gc.float32
