"""gc.io: TF1's tf.io names (parsing ops, TFRecord files, file ops, write_graph) over
the submodules that export and serialize graphs (serialize, events, tfrecord, example).
See docs/input-files.md.

The tf.io names are looked up on first use (PEP 562): the parsing ops import this
package's wire-format modules, so importing them here eagerly would be a cycle.
"""
_PARSING = ("FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "SparseFeature",
            "parse_example", "parse_single_example", "parse_single_sequence_example",
            "decode_raw", "decode_csv", "serialize_tensor", "parse_tensor", "read_file",
            "write_file", "matching_files", "decode_compressed")
_TOP = ("decode_base64", "encode_base64", "serialize_sparse", "serialize_many_sparse",
        "deserialize_many_sparse", "FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueBase",
        "RandomShuffleQueue")
_IMAGE = ("decode_png", "decode_bmp", "decode_image", "encode_png", "is_jpeg", "decode_jpeg",
          "encode_jpeg", "decode_and_crop_jpeg", "extract_jpeg_shape", "decode_gif")
_PYTHON_IO = ("TFRecordWriter", "tf_record_iterator", "TFRecordOptions",
              "TFRecordCompressionType")

__all__ = list(_PARSING + _PYTHON_IO + _TOP + _IMAGE) + ["write_graph", "gfile",
                                                          "match_filenames_once",
                                                          "parse_sequence_example",
                                                          "decode_json_example", "RaggedFeature",
                                                          "export_tf_graph_def",
                                                          "export_tf_meta_graph"]


def __getattr__(name):
    if name in _PARSING:
        from ..ops import parsing as module
    elif name in _PYTHON_IO:
        from .. import python_io as module
    elif name == "gfile":
        from ..tf_gfile import io_gfile
        return io_gfile
    elif name == "decode_json_example":
        from .json_example import decode_json_example
        return decode_json_example
    elif name == "RaggedFeature":
        from ..ops.parsing_ragged import RaggedFeature
        return RaggedFeature
    elif name == "parse_sequence_example":
        from ..ops.parsing_sequence_batch import parse_sequence_example
        return parse_sequence_example
    elif name == "match_filenames_once":
        from ..train.input import match_filenames_once
        return match_filenames_once
    elif name in _TOP:                  # gc.* names that tf.io has too
        import graphc as module
    elif name in _IMAGE:
        from .. import image as module
    elif name == "export_tf_graph_def":
        from .tf_graphdef_export import export_tf_graph_def
        return export_tf_graph_def
    elif name == "export_tf_meta_graph":
        from ..saved_model.tf_saved_model_write import export_tf_meta_graph
        return export_tf_meta_graph
    elif name == "write_graph":
        from . import serialize as module
    else:
        raise AttributeError(f"module 'graphc.io' has no attribute '{name}'")
    return getattr(module, name)


def __dir__():
    return sorted(set(globals()) | set(__all__))
