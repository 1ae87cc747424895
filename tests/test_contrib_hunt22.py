"""Hunt 22's gaps in gc.contrib and sparse_placeholder, without TensorFlow:
sparse_placeholder's shape forms (a tensor, -1 / None dims); gc.contrib.distributions
(re-exports, the multivariate normals against numpy closed forms, moments of samples,
finite-difference gradients); the module path graphc.contrib.layers.python.layers and
its utils; contrib.signal / lookup / nn; contrib.opt.ScipyOptimizerInterface (skipped
without scipy). TF parity of sparse_placeholder is in test_tf_parity_contrib_hunt22.py."""
import importlib
import math
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

D = gc.contrib.distributions
LOG2PI = math.log(2 * math.pi)


@pytest.fixture(autouse=True)
def graph():
    with gc.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


# --- sparse_placeholder ---------------------------------------------------------------
FEED = (np.array([[0, 1], [2, 3]]), np.array([1.0, 2.0], np.float32), (3, 4))


@pytest.mark.parametrize("shape, static, default", [
    (None, None, None),
    ([3, 4], [3, 4], [3, 4]),
    ([-1, 4], [None, 4], [-1, 4]),
    ([None, 4], [None, 4], [-1, 4]),
    (np.array([3, 4]), [3, 4], [3, 4]),
    (gc.TensorShape([None, 4]), [None, 4], [-1, 4]),
])
def test_sparse_placeholder_list_shapes(shape, static, default):
    sp = gc.sparse_placeholder(gc.float32, shape=shape)
    assert sp.shape.as_list() == static if static is not None else sp.shape.rank is None
    assert sp.indices.shape.as_list() == [None, None if static is None else len(static)]
    y = gc.sparse_tensor_dense_matmul(sp, gc.ones([4, 2]))
    for feed in (FEED, gc.SparseTensorValue(*FEED)):
        np.testing.assert_array_equal(run(y, {sp: feed}), [[1, 1], [0, 0], [2, 2]])
    if default is not None:                 # dense_shape defaults to the given shape
        np.testing.assert_array_equal(run(sp.dense_shape), default)


def test_sparse_placeholder_tensor_shape_gcn_style():
    """tkipf/gcn: shape=tf.constant(features[2], dtype=tf.int64)."""
    sp = gc.sparse_placeholder(gc.float32, shape=gc.constant([3, 4], dtype=gc.int64))
    assert sp.shape.as_list() == [3, 4]
    assert sp.indices.shape.as_list() == [None, 2]
    assert sp.dense_shape.node.op.name == "PlaceholderWithDefault"
    np.testing.assert_array_equal(run(sp.dense_shape), [3, 4])
    out = run(gc.sparse_tensor_dense_matmul(sp, gc.ones([4, 2])), {sp: FEED})
    np.testing.assert_array_equal(out, [[1, 1], [0, 0], [2, 2]])


def test_sparse_placeholder_shape_tensor_partly_known_and_errors():
    ph = gc.placeholder(gc.int64, [2])
    sp = gc.sparse_placeholder(gc.float32, shape=ph)
    assert sp.shape.as_list() == [None, None] and sp.indices.shape.as_list() == [None, 2]
    with pytest.raises(gc.errors.DTypeError, match="sparse_placeholder: a shape tensor must "
                                                   "be int64"):
        gc.sparse_placeholder(gc.float32, shape=gc.constant([3, 4]))
    with pytest.raises(gc.errors.ShapeError, match="must be 1-D"):
        gc.sparse_placeholder(gc.float32, shape=gc.constant([[3, 4]], dtype=gc.int64))
    with pytest.raises(gc.errors.ShapeError, match="unknown rank"):
        gc.sparse_placeholder(gc.float32, shape=gc.TensorShape(None))


def test_sparse_placeholder_names_follow_tf():
    g = gc.get_default_graph()
    gc.sparse_placeholder(gc.float32, shape=[-1, 4], name="x")
    gc.sparse_placeholder(gc.float32, shape=gc.constant([3, 4], dtype=gc.int64), name="y")
    gc.sparse_placeholder(gc.float32)
    assert [op.name for op in g.get_operations()] == [
        "x/shape_default", "x/shape", "x/values", "x/indices", "Const", "y/shape",
        "y/values", "y/indices", "Placeholder", "Placeholder_1", "Placeholder_2"]


# --- contrib.distributions ------------------------------------------------------------
def test_contrib_distributions_reexports_and_import_forms():
    from graphc.contrib.distributions import Normal, kl_divergence  # noqa: F401
    mod = importlib.import_module("graphc.contrib.distributions")
    for name in gc.distributions.__all__:
        assert getattr(mod, name) is getattr(gc.distributions, name)
    n = D.Normal(loc=[0.5], scale=[2.0])
    lp, kl = run([n.log_prob([1.0]), D.kl_divergence(n, D.Normal(0.0, 1.0))])
    np.testing.assert_allclose(lp, [-0.5 * 0.0625 - 0.5 * LOG2PI - math.log(2.0)],
                               rtol=1e-6)
    np.testing.assert_allclose(kl, [math.log(0.5) + (4 + 0.25) / 2 - 0.5], rtol=1e-6)


def _mvn_log_prob(y, mu, cov):
    diff = y - mu
    sol = np.linalg.solve(cov, diff[..., None])[..., 0]
    return (-0.5 * np.sum(diff * sol, -1) - 0.5 * mu.shape[-1] * LOG2PI
            - 0.5 * np.linalg.slogdet(cov)[1])


def _mvn_kl(mu0, cov0, mu1, cov1):
    inv1 = np.linalg.inv(cov1)
    dm = mu1 - mu0
    return 0.5 * (np.trace(inv1 @ cov0, axis1=-2, axis2=-1)
                  + np.einsum("...i,...ij,...j", dm, inv1, dm) - mu0.shape[-1]
                  + np.linalg.slogdet(cov1)[1] - np.linalg.slogdet(cov0)[1])


def _tril(rng, b, k):
    t = np.tril(rng.randn(b, k, k))
    t[:, range(k), range(k)] = np.abs(t[:, range(k), range(k)]) + 0.5
    return t


def test_mvn_diag_against_closed_forms():
    rng = np.random.RandomState(0)
    b, k = 3, 4
    mu, sd, y = rng.randn(b, k), rng.rand(b, k) + 0.5, rng.randn(5, b, k)
    d = D.MultivariateNormalDiag(loc=mu, scale_diag=sd)
    assert d.batch_shape.as_list() == [3] and d.event_shape.as_list() == [4]
    assert d.name == "MultivariateNormalDiag/" and d.dtype == gc.float64
    assert d.reparameterization_type is D.FULLY_REPARAMETERIZED
    out = run(dict(lp=d.log_prob(y), p=d.prob(y[0]), ent=d.entropy(), mean=d.mean(),
                   mode=d.mode(), sd=d.stddev(), var=d.variance(), cov=d.covariance()))
    cov = np.einsum("bi,ij->bij", sd ** 2, np.eye(k))
    np.testing.assert_allclose(out["lp"], _mvn_log_prob(y, mu, cov), rtol=1e-12)
    np.testing.assert_allclose(out["p"], np.exp(_mvn_log_prob(y[0], mu, cov)), rtol=1e-12)
    np.testing.assert_allclose(out["ent"], 0.5 * k * (1 + LOG2PI) + np.log(sd).sum(-1))
    np.testing.assert_allclose(out["mean"], mu)
    np.testing.assert_allclose(out["mode"], mu)
    np.testing.assert_allclose(out["sd"], sd)
    np.testing.assert_allclose(out["var"], sd ** 2)
    np.testing.assert_allclose(out["cov"], cov)


def test_mvn_diag_is_a_product_of_normals_float32():
    """log_prob, entropy and KL of MVNDiag are the sums over the event of Normal's."""
    rng = np.random.RandomState(1)
    mu, sd = rng.randn(2, 3).astype(np.float32), (rng.rand(2, 3) + 0.5).astype(np.float32)
    mu2, sd2 = rng.randn(3).astype(np.float32), (rng.rand(3) + 0.5).astype(np.float32)
    x = rng.randn(4, 2, 3).astype(np.float32)
    m, m2 = D.MultivariateNormalDiag(mu, sd), D.MultivariateNormalDiag(mu2, sd2)
    n, n2 = D.Normal(mu, sd), D.Normal(mu2, sd2)
    a, b = run([[m.log_prob(x), m.entropy(), D.kl_divergence(m, m2), m.kl_divergence(m2)],
                [gc.reduce_sum(n.log_prob(x), -1), gc.reduce_sum(n.entropy(), -1),
                 gc.reduce_sum(D.kl_divergence(n, n2), -1)]])
    assert all(v.dtype == np.float32 for v in a)
    for u, v in zip(a, b + [b[2]]):
        np.testing.assert_allclose(u, v, rtol=2e-6, atol=2e-6)


def test_mvn_identity_and_scaled_identity_scales():
    mu = np.array([[1.0, -1.0], [0.0, 2.0], [3.0, 0.5]])
    y = np.array([0.3, -0.4])
    e = D.MultivariateNormalDiag(loc=mu)                      # identity scale
    s = D.MultivariateNormalDiag(loc=[1.0, -1.0], scale_identity_multiplier=[1.0, 2.0, 3.0])
    both = D.MultivariateNormalDiag(loc=[0.0, 0.0], scale_diag=[1.0, 2.0],
                                    scale_identity_multiplier=0.5)
    assert e.batch_shape.as_list() == [3] and s.batch_shape.as_list() == [3]
    out = run([e.log_prob(y), e.entropy(), s.mean(), s.stddev(), s.log_prob(y),
               both.stddev()])
    np.testing.assert_allclose(out[0], _mvn_log_prob(y, mu, np.eye(2)))
    np.testing.assert_allclose(out[1], np.full(3, 0.5 * 2 * (1 + LOG2PI)), rtol=1e-6)
    np.testing.assert_allclose(out[2], [[1, -1]] * 3)
    np.testing.assert_allclose(out[3], [[1, 1], [2, 2], [3, 3]])
    covs = np.array([m * m * np.eye(2) for m in (1.0, 2.0, 3.0)])
    np.testing.assert_allclose(out[4], _mvn_log_prob(y, np.array([1.0, -1.0]), covs),
                               rtol=1e-6)
    np.testing.assert_allclose(out[5], [1.5, 2.5])
    with pytest.raises(ValueError, match="Cannot infer `event_shape`"):
        D.MultivariateNormalDiag()


def test_mvn_tril_and_full_covariance_against_closed_forms():
    rng = np.random.RandomState(2)
    b, k = 3, 3
    mu, y, tril = rng.randn(b, k), rng.randn(5, b, k), _tril(rng, b, k)
    cov = tril @ np.swapaxes(tril, -1, -2)
    upper_noise = tril + np.triu(rng.randn(b, k, k), 1)          # ignored: lower part only
    t = D.MultivariateNormalTriL(loc=mu, scale_tril=upper_noise)
    f = D.MultivariateNormalFullCovariance(loc=mu[0], covariance_matrix=cov)
    d = D.MultivariateNormalDiag(loc=mu, scale_diag=rng.rand(b, k) + 0.5)
    out = run(dict(lp=t.log_prob(y), ent=t.entropy(), cov=t.covariance(), sd=t.stddev(),
                   var=t.variance(), flp=f.log_prob(y), kl=D.kl_divergence(t, f),
                   kl_dt=D.kl_divergence(d, t), dcov=d.covariance(),
                   mean=f.mean()))
    np.testing.assert_allclose(out["lp"], _mvn_log_prob(y, mu, cov), rtol=1e-10)
    np.testing.assert_allclose(out["ent"],
                               0.5 * k * (1 + LOG2PI) + 0.5 * np.linalg.slogdet(cov)[1])
    np.testing.assert_allclose(out["cov"], cov, rtol=1e-12)
    np.testing.assert_allclose(out["var"], np.diagonal(cov, axis1=1, axis2=2))
    np.testing.assert_allclose(out["sd"], np.sqrt(np.diagonal(cov, axis1=1, axis2=2)))
    np.testing.assert_allclose(out["flp"], _mvn_log_prob(y, mu[0], cov), rtol=1e-10)
    np.testing.assert_allclose(out["kl"], _mvn_kl(mu, cov, mu[0], cov), atol=1e-9)
    np.testing.assert_allclose(out["kl_dt"], _mvn_kl(mu, out["dcov"], mu, cov), rtol=1e-10)
    np.testing.assert_allclose(out["mean"], np.broadcast_to(mu[0], (3, 3)))
    with pytest.raises(ValueError, match="one or both of `loc`, `scale_tril`"):
        D.MultivariateNormalTriL()


def test_mvn_samples_have_the_right_moments():
    rng = np.random.RandomState(3)
    mu, sd, tril = rng.randn(2, 3), rng.rand(2, 3) + 0.5, _tril(rng, 2, 3)
    d = D.MultivariateNormalDiag(loc=mu, scale_diag=sd)
    t = D.MultivariateNormalTriL(loc=mu, scale_tril=tril)
    a, b = d.sample(20000, seed=1), t.sample([100, 200], seed=2)
    assert a.shape.as_list() == [20000, 2, 3] and b.shape.as_list() == [100, 200, 2, 3]
    a, b = run([a, b])
    b = b.reshape(-1, 2, 3)
    np.testing.assert_allclose(a.mean(0), mu, atol=5 * sd.max() / math.sqrt(20000))
    np.testing.assert_allclose(a.std(0), sd, rtol=0.03)
    cov = tril @ np.swapaxes(tril, -1, -2)
    got = np.einsum("nbi,nbj->bij", b - mu, b - mu) / len(b)
    np.testing.assert_allclose(got, cov, atol=0.05 * np.abs(cov).max())


def test_mvn_gradients_against_finite_differences():
    rng = np.random.RandomState(4)
    mu, sd, y = rng.randn(2, 3), rng.rand(2, 3) + 0.5, rng.randn(2, 3)
    mu2, sd2, tril = rng.randn(3), rng.rand(3) + 0.5, _tril(rng, 2, 3)

    def diag_fn(m, s, x, m2, s2):
        d, e = D.MultivariateNormalDiag(m, s), D.MultivariateNormalDiag(m2, s2)
        return [d.log_prob(x), d.entropy(), D.kl_divergence(d, e)]

    def tril_fn(m, t, x, m2, s2):
        d = D.MultivariateNormalTriL(m, t)
        e = D.MultivariateNormalDiag(m2, s2)
        return [d.log_prob(x), d.entropy(), D.kl_divergence(d, e), D.kl_divergence(e, d)]

    def full_fn(m, c, x):
        c = gc.matmul(c, c, transpose_b=True)
        return D.MultivariateNormalFullCovariance(m, c).log_prob(x)

    check_vjp(diag_fn, [mu, sd, y, mu2, sd2])
    check_vjp(tril_fn, [mu, tril, y, mu2, sd2])
    check_vjp(full_fn, [mu, tril, y])


def test_mvn_sample_is_reparameterized():
    """d sum(sample)/d loc = n per entry; d sum(sample)/d scale_diag = sum of the draws."""
    mu = gc.constant([[0.5, -1.0]], dtype=gc.float64)
    sd = gc.constant([[2.0, 0.5]], dtype=gc.float64)
    x = D.MultivariateNormalDiag(mu, sd).sample(7, seed=3)
    g_mu, g_sd = gc.gradients(gc.reduce_sum(x), [mu, sd])
    xv, gm, gs = run([x, g_mu, g_sd])
    np.testing.assert_allclose(gm, [[7.0, 7.0]])
    np.testing.assert_allclose(gs, ((xv - [[0.5, -1.0]]) / [[2.0, 0.5]]).sum(0), rtol=1e-12)


def test_mvn_validate_args_and_errors():
    sd = gc.placeholder(gc.float32, [2])
    d = D.MultivariateNormalDiag(loc=[0.0, 0.0], scale_diag=sd, validate_args=True)
    assert np.isfinite(run(d.log_prob([0.0, 0.0]), {sd: [1.0, 2.0]}))
    with pytest.raises(gc.errors.InvalidArgumentError, match="non-zero"):
        run(d.log_prob([0.0, 0.0]), {sd: [1.0, 0.0]})
    with pytest.raises(gc.errors.InvalidArgumentError, match="non-zero"):  # at build time
        D.MultivariateNormalDiag(loc=[0.0, 0.0], scale_diag=[1.0, 0.0], validate_args=True)
    cov = gc.placeholder(gc.float32, [2, 2])
    f = D.MultivariateNormalFullCovariance(covariance_matrix=cov, validate_args=True)
    with pytest.raises(gc.errors.InvalidArgumentError, match="not symmetric"):
        run(f.log_prob([0.0, 0.0]), {cov: [[1.0, 0.5], [0.0, 1.0]]})
    with pytest.raises(ValueError, match="could not be broadcast"):
        D.MultivariateNormalDiag(loc=[0.0, 0.0, 0.0], scale_diag=[1.0, 2.0])
    with pytest.raises(ValueError, match="Missing required `scale`"):
        D.MultivariateNormalLinearOperator(loc=[0.0])


def test_mvn_linear_operator_and_softplus_variants():
    op = gc.linalg.LinearOperatorLowerTriangular([[2.0, 0.0], [1.0, 3.0]])
    d = D.MultivariateNormalLinearOperator(loc=[1.0, 2.0], scale=op)
    assert d.scale is op
    sp = D.MultivariateNormalDiagWithSoftplusScale(loc=[0.0, 0.0], scale_diag=[0.0, 1.0])
    n = D.NormalWithSoftplusScale(0.0, [0.0, 1.0])
    lap = D.LaplaceWithSoftplusScale(0.0, 0.0)
    ber = D.BernoulliWithSigmoidProbs(logits=[0.0, 2.0])
    soft = np.log1p(np.exp([0.0, 1.0]))
    out = run([d.covariance(), sp.stddev(), n.scale, lap.scale, ber.probs])
    np.testing.assert_allclose(out[0], [[4.0, 2.0], [2.0, 10.0]], rtol=1e-6)
    np.testing.assert_allclose(out[1], soft, rtol=1e-6)
    np.testing.assert_allclose(out[2], soft, rtol=1e-6)
    np.testing.assert_allclose(out[3], math.log(2.0), rtol=1e-6)
    np.testing.assert_allclose(out[4], 1 / (1 + np.exp([0.0, -2.0])), rtol=1e-6)
    assert ber.dtype == gc.int32


# --- graphc.contrib.layers.python.layers ----------------------------------------------
def test_layers_python_module_path():
    from graphc.contrib.layers.python import layers as tf_layers
    from graphc.contrib.layers.python.layers import batch_norm, initializers, utils
    from graphc.contrib.layers.python.layers import layers as layers_lib
    from graphc.contrib.layers.python.layers.regularizers import l1_l2_regularizer
    from graphc.contrib.layers.python.layers.utils import n_positive_integers
    L = gc.contrib.layers
    assert batch_norm is L.batch_norm and tf_layers.batch_norm is L.batch_norm
    assert tf_layers.layer_norm is L.layer_norm and layers_lib.conv2d is L.conv2d
    assert initializers.xavier_initializer is L.xavier_initializer
    assert l1_l2_regularizer is L.l1_l2_regularizer
    assert utils is sys.modules["graphc.contrib.layers.python.layers.utils"]
    assert n_positive_integers(2, 3) == (3, 3)
    assert importlib.import_module("graphc.contrib.layers.python.layers.normalization"
                                   ).group_norm is L.group_norm
    with pytest.raises(ImportError):
        from graphc.contrib.layers.python.layers import no_such_name  # noqa: F401
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("graphc.contrib.layers.python.layers.no_such_module")


def test_layers_utils():
    from graphc.contrib.layers.python.layers import utils
    t = gc.placeholder(gc.bool, [])
    value = utils.constant_value(gc.constant(True))     # a numpy value, as TF's
    assert isinstance(value, np.ndarray) and value.shape == () and value
    assert utils.constant_value(False) is False and utils.constant_value(t) is None
    assert utils.constant_value(gc.Variable(1.0)) is None
    with pytest.raises(ValueError, match="wrong type"):
        utils.constant_value(gc.constant(1), dtype=gc.float32)
    with pytest.raises(ValueError, match="cannot be None"):
        utils.constant_value(None)
    assert utils.smart_cond(True, lambda: 1, lambda: 2) == 1
    y = utils.smart_cond(t, lambda: gc.constant(1.0), lambda: gc.constant(2.0))
    assert run(y, {t: False}) == 2.0
    assert utils.static_cond(0, lambda: "a", lambda: "b") == "b"
    assert utils.get_variable_collections({"weights": ["w"]}, "weights") == ["w"]
    assert utils.get_variable_collections({"weights": ["w"]}, "biases") is None
    assert utils.get_variable_collections(["c"], "biases") == ["c"]
    assert utils.two_element_tuple([2, 3]) == (2, 3) and utils.two_element_tuple(4) == (4, 4)
    with pytest.raises(ValueError):
        utils.two_element_tuple([1, 2, 3])
    assert utils.n_positive_integers(3, [1, 2, 3]) == (1, 2, 3)
    with pytest.raises(ValueError, match="positive integer"):
        utils.n_positive_integers(2, 0)
    x = gc.placeholder(gc.float32, [None, 3, 5])
    assert utils.last_dimension(x.shape) == 5
    assert utils.channel_dimension(x.shape, "channels_first") == 3
    with pytest.raises(ValueError, match="must be known"):
        utils.last_dimension(gc.placeholder(gc.float32, [2, None]).shape)
    with pytest.raises(ValueError, match="must be known but is None"):
        utils.last_dimension(gc.placeholder(gc.float32).shape)
    with pytest.raises(ValueError, match="at least 4"):
        utils.last_dimension(x.shape, min_rank=4)
    net = gc.contrib.layers.collect_named_outputs("end_points", "net/a", gc.constant(1.0))
    assert utils.gather_tensors_aliases([net]) == ["net/a"]
    assert utils.convert_collection_to_dict("end_points") == {"net/a": net}


# --- contrib.signal / lookup / nn -----------------------------------------------------
def test_contrib_signal_and_lookup_aliases():
    S, L = gc.contrib.signal, gc.contrib.lookup
    assert S.stft is gc.signal.stft and S.frames is gc.signal.frame
    assert L.MutableDenseHashTable is gc.lookup.experimental.DenseHashTable
    words = gc.constant(["emerson", "lake", "and", "palmer"])
    t = L.index_table_from_tensor(mapping=["emerson", "lake", "palmer"], num_oov_buckets=1)
    ids2 = L.string_to_index(words, mapping=["emerson", "lake", "palmer"])
    s = L.index_to_string(gc.constant([1, 5], gc.int64), mapping=["emerson", "lake"],
                          default_value="UNKNOWN")
    with gc.Session() as sess:
        sess.run(gc.tables_initializer())
        out = sess.run([t.lookup(words), ids2, s])
    np.testing.assert_array_equal(out[0], [0, 1, 3, 2])
    np.testing.assert_array_equal(out[1], [0, 1, -1, 2])
    assert list(out[2]) == [b"lake", b"UNKNOWN"]
    with pytest.raises(ValueError, match="requires string"):
        L.string_to_index_table_from_tensor([1, 2])
    with pytest.raises(ValueError, match="mapping must be specified"):
        L.index_table_from_tensor(None)


def test_contrib_nn_alpha_dropout():
    N = gc.contrib.nn
    x = gc.constant(np.random.RandomState(0).randn(400, 100))
    assert N.alpha_dropout(x, 1.0) is x
    y = run(N.alpha_dropout(x, 0.8, seed=1))
    alpha, p = -1.7580993408473766, 0.8
    a = (p + p * (1 - p) * alpha ** 2) ** -0.5
    b = -a * alpha * (1 - p)
    xv = run(x)
    kept = np.isclose(y, a * xv + b)
    assert np.all(kept | np.isclose(y, a * alpha + b))
    assert abs(kept.mean() - p) < 0.01
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02     # self-normalizing
    with pytest.raises(ValueError, match=r"range \(0, 1\]"):
        N.alpha_dropout(x, 1.5)


def test_contrib_nn_scaled_softplus_and_flipped():
    N = gc.contrib.nn
    x = np.array([[-3.0, 0.0, 2.0], [1.0, -1.0, 5.0]])
    alpha = np.array([0.5, 1.0, 2.0])
    got = run([N.scaled_softplus(x, alpha), N.scaled_softplus(x, alpha, clip=1.5)])
    want = alpha * np.log1p(np.exp(x / alpha))
    np.testing.assert_allclose(got[0], want, rtol=1e-12)
    np.testing.assert_allclose(got[1], np.minimum(want, 1.5), rtol=1e-12)
    check_vjp(lambda u, a: N.scaled_softplus(u, a), [x, alpha])
    check_vjp(lambda u, a: N.scaled_softplus(u, a, clip=1.5), [x, alpha])
    logits, labels = np.array([[1.0, 2.0, 0.5]]), np.array([[0.2, 0.5, 0.3]])
    a, b, c, d = run([N.deprecated_flipped_softmax_cross_entropy_with_logits(logits, labels),
                      gc.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits),
                      N.deprecated_flipped_sigmoid_cross_entropy_with_logits(logits, labels),
                      N.deprecated_flipped_sparse_softmax_cross_entropy_with_logits(
                          logits, np.array([1]))])
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(c, np.maximum(logits, 0) - logits * labels
                               + np.log1p(np.exp(-abs(logits))))
    np.testing.assert_allclose(d, -np.log(np.exp(2.0) / np.exp(logits).sum()))


# --- contrib.opt.ScipyOptimizerInterface ----------------------------------------------
def test_scipy_optimizer_interface_examples():
    pytest.importorskip("scipy")
    vector = gc.Variable([7.0, 7.0], name="vector")
    loss = gc.reduce_sum(gc.square(vector))
    plain = gc.contrib.opt.ScipyOptimizerInterface(loss, options={"maxiter": 100})
    bounded = gc.contrib.opt.ScipyOptimizerInterface(
        loss, var_to_bounds={vector: ([1, 2], np.inf)})
    constrained = gc.contrib.opt.ScipyOptimizerInterface(
        loss, equalities=[vector[1] - 1.0], inequalities=[vector[0] - 1.0], method="SLSQP")
    seen, steps = [], []
    with gc.Session() as sess:
        got = []
        for opt in (plain, bounded, constrained):
            sess.run(gc.global_variables_initializer())
            opt.minimize(sess, fetches=[loss], loss_callback=seen.append,
                         step_callback=steps.append)
            got.append(sess.run(vector))
    np.testing.assert_allclose(got[0], [0.0, 0.0], atol=1e-4)
    np.testing.assert_allclose(got[1], [1.0, 2.0], atol=1e-6)
    np.testing.assert_allclose(got[2], [1.0, 1.0], atol=1e-6)
    assert seen[0] == 98.0 and len(steps) > 0 and steps[0].shape == (2,)


def test_scipy_optimizer_interface_least_squares_and_feeds():
    pytest.importorskip("scipy")
    rng = np.random.RandomState(5)
    a, y = rng.randn(20, 3), rng.randn(20)
    w = gc.Variable(np.zeros((3, 1)), name="w")
    b = gc.Variable(0.0, dtype=gc.float64, name="b")
    x = gc.placeholder(gc.float64, [None, 3])
    t = gc.placeholder(gc.float64, [None])
    loss = gc.reduce_mean(gc.square(gc.squeeze(gc.matmul(x, w), 1) + b - t))
    opt = gc.contrib.opt.ScipyOptimizerInterface(loss, var_list=[w, b],
                                                 options={"gtol": 1e-12})
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        opt.minimize(sess, feed_dict={x: a, t: y})
        wv, bv = sess.run([w, b])
    sol = np.linalg.lstsq(np.c_[a, np.ones(20)], y, rcond=None)[0]
    np.testing.assert_allclose(np.r_[wv[:, 0], bv], sol, atol=1e-6)
    with pytest.raises(ValueError, match="var_to_bounds"):
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            gc.contrib.opt.ScipyOptimizerInterface(loss, bounds=[]).minimize(
                sess, feed_dict={x: a, t: y})


def test_scipy_optimizer_interface_without_scipy(monkeypatch):
    """scipy is optional: a clear ImportError naming the extra, raised by minimize."""
    v = gc.Variable([1.0])
    opt = gc.contrib.opt.ScipyOptimizerInterface(gc.reduce_sum(v * v))
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        with pytest.raises(ImportError, match=r"graphc\[fast\]"):
            opt.minimize(sess)
