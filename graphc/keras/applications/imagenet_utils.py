"""tf.keras.applications.imagenet_utils: preprocess_input (the "caffe", "tf" and
"torch" pixel conventions of the ImageNet models) and decode_predictions (the top
classes of a (batch, 1000) prediction, named by Keras' class index JSON, downloaded
once into ~/.keras/models by gc.keras.utils.get_file).

    x = gc.keras.applications.imagenet_utils.preprocess_input(images, mode="torch")
"""
import json

import numpy as np

from .. import backend
from ..utils_data import get_file

__all__ = ["preprocess_input", "decode_predictions"]

CLASS_INDEX = None   # the parsed class index JSON: {"0": ["n01440764", "tench"], ...}
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN = [103.939, 116.779, 123.68]           # BGR means of ImageNet
_TORCH_MEAN, _TORCH_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def preprocess_input(x, data_format=None, mode="caffe"):
    """A batch of [0, 255] images (numpy array, changed in place where its dtype is
    floating, or a tensor; 3-D or 4-D, 3 channels) for an ImageNet model. mode:
    "caffe" (RGB -> BGR, ImageNet means subtracted), "tf" (scaled to [-1, 1]) or
    "torch" (scaled to [0, 1], then normalized per channel by ImageNet's mean/std).

        x = gc.keras.applications.imagenet_utils.preprocess_input(images, mode="tf")
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    if data_format is None:
        data_format = backend.image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_first_flip(x, ndim):
    """RGB -> BGR along the channel axis of a channels_first batch or image."""
    return x[::-1, ...] if ndim == 3 else x[:, ::-1, ...]


def _preprocess_numpy(x, data_format, mode):
    """The numpy form: arithmetic in place (on a reversed view in "caffe" mode)."""
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = (_channel_first_flip(x, x.ndim) if data_format == "channels_first"
             else x[..., ::-1])
        mean, std = _CAFFE_MEAN, None
    for c in range(3):
        if data_format == "channels_last":
            channel = (Ellipsis, c)
        else:
            channel = (c,) if x.ndim == 3 else (slice(None), c)
        x[channel] -= mean[c]
        if std is not None:
            x[channel] /= std[c]
    return x


def _preprocess_tensor(x, data_format, mode):
    """The graph form: the means added with bias_add, the stds divided per channel."""
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        x = x / 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = (_channel_first_flip(x, backend.ndim(x)) if data_format == "channels_first"
             else x[..., ::-1])
        mean, std = _CAFFE_MEAN, None
    neg_mean = backend.constant(-np.array(mean))
    if backend.dtype(x) != backend.dtype(neg_mean):
        neg_mean = backend.cast(neg_mean, backend.dtype(x))
    x = backend.bias_add(x, neg_mean, data_format=data_format)
    if std is not None:
        std_t = backend.constant(np.array(std), dtype=backend.dtype(x))
        if data_format == "channels_first":
            std_t = backend.reshape(std_t, (-1, 1, 1))
        x = x / std_t
    return x


def decode_predictions(preds, top=5):
    """The `top` classes of each row of a (samples, 1000) numpy prediction, as lists
    of (class_name, class_description, score), best first.

        decode_predictions(model.predict(x), top=3)[0][0]   # ('n02504458', ...)
    """
    global CLASS_INDEX
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a "
                         "2D array of shape (samples, 1000)). Found array with shape: "
                         + str(preds.shape))
    if CLASS_INDEX is None:
        fpath = get_file("imagenet_class_index.json", CLASS_INDEX_PATH,
                         cache_subdir="models", file_hash=CLASS_INDEX_HASH)
        with open(fpath) as f:
            CLASS_INDEX = json.load(f)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        rows = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in best]
        rows.sort(key=lambda r: r[2], reverse=True)
        results.append(rows)
    return results


_MODES = {
    "tf": 'imagenet_utils.preprocess_input in "tf" mode: [0, 255] pixels to [-1, 1].',
    "caffe": 'imagenet_utils.preprocess_input in "caffe" mode (RGB -> BGR, means '
             'subtracted).',
    "torch": 'imagenet_utils.preprocess_input in "torch" mode ([0, 1], then ImageNet\'s '
             'per-channel mean and std).',
    None: "Returns x unchanged: the models scale their inputs themselves (tf_keras keeps "
          "this function for compatibility)."}
_imagenet_preprocess, _imagenet_decode = preprocess_input, decode_predictions


def module_functions(module, mode):
    """(preprocess_input, decode_predictions) of the application module `module`
    ("nasnet", ...): imagenet_utils' preprocessing in `mode` ("tf", "caffe", "torch"),
    or x unchanged for mode None, and imagenet_utils.decode_predictions.

        preprocess_input, decode_predictions = module_functions("xception", "tf")
    """
    path = f"gc.keras.applications.{module}"

    def preprocess_input(x, data_format=None):
        if mode is None:
            return x
        return _imagenet_preprocess(x, data_format=data_format, mode=mode)

    def decode_predictions(preds, top=5):
        return _imagenet_decode(preds, top=top)
    preprocess_input.__doc__ = (f"{_MODES[mode]}\n\n        x = "
                                f"{path}.preprocess_input(images)\n    ")
    decode_predictions.__doc__ = ("imagenet_utils.decode_predictions.\n\n        "
                                  f"{path}.decode_predictions(model.predict(x))\n    ")
    for fn in (preprocess_input, decode_predictions):
        fn.__module__ = f"graphc.keras.applications.{module}"
        fn.__qualname__ = fn.__name__
    return preprocess_input, decode_predictions
