"""gc.conv: TF's generic 2-D/3-D convolution (tf.compat.v1.conv, the raw op Conv), built from
gc.nn.convolution: any number of batch dims in front, channels last or first, explicit
padding, and grouped convolution.

    y = gc.conv(x, k, strides=[1, 1, 1, 1], padding="SAME")    # x [b, h, w, c], 2-D
"""
from .. import errors
from ..graph import name_scope
from .array import pad, reshape, shape
from .core import convert_to_tensor
from .join import concat, split
from .nn_misc import convolution

__all__ = ["conv"]

_FORMATS = {"CHANNELS_LAST": ("NHWC", "NDHWC"), "CHANNELS_FIRST": ("NCHW", "NCDHW")}


def _fail(msg, *tensors):
    details = "".join("\n  " + errors.describe_tensor(t, label)
                      for t, label in zip(tensors, ("input", "filter")))
    raise errors.ShapeError(f"conv: {msg}{details}" + errors.called_at("conv"))


def conv(input, filter, strides, padding, explicit_paddings=(), data_format="CHANNELS_LAST",
         dilations=(), batch_dims=1, groups=1, name=None):
    """A 2-D or 3-D convolution of `input` (batch_dims batch dims, N spatial dims and a
    channel dim) with `filter` ([*window, in_channels / groups, out_channels]), N = rank
    of filter - 2 (TF's Conv). `strides` and `dilations` have N + 2 entries, 1 for the batch and
    channel entries; padding is 'SAME', 'VALID' or 'EXPLICIT' with explicit_paddings
    (a (before, after) pair per dim of a one-batch-dim input). With `groups` > 1 the
    channels split into groups, each convolved with its share of the filter's outputs
    (TF's CPU kernel refuses groups > 1 and CHANNELS_FIRST; graphc computes both).

        y = gc.conv(x, k, [1, 2, 2, 1], "VALID", batch_dims=2)   # x [a, b, h, w, c]
    """
    x, k = convert_to_tensor(input), convert_to_tensor(filter)
    if k.shape.rank is None or x.shape.rank is None:
        _fail("needs the ranks of input and filter", x, k)
    n = k.shape.rank - 2
    if n not in (2, 3):
        _fail(f"filter must have rank 4 or 5 (2 or 3 spatial dims, as TF's Conv), not "
              f"{k.shape.rank}", x, k)
    if batch_dims < 1 or x.shape.rank != n + 1 + batch_dims:
        _fail(f"input must have rank {n + 1 + batch_dims} ({batch_dims} batch dims, {n} "
              f"spatial, 1 channel) for a rank-{n + 2} filter, not {x.shape.rank}", x, k)
    if data_format not in _FORMATS:
        raise ValueError(f"conv: data_format must be CHANNELS_LAST or CHANNELS_FIRST, not "
                         f"{data_format!r}")
    fmt = _FORMATS[data_format][n - 2]
    first = data_format == "CHANNELS_FIRST"
    strides, dilations = list(strides), list(dilations) or [1] * (n + 2)
    for what, v in (("strides", strides), ("dilations", dilations)):
        if len(v) != n + 2:
            raise ValueError(f"conv: {what} must have {n + 2} entries, got {v}")
        if v[0] != 1 or v[1 if first else -1] != 1:
            raise ValueError(f"conv: {what} of the batch and channel dims must be 1, "
                             f"got {v}")
    spatial = slice(2, None) if first else slice(1, -1)
    if groups > 1 and x.shape.rank is not None:
        c_in, k_in = x.shape._dims[1 if first else -1], k.shape._dims[-2]
        if isinstance(c_in, int) and isinstance(k_in, int) and c_in != k_in * groups:
            _fail(f"input has {c_in} channels but filter takes {k_in} per group x "
                  f"{groups} groups", x, k)
    with name_scope(name, "Conv", [x, k]):
        lead = None
        if batch_dims > 1:                      # fold the batch dims into one
            lead = shape(x)[:batch_dims]
            x = reshape(x, concat([[-1], shape(x)[batch_dims:]], 0))
        if padding == "EXPLICIT":
            pairs = [list(explicit_paddings[i:i + 2])
                     for i in range(0, len(explicit_paddings), 2)]
            if len(pairs) != n + 2:
                raise ValueError(f"conv: explicit_paddings must have {2 * (n + 2)} "
                                 f"entries, got {list(explicit_paddings)}")
            x, padding = pad(x, pairs), "VALID"
        elif padding not in ("SAME", "VALID"):
            raise ValueError(f"conv: padding must be SAME, VALID or EXPLICIT, not "
                             f"{padding!r}")
        args = dict(padding=padding, strides=strides[spatial],
                    dilations=dilations[spatial], data_format=fmt)
        if groups == 1:
            y = convolution(x, k, **args)
        else:
            axis = 1 if first else -1
            y = concat([convolution(xi, ki, **args) for xi, ki in
                        zip(split(x, groups, axis=axis), split(k, groups, axis=-1))], axis)
        if lead is not None:
            y = reshape(y, concat([lead, shape(y)[1:]], 0))
        return y

