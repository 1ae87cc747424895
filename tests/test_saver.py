"""gc.train.Saver and the checkpoint functions: round trips into new graphs, training
that resumes exactly, max_to_keep and the state file, and every error they raise."""
import os
import pickle

import numpy as np
import pytest

import graphc as gc

RNG = np.random.default_rng(3)
X = RNG.normal(size=(8, 3))
Y = RNG.normal(size=(8, 2))

VALUES = {                                  # name -> initial value, one of each kind
    "dense/W": RNG.normal(size=(3, 2)).astype(np.float32),
    "dense/b": np.array([0.5, -1.5]),                      # float64
    "scale": np.float64(2.5),                              # 0-d
    "counts": np.array([3, 1, 4], dtype=np.int32),
    "mask": np.array([[True, False], [False, True]]),
    "half": np.array([1.5, 2.25], dtype=np.float16),
    "steps": np.int64(7),
}


def save(saver, sess, path, **kw):
    """Saver.save without the meta graph (graphc.io.serialize is tested on its own)."""
    return saver.save(sess, str(path), write_meta_graph=False, **kw)


def make_vars(values=VALUES):
    return {name: gc.Variable(v, name=name) for name, v in values.items()}


def files(directory):
    return sorted(os.listdir(directory))


# ---- round trips ------------------------------------------------------------------------
def test_round_trip_every_dtype_and_shape_into_a_new_graph(tmp_path):
    vs = make_vars()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        prefix = save(gc.train.Saver(), sess, tmp_path / "model")
    assert prefix == str(tmp_path / "model")
    assert files(tmp_path) == ["checkpoint", "model.npz"]

    with gc.Graph().as_default():
        zeros = {n: np.zeros_like(v) for n, v in VALUES.items()}
        vs = make_vars(zeros)
        saver = gc.train.Saver()
        with gc.Session() as sess:          # no initializer: restore sets every variable
            saver.restore(sess, prefix)
            got = sess.run(vs)
    for name, want in VALUES.items():
        assert got[name].dtype == want.dtype and got[name].shape == np.shape(want), name
        np.testing.assert_array_equal(got[name], want)


def _model():
    """A small float64 regression: loss = mean((X W + b - Y)^2)."""
    x = gc.placeholder(gc.float64, shape=(None, 3), name="x")
    W = gc.Variable(RNG.normal(size=(3, 2)) * 0 + 0.1, name="W")
    b = gc.Variable(np.zeros(2), name="b")
    loss = gc.reduce_mean(gc.square(gc.matmul(x, W) + b - gc.constant(Y)))
    return x, loss


OPTIMIZERS = {"sgd": lambda: gc.train.GradientDescentOptimizer(0.1),
              "adam": lambda: gc.train.AdamOptimizer(0.05)}


def _train(optimizer, steps, restore_from=None, save_to=None):
    """Build the model in a new graph, train `steps` steps; the global variables' values."""
    with gc.Graph().as_default():
        x, loss = _model()
        step = gc.train.get_or_create_global_step()
        train = OPTIMIZERS[optimizer]().minimize(loss, global_step=step)
        saver = gc.train.Saver()
        with gc.Session() as sess:
            if restore_from:
                saver.restore(sess, restore_from)
            else:
                sess.run(gc.global_variables_initializer())
            for _ in range(steps):
                sess.run(train, feed_dict={x: X})
            if save_to:
                save(saver, sess, save_to, global_step=step)
            return {v.node.name: sess.run(v) for v in gc.global_variables()}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_training_resumes_exactly_after_restore_in_a_new_graph(optimizer, tmp_path):
    straight = _train(optimizer, 7)
    _train(optimizer, 3, save_to=tmp_path / "model")
    prefix = gc.train.latest_checkpoint(str(tmp_path))
    assert prefix == str(tmp_path / "model-3")
    resumed = _train(optimizer, 4, restore_from=prefix)
    assert sorted(resumed) == sorted(straight)
    for name in straight:
        np.testing.assert_array_equal(resumed[name], straight[name], err_msg=name)
    assert resumed["global_step"] == 7
    saved = dict(gc.train.list_variables(prefix))
    if optimizer == "adam":         # the slots and beta powers are global variables too
        assert {"W/Adam", "W/Adam_1", "b/Adam", "beta1_power", "beta2_power"} <= set(saved)
    assert saved["W"] == [3, 2] and saved["global_step"] == []


def test_runs_after_restore_see_the_restored_values(tmp_path):
    """Plans compiled before the restore (Session.run's cache, make_callable) read the
    variables at run time, so they see restored values, and updates go on from them."""
    x = gc.placeholder(gc.float64, shape=(2,), name="x")
    v = gc.Variable(np.array([1.0, 2.0]), name="v")
    y = v * x
    bump = v.assign_add(gc.constant(np.array([1.0, 1.0])))
    saver = gc.train.Saver()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        prefix = save(saver, sess, tmp_path / "model")      # v = [1, 2]
        f = sess.make_callable(y, [x])
        ones = np.ones(2)
        for _ in range(3):
            sess.run(bump)
        np.testing.assert_array_equal(f(ones), [4.0, 5.0])
        np.testing.assert_array_equal(sess.run(y, {x: ones}), [4.0, 5.0])
        held = sess.run(v)
        saver.restore(sess, prefix)
        np.testing.assert_array_equal(f(ones), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(y, {x: ones}), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(bump), [2.0, 3.0])
        np.testing.assert_array_equal(f(ones), [2.0, 3.0])
        np.testing.assert_array_equal(held, [4.0, 5.0])     # a fetched value is not touched


# ---- file names, max_to_keep and the state file -----------------------------------------
def test_global_step_suffix_from_an_int_or_a_variable(tmp_path):
    step = gc.train.get_or_create_global_step()
    gc.Variable(1.0, name="w")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(step.assign(42))
        assert save(gc.train.Saver(), sess, tmp_path / "m", global_step=5) == \
            str(tmp_path / "m-5")
        assert save(gc.train.Saver(), sess, tmp_path / "m", global_step=step) == \
            str(tmp_path / "m-42")
        assert save(gc.train.Saver(pad_step_number=True), sess, tmp_path / "m",
                    global_step=np.int64(3)) == str(tmp_path / "m-00000003")


def test_max_to_keep_deletes_old_files_and_keeps_the_state_file(tmp_path):
    gc.Variable(1.0, name="w")
    saver = gc.train.Saver(max_to_keep=2)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for step in range(1, 5):
            save(saver, sess, tmp_path / "model", global_step=step)
        assert files(tmp_path) == ["checkpoint", "model-3.npz", "model-4.npz"]
        (tmp_path / "model-4.meta").write_text("{}")     # a meta file goes with its data
        for step in (5, 6):
            save(saver, sess, tmp_path / "model", global_step=step)
    assert files(tmp_path) == ["checkpoint", "model-5.npz", "model-6.npz"]
    assert saver.last_checkpoints == [str(tmp_path / "model-5"), str(tmp_path / "model-6")]
    state = (tmp_path / "checkpoint").read_text()
    assert state == ('model_checkpoint_path: "model-6"\n'        # relative to the directory
                     'all_model_checkpoint_paths: "model-5"\n'
                     'all_model_checkpoint_paths: "model-6"\n')
    got = gc.train.get_checkpoint_state(str(tmp_path))
    assert got.model_checkpoint_path == str(tmp_path / "model-6")
    assert got.all_model_checkpoint_paths == saver.last_checkpoints
    assert gc.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "model-6")


def test_max_to_keep_none_keeps_every_file_and_names_only_the_latest(tmp_path):
    gc.Variable(1.0, name="w")
    saver = gc.train.Saver(max_to_keep=None)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for step in range(3):
            save(saver, sess, tmp_path / "m", global_step=step, latest_filename="state")
    assert files(tmp_path) == ["m-0.npz", "m-1.npz", "m-2.npz", "state"]
    assert gc.train.get_checkpoint_state(str(tmp_path)) is None     # not "checkpoint"
    state = gc.train.get_checkpoint_state(str(tmp_path), latest_filename="state")
    assert state.all_model_checkpoint_paths == [str(tmp_path / "m-2")]


def test_keep_checkpoint_every_n_hours_spares_old_checkpoints(tmp_path):
    gc.Variable(1.0, name="w")
    saver = gc.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1e-12)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for step in range(3):
            save(saver, sess, tmp_path / "m", global_step=step)
    assert files(tmp_path) == ["checkpoint", "m-0.npz", "m-1.npz", "m-2.npz"]
    assert saver.last_checkpoints == [str(tmp_path / "m-2")]


def test_recover_last_checkpoints_lets_a_new_saver_go_on_counting(tmp_path):
    gc.Variable(1.0, name="w")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        first = gc.train.Saver(max_to_keep=2)
        for step in range(2):
            save(first, sess, tmp_path / "m", global_step=step)
        second = gc.train.Saver(max_to_keep=2)
        second.recover_last_checkpoints(
            gc.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths)
        save(second, sess, tmp_path / "m", global_step=2)
    assert files(tmp_path) == ["checkpoint", "m-1.npz", "m-2.npz"]


def test_latest_checkpoint_is_none_without_a_checkpoint(tmp_path):
    assert gc.train.latest_checkpoint(str(tmp_path)) is None
    gc.Variable(1.0, name="w")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        prefix = save(gc.train.Saver(), sess, tmp_path / "m")
    assert gc.train.checkpoint_exists(prefix) and gc.train.checkpoint_exists(prefix + ".npz")
    os.remove(prefix + ".npz")
    assert gc.train.latest_checkpoint(str(tmp_path)) is None
    assert not gc.train.checkpoint_exists(prefix)


# ---- var_list ---------------------------------------------------------------------------
def test_var_list_as_a_dict_renames_and_as_a_list_selects(tmp_path):
    a = gc.Variable(np.array([1.0, 2.0]), name="a")
    b = gc.Variable(np.array([3.0]), name="b")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        save(gc.train.Saver({"enc/kernel": a}), sess, tmp_path / "d")
        save(gc.train.Saver([b]), sess, tmp_path / "l")
    assert gc.train.list_variables(str(tmp_path / "d")) == [("enc/kernel", [2])]
    assert gc.train.list_variables(str(tmp_path / "l.npz")) == [("b", [1])]

    with gc.Graph().as_default():
        k = gc.Variable(np.zeros(2), name="other_name")
        b = gc.Variable(np.array([9.0]), name="b")
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            gc.train.Saver({"enc/kernel": k}).restore(sess, str(tmp_path / "d"))
            np.testing.assert_array_equal(sess.run(k), [1.0, 2.0])
            np.testing.assert_array_equal(sess.run(b), [9.0])     # not in var_list
    np.testing.assert_array_equal(
        gc.train.load_variable(str(tmp_path / "d"), "enc/kernel:0"), [1.0, 2.0])


def test_load_variable_from_the_latest_checkpoint_of_a_directory(tmp_path):
    gc.Variable(np.arange(3.0), name="w")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        save(gc.train.Saver(), sess, tmp_path / "m", global_step=1)
    np.testing.assert_array_equal(gc.train.load_variable(str(tmp_path), "w"), [0, 1, 2])
    with pytest.raises(gc.errors.NotFoundError, match=r"no variable 'wt'.*closest: 'w'"):
        gc.train.load_variable(str(tmp_path), "wt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        gc.train.list_variables(str(tmp_path / "empty"))


# ---- errors -----------------------------------------------------------------------------
def test_duplicate_checkpoint_names_are_refused_naming_both():
    w = gc.Variable(1.0, name="w")
    with pytest.raises(ValueError, match="variable 'w' .* appears twice"):
        gc.train.Saver([w, w])
    with gc.Graph().as_default():
        other = gc.Variable(2.0, name="w")
    with pytest.raises(ValueError, match=r"two variables have the checkpoint name 'w': "
                                         r"variable 'w' .*test_saver.py.* and variable 'w'"):
        gc.train.Saver([w, other])
    with pytest.raises(TypeError, match="gc.Variables only"):
        gc.train.Saver({"x": gc.constant(1.0)})


def test_empty_var_list(tmp_path):
    with pytest.raises(ValueError, match="No variables to save"):
        gc.train.Saver()
    saver = gc.train.Saver([], allow_empty=True)
    with gc.Session() as sess:
        assert save(saver, sess, tmp_path / "m") is None
        saver.restore(sess, str(tmp_path / "nothing"))
    assert files(tmp_path) == []


def test_missing_checkpoint_names_the_file_looked_for(tmp_path):
    w = gc.Variable(1.0, name="w")
    saver = gc.train.Saver()
    with gc.Session() as sess:
        with pytest.raises(ValueError, match=r"not a valid checkpoint: .*nope\n.*no "
                           r"checkpoint '.*nope': looked for the file '.*nope\.npz'"):
            saver.restore(sess, str(tmp_path / "nope"))         # TF1's ValueError
        with pytest.raises(ValueError, match="is a directory: pass "
                                             "gc.train.latest_checkpoint"):
            saver.restore(sess, str(tmp_path))
        with pytest.raises(ValueError, match="save_path when it is None"):
            saver.restore(sess, None)
        with pytest.raises(ValueError, match="Parent directory of .* doesn't exist"):
            sess.run(w.initializer)
            save(saver, sess, tmp_path / "no" / "deeper" / "m")   # (TF1 makes one)


def test_variable_not_in_the_checkpoint_lists_closest_names(tmp_path):
    gc.Variable(np.ones(2), name="layer/weights")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        prefix = save(gc.train.Saver(), sess, tmp_path / "m")
    with gc.Graph().as_default():
        gc.Variable(np.ones(2), name="layer/weight")
        saver = gc.train.Saver()
        with gc.Session() as sess:
            with pytest.raises(gc.errors.NotFoundError) as info:
                saver.restore(sess, prefix)
    msg = str(info.value)
    assert "has no value for 1 variable(s)" in msg and prefix in msg
    assert "'layer/weight': variable 'layer/weight' (shape (2,), float64" in msg
    assert "closest in the checkpoint: 'layer/weights'" in msg
    assert "the checkpoint holds: 'layer/weights' (2,) float64" in msg


def _saved(tmp_path, value):
    gc.Variable(value, name="v")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return save(gc.train.Saver(), sess, tmp_path / "m")


def test_shape_mismatch_names_both_shapes_and_reshape_needs_the_same_size(tmp_path):
    prefix = _saved(tmp_path, np.arange(6.0).reshape(2, 3))
    with gc.Graph().as_default():
        v = gc.Variable(np.zeros((3, 2)), name="v")
        with gc.Session() as sess:
            with pytest.raises(gc.errors.ShapeError,
                               match=r"variable 'v' \(shape \(3, 2\), float64.* cannot take "
                                     r"'v' of checkpoint '.*m\.npz', which has shape "
                                     r"\(2, 3\); Saver\(reshape=True\)"):
                gc.train.Saver().restore(sess, prefix)
            gc.train.Saver(reshape=True).restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(v), np.arange(6.0).reshape(3, 2))
    with gc.Graph().as_default():
        gc.Variable(np.zeros((4,)), name="v")
        with gc.Session() as sess:
            with pytest.raises(gc.errors.ShapeError, match=r"shape \(4,\).*shape \(2, 3\)$"):
                gc.train.Saver(reshape=True).restore(sess, prefix)


def test_dtype_mismatch_is_refused_not_cast(tmp_path):
    prefix = _saved(tmp_path, np.array([1.0, 2.0]))
    with gc.Graph().as_default():
        gc.Variable(np.zeros(2, np.float32), name="v")
        with gc.Session() as sess:
            with pytest.raises(gc.errors.DTypeError,
                               match=r"variable 'v' \(shape \(2,\), float32.* cannot take "
                                     r"'v' of checkpoint '.*m\.npz', which is float64"):
                gc.train.Saver().restore(sess, prefix)


def test_a_failed_restore_changes_nothing(tmp_path):
    a = gc.Variable(np.array([1.0]), name="a")
    gc.Variable(np.array([2.0]), name="b")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        prefix = save(gc.train.Saver(), sess, tmp_path / "m")
    with gc.Graph().as_default():
        a = gc.Variable(np.array([5.0]), name="a")
        gc.Variable(np.array([5, 6]), name="b")                 # int32, wrong shape too
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            with pytest.raises(gc.errors.DTypeError):
                gc.train.Saver().restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(a), [5.0])


def test_saving_an_uninitialized_variable_names_it_and_writes_nothing(tmp_path):
    gc.Variable(1.0, name="ready")
    gc.Variable(2.0, name="late")
    saver = gc.train.Saver()
    with gc.Session() as sess:
        sess.run(gc.global_variables()[0].initializer)
        with pytest.raises(gc.errors.UninitializedVariableError, match="variable 'late'"):
            save(saver, sess, tmp_path / "m")
    assert files(tmp_path) == []


def test_a_session_of_another_graph_is_refused(tmp_path):
    gc.Variable(1.0, name="w")
    saver = gc.train.Saver()
    with gc.Graph().as_default():
        gc.Variable(1.0, name="w")
        with gc.Session() as sess:
            with pytest.raises(gc.errors.GraphError, match="build the Saver in the Session"):
                saver.restore(sess, str(tmp_path / "m"))


def test_object_arrays_and_pickles_are_refused(tmp_path):
    gc.Variable(1.0, name="w")
    saver = gc.train.Saver()
    np.savez(tmp_path / "obj.npz", w=np.array([{"a": 1}], dtype=object))
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    with open(tmp_path / "evil.npz", "wb") as f:
        pickle.dump(Evil(), f)
    with gc.Session() as sess:
        with pytest.raises(gc.errors.DTypeError,
                           match=r"obj\.npz' holds 'w' as an array of Python objects.*"
                                 r"never unpickles"):
            saver.restore(sess, str(tmp_path / "obj"))
        with pytest.raises(gc.errors.GraphcError, match=r"evil\.npz' is not a graphc "
                                                        r"checkpoint"):
            saver.restore(sess, str(tmp_path / "evil"))
    assert not marker.exists()


def test_a_failed_write_leaves_no_partial_files(tmp_path, monkeypatch):
    gc.Variable(np.ones(3), name="a")
    gc.Variable(np.ones(3), name="b")
    saver = gc.train.Saver()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        save(saver, sess, tmp_path / "m", global_step=1)
        before = {p: (tmp_path / p).read_bytes() for p in files(tmp_path)}
        write = np.lib.format.write_array
        calls = []

        def failing(*args, **kw):
            calls.append(1)
            if len(calls) == 2:
                raise OSError("disk full")
            return write(*args, **kw)
        monkeypatch.setattr(np.lib.format, "write_array", failing)
        with pytest.raises(OSError, match="disk full"):
            save(saver, sess, tmp_path / "m", global_step=2)
        # same prefix: the old file stays whole
        calls.clear()
        with pytest.raises(OSError, match="disk full"):
            save(saver, sess, tmp_path / "m", global_step=1)
    assert {p: (tmp_path / p).read_bytes() for p in files(tmp_path)} == before
    assert saver.last_checkpoints == [str(tmp_path / "m-1")]


def test_write_meta_graph_then_import_meta_graph_and_restore(tmp_path):
    serialize = pytest.importorskip("graphc.io.serialize")
    gc.Variable(np.array([1.5, 2.5]), name="dense/w")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        prefix = gc.train.Saver().save(sess, str(tmp_path / "m"), global_step=3)
    assert files(tmp_path) == ["checkpoint", "m-3.meta", "m-3.npz"]
    with gc.Graph().as_default() as graph:
        saver = serialize.import_meta_graph(prefix + ".meta")
        with gc.Session() as sess:
            saver.restore(sess, prefix)
            got = sess.run(graph.get_tensor_by_name("dense/w:0"))
    np.testing.assert_array_equal(got, [1.5, 2.5])


def test_save_warns_and_keeps_the_variables_when_the_graph_cannot_be_exported(tmp_path,
                                                                                caplog):
    """A graph holding a py_func cannot be written as JSON (a tf.data iterator can):
    save still writes the variables (TF1 would), and says the .meta file is missing."""
    v = gc.Variable(3.0, name="v")
    _ = gc.py_func(lambda a: a, [v], gc.float32)
    with gc.Session() as sess:
        sess.run(v.initializer)
        with caplog.at_level("WARNING", logger="graphc"):
            path = gc.train.Saver([v]).save(sess, str(tmp_path / "m"))
    assert "m.meta not written" in caplog.text
    assert not os.path.exists(path + ".meta")
    with gc.Session() as sess:
        gc.train.Saver([v]).restore(sess, path)
        assert sess.run(v) == 3.0
