"""What the dataset loaders share: the tf.keras download folder and the cache_dir rule."""
import os

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def prepare_cache_dir(cache_dir):
    """cache_dir with ~ expanded and created (None stays None: ~/.keras)."""
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    return cache_dir


def remove_long_seq(maxlen, seqs, labels):
    """The (sequence, label) pairs with len(sequence) < maxlen, as two lists."""
    kept = [(x, y) for x, y in zip(seqs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def encode_words(x, start_char, index_from):
    """Word indices shifted by index_from, with start_char in front (when not None)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in s] for s in x]
    if index_from:
        return [[w + index_from for w in s] for s in x]
    return x


def limit_words(xs, num_words, skip_top, oov_char):
    """Indices outside [skip_top, num_words) replaced by oov_char (dropped when it is
    None); num_words None or 0 is the largest index (which tf.keras thus also drops)."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]
