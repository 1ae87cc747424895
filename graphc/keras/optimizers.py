"""gc.keras.optimizers: Keras' optimizers with Keras' argument names and defaults
(tf_keras' legacy "v2" optimizers, tf.compat.v1.keras.optimizers): SGD, Adam, RMSprop,
Adagrad, Adadelta, Adamax, Ftrl, Nadam (optimizers_more.py). Each is a
gc.train.Optimizer, so `opt.minimize(loss)` works too; `opt.lr` is a variable that
callbacks (LearningRateScheduler) set.

    opt = gc.keras.optimizers.Adam(lr=1e-3)          # epsilon 1e-7, as Keras
    model.compile(opt, "mse")
"""
import numpy as np

import graphc as gc
from ..train.optimizer import WHOLE, Optimizer, Rows
from ..train.optimizers import AdamOptimizer, MomentumOptimizer
from . import optimizer_schedules as _schedules
from .optimizer_schedules import LearningRateSchedule

schedules = _schedules

__all__ = ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Ftrl", "Nadam",
           "get", "serialize", "deserialize", "schedules"]


class _KerasHypers:
    """The learning rate as a variable '<name>/learning_rate', made when first used."""
    _slots_by_get_variable = False      # Keras' slots are weights, not get_variable's

    def _init_lr(self, learning_rate, kwargs, default, decay=0.0):
        lr = kwargs.pop("lr", None)
        self.clipnorm, self.clipvalue = kwargs.pop("clipnorm", None), kwargs.pop("clipvalue",
                                                                                 None)
        for key in ("clipnorm", "clipvalue"):
            if getattr(self, key) is not None and getattr(self, key) < 0:
                raise ValueError(f"Expected {key} >= 0, received: {getattr(self, key)}")
        self._decay = float(decay)
        if self._decay < 0:
            raise ValueError(f"decay cannot be less than 0: {decay}")
        self._iter_vars = {}
        if kwargs:
            raise TypeError(f"Unexpected keyword argument passed to optimizer: "
                            f"{sorted(kwargs)[0]}")
        value = lr if lr is not None else learning_rate if learning_rate is not None \
            else default
        self._schedule = value if isinstance(value, LearningRateSchedule) else None
        self._lr_value = self._schedule or float(value)
        self._lr_vars = {}
        self._learning_rate = self._decayed_lr

    def _decayed_lr(self):
        """lr / (1 + decay * iterations) (TF 1.15's Keras `decay`), iterations counted
        before this step's update; a schedule's lr is schedule(iterations)."""
        steps = gc.cast(self.iterations, gc.float32)
        lr = self.lr if self._schedule is None else \
            gc.cast(self._schedule(steps), gc.float32)
        if not self._decay:
            return lr
        return lr / (1.0 + self._decay * steps)

    @property
    def iterations(self):
        """The number of updates applied, an int64 variable '<name>/iter'."""
        graph = gc.get_default_graph()
        if graph not in self._iter_vars:
            with graph.name_scope(""), graph.control_dependencies(None):
                self._iter_vars[graph] = gc.Variable(np.int64(0), trainable=False,
                                                     name=f"{self._name}/iter")
        return self._iter_vars[graph]

    def minimize(self, loss, var_list=None, grad_loss=None, name=None, tape=None,
                 **tf1_keywords):
        """Keras' minimize(loss, var_list, grad_loss=None, name=None, tape=None): one
        step on `loss` for `var_list`, either of which may be a callable; `tape` is
        unused (graph mode). TF1's keywords (global_step=...) are taken too.

            train_op = gc.keras.optimizers.SGD(0.1).minimize(lambda: loss, [w])
        """
        return keras_minimize(super(), loss, var_list, grad_loss, name, tf1_keywords)

    def compute_gradients(self, loss, var_list=None, **kwargs):
        """TF1's compute_gradients, each gradient then clipped by clipnorm (its own norm)
        and clipvalue when given, as Keras optimizers do."""
        pairs = super().compute_gradients(loss, var_list, **kwargs)
        return [(self._clipped(g), v) for g, v in pairs]

    def _clipped(self, g):
        if g is None:
            return None
        if self.clipnorm is not None:
            g = gc.clip_by_norm(g, self.clipnorm)
        if self.clipvalue is not None:
            g = gc.clip_by_value(g, -self.clipvalue, self.clipvalue)
        return g

    def get_gradients(self, loss, params):
        """The (clipped) gradients of `loss` for `params` (Keras); a param that does not
        reach the loss is an error."""
        grads = [g for g, _ in self.compute_gradients(loss, list(params))]
        for g, p in zip(grads, params):
            if g is None:
                raise ValueError(f"Variable {p} has `None` for gradient. Please make sure "
                                 f"that all of your ops have a gradient defined (i.e. are "
                                 f"differentiable). Common ops without gradient: "
                                 f"K.argmax, K.round, K.eval.")
        return grads

    def get_updates(self, loss, params):
        """[the op that applies one step to `params`] (Keras' get_updates, as used with
        K.function(inputs, outputs, updates=opt.get_updates(loss, params)))."""
        params = list(params)
        return [self.apply_gradients(list(zip(self.get_gradients(loss, params), params)))]

    @property
    def weights(self):
        """The optimizer's variables: its step count, then its slots."""
        return [self.iterations] + [v for v in self.variables()
                                    if v is not self.iterations]

    def get_weights(self):
        return gc.keras.backend.batch_get_value(self.weights)

    def set_weights(self, values):
        gc.keras.backend.batch_set_value(list(zip(self.weights, values)))

    def _finish(self, update_ops, name):
        with gc.control_dependencies(update_ops):
            step = self.iterations.assign_add(np.int64(1))
        return super()._finish(list(update_ops) + [step], name)

    @property
    def lr(self):
        """The learning-rate variable (the schedule object when given one)."""
        if self._schedule is not None:
            return self._schedule
        graph = gc.get_default_graph()
        if graph not in self._lr_vars:
            with graph.name_scope(""), graph.control_dependencies(None):
                self._lr_vars[graph] = gc.Variable(
                    np.float32(self._lr_value), trainable=False,
                    name=f"{self._name}/learning_rate")
        return self._lr_vars[graph]

    @lr.setter
    def lr(self, value):
        """opt.lr = x (Keras): the variable's value once made, else its initial value."""
        if isinstance(value, LearningRateSchedule):
            self._schedule = self._lr_value = value
            return
        var = self._lr_vars.get(gc.get_default_graph())
        if var is not None:
            gc.keras.backend.set_value(var, value)
        self._lr_value = float(value)

    learning_rate = lr

    def __getattr__(self, name):
        """The hyperparameters as attributes (opt.beta_1, opt.momentum, opt.decay...)."""
        config = self.__dict__.get("_config", {})
        if name in config:
            return config[name]
        if name == "decay" and "_decay" in self.__dict__:
            return self._decay
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        var = self._lr_vars.get(gc.get_default_graph()) if self._schedule is None else None
        if var is not None:             # its current value (K.set_value, callbacks)
            self._lr_value = float(str(gc.keras.backend.get_value(var)))  # 0.02, not
            #                                                     0.019999999552965164
        lr = self._lr_value if self._schedule is None else _schedules.serialize(self._schedule)
        clips = {k: getattr(self, k) for k in ("clipnorm", "clipvalue")
                 if getattr(self, k) is not None}
        return {"name": self._name, "learning_rate": lr, "decay": self._decay,
                **self._config, **clips}


def keras_minimize(base, loss, var_list, grad_loss, name, tf1_keywords):
    """base.minimize (TF1's signature) called with Keras' arguments; var_list may be
    a callable returning the list."""
    if callable(var_list):
        var_list = var_list()
    return base.minimize(loss, var_list=var_list, grad_loss=grad_loss, name=name,
                         **tf1_keywords)


class SGD(_KerasHypers, MomentumOptimizer):
    """Keras SGD: lr 0.01, momentum 0 (then plain gradient descent), nesterov.

        gc.keras.optimizers.SGD(lr=0.1, momentum=0.9)
    """

    def __init__(self, learning_rate=None, momentum=0.0, nesterov=False, name="SGD",
                 decay=0.0, **kwargs):
        MomentumOptimizer.__init__(self, 0.01, momentum, use_nesterov=nesterov, name=name)
        self._init_lr(learning_rate, kwargs, 0.01, decay)
        self._config = {"momentum": momentum, "nesterov": nesterov}

    def _create_slots(self, var_list):
        if self._momentum:
            super()._create_slots(var_list)

    def _apply_dense(self, grad, var):
        """Keras' momentum form, which differs from TF1's Momentum when the rate changes
        between steps (decay, LearningRateScheduler, ReduceLROnPlateau):
        v = momentum * v - lr * g; var += v (nesterov: var += momentum * v - lr * g)."""
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        if not self._momentum:
            return var.assign_sub(grad * lr).node
        mu = gc.cast(self._momentum, var.dtype)
        v = self.get_slot(var, "momentum")
        v_t = v.assign(mu * v - lr * grad)
        step = mu * v_t - lr * grad if self._use_nesterov else v_t
        return gc.group(var.assign_add(step))

    def _apply_sparse(self, grad, var):
        if self._decay:
            return self._apply_dense(gc.convert_to_tensor(grad), var)
        if self._momentum:
            return super()._apply_sparse(grad, var)
        return self._apply_dense(gc.convert_to_tensor(grad), var)


class Adam(_KerasHypers, AdamOptimizer):
    """Keras Adam: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7 (the update of
    TF1's AdamOptimizer with these values).

        gc.keras.optimizers.Adam(learning_rate=0.01)
    """

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="Adam", decay=0.0, **kwargs):
        AdamOptimizer.__init__(self, 0.001, beta_1, beta_2, epsilon, name=name)
        self._init_lr(learning_rate, kwargs, 0.001, decay)
        self._lr = self._learning_rate        # AdamOptimizer reads `_lr`
        self.amsgrad = bool(amsgrad)
        self._config = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon,
                        "amsgrad": self.amsgrad}

    def _create_slots(self, var_list):
        super()._create_slots(var_list)
        if self.amsgrad:
            for v in var_list:
                self._zeros_slot(v, "vhat", self._name)

    def _apply_dense(self, grad, var):
        """With amsgrad: vhat = max(vhat, v); var -= lr_t * m / (sqrt(vhat) + eps)."""
        if not self.amsgrad:
            return super()._apply_dense(grad, var)
        m, v, vhat = (self.get_slot(var, s) for s in ("m", "v", "vhat"))
        b1, b2, eps, lr_t = self._coefficients(var)
        m_t = m.assign(m + (grad - m) * (1.0 - b1))
        v_t = v.assign(v + (gc.square(grad) - v) * (1.0 - b2))
        vhat_t = vhat.assign(gc.maximum(vhat, v_t))
        var_t = var.assign_sub((m_t * lr_t) / (gc.sqrt(vhat_t) + eps))
        return gc.group(m_t, v_t, vhat_t, var_t)

    def _apply_sparse(self, grad, var):
        if not self.amsgrad:
            return super()._apply_sparse(grad, var)
        return self._apply_dense(gc.convert_to_tensor(grad), var)


class RMSprop(_KerasHypers, Optimizer):
    """Keras RMSprop: lr 0.001, rho 0.9, epsilon 1e-7, mean square starting at ZERO;
    var -= lr * g / (sqrt(ms) + epsilon) (with momentum: the TF1 kernel's
    mom = momentum * mom + lr * g / sqrt(ms + epsilon); var -= mom).

        gc.keras.optimizers.RMSprop(lr=0.01)
    """

    def __init__(self, learning_rate=None, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", decay=0.0, **kwargs):
        Optimizer.__init__(self, False, name)
        self._init_lr(learning_rate, kwargs, 0.001, decay)
        self._rho, self._momentum, self._epsilon = rho, momentum, epsilon
        self.centered = bool(centered)
        self._config = {"rho": rho, "momentum": momentum, "epsilon": epsilon,
                        "centered": self.centered}

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "rms", self._name)
            if self._momentum:
                self._zeros_slot(v, "momentum", self._name)
            if self.centered:
                self._zeros_slot(v, "mg", self._name)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        """With momentum only the rows grad names change (TF's SparseApplyRMSProp);
        without, ms (and mg) decay everywhere as tf_keras' sparse update does, which is
        the dense update of the summed-up gradient."""
        if not self._momentum:
            return self._apply_dense(gc.convert_to_tensor(grad), var)
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        """centered: mg = rho*mg + (1-rho)*g and the denominator uses ms - mg^2."""
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        rho, eps = gc.cast(self._rho, dt), gc.cast(self._epsilon, dt)
        ms = self.get_slot(var, "rms")
        ms_op, ms_t = at.write(ms, rho * at.read(ms) + (1.0 - rho) * gc.square(grad))
        denom, extra = ms_t, [ms_op]
        if self.centered:
            mg = self.get_slot(var, "mg")
            mg_op, mg_t = at.write(mg, rho * at.read(mg) + (1.0 - rho) * grad)
            denom, extra = ms_t - gc.square(mg_t), extra + [mg_op]
        if not self._momentum:
            return gc.group(at.sub(var, lr * grad / (gc.sqrt(denom) + eps)), *extra)
        mom = self.get_slot(var, "momentum")
        mu = gc.cast(self._momentum, dt)
        if at is WHOLE:
            step = lr * grad / gc.sqrt(denom + eps)
        else:                           # TF's SparseApply*RMSProp kernels' order
            step = gc.rsqrt(denom + eps) * lr * grad
        mom_op, mom_t = at.write(mom, at.read(mom) * mu + step)
        return gc.group(at.sub(var, mom_t), mom_op, *extra)


class Adagrad(_KerasHypers, Optimizer):
    """Keras Adagrad: lr 0.001, accumulator from 0.1, epsilon 1e-7;
    acc += g^2; var -= lr * g / (sqrt(acc) + epsilon).

        gc.keras.optimizers.Adagrad(lr=0.01)
    """

    def __init__(self, learning_rate=None, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="Adagrad", decay=0.0, **kwargs):
        Optimizer.__init__(self, False, name)
        self._init_lr(learning_rate, kwargs, 0.001, decay)
        self._initial, self._epsilon = initial_accumulator_value, epsilon
        self._config = {"initial_accumulator_value": initial_accumulator_value,
                        "epsilon": epsilon}

    def _create_slots(self, var_list):
        for v in var_list:
            self._make_slot(v, "accumulator", self._name, self._initial)

    def _apply_dense(self, grad, var):
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        acc = self.get_slot(var, "accumulator")
        acc_t = acc.assign_add(gc.square(grad))
        return gc.group(var.assign_sub(lr * grad / (gc.sqrt(acc_t)
                                                    + gc.cast(self._epsilon, dt))))


from .optimizers_more import Adadelta, Adamax, Ftrl, Nadam  # noqa: E402

_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
            "adadelta": Adadelta, "adamax": Adamax, "ftrl": Ftrl, "nadam": Nadam}


def get(identifier):
    """An optimizer from a name ('sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta',
    'adamax', 'ftrl', 'nadam': Keras' defaults), a {"class_name", "config"} dict, a
    Keras optimizer or any gc.train.Optimizer.

        gc.keras.optimizers.get("adam")
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


def serialize(optimizer):
    """{"class_name", "config"} of a Keras optimizer (a schedule serialized inside)."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """The optimizer of serialize's {"class_name", "config"}.

        opt = gc.keras.optimizers.deserialize({"class_name": "Adam",
                                               "config": {"learning_rate": 0.01}})
    """
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer: {name}")
    config = dict(config.get("config", {}))
    if isinstance(config.get("learning_rate"), dict):
        config["learning_rate"] = _schedules.deserialize(config["learning_rate"],
                                                         custom_objects)
    return cls(**config)
