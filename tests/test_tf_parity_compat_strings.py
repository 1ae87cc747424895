"""gc.compat's string helpers against tf.compat's."""
import pathlib

import pytest

import graphc as gc
from tf_parity import tf


@pytest.mark.parametrize("name", ["as_bytes", "as_text", "as_str", "as_str_any",
                                  "path_to_str"])
@pytest.mark.parametrize("value", ["é", b"\xc3\xa9", bytearray(b"ab"), 3, None,
                                   pathlib.Path("/x/y")])
def test_same_results_and_errors(name, value):
    got = []
    for m in (gc.compat, tf.compat):
        try:
            got.append(("ok", getattr(m, name)(value)))
        except TypeError as e:
            got.append(("TypeError", str(e)))
    assert got[0] == got[1]


def test_dimension_at_index_and_types():
    for shape, i in (([3, None], 0), ([3, None], 1), (None, 2)):
        ours = gc.compat.dimension_at_index(gc.TensorShape(shape), i)
        theirs = tf.compat.dimension_at_index(tf.TensorShape(shape), i)
        assert ours.value == theirs.value and str(ours) == str(theirs)
    for name in ("integral_types", "real_types", "complex_types", "bytes_or_text_types"):
        assert getattr(gc.compat, name) == getattr(tf.compat, name)
