"""Assign variables from values or from a checkpoint (tf_slim.ops.variables'
assign_from_*): the values travel in a feed dict, not as constants in the graph.

    assign_op, feed_dict = slim.assign_from_checkpoint("ckpt/model-100",
                                                       slim.get_model_variables())
    sess.run(assign_op, feed_dict)
"""
import numpy as np

from ..graph import get_default_graph
from ..ops.core import group, placeholder
from ..ops.graphkeys import GraphKeys
from ..partitioned import slice_info
from .. import tf_logging as logging
from ..train.checkpoint_reader import NewCheckpointReader
from ..train.saver import Saver

__all__ = ["assign_from_values", "assign_from_values_fn", "assign_from_checkpoint",
           "assign_from_checkpoint_fn"]


def _fed_assign(var):
    """A placeholder 'placeholder/<var op name>' of var's dtype and shape, and the op that
    assigns it to var."""
    ph = placeholder(var.dtype.base_dtype, shape=var.shape, name="placeholder/" + var.op.name)
    return ph, var.assign(ph)


def assign_from_values(var_names_to_values):
    """(assign_op, feed_dict) that set each global variable named by a key (a scope
    regular expression; an exact op name wins among several matches) to its value.

        op, feed = slim.assign_from_values({"fc/W": np.ones((3, 2))})
        sess.run(op, feed)
    """
    graph = get_default_graph()
    feed_dict, assign_ops = {}, []
    for var_name, value in var_names_to_values.items():
        found = graph.get_collection(GraphKeys.GLOBAL_VARIABLES, var_name)
        if not found:
            raise ValueError(f"Variable {var_name} wasn't found")
        if len(found) > 1:
            exact = [v for v in found if v.op.name == var_name]
            if not exact:
                raise ValueError(f"Variable {var_name} doesn't uniquely identify a "
                                 "variable")
            found = exact
        var = found[0]
        ph, op = _fed_assign(var)
        assign_ops.append(op)
        feed_dict[ph] = np.asarray(value).reshape(var.shape.as_list())
    return group(*assign_ops), feed_dict


def assign_from_values_fn(var_names_to_values):
    """A function of a session that runs assign_from_values' op with its feed."""
    assign_op, feed_dict = assign_from_values(var_names_to_values)

    def callback(session):
        return session.run(assign_op, feed_dict)
    return callback


def assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False):
    """(assign_op, feed_dict) that restore `var_list` from checkpoint `model_path`
    (graphc's or TF's files). var_list: a list of variables (parts of partitioned ones
    get their slice of the full value), or {checkpoint name: variable or list of them}.
    A name missing from the checkpoint raises ValueError, or is skipped with a warning
    if ignore_missing_vars.

        op, feed = slim.assign_from_checkpoint(gc.train.latest_checkpoint("ckpt"),
                                               slim.get_variables_to_restore())
    """
    grouped = {}
    if isinstance(var_list, (tuple, list)):
        for var in var_list:
            grouped.setdefault(_full_name(var), []).append(var)
    else:
        for ckpt_name, value in var_list.items():
            grouped[ckpt_name] = list(value) if isinstance(value, (tuple, list)) \
                else [value]
    reader = NewCheckpointReader(model_path)
    feed_dict, assign_ops = {}, []
    for ckpt_name, variables in grouped.items():
        if not reader.has_tensor(ckpt_name):
            message = f"Checkpoint is missing variable [{ckpt_name}]"
            if ignore_missing_vars:
                logging.warning(message)
                continue
            raise ValueError(message)
        ckpt_value = np.asarray(reader.get_tensor(ckpt_name))
        for var in variables:
            ph, op = _fed_assign(var)
            assign_ops.append(op)
            info = slice_info(var)
            if info is None:
                if var.shape.as_list() != list(ckpt_value.shape):
                    raise ValueError(
                        f"Total size of new array must be unchanged for {ckpt_name} "
                        f"lh_shape: [{ckpt_value.shape}], rh_shape: [{var.shape}]")
                feed_dict[ph] = ckpt_value
            else:
                piece = ckpt_value[tuple(slice(o, o + n) for o, n in
                                         zip(info.var_offset, info.var_shape))]
                feed_dict[ph] = piece.reshape(info.var_shape)
    return group(*assign_ops), feed_dict


def _full_name(var):
    info = slice_info(var)
    return info.full_name if info else var.op.name


def assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False,
                              reshape_variables=False):
    """A function of a session that restores `var_list` (variables, or {checkpoint name:
    variable}) from `model_path` with a gc.train.Saver; None (with a warning) if
    ignore_missing_vars leaves nothing to restore. reshape_variables restores values of
    another shape but the same size.

        init_fn = slim.assign_from_checkpoint_fn("ckpt/model-100",
                                                 slim.get_variables_to_restore(),
                                                 ignore_missing_vars=True)
        init_fn(sess)
    """
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = NewCheckpointReader(model_path)
        named = var_list if isinstance(var_list, dict) else \
            {var.op.name: var for var in var_list}
        var_list = {}
        for name, var in named.items():
            if reader.has_tensor(name):
                var_list[name] = var
            else:
                logging.warning("Variable %s missing in checkpoint %s", name, model_path)
    if not var_list:
        logging.warning("No Variables to restore")
        return None
    saver = Saver(var_list, reshape=reshape_variables)

    def callback(session):
        saver.restore(session, model_path)
    return callback
