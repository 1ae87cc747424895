"""gc.keras losses, metrics, callbacks and utils added for tf_keras parity: values
against numpy formulas, reductions, configs, names in compile, callbacks in fit,
registration, pad_sequences, get_file's cache path, enqueuers, DOT export."""
import csv
import hashlib
import http.server
import json
import os
import tarfile
import threading

import numpy as np
import pytest

import graphc as gc

K = gc.keras
RNG = np.random.RandomState(0)
Y = RNG.rand(6, 4).astype("float32")
P = RNG.rand(6, 4).astype("float32")
W = RNG.rand(6).astype("float32")


def run(x):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(x)


def metric_value(metric, *args, **kwargs):
    update = metric.update_state(*args, **kwargs)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(update)
        return sess.run(metric.result())


def test_loss_functions_match_numpy():
    d = P - Y
    np.testing.assert_allclose(run(K.losses.huber(Y, P)), np.mean(
        np.where(np.abs(d) <= 1, 0.5 * d * d, np.abs(d) - 0.5), -1), rtol=1e-5)
    np.testing.assert_allclose(run(K.losses.log_cosh(Y, P)),
                               np.mean(np.log(np.cosh(d)), -1), rtol=1e-5)
    pos = np.sum(Y * P, -1)
    neg = np.max((1 - Y) * P, -1)
    np.testing.assert_allclose(run(K.losses.categorical_hinge(Y, P)),
                               np.maximum(neg - pos + 1, 0), rtol=1e-5)
    cos = np.sum(Y * P, -1) / np.linalg.norm(Y, axis=-1) / np.linalg.norm(P, axis=-1)
    np.testing.assert_allclose(run(K.losses.cosine_similarity(Y, P)), -cos, rtol=1e-5)
    np.testing.assert_allclose(run(K.metrics.cosine_similarity(Y, P)), cos, rtol=1e-5)
    assert K.losses.cosine is K.losses.cosine_proximity is K.losses.cosine_similarity
    assert K.losses.KLD is K.losses.kld is K.losses.kl_divergence
    assert K.metrics.MSE is K.losses.mean_squared_error
    assert K.losses.logcosh is K.losses.log_cosh


def test_focal_losses():
    y = (Y > 0.5).astype("float32")
    bce = -(y * np.log(P) + (1 - y) * np.log(1 - P))
    p_t = y * P + (1 - y) * (1 - P)
    want = np.mean((1 - p_t) ** 2 * bce, -1)
    np.testing.assert_allclose(run(K.losses.binary_focal_crossentropy(y, P)), want,
                               rtol=1e-4)
    bal = np.mean((y * 0.25 + (1 - y) * 0.75) * (1 - p_t) ** 2 * bce, -1)
    np.testing.assert_allclose(run(K.losses.binary_focal_crossentropy(
        y, P, apply_class_balancing=True)), bal, rtol=1e-4)
    onehot = np.eye(4, dtype="float32")[[0, 1, 2, 3, 0, 1]]
    p = P / P.sum(-1, keepdims=True)
    want = np.sum(0.25 * (1 - p) ** 2 * -onehot * np.log(p), -1)
    np.testing.assert_allclose(run(K.losses.categorical_focal_crossentropy(onehot, P)),
                               want, rtol=1e-4)
    with pytest.raises(ValueError, match="axis"):
        K.losses.categorical_focal_crossentropy(onehot, P, axis=True)


def test_loss_reductions_and_sample_weight():
    per = np.mean(np.abs(P - Y), -1)
    mae = K.losses.MeanAbsoluteError
    np.testing.assert_allclose(run(mae()(Y, P)), per.mean(), rtol=1e-5)
    np.testing.assert_allclose(run(mae(reduction="sum")(Y, P, sample_weight=W)),
                               (per * W).sum(), rtol=1e-5)
    np.testing.assert_allclose(run(mae(reduction=K.losses.Reduction.NONE)(Y, P, W)),
                               per * W, rtol=1e-5)
    np.testing.assert_allclose(run(mae()(Y, P, sample_weight=2.0)), 2 * per.mean(),
                               rtol=1e-5)
    with pytest.raises(ValueError, match="Invalid Reduction Key: mean"):
        mae(reduction="mean")


def test_sparse_ignore_class_averages_valid_entries():
    labels = np.array([0, 1, 3, 2, 3, 1])
    probs = P / P.sum(-1, keepdims=True)
    per = -np.log(probs[np.arange(6), labels])
    loss = K.losses.SparseCategoricalCrossentropy(ignore_class=3)(labels, probs)
    np.testing.assert_allclose(run(loss), per[labels != 3].mean(), rtol=1e-5)


def test_loss_configs_and_get():
    h = K.losses.Huber(2.0, name="h")
    assert h.get_config() == {"reduction": "auto", "name": "h", "delta": 2.0,
                              "fn": "huber"}
    again = K.losses.Huber.from_config(h.get_config())
    assert again.get_config() == h.get_config()
    assert K.losses.get("huber") is K.losses.huber
    assert isinstance(K.losses.get("CosineSimilarity"), K.losses.CosineSimilarity)
    obj = K.losses.deserialize(K.losses.serialize(K.losses.LogCosh()))
    assert isinstance(obj, K.losses.LogCosh)
    assert K.losses.serialize(K.losses.huber) == "huber"
    with pytest.raises(ValueError, match="Unknown loss function: 'nope'"):
        K.losses.get("nope")
    with pytest.raises(TypeError, match="unexpected keyword argument 'beta'"):
        K.losses.Huber(beta=1.0)
    assert K.losses.BinaryFocalCrossentropy().get_config()["gamma"] == 2.0


def test_regression_metric_objects():
    m = K.metrics.MeanRelativeError(normalizer=2.0)
    np.testing.assert_allclose(metric_value(m, Y, P), np.mean(np.abs(Y - P) / 2),
                               rtol=1e-5)
    m = K.metrics.LogCoshError()
    assert m.name == "logcosh"
    np.testing.assert_allclose(metric_value(m, Y, P, sample_weight=W),
                               np.sum(np.mean(np.log(np.cosh(P - Y)), -1) * W) / W.sum(),
                               rtol=1e-5)
    m = K.metrics.MeanTensor()
    np.testing.assert_allclose(metric_value(m, P, sample_weight=W), P, rtol=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        m.update_state(P[:2])
    y1 = Y[:, :2]
    p1 = P[:, :2]
    raw = 1 - ((y1 - p1) ** 2).sum(0) / ((y1 - y1.mean(0)) ** 2).sum(0)
    np.testing.assert_allclose(metric_value(K.metrics.R2Score(), y1, p1), raw.mean(),
                               rtol=1e-4)
    np.testing.assert_allclose(metric_value(K.metrics.R2Score(None), y1, p1), raw,
                               rtol=1e-4)
    with pytest.raises(ValueError, match="2D inputs"):
        K.metrics.R2Score().update_state(Y[:, 0], P[:, 0])


def test_fbeta_scores():
    y = (Y > 0.5).astype("float32")
    pred = (P > 0.5).astype("float32")
    tp, fp, fn = (pred * y).sum(0), (pred * (1 - y)).sum(0), ((1 - pred) * y).sum(0)
    prec, rec = tp / np.maximum(tp + fp, 1e-12), tp / np.maximum(tp + fn, 1e-12)
    f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0)
    got = metric_value(K.metrics.F1Score(threshold=0.5), y, P)
    np.testing.assert_allclose(got, f1, rtol=1e-5)
    got = metric_value(K.metrics.F1Score("macro", threshold=0.5), y, P)
    np.testing.assert_allclose(got, f1.mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="Invalid `beta`"):
        K.metrics.FBetaScore(beta=1)
    with pytest.raises(ValueError, match="Invalid `average`"):
        K.metrics.F1Score(average="samples")
    assert "beta" not in K.metrics.F1Score().get_config()


def test_iou_metrics():
    m = K.metrics.MeanIoU(num_classes=2)
    np.testing.assert_allclose(metric_value(m, [0, 0, 1, 1], [0, 1, 0, 1]), 1 / 3,
                               rtol=1e-6)
    m = K.metrics.IoU(2, target_class_ids=[0])
    np.testing.assert_allclose(metric_value(m, [0, 0, 1, 1], [0, 1, 0, 1],
                                            sample_weight=[0.3, 0.3, 0.3, 0.1]),
                               0.3 / (0.6 + 0.6 - 0.3), rtol=1e-5)
    m = K.metrics.BinaryIoU(target_class_ids=[1], threshold=0.3)
    np.testing.assert_allclose(metric_value(m, [0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7]),
                               1 / 3, rtol=1e-6)
    m = K.metrics.OneHotMeanIoU(3)
    y = np.eye(3)[[0, 1, 2, 0]]
    p = np.eye(3)[[0, 1, 1, 2]] * 0.9
    cm = np.zeros((3, 3))
    for a, b in zip([0, 1, 2, 0], [0, 1, 1, 2]):
        cm[a, b] += 1
    tp = np.diag(cm)
    want = np.mean(tp / (cm.sum(0) + cm.sum(1) - tp))
    np.testing.assert_allclose(metric_value(m, y, p), want, rtol=1e-6)
    m = K.metrics.MeanIoU(3, ignore_class=2)
    np.testing.assert_allclose(metric_value(m, [0, 1, 2, 2], [0, 1, 1, 1]), 1.0,
                               rtol=1e-6)
    with pytest.raises(ValueError, match="out of range"):
        K.metrics.IoU(2, [2])


def test_at_constraint_metrics():
    y = np.array([0, 0, 1, 1], "float32")
    p = np.array([0.1, 0.6, 0.4, 0.9], "float32")
    assert metric_value(K.metrics.PrecisionAtRecall(0.5), y, p) == 1.0
    np.testing.assert_allclose(metric_value(K.metrics.RecallAtPrecision(0.6), y, p),
                               1.0)
    np.testing.assert_allclose(metric_value(K.metrics.SensitivityAtSpecificity(1.0),
                                            y, p), 0.5)
    np.testing.assert_allclose(metric_value(K.metrics.SpecificityAtSensitivity(1.0),
                                            y, p), 0.5)
    cfg = K.metrics.PrecisionAtRecall(0.5, num_thresholds=3).get_config()
    assert cfg["recall"] == 0.5 and cfg["num_thresholds"] == 3
    with pytest.raises(ValueError, match="range"):
        K.metrics.PrecisionAtRecall(1.5)


def test_metric_get_and_names():
    assert K.metrics.get("cosine_similarity") is K.metrics.cosine_similarity
    assert isinstance(K.metrics.get("F1Score"), K.metrics.F1Score)
    cfg = K.metrics.serialize(K.metrics.MeanIoU(3))
    assert isinstance(K.metrics.deserialize(cfg), K.metrics.MeanIoU)
    assert K.metrics.CosineSimilarity().name == "cosine_similarity"
    assert K.metrics.CategoricalHinge().name == "categorical_hinge"


def _model():
    gc.reset_default_graph()
    gc.set_random_seed(1)
    model = K.Sequential([K.layers.Dense(3, input_shape=(4,))])
    return model


def test_compile_with_new_names_and_callbacks(tmp_path):
    model = _model()
    model.compile(K.optimizers.SGD(0.1), loss="huber",
                  metrics=["cosine_similarity", K.metrics.CategoricalHinge()])
    x, y = RNG.rand(16, 4), RNG.rand(16, 3)
    path = str(tmp_path / "log.csv")
    hist = model.fit(x, y, epochs=3, batch_size=8, verbose=0,
                     callbacks=[K.callbacks.ReduceLROnPlateau("loss", factor=0.5,
                                                              patience=0, min_delta=10),
                                K.callbacks.CSVLogger(path)])
    # 'lr' is logged before the epoch's reduction (tf.keras)
    assert hist.history["lr"] == pytest.approx([0.1, 0.1, 0.05])
    assert K.backend.get_value(model.optimizer.lr) == pytest.approx(0.025)
    rows = list(csv.reader(open(path)))
    keys = ["categorical_hinge", "cosine_similarity", "loss", "lr"]
    assert rows[0] == ["epoch"] + keys + ["val_" + k for k in keys]
    assert rows[1][-1] == "NA"
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    assert float(rows[1][3]) == pytest.approx(hist.history["loss"][0], rel=1e-6)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[K.callbacks.CSVLogger(path,
                                                                          append=True)])
    assert len(list(csv.reader(open(path)))) == 5


def test_terminate_on_nan_and_base_logger():
    model = _model()
    model.compile("sgd", "mse")
    x, y = RNG.rand(8, 4), RNG.rand(8, 3)
    y[5] = np.nan
    hist = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0,
                     callbacks=[K.callbacks.TerminateOnNaN()])
    assert len(hist.history["loss"]) == 1
    logger = K.callbacks.BaseLogger()
    model = _model()
    model.compile("sgd", "mse")
    y = RNG.rand(10, 3)
    model.fit(x[:8].repeat(2, 0)[:10], y, epochs=1, batch_size=4, verbose=0,
              callbacks=[logger])
    assert logger.seen == 10


def test_tensorboard_writes_scalars(tmp_path):
    model = _model()
    model.compile("sgd", "mse")
    tb = K.callbacks.TensorBoard(log_dir=str(tmp_path), update_freq="batch")
    model.fit(RNG.rand(8, 4), RNG.rand(8, 3), epochs=2, batch_size=4, verbose=0,
              callbacks=[tb])
    (name,) = os.listdir(tmp_path)
    tags = []
    for event in gc.summary.summary_iterator(str(tmp_path / name)):
        for v in event.summary.value:
            tags.append((v.tag, event.step))
    # per-batch writes: epochs are stepped by the samples seen (tf.keras v1)
    assert ("epoch_loss", 8) in tags and ("epoch_loss", 16) in tags
    assert ("batch_loss", 0) in tags and ("batch_loss", 3) in tags
    model.fit(RNG.rand(8, 4), RNG.rand(8, 3), epochs=2, verbose=0,
              callbacks=[K.callbacks.TensorBoard(log_dir=str(tmp_path / "e"))])
    (name,) = os.listdir(tmp_path / "e")
    steps = [(v.tag, e.step) for e in gc.summary.summary_iterator(
        str(tmp_path / "e" / name)) for v in e.summary.value]
    assert steps == [("epoch_loss", 0), ("epoch_loss", 1)]
    with pytest.raises(NotImplementedError):
        K.callbacks.TensorBoard(histogram_freq=1)


def test_remote_monitor_posts(tmp_path):
    got = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers["Content-Length"])
            got.append((self.path, self.headers["Content-Type"], self.rfile.read(n)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        root = f"http://127.0.0.1:{server.server_port}"
        mon = K.callbacks.RemoteMonitor(root=root, send_as_json=True)
        mon.on_epoch_end(2, {"loss": np.float32(0.5)})
        K.callbacks.RemoteMonitor(root=root, path="/x").on_epoch_end(0, {"loss": 1.0})
    finally:
        server.shutdown()
    assert got[0][0] == "/publish/epoch/end/"
    assert json.loads(got[0][2]) == {"epoch": 2, "loss": 0.5}
    assert got[1][0] == "/x" and got[1][2].startswith(b"data=")
    with pytest.warns(UserWarning, match="could not reach"):
        K.callbacks.RemoteMonitor(root="http://127.0.0.1:9").on_epoch_end(0, {})


def test_registration_and_scopes():
    @K.utils.register_keras_serializable(package="t")
    class Cubed(K.losses.Loss):
        def call(self, y_true, y_pred):
            return gc.reduce_mean((y_pred - y_true) ** 3, axis=-1)
    assert K.utils.get_registered_name(Cubed) == "t>Cubed"
    assert K.saving.get_registered_object("t>Cubed") is Cubed
    cfg = K.losses.serialize(Cubed(name="c"))
    assert cfg["class_name"] == "t>Cubed"
    assert isinstance(K.losses.deserialize(cfg), Cubed)

    def my_loss(y_true, y_pred):
        return y_pred
    with pytest.raises(ValueError, match="Unknown loss"):
        K.losses.get("my_loss")
    with K.utils.custom_object_scope({"my_loss": my_loss}):
        assert K.losses.get("my_loss") is my_loss
    assert K.utils.get_registered_object("my_loss") is None
    with pytest.raises(ValueError, match="get_config"):
        K.utils.register_keras_serializable()(type("NoConfig", (), {}))
    assert isinstance(K.utils.get_custom_objects(), dict)


def test_pad_sequences_and_to_ordinal():
    seqs = [[1, 2, 3], [4], []]
    np.testing.assert_array_equal(K.utils.pad_sequences(seqs),
                                  [[1, 2, 3], [0, 0, 4], [0, 0, 0]])
    np.testing.assert_array_equal(
        K.utils.pad_sequences(seqs, maxlen=2, padding="post", truncating="post",
                              value=-1), [[1, 2], [4, -1], [-1, -1]])
    out = K.utils.pad_sequences([[1.5]], maxlen=2, dtype="float32")
    assert out.dtype == np.float32 and out.tolist() == [[0.0, 1.5]]
    with pytest.raises(ValueError, match='Padding type "mid"'):
        K.utils.pad_sequences(seqs, padding="mid")
    with pytest.raises(ValueError, match="dtype=object"):
        K.utils.pad_sequences([["a"]], value="x")
    np.testing.assert_array_equal(K.utils.to_ordinal([[0], [2], [1]], 3),
                                  [[0, 0], [1, 1], [1, 0]])


def test_progbar_prints(capsys):
    bar = K.utils.Progbar(4, verbose=1, interval=0)
    for i in range(4):
        bar.update(i + 1, [("loss", float(i))])
    out = capsys.readouterr().out
    assert "4/4 [==============================]" in out and "loss: 1.5000" in out
    bar = K.utils.Progbar(2, verbose=2, stateful_metrics=["acc"])
    bar.add(1, [("acc", 0.25)])
    bar.add(1, [("acc", 0.75)])
    assert "acc: 0.7500" in capsys.readouterr().out
    K.utils.disable_interactive_logging()
    try:
        assert not K.utils.is_interactive_logging_enabled()
    finally:
        K.utils.enable_interactive_logging()


def test_get_file_cache_and_extract(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("hello")
    archive = tmp_path / "data.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src / "a.txt", arcname="data/a.txt")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    cache = tmp_path / "cache"
    path = K.utils.get_file("data.tar.gz", origin=archive.as_uri(), file_hash=digest,
                            cache_dir=str(cache), extract=True)
    assert path == str(cache / "datasets" / "data.tar.gz")
    assert (cache / "datasets" / "data" / "a.txt").read_text() == "hello"
    archive.unlink()                            # cached: no second download
    assert K.utils.get_file("data.tar.gz", origin=archive.as_uri(), file_hash=digest,
                            cache_dir=str(cache)) == path
    with pytest.raises(ValueError, match="origin"):
        K.utils.get_file("x")
    bad = tmp_path / "b.bin"
    bad.write_bytes(b"x")
    with pytest.raises(ValueError, match="corrupted"):
        K.utils.get_file("b.bin", origin=bad.as_uri(), file_hash="0" * 64,
                         cache_dir=str(cache))


def test_enqueuers():
    class Seq(K.utils.Sequence):
        epochs = 0

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return i * 10

        def on_epoch_end(self):
            Seq.epochs += 1
    enq = K.utils.OrderedEnqueuer(Seq())
    enq.start(workers=1, max_queue_size=2)
    it = enq.get()
    assert [next(it) for _ in range(7)] == [0, 10, 20, 0, 10, 20, 0]
    enq.stop()
    assert Seq.epochs >= 2 and not enq.is_running()
    enq = K.utils.GeneratorEnqueuer(iter(range(5)))
    enq.start()
    assert list(enq.get()) == [0, 1, 2, 3, 4]

    def broken():
        yield 1
        raise RuntimeError("boom")
    enq = K.utils.GeneratorEnqueuer(broken())
    enq.start()
    with pytest.raises(RuntimeError, match="boom"):
        list(enq.get())


def test_model_to_dot_and_plot_model(tmp_path, monkeypatch):
    gc.reset_default_graph()
    inp = K.Input((3,))
    a = K.layers.Dense(2, name="a")(inp)
    b = K.layers.Dense(2, name="b")(inp)
    out = K.layers.Add(name="sum")([a, b])
    model = K.Model(inp, out)
    text = K.utils.model_to_dot(model, show_shapes=True).to_string()
    assert text.startswith("digraph G {") and "a: Dense" in text
    assert text.count("->") == 4 and "(None, 2)" in text
    assert K.utils.get_source_inputs(out) == [inp]
    K.utils.plot_model(model, to_file=str(tmp_path / "m.dot"))
    assert (tmp_path / "m.dot").read_text() == K.utils.model_to_dot(model).to_string()
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ImportError, match="graphviz"):
        K.utils.plot_model(model, to_file=str(tmp_path / "m.png"))
