"""gc.keras.preprocessing.sequence (tf.keras.preprocessing.sequence): pad_sequences (the
one of gc.keras.utils), TimeseriesGenerator (a keras Sequence of sliding windows that fit
takes), skipgrams and make_sampling_table (word2vec training pairs).

    gen = TimeseriesGenerator(np.arange(10), np.arange(10), length=3, batch_size=2)
    gen[0]          # (array([[0, 1, 2], [1, 2, 3]]), array([3, 4]))
"""
import json
import random

import numpy as np

from ..utils import Sequence
from ..utils_data import pad_sequences

__all__ = ["pad_sequences", "TimeseriesGenerator", "skipgrams", "make_sampling_table"]


class TimeseriesGenerator(Sequence):
    """TimeseriesGenerator(data, targets, length, sampling_rate=1, stride=1,
    start_index=0, end_index=None, shuffle=False, reverse=False, batch_size=128).

    Batch i holds, for rows t = start_index + length + i * batch_size * stride, ... (step
    stride, up to end_index), the samples data[t - length:t:sampling_rate] and the
    targets targets[t]; shuffle draws the rows with np.random.randint instead, reverse
    flips each sample in time.

        data = np.arange(50).reshape(50, 1)
        gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
        len(gen), gen[0][1]          # 20, [[10], [11]]
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError(f"Data and targets have to be of same length. Data length is "
                             f"{len(data)} while target length is {len(targets)}")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError("`start_index+length=%i > end_index=%i` is disallowed, as no "
                             "part of the sequence would be left to be used as current "
                             "step." % (self.start_index, self.end_index))

    def __len__(self):
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1,
                                     size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride,
                                        self.end_index + 1), self.stride)
        samples = np.array([self.data[t - self.length:t:self.sampling_rate] for t in rows])
        targets = np.array([self.targets[t] for t in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self):
        """The arguments, data and targets as JSON strings (numpy arrays as lists);
        start_index is the stored start_index + length."""
        def dumped(value, what):
            if type(value).__module__ == np.__name__:
                value = value.tolist()
            try:
                return json.dumps(value)
            except TypeError as e:
                raise TypeError(f"{what} not JSON Serializable:", value) from e

        return {"data": dumped(self.data, "Data"),
                "targets": dumped(self.targets, "Targets"),
                "length": self.length, "sampling_rate": self.sampling_rate,
                "stride": self.stride, "start_index": self.start_index,
                "end_index": self.end_index, "shuffle": self.shuffle,
                "reverse": self.reverse, "batch_size": self.batch_size}

    def to_json(self, **kwargs):
        """JSON {"class_name": "TimeseriesGenerator", "config": get_config()}."""
        return json.dumps({"class_name": self.__class__.__name__,
                           "config": self.get_config()}, **kwargs)


def make_sampling_table(size, sampling_factor=1e-5):
    """The word2vec keep-probabilities min(1, sqrt(f / sampling_factor) /
    (f / sampling_factor)) of the words of rank 0..size-1, with Zipf frequencies
    f(rank) ~ 1 / (rank * (log(rank) + gamma) + 1/2 - 1 / (12 rank)) (rank 0 as 1).

        make_sampling_table(5)       # increasing, all below 1
    """
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inv_freq = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inv_freq
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0,
              shuffle=True, categorical=False, sampling_table=None, seed=None):
    """(couples, labels): [w_i, w_j] with label 1 for each word w_i != 0 of `sequence`
    and each other non-zero word within window_size of it, then
    int(len * negative_samples) pairs [w, random word in [1, vocabulary_size)] with
    label 0; categorical labels are [0, 1] / [1, 0]. A word of index i is kept only with
    probability sampling_table[i]. Randomness is Python's `random` module, as in
    tf.keras; `seed` seeds the final shuffle.

        couples, labels = skipgrams([1, 2, 3], 4, window_size=1, shuffle=False)
        # couples[:4] == [[1, 2], [2, 1], [2, 3], [3, 2]], labels == [1, 1, 1, 1, 0, 0, 0, 0]
    """
    couples, labels = [], []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j == i or not sequence[j]:
                continue
            couples.append([wi, sequence[j]])
            labels.append([0, 1] if categorical else 1)
    if negative_samples > 0:
        num_negative = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, int(vocabulary_size - 1))]
                    for i in range(num_negative)]
        labels += [[1, 0] if categorical else 0 for _ in range(num_negative)]
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(10e6))
        # the same seed for both lists keeps couples and labels aligned
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels
