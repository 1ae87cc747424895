"""TF parity of ragged_fill_empty_rows(_grad), image.generate_bounding_box_proposals and
CriticalSection (tf.compat.v1 graph mode). TF 2.21 has only a GPU kernel for
GenerateBoundingBoxProposals: its static shapes, dtypes, output names and build errors
are compared here, its values only where TF can run it (tests/test_names10.py checks
graphc's values against a loop reference of the GPU kernel's steps)."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import check, rand, tf, v1
from samples_names10 import proposal_inputs


# ---- ragged_fill_empty_rows ----------------------------------------------------------------
FILL_CASES = [
    ([0, 0, 2, 2, 5], 7),
    ([1, 0, 1, 0, 3], 5),
    ([2, 0], 3),
    ([], 3),
    ([0, 1, 2], 3),
]


@pytest.mark.parametrize("rows, nrows", FILL_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fill_values_and_gradients(rows, nrows, dtype):
    rows = np.asarray(rows, np.int64)
    vals = rand(len(rows), dtype=dtype, seed=len(rows))
    check(lambda m, r, v, n, d: m.ragged_fill_empty_rows(r, v, n, d), rows, vals,
          np.int64(nrows), dtype(-1.5))


def test_fill_int_and_string_values():
    check(lambda m, r, v, n, d: m.ragged_fill_empty_rows(r, v, n, d),
          np.array([3, 1, 1], np.int64), np.array([4, 5, 6], np.int32), np.int64(5),
          np.int32(9))
    got, want = _both(lambda m: m.ragged_fill_empty_rows(
        m.constant([0, 2], m.int64), m.constant([b"a", b"b"]), m.constant(4, m.int64),
        m.constant(b"z")))
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.tolist() == b.tolist()


@pytest.mark.parametrize("rim, m", [([0, 2, 3], 6), ([0, 0], 6), ([], 3), ([2, 1, 0], 3)])
def test_fill_grad_op(rim, m):
    check(lambda mod, r, g: mod.ragged_fill_empty_rows_grad(r, g),
          np.asarray(rim, np.int64), rand(m, dtype=np.float32), grad=False)


def _both(build):
    """[(module, value or raised exception)] of build(m) run in each library."""
    out = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            try:
                t = build(m)
                with m.Session(graph=g) as s:
                    out.append(s.run(t))
            except Exception as e:      # noqa: BLE001 (compared by the caller)
                out.append(e)
    return out


@pytest.mark.parametrize("rows, nrows, text", [
    ([0, 5], 3, "indices(1, 0) is invalid: 5 >= 3"),
    ([-1, 0], 3, "indices(0, 0) is invalid: -1 >= 3"),
    ([0, 1], -1, "Expected shape dimensions to be non-negative, got -1"),
    ([0, 1], 0, "Received SparseTensor with dense_shape[0] = 0 but indices.shape[0] = 2")])
def test_fill_run_time_errors(rows, nrows, text):
    got, want = _both(lambda m: m.ragged_fill_empty_rows(
        m.constant(rows, m.int64), m.constant([1., 2.]), m.constant(nrows, m.int64),
        m.constant(0.)))
    assert isinstance(want, tf.errors.InvalidArgumentError) and text in want.message
    assert isinstance(got, gc.errors.InvalidArgumentError) and text in str(got)


def test_fill_grad_run_time_error():
    got, want = _both(lambda m: m.ragged_fill_empty_rows_grad(
        m.constant([0, 9], m.int64), m.constant([1., 2., 3., 4., 5., 6.])))
    text = "Elements in reverse index must be in [0, 6) but got 9"
    assert text in want.message and text in str(got)


def test_fill_result_types_and_static_shapes():
    for m in (gc, v1):
        with m.Graph().as_default():
            r = m.ragged_fill_empty_rows(m.placeholder(m.int64, [None]),
                                         m.placeholder(m.float32, [3]),
                                         m.constant(4, m.int64), m.constant(7.))
            assert type(r).__name__ == "RaggedFillEmptyRows"
            assert [t.shape.as_list() for t in r] == [[None], [None], [None], [3]]
            d = m.ragged_fill_empty_rows_grad(m.placeholder(m.int64, [2]),
                                              m.placeholder(m.float64, [None]))
            assert d._fields == ("d_values", "d_default_value")
            assert [t.shape.as_list() for t in d] == [[2], []]


@pytest.mark.parametrize("values, default", [([[1., 2.], [3., 4.]], 0.), ([1., 2.], [0., 1.])])
def test_fill_build_errors(values, default):
    for m, err in ((gc, gc.errors.ShapeError), (v1, ValueError)):
        with m.Graph().as_default(), pytest.raises(err, match="rank|scalar"):
            m.ragged_fill_empty_rows(m.constant([0, 1], m.int64), m.constant(values),
                                     m.constant(3, m.int64), m.constant(default))


# ---- generate_bounding_box_proposals ------------------------------------------------------
SHAPES = [((1, 2, 3, 2), (1, 2, 3, 8), (1, 5), (2, 3, 8), {}),
          ((2, 2, 3, 2), (2, 2, 3, 8), (2, 5), (2, 3, 8), dict(post_nms_topn=7)),
          ((None, 2, 3, 2), (None, 2, 3, 8), (None, 5), (2, 3, 8), dict(post_nms_topn=4)),
          (None, None, None, None, {})]


@pytest.mark.parametrize("s, d, i, a, kw", SHAPES)
def test_proposals_static_shapes_dtypes_and_names(s, d, i, a, kw):
    seen = []
    for m in (gc, v1):
        with m.Graph().as_default():
            r = m.image.generate_bounding_box_proposals(
                *[m.placeholder(m.float32, x) for x in (s, d, i, a)], **kw)
            seen.append((type(r).__name__, r._fields,
                         [(t.dtype.name, t.shape.as_list() if t.shape.rank is not None
                           else None) for t in r]))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("shapes", [((1, 2, 3), (1, 2, 3, 8), (1, 5), (2, 3, 8)),
                                    ((1, 2, 3, 2), (1, 2, 3, 8), (1, 4), (2, 3, 8)),
                                    ((1, 2, 3, 2), (1, 2, 3, 8), (1, 5), (2, 8))])
def test_proposals_build_errors(shapes):
    for m in (gc, v1):
        with m.Graph().as_default(), pytest.raises(ValueError):
            m.image.generate_bounding_box_proposals(
                *[m.placeholder(m.float32, x) for x in shapes])


def test_proposals_values_where_tf_has_a_kernel():
    arrays = proposal_inputs(np.random.default_rng(3), n=2, h=3, w=4, a=2)
    kw = dict(nms_threshold=0.5, pre_nms_topn=12, min_size=1.0, post_nms_topn=6)
    with v1.Graph().as_default():
        r = v1.image.generate_bounding_box_proposals(*arrays, **kw)
        try:
            with v1.Session() as s:
                want = s.run(r)
        except tf.errors.InvalidArgumentError as e:
            if "No OpKernel" not in e.message:
                raise
            pytest.skip("TF has no CPU kernel for GenerateBoundingBoxProposals")
    with gc.Graph().as_default():
        got = gc.Session().run(gc.image.generate_bounding_box_proposals(*arrays, **kw))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)


# ---- CriticalSection --------------------------------------------------------------------------
def test_execute_values_and_gradients():
    check(lambda m, x: m.CriticalSection().execute(lambda: m.reduce_sum(x * x)), rand(3))
    check(lambda m, x, y: m.CriticalSection(name="cs").execute(
        lambda: [x * y, {"s": m.sin(x) + 1.0}]), rand(2, 3), rand(2, 3, seed=1))


def test_result_structures():
    kinds = []
    for m in (gc, v1):
        with m.Graph().as_default():
            cs = m.CriticalSection()
            x = m.constant([1.0, 2.0])
            kinds.append([type(cs.execute(f)).__name__.replace("Symbolic", "") for f in
                          (lambda: [x, x + 1.0], lambda: (x,), lambda: {"a": x},
                           lambda: 3.0)])
    assert kinds[0] == kinds[1]


def test_names():
    names = []
    for m in (gc, v1):
        with m.Graph().as_default():
            names.append([m.CriticalSection(name="cs1").name,
                          m.CriticalSection(name="cs1").name])
    assert names[0] == names[1]


def _error(m, build):
    with m.Graph().as_default():
        try:
            build(m)
        except ValueError as e:
            return str(e)
    return None


def test_nested_execute_error():
    def build(m):
        cs = m.CriticalSection(name="cs1")
        cs.execute(lambda: cs.execute(lambda: m.constant(1.0)))
    got, want = _error(gc, build), _error(v1, build)
    assert want is not None and got == want
    shared = lambda m: m.CriticalSection(name="x", shared_name="sh").execute(  # noqa: E731
        lambda: m.CriticalSection(shared_name="sh").execute(lambda: m.constant(1.)))
    assert _error(gc, shared) == _error(v1, shared)


CONFLICTS = [((True, True), True), ((True, False), True), ((False, True), True),
             ((False, False), False)]


@pytest.mark.parametrize("flags, fails", CONFLICTS)
def test_exclusive_resource_access(flags, fails):
    def build(m):
        v = m.get_variable("v", initializer=0.0, **({"use_resource": True} if m is v1 else {}))
        a, b = m.CriticalSection(name="a"), m.CriticalSection(name="b")
        a.execute(lambda: v.read_value() * 2.0 if m is v1 else v * 2.0,
                  exclusive_resource_access=flags[0])
        a.execute(lambda: v.read_value() if m is v1 else v * 1.0,     # same section: fine
                  exclusive_resource_access=flags[0])
        b.execute(lambda: v.read_value() * 3.0 if m is v1 else v * 3.0,
                  exclusive_resource_access=flags[1])
    got, want = _error(gc, build), _error(v1, build)
    if not fails:
        assert got is None and want is None
        return
    for text in (got, want):
        assert text.startswith("This execution would access resources")
        assert text.endswith("Did you mean to call execute with keyword argument "
                             "exclusive_resource_access=False?")


def test_assign_under_the_lock_values():
    results = []
    for m in (gc, v1):
        with m.Graph().as_default():
            v = m.get_variable("v", initializer=0.0,
                               **({"use_resource": True} if m is v1 else {}))
            cs = m.CriticalSection()
            bump = cs.execute(lambda: v.assign_add(1.0))
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                results.append([float(s.run(bump)) for _ in range(3)])
    assert results[0] == results[1]
