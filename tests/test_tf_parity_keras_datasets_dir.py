"""graphc's keras directory / array datasets against tf_keras 2.21 on the same tiny trees."""
from tf_parity import needs_eager, tf  # noqa: F401 (needs_eager: a fixture)

import os

import numpy as np
import pytest

import graphc as gc

tf_keras = pytest.importorskip("tf_keras")
pytestmark = pytest.mark.usefixtures("needs_eager")     # tf_keras' datasets iterate eagerly


def _write(path, px):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tf.io.write_file(path, tf.io.encode_png(px.astype(np.uint8)))


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("imgs")
    rng = np.random.RandomState(0)
    for c, n in (("b_cls", 3), ("a_cls", 4)):
        for i in range(n):
            _write(str(root / c / f"im{i}.png"), rng.randint(0, 256, (9, 13, 3)))
    _write(str(root / "a_cls" / "sub" / "deep.png"), rng.randint(0, 256, (6, 6, 3)))
    return str(root)


def _tf_all(ds):
    return [tuple(np.asarray(t) for t in e) if isinstance(e, tuple) else np.asarray(e)
            for e in ds]


def _gc_all(ds):
    return list(ds.as_numpy_iterator())


@pytest.mark.parametrize("kw", [
    dict(interpolation="bilinear"), dict(interpolation="nearest"),
    dict(interpolation="bicubic"), dict(interpolation="area"),
    dict(color_mode="grayscale", label_mode="categorical"),
    dict(crop_to_aspect_ratio=True, label_mode="binary", class_names=["b_cls", "a_cls"]),
    dict(labels=None, color_mode="rgba", follow_links=True)])
def test_image_dataset_values(tree, kw, capsys):
    args = dict(image_size=(5, 4), batch_size=3, shuffle=False, **kw)
    want = tf_keras.utils.image_dataset_from_directory(tree, **args)
    out_tf = capsys.readouterr().out
    got = gc.keras.utils.image_dataset_from_directory(tree, **args)
    assert capsys.readouterr().out == out_tf
    assert got.file_paths == want.file_paths and got.class_names == want.class_names
    spec = want.element_spec if isinstance(want.element_spec, tuple) else (want.element_spec,)
    types = got.output_types if isinstance(got.output_types, tuple) else (got.output_types,)
    assert [t.name for t in types] == [s.dtype.name for s in spec]
    shapes = got.output_shapes if isinstance(got.output_shapes, tuple) else \
        (got.output_shapes,)
    assert [s.as_list() for s in shapes] == [s.shape.as_list() for s in spec]
    for a, b in zip(_gc_all(got), _tf_all(want), strict=True):
        for u, v in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple)
                        else (b,)):
            np.testing.assert_allclose(u, v, rtol=1e-5, atol=2e-3)


def test_image_dataset_shuffled_split(tree, capsys):
    args = dict(image_size=(3, 3), batch_size=2, seed=7, validation_split=0.3,
                subset="both")
    want = tf_keras.utils.image_dataset_from_directory(tree, **args)
    out_tf = capsys.readouterr().out
    got = gc.keras.utils.image_dataset_from_directory(tree, **args)
    assert capsys.readouterr().out == out_tf
    for g, w in zip(got, want):
        assert g.file_paths == w.file_paths     # the file order is TF's
        # the shuffle buffer's order is not: compare the multiset of elements
        key = lambda e: sorted((int(y), round(float(x.sum()), 2)) for x, y in zip(*e))
        assert sorted(sum((key(e) for e in _gc_all(g)), [])) == \
            sorted(sum((key(e) for e in _tf_all(w)), []))


def test_text_dataset(tmp_path, capsys):
    for c, texts in (("neg", ["bad", "awful film"]), ("pos", ["good", "great!"])):
        for i, t in enumerate(texts):
            (tmp_path / c).mkdir(exist_ok=True)
            (tmp_path / c / f"{i}.txt").write_text(t)
    for kw in (dict(shuffle=False, max_length=4, label_mode="categorical"),
               dict(shuffle=False, labels=None, batch_size=None)):
        want = tf_keras.utils.text_dataset_from_directory(str(tmp_path), **kw)
        out_tf = capsys.readouterr().out
        got = gc.keras.utils.text_dataset_from_directory(str(tmp_path), **kw)
        assert capsys.readouterr().out == out_tf and got.class_names == want.class_names
        for a, b in zip(_gc_all(got), _tf_all(want), strict=True):
            for u, v in zip(a if isinstance(a, tuple) else (a,),
                            b if isinstance(b, tuple) else (b,)):
                np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("kw", [
    dict(sequence_length=3), dict(sequence_length=2, sequence_stride=3, sampling_rate=2),
    dict(sequence_length=3, start_index=2, end_index=17, batch_size=4),
    dict(sequence_length=4, batch_size=None)])
def test_timeseries_exact(kw):
    data = np.arange(40, dtype=np.float32).reshape(20, 2)
    targets = np.arange(20) * 10
    want = _tf_all(tf_keras.utils.timeseries_dataset_from_array(data, targets, **kw))
    got = _gc_all(gc.keras.utils.timeseries_dataset_from_array(data, targets, **kw))
    assert len(got) == len(want)
    for (gx, gy), (wx, wy) in zip(got, want):
        assert gx.dtype == wx.dtype and gy.dtype == wy.dtype
        np.testing.assert_array_equal(gx, wx)
        np.testing.assert_array_equal(gy, wy)


def test_timeseries_shuffled_set():
    kw = dict(sequence_length=3, batch_size=4, shuffle=True, seed=3)
    want = tf_keras.utils.timeseries_dataset_from_array(np.arange(15), None, **kw)
    got = gc.keras.utils.timeseries_dataset_from_array(np.arange(15), None, **kw)
    rows = lambda bs: sorted(r.tolist() for b in bs for r in b)
    assert rows(_gc_all(got)) == rows(_tf_all(want))


@pytest.mark.parametrize("kw", [dict(left_size=0.75), dict(right_size=3),
                                dict(left_size=4, shuffle=True, seed=5)])
def test_split_dataset(kw):
    data = (np.arange(10), np.arange(10) * 3.0)
    want = tf_keras.utils.split_dataset(data, **kw)
    got = gc.keras.utils.split_dataset(data, **kw)
    for g, w in zip(got, want):
        for a, b in zip(_gc_all(g), _tf_all(w), strict=True):
            np.testing.assert_array_equal(a[0], b[0])
            np.testing.assert_array_equal(a[1], b[1])


def test_split_dataset_errors():
    for kw in (dict(), dict(left_size=0, right_size=0), dict(left_size=1.5),
               dict(left_size="a"), dict(right_size="b"), dict(right_size=5),
               dict(left_size=0.6, right_size=0.6), dict(left_size=3, right_size=3)):
        with pytest.raises(Exception) as want:
            tf_keras.utils.split_dataset(np.arange(5), **kw)
        with pytest.raises(type(want.value)) as got:
            gc.keras.utils.split_dataset(np.arange(5), **kw)
        assert str(got.value) == str(want.value)


@pytest.mark.parametrize("kw", [
    dict(class_mode="categorical", seed=3), dict(class_mode="sparse", shuffle=False),
    dict(class_mode="binary", subset="validation", seed=1),
    dict(class_mode=None, subset="training", classes=["b_cls", "a_cls"],
         follow_links=True, batch_size=2, seed=9)])
def test_flow_from_directory_indexing(tree, kw, capsys):
    tgen = tf_keras.preprocessing.image.ImageDataGenerator(validation_split=0.4)
    ggen = gc.keras.preprocessing.image.ImageDataGenerator(validation_split=0.4)
    args = dict(target_size=(4, 5), batch_size=kw.pop("batch_size", 3), **kw)
    want = tgen.flow_from_directory(tree, **args)
    out_tf = capsys.readouterr().out
    got = ggen.flow_from_directory(tree, **args)
    assert capsys.readouterr().out == out_tf
    assert got.filenames == want.filenames and got.filepaths == want.filepaths
    np.testing.assert_array_equal(got.classes, want.classes)
    assert got.classes.dtype == want.classes.dtype
    assert got.class_indices == want.class_indices and got.samples == want.samples
    assert len(got) == len(want) and got.image_shape == want.image_shape
    for _ in range(5):      # the batches' sample order (np.random, seeded as TF's)
        np.testing.assert_array_equal(next(got.index_generator), next(want.index_generator))


def test_flow_from_directory_pixels_are_pil_nearest(tree):
    """tf_keras needs PIL to load images (absent here); PIL's nearest resize takes pixel
    floor((x + 0.5) * in / out), which is TF 2's half-pixel nearest resize."""
    gen = gc.keras.preprocessing.image.ImageDataGenerator()
    it = gen.flow_from_directory(tree, target_size=(4, 5), shuffle=False, batch_size=8)
    x, _ = next(it)
    for img, path in zip(x, it.filepaths):
        px = tf.io.decode_png(tf.io.read_file(path), channels=3)
        want = tf.image.resize(px, (4, 5), method="nearest").numpy().astype(np.float32)
        np.testing.assert_array_equal(img, want)
