"""gc.contrib.training.HParams and parse_values, as TF 1.15's tf.contrib.training
(messages and type rules from tensorflow/contrib/training/python/training/hparam.py)."""
import json

import numpy as np
import pytest

import graphc as gc
from graphc.contrib.training import HParamDef, HParams, parse_values


def make():
    return HParams(lr=0.1, steps=10, name_="net", on=True, layers=[64, 32],
                   rates=[0.5, 0.25], acts=["relu", "tanh"])


def test_attributes_values_and_membership():
    hp = make()
    assert hp.lr == 0.1 and hp.steps == 10 and hp.layers == [64, 32]
    assert hp.values() == {"lr": 0.1, "steps": 10, "name_": "net", "on": True,
                           "layers": [64, 32], "rates": [0.5, 0.25], "acts": ["relu", "tanh"]}
    assert "lr" in hp and "nope" not in hp
    assert str(HParams(a=1, b=[1, 2])) == "a=1,b=[1, 2]"
    assert repr(HParams(b="x", a=1)) == "HParams([('a', 1), ('b', 'x')])"


def test_add_hparam_refuses_reserved_and_empty():
    hp = HParams()
    for name in ("values", "parse", "get", "to_json"):
        with pytest.raises(ValueError, match=f"Hyperparameter name is reserved: {name}"):
            hp.add_hparam(name, 1)
    with pytest.raises(ValueError, match="Multi-valued hyperparameters cannot be empty: x"):
        hp.add_hparam("x", [])
    hp.add_hparam("t", (1, 2))            # a tuple is a list hparam, kept as given
    assert hp.t == (1, 2)
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: t"):
        hp.add_hparam("t", 3)


def test_parse_grammar():
    hp = make()
    assert hp.parse("lr=1,steps=20, name_=big_net,on=false,layers=[1 2,3],"
                    "rates=[1e-3],acts=[a,b]") is hp
    assert hp.values() == {"lr": 1.0, "steps": 20, "name_": "big_net", "on": False,
                           "layers": [1, 2, 3], "rates": [0.001], "acts": ["a", "b"]}
    assert isinstance(hp.lr, float)
    for text, want in [("on=True", True), ("on=0", False), ("on=7", True),
                       ("on=False", False)]:
        assert hp.parse(text).on is want
    hp.add_hparam("a.b", 1)                # dotted names: parse and getattr only
    assert getattr(hp.parse("a.b=5"), "a.b") == 5
    assert hp.parse("") is hp


@pytest.mark.parametrize("text,message", [
    ("lr=abc", "Could not parse hparam 'lr' of type 'float' with value 'abc' in lr=abc"),
    ("steps=1.5", "Could not parse hparam 'steps' of type 'int' with value '1.5'"),
    ("on=yes", "Could not parse hparam 'on' of type 'bool' with value 'yes' in on=yes"),
    ("layers=[1,x]", "Could not parse hparam 'layers' of type 'int' with value '1,x'"),
    ("lr=1,lr=2", "Multiple assignments to variable 'lr' in lr=1,lr=2"),
    ("zz=1", "Unknown hyperparameter type for zz"),
    ("lr", "Malformed hyperparameter value: lr"),
    ("lr=1;steps=2", "Could not parse hparam 'lr'"),
    ("1x=3", "Malformed hyperparameter value: 1x=3"),
    ("layers[0]=[1]", r"Assignment of a list to a list index\."),
    ("layers[1]=3", r"Must pass a list for multi-valued parameter: layers\."),
    ("lr=[1.0]", "Must not pass a list for single-valued parameter: lr"),
])
def test_parse_errors(text, message):
    with pytest.raises(ValueError, match=message):
        make().parse(text)


def test_parse_values():
    types = {"x": int, "L": int, "arr": int, "s": str, "b": bool}
    assert parse_values("x=5,L=[1,2],arr[1]=3,arr[0] = 4", types) == \
        {"x": 5, "L": [1, 2], "arr": {1: 3, 0: 4}}
    assert parse_values("s=hi there,b=True", types) == {"s": "hi there", "b": True}
    assert parse_values("q=1,x=2", types, ignore_unknown=True) == {"x": 2}
    for text, bad in [("arr[1]=1,arr[1]=2", "arr[1]"), ("x=1,x[0]=2", "x"),
                      ("L=[1],L=[2]", "L"), ("x=1,x=[1]", "x")]:
        with pytest.raises(ValueError, match=f"Multiple assignments to variable "
                                             f"'{bad[0]}"):
            parse_values(text, types)
    with pytest.raises(TypeError):          # a None-typed hparam has no parser (TF)
        parse_values("n=1", {"n": type(None)})


def test_set_hparam_type_rules():
    hp = make()
    hp.set_hparam("lr", 1)                  # int -> float
    assert hp.lr == 1.0 and isinstance(hp.lr, float)
    hp.set_hparam("rates", [1, 2])
    assert hp.rates == [1.0, 2.0]
    hp.set_hparam("steps", np.int64(3))     # any Integral
    assert hp.steps == 3 and type(hp.steps) is int
    for name, value in [("steps", 1.5), ("on", 1), ("steps", True), ("lr", True),
                        ("name_", 3), ("lr", "0.1"), ("layers", [1, 2.5])]:
        with pytest.raises(ValueError, match=f"Could not cast hparam '{name}' of type "):
            hp.set_hparam(name, value)
    with pytest.raises(ValueError, match="Could not cast hparam 'steps' of type "
                                         r"'<class 'int'>' from value 1\.5"):
        hp.set_hparam("steps", 1.5)
    with pytest.raises(KeyError):
        hp.set_hparam("nope", 1)
    with pytest.raises(ValueError, match="Must pass a list for multi-valued parameter"):
        hp.set_hparam("layers", (1, 2))     # a tuple is not a list here (TF)
    hp.add_hparam("anything", None)
    hp.set_hparam("anything", {"k": 1})     # a None-typed hparam takes any value
    assert hp.anything == {"k": 1}


def test_del_override_json_and_model_structure():
    hp = make()
    hp.del_hparam("steps")
    hp.del_hparam("steps")                  # absent: nothing happens
    assert "steps" not in hp and not hasattr(hp, "steps")
    assert hp.override_from_dict({"lr": 2, "acts": ["x"]}) is hp
    assert hp.set_from_map({"lr": 3.0}).lr == 3.0
    assert hp.parse_json('{"lr": 0.5, "layers": [8]}') is hp
    assert (hp.lr, hp.layers) == (0.5, [8])
    assert json.loads(hp.to_json()) == hp.values()
    assert hp.to_json(sort_keys=True).startswith('{"acts": ["x"], "layers": [8]')
    assert hp.to_json(indent=1, separators=(",", ":"), sort_keys=True).startswith(
        '{\n "acts":[\n  "x"\n ],')
    with pytest.raises(ValueError):
        hp.parse_json('{"lr": "fast"}')
    assert hp.get_model_structure() is None
    hp.set_model_structure("crosses")
    assert hp.get_model_structure() == "crosses"
    assert HParams(model_structure=[1], a=1).get_model_structure() == [1]


def test_get_with_default_checks_its_type():
    hp = make()
    assert hp.get("lr") == 0.1 and hp.get("lr", 3) == 0.1
    assert hp.get("missing", "d") == "d" and hp.get("missing") is None
    assert hp.get("layers", [1]) == [64, 32]
    with pytest.raises(ValueError, match=r"Hparam 'layers' of type 'list<<class 'int'>>' "
                                         r"is incompatible with default=3$"):
        hp.get("layers", 3)
    with pytest.raises(ValueError, match=r"Hparam 'steps' of type '<class 'int'>' is "
                                         r"incompatible with default=0\.5\. Could not cast"):
        hp.get("steps", 0.5)


def test_proto_round_trip():
    hp = HParams(lr=0.1, steps=10, name_="net", on=True, layers=[64, 32], rates=[0.5],
                 acts=["relu"], flags=[True, False])
    proto = hp.to_proto()
    assert isinstance(proto, HParamDef)
    assert proto.hparam["lr"].WhichOneof("kind") == "float_value"
    assert proto.hparam["name_"].bytes_value == b"net"
    assert proto.hparam["layers"].int64_list.value == [64, 32]
    back = HParams(hparam_def=proto)
    assert back.values() == dict(hp.values(), lr=float(np.float32(0.1)))
    assert HParams.from_proto(proto).to_proto() == back.to_proto()
    with pytest.raises(ValueError, match="mutually exclusive"):
        HParams(hparam_def=proto, lr=1.0)
    with pytest.raises(ValueError, match="Unsupported parameter type: <class 'NoneType'>"):
        HParams(n=None).to_proto()


def test_training_helpers_are_exported():
    from graphc.contrib import training
    for name in ("create_train_op", "clip_gradient_norms", "add_gradients_summaries",
                 "multiply_gradients", "clip_gradient_norms_fn", "checkpoints_iterator",
                 "wait_for_new_checkpoint", "HParams", "parse_values"):
        assert name in training.__all__ and callable(getattr(training, name))
    with gc.Graph().as_default():
        W = gc.Variable(np.ones(2), name="W")
        train = training.create_train_op(gc.reduce_sum(W * W),
                                         gc.train.GradientDescentOptimizer(0.25))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert sess.run(train) == 2.0
            np.testing.assert_allclose(sess.run(W), [0.5, 0.5])
