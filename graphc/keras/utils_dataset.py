"""gc.keras.utils' dataset makers (tf.keras.utils): image_dataset_from_directory,
text_dataset_from_directory, and (utils_dataset_arrays.py) timeseries_dataset_from_array
and split_dataset. Each
returns a gc.data.Dataset (TF1 style: iterate it with an iterator in a Session, or with
ds.as_numpy_iterator()). Files are read lazily, one element at a time, by a Python
generator (Dataset.from_generator); images are decoded with graphc's own PNG / JPEG /
BMP / GIF decoders and resized with tf.image.resize's (TF 2) rules.

    ds = gc.keras.utils.image_dataset_from_directory("flowers", image_size=(64, 64),
                                                      batch_size=8, seed=1)
    for images, labels in ds.as_numpy_iterator(): ...
"""
import os

import numpy as np

from .. import dtypes

__all__ = ["image_dataset_from_directory", "text_dataset_from_directory",
           "timeseries_dataset_from_array", "split_dataset"]

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                   "gaussian", "mitchellcubic")


# ---- indexing a directory ---------------------------------------------------------------
def _index_directory(directory, labels, formats, class_names, shuffle, seed, follow_links):
    """(file_paths, labels, class_names) as tf_keras' index_directory: class
    subdirectories sorted (hidden ones skipped), files in sorted walk order, then both
    lists shuffled with np.random.RandomState(seed)."""
    from .preprocessing.image_directory import _iter_valid_files
    if labels != "inferred":
        subdirs = [""]
        class_names = subdirs
    else:
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if not class_names:
            class_names = subdirs
        elif set(class_names) != set(subdirs):
            raise ValueError(f"The `class_names` passed did not match the names of the "
                             f"subdirectories of the target directory. Expected: "
                             f"{subdirs}, but received: {class_names}")
    index = dict(zip(class_names, range(len(class_names))))
    filenames, found = [], []
    for sub in subdirs:
        path = os.path.join(directory, sub)
        name = os.path.basename(path)
        for root, fname in _iter_valid_files(path, formats, follow_links):
            filenames.append(os.path.join(name, os.path.relpath(os.path.join(root, fname),
                                                                path)))
            found.append(index[name])
    if labels not in ("inferred", None):
        if len(labels) != len(filenames):
            raise ValueError(f"Expected the lengths of `labels` to match the number of "
                             f"files in the target directory. len(labels) is {len(labels)}"
                             f" while we found {len(filenames)} files in directory "
                             f"{directory}.")
        class_names = sorted(set(labels))
        labels = np.asarray(labels)
        labels = labels.astype({"i": "int32", "u": "int32", "f": "float32"}.get(
            labels.dtype.kind, labels.dtype))
    else:
        labels = np.asarray(found, dtype="int32").reshape(-1)
    print(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    paths = [os.path.join(directory, f) for f in filenames]
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        np.random.RandomState(seed).shuffle(labels)
    return paths, labels, class_names


def _check_split(validation_split, subset, shuffle, seed):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and "
                         "inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", '
                         f'received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must "
                         "provide a `seed` argument, to make sure that there is no "
                         "overlap between the training and validation subset.")


def _split(samples, labels, validation_split, subset):
    """The training (first) or validation (last int(split * n)) part."""
    if not validation_split:
        return samples, labels
    n_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - n_val} files for training.")
        return samples[:-n_val], labels[:-n_val]
    print(f"Using {n_val} files for validation.")
    return samples[-n_val:], labels[-n_val:]


def _check_labels(labels, label_mode, class_names, what):
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                f"`labels` argument should be a list/tuple of integer labels, of the same "
                f"size as the number of {what} files in the target directory. If you wish "
                f"to infer the labels from the subdirectory names in the target "
                f'directory, pass `labels="inferred"`. If you wish to get a dataset that '
                f"only contains {'images' if what == 'image' else 'text samples'} (no "
                f"labels), pass `labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. '
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", '
                         f'"binary", or None. Received: label_mode={label_mode}')


def _encode_label(label, label_mode, num_classes, dtype):
    if label_mode == "binary":
        return np.asarray([label], np.float32)
    if label_mode == "categorical":
        return (np.arange(num_classes) == label).astype(np.float32)
    return np.asarray(label, dtype)


def _make_dataset(paths, labels, label_mode, num_classes, load, spec, batch_size, shuffle,
                  seed, names):
    """A Dataset of load(path) (with labels): from_generator, shuffled and batched as
    tf_keras does it (a buffer of batch_size * 8, or 1024 unbatched)."""
    from .. import data
    from ..type_spec import TensorSpec
    paths = list(paths)
    ldtype = dtypes.as_dtype(np.asarray(labels).dtype) if len(labels) else dtypes.int32
    lshape = {"binary": [1], "categorical": [num_classes]}.get(label_mode, [])
    lspec = TensorSpec(lshape, dtypes.float32 if label_mode in ("binary", "categorical")
                       else ldtype)

    def gen():
        for i, path in enumerate(paths):
            x = load(path)
            yield x if not label_mode else \
                (x, _encode_label(labels[i], label_mode, num_classes, ldtype.as_numpy_dtype))
    sig = spec if not label_mode else (spec, lspec)
    ds = data.Dataset.from_generator(gen, output_signature=sig)
    if batch_size is not None:
        if shuffle:
            ds = ds.shuffle(buffer_size=batch_size * 8, seed=seed)
        ds = ds.batch(batch_size)
    elif shuffle:
        ds = ds.shuffle(buffer_size=1024, seed=seed)
    ds = ds.prefetch(data.AUTOTUNE)
    ds.class_names = names
    return ds


def _both_or_one(paths, labels, validation_split, subset, make, empty):
    """One dataset, or [training, validation] for subset='both'."""
    if subset == "both":
        parts = [_split(paths, labels, validation_split, s) for s in ("training",
                                                                       "validation")]
        for (p, _), what in zip(parts, ("training ", "validation ")):
            if not len(p):
                raise ValueError(empty(what))
        return [make(p, lab, both_val) for (p, lab), both_val in zip(parts, (False, True))]
    paths, labels = _split(paths, labels, validation_split, subset)
    if not len(paths):
        raise ValueError(empty(""))
    return make(paths, labels, False)


# ---- images -----------------------------------------------------------------------------
def _tf_resize(px, size, method):
    """(h, w, c) pixels resized as TF 2's tf.image.resize (antialias=False): float32 (the
    input's dtype for nearest), half-pixel centres; lanczos3 / lanczos5 / gaussian /
    mitchellcubic are ScaleAndTranslate with scale = size / (h, w) in float32."""
    from ..ops import image_ops, image_resize, image_scale
    (oh, ow), (h, w) = size, px.shape[:2]
    attrs = {"align_corners": False, "half_pixel_centers": True}
    if method == "nearest":
        return image_ops.RESIZE_NEAREST.kernel(px[None], np.array(size), **attrs)[0]
    if method == "bilinear":
        return image_ops.RESIZE_BILINEAR.kernel(px[None].astype(np.float32), np.array(size),
                                                **attrs)[0]
    if method in image_resize.SCALE_AND_TRANSLATE_METHODS:
        scale = np.array(size, np.float32) / np.array([h, w], np.float32)
        return image_scale.SCALE_AND_TRANSLATE.kernel(
            px[None], np.array(size, np.int32), scale, np.zeros(2, np.float32),
            kernel_type=method, antialias=False)[0]
    if method == "bicubic":
        weights = (image_resize._bicubic_weights(h, oh, False, True),
                   image_resize._bicubic_weights(w, ow, False, True))
    else:                                                   # area
        weights = (image_resize._area_weights(h, oh, False),
                   image_resize._area_weights(w, ow, False))
    return image_ops._apply_weights(px[None].astype(np.float32), weights[0], weights[1],
                                    np.float32)[0]


def _load_image(path, size, channels, method, crop):
    """decode_image(channels, first frame) -> [centre crop] -> tf.image.resize."""
    from ..ops.image_jpeg import DECODE_IMAGE
    with open(path, "rb") as f:
        raw = f.read()
    px = DECODE_IMAGE.kernel(np.array(raw, dtype=object), channels=channels,
                             dtype=dtypes.uint8, expand_animations=False)
    if crop:
        h, w = px.shape[:2]
        ch = min(h, int(np.float32(w * size[0]) / np.float32(size[1])))
        cw = min(w, int(np.float32(h * size[1]) / np.float32(size[0])))
        top, left = int(np.float32(h - ch) / 2), int(np.float32(w - cw) / 2)
        px = px[top:top + ch, left:left + cw]
    return _tf_resize(np.asarray(px), tuple(size), method)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None,
                                 interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, **kwargs):
    """A Dataset of (images, labels) batches from a directory of class subdirectories
    (tf.keras.utils.image_dataset_from_directory): images float32 (uint8 with
    interpolation='nearest') of shape (batch, *image_size, channels); labels int32
    (label_mode 'int'), float32 one-hot ('categorical') or float32 (batch, 1)
    ('binary'). `.class_names` and `.file_paths` are set; subset='both' gives
    [training, validation].

        ds = image_dataset_from_directory("data", image_size=(32, 32), batch_size=4,
                                          seed=1, validation_split=0.25,
                                          subset="training")
    """
    if "smart_resize" in kwargs:
        crop_to_aspect_ratio = kwargs.pop("smart_resize")
    if kwargs:
        raise TypeError(f"Unknown keywords argument(s): {tuple(kwargs.keys())}")
    _check_labels(labels, label_mode, class_names, "image")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. '
                         f"Received: color_mode={color_mode}")
    interpolation = interpolation.lower()         # tf_keras' get_interpolation
    if interpolation not in _INTERPOLATIONS:
        raise NotImplementedError(f"Value not recognized for `interpolation`: "
                                  f"{interpolation}. Supported values are: "
                                  f"{set(_INTERPOLATIONS)}")
    _check_split(validation_split, subset, shuffle, seed)
    seed = np.random.randint(1e6) if seed is None else seed
    paths, labels_, names = _index_directory(directory, labels, IMAGE_FORMATS, class_names,
                                             shuffle, seed, follow_links)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={names}")
    size = (int(image_size[0]), int(image_size[1]))
    from ..type_spec import TensorSpec
    spec = TensorSpec(size + (channels,), dtypes.uint8 if interpolation == "nearest"
                      else dtypes.float32)

    def make(p, lab, both_val):
        ds = _make_dataset(p, lab, label_mode, len(names),
                           lambda f: _load_image(f, size, channels, interpolation,
                                                 crop_to_aspect_ratio),
                           spec, batch_size, shuffle and not both_val, seed, names)
        ds.file_paths = list(p)
        return ds
    return _both_or_one(paths, labels_, validation_split, subset, make, lambda what: (
        f"No {what}images found in directory {directory}. Allowed formats: "
        f"{IMAGE_FORMATS}"))


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None,
                                shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False):
    """A Dataset of (texts, labels) batches from the .txt files of a directory of class
    subdirectories (tf.keras.utils.text_dataset_from_directory): texts are string
    scalars (bytes; the first max_length bytes when given), labels as in
    image_dataset_from_directory. `.class_names` is set.

        ds = text_dataset_from_directory("reviews", batch_size=2, shuffle=False)
    """
    _check_labels(labels, label_mode, class_names, "text")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    _check_split(validation_split, subset, shuffle, seed)
    seed = np.random.randint(1e6) if seed is None else seed
    paths, labels_, names = _index_directory(directory, labels, (".txt",), class_names,
                                             shuffle, seed, follow_links)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={names}")
    from ..type_spec import TensorSpec

    def read(path):
        with open(path, "rb") as f:
            raw = f.read()
        return np.array(raw if max_length is None else raw[:max_length], dtype=object)

    def make(p, lab, both_val):
        return _make_dataset(p, lab, label_mode, len(names), read,
                             TensorSpec([], dtypes.string), batch_size,
                             shuffle and not both_val, seed, names)
    return _both_or_one(paths, labels_, validation_split, subset, make, lambda what: (
        f"No {what}text files found in directory {directory}. Allowed format: .txt"))


from .utils_dataset_arrays import split_dataset, timeseries_dataset_from_array  # noqa: E402,F401
