"""TF1 behaviours real programs rely on (each found by running a TF1 program under both
graphc and TF 2.21, and checked against TF's values there)."""
import math
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


def test_a_broken_meta_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "m.meta"
    path.write_bytes(b"\n\xa9\x01\n\x05prune")          # protobuf, not graphc's JSON
    with pytest.raises(gc.io.serialize.SerializationError,
                       match="not a graphc graph file .JSON. nor a TensorFlow .meta"):
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
    """x[:, :y.shape[1]] with TF1's Dimensions (what shapes index to by default)."""
    a = gc.placeholder(gc.float32, (2, 10))
    b = gc.placeholder(gc.float32, (4, 6))
    six = gc.Dimension(6)
    assert a[:, :b.shape[1]].shape.as_list() == [2, 6]     # a Dimension, or an int (TF2)
    assert a[:, :six].shape.as_list() == [2, 6]
    assert a[:, six - 2].shape.as_list() == [2]
    with pytest.raises(TypeError, match="not known when the graph is built"):
        a[:, :gc.Dimension(None)]


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


def test_tf_layers_layer_api_add_loss_add_update_count_params_output_shape():
    class Scale(gc.layers.Layer):
        def build(self, input_shape):
            self.s = self.add_variable("s", [int(input_shape[-1])],
                                       initializer=gc.ones_initializer())
            self.n = self.add_weight("n", [], initializer=gc.zeros_initializer(),
                                     trainable=False)
            super().build(input_shape)

        def call(self, x):
            self.add_loss(0.1 * gc.reduce_sum(gc.square(self.s)))
            self.add_update(gc.assign_add(self.n, 1.0))
            return x * self.s
    layer = Scale(name="scale")
    layer(gc.ones([2, 3]))
    assert (len(layer.losses), len(layer.updates)) == (1, 1)
    assert gc.get_collection(gc.GraphKeys.UPDATE_OPS) == layer.updates
    assert layer.count_params() == 4
    dense = gc.layers.Dense(4, name="d")
    assert dense.compute_output_shape(gc.TensorShape([5, 3])).as_list() == [5, 4]
    assert dense.count_params() == 16 and dense.updates == [] and dense.losses == []


def test_custom_gradient_of_several_outputs():
    @gc.custom_gradient
    def sum_and_prod(a, b):
        def grad(ds, dp):
            return ds + dp * b, ds + dp * a
        return (a + b, a * b), grad
    a, b = gc.constant([1.0, 2.0]), gc.constant([3.0, -1.0])
    s, p = sum_and_prod(a, b)
    only_s = gc.gradients(gc.reduce_sum(s), [a])[0]     # dp: zeros
    with gc.Session() as sess:
        ga, gb = sess.run(gc.gradients(gc.reduce_sum(s) + gc.reduce_sum(3.0 * p), [a, b]))
        assert ga.tolist() == [10.0, -2.0] and gb.tolist() == [4.0, 7.0]     # as TF
        assert sess.run(only_s).tolist() == [1.0, 1.0]


def test_optimizer_slots_made_in_a_loop_body_are_named_as_outside():
    w = gc.Variable([1.0, 2.0], name="w")

    def body(i):
        with gc.control_dependencies([gc.train.AdamOptimizer(0.1).minimize(
                gc.reduce_sum(w * w))]):
            return i + 1
    gc.while_loop(lambda i: i < 2, body, [0])
    names = sorted(v.op.name for v in gc.global_variables())
    assert names == ["w", "w/Adam", "w/Adam_1", "while/beta1_power", "while/beta2_power"]


def test_an_optimizer_for_resource_variables_and_resize_method_names():
    class HalfSGD(gc.train.Optimizer):
        def __init__(self):
            super().__init__(False, "Half")

        def _resource_apply_dense(self, grad, handle):
            return gc.assign_sub(handle, 0.5 * grad)
    w = gc.Variable([1.0, 2.0])
    train = HalfSGD().minimize(gc.reduce_sum(w * w))
    x = gc.constant(np.arange(4, dtype=np.float32).reshape(1, 2, 2, 1))
    sizes = [gc.image.resize_images(x, [3, 3], method=m) for m in
             ("bilinear", "nearest", "bicubic", "area")]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(train)
        assert s.run(w).tolist() == [0.0, 0.0]
        np.testing.assert_allclose(s.run(sizes[0]).ravel()[:4], [0, 2 / 3, 1, 4 / 3],
                                   rtol=1e-6)


def test_keras_weights_checkpoints_make_their_directory_and_save_every_n_batches(tmp_path):
    keras = gc.keras
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse")
    path = str(tmp_path / "checkpoints" / "my_checkpoint")
    model.save_weights(path)                        # the directory is made, as tf_keras
    assert model.load_weights(path).expect_partial() is not None
    every3 = keras.callbacks.ModelCheckpoint(str(tmp_path / "ck-{epoch:02d}-{batch}.npz"),
                                             save_freq=3, save_weights_only=True)
    model.fit(np.ones((40, 3), np.float32), np.ones((40, 1), np.float32), batch_size=8,
              epochs=2, shuffle=False, verbose=0, callbacks=[every3])
    # 5 batches an epoch: saves after batches 3, 6 (epoch 2's 1st) and 9 (its 4th)
    assert sorted(f for f in os.listdir(tmp_path) if f.startswith("ck")) == [
        "ck-01-3.npz", "ck-02-1.npz", "ck-02-4.npz"]


SCALE = 3.0


def test_keras_lambdas_with_closures_defaults_and_globals_reload(tmp_path):
    keras = gc.keras

    def closure(s):
        return lambda t: t * s
    fns = {"closure": closure(3.0), "default_arg": lambda t, k=2: t[:, :k] * 1.0,
           "module_gc": lambda t: gc.expand_dims(t, -1), "module_global": lambda t: t * SCALE}
    x = np.ones((1, 3), np.float32)
    for name, fn in fns.items():
        path = str(tmp_path / f"{name}.json")
        inp = keras.layers.Input((3,))
        model = keras.models.Model(inp, keras.layers.Lambda(fn)(inp))
        with open(path, "w") as f:
            f.write(model.to_json())
        with open(path) as f:
            back = keras.models.model_from_json(f.read())
        np.testing.assert_allclose(back.predict(x), model.predict(x))


def test_keras_custom_objects_scope_and_constraints_on_load(tmp_path):
    keras = gc.keras

    class MyInit(keras.initializers.Initializer):
        def __init__(self, v=0.1):
            self.v = v

        def __call__(self, shape, dtype=None, partition_info=None):
            return keras.backend.constant(np.full(shape, self.v, np.float32))

        def get_config(self):
            return {"v": self.v}

    class Clip(keras.constraints.Constraint):
        def __init__(self, c=0.3):
            self.c = c

        def __call__(self, w):
            return keras.backend.clip(w, -self.c, self.c)

        def get_config(self):
            return {"c": self.c}
    model = keras.models.Sequential([keras.layers.Dense(
        2, input_shape=(3,), kernel_initializer=MyInit(0.2), kernel_constraint=Clip(0.25))])
    config = model.get_config()
    with keras.utils.CustomObjectScope({"MyInit": MyInit, "Clip": Clip}):
        back = keras.models.Sequential.from_config(config)
    layer = back.layers[0]
    assert isinstance(layer.kernel_constraint, Clip) and layer.kernel_constraint.c == 0.25
    assert isinstance(layer.kernel_initializer, MyInit)


def test_a_sequential_without_input_shape_stays_one_layer_of_its_caller():
    keras = gc.keras
    base = keras.models.Sequential([keras.layers.Dense(3, name="c")], name="base")
    inp = keras.layers.Input((4,))
    model = keras.models.Model(inp, keras.layers.Dense(1, name="o")(base(inp)))
    assert [layer.name for layer in model.layers] == ["input_1", "base", "o"]
    base.trainable = False
    assert [w.op.name for w in model.trainable_weights] == ["o/kernel", "o/bias"]
    assert model.get_layer("base") is base


def test_reduce_join_axes_order_and_empty_unicode_encode():
    a = gc.constant([["a", "b"], ["c", "d"]])
    joined = [gc.strings.reduce_join(a, [0, 1]), gc.strings.reduce_join(a, [1, 0]),
              gc.strings.reduce_join(a)]
    empty = gc.strings.unicode_encode(gc.zeros([0], gc.int32), "UTF-8")
    with gc.Session() as s:
        assert s.run(joined) == [b"acbd", b"abcd", b"abcd"]      # TF1's documented order
        assert s.run(empty) == b""


def test_which_gradients_are_sparse_follows_tf1():
    w = gc.Variable(np.ones((4, 2), np.float32))
    ids = gc.constant([0, 2])
    through_identity = gc.gradients(gc.reduce_sum(gc.gather(w.read_value(), ids)), w)[0]
    assert isinstance(through_identity, gc.IndexedSlices)       # TF1: Identity passes it on
    sp = gc.SparseTensor([[0, 1], [1, 3]], [1.0, 2.0], [2, 4])
    spmm = gc.gradients(gc.reduce_sum(gc.sparse_tensor_dense_matmul(sp, w)), w)[0]
    segment = gc.gradients(gc.reduce_sum(gc.sparse_segment_sum(w, ids, [0, 0])), w)[0]
    sparse_segment = gc.gradients(gc.reduce_sum(gc.sparse_segment_sum(
        w, ids, [0, 0], sparse_gradient=True)), w)[0]
    assert isinstance(spmm, gc.Tensor) and isinstance(segment, gc.Tensor)   # dense, as TF1
    assert isinstance(sparse_segment, gc.IndexedSlices)
    with gc.Session() as s:
        s.run(w.initializer)
        assert s.run(spmm)[:, 0].tolist() == [0.0, 1.0, 0.0, 2.0]
        assert s.run(segment)[:, 0].tolist() == [1.0, 0.0, 1.0, 0.0]


def test_regexes_follow_re2_on_utf8():
    """POSIX classes, ASCII Perl classes, '.' as one UTF-8 character (values as TF's)."""
    s = gc.constant(["Hello, world!! (ok)", "naïve café"])
    cases = {"[[:punct:]]": (b"Hello world ok", "naïve café".encode()),
             "[[:alpha:]]+": (b"W, W!! (W)", "WïW Wé".encode()),
             r"[^\x00-\x7F]": (b"Hello, world!! (ok)", b"na?ve caf?"),
             r"\pL+": (b"L, L!! (L)", b"L L")}
    rewrite = {"[[:punct:]]": "", "[[:alpha:]]+": "W", r"[^\x00-\x7F]": "?", r"\pL+": "L"}
    with gc.Session() as sess:
        for pattern, want in cases.items():
            got = sess.run(gc.regex_replace(s, pattern, rewrite[pattern]))
            assert tuple(got) == want, pattern
        assert sess.run(gc.strings.regex_full_match(s, "na.ve caf.")).tolist() == [False,
                                                                                   True]


def test_model_from_json_reads_tf_keras_json():
    """tf_keras writes "Functional" and InputLayer's optional/ragged: read as graphc's."""
    import json
    keras = gc.keras
    inp = keras.layers.Input((3,), name="x")
    model = keras.models.Model(inp, keras.layers.Dense(2, name="d")(inp))
    config = json.loads(model.to_json())
    config["class_name"] = "Functional"
    for layer in config["config"]["layers"]:
        if layer["class_name"] == "InputLayer":
            layer["config"].update(optional=False, ragged=False)
    back = keras.models.model_from_json(json.dumps(config))
    assert [layer.name for layer in back.layers] == ["x", "d"]


def test_an_op_on_a_keras_tensor_given_as_initial_state():
    keras = gc.keras
    seq, state = keras.layers.Input((5, 3)), keras.layers.Input((4,))
    out = keras.layers.GRU(4)(seq, initial_state=state * 0.5)   # a tf_op_layer, as tf_keras
    model = keras.models.Model([seq, state], out)
    assert any(layer.name.startswith("tf_op_layer_") for layer in model.layers)
    got = model.predict([np.ones((2, 5, 3), np.float32), np.ones((2, 4), np.float32)])
    assert got.shape == (2, 4)


def test_keras_constant_of_bools_is_numeric():
    K = gc.keras.backend
    with gc.Session() as s:
        assert s.run(K.constant(True)) == 1.0
        assert s.run(K.constant([True, False], dtype="int32")).tolist() == [1, 0]


def test_fed_indices_and_paddings_out_of_range_fail_the_run_as_tf1s_cpu_kernels():
    emb = gc.constant(np.arange(8.0).reshape(4, 2))
    ids = gc.placeholder(gc.int32, [None])
    lab = gc.placeholder(gc.int32, [None])
    logits = gc.placeholder(gc.float32, [None, None])
    x = gc.placeholder(gc.float32, [None])
    pads = gc.placeholder(gc.int32, [1, 2])
    with gc.Session() as s:
        for t in (gc.gather(emb, ids), gc.nn.embedding_lookup(emb, ids),
                  gc.gather(emb, ids, axis=1)):
            with pytest.raises(gc.errors.InvalidArgumentError, match=r"= -1 is not in"):
                s.run(t, {ids: [0, -1]})            # -1 (a padding id) is no row
        np.testing.assert_array_equal(s.run(gc.gather(emb, ids), {ids: [3, 0]}),
                                      [[6, 7], [0, 1]])
        xent = gc.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=logits)
        with pytest.raises(gc.errors.InvalidArgumentError, match="shape of logits"):
            s.run(xent, {lab: [0, 1], logits: np.ones((1, 3), np.float32)})
        for mode, ok in (("REFLECT", [[2, 2]]), ("SYMMETRIC", [[3, 3]])):
            y = gc.pad(x, pads, mode=mode)
            assert s.run(y, {x: [1, 2, 3], pads: ok}).shape == (3 + 2 * ok[0][0],)
            with pytest.raises(gc.errors.InvalidArgumentError, match=f"at most .* {mode}"):
                s.run(y, {x: [1, 2, 3], pads: [[ok[0][0] + 1, 0]]})


def test_feeds_and_arguments_tf1_converts():
    mask = gc.placeholder(gc.float32, [None, None])
    ids = np.array([[3, 4, 0], [5, 0, 0]])
    n = gc.placeholder(gc.int64, [])
    sp = gc.SparseTensor([[0, 1], [1, 3]], [1.0, 2.0], [n * 2, 4])   # a list with a tensor
    v = gc.Variable(3.0)
    with gc.Session() as s:
        assert s.run(gc.reduce_sum(mask), {mask: ids > 0}) == 3.0   # a bool mask: 0 and 1
        dense = s.run(gc.sparse.to_dense(sp), {n: 1})
        s.run(v.initializer)
        assert v.eval(s) == 3.0                     # Variable.eval(session), positionally
    assert dense.shape == (2, 4) and dense[1, 3] == 2.0


def test_dtype_limits_and_comparisons_with_numpy_types_and_names():
    scores = gc.placeholder(gc.float32, [None, None])
    mask = gc.placeholder(gc.bool, [None, None])
    masked = gc.where(mask, scores, gc.fill(gc.shape(scores), scores.dtype.min))
    with gc.Session() as s:
        att = s.run(gc.nn.softmax(masked), {scores: [[1., 2., 3.]], mask: [[1, 1, 0]]})
    np.testing.assert_allclose(att, [[0.26894143, 0.73105854, 0.0]], rtol=1e-6)  # TF's
    assert gc.uint8.max == 255 and gc.int8.min == -128 and gc.float16.max == 65504
    assert gc.bool.max is True and gc.uint8.limits == (0, 255)
    assert scores.dtype == np.float32 and scores.dtype == "float32"
    assert scores.dtype in [np.float32] and scores.dtype != np.float64
    assert gc.float32 != gc.float64 and gc.float32 != None  # noqa: E711
    assert gc.float32.is_compatible_with(np.float32) and gc.float32.as_datatype_enum == 1
    assert len({gc.float32, gc.float32, gc.int32}) == 2
    with pytest.raises(TypeError, match="Cannot find min value of string"):
        gc.string.min


def test_py_function_converts_results_to_tout_as_tf():
    x = gc.placeholder(gc.float32, [None])
    y = gc.py_function(lambda a: np.ones(2), [x], gc.float32)    # float64 from numpy
    t = gc.py_func(lambda a: np.array(["ab", "c"]), [x], gc.string)   # numpy unicode
    with gc.Session() as s:
        got, text = s.run([y, t], {x: [1., 2.]})
    assert got.dtype == np.float32 and text.tolist() == [b"ab", b"c"]


def test_losses_load_cumsum_and_constant_details_of_tf1():
    p = gc.placeholder(gc.float16, [None, 2])
    mse = gc.losses.mean_squared_error(gc.zeros_like(p), p)
    assert mse.dtype == gc.float32 and gc.losses.hinge_loss(    # float64 is kept
        gc.ones([2], gc.float64), gc.ones([2], gc.float64)).dtype == gc.float64
    x = gc.placeholder(gc.float32, [None, 3])
    ex = gc.cumsum(x, 0, exclusive=True)
    v = gc.Variable([1.0, 2.0])
    filled = gc.constant([1.0, 0.5], shape=[2, 3])      # TF1: the last value fills
    with gc.Session() as s:
        assert s.run(mse, {p: [[300, 0], [250, 1]]}) == 38125.25   # float16 would be inf
        assert s.run(ex, {x: np.zeros((0, 3))}).shape == (0, 3)
        s.run(v.initializer)
        with pytest.raises(ValueError, match=r"shape \(3,\)"):
            v.load(np.ones(3), s)
        np.testing.assert_array_equal(s.run(filled), [[1, .5, .5], [.5, .5, .5]])


def test_argmax_top_k_sort_and_max_pool_pass_over_nans_as_tf():
    x = gc.placeholder(gc.float32, [None, None])
    v = np.array([[np.nan, 3., 1.], [2., np.nan, 5.], [1., 2., 3.]], np.float32)
    pool = gc.nn.max_pool(gc.reshape(x, [1, 1, -1, 1]), [1, 1, 2, 1], [1, 1, 2, 1], "VALID")
    with gc.Session() as s:
        amax, amin, top = s.run([gc.argmax(x, 1), gc.argmin(x, 1), gc.nn.top_k(x, 1).indices],
                                {x: v})
        desc = s.run(gc.sort(x, direction="DESCENDING"), {x: [[1., np.nan, 3.]]})
        pooled = s.run(pool, {x: [[np.nan, 1., 1., np.nan]]})
    assert amax.tolist() == [1, 2, 2] and amin.tolist() == [2, 0, 0]      # TF's
    assert top.ravel().tolist() == [1, 2, 2] and pooled.ravel().tolist() == [1., 1.]
    np.testing.assert_array_equal(desc, [[3., 1., np.nan]])


def test_float16_sums_accumulate_in_float32():
    x = gc.placeholder(gc.float16, [None, 2])
    with gc.Session() as s:
        total, mean = s.run([gc.reduce_sum(x, 0), gc.reduce_mean(x, 0)],
                            {x: np.full((1000, 2), 0.5, np.float16)})
    assert total.dtype == np.float16 and total.tolist() == [500, 500]   # not stuck at 256
    assert mean.tolist() == [0.5, 0.5]


def test_range_the_wrong_way_fails_and_gradients_of_no_ys_are_none():
    n = gc.placeholder(gc.int32, [])
    x = gc.placeholder(gc.float32, [2])
    with gc.Session() as s:
        assert s.run(gc.range(n, 3), {n: 3}).tolist() == []       # start == limit: empty
        with pytest.raises(gc.errors.InvalidArgumentError, match="Requires start <= limit"):
            s.run(gc.range(3, n, 1), {n: 1})
    with pytest.raises(gc.errors.ShapeError, match="wrong way"):
        gc.range(3, 1, 1)
    assert gc.gradients([], [x]) == [None]          # an empty collection of losses (TF1)


def test_get_attr_and_node_def_give_tf1s_attrs():
    x = gc.placeholder(gc.float32, [None, 4, 4, 2])
    pool = gc.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    conv = gc.nn.conv2d(x, gc.ones([3, 3, 2, 2]), [1, 2, 2, 1], "SAME")
    cast = gc.cast(x, gc.float64)
    assert pool.op.get_attr("ksize") == [1, 2, 2, 1] and pool.op.get_attr("T") == gc.float32
    assert pool.op.get_attr("padding") == b"VALID"
    assert conv.op.get_attr("strides") == [1, 2, 2, 1]
    assert conv.op.get_attr("data_format") == b"NHWC"
    assert cast.op.get_attr("SrcT") == gc.float32 and cast.op.get_attr("DstT") == gc.float64
    assert pool.op.node_def.op == "MaxPool" and pool.op.node_def.name == pool.op.name
    with pytest.raises(ValueError, match="has no attr named 'nope'"):
        pool.op.get_attr("nope")


def test_leaky_relu_of_ints_is_float32():
    y = gc.nn.leaky_relu(gc.constant([-2, 3]))
    assert y.dtype == gc.float32
    np.testing.assert_allclose(gc.Session().run(y), [-0.4, 3.0], rtol=1e-6)


def test_batched_gather_has_tf1s_static_shape():
    x = gc.placeholder(gc.float32, [None, 5, 3])
    i = gc.placeholder(gc.int32, [None, 2])
    assert gc.gather(x, i, batch_dims=1).shape.as_list() == [None, 2, 3]
    assert gc.gather(x, i, axis=2, batch_dims=1).shape.as_list() == [None, 5, 2]


def test_a_state_tuple_is_a_feed_key():
    cell = gc.nn.rnn_cell.MultiRNNCell([gc.nn.rnn_cell.BasicLSTMCell(2) for _ in range(2)])
    x = gc.placeholder(gc.float32, [1, 3, 2])
    init = cell.zero_state(1, gc.float32)
    out, state = gc.nn.dynamic_rnn(cell, x, initial_state=init)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        xv = np.ones((1, 3, 2), np.float32)
        first, st = s.run([out, state], {x: xv})
        again = s.run(out, {x: xv, init: st})          # char-rnn sampling: carry the state
        with pytest.raises(gc.errors.FeedError, match="structure of 2 tensors"):
            s.run(out, {x: xv, init: np.zeros(3)})
    assert not np.allclose(first, again)


def test_graph_tensor_operation_and_session_introspection_of_tf1():
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float32, [None], name="x")
        y = gc.nn.relu(x)
        z = y * 2.0
        assert x.value_index == 0 and y.consumers() == [z.op] and y.op.values() == (y,)
        assert y.device == "" and y.op.traceback[0][0].endswith("test_tf1_api_details.py")
        n = g.version
        gc.identity(z)
        assert g.version == n + 1
        g.add_to_collections(["a", "b"], z)
        assert g.get_collection("a") == [z] == g.get_collection("b")
        g.clear_collection("a")
        assert g.get_collection("a") == []
        g.prevent_feeding(y)
        g.prevent_fetching(x.op)
        assert not g.is_feedable(y) and not g.is_fetchable(x) and g.is_fetchable(z)
        with gc.Session() as s:
            with pytest.raises(gc.errors.FeedError, match="may not be fed"):
                s.run(z, {x: [1.0], y: [2.0]})
            with pytest.raises(ValueError, match="marked as not fetchable"):
                s.run(x, {x: [1.0]})
            assert s.run(z, {x: [-1.0, 2.0]}).tolist() == [0.0, 4.0]
            assert s.list_devices()[0].device_type == "CPU"
            assert isinstance(s.graph_def, dict)
    other = gc.Graph()
    with other.as_default():
        op = gc.no_op()
    with g.as_default(), pytest.raises(ValueError, match="not an element of this graph"):
        with gc.control_dependencies([op]):
            pass


def test_the_tf1_freeze_script_runs_as_written(tmp_path):
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float32, [None, 3], name="input")
        w = gc.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 10, name="w")
        gc.nn.softmax(gc.matmul(x, w), name="prob")
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            frozen = gc.graph_util.convert_variables_to_constants(
                sess, sess.graph_def, ["prob"])
            want = sess.run("prob:0", {"input:0": np.ones((2, 3), np.float32)})
    assert "prob" in [n.name for n in frozen.node]
    path = tmp_path / "frozen.pb"
    path.write_bytes(frozen.SerializeToString())
    gd = gc.GraphDef()
    gd.ParseFromString(path.read_bytes())
    with gc.Graph().as_default() as g2:
        gc.import_graph_def(gd, name="")
        with gc.Session() as sess:
            got = sess.run("prob:0", {"input:0": np.ones((2, 3), np.float32)})
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert g2.get_operation_by_name("w").type == "Const"


def test_a_custom_getters_ops_are_named_outside_the_scopes_name_scope():
    def scaled(getter, name, *args, **kwargs):
        return getter(name, *args, **kwargs) * 0.5
    with gc.Graph().as_default():
        with gc.variable_scope("net", custom_getter=scaled):
            w = gc.get_variable("w", [3, 2])
            with gc.variable_scope("inner"):
                u = gc.get_variable("u", [2])
            h = gc.identity(w)
        assert (w.name, u.name, h.name) == ("mul:0", "mul_1:0", "net/Identity:0")  # TF1's


def test_clip_by_norm_and_tuple_take_their_names():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        a = gc.clip_by_norm(x, 1.0, name="clipped")
        b = gc.clip_by_norm(x, 1.0)
        t1, t2 = gc.tuple([x * 1.0, x * 2.0], name="tup")
        assert (a.name, b.name) == ("clipped:0", "clip_by_norm:0")       # TF1's
        assert (t1.name, t2.name) == ("tup/control_dependency:0",
                                      "tup/control_dependency_1:0")


def test_a_keras_cell_runs_in_dynamic_rnn():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, None, 3])
        lens = gc.placeholder(gc.int32, [None])
        cell = gc.keras.layers.LSTMCell(4)   # TF 1.15's replacement for rnn_cell.LSTMCell
        assert len(cell.get_initial_state(batch_size=2, dtype=gc.float32)) == 2
        outputs, state = gc.nn.dynamic_rnn(cell, x, sequence_length=lens, dtype=gc.float32)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            for v in gc.global_variables():
                v.load(np.full(v.get_shape().as_list(), 0.1, np.float32), s)
            o, (h, c) = s.run([outputs, state], {x: np.ones((2, 3, 3), np.float32),
                                                 lens: [3, 1]})
    np.testing.assert_allclose(o[:, :, 0], [[0.12578522, 0.21357507, 0.2737639],  # TF's
                                            [0.12578522, 0, 0]], rtol=1e-5)
    np.testing.assert_allclose([h[:, 0], c[:, 0]], [[0.2737639, 0.12578522],
                                                    [0.49541026, 0.2203704]], rtol=1e-5)


def test_a_python_value_operand_is_named_under_its_op_as_tf1():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        a, b, c, d = x + 1, gc.add(x, 1), x / 2.0, 1 - x
        k = gc.constant(1.0)
        names = [n.name for n in g.get_operations()]
    assert names == ["x", "add/y", "add", "Add_1/y", "Add_1", "truediv/y", "truediv",
                     "sub/x", "sub", "Const"]            # TF 2.21's graph
    assert k.name == "Const:0"      # the user's first constant is not Const_4


def test_composite_functions_take_tf1s_default_names():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        got = [gc.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=x).name,
               gc.nn.l2_normalize(x, 1).name, gc.clip_by_value(x, 0., 1.).name,
               gc.clip_by_value(x, 0., 1., name="c").name]
    assert got == ["logistic_loss:0", "l2_normalize:0", "clip_by_value:0", "c:0"]


def test_invalid_node_names_are_refused_as_tf1():
    with gc.Graph().as_default():
        for bad in ("my op", "a:b", "_hidden", "x:0"):
            with pytest.raises(ValueError, match="not a valid node name"):
                gc.placeholder(gc.float32, [], name=bad)
        assert gc.placeholder(gc.float32, [], name="ok.name-1/sub").name == "ok.name-1/sub:0"
        with gc.name_scope("scope"):        # after the first character "_" is fine (TF's
            assert gc.identity(1.0, name="_0").name == "scope/_0:0"     # clip_by_global_norm)


def test_image_ops_on_images_of_unknown_rank():
    x = gc.placeholder(gc.float32, None)            # a py_func's output, say
    xv = (np.arange(2 * 4 * 5 * 3, dtype=np.float32).reshape(2, 4, 5, 3) % 7) / 7
    outs = [gc.image.rot90(x), gc.image.transpose_image(x), gc.image.sobel_edges(x),
            gc.image.rgb_to_grayscale(x)]
    with gc.Session() as s:
        rot, tr, sob, gray = s.run(outs, {x: xv})
        rot3 = s.run(gc.image.rot90(x), {x: xv[0]})
    np.testing.assert_array_equal(rot, np.rot90(xv, 1, axes=(1, 2)))
    np.testing.assert_array_equal(rot3, np.rot90(xv[0], 1, axes=(0, 1)))
    np.testing.assert_array_equal(tr, xv.transpose(0, 2, 1, 3))
    assert sob.shape == (2, 4, 5, 3, 2)
    np.testing.assert_allclose(gray[..., 0], xv @ [0.2989, 0.5870, 0.1140], rtol=1e-5)


def test_ssim_and_image_patches_with_channels_known_only_at_run_time():
    a = gc.placeholder(gc.float32, [None, None, None, None])
    k = gc.placeholder(gc.float32, [None, None, None, 3])
    av = (np.arange(2 * 16 * 16 * 3, dtype=np.float32).reshape(2, 16, 16, 3) % 11) / 11
    with gc.Session() as s:
        for f in (lambda t: gc.image.ssim(t, t * 0.9 + 0.05, 1.0),
                  lambda t: gc.image.extract_image_patches(t, [1, 2, 3, 1], [1, 2, 2, 1],
                                                           [1, 1, 1, 1], "SAME")):
            got, want = s.run([f(a), f(k)], {a: av, k: av})
            np.testing.assert_allclose(got, want, rtol=1e-5)


def test_bicubic_and_area_resizes_of_images_sized_at_run_time():
    x = gc.placeholder(gc.float32, [None, None, None, 3])
    size = gc.placeholder(gc.int32, [2])
    xv = (np.arange(2 * 12 * 6 * 3, dtype=np.float32).reshape(2, 12, 6, 3) % 7) / 7
    with gc.Graph().as_default():
        k = gc.constant(xv)
        static = [gc.image.resize_bicubic(k, [4, 5]), gc.image.resize_area(k, [4, 5])]
        with gc.Session() as s:
            want = s.run(static)
    dyn = [gc.image.resize_bicubic(x, size), gc.image.resize_area(x, size)]
    (gx,) = gc.gradients(gc.reduce_sum(dyn[0]), x)
    with gc.Session() as s:
        got, g = s.run([dyn, gx], {x: xv, size: [4, 5]})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    assert g.shape == xv.shape


def test_adding_to_a_finalized_graph_is_tf1s_runtime_error():
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float32, [2])
        g.finalize()
        with pytest.raises(RuntimeError, match="finalized"):
            gc.identity(x)
        with pytest.raises(gc.errors.GraphError):
            gc.identity(x)


def test_sets_of_an_empty_last_dim_and_empty_list_feeds():
    """A batch whose every row is an empty set (last dim 0), and [] fed to a bool or
    int placeholder (numpy makes it float64; no value is lost), as TF1."""
    a = gc.placeholder(gc.int64, [None, None])
    b = gc.placeholder(gc.int64, [None, None])
    u = gc.sets.set_union(a, b)
    feed = {a: np.zeros((2, 0), np.int64), b: [[1], [2]]}
    with gc.Session() as s:
        size, dense, inter = s.run([gc.sets.set_size(u), gc.sparse.to_dense(u, -1),
                                    gc.sets.set_size(gc.sets.set_intersection(a, b))], feed)
        flags = gc.placeholder(gc.bool, [None])
        ids = gc.placeholder(gc.int32, [None])
        assert s.run([gc.size(flags), gc.size(ids)], {flags: [], ids: []}) == [0, 0]
    assert size.tolist() == [1, 1] and dense.tolist() == [[1], [2]]
    assert inter.tolist() == [0, 0]


def test_unary_math_shape_and_zeros_like_of_a_sparse_tensor():
    """The ops TF1 dispatches on a SparseTensor: abs, square, sqrt... act on its values
    (a SparseTensor comes back, gradients flow to the values); shape, size, rank and
    zeros_like read its dense shape. Ops TF1 refuses (exp: not zero-preserving) refuse."""
    ind = gc.placeholder(gc.int64, [None, 2])
    val = gc.placeholder(gc.float32, [None])
    sp = gc.SparseTensor(ind, val, [2, 3])
    fns = [gc.abs, gc.square, gc.sign, gc.negative, gc.tanh, gc.sin, gc.erf, gc.atan,
           gc.asinh, gc.asin, gc.atanh, gc.tan, gc.math.bessel_i0e, gc.identity,
           gc.stop_gradient]
    outs = [f(sp) for f in fns]
    assert all(isinstance(o, gc.SparseTensor) for o in outs)
    (g,) = gc.gradients(gc.reduce_sum(gc.sparse.to_dense(gc.square(sp))), val)
    feed = {ind: [[0, 1], [1, 0]], val: [0.4, -0.9]}
    with gc.Session() as s:
        got = s.run([o.values for o in outs] + [g, gc.zeros_like(sp), gc.shape(sp),
                                                gc.size(sp), gc.rank(sp),
                                                gc.shape(sp, out_type=gc.int64)], feed)
    v = np.array([0.4, -0.9], np.float32)
    erf = [math.erf(t) for t in v]
    i0e = [0.697399, 0.493160]                      # TF 2.21's bessel_i0e
    want = [np.abs(v), v * v, np.sign(v), -v, np.tanh(v), np.sin(v), erf, np.arctan(v),
            np.arcsinh(v), np.arcsin(v), np.arctanh(v), np.tan(v), i0e, v, v]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    np.testing.assert_allclose(got[len(fns)], 2 * v)
    assert got[len(fns) + 1].tolist() == [[0, 0, 0], [0, 0, 0]]
    assert got[len(fns) + 2].dtype == np.int32 and got[len(fns) + 2].tolist() == [2, 3]
    assert got[len(fns) + 3] == 6 and got[len(fns) + 4] == 2
    assert got[len(fns) + 5].dtype == np.int64
    with pytest.raises(TypeError):
        gc.exp(sp)


def test_a_repeated_sparse_index_keeps_its_last_value():
    """TF1's SparseToDense without validate_indices: the last value of a repeated index
    wins, and the gradient reaches every entry (values from TF 2.21)."""
    idx = gc.placeholder(gc.int64, [None, 2])
    v = gc.placeholder(gc.float32, [None])
    sp = gc.SparseTensor(idx, v, [2, 3])
    d = gc.sparse_tensor_to_dense(sp, validate_indices=False)
    d2 = gc.sparse.to_dense(sp, validate_indices=False, default_value=-1.0)
    d3 = gc.sparse_to_dense(idx, [2, 3], v, validate_indices=False)
    (g,) = gc.gradients(gc.reduce_sum(d * gc.constant([[1., 2, 3], [4, 5, 6]])), v)
    with gc.Session() as s:
        got = s.run([d, d2, d3, g], {idx: [[0, 1], [0, 1], [1, 2]], v: [1., 2., 5.]})
    assert got[0].tolist() == got[2].tolist() == [[0, 2, 0], [0, 0, 5]]
    assert got[1].tolist() == [[-1, 2, -1], [-1, -1, 5]]
    assert got[3].tolist() == [2, 2, 6]


def test_freezing_a_graph_whose_output_is_a_gradient():
    """FGSM / saliency maps: the frozen subgraph keeps the gradient nodes' forward nodes
    (their origin), so it serializes and imports back (values as TF 2.21)."""
    x = gc.placeholder(gc.float32, [None, 3], name="x")
    w = gc.Variable(np.array([[1.0], [-2.0], [0.5]], np.float32), name="w")
    loss = gc.reduce_sum(gc.nn.sigmoid(gc.matmul(x, w)))
    gc.identity(x + 0.1 * gc.sign(gc.gradients(loss, x)[0]), name="adv")
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        frozen = gc.graph_util.convert_variables_to_constants(s, s.graph_def, ["adv"])
        data = frozen.SerializeToString()
    with gc.Graph().as_default():
        gd = gc.GraphDef()
        gd.ParseFromString(data)
        (a,) = gc.import_graph_def(gd, return_elements=["adv:0"], name="")
        got = gc.Session().run(a, {"x:0": np.ones((2, 3), np.float32)})
    np.testing.assert_allclose(got, [[1.1, 0.9, 1.1]] * 2, rtol=1e-6)


def test_control_dependencies_on_indexed_slices_and_sparse_tensors():
    """TF1 takes an IndexedSlices (a lookup's gradient) or a SparseTensor: its op."""
    emb = gc.Variable(np.ones((5, 2), np.float32), name="emb")
    ids = gc.placeholder(gc.int32, [None])
    grads = gc.gradients(gc.reduce_sum(gc.nn.embedding_lookup(emb, ids)), [emb])
    assert isinstance(grads[0], gc.IndexedSlices)
    sp = gc.SparseTensor([[0, 0]], [1.0], [2, 2])
    with gc.control_dependencies(grads + [sp]):
        train = gc.train.GradientDescentOptimizer(0.1).apply_gradients(zip(grads, [emb]))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(train, {ids: [1, 1, 3]})
        np.testing.assert_allclose(s.run(emb)[:, 0], [1, 0.8, 1, 0.9, 1], rtol=1e-6)
    with pytest.raises(TypeError, match="Operation or Tensor"):
        with gc.control_dependencies([3.0]):
            pass


def test_batched_parse_example_strings_are_bytes_for_decode_raw():
    """parse_example of FixedLenFeature([], string): each cell holds the record's bytes
    (decode_raw then reads the image; a 0-d array there gave address bytes), and a str
    default_value comes back as bytes (values as TF 2.21)."""
    exs = []
    for i in range(3):
        ex = gc.train.Example()
        ex.features.feature["img"].bytes_list.value.append(
            (np.arange(6, dtype=np.float32) * (i + 1)).tobytes())
        exs.append(ex.SerializeToString())
    ser = gc.placeholder(gc.string, [None])
    f = gc.parse_example(ser, {"img": gc.FixedLenFeature([], gc.string),
                               "d": gc.FixedLenFeature([], gc.string, default_value="none")})
    one = gc.parse_single_example(ser[0], {"d": gc.FixedLenFeature([], gc.string,
                                                                   default_value="x")})
    with gc.Session() as s:
        img, d, lengths, d1 = s.run([gc.decode_raw(f["img"], gc.float32), f["d"],
                                     gc.strings.length(f["img"]), one["d"]], {ser: exs})
    np.testing.assert_array_equal(img, np.arange(6) * np.arange(1, 4)[:, None])
    assert list(d) == [b"none"] * 3 and lengths.tolist() == [24] * 3 and d1 == b"x"


def test_initialized_value_reads_without_reinitializing():
    """TF1: the current value once initialized (a cond on is_variable_initialized); the
    variable is never re-assigned, so trained or restored weights stay."""
    w = gc.Variable([1.0, 2.0], name="w")
    c3 = gc.Variable(w.initialized_value() * 2.0, name="c3")
    with gc.Session() as s:
        assert s.run(w.initialized_value()).tolist() == [1.0, 2.0]     # not initialized
        s.run(w.initializer)
        s.run(gc.assign(w, [5.0, 6.0]))
        s.run(c3.initializer)
        assert s.run(c3).tolist() == [10.0, 12.0] and s.run(w).tolist() == [5.0, 6.0]


def test_ema_shadows_start_from_the_current_value_and_float16_decays_in_float32():
    """Fine-tuning: restored weights, then only the new variables initialized: the
    shadow starts at the restored value (TF1's initialized_value). float16 variables get
    1 - decay computed in float32 (0.9999 would round to 1 in float16)."""
    w = gc.Variable([0.0, 0.0], name="w")
    h = gc.Variable(np.zeros(2, np.float16), name="h")
    ema = gc.train.ExponentialMovingAverage(0.9999)
    update = ema.apply([w, h])
    with gc.Session() as s:
        s.run([w.initializer, h.initializer])
        s.run(gc.assign(w, [3.0, 4.0]))
        s.run(gc.variables_initializer([ema.average(w), ema.average(h)]))
        assert s.run(ema.average(w)).tolist() == [3.0, 4.0]
        s.run(gc.assign(h, np.array([100.0, 1000.0], np.float16)))
        s.run(update)
        np.testing.assert_allclose(s.run(ema.average(h)), [0.01, 0.1], rtol=2e-3)


def test_global_step_in_a_variable_scope_and_adam_callable_hyperparameters():
    with gc.variable_scope("model"):
        step = gc.train.get_or_create_global_step()
    assert step.op.name == "model/global_step" and gc.train.get_global_step() is step
    w = gc.Variable([1.0, -2.0])
    opt = gc.train.AdamOptimizer(lambda: 0.1, beta1=lambda: 0.7, beta2=lambda: 0.9,
                                 epsilon=lambda: 1e-3)
    train = opt.minimize(gc.reduce_sum(w * w))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for _ in range(3):
            s.run(train)
        np.testing.assert_allclose(s.run(w), [0.7033844, -1.7014868], rtol=1e-5)   # TF


def test_gamma_log_prob_at_zero_and_exponential_outside_its_support():
    """Gamma's log_prob uses xlogy (x = 0 with concentration 1 gives log(rate), and its
    gradient in the concentration is TF's); Exponential's cdf and survival function are
    NaN below 0, as TF's (values from TF 2.21)."""
    x = gc.placeholder(gc.float32, [None])
    c = gc.placeholder(gc.float32, [None])
    d = gc.distributions.Gamma(concentration=c, rate=2.0)
    lp = d.log_prob(x)
    (g,) = gc.gradients(gc.reduce_sum(lp), c)
    e = gc.distributions.Exponential(rate=2.0)
    with gc.Session() as s:
        got = s.run([lp, d.prob(x), g], {x: [0.0, 0.5], c: [1.0, 1.0]})
        cdf, sf = s.run([e.cdf(x), e.survival_function(x)], {x: [-1.0, 0.0, 1.0]})
    np.testing.assert_allclose(got[0], [0.6931472, -0.30685282], rtol=1e-6)
    np.testing.assert_allclose(got[1], [2.0, 0.7357589], rtol=1e-6)
    np.testing.assert_allclose(got[2], [1.2703631, 1.2703631], rtol=1e-5)
    assert np.isnan(cdf[0]) and np.isnan(sf[0])
    np.testing.assert_allclose([cdf[1], cdf[2], sf[1], sf[2]],
                               [0.0, 0.86466473, 1.0, 0.13533527], rtol=1e-6)
