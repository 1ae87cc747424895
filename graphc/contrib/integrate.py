"""gc.contrib.integrate (TF 1.15's tf.contrib.integrate): ODE solvers built as graphc
while_loops, so their results differentiate (by backpropagating through the solver's
steps, as TF1's do).

    # dy/dt = -y: y(t) = exp(-t)
    y = gc.contrib.integrate.odeint(lambda y, t: -y, 1.0, [0., 1., 2.])
    y = gc.contrib.integrate.odeint_fixed(lambda y, t: -y, 1.0, [0., 1.], dt=0.1)

odeint is the Dormand-Prince 5(4) method with adaptive steps (as scipy's 'dopri5' and
MATLAB's ode45) and 4th-order dense output at the requested times; odeint_fixed takes
'rk4' or 'midpoint' steps on a fixed grid.
"""
from .. import dtypes, errors

__all__ = ["odeint", "odeint_fixed"]


def _gc():
    import graphc
    return graphc


# Dormand-Prince coefficients (Shampine 1986, "Some Practical Runge-Kutta Formulas")
_ALPHA = [1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0]
_BETA = [
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
# the 5th-order solution is the last stage (first-same-as-last); the error is its
# difference from the embedded 4th-order one; c_mid gives y at the step's midpoint
_C_ERROR = [1951 / 21600 - 35 / 384, 0.0, 22642 / 50085 - 500 / 1113,
            451 / 720 - 125 / 192, -12231 / 42400 + 2187 / 6784, 649 / 6300 - 11 / 84,
            1 / 60]
_C_MID = [6025192743 / 30085553152 / 2, 0.0, 51252292925 / 65400821598 / 2,
          -2691868925 / 45128329728 / 2, 187940372067 / 1594534317056 / 2,
          -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2]


def _combine(scale, coefficients, ks):
    """scale * sum_i c_i k_i over the nonzero c_i."""
    gc = _gc()
    return gc.add_n([(scale * c) * k for c, k in zip(coefficients, ks) if c != 0])


def _dopri_step(func, y0, f0, t0, dt):
    """One Dormand-Prince step: (y1, f1 = func(y1, t0 + dt), error estimate, stages)."""
    gc = _gc()
    h = gc.cast(dt, y0.dtype)
    ks = [f0]
    for alpha, beta in zip(_ALPHA, _BETA):
        yi = y0 + _combine(h, beta, ks)
        ks.append(func(yi, t0 + alpha * dt))
    return yi, ks[-1], _combine(h, _C_ERROR, ks), ks


def _interp_fit(y0, y1, ks, dt):
    """Coefficients [a, b, c, d, e] of the quartic p(s) = a s^4 + b s^3 + c s^2 + d s + e,
    s in [0, 1] across the step, with p(0) = y0, p(1/2) = y_mid, p(1) = y1,
    p'(0) = dt f0 and p'(1) = dt f1."""
    gc = _gc()
    h = gc.cast(dt, y0.dtype)
    y_mid = y0 + _combine(h, _C_MID, ks)
    f0, f1 = ks[0], ks[-1]
    a = 2 * h * (f1 - f0) - 8 * (y0 + y1) + 16 * y_mid
    b = h * (5 * f0 - 3 * f1) + 18 * y0 + 14 * y1 - 32 * y_mid
    c = h * (f1 - 4 * f0) - 11 * y0 - 5 * y1 + 16 * y_mid
    return [a, b, c, h * f0, y0]


def _interp_eval(coefficients, t0, t1, t):
    """The quartic of _interp_fit at time t, t0 <= t <= t1 (Horner's rule)."""
    gc = _gc()
    check = gc.Assert(gc.logical_and(t0 <= t, t <= t1),
                      ["invalid interpolation, fails `t0 <= t <= t1`:", t0, t, t1])
    with gc.control_dependencies([check]):
        s = gc.cast((t - t0) / (t1 - t0), coefficients[0].dtype)
    value = coefficients[0]
    for c in coefficients[1:]:
        value = value * s + c
    return value


def _abs_square(x):
    gc = _gc()
    if x.dtype.is_complex:
        return gc.square(gc.real(x)) + gc.square(gc.imag(x))
    return gc.square(x)


def _check_types(api, y0, t, dt=None):
    if not (y0.dtype.is_floating or y0.dtype.is_complex):
        raise TypeError("%s: `y0` must have a floating point or complex floating point "
                        "dtype, not %s%s" % (api, y0.dtype.name, errors.called_at(api)))
    if not t.dtype.is_floating:
        raise TypeError("%s: `t` must have a floating point dtype, not %s%s"
                        % (api, t.dtype.name, errors.called_at(api)))
    if dt is not None and not dt.dtype.is_floating:
        raise TypeError("%s: `dt` must have a floating point dtype, not %s%s"
                        % (api, dt.dtype.name, errors.called_at(api)))


def _increasing(t):
    """A control dependency: t is strictly increasing."""
    gc = _gc()
    return gc.control_dependencies([gc.Assert(gc.reduce_all(t[1:] > t[:-1]),
                                              ["`t` must be monotonic increasing"])])


def _dopri5(func, y0, t, rtol, atol, full_output, first_step=None, safety=0.9,
            ifactor=10.0, dfactor=0.2, max_num_steps=1000):
    gc = _gc()
    first_step = gc.convert_to_tensor(1.0 if first_step is None else first_step,
                                      dtype=t.dtype, name="first_step")
    safety = gc.convert_to_tensor(safety, dtype=t.dtype, name="safety")
    ifactor = gc.convert_to_tensor(ifactor, dtype=t.dtype, name="ifactor")
    dfactor = gc.convert_to_tensor(dfactor, dtype=t.dtype, name="dfactor")
    max_num_steps = gc.convert_to_tensor(max_num_steps, dtype=dtypes.int32,
                                         name="max_num_steps")

    def step(state, points, ratios, n_steps):
        """One adaptive step: accepted when the error ratio is <= 1; either way the
        next step size follows the error."""
        y0, f0, _, t0, dt, coefficients = state
        with gc.name_scope("assertions"):
            checks = [gc.Assert(t0 + dt > t0, ["underflow in dt", dt]),
                      gc.Assert(n_steps < max_num_steps, ["max_num_steps exceeded"]),
                      gc.Assert(gc.reduce_all(gc.is_finite(gc.abs(y0))),
                                ["non-finite values in state `y`", y0])]
        with gc.control_dependencies(checks):
            y1, f1, y1_error, ks = _dopri_step(func, y0, f0, t0, dt)
        with gc.name_scope("error_ratio"):
            # the rms over y of error / (atol + rtol * max(|y0|, |y1|)), as Fortran dopri5
            tolerance = atol + rtol * gc.maximum(gc.abs(y0), gc.abs(y1))
            ratio = gc.sqrt(gc.reduce_mean(_abs_square(y1_error) / _abs_square(tolerance)))
            accept = ratio <= 1
        with gc.name_scope("update/rk_state"):
            fitted = _interp_fit(y0, y1, ks, dt)
            coefficients = [gc.where_v2(accept, new, old)
                            for new, old in zip(fitted, coefficients)]
            # the new step: dt / clip(ratio^(1/5) / safety, 1/ifactor, 1/dfactor)
            factor = gc.maximum(1 / ifactor, gc.minimum(
                gc.pow(gc.cast(ratio, dt.dtype), 0.2) / safety, 1 / dfactor))
            state = (gc.where_v2(accept, y1, y0), gc.where_v2(accept, f1, f0), t0,
                     gc.where_v2(accept, t0 + dt, t0), dt / factor, coefficients)
        with gc.name_scope("update/history"):
            points = points.write(points.size(), t0 + dt)
            ratios = ratios.write(ratios.size(), ratio)
        return state, points, ratios, n_steps + 1

    def interpolate(solution, points, ratios, state, i):
        """Steps until t[i] is covered, then reads y(t[i]) off the last step's quartic."""
        with gc.name_scope("interpolate"):
            state, points, ratios, _ = gc.while_loop(
                lambda state, *_: t[i] > state[3], step, (state, points, ratios, 0),
                name="integrate_loop")
            y = _interp_eval(state[5], state[2], state[3], t[i])
            return solution.write(i, y), points, ratios, state, i + 1

    with _increasing(t):
        num_times = gc.size(t)
    solution = gc.TensorArray(y0.dtype, size=num_times).write(0, y0)
    points = gc.TensorArray(t.dtype, size=0, dynamic_size=True, element_shape=[])
    ratios = gc.TensorArray(rtol.dtype, size=0, dynamic_size=True, element_shape=[])
    state = (y0, func(y0, t[0]), t[0], t[0], first_step, [y0] * 5)
    solution, points, ratios, _, _ = gc.while_loop(
        lambda *args: args[-1] < num_times, interpolate,
        (solution, points, ratios, state, 1), name="interpolate_loop")
    y = solution.stack()
    y.set_shape(t.shape.concatenate(y0.shape))
    if not full_output:
        return y
    points = points.stack()
    info = {"num_func_evals": 6 * gc.size(points) + 1, "integrate_points": points,
            "error_ratio": ratios.stack()}
    return y, info


def odeint(func, y0, t, rtol=1e-6, atol=1e-12, method=None, options=None,
           full_output=False, name=None):
    """Solves dy/dt = func(y, t), y(t[0]) = y0, at the times t (strictly increasing):
    returns y of shape t.shape + y0.shape, y[0] = y0. y0 may be any floating or complex
    tensor; t (float64 unless given as a tensor) any floating dtype. method is None or
    'dopri5'; options (with a method) may hold first_step (1.0), safety (0.9), ifactor
    (10.0), dfactor (0.2), max_num_steps (1000, per interval). full_output=True also
    returns {'num_func_evals', 'integrate_points', 'error_ratio'} (one entry per step
    tried; a ratio > 1 is a rejected step)."""
    gc = _gc()
    api = "odeint"
    if method is not None and method != "dopri5":
        raise ValueError("invalid method: %r%s" % (method, errors.called_at(api)))
    if options is None:
        options = {}
    elif method is None:
        raise ValueError("cannot supply `options` without specifying `method`%s"
                         % errors.called_at(api))
    unknown = set(options) - {"first_step", "safety", "ifactor", "dfactor",
                              "max_num_steps"}
    if unknown:
        raise TypeError("odeint: unknown dopri5 options %s%s"
                        % (sorted(unknown), errors.called_at(api)))
    with gc.name_scope(name, "odeint", [y0, t, rtol, atol]):
        y0 = gc.convert_to_tensor(y0, name="y0")
        t = gc.convert_to_tensor(t, dtype_hint=dtypes.float64, name="t")
        _check_types(api, y0, t)
        error_dtype = gc.abs(y0).dtype
        rtol = gc.convert_to_tensor(rtol, dtype=error_dtype, name="rtol")
        atol = gc.convert_to_tensor(atol, dtype=error_dtype, name="atol")
        with gc.name_scope("dopri5"):
            return _dopri5(func, y0, t, rtol, atol, full_output, **options)


def _rk4_step(func, y, t, dt):
    """dt/6 (k1 + 2 k2 + 2 k3 + k4): the classical 4th-order Runge-Kutta increment."""
    gc = _gc()
    h = gc.cast(dt, y.dtype)
    k1 = func(y, t)
    k2 = func(y + h * k1 / 2, t + dt / 2)
    k3 = func(y + h * k2 / 2, t + dt / 2)
    k4 = func(y + h * k3, t + dt)
    return gc.add_n([k1, 2 * k2, 2 * k3, k4]) * (h / 6)


def _midpoint_step(func, y, t, dt):
    """dt f(y + f(y, t) dt/2, t + dt/2): the explicit midpoint increment."""
    gc = _gc()
    h = gc.cast(dt, y.dtype)
    return h * func(y + func(y, t) * h / 2, t + dt / 2)


def odeint_fixed(func, y0, t, dt=None, method="rk4", name=None):
    """Solves dy/dt = func(y, t), y(t[0]) = y0, by fixed steps: each interval of t is cut
    into ceil(interval / dt) equal steps (dt: a scalar, one per interval, or None for
    one step per interval) of `method` 'rk4' or 'midpoint'. Returns y of shape
    t.shape + y0.shape."""
    gc = _gc()
    api = "odeint_fixed"
    steps_fns = {"rk4": _rk4_step, "midpoint": _midpoint_step}
    with gc.name_scope(name, "odeint_fixed", [y0, t, dt]):
        t = gc.convert_to_tensor(t, dtype_hint=dtypes.float64, name="t")
        y0 = gc.convert_to_tensor(y0, name="y0")
        intervals = t[1:] - t[:-1]
        dt = intervals if dt is None else dt
        dt = gc.convert_to_tensor(dt, dtype_hint=dtypes.float64, name="dt")
        _check_types(api, y0, t, dt)
        if t.shape.ndims is not None and t.shape.ndims > 1:
            raise ValueError("t must be a 1D tensor%s" % errors.called_at(api))
        if dt.shape.ndims is not None and dt.shape.ndims > 1:
            raise ValueError("dt must be a 0-D or 1-D tensor%s" % errors.called_at(api))
        n_t = t.shape._dims[0] if t.shape.ndims == 1 else None
        n_dt = dt.shape._dims[0] if dt.shape.ndims == 1 else None
        if isinstance(n_t, int) and isinstance(n_dt, int) and n_t != n_dt + 1:
            raise ValueError("t and dt have incompatible lengths, must be N and N-1%s"
                             % errors.called_at(api))
        if method not in steps_fns:
            raise ValueError("method not supported: %s%s" % (method, errors.called_at(api)))
        step_fn = steps_fns[method]
        steps = gc.ceil(intervals / dt)
        dt = intervals / steps
        steps = gc.cast(steps, dtypes.int32)
        with _increasing(t):
            num_times = gc.size(t)

        def advance(y, s, j, i):
            h = dt[i - 1]
            return y + gc.cast(step_fn(func, y, s, h), y.dtype), s + h, j + 1, i

        def interval(solution, y, s, i):
            y, s, _, _ = gc.while_loop(lambda y, s, j, i: j < steps[i - 1], advance,
                                       (y, s, 0, i))
            return solution.write(i, y), y, s, i + 1

        with gc.name_scope(method):
            solution = gc.TensorArray(y0.dtype, size=num_times).write(0, y0)
            solution, _, _, _ = gc.while_loop(lambda *args: args[-1] < num_times,
                                              interval, (solution, y0, t[0], 1))
            y = solution.stack()
            y.set_shape(t.shape.concatenate(y0.shape))
            return y
