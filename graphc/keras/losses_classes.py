"""Loss objects of gc.keras (tf.keras.losses classes): each wraps a loss function;
`loss(y_true, y_pred, sample_weight=None)` weights the per-sample values and reduces
them by `reduction` (Reduction.AUTO and SUM_OVER_BATCH_SIZE: sum / number of values,
SUM: the sum, NONE: the weighted values).

    huber = gc.keras.losses.Huber(delta=2.0, reduction="sum")
    total = huber(y, p, sample_weight=w)
"""
import graphc as gc
from . import backend as K
from . import losses as L
from .training_weights import _match_rank

__all__ = ["Reduction", "Loss", "LossFunctionWrapper", "MeanSquaredError",
           "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "BinaryCrossentropy", "BinaryFocalCrossentropy",
           "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
           "SparseCategoricalCrossentropy", "CosineSimilarity", "Hinge", "SquaredHinge",
           "CategoricalHinge", "Poisson", "LogCosh", "KLDivergence", "Huber"]


class Reduction:
    """How a Loss object reduces the weighted per-sample losses (tf.keras ReductionV2)."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are '
                             f'"{cls.all()}"')


def _squeeze_pair(y_true, y_pred):
    """Drop a trailing 1 from whichever of y_true, y_pred has one more axis (Keras)."""
    rt, rp = y_true.shape.ndims, y_pred.shape.ndims
    if rt is not None and rp is not None:
        if rp - rt == 1 and y_pred.shape.as_list()[-1] == 1:
            y_pred = gc.squeeze(y_pred, [-1])
        elif rt - rp == 1 and y_true.shape.as_list()[-1] == 1:
            y_true = gc.squeeze(y_true, [-1])
    return y_true, y_pred


def _reduce(losses, sample_weight, reduction):
    """sum(losses * w) (/ size for SUM_OVER_BATCH_SIZE), or the weighted losses (NONE);
    w of rank r +- 1 is squeezed or expanded to the losses' rank (Keras)."""
    if not losses.dtype.is_floating:
        return gc.cast(_reduce(gc.cast(losses, gc.float32), sample_weight, reduction),
                       losses.dtype)
    if sample_weight is not None:
        w = gc.cast(sample_weight, losses.dtype)
        if w.shape.ndims != 0:
            w = _match_rank(w, losses)
        losses = losses * w
    if reduction == Reduction.NONE:
        return losses
    total = gc.reduce_sum(losses)
    if reduction == Reduction.SUM:
        return total
    return gc.div_no_nan(total, gc.cast(gc.size(losses), losses.dtype))


class Loss:
    """The base of loss objects: subclasses define call(y_true, y_pred) -> per-sample
    losses; __call__ weights and reduces them.

        class Cubed(gc.keras.losses.Loss):
            def call(self, y_true, y_pred):
                return gc.reduce_mean(gc.abs(y_pred - y_true) ** 3, axis=-1)
    """

    def __init__(self, reduction=Reduction.AUTO, name=None):
        Reduction.validate(reduction)
        self.reduction, self.name = reduction, name
        scope = type(self).__name__ if name is None else name
        self._name_scope = "lambda" if scope == "<lambda>" else scope.strip("_")

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The weighted, reduced loss: a scalar unless reduction is NONE."""
        with gc.name_scope(self._name_scope):
            losses = self.call(y_true, y_pred)
            reduction = Reduction.SUM_OVER_BATCH_SIZE if self.reduction == Reduction.AUTO \
                else self.reduction
            mask = _mask_of(losses, y_pred)
            if mask is not None:
                mask = gc.cast(mask, losses.dtype)
                if reduction == Reduction.SUM_OVER_BATCH_SIZE:  # mean over the valid
                    mask = mask * (gc.cast(gc.size(mask), mask.dtype) /
                                   gc.reduce_sum(mask))
                sample_weight = mask if sample_weight is None else \
                    _match_rank(gc.cast(sample_weight, mask.dtype), mask) * mask
            return _reduce(losses, sample_weight, reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError("Must be implemented in subclasses.")

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _mask_of(losses, y_pred):
    """The Keras masks of y_pred and of the losses, and-ed (None without either)."""
    masks = [m for m in (K.get_mask(y_pred) if isinstance(y_pred, gc.Tensor) else None,
                         K.get_mask(losses)) if m is not None]
    if len(masks) == 2:
        return gc.logical_and(*masks)
    return masks[0] if masks else None


class LossFunctionWrapper(Loss):
    """A Loss of fn(y_true, y_pred, **kwargs).

        gc.keras.losses.LossFunctionWrapper(gc.keras.losses.mae, name="mae")
    """

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn, self._fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        if isinstance(y_pred, gc.Tensor) and isinstance(y_true, gc.Tensor):
            y_true, y_pred = _squeeze_pair(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = dict(super().get_config(), **self._fn_kwargs)
        config["fn"] = getattr(self.fn, "__name__", None)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop("fn", None)
        if cls is LossFunctionWrapper:
            config["fn"] = L.get(fn)
        return cls(**config)


def _loss_class(cls_name, fn, default_name, doc, **defaults):
    """A LossFunctionWrapper subclass of `fn` with the keyword arguments `defaults`
    (in tf.keras' order, before reduction and name)."""
    def __init__(self, *args, **kwargs):
        opts = dict(defaults, reduction=Reduction.AUTO, name=default_name)
        names = list(opts)
        if len(args) > len(names):
            raise TypeError(f"{cls_name}() takes at most {len(names)} positional "
                            f"arguments ({len(args)} given)")
        for key, value in zip(names, args):
            if key in kwargs:
                raise TypeError(f"{cls_name}() got multiple values for argument '{key}'")
            kwargs[key] = value
        unknown = sorted(set(kwargs) - set(opts))
        if unknown:
            raise TypeError(f"{cls_name}() got an unexpected keyword argument "
                            f"'{unknown[0]}'")
        opts.update(kwargs)
        reduction, name = opts.pop("reduction"), opts.pop("name")
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, **opts)

    params = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    sig = f"{cls_name}({params + ', ' if params else ''}reduction='auto', " \
          f"name='{default_name}')"
    cls = type(cls_name, (LossFunctionWrapper,), {
        "__init__": __init__, "__doc__": f"{doc}\n\n    {sig}", "__module__": __name__})
    cls.from_config = classmethod(lambda c, config: c(**{
        k: v for k, v in config.items() if k != "fn"}))
    return cls


_XENT = dict(from_logits=False, label_smoothing=0.0, axis=-1)
MeanSquaredError = _loss_class("MeanSquaredError", L.mean_squared_error,
                               "mean_squared_error", "mean((y_true - y_pred)^2, -1).")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", L.mean_absolute_error,
                                "mean_absolute_error", "mean(|y_true - y_pred|, -1).")
MeanAbsolutePercentageError = _loss_class(
    "MeanAbsolutePercentageError", L.mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "100 * mean(|y_true - y_pred| / |y_true|, -1).")
MeanSquaredLogarithmicError = _loss_class(
    "MeanSquaredLogarithmicError", L.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "mean((log(1 + y_true) - log(1 + y_pred))^2, -1).")
BinaryCrossentropy = _loss_class("BinaryCrossentropy", L.binary_crossentropy,
                                 "binary_crossentropy", "The binary cross entropy.",
                                 **_XENT)
BinaryFocalCrossentropy = _loss_class(
    "BinaryFocalCrossentropy", L.binary_focal_crossentropy, "binary_focal_crossentropy",
    "The binary cross entropy times the focal factor (1 - p_t)^gamma.",
    apply_class_balancing=False, alpha=0.25, gamma=2.0, **_XENT)
CategoricalCrossentropy = _loss_class(
    "CategoricalCrossentropy", L.categorical_crossentropy, "categorical_crossentropy",
    "The cross entropy of one-hot (or soft) labels.", **_XENT)
CategoricalFocalCrossentropy = _loss_class(
    "CategoricalFocalCrossentropy", L.categorical_focal_crossentropy,
    "categorical_focal_crossentropy", "The focal cross entropy of one-hot labels.",
    alpha=0.25, gamma=2.0, **_XENT)
SparseCategoricalCrossentropy = _loss_class(
    "SparseCategoricalCrossentropy", L.sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", "The cross entropy of integer labels.",
    from_logits=False, ignore_class=None)
CosineSimilarity = _loss_class("CosineSimilarity", L.cosine_similarity,
                               "cosine_similarity", "-sum(l2_normalize(y_true) * "
                               "l2_normalize(y_pred), axis).", axis=-1)
Hinge = _loss_class("Hinge", L.hinge, "hinge", "mean(max(1 - y_true * y_pred, 0), -1).")
SquaredHinge = _loss_class("SquaredHinge", L.squared_hinge, "squared_hinge",
                           "mean(max(1 - y_true * y_pred, 0)^2, -1).")
CategoricalHinge = _loss_class("CategoricalHinge", L.categorical_hinge,
                               "categorical_hinge", "max(neg - pos + 1, 0).")
Poisson = _loss_class("Poisson", L.poisson, "poisson",
                      "mean(y_pred - y_true * log(y_pred + eps), -1).")
LogCosh = _loss_class("LogCosh", L.log_cosh, "log_cosh",
                      "mean(log(cosh(y_pred - y_true)), -1).")
KLDivergence = _loss_class("KLDivergence", L.kullback_leibler_divergence,
                           "kl_divergence", "sum(y_true * log(y_true / y_pred), -1).")
Huber = _loss_class("Huber", L.huber, "huber_loss",
                    "The Huber loss: quadratic within delta, linear outside.", delta=1.0)


def _per_sample(loss):
    """The per-sample function compile() should use for `loss`: a Loss object's call(),
    scaled so that training's sum(l * w) / size(l) is its reduction (SUM: times the
    size); a plain function as it is."""
    if not isinstance(loss, Loss):
        return loss

    def per_sample(y_true, y_pred):
        with gc.name_scope(loss._name_scope):
            values = loss.call(y_true, y_pred)
        if loss.reduction == Reduction.SUM:
            values = values * gc.cast(gc.size(values), values.dtype)
        return values
    per_sample.__name__ = loss.name or type(loss).__name__
    per_sample.fn = getattr(loss, "fn", None)       # the loss function it wraps, if any
    return per_sample
