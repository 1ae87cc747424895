"""tf.summary's TF1 leftovers: all_v2_summary_ops, initialize, get_summary_description,
and the SummaryDescription and TaggedRunMetadata messages (wire format by hand, as in
graphc/io/summary_protos.py).

graphc has no V2 (tf.contrib.summary) writers, so the V2 summary collection stays empty
unless code adds to it, and initialize() fails as TF1 does with no default V2 writer.

    gc.summary.all_v2_summary_ops()                       # [] in a graph
    gc.summary.TaggedRunMetadata(tag="step1", run_metadata=b"...").SerializeToString()
"""
import json

from .io.events import LEN, Message, TaggedRunMetadata, _parse, _repr, _same, _string, _utf8
from .ops.graphkeys import get_collection

__all__ = ["all_v2_summary_ops", "initialize", "get_summary_description",
           "SummaryDescription", "TaggedRunMetadata"]

V2_SUMMARY_COLLECTION = "_SUMMARY_V2"       # TF1's GraphKeys._SUMMARY_COLLECTION


def all_v2_summary_ops():
    """The V2-style summary ops of the default graph (TF1: the "_SUMMARY_V2"
    collection; TF1 summary ops are not in it). graphc always builds graphs, so this is
    never None (TF1 gives None only under eager execution).

        gc.summary.all_v2_summary_ops()     # []
    """
    return get_collection(V2_SUMMARY_COLLECTION)


def initialize(graph=None, session=None):
    """TF1's set-up of the default V2 summary writer: runs its initializers in
    `session` and writes `graph`. graphc has no V2 summary writers, so there is never a
    default one and this raises TF1's RuntimeError.

        gc.summary.initialize()     # RuntimeError: No default ... SummaryWriter found
    """
    raise RuntimeError("No default tf.contrib.summary.SummaryWriter found")


class SummaryDescription(Message):
    """tensorflow.SummaryDescription: a hint of what a TensorSummary holds.

        d = gc.summary.SummaryDescription(type_hint="image")
        gc.summary.SummaryDescription.FromString(d.SerializeToString()) == d   # True
    """
    __slots__ = ("type_hint",)

    def __init__(self, type_hint=""):
        self.type_hint = type_hint

    def SerializeToString(self):
        return _string(1, self.type_hint)

    def ParseFromString(self, data):
        self.type_hint = ""
        _parse(self, data, {1: ("type_hint", (LEN,), _utf8)})
        return len(data)

    __eq__, __repr__ = _same, _repr


def _op_type(node_def):
    op = node_def.op
    return op if isinstance(op, str) else op.name      # a NodeDef, or a graphc Node


def get_summary_description(node_def):
    """The SummaryDescription stored (as JSON, in its "description" attr) in the node
    of a legacy TensorSummary op (TF1). Any other op is a ValueError; graphc's
    tensor_summary builds TensorSummaryV2 (as TF1's does), so this accepts only such a
    node from elsewhere: an object with .op "TensorSummary" and .attr["description"].

        gc.summary.get_summary_description(node)   # ValueError unless TensorSummary
    """
    op = _op_type(node_def)
    if op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {op}")
    attrs = node_def.attr if hasattr(node_def, "attr") else node_def.attrs
    raw = attrs["description"]
    raw = getattr(raw, "s", raw)
    text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    fields = json.loads(text) if text.strip() else {}
    if not isinstance(fields, dict):
        raise ValueError(f"Failed to load JSON: a SummaryDescription must be an object, "
                         f"got {text!r}")
    out = SummaryDescription()
    for key, value in fields.items():
        if key not in ("typeHint", "type_hint"):
            raise ValueError(f'Message type "tensorflow.SummaryDescription" has no field '
                             f'named "{key}".')
        out.type_hint = value
    return out
