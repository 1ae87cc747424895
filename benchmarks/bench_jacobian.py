"""Forward vs reverse mode Jacobians: where each one wins (W5).

For f(x) = tanh(A x) with f: R^8 -> R^2000 (few inputs) and f: R^2000 -> R^8 (few
outputs), times gc.jacobian(mode="forward") and gc.jacobian(mode="reverse"), each one
Session.run of a batched jvp / vjp, and, where installed, jax.jacfwd / jax.jacrev (jit)
and torch.autograd.functional.jacobian (forward-mode vectorized and reverse-mode
vectorized) on the same functions in the same process. Times are medians over
interleaved repeats after a warm-up.

    python benchmarks/bench_jacobian.py            # full run
    python benchmarks/bench_jacobian.py --quick    # a few repeats
"""
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import graphc as gc  # noqa: E402 (the checkout's graphc, installed or not)

CASES = [(8, 2000), (2000, 8)]      # (size of x, size of y)


def _graphc_runners(A, x0):
    """{mode: run()} for graphc, each on its own compiled plan."""
    m, n = A.shape
    graph = gc.Graph()
    with graph.as_default():
        x = gc.placeholder(gc.float64, (n,), name="x")
        y = gc.tanh(gc.reshape(gc.matmul(gc.reshape(x, [1, n]), gc.constant(A.T)), [m]))
        jac = {mode: gc.jacobian(y, x, mode=mode) for mode in ("forward", "reverse")}
    sess = gc.Session(graph=graph)
    want = (1 - np.tanh(A @ x0) ** 2)[:, None] * A
    runners = {}
    for mode, J in jac.items():
        got = sess.run(J, {x: x0})                    # compiles the plan
        assert np.allclose(got, want, atol=1e-12), f"graphc {mode} jacobian is wrong"
        runners[f"graphc {mode}"] = (lambda J=J: sess.run(J, {x: x0}))
    return runners, sess


def _jax_runners(A, x0):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return {}, "jax is not installed"
    jax.config.update("jax_enable_x64", True)
    Aj, xj = jnp.asarray(A), jnp.asarray(x0)

    def f(x):
        return jnp.tanh(Aj @ x)
    fwd, rev = jax.jit(jax.jacfwd(f)), jax.jit(jax.jacrev(f))
    return {"jax jacfwd": lambda: fwd(xj).block_until_ready(),
            "jax jacrev": lambda: rev(xj).block_until_ready()}, None


def _torch_runners(A, x0):
    try:
        import torch
        from torch.autograd.functional import jacobian
    except ImportError:
        return {}, "torch is not installed"
    At, xt = torch.as_tensor(A), torch.as_tensor(x0)

    def f(x):
        return torch.tanh(At @ x)
    return {"torch forward": lambda: jacobian(f, xt, vectorize=True,
                                              strategy="forward-mode"),
            "torch reverse": lambda: jacobian(f, xt, vectorize=True)}, None


def _median_times(runners, repeats, warmup):
    for run in runners.values():
        for _ in range(warmup):
            run()
    times = {k: [] for k in runners}
    for _ in range(repeats):                          # interleaved: drift hits all alike
        for name, run in runners.items():
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def run(quick=False, verbose=True, others=True):
    """Time every available implementation on both cases (graphc only with
    others=False). Returns rows of dicts: case, n (size of x), m (size of y), impl,
    seconds."""
    repeats, warmup = (5, 1) if quick else (31, 3)
    rng = np.random.default_rng(0)
    rows, notes = [], []
    for n, m in CASES:
        A = rng.standard_normal((m, n)) / np.sqrt(n)
        x0 = rng.standard_normal(n)
        runners, sess = _graphc_runners(A, x0)
        for extra in (_jax_runners, _torch_runners) if others else ():
            more, note = extra(A, x0)
            runners.update(more)
            if note and note not in notes:
                notes.append(note)
        medians = _median_times(runners, repeats, warmup)
        sess.close()
        for impl, sec in medians.items():
            rows.append({"case": f"R^{n} -> R^{m}", "n": n, "m": m, "impl": impl,
                         "seconds": sec})
    if verbose:
        print(table(rows))
        for note in notes:
            print(f"(skipped: {note})")
    return rows


def table(rows):
    """A text table: one line per implementation, one column per case, plus which
    graphc mode won each case."""
    cases = list(dict.fromkeys(r["case"] for r in rows))
    impls = list(dict.fromkeys(r["impl"] for r in rows))
    t = {(r["case"], r["impl"]): r["seconds"] for r in rows}
    lines = [f"{'jacobian of tanh(A x)':<22}" + "".join(f"{c:>18}" for c in cases)]
    for impl in impls:
        cells = "".join(f"{t[(c, impl)] * 1e3:>15.3f} ms" if (c, impl) in t else f"{'-':>18}"
                        for c in cases)
        lines.append(f"{impl:<22}" + cells)
    winners = []
    for c in cases:
        f, r = t.get((c, "graphc forward")), t.get((c, "graphc reverse"))
        if f is not None and r is not None:
            best, ratio = ("forward", r / f) if f < r else ("reverse", f / r)
            winners.append(f"{best} ({ratio:.0f}x)")
    lines.append(f"{'graphc winner':<22}" + "".join(f"{w:>18}" for w in winners))
    return "\n".join(lines)


if __name__ == "__main__":
    run(quick="--quick" in sys.argv[1:])
