"""gc.compat's string and type helpers and gc.version, as TF's."""
import pathlib

import numpy as np
import pytest

import graphc as gc

C = gc.compat


def test_bytes_and_text():
    assert C.as_bytes("é") == "é".encode() and C.as_bytes(bytearray(b"a")) == b"a"
    assert C.as_bytes(b"x") == b"x" and C.as_text(b"\xc3\xa9") == "é"
    assert C.as_str is C.as_text and C.as_str_any(3) == "3" and C.as_str_any(b"b") == "b"
    assert C.as_text("é".encode("latin-1"), encoding="latin-1") == "é"
    for fn in (C.as_bytes, C.as_text):
        with pytest.raises(TypeError, match="Expected binary or unicode string, got 3"):
            fn(3)
    assert C.path_to_str(pathlib.Path("/a/b")) == "/a/b" and C.path_to_str(7) == 7


def test_types_and_dimensions():
    assert isinstance(np.int8(1), C.integral_types) and not isinstance(1.5, C.integral_types)
    assert isinstance(np.float16(1), C.real_types) and isinstance(1j, C.complex_types)
    assert C.bytes_or_text_types == (bytes, str)
    assert C.dimension_at_index(gc.TensorShape([3, None]), 0).value == 3
    assert C.dimension_at_index(gc.TensorShape([3, None]), 1).value is None
    assert C.dimension_at_index(gc.TensorShape(None), 5).value is None


def test_forward_compatibility_horizon():
    assert C.forward_compatible(2020, 1, 1)
    with C.forward_compatibility_horizon(2019, 6, 1):
        assert not C.forward_compatible(2020, 1, 1) and C.forward_compatible(2019, 5, 31)
    assert C.forward_compatible(2020, 1, 1)


def test_version_module():
    assert gc.version.VERSION == gc.VERSION == gc.__version__
    assert gc.version.GIT_VERSION == gc.GIT_VERSION
    assert gc.version.GRAPH_DEF_VERSION == gc.GRAPH_DEF_VERSION
    assert gc.compat.v1.version is gc.version
