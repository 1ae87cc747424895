"""TF 1.15's tf.contrib.opt.ExternalOptimizerInterface and ScipyOptimizerInterface: an
optimizer outside the graph (scipy.optimize.minimize, L-BFGS-B by default) drives a
Session. Each evaluation feeds the variables' values and fetches the loss and its
gradient packed into one vector; the optimum is assigned to the variables at the end.

    loss = gc.reduce_sum(gc.square(vector))
    opt = gc.contrib.opt.ScipyOptimizerInterface(loss, options={"maxiter": 100})
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        opt.minimize(sess)                          # vector is now ~[0., 0.]

scipy is not a dependency of graphc: ScipyOptimizerInterface imports it when minimize
runs and raises an ImportError naming the `graphc[fast]` extra where it is missing.
"""
import numpy as np

from .. import tf_logging as logging

__all__ = ["ExternalOptimizerInterface", "ScipyOptimizerInterface"]


def _gc():
    import graphc
    return graphc


def _shape_tuple(tensor):
    return tuple(tensor.shape.as_list())


def _gradients(tensor, var_list):
    """gradients of tensor with respect to var_list, zeros where it does not depend on one."""
    gc = _gc()
    grads = gc.gradients(tensor, var_list)
    return [g if g is not None else gc.zeros_like(v) for v, g in zip(var_list, grads)]


def _pack(tensors):
    """The tensors flattened and joined into one vector (None for none)."""
    gc = _gc()
    if not tensors:
        return None
    flat = [gc.reshape(t, [-1]) for t in tensors]
    return flat[0] if len(flat) == 1 else gc.concat(flat, 0)


class ExternalOptimizerInterface:
    """Base class for optimizers that run outside the graph: subclasses implement
    `_minimize(initial_val, loss_grad_func, equality_funcs, equality_grad_funcs,
    inequality_funcs, inequality_grad_funcs, packed_bounds, step_callback,
    optimizer_kwargs)` on packed numpy vectors. `loss` is a scalar; `equalities` are
    held at 0 and `inequalities` >= 0; `var_to_bounds` maps a variable to (low, high),
    each broadcast to its shape (None or +-inf: unbounded)."""

    def __init__(self, loss, var_list=None, equalities=None, inequalities=None,
                 var_to_bounds=None, **optimizer_kwargs):
        gc = _gc()
        self._loss = loss
        self._equalities = equalities or []
        self._inequalities = inequalities or []
        self._vars = gc.trainable_variables() if var_list is None else list(var_list)
        self._packed_bounds = None
        if var_to_bounds is not None:
            low, high = [], []
            for var in self._vars:
                bounds = var_to_bounds.get(var, (-np.inf, np.inf))
                shape = _shape_tuple(var)
                low.extend(np.broadcast_to(bounds[0], shape).flat)
                high.extend(np.broadcast_to(bounds[1], shape).flat)
            self._packed_bounds = list(zip(low, high))
        self._update_placeholders = [gc.placeholder(v.dtype.base_dtype) for v in self._vars]
        self._var_updates = [v.assign(gc.reshape(p, _shape_tuple(v)))
                             for v, p in zip(self._vars, self._update_placeholders)]
        self.optimizer_kwargs = optimizer_kwargs
        self._packed_var = _pack(self._vars)
        self._packed_loss_grad = _pack(_gradients(loss, self._vars))
        self._packed_equality_grads = [_pack(_gradients(e, self._vars))
                                       for e in self._equalities]
        self._packed_inequality_grads = [_pack(_gradients(e, self._vars))
                                         for e in self._inequalities]
        ends = np.cumsum([0] + [int(np.prod(_shape_tuple(v))) for v in self._vars])
        self._packing_slices = [slice(a, b) for a, b in zip(ends[:-1], ends[1:])]

    def minimize(self, session=None, feed_dict=None, fetches=None, step_callback=None,
                 loss_callback=None, **run_kwargs):
        """Run the external optimizer in `session` (default: the default one) and assign
        the optimum to the variables. `loss_callback(*fetches)` sees the values of
        `fetches` at each evaluation; `step_callback(x)` the packed variables at each
        step. Returns None: unlike Optimizer.minimize, this runs the optimization."""
        session = session or _gc().get_default_session()
        feed_dict = feed_dict or {}
        fetches = fetches or []
        loss_grad_func = self._make_eval_func([self._loss, self._packed_loss_grad], session,
                                              feed_dict, fetches, loss_callback)
        evals = [[self._make_eval_func(t, session, feed_dict, fetches) for t in ts]
                 for ts in (self._equalities, self._packed_equality_grads,
                            self._inequalities, self._packed_inequality_grads)]
        initial = session.run(self._packed_var)
        packed = self._minimize(
            initial_val=initial, loss_grad_func=loss_grad_func, equality_funcs=evals[0],
            equality_grad_funcs=evals[1], inequality_funcs=evals[2],
            inequality_grad_funcs=evals[3], packed_bounds=self._packed_bounds,
            step_callback=step_callback or (lambda xk: None),
            optimizer_kwargs=self.optimizer_kwargs)
        values = [packed[s] for s in self._packing_slices]
        session.run(self._var_updates, feed_dict=dict(zip(self._update_placeholders, values)),
                    **run_kwargs)

    def _minimize(self, initial_val, loss_grad_func, equality_funcs, equality_grad_funcs,
                  inequality_funcs, inequality_grad_funcs, packed_bounds, step_callback,
                  optimizer_kwargs):
        raise NotImplementedError("To use ExternalOptimizerInterface, subclass from it and "
                                  "implement the _minimize() method.")

    def _make_eval_func(self, tensors, session, feed_dict, fetches, callback=None):
        """f(x): the values of `tensors` with the variables fed from the packed x."""
        if not isinstance(tensors, list):
            tensors = [tensors]
        n = len(tensors)

        def eval_func(x):
            feed = {v: x[s].reshape(_shape_tuple(v))
                    for v, s in zip(self._vars, self._packing_slices)}
            feed.update(feed_dict)
            values = session.run(tensors + list(fetches), feed_dict=feed)
            if callable(callback):
                callback(*values[n:])
            return values[:n]

        return eval_func


class ScipyOptimizerInterface(ExternalOptimizerInterface):
    """scipy.optimize.minimize driving a Session (TF 1.15's tf.contrib.opt
    ScipyOptimizerInterface): `method` (default 'L-BFGS-B'), `options` and the other
    keyword arguments go to scipy; jac, callback, constraints and bounds are set here.

        opt = ScipyOptimizerInterface(loss, var_to_bounds={v: (0, np.inf)})
        opt = ScipyOptimizerInterface(loss, equalities=[v[1] - 1.], method="SLSQP")
    """

    _DEFAULT_METHOD = "L-BFGS-B"

    def _minimize(self, initial_val, loss_grad_func, equality_funcs, equality_grad_funcs,
                  inequality_funcs, inequality_grad_funcs, packed_bounds, step_callback,
                  optimizer_kwargs):
        try:
            import scipy.optimize
        except ImportError as e:
            raise ImportError("ScipyOptimizerInterface needs scipy, which graphc does not "
                              "install: pip install 'graphc[fast]' (or scipy)") from e

        def loss_grad(x):
            loss, grad = loss_grad_func(x)
            return np.float64(loss), grad.astype(np.float64)  # L-BFGS-B wants doubles

        def double(fn):             # so does SLSQP, for x, constraints and their gradients
            return lambda x: np.asarray(fn(x), np.float64)

        kwargs = dict(optimizer_kwargs)
        method = kwargs.pop("method", self._DEFAULT_METHOD)
        constraints = [{"type": kind, "fun": double(f), "jac": double(g)}
                       for kind, fs, gs in (("eq", equality_funcs, equality_grad_funcs),
                                            ("ineq", inequality_funcs,
                                             inequality_grad_funcs))
                       for f, g in zip(fs, gs)]
        fixed = {"jac": True, "callback": step_callback, "method": method,
                 "constraints": constraints, "bounds": packed_bounds}
        for key in fixed:
            if key == "bounds" and key in kwargs:
                raise ValueError("Bounds must be set using the var_to_bounds argument")
            if key in kwargs:
                raise ValueError("Optimizer keyword arg '%s' is set automatically and "
                                 "cannot be injected manually" % key)
        kwargs.update(fixed)
        result = scipy.optimize.minimize(loss_grad, np.asarray(initial_val, np.float64),
                                         **kwargs)
        lines = ["Optimization terminated with:", "  Message: %s",
                 "  Objective function value: %f"]
        args = [result.message, result.fun]
        for key, line in (("nit", "  Number of iterations: %d"),
                          ("nfev", "  Number of functions evaluations: %d")):
            if hasattr(result, key):
                lines.append(line)
                args.append(getattr(result, key))
        logging.info("\n".join(lines), *args)
        return result["x"]
