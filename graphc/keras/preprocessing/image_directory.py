"""The file-backed batch iterators of gc.keras.preprocessing.image: DirectoryIterator
(ImageDataGenerator.flow_from_directory: one subdirectory per class) and
DataFrameIterator (flow_from_dataframe: file names and labels in DataFrame columns).

Images are read with load_img when PIL is installed (tf_keras' path exactly); without
PIL, image_pil.load_image_array reads them with graphc's own decoders and PIL's
resizing rules, so the arrays are those PIL would give for PNG, BMP and GIF files.

    it = gen.flow_from_directory("data/train", target_size=(64, 64), batch_size=16)
    xb, yb = next(it)          # (16, 64, 64, 3) float32, (16, num_classes) one-hot
"""
import multiprocessing.pool
import os
import warnings

import numpy as np

from .. import backend as K
from . import image_utils
from .image_iterators import Iterator
from .image_pil import load_image_array

__all__ = ["DirectoryIterator", "DataFrameIterator"]

def _load(path, color_mode, target_size, interpolation, keep_aspect_ratio, data_format,
          dtype):
    """One image as a float array (img_to_array of load_img, or of load_image_array)."""
    if image_utils.pil_image is not None:
        img = image_utils.load_img(path, color_mode=color_mode, target_size=target_size,
                                   interpolation=interpolation,
                                   keep_aspect_ratio=keep_aspect_ratio)
    else:
        img = load_image_array(path, color_mode, target_size, interpolation,
                               keep_aspect_ratio)
    return image_utils.img_to_array(img, data_format=data_format, dtype=dtype)


class _FromFiles(Iterator):
    """The batch making shared by DirectoryIterator and DataFrameIterator."""

    def _set_processing_attrs(self, image_data_generator, target_size, color_mode,
                              data_format, save_to_dir, save_prefix, save_format, subset,
                              interpolation, keep_aspect_ratio):
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        if color_mode not in {"rgb", "rgba", "grayscale"}:
            raise ValueError("Invalid color mode:", color_mode,
                             '; expected "rgb", "rgba", or "grayscale".')
        self.color_mode = color_mode
        self.data_format = data_format
        chans = {"rgba": 4, "rgb": 3, "grayscale": 1}[color_mode]
        self.image_shape = self.target_size + (chans,) if data_format == "channels_last" \
            else (chans,) + self.target_size
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        split = None
        if subset is not None:
            vs = self.image_data_generator._validation_split
            if subset == "validation":
                split = (0, vs)
            elif subset == "training":
                split = (vs, 1)
            else:
                raise ValueError(f'Invalid subset name: {subset};expected "training" or '
                                 f'"validation"')
        self.split = split
        self.subset = subset

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        gen = self.image_data_generator
        for i, j in enumerate(index_array):
            x = _load(self.filepaths[j], self.color_mode, self.target_size,
                      self.interpolation, self.keep_aspect_ratio, self.data_format,
                      self.dtype)
            if gen:
                x = gen.standardize(gen.apply_transform(x, gen.get_random_transform(x.shape)))
            batch_x[i] = x
        if self.save_to_dir:
            for i, j in enumerate(index_array):
                img = image_utils.array_to_img(batch_x[i], self.data_format, scale=True)
                fname = f"{self.save_prefix}_{j}_{np.random.randint(1e7)}.{self.save_format}"
                img.save(os.path.join(self.save_to_dir, fname))
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in {"binary", "sparse"}:
            batch_y = np.asarray(self.classes, dtype=self.dtype)[index_array]
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
        elif mode == "multi_output":
            batch_y = [out[index_array] for out in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]

    @property
    def filepaths(self):
        """The full path of each sample, in sample order."""
        return self._filepaths


def _iter_valid_files(directory, formats, follow_links):
    """(root, name) of the files under directory with an allowed extension, in sorted
    walk order (os.walk is iterative)."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda t: t[0]):
        for fname in sorted(files):
            if fname.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause '
                              'distortion. Please verify your output.')
            if fname.lower().endswith(formats):
                yield root, fname


def _list_class_dir(directory, formats, split, class_indices, follow_links):
    dirname = os.path.basename(directory)
    files = list(_iter_valid_files(directory, formats, follow_links))
    if split:
        files = files[int(split[0] * len(files)):int(split[1] * len(files))]
    names = [os.path.join(dirname, os.path.relpath(os.path.join(root, f), directory))
             for root, f in files]
    return [class_indices[dirname]] * len(names), names


class DirectoryIterator(_FromFiles):
    """DirectoryIterator(directory, image_data_generator, target_size=(256, 256),
    color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
    shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
    save_format="png", follow_links=False, subset=None, interpolation="nearest",
    keep_aspect_ratio=False, dtype=None).

    Batches of the images in directory's class subdirectories (sorted by name unless
    `classes` gives them), as tf_keras: `.filenames` (relative paths), `.classes`
    (int32 per sample), `.class_indices`, `.samples`, `.filepaths`, len() = batches.

        it = DirectoryIterator("data", gen, target_size=(32, 32), class_mode="sparse")
    """
    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", follow_links=False, subset=None,
                 interpolation="nearest", keep_aspect_ratio=False, dtype=None):
        data_format = K.image_data_format() if data_format is None else data_format
        dtype = K.floatx() if dtype is None else dtype
        self._set_processing_attrs(image_data_generator, target_size, color_mode,
                                   data_format, save_to_dir, save_prefix, save_format,
                                   subset, interpolation, keep_aspect_ratio)
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        self.class_mode = class_mode
        self.dtype = dtype
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        with multiprocessing.pool.ThreadPool() as pool:
            parts = [pool.apply_async(_list_class_dir, (
                os.path.join(directory, d), self.white_list_formats, self.split,
                self.class_indices, follow_links)) for d in classes]
            parts = [p.get() for p in parts]
        self.filenames = [name for _, names in parts for name in names]
        self.samples = len(self.filenames)
        self.classes = np.array([c for cls, _ in parts for c in cls], dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def labels(self):
        """The class index of each sample (== .classes)."""
        return self.classes

    @property
    def sample_weight(self):
        return None


def _column(df, col):
    """A DataFrame column as a list (duck-typed: df[col] iterable, .tolist() if any)."""
    values = df[col]
    return list(values.tolist() if hasattr(values, "tolist") else values)


class DataFrameIterator(_FromFiles):
    """DataFrameIterator(dataframe, directory=None, image_data_generator=None,
    x_col="filename", y_col="class", weight_col=None, target_size=(256, 256),
    color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
    shuffle=True, seed=None, data_format="channels_last", save_to_dir=None,
    save_prefix="", save_format="png", subset=None, interpolation="nearest",
    keep_aspect_ratio=False, dtype="float32", validate_filenames=True).

    Batches of the images named in dataframe[x_col] (relative to directory), labels from
    y_col by class_mode: categorical / binary / sparse (class names, sorted unless
    `classes` is given; categorical may hold lists: multi-label), raw (the values),
    multi_output (y_col a list of columns), input, None. The dataframe is duck-typed:
    anything with `df[col]` iterable and len(df[col]) works (pandas is not needed).

        it = DataFrameIterator({"filename": ["a.png"], "class": ["cat"]}, "imgs", gen)
    """
    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw",
                           "sparse", None}

    def __init__(self, dataframe, directory=None, image_data_generator=None,
                 x_col="filename", y_col="class", weight_col=None, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format="channels_last", save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype="float32", validate_filenames=True):
        self._set_processing_attrs(image_data_generator, target_size, color_mode,
                                   data_format, save_to_dir, save_prefix, save_format,
                                   subset, interpolation, keep_aspect_ratio)
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype
        xs = _column(dataframe, x_col)
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        if class_mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{class_mode}", y_col must be a list. '
                            f"Received {type(y_col).__name__}.")
        if not all(isinstance(x, str) for x in xs):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        rows = list(range(len(xs)))
        ys = None
        if class_mode in {"binary", "sparse", "categorical", "raw"}:
            ys = _column(dataframe, y_col)
        kinds = {"binary": (str,), "sparse": (str,), "categorical": (str, list, tuple)}
        if class_mode in kinds and not all(isinstance(y, kinds[class_mode]) for y in ys):
            what = "string" if class_mode != "categorical" else "string, list or tuple"
            raise TypeError(f'If class_mode="{class_mode}", y_col="{y_col}" column '
                            f"values must be {'type ' * (class_mode == 'categorical')}"
                            f"{what}{'s' * (class_mode != 'categorical')}.")
        if class_mode == "binary":
            n = len(set(classes)) if classes else len(set(ys))
            if n != 2:
                raise ValueError(f'If class_mode="binary" there must be 2 classes. '
                                 f"{'Found ' if not classes else ''}{n} "
                                 f"{'class/es were given' if classes else 'classes'}.")
        if classes and class_mode in {"input", "multi_output", "raw", None}:
            warnings.warn(f'`classes` will be ignored given the class_mode="{class_mode}"')
        weights = None
        if weight_col:
            weights = np.asarray(_column(dataframe, weight_col))
            if not np.issubdtype(weights.dtype, np.number):
                raise TypeError(f"Column weight_col={weight_col} must be numeric.")
        if validate_filenames:
            ok = [i for i in rows if self._valid(xs[i])]
            if len(ok) < len(rows):
                warnings.warn(f'Found {len(rows) - len(ok)} invalid image filename(s) in '
                              f'x_col="{x_col}". These filename(s) will be ignored.')
            rows = ok
        labeled = class_mode not in ("input", "multi_output", "raw", None)
        if labeled:
            rows, classes = self._filter_classes(ys, rows, classes, y_col)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            rows = rows[int(self.split[0] * len(rows)):int(self.split[1] * len(rows))]
        if labeled:
            idx = self.class_indices
            self.classes = [[idx[c] for c in ys[i] if c in idx]
                            if isinstance(ys[i], (list, tuple)) else idx[ys[i]]
                            for i in rows]
        self.filenames = [xs[i] for i in rows]
        self._sample_weight = weights[rows] if weight_col else None
        if class_mode == "multi_output":
            cols = [_column(dataframe, c) for c in y_col]
            self._targets = [np.array([col[i] for i in rows]) for col in cols]
        if class_mode == "raw":
            self._targets = np.asarray([ys[i] for i in rows])
        self.samples = len(self.filenames)
        word = "validated" if validate_filenames else "non-validated"
        tail = f" belonging to {len(classes)} classes" if labeled else ""
        print(f"Found {self.samples} {word} image filenames{tail}.")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _valid(self, fname):
        path = os.path.join(self.directory, fname)
        return path.lower().endswith(self.white_list_formats) and os.path.isfile(path)

    @staticmethod
    def _filter_classes(ys, rows, classes, y_col):
        """The rows whose label (or some label of a list) is in classes, and classes
        (given: deduplicated in order; else all labels sorted)."""
        for i in rows:
            if not isinstance(ys[i], (str, list, tuple)):
                raise TypeError(f"Expect string, list or tuple but found {type(ys[i])} in "
                                f"{y_col} column ")
        if not classes:
            found = set()
            for i in rows:
                found.update(ys[i] if isinstance(ys[i], (list, tuple)) else [ys[i]])
            return rows, sorted(found)
        classes = list(dict.fromkeys(classes))
        keep = set(classes)
        return [i for i in rows if (any(c in keep for c in ys[i]) if isinstance(
            ys[i], (list, tuple)) else ys[i] in keep)], classes

    @property
    def labels(self):
        """The class indices, or the targets for class_mode raw / multi_output."""
        return self._targets if self.class_mode in {"multi_output", "raw"} else self.classes

    @property
    def sample_weight(self):
        return self._sample_weight
