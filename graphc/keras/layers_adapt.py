"""Keras' adaptable preprocessing layers, Normalization and Discretization, and the
categorical encoding the int-output layers share. `adapt(data)` reads numpy arrays (in
batches of 32, as Keras), a tensor, or a gc.data Dataset (its batches, run in the Keras
session) and sets the layer's state.

    norm = gc.keras.layers.Normalization(axis=-1)
    norm.adapt(np.array([[1.0, 2.0], [3.0, 6.0]]))       # mean [2, 4], variance [1, 4]
"""
import numpy as np

import graphc as gc
from . import backend as K
from .engine import Layer

__all__ = ["Normalization", "Discretization", "encode_categorical"]


def encode_categorical(ids, output_mode, depth, dtype, count_weights=None):
    """Keras' encoding of integer ids: "int" casts; "one_hot" / "multi_hot" / "count"
    give [batch, depth] (or [depth] for one sample) indicator or count vectors; ids
    outside [0, depth) count nowhere."""
    if output_mode == "int":
        return gc.identity(gc.cast(ids, dtype))
    original = ids.shape
    if ids.shape.ndims == 0:
        ids = gc.expand_dims(ids, -1)
    if output_mode == "one_hot" and ids.shape.as_list()[-1] != 1:
        ids = gc.expand_dims(ids, -1)
    if ids.shape.ndims > 2:
        raise ValueError(f"When output_mode is not `'int'`, maximum supported output rank "
                         f"is 2. Received output_mode {output_mode} and input shape "
                         f"{original}, which would result in output rank "
                         f"{ids.shape.ndims}.")
    hot = gc.one_hot(gc.cast(ids, gc.int64), depth, dtype=dtype)    # [..., n, depth]
    if output_mode == "count":
        if count_weights is not None:
            hot = hot * gc.expand_dims(count_weights, -1)
        return gc.reduce_sum(hot, axis=-2)
    return gc.reduce_max(hot, axis=-2)


def compute_dtype_of(layer):
    """The dtype a preprocessing layer computes and outputs in: its compute dtype
    (float16 under 'mixed_float16', as tf_keras), floatx while it has none."""
    return gc.as_dtype(layer.compute_dtype or K.floatx())


def _batches(data, batch_size, steps):
    """The numpy batches adapt reads: an array split in batch_size rows (32 by default),
    a tensor's value likewise, or a Dataset's elements; at most `steps` of them."""
    if isinstance(data, gc.data.Dataset):
        if batch_size is not None:
            raise ValueError("`batch_size` should not be set when `data` is a Dataset "
                             "(its elements are the batches)")
        nxt = gc.data.make_one_shot_iterator(data).get_next()
        sess, n = K.get_session(), 0
        while steps is None or n < steps:
            try:
                yield np.asarray(sess.run(nxt))
            except gc.errors.OutOfRangeError:
                return
            n += 1
        return
    if isinstance(data, gc.Tensor):
        data = K.get_session().run(data)
    data = np.asarray(data)
    size = batch_size or 32
    count = max(1, -(-len(data) // size)) if data.ndim else 1
    if steps is not None:
        count = min(count, steps)
    for i in range(count):
        yield data[i * size:(i + 1) * size] if data.ndim else data


def _build_now(layer, shape):
    """Build `layer` for adapt, as its first call would: weights '<layer>/<name>:0'."""
    with gc.get_default_graph().name_scope(layer.name):
        layer.build(gc.TensorShape(list(shape)))
    layer.built = True


class Normalization(Layer):
    """(inputs - mean) / max(sqrt(variance), epsilon) per index of `axis` (kept axes;
    None: one scalar mean) (tf.keras.layers.Normalization); invert=True maps back.
    mean/variance given: constants; else weights 'mean', 'variance' (float) and
    'count' (int64), set by adapt(data, batch_size=None, steps=None).

        norm = gc.keras.layers.Normalization(mean=3.0, variance=2.0)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else ((axis,) if isinstance(axis, int)
                                             else tuple(axis))
        if isinstance(mean, gc.Variable) or isinstance(variance, gc.Variable):
            raise ValueError("Normalization does not support passing a Variable for the "
                             "`mean` or `variance` init arg.")
        if (mean is not None) != (variance is not None):
            raise ValueError(f"When setting values directly, both `mean` and `variance` "
                             f"must be set. Got mean: {mean} and variance: {variance}")
        self.input_mean, self.input_variance, self.invert = mean, variance, invert
        self._is_adapted = False

    @property
    def is_adapted(self):
        return self._is_adapted

    def build(self, input_shape):
        if isinstance(input_shape, (list, tuple)):
            raise ValueError("Normalization only accepts a single input. If you are passing "
                             "a python list or tuple as a single input, please convert to a "
                             "numpy array or `tf.Tensor`.")
        dims = input_shape.as_list()
        ndim = len(dims)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"All `axis` values must be in the range [-ndim, ndim). Found "
                             f"ndim: `{ndim}`, axis: {self.axis}")
        self._keep_axis = sorted(a % ndim for a in self.axis)
        for d in self._keep_axis:
            if dims[d] is None:
                raise ValueError(f"All `axis` values to be kept must have known shape. Got "
                                 f"axis: {self.axis}, input shape: {dims}, with unknown "
                                 f"axis at index: {d}")
        self._reduce_axis = [d for d in range(ndim) if d not in self._keep_axis]
        self._broadcast_shape = [dims[d] if d in self._keep_axis else 1
                                 for d in range(ndim)]
        shape = tuple(dims[d] for d in self._keep_axis)
        if self.input_mean is None:
            dtype = compute_dtype_of(self)      # tf_keras: the compute dtype, too
            self.adapt_mean = self.add_weight("mean", shape, dtype=dtype,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight("variance", shape, dtype=dtype,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight("count", (), dtype="int64", initializer="zeros",
                                         trainable=False)
        else:
            self._mean_value = np.reshape(self.input_mean * np.ones(shape),
                                          self._broadcast_shape)
            self._variance_value = np.reshape(self.input_variance * np.ones(shape),
                                              self._broadcast_shape)
        self.built = True

    def adapt(self, data, batch_size=None, steps=None):
        """Set mean, variance and count from `data` (numpy, tensor or Dataset).

            norm.adapt(x_train)
        """
        if self.input_mean is not None:
            raise ValueError(f"Cannot `adapt` a Normalization layer that is initialized "
                             f"with static `mean` and `variance`, you passed mean "
                             f"{self.input_mean} and variance {self.input_variance}.")
        dtype = compute_dtype_of(self).np           # the data as call sees it
        parts = [np.asarray(b).astype(dtype).astype(np.float64)
                 for b in _batches(data, batch_size, steps)]
        if not self.built:
            _build_now(self, parts[0].shape)
        data = np.concatenate(parts, axis=0) if parts[0].ndim else parts[0]
        axes = tuple(self._reduce_axis)
        count = int(np.prod([data.shape[d] for d in axes])) if axes else 1
        mean, var = np.mean(data, axis=axes), np.var(data, axis=axes)
        K.batch_set_value([(self.adapt_mean, mean), (self.adapt_variance, var),
                           (self.count, count)])
        self._is_adapted = True

    def call(self, inputs):
        dtype = compute_dtype_of(self)
        x = inputs if inputs.dtype == dtype else gc.cast(inputs, dtype)
        if self.input_mean is not None:
            mean = gc.constant(self._mean_value, dtype)
            variance = gc.constant(self._variance_value, dtype)
        else:
            mean = gc.reshape(self.adapt_mean, self._broadcast_shape)
            variance = gc.reshape(self.adapt_variance, self._broadcast_shape)
        scale = gc.maximum(gc.sqrt(variance), gc.cast(K.epsilon(), dtype))
        return mean + x * scale if self.invert else (x - mean) / scale

    def _config(self):
        def listify(v):
            return v.tolist() if isinstance(v, np.ndarray) else v
        return {"axis": self.axis, "invert": self.invert,
                "mean": listify(self.input_mean), "variance": listify(self.input_variance)}


def _summarize(values, epsilon):
    """A batch's quantile summary: every step-th sorted value, each weighing `step`."""
    values = np.sort(np.reshape(values, [-1]).astype(np.float32))
    increment = int(np.float32(values.size) / np.float32(1.0 / epsilon))
    step = max(increment, 1)
    bounds = values[increment::step]
    return np.stack([bounds, np.full(bounds.shape, step, np.float32)])


def _compress(summary, epsilon):
    """The summary at the quantiles epsilon, 2 epsilon, ..., 1 (interpolated in its
    cumulative weights); unchanged when it already has fewer than 1/epsilon points."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    fraction = cum / cum[-1]
    bins = np.interp(percents, fraction, summary[0])
    cum = np.interp(percents, fraction, cum)
    weights = cum - np.concatenate([[0.0], cum[:-1]])
    return np.stack([bins, weights]).astype(np.float32)


def _bucketize(x, boundaries):
    """How many boundaries are <= x (TF's Bucketize: upper_bound in sorted boundaries)."""
    if not boundaries:
        return gc.zeros_like(x, dtype=gc.int32)
    x64 = gc.cast(x, gc.float64) if x.dtype != gc.float64 else x
    b = gc.constant(np.asarray(boundaries, np.float32).astype(np.float64))
    below = gc.logical_not(gc.less(gc.expand_dims(x64, -1), b))
    return gc.reduce_sum(gc.cast(below, gc.int32), axis=-1)


class Discretization(Layer):
    """Bucket index of each value (tf.keras.layers.Discretization): bin i holds
    bin_boundaries[i-1] <= x < bin_boundaries[i]. Or num_bins and adapt(data): Keras'
    approximate quantiles (epsilon) of the data become the boundaries. output_mode
    "int" (int64) or "one_hot"/"multi_hot"/"count" over len(bin_boundaries)+1 bins.

        gc.keras.layers.Discretization(bin_boundaries=[0.0, 1.0])   # -1 -> 0, 0.5 -> 1
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):
        from .layers_preprocessing import _check_mode, _int_dtype
        if "bins" in kwargs:
            bins = kwargs.pop("bins")
            if isinstance(bins, int) and num_bins is None:
                num_bins = bins
            elif bin_boundaries is None:
                bin_boundaries = bins
        kwargs["dtype"] = _int_dtype(kwargs.get("dtype"), output_mode)
        super().__init__(**kwargs)
        _check_mode("Discretization", output_mode, sparse)
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. You passed "
                             f"`num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"Both `num_bins` and `bin_boundaries` should not be set. You "
                             f"passed `num_bins={num_bins}` and "
                             f"`bin_boundaries={bin_boundaries}`")
        if isinstance(bin_boundaries, np.ndarray):
            bin_boundaries = bin_boundaries.tolist()
        self.input_bin_boundaries = bin_boundaries
        self.bin_boundaries = list(bin_boundaries) if bin_boundaries is not None else []
        self.num_bins, self.epsilon = num_bins, epsilon
        self.output_mode, self.sparse = output_mode, sparse
        self._is_adapted = False

    @property
    def is_adapted(self):
        return self._is_adapted

    def _as_tensor(self, x):
        return x if isinstance(x, gc.Tensor) else gc.convert_to_tensor(x)

    def adapt(self, data, batch_size=None, steps=None):
        """Boundaries at the num_bins quantiles of `data` (Keras' summaries: one per
        batch, merged and compressed to 1/epsilon points). Call before the layer is used.

            layer = gc.keras.layers.Discretization(num_bins=4)
            layer.adapt(x_train)
        """
        if self.input_bin_boundaries is not None:
            raise ValueError(f"Cannot adapt a Discretization layer that has been initialized "
                             f"with `bin_boundaries`, use `num_bins` instead. You passed "
                             f"`bin_boundaries={self.input_bin_boundaries}`.")
        summary = np.zeros((2, 0), np.float32)
        for batch in _batches(data, batch_size, steps):
            merged = np.concatenate([_summarize(batch, self.epsilon), summary], axis=1)
            merged = merged[:, np.argsort(merged[0], kind="stable")]
            summary = _compress(merged, self.epsilon)
        self.bin_boundaries = [float(b) for b in
                               _compress(summary, 1.0 / self.num_bins)[0, :-1]]
        self._is_adapted = True

    def call(self, inputs):
        ids = _bucketize(inputs, self.bin_boundaries)
        return encode_categorical(ids, self.output_mode, len(self.bin_boundaries) + 1,
                                  gc.as_dtype(self.dtype))

    def _config(self):
        return {"bin_boundaries": self.input_bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse}
