"""TF-made GraphDef fixtures (tests/data/<prefix><name>.pb, with the feeds and TF's
outputs beside it in .npz: "feeds", "fetches", in<k>_<i>, out<k>_<j>), shared by the
import tests that replay them without TensorFlow."""
import os

import numpy as np

import graphc as gc
from graphc.io.tf_graphdef import AttrValue, GraphDef, NodeDef

DATA = os.path.join(os.path.dirname(__file__), "data")


def data_module(name):
    """The module tests/data/<name>.py (a make_tf_*.py script: its graph builders)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, os.path.join(DATA, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(prefix, name):
    """(GraphDef, npz) of fixture <prefix><name>."""
    with open(os.path.join(DATA, f"{prefix}{name}.pb"), "rb") as f:
        gd = GraphDef.FromString(f.read())
    return gd, np.load(os.path.join(DATA, f"{prefix}{name}.npz"))


def replay(gd, d, rtol=1e-5, atol=1e-6, init=()):
    """Import gd and run it on every stored feed (after the ops named `init`, a
    variable's initializer say): TF's outputs, dtypes and shapes. Returns the imported
    fetches; output 0 of each keeps TF's name."""
    fetches, feeds = [str(f) for f in d["fetches"]], [str(f) for f in d["feeds"]]
    with gc.Graph().as_default() as g:
        outs = gc.import_graph_def(gd, return_elements=fetches, name="")
        for f, t in zip(fetches, outs):
            if f.endswith(":0"):
                assert g.get_tensor_by_name(f) is t, f
        with gc.Session() as sess:
            for op in init:
                sess.run(op)
            k = 0
            while f"in{k}_0" in d:
                got = sess.run(outs, {g.get_tensor_by_name(f): d[f"in{k}_{i}"]
                                      for i, f in enumerate(feeds)})
                for j, v in enumerate(got):
                    want = d[f"out{k}_{j}"]
                    assert (v.dtype, v.shape) == (want.dtype, want.shape), (k, fetches[j])
                    np.testing.assert_allclose(v, want, rtol=rtol, atol=atol,
                                               err_msg=f"feed {k}, {fetches[j]}")
                k += 1
    assert k >= 3
    return outs


def check_import(gd, names, inputs, feeds, wants, rtol, atol):
    """Import gd, fetch `names` on each feed (values for the tensors named `inputs`) and
    compare with TF's `wants`: dtypes, shapes, values."""
    with gc.Graph().as_default() as g:
        got_t = gc.import_graph_def(gd, return_elements=names, name="")
        with gc.Session() as sess:
            for fd, want in zip(feeds, wants):
                got = sess.run(got_t, {g.get_tensor_by_name(x): a
                                       for x, a in zip(inputs, fd)})
                for name, w, v in zip(names, want, got):
                    w, v = np.asarray(w), np.asarray(v)
                    assert (v.dtype, v.shape) == (w.dtype, w.shape), (name, v, w)
                    np.testing.assert_allclose(v, w, rtol=rtol, atol=atol, err_msg=name)


# ---- hand-built GraphDefs ----------------------------------------------------------------
F32, I32, BOOL = 1, 3, 10           # TF DataType numbers


def node(name, op, inputs=(), **attrs):
    """A NodeDef with AttrValue attrs."""
    nd = NodeDef(name=name, op=op, input=list(inputs))
    for k, v in attrs.items():
        nd.attr[k] = v
    return nd


def t(dtype):
    """A type attr (a DataType number)."""
    return AttrValue(type=dtype)


def const(name, value, dtype=F32, inputs=()):
    """A Const node of float32 (F32) or int32 values."""
    return node(name, "Const", inputs, value=AttrValue(tensor=gc.make_tensor_proto(
        value, gc.float32 if dtype == F32 else gc.int32)), dtype=t(dtype))
