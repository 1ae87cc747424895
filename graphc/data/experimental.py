"""tf.data.experimental's transformations graphc has: unbatch (for Dataset.apply).

    ds = ds.apply(gc.data.experimental.unbatch())
"""

__all__ = ["unbatch"]


def unbatch():
    """A transformation (for Dataset.apply) that splits elements along dim 0."""
    return lambda dataset: dataset.unbatch()
