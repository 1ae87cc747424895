"""TF's SavedModels (simple_save and the builder with a main op, saved_model.pb and
.pbtxt) built live by TF 2.21 load in graphc and serve TF's values on several feeds."""

import numpy as np

import graphc as gc
import tf_fixtures
from tf_parity import needs_eager, tf, v1  # noqa: F401 (a fixture)

make = tf_fixtures.data_module("make_tf_saved_model")
FEEDS = make.FEEDS


def test_tf_saved_models_load_in_graphc(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("ant\nbee\ncat\n")
    for how in ("simple_save", "builder", "builder_text"):
        export = str(tmp_path / how)
        want = make.export(v1, tf.Graph, v1.Session, str(vocab), export, how, FEEDS)
        with gc.Graph().as_default(), gc.Session() as sess:
            tags = ["serve"] if how == "simple_save" else ["serve", "gpu"]
            meta = gc.saved_model.loader.load(sess, tags, export)
            sig = next(iter(meta.signature_def.values()))
            for (a, b), w_ in zip(FEEDS, want):
                got = sess.run([sig.outputs["y"].name, sig.outputs["ids"].name],
                               {sig.inputs["x"].name: a, sig.inputs["words"].name: b})
                np.testing.assert_allclose(got[0], w_[0])
                np.testing.assert_array_equal(got[1], w_[1])


def _keras_models(keras):
    """TF 2 Keras models: Conv1D, BatchNormalization, LSTM, Dropout and a softmax head
    (trained one epoch); StringLookup, Embedding and pooling over words; Conv2D,
    MaxPooling2D, SeparableConv2D; a bidirectional GRU, LayerNormalization and
    MultiHeadAttention; TextVectorization (a MutableHashTable vocabulary restored from
    the checkpoint, ragged splits, DenseBincount, RaggedTensorToTensor)."""
    inp = keras.Input((6, 3))
    h = keras.layers.Conv1D(4, 3, padding="same", activation="relu")(inp)
    h = keras.layers.LSTM(5)(keras.layers.BatchNormalization()(h))
    conv = keras.Model(inp, keras.layers.Dense(2, activation="softmax")(
        keras.layers.Dropout(0.3)(h)))
    conv.compile("adam", "sparse_categorical_crossentropy")
    x = np.random.RandomState(0).randn(8, 6, 3).astype(np.float32)
    conv.fit(x, np.arange(8) % 2, epochs=1, verbose=0)
    words = keras.Input((None,), dtype="string")
    h = keras.layers.Embedding(5, 3)(keras.layers.StringLookup(
        vocabulary=["ant", "bee", "cat"])(words))
    lookup = keras.Model(words, keras.layers.Dense(2)(
        keras.layers.GlobalAveragePooling1D()(h)))
    texts = np.array([[b"ant", b"cat", b"zzz"], [b"bee", b"bee", b"ant"]], object)
    img = keras.Input((8, 8, 3))
    h = keras.layers.MaxPooling2D()(keras.layers.Conv2D(4, 3, activation="relu")(img))
    cnn = keras.Model(img, keras.layers.Dense(3)(keras.layers.Flatten()(
        keras.layers.SeparableConv2D(3, 2, padding="same")(h))))
    seq = keras.Input((5, 4))
    h = keras.layers.LayerNormalization()(keras.layers.Bidirectional(
        keras.layers.GRU(3, return_sequences=True))(seq))
    attn = keras.Model(seq, keras.layers.GlobalMaxPooling1D()(
        keras.layers.MultiHeadAttention(2, 3)(h, h)))
    line = keras.Input((1,), dtype="string")
    vectorize = keras.layers.TextVectorization(max_tokens=10, output_sequence_length=4)
    vectorize.adapt(["the cat sat", "a dog ran far away", "the dog"])
    text = keras.Model(line, keras.layers.GlobalAveragePooling1D()(
        keras.layers.Embedding(10, 3)(vectorize(line))))
    rng = np.random.RandomState(1)
    return [(conv, x), (lookup, texts), (cnn, rng.randn(2, 8, 8, 3).astype(np.float32)),
            (attn, rng.randn(2, 5, 4).astype(np.float32)),
            (text, np.array([["the cat ran"], ["unknown words here ok"]], object))]


def test_tf2_keras_saved_models_load_in_graphc(tmp_path, needs_eager):  # noqa: F811
    """Keras model.save (TF 2 SavedModels: traced functions, a restore function, a
    lookup table's init op) loaded by graphc's TF1 loader: TF's predictions."""
    import tf_keras
    for k, (model, x) in enumerate(_keras_models(tf_keras)):
        export = str(tmp_path / f"m{k}")
        model.save(export)
        want = model.predict(x, verbose=0)
        with gc.Graph().as_default(), gc.Session() as sess:
            sig = gc.saved_model.loader.load(sess, ["serve"], export).signature_def[
                "serving_default"]
            (name,), (out,) = sig.inputs, sig.outputs
            got = sess.run(sig.outputs[out].name, {sig.inputs[name].name: x})
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_tf2_module_functions_load_in_graphc(tmp_path, needs_eager):  # noqa: F811
    """tf.Module signatures whose traced functions leave default attrs out (tf.range's
    Tidx), take gradients (GradientTape), split strings into a padded string tensor and
    assign variables in nested functions: graphc serves TF's outputs."""
    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(2.0)
            self.n = tf.Variable(1.0)

        @tf.function(input_signature=[tf.TensorSpec([], tf.int32),
                                      tf.TensorSpec([None, 2], tf.float32),
                                      tf.TensorSpec([None], tf.string)])
        def serve(self, n, x, s):
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = tf.reduce_sum(x * x * self.w)
            return {"range": tf.range(n) * 2, "grad": tape.gradient(loss, x),
                    "tokens": tf.strings.split(s).to_tensor(""),
                    "nested": self._bump(x)}

        @tf.function
        def _bump(self, x):
            self.n.assign_add(1.0)
            return x + self.n
    m = Model()
    export = str(tmp_path / "module")
    tf.saved_model.save(m, export, signatures={"serving_default": m.serve})
    feeds = [(3, [[1.0, 2.0]], ["a b c", "d"]), (0, np.zeros((0, 2)), ["", "x y"])]
    for n, x, s in feeds:
        want = tf.saved_model.load(export).signatures["serving_default"](
            n=tf.constant(n), x=tf.constant(x, tf.float32), s=tf.constant(s))
        with gc.Graph().as_default(), gc.Session() as sess:
            sig = gc.saved_model.loader.load(sess, ["serve"], export).signature_def[
                "serving_default"]
            got = sess.run({k: v.name for k, v in sig.outputs.items()},
                           {sig.inputs["n"].name: n, sig.inputs["x"].name: x,
                            sig.inputs["s"].name: np.array(s, object)})
        for k, v in want.items():
            np.testing.assert_array_equal(got[k], v.numpy(), err_msg=k)


def test_tf2_empty_batches_and_loops_load_in_graphc(tmp_path, needs_eager):  # noqa: F811
    """A Keras LayerNormalization fed a batch of 0 (its fused batch norm over 0 rows)
    and a TensorArray stacked after a loop of 0 iterations: TF's outputs' shapes."""
    import tf_keras
    inp = tf_keras.Input((None, 4), name="x")
    model = tf_keras.Model(inp, tf_keras.layers.LayerNormalization()(inp))
    model.save(str(tmp_path / "ln"))

    class Loop(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([], tf.int32, name="n")])
        def f(self, n):
            ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
            for i in tf.range(n):
                ta = ta.write(i, tf.cast(i, tf.float32))
            return {"y": ta.stack()}
    loop = Loop()
    tf.saved_model.save(loop, str(tmp_path / "loop"), signatures={"serving_default": loop.f})
    for name, feeds in (("ln", {"x": np.ones((0, 3, 4), np.float32)}),
                        ("ln", {"x": np.arange(24, dtype=np.float32).reshape(2, 3, 4)}),
                        ("loop", {"n": np.int32(0)}), ("loop", {"n": np.int32(3)})):
        export = str(tmp_path / name)
        want = tf.saved_model.load(export).signatures["serving_default"](
            **{k: tf.constant(v) for k, v in feeds.items()})
        with gc.Graph().as_default(), gc.Session() as sess:
            sig = gc.saved_model.loader.load(sess, ["serve"], export).signature_def[
                "serving_default"]
            got = sess.run({k: v.name for k, v in sig.outputs.items()},
                           {sig.inputs[k].name: v for k, v in feeds.items()})
        for k, v in want.items():
            assert got[k].shape == v.shape, (name, k)
            np.testing.assert_allclose(got[k], v.numpy(), rtol=1e-5, atol=1e-6)
