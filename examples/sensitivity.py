"""Sensitivity analysis with forward mode: how an epidemic's course depends on each
parameter of an SIR model.

The model is unrolled in the graph (explicit Euler, one step a day). `gc.jvp` along the
unit direction of each parameter gives the derivative of the whole infected curve I(t)
with respect to that parameter: few inputs, many outputs, the case where forward mode
is cheap (one sweep per parameter, where reverse mode would need one per day). The
results are checked against finite differences and against `gc.jacobian(mode="forward")`.

    python examples/sensitivity.py
"""
import numpy as np

import graphc as gc

PARAMS = ("beta", "gamma", "i0")       # infection rate, recovery rate, initially infected


def simulate(p, days, dt=1.0):
    """S, I, R fractions for `days` Euler steps; p = (beta, gamma, i0) as a (3,) tensor.
    Returns the infected curve (days,), its peak and the final recovered fraction."""
    beta, gamma, i0 = gc.unstack(p, num=3)
    s, i, r = 1.0 - i0, i0, gc.zeros_like(i0)
    curve = []
    for _ in range(days):
        new_inf = beta * s * i * dt
        new_rec = gamma * i * dt
        s, i, r = s - new_inf, i + new_inf - new_rec, r + new_rec
        curve.append(i)
    curve = gc.stack(curve)
    return curve, gc.reduce_max(curve), r


def numpy_simulate(p, days, dt=1.0):
    beta, gamma, i0 = p
    s, i, r = 1.0 - i0, i0, 0.0
    curve = []
    for _ in range(days):
        new_inf, new_rec = beta * s * i * dt, gamma * i * dt
        s, i, r = s - new_inf, i + new_inf - new_rec, r + new_rec
        curve.append(i)
    curve = np.array(curve)
    return curve, curve.max(), r


def main(days=160, beta=0.3, gamma=0.1, i0=1e-3, verbose=True):
    """Sensitivities (d/dparam) and elasticities (dlog/dlog param) of the peak and of the
    final epidemic size; the largest deviation from finite differences and from the
    forward-mode Jacobian."""
    p0 = np.array([beta, gamma, i0])
    graph = gc.Graph()
    with graph.as_default():
        p = gc.placeholder(gc.float64, (3,), name="params")
        curve, peak, final = simulate(p, days)
        tangents = []
        for k in range(3):                            # one jvp per parameter direction
            e_k = np.eye(3)[k]
            tangents.append(gc.jvp([curve, peak, final], [p], [e_k]))
        jac = gc.jacobian(curve, p, mode="forward")   # (days, 3), one batched sweep
    with gc.Session(graph=graph) as sess:
        values, sens, J = sess.run([[curve, peak, final], tangents, jac], {p: p0})
    curve_v, peak_v, final_v = values

    # finite differences of the numpy model, for comparison
    fd_err = 0.0
    for k in range(3):
        h = 1e-6 * max(abs(p0[k]), 1e-3)
        dp = np.eye(3)[k] * h
        plus, minus = numpy_simulate(p0 + dp, days), numpy_simulate(p0 - dp, days)
        for got, a, b in zip(sens[k], plus, minus):
            want = (np.asarray(a) - np.asarray(b)) / (2 * h)
            fd_err = max(fd_err, float(np.max(np.abs(got - want) / (1 + np.abs(want)))))
    jac_err = max(float(np.max(np.abs(J[:, k] - sens[k][0]))) for k in range(3))

    out = {"peak": float(peak_v), "final_size": float(final_v),
           "peak_day": int(np.argmax(curve_v)) + 1,
           "d_peak": {n: float(sens[k][1]) for k, n in enumerate(PARAMS)},
           "d_final": {n: float(sens[k][2]) for k, n in enumerate(PARAMS)},
           "elasticity_peak": {n: float(sens[k][1] * p0[k] / peak_v)
                               for k, n in enumerate(PARAMS)},
           "elasticity_final": {n: float(sens[k][2] * p0[k] / final_v)
                                for k, n in enumerate(PARAMS)},
           "d_curve": np.stack([sens[k][0] for k in range(3)], axis=1),
           "max_rel_error_vs_finite_differences": fd_err,
           "max_error_vs_jacobian": jac_err}
    if verbose:
        print(f"SIR model, {days} days: peak {out['peak']:.4f} on day {out['peak_day']}, "
              f"final size {out['final_size']:.4f}")
        print(f"{'parameter':>10} {'value':>8} {'d peak':>10} {'elast.':>8} "
              f"{'d final':>10} {'elast.':>8}")
        for k, n in enumerate(PARAMS):
            print(f"{n:>10} {p0[k]:8.4g} {out['d_peak'][n]:10.4g} "
                  f"{out['elasticity_peak'][n]:8.3f} {out['d_final'][n]:10.4g} "
                  f"{out['elasticity_final'][n]:8.3f}")
        print(f"jvp vs finite differences: max relative error {fd_err:.1e}; "
              f"vs jacobian(mode='forward'): {jac_err:.1e}")
    return out


if __name__ == "__main__":
    main()
