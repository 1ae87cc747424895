"""TF1 behaviours real programs rely on (each found by running a TF1 program under both
graphc and TF 2.21, and checked against TF's values there)."""
import os

import numpy as np
import pytest

import graphc as gc


def test_a_user_optimizer_subclass_uses_tf1s_internal_api():
    class Accumulating(gc.train.Optimizer):
        def __init__(self, lr):
            super().__init__(False, "Acc")
            self._lr = lr

        def _prepare(self):                 # apply_gradients calls it (TF1)
            self._lr_t = gc.convert_to_tensor(self._call_if_callable(self._lr), name="lr")

        def _create_slots(self, var_list):
            for v in var_list:
                self._get_or_make_slot(v, gc.zeros_like(v.initialized_value()), "acc",
                                       self._name)
                self._get_or_make_slot_with_initializer(
                    v, gc.ones_initializer(), v.shape, v.dtype, "scale", self._name)
            self._create_non_slot_variable(0.0, "steps", var_list[0])

        def _apply_dense(self, grad, var):
            acc = gc.assign_add(self.get_slot(var, "acc"), grad)
            return gc.assign_sub(var, self._lr_t * acc * self.get_slot(var, "scale"))

        def _finish(self, update_ops, name):
            steps = self._get_non_slot_variable("steps")
            with gc.control_dependencies(update_ops):
                return gc.assign_add(steps, 1.0, name=name).op
    w = gc.Variable([1.0, 2.0], name="w")
    opt = Accumulating(lambda: 0.1)
    train = opt.minimize(gc.reduce_sum(w * w))
    assert [v.op.name for v in opt.variables()] == ["steps", "w/Acc", "w/Acc_1"]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for _ in range(3):
            s.run(train)
        got, steps = s.run([w, opt._get_non_slot_variable("steps")])
    want, acc = np.array([1.0, 2.0]), np.zeros(2)
    for _ in range(3):
        acc += 2 * want
        want = want - 0.1 * acc
    np.testing.assert_allclose(got, want, atol=1e-6)      # TF: [-0.008, -0.016]
    assert steps == 3.0


def test_builtin_optimizers_expose_tf1s_hyperparameter_tensors():
    w = gc.Variable([1.0, 2.0])
    loss = gc.reduce_sum(w * w)
    adam = gc.train.AdamOptimizer(0.01, beta1=0.8)
    adam.minimize(loss)
    assert gc.get_static_value(adam._lr_t) == pytest.approx(0.01)
    assert gc.get_static_value(adam._beta1_t) == pytest.approx(0.8)
    momentum = gc.train.MomentumOptimizer(0.1, 0.9)
    momentum.minimize(loss)
    assert gc.get_static_value(momentum._momentum_tensor) == pytest.approx(0.9)
    b1p, _ = adam._get_beta_accumulators()
    assert b1p.dtype == gc.float32


def test_checkpoint_saver_hook_finds_the_default_saver(tmp_path):
    w = gc.get_variable("w", initializer=gc.constant(1.0))
    step = gc.train.get_or_create_global_step()
    train = gc.group(gc.assign_add(w, 1.0), gc.assign_add(step, 1))
    hooks = [gc.train.StopAtStepHook(last_step=4),
             gc.train.CheckpointSaverHook(str(tmp_path), save_steps=2)]
    with gc.train.MonitoredSession(hooks=hooks) as sess:
        while not sess.should_stop():
            sess.run(train)
    assert len(gc.get_collection(gc.GraphKeys.SAVERS)) == 1
    metas = sorted(f for f in os.listdir(tmp_path) if f.endswith(".meta"))
    assert metas == ["model.ckpt-0.meta", "model.ckpt-2.meta", "model.ckpt-4.meta"]


def test_moving_average_shadows_are_named_under_the_variable_scope():
    x = gc.constant([[1.0, 2.0], [3.0, 5.0]])
    with gc.variable_scope("bn"):
        w = gc.get_variable("w", [2])
        mean, _ = gc.nn.moments(x, [0], name="moments")
        ema = gc.train.ExponentialMovingAverage(0.5)
        ema.apply([mean, w])
    assert ema.average(w).op.name == "bn/bn/w/ExponentialMovingAverage"     # as TF
    assert ema.average_name(mean) == "bn/bn/moments/Squeeze/ExponentialMovingAverage"


def test_names_differing_only_in_case_are_made_unique_as_tf1():
    a = gc.identity(gc.constant(1.0), name="Out")
    b = gc.identity(gc.constant(1.0), name="out")
    assert (a.op.name, b.op.name) == ("Out", "out_1")
    gc.reduce_mean(gc.constant([1.0]))                  # op 'Mean'
    with gc.name_scope("mean") as scope:
        assert scope == "mean_1/"


def test_pad_keeps_the_dims_whose_paddings_are_known():
    x = gc.placeholder(gc.float32, [None, 3])
    n = gc.placeholder(gc.int32, [])
    p = gc.pad(x, [[0, n - gc.shape(x)[0]], [1, 2]])
    assert p.shape.as_list() == [None, 6]
    assert gc.layers.dense(p, 2).shape.as_list() == [None, 2]
    with gc.Session() as s:
        assert s.run(p, {x: np.ones((2, 3)), n: 4}).shape == (4, 6)


def test_summary_protos_nest_image_and_audio_and_collections_list_their_keys():
    img = gc.Summary.Image(encoded_image_string=b"\x89PNG", height=2, width=3)
    aud = gc.Summary.Audio(sample_rate=8000, num_channels=1, length_frames=4,
                           encoded_audio_string=b"RIFF")
    s = gc.Summary(value=[gc.Summary.Value(tag="i", image=img),
                          gc.Summary.Value(tag="a", audio=aud)])
    back = gc.Summary.FromString(s.SerializeToString())
    assert [(v.tag, v.WhichOneof("value")) for v in back.value] == [("i", "image"),
                                                                   ("a", "audio")]
    gc.add_to_collection("mine", 1)
    gc.Variable(1.0)
    assert sorted(gc.get_default_graph().get_all_collection_keys()) == [
        "mine", "trainable_variables", "variables"]


def test_a_tensorflow_meta_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "m.meta"
    path.write_bytes(b"\n\xa9\x01\n\x05prune")          # protobuf, not graphc's JSON
    with pytest.raises(gc.io.serialize.SerializationError,
                       match="not a graphc graph file.*TensorFlow .meta or .pb"):
        gc.train.import_meta_graph(str(path))


def test_gradients_through_loops_whose_bodies_print_or_assert():
    """A derivative replays the body: its Print and Assert may run again (TF1 allows
    them in differentiated loops)."""
    x = gc.placeholder(gc.float32, (2,))

    def body(i, a):
        a = gc.Print(a * x, [i], message="step")
        check = gc.debugging.assert_all_finite(a, "finite") if hasattr(
            gc.debugging, "assert_all_finite") else gc.verify_tensor_all_finite(a, "finite")
        return i + 1, check
    _, y = gc.while_loop(lambda i, a: i < 2, body, [0, gc.ones((2,))])
    g, = gc.gradients(gc.reduce_sum(y), [x])
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(g, {x: [2.0, 3.0]}), [4.0, 6.0])   # d(x^2)


def test_tf1_dimensions_index_and_bound_slices():
    a = gc.placeholder(gc.float32, (2, 10))
    b = gc.placeholder(gc.float32, (4, 6))
    assert a[:, :b.shape[1]].shape.as_list() == [2, 6]
    assert a[:, b.shape[1] - 2].shape.as_list() == [2]
    with pytest.raises(TypeError, match="not known when the graph is built"):
        a[:, :gc.placeholder(gc.float32, (None, None)).shape[1]]


def test_cast_of_a_sparse_tensor_casts_its_values():
    sp = gc.SparseTensor([[0, 0], [1, 2]], gc.constant([1, 2], gc.int64), [2, 3])
    out = gc.cast(sp, gc.int32)
    assert isinstance(out, gc.SparseTensor) and out.dtype == gc.int32
    labels = gc.SparseTensor([[0, 0], [1, 1]], gc.constant([1, 3], gc.int32), [2, 3])
    with gc.Session() as s:
        assert s.run(gc.edit_distance(out, labels, normalize=False)).tolist() == [0.0, 1.0]


def test_gradient_override_map_takes_a_builtin_ops_gradient():
    x = gc.constant([0.5, -2.0, 3.0])
    with gc.get_default_graph().gradient_override_map({"Sign": "Identity"}):
        y = gc.sign(x)                   # the straight-through estimator
    g, = gc.gradients(gc.reduce_sum(y * 5.0), [x])
    with gc.Session() as s:
        assert s.run(g).tolist() == [5.0, 5.0, 5.0]


def test_keras_freezing_and_shared_submodels_train_as_tf_keras():
    keras = gc.keras
    inp = keras.layers.Input((4,))
    conv = keras.layers.Dense(3, name="c")
    out = keras.layers.Dense(2, name="o")(conv(inp))
    model = keras.models.Model(inp, out)
    model.compile("sgd", "mse")
    conv.trainable = False
    model.compile("sgd", "mse")                     # recompiled: the frozen layer stays
    assert [w.op.name for w in model.trainable_weights] == ["o/kernel", "o/bias"]
    bn = keras.layers.BatchNormalization(trainable=False)
    base = keras.models.Sequential([keras.layers.Dense(3, input_shape=(4,)), bn])
    base(keras.layers.Input((4,)))                  # a call on other inputs: its updates
    top = keras.models.Model(base.inputs, keras.layers.Dense(1)(base.outputs[0]))
    top.compile("sgd", "mse")                       # are not this model's to run
    assert bn.updates == []
    xv = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    top.fit(xv, np.zeros((8, 1), np.float32), epochs=1, verbose=0)
    assert not keras.backend.get_value(bn.moving_mean).any()     # frozen: no updates
