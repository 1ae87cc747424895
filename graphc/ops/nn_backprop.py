"""TF1's conv2d_backprop_filter_v2 / _input_v2 (the backprops given the other tensor
rather than its shape), tf.nn's depthwise_conv2d_backprop_* aliases,
compute_average_loss, scale_regularization_loss and histogram_fixed_width_bins
(composites of existing ops; their gradients come from those ops)."""
from .. import dtypes
from ..graph import name_scope
from .array import reshape, shape
from .broadcast import clip_by_value
from .conv import conv2d_backprop_filter, conv2d_backprop_input
from .core import convert_to_tensor
from .depthwise import depthwise_conv2d_native_backprop_filter as depthwise_conv2d_backprop_filter
from .depthwise import depthwise_conv2d_native_backprop_input as depthwise_conv2d_backprop_input
from .elementwise import cast, floor
from .reduce import reduce_sum

__all__ = ["conv2d_backprop_filter_v2", "conv2d_backprop_input_v2",
           "depthwise_conv2d_backprop_filter", "depthwise_conv2d_backprop_input",
           "compute_average_loss", "scale_regularization_loss", "histogram_fixed_width_bins"]


def _no_explicit(explicit_paddings, api):
    if explicit_paddings:
        raise ValueError(f"{api}: explicit_paddings (padding='EXPLICIT') is not supported "
                         "by graphc")


def conv2d_backprop_filter_v2(input, filter, out_backprop, strides, padding,  # noqa: A002
                              use_cudnn_on_gpu=True, explicit_paddings=[],  # noqa: B006
                              data_format="NHWC", dilations=[1, 1, 1, 1],  # noqa: B006
                              name=None):
    """conv2d_backprop_filter with the filter's shape taken from `filter`:
    `gc.conv2d_backprop_filter_v2(x, w, dy, [1, 1, 1, 1], "SAME")` has w's shape."""
    _no_explicit(explicit_paddings, "conv2d_backprop_filter_v2")
    return conv2d_backprop_filter(input, shape(convert_to_tensor(filter)), out_backprop,
                                  strides, padding, use_cudnn_on_gpu, data_format,
                                  dilations, name)


def conv2d_backprop_input_v2(input, filter, out_backprop, strides, padding,  # noqa: A002
                             use_cudnn_on_gpu=True, explicit_paddings=[],  # noqa: B006
                             data_format="NHWC", dilations=[1, 1, 1, 1],  # noqa: B006
                             name=None):
    """conv2d_backprop_input with the input's shape taken from `input`:
    `gc.conv2d_backprop_input_v2(x, w, dy, [1, 1, 1, 1], "SAME")` has x's shape."""
    _no_explicit(explicit_paddings, "conv2d_backprop_input_v2")
    return conv2d_backprop_input(shape(convert_to_tensor(input)), filter, out_backprop,
                                 strides, padding, use_cudnn_on_gpu, data_format,
                                 dilations, name)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """sum(per_example_loss * sample_weight) / global_batch_size (default: the loss's
    first dim; one replica). `gc.nn.compute_average_loss([1., 2., 3.])` is 2."""
    with name_scope(None, "average_loss"):
        loss = convert_to_tensor(per_example_loss)
        if not loss.dtype.is_floating:
            raise TypeError(f"compute_average_loss: per_example_loss must be a float "
                            f"tensor, not {loss.dtype.name}")
        if sample_weight is not None:
            loss = loss * convert_to_tensor(sample_weight, dtype=loss.dtype)
        total = reduce_sum(loss)
        if global_batch_size is None:
            size = cast(shape(loss, out_type=dtypes.int64)[0], loss.dtype)
        else:
            if isinstance(global_batch_size, (int, float)) and global_batch_size <= 0:
                raise ValueError(f"global_batch_size must be positive. Got "
                                 f"{global_batch_size}")
            size = cast(convert_to_tensor(global_batch_size), loss.dtype)
        return total / size


def scale_regularization_loss(regularization_loss):
    """The regularization loss (or the sum of a list of them) divided by the number of
    replicas, 1 in graphc: `gc.nn.scale_regularization_loss([1., 2.])` is 3."""
    from .broadcast import add_n
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = add_n(list(regularization_loss))
    return reduce_sum(regularization_loss)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32,
                               name=None):
    """The bin of each value among nbins equal bins of value_range (values below go to 0,
    above to nbins - 1, +-inf included: the bin is clipped before the int cast, as TF1).
    `gc.histogram_fixed_width_bins([0., 0.5, 9.], [0., 1.], 2)` is [0, 1, 1]."""
    with name_scope(name, "histogram_fixed_width_bins"):
        values = convert_to_tensor(values)
        value_range = convert_to_tensor(value_range, dtype=values.dtype)
        flat = reshape(values, [-1])
        scaled = (flat - value_range[0]) / (value_range[1] - value_range[0])
        nf = cast(convert_to_tensor(nbins, dtype=dtypes.int32), scaled.dtype)
        # clipped while still float (TF1): inf and huge values would overflow the cast
        idx = cast(clip_by_value(floor(nf * scaled), 0, nf - 1), dtypes.int32)
        return reshape(cast(idx, dtypes.as_dtype(dtype)), shape(values))
