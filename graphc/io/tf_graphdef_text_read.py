"""Reading a TF GraphDef in protobuf's text format (the `.pbtxt` TF1's
`tf.io.write_graph(..., as_text=True)` writes by default): the text is parsed against
the GraphDef schema below and re-encoded as the protobuf wire format, which gc.GraphDef
reads (the writer is tf_graphdef_text.py). A SavedModel's saved_model.pbtxt is read the
same way (its schema below holds the GraphDef's).

    gd = gc.io.tf_graphdef_text_read.parse_graph_def_text(open("graph.pbtxt").read())
    gc.import_graph_def("graph.pbtxt")          # the same, from a path

Fields the schema does not know are an error naming them (never dropped silently).
"""
import re
import struct

from .tf_graphdef import GraphDef
from .tf_graphdef_text import _DT_NAMES
from .wire import _bytes, _key, _varint

__all__ = ["parse_graph_def_text", "looks_like_graph_def_text", "saved_model_text_wire"]

_DT = {v: k for k, v in _DT_NAMES.items()}
_DT.update({"DT_RESOURCE": 20, "DT_VARIANT": 21, "DT_BFLOAT16": 14, "DT_QINT8": 11,
            "DT_QUINT8": 12, "DT_QINT32": 13, "DT_QINT16": 15, "DT_QUINT16": 16})
_DT.update({k + "_REF": v + 100 for k, v in list(_DT.items())})

# message: {field name: (number, kind, message schema for "msg")}; kinds: str, bytes,
# int (varint, signed 64), uint, bool, enum (DataType), float (fixed32), double, msg, map,
# skip (a message read past: a node's experimental_type)
_DIM = {"size": (1, "int"), "name": (2, "str")}
_SHAPE = {"dim": (2, "msg", _DIM), "unknown_rank": (3, "bool")}
_TENSOR = {"dtype": (1, "enum"), "tensor_shape": (2, "msg", _SHAPE),
           "version_number": (3, "int"), "tensor_content": (4, "bytes"),
           "float_val": (5, "float"), "double_val": (6, "double"), "int_val": (7, "int"),
           "string_val": (8, "bytes"), "scomplex_val": (9, "float"),
           "int64_val": (10, "int"), "bool_val": (11, "bool"),
           "dcomplex_val": (12, "double"), "half_val": (13, "int"),
           "resource_handle_val": (14, "bytes"), "uint32_val": (16, "uint"),
           "uint64_val": (17, "uint")}
_ATTR = {}
_NAME_ATTR_LIST = {"name": (1, "str"), "attr": (2, "map", _ATTR)}
_LIST = {"s": (2, "bytes"), "i": (3, "int"), "f": (4, "float"), "b": (5, "bool"),
         "type": (6, "enum"), "shape": (7, "msg", _SHAPE), "tensor": (8, "msg", _TENSOR),
         "func": (9, "msg", _NAME_ATTR_LIST)}
_ATTR.update({"list": (1, "msg", _LIST), "s": (2, "bytes"), "i": (3, "int"),
              "f": (4, "float"), "b": (5, "bool"), "type": (6, "enum"),
              "shape": (7, "msg", _SHAPE), "tensor": (8, "msg", _TENSOR),
              "placeholder": (9, "str"), "func": (10, "msg", _NAME_ATTR_LIST)})
_NODE = {"name": (1, "str"), "op": (2, "str"), "input": (3, "str"), "device": (4, "str"),
         "attr": (5, "map", _ATTR), "experimental_type": (7, "skip")}
_VERSIONS = {"producer": (1, "int"), "min_consumer": (2, "int"),
             "bad_consumers": (3, "int")}
_ARG = {"name": (1, "str"), "description": (2, "str"), "type": (3, "enum"),
        "type_attr": (4, "str"), "number_attr": (5, "str"), "type_list_attr": (6, "str"),
        "is_ref": (16, "bool")}
_ATTR_DEF = {"name": (1, "str"), "type": (2, "str"), "default_value": (3, "msg", _ATTR),
             "description": (4, "str"), "has_minimum": (5, "bool"), "minimum": (6, "int"),
             "allowed_values": (7, "msg", _ATTR)}
_OP_DEF = {"name": (1, "str"), "input_arg": (2, "msg", _ARG), "output_arg": (3, "msg", _ARG),
           "attr": (4, "msg", _ATTR_DEF), "summary": (5, "str"), "description": (6, "str"),
           "is_aggregate": (16, "bool"), "is_stateful": (17, "bool"),
           "is_commutative": (18, "bool"), "allows_uninitialized_input": (19, "bool"),
           "control_output": (20, "str")}
_FUNCTION = {"signature": (1, "msg", _OP_DEF), "node_def": (3, "msg", _NODE),
             "ret": (4, "map", "str"), "attr": (5, "map", _ATTR),
             "control_ret": (6, "map", "str"),
             "arg_attr": (7, "map", {"attr": (1, "map", _ATTR)}, "uint"),
             "resource_arg_unique_id": (8, "map", "uint", "uint")}
_LIBRARY = {"function": (1, "msg", _FUNCTION),
            "gradient": (2, "msg", {"function_name": (1, "str"), "gradient_func": (2, "str")})}
_GRAPH = {"node": (1, "msg", _NODE), "versions": (4, "msg", _VERSIONS),
          "version": (3, "int"), "library": (2, "msg", _LIBRARY)}

# TF1's SavedModel (saved_model.pbtxt): MetaGraphDefs holding the GraphDef above
_TENSOR_INFO = {"name": (1, "str"), "dtype": (2, "enum"), "tensor_shape": (3, "msg", _SHAPE),
                "coo_sparse": (4, "msg", {"values_tensor_name": (1, "str"),
                                          "indices_tensor_name": (2, "str"),
                                          "dense_shape_tensor_name": (3, "str")})}
_SIGNATURE = {"inputs": (1, "map", _TENSOR_INFO), "outputs": (2, "map", _TENSOR_INFO),
              "method_name": (3, "str")}
_COLLECTION = {"node_list": (1, "msg", {"value": (1, "str")}),
               "bytes_list": (2, "msg", {"value": (1, "bytes")}),
               "int64_list": (3, "msg", {"value": (1, "int")}),
               "float_list": (4, "msg", {"value": (1, "float")}),
               "any_list": (5, "msg", {"value": (1, "msg", {"type_url": (1, "str"),
                                                            "value": (2, "bytes")})})}
_SAVER = {"filename_tensor_name": (1, "str"), "save_tensor_name": (2, "str"),
          "restore_op_name": (3, "str"), "max_to_keep": (4, "int"), "sharded": (5, "bool"),
          "keep_checkpoint_every_n_hours": (6, "float"), "version": (7, "enum")}
_META_INFO = {"meta_graph_version": (1, "str"),
              "stripped_op_list": (2, "msg", {"op": (1, "msg", _OP_DEF)}),
              "tags": (4, "str"), "tensorflow_version": (5, "str"),
              "tensorflow_git_version": (6, "str"), "stripped_default_attrs": (7, "bool"),
              "function_aliases": (8, "map", "str")}
_META_GRAPH = {"meta_info_def": (1, "msg", _META_INFO), "graph_def": (2, "msg", _GRAPH),
               "saver_def": (3, "msg", _SAVER), "collection_def": (4, "map", _COLLECTION),
               "signature_def": (5, "map", _SIGNATURE),
               "asset_file_def": (6, "msg", {"tensor_info": (1, "msg", _TENSOR_INFO),
                                             "filename": (2, "str")})}
_SAVED_MODEL = {"saved_model_schema_version": (1, "int"),
                "meta_graphs": (2, "msg", _META_GRAPH)}
_ENUMS = {**_DT, "LEGACY": 0, "V1": 1, "V2": 2}        # DataType, SaverDef's version

_TOKEN = re.compile(r'\s*(?:#[^\n]*\n\s*)*("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{}:<>\[\],;]'
                    r'|[^\s{}:<>\[\],;"\']+)')
_ESC = {"n": 10, "r": 13, "t": 9, '"': 34, "'": 39, "\\": 92, "a": 7, "b": 8, "f": 12,
        "v": 11, "?": 63}


def looks_like_graph_def_text(data):
    """Whether bytes `data` start like a GraphDef in text format ("node {", "versions")."""
    head = data[:256].lstrip()
    return re.match(rb"(#[^\n]*\n\s*)*(node|versions|library|version)\s*[{:<]", head) is not None


def _unquote(tok):
    body, out, i = tok[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = body[i + 1]
        if n in "01234567":
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in "01234567":
                j += 1
            out.append(int(body[i + 1:j], 8) & 255)
            i = j
        elif n == "x":
            j = i + 2
            while j < len(body) and j < i + 4 and body[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(body[i + 2:j], 16))
            i = j
        else:
            out.append(_ESC[n])
            i += 2
    return bytes(out)


class _Parser:
    def __init__(self, text):
        self.toks = _TOKEN.findall(text)
        if "".join(self.toks).replace(" ", "") == "" and text.strip():
            raise ValueError("unreadable text")
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self):
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end of the text")
        self.i += 1
        return tok

    def message(self, schema, where, end=None):
        """Wire bytes of the fields up to `end` ('}' / '>' or the text's end)."""
        out = bytearray()
        while self.peek() is not None and self.peek() != end:
            name = self.next()
            if name not in schema:
                raise ValueError(f"{where}: field '{name}' is not read by graphc's "
                                 "text-format parser")
            number, kind, *sub = schema[name]
            if self.peek() == ":":
                self.next()
            if kind == "skip":                  # a message graphc does not use
                self.skip(f"{where}.{name}")
            elif kind in ("msg", "map"):
                opener = self.next()
                close = {"{": "}", "<": ">"}.get(opener)
                if close is None:
                    raise ValueError(f"{where}.{name}: expected '{{', got '{opener}'")
                if kind == "msg":
                    body = self.message(sub[0], f"{where}.{name}", close)
                else:
                    body = self.map_entry(*sub, where=f"{where}.{name}", close=close)
                self.next()
                out += _bytes(number, bytes(body))
            elif self.peek() == "[":            # a repeated scalar in brackets
                self.next()
                while self.peek() != "]":
                    out += self.scalar(number, kind, f"{where}.{name}")
                    if self.peek() == ",":
                        self.next()
                self.next()
            else:
                out += self.scalar(number, kind, f"{where}.{name}")
            if self.peek() in (",", ";"):
                self.next()
        return out

    def skip(self, where):
        """Pass over one message (TF's full-type information of a node)."""
        opener = self.next()
        close = {"{": "}", "<": ">"}.get(opener)
        if close is None:
            raise ValueError(f"{where}: expected '{{', got '{opener}'")
        depth = 1
        while depth:
            tok = self.next()
            depth += tok in ("{", "<")
            depth -= tok in ("}", ">")

    def map_entry(self, value, key="str", *, where, close):
        """A map entry: `key` of its kind, `value` a message (a schema) or a scalar
        kind: key "..." value {...} / value "..."."""
        spec = (2, "msg", value) if isinstance(value, dict) else (2, value)
        return self.message({"key": (1, key), "value": spec}, where, close)

    def scalar(self, number, kind, where):
        tok = self.next()
        if kind in ("str", "bytes"):
            data = _unquote(tok)
            while self.peek() and self.peek()[:1] in "\"'":     # adjacent strings join
                data += _unquote(self.next())
            return _bytes(number, data)
        if kind == "enum":
            value = _ENUMS.get(tok)
            if value is None:
                value = int(tok)
            return _key(number, 0) + _varint(value)
        if kind == "bool":
            return _key(number, 0) + _varint(1 if tok in ("true", "True", "1", "t") else 0)
        if kind in ("int", "uint"):
            v = int(tok, 0)
            return _key(number, 0) + _varint(v & ((1 << 64) - 1))
        v = {"inf": "inf", "-inf": "-inf", "nan": "nan", "infinity": "inf",
             "-infinity": "-inf"}.get(tok.lower(), tok.rstrip("fF"))
        if kind == "float":
            return _key(number, 5) + struct.pack("<f", float(v))
        return _key(number, 1) + struct.pack("<d", float(v))


def _wire(text, schema, what):
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    parser = _Parser(text)
    try:
        data = parser.message(schema, what)
    except (ValueError, KeyError, IndexError) as e:
        raise ValueError(f"cannot read the {what} text: {e}") from None
    if parser.peek() is not None:
        raise ValueError(f"cannot read the {what} text: unexpected '{parser.peek()}'")
    return bytes(data)


def parse_graph_def_text(text):
    """A gc.GraphDef from its protobuf text format (str or bytes)."""
    return GraphDef.FromString(_wire(text, _GRAPH, "GraphDef"))


def saved_model_text_wire(text):
    """The wire bytes of a SavedModel (saved_model.pbtxt's text, str or bytes), as
    saved_model.pb would hold them. TF 2's object graphs are not read (ValueError)."""
    return _wire(text, _SAVED_MODEL, "SavedModel")
