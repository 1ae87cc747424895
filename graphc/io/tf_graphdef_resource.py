"""Resource variables in the import table (tf_graphdef_ops.py's form: OPS[op type] =
(input types, output types, build)): what tf.compat.v1 graphs built by TF 2 hold, since
resource variables are TF 2's default.

A VarHandleOp becomes a graphc VariableV2 node: the handle stands for the variable, so
each op taking the handle (input type "?": DT_RESOURCE has no graphc dtype) takes the
VariableV2 tensor. ReadVariableOp is an Identity of it: graphc reads a variable when
each consumer runs, after the effects built before it and those its control inputs
force, so the read happens where TF's ReadVariableOp runs. AssignVariableOp,
AssignAdd/SubVariableOp and the ResourceScatter* ops are graphc's Assign and Scatter*
nodes; the optimizer ops (ResourceApply*, ResourceSparseApply*) are in
tf_graphdef_resource_apply.py. Unique (what TF's sparse optimizers use to sum repeated
indices) is here too.
"""
import graphc as gc

from ..ops.init_checks import IS_VARIABLE_INITIALIZED
from ..ops.registry import apply1
from ..ops.indexing import _parse_key
from ..ops.state import ASSIGN, SLICE_ASSIGN, VARIABLE
from ..ops.state_scatter import VAR_SCATTER
from ..shapes import TensorShape
from .tf_graphdef_import_more import _slice_key
from .tf_graphdef_ops import table_op
from .tf_graphdef_resource_apply import OPS as _APPLY_OPS, variable_of

__all__ = ["OPS"]

OPS = {}
_op = table_op(OPS)


# ---- the variable and its reads --------------------------------------------------------
@_op("VarHandleOp", "", "?")
def _var_handle(n):
    """A VariableV2 of the handle's shape and dtype. TF shares a variable between the
    handles (and sessions) of one container and shared_name; graph-mode variables
    have the node's own name as shared_name, which shares nothing (VariableV2's empty
    shared_name means the node's name too)."""
    container, shared = n.attr("container", ""), n.attr("shared_name", "")
    n.attr("debug_name", "")                    # a name for messages only
    n.attr("allowed_devices", [])               # placement; the node keeps its device
    if container:
        raise n.fail(f"container={container!r}: variables shared between sessions are "
                     "not supported (graphc keeps a variable in its Session)")
    if shared not in ("", n.nd.name):
        raise n.fail(f"shared_name={shared!r} is not the node's name: a variable shared "
                     "with other handles (or sessions) is not supported (graphc keeps a "
                     "variable in its Session, one node each)")
    shape = n.attr("shape", None)
    var = apply1(VARIABLE, (), name=n.name, shape=TensorShape(shape), dtype=n.attr("dtype"))
    var.node.tf_resource = True     # (its reads are ReadVariableOps, ordered by TF's
    return var                      # control edges, not aliases of a ref's buffer)


@_op("ReadVariableOp", "?", "dtype")
def _read(n, handle):
    var = variable_of(n, handle, 0, n.attr("dtype"))
    return gc.identity(var.outputs[0], name=n.name)


@_op("DisableCopyOnRead", "?", "")
def _disable_copy_on_read(n, handle):
    """TF 2's hint that a variable's reads need not copy it (its SavedModels' save
    functions): graphc's reads never copy, so nothing to do."""
    return gc.no_op(name=n.name)


@_op("VarIsInitializedOp", "?", "=bool")
def _is_initialized(n, handle):
    var = variable_of(n, handle, 0)
    return apply1(IS_VARIABLE_INITIALIZED, (), name=n.name, var=var)


@_op("VariableShape", "?", "out_type")
def _variable_shape(n, handle):
    var = variable_of(n, handle, 0)
    return gc.shape(var.outputs[0], out_type=n.attr("out_type", gc.int32), name=n.name)


@_op("ResourceGather", "? Tindices", "dtype")
def _gather(n, handle, indices):
    """TF: params[indices] along axis batch_dims (validate_indices: TF's CPU kernel
    checks every index anyway, as graphc's gather does)."""
    var = variable_of(n, handle, 0, n.attr("dtype"))
    n.attr("validate_indices", True)
    return gc.gather(var.outputs[0], indices, batch_dims=n.attr("batch_dims", 0), name=n.name)


@_op("ResourceGatherNd", "? Tindices", "dtype")
def _gather_nd(n, handle, indices):
    var = variable_of(n, handle, 0, n.attr("dtype"))
    return gc.gather_nd(var.outputs[0], indices, name=n.name)


# ---- updates -----------------------------------------------------------------------------
def _assign(mode):
    def build(n, handle, value):
        var = variable_of(n, handle, 0, n.attr("dtype"))
        if mode == "set":
            # validate_shape=false lets TF store a value of another shape; graphc keeps
            # the variable's static shape (Assign checks it), the same for all shapes
            # the handle allows
            n.attr("validate_shape", False)
        return apply1(ASSIGN, (value,), name=n.name, var=var, mode=mode).op
    return build


OPS["AssignVariableOp"] = (("?", "dtype"), (), _assign("set"))
OPS["AssignAddVariableOp"] = (("?", "dtype"), (), _assign("add"))
OPS["AssignSubVariableOp"] = (("?", "dtype"), (), _assign("sub"))


def _strided_slice_assign(n, handle, begin, end, strides, value):
    """TF's v[key].assign(value) on a resource variable: graphc's slice assign."""
    var = variable_of(n, handle, 0, n.attr("T"))
    spec, idx = _parse_key(_slice_key(n, begin, end, strides))
    return apply1(SLICE_ASSIGN, (value, *idx), name=n.name, var=var, spec=spec).op


OPS["ResourceStridedSliceAssign"] = (("?", "Index", "Index", "Index", "T"), (),
                                     _strided_slice_assign)


def _scatter(mode, nd, ref=False):
    def build(n, handle, indices, updates):
        var = variable_of(n, handle, 0, n.attr("T" if nd or ref else "dtype"))
        if nd or ref:
            n.attr("use_locking", True)
        if nd:
            policy = n.attr("bad_indices_policy", "")
            if policy not in ("", "DEFAULT", "ERROR"):
                raise n.fail(f"bad_indices_policy={policy!r}: graphc raises for indices "
                             "out of range (ERROR) only")
        if not ref:
            return apply1(VAR_SCATTER[mode, nd], (indices, updates), name=n.name, var=var).op
        # TF1's ref op: its output is the variable after the update
        update = apply1(VAR_SCATTER[mode, nd], (indices, updates), name="update", var=var)
        with gc.control_dependencies([update.op]):
            return gc.identity(var.outputs[0], name=n.name)
    return build


for _mode in ("update", "add", "sub", "mul", "div", "max", "min"):
    OPS["ResourceScatter" + _mode.capitalize()] = (
        ("?", "Tindices", "dtype"), (), _scatter(_mode, False))
    OPS["Scatter" + _mode.capitalize()] = (("T", "Tindices", "T"), ("T",),
                                           _scatter(_mode, False, ref=True))
for _mode in ("update", "add", "sub"):
    OPS["ResourceScatterNd" + _mode.capitalize()] = (
        ("?", "Tindices", "T"), (), _scatter(_mode, True))
    OPS["ScatterNd" + _mode.capitalize()] = (("T", "Tindices", "T"), ("T",),
                                             _scatter(_mode, True, ref=True))


@_op("Unique", "T", "T out_idx")
def _unique(n, x):
    if x.shape.rank not in (1, None):
        raise n.fail(f"x ({x.name}) must be 1-D, not of shape {x.shape}", ValueError)
    y, idx = gc.unique(x, out_idx=n.attr("out_idx", gc.int32), name=n.name)
    return [y, idx]


OPS.update(_APPLY_OPS)
