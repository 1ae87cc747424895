"""What every gc.keras.applications model shares: tf_keras' argument checks
(weights, classes, input shape), the image input, the classifier or pooling head and
the loading of the ImageNet weights (an HDF5 file fetched by get_file, read by
model.load_weights)."""
import warnings

import graphc as gc
from .. import activations, backend, layers
from ..engine import Input
from ..models import Model
from ..utils import get_source_inputs
from ..utils_data import get_file

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def check_weights(weights, include_top, classes, received=True):
    """tf_keras' checks of `weights` (None, "imagenet" or an existing file) and of
    `classes` with the ImageNet classifier; without `received`, the messages of the
    tf_keras modules that do not repeat the value (EfficientNet, InceptionResNetV2,
    NASNet)."""
    if not (weights in {"imagenet", None} or gc.io.gfile.exists(weights)):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `imagenet` (pre-training on ImageNet), or "
                         "the path to the weights file to be loaded."
                         + (f"  Received: weights={weights}" if received else ""))
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as '
                         "true, `classes` should be 1000"
                         + (f".  Received: classes={classes}" if received else ""))


def check_kwargs(kwargs):
    """tf_keras' error for arguments a model function does not know."""
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")


def _channels_warning(channels):
    if channels not in {1, 3}:
        warnings.warn(f"This model usually expects 1 or 3 input channels. However, it "
                      f"was passed an input_shape with {channels} input channels.",
                      stacklevel=3)


def obtain_input_shape(input_shape, default_size, min_size, data_format,
                       require_flatten, weights=None):
    """The model's input shape (without batch): input_shape checked (3 dims, at least
    min_size x min_size, 3 channels for ImageNet weights) or the default one
    (default_size square with a classifier, else unknown rows and columns)."""
    last = data_format != "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if last else input_shape[0]
        _channels_warning(channels)
    else:
        channels = 3
    default_shape = ((default_size, default_size, channels) if last
                     else (channels, default_size, default_size))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(f"When setting `include_top=True` and loading `imagenet` "
                             f"weights, `input_shape` should be {default_shape}.  "
                             f"Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels, rows, cols = ((input_shape[-1], *input_shape[:2]) if last
                                else tuple(input_shape))
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received "
                             f"`input_shape={input_shape}`")
        if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; "
                             f"Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (None, None, 3) if last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError(f"If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return input_shape


def channel_axis():
    """The channel axis of a 4-D batch in the current image_data_format."""
    return 3 if backend.image_data_format() == "channels_last" else 1


def image_input(input_tensor, input_shape):
    """The model's input: a new Input, an Input over a plain tensor, or the given
    Keras tensor."""
    if input_tensor is None:
        return Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def correct_pad(inputs, kernel_size):
    """The ((top, bottom), (left, right)) zero padding before a stride-2 "valid"
    convolution that matches TF's "same" padding on even sizes."""
    first = 2 if backend.image_data_format() == "channels_first" else 1
    size = backend.int_shape(inputs)[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """With pretrained weights the classifier's activation is softmax or None."""
    if weights is None:
        return
    act = activations.get(classifier_activation)
    if act not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError(f"Only `None` and `softmax` activations are allowed for the "
                         f"`classifier_activation` argument when using pretrained "
                         f"weights, with `include_top=True`; Received: "
                         f"classifier_activation={act}")


def classifier(x, classes, classifier_activation, weights, pool_name="avg_pool"):
    """Global average pooling (pool_name None: its default name) then the `predictions`
    Dense layer."""
    x = layers.GlobalAveragePooling2D(name=pool_name)(x)
    validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


def efficientnet_top(x, include_top, pooling, dropout_rate, classes,
                     classifier_activation, weights, **dense_kwargs):
    """The EfficientNets' head: average pooling, dropout and the `predictions` Dense
    layer, or the headless model's optional pooling."""
    if not include_top:
        return pool(x, pooling, "avg_pool", "max_pool")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions",
                        **dense_kwargs)(x)


def efficientnet_weights(model, weights, include_top, hashes, base_url):
    """Load an EfficientNet's weights: "imagenet" from `base_url` + its name, checked
    against `hashes` (keyed by the name's last two characters), or a path."""
    if weights != "imagenet":
        return load_weights(model, weights)
    fname = model.name + (".h5" if include_top else "_notop.h5")
    file_hash = hashes[model.name[-2:]][0 if include_top else 1]
    return load_weights(model, weights, fname, base_url + fname, file_hash)


def pool(x, pooling, avg_name=None, max_name=None):
    """The headless model's optional global pooling ("avg" or "max")."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def make_model(input_tensor, img_input, x, name):
    """The functional Model from the source inputs of input_tensor (or img_input)."""
    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    return Model(inputs, x, name=name)


def _require_h5py(fname):
    try:
        import h5py  # noqa: F401
    except ImportError:
        raise ImportError(f"weights='imagenet' loads the Keras HDF5 file {fname}: "
                          f"model.load_weights needs the h5py package to read it "
                          f"(pip install h5py)") from None


def load_weights(model, weights, fname=None, url=None, file_hash=None):
    """weights="imagenet": fname fetched from url (cached in ~/.keras/models, checked
    against file_hash) and loaded; a path: loaded; None: nothing."""
    if weights == "imagenet":
        _require_h5py(fname)
        path = get_file(fname, url, cache_subdir="models", file_hash=file_hash)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model
