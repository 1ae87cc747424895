"""TensorFlow's FunctionDef (function.proto), read from the bytes tf_graphdef.py keeps:
the functions of a GraphDef's library that If/While/Case nodes and PartitionedCall
call (tf_graphdef_function.py imports them).

    FunctionDef {OpDef signature = 1; repeated NodeDef node_def = 3;
                 map<string, string> ret = 4; map<string, AttrValue> attr = 5;
                 map<string, string> control_ret = 6; arg_attr = 7; ... = 8}
    OpDef       {string name = 1; repeated ArgDef input_arg = 2, output_arg = 3;
                 repeated AttrDef attr = 4; bool is_stateful = 17;
                 repeated string control_output = 20; ...}
    ArgDef      {string name = 1, description = 2; DataType type = 3;
                 string type_attr = 4, number_attr = 5, type_list_attr = 6;
                 bool is_ref = 16; ...}

    fn = parse_function_def(graph_def.library.function[0])
    fn.name, [a.name for a in fn.input_arg], fn.ret      # 'f', ['x'], {'y': 'mul:z:0'}

In a body, a node's input is an input arg ("x"), an output of another node
("mul:z:0": node, output arg name, index within that arg) or a control input ("^mul");
output_index turns the output arg name and index into graphc's output position.
"""
from .tf_graphdef import NodeDef
from .tf_graphdef_attr import _attr_map_bytes, _read_attr_entry
from .wire import LEN, VARINT, _bytes, _fields, _int, _string, _utf8

__all__ = ["ArgDef", "Signature", "Function", "parse_function_def", "output_index",
           "OUTPUT_ARGS"]

# TF's output arg names of the ops with several output args (each a single tensor)
OUTPUT_ARGS = {
    "TopKV2": ("values", "indices"),
    "FusedBatchNorm": ("y", "batch_mean", "batch_variance", "reserve_space_1",
                       "reserve_space_2"),
    "FusedBatchNormV2": ("y", "batch_mean", "batch_variance", "reserve_space_1",
                         "reserve_space_2"),
    "FusedBatchNormV3": ("y", "batch_mean", "batch_variance", "reserve_space_1",
                         "reserve_space_2", "reserve_space_3"),
    "FusedBatchNormGrad": ("x_backprop", "scale_backprop", "offset_backprop",
                           "reserve_space_3", "reserve_space_4"),
    "FusedBatchNormGradV3": ("x_backprop", "scale_backprop", "offset_backprop",
                             "reserve_space_4", "reserve_space_5"),
    "SoftmaxCrossEntropyWithLogits": ("loss", "backprop"),
    "SparseSoftmaxCrossEntropyWithLogits": ("loss", "backprop"),
    "BroadcastGradientArgs": ("r0", "r1"),
    "Unique": ("y", "idx"),
    "UniqueWithCounts": ("y", "idx", "count"),
    "ListDiff": ("out", "idx"),
    "LogMatrixDeterminant": ("sign", "log_abs_determinant"),
    "MaxPoolWithArgmax": ("output", "argmax"),
    "Qr": ("q", "r"),
    "Svd": ("s", "u", "v"),
    "SelfAdjointEigV2": ("e", "v"),
    "Lu": ("lu", "p"),
}


class ArgDef:
    """One input or output arg of a signature: a fixed `type` (a DataType number, 0 if
    none) or the attr names that give its type or count."""
    __slots__ = ("name", "type", "type_attr", "number_attr", "type_list_attr", "is_ref")

    def __init__(self, name="", type=0, type_attr="", number_attr="",  # noqa: A002
                 type_list_attr="", is_ref=False):
        self.name, self.type, self.type_attr = name, type, type_attr
        self.number_attr, self.type_list_attr, self.is_ref = number_attr, type_list_attr, is_ref

    def __repr__(self):
        return f"ArgDef({self.name!r}, type={self.type})"


class Signature:
    """A FunctionDef's signature (an OpDef): name, input_arg, output_arg, the names of
    its attrs, control_output, is_stateful."""
    __slots__ = ("name", "input_arg", "output_arg", "attr", "control_output", "is_stateful")

    def __init__(self):
        self.name, self.input_arg, self.output_arg = "", [], []
        self.attr, self.control_output, self.is_stateful = [], [], False


class Function:
    """A parsed FunctionDef: signature, node_def (NodeDefs), ret (output arg name ->
    "node:out:idx" or an input arg name), control_ret (name -> node), attr."""
    __slots__ = ("signature", "node_def", "ret", "control_ret", "attr")

    def __init__(self):
        self.signature, self.node_def = Signature(), []
        self.ret, self.control_ret, self.attr = {}, {}, {}

    @property
    def name(self):
        return self.signature.name

    def SerializeToString(self):
        """The FunctionDef's bytes (arg_attr and the signature's AttrDef details are
        not kept)."""
        def arg(a):
            return (_string(1, a.name) + _int(3, a.type) + _string(4, a.type_attr)
                    + _string(5, a.number_attr) + _string(6, a.type_list_attr)
                    + _int(16, a.is_ref))

        def entries(field, m):
            return b"".join(_bytes(field, _string(1, k) + _string(2, m[k])) for k in sorted(m))
        sig = self.signature
        sig_bytes = (_string(1, sig.name)
                     + b"".join(_bytes(2, arg(a)) for a in sig.input_arg)
                     + b"".join(_bytes(3, arg(a)) for a in sig.output_arg)
                     + b"".join(_bytes(4, _string(1, a)) for a in sig.attr)
                     + _int(17, sig.is_stateful)
                     + b"".join(_string(20, c) for c in sig.control_output))
        return (_bytes(1, sig_bytes)
                + b"".join(_bytes(3, nd.SerializeToString()) for nd in self.node_def)
                + entries(4, self.ret) + _attr_map_bytes(5, self.attr)
                + entries(6, self.control_ret))

    @property
    def input_arg(self):
        return self.signature.input_arg

    @property
    def output_arg(self):
        return self.signature.output_arg


def _arg_def(data):
    arg = ArgDef()
    for f, w, v, _ in _fields(data):
        if w == LEN and f in (1, 4, 5, 6):
            setattr(arg, {1: "name", 4: "type_attr", 5: "number_attr",
                          6: "type_list_attr"}[f], _utf8(v))
        elif f == 3 and w == VARINT:
            arg.type = v
        elif f == 16 and w == VARINT:
            arg.is_ref = bool(v)
    return arg


def _signature(data):
    sig = Signature()
    for f, w, v, _ in _fields(data):
        if f == 1 and w == LEN:
            sig.name = _utf8(v)
        elif f in (2, 3) and w == LEN:
            (sig.input_arg if f == 2 else sig.output_arg).append(_arg_def(v))
        elif f == 4 and w == LEN:            # AttrDef: only its name (field 1) is used
            sig.attr.append(next((_utf8(vv) for ff, ww, vv, _ in _fields(v)
                                  if ff == 1 and ww == LEN), ""))
        elif f == 17 and w == VARINT:
            sig.is_stateful = bool(v)
        elif f == 20 and w == LEN:
            sig.control_output.append(_utf8(v))
    return sig


def _string_entry(data):
    key = value = ""
    for f, w, v, _ in _fields(data):
        if f == 1 and w == LEN:
            key = _utf8(v)
        elif f == 2 and w == LEN:
            value = _utf8(v)
    return key, value


def parse_function_def(fdef):
    """The Function a FunctionDef (graphc's, TF's, or its bytes) holds."""
    data = fdef if isinstance(fdef, (bytes, bytearray)) else fdef.SerializeToString()
    fn = Function()
    for f, w, v, _ in _fields(data):
        if w != LEN:
            continue
        if f == 1:
            fn.signature = _signature(v)
        elif f == 3:
            fn.node_def.append(NodeDef.FromString(v))
        elif f in (4, 6):
            key, value = _string_entry(v)
            (fn.ret if f == 4 else fn.control_ret)[key] = value
        elif f == 5:
            _read_attr_entry(fn.attr, v)
    return fn


def output_index(op, spec, arg, index):
    """graphc's output position of output `index` of output arg `arg` of an `op` node
    whose import table gives output types `spec`; None where graphc does not know the
    op's output arg names."""
    if len(spec) == 1:                 # one output arg (a tensor or a list): by index
        return index
    names = OUTPUT_ARGS.get(op) or _single_output_args(op)
    if names is None or arg not in names or index != 0:
        return None
    return names.index(arg)


def _single_output_args(op):
    """TF's output arg names of `op` from its registry's signature (tf_raw_op_defs.py)
    where each is a single tensor (StringSplitV2's indices, values, shape); else None."""
    from .tf_raw_op_defs import RAW_OP_DEFS
    entry = RAW_OP_DEFS.get(op)
    if entry is None:
        return None
    args = [a.split(":", 1) for a in entry[2].split()]
    if any("*" in kind or kind.startswith("[") for _, kind in args):
        return None
    return tuple(name for name, _ in args)
