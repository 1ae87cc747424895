"""TF-checked fixes from session 21's hunt of real TF1 scripts (WGAN-GP's tflib, the
Neural Turing Machine, 2017-era custom RNN cells, show-attend-and-tell): each graph
runs in graphc and in TF 2.21 (tf.compat.v1) and gives the same values and shapes."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1

XS = np.random.RandomState(0).randn(2, 3, 3).astype(np.float32)


def _both(build, feeds=None):
    """build(m) in each library: its fetches' values and static shapes."""
    out = []
    for m, Graph in ((gc, gc.Graph), (v1, tf.Graph)):
        with Graph().as_default():
            fetches = build(m)
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                values = s.run(fetches, feeds(m) if feeds else None)
            out.append((values, [None if t.shape.ndims is None else t.shape.as_list()
                                 for t in fetches]))
    return out


def _old_style_cell(m, n):
    """A TF 1.0-style cell: no RNNCell.__init__, __call__ overridden."""
    class Cell(m.nn.rnn_cell.RNNCell):
        def __init__(self, n):
            self.n = n

        @property
        def state_size(self):
            return self.n

        @property
        def output_size(self):
            return self.n

        def __call__(self, x, state, scope=None):
            with m.variable_scope(scope or "cell"):
                h = m.layers.dense(m.concat([x, state], 1), self.n, activation=m.tanh,
                                   kernel_initializer=m.constant_initializer(0.1))
            return h, h
    return Cell(n)


@pytest.mark.parametrize("kind", ["dynamic", "bidirectional", "multi"])
def test_cell_without_rnncell_init(kind):
    def build(m):
        x = m.placeholder(m.float32, [2, None, 3], name="x")
        if kind == "dynamic":
            out, st = m.nn.dynamic_rnn(_old_style_cell(m, 4), x, dtype=m.float32)
        elif kind == "bidirectional":
            (fw, bw), (sf, sb) = m.nn.bidirectional_dynamic_rnn(
                _old_style_cell(m, 4), _old_style_cell(m, 4), x, dtype=m.float32)
            out, st = m.concat([fw, bw], 2), m.concat([sf, sb], 1)
        else:
            cell = m.nn.rnn_cell.MultiRNNCell([_old_style_cell(m, 4) for _ in range(2)])
            out, st = m.nn.dynamic_rnn(cell, x, dtype=m.float32)
            st = m.concat(list(st), 1)
        loss = m.reduce_sum(out * out)
        grads = m.gradients(loss, m.trainable_variables())
        return [out, st, loss] + grads
    (got, gshapes), (want, wshapes) = _both(build, lambda m: {"x:0": XS})
    assert gshapes == wshapes
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_state_of_other_shape_than_state_size():
    """The NTM's cell: state_size flat, zero_state a matrix; TF uses the state as is."""
    def build(m):
        class Cell(m.nn.rnn_cell.RNNCell):
            state_size = property(lambda s: m.TensorShape([6]))
            output_size = property(lambda s: 3)

            def zero_state(self, b, dt):
                return m.zeros([b, 2, 3])

            def call(self, x, memory):
                memory = memory + m.expand_dims(x, 1)
                return m.reduce_sum(memory, 1), memory
        x = m.placeholder(m.float32, [2, None, 3], name="x")
        out, st = m.nn.dynamic_rnn(Cell(), x, dtype=m.float32)
        return [out, st]
    (got, gshapes), (want, wshapes) = _both(build, lambda m: {"x:0": XS})
    assert gshapes == wshapes == [[2, None, 3], [2, 2, 3]]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_transpose_of_unknown_rank_has_perms_rank():
    def build(m):
        x = m.placeholder(m.float32, None, name="x")
        return [m.transpose(m.squeeze(x), (1, 0)), m.transpose(x, [2, 0, 1])]
    (got, gshapes), (want, wshapes) = _both(build, lambda m: {"x:0": XS[:, :1]})
    assert gshapes == wshapes == [[None, None], [None, None, None]]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_python_attributes_on_graph_objects():
    """igul222's tflib tags its parameters: param = tf.Variable(...); param.param = True."""
    for m, Graph in ((gc, gc.Graph), (v1, tf.Graph)):
        with Graph().as_default():
            v = m.Variable(1.0, name="W")
            v.param = True
            x = m.placeholder(m.float32, [None])
            x.foo = 1
            x.op.bar = "b"
            assert (v.param, x.foo, x.op.bar) == (True, 1, "b")
            assert [w for w in m.trainable_variables() if getattr(w, "param", False)] == [v]


def test_sliced_assign_exports():
    """v[key].assign(...) exports as TF1's StridedSliceAssign (as_graph_def, freezing)."""
    with gc.Graph().as_default() as g:
        v = gc.Variable(np.arange(12, dtype=np.float32).reshape(3, 4), name="v")
        i = gc.placeholder(gc.int32, [], name="i")
        ops = [v[0, 1:].assign([5., 6., 7.], name="a"),
               v[i, ::2].assign(gc.constant([-1., -2.]), name="b"),
               v[1:, -1].assign([9., 8.], name="c")]
        gd = gc.io.export_tf_graph_def(g)
        with gc.Session() as s:
            s.run(v.initializer)
            want = [s.run(t, {i: 2}) for t in ops]
    assert len(g.as_graph_def().node) == len(gd.node)
    with tf.Graph().as_default(), v1.Session() as s:
        v1.import_graph_def(v1.GraphDef.FromString(gd.SerializeToString()), name="")
        s.run("v/Assign")
        got = [s.run(n, {"i:0": 2}) for n in ("a:0", "b:0", "c:0")]
    for w, g_ in zip(want, got):
        np.testing.assert_array_equal(w, g_)


def test_ragged_string_and_bool_to_tensor():
    """tf.strings.split(s).to_tensor("") (strings) and bool RaggedTensors padded,
    nested and cut to a shape, on fed strings (an empty batch too)."""
    def build(m):
        s = m.placeholder(m.string, [None], name="s")
        rt = m.strings.split(s, result_type="RaggedTensor")
        nested = m.RaggedTensor.from_nested_row_splits(
            m.constant(["a", "b", "c", "d"]), [[0, 2, 3], [0, 1, 1, 4]])
        return [rt.to_tensor(""), rt.to_tensor("pad"), rt.to_tensor("-", shape=[3, 2]),
                m.RaggedTensor.from_row_splits(m.constant([True, False, True]),
                                               [0, 1, 3]).to_tensor(),
                nested.to_tensor("x")]
    for feed in ([b"a b c", b"d"], [b"", b"x y"], []):
        (got, _), (want, _) = _both(build, lambda m, f=feed: {"s:0": np.array(f, object)})
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_clip_by_global_norm_graph_imports():
    """TF names clip_by_global_norm's outputs "clip_by_global_norm/clip_by_global_norm/_0",
    which graphc's node names allow, as TF's."""
    with tf.Graph().as_default() as g:
        a = v1.placeholder(tf.float32, [2], name="a")
        b = v1.placeholder(tf.float32, [3], name="b")
        clipped, norm = v1.clip_by_global_norm([a, b * 2.0], 1.5)
        names = [t.name for t in clipped] + [norm.name]
        feed = {"a:0": [3.0, 4.0], "b:0": [1.0, -2.0, 0.5]}
        with v1.Session() as s:
            want = s.run(names, feed)
    with gc.Graph().as_default(), gc.Session() as s:
        gc.import_graph_def(gc.GraphDef.FromString(g.as_graph_def().SerializeToString()),
                            name="")
        got = s.run(names, feed)
    for w, g_ in zip(want, got):
        np.testing.assert_allclose(g_, w, rtol=1e-6)


TRAINING_GRAPH_OPS = {      # (orthogonal_initializer's DiagPart, cifar10's LRNGrad ...)
    "diag": lambda m, x: m.linalg.tensor_diag(m.reshape(x, [-1])[:3]),
    "diag_part": lambda m, x: m.linalg.tensor_diag_part(m.reshape(x, [4, 8])[:, :4]),
    "xlogy": lambda m, x: m.math.xlogy(x, x + 1.0),
    "xdivy": lambda m, x: m.math.xdivy(x, x + 1.0),
    "ensure_shape": lambda m, x: m.ensure_shape(x, [None, 4, 4, 2]) * 2.0,
    "bicubic_grad": lambda m, x: m.gradients(m.reduce_sum(
        m.image.resize_bicubic(x, [6, 6]) ** 2), x)[0],
    "dilation2d_grads": lambda m, x: m.gradients(m.reduce_sum(m.nn.dilation2d(
        x, m.ones([2, 2, 2]) * m.reduce_mean(x), [1, 1, 1, 1], [1, 1, 1, 1], "SAME") ** 2),
        x)[0],
    "lrn_grad": lambda m, x: m.gradients(m.reduce_sum(m.nn.lrn(x, 1) ** 2), x)[0],
    "random_gamma_grad": lambda m, x: m.raw_ops.RandomGammaGrad(alpha=x + 1.0,
                                                                sample=x + 0.5),
    "clip_by_value": lambda m, x: m.raw_ops.ClipByValue(t=x, clip_value_min=0.2,
                                                        clip_value_max=0.7)}


@pytest.mark.parametrize("case", sorted(TRAINING_GRAPH_OPS))
def test_training_graph_ops_import(case):
    x = np.random.RandomState(0).rand(1, 4, 4, 2).astype(np.float32)
    with tf.Graph().as_default() as g:
        xp = v1.placeholder(tf.float32, [None, 4, 4, 2], name="x")
        out = tf.identity(TRAINING_GRAPH_OPS[case](v1, xp), name="out")
        with v1.Session() as s:
            want = s.run(out, {xp: x})
    with gc.Graph().as_default(), gc.Session() as s:
        gc.import_graph_def(gc.GraphDef.FromString(g.as_graph_def().SerializeToString()),
                            name="")
        got = s.run("out:0", {"x:0": x})
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_rnn_over_a_batch_of_zero():
    """dynamic_rnn and a TensorArray unstacked from a batch of 0: empty elements are
    written elements (only an array never written to is an error to read)."""
    def build(m):
        x = m.placeholder(m.float32, [None, None, 3], name="x")
        cell = m.nn.rnn_cell.GRUCell(4, kernel_initializer=m.constant_initializer(0.1))
        out, st = m.nn.dynamic_rnn(cell, x, dtype=m.float32)
        ta = m.TensorArray(m.float32, size=2).unstack(m.transpose(x, [1, 0, 2]))
        return [out, st, ta.read(1)]
    for batch in (2, 0):
        (got, _), (want, _) = _both(build, lambda m, b=batch: {
            "x:0": np.ones((b, 2, 3), np.float32)})
        for g, w in zip(got, want):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-5)


def test_ragged_ngrams_of_empty_rows():
    """An empty row gets the padding-only ngrams (TF's kernel), unless no row has a
    string."""
    def build(m):
        rt = m.ragged.constant([[b"a", b"b", b"c"], [], [b"d"]])
        none = m.ragged.constant([[], []], dtype=m.string)
        outs = [m.strings.ngrams(rt, 2), m.strings.ngrams(rt, 2, pad_values=("L", "R")),
                m.strings.ngrams(rt, 3, pad_values=("#", "#"), padding_width=2),
                m.strings.ngrams(rt, [1, 2], pad_values=("<", ">"),
                                 preserve_short_sequences=True),
                m.strings.ngrams(rt, 4, pad_values=("<", ">"), padding_width=1,
                                 preserve_short_sequences=True),
                m.strings.ngrams(none, 2, pad_values=("L", "R"))]
        return [t for o in outs for t in (o.flat_values, o.row_splits)]
    (got, _), (want, _) = _both(build)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
