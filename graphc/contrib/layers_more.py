"""The tf.contrib.layers functions of TF 1.15 that tf_slim does not carry: the
encoders (embed_sequence, bow_encoder), spatial_softmax, scale_gradient,
images_to_sequence / sequence_to_images, dense_to_sparse and the legacy_* fully
connected layers.

    from graphc.contrib import layers
    emb = layers.embed_sequence(ids, vocab_size=100, embed_dim=8)   # EmbedSequence/embeddings
    keypoints = layers.spatial_softmax(feature_maps)                 # (batch, 2 * channels)
"""
import functools

from .. import dtypes
from ..errors import ShapeError, describe_tensor
from ..graph import name_scope
from ..initializers import constant_initializer, ones_initializer, zeros_initializer
from ..ops.graphkeys import GraphKeys, add_to_collections
from ..ops.scope import variable_scope
from ..ops.varstore import get_variable
from .arg_scope import add_arg_scope
from .layers_base import (_input, _model_variable, _variable_collections,
                          collect_named_outputs)
from .layers_init import xavier_initializer

__all__ = ["embed_sequence", "bow_encoder", "spatial_softmax", "scale_gradient",
           "images_to_sequence", "sequence_to_images", "dense_to_sparse",
           "legacy_fully_connected", "legacy_linear", "legacy_relu"]


def _gc():
    import graphc
    return graphc


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                   regularizer=None, trainable=True, scope=None, reuse=None):
    """The embeddings (vocab_size, embed_dim) model variable looked up at ids: shape
    ids.shape + (embed_dim,) (tf.contrib.layers.embed_sequence).

        emb = layers.embed_sequence(ids, vocab_size=100, embed_dim=8)   # (batch, T, 8)

    `unique` is accepted; the lookup is the same (TF's embedding_lookup_unique only
    saves work).
    """
    gc = _gc()
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError("Must specify vocab size and embedding dimension when not "
                         f"reusing. Got vocab_size={vocab_size} and embed_dim={embed_dim}")
    with variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = [vocab_size, embed_dim] if vocab_size and embed_dim else None
        embeddings = _model_variable("embeddings", shape, dtypes.float32, initializer,
                                     regularizer, trainable)
        return gc.nn.embedding_lookup(embeddings, ids)


def bow_encoder(ids, vocab_size, embed_dim, sparse_lookup=True, initializer=None,
                regularizer=None, trainable=True, scope=None, reuse=None):
    """The mean of the embeddings of each row's ids, shape ids.shape[:-1] + (embed_dim,)
    (tf.contrib.layers.bow_encoder). With sparse_lookup, ids of -1 (or the missing
    entries of a SparseTensor) are left out, and an empty row gets embedding 0.

        doc = layers.bow_encoder(word_ids, vocab_size=1000, embed_dim=16)
    """
    gc = _gc()
    with variable_scope(scope, "bow_encoder", [ids], reuse=reuse):
        embeddings = _model_variable("embeddings", [vocab_size, embed_dim],
                                     dtypes.float32, initializer, regularizer, trainable)
        if not sparse_lookup:
            if isinstance(ids, gc.SparseTensor):
                raise TypeError("ids are expected to be dense Tensor, got: "
                                f"{ids}")
            return gc.reduce_mean(gc.nn.embedding_lookup(embeddings, ids), axis=-2)
        if isinstance(ids, gc.SparseTensor):
            sparse_ids = ids
        else:
            sparse_ids = dense_to_sparse(ids, eos_token=-1, scope="dense_to_sparse")
        return gc.nn.safe_embedding_lookup_sparse([embeddings], sparse_ids,
                                                  combiner="mean", default_id=0)


def dense_to_sparse(tensor, eos_token=0, outputs_collections=None, scope=None):
    """A SparseTensor of tensor's entries that differ from eos_token
    (tf.contrib.layers.dense_to_sparse).

        sp = layers.dense_to_sparse(gc.constant([[1, 0], [0, 3]]))   # values [1, 3]
    """
    gc = _gc()
    with variable_scope(scope, "dense_to_sparse", [tensor]) as sc:
        tensor = gc.convert_to_tensor(tensor)
        indices = gc.where(gc.not_equal(tensor, gc.constant(eos_token, tensor.dtype)))
        values = gc.gather_nd(tensor, indices)
        shape = gc.shape(tensor, out_type=dtypes.int64)
        outputs = gc.SparseTensor(indices, values, shape)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def spatial_softmax(features, temperature=None, name=None, variables_collections=None,
                    trainable=True, data_format="NHWC"):
    """The expected (x, y) image position of each channel under a softmax over the
    H*W positions of features / temperature; x runs down the rows and y across the
    columns, both from -1 to 1 (tf.contrib.layers.spatial_softmax, Levine et al. 2016).
    Output (batch, 2 * channels): x and y of channel 0, then of channel 1, ...
    `temperature`: the initial value of a 'temperature' model variable (default 1).

        keypoints = layers.spatial_softmax(conv_out)            # conv_out (B, H, W, C)
    """
    gc = _gc()
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"spatial_softmax: data_format has to be either NCHW or NHWC, "
                         f"not {data_format!r}")
    with name_scope(name, "spatial_softmax", [features]):
        features = _input(features, "spatial_softmax")
        if features.shape.rank != 4:
            raise ShapeError("spatial_softmax: features must have rank 4\n  "
                             + describe_tensor(features, "features"))
        shape = gc.shape(features)
        ch_axis, h_axis, w_axis = (1, 2, 3) if data_format == "NCHW" else (3, 1, 2)
        channels = features.graph.dims.resolve(features.shape._dims[ch_axis])
        if channels is None:
            raise ValueError("The num_channels dimension of the inputs to "
                             "`spatial_softmax` should be defined. Found `None`.\n  "
                             + describe_tensor(features, "features"))
        height, width = shape[h_axis], shape[w_axis]
        with name_scope("spatial_softmax_op"):
            pos_x, pos_y = gc.meshgrid(gc.lin_space(-1.0, 1.0, height),
                                       gc.lin_space(-1.0, 1.0, width), indexing="ij")
            pos_x = gc.reshape(pos_x, [height * width])
            pos_y = gc.reshape(pos_y, [height * width])
            init = ones_initializer() if temperature is None else \
                constant_initializer(temperature)
            collections = _variable_collections(variables_collections, "temperature") \
                if trainable else None
            temp = _model_variable("temperature", (), dtypes.float32, init, None,
                                   trainable, collections)
            if data_format == "NHWC":
                features = gc.transpose(features, [0, 3, 1, 2])
            flat = gc.reshape(features, [-1, height * width])
            attention = gc.nn.softmax(flat / temp)
            expected_x = gc.reduce_sum(pos_x * attention, [1], keepdims=True)
            expected_y = gc.reduce_sum(pos_y * attention, [1], keepdims=True)
            expected_xy = gc.concat([expected_x, expected_y], 1)
            return gc.reshape(expected_xy, [-1, int(channels) * 2])


def scale_gradient(inputs, gradient_multiplier):
    """inputs unchanged; the gradient through it multiplied by gradient_multiplier
    (tf.contrib.layers.scale_gradient).

        y = layers.scale_gradient(x, 0.1)          # dy/dx = 0.1 in the backward pass
    """
    gc = _gc()

    @gc.custom_gradient
    def scaled(x):
        def grad(g):
            return g * gc.cast(gradient_multiplier, g.dtype)
        return gc.identity(x), grad
    return scaled(gc.convert_to_tensor(inputs))


@add_arg_scope
def images_to_sequence(inputs, data_format="NHWC", outputs_collections=None,
                       scope=None):
    """(batch, height, width, channels) images as a (width, batch * height, channels)
    sequence over the columns (tf.contrib.layers.images_to_sequence).

        seq = layers.images_to_sequence(images)
    """
    gc = _gc()
    if data_format not in ("NHWC", "NCHW", None):
        raise ValueError(f"images_to_sequence: data_format has to be either NCHW or "
                         f"NHWC, not {data_format!r}")
    with variable_scope(scope, "ImagesToSequence", [inputs]) as sc:
        x = gc.convert_to_tensor(inputs)
        if data_format == "NCHW":
            x = gc.transpose(x, [0, 2, 3, 1])
        shape = gc.shape(x)
        depth = x.graph.dims.resolve(x.shape._dims[3]) if x.shape.rank == 4 else None
        depth = shape[3] if depth is None else int(depth)
        outputs = gc.reshape(gc.transpose(x, [2, 0, 1, 3]),
                             gc.stack([shape[2], shape[0] * shape[1], depth]))
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def sequence_to_images(inputs, height, output_data_format="channels_last",
                       outputs_collections=None, scope=None):
    """The inverse of images_to_sequence: a (width, batch * height, channels) sequence
    as (batch, height, width, channels) images, or (batch, channels, height, width)
    with output_data_format 'channels_first' (tf.contrib.layers.sequence_to_images).

        images = layers.sequence_to_images(seq, height=8)
    """
    gc = _gc()
    with variable_scope(scope, "SequenceToImages", [inputs]) as sc:
        x = gc.convert_to_tensor(inputs)
        width, num_batches, depth = x.shape.as_list()
        num_batches = -1 if num_batches is None else num_batches // height
        width = -1 if width is None else width
        reshaped = gc.reshape(x, [width, num_batches, height, depth])
        perm = [1, 3, 2, 0] if output_data_format == "channels_first" else [1, 2, 0, 3]
        outputs = gc.transpose(reshaped, perm)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def legacy_fully_connected(x, num_output_units, activation_fn=None,
                           weight_init=xavier_initializer(),
                           bias_init=zeros_initializer(), name=None,
                           weight_collections=(GraphKeys.WEIGHTS,),
                           bias_collections=(GraphKeys.BIASES,),
                           output_collections=(GraphKeys.ACTIVATIONS,), trainable=True,
                           weight_regularizer=None, bias_regularizer=None):
    """activation_fn(x @ weights + bias) with variables 'weights' and 'bias' (not
    'biases') in variable scope `name` (default 'fully_connected'); x of rank > 2 is
    multiplied along its last axis. The output joins output_collections and
    ACTIVATIONS (tf.contrib.layers.legacy_fully_connected).

        y = layers.legacy_fully_connected(x, 10, activation_fn=gc.nn.relu)
    """
    gc = _gc()
    with variable_scope(name, "fully_connected", [x]):
        x = gc.convert_to_tensor(x)
        dims = x.shape._dims
        if dims is None:
            raise ValueError("dims of x must be known but is None\n  " + describe_tensor(x))
        if len(dims) < 2:
            raise ValueError(f"rank of x must be at least 2 not: {len(dims)}\n  "
                             + describe_tensor(x))
        num_input_units = x.graph.dims.resolve(dims[-1])
        if num_input_units is None:
            raise ValueError("last dimension of x must be known but is None\n  "
                             + describe_tensor(x))
        num_input_units = int(num_input_units)
        dtype = x.dtype.base_dtype
        w = get_variable("weights", shape=[num_input_units, num_output_units], dtype=dtype,
                         initializer=weight_init, regularizer=weight_regularizer,
                         trainable=trainable, collections=list(dict.fromkeys(
                             list(weight_collections or []) + [GraphKeys.GLOBAL_VARIABLES])))
        x_2d = x if len(dims) <= 2 else gc.reshape(x, [-1, num_input_units])
        y = gc.matmul(x_2d, w)
        if bias_init is not None:
            b = get_variable("bias", shape=[num_output_units], dtype=dtype,
                             initializer=bias_init, regularizer=bias_regularizer,
                             trainable=trainable, collections=list(dict.fromkeys(
                                 list(bias_collections or []) + [GraphKeys.GLOBAL_VARIABLES])))
            y = gc.nn.bias_add(y, b)
        if len(dims) > 2:
            out_shape = gc.unstack(gc.shape(x))
            out_shape[-1] = num_output_units
            y = gc.reshape(y, gc.stack(out_shape))
            static = x.shape.as_list()
            static[-1] = num_output_units
            y.set_shape(static)
        if activation_fn is not None:
            y = activation_fn(y)
        add_to_collections(list(output_collections or []) + [GraphKeys.ACTIVATIONS], y)
        return y


legacy_linear = functools.partial(legacy_fully_connected, activation_fn=None)
legacy_relu = functools.partial(legacy_fully_connected,
                                activation_fn=lambda t: _gc().nn.relu(t))
