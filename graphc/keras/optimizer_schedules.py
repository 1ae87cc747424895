"""gc.keras.optimizers.schedules: learning rates as functions of the step
(tf.keras.optimizers.schedules). A Keras optimizer given one as learning_rate calls it
with its `iterations` (the updates applied so far) at each step.

    lr = gc.keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100,
                                                        decay_rate=0.5)
    opt = gc.keras.optimizers.SGD(learning_rate=lr)
"""
import math

import graphc as gc

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
           "PolynomialDecay", "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts",
           "serialize", "deserialize"]


class LearningRateSchedule:
    """The base of schedules: `schedule(step)` -> the learning rate tensor."""

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not define get_config")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _float_step(step):
    step = gc.convert_to_tensor(step)
    return step if step.dtype.is_floating else gc.cast(step, gc.float32)


class _RateDecay(LearningRateSchedule):
    """A decay of (initial_learning_rate, decay_steps, decay_rate, staircase) computed
    by TF1's gc.train function `_decay`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        with gc.name_scope(self.name or type(self).__name__):
            return getattr(gc.train, self._decay)(
                self.initial_learning_rate, _float_step(step), self.decay_steps,
                self.decay_rate, staircase=self.staircase)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """initial_learning_rate * decay_rate ^ (step / decay_steps) (floored with
    staircase).

        ExponentialDecay(0.1, 100, 0.96, staircase=True)
    """
    _decay = "exponential_decay"


class InverseTimeDecay(_RateDecay):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps) (floored with
    staircase)."""
    _decay = "inverse_time_decay"


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[i] while boundaries[i-1] < step <= boundaries[i].

        PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    """

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"The length of boundaries should be 1 less than the length "
                             f"of values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length "
                             f"{len(values)}.")
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step):
        step = gc.convert_to_tensor(step)
        bounds = [gc.cast(b, step.dtype) for b in self.boundaries]
        with gc.name_scope(self.name or "PiecewiseConstant"):
            return gc.train.piecewise_constant(step, bounds, self.values)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps)^power + end, step capped at
    decay_steps (cycle: decay_steps grown to the next multiple)."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power = end_learning_rate, power
        self.cycle, self.name = cycle, name

    def __call__(self, step):
        with gc.name_scope(self.name or "PolynomialDecay"):
            return gc.train.polynomial_decay(
                self.initial_learning_rate, _float_step(step), self.decay_steps,
                end_learning_rate=self.end_learning_rate, power=self.power,
                cycle=self.cycle)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay to alpha * rate over decay_steps: rate * ((1 - alpha) *
    0.5 * (1 + cos(pi * min(s, decay_steps) / decay_steps)) + alpha), after an optional
    linear warmup from initial_learning_rate to warmup_target over warmup_steps (rate is
    then warmup_target and s counts from the warmup's end).

        CosineDecay(0.1, 1000, alpha=0.01)
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None,
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.alpha, self.name = alpha, name
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    def _decay(self, step, rate):
        fraction = gc.minimum(step, float(self.decay_steps)) / float(self.decay_steps)
        cosine = 0.5 * (1.0 + gc.cos(math.pi * fraction))
        return rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        with gc.name_scope(self.name or "CosineDecay"):
            step = _float_step(step)
            initial = gc.cast(self.initial_learning_rate, step.dtype)
            if self.warmup_target is None:
                return self._decay(step, initial)
            target = gc.cast(self.warmup_target, step.dtype)
            warm = float(self.warmup_steps)
            warming = initial + (target - initial) * (step / warm) if warm else initial
            return gc.cond(step < warm, lambda: warming,
                           lambda: self._decay(step - warm, target))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods of first_decay_steps * t_mul^i
    steps, the i-th starting from initial_learning_rate * m_mul^i."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps, self._t_mul, self._m_mul = first_decay_steps, t_mul, m_mul
        self.alpha, self.name = alpha, name

    def __call__(self, step):
        with gc.name_scope(self.name or "SGDRDecay"):
            return gc.train.cosine_decay_restarts(
                self.initial_learning_rate, _float_step(step), self.first_decay_steps,
                t_mul=self._t_mul, m_mul=self._m_mul, alpha=self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_BY_NAME = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay,
                                    PolynomialDecay, InverseTimeDecay, CosineDecay,
                                    CosineDecayRestarts)}


def serialize(schedule):
    """{"module", "class_name", "config", "registered_name"} as tf_keras writes it."""
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The schedule of serialize's dict (custom classes from custom_objects)."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name)
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule: {name}")
    return cls.from_config(config["config"])
