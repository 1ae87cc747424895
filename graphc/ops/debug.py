"""Debugging ops (TF1): check_numerics, add_check_numerics_ops, Print and print.

check_numerics is a pure identity that fails when its value holds NaN or Inf; the
executable re-raises the failure as an ExecutionError naming the node and the line
that built it. Print and print are stateful (never folded, merged or reordered
across other effects): they write when they run, to stderr by default, in TF's
formats (summarize_v1 / summarize_v2 reproduce Tensor::SummarizeValue).
"""
import pprint
import sys

import numpy as np

from ..graph import Tensor, get_default_graph
from .core import convert_to_tensor, group, identity
from .registry import OpDef, apply, apply1, register

__all__ = ["check_numerics", "verify_tensor_all_finite", "add_check_numerics_ops", "Print",
           "print_v2"]


# ---- TF's value summaries -----------------------------------------------------------------
def _element(v):
    """One value as TF's StrCat writes it: %g with 6 (float32) or 15 (float64) digits,
    9 or 17 where fewer do not read back; bool as 1/0; float16 as float32; a complex
    value as '?' (TF's summaries do not format complex)."""
    if isinstance(v, np.complexfloating):
        return "?"
    if isinstance(v, np.floating):
        if v.dtype == np.float64:
            s = "%.15g" % v
            return s if np.isnan(v) or float(s) == v else "%.17g" % v
        v = np.float32(v)
        s = "%.6g" % v
        return s if np.isnan(v) or np.float32(s) == v else "%.9g" % v
    if isinstance(v, bytes):                # a string element, as its text
        return v.decode("utf-8", "replace")
    return str(int(v))


def _limit(a, summarize):
    return a.size if summarize < 0 else min(summarize, a.size)


def _scalar(a, limit):
    return " ".join(_element(v) for v in a.reshape(-1)[:limit]) + \
        ("..." if a.size > limit else "")


def summarize_v1(a, summarize=3):
    """Tensor::SummarizeValue (tf.Print, tf.Assert): the first `summarize` values in
    row-major order, nested in brackets per dim: [[1 2][3...]]... for summarize=3."""
    a = np.asarray(a)
    limit = _limit(a, summarize)
    if a.ndim == 0:
        return _scalar(a, limit)
    flat, pos, out = a.reshape(-1), [0], []

    def dim(d):
        if pos[0] >= limit:
            return
        if d == a.ndim - 1:
            for i in range(a.shape[d]):
                if pos[0] >= limit:
                    if d != 0:
                        out.append("...")
                    return
                out.append((" " if i else "") + _element(flat[pos[0]]))
                pos[0] += 1
            return
        for _ in range(a.shape[d]):
            opened = pos[0] < limit
            if opened:
                out.append("[")
            dim(d + 1)          # depth is the rank, not the size: bounded
            if pos[0] < limit or opened:
                out.append("]")
    dim(0)
    return "".join(out) + ("..." if a.size > limit else "")


def _spacing(d, nd):
    return " " if d == nd - 1 else "\n" * (nd - d - 1) + " " * (d + 1)


def summarize_v2(a, summarize=3):
    """SummarizeValue(print_v2=True) (tf.print): the first and last `summarize` values
    of each dim, numpy style: [0 1 2 ... 7 8 9]; -1 prints everything."""
    a = np.asarray(a)
    ends = _limit(a, summarize)
    if a.ndim == 0:
        return _scalar(a, ends)
    flat, nd, out = a.reshape(-1), a.ndim, []

    def dim(d, start):
        if d == nd:
            out.append(_element(flat[start]))
            return
        count, per = a.shape[d], int(np.prod(a.shape[d + 1:]))
        out.append("[")
        for i in range(min(ends, count)):
            if i:
                out.append(_spacing(d, nd))
            dim(d + 1, start + per * i)
        if count > 2 * ends:
            out.append(_spacing(d, nd) + "...")
        for i in range(max(ends, count - ends), count):
            out.append(_spacing(d, nd))
            dim(d + 1, start + per * i)
        out.append("]")
    dim(0, 0)
    return "".join(out)


def render(parts, arrays, summarize, summary=summarize_v1):
    """The texts of parts: a str is itself, None the summary of the next array."""
    it = iter(arrays)
    return [p if p is not None else summary(next(it), summarize) for p in parts]


def data_parts(data):
    """(parts, tensors) of a data list: strings stay text, the rest become tensors."""
    parts, tensors = [], []
    for d in data:
        if isinstance(d, str):
            parts.append(d)
        else:
            parts.append(None)
            tensors.append(convert_to_tensor(d))
    return tuple(parts), tensors


# ---- check_numerics -----------------------------------------------------------------------
def _infer_check(ctx, x, *, message):
    ctx.require(0, "float")
    return x.shape, x.dtype


def _check_kernel(x, *, message):
    if not np.isfinite(x).all():
        nan, inf = bool(np.isnan(x).any()), bool(np.isinf(x).any())
        what = "Inf and NaN" if nan and inf else "Inf" if inf else "NaN"
        raise FloatingPointError(f"{message} : Tensor had {what} values")
    return x


def _grad_message(message):
    return ("Not a number (NaN) or infinity (Inf) values detected in gradient. "
            + message)


CHECK_NUMERICS = register(OpDef(
    "CheckNumerics", _infer_check, _check_kernel,
    vjp=lambda node, gs: [check_numerics(gs[0], _grad_message(node.attrs["message"]))],
    jvp=lambda node, ts: ts[0],
    batch=lambda node, args, batched: [check_numerics(args[0], node.attrs["message"])],
    api="check_numerics", signature="check_numerics(tensor, message, name=None)",
    shape_rule="same as tensor", dtypes="float",
    doc="tensor, or a run-time error naming message if it holds NaN or Inf (the "
        "gradient is checked too)."))


def check_numerics(tensor, message, name=None):
    """tensor itself, checked when it runs: NaN or Inf values raise an ExecutionError
    that names `message`, this node and where it was built.

        logits = gc.check_numerics(logits, "logits")
    Its gradient is checked the same way (TF1: "... detected in gradient. message")."""
    return apply1(CHECK_NUMERICS, (convert_to_tensor(tensor),), name=name,
                  message=str(message))


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """t, available only after check_numerics(t, msg) has passed (TF1; x and message are
    TF1's later names for t and msg).

        logits = gc.verify_tensor_all_finite(logits, "logits")"""
    t = x if t is None else t
    msg = message if msg is None else msg
    t = convert_to_tensor(t)
    with t.graph.control_dependencies([check_numerics(t, msg)]):
        return identity(t, name=name or "verify_tensor_all_finite")


def add_check_numerics_ops():
    """One op that checks every float output in the default graph (TF1).

        check = gc.add_check_numerics_ops()
        sess.run([train_op, check], feed)
    Like TF1, running it computes every such output, so feeds for every placeholder
    they need must be given. Outputs of stateful ops (variables, assignments, Print)
    are left out: TF1 leaves out its ref-typed outputs, which are those."""
    graph = get_default_graph()
    checks = []
    for node in list(graph.nodes):
        if node.op.stateful:
            continue
        for t in node.outputs:
            if t.dtype.is_floating:
                with graph.control_dependencies(checks):
                    checks = [check_numerics(t, f"{node.name}:{t.index}")]
    return group(*checks)


# ---- Print and print ---------------------------------------------------------------------
def _infer_print(ctx, x, *data, message, first_n, summarize, parts):
    return x.shape, x.dtype


def _print_kernel(rt, x, *data, message, first_n, summarize, parts):
    if rt.session._quiet:               # a derivative replaying a loop body or branch
        return x
    if first_n >= 0:
        # per (session, node), as TF1's stateful kernel counts per session
        counts = rt.session._op_state
        n = counts.get(rt.node, 0)
        if n >= first_n:
            return x
        counts[rt.node] = n + 1
    texts = render(parts, data, summarize)
    sys.stderr.write(message + "".join(f"[{s}]" for s in texts) + "\n")
    sys.stderr.flush()
    return x


PRINT = register(OpDef(
    "Print", _infer_print, _print_kernel,
    vjp=lambda node, gs: [gs[0]] + [None] * (len(node.inputs) - 1),
    jvp=lambda node, ts: ts[0], stateful=True, uses_state=True, api="Print",
    signature="Print(input_, data, message=None, first_n=None, summarize=None, name=None)",
    shape_rule="same as input_", dtypes="any",
    doc="input_; writes message and [summary] of each of data to stderr when run."))


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):
    """input_, printing `data` to stderr whenever this value is computed (TF1 tf.Print).

        h = gc.Print(h, [gc.reduce_mean(h), step], "mean, step: ")
    Writes message + "[v1][v2]..." with up to `summarize` (3) values of each; first_n
    limits the lines per session. Use the result in place of input_, or nothing prints."""
    x = convert_to_tensor(input_)
    parts, tensors = data_parts(data)
    return apply1(PRINT, (x, *tensors), name=name, message=message or "",
                  first_n=-1 if first_n is None else int(first_n),
                  summarize=3 if summarize is None else int(summarize), parts=parts)


def _print_v2_kernel(rt, *arrays, parts, summarize, output_stream, end):
    if rt.session._quiet:               # a derivative replaying a loop body or branch
        return ()
    text = "".join(render(parts, arrays, summarize, summarize_v2)) + end
    if output_stream.startswith("file://"):
        with open(output_stream[len("file://"):], "a") as f:
            f.write(text)
        return ()
    if output_stream.startswith("log:"):
        from .. import logging as tf_logging
        getattr(tf_logging, output_stream[4:])(text.rstrip("\n"))
        return ()
    stream = sys.stdout if output_stream == "stdout" else sys.stderr
    stream.write(text)
    stream.flush()
    return ()


PRINT_V2 = register(OpDef(
    "PrintV2", lambda ctx, *xs, **attrs: [], _print_v2_kernel, stateful=True,
    uses_state=True, differentiable=False, api="print",
    signature="print(*inputs, output_stream=sys.stderr, summarize=3, sep=' ', end='\\n', "
              "name=None)",
    shape_rule="no outputs", dtypes="any",
    doc="An op that writes its inputs, numpy style, when it runs (TF's tf.print)."))

_PLACEHOLDER = "\x00graphc-tensor\x00"


class _Text(str):
    """Text that pformat writes as it is (a SparseTensor's template)."""
    def __repr__(self):
        return str(self)


def _template(x, tensors):
    """The text of one input of print, each tensor in it a placeholder (TF pformats
    lists, tuples and dicts, with the tensors unquoted). An IndexedSlices prints dense
    and a SparseTensor as 'SparseTensor(indices=.., values=.., shape=..)', as TF's."""
    from ..indexed_slices import IndexedSlices
    from ..sparse_tensor import SparseTensor
    if isinstance(x, str):
        return x

    def swap(v):
        if isinstance(v, IndexedSlices):
            v = convert_to_tensor(v)
        if isinstance(v, Tensor):
            tensors.append(v)
            return _PLACEHOLDER
        if isinstance(v, SparseTensor):
            tensors.extend([v.indices, v.values, v.dense_shape])
            return _Text("'SparseTensor(indices={0}, values={0}, shape={0})'".format(
                _PLACEHOLDER))
        if isinstance(v, dict):
            return {k: swap(v[k]) for k in sorted(v)}
        if isinstance(v, (list, tuple)):
            return type(v)(swap(e) for e in v)
        return v
    v = swap(x)
    if isinstance(v, str):
        return v
    return pprint.pformat(v).replace(repr(_PLACEHOLDER), _PLACEHOLDER)


def print_v2(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """An op that prints `inputs` when run (tf.print): run it, or make others wait for
    it with control_dependencies, or it never prints.

        p = gc.print("step", step, "loss", loss)
        with gc.control_dependencies([p]):
            train = opt.minimize(loss)
    Tensors print numpy style with the first and last `summarize` values of each dim
    (-1: all); strings as they are; lists and dicts as pprint writes them.
    output_stream is sys.stderr (default), sys.stdout, a string "file://<path>" (the
    text is appended to that file), or gc.logging.info / warning / error (TF's choices).
    """
    from .. import logging as tf_logging
    logs = {getattr(tf_logging, k): k for k in ("info", "warning", "error")}
    if output_stream is None or output_stream is sys.stderr:
        stream = "stderr"
    elif output_stream is sys.stdout:
        stream = "stdout"
    elif isinstance(output_stream, str) and output_stream.startswith("file://"):
        stream = output_stream
    elif callable(output_stream) and output_stream in logs:
        stream = "log:" + logs[output_stream]
    else:
        raise ValueError(f"print: unsupported output stream {output_stream!r}; graphc "
                         "supports sys.stdout, sys.stderr, 'file://<path>' and "
                         "gc.logging.info / warning / error")
    tensors = []
    text = sep.join(_template(x, tensors) for x in inputs)
    pieces = text.split(_PLACEHOLDER)
    parts = [pieces[0]]
    for p in pieces[1:]:
        parts += [None, p]
    tensors = [convert_to_tensor(t) for t in tensors]
    return apply(PRINT_V2, tensors, name=name or "PrintV2", parts=tuple(parts),
                 summarize=3 if summarize is None else int(summarize),
                 output_stream=stream, end=str(end))
