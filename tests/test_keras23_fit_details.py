"""gc.keras fit details found by comparing with tf_keras (TF1 graph mode): a weight the
loss does not reach, Sequence reading with workers=0 / shuffle, layer output masks."""
import numpy as np
import pytest

import graphc as gc

keras = gc.keras


def test_fit_with_a_weight_the_loss_does_not_reach_raises():
    # tf_keras' v1 fit steps through optimizer.get_updates, whose get_gradients raises
    with gc.Graph().as_default():
        inp = keras.Input((3,))
        a = keras.layers.Dense(2, name="a")(inp)
        b = keras.layers.Dense(1, name="b")(inp)
        model = keras.Model(inp, [a, b])
        model.compile(keras.optimizers.SGD(0.1), loss=["mse", None])
        with pytest.raises(ValueError, match="b/kernel.*has `None` for gradient"):
            model.fit(np.ones((4, 3), "float32"), [np.ones((4, 2), "float32")], verbose=0)


class _Seq(keras.utils.Sequence):
    def __init__(self):
        self.ends, self.read = 0, []

    def __len__(self):
        return 4

    def __getitem__(self, i):
        self.read.append(i)
        return np.full((2, 1), i, "float32"), np.zeros((2, 1), "float32")

    def on_epoch_end(self):
        self.ends += 1


def _fit(**kwargs):
    with gc.Graph().as_default():
        model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
        model.compile("sgd", "mse")
        seq = _Seq()
        model.fit(seq, epochs=3, verbose=0, **kwargs)
        return seq


def test_sequence_with_workers_0_is_read_in_order_without_on_epoch_end():
    seq = _fit(workers=0)                    # tf_keras: iter_sequence_infinite
    assert seq.ends == 0 and seq.read == [0, 1, 2, 3] * 3


def test_sequence_with_workers_is_shuffled_per_pass_and_told_each_epoch_end():
    np.random.seed(1)
    seq = _fit(shuffle=True)
    assert seq.ends == 3
    passes = [seq.read[i:i + 4] for i in range(0, 12, 4)]
    assert all(sorted(p) == [0, 1, 2, 3] for p in passes)
    assert any(p != [0, 1, 2, 3] for p in passes)
    assert _fit(shuffle=False).read == [0, 1, 2, 3] * 3


def test_layer_input_and_output_masks():
    with gc.Graph().as_default():
        ids = keras.Input((3,), dtype="int32")
        emb = keras.layers.Embedding(5, 2, mask_zero=True)
        lstm = keras.layers.LSTM(2)
        lstm(emb(ids))
        assert emb.input_mask is None and lstm.output_mask is None
        assert emb.output_mask is lstm.input_mask is emb.get_output_mask_at(0)
        assert lstm.get_input_mask_at(0) is emb.output_mask
        with gc.Session() as sess:
            got = sess.run(emb.output_mask, {ids: [[1, 0, 2]]})
        np.testing.assert_array_equal(got, [[True, False, True]])
        add = keras.layers.Add()
        add([emb.output, emb.output])
        assert len(add.input_mask) == 2 and add.input_mask[0] is emb.output_mask


def test_fit_and_evaluate_print_tf1_progress_lines(capsys):
    # TF 1.15: "Train on ..." with validation arrays, "Epoch i/n" only for n > 1, a
    # ProgbarLogger line per epoch (verbose=2) and evaluate's progress bar
    with gc.Graph().as_default():
        model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
        model.compile("sgd", "mse")
        x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
        model.fit(x, y, epochs=2, batch_size=4, verbose=2, validation_data=(x[:2], y[:2]))
        lines = capsys.readouterr().out.splitlines()
        assert lines[:2] == ["Train on 4 samples, validate on 2 samples", "Epoch 1/2"]
        assert lines[2].startswith("4/4 - 0s - loss: ") and " - val_loss: " in lines[2]
        model.fit(x, y, epochs=1, batch_size=4, verbose=2)
        assert capsys.readouterr().out.startswith("4/4 - 0s - loss: ")
        model.evaluate(x, y, verbose=1)
        assert "4/4 [==============================]" in capsys.readouterr().out
        model.evaluate(x, y, verbose=0)
        assert capsys.readouterr().out == ""


def test_checkpoint_and_scheduler_messages(tmp_path, capsys):
    # TF 1.15's ModelCheckpoint(verbose=1) says whether the monitored value improved
    with gc.Graph().as_default():
        model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
        model.compile(keras.optimizers.SGD(0.0), "mse")
        path = str(tmp_path / "w{epoch}.h5")
        x = np.ones((2, 1), "float32")
        model.fit(x, x, epochs=2, verbose=0, callbacks=[
            keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True,
                                            save_weights_only=True, verbose=1),
            keras.callbacks.LearningRateScheduler(lambda e: 0.0, verbose=1)])
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "Epoch 00001: LearningRateScheduler reducing learning rate to 0.0."
    assert out[3].startswith("Epoch 00001: loss improved from inf to ")
    assert out[3].endswith(", saving model to " + str(tmp_path / "w1.h5"))
    assert out[-1].startswith("Epoch 00002: loss did not improve from ")
    assert not (tmp_path / "w2.h5").exists()
