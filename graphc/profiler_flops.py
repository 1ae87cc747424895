"""The FLOP count of each node, by TF1's rules (tensorflow/python/profiler/internal/
flops_registry.py and the RegisterStatistics("...", "flops") rules of nn_ops.py), and
the op log the profiler reads: per node its FLOPs, its extra types
("_trainable_variables") and where it was built.

TF counts only op types that have a rule (MatMul, Conv2D, Add, Mean, ...); every other
op counts 0. A rule needs fully known shapes: a node whose shapes have an unknown dim
counts 0, and profile() says how many such nodes it met ("N ops no flops stats due to
incomplete shapes."). The pooling and conv-gradient rules also need NHWC.

    float_ops(node)     # 2*m*n*k for a MatMul of (m, k) by (k, n); None: shapes unknown
"""
import linecache
import sys

from .graph import Node
from .profiler_protos import OpLogEntry, OpLogProto

__all__ = ["RULES", "float_ops", "merge_default_with_oplog", "TRAINABLE_VARIABLES"]

TRAINABLE_VARIABLES = "_trainable_variables"    # the op type of trainable variables


class _Unknown(Exception):
    """A shape the rule reads is not fully known (or the layout is not NHWC)."""


def _dims(t):
    """t's shape as a list of ints, or _Unknown."""
    dims = t.shape._dims
    if dims is None or not all(type(d) is int for d in dims):
        raise _Unknown
    return list(dims)


def _count(t):
    n = 1
    for d in _dims(t):
        n *= d
    return n


def _out(node):
    return node.outputs[0]


def _nhwc(node):
    if node.attrs.get("data_format", "NHWC") != "NHWC":
        raise _Unknown


def _window(node, key):
    """The product of a pooling window's (or stride's) spatial sizes: graphc keeps two
    (height, width), TF four (batch, height, width, depth)."""
    sizes = tuple(node.attrs[key])
    if len(sizes) == 4 and key == "strides":
        sizes = sizes[1:3]
    n = 1
    for s in sizes:
        n *= s
    return n


def _unary(per_element):
    def rule(node):
        return _count(node.inputs[0]) * per_element
    rule.__doc__ = f"{per_element} flop(s) per element of the input."
    return rule


def _binary(per_element):
    def rule(node):
        return _count(_out(node)) * per_element
    rule.__doc__ = f"{per_element} flop(s) per element of the (broadcast) output."
    return rule


def _reduction(reduce_flops, finalize_flops):
    def rule(node):
        return (_count(node.inputs[0]) * reduce_flops
                + _count(_out(node)) * (finalize_flops - reduce_flops))
    rule.__doc__ = (f"in * {reduce_flops} + out * ({finalize_flops} - {reduce_flops}): "
                    "the additions (comparisons) of a reduction, plus a finishing op each.")
    return rule


def _assign(node):
    """AssignAdd / AssignSub: one flop per element of the variable (graphc's Assign
    with mode "add"/"sub"; a plain assignment counts 0)."""
    if node.attrs.get("mode") not in ("add", "sub"):
        return 0
    return _count(_out(node))


def _l2_loss(node):
    """3*N - 1: TF's kernel squares, halves and sums."""
    return _count(node.inputs[0]) * 3 - 1


def _pool(node):
    """window area * output elements (NHWC only)."""
    _nhwc(node)
    return _window(node, "ksize") * _count(_out(node))


def _avg_pool_grad(node):
    """2 * window area * elements of the output gradient (NHWC only)."""
    _nhwc(node)
    return _window(node, "ksize") * _count(node.inputs[1]) * 2


def _max_pool_grad(node):
    """(window area + 1) * elements of the pooled output (NHWC only)."""
    _nhwc(node)
    n = _count(node.inputs[1])
    return _window(node, "ksize") * n + n


def _conv_backprop_input(node):
    """2 * input elements * filter elements / (input depth * stride area), truncated
    to an int as TF does (NHWC only)."""
    _nhwc(node)
    out = _dims(_out(node))
    return int(2 * _count(_out(node)) * _count(node.inputs[1])
               / (out[-1] * _window(node, "strides")))


def _conv_backprop_filter(node):
    """2 * image elements * filter elements / (image depth * stride area) (NHWC only)."""
    _nhwc(node)
    image = _dims(node.inputs[0])
    return int(2 * _count(node.inputs[0]) * _count(_out(node))
               / (image[-1] * _window(node, "strides")))


def _add_n(node):
    """(inputs - 1) * elements; TF counts the node's control inputs as inputs too."""
    n_in = len(node.inputs) + len(node.control_inputs)
    if not node.inputs:
        return 0
    return _count(node.inputs[0]) * (n_in - 1)


def _matmul(node):
    """2 * k * output elements (k: a's inner dim; batched too)."""
    a = _dims(node.inputs[0])
    k = a[-2] if node.attrs.get("transpose_a") or node.attrs.get("adjoint_a") else a[-1]
    return k * _count(_out(node)) * 2


def _conv2d(node):
    """2 * output elements * filter height * width * input depth."""
    f = _dims(node.inputs[1])
    _dims(node.inputs[0])
    return _count(_out(node)) * f[2] * f[0] * f[1] * 2


def _conv3d(node):
    """2 * output elements * filter depth * height * width * input depth."""
    f = _dims(node.inputs[1])
    _dims(node.inputs[0])
    return _count(_out(node)) * f[3] * f[0] * f[1] * f[2] * 2


def _depthwise(node):
    """2 * output elements * filter height * width (also Dilation2D)."""
    f = _dims(node.inputs[1])
    _dims(node.inputs[0])
    return _count(_out(node)) * f[0] * f[1] * 2


def _bias_add(node):
    """One add per element of the input."""
    return _count(node.inputs[0])


RULES = {}      # op type -> rule(node) -> FLOPs (raises _Unknown)
for _name in ("Reciprocal", "Square", "Log", "Neg"):
    RULES[_name] = _unary(1)
RULES.update(Rsqrt=_unary(2), Softmax=_unary(5), L2Loss=_l2_loss,
             Assign=_assign, AssignAdd=_unary(1), AssignSub=_unary(1))
for _name in ("Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "Pow",
              "GreaterEqual", "Greater", "LessEqual", "Less", "Equal", "NotEqual"):
    RULES[_name] = _binary(1)
RULES.update(RsqrtGrad=_binary(4), SquaredDifference=_binary(2))
RULES.update(Mean=_reduction(1, 1), Sum=_reduction(1, 0), ArgMax=_reduction(1, 0),
             ArgMin=_reduction(1, 0), BiasAddGrad=_reduction(1, 0),
             # graphc's gradient of a broadcast (TF: Sum + Reshape; BiasAdd's: BiasAddGrad)
             SumTo=_reduction(1, 0))
RULES.update(AvgPool=_pool, MaxPool=_pool, AvgPoolGrad=_avg_pool_grad,
             MaxPoolGrad=_max_pool_grad, Conv2DBackpropInput=_conv_backprop_input,
             Conv2DBackpropFilter=_conv_backprop_filter)
RULES.update(AddN=_add_n, MatMul=_matmul, BatchMatMul=_matmul, BatchMatMulV2=_matmul,
             BatchMatMulV3=_matmul, Conv2D=_conv2d, Conv3D=_conv3d,
             DepthwiseConv2dNative=_depthwise, Dilation2D=_depthwise, BiasAdd=_bias_add)


def float_ops(node):
    """The FLOPs TF's rule for node's op type counts; 0 for op types without a rule;
    None when the rule needs a shape that is not fully known (TF counts those 0).

        x = gc.placeholder(gc.float32, (8, 3))
        y = gc.matmul(x, gc.ones((3, 5)))
        gc.profiler_flops.float_ops(y.op)        # 2 * 8 * 5 * 3 = 240
    """
    rule = RULES.get(node.type)
    if rule is None:
        return 0
    try:
        return int(rule(node))
    except _Unknown:
        return None


def _trace(entry, node, strings):
    """Fill entry.code_def with node's creation site (graphc keeps one frame)."""
    filename, lineno = node.site
    line = linecache.getline(filename, lineno).strip() if lineno else ""
    trace = entry.code_def.traces.add()
    trace.file_id = _str_id(filename, strings) if filename else 0
    trace.lineno = lineno if lineno else -1
    trace.line_id = _str_id(line, strings) if line else 0
    trace.func_start_line = -1


def _str_id(s, strings):
    return strings.setdefault(s, len(strings))


def logged_ops(graph, run_meta=None, add_trace=True, add_trainable_var=True):
    """({node name: OpLogEntry}, {string: id}): the FLOPs of each node that has some,
    the trainable variables' extra type and (add_trace) the creation sites. Says on
    stderr how many nodes had no FLOP count for want of shapes (without run_meta)."""
    entries, strings, missing = {}, {"none": 0}, 0
    for node in graph.get_operations():
        flops = float_ops(node)
        if flops is None:
            missing += 1
            flops = 0
        if not (flops or add_trace):
            continue
        entry = entries[node.name] = OpLogEntry(name=node.name)
        if flops:
            entry.float_ops = flops
        if add_trace:
            _trace(entry, node, strings)
    if add_trainable_var:
        for v in graph.get_collection("trainable_variables"):
            op = getattr(v, "op", None)
            if not isinstance(op, Node):
                continue
            entry = entries.get(op.name)
            if entry is None:
                entry = entries[op.name] = OpLogEntry(name=op.name)
            entry.types.append(TRAINABLE_VARIABLES)
    if missing and not run_meta:
        sys.stderr.write(f"{missing} ops no flops stats due to incomplete shapes.\n")
    return entries, strings


def merge_default_with_oplog(graph, op_log=None, run_meta=None, add_trace=True,
                             add_trainable_var=True):
    """The OpLogProto profile() works from: graphc's own entries (FLOPs, trainable
    variables, sites) merged into the user's `op_log` (its types are kept and added to;
    its float_ops win when set).

        log = merge_default_with_oplog(gc.get_default_graph(), add_trace=False)
        {e.name: e.float_ops for e in log.log_entries}
    """
    out = OpLogProto()
    if graph is None:
        return out
    entries, strings = logged_ops(graph, run_meta, add_trace, add_trainable_var)
    if op_log is not None and op_log.log_entries:
        merged = {}
        for e in op_log.log_entries:
            merged[e.name] = OpLogEntry()
            merged[e.name].CopyFrom(e)
        for name, entry in entries.items():
            mine = merged.get(name)
            if mine is None:
                merged[name] = entry
                continue
            mine.types.extend(entry.types)
            if entry.float_ops > 0 and mine.float_ops == 0:
                mine.float_ops = entry.float_ops
            if entry.code_def.traces and not mine.code_def.traces:
                mine.code_def.MergeFrom(entry.code_def)
        entries = merged
    out.log_entries.extend(entries.values())
    for s, i in strings.items():
        out.id_to_string[i] = s
    return out
