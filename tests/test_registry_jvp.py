"""Registry-wide forward-mode checks, enumerated from the registry: every differentiable
op has a jvp rule (test_registry.py makes sure each has a gradient sample); on every
gradient sample, the jvp matches central finite differences
(float64) and is the transpose of the vjp: <w, J v> == <J^T w, v> to 1e-10."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphc.ops.registry import REGISTRY
from graphc.testing import check_jvp, check_transpose
from samples import all_samples

GRAD_SAMPLES = [s for s in all_samples() if s.grad]
IDS = [str(s) for s in GRAD_SAMPLES]
FEW = settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_every_differentiable_op_has_a_jvp_rule():
    # an op with a vjp has inputs to differentiate; Const and the like have neither rule
    missing = sorted(name for name, op in REGISTRY.items()
                     if op.differentiable and op.vjp is not None and op.jvp is None)
    assert not missing, f"differentiable ops without a jvp rule: {missing}"


def _float64(inputs):
    return [np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else a
            for a in inputs]


@pytest.mark.parametrize("sample", GRAD_SAMPLES, ids=IDS)
@FEW
@given(seed=st.integers(0, 2**31 - 1))
def test_jvp_matches_finite_differences(sample, seed):
    inputs = _float64(sample.inputs(np.random.default_rng(seed)))
    eps = sample.grad_kw.get("eps", 1e-6)
    # the finite difference of a float32 output is only good to ~1e-4
    loose = eps > 1e-4
    check_jvp(sample.build, inputs, wrt=sample.wrt, seed=seed % 1000, eps=eps,
              rtol=1e-3 if loose else 1e-5, atol=1e-3 if loose else 1e-6)


@pytest.mark.parametrize("sample", GRAD_SAMPLES, ids=IDS)
@FEW
@given(seed=st.integers(0, 2**31 - 1))
def test_jvp_is_the_transpose_of_the_vjp(sample, seed):
    inputs = _float64(sample.inputs(np.random.default_rng(seed)))
    # float32 outputs (a Cast) round the two sides differently
    loose = sample.grad_kw.get("eps", 1e-6) > 1e-4
    check_transpose(sample.build, inputs, wrt=sample.wrt, seed=seed % 1000,
                    rtol=1e-5 if loose else 1e-10)


def _check_batched_jacobians(fn, inputs, wrt, seed):
    """jacobian(forward) . v == jvp(v) and w . jacobian(reverse) == vjp(w), for each float
    input and output: the batching rules of every op on the path agree with the plain
    jvp and vjp rules."""
    import graphc as gc
    rng = np.random.default_rng(seed)
    g = gc.Graph()
    with g.as_default():
        phs = [gc.placeholder(gc.as_dtype(np.asarray(a).dtype), np.shape(a), name=f"in{i}")
               for i, a in enumerate(inputs)]
        out = fn(*phs)
        outs = [o for o in (out if isinstance(out, (list, tuple)) else [out])
                if o.dtype.is_floating]
        idx = [i for i in (range(len(inputs)) if wrt is None else wrt)
               if np.asarray(inputs[i]).dtype.kind == "f"]
        checks = []
        for i in idx:
            v = rng.standard_normal(np.shape(inputs[i]))
            for o in outs:
                jf = gc.jacobian(o, phs[i], mode="forward")
                jv, = gc.jvp([o], [phs[i]], [v])
                if not o.shape.is_fully_defined():      # reverse mode needs y's size
                    checks.append((v, None, jf, jv))
                    continue
                w = rng.standard_normal(tuple(o.shape.as_list()))
                jr = gc.jacobian(o, phs[i], mode="reverse")
                vj, = gc.gradients([o], [phs[i]], grad_ys=[w], unconnected_gradients="zero")
                vj = gc.convert_to_tensor(vj)       # a gather's params: IndexedSlices
                checks.append((v, w, jf, jv, jr, vj))
        with gc.Session(graph=g) as sess:
            vals = sess.run([c[2:] for c in checks], dict(zip(phs, inputs)))
    for (v, w, *_), (jf, jv, *rev) in zip(checks, vals):
        nx = v.ndim
        np.testing.assert_allclose(np.tensordot(jf, v, nx) if nx else jf * v, jv,
                                   rtol=1e-9, atol=1e-10, err_msg="forward jacobian . v")
        if w is None:
            continue
        jr, vj = rev
        np.testing.assert_allclose(np.tensordot(w, jr, w.ndim), vj, rtol=1e-9, atol=1e-10,
                                   err_msg="w . reverse jacobian")
        np.testing.assert_allclose(jf, jr, rtol=1e-9, atol=1e-10, err_msg="forward vs reverse")


@pytest.mark.parametrize("sample", GRAD_SAMPLES, ids=IDS)
def test_batched_jacobians_agree_with_jvp_and_vjp(sample):
    inputs = _float64(sample.inputs(np.random.default_rng(3)))
    if sample.grad_kw.get("eps", 1e-6) > 1e-4:
        pytest.skip("float32 outputs")
    _check_batched_jacobians(sample.build, inputs, sample.wrt, seed=3)
