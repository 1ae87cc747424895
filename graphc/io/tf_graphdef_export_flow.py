"""(stub: filled in by its owner)"""
from .tf_graphdef_export import export  # noqa: F401

__all__ = []
