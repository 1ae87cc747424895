"""TF 1.15's multivariate normals of tf.contrib.distributions, as composites of graphc
ops: MultivariateNormalLinearOperator (Y = scale @ X + loc, X ~ N(0, I), scale a
gc.linalg.LinearOperator) and the parameterizations real code builds it from,
MultivariateNormalDiag, MultivariateNormalDiagWithSoftplusScale, MultivariateNormalTriL
and MultivariateNormalFullCovariance; the KL divergence between any two of them.

    d = gc.contrib.distributions.MultivariateNormalDiag(loc=[0., 1.], scale_diag=[1., 2.])
    lp = d.log_prob([0.5, 0.5])              # a scalar: batch shape (), event shape (2,)
    kl = gc.contrib.distributions.kl_divergence(d, other)

TF 1.15 builds these as a TransformedDistribution of Normal(0, 1) by an affine bijector;
graphc has no bijectors, so the class computes the same formulas directly:
log_prob(y) = -0.5 ||inv(scale) (y - loc)||^2 - 0.5 k log(2 pi) - log|det scale| and
entropy = 0.5 k (1 + log(2 pi)) + log|det scale|. Samples are differentiable in loc and
the scale parameters (FULLY_REPARAMETERIZED), as TF's.
"""
import math

from . import dtypes
from .distributions_base import FULLY_REPARAMETERIZED, Distribution
from .distributions_kl import RegisterKL
from .shapes import TensorShape

__all__ = ["MultivariateNormalLinearOperator", "MultivariateNormalDiag",
           "MultivariateNormalDiagWithSoftplusScale", "MultivariateNormalTriL",
           "MultivariateNormalFullCovariance"]


def _gc():
    import graphc
    return graphc


def _linalg():
    from . import linalg
    return linalg


def _is_diagonal(scale):
    """TF1's is_diagonal_scale: identity, scaled identity or diagonal."""
    la = _linalg()
    return isinstance(scale, (la.LinearOperatorIdentity, la.LinearOperatorScaledIdentity,
                              la.LinearOperatorDiag))


def _float(x, name, dtype=None):
    """x as a float tensor named `name` (Python values of `dtype` where given)."""
    gc = _gc()
    t = gc.convert_to_tensor(x, name=name, dtype_hint=dtype)
    if not t.dtype.is_floating:
        raise TypeError("%s must have a floating-point dtype, not %s" % (name, t.dtype.name))
    return t


def _nonzero(validate_args, x, message):
    """x, behind a run-time check that no entry is 0 when validate_args."""
    gc = _gc()
    if not validate_args:
        return x
    with gc.control_dependencies([gc.assert_none_equal(x, gc.zeros_like(x),
                                                       message=message)]):
        return gc.identity(x)


def _event_size(loc, scale):
    """The static event size k: scale's dimension, else loc's last dim; TF1's
    shapes_from_loc_and_scale check that loc's last dim is k or 1."""
    k = scale.range_dimension
    loc_k = None
    if loc is not None and loc.shape.rank is not None:
        if loc.shape.rank == 0:
            raise ValueError("loc must have rank at least 1, not be a scalar")
        loc_k = loc.shape._dims[-1]
    if isinstance(k, int) and isinstance(loc_k, int) and loc_k not in (k, 1):
        raise ValueError("Event size of `scale` (%d) could not be broadcast up to that of "
                         "`loc` (%d)." % (k, loc_k))
    return k if isinstance(k, int) or loc_k == 1 else loc_k


class MultivariateNormalLinearOperator(Distribution):
    """The multivariate normal on R^k with mean `loc` and covariance `scale @ scale^T`,
    `scale` a (batch of) k x k gc.linalg.LinearOperator (TF 1.15's
    tf.contrib.distributions.MultivariateNormalLinearOperator):
    `MultivariateNormalLinearOperator(loc=[1., 2.], scale=gc.linalg.LinearOperatorDiag(
    [1., 3.]))`. The batch shape is loc's (less its last dim) broadcast with scale's."""

    def __init__(self, loc=None, scale=None, validate_args=False, allow_nan_stats=True,
                 name="MultivariateNormalLinearOperator"):
        parameters = dict(locals())
        if scale is None:
            raise ValueError("Missing required `scale` parameter.")
        if not scale.dtype.is_floating:
            raise TypeError("`scale` parameter must have floating-point dtype.")
        gc = _gc()
        with gc.name_scope(name) as name:
            if loc is not None:
                loc = _float(loc, "loc", scale.dtype)
                if loc.dtype != scale.dtype:
                    raise TypeError("loc is %s but scale is %s: they must have one dtype"
                                    % (loc.dtype.name, scale.dtype.name))
        self._loc, self._scale = loc, scale
        self._k = _event_size(loc, scale)
        super().__init__(dtype=scale.dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[] if loc is None else [loc],
                         name=name)

    @property
    def loc(self):
        """The `loc` in Y = scale @ X + loc (None where it was not given: zero)."""
        return self._loc

    @property
    def scale(self):
        """The `scale` LinearOperator in Y = scale @ X + loc."""
        return self._scale

    # --- shapes -----------------------------------------------------------------------
    def _batch_shape(self):
        loc = self._loc
        batch = self._scale.batch_shape
        if loc is None:
            return batch
        loc_batch = TensorShape(None) if loc.shape.rank is None else loc.shape[:-1]
        return _gc().broadcast_static_shape(batch, loc_batch)

    def _batch_shape_tensor(self):
        gc = _gc()
        batch = self._scale.batch_shape_tensor()
        if self._loc is None:
            return batch
        return gc.broadcast_dynamic_shape(batch, gc.shape(self._loc)[:-1])

    def _event_shape(self):
        return TensorShape([self._k])

    def _event_shape_tensor(self):
        gc = _gc()
        if isinstance(self._k, int):
            return gc.constant([self._k], dtype=dtypes.int32)
        return gc.reshape(self._scale.range_dimension_tensor(), [1])

    def _k_float(self):
        """The event size k as a scalar of the distribution's dtype."""
        gc = _gc()
        if isinstance(self._k, int):
            return float(self._k)
        return gc.cast(self.event_shape_tensor()[0], self.dtype)

    # --- sampling and densities -------------------------------------------------------
    def _sample_n(self, n, seed=None):
        gc = _gc()
        shape = gc.concat([gc.reshape(n, [1]), self.batch_shape_tensor(),
                           self.event_shape_tensor()], 0)
        x = gc.random_normal(shape, dtype=self.dtype, seed=seed)
        y = self._scale.matvec(x)
        return y if self._loc is None else y + self._loc

    def _log_prob(self, y):
        gc = _gc()
        z = self._scale.solvevec(y if self._loc is None else y - self._loc)
        return (-0.5 * gc.reduce_sum(gc.square(z), -1)
                - 0.5 * math.log(2.0 * math.pi) * self._k_float()
                - self._scale.log_abs_determinant())

    def _entropy(self):
        gc = _gc()
        ent = 0.5 * (1.0 + math.log(2.0 * math.pi)) * self._k_float() \
            + self._scale.log_abs_determinant()
        batch = self.batch_shape
        if batch.is_fully_defined() and ent.shape == batch:
            return ent
        return ent + gc.zeros(batch.as_list() if batch.is_fully_defined()
                              else self.batch_shape_tensor(), self.dtype)

    # --- statistics -------------------------------------------------------------------
    def _mean(self):
        gc = _gc()
        shape = self.batch_shape.concatenate(self.event_shape)
        static = shape.is_fully_defined()
        dims = shape.as_list() if static else gc.concat(
            [self.batch_shape_tensor(), self.event_shape_tensor()], 0)
        if self._loc is None:
            return gc.zeros(dims, self.dtype)
        if static and shape == self._loc.shape:
            return gc.identity(self._loc)
        return gc.identity(self._loc) + gc.zeros(dims, self.dtype)

    def _mode(self):
        return self._mean()

    def _full_covariance(self):
        """scale @ scale^H, dense."""
        return self._scale.matmul(self._scale.to_dense(), adjoint_arg=True)

    def _covariance(self):
        gc = _gc()
        if _is_diagonal(self._scale):
            return gc.matrix_diag(gc.square(self._scale.diag_part()))
        return self._full_covariance()

    def _variance(self):
        gc = _gc()
        if _is_diagonal(self._scale):
            return gc.square(self._scale.diag_part())
        return gc.matrix_diag_part(self._full_covariance())

    def _stddev(self):
        gc = _gc()
        if _is_diagonal(self._scale):
            return gc.abs(self._scale.diag_part())
        return gc.sqrt(gc.matrix_diag_part(self._full_covariance()))


@RegisterKL(MultivariateNormalLinearOperator, MultivariateNormalLinearOperator)
def _kl_mvn(a, b, name=None):
    """KL(a || b) = log|det B| - log|det A| + 0.5 (-k + ||inv(B) A||_F^2
    + ||inv(B) (mu_b - mu_a)||^2), covariances A A^T and B B^T (TF1's _kl_brute_force;
    inv(B) A is |a.stddev / b.stddev| when both scales are diagonal)."""
    gc = _gc()

    def squared_frobenius(x):
        return gc.reduce_sum(gc.square(x), axis=[-2, -1])

    with gc.name_scope(name, "kl_mvn", values=[a.loc, b.loc]):
        if _is_diagonal(a.scale) and _is_diagonal(b.scale):
            b_inv_a = gc.expand_dims(a.stddev() / b.stddev(), -1)
        else:
            b_inv_a = b.scale.solve(a.scale.to_dense())
        diff = gc.expand_dims(b.mean() - a.mean(), -1)
        kl = (b.scale.log_abs_determinant() - a.scale.log_abs_determinant()
              + 0.5 * (-a._k_float()
                       + squared_frobenius(b_inv_a)
                       + squared_frobenius(b.scale.solve(diff))))
        kl.set_shape(gc.broadcast_static_shape(a.batch_shape, b.batch_shape))
        return kl


def _diag_scale(loc, scale_diag, scale_identity_multiplier, validate_args):
    """TF1's make_diag_scale: diag(scale_diag + multiplier), a scaled identity, or the
    identity of loc's event size."""
    gc, la = _gc(), _linalg()
    dtype = None if loc is None else loc.dtype
    if scale_diag is not None:
        scale_diag = _nonzero(validate_args, _float(scale_diag, "scale_diag", dtype),
                              "diagonal part must be non-zero")
        if scale_identity_multiplier is not None:
            m = _float(scale_identity_multiplier, "scale_identity_multiplier",
                       scale_diag.dtype)
            scale_diag = scale_diag + gc.expand_dims(m, -1)
        return la.LinearOperatorDiag(scale_diag, is_non_singular=True)
    if loc is None:
        raise ValueError("Cannot infer `event_shape` unless `loc` or `shape_hint` is "
                         "specified.")
    k = loc.shape._dims[-1] if loc.shape.rank else None
    k = k if isinstance(k, int) else gc.shape(loc)[-1]
    if scale_identity_multiplier is None:
        return la.LinearOperatorIdentity(k, dtype=loc.dtype)
    m = _nonzero(validate_args, _float(scale_identity_multiplier,
                                       "scale_identity_multiplier", loc.dtype),
                 "identity multiplier must be non-zero")
    return la.LinearOperatorScaledIdentity(k, m, is_non_singular=True)


class MultivariateNormalDiag(MultivariateNormalLinearOperator):
    """The multivariate normal with scale = diag(scale_diag + scale_identity_multiplier)
    (the identity where both are None), covariance scale @ scale^T (TF 1.15's
    tf.contrib.distributions.MultivariateNormalDiag):

        d = MultivariateNormalDiag(loc=mu, scale_diag=sigma)     # mu, sigma: (batch, k)
        a = d.sample(seed=1); lp = d.log_prob(a)                 # (batch, k); (batch,)
    """

    def __init__(self, loc=None, scale_diag=None, scale_identity_multiplier=None,
                 validate_args=False, allow_nan_stats=True, name="MultivariateNormalDiag"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name) as scope:
            with gc.name_scope("init", values=[loc, scale_diag, scale_identity_multiplier]):
                loc = None if loc is None else _float(loc, "loc")
                scale = _diag_scale(loc, scale_diag, scale_identity_multiplier,
                                    validate_args)
        super().__init__(loc=loc, scale=scale, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters


class MultivariateNormalDiagWithSoftplusScale(MultivariateNormalDiag):
    """MultivariateNormalDiag with scale_diag = softplus(scale_diag) (TF 1.15)."""

    def __init__(self, loc, scale_diag, validate_args=False, allow_nan_stats=True,
                 name="MultivariateNormalDiagWithSoftplusScale"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[scale_diag]) as scope:
            super().__init__(loc=loc, scale_diag=gc.nn.softplus(scale_diag),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters


class MultivariateNormalTriL(MultivariateNormalLinearOperator):
    """The multivariate normal with a lower-triangular scale (its upper triangle is
    ignored), covariance scale_tril @ scale_tril^T (TF 1.15's
    tf.contrib.distributions.MultivariateNormalTriL): `MultivariateNormalTriL(
    loc=mu, scale_tril=gc.cholesky(cov))`. A None scale_tril is the identity."""

    def __init__(self, loc=None, scale_tril=None, validate_args=False, allow_nan_stats=True,
                 name="MultivariateNormalTriL"):
        parameters = dict(locals())
        if loc is None and scale_tril is None:
            raise ValueError("Must specify one or both of `loc`, `scale_tril`.")
        gc = _gc()
        with gc.name_scope(name) as scope:
            with gc.name_scope("init", values=[loc, scale_tril]):
                loc = None if loc is None else _float(loc, "loc")
                if scale_tril is None:
                    scale = _diag_scale(loc, None, None, validate_args)
                else:
                    tril = _float(scale_tril, "scale_tril",
                                  None if loc is None else loc.dtype)
                    tril = gc.matrix_band_part(tril, -1, 0)
                    if validate_args:
                        diag = _nonzero(True, gc.matrix_diag_part(tril),
                                        "Singular operator: diagonal contained zero "
                                        "values.")
                        tril = gc.matrix_set_diag(tril, diag)
                    scale = _linalg().LinearOperatorLowerTriangular(
                        tril, is_non_singular=True, is_self_adjoint=False,
                        is_positive_definite=False)
        super().__init__(loc=loc, scale=scale, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters


class MultivariateNormalFullCovariance(MultivariateNormalTriL):
    """The multivariate normal of a (positive definite) covariance matrix, through its
    Cholesky factor (TF 1.15's tf.contrib.distributions.
    MultivariateNormalFullCovariance): `MultivariateNormalFullCovariance(loc=mu,
    covariance_matrix=cov)`. validate_args checks at run time that cov is symmetric."""

    def __init__(self, loc=None, covariance_matrix=None, validate_args=False,
                 allow_nan_stats=True, name="MultivariateNormalFullCovariance"):
        parameters = dict(locals())
        if loc is None and covariance_matrix is None:
            raise ValueError("Must specify one or both of `loc`, `covariance_matrix`.")
        gc = _gc()
        with gc.name_scope(name) as scope:
            with gc.name_scope("init", values=[loc, covariance_matrix]):
                scale_tril = None
                if covariance_matrix is not None:
                    loc = None if loc is None else _float(loc, "loc")
                    cov = _float(covariance_matrix, "covariance_matrix",
                                 None if loc is None else loc.dtype)
                    if validate_args:
                        check = gc.assert_near(cov, gc.matrix_transpose(cov),
                                               message="Matrix was not symmetric")
                        with gc.control_dependencies([check]):
                            cov = gc.identity(cov)
                    scale_tril = gc.cholesky(cov)
        super().__init__(loc=loc, scale_tril=scale_tril, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters
