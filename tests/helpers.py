"""Small helpers shared by the op tests."""
import os

import pytest

import graphc as gc


def run(t, feed=None):
    """t's value in a fresh Session."""
    with gc.Session() as sess:
        return sess.run(t, feed)


def raises(cls, build, *fragments, line=None):
    """build() raises cls, naming the test file's line where build was written (or
    `line` of that file) and each of fragments; returns the exception."""
    with pytest.raises(cls) as e:
        build()
    msg = str(e.value)
    code = build.__code__
    where = code.co_firstlineno if line is None else line
    assert f"{os.path.basename(code.co_filename)}:{where}" in msg, msg
    for f in fragments:
        assert f in msg, f"{f!r} not in:\n{msg}"
    return e.value


def draw_twice(build):
    """Values of a fresh graph's ops in two fresh sessions, and a second run in one."""
    outs = []
    for _ in range(2):
        g = gc.Graph()
        with g.as_default():
            t = build()
            with gc.Session(graph=g) as sess:
                outs.append((sess.run(t), sess.run(t)))
    return outs
