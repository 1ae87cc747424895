"""Learning-rate schedules of the global step (TF1 1.15 tf.train.*_decay).

Each function transcribes TF1's formula term by term (learning_rate_decay.py and the
Keras schedules it calls) and returns a scalar tensor of learning_rate's dtype
(float32 for a Python float). One difference, the one the optimizers make too: a
Python number becomes a constant of that dtype, where TF1 makes a float32 tensor and
casts it, so a float64 schedule here does not see float32-rounded hyperparameters.
"""
import math

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..ops import asserts, core, elementwise as el, random
from ..ops.control import cond

__all__ = ["exponential_decay", "piecewise_constant", "piecewise_constant_decay",
           "polynomial_decay", "natural_exp_decay", "inverse_time_decay", "cosine_decay",
           "cosine_decay_restarts", "linear_cosine_decay", "noisy_linear_cosine_decay"]


def _graph(what, global_step):
    if global_step is None:
        raise ValueError(f"global_step is required for {what}")
    return global_step.graph if isinstance(global_step, Tensor) else get_default_graph()


def _rate(what, learning_rate):
    """learning_rate as a floating tensor (its dtype is the schedule's)."""
    lr = core.convert_to_tensor(learning_rate, name="learning_rate")
    if not lr.dtype.is_floating:
        raise errors.DTypeError(f"{what}: the learning rate must be floating point\n  "
                                f"{errors.describe_tensor(lr, lr.name)}")
    return lr


def _as(value, dtype):
    """A hyperparameter in `dtype`: a constant of a Python number, a cast tensor."""
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else el.cast(value, dtype)
    return core.constant(value, dtype=dtype)


def _progress(global_step, decay_steps, dtype, staircase):
    """global_step / decay_steps, floored when staircase (the schedules' exponent)."""
    p = _as(global_step, dtype) / _as(decay_steps, dtype)
    return el.floor(p) if staircase else p


def _cosine(fraction, dtype):
    """0.5 * (1 + cos(pi * fraction))."""
    return 0.5 * (1.0 + el.cos(core.constant(math.pi, dtype=dtype) * fraction))


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate,
                      staircase=False, name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps) (TF1).

    With staircase=True the exponent is floored, so the rate drops every decay_steps.

        lr = gc.train.exponential_decay(0.1, step, decay_steps=100, decay_rate=0.96)
    """
    graph = _graph("exponential_decay", global_step)
    with graph.as_default(), graph.name_scope(name or "ExponentialDecay") as scope:
        lr = _rate("exponential_decay", learning_rate)
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        return el.multiply(lr, el.pow(_as(decay_rate, dtype), p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate,
                      staircase=False, name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps) (TF1), computed as
    TF1 does: exponential_decay with the rate exp(-decay_rate); the exponent
    global_step / decay_steps floored when staircase.

        lr = gc.train.natural_exp_decay(0.1, step, decay_steps=5, decay_rate=0.5)
    """
    graph = _graph("natural_exp_decay", global_step)
    # TF1 1.15 documents 'ExponentialTimeDecay' but names it as exponential_decay does
    with graph.as_default(), graph.name_scope(name or "ExponentialDecay") as scope:
        lr = _rate("natural_exp_decay", learning_rate)
        dtype = lr.dtype
        rate = el.exp(el.negative(_as(decay_rate, dtype)))
        p = _progress(global_step, decay_steps, dtype, staircase)
        return el.multiply(lr, el.pow(rate, p), name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate,
                       staircase=False, name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps) (TF1); the quotient
    global_step / decay_steps floored when staircase.

        lr = gc.train.inverse_time_decay(0.1, step, decay_steps=1, decay_rate=0.5)
    """
    graph = _graph("inverse_time_decay", global_step)
    with graph.as_default(), graph.name_scope(name or "InverseTimeDecay") as scope:
        lr = _rate("inverse_time_decay", learning_rate)
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, dtype, staircase)
        denom = el.add(_as(1, dtype), el.multiply(_as(decay_rate, dtype), p))
        return el.divide(lr, denom, name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """(learning_rate - end) * (1 - step / decay_steps) ^ power + end (TF1).

    step is min(global_step, decay_steps); with cycle=True, step is global_step and
    decay_steps is multiplied by ceil(global_step / decay_steps) (1 at step 0), so the
    decay restarts from learning_rate each period.

        lr = gc.train.polynomial_decay(0.1, step, 10000, end_learning_rate=0.01, power=0.5)
    """
    graph = _graph("polynomial_decay", global_step)
    with graph.as_default(), graph.name_scope(name or "PolynomialDecay") as scope:
        lr = _rate("polynomial_decay", learning_rate)
        dtype = lr.dtype
        end = _as(end_learning_rate, dtype)
        power = _as(power, dtype)
        step = _as(global_step, dtype)
        steps = _as(decay_steps, dtype)
        if cycle:
            # the first multiple of decay_steps above global_step; 1 at step 0
            multiplier = el.select(el.equal(step, 0.0), _as(1.0, dtype),
                                  el.ceil(step / steps))
            steps = el.multiply(steps, multiplier)
        else:
            step = el.minimum(step, steps)
        p = el.divide(step, steps)
        return el.add(el.multiply(lr - end, el.pow(1.0 - p, power)), end, name=scope)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha),
    step = min(global_step, decay_steps) (TF1; Loshchilov & Hutter's SGDR without
    restarts).

        lr = gc.train.cosine_decay(0.1, step, decay_steps=1000, alpha=0.01)
    """
    graph = _graph("cosine_decay", global_step)
    with graph.as_default(), graph.name_scope(name or "CosineDecay") as scope:
        lr = _rate("cosine_decay", learning_rate)
        dtype = lr.dtype
        steps = _as(decay_steps, dtype)
        step = el.minimum(_as(global_step, dtype), steps)
        cosine_decayed = _cosine(step / steps, dtype)
        # TF1 uses alpha as given here, so (1 - alpha) of a Python alpha is a Python float
        one_minus = (1 - alpha) if not isinstance(alpha, Tensor) else 1.0 - _as(alpha, dtype)
        decayed = _as(one_minus, dtype) * cosine_decayed + _as(alpha, dtype)
        return el.multiply(lr, decayed, name=scope)


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0,
                          m_mul=1.0, alpha=0.0, name=None):
    """Cosine decay with warm restarts (TF1; SGDR): the factor falls from 1 to alpha over
    first_decay_steps, then restarts; period i lasts t_mul^i times longer and starts
    m_mul^i times lower.

        lr = gc.train.cosine_decay_restarts(0.1, step, first_decay_steps=100)
    """
    graph = _graph("cosine_decay_restarts", global_step)
    with graph.as_default(), graph.name_scope(name or "SGDRDecay") as scope:
        lr = _rate("cosine_decay_restarts", learning_rate)
        dtype = lr.dtype
        first = _as(first_decay_steps, dtype)
        alpha = _as(alpha, dtype)
        t_mul_t = _as(t_mul, dtype)
        m_mul = _as(m_mul, dtype)
        fraction = _as(global_step, dtype) / first

        def constant_periods():
            i_restart = el.floor(fraction)
            return i_restart, fraction - i_restart

        def geometric_periods():
            i_restart = el.floor(el.log(1.0 - fraction * (1.0 - t_mul_t)) / el.log(t_mul_t))
            sum_r = (1.0 - t_mul_t ** i_restart) / (1.0 - t_mul_t)
            return i_restart, (fraction - sum_r) / t_mul_t ** i_restart

        if isinstance(t_mul, Tensor):
            i_restart, fraction = cond(el.equal(t_mul_t, 1.0), constant_periods,
                                       geometric_periods)
        else:   # TF1's cond, decided when the graph is built
            i_restart, fraction = (constant_periods() if t_mul == 1.0
                                   else geometric_periods())
        m_fac = m_mul ** i_restart
        cosine_decayed = 0.5 * m_fac * (1.0 + el.cos(core.constant(math.pi, dtype=dtype)
                                                     * fraction))
        decayed = (1.0 - alpha) * cosine_decayed + alpha
        return el.multiply(lr, decayed, name=scope)


def _linear_cosine(what, learning_rate, global_step, decay_steps, num_periods, alpha,
                   beta, noise):
    """(alpha + linear (+ noise)) * cosine + beta, and learning_rate; TF1's two formulas."""
    lr = _rate(what, learning_rate)
    dtype = lr.dtype
    steps = _as(decay_steps, dtype)
    step = el.minimum(_as(global_step, dtype), steps)
    linear_decayed = (steps - step) / steps
    if noise is not None:
        initial_variance, variance_decay = (_as(v, dtype) for v in noise)
        variance = initial_variance / el.pow(1.0 + step, variance_decay)
        std = el.sqrt(variance)
        linear_decayed = linear_decayed + random.random_normal((), stddev=std, dtype=dtype)
    fraction = 2.0 * _as(num_periods, dtype) * (step / steps)
    cosine_decayed = _cosine(fraction, dtype)
    return lr, (_as(alpha, dtype) + linear_decayed) * cosine_decayed + _as(beta, dtype)


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5,
                        alpha=0.0, beta=0.001, name=None):
    """learning_rate * ((alpha + linear) * cosine + beta) (TF1; Bello et al. 2017), with
    step = min(global_step, decay_steps), linear = (decay_steps - step) / decay_steps
    and cosine = 0.5 * (1 + cos(pi * 2 * num_periods * step / decay_steps)).

        lr = gc.train.linear_cosine_decay(0.1, step, decay_steps=1000)
    """
    graph = _graph("linear_cosine_decay", global_step)
    with graph.as_default(), graph.name_scope(name or "LinearCosineDecay") as scope:
        lr, decayed = _linear_cosine("linear_cosine_decay", learning_rate, global_step,
                                     decay_steps, num_periods, alpha, beta, None)
        return el.multiply(lr, decayed, name=scope)


def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps,
                              initial_variance=1.0, variance_decay=0.55, num_periods=0.5,
                              alpha=0.0, beta=0.001, name=None):
    """linear_cosine_decay with Gaussian noise added to the linear term (TF1): its
    variance is initial_variance / (1 + step) ^ variance_decay; a fresh draw each run.

        lr = gc.train.noisy_linear_cosine_decay(0.1, step, decay_steps=1000)
    """
    graph = _graph("noisy_linear_cosine_decay", global_step)
    with graph.as_default(), graph.name_scope(name or "NoisyLinearCosineDecay") as scope:
        lr, decayed = _linear_cosine("noisy_linear_cosine_decay", learning_rate,
                                     global_step, decay_steps, num_periods, alpha, beta,
                                     (initial_variance, variance_decay))
        return el.multiply(lr, decayed, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """values[0] while x <= boundaries[0], values[i] while boundaries[i-1] < x <=
    boundaries[i], values[-1] once x > boundaries[-1] (TF1; also piecewise_constant_decay).

        lr = gc.train.piecewise_constant(step, [100000, 110000], [1.0, 0.5, 0.1])

    As in TF1, the boundaries must have x's dtype (int32 ones are cast to an int64 x), all
    values one dtype (that of the result), and len(values) == len(boundaries) + 1. Python
    boundaries must not decrease (a ValueError here; TF1 fails at run time when x falls
    where two intervals overlap); tensor boundaries are checked so when the result runs.
    """
    if len(values) != len(boundaries) + 1:
        raise ValueError(f"piecewise_constant: the length of boundaries ({len(boundaries)}) "
                         f"should be 1 less than the length of values ({len(values)})")
    if not boundaries:
        raise ValueError("piecewise_constant: boundaries is empty")
    graph = x.graph if isinstance(x, Tensor) else get_default_graph()
    with graph.as_default(), graph.name_scope(name or "PiecewiseConstant") as scope:
        x = core.convert_to_tensor(x, name="x")
        bounds = [core.convert_to_tensor(b, name="boundary") for b in boundaries]
        for i, b in enumerate(bounds):
            if b.dtype is not x.dtype:
                if b.dtype is dtypes.int32 and x.dtype is dtypes.int64:
                    bounds[i] = el.cast(b, x.dtype)
                else:
                    raise errors.DTypeError(
                        f"piecewise_constant: boundaries ({b.dtype.name}) must have the "
                        f"same dtype as x ({x.dtype.name})\n  boundary {i}: "
                        f"{errors.describe_tensor(b, b.name)}\n  x: "
                        f"{errors.describe_tensor(x, x.name)}")
        vals = [core.convert_to_tensor(v, name="value") for v in values]
        for v in vals[1:]:
            if v.dtype is not vals[0].dtype:
                raise errors.DTypeError(
                    f"piecewise_constant: values must all have one dtype "
                    f"({vals[0].dtype.name} vs {v.dtype.name})\n  "
                    f"{errors.describe_tensor(v, v.name)}")
        if all(not isinstance(b, Tensor) for b in boundaries):
            for lo, hi in zip(boundaries, boundaries[1:]):
                if hi < lo:
                    raise ValueError(f"piecewise_constant: boundaries must increase, got "
                                     f"{list(boundaries)}")
        # TF1's exclusive case: x <= b0 -> v0, x > b[-1] -> v[-1], b[i-1] < x <= b[i] -> v[i]
        preds = [el.less_equal(x, bounds[0]), el.greater(x, bounds[-1])]
        chosen = [vals[0], vals[-1]]
        for lo, hi, v in zip(bounds[:-1], bounds[1:], vals[1:-1]):
            preds.append(el.logical_and(el.greater(x, lo), el.less_equal(x, hi)))
            chosen.append(v)
        out = vals[0]                       # TF1's default (never needed when exclusive)
        for pred, v in reversed(list(zip(preds, chosen))):
            out = el.select(pred, v, out)
        if any(isinstance(b, Tensor) for b in boundaries):
            hits = el.add_n([el.cast(p, dtypes.int32) for p in preds])
            check = asserts.Assert(el.less_equal(hits, 1), [
                "piecewise_constant: more than one interval holds x; the boundaries must "
                "increase:", x, *bounds])
            with graph.control_dependencies([check]):
                return core.identity(out, name=scope)
        return core.identity(out, name=scope)


piecewise_constant_decay = piecewise_constant
