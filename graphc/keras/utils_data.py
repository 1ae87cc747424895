"""Data utilities of gc.keras.utils (tf.keras.utils): pad_sequences, to_ordinal,
get_file (download with urllib into a cache, hash check, archive extraction) and the
enqueuers that read a Sequence or a generator ahead on worker threads.

    gc.keras.utils.pad_sequences([[1, 2], [3]], maxlen=3)   # [[0, 1, 2], [0, 0, 3]]
"""
import hashlib
import os
import queue
import shutil
import tarfile
import threading
import zipfile

import numpy as np

__all__ = ["pad_sequences", "to_ordinal", "get_file", "SequenceEnqueuer",
           "OrderedEnqueuer", "GeneratorEnqueuer"]


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre",
                  truncating="pre", value=0.0):
    """An array (num_samples, maxlen, ...) of the sequences, cut to maxlen (from the
    start with truncating="pre") and padded with `value` (before, padding="pre").

        gc.keras.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post")
        # [[2, 3], [4, 0]]
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, sample_shape, flag = [], (), True
    for x in sequences:
        try:
            lengths.append(len(x))
            if flag and len(x):
                sample_shape = np.asarray(x).shape[1:]
                flag = False
        except TypeError as e:
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable: "
                             f"{x}") from e
    if maxlen is None:
        maxlen = np.max(lengths) if lengths else 0
    is_dtype_str = dtype is not object and (np.issubdtype(np.dtype(dtype), np.str_) or
                                            np.issubdtype(np.dtype(dtype), np.bytes_))
    if isinstance(value, str) and dtype is not object and not is_dtype_str:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length "
                         f"strings.")
    x = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for idx, s in enumerate(sequences):
        if not len(s):
            continue
        if truncating == "pre":
            trunc = s[-maxlen:]
        elif truncating == "post":
            trunc = s[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position "
                             f"{idx} is different from expected shape {sample_shape}")
        if padding == "post":
            x[idx, :len(trunc)] = trunc
        elif padding == "pre":
            x[idx, -len(trunc):] = trunc
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return x


def to_ordinal(y, num_classes=None, dtype="float32"):
    """Ordinal rows of integer labels: class k -> k ones then zeros, num_classes - 1
    columns (a trailing dim of 1 is dropped).

        gc.keras.utils.to_ordinal([0, 2], 3)       # [[0, 0], [1, 1]]
    """
    y = np.array(y, dtype="int")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = tuple(shape[:-1])
    y = y.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(y)) + 1
    steps = np.arange(num_classes - 1)[None, :]
    out = (steps < y[:, None]).astype(dtype)
    return out.reshape(shape + (num_classes - 1,))


def _hash_file(path, algorithm="sha256", chunk_size=65535):
    hasher = hashlib.sha256() if algorithm in ("sha256", "auto") else hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def _validate(path, file_hash, algorithm="auto"):
    if algorithm == "auto":
        algorithm = "sha256" if len(file_hash) == 64 else "md5"
    return str(_hash_file(path, algorithm)) == str(file_hash)


def _extract(path, to, archive_format="auto"):
    """Extract a tar or zip archive into `to`; whether it was one."""
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else \
        [archive_format] if isinstance(archive_format, str) else list(archive_format)
    for fmt in formats:
        is_fmt, opener = (tarfile.is_tarfile, tarfile.open) if fmt == "tar" else \
            (zipfile.is_zipfile, zipfile.ZipFile)
        if is_fmt(path):
            with opener(path) as archive:
                try:
                    if fmt == "tar":
                        archive.extractall(to, filter="data")
                    else:
                        archive.extractall(to)
                except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
                    if os.path.exists(to):
                        if os.path.isfile(to):
                            os.remove(to)
                        else:
                            shutil.rmtree(to)
                    raise
            return True
    return False


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None):
    """The path of `fname` in cache_dir/cache_subdir (~/.keras/datasets), downloaded
    from `origin` with urllib unless a cached copy is there and matches file_hash
    (sha256 or md5); extract=True unpacks a tar/zip next to it, untar=True gives the
    unpacked directory.

        path = gc.keras.utils.get_file("data.csv", origin="https://host/data.csv")
    """
    import urllib.request       # here: it brings http, ssl and email
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to '
                         'download).')
    if cache_dir is None:
        cache_dir = os.path.join(os.path.expanduser("~"), ".keras")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir_base = os.path.expanduser(cache_dir)
    os.makedirs(datadir_base, exist_ok=True)
    if not os.access(datadir_base, os.W_OK):
        datadir_base = os.path.join("/tmp", ".keras")
    datadir = os.path.join(datadir_base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    fname = os.fspath(fname) if fname else os.path.basename(
        urllib.request.urlparse(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: "
                         f"'{origin}'. Please specify the `fname` as the input param.")
    if untar:
        untar_fpath = os.path.join(datadir, fname[:-7] if fname.endswith(".tar.gz")
                                   else fname)
        fpath = untar_fpath + ".tar.gz"
    else:
        fpath = os.path.join(datadir, fname)
    download = True
    if os.path.exists(fpath):
        download = False
        if file_hash is not None and not _validate(fpath, file_hash, hash_algorithm):
            print(f"A local file was found, but it seems to be incomplete or outdated "
                  f"because the {hash_algorithm} file hash does not match the original "
                  f"value of {file_hash} so we will re-download the data.")
            download = True
    if download:
        print(f"Downloading data from {origin}")
        try:
            urllib.request.urlretrieve(origin, fpath)
        except (Exception, KeyboardInterrupt) as e:
            if os.path.exists(fpath):
                os.remove(fpath)
            raise Exception(f"URL fetch failure on {origin}: {e}") from e
        if file_hash is not None and not _validate(fpath, file_hash, hash_algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The "
                             f"{hash_algorithm} file hash does not match the provided "
                             f"value of {file_hash}.")
    if untar:
        if not os.path.exists(untar_fpath):
            _extract(fpath, datadir, archive_format="tar")
        return untar_fpath
    if extract:
        _extract(fpath, datadir, archive_format)
    return fpath


class SequenceEnqueuer:
    """Reads batches of a Sequence (or generator) ahead on threads into a queue:
    start(workers, max_queue_size), get() yields them, stop().

        enq = gc.keras.utils.OrderedEnqueuer(seq); enq.start(workers=2)
        batch = next(enq.get())
    """

    def __init__(self, sequence, use_multiprocessing=False):
        if use_multiprocessing:
            raise NotImplementedError("Enqueuers of graphc use threads: "
                                      "use_multiprocessing=True is not supported")
        self.sequence, self.use_multiprocessing = sequence, use_multiprocessing
        self.workers, self.queue, self.stop_signal, self._threads = 0, None, None, []

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        """Start `workers` threads filling a queue of at most max_queue_size batches."""
        self.workers = workers
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True)
                         for _ in range(max(1, workers) if self._parallel else 1)]
        for t in self._threads:
            t.start()

    _parallel = False

    def _put(self, item):
        while not self.stop_signal.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def stop(self, timeout=None):
        """Stop the threads and drop what is queued."""
        if self.stop_signal is None:
            return
        self.stop_signal.set()
        with self.queue.mutex:
            self.queue.queue.clear()
            self.queue.not_full.notify_all()
        for t in self._threads:
            t.join(timeout)
        self.queue = None

    def get(self):
        """Yield the batches in order; a worker's exception is raised here."""
        while self.is_running() or (self.queue is not None and not self.queue.empty()):
            try:
                ok, item = self.queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if not ok:
                self.stop()
                raise item
            if item is _END:
                return
            yield item

    def _run(self):
        raise NotImplementedError


_END = object()


class OrderedEnqueuer(SequenceEnqueuer):
    """Reads a keras.utils.Sequence in order (shuffled order of indices with
    shuffle=True), epoch after epoch, calling on_epoch_end between epochs.

        enq = gc.keras.utils.OrderedEnqueuer(seq, shuffle=False)
    """

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super().__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _run(self):
        while not self.stop_signal.is_set():
            order = list(range(len(self.sequence)))
            if self.shuffle:
                np.random.shuffle(order)
            for i in order:
                try:
                    item = (True, self.sequence[i])
                except Exception as e:   # handed to the reader
                    self._put((False, e))
                    return
                if not self._put(item):
                    return
            self.sequence.on_epoch_end()


class GeneratorEnqueuer(SequenceEnqueuer):
    """Reads a Python generator on a thread until it ends (its exception, if any, is
    raised by get()).

        enq = gc.keras.utils.GeneratorEnqueuer(batches()); enq.start()
    """

    def __init__(self, generator, use_multiprocessing=False, random_seed=None):
        super().__init__(generator, use_multiprocessing)
        self.random_seed = random_seed
        self._lock = threading.Lock()

    def _run(self):
        while not self.stop_signal.is_set():
            try:
                with self._lock:
                    item = next(self.sequence)
            except StopIteration:
                self._put((True, _END))
                return
            except Exception as e:   # handed to the reader
                self._put((False, e))
                return
            if not self._put((True, item)):
                return
