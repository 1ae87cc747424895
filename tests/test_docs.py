"""The docs cannot drift: docs/ops.md is generated, the error messages in docs/errors.md
are real (each example is run and must raise exactly what is shown), the code in
docs/getting-started.md runs, and README.md starts with the two commands.

After changing an op or an error message, refresh the docs with
    python -m graphc ops > docs/ops.md
    python tests/test_docs.py          # rewrites the outputs in docs/errors.md
"""
import os
import re
import runpy

import pytest

import graphc as gc
from graphc.io import opdoc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
ERROR_CLASSES = ["GraphcError", "ShapeError", "DTypeError", "FeedError",
                 "UnfedPlaceholderError", "UninitializedVariableError", "ExecutionError",
                 "GradientError",
                 "GraphError", "FinalizedGraphError", "NotFoundError", "OutOfRangeError", "FailedPreconditionError",
                 "DeadlineExceededError", "ClosedSessionError", "NoDefaultSessionError",
                 "FeedTypeError", "DTypeValueError", "UsageError", "UsageTypeError",
                 "StructureError", "CheckpointShapeError", "CheckpointDTypeError"]
# TF1's error classes graphc itself never raises (or, OpError, raises only as a
# subclass): they cannot have an example, so docs/errors.md lists them, as `Name`s, in
# its section TF1_ONLY_HEADING instead.
TF1_ONLY = ["OpError", "CancelledError", "UnknownError", "AlreadyExistsError",
            "PermissionDeniedError", "ResourceExhaustedError", "AbortedError",
            "UnimplementedError", "InternalError", "UnavailableError", "DataLossError",
            "UnauthenticatedError"]
TF1_ONLY_HEADING = "## TF1 error classes graphc does not raise"
# An example in docs/errors.md: a ```python block (run as model.py) followed at once by a
# ```text block holding exactly the error it raises; examples sit under "## ErrorName".
EXAMPLE = re.compile(r"```python\n(.*?)```\n\s*```text\n(.*?)```", re.S)


def error_examples(text):
    """{error class name: [(code, shown), ...]} from the text of docs/errors.md."""
    heads = list(re.finditer(r"^## (\w+)$", text, re.M))
    out = {}
    for h, nxt in zip(heads, heads[1:] + [None]):
        section = text[h.end():nxt.start() if nxt else len(text)]
        out[h.group(1)] = [m.groups() for m in EXAMPLE.finditer(section)]
    return out


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def run_example(code, workdir):
    """The error `code` raises when run as workdir/model.py from workdir, as
    'module.Class: message' (the end of the traceback Python would print), with no
    trailing spaces (editors strip them from docs)."""
    path = os.path.join(workdir, "model.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(code)
    old = os.getcwd()
    os.chdir(workdir)
    gc.reset_default_graph()
    try:
        runpy.run_path(path, run_name="__main__")
    except Exception as e:          # noqa: BLE001  (the example's error is the point)
        text = f"{type(e).__module__}.{type(e).__qualname__}: {e}"
        return "".join(line.rstrip() + "\n" for line in text.splitlines())
    finally:
        os.chdir(old)
        gc.reset_default_graph()
    return "(no error raised)\n"


def test_import_graphc_registers_every_op():
    """docs/ops.md comes from `python -m graphc ops`: no module may register an OpDef
    only when something imports it later."""
    import importlib
    import pkgutil
    from graphc.ops.registry import REGISTRY
    before = set(REGISTRY)
    for m in pkgutil.walk_packages(gc.__path__, "graphc."):
        importlib.import_module(m.name)
    assert set(REGISTRY) == before


def test_ops_md_is_generated_from_the_registry():
    assert read("docs", "ops.md") == opdoc.render(), (
        "docs/ops.md is out of date: run `python -m graphc ops > docs/ops.md`")


def test_every_error_class_is_documented_and_exists():
    public = [n for n, v in vars(gc.errors).items()          # aliases (TF1 names) once
              if isinstance(v, type) and issubclass(v, gc.errors.GraphcError)
              and v.__name__ == n]
    assert sorted(public) == sorted(ERROR_CLASSES + TF1_ONLY)
    text = read("docs", "errors.md")
    examples = error_examples(text)
    assert sorted(examples) == sorted(ERROR_CLASSES)
    assert all(examples.values())
    section = text.split(TF1_ONLY_HEADING + "\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- `(\w+)`", section, re.M)
    assert sorted(listed) == sorted(TF1_ONLY)


@pytest.mark.parametrize("name", ERROR_CLASSES)
def test_error_examples_print_what_the_doc_shows(name, tmp_path):
    for code, shown in error_examples(read("docs", "errors.md"))[name]:
        got = run_example(code, str(tmp_path))
        assert got.startswith(f"graphc.errors.{name}: ")
        shown = "".join(line.rstrip() + "\n" for line in shown.splitlines())
        assert got == shown, ("docs/errors.md shows another message than graphc raises: "
                              "run `python tests/test_docs.py` to refresh it")


@pytest.mark.parametrize("doc, blocks", [("getting-started.md", 5), ("control-flow.md", 5),
                                         ("checkpoints.md", 1), ("layers.md", 8),
                                         ("optimizers.md", 3), ("tf1-compat.md", 2),
                                         ("summaries.md", 2), ("data.md", 3), ("image.md", 2),
                                         ("sparse.md", 2), ("monitored.md", 3),
                                         ("ctc.md", 1), ("strings.md", 1), ("keras-backend.md", 1),
                                         ("data-experimental.md", 2),
                                         ("config-and-mixed-precision.md", 4),
                                         ("keras-preprocessing.md", 3),
                                         ("keras-applications.md", 2),
                                         ("distribute.md", 3), ("data-save.md", 1),
                                         ("keras-data-utils.md", 1),
                                         ("linalg.md", 5), ("saved_model.md", 4),
                                         ("signal.md", 1), ("complex.md", 1),
                                         ("lookup.md", 4), ("feature-column.md", 2),
                                         ("metrics-at-k.md", 1), ("random-stateless.md", 1),
                                         ("ragged.md", 1), ("queues.md", 2),
                                         ("distributions.md", 1), ("image-codecs.md", 2),
                                         ("special-and-quantization.md", 4),
                                         ("supervisor.md", 4), ("partitioned.md", 3),
                                         ("estimator-canned.md", 4), ("keras.md", 6),
                                         ("object-checkpoints.md", 4),
                                         ("linear-operators.md", 2), ("random.md", 2),
                                         ("misc-ops-9.md", 2), ("flags.md", 3),
                                         ("names9.md", 2), ("names10.md", 3),
                                         ("profiler.md", 3), ("crf.md", 2),
                                         ("contrib-training-opt.md", 2),
                                         ("seq2seq.md", 3), ("contrib-image.md", 2),
                                         ("contrib-rnn.md", 2), ("legacy-seq2seq.md", 2),
                                         ("tf-graphdef.md", 3), ("contrib.md", 3),
                                         ("contrib-summary-predictor.md", 2),
                                         ("contrib-metrics-losses.md", 3),
                                         ("contrib-data-util.md", 2),
                                         ("contrib-cudnn-rnn.md", 1),
                                         ("keras-metrics-losses.md", 1)])
def test_doc_code_runs(doc, blocks, tmp_path, monkeypatch, capsys):
    """Every ```python block of the doc runs, in order, in one namespace (in a fresh
    default graph); a block whose first line is `# raises SomeError` must raise
    gc.errors.SomeError."""
    monkeypatch.chdir(tmp_path)
    gc.reset_default_graph()
    namespace = {"__name__": "__main__"}
    found = re.findall(r"```python\n(.*?)```", read("docs", doc), re.S)
    assert len(found) >= blocks
    for i, block in enumerate(found):
        code = compile(block, f"{doc}[{i}]", "exec")
        expect = re.match(r"# raises (\w+)", block)
        if expect:
            with pytest.raises(getattr(gc.errors, expect.group(1))):
                exec(code, namespace)
        else:
            exec(code, namespace)


def test_readme_starts_with_the_two_commands():
    text = read("README.md")
    block = re.search(r"```(?:\w+)?\n(.*?)```", text, re.S).group(1)
    assert block.strip().splitlines()[:2] == [
        "pip install -e '.[test]' && python -m graphc demo",
        "pip install -e '.[test]' && pytest"]
    assert text.index("```") < 600                   # near the top
    for link in re.findall(r"\]\((docs/[\w./-]+)\)", text):
        assert os.path.exists(os.path.join(ROOT, link)), link


def test_readme_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = re.search(r"```python\n(.*?)```", read("README.md"), re.S).group(1)
    exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})
    assert "digraph graphc {" in capsys.readouterr().out


def test_doc_links_resolve():
    for name in os.listdir(DOCS):
        if not name.endswith(".md"):
            continue
        for link in re.findall(r"\]\(([\w./-]+\.md)(?:#[\w-]+)?\)", read("docs", name)):
            assert os.path.exists(os.path.normpath(os.path.join(DOCS, link))), (name, link)


def refresh_errors_md():
    """Rewrite each ```text block of docs/errors.md with what its example raises now."""
    import tempfile
    path = os.path.join(DOCS, "errors.md")
    text = read("docs", "errors.md")
    with tempfile.TemporaryDirectory() as tmp:
        def fresh(m):
            got = run_example(m.group(1), tmp)
            return m.group(0)[:m.start(2) - m.start(0)] + got + "```"
        new = EXAMPLE.sub(fresh, text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    print("docs/errors.md:", "unchanged" if new == text else "refreshed")


if __name__ == "__main__":
    refresh_errors_md()
