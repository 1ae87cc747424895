"""The optimizer ops in the import table: ResourceApply* (dense) and ResourceSparseApply*
(rows of the variable picked by indices) of resource variables, and TF1's Apply* and
SparseApply* of ref variables (VariableV2; their output is the updated variable), as
graphc Assign and Scatter nodes computing the update of TF's kernels (TF's
training_ops docs):

    GradientDescent  var -= alpha * delta
    Momentum         accum = accum * momentum + grad
                     var -= lr * accum  (nesterov: grad * lr + accum * momentum * lr)
    KerasMomentum    accum = accum * momentum - grad * lr
                     var += accum  (nesterov: accum * momentum - grad * lr)
    Adagrad          accum += grad^2 (update_slots); var -= grad * lr * rsqrt(accum)
    AdagradV2        accum += grad^2 (update_slots); var -= grad * lr / (sqrt(accum) + eps)
    Adam             alpha = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
                     m += (grad - m) * (1 - beta1); v += (grad^2 - v) * (1 - beta2)
                     var -= m * alpha / (sqrt(v) + eps)
                     (nesterov: (grad * (1 - beta1) + beta1 * m) * alpha / (sqrt(v) + eps))
    AdaMax           m += (grad - m) * (1 - beta1); v = max(beta2 * v, |grad|)
                     var -= lr / (1 - beta1_power) * (m / (v + eps))
    RMSProp          ms += (grad^2 - ms) * (1 - rho)
                     mom = mom * momentum + grad * lr / sqrt(ms + eps); var -= mom
    CenteredRMSProp  also mg += (grad - mg) * (1 - rho), and sqrt(ms - mg^2 + eps)
    Adadelta         accum = rho * accum + (1 - rho) * grad^2
                     update = sqrt(accum_update + eps) * rsqrt(accum + eps) * grad
                     accum_update = rho * accum_update + (1 - rho) * update^2
                     var -= update * lr
    Ftrl             (V2: grad_s = grad + 2 * l2_shrinkage * var, else grad_s = grad)
                     new_accum = accum + grad^2; p = -lr_power (sqrt when p == 0.5)
                     linear += grad_s - (new_accum^p - accum^p) / lr * var
                     var = (clip(linear, -l1, l1) - linear) / (new_accum^p / lr + 2 * l2)
                     (multiply_linear_by_lr: linear += grad_s * lr - (..) * var,
                      var = (clip(linear, -l1 * lr, l1 * lr) - linear)
                            / (new_accum^p + 2 * l2 * lr))
                     accum = new_accum
    ProximalAdagrad  accum += grad^2; rate = lr * rsqrt(accum); p = var - grad * rate
                     var = sign(p) * max(|p| - rate * l1, 0) / (1 + l2 * rate)  (l1 > 0)
                     var = p / (1 + l2 * rate)  (otherwise)
    ProximalGradientDescent  p = var - delta * alpha
                     var = sign(p) * max(|p| - alpha * l1, 0) / (1 + l2 * alpha)  (l1 > 0)
                     var = p / (1 + l2 * alpha)  (otherwise)
    AdagradDA        ga += grad; gg += grad^2; t = float(global_step)
                     var = -lr * sign(ga) * max(|ga| - t * l1, 0) / (l2 * t * lr + sqrt(gg))
                     (l1 > 0; otherwise -lr * ga / (l2 * t * lr + sqrt(gg)))

The dense ops read the variable and its slots where the op runs (graphc reads a
variable when each consumer runs) and assign the new values; the op is a group of the
Assigns, named as the TF node. The sparse ops apply the same formulas to the rows
`indices` pick (gather, then Scatter nodes): TF's kernels apply a repeated index once
per occurrence, one after another, which graphc does not: repeated indices are a
run-time error (TF's optimizers sum them first, with Unique and UnsortedSegmentSum).
"""
import graphc as gc

from ..ops.registry import apply1
from ..ops.state import ASSIGN, READ_LIVE, VARIABLE
from ..ops.state_scatter import VAR_SCATTER
from .tf_graphdef_ops import through_identities

__all__ = ["OPS", "variable_of"]

OPS = {}

# the inputs that are resource handles of slot variables (besides "var")
_SLOTS = ("accum", "accum_update", "m", "v", "mg", "ms", "mom", "linear",
          "gradient_accumulator", "gradient_squared_accumulator")
_SCALARS = ("lr", "alpha", "momentum", "rho", "epsilon", "beta1", "beta2", "beta1_power",
            "beta2_power", "l1", "l2", "l2_shrinkage", "lr_power", "global_step")


def variable_of(n, handle, i, dtype=None):
    """The VariableV2 node that input i (a resource handle) stands for, seen through
    Identity nodes (TF passes handles on through Identity); its dtype must be `dtype`
    when given (the node's T or dtype attr)."""
    var = through_identities(handle)
    if var.op is READ_LIVE:             # a handle captured by a nested function's body
        var = var.attrs["var"]
    if var.op is not VARIABLE:
        raise n.fail(f"input {i} ({handle.name}) is a {var.type}, not a variable handle "
                     "(VarHandleOp): graphc imports resource inputs of variables only")
    if dtype is not None and var.outputs[0].dtype != dtype:
        raise n.fail(f"input {i} is variable '{var.name}' of dtype "
                     f"{var.outputs[0].dtype.name}, the op's T is {dtype.name}", ValueError)
    return var


# ---- the update rules: (new slot values, "sub" or "add", the change of var) -------------
def _gradient_descent(n, a):
    return {}, "sub", a["alpha"] * a["delta"]


def _momentum(n, a):
    accum = gc.add(a["accum"] * a["momentum"], a["grad"], name="accum")
    if n.attr("use_nesterov", False):
        delta = a["grad"] * a["lr"] + accum * a["momentum"] * a["lr"]
    else:
        delta = accum * a["lr"]
    return {"accum": accum}, "sub", delta


def _keras_momentum(n, a):
    accum = gc.subtract(a["accum"] * a["momentum"], a["grad"] * a["lr"], name="accum")
    if n.attr("use_nesterov", False):
        return {"accum": accum}, "add", accum * a["momentum"] - a["grad"] * a["lr"]
    return {"accum": accum}, "add", accum


def _adagrad_accum(n, a):
    if n.attr("update_slots", True):
        return {"accum": gc.add(a["accum"], gc.square(a["grad"]), name="accum")}
    return {}


def _adagrad(n, a):
    new = _adagrad_accum(n, a)
    accum = new.get("accum", a["accum"])
    return new, "sub", a["grad"] * a["lr"] * gc.rsqrt(accum)


def _adagrad_v2(n, a):
    new = _adagrad_accum(n, a)
    accum = new.get("accum", a["accum"])
    return new, "sub", a["grad"] * a["lr"] / (gc.sqrt(accum) + a["epsilon"])


def _moment(a, slot, value, decay):
    """slot + (value - slot) * (1 - decay): TF's moving average of value."""
    return gc.add(a[slot], (value - a[slot]) * (1 - a[decay]), name=slot)


def _adam(n, a):
    alpha = a["lr"] * gc.sqrt(1 - a["beta2_power"]) / (1 - a["beta1_power"])
    m = _moment(a, "m", a["grad"], "beta1")
    v = _moment(a, "v", gc.square(a["grad"]), "beta2")
    if n.attr("use_nesterov", False):
        step = a["grad"] * (1 - a["beta1"]) + a["beta1"] * m
    else:
        step = m
    return {"m": m, "v": v}, "sub", step * alpha / (gc.sqrt(v) + a["epsilon"])


def _ada_max(n, a):
    m = _moment(a, "m", a["grad"], "beta1")
    v = gc.maximum(a["beta2"] * a["v"], gc.abs(a["grad"]), name="v")
    return {"m": m, "v": v}, "sub", \
        a["lr"] / (1 - a["beta1_power"]) * (m / (v + a["epsilon"]))


def _rms_prop(n, a):
    ms = _moment(a, "ms", gc.square(a["grad"]), "rho")
    mom = gc.add(a["mom"] * a["momentum"], a["grad"] * a["lr"] / gc.sqrt(ms + a["epsilon"]),
                 name="mom")
    return {"ms": ms, "mom": mom}, "sub", mom


def _centered_rms_prop(n, a):
    ms = _moment(a, "ms", gc.square(a["grad"]), "rho")
    mg = _moment(a, "mg", a["grad"], "rho")
    denom = ms - gc.square(mg) + a["epsilon"]
    mom = gc.add(a["mom"] * a["momentum"], a["grad"] * a["lr"] / gc.sqrt(denom), name="mom")
    return {"mg": mg, "ms": ms, "mom": mom}, "sub", mom


def _adadelta(n, a):
    rho, eps, g = a["rho"], a["epsilon"], a["grad"]
    accum = gc.add(rho * a["accum"], (1 - rho) * gc.square(g), name="accum")
    update = gc.sqrt(a["accum_update"] + eps) * gc.rsqrt(accum + eps) * g
    accum_update = gc.add(rho * a["accum_update"], (1 - rho) * gc.square(update),
                          name="accum_update")
    return {"accum": accum, "accum_update": accum_update}, "sub", update * a["lr"]


def _where_l1(l1, shrunk, plain):
    """TF's kernels branch on l1 > 0 (the shrunk form), else take the plain one."""
    return gc.where(gc.greater(l1, gc.zeros_like(l1)), shrunk, plain)


def _ftrl(n, a):
    lr, l1, l2, var, g = a["lr"], a["l1"], a["l2"], a["var"], a["grad"]
    by_lr = n.attr("multiply_linear_by_lr", False)
    shrunk = g + 2 * a["l2_shrinkage"] * var if "l2_shrinkage" in a else g
    new_accum = a["accum"] + gc.square(g)
    p = -a["lr_power"]
    half = gc.equal(p, gc.constant(0.5, dtype=p.dtype))
    power = lambda x: gc.where(half, gc.sqrt(x), gc.pow(x, p))   # noqa: E731
    step = power(new_accum) - power(a["accum"])
    if by_lr:
        linear = gc.add(a["linear"], shrunk * lr - step * var, name="linear")
        x = gc.maximum(gc.minimum(linear, l1 * lr), -l1 * lr) - linear
        y = power(new_accum) + 2 * l2 * lr
    else:
        linear = gc.add(a["linear"], shrunk - step / lr * var, name="linear")
        x = gc.maximum(gc.minimum(linear, l1), -l1) - linear
        y = power(new_accum) / lr + 2 * l2
    accum = gc.add(a["accum"], gc.square(g), name="accum")
    return {"accum": accum, "linear": linear}, "set", x / y


def _proximal(p, rate, l1, l2):
    """sign(p) * max(|p| - rate * l1, 0) / (1 + l2 * rate), or p / (1 + l2 * rate)
    when l1 <= 0."""
    shrunk = gc.sign(p) * gc.maximum(gc.abs(p) - rate * l1, gc.zeros_like(p))
    return _where_l1(l1, shrunk, p) / (1 + l2 * rate)


def _proximal_adagrad(n, a):
    accum = gc.add(a["accum"], gc.square(a["grad"]), name="accum")
    rate = a["lr"] * gc.rsqrt(accum)
    prox = a["var"] - a["grad"] * rate
    return {"accum": accum}, "set", _proximal(prox, rate, a["l1"], a["l2"])


def _proximal_gradient_descent(n, a):
    prox = a["var"] - a["grad"] * a["alpha"]
    return {}, "set", _proximal(prox, a["alpha"], a["l1"], a["l2"])


def _adagrad_da(n, a):
    lr, l1, l2 = a["lr"], a["l1"], a["l2"]
    ga = gc.add(a["gradient_accumulator"], a["grad"], name="gradient_accumulator")
    gg = gc.add(a["gradient_squared_accumulator"], gc.square(a["grad"]),
                name="gradient_squared_accumulator")
    t = gc.cast(gc.cast(a["global_step"], gc.float32), lr.dtype)
    zero = gc.zeros_like(ga)
    if n.op.startswith(("SparseApply", "ResourceSparseApply")):   # TF's sparse kernel
        gs_lr = t * lr
        den = l2 + gc.sqrt(gg) / gs_lr
        shrunk = -gc.sign(ga) * gc.maximum(gc.abs(ga) / t - l1, zero) / den
        plain = -(ga / t) / den
    else:
        den = l2 * (t * lr) + gc.sqrt(gg)
        shrunk = lr * -gc.sign(ga) * gc.maximum(gc.abs(ga) - t * l1, zero) / den
        plain = lr * ga * -1.0 / den
    return ({"gradient_accumulator": ga, "gradient_squared_accumulator": gg}, "set",
            _where_l1(l1, shrunk, plain))


# ---- dense and sparse builders ------------------------------------------------------------
def _check_scalars(n, names, ins):
    for i, (k, t) in enumerate(zip(names, ins)):
        if k in _SCALARS and t.shape.rank not in (0, None):
            raise n.fail(f"{k} is not a scalar: input {i} ({t.name}) has shape {t.shape}",
                         ValueError)


def _check_like(n, what, t, want):
    if not t.shape.is_compatible_with(want):
        raise n.fail(f"var and {what} do not have the same shape: {want} vs {t.shape}",
                     ValueError)


def _handles(n, names, ins):
    t = n.attr("T")
    n.attr("use_locking", False)            # graphc runs one update at a time
    return {k: variable_of(n, h, i, t) for i, (k, h) in enumerate(zip(names, ins))
            if k == "var" or k in _SLOTS}


def _result(n, updates, variables, ref):
    """The op: a group of the updates named as the node or, for TF1's ref ops, the
    variable read after them (their `out`)."""
    if not ref:
        return gc.group(*updates, name=n.name)
    with gc.control_dependencies([gc.group(*updates, name="updates")]):
        return gc.identity(variables["var"].outputs[0], name=n.name)


def _dense(names, rule, ref=False):
    names = names.split()
    grad = "delta" if "delta" in names else "grad"

    def build(n, *ins):
        variables = _handles(n, names, ins)
        _check_scalars(n, names, ins)
        a = dict(zip(names, ins), **{k: v.outputs[0] for k, v in variables.items()})
        var = a["var"].shape
        for k in [*variables, grad]:
            _check_like(n, k, a[k], var)
        new, mode, delta = rule(n, a)
        # every read (old values) happens before the first assign
        with gc.control_dependencies([*new.values(), delta]):
            updates = [apply1(ASSIGN, (value,), name=f"update_{k}", var=variables[k],
                              mode="set") for k, value in new.items()]
            updates.append(apply1(ASSIGN, (delta,), name="update_var", var=variables["var"],
                                  mode=mode))
        return _result(n, updates, variables, ref)
    return build


def _sparse(names, rule, ref=False):
    names = names.split()

    def build(n, *ins):
        variables = _handles(n, names, ins)
        _check_scalars(n, names, ins)
        a = dict(zip(names, ins), **{k: v.outputs[0] for k, v in variables.items()})
        var, grad, indices = a["var"].shape, a["grad"], a["indices"]
        if var.rank == 0:
            raise n.fail(f"var must be at least 1 dimensional, not of shape {var}", ValueError)
        if indices.shape.rank not in (1, None):
            raise n.fail(f"indices must be one-dimensional, not of shape {indices.shape}",
                         ValueError)
        for k in variables:
            _check_like(n, k, a[k], var)
        g, i = grad.shape, indices.shape
        if g.rank is not None and var.rank is not None and (
                g.rank != var.rank or not gc.TensorShape(g._dims[1:]).is_compatible_with(
                    var._dims[1:])) or \
                g.rank is not None and i.rank == 1 and not g[:1].is_compatible_with(i):
            raise n.fail(f"grad of shape {g} does not hold the rows of var {var} picked by "
                         f"indices of shape {i} (want shape indices.shape + var.shape[1:])",
                         ValueError)
        # each row once: TF applies a repeated index again on the updated row
        unique = gc.equal(gc.size(gc.unique(indices, name="unique").y), gc.size(indices))
        check = gc.Assert(unique, [f"{n.op} node '{n.nd.name}': repeated indices (TF "
                                   "applies them one after another, graphc does not; "
                                   "sum them first, as TF's optimizers do):", indices])
        for k in variables:
            if k != "var" or rule in _READS_VAR:
                a[k] = gc.gather(a[k], indices, name=f"{k}_rows")
        new, mode, delta = rule(n, a)
        mode = "update" if mode == "set" else mode
        with gc.control_dependencies([check, *new.values(), delta]):
            updates = [apply1(VAR_SCATTER["update", False], (indices, value),
                              name=f"update_{k}", var=variables[k]) for k, value in new.items()]
            updates.append(apply1(VAR_SCATTER[mode, False], (indices, delta),
                                  name="update_var", var=variables["var"]))
        return _result(n, updates, variables, ref)
    return build


_RULES = {   # name: (inputs after var and slots, with "indices" for the sparse op, rule)
    "GradientDescent": ("alpha delta", _gradient_descent),
    "Momentum": ("accum lr grad indices momentum", _momentum),
    "KerasMomentum": ("accum lr grad indices momentum", _keras_momentum),
    "Adagrad": ("accum lr grad indices", _adagrad),
    "AdagradV2": ("accum lr epsilon grad indices", _adagrad_v2),
    "Adam": ("m v beta1_power beta2_power lr beta1 beta2 epsilon grad", _adam),
    "AdaMax": ("m v beta1_power lr beta1 beta2 epsilon grad", _ada_max),
    "RMSProp": ("ms mom lr rho momentum epsilon grad indices", _rms_prop),
    "CenteredRMSProp": ("mg ms mom lr rho momentum epsilon grad indices", _centered_rms_prop),
    "Adadelta": ("accum accum_update lr rho epsilon grad indices", _adadelta),
    "Ftrl": ("accum linear grad indices lr l1 l2 lr_power", _ftrl),
    "FtrlV2": ("accum linear grad indices lr l1 l2 l2_shrinkage lr_power", _ftrl),
    "ProximalAdagrad": ("accum lr l1 l2 grad indices", _proximal_adagrad),
    # (the dense op's "delta" is the sparse op's "grad")
    "ProximalGradientDescent": ("alpha l1 l2 grad indices", _proximal_gradient_descent),
    "AdagradDA": ("gradient_accumulator gradient_squared_accumulator grad indices lr l1 l2 "
                  "global_step", _adagrad_da),
}
_READS_VAR = (_ftrl, _proximal_adagrad, _proximal_gradient_descent)   # the old var rows


def _types(names, ref=False):
    handle = "T" if ref else "?"            # TF1's ref inputs are of the variable's type
    return tuple(handle if k == "var" or k in _SLOTS else "Tindices" if k == "indices"
                 else "=int64" if k == "global_step" else "T" for k in names.split())


for _name, (_ins, _rule) in _RULES.items():
    _names = "var " + _ins
    _dense_names = _names.replace(" indices", "")
    OPS["ResourceApply" + _name] = (_types(_dense_names), (), _dense(_dense_names, _rule))
    if "indices" in _ins:
        OPS["ResourceSparseApply" + _name] = (_types(_names), (), _sparse(_names, _rule))
    if _name in ("GradientDescent", "KerasMomentum"):
        continue        # (TF1's ApplyGradientDescent: tf_graphdef_import_more.py)
    # TF1's ops on ref variables (VariableV2): the same update, the variable as output
    OPS["Apply" + _name] = (_types(_dense_names, True), ("T",),
                            _dense(_dense_names, _rule, ref=True))
    if "indices" in _ins:
        OPS["SparseApply" + _name] = (_types(_names, True), ("T",),
                                      _sparse(_names, _rule, ref=True))
