"""More of the export table (see tf_graphdef_export_ops.py): strings, FFTs, 3-D ops ..."""
from .tf_graphdef_export import export  # noqa: F401

__all__ = []
