"""TF GraphDefs in protobuf's text format (.pbtxt: tf.io.write_graph's default) import:
gc.import_graph_def(path) reads them, parse_graph_def_text gives the GraphDef (the same
bytes as the binary one). TF's own .pbtxt files: test_tf_parity_tf_graphdef_text.py.
No TensorFlow needed."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef_text import graph_def_text
from graphc.io.tf_graphdef_text_read import parse_graph_def_text

TEXT = r"""# a hand-written GraphDef, as protobuf's text format allows it
node {
  name: "x"
  op: "Placeholder"
  attr { key: "dtype" value { type: DT_FLOAT } }
  attr {
    key: "shape"
    value { shape { dim { size: -1 } dim { size: 2 } } }
  }
}
node <
  name: "k" op: "Const"
  attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "value" value { tensor {
    dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: [1.5, -2e-1] } } }
>
node { name: "y" op: "Mul" input: "x" input: "k" attr { key: "T" value { type: DT_FLOAT } } }
node {
  name: "s" op: "Const"
  attr { key: "dtype" value { type: DT_STRING } }
  attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { }
    string_val: "caf\303\251 " 'and "more"\n' } } }
}
versions { producer: 1882 }
"""


def test_hand_written_text_imports(tmp_path):
    path = tmp_path / "graph.pbtxt"
    path.write_text(TEXT)
    with gc.Graph().as_default():
        gc.import_graph_def(str(path), name="")
        with gc.Session() as sess:
            y, s = sess.run(["y:0", "s:0"], {"x:0": [[2.0, 1.0]]})
    np.testing.assert_allclose(y, [[3.0, -0.2]], rtol=1e-6)
    assert s == 'café and "more"\n'.encode()


def test_written_text_reads_back_to_the_same_bytes(tmp_path):
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        w = gc.constant(np.arange(6.0, dtype=np.float32).reshape(3, 2))
        y = gc.identity(gc.nn.relu(gc.matmul(x, w)) + 0.5, name="y")
        gc.identity(gc.strings.join([gc.as_string(y), "é\n"]), name="s")
        gc.cond(gc.reduce_sum(x) > 0, lambda: y * 2.0, lambda: y, name="c")
        gd = gc.io.export_tf_graph_def(g)
    assert parse_graph_def_text(graph_def_text(gd)).SerializeToString() == \
        gd.SerializeToString()


def test_unknown_fields_are_named():
    with pytest.raises(ValueError, match="GraphDef.node: field 'nmae'"):
        parse_graph_def_text('node { nmae: "x" }')
