"""TF1 tf.saved_model.tag_constants: the usual tags of a meta graph.

    builder.add_meta_graph_and_variables(sess, [gc.saved_model.tag_constants.SERVING])
"""

__all__ = ["GPU", "SERVING", "TPU", "TRAINING"]

SERVING = "serve"
TRAINING = "train"
GPU = "gpu"
TPU = "tpu"
