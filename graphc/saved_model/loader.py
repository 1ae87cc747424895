"""TF1 tf.saved_model.loader: load a SavedModel's meta graph into a Session.

    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, ["serve"], "export/1")
        sig = meta.signature_def["serving_default"]
        y = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: xs})
"""
import os

from . import constants, meta_graph, tf_saved_model

__all__ = ["load", "maybe_saved_model_directory", "contains_saved_model"]


def _tags_text(tags):
    return "{" + ", ".join(repr(t) for t in sorted(set(tags))) + "}"


def load(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """Load the meta graph of `export_dir` whose tag set is `tags` into sess's graph,
    restore its variables, run its main op; returns its MetaGraphDef (TF1).

        meta = gc.saved_model.loader.load(sess, [gc.saved_model.tag_constants.SERVING],
                                          "export/1")

    TensorFlow's own SavedModels (saved_model.pb or .pbtxt of TF1's builder or
    simple_save) load too: their GraphDef is imported and their Saver's restore op run
    (tf_saved_model.py).
    import_scope prefixes the names of the loaded graph ("scope/x:0"); the signatures
    keep the names they were saved with (get_tensor_from_tensor_info takes the scope).
    The asset tensors are fed the paths of the files in export_dir/assets/ while the
    main op runs. saver_kwargs (TF1's options of import_meta_graph) change nothing.
    Raises OSError for a directory without a SavedModel and RuntimeError, listing the
    tag sets there are, when none is `tags`.
    """
    export_dir = os.fsdecode(export_dir)     # TF1 paths may be bytes (export_saved_model)
    tags = [tags] if isinstance(tags, str) else list(tags)
    if not os.path.isfile(meta_graph.saved_model_path(export_dir)) and any(
            os.path.isfile(os.path.join(export_dir, name)) for name in (
                constants.SAVED_MODEL_FILENAME_PB, constants.SAVED_MODEL_FILENAME_PBTXT)):
        records = tf_saved_model.read_tf(export_dir)       # TensorFlow's own
        found = next((m for m in records if set(m["tags"]) == set(tags)), None)
        if found is not None:
            return tf_saved_model.load_tf(sess, found, export_dir, import_scope)
    else:
        records = meta_graph.read(export_dir)
    record = next((r for r in records if set(r["tags"]) == set(tags)), None)
    if record is None:
        available = "[" + ", ".join(_tags_text(r["tags"]) for r in records) + "]"
        raise RuntimeError(
            f"MetaGraphDef associated with tags {str(tags).strip('[]')} could not be found "
            f"in SavedModel, with available tags '{available}'. To inspect available "
            "tag-sets in the SavedModel, please use the SavedModel CLI: `saved_model_cli`.")
    from ..io.serialize import import_meta_graph
    graph = sess.graph
    with graph.as_default():
        saver = import_meta_graph(record["meta_graph"], import_scope=import_scope)
    if saver is not None:
        saver.restore(sess, meta_graph.variables_prefix(export_dir))
    scope = f"{import_scope}/" if import_scope else ""
    collections = record["meta_graph"]["graph_def"].get("collections", {})
    ops = collections.get(constants.MAIN_OP_KEY) or \
        collections.get(constants.LEGACY_INIT_OP_KEY) or []
    if len(ops) > 1:
        raise RuntimeError(f"Expected exactly one SavedModel main op. Found: "
                           f"{[name for _, name in ops]}")
    if ops:
        feeds = {graph.get_tensor_by_name(scope + a["tensor_name"]): os.fsencode(
                 os.path.join(export_dir, constants.ASSETS_DIRECTORY, a["filename"]))
                 for a in record["asset_file_def"]}
        sess.run(graph.get_operation_by_name(scope + ops[0][1]), feed_dict=feeds)
    return meta_graph.MetaGraphDef(record)


def maybe_saved_model_directory(export_dir):
    """Whether export_dir holds a SavedModel: graphc's saved_model.json or TF's
    saved_model.pb or saved_model.pbtxt (TF1).

        gc.saved_model.loader.maybe_saved_model_directory("export/1")    # True
    """
    return any(os.path.isfile(os.path.join(os.fsdecode(export_dir), name)) for name in (
        constants.SAVED_MODEL_FILENAME_JSON, constants.SAVED_MODEL_FILENAME_PB,
        constants.SAVED_MODEL_FILENAME_PBTXT))


def contains_saved_model(export_dir):
    """Whether export_dir holds a SavedModel (TF1 name; as maybe_saved_model_directory).

        gc.saved_model.contains_saved_model("export/1")    # True
    """
    return maybe_saved_model_directory(export_dir)
