"""gc.keras.utils' directory / array datasets and ImageDataGenerator.flow_from_directory /
flow_from_dataframe, on tiny trees written in tmp_path (no TF, no PIL, no pandas)."""
import os

import numpy as np
import pytest

import graphc as gc
from graphc.keras.preprocessing.image_pil import _pil_resize, load_image_array
from graphc.ops.image_png import png_encode

utils = gc.keras.utils
ImageDataGenerator = gc.keras.preprocessing.image.ImageDataGenerator


def _png(path, px):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(png_encode(px.astype(np.uint8)))


@pytest.fixture
def tree(tmp_path):
    """cat/0..2.png and dog/0..2.png (5 x 7 RGB), a stray .txt, a hidden dir."""
    rng = np.random.RandomState(0)
    for c in ("cat", "dog"):
        for i in range(3):
            _png(str(tmp_path / c / f"{i}.png"), rng.randint(0, 256, (5, 7, 3)))
    (tmp_path / "cat" / "notes.txt").write_text("x")
    (tmp_path / ".hidden").mkdir()
    return str(tmp_path)


def _all(ds):
    return list(ds.as_numpy_iterator())


def test_image_dataset_order_labels_and_types(tree, capsys):
    ds = utils.image_dataset_from_directory(tree, image_size=(4, 4), batch_size=2, seed=1)
    assert capsys.readouterr().out == "Found 6 files belonging to 2 classes.\n"
    names = [os.path.join(tree, c, f"{i}.png") for c in ("cat", "dog") for i in range(3)]
    np.random.RandomState(1).shuffle(names)
    assert ds.file_paths == names and ds.class_names == ["cat", "dog"]
    assert ds.output_types == (gc.float32, gc.int32)
    assert ds.output_shapes[0].as_list() == [None, 4, 4, 3]
    batches = _all(ds)
    assert [len(y) for _, y in batches] == [2, 2, 2]
    assert sorted(np.concatenate([y for _, y in batches]).tolist()) == [0, 0, 0, 1, 1, 1]


def test_image_dataset_values_nearest_and_bilinear(tree):
    ds = utils.image_dataset_from_directory(tree, image_size=(3, 4), shuffle=False,
                                            batch_size=None, interpolation="nearest")
    x, y = _all(ds)[0]
    assert x.dtype == np.uint8 and y == 0
    src = load_image_array(os.path.join(tree, "cat", "0.png"))
    iy = np.floor((np.arange(3) + 0.5) * 5 / 3).astype(int)
    ix = np.floor((np.arange(4) + 0.5) * 7 / 4).astype(int)
    np.testing.assert_array_equal(x, src[iy][:, ix])
    _png(os.path.join(tree, "flat", "a.png"), np.full((6, 8, 3), 77))
    ds = utils.image_dataset_from_directory(os.path.join(tree, "flat"), labels=None,
                                            image_size=(3, 5), shuffle=False)
    (x,) = _all(ds)
    assert x.shape == (1, 3, 5, 3) and x.dtype == np.float32 and np.all(x == 77.0)


def test_image_dataset_label_modes_and_split(tree, capsys):
    tr, va = utils.image_dataset_from_directory(
        tree, image_size=(2, 2), seed=3, validation_split=0.34, subset="both",
        label_mode="categorical", color_mode="grayscale", batch_size=8)
    out = capsys.readouterr().out
    assert "Using 4 files for training." in out and "Using 2 files for validation." in out
    (xt, yt), = _all(tr)
    (xv, yv), = _all(va)
    assert xt.shape == (4, 2, 2, 1) and yt.shape == (4, 2) and yt.dtype == np.float32
    assert set(tr.file_paths).isdisjoint(va.file_paths) and len(va.file_paths) == 2
    ds = utils.image_dataset_from_directory(tree, image_size=(2, 2), shuffle=False,
                                            label_mode="binary", color_mode="rgba")
    (x, y), = _all(ds)
    assert x.shape == (6, 2, 2, 4) and y.tolist() == [[0.0]] * 3 + [[1.0]] * 3
    ds = utils.image_dataset_from_directory(tree, labels=[5, 6, 5, 6, 5, 6], shuffle=False,
                                            image_size=(2, 2))
    assert ds.class_names == [5, 6] and _all(ds)[0][1].tolist() == [5, 6, 5, 6, 5, 6]


def test_image_dataset_errors(tree):
    with pytest.raises(ValueError, match="must provide a `seed`"):
        utils.image_dataset_from_directory(tree, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="`validation_split` must be set"):
        utils.image_dataset_from_directory(tree, subset="training", seed=1)
    with pytest.raises(ValueError, match="color_mode"):
        utils.image_dataset_from_directory(tree, color_mode="cmyk")
    with pytest.raises(ValueError, match="label_mode"):
        utils.image_dataset_from_directory(tree, label_mode="sparse")
    with pytest.raises(ValueError, match="class_names"):
        utils.image_dataset_from_directory(tree, class_names=["cat"])
    with pytest.raises(TypeError, match="Unknown keywords"):
        utils.image_dataset_from_directory(tree, colour="rgb")
    with pytest.raises(NotImplementedError, match="not recognized for `interpolation`: "
                                                  "hamming"):
        utils.image_dataset_from_directory(tree, interpolation="hamming")


def test_text_dataset(tmp_path):
    for c, texts in (("neg", ["bad", "awful film"]), ("pos", ["good"])):
        (tmp_path / c).mkdir()
        for i, t in enumerate(texts):
            (tmp_path / c / f"{i}.txt").write_text(t)
    ds = utils.text_dataset_from_directory(str(tmp_path), shuffle=False, max_length=4)
    (x, y), = _all(ds)
    assert x.tolist() == [b"bad", b"awfu", b"good"] and y.tolist() == [0, 0, 1]
    assert ds.class_names == ["neg", "pos"] and ds.output_types == (gc.string, gc.int32)
    ds = utils.text_dataset_from_directory(str(tmp_path), labels=None, batch_size=None,
                                           seed=2)
    assert sorted(_all(ds)) == [b"awful film", b"bad", b"good"]


def test_timeseries_windows():
    data, targets = np.arange(20).reshape(10, 2), np.arange(10) * 10
    ds = utils.timeseries_dataset_from_array(data, targets, 3, sequence_stride=2,
                                             sampling_rate=2, start_index=1, end_index=9,
                                             batch_size=2)
    got = _all(ds)
    x = np.concatenate([b[0] for b in got])
    np.testing.assert_array_equal(x[:, :, 0], [[2, 6, 10], [6, 10, 14]])
    np.testing.assert_array_equal(np.concatenate([b[1] for b in got]), [10, 30])
    ds = utils.timeseries_dataset_from_array(np.arange(10), None, 4, batch_size=3,
                                             shuffle=True, seed=4)
    rows = sorted(w.tolist() for b in _all(ds) for w in b)
    assert rows == [list(range(i, i + 4)) for i in range(7)]
    with pytest.raises(ValueError, match="sampling_rate"):
        utils.timeseries_dataset_from_array(np.arange(5), None, 2, sampling_rate=0)


def test_split_dataset():
    left, right = utils.split_dataset((np.arange(10), np.arange(10) * 2), left_size=0.7)
    assert [a.tolist() for a in _all(left)[0]] == [0, 0]
    assert len(_all(left)) == 7 and len(_all(right)) == 3
    left, right = utils.split_dataset(gc.data.Dataset.range(6).batch(4), right_size=2)
    assert [b.tolist() for b in _all(left)] == [[0, 1, 2, 3]]
    assert [b.tolist() for b in _all(right)] == [[4, 5]]
    with pytest.raises(ValueError, match="At least one"):
        utils.split_dataset(np.arange(3))


def test_flow_from_directory(tree, capsys):
    os.rmdir(os.path.join(tree, ".hidden"))     # flow_from_directory would count it (as TF)
    gen = ImageDataGenerator(validation_split=0.34)
    it = gen.flow_from_directory(tree, target_size=(3, 4), batch_size=4, seed=3,
                                 class_mode="sparse", subset="training")
    assert capsys.readouterr().out == "Found 4 images belonging to 2 classes.\n"
    assert it.filenames == [os.path.join(c, f"{i}.png") for c in ("cat", "dog")
                            for i in (1, 2)]
    assert it.classes.tolist() == [0, 0, 1, 1] and it.class_indices == {"cat": 0, "dog": 1}
    assert it.samples == 4 and len(it) == 1
    it = gen.flow_from_directory(tree, target_size=(3, 4), shuffle=False, batch_size=6)
    x, y = next(it)
    assert x.shape == (6, 3, 4, 3) and x.dtype == np.float32 and y.shape == (6, 2)
    src = load_image_array(os.path.join(tree, "cat", "0.png"))
    iy = np.floor((np.arange(3) + 0.5) * 5 / 3).astype(int)
    ix = np.floor((np.arange(4) + 0.5) * 7 / 4).astype(int)
    np.testing.assert_array_equal(x[0], src[iy][:, ix])
    for mode, shape in (("binary", (6,)), ("input", (6, 3, 4, 1)), (None, None)):
        it = gen.flow_from_directory(tree, target_size=(3, 4), batch_size=6, shuffle=False,
                                     class_mode=mode, color_mode="grayscale")
        out = it[0]
        assert (out.shape if mode is None else out[1].shape) == (shape or (6, 3, 4, 1))
    with pytest.raises(ValueError, match="Invalid class_mode"):
        gen.flow_from_directory(tree, class_mode="raw")
    with pytest.raises(ValueError, match="Invalid color mode"):
        gen.flow_from_directory(tree, color_mode="cmyk")


def test_pil_rules_without_pil():
    px = np.arange(16, dtype=np.uint8).reshape(4, 4, 1) * 10
    box = _pil_resize(px, (2, 2), "box", (0, 0, 4, 4))
    np.testing.assert_array_equal(box[..., 0], [[25, 45], [105, 125]])   # 2x2 means
    flat = np.full((5, 5, 3), 200, np.uint8)
    for m in ("bilinear", "bicubic", "hamming", "lanczos"):
        assert np.all(_pil_resize(flat, (3, 2), m, (0, 0, 5, 5)) == 200)


class _Frame:
    """A pandas-like stand-in: columns by name."""
    def __init__(self, **cols):
        self.cols = cols

    def __getitem__(self, name):
        return self.cols[name]


def test_flow_from_dataframe_duck_typed(tree, capsys):
    df = _Frame(filename=["cat/0.png", "dog/1.png", "missing.png", "cat/2.png"],
                label=["c", "d", "d", "x"], w=[1.0, 2.0, 3.0, 4.0])
    gen = ImageDataGenerator()
    with pytest.warns(UserWarning, match="1 invalid image filename"):
        it = gen.flow_from_dataframe(df, tree, y_col="label", weight_col="w",
                                     target_size=(2, 2), shuffle=False, classes=["d", "c"])
    assert "Found 2 validated image filenames belonging to 2 classes." in \
        capsys.readouterr().out
    assert it.filenames == ["cat/0.png", "dog/1.png"] and it.classes == [1, 0]
    x, y, w = next(it)
    assert x.shape == (2, 2, 2, 3) and y.tolist() == [[0, 1], [1, 0]] and w.tolist() == [1, 2]
    it = gen.flow_from_dataframe(_Frame(filename=["cat/0.png"], v=[3.5]), tree, y_col="v",
                                 class_mode="raw", target_size=(2, 2))
    assert next(it)[1].tolist() == [3.5]
    with pytest.raises(TypeError, match="must be strings"):
        gen.flow_from_dataframe(_Frame(filename=[1], **{"class": ["a"]}), tree)
