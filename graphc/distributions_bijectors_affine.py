"""TF 1.15's affine bijectors (tf.contrib.distributions.bijectors): AffineScalar
(Y = scale * X + shift, elementwise), AffineLinearOperator (Y = scale @ X + shift, scale a
gc.linalg.LinearOperator) and Affine (Y = scale @ X + shift with
scale = c I + diag(d) + tril(L) + U diag(p) U^T). Their Jacobians are constant, so
log-det-Jacobians are given for one event and broadcast over the others.

    b = Affine(shift=[1., 2.], scale_tril=[[1., 0.], [2., 3.]])
    b.forward([[0., 1.]])                        # [[1., 5.]]
    b.forward_log_det_jacobian(x, event_ndims=1) # log|1 * 3|
"""
from . import errors
from .distributions_bijectors import Bijector

__all__ = ["AffineScalar", "AffineLinearOperator", "Affine"]


def _gc():
    import graphc
    return graphc


def _linalg():
    from . import linalg
    return linalg


def _tensor(x, name, dtype=None):
    return None if x is None else _gc().convert_to_tensor(x, name=name, dtype_hint=dtype)


def _nonzero(validate_args, x, message):
    gc = _gc()
    if not validate_args or x is None:
        return x
    with gc.control_dependencies([gc.assert_none_equal(x, gc.zeros([], x.dtype),
                                                       message=message)]):
        return gc.identity(x)


class AffineScalar(Bijector):
    """Y = scale * X + shift, elementwise (scale 1 and shift 0 where None)."""

    def __init__(self, shift=None, scale=None, validate_args=False, name="affine_scalar"):
        gc = _gc()
        with gc.name_scope(name):
            with gc.name_scope("init", values=[scale, shift]):
                self._shift = _tensor(shift, "shift")
                scale = _tensor(scale, "scale",
                                None if self._shift is None else self._shift.dtype)
                self._scale = _nonzero(validate_args, scale, "scale must be non-zero")
        super().__init__(forward_min_event_ndims=0, is_constant_jacobian=True,
                         validate_args=validate_args, name=name)

    @property
    def shift(self):
        return self._shift

    @property
    def scale(self):
        return self._scale

    def _forward(self, x):
        y = _gc().identity(x)
        if self._scale is not None:
            y = y * self._scale
        if self._shift is not None:
            y = y + self._shift
        return y

    def _inverse(self, y):
        x = _gc().identity(y)
        if self._shift is not None:
            x = x - self._shift
        if self._scale is not None:
            x = x / self._scale
        return x

    def _forward_log_det_jacobian(self, x):
        gc = _gc()
        if self._scale is None:
            return gc.constant(0.0, dtype=x.dtype)
        return gc.log(gc.abs(self._scale))


class AffineLinearOperator(Bijector):
    """Y = scale @ X + shift on vector events, scale a gc.linalg.LinearOperator (the
    identity where None): `AffineLinearOperator(shift=mu,
    scale=gc.linalg.LinearOperatorDiag(sigma))`."""

    def __init__(self, shift=None, scale=None, validate_args=False,
                 name="affine_linear_operator"):
        gc, la = _gc(), _linalg()
        with gc.name_scope(name):
            with gc.name_scope("init", values=[shift]):
                dtype = gc.float32
                self._shift = _tensor(shift, "shift")
                if self._shift is not None:
                    dtype = self._shift.dtype.base_dtype
                if scale is not None:
                    if not isinstance(scale, la.LinearOperator):
                        raise TypeError("scale is not an instance of tf.LinearOperator%s"
                                        % errors.called_at(name))
                    if validate_args and not scale.is_non_singular:
                        raise ValueError("Scale matrix must be non-singular.%s"
                                         % errors.called_at(name))
                    if self._shift is not None and scale.dtype != dtype:
                        raise TypeError("shift.dtype (%s) is incompatible with "
                                        "scale.dtype (%s).%s"
                                        % (dtype.name, scale.dtype.name,
                                           errors.called_at(name)))
                    dtype = scale.dtype
        self._scale = scale
        super().__init__(forward_min_event_ndims=1, is_constant_jacobian=True,
                         dtype=dtype, validate_args=validate_args, name=name)

    @property
    def shift(self):
        return self._shift

    @property
    def scale(self):
        """The LinearOperator in Y = scale @ X + shift (None: the identity)."""
        return self._scale

    def _forward(self, x):
        y = x if self._scale is None else self._scale.matvec(x)
        return y if self._shift is None else y + self._shift

    def _inverse(self, y):
        x = y if self._shift is None else y - self._shift
        return x if self._scale is None else self._scale.solvevec(x)

    def _forward_log_det_jacobian(self, x):
        if self._scale is None:
            return _gc().constant(0.0, dtype=x.dtype)
        return self._scale.log_abs_determinant()


def _static_dim(t, axis):
    """t.shape[axis] where static, else the dim as a tensor."""
    dim = t.shape._dims[axis] if t.shape.ndims else None
    return dim if isinstance(dim, int) else _gc().shape(t)[axis]


class Affine(AffineLinearOperator):
    """Y = scale @ X + shift on vector events, with
    scale = c I + diag(scale_diag) + tril(scale_tril) + U diag(p) U^T
    (c = scale_identity_multiplier, U = scale_perturb_factor, p = scale_perturb_diag or
    ones). With none of c, scale_diag and scale_tril the identity is added; with only c
    the map is elementwise (Y = c X + shift)."""

    def __init__(self, shift=None, scale_identity_multiplier=None, scale_diag=None,
                 scale_tril=None, scale_perturb_factor=None, scale_perturb_diag=None,
                 validate_args=False, name="affine"):
        gc = _gc()
        if scale_perturb_diag is not None and scale_perturb_factor is None:
            raise ValueError("When scale_perturb_diag is specified, scale_perturb_factor "
                             "must be specified.%s" % errors.called_at(name))
        self._only_multiplier = (scale_tril is None and scale_diag is None
                                 and scale_perturb_factor is None)
        with gc.name_scope(name):
            with gc.name_scope("init", values=[
                    shift, scale_identity_multiplier, scale_diag, scale_tril,
                    scale_perturb_factor, scale_perturb_diag]):
                shift = _tensor(shift, "shift")
                dtype = gc.float32 if shift is None else shift.dtype.base_dtype
                if self._only_multiplier:
                    m = 1.0 if scale_identity_multiplier is None \
                        else scale_identity_multiplier
                    m = _tensor(m, "identity_multiplier", dtype)
                    scale = _nonzero(validate_args, m,
                                     "identity_multiplier should be non-zero.")
                else:
                    scale = self._scale_operator(
                        shift, scale_identity_multiplier, scale_diag, scale_tril,
                        scale_perturb_factor, scale_perturb_diag, validate_args, name)
                    if shift is not None and shift.dtype != scale.dtype:
                        raise TypeError("shift.dtype(%s) is incompatible with "
                                        "scale.dtype(%s).%s"
                                        % (shift.dtype.name, scale.dtype.name,
                                           errors.called_at(name)))
                dtype = scale.dtype.base_dtype
        self._shift = shift
        self._scale = scale
        Bijector.__init__(self, forward_min_event_ndims=1, is_constant_jacobian=True,
                          dtype=dtype, validate_args=validate_args, name=name)

    @staticmethod
    def _scale_operator(shift, multiplier, diag, tril, perturb_factor, perturb_diag,
                        validate_args, name):
        """TF1's make_tril_scale / make_diag_scale, plus the low-rank update."""
        gc, la = _gc(), _linalg()
        dtype = None if shift is None else shift.dtype
        multiplier = _tensor(multiplier, "identity_multiplier", dtype)
        diag = _tensor(diag, "diag", dtype)
        tril = _tensor(tril, "tril", dtype)
        perturb_factor = _tensor(perturb_factor, "perturb_factor", dtype)
        perturb_diag = _tensor(perturb_diag, "perturb_diag", dtype)
        if tril is not None:
            tril = gc.matrix_band_part(tril, -1, 0)     # the upper triangle is ignored
            tril_diag = gc.matrix_diag_part(tril)
            if diag is not None:
                tril_diag = tril_diag + diag
            if multiplier is not None:
                tril_diag = tril_diag + gc.expand_dims(multiplier, -1)
            tril_diag = _nonzero(validate_args, tril_diag, "diagonal part must be non-zero")
            scale = la.LinearOperatorLowerTriangular(gc.matrix_set_diag(tril, tril_diag),
                                                     is_non_singular=True)
        elif diag is not None:
            if multiplier is not None:
                diag = diag + gc.expand_dims(multiplier, -1)
            diag = _nonzero(validate_args, diag, "diagonal part must be non-zero")
            scale = la.LinearOperatorDiag(diag, is_non_singular=True)
        else:
            if perturb_factor is not None:
                k = _static_dim(perturb_factor, -2)
            elif shift is not None and shift.shape.ndims != 0:
                k = _static_dim(shift, -1)
            else:
                raise ValueError("Cannot infer `event_shape` unless `loc` or `shape_hint` "
                                 "is specified.%s" % errors.called_at(name))
            kind = gc.float32 if perturb_factor is None else perturb_factor.dtype
            kind = kind if dtype is None else dtype
            if multiplier is None:
                scale = la.LinearOperatorIdentity(k, dtype=kind)
            else:
                multiplier = _nonzero(validate_args, multiplier,
                                      "identity multiplier must be non-zero")
                scale = la.LinearOperatorScaledIdentity(k, multiplier, is_non_singular=True)
        if perturb_factor is None:
            return scale
        return la.LinearOperatorLowRankUpdate(
            scale, u=perturb_factor, diag_update=perturb_diag,
            is_diag_update_positive=perturb_diag is None, is_non_singular=True,
            is_self_adjoint=True, is_positive_definite=True, is_square=True)

    def _forward(self, x):
        if not self._only_multiplier:
            return super()._forward(x)
        y = x * self._scale
        return y if self._shift is None else y + self._shift

    def _inverse(self, y):
        if not self._only_multiplier:
            return super()._inverse(y)
        x = y if self._shift is None else y - self._shift
        return x / self._scale

    def _forward_log_det_jacobian(self, x):
        gc = _gc()
        if not self._only_multiplier:
            return self._scale.log_abs_determinant()
        k = gc.cast(gc.shape(x)[-1], self._scale.dtype)
        return gc.log(gc.abs(self._scale)) * k
