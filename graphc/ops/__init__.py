"""The op set. Importing this package registers every OpDef and the Tensor operators."""
from . import array, checkpoint_ops, core, elementwise, linalg, registry, state  # noqa: F401
from .overloads import install as _install

_install()
