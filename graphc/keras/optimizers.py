"""gc.keras.optimizers: Keras' optimizers with Keras' argument names and defaults
(TF 1.15's tf.keras optimizers, the "v2" ones): SGD, Adam, RMSprop, Adagrad. Each is a
gc.train.Optimizer, so `opt.minimize(loss)` works too; `opt.lr` is a variable that
callbacks (LearningRateScheduler) set.

    opt = gc.keras.optimizers.Adam(lr=1e-3)          # epsilon 1e-7, as Keras
    model.compile(opt, "mse")
"""
import numpy as np

import graphc as gc
from ..train.optimizer import Optimizer
from ..train.optimizers import AdamOptimizer, MomentumOptimizer

__all__ = ["SGD", "Adam", "RMSprop", "Adagrad", "get", "serialize", "deserialize"]


class _KerasHypers:
    """The learning rate as a variable '<name>/learning_rate', made when first used."""

    def _init_lr(self, learning_rate, kwargs, default):
        lr = kwargs.pop("lr", None)
        if kwargs:
            raise TypeError(f"Unexpected keyword argument passed to optimizer: "
                            f"{sorted(kwargs)[0]}")
        self._lr_value = float(lr if lr is not None else
                               learning_rate if learning_rate is not None else default)
        self._lr_vars = {}
        self._learning_rate = lambda: self.lr

    @property
    def lr(self):
        graph = gc.get_default_graph()
        if graph not in self._lr_vars:
            with graph.name_scope(""), graph.control_dependencies(None):
                self._lr_vars[graph] = gc.Variable(
                    np.float32(self._lr_value), trainable=False,
                    name=f"{self._name}/learning_rate")
        return self._lr_vars[graph]

    learning_rate = lr

    def get_config(self):
        return {"name": self._name, "learning_rate": self._lr_value, **self._config}


class SGD(_KerasHypers, MomentumOptimizer):
    """Keras SGD: lr 0.01, momentum 0 (then plain gradient descent), nesterov.

        gc.keras.optimizers.SGD(lr=0.1, momentum=0.9)
    """

    def __init__(self, learning_rate=None, momentum=0.0, nesterov=False, name="SGD",
                 decay=0.0, **kwargs):
        MomentumOptimizer.__init__(self, 0.01, momentum, use_nesterov=nesterov, name=name)
        self._init_lr(learning_rate, kwargs, 0.01)
        if decay:
            raise NotImplementedError("the Keras `decay` argument is not supported")
        self._config = {"momentum": momentum, "nesterov": nesterov}

    def _create_slots(self, var_list):
        if self._momentum:
            super()._create_slots(var_list)

    def _apply_dense(self, grad, var):
        if self._momentum:
            return super()._apply_dense(grad, var)
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        return var.assign_sub(grad * lr).node

    def _apply_sparse(self, grad, var):
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
        if amsgrad or decay:
            raise NotImplementedError("Adam: amsgrad and decay are not supported")
        AdamOptimizer.__init__(self, 0.001, beta_1, beta_2, epsilon, name=name)
        self._init_lr(learning_rate, kwargs, 0.001)
        self._config = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}


class RMSprop(_KerasHypers, Optimizer):
    """Keras RMSprop: lr 0.001, rho 0.9, epsilon 1e-7, mean square starting at ZERO;
    var -= lr * g / (sqrt(ms) + epsilon) (with momentum: the TF1 kernel's
    mom = momentum * mom + lr * g / sqrt(ms + epsilon); var -= mom).

        gc.keras.optimizers.RMSprop(lr=0.01)
    """

    def __init__(self, learning_rate=None, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", decay=0.0, **kwargs):
        if centered or decay:
            raise NotImplementedError("RMSprop: centered and decay are not supported")
        Optimizer.__init__(self, False, name)
        self._init_lr(learning_rate, kwargs, 0.001)
        self._rho, self._momentum, self._epsilon = rho, momentum, epsilon
        self._config = {"rho": rho, "momentum": momentum, "epsilon": epsilon}

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "rms", self._name)
            if self._momentum:
                self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad, var):
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        rho, eps = gc.cast(self._rho, dt), gc.cast(self._epsilon, dt)
        ms = self.get_slot(var, "rms")
        ms_t = ms.assign(rho * ms + (1.0 - rho) * gc.square(grad))
        if not self._momentum:
            return gc.group(var.assign_sub(lr * grad / (gc.sqrt(ms_t) + eps)))
        mom = self.get_slot(var, "momentum")
        mom_t = mom.assign(mom * gc.cast(self._momentum, dt) + lr * grad / gc.sqrt(ms_t + eps))
        return gc.group(var.assign_sub(mom_t))


class Adagrad(_KerasHypers, Optimizer):
    """Keras Adagrad: lr 0.001, accumulator from 0.1, epsilon 1e-7;
    acc += g^2; var -= lr * g / (sqrt(acc) + epsilon).

        gc.keras.optimizers.Adagrad(lr=0.01)
    """

    def __init__(self, learning_rate=None, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="Adagrad", decay=0.0, **kwargs):
        if decay:
            raise NotImplementedError("Adagrad: decay is not supported")
        Optimizer.__init__(self, False, name)
        self._init_lr(learning_rate, kwargs, 0.001)
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


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}


def get(identifier):
    """An optimizer from a name ('sgd', 'adam', 'rmsprop', 'adagrad': Keras' defaults),
    a Keras optimizer or any gc.train.Optimizer.

        gc.keras.optimizers.get("adam")
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


def serialize(optimizer):
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
    return cls(**config.get("config", {}))
