"""The forward/mixed-mode examples run at small sizes and show what they claim."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

import newton_logistic  # noqa: E402
import sensitivity  # noqa: E402


def test_newton_needs_far_fewer_iterations_than_gradient_descent():
    out = newton_logistic.main(n=200, d=6, spread=1.2, max_gd_iters=5000, verbose=False)
    assert out["gd_reached_target"], out
    assert out["newton_iters"] <= 15
    assert out["newton_iters"] * 20 < out["gd_iters"], out
    assert out["gd_loss"] <= out["newton_loss"] + 1e-6
    assert out["hvp_matches_dense_hessian"]


def test_sensitivities_match_finite_differences_and_the_jacobian():
    out = sensitivity.main(days=60, verbose=False)
    assert out["max_rel_error_vs_finite_differences"] < 1e-5
    assert out["max_error_vs_jacobian"] < 1e-12
    assert out["d_curve"].shape == (60, 3)
    # a faster spread raises the peak, a faster recovery lowers it
    assert out["d_peak"]["beta"] > 0 > out["d_peak"]["gamma"]
    assert np.isfinite(out["elasticity_final"]["i0"])


def test_the_jacobian_benchmark_runs_and_shows_the_crossover():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
    import bench_jacobian
    rows = bench_jacobian.run(quick=True, verbose=False, others=False)
    t = {(r["n"], r["impl"]): r["seconds"] for r in rows}
    assert t[(8, "graphc forward")] < t[(8, "graphc reverse")]
    assert t[(2000, "graphc reverse")] < t[(2000, "graphc forward")]
