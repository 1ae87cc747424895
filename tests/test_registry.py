"""Registry-wide checks: every op has samples; each sample's value matches numpy, its
static shape matches the run-time shape, and its vjp matches finite differences."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphc.ops.registry import REGISTRY
from graphc.testing import check_infer, check_vjp
from samples import EXEMPT, NO_GRADIENT, all_samples

SAMPLES = all_samples()
IDS = [str(s) for s in SAMPLES]
FAST = settings(max_examples=4, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def test_every_registered_op_has_a_sample_or_an_exemption():
    covered = {s.op for s in SAMPLES}
    missing = sorted(set(REGISTRY) - covered - set(EXEMPT))
    assert not missing, f"ops without a sample in tests/samples_*.py: {missing}"
    stale = sorted(set(EXEMPT) & covered)
    assert not stale, f"exempt ops that do have samples: {stale}"


def test_every_differentiable_op_has_a_gradient_sample():
    graded = {s.op for s in SAMPLES if s.grad}
    missing = sorted(name for name, op in REGISTRY.items()
                     if op.differentiable and name not in graded and name not in EXEMPT
                     and name not in NO_GRADIENT)
    assert not missing, f"differentiable ops without a gradient check: {missing}"
    stale = sorted(set(NO_GRADIENT) & graded)
    assert not stale, f"ops listed in NO_GRADIENT that do have gradient samples: {stale}"


def _check_value(sample, inputs, dynamic):
    got = check_infer(sample.build, inputs, dynamic=dynamic)
    if sample.ref is None:
        return
    want = sample.ref(*inputs)
    want = list(want) if isinstance(want, (list, tuple)) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g, np.float64) if np.asarray(g).dtype.kind != "b"
                                   else g, w, rtol=sample.rtol, atol=sample.atol,
                                   err_msg=str(sample))


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
@FAST
@given(seed=st.integers(0, 2**31 - 1))
def test_value_and_static_shape(sample, seed):
    inputs = sample.inputs(np.random.default_rng(seed))
    _check_value(sample, inputs, dynamic=False)


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_unknown_shapes_infer_and_run(sample):
    inputs = sample.inputs(np.random.default_rng(1))
    _check_value(sample, inputs, dynamic=True)


GRAD_SAMPLES = [s for s in SAMPLES if s.grad]


@pytest.mark.parametrize("sample", GRAD_SAMPLES, ids=[str(s) for s in GRAD_SAMPLES])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1))
def test_vjp_matches_finite_differences(sample, seed):
    inputs = sample.inputs(np.random.default_rng(seed))
    inputs = [np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else a
              for a in inputs]
    check_vjp(sample.build, inputs, wrt=sample.wrt, seed=seed % 1000, **sample.grad_kw)


@pytest.mark.parametrize("sample", GRAD_SAMPLES, ids=[str(s) for s in GRAD_SAMPLES])
def test_vjp_with_unknown_static_shapes(sample):
    """The same check on placeholders of unknown dims: gradients must get the input's
    shape right when only the run time knows it (un-broadcasting at run time)."""
    inputs = sample.inputs(np.random.default_rng(7))
    inputs = [np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else a
              for a in inputs]
    check_vjp(sample.build, inputs, wrt=sample.wrt, seed=7, dynamic=True, **sample.grad_kw)
