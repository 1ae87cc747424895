"""tf.version: the build constants (graphc's own; gc.VERSION and friends are the same)."""
import platform as _platform

from .io.serialize import VERSION as GRAPH_DEF_VERSION

VERSION = "0.1.0"
GIT_VERSION = f"v{VERSION}"
COMPILER_VERSION = _platform.python_compiler()
GRAPH_DEF_VERSION_MIN_CONSUMER = GRAPH_DEF_VERSION_MIN_PRODUCER = GRAPH_DEF_VERSION
