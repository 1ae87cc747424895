"""RaggedTensorValue: a fetched RaggedTensor, numpy values and row_splits."""
import numpy as np


class RaggedTensorValue:
    """A fetched RaggedTensor: numpy values and row_splits (TF1's
    tf.compat.v1.ragged.RaggedTensorValue). `v.to_list()` gives nested Python lists."""

    def __init__(self, values, row_splits):
        row_splits = np.asarray(row_splits)
        if row_splits.dtype not in (np.int32, np.int64) or row_splits.ndim != 1:
            raise TypeError("row_splits must be a 1-D int32 or int64 numpy array")
        if not isinstance(values, RaggedTensorValue):
            values = np.asarray(values)
        self._values, self._row_splits = values, row_splits

    values = property(lambda self: self._values)
    row_splits = property(lambda self: self._row_splits)

    @property
    def flat_values(self):
        v = self._values
        while isinstance(v, RaggedTensorValue):
            v = v._values
        return v

    @property
    def nested_row_splits(self):
        out, v = [], self
        while isinstance(v, RaggedTensorValue):
            out.append(v._row_splits)
            v = v._values
        return tuple(out)

    ragged_rank = property(lambda self: len(self.nested_row_splits))
    dtype = property(lambda self: self.flat_values.dtype)

    @property
    def shape(self):
        """(nrows, None for each ragged dim, inner dims...)."""
        return (self._row_splits.shape[0] - 1,) + (None,) * self.ragged_rank + \
            self.flat_values.shape[1:]

    def nrows(self):
        return self._row_splits.shape[0] - 1

    def row_lengths(self):
        return np.diff(self._row_splits)

    def value_rowids(self):
        return np.repeat(np.arange(self.nrows(), dtype=self._row_splits.dtype),
                         np.diff(self._row_splits))

    def to_list(self):
        """Nested Python lists: [[1, 2], [], [3]]."""
        rows = self.flat_values.tolist()
        for s in reversed(self.nested_row_splits):
            s = s.tolist()
            rows = [rows[a:b] for a, b in zip(s[:-1], s[1:])]
        return rows

    def __str__(self):
        return f"<gc.RaggedTensorValue {self.to_list()}>"

    def __repr__(self):
        return (f"gc.RaggedTensorValue(values={self._values!r}, row_splits="
                f"{self._row_splits!r})")
