"""graphc benchmarks W1-W7 (issue 4). Every time is a median over interleaved rounds after
warm-up, reported as a ratio to hand-written numpy measured in the same run; graphc's figures
get PASS/MISS against the issue's targets and are repeated in a summary at the end. A ratio
is the median over rounds of each round's ratio (the two contenders ran back to back there,
so the host's load drifting between rounds cancels), see paired().

    python benchmarks/run.py            # all workloads
    python benchmarks/run.py --quick    # fewer rounds; W4 without the 1M chain and peers' W4
                                        # at 10k nodes only; W6 one child per side, not three
    python benchmarks/run.py W2 W7      # some workloads

Peers, from benchmarks/peers.py (`pip install -e '.[bench]'`): PyTorch eager, JAX jit,
TensorFlow through tf.compat.v1 graph mode ("tf1 graph") and PyTensor (pytensor.function in
its default mode) are measured in the same run when they import; one line lists the missing
ones, which are skipped. Each peer's result is checked once against numpy before it is timed.
Peers are printed as ratios to numpy (W4: to graphc) and never get PASS/MISS.
  W1, W2a, W2b, W3,     after graphc's figures and verdicts, in a pass of their own,
  W6 (step time), W7    interleaved with numpy and graphc measured again, so graphc and the
                        peers are compared under the same conditions (a peer's thread pool,
                        still spinning after its turn, would slow whoever runs next). W2a adds
                        PyTensor's other linkers (NUMBA, C VM) where they differ from its
                        default; W2b times TF through both sess.run and sess.make_callable;
                        W3 prints each peer's time(value+grad)/time(value).
  W4                    graphc's chains in a child process (medians of 5 builds per size, 3
                        with --quick, the 1M chain once); then TF1 (tf.add in a tf.Graph,
                        then the first sess.run) and JAX (jit trace, then lower + compile + the
                        first call), each in a child of its own, at 10k nodes (and 100k
                        without --quick); each chain's value is checked.
  W5                    benchmarks/bench_jacobian.py, with its own peers (jax, torch).
  W6                    peak RSS increase of one step, each side (numpy, graphc, each peer) in a
                        fresh child process (a peer's step there is the one that the step-time
                        pass checks); then the step times.
"""
import gc as pygc
import os
import resource
import statistics
import json
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), HERE]
import graphc as gc  # noqa: E402
import peers  # noqa: E402  (benchmarks/peers.py)

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 11
RESULTS = []            # (workload, what, value, target, ok)


def peers_note():
    missing = peers.missing()
    return (f"peers not installed, skipped: {', '.join(missing)} "
            "(pip install -e '.[bench]')") if missing else ""


def per_call(fn, number):
    t = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t) / number


def interleaved(fns, number, rounds=ROUNDS, warmup=2, settle=0.0):
    """{name: median seconds per call}: each round times every contender once, in turn;
    with settle, each turn starts with settle seconds of sleep and one untimed call."""
    for f in fns.values():
        for _ in range(warmup):
            f()
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            if settle:
                time.sleep(settle)
                f()
            times[k].append(per_call(f, number))
    out = Timings({k: float(np.median(v)) for k, v in times.items()})
    out.rounds = times
    return out


class Timings(dict):
    """{name: median seconds per call} over interleaved rounds; `rounds` keeps each
    round's time per call of each contender, for paired()."""


def paired(t, a, b):
    """Contender a's time over b's as the median over rounds of each round's ratio: a and
    b ran back to back in a round, so load that drifts between rounds (this host's step
    times move by 1.5x within a run) cancels in each ratio, where the ratio of the two
    medians mixes it in."""
    return float(np.median(np.divide(t.rounds[a], t.rounds[b])))


def verdict(workload, what, value, target, lower_is_better=True):
    ok = value <= target if lower_is_better else value >= target
    RESULTS.append((workload, what, value, target, ok))
    print(f"  {what:<52} {value:10.3f}  target {'<=' if lower_is_better else '>='} "
          f"{target:<8} {'PASS' if ok else 'MISS'}")


def ratio(times, a, b):
    """paired(times, a, b) where the rounds are kept, else the ratio of the medians."""
    return paired(times, a, b) if isinstance(times, Timings) else times[a] / times[b]


def show(times, unit=1e3, label="ms", base="numpy", scale=1.0):
    for k, v in times.items():
        print(f"  {k:<24} {v * unit / scale:10.3f} {label}   ratio to {base}: "
              f"{ratio(times, k, base):.3f}")


def peer_pass(make, base, number, show=show, **show_kw):
    """Peers: built and checked (make() -> {name: step}) only after graphc's figures are
    taken, then timed interleaved with base (numpy and graphc again, so that graphc and the
    peers are compared under the same conditions) in a pass of their own, each turn
    after a 0.25 s pause and an untimed call. A peer's thread pools (PyTensor's Numba code
    calls a BLAS of its own) keep spinning for up to ~0.2 s after its turn, and on a few
    cores that slows whoever runs next several times over; graphc's verdicts must not depend
    on which peers are installed."""
    fns = make()
    if fns:
        print("  peers, interleaved with numpy and graphc in a pass of their own:")
        show(interleaved({**base, **fns}, number, settle=0.25), **show_kw)


# ---- W1: MLP training step ---------------------------------------------------------------
def w1():
    print("W1 mlp-train: 784-512-512-10, ReLU, softmax cross-entropy, f32, batch 128, SGD")
    rng = np.random.default_rng(0)
    sizes = [784, 512, 512, 10]
    W0 = [(rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32)
          for a, b in zip(sizes, sizes[1:])]
    b0 = [np.zeros(b, np.float32) for b in sizes[1:]]
    xb = rng.standard_normal((128, 784)).astype(np.float32)
    yb = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)]
    lr = np.float32(0.01)

    graph = gc.Graph()
    with graph.as_default():
        x = gc.placeholder(gc.float32, (None, 784), name="x")
        y = gc.placeholder(gc.float32, (None, 10), name="y")
        h = x
        Ws = [gc.Variable(w) for w in W0]
        bs = [gc.Variable(b) for b in b0]
        for i, (W, b) in enumerate(zip(Ws, bs)):
            h = gc.matmul(h, W) + b
            if i < 2:
                h = gc.nn.relu(h)
        loss = gc.reduce_mean(gc.nn.softmax_cross_entropy_with_logits(labels=y, logits=h))
        train = gc.train.GradientDescentOptimizer(0.01).minimize(loss)
        sess = gc.Session(graph=graph)
        sess.run(gc.global_variables_initializer())
    step = sess.make_callable(train, [x, y])

    P = [w.copy() for w in W0] + [b.copy() for b in b0]

    def numpy_step():
        W1, W2, W3, b1, b2, b3 = P
        z1 = xb @ W1 + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ W2 + b2
        a2 = np.maximum(z2, 0)
        z3 = a2 @ W3 + b3
        e = np.exp(z3 - z3.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        g3 = (p - yb) / np.float32(128)
        gW3, gb3 = a2.T @ g3, g3.sum(0)
        g2 = (g3 @ W3.T) * (z2 > 0)
        gW2, gb2 = a1.T @ g2, g2.sum(0)
        g1 = (g2 @ W2.T) * (z1 > 0)
        gW1, gb1 = xb.T @ g1, g1.sum(0)
        for p_, g in zip(P, (gW1, gW2, gW3, gb1, gb2, gb3)):
            p_ -= lr * g

    t = interleaved({"numpy": numpy_step, "graphc": lambda: step(xb, yb)},
                    number=20 if QUICK else 50)
    show(t)
    verdict("W1", "graphc / numpy step time", paired(t, "graphc", "numpy"), 1.02)
    P[:] = [w.copy() for w in W0] + [b.copy() for b in b0]
    numpy_step()                        # one step from W0, b0, for the peers to check against
    peer_pass(lambda: peers.w1(W0 + b0, xb, yb, [p_.copy() for p_ in P]),
              {"numpy": numpy_step, "graphc": lambda: step(xb, yb)}, number=20 if QUICK else 50)


# ---- W2: dispatch ---------------------------------------------------------------------------
def w2():
    print("W2a dispatch: 100 x (y = tanh(y*1.01 + 0.1)) on 16 f32 elements (300 ops)")
    graph = gc.Graph()
    with graph.as_default():
        x = gc.placeholder(gc.float32, (16,), name="x")
        y = x
        for _ in range(100):
            y = gc.tanh(y * 1.01 + 0.1)
        sess = gc.Session(graph=graph)
    f = sess.make_callable(y, [x])
    xv = np.linspace(-1, 1, 16).astype(np.float32)

    def numpy_chain():
        v = xv
        for _ in range(100):
            v = np.tanh(v * np.float32(1.01) + np.float32(0.1))
        return v
    t = interleaved({"numpy": numpy_chain, "graphc": lambda: f(xv)},
                    number=200 if QUICK else 1000)
    show(t, unit=1e6 / 300, label="us/op")
    verdict("W2a", "graphc / numpy per op", paired(t, "graphc", "numpy"), 1.3)
    peer_pass(lambda: peers.w2a(xv, numpy_chain()),
              {"numpy": numpy_chain, "graphc": lambda: f(xv)},
              number=200 if QUICK else 1000, unit=1e6 / 300, label="us/op")

    print("W2b dispatch: x + 1 on 4 f32 elements, per call")
    graph = gc.Graph()
    with graph.as_default():
        x = gc.placeholder(gc.float32, (4,), name="x")
        y = x + 1.0
        sess = gc.Session(graph=graph)
    call = sess.make_callable(y, [x])
    xv = np.ones(4, np.float32)
    one = np.float32(1)
    fns = {"numpy": lambda: xv + one,
           "graphc Session.run": lambda: sess.run(y, {x: xv}),
           "graphc make_callable": lambda: call(xv)}
    t = interleaved(fns, number=2000 if QUICK else 20000)
    show(t, unit=1e6, label="us")
    verdict("W2b", "Session.run us per call", t["graphc Session.run"] * 1e6, 10)
    verdict("W2b", "make_callable us per call", t["graphc make_callable"] * 1e6, 3)
    peer_pass(lambda: peers.w2b(xv, xv + one), fns,
              number=2000 if QUICK else 20000, unit=1e6, label="us")


# ---- W3: gradient cost ----------------------------------------------------------------------
def w3():
    print("W3 gradient cost: sum(tanh(W3 @ tanh(W2 @ tanh(W1 @ x)))), W 512x512, x 512x256")
    rng = np.random.default_rng(0)
    Wv = [(rng.standard_normal((512, 512)) / 23).astype(np.float32) for _ in range(3)]
    xv = rng.standard_normal((512, 256)).astype(np.float32)
    graph = gc.Graph()
    with graph.as_default():
        Ws = [gc.placeholder(gc.float32, (512, 512), name=f"W{i}") for i in range(3)]
        x = gc.placeholder(gc.float32, (512, 256), name="x")
        h = x
        for W in Ws:
            h = gc.tanh(gc.matmul(W, h))
        y = gc.reduce_sum(h)
        grads = gc.gradients(y, Ws)
        sess = gc.Session(graph=graph)
    feeds = Ws + [x]
    value = sess.make_callable(y, feeds)
    both = sess.make_callable([y] + grads, feeds)
    args = Wv + [xv]

    def np_value():
        h = xv
        for W in Wv:
            h = np.tanh(W @ h)
        return h.sum()

    def np_both():
        hs = [xv]
        for W in Wv:
            hs.append(np.tanh(W @ hs[-1]))
        g = np.ones_like(hs[-1])
        out = []
        for i in (2, 1, 0):
            g = g * (1 - hs[i + 1] * hs[i + 1])
            out.append(g @ hs[i].T)
            g = Wv[i].T @ g
        return hs[-1].sum(), out[::-1]
    base = {"numpy value": np_value, "numpy value+grad": np_both}
    t = interleaved({**base, "graphc value": lambda: value(*args),
                     "graphc value+grad": lambda: both(*args)}, number=5 if QUICK else 20)
    show_w3(t, skip=("graphc",))            # graphc's ratio comes with its verdict
    verdict("W3", "graphc time(value+grad)/time(value)",
            paired(t, "graphc value+grad", "graphc value"), 2.5)
    verdict("W3", "graphc value+grad / numpy value+grad",
            paired(t, "graphc value+grad", "numpy value+grad"), 1.0)
    peer_pass(lambda: peers.w3(Wv, xv, np_value(), np_both()),
              {**base, "graphc value": lambda: value(*args),
               "graphc value+grad": lambda: both(*args)},
              number=5 if QUICK else 20, show=show_w3)


def show_w3(t, skip=()):
    """Times as ratios to numpy's of the same kind, and each contender's
    time(value+grad)/time(value) (but those in `skip`)."""
    for k, v in t.items():
        base = "numpy value+grad" if k.endswith("+grad") else "numpy value"
        print(f"  {k:<30} {v * 1e3:10.3f} ms   ratio to {base}: {ratio(t, k, base):.3f}")
    for k in t:
        name = k[:-len(" value")]
        if k.endswith(" value") and name not in skip and name + " value+grad" in t:
            print(f"  {name + ' time(value+grad)/time(value)':<52} "
                  f"{ratio(t, name + ' value+grad', k):10.3f}")


# ---- W4: build + compile scaling --------------------------------------------------------------
def w4():
    """Runs in a child process: the peers that W1-W3 import (jax, torch) leave millions
    of objects that Python's cyclic GC would scan while graphc builds, which measures
    them, not graphc."""
    sizes = [1_000, 10_000, 100_000] + ([] if QUICK else [1_000_000])
    print(f"W4 build+compile scaling: chains of {', '.join(map(str, sizes))} nodes")
    out = subprocess.run([sys.executable, __file__, "--w4-child"] + sys.argv[1:],
                         capture_output=True, text=True, check=True).stdout
    lines = out.rstrip().splitlines()
    print("\n".join(lines[:-1]))
    per = {int(k): v for k, v in json.loads(lines[-1]).items()}
    n = 100_000
    verdict("W4", "build us/node at 100k", per[n][0], 15)
    verdict("W4", "compile + first run us/node at 100k", per[n][1], 30)
    growth = max(per[m][1] for m in sizes[1:]) / per[sizes[1]][1]
    verdict("W4", "compile us/node growth (max over sizes / at 10k)", growth, 2.0)
    w4_peers(per)


def w4_peers(graphc_per):
    """Each peer in its own child process (benchmarks/peers.py --w4), after graphc's."""
    sizes = [10_000] + ([] if QUICK else [100_000])
    for name in peers.W4_PEERS:
        if not peers.have(peers.MODULES[name]):
            continue
        try:
            out = subprocess.run([sys.executable, peers.__file__, "--w4", name]
                                 + [str(n) for n in sizes], capture_output=True, text=True,
                                 check=True, timeout=900).stdout
        except (subprocess.SubprocessError, OSError) as e:
            print(f"  {name}: W4 child failed ({type(e).__name__})")
            continue
        for n, (build, run) in json.loads(out.splitlines()[-1]).items():
            g = graphc_per[int(n)]
            print(f"  {name:<10} {int(n):>7} nodes: build {build:7.2f} us/node "
                  f"({build / g[0]:5.2f}x graphc), compile+first run {run:7.2f} us/node "
                  f"({run / g[1]:5.2f}x graphc)")


def w4_child():
    """Each size built, compiled and run `reps` times in fresh graphs: the medians (one
    build of 1M nodes takes ~15 s, so that one is timed once)."""
    sizes = [1_000, 10_000, 100_000] + ([] if QUICK else [1_000_000])
    per = {}
    for n in sizes:
        reps = 1 if n >= 1_000_000 else 3 if QUICK else 5
        builds, runs = [], []
        for _ in range(reps):
            build, run = _w4_once(n)
            builds.append(build)
            runs.append(run)
        build, run = statistics.median(builds), statistics.median(runs)
        per[n] = (build / n * 1e6, run / n * 1e6)
        print(f"  {n:>9} nodes: build {build:8.3f} s ({per[n][0]:6.2f} us/node), "
              f"compile+first run {run:8.3f} s ({per[n][1]:6.2f} us/node)"
              + (f"  (medians of {reps})" if reps > 1 else ""))
    print(json.dumps(per))


def _w4_once(n):
    """(build seconds, compile + first run seconds) of an n-node chain of adds."""
    pygc.collect()
    graph = gc.Graph()
    t0 = time.perf_counter()
    with graph.as_default():
        x = gc.placeholder(gc.float32, (4,), name="x")
        c = gc.constant(np.float32(1.0))
        y = x
        for _ in range(n):
            y = gc.add(y, c)
    t1 = time.perf_counter()
    sess = gc.Session(graph=graph)
    out = sess.run(y, {x: np.zeros(4, np.float32)})
    t2 = time.perf_counter()
    assert out[0] == n
    return t1 - t0, t2 - t1


# ---- W6: memory ----------------------------------------------------------------------------------
W6_LAYERS, W6_WIDTH, W6_BATCH = 16, 1024, 256


def _w6_setup():
    rng = np.random.default_rng(0)
    Wv = [(rng.standard_normal((W6_WIDTH, W6_WIDTH)) / 32).astype(np.float32)
          for _ in range(W6_LAYERS)]
    xv = rng.standard_normal((W6_BATCH, W6_WIDTH)).astype(np.float32)
    return Wv, xv


def _w6_numpy(Wv, xv):
    def step():
        zs, acts = [], [xv]
        for W in Wv:
            z = acts[-1] @ W
            zs.append(z)
            acts.append(np.maximum(z, 0))
        g = acts[-1] / np.float32(acts[-1].size)
        grads = [None] * len(Wv)
        for i in reversed(range(len(Wv))):
            g = g * (zs[i] > 0)
            grads[i] = acts[i].T @ g
            if i:
                g = g @ Wv[i].T
        return grads
    return step


def _w6_graphc(Wv, xv):
    graph = gc.Graph()
    with graph.as_default():
        x = gc.placeholder(gc.float32, (W6_BATCH, W6_WIDTH), name="x")
        Ws = [gc.placeholder(gc.float32, (W6_WIDTH, W6_WIDTH), name=f"W{i}")
              for i in range(W6_LAYERS)]
        h = x
        for W in Ws:
            h = gc.nn.relu(gc.matmul(h, W))
        loss = 0.5 * gc.reduce_mean(gc.square(h))
        grads = gc.gradients(loss, Ws)
        sess = gc.Session(graph=graph)
    f = sess.make_callable(grads, Ws + [x])
    return lambda: f(*Wv, xv)


def _rss_bytes():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def w6_child(which):
    Wv, xv = _w6_setup()
    if which in ("numpy", "graphc"):
        step = (_w6_numpy if which == "numpy" else _w6_graphc)(Wv, xv)
    else:                               # a peer: built (and compiled) before the baseline
        peers.have(peers.MODULES[which])
        step = peers.w6_step(which, Wv, xv)
    (xv @ Wv[0]).T @ xv                 # BLAS allocates its thread buffers on first use
    pygc.collect()
    try:                                # reset the peak (VmHWM) to the current RSS
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
    base = _rss_bytes()
    step()
    print(max(0, _hwm_bytes() - base))


def _hwm_bytes():
    """Peak RSS of this process image (ru_maxrss survives exec on Linux: not usable)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def w6():
    print(f"W6 memory: {W6_LAYERS}-layer MLP, width {W6_WIDTH}, batch {W6_BATCH}, "
          "forward+backward (weight gradients fetched)")
    rss = {}
    others = [p for p, mod in peers.MODULES.items() if peers.have(mod)]
    for which in ["numpy", "graphc"] + others:
        vals = []
        for _ in range(1 if QUICK else 3):
            out = subprocess.run([sys.executable, __file__, "--w6-child", which],
                                 capture_output=True, text=True, check=which not in others)
            if out.returncode:          # a peer that fails here is reported and left out
                break
            vals.append(int(out.stdout.split()[-1]))
        if not vals:
            print(f"  {which}: W6 child failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        rss[which] = float(np.median(vals))
        print(f"  {which:<12} peak RSS increase {rss[which] / 2**20:8.1f} MiB   "
              f"ratio to numpy: {rss[which] / rss['numpy']:.3f}")
    Wv, xv = _w6_setup()
    numpy_step = _w6_numpy(Wv, xv)
    t = interleaved({"numpy": numpy_step, "graphc": _w6_graphc(Wv, xv)},
                    number=2 if QUICK else 5)
    show(t)
    verdict("W6", "graphc / numpy peak RSS increase", rss["graphc"] / rss["numpy"], 0.85)
    verdict("W6", "graphc / numpy step time", paired(t, "graphc", "numpy"), 1.0)
    peer_pass(lambda: peers.w6(Wv, xv, numpy_step()),
              {"numpy": numpy_step, "graphc": _w6_graphc(Wv, xv)},
              number=2 if QUICK else 5)


# ---- W7: large elementwise ----------------------------------------------------------------------
def w7():
    print("W7 large elementwise: 10 elementwise ops on 4M f32 elements")
    graph = gc.Graph()
    with graph.as_default():
        x = gc.placeholder(gc.float32, (4 * 2**20,), name="x")
        y = gc.sqrt(gc.abs(gc.square(gc.tanh(x * 1.01 + 0.1) * 0.5 + 0.5) - 0.1)) * 2.0
        sess = gc.Session(graph=graph)
    f = sess.make_callable(y, [x])
    xv = np.random.default_rng(0).standard_normal(4 * 2**20).astype(np.float32)
    c = [np.float32(v) for v in (1.01, 0.1, 0.5, 0.5, 0.1, 2.0)]

    def naive():
        return np.sqrt(np.abs(np.square(np.tanh(xv * c[0] + c[1]) * c[2] + c[3]) - c[4])) * c[5]
    t = interleaved({"numpy": naive, "graphc": lambda: f(xv)}, number=3 if QUICK else 10)
    show(t)
    np.testing.assert_allclose(f(xv), naive(), rtol=1e-5)
    verdict("W7", "graphc / naive numpy time", paired(t, "graphc", "numpy"), 0.8)
    peer_pass(lambda: peers.w7(xv, naive()), {"numpy": naive, "graphc": lambda: f(xv)},
              number=3 if QUICK else 10)


def w5():
    path = os.path.join(HERE, "bench_jacobian.py")
    if not os.path.exists(path):
        print("W5: benchmarks/bench_jacobian.py not found, skipped")
        return
    print("W5 Jacobians (benchmarks/bench_jacobian.py)")
    subprocess.run([sys.executable, path] + (["--quick"] if QUICK else []), check=False)


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7}


def main(argv):
    if "--w4-child" in argv:
        w4_child()
        return
    if "--w6-child" in argv:
        w6_child(argv[argv.index("--w6-child") + 1])
        return
    chosen = [a for a in argv if a in WORKLOADS] or list(WORKLOADS)
    import platform
    print(f"graphc {gc.__version__} | numpy {np.__version__} | Python "
          f"{platform.python_version()} | {platform.processor() or platform.machine()} | "
          f"{os.cpu_count()} CPUs | rounds {ROUNDS}{' (quick)' if QUICK else ''}")
    print(f"peers: {peers.versions() or 'none'}")
    note = peers_note()
    if note:
        print(note)
    for w in chosen:
        WORKLOADS[w]()
        print()
    print("summary:")
    for w, what, v, target, ok in RESULTS:
        print(f"  {w:<4} {what:<52} {v:10.3f}  {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    main(sys.argv[1:])
