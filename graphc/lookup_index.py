"""TF1's vocabulary helpers (tf.contrib.lookup; in TF 2 lookup_ops internals used by
feature columns): index tables from a list or a file, and their inverses."""
from . import dtypes
from .lookup import (FastHashSpec, IdTableWithHashBuckets, KeyValueTensorInitializer,
                     StaticHashTable, TextFileIndex, TextFileInitializer)
from .graph import name_scope
from .ops.array import size
from .ops.core import convert_to_tensor
from .ops.creation import range as _range
from .ops.elementwise import cast

__all__ = ["index_table_from_tensor", "index_table_from_file",
           "index_to_string_table_from_tensor", "index_to_string_table_from_file"]


def _oov(num_oov_buckets):
    if num_oov_buckets < 0:
        raise ValueError(f"`num_oov_buckets` must be greater than or equal to 0, got "
                         f"{num_oov_buckets}.")


def _file(vocabulary_file, vocab_size):
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("`vocabulary_file` must be specified and must not be empty.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(f"`vocab_size` must be greater than 0, got {vocab_size}.")


def _int_key(dtype):
    """The table key dtype for a lookup dtype: int64 for the integers."""
    dtype = dtypes.as_dtype(dtype)
    if dtype is not dtypes.string and not dtype.is_integer:
        raise TypeError(f"Invalid `key_dtype`, expected string or integer, got {dtype.name}.")
    return dtypes.int64 if dtype.is_integer else dtype


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1,
                            hasher_spec=FastHashSpec, dtype=dtypes.string, name=None):
    """A table from each word of a 1-D vocabulary to its position (int64); others get
    default_value or, with num_oov_buckets, a hash bucket after the vocabulary.

        table = gc.lookup.index_table_from_tensor(["a", "b"], num_oov_buckets=2)
        ids = table.lookup(gc.constant(["b", "z"]))     # [1, 2 or 3]
    """
    if vocabulary_list is None:
        raise ValueError("`vocabulary_list` must be specified.")
    _oov(num_oov_buckets)
    key_dtype = _int_key(dtype)
    with name_scope(name, "string_to_index"):
        keys = convert_to_tensor(vocabulary_list, name="vocabulary_list")
        if keys.dtype.is_integer != dtypes.as_dtype(dtype).is_integer:
            raise ValueError(f"Invalid `dtype`: Expected {dtypes.as_dtype(dtype).name}, got "
                             f"{keys.dtype.name}.")
        if keys.dtype.is_integer and keys.dtype is not dtypes.int64:
            keys = cast(keys, dtypes.int64)
        values = _range(size(keys, out_type=dtypes.int64), dtype=dtypes.int64)
        table = StaticHashTable(KeyValueTensorInitializer(keys, values, key_dtype,
                                                          dtypes.int64),
                                convert_to_tensor(default_value, dtype=dtypes.int64))
        if num_oov_buckets:
            return IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec,
                                          key_dtype=dtype)
        return table


def index_table_from_file(vocabulary_file=None, num_oov_buckets=0, vocab_size=None,
                          default_value=-1, hasher_spec=FastHashSpec,
                          key_dtype=dtypes.string, name=None,
                          key_column_index=TextFileIndex.WHOLE_LINE,
                          value_column_index=TextFileIndex.LINE_NUMBER, delimiter="\t"):
    """index_table_from_tensor with the vocabulary read from a file, one word a line.

        table = gc.lookup.index_table_from_file("vocab.txt", num_oov_buckets=1)
    """
    _file(vocabulary_file, vocab_size)
    _oov(num_oov_buckets)
    table_key = _int_key(key_dtype)
    with name_scope(name, "string_to_index"):
        init = TextFileInitializer(vocabulary_file, table_key, key_column_index,
                                   dtypes.int64, value_column_index, vocab_size=vocab_size,
                                   delimiter=delimiter)
        table = StaticHashTable(init, convert_to_tensor(default_value, dtype=dtypes.int64))
        if num_oov_buckets:
            return IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec,
                                          key_dtype=key_dtype)
        return table


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None):
    """A table from int64 ids to the words of a 1-D vocabulary; other ids give
    default_value.

        words = gc.lookup.index_to_string_table_from_tensor(["a", "b"]).lookup(ids)
    """
    if vocabulary_list is None:
        raise ValueError("`vocabulary_list` must be specified.")
    with name_scope(name, "index_to_string"):
        values = convert_to_tensor(vocabulary_list, dtype=dtypes.string,
                                   name="vocabulary_list")
        keys = _range(size(values, out_type=dtypes.int64), dtype=dtypes.int64)
        return StaticHashTable(KeyValueTensorInitializer(keys, values, dtypes.int64,
                                                         dtypes.string),
                               convert_to_tensor(default_value, dtype=dtypes.string))


def index_to_string_table_from_file(vocabulary_file, vocab_size=None, default_value="UNK",
                                    name=None, key_column_index=TextFileIndex.LINE_NUMBER,
                                    value_column_index=TextFileIndex.WHOLE_LINE,
                                    delimiter="\t"):
    """index_to_string_table_from_tensor with the vocabulary read from a file."""
    _file(vocabulary_file, vocab_size)
    with name_scope(name, "index_to_string"):
        init = TextFileInitializer(vocabulary_file, dtypes.int64, key_column_index,
                                   dtypes.string, value_column_index, vocab_size=vocab_size,
                                   delimiter=delimiter)
        return StaticHashTable(init, convert_to_tensor(default_value, dtype=dtypes.string))
