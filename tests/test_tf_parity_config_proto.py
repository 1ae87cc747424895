"""gc.ConfigProto and its messages against TF's protobufs: the same settings print the
same text, the fields graphc has are TF's, and a timed-out run fails alike."""
import pytest

import graphc as gc
from tf_parity import tf, v1


def _build(m):
    c = m.ConfigProto(gpu_options=m.GPUOptions(per_process_gpu_memory_fraction=0.25,
                                               allow_growth=True, visible_device_list="0"),
                      allow_soft_placement=True, device_count={"GPU": 0, "CPU": 2},
                      inter_op_parallelism_threads=3, operation_timeout_in_ms=5000)
    c.graph_options.optimizer_options.opt_level = m.OptimizerOptions.L0
    c.graph_options.optimizer_options.global_jit_level = m.OptimizerOptions.OFF
    rw = c.graph_options.rewrite_options
    rw.constant_folding = rw.OFF
    rw.memory_optimization = rw.NO_MEM_OPT
    rw.meta_optimizer_iterations = rw.ONE
    rw.disable_model_pruning = True
    c.device_filters.extend(["/job:localhost", "/cpu:0"])
    c.session_inter_op_thread_pool.add(num_threads=2, global_name="p")
    c.experimental.executor_type = "DEFAULT"
    c.gpu_options.experimental.virtual_devices.add(memory_limit_mb=[1024.0, 512.5])
    return c


def test_same_settings_same_text():
    assert str(_build(gc)) == str(_build(v1))
    assert str(gc.ConfigProto()) == str(v1.ConfigProto()) == ""


@pytest.mark.parametrize("cls", ["ConfigProto", "GPUOptions", "GraphOptions",
                                 "OptimizerOptions"])
def test_fields_are_tfs_in_tfs_order(cls):
    ours = list(getattr(gc, cls).FIELDS)
    theirs = sorted(getattr(v1, cls).DESCRIPTOR.fields, key=lambda f: f.number)
    theirs = [f.name for f in theirs]
    assert set(ours) <= set(theirs)
    assert ours == [n for n in theirs if n in ours]


def test_rewriter_config_fields_and_enums():
    ours = gc.ConfigProto().graph_options.rewrite_options
    theirs = v1.ConfigProto().graph_options.rewrite_options
    by_number = [f.name for f in sorted(theirs.DESCRIPTOR.fields, key=lambda f: f.number)]
    assert list(ours.FIELDS) == [n for n in by_number if n in ours.FIELDS]
    for name in ["ON", "OFF", "AGGRESSIVE", "DEFAULT", "NO_MEM_OPT", "HEURISTICS", "ONE",
                 "TWO"]:
        assert getattr(ours, name) == getattr(theirs, name), name


def test_timeout_error_is_tfs():
    got = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            d = m.FIFOQueue(2, m.float32).dequeue()
            with m.Session(graph=g) as s:
                with pytest.raises(m.errors.DeadlineExceededError) as e:
                    s.run(d, options=m.RunOptions(timeout_in_ms=100))
                got.append(e.value.message)
    assert got[0].splitlines()[0] == got[1].strip().splitlines()[-1]
