"""Peers for benchmarks/run.py: PyTorch eager ("torch eager"), JAX jit ("jax jit"),
TensorFlow through tf.compat.v1 graph mode ("tf1 graph": placeholders, Variables, a Session,
timed through sess.make_callable, and through sess.run for W2b) and PyTensor ("pytensor":
pytensor.function in its default mode, with floatX float32).

Each workload function returns {name: zero-arg callable doing one step} for the peers that
import (`pip install -e '.[bench]'`). Every peer runs once and its result is checked against
numpy's (rtol 1e-3, see _check) before it is returned, so a wrong peer is never timed; a peer
that fails or disagrees is left out with a note.

    python benchmarks/peers.py --w4 PEER N...   # W4's child: one peer's chains of N nodes
"""
import contextlib
import importlib
import json
import os
import sys
import time
from types import SimpleNamespace

import numpy as np

MODULES = {"torch eager": "torch", "jax jit": "jax", "tf1 graph": "tensorflow",
           "pytensor": "pytensor"}
W4_PEERS = ("tf1 graph", "jax jit")
_HAVE = {}


@contextlib.contextmanager
def _quiet_fd2():
    """TensorFlow's C++ libraries log to fd 2 on import whatever TF_CPP_MIN_LOG_LEVEL says."""
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def have(mod):
    if mod not in _HAVE:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        try:
            with _quiet_fd2() if mod == "tensorflow" else contextlib.nullcontext():
                importlib.import_module(mod)
            _HAVE[mod] = True
        except Exception:
            _HAVE[mod] = False
    return _HAVE[mod]


def missing():
    return [m for m in MODULES.values() if not have(m)]


def versions():
    out = [f"{m} {importlib.import_module(m).__version__}" for m in MODULES.values() if have(m)]
    if have("pytensor"):
        from pytensor.compile.mode import get_default_mode
        out[-1] += f" (default linker {type(get_default_mode().linker).__name__})"
    return ", ".join(out)


# ---- the four peers: array namespaces and a runner for a pure function fn(ns, *inputs) ------
def _ns(mod, **kw):
    names = ("tanh", "sqrt", "square")
    return SimpleNamespace(**{n: getattr(mod, n) for n in names}, **kw)


def _torch(fn, arrays, wrt=()):
    import torch
    m = _ns(torch, relu=torch.relu, sum=torch.sum, mean=torch.mean)
    args = [torch.tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
    if not wrt:
        return lambda: fn(m, *args)

    def step():
        y = fn(m, *args)
        return y, torch.autograd.grad(y, [args[i] for i in wrt])
    return step


def _jax(fn, arrays, wrt=()):
    import jax
    import jax.numpy as jnp
    m = _ns(jnp, relu=jax.nn.relu, sum=jnp.sum, mean=jnp.mean)
    f = (lambda *a: fn(m, *a))
    f = jax.value_and_grad(f, argnums=tuple(wrt)) if wrt else f
    args = [jnp.asarray(a) for a in arrays]
    compiled = jax.jit(f).lower(*args).compile()
    return lambda: jax.block_until_ready(compiled(*args))


def _tf1(fn, arrays, wrt=()):
    """TF1 graph mode in a fresh tf.Graph; fn(ns, *placeholders) builds the fetches.
    Returns (make_callable step, run) where run(fetches=those) is sess.run fed the same."""
    import tensorflow as tf
    v1 = tf.compat.v1
    m = _ns(v1, relu=v1.nn.relu, sum=v1.reduce_sum, mean=v1.reduce_mean, v1=v1)
    with v1.Graph().as_default() as graph:
        phs = [v1.placeholder(v1.float32, a.shape) for a in arrays]
        fetches = fn(m, *phs)
        if wrt:
            fetches = (fetches, v1.gradients(fetches, [phs[i] for i in wrt]))
        sess = v1.Session(graph=graph)
        sess.run(v1.global_variables_initializer())
    call, feed = sess.make_callable(fetches, phs), dict(zip(phs, arrays))
    return (lambda: call(*arrays)), (lambda f=fetches: sess.run(f, feed))


def _pytensor(fn, arrays, wrt=(), mode=None):
    """fn(ns, *inputs) returns the outputs, or (outputs, updates) for shared variables."""
    import pytensor
    import pytensor.tensor as pt
    pytensor.config.floatX = "float32"          # python floats in graphs stay float32
    m = _ns(pt, relu=lambda h: pt.maximum(h, 0), sum=pt.sum, mean=pt.mean, pt=pt,
            pytensor=pytensor)
    ins = [pt.tensor(dtype="float32", shape=a.shape) for a in arrays]
    out = fn(m, *ins)
    out, updates = out if isinstance(out, tuple) else (out, None)
    if wrt:
        out = [out] + pytensor.grad(out, [ins[i] for i in wrt])
    f = pytensor.function(ins, out, updates=updates, mode=mode)
    return lambda: f(*arrays)


RUNNERS = {"torch eager": _torch, "jax jit": _jax,
           "tf1 graph": lambda fn, arrays, wrt=(): _tf1(fn, arrays, wrt)[0],
           "pytensor": _pytensor}


def _pytensor_other_modes():
    """NUMBA and the C VM, those of them whose linker is not the default mode's."""
    from pytensor.compile.mode import get_default_mode, get_mode
    default = type(get_default_mode().linker)
    return [m for m in ("NUMBA", "CVM") if type(get_mode(m).linker) is not default]


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x.detach().numpy() if hasattr(x, "detach") else np.asarray(x)]


def _check(got, want):
    """Pairwise over the leaves (a None in want is not checked): same dtype, values within
    rtol 1e-3, with atol 1e-2 of the largest magnitude for entries near zero (float32 round-off
    through W6's 16 layers moves torch's and TF's gradients by 0.3% of the largest)."""
    got, want = _leaves(got), _leaves(want)
    assert len(got) == len(want), f"{len(got)} results, numpy has {len(want)}"
    for g, w in zip(got, want):
        if w.dtype != object:
            assert g.dtype == w.dtype, f"dtype {g.dtype}, numpy has {w.dtype}"
            np.testing.assert_allclose(g, w, rtol=1e-3, atol=1e-2 * float(np.abs(w).max()))


def _collect(builders, want, suffix=""):
    """builders: {label: (module, build)}; build() returns a step, or (step, result) where
    result() fetches what to check after one step. Keeps the peers that import and agree."""
    out = {}
    for label, (mod, build) in builders.items():
        if not have(mod):
            continue
        try:
            step, result = build(), None
            if isinstance(step, tuple):
                step, result = step
            got = step()
            _check(result() if result else got, want)
            out[label + suffix] = step
        except Exception as e:
            msg = (str(e).strip().splitlines() or [""])[0][:160]
            print(f"  {label + suffix}: not timed ({type(e).__name__}: {msg})")
    return out


def functional(fn, arrays, want, wrt=(), suffix=""):
    """Every peer running the pure function fn(ns, *inputs), checked against want."""
    return _collect({name: (MODULES[name], lambda r=run: r(fn, arrays, wrt))
                     for name, run in RUNNERS.items()}, want, suffix)


# ---- W1: MLP training step, one SGD step (lr 0.01) per call ---------------------------------
def _mlp(p, x, relu):
    h = relu(x @ p[0] + p[3])
    h = relu(h @ p[1] + p[4])
    return h @ p[2] + p[5]


def _w1_torch(init, xb, yb):
    import torch
    p = [torch.tensor(a, requires_grad=True) for a in init]
    x, y = torch.tensor(xb), torch.tensor(yb)

    def step():
        loss = torch.nn.functional.cross_entropy(_mlp(p, x, torch.relu), y)
        grads = torch.autograd.grad(loss, p)
        with torch.no_grad():
            for q, g in zip(p, grads):
                q -= 0.01 * g
    return step, lambda: p


def _w1_jax(init, xb, yb):
    import jax
    import jax.numpy as jnp

    def loss(p, x, y):
        return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(_mlp(p, x, jax.nn.relu)), axis=1))

    @jax.jit
    def update(p, x, y):
        return [q - 0.01 * g for q, g in zip(p, jax.grad(loss)(p, x, y))]
    state = [[jnp.asarray(a) for a in init]]
    x, y = jnp.asarray(xb), jnp.asarray(yb)

    def step():
        state[0] = jax.block_until_ready(update(state[0], x, y))
    return step, lambda: state[0]


def _w1_tf1(init, xb, yb):
    p = []

    def build(m, x, y):
        v1 = m.v1
        p.extend(v1.Variable(a) for a in init)
        loss = v1.reduce_mean(v1.nn.softmax_cross_entropy_with_logits_v2(
            labels=y, logits=_mlp(p, x, v1.nn.relu)))
        return v1.train.GradientDescentOptimizer(0.01).minimize(loss)
    step, run = _tf1(build, [xb, yb])
    return step, lambda: run(p)


def _w1_pytensor(init, xb, yb):
    p = []

    def build(m, x, y):
        p.extend(m.pytensor.shared(a) for a in init)
        logp = m.pt.special.log_softmax(_mlp(p, x, m.relu), axis=1)
        loss = -m.mean(m.sum(y * logp, axis=1))
        return [], [(q, q - np.float32(0.01) * g)
                    for q, g in zip(p, m.pytensor.grad(loss, p))]
    return _pytensor(build, [xb, yb]), lambda: [q.get_value() for q in p]


def w1(init, xb, yb, want):
    """init: the weights then the biases; want: them after one numpy SGD step. What is
    checked is the update (after - before), not the weights, which barely move."""
    before = [a.astype(np.float64) for a in init]
    delta = [w - b for w, b in zip(want, before)]

    def build(f):
        step, result = f(init, xb, yb)
        return step, lambda: [a - b for a, b in zip(_leaves(result()), before)]
    return _collect({name: (MODULES[name], lambda f=f: build(f)) for name, f in
                     (("torch eager", _w1_torch), ("jax jit", _w1_jax),
                      ("tf1 graph", _w1_tf1), ("pytensor", _w1_pytensor))}, delta)


# ---- W2a, W2b, W3, W6, W7: pure functions ------------------------------------------------------
def _chain(m, v):
    for _ in range(100):
        v = m.tanh(v * 1.01 + 0.1)
    return v


def w2a(xv, want):
    fns = functional(_chain, [xv], want)
    if have("pytensor"):
        fns.update(_collect({f"pytensor {m}": ("pytensor", lambda m=m: _pytensor(
            _chain, [xv], mode=m)) for m in _pytensor_other_modes()}, want))
    return fns


def _plus_one(m, x):
    return x + 1.0


def w2b(xv, want):
    fns = functional(_plus_one, [xv], want)
    if "tf1 graph" in fns:
        fns["tf1 graph make_callable"] = fns.pop("tf1 graph")
    return {**fns, **_collect({"tf1 graph sess.run": (
        "tensorflow", lambda: _tf1(_plus_one, [xv])[1])}, want)}


def _w3(m, *args):
    h = args[-1]
    for W in args[:-1]:
        h = m.tanh(W @ h)
    return m.sum(h)


def w3(Wv, xv, want_value, want_both):
    """{peer value: step, peer value+grad: step}: y = _w3, and y with dy/dW."""
    return {**functional(_w3, Wv + [xv], want_value, suffix=" value"),
            **functional(_w3, Wv + [xv], want_both, range(len(Wv)), suffix=" value+grad")}


def _w6(m, *args):
    h = args[-1]
    for W in args[:-1]:
        h = m.relu(h @ W)
    return 0.5 * m.mean(m.square(h))


def w6_step(name, Wv, xv):
    """One peer's W6 step (loss and weight gradients), unchecked: for W6's child process."""
    return RUNNERS[name](_w6, Wv + [xv], range(len(Wv)))


def w6(Wv, xv, want_grads):
    return functional(_w6, Wv + [xv], (None, want_grads), range(len(Wv)))


def _w7(m, x):
    return m.sqrt(abs(m.square(m.tanh(x * 1.01 + 0.1) * 0.5 + 0.5) - 0.1)) * 2.0


def w7(xv, want):
    return functional(_w7, [xv], want)


# ---- W4: build and compile + first run of a chain y = y + c, in a child process per peer -------
def _w4_tf1(n):
    import tensorflow as tf
    v1 = tf.compat.v1
    t0 = time.perf_counter()
    with v1.Graph().as_default() as graph:
        x = v1.placeholder(v1.float32, (4,))
        c = v1.constant(np.float32(1.0))
        y = x
        for _ in range(n):
            y = v1.add(y, c)
    t1 = time.perf_counter()
    with v1.Session(graph=graph) as sess:
        out = sess.run(y, {x: np.zeros(4, np.float32)})
        return t0, t1, time.perf_counter(), out


def _w4_jax(n):
    """Build: jit tracing to a jaxpr; compile + first run: lowering, XLA compile, one call."""
    import jax
    c = np.float32(1.0)

    def chain(y):
        for _ in range(n):
            y = y + c
        return y
    x = np.zeros(4, np.float32)
    t0 = time.perf_counter()
    traced = jax.jit(chain).trace(x)
    t1 = time.perf_counter()
    out = np.asarray(traced.lower().compile()(x))
    return t0, t1, time.perf_counter(), out


def w4_child(name, sizes):
    """Prints {n: [build us/node, compile + first run us/node]} as JSON."""
    per = {}
    for n in sizes:
        t0, t1, t2, out = {"tf1 graph": _w4_tf1, "jax jit": _w4_jax}[name](n)
        assert out[0] == n, out
        per[n] = ((t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6)
    print(json.dumps(per))


if __name__ == "__main__" and sys.argv[1:2] == ["--w4"]:
    have(MODULES[sys.argv[2]])
    w4_child(sys.argv[2], [int(a) for a in sys.argv[3:]])
