"""Parity of the control flow export: graphc's gc.cond / gc.while_loop / map_fn / scan /
foldr graphs (nested, counting to a fed n, gradients through them) written as TF 2's
If/While with FunctionDefs, imported by real TensorFlow and run there, give graphc's
values."""
import numpy as np
import pytest

import graphc as gc
from test_tf_graphdef_export_flow import CASES, case_graph, compare
from test_tf_parity_tf_graphdef_export import check_training_in_tf
from tf_parity import tf, v1


def _in_tf(gd, names, feeds, init=None):
    g = tf.Graph()
    with g.as_default():
        v1.import_graph_def(tf.compat.v1.GraphDef.FromString(gd.SerializeToString()),
                            name="")
        with v1.Session() as s:
            if init is not None:
                s.run(g.get_operation_by_name(init))
            return [s.run(names, f) for f in feeds]


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_runs_in_tf(name):
    gd, names, want, feeds = case_graph(name)
    for w, got in zip(want, _in_tf(gd, names, feeds)):
        compare(names, w, got)


def test_tf_reads_the_functions_as_its_own():
    """TF's FunctionDef parser accepts every library function, and its While/If nodes
    name them."""
    gd, _, _, _ = case_graph("grad_cond_in_while")
    tgd = tf.compat.v1.GraphDef.FromString(gd.SerializeToString())
    fns = {f.signature.name: f for f in tgd.library.function}
    called = {nd.attr[k].func.name for nd in tgd.node for k in ("cond", "body",
                                                                "then_branch", "else_branch")
              if k in nd.attr}
    assert called and called <= set(fns)
    for f in fns.values():
        assert set(f.ret) == {a.name for a in f.signature.output_arg}


def test_variables_read_in_branches_and_loops():
    """A variable's value captured by a cond branch and a loop body (TF passes the ref
    tensor as a plain input), and a training step through both."""
    rng = np.random.default_rng(2)
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        w = gc.Variable(rng.standard_normal((3, 3)).astype(np.float32) * 0.5, name="w")
        h = gc.cond(gc.reduce_sum(x) > 0, lambda: gc.matmul(x, w), lambda: x - 1.0)
        _, h = gc.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, gc.tanh(gc.matmul(h, w))),
                             [0, h])
        loss = gc.reduce_sum(h * h, name="loss")
        train = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = gc.global_variables_initializer()
        feeds = {"x:0": rng.standard_normal((4, 3)).astype(np.float32)}
    check_training_in_tf(g, [init], loss, train, feeds)


def test_random_draws_in_a_branch_run_in_tf():
    """A dropout inside a branch: the draws are a hidden output of the If, the gradient's
    If is fed them; TF's stream differs, so the mask is checked by its use: the gradient
    is 2 where the output is kept and 0 where it was dropped."""
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        y = gc.cond(gc.reduce_sum(x) > 0, lambda: gc.nn.dropout(x, rate=0.5, seed=1),
                    lambda: x)
        dx = gc.gradients(gc.reduce_sum(y), x)[0]
        gd = gc.io.export_tf_graph_def(g)
    ones = np.ones((50, 3), np.float32)
    (yv, dv), = _in_tf(gd, [y.name, dx.name], [{"x:0": ones}])
    np.testing.assert_array_equal(dv, yv)
    assert set(np.unique(yv)) <= {0.0, 2.0} and 0 < (yv == 0).sum() < yv.size


def test_empty_for_loop_and_known_element_shapes():
    """map_fn over no elements: TensorListStack of nothing, element shape known."""
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        y = gc.map_fn(lambda r: r * 2.0, x)
        s = gc.foldl(lambda a, r: a + r, x, initializer=gc.zeros([3]))
        feeds = [{"x:0": np.zeros((0, 3), np.float32)}, {"x:0": np.ones((2, 3), np.float32)}]
        with gc.Session() as sess:
            want = [sess.run([y, s], f) for f in feeds]
        gd = gc.io.export_tf_graph_def(g)
    for w, got in zip(want, _in_tf(gd, [y.name, s.name], feeds)):
        compare([y.name, s.name], w, got)


def test_random_draws_in_a_while_body_feed_its_gradient():
    """Dropout in a while body: the gradient's trajectory loop (a while loop over the
    stacked draws) reads the masks the forward loop drew in TF. y is linear in x with
    y = 0 for x = 0, so for x = 1 the gradient of sum(y) is y itself."""
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        n = gc.placeholder(gc.int32, [], name="n")
        _, y = gc.while_loop(lambda i, y: i < n, lambda i, y: (
            i + 1, gc.nn.dropout(y, rate=0.5, seed=3) + x), [0, x])
        dx = gc.gradients(gc.reduce_sum(y), x)[0]
        gd = gc.io.export_tf_graph_def(g)
    (yv, dv), = _in_tf(gd, [y.name, dx.name], [{"x:0": np.ones((20, 3), "f"), "n:0": 3}])
    np.testing.assert_allclose(dv, yv)
    assert len(np.unique(yv)) > 2


def test_image_serving_input_in_map_fn_runs_in_tf():
    """The codecs and hash buckets inside a map_fn's function, exported, run in TF."""
    img = (np.arange(48) * 5 % 256).astype(np.uint8).reshape(4, 4, 3)
    with gc.Graph().as_default() as g:
        b = gc.placeholder(gc.string, [None], name="image_bytes")
        gc.identity(gc.map_fn(lambda s: gc.cast(gc.image.decode_png(s, channels=3),
                                                gc.float32), b, dtype=gc.float32),
                    name="images")
        gc.identity(gc.map_fn(lambda s: gc.strings.to_hash_bucket_fast(s, 10),
                              gc.placeholder(gc.string, [None, 2], name="words"),
                              dtype=gc.int64), name="buckets")
        with gc.Session() as sess:
            data = sess.run(gc.image.encode_png(img))
            feed = {"image_bytes:0": np.array([data, data], object),
                    "words:0": np.array([[b"a", b"b"], [b"c", b""]], object)}
            want = sess.run(["images:0", "buckets:0"], feed)
        gd = gc.io.export_tf_graph_def(g)
    g2 = tf.Graph()
    with g2.as_default():
        v1.import_graph_def(v1.GraphDef.FromString(gd.SerializeToString()), name="")
        with v1.Session() as sess:
            got = sess.run(["images:0", "buckets:0"], feed)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
