"""Model.summary prints TF 1.15's tf.keras table byte for byte (layer_utils.print_summary
of TF 1.15): 65 columns for a Sequential, a subclassed model or a chain-like functional
model, 98 with 'Connected to' otherwise; rows padded with spaces, never stripped. The
shapes and parameter counts were checked against tf_keras (whose newer layout differs)."""
import pytest

import graphc as gc

keras = gc.keras
L = keras.layers
SEQ_HEAD = ['_' * 65,
            'Layer (type)                 Output Shape              Param #   ',
            '=' * 65]
FUN_HEAD = ['_' * 98,
            'Layer (type)                    Output Shape         Param #     '
            'Connected to                     ',
            '=' * 98]
SEQ_LINE, FUN_LINE = '_' * 65, '_' * 98


def lines_of(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def totals(total, trainable, non_trainable, width=65):
    return [f"Total params: {total}", f"Trainable params: {trainable}",
            f"Non-trainable params: {non_trainable}", "_" * width]


def mlp():
    return keras.Sequential([L.Dense(32, activation="relu", input_shape=(16,), name="hidden"),
                             L.Dropout(0.1, name="drop"), L.Dense(10, name="logits")],
                            name="mlp")


def test_sequential():
    with gc.Graph().as_default():
        assert lines_of(mlp()) == ['Model: "mlp"'] + SEQ_HEAD + [
            'hidden (Dense)               (None, 32)                544       ', SEQ_LINE,
            'drop (Dropout)               (None, 32)                0         ', SEQ_LINE,
            'logits (Dense)               (None, 10)                330       ',
            '=' * 65] + totals(874, 874, 0)


def test_sequential_batch_norm_and_frozen_layer_count_as_non_trainable():
    with gc.Graph().as_default():
        model = keras.Sequential([L.Conv2D(4, 3, input_shape=(8, 8, 1), name="conv"),
                                  L.BatchNormalization(name="batch_normalization"),
                                  L.Flatten(name="flat"),
                                  L.Dense(3, trainable=False, name="frozen")], name="cnn")
        # the long name is cut at column 29, its last character replaced by a space
        assert lines_of(model) == ['Model: "cnn"'] + SEQ_HEAD + [
            'conv (Conv2D)                (None, 6, 6, 4)           40        ', SEQ_LINE,
            'batch_normalization (BatchNo (None, 6, 6, 4)           16        ', SEQ_LINE,
            'flat (Flatten)               (None, 144)               0         ', SEQ_LINE,
            'frozen (Dense)               (None, 3)                 435       ',
            '=' * 65] + totals(491, 48, 443)


def test_trainable_count_is_the_compiled_weights():
    with gc.Graph().as_default():
        model = keras.Sequential([L.Dense(2, input_shape=(3,), name="d")], name="s")
        model.compile("sgd", "mse")
        model.layers[0].trainable = False   # TF 1.15: collected at compile, so counted twice
        assert lines_of(model)[-4:] == totals(16, 8, 8)


def test_functional_chain_lists_its_input_layer():
    with gc.Graph().as_default():
        inp = keras.Input((28, 28, 1), name="image")
        x = L.Flatten(name="flat")(L.Conv2D(8, 3, name="conv")(inp))
        model = keras.Model(inp, L.Dense(2, name="out")(x), name="linear")
        assert lines_of(model) == ['Model: "linear"'] + SEQ_HEAD + [
            'image (InputLayer)           [(None, 28, 28, 1)]       0         ', SEQ_LINE,
            'conv (Conv2D)                (None, 26, 26, 8)         80        ', SEQ_LINE,
            'flat (Flatten)               (None, 5408)              0         ', SEQ_LINE,
            'out (Dense)                  (None, 2)                 10818     ',
            '=' * 65] + totals("10,898", "10,898", 0)


def test_functional_merge_of_two_branches_shows_connections():
    with gc.Graph().as_default():
        a, b = keras.Input((4,), name="a"), keras.Input((6,), name="b")
        z = L.Concatenate(name="cat")([L.Dense(3, name="left")(a),
                                       L.Dense(5, name="right")(b)])
        model = keras.Model([a, b], L.Dense(1, name="score")(z), name="two_towers")
        assert lines_of(model) == ['Model: "two_towers"'] + FUN_HEAD + [
            'a (InputLayer)                  [(None, 4)]          0                   '
            '                         ', FUN_LINE,
            'b (InputLayer)                  [(None, 6)]          0                   '
            '                         ', FUN_LINE,
            'left (Dense)                    (None, 3)            15          a[0][0] '
            '                         ', FUN_LINE,
            'right (Dense)                   (None, 5)            35          b[0][0] '
            '                         ', FUN_LINE,
            'cat (Concatenate)               (None, 8)            0           left[0]['
            '0]                       ',
            '                                                                 right[0]'
            '[0]                      ', FUN_LINE,
            'score (Dense)                   (None, 1)            9           cat[0][0'
            ']                        ',
            '=' * 98] + totals(59, 59, 0, 98)


def test_shared_layer_rows_list_only_the_models_calls():
    with gc.Graph().as_default():
        shared = L.Dense(4, name="shared")
        shared(keras.Input((4,), name="elsewhere"))     # call 0: not in the model
        a = keras.Input((4,), name="a")
        y = L.Add(name="add")([shared(a), shared(L.Dense(4, name="pre")(a))])
        model = keras.Model(a, y, name="siamese")
        assert lines_of(model)[4:] == [
            'a (InputLayer)                  [(None, 4)]          0                   '
            '                         ', FUN_LINE,
            'pre (Dense)                     (None, 4)            20          a[0][0] '
            '                         ', FUN_LINE,
            'shared (Dense)                  (None, 4)            20          a[0][0] '
            '                         ',
            '                                                                 pre[0][0'
            ']                        ', FUN_LINE,
            'add (Add)                       (None, 4)            0           shared[1'
            '][0]                     ',
            '                                                                 shared[2'
            '][0]                     ',
            '=' * 98] + totals(40, 40, 0, 98)


def test_a_chain_calling_one_layer_twice_is_not_sequential_like():
    with gc.Graph().as_default():
        a = keras.Input((4,), name="a")
        twice = L.Dense(4, name="twice")
        lines = lines_of(keras.Model(a, twice(twice(a)), name="chain"))
        assert lines[1:4] == FUN_HEAD and lines[6:8] == [
            'twice (Dense)                   (None, 4)            20          a[0][0] '
            '                         ',
            '                                                                 twice[0]'
            '[0]                      ']


def test_a_layer_with_calls_of_different_shapes_shows_multiple():
    with gc.Graph().as_default():
        a, b = keras.Input((4,), name="a"), keras.Input((2, 4), name="b")
        d = L.Dense(3, name="d")
        y = L.Concatenate(name="cat", axis=1)([L.Reshape((1, 3), name="r")(d(a)), d(b)])
        lines = lines_of(keras.Model([a, b], y, name="m"))
        assert 'd (Dense)                       multiple             15          a[0][0] ' \
               '                         ' in lines


class Net(keras.Model):
    def __init__(self):
        super().__init__(name="net")
        self.d1 = L.Dense(5, name="d1")
        self.bn = L.BatchNormalization(name="bn")
        self.d2 = L.Dense(2, name="d2")

    def call(self, x):
        return self.d2(self.bn(self.d1(x)))


def test_subclassed_model_after_build():
    with gc.Graph().as_default():
        net = Net()
        with pytest.raises(ValueError, match="has not yet been built"):
            net.summary()
        net.build((None, 3))
        assert lines_of(net) == ['Model: "net"'] + SEQ_HEAD + [
            'd1 (Dense)                   multiple                  20        ', SEQ_LINE,
            'bn (BatchNormalization)      multiple                  20        ', SEQ_LINE,
            'd2 (Dense)                   multiple                  12        ',
            '=' * 65] + totals(52, 42, 10)


def test_line_length_and_positions():
    with gc.Graph().as_default():
        model = mlp()
        # fractions of 40: columns end at 18, 34, 40
        assert lines_of(model, line_length=40)[1:5] == [
            '_' * 40, 'Layer (type)      Output Shape    Param ', '=' * 40,
            'hidden (Dense)    (None, 32)      544   ']
        # absolute positions (the last > 1); a field cut short loses its last character
        assert lines_of(model, line_length=30, positions=[8, 20, 26])[1:5] == [
            '_' * 30, 'Layer ( Output Shap Param ', '=' * 30, 'hidden  (None, 32)  544   ']
        a = keras.Input((4,), name="a")
        y = L.Add(name="add")([L.Dense(4, name="p")(a), L.Dense(4, name="q")(a)])
        lines = lines_of(keras.Model(a, y, name="m"), line_length=50,
                         positions=[.3, .6, .7, 1.])
        # columns end at 15, 30, 35, 50: 'Param #' is cut to 'Param', whose 'm' the
        # next field's separating space replaces
        assert lines[1:3] == ['_' * 50, 'Layer (type)   Output Shape   Para Connected to   ']
        assert lines[-7:-4] == ['add (Add)      (None, 4)      0    p[0][0]        ',
                                ' ' * 35 + 'q[0][0]        ', '=' * 50]


def test_print_fn_defaults_to_print(capsys):
    with gc.Graph().as_default():
        model = mlp()
        captured = lines_of(model)
        model.summary()
        assert capsys.readouterr().out == "\n".join(captured) + "\n"


def test_input_layer_shapes_are_lists():
    """Keras' InputLayer answers output_shape and input_shape with a list of one shape
    (tf_keras: [(None, 3)]); a Model's input_shape is the shape itself."""
    g = gc.Graph()
    with g.as_default():
        i = gc.keras.Input((3,))
        m = gc.keras.Model(i, gc.keras.layers.Dense(2)(i))
        assert m.layers[0].output_shape == m.layers[0].input_shape == [(None, 3)]
        assert m.input_shape == m.layers[1].input_shape == (None, 3)
        assert m.layers[1].output_shape == (None, 2)
