"""TF1's behaviour switches: each either matches graphc's one behaviour, warns that it
cannot change it, or refuses what graphc does not have."""
import pytest

import graphc as gc


def test_switches_that_match_graphc_are_silent(recwarn):
    gc.disable_resource_variables()
    gc.disable_control_flow_v2()
    gc.disable_tensor_equality()
    gc.enable_v2_tensorshape()
    gc.compat.v1.disable_eager_execution()
    assert gc.resource_variables_enabled() is False
    assert gc.control_flow_v2_enabled() is False
    assert not recwarn.list


@pytest.mark.parametrize("switch, what", [
    (gc.enable_resource_variables, "ref-variable reads"),
    (gc.enable_control_flow_v2, "one implementation")])
def test_switches_graphc_cannot_honour_warn_at_the_callers_line(switch, what):
    with pytest.warns(UserWarning, match=what) as record:
        switch()
    assert record[0].filename == __file__


@pytest.mark.parametrize("switch", [gc.enable_eager_execution, gc.enable_v2_behavior,
                                    gc.enable_tensor_equality])
def test_modes_graphc_lacks_are_refused(switch):
    with pytest.raises(NotImplementedError):
        switch()


def test_tensors_still_compare_by_identity():
    a, b = gc.constant(1.0), gc.constant(1.0)
    assert a != b and a == a and len({a, b}) == 2


def test_top_level_aliases_of_tf1():
    assert gc.OpError is gc.errors.OpError
    assert gc.NoGradient is gc.no_gradient
    assert gc.qint8 in gc.QUANTIZED_DTYPES and gc.decode_json_example is \
        gc.io.decode_json_example
