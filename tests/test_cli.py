"""`python -m graphc`: demo, dot and ops, run as a user would, in a temporary directory."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*args, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "graphc", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("demo")
    return run_cli("demo", cwd=cwd), cwd


def test_demo_runs_and_exits_0(demo):
    proc, cwd = demo
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "out for a batch of 5 rows" in proc.stdout


def test_demo_shows_the_error_with_its_source_line(demo):
    proc, cwd = demo
    out = proc.stdout
    assert "ShapeError: matmul: inner dimensions differ" in out
    sites = re.findall(r"called at (graphc_demo\.py):(\d+)", out)
    assert sites, out
    filename, line = sites[0]
    source = (cwd / filename).read_text().splitlines()[int(line) - 1].strip()
    assert "gc.matmul(x, W1)" in source
    assert f"The offending line, {filename}:{line}:\n    {source}" in out


def test_demo_writes_graph_dot(demo):
    proc, cwd = demo
    text = (cwd / "graph.dot").read_text()
    assert text.startswith("digraph") and '"(?, 4) float32"' in text
    assert "wrote graph.dot" in proc.stdout
    if (cwd / "graph.svg").exists():
        assert "wrote graph.svg" in proc.stdout


def test_dot_command_exports_a_users_file(tmp_path):
    (tmp_path / "model.py").write_text(
        "import graphc as gc\n"
        "x = gc.placeholder(gc.float32, shape=(None, 3), name='x')\n"
        "with gc.name_scope('layer'):\n"
        "    y = gc.nn.relu(x * 2.0)\n")
    proc = run_cli("dot", "model.py", "-o", "out.dot", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "out.dot").read_text()
    assert "Placeholder\\nx" in text and 'subgraph "cluster_layer"' in text
    assert 'label="(?, 3) float32"' in text
    assert "wrote out.dot" in proc.stdout
    proc = run_cli("dot", "model.py", "-o", "-", "--no-shapes", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("digraph")
    assert "float32\"]" not in proc.stdout


def test_dot_command_finds_a_graph_built_off_the_default(tmp_path):
    (tmp_path / "own.py").write_text(
        "import graphc as gc\n"
        "g = gc.Graph()\n"
        "with g.as_default():\n"
        "    x = gc.placeholder(gc.float32, shape=(2,), name='x')\n")
    proc = run_cli("dot", "own.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Placeholder\\nx" in (tmp_path / "own.dot").read_text()


def test_dot_command_missing_file(tmp_path):
    proc = run_cli("dot", "nope.py", cwd=tmp_path)
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_ops_command_prints_the_op_table(tmp_path):
    from graphc.io import opdoc
    proc = run_cli("ops", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == opdoc.render()
