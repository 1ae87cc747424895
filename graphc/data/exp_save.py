"""tf.data's save / load / snapshot (TF 2.x's Dataset.save, Dataset.load,
Dataset.snapshot and tf.data.experimental.save / load / snapshot), in TF's on-disk
format (exp_save_format.py), so that TF loads what graphc saves and back.

    op = ds.save("/tmp/ds")                 # writes dataset_spec.pb now (as TF1 graph mode)
    sess.run(op)                            # writes the elements
    ds2 = gc.data.Dataset.load("/tmp/ds")   # element_spec read from dataset_spec.pb

save returns an Operation (a ReduceDataset node named SaveDataset) that writes the whole
dataset each time it runs, as TF's SaveDataset op in graph mode. load's shards are read
through reader_func, given a dataset whose elements are the shards' datasets (the
default interleaves them, cycle_length = the CPU count, as TF). graphc passes each loaded
element through reader_func's transformations as one packed value, so reader_func may
order, interleave, shuffle, take or repeat the shards, not map their elements.
"""
import hashlib
import os
import shutil
import time
import uuid

import numpy as np

from .. import dtypes, errors, tf_logging
from ..ops.registry import apply
from ..shapes import TensorShape
from ..type_spec import TensorSpec
from .dataset import UNKNOWN, Dataset, _invalid, strict
from .exp_save_format import (COMPRESSIONS, METADATA_FILE, SPEC_FILE, ShardWriter,
                              decode_metadata, decode_spec, encode_metadata, encode_spec,
                              read_shard)
from .functions import _Function
from .iterator import _Handle, _sources
from .nested import REDUCE_DATASET, _cpus
from .specs import nested_leaves
from .structure import flatten

__all__ = ["save", "load", "snapshot"]

_FILE = "00000000.snapshot"


def _path(path, what):
    if isinstance(path, (str, bytes, os.PathLike)):
        return os.fsdecode(path)
    raise TypeError(f"Expected binary or unicode string, got {path!r} (the path of "
                    f"{what}; graphc takes a Python string, not a tensor)")


def _compression(compression, what):
    c = "" if compression is None else compression
    if c not in COMPRESSIONS:
        tf_logging.warning("%s: unsupported compression_type %r; no compression will be "
                           "used (as TF's record writer)", what, c)
        return ""
    return c


def _shard_fn(shard_func, ds, what):
    """The traced shard_func (None when not given); it must return an integer scalar."""
    if shard_func is None:
        return None
    fn = _Function(what, shard_func, ds)
    out = fn.outs[0]
    if fn.structure is not None or not out.dtype.is_integer or \
            not out.shape.is_compatible_with(TensorShape([])):
        raise TypeError(f"Invalid `shard_func`. `shard_func` must return `tf.int64` scalar "
                        f"tensor but its return type is {_spec(fn)}.")
    return fn


def _spec(fn):
    specs = [TensorSpec(t.shape, t.dtype) for t in fn.outs]
    return specs[0] if fn.structure is None else tuple(specs)


def _shard_index(ds, run, element):
    fn = ds._functions[0]
    out = fn(run, element)
    a = np.asarray(out[0])
    if len(out) != 1 or a.dtype != np.int64 or a.size != 1:
        raise _invalid(ds, "`shard_func` must return a scalar int64.")
    return int(a.reshape(()))


class _ShardFiles:
    """The shard files of one run of a save or snapshot being written."""

    def __init__(self, path, compression, types):
        self.run_id = str(int.from_bytes(os.urandom(8), "little") >> 1)
        self.dir = os.path.join(path, self.run_id)
        os.makedirs(self.dir, exist_ok=True)
        self._compression, self._types, self._writers = compression, types, {}
        self.count = 0

    def write(self, index, element):
        w = self._writers.get(index)
        if w is None:
            shard = os.path.join(self.dir, f"{index:08d}.shard")
            os.makedirs(shard, exist_ok=True)
            w = self._writers[index] = ShardWriter(os.path.join(shard, _FILE),
                                                   self._compression, self._types)
        w.write(element)
        self.count += 1

    def close(self):
        for w in self._writers.values():
            w.close()

    def commit(self, path):
        """Writes snapshot.metadata (finalized) in one rename: the save becomes readable."""
        self.close()
        data = encode_metadata(self.run_id, int(time.time() * 1e6), self._types, self.count)
        tmp = os.path.join(path, f".{METADATA_FILE}.tmp-{uuid.uuid4().hex[:8]}")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(path, METADATA_FILE))


def _write_spec(ds, path, what):
    spec = encode_spec(ds._structure, ds._types, ds._shapes, what)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, SPEC_FILE), "wb") as f:
        f.write(spec)
    return spec


# ---- save -------------------------------------------------------------------------------
class _Save(Dataset):
    """One element, the number of elements written: writes `ds` to `path` on each pass."""
    _unwritable = "a Dataset.save (graphc cannot write it into a graph_def)"

    def __init__(self, ds, path, compression, fn):
        super().__init__(None, [dtypes.int64], [TensorShape([])], parents=(ds,),
                         functions=(fn,) if fn else ())
        self._path, self._compression = path, compression

    def _iter(self, run):
        files = _ShardFiles(self._path, self._compression, self._parents[0]._types)
        try:
            for element in strict(self._parents[0]._iter(run)):
                files.write(_shard_index(self, run, element) if self._functions else 0,
                            element)
        finally:
            files.close()
        files.commit(self._path)
        yield [np.int64(files.count)]


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    """Saves `dataset` to `path` in TF's format: returns the Operation that writes it
    (each run writes the whole dataset again); dataset_spec.pb is written now, as TF 1
    graph mode does. compression: None, "GZIP" or "SNAPPY"; shard_func(element) -> int64
    picks the shard file of each element (default: all in shard 0). checkpoint_args is
    accepted and ignored (TF uses it in eager mode only).

        op = gc.data.experimental.save(gc.data.Dataset.range(3), "/tmp/r3")
        with gc.Session() as sess:
            sess.run(op)
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"save: expected a Dataset, got {type(dataset).__name__}")
    nested_leaves(dataset, "Dataset.save")
    path = _path(path, "Dataset.save")
    compression = _compression(compression, "Dataset.save")
    fn = _shard_fn(shard_func, dataset, "save")
    _write_spec(dataset, path, "Dataset.save")
    writer = _Save(dataset, path, compression, fn)
    h = _Handle()
    h.dataset, h.one_shot, h.site, h.name = writer, True, writer._site, "SaveDataset"
    h.init_tensors, h.live = _sources(writer)
    return apply(REDUCE_DATASET, h.init_tensors + h.live, name="SaveDataset", handle=h)


# ---- load ---------------------------------------------------------------------------------
def _metadata(path, where):
    """The finalized metadata of a save at path; NotFoundError names it if absent."""
    try:
        with open(os.path.join(path, METADATA_FILE), "rb") as f:
            meta = decode_metadata(f.read())
    except FileNotFoundError:
        raise errors.NotFoundError(f"Could not find metadata file [{path}]{where}") from None
    return meta


def _shard_paths(path, run_id):
    top = os.path.join(path, run_id)
    shards = sorted(d for d in os.listdir(top) if d.endswith(".shard")) \
        if os.path.isdir(top) else []
    out = []
    for d in shards:
        files = sorted(f for f in os.listdir(os.path.join(top, d)) if f.endswith(".snapshot"))
        out.append([os.path.join(top, d, f) for f in files])
    return out


class _Shards(Dataset):
    """The shards of a save, each element one shard's dataset (for reader_func); an
    element of a shard is passed on as one packed value (a tuple of its arrays)."""
    _unwritable = "a Dataset.load (graphc cannot write it into a graph_def)"

    def __init__(self, path, compression, types, shapes, owner):
        super().__init__(None, [dtypes.string], [TensorShape([])], nested=[True])
        self._path, self._compression, self._leaf = path, compression, (types, shapes)
        self._owner = owner             # the load dataset: named in errors

    def _iter(self, run):
        where = (f"\n  in the {self._owner} dataset built at "
                 f"{errors.format_site(self._site)}")
        meta = _metadata(self._path, where)
        for files in _shard_paths(self._path, meta["run_id"]):
            yield [self._packed(files, where)]

    def _packed(self, files, where):
        for name in files:
            for element in read_shard(name, self._compression, *self._leaf, where):
                yield tuple(element)


class _Unpack(Dataset):
    """The elements of a load or snapshot: reader_func's packed values, unpacked."""
    _unwritable = "a Dataset.load (graphc cannot write it into a graph_def)"

    def __init__(self, reader, structure, types, shapes, path, shards):
        super().__init__(structure, types, shapes, parents=(reader,))
        self._path, self._shards = path, shards

    def _cardinality(self, values, n):
        if self._shards is None:
            return n[0]
        try:
            meta = _metadata(self._path, "")
        except errors.NotFoundError:
            return UNKNOWN
        return meta["num_elements"] if meta["finalized"] else UNKNOWN

    def _iter(self, run):
        for (packed,) in self._parents[0]._iter(run):
            yield list(packed)


def _reader(path, compression, structure, types, shapes, reader_func, owner):
    """The dataset of a save's elements at path, read through reader_func."""
    shards = _Shards(path, compression, types, shapes, owner)
    if reader_func is None:
        out = shards.interleave(lambda x: x, cycle_length=_cpus())
    else:
        out = reader_func(shards)
        if not isinstance(out, Dataset) or out._types != [dtypes.string] or \
                out._structure is not None or any(out._nested):
            raise TypeError(f"{owner}: reader_func must return the shards' elements (a "
                            "dataset made from its argument by interleave, flat_map, "
                            f"shuffle, take, skip or repeat), got {out!r}")
    return _Unpack(out, structure, types, shapes, path,
                   shards if reader_func is None else None)


def load(path, element_spec=None, compression=None, reader_func=None, wait=False):
    """The dataset saved at `path` (by save or TF's tf.data save); its element_spec is
    read from path/dataset_spec.pb when None. Elements are checked against it when
    read (InvalidArgumentError, as TF). reader_func(datasets) -> dataset orders the
    shards (default: interleave them, cycle_length = CPU count). wait=True retries
    every 5 seconds until the save exists (TF's Dataset.load).

        ds = gc.data.experimental.load("/tmp/r3")
    """
    path = _path(path, "Dataset.load")
    while wait:
        try:
            return load(path, element_spec, compression, reader_func)
        except errors.NotFoundError:
            tf_logging.info("Could not find tf.data snapshot at %s. Will wait and retry.",
                            path)
            time.sleep(5)
    compression = _compression(compression, "Dataset.load")
    if element_spec is None:
        spec_file = os.path.join(path, SPEC_FILE)
        try:
            with open(spec_file, "rb") as f:
                structure, types, shapes = decode_spec(f.read(), spec_file)
        except FileNotFoundError:
            raise errors.NotFoundError(f"tf.data snapshot element_spec file not found: "
                                       f"{spec_file}.") from None
    else:
        leaves = []
        structure = flatten(element_spec, leaves)
        if not leaves or not all(isinstance(s, TensorSpec) for s in leaves):
            raise TypeError(f"Dataset.load: element_spec must be TensorSpecs in tuples or "
                            f"dicts (graphc loads dense tensors only), got {element_spec!r}")
        types, shapes = [s.dtype for s in leaves], [s.shape for s in leaves]
    return _reader(path, compression, structure, types, shapes, reader_func, "load")


# ---- snapshot -----------------------------------------------------------------------------
class _Snapshot(Dataset):
    """ds's elements; the first complete pass writes them under path/<fingerprint>, later
    passes (any iterator, session or process) read them instead of running ds."""
    _unwritable = "a Dataset.snapshot (graphc cannot write it into a graph_def)"

    def __init__(self, ds, path, compression, reader_func, fn):
        nested_leaves(ds, "Dataset.snapshot")
        spec = encode_spec(ds._structure, ds._types, ds._shapes, "Dataset.snapshot")
        key = int.from_bytes(hashlib.sha256(spec).digest()[:8], "little") >> 1
        self._dir, self._spec = os.path.join(path, str(key)), spec
        reader = _reader(self._dir, compression, ds._structure, ds._types, ds._shapes,
                         reader_func, "snapshot")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds, reader),
                         functions=(fn,) if fn else ())
        self._compression = compression

    def _cardinality(self, values, n):
        return n[0]

    def _committed(self):
        try:
            return _metadata(self._dir, "")["finalized"]
        except errors.NotFoundError:
            return False

    def _iter(self, run):
        if self._committed():
            yield from self._parents[1]._iter(run)
            return
        os.makedirs(self._dir, exist_ok=True)
        with open(os.path.join(self._dir, SPEC_FILE), "wb") as f:
            f.write(self._spec)
        files = _ShardFiles(self._dir, self._compression, self._types)
        done = False
        try:
            # one element read ahead: a pass that has read the last element commits the
            # snapshot before handing it out (as TF, whose writer reads ahead to the end)
            inputs = strict(self._parents[0]._iter(run))
            element = next(inputs, None)
            while True:
                if element is not None:
                    files.write(_shard_index(self, run, element) if self._functions else 0,
                                element)
                following = None if element is None else next(inputs, None)
                if following is None:
                    files.commit(self._dir)     # only a complete pass is the snapshot
                    done = True
                if element is None:
                    return
                yield element
                element = following
        finally:
            if not done:                    # an unfinished pass: its files are dropped
                files.close()
                shutil.rmtree(files.dir, ignore_errors=True)


def snapshot(path, compression="AUTO", reader_func=None, shard_func=None):
    """A transformation (for Dataset.apply) that persists a dataset's elements at
    `path`: see Dataset.snapshot.

        ds = ds.apply(gc.data.experimental.snapshot("/tmp/snap"))
    """
    return lambda dataset: dataset_snapshot(dataset, path, compression, reader_func,
                                            shard_func)


def dataset_snapshot(ds, path, compression="AUTO", reader_func=None, shard_func=None):
    """Dataset.snapshot: see its docstring."""
    path = _path(path, "Dataset.snapshot")
    c = "" if compression in ("AUTO", None) else compression
    fn = _shard_fn(shard_func, ds, "snapshot")
    return _Snapshot(ds, path, _compression(c, "Dataset.snapshot"), reader_func, fn)

