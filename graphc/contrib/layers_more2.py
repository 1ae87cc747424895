"""More of TF 1.15's tf.contrib.layers: recompute_grad (contrib signature),
conv2d_in_plane, pool, embedding_lookup_unique, sparse_row_envelope and
safe_embedding_lookup_sparse under their contrib names (rev_block / RevBlock: layers_rev.py).

    from graphc.contrib import layers
    y = layers.conv2d_in_plane(images, kernel_size=3)      # one 3x3 kernel for all channels
    env = layers.sparse_row_envelope(sp)                   # per row: last column used + 1
"""
from .. import dtypes
from ..graph import Tensor, name_scope
from ..initializers import zeros_initializer
from ..ops.core import convert_to_tensor
from ..ops.elementwise import relu as _relu
from ..ops.scope import variable_scope
from .arg_scope import add_arg_scope
from .layers_base import (_input, _model_variable, _variable_collections,
                          collect_named_outputs)
from .layers_init import xavier_initializer

__all__ = ["recompute_grad", "conv2d_in_plane", "convolution2d_in_plane", "pool",
           "embedding_lookup_unique", "sparse_row_envelope", "safe_embedding_lookup_sparse"]


def _gc():
    import graphc
    return graphc


def recompute_grad(fn=None, use_data_dep=None, tupleize_grads=False):
    """fn whose activations are recomputed in the backward pass
    (tf.contrib.layers.recompute_grad; = gc.recompute_grad), usable as @recompute_grad
    or @recompute_grad(use_data_dep=...). Every argument of the wrapped fn must be a
    Tensor. use_data_dep and tupleize_grads only tune how TF orders the recomputation;
    graphc always recomputes once the output's gradient is known, so they change nothing.

        @layers.recompute_grad
        def block(h):
            return gc.layers.dense(h, 8, activation=gc.nn.relu)
    """
    if fn is None or not callable(fn):
        return lambda f: recompute_grad(f, use_data_dep, tupleize_grads)
    checkpointed = _gc().recompute_grad(fn)

    def wrapped(*args):
        if not all(isinstance(a, Tensor) for a in args):
            raise ValueError("All inputs to function must be Tensors")
        return checkpointed(*args)
    wrapped.__name__ = getattr(fn, "__name__", "fn")
    wrapped.__doc__ = fn.__doc__
    return wrapped


def _pair(v, what):
    if isinstance(v, int):
        return v, v
    v = list(v)
    if len(v) != 2:
        raise ValueError(f"conv2d_in_plane: {what} must be an int or a pair, got {v}")
    return v[0], v[1]


@add_arg_scope
def conv2d_in_plane(inputs, kernel_size, stride=1, padding="SAME", activation_fn=_relu,
                    normalizer_fn=None, normalizer_params=None,
                    weights_initializer=None, weights_regularizer=None,
                    biases_initializer=zeros_initializer(), biases_regularizer=None,
                    reuse=None, variables_collections=None, outputs_collections=None,
                    trainable=True, scope=None):
    """One kernel_size kernel (weights [kh, kw, 1, 1]) convolved with every channel of
    NHWC inputs separately, then biases [C] (or normalizer_fn) and activation_fn
    (tf.contrib.layers.conv2d_in_plane).

        y = layers.conv2d_in_plane(images, kernel_size=[3, 3], stride=2)   # ConvInPlane/
    """
    gc = _gc()
    with variable_scope(scope, "ConvInPlane", [inputs], reuse=reuse) as sc:
        x = _input(inputs, "conv2d_in_plane")
        if x.shape.rank is not None and x.shape.rank < 4:
            raise ValueError(f"conv2d_in_plane: inputs must have rank at least 4, got "
                             f"{x.shape}")
        channels = x.shape._dims[-1] if x.shape.rank is not None else None
        if channels is None:
            raise ValueError("conv2d_in_plane: inputs' last dimension must be known, got "
                             f"{x.shape}")
        kh, kw = _pair(kernel_size, "kernel_size")
        sh, sw = _pair(stride, "stride")
        weights = _model_variable("weights", [kh, kw, 1, 1], x.dtype,
                                  weights_initializer or xavier_initializer(),
                                  weights_regularizer, trainable,
                                  _variable_collections(variables_collections, "weights"))
        kernel = gc.tile(weights, [1, 1, channels, 1])
        outputs = gc.nn.depthwise_conv2d(x, kernel, [1, sh, sw, 1], padding)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = _model_variable("biases", [channels], x.dtype, biases_initializer,
                                     biases_regularizer, trainable,
                                     _variable_collections(variables_collections, "biases"))
            outputs = gc.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


convolution2d_in_plane = conv2d_in_plane


def pool(input, window_shape, pooling_type, padding, dilation_rate=None, strides=None,
         name=None, data_format=None):
    """N-D max or average pooling (tf.contrib.layers.pool = tf.nn.pool = gc.nn.pool).

        y = layers.pool(x, [2, 2], "AVG", "VALID", strides=[2, 2])
    """
    return _gc().nn.pool(input, window_shape, pooling_type, padding,
                         dilation_rate=dilation_rate, strides=strides, name=name,
                         data_format=data_format)


def embedding_lookup_unique(params, ids, partition_strategy="mod", name=None):
    """embedding_lookup(params, ids) that looks each distinct id up once, then gathers
    (tf.contrib.layers.embedding_lookup_unique): shape ids.shape + params.shape[1:].

        emb = layers.embedding_lookup_unique(table, [[0, 3], [3, 3]])   # (2, 2, dim)
    """
    gc = _gc()
    with name_scope(name, "EmbeddingLookupUnique"):
        ids = convert_to_tensor(ids)
        shape = gc.shape(ids)
        unique_ids, idx = gc.unique(gc.reshape(ids, [-1]))
        unique_emb = gc.nn.embedding_lookup(params, unique_ids,
                                            partition_strategy=partition_strategy)
        flat = gc.gather(unique_emb, idx)
        out = gc.reshape(flat, gc.concat([shape, gc.shape(unique_emb)[1:]], 0))
        if ids.shape.rank is not None and unique_emb.shape.rank is not None:
            out.set_shape(list(ids.shape._dims) + list(unique_emb.shape._dims[1:]))
        return out


def sparse_row_envelope(sparse_input, row_axis=0, col_axis=1, name=None):
    """int64 [rows]: for each row of a SparseTensor, its largest column index used + 1, or
    0 for an empty row (tf.contrib.layers.sparse_row_envelope).

        sp = gc.SparseTensor([[0, 0], [0, 2], [2, 1]], [1, 2, 3], [3, 4])
        layers.sparse_row_envelope(sp)                                   # [3 0 2]
    """
    gc = _gc()
    with name_scope(name, "sparse_row_envelope"):
        indices = sparse_input.indices
        rows, cols = indices[:, row_axis], indices[:, col_axis]
        num_rows = gc.cast(sparse_input.dense_shape[row_axis], dtypes.int32)
        envelope = gc.unsorted_segment_max(cols + 1, rows, num_rows)
        return gc.maximum(envelope, gc.zeros_like(envelope))


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner=None, default_id=None, name=None,
                                 partition_strategy="div", max_norm=None):
    """gc.nn.safe_embedding_lookup_sparse under its contrib name; combiner None means
    "mean" (tf.contrib.layers.safe_embedding_lookup_sparse).

        emb = layers.safe_embedding_lookup_sparse([table], sp_ids)        # (batch, dim)
    """
    return _gc().nn.safe_embedding_lookup_sparse(
        embedding_weights, sparse_ids, sparse_weights, combiner=combiner or "mean",
        default_id=default_id, name=name, partition_strategy=partition_strategy,
        max_norm=max_norm)
