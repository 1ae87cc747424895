"""TF1 tf.saved_model.simple_save: one call that exports a model for serving."""
from . import signature_constants, tag_constants
from .builder import ASSET_FILEPATHS, SavedModelBuilder
from .signature_def_utils import predict_signature_def

__all__ = ["simple_save"]


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """Save session's graph and variables as a SavedModel for serving (TF1): tag
    "serve", one predict signature "serving_default" over the {key: tensor} `inputs`
    and `outputs`, the graph's "asset_filepaths" collection as assets and
    legacy_init_op as the main op.

        gc.saved_model.simple_save(sess, "export/1", inputs={"x": x}, outputs={"y": y})
    """
    signature_def_map = {signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
                         predict_signature_def(inputs, outputs)}
    b = SavedModelBuilder(export_dir)
    b.add_meta_graph_and_variables(
        session, tags=[tag_constants.SERVING], signature_def_map=signature_def_map,
        assets_collection=session.graph.get_collection(ASSET_FILEPATHS),
        main_op=legacy_init_op, clear_devices=True)
    b.save()
