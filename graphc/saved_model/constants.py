"""TF1 tf.saved_model.constants: the names of a SavedModel's files, directories and
collections. graphc writes TF1's saved_model.pb (or .pbtxt) and, beside it, its own
saved_model.json (the exact graphc graph, which graphc's loader reads first)."""

__all__ = ["ASSETS_DIRECTORY", "ASSETS_KEY", "DEBUG_DIRECTORY", "DEBUG_INFO_FILENAME_PB",
           "LEGACY_INIT_OP_KEY", "MAIN_OP_KEY", "SAVED_MODEL_FILENAME_PB",
           "SAVED_MODEL_FILENAME_PBTXT", "SAVED_MODEL_FILENAME_JSON",
           "SAVED_MODEL_SCHEMA_VERSION", "VARIABLES_DIRECTORY", "VARIABLES_FILENAME"]

ASSETS_DIRECTORY = "assets"
ASSETS_KEY = "saved_model_assets"
DEBUG_DIRECTORY = "debug"
DEBUG_INFO_FILENAME_PB = "saved_model_debug_info.pb"
LEGACY_INIT_OP_KEY = "legacy_init_op"
MAIN_OP_KEY = "saved_model_main_op"
SAVED_MODEL_FILENAME_PB = "saved_model.pb"          # TF1's (builder.save())
SAVED_MODEL_FILENAME_PBTXT = "saved_model.pbtxt"    # TF1's (builder.save(as_text=True))
SAVED_MODEL_FILENAME_JSON = "saved_model.json"      # graphc's own
SAVED_MODEL_SCHEMA_VERSION = 1
VARIABLES_DIRECTORY = "variables"
VARIABLES_FILENAME = "variables"
