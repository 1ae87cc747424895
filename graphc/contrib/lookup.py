"""gc.contrib.lookup (TF 1.15's tf.contrib.lookup): gc.lookup's tables and initializers,
MutableHashTable and MutableDenseHashTable (gc.lookup.experimental's), and contrib's own
spellings: index_table_from_tensor / index_to_string_table_from_tensor take the
vocabulary as `mapping`, and the deprecated string_to_index, index_to_string,
string_to_index_table_from_tensor and string_to_index_table_from_file.

    table = gc.contrib.lookup.index_table_from_tensor(mapping=["a", "b"], default_value=-1)
    ids = table.lookup(words)                    # run gc.tables_initializer() first
"""
from .. import dtypes
from ..graph import name_scope
from ..lookup import (FastHashSpec, HashTable, HasherSpec,  # noqa: F401
                      IdTableWithHashBuckets, KeyValueTensorInitializer, StrongHashSpec,
                      TextFileIndex, TextFileInitializer, index_table_from_file,
                      index_to_string_table_from_file)
from .. import lookup as _lookup
from ..lookup_mutable import DenseHashTable as MutableDenseHashTable
from ..lookup_mutable import MutableHashTable  # noqa: F401
from ..ops.core import convert_to_tensor

__all__ = ["FastHashSpec", "HasherSpec", "StrongHashSpec", "HashTable",
           "IdTableWithHashBuckets", "KeyValueTensorInitializer", "TextFileIndex",
           "TextFileInitializer", "MutableHashTable", "MutableDenseHashTable",
           "index_table_from_file", "index_table_from_tensor",
           "index_to_string_table_from_file", "index_to_string_table_from_tensor",
           "string_to_index", "index_to_string", "string_to_index_table_from_file",
           "string_to_index_table_from_tensor"]


def index_table_from_tensor(mapping, num_oov_buckets=0, default_value=-1,
                            hasher_spec=FastHashSpec, dtype=dtypes.string, name=None):
    """gc.lookup.index_table_from_tensor with the vocabulary named `mapping`."""
    if mapping is None:
        raise ValueError("mapping must be specified.")
    return _lookup.index_table_from_tensor(
        vocabulary_list=mapping, num_oov_buckets=num_oov_buckets,
        default_value=default_value, hasher_spec=hasher_spec, dtype=dtype, name=name)


def index_to_string_table_from_tensor(mapping, default_value="UNK", name=None):
    """gc.lookup.index_to_string_table_from_tensor with the vocabulary named `mapping`."""
    if mapping is None:
        raise ValueError("mapping must be specified.")
    return _lookup.index_to_string_table_from_tensor(
        vocabulary_list=mapping, default_value=default_value, name=name)


def string_to_index(tensor, mapping, default_value=-1, name=None):
    """Deprecated: index_table_from_tensor(mapping).lookup(tensor)."""
    table = index_table_from_tensor(mapping=mapping, default_value=default_value, name=name)
    return table.lookup(tensor)


def index_to_string(tensor, mapping, default_value="UNK", name=None):
    """Deprecated: index_to_string_table_from_tensor(mapping).lookup(tensor)."""
    table = index_to_string_table_from_tensor(mapping=mapping, default_value=default_value,
                                              name=name)
    return table.lookup(tensor)


def string_to_index_table_from_file(vocabulary_file=None, num_oov_buckets=0,
                                    vocab_size=None, default_value=-1,
                                    hasher_spec=FastHashSpec, name=None):
    """Deprecated: index_table_from_file with string keys."""
    return index_table_from_file(vocabulary_file, num_oov_buckets, vocab_size,
                                 default_value, hasher_spec, key_dtype=dtypes.string,
                                 name=name)


def string_to_index_table_from_tensor(mapping, num_oov_buckets=0, default_value=-1,
                                      hasher_spec=FastHashSpec, name=None):
    """Deprecated: index_table_from_tensor of a string `mapping` (else ValueError)."""
    with name_scope(name, "string_to_index") as scope:
        mapping = convert_to_tensor(mapping)
    if mapping.dtype != dtypes.string:
        raise ValueError("string_to_index_table_from_tensor requires string.")
    return index_table_from_tensor(mapping, num_oov_buckets, default_value, hasher_spec,
                                   name=scope)
