"""graphc's SavedModels load in TensorFlow 2.21: TF1's loader (tf.compat.v1.saved_model
.loader.load) and TF 2's tf.saved_model.load read the saved_model.pb (or .pbtxt) and the
V2 checkpoint graphc's builder writes, serve graphc's values on several feeds, and a
"train" meta graph goes on training in TF as it does in graphc."""
import os
import shutil

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from tf_parity import needs_eager, tf, v1  # noqa: F401 (a fixture)

make = tf_fixtures.data_module("make_tf_saved_model")
FEEDS = make.FEEDS


def _vocab_model(tmp_path, how="simple_save"):
    """make_tf_saved_model's model (a vocabulary table from an asset file, a variable
    trained away from its initial value) saved by graphc's simple_save or builder, its
    vocabulary file deleted after (the SavedModel's asset copy must be used): the
    export's directory, its tags and signature key, and graphc's values on FEEDS."""
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("ant\nbee\ncat\n")
    export = str(tmp_path / "export")
    want = make.export(gc, gc.Graph, gc.Session, str(vocab), export, how, FEEDS)
    assert os.path.exists(os.path.join(export, "saved_model.pbtxt" if how == "builder_text"
                                       else "saved_model.pb"))
    vocab.unlink()
    if how == "simple_save":
        return export, ["serve"], "serving_default", want
    return export, ["serve", "gpu"], "predict", want


@pytest.mark.parametrize("how", ["simple_save", "builder", "builder_text"])
def test_tf1_loader_serves_graphc_saved_model(tmp_path, how):
    export, tags, key, want = _vocab_model(tmp_path, how)
    moved = str(tmp_path / "moved")
    shutil.move(export, moved)
    with tf.Graph().as_default(), v1.Session() as sess:
        meta = v1.saved_model.loader.load(sess, tags, moved)
        sig = meta.signature_def[key]
        assert sig.method_name == "tensorflow/serving/predict"
        assert [d.size for d in sig.inputs["x"].tensor_shape.dim] == [-1, 2]
        for (a, b), w_ in zip(FEEDS, want):
            got = sess.run([sig.outputs["y"].name, sig.outputs["ids"].name],
                           {sig.inputs["x"].name: a, sig.inputs["words"].name: b})
            np.testing.assert_allclose(got[0], w_[0])
            np.testing.assert_array_equal(got[1], w_[1])
        assert [v.name for v in v1.global_variables()] == ["w:0"]
        assert [v.name for v in v1.trainable_variables()] == ["w:0"]


def test_tf2_load_serves_graphc_saved_model(tmp_path, needs_eager):  # noqa: F811
    export, _, key, want = _vocab_model(tmp_path)
    fn = tf.saved_model.load(export).signatures[key]
    for (a, b), w_ in zip(FEEDS, want):
        got = fn(x=tf.constant(a, tf.float32), words=tf.constant(b))
        np.testing.assert_allclose(got["y"].numpy(), w_[0])
        np.testing.assert_array_equal(got["ids"].numpy(), w_[1])


def _rnn_model(m):
    """A GRU over a fed sequence (a while loop), a classifier head, Adam: the loss,
    train op and placeholders in module m's graph."""
    x = m.placeholder(m.float32, [None, None, 3], name="x")
    labels = m.placeholder(m.int32, [None], name="labels")
    cell = m.nn.rnn_cell.GRUCell(4, kernel_initializer=m.constant_initializer(0.1),
                                 bias_initializer=m.constant_initializer(0.2))
    _, state = m.nn.dynamic_rnn(cell, x, dtype=m.float32)
    logits = m.layers.dense(state, 2, kernel_initializer=m.constant_initializer(
        [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2], [0.2, 0.1]]), name="head")
    probs = m.nn.softmax(logits, name="probs")
    loss = m.reduce_mean(m.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits), name="loss")
    train = m.train.AdamOptimizer(0.05).minimize(loss)    # (in collection "train_op")
    return x, labels, probs, loss, train


def test_train_meta_graph_goes_on_training_in_tf(tmp_path):
    rng = np.random.RandomState(0)
    batches = [(rng.randn(2, 5, 3).astype(np.float32), np.array([0, 1], np.int32)),
               (rng.randn(3, 2, 3).astype(np.float32), np.array([1, 1, 0], np.int32))]
    export = str(tmp_path / "export")
    with gc.Graph().as_default():
        x, labels, probs, loss, train = _rnn_model(gc)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            s.run(train, {x: batches[0][0], labels: batches[0][1]})
            b = gc.saved_model.builder.SavedModelBuilder(export)
            sig = gc.saved_model.signature_def_utils.predict_signature_def(
                {"x": x}, {"probs": probs})
            b.add_meta_graph_and_variables(s, ["serve"], {"serving_default": sig})
            b.add_meta_graph(["train"])
            b.save()
            want_probs = s.run(probs, {x: batches[1][0]})
            want = [s.run([loss, train], {x: bx, labels: by})[0]
                    for bx, by in batches * 2]
            want_vars = {v.name: s.run(v) for v in gc.global_variables()}
    with tf.Graph().as_default(), v1.Session() as sess:
        v1.saved_model.loader.load(sess, ["serve"], export)
        np.testing.assert_allclose(sess.run("probs:0", {"x:0": batches[1][0]}),
                                   want_probs, rtol=1e-5)
    with tf.Graph().as_default(), v1.Session() as sess:
        v1.saved_model.loader.load(sess, ["train"], export)
        (train_op,) = v1.get_collection("train_op")
        got = [sess.run(["loss:0", train_op], {"x:0": bx, "labels:0": by})[0]
               for bx, by in batches * 2]
        np.testing.assert_allclose(got, want, rtol=1e-5)
        assert sorted(v.name for v in v1.global_variables()) == sorted(want_vars)
        for v in v1.global_variables():
            np.testing.assert_allclose(sess.run(v), want_vars[v.name], rtol=1e-5,
                                       atol=1e-7, err_msg=v.name)


def test_estimator_export_served_by_tf(tmp_path):
    """A canned DNNClassifier trained in graphc, exported with a tf.Example parsing
    receiver: TF serves its predict and classification signatures with graphc's
    values."""
    fc = gc.feature_column
    cols = [fc.numeric_column("x", shape=[2]), fc.indicator_column(
        fc.categorical_column_with_vocabulary_list("c", ["a", "b", "c"]))]
    est = gc.estimator.DNNClassifier([4], cols, n_classes=3,
                                     model_dir=str(tmp_path / "model"))

    def input_fn():
        xs = np.random.RandomState(0).randn(6, 2).astype(np.float32)
        return ({"x": gc.constant(xs), "c": gc.constant([["a"], ["b"], ["c"]] * 2)},
                gc.constant([0, 1, 2, 0, 1, 2]))
    est.train(input_fn, steps=3)
    receiver = gc.estimator.export.build_parsing_serving_input_receiver_fn(
        fc.make_parse_example_spec(cols))
    path = est.export_saved_model(str(tmp_path / "export"), receiver)
    examples = [gc.train.Example(features=gc.train.Features(feature={
        "x": gc.train.Feature(float_list=gc.train.FloatList(value=[x0, -1.0])),
        "c": gc.train.Feature(bytes_list=gc.train.BytesList(value=[c]))}))
        .SerializeToString() for x0, c in [(0.5, b"b"), (-2.0, b"zz")]]

    def serve(m, Graph, Session):
        with Graph().as_default(), Session() as s:
            meta = m.saved_model.loader.load(s, ["serve"], path)
            return [s.run({k: v.name for k, v in meta.signature_def[key].outputs.items()},
                          {meta.signature_def[key].inputs[arg].name: examples})
                    for key, arg in (("predict", "examples"), ("classification", "inputs"))]
    want, got = serve(gc, gc.Graph, gc.Session), serve(v1, tf.Graph, v1.Session)
    for w, g in zip(want, got):
        assert sorted(w) == sorted(g)
        for k in w:
            if w[k].dtype == object:
                np.testing.assert_array_equal(w[k], g[k])
            else:
                np.testing.assert_allclose(w[k], g[k], rtol=1e-5, err_msg=k)


def test_export_tf_meta_graph_trains_on_in_tf(tmp_path):
    """gc.io.export_tf_meta_graph + a V2 checkpoint: TF1's import_meta_graph, restore
    and the "train_op" collection give graphc's next losses."""
    from test_saved_model_write import _linear_trained
    for as_text in (False, True):
        prefix, meta, feed, want = _linear_trained(str(tmp_path / str(as_text)), as_text)
        with tf.Graph().as_default(), v1.Session() as sess:
            saver = v1.train.import_meta_graph(meta)
            saver.restore(sess, prefix)
            train = v1.get_collection("train_op")[0]
            got = [sess.run(["loss:0", train], feed)[0] for _ in range(3)]
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_keras_model_simple_saved_served_by_tf(tmp_path):
    """TF1's Keras serving idiom: simple_save(K.get_session(), ...) of a trained model
    with dropout and batch norm (learning phase 0): TF serves graphc's predictions."""
    with gc.Graph().as_default():
        keras = gc.keras
        model = keras.Sequential([
            keras.layers.Dense(8, activation="relu", input_shape=(4,)),
            keras.layers.Dropout(0.5), keras.layers.BatchNormalization(),
            keras.layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        x = np.random.RandomState(0).randn(16, 4).astype(np.float32)
        model.fit(x, np.arange(16) % 3, epochs=2, verbose=0)
        keras.backend.set_learning_phase(0)
        export = str(tmp_path / "keras")
        gc.saved_model.simple_save(keras.backend.get_session(), export,
                                   {"x": model.input}, {"probs": model.output})
        want = model.predict(x[:3])
    with tf.Graph().as_default(), v1.Session() as sess:
        sig = v1.saved_model.loader.load(sess, ["serve"], export).signature_def[
            "serving_default"]
        got = sess.run(sig.outputs["probs"].name, {sig.inputs["x"].name: x[:3]})
    np.testing.assert_allclose(got, want, rtol=1e-5)
