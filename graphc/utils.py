"""TF1's utility namespaces that are not graph ops: tf.logging, tf.gfile, tf.app, tf.flags.

    import graphc.compat.v1 as tf
    tf.logging.set_verbosity(tf.logging.INFO)
    tf.flags.DEFINE_integer("steps", 100, "training steps")
    with tf.gfile.GFile("/tmp/out.txt", "w") as f:
        f.write("steps: %d\\n" % tf.flags.FLAGS.steps)

Each namespace is a plain module object (namespaces.py) built from the functions of its
module: tf_logging.py (`logging`, get_logger), tf_gfile.py (`gfile`) and tf_flags.py
(`flags`, `app`); the functions keep TF1's names and signatures. This module only
re-exports them.
"""
from .tf_flags import app, flags
from .tf_gfile import gfile
from .tf_logging import get_logger, logging

__all__ = ["logging", "get_logger", "gfile", "flags", "app"]
