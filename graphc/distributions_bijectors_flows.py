"""TF 1.15's normalizing-flow bijectors (tf.contrib.distributions.bijectors):
MaskedAutoregressiveFlow with its MADE network (masked_dense,
masked_autoregressive_default_template) and RealNVP with real_nvp_default_template.

    tfb = gc.contrib.distributions.bijectors
    maf = ds.TransformedDistribution(
        distribution=ds.Normal(loc=0., scale=1.),
        bijector=tfb.MaskedAutoregressiveFlow(
            shift_and_log_scale_fn=tfb.masked_autoregressive_default_template(
                hidden_layers=[512, 512])),
        event_shape=[dims])
    loss = -gc.reduce_mean(maf.log_prob(x))     # trains the MADE's variables

`shift_and_log_scale_fn(y)` (MAF) / `(x0, output_units)` (RealNVP) returns (shift,
log_scale), either may be None. MAF's inverse and log-det-Jacobian are one call of the
network; its forward runs event_size calls in a gc.while_loop (or unrolled), as TF1's.
"""
import numpy as np

from . import errors
from .distributions_bijectors import Bijector
from .ops.elementwise import relu

__all__ = ["MaskedAutoregressiveFlow", "masked_autoregressive_default_template",
           "masked_dense", "RealNVP", "real_nvp_default_template"]

MASK_INCLUSIVE = "inclusive"
MASK_EXCLUSIVE = "exclusive"


def _gc():
    import graphc
    return graphc


def _shift_and_scale(x, shift, log_scale):
    """x * exp(log_scale) + shift (each part skipped where None)."""
    if log_scale is not None:
        x = x * _gc().exp(log_scale)
    if shift is not None:
        x = x + shift
    return x


def _unshift_and_unscale(y, shift, log_scale):
    """(y - shift) * exp(-log_scale) (each part skipped where None)."""
    if shift is not None:
        y = y - shift
    if log_scale is not None:
        y = y * _gc().exp(-log_scale)
    return y


def _last_dim(shape):
    """The last dim of a TensorShape as an int, None where unknown."""
    dim = shape._dims[-1] if shape.ndims else None
    return dim if isinstance(dim, int) else None


def _static_depth(x, api):
    depth = _last_dim(x.shape)
    if depth is None:
        raise NotImplementedError("%s: the rightmost dimension of %s must be known prior "
                                  "to graph execution.%s"
                                  % (api, errors.describe_tensor(x), errors.called_at(api)))
    return depth


class MaskedAutoregressiveFlow(Bijector):
    """Affine autoregressive flow (Papamakarios et al., 2017): y_i = x_i exp(log_scale_i)
    + shift_i with (shift, log_scale)_i a function of y_{<i}. Inverse and density are one
    pass; forward (sampling) takes event_size passes."""

    def __init__(self, shift_and_log_scale_fn, is_constant_jacobian=False,
                 validate_args=False, unroll_loop=False, name=None):
        self._shift_and_log_scale_fn = shift_and_log_scale_fn
        self._unroll_loop = unroll_loop
        super().__init__(forward_min_event_ndims=1,
                         is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args,
                         name=name or "masked_autoregressive_flow")

    def _forward(self, x):
        gc = _gc()
        fn = self._shift_and_log_scale_fn
        if self._unroll_loop:
            event_size = _last_dim(x.shape)
            if event_size is None:
                raise ValueError("The final dimension of `x` must be known at graph "
                                 "construction time if `unroll_loop=True`. `x.shape: %r`"
                                 % (x.shape,))
            y = gc.zeros_like(x, name="y0")
            for _ in range(event_size):
                y = _shift_and_scale(x, *fn(y))
            return y
        event_size = gc.shape(x)[-1]
        static_size = _last_dim(x.shape)
        y0 = gc.zeros_like(x, name="y0")
        fn(y0)                      # the first call creates the network's variables

        def body(index, y):
            return index + 1, _shift_and_scale(x, *fn(y))
        _, y = gc.while_loop(lambda index, _: index < event_size, body, [0, y0],
                             maximum_iterations=static_size)
        return y

    def _inverse(self, y):
        return _unshift_and_unscale(y, *self._shift_and_log_scale_fn(y))

    def _inverse_log_det_jacobian(self, y):
        _, log_scale = self._shift_and_log_scale_fn(y)
        if log_scale is None:
            return _gc().constant(0.0, dtype=y.dtype, name="ildj")
        return -_gc().reduce_sum(log_scale, -1)


def _gen_mask(num_blocks, n_in, n_out, mask_type=MASK_EXCLUSIVE):
    """The [n_out, n_in] MADE mask: output block b sees input blocks < b (exclusive) or
    <= b (inclusive)."""
    mask = np.zeros([n_out, n_in])
    d_in, d_out = n_in // num_blocks, n_out // num_blocks
    row = d_out if mask_type == MASK_EXCLUSIVE else 0
    for block in range(num_blocks):
        mask[row + block * d_out:, block * d_in:(block + 1) * d_in] = 1.0
    return mask


def masked_dense(inputs, units, num_blocks=None, exclusive=False, kernel_initializer=None,
                 reuse=None, name=None, *args, **kwargs):
    """gc.layers.dense with an autoregressive mask on its kernel (MADE, Germain et al.,
    2015): the initializer and the kernel's constraint (applied after each optimizer
    step) zero the masked entries. `inputs`' last dim (known statically) is cut into
    `num_blocks` blocks; `exclusive` hides a block from its own outputs."""
    gc = _gc()
    input_depth = _static_depth(inputs, "masked_dense")
    mask = _gen_mask(num_blocks, input_depth, units,
                     MASK_EXCLUSIVE if exclusive else MASK_INCLUSIVE).T
    if kernel_initializer is None:
        kernel_initializer = gc.glorot_normal_initializer()

    def masked_initializer(shape, dtype=None, partition_info=None):
        kernel = kernel_initializer(shape, dtype, partition_info)
        return gc.constant(mask, dtype=kernel.dtype) * kernel

    def constraint(kernel):
        return gc.constant(mask, dtype=kernel.dtype) * kernel

    with gc.name_scope(name, "masked_dense", [inputs, units, num_blocks]):
        return gc.layers.dense(inputs, units, *args, kernel_initializer=masked_initializer,
                               kernel_constraint=constraint, name=name, reuse=reuse,
                               **kwargs)


def _clip_by_value_preserve_grad(x, clip_value_min, clip_value_max, name=None):
    """clip_by_value(x) in value, identity in gradient."""
    gc = _gc()
    with gc.name_scope(name, "clip_by_value_preserve_grad",
                       [x, clip_value_min, clip_value_max]):
        clip_x = gc.clip_by_value(x, clip_value_min, clip_value_max)
        return x + gc.stop_gradient(clip_x - x)


def masked_autoregressive_default_template(hidden_layers, shift_only=False,
                                           activation=relu, log_scale_min_clip=-5.0,
                                           log_scale_max_clip=3.0,
                                           log_scale_clip_gradient=False, name=None,
                                           *args, **kwargs):
    """A MADE network as a template (shared variables across calls) mapping x (last dim
    d, static) to (shift, log_scale), each shaped like x, log_scale clipped to
    [log_scale_min_clip, log_scale_max_clip] (gradients pass the clip unless
    log_scale_clip_gradient)."""
    gc = _gc()
    name = name or "masked_autoregressive_default_template"
    with gc.name_scope(name, values=[log_scale_min_clip, log_scale_max_clip]):
        def _fn(x):
            input_depth = _static_depth(x, "masked_autoregressive_default_template")
            input_shape = (np.int32(x.shape.as_list()) if x.shape.is_fully_defined()
                           else gc.shape(x))
            for i, units in enumerate(hidden_layers):
                x = masked_dense(x, units, num_blocks=input_depth, exclusive=(i == 0),
                                 activation=activation, *args, **kwargs)
            x = masked_dense(x, (1 if shift_only else 2) * input_depth,
                             num_blocks=input_depth, activation=None, *args, **kwargs)
            if shift_only:
                return gc.reshape(x, input_shape), None
            x = gc.reshape(x, gc.concat([input_shape, [2]], 0))
            shift, log_scale = gc.unstack(x, num=2, axis=-1)
            clip = (gc.clip_by_value if log_scale_clip_gradient
                    else _clip_by_value_preserve_grad)
            return shift, clip(log_scale, log_scale_min_clip, log_scale_max_clip)
        return gc.make_template(name, _fn)


class RealNVP(Bijector):
    """Affine coupling (Dinh et al., 2016): the first num_masked entries pass unchanged
    and condition the shift and scale of the rest:
    y[d:] = x[d:] exp(log_scale(x[:d])) + shift(x[:d])."""

    def __init__(self, num_masked, shift_and_log_scale_fn, is_constant_jacobian=False,
                 validate_args=False, name=None):
        if num_masked <= 0:
            raise ValueError("num_masked must be a positive integer.")
        self._num_masked = num_masked
        self._input_depth = None        # known at the first call
        self._shift_and_log_scale_fn = shift_and_log_scale_fn
        super().__init__(forward_min_event_ndims=1,
                         is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args, name=name or "real_nvp")

    def _cache_input_depth(self, x):
        if self._input_depth is None:
            self._input_depth = _static_depth(x, "RealNVP")
            if self._num_masked >= self._input_depth:
                raise ValueError("Number of masked units must be smaller than the event "
                                 "size.")

    def _params(self, t):
        """(shift, log_scale) of the unmasked part, from the masked part of t."""
        self._cache_input_depth(t)
        return self._shift_and_log_scale_fn(t[..., :self._num_masked],
                                            self._input_depth - self._num_masked)

    def _forward(self, x):
        gc = _gc()
        x0, x1 = x[..., :self._num_masked], x[..., self._num_masked:]
        return gc.concat([x0, _shift_and_scale(x1, *self._params(x))], -1)

    def _inverse(self, y):
        gc = _gc()
        y0, y1 = y[..., :self._num_masked], y[..., self._num_masked:]
        return gc.concat([y0, _unshift_and_unscale(y1, *self._params(y))], -1)

    def _inverse_log_det_jacobian(self, y):
        _, log_scale = self._params(y)
        if log_scale is None:
            return _gc().constant(0.0, dtype=y.dtype, name="ildj")
        return -_gc().reduce_sum(log_scale, -1)

    def _forward_log_det_jacobian(self, x):
        _, log_scale = self._params(x)
        if log_scale is None:
            return _gc().constant(0.0, dtype=x.dtype, name="fldj")
        return _gc().reduce_sum(log_scale, -1)


def real_nvp_default_template(hidden_layers, shift_only=False, activation=relu,
                              name=None, *args, **kwargs):
    """A dense network as a template mapping (x0, output_units) to (shift, log_scale),
    each with output_units in the last dim."""
    gc = _gc()
    with gc.name_scope(name, "real_nvp_default_template"):
        def _fn(x, output_units):
            for units in hidden_layers:
                x = gc.layers.dense(x, units, *args, activation=activation, **kwargs)
            x = gc.layers.dense(x, (1 if shift_only else 2) * output_units, *args,
                                activation=None, **kwargs)
            if shift_only:
                return x, None
            shift, log_scale = gc.split(x, 2, axis=-1)
            return shift, log_scale
        return gc.make_template("real_nvp_default_template", _fn)
