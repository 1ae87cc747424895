"""TF1's tf.lookup (tf.compat.v1.lookup): tables that map keys (strings or ints) to
values, kept per Session like Variables (graphc/ops/lookup_ops.py holds the ops).

    table = gc.lookup.StaticHashTable(
        gc.lookup.KeyValueTensorInitializer(["emerson", "lake"], [0, 1]), -1)
    ids = table.lookup(gc.constant(["lake", "palmer"]))      # [1, -1]
    with gc.Session() as sess:
        sess.run(gc.tables_initializer())
        sess.run(ids)

Static tables are filled by their initializer (in the "table_initializer" collection,
run by gc.tables_initializer()); lookups before that fail with FailedPreconditionError.
MutableHashTable (gc.lookup.experimental) starts empty in each Session.
"""
import collections

from . import dtypes
from .graph import Tensor, get_default_graph, name_scope
from .ops import lookup_ops as L
from .ops.broadcast import where
from .ops.core import convert_to_tensor
from .ops.graphkeys import GraphKeys
from .ops.elementwise import add, cast, not_equal
from .ops.lookup_text import INITIALIZE_TABLE_FROM_TEXT_FILE, LINE_NUMBER, WHOLE_LINE
from .ops.strings import as_string
from .ops.strings_buckets import (string_to_hash_bucket, string_to_hash_bucket_fast,
                                  string_to_hash_bucket_strong)
from .sparse import SparseTensor, SparseTensorValue

__all__ = ["KeyValueTensorInitializer", "TextFileInitializer", "TextFileIndex",
           "StaticHashTable", "HashTable", "StaticVocabularyTable", "IdTableWithHashBuckets",
           "HasherSpec", "FastHashSpec", "StrongHashSpec", "experimental",
           "tables_initializer", "index_table_from_tensor", "index_table_from_file",
           "index_to_string_table_from_tensor", "index_to_string_table_from_file"]

tables_initializer = L.tables_initializer


class HasherSpec(collections.namedtuple("HasherSpec", ["hasher", "key"])):
    """How IdTableWithHashBuckets hashes out-of-vocabulary keys (TF1): "fasthash"
    (Fingerprint64), "legacy" (string_to_hash_bucket) or "stronghash" (SipHash, key)."""
    __slots__ = ()


FastHashSpec = HasherSpec("fasthash", None)


def StrongHashSpec(key):  # noqa: N802  (TF1's name)
    """A HasherSpec for string_to_hash_bucket_strong with `key` (two uint64s)."""
    if len(key) != 2:
        raise ValueError(f"`key` must have size 2, received {len(key)}")
    return HasherSpec("stronghash", tuple(key))


_HASHERS = {"fasthash": lambda t, n, key: string_to_hash_bucket_fast(t, n, name="hash_bucket"),
            "legacy": lambda t, n, key: string_to_hash_bucket(t, n, name="hash_bucket"),
            "stronghash": lambda t, n, key: string_to_hash_bucket_strong(
                t, n, list(key), name="hash_bucket")}


class TextFileIndex:
    """Special column indices of TextFileInitializer (TF1)."""
    WHOLE_LINE = WHOLE_LINE
    LINE_NUMBER = LINE_NUMBER


def _key_dtype(dtype, who):
    if dtype not in L.KEY_DTYPES:
        raise TypeError(f"{who}: table keys must be string, int32 or int64, not "
                        f"{dtype.name}")
    return dtype


class KeyValueTensorInitializer:
    """A static table's contents from 1-D keys and values (TF1).

        init = gc.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2])
    """

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        with name_scope(name, "key_value_init") as scope:
            self._keys = convert_to_tensor(keys, dtype=key_dtype, name="keys")
            self._values = convert_to_tensor(values, dtype=value_dtype, name="values")
        self._name = scope
        self.key_dtype = _key_dtype(self._keys.dtype, "KeyValueTensorInitializer")
        self.value_dtype = self._values.dtype

    def initialize(self, table):
        """The op that fills `table` with these keys and values."""
        with name_scope(self._name):
            return L.table_op(L.INITIALIZE_TABLE, (self._keys, self._values), table._ref,
                              "InitializeTableV2")


class TextFileInitializer:
    """A static table's contents from a text file, one entry per line (TF1): a key or
    value is column `key_index`/`value_index` (split on `delimiter`), the whole line
    (TextFileIndex.WHOLE_LINE) or the line number (TextFileIndex.LINE_NUMBER, plus
    value_index_offset).

        init = gc.lookup.TextFileInitializer("vocab.txt", gc.string,
            gc.lookup.TextFileIndex.WHOLE_LINE, gc.int64, gc.lookup.TextFileIndex.LINE_NUMBER)
    """

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None, value_index_offset=0):
        key_dtype, value_dtype = dtypes.as_dtype(key_dtype), dtypes.as_dtype(value_dtype)
        for what, index in (("key_index", key_index), ("value_index", value_index)):
            if index < WHOLE_LINE:
                raise ValueError(f"`{what}` should be >= -2, received: {index}.")
        if key_index == LINE_NUMBER and key_dtype is not dtypes.int64:
            raise ValueError(f"`key_dtype` must be int64 if `key_index` is -1, received: "
                             f"{key_dtype.name}")
        if value_index == LINE_NUMBER and value_dtype is not dtypes.int64:
            raise ValueError(f"`value_dtype` must be int64 if `value_index` is -1, "
                             f"received: {value_dtype.name}")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"`vocab_size` should be > 0, received: {vocab_size}")
        self.key_dtype = _key_dtype(key_dtype, "TextFileInitializer")
        self.value_dtype = value_dtype
        self._filename = filename
        self._attrs = dict(key_index=int(key_index), value_index=int(value_index),
                           vocab_size=-1 if vocab_size is None else int(vocab_size),
                           delimiter=delimiter.decode() if isinstance(delimiter, bytes)
                           else str(delimiter), offset=int(value_index_offset))
        self._name = name

    def initialize(self, table):
        """The op that fills `table` from the file."""
        with name_scope(self._name, "text_file_init"):
            filename = convert_to_tensor(self._filename, dtype=dtypes.string,
                                         name="asset_filepath")
            from .ops.registry import apply
            init = apply(INITIALIZE_TABLE_FROM_TEXT_FILE, (filename,),
                         name="InitializeTableFromTextFileV2", table=table._ref,
                         **self._attrs)
        if filename.node.type == "Const":   # an asset a SavedModel copies (TF1)
            filename.graph.add_to_collection(GraphKeys.ASSET_FILEPATHS, filename)
        return init


def _keys_tensor(keys, dtype):
    """(dense keys, the SparseTensor they came from or None)."""
    if isinstance(keys, SparseTensorValue):
        keys = SparseTensor(*keys)
    if isinstance(keys, SparseTensor):
        return keys.values, keys
    if not isinstance(keys, Tensor):
        keys = convert_to_tensor(keys, dtype=dtype, name="keys")
    return keys, None


def _like(values, sparse):
    return values if sparse is None else SparseTensor(sparse.indices, values,
                                                      sparse.dense_shape)


class _Table:
    """What every table has: name, dtypes, size, lookup and export of one
    table attribute (lookup_ops.table_attr)."""

    def _make(self, name, key_dtype, value_dtype, value_shape=(), mutable=False,
              reserved=(), unique=True):
        self._graph = get_default_graph()
        if unique:
            name = self._graph.unique_name(name)
        self._ref = L.table_attr(name, key_dtype, value_dtype, value_shape, mutable,
                                 reserved)
        self._spec = L.Spec(*self._ref)

    name = property(lambda self: self._spec.name)

    @property
    def resource_handle(self):
        """The table's handle: a string scalar node named as the table (TF's
        HashTableV2; graphc's ops name their table in an attr, so it holds the table's
        name), made on first use in the table's graph, as if made with the table."""
        handle = getattr(self, "_handle", None)
        if handle is None:
            with self._graph.as_default(), self._graph.control_dependencies(None):
                handle = self._handle = L.table_op(L.TABLE_HANDLE, (), self._ref,
                                                   self.name + "/").outputs[0]
        return handle

    key_dtype = property(lambda self: self._spec.key_dtype)
    value_dtype = property(lambda self: self._spec.value_dtype)

    def size(self, name=None):
        """The number of entries (an int64 scalar)."""
        with name_scope(name, f"{self.name}_Size"):
            return L.table_op(L.LOOKUP_SIZE, (), self._ref, "LookupTableSizeV2").outputs[0]

    def export(self, name=None):
        """(keys, values) of all entries (graphc: in insertion order; TF1's is its hash
        order)."""
        with name_scope(name, f"{self.name}_Export"):
            return tuple(L.table_op(L.LOOKUP_EXPORT, (), self._ref,
                                    "LookupTableExportV2").outputs)

    def _find(self, keys, default, name):
        keys, sparse = _keys_tensor(keys, self.key_dtype)
        values = L.table_op(L.LOOKUP_FIND, (keys, default), self._ref,
                            "LookupTableFindV2").outputs[0]
        return _like(values, sparse)


class StaticHashTable(_Table):
    """An immutable table filled once by its initializer (TF1 tf.lookup.StaticHashTable,
    tf.contrib.lookup.HashTable); missing keys give default_value.

        table = gc.lookup.StaticHashTable(
            gc.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2]), -1)
        table.lookup(gc.constant(["b", "c"]))      # [2, -1] once initialized
    """

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        self._make(name or "hash_table", initializer.key_dtype, initializer.value_dtype)
        with name_scope(self.name + "/"):
            self._default = convert_to_tensor(default_value, dtype=self.value_dtype,
                                              name="Const")
        if self._default.shape.rank not in (None, 0):
            raise ValueError(f"Shapes {self._default.shape} and () are not compatible: "
                             f"default_value of table '{self.name}' must be a scalar")
        self._initializer_obj = initializer
        self._init_op = initializer.initialize(self)
        get_default_graph().add_to_collection(L.TABLE_INITIALIZERS, self._init_op)

    default_value = property(lambda self: self._default)
    initializer = property(lambda self: self._init_op)
    init = initializer                          # TF1's older name

    def lookup(self, keys, name=None):
        """Each key's value (default_value where missing): a Tensor of keys' shape, or a
        SparseTensor with keys' indices when keys is one."""
        with name_scope(name, f"{self.name}_Lookup"):
            return self._find(keys, self._default, name)


class HashTable(StaticHashTable):
    """TF1's tf.contrib.lookup.HashTable: a StaticHashTable (shared_name is accepted;
    graphc tables are never shared between sessions)."""

    def __init__(self, initializer, default_value, shared_name=None, name=None):
        super().__init__(initializer, default_value, name=name)


class _Buckets:
    """Ids of a vocabulary table, and num_oov_buckets more for the other keys:
    vocab_size + Fingerprint64(key as a string) % num_oov_buckets (TF1)."""

    def _setup(self, table, num_oov_buckets, key_dtype, who, hasher_spec=FastHashSpec):
        if not isinstance(hasher_spec, HasherSpec) or hasher_spec.hasher not in _HASHERS:
            raise ValueError(f"{who}: hasher_spec must be FastHashSpec, StrongHashSpec(key) "
                             f"or HasherSpec('legacy', None), got {hasher_spec!r}")
        self._hasher = hasher_spec
        if num_oov_buckets < 0 or num_oov_buckets == 0 and table is None:
            raise ValueError(f"{who}: num_oov_buckets must be > 0 without a table, and "
                             f">= 0 with one; got {num_oov_buckets}")
        if table is not None and table.value_dtype is not dtypes.int64:
            raise TypeError(f"Invalid `value_dtype`, expected int64 but got "
                            f"{table.value_dtype.name}.")
        base = table.key_dtype if table is not None else key_dtype or dtypes.string
        key_dtype = dtypes.as_dtype(key_dtype) if key_dtype is not None else base
        if base not in (dtypes.string, dtypes.int64) or (key_dtype is not base and not (
                base is dtypes.int64 and key_dtype is dtypes.int32)):
            raise TypeError(f"{who}: invalid key dtype {key_dtype.name} for a table of "
                            f"{base.name} keys (string, int64, or int32 looked up in an "
                            "int64 table)")
        self._table, self._num_oov, self._key_dtype = table, int(num_oov_buckets), key_dtype

    key_dtype = property(lambda self: self._key_dtype)
    value_dtype = property(lambda self: dtypes.int64)

    @property
    def initializer(self):
        return self._table.initializer if self._table is not None else None

    @property
    def resource_handle(self):
        """The handle of the vocabulary table (TF's; None for hashing only)."""
        return self._table.resource_handle if self._table is not None else None

    def size(self, name=None):
        """Entries of the table plus num_oov_buckets (int64)."""
        with name_scope(name, f"{self.name}_Size"):
            n = self._table.size() if self._table is not None else 0
            return add(n, convert_to_tensor(self._num_oov, dtype=dtypes.int64))

    def lookup(self, keys, name=None):
        """The id of each key: its value in the table, else its OOV bucket."""
        with name_scope(name, f"{self.name}_Lookup"):
            values, sparse = _keys_tensor(keys, self._key_dtype)
            if values.dtype is not self._key_dtype:
                raise TypeError(f"Dtype of argument `keys` must be {self._key_dtype.name}, "
                                f"received: {values.dtype.name}")
            if values.dtype is dtypes.int32:
                values = cast(values, dtypes.int64)
            text = values if values.dtype is dtypes.string else as_string(values)
            buckets = (_HASHERS[self._hasher.hasher](text, self._num_oov, self._hasher.key)
                       if self._num_oov else None)
            if self._table is None:
                ids = buckets
            else:
                ids = self._table.lookup(values)
                if buckets is not None:
                    ids = where(not_equal(ids, self._table.default_value), ids,
                                add(buckets, self._table.size()))
            return _like(ids, sparse)


class StaticVocabularyTable(_Buckets):
    """Ids for strings (or int64s): the id from the initializer's table, or for other
    keys one of num_oov_buckets buckets after it (TF1).

        table = gc.lookup.StaticVocabularyTable(gc.lookup.KeyValueTensorInitializer(
            ["a", "b"], gc.constant([0, 1], gc.int64)), num_oov_buckets=3)
        table.lookup(gc.constant(["b", "zzz"]))    # [1, 2 + a bucket in 0..2]
    """

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        if num_oov_buckets <= 0:
            raise ValueError("`num_oov_buckets` must be > 0; use StaticHashTable.")
        if initializer.value_dtype is not dtypes.int64:
            raise TypeError(f"Invalid `value_dtype`, expected int64 but got "
                            f"{initializer.value_dtype.name}.")
        table = StaticHashTable(initializer, convert_to_tensor(-1, dtype=dtypes.int64),
                                name=name)
        self._setup(table, num_oov_buckets, lookup_key_dtype, "StaticVocabularyTable")

    name = property(lambda self: self._table.name)


class IdTableWithHashBuckets(_Buckets):
    """TF1's tf.contrib.lookup.IdTableWithHashBuckets: `table`'s ids (table may be None:
    hashing only) and num_oov_buckets more, hashed by hasher_spec.

        ids = gc.lookup.IdTableWithHashBuckets(table, num_oov_buckets=5)
    """

    def __init__(self, table, num_oov_buckets, hasher_spec=FastHashSpec, name=None,
                 key_dtype=None):
        self._name = name or (table.name if table is not None else "hash_bucket")
        self._setup(table, num_oov_buckets, key_dtype, "IdTableWithHashBuckets",
                    hasher_spec)

    name = property(lambda self: self._name)


from .lookup_mutable import experimental  # noqa: E402
from .lookup_index import (index_table_from_file, index_table_from_tensor,  # noqa: E402
                           index_to_string_table_from_file,
                           index_to_string_table_from_tensor)
