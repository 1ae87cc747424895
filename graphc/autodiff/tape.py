"""GradientTape in graph mode (TF's tf.GradientTape as it behaves inside a graph).

The tape records the nodes built while it is active (node ids are the graph's build
order, so a record is a list of id ranges). `gradient` runs the ordinary reverse sweep
of reverse.py, restricted to the recorded nodes that depend on a watched tensor: an op
built outside the tape, or one no watched tensor reaches, passes no gradient on, as in TF.

    with gc.GradientTape() as tape:
        tape.watch(x)
        y = gc.reduce_sum(x * x)
    dx = tape.gradient(y, x)                    # 2x, an ordinary graph tensor

Trainable variables that a recorded op reads are watched automatically
(watch_accessed_variables=True). A tape nested inside another records its own
gradient nodes in the outer one, so the outer tape differentiates them again.
"""
import contextlib
import math

from .. import errors, nest
from ..graph import Tensor, get_default_graph
from ..ops import array
from .batching import vmap
from .mixed import _basis, _reverse_jacobian, _zeros
from .reverse import (UnconnectedGradients, between, capture_chain, capture_links,
                      gradients, outer_source)

__all__ = ["GradientTape"]


class GradientTape:
    """Records the ops built in its `with` block for differentiation (TF's tf.GradientTape,
    graph mode).

        with gc.GradientTape(persistent=True) as tape:
            y = gc.matmul(x, W)                 # W: a trainable Variable, watched
        dW = tape.gradient(y, W)
        J = tape.jacobian(y, W)                 # y.shape + W.shape

    A non-persistent tape computes one set of gradients; `persistent=True` allows more.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._ranges = []           # [start id, end id) of each recorded stretch
        self._graph = None
        self._start = None          # the open stretch's first id, while recording
        self._watched = {}          # tensor -> None, in watch order
        self._used = False

    # ---- recording ----------------------------------------------------------------
    def __enter__(self):
        if self._start is not None:
            raise ValueError("GradientTape: the tape is already recording (nested "
                             "`with` of the same tape)")
        graph = get_default_graph()
        if self._graph is not None and graph is not self._graph:
            raise ValueError("GradientTape: re-entered in a different graph than it "
                             "recorded before")
        self._graph = graph
        self._start = len(graph.nodes)
        return self

    def __exit__(self, *exc):
        self._close_range()

    def _close_range(self):
        if self._start is not None:
            self._ranges.append((self._start, len(self._graph.nodes)))
            self._start = None

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops built in this block are not recorded (TF's tape.stop_recording())."""
        if self._start is None:
            raise ValueError("GradientTape.stop_recording: the tape is not recording")
        self._close_range()
        try:
            yield
        finally:
            self._start = len(self._graph.nodes)

    def reset(self):
        """Forgets everything recorded and watched so far (recording goes on if active)."""
        recording = self._start is not None
        self._ranges, self._watched, self._start = [], {}, None
        if recording:
            self._start = len(self._graph.nodes)

    def watch(self, tensor):
        """Watches a tensor, a Variable, or a nested structure of them."""
        for t in nest.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(f"GradientTape.watch: passed in {t!r}, which is not a "
                                 "tensor or a variable")
            if self._graph is None:
                self._graph = t.graph
            self._watched.setdefault(t, None)

    def watched_variables(self):
        """The variables watched: explicitly, or read by a recorded op (trainable ones,
        when watch_accessed_variables)."""
        from ..ops.state import Variable
        _, tracked = self._tracked()
        return tuple(t for t in tracked if isinstance(t, Variable))

    def _recorded(self):
        if self._graph is None:
            return []
        ranges = list(self._ranges)
        if self._start is not None:
            ranges.append((self._start, len(self._graph.nodes)))
        return [self._graph.nodes[i] for a, b in ranges for i in range(a, b)]

    def _links(self):
        """capture_links of the graph the tape records in (a body's: outer -> inner)."""
        return capture_links(self._graph) if self._graph is not None else ({}, {})

    def _tracked(self):
        """(nodes that pass gradients, tensors they carry them for): the recorded nodes a
        watched tensor reaches, in build order, and the watched tensors plus their
        outputs. In a cond branch or loop body an outer variable or tensor comes in
        through a capture: the capture stands for it (and passes its gradient out)."""
        from ..ops.state import Variable
        tracked = dict(self._watched)
        only = set()
        links = self._links()[0]
        for n in self._recorded():
            for t in n.inputs:
                source = outer_source(t, links) if links else t
                if self._watch_accessed_variables and isinstance(source, Variable) and \
                        source.trainable:
                    tracked.setdefault(source, None)
                if source is not t and source in tracked:
                    for c in capture_chain(t, links):
                        only.add(c)
                        tracked.setdefault(c.outputs[0], None)
            if any(t in tracked for t in n.inputs):
                only.add(n)
                for t in n.outputs:
                    tracked.setdefault(t, None)
        return only, tracked

    def _begin(self, api):
        if self._used and not self._persistent:
            raise RuntimeError(f"A non-persistent GradientTape can only be used to compute "
                               f"one set of gradients (or jacobians); {api} was called "
                               "again (use GradientTape(persistent=True))")
        self._used = True
        return self._tracked()

    # ---- differentiation ----------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """d(sum of target)/d(source) for each source, structured as `sources`; None for a
        source the target does not reach through recorded ops (zeros with
        unconnected_gradients="zero")."""
        ys = nest.flatten(target)
        xs = nest.flatten(sources)
        _check("gradient", ys, "target")
        _check("gradient", xs, "sources")
        only, tracked = self._begin("gradient")
        grad_ys = None if output_gradients is None else nest.flatten(output_gradients)
        # an unwatched source gets nothing, even where a recorded op reads it (TF)
        result = gradients(ys, xs, grad_ys=grad_ys, _only=only,
                           unconnected_gradients=unconnected_gradients)
        zero = getattr(unconnected_gradients, "value", unconnected_gradients) == "zero"
        result = [g if x in tracked else (array.zeros_like(x) if zero else None)
                  for x, g in zip(xs, result)]
        return nest.pack_sequence_as(sources, result)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """d(target)/d(source): for each source a tensor of shape target.shape +
        source.shape, computed by the vjp batched over the basis of the target (built at
        run time where the target's shape is not static, e.g. an unknown batch dim)."""
        _check("jacobian", [target], "target")
        xs = nest.flatten(sources)
        _check("jacobian", xs, "sources")
        only, tracked = self._begin("jacobian")
        mode = getattr(unconnected_gradients, "value", unconnected_gradients)
        out = []
        with self._graph_of(target).name_scope("jacobian"):
            for x in xs:
                if not _reaches(target, x, only, self._links()) or x not in tracked:
                    out.append(None if mode == "none" else
                               _zeros(target, x))
                else:
                    out.append(_reverse_jacobian(target, x, only))
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: target [b, m...] and source [b, n...] give
        [b, m..., n...], assuming example i of target depends only on example i of source
        (TF's contract). One vjp batched over the m basis vectors, each spread over the
        batch, so the cost is m vjps, not b*m."""
        _check("batch_jacobian", [target, source], "target and source")
        if target.shape.rank is None or target.shape.rank < 1 or source.shape.rank is None \
                or source.shape.rank < 1:
            raise errors.ShapeError(
                f"batch_jacobian: target {target.name} {target.shape} and source "
                f"{source.name} {source.shape} need a known rank of at least 1")
        mode = getattr(unconnected_gradients, "value", unconnected_gradients)
        m_shape, m = _example_size(target)
        only, tracked = self._begin("batch_jacobian")
        with self._graph_of(target).name_scope("batch_jacobian"):
            if not _reaches(target, source, only, self._links()) or source not in tracked:
                if mode == "none":
                    return None
                zeros_shape = array.concat([array.shape(target),
                                            array.shape(source)[1:]], 0)
                return array.zeros(zeros_shape, dtype=target.dtype)
            w = array.zeros_like(target, name="w")
            g, = gradients([target], [source], grad_ys=[w], _only=only,
                           unconnected_gradients="zero", _dense=True)
            basis = array.reshape(_basis(m_shape, m, target.dtype), [m, 1, *m_shape])
            # basis vector j on every example: (m, 1, m...) * (1, b, m...), static m
            spread = basis * array.expand_dims(array.ones_like(target), 0)
            rows, = vmap([g], {w: spread})            # (m, b, n...)
            n_rank = source.shape.rank - 1
            moved = array.transpose(rows, [1, 0] + list(range(2, n_rank + 2)))
            return array.reshape(moved, array.concat(
                [array.shape(target), array.shape(source)[1:]], 0))

    def _graph_of(self, t):
        return self._graph if self._graph is not None else t.graph


def _reaches(target, x, only, links):
    """Whether a gradient flows from target to x through the nodes in `only` (what
    gradients would find, without building it)."""
    if target is x:
        return True
    _, reached = between([target], [x], only=only, links=links)
    return target in reached and target.dtype.is_differentiable and \
        x.dtype.is_differentiable


def _example_size(target):
    """(shape, size) of one example of target: its static dims after the batch dim."""
    resolve = target.graph.dims.resolve
    dims = [d if isinstance(d, int) else resolve(d) for d in target.shape._dims[1:]]
    if any(d is None for d in dims):
        raise errors.ShapeError(
            "batch_jacobian: the target's dims after the batch dim must be static, but\n  "
            f"{errors.describe_tensor(target, target.name)}\n  has shape {target.shape}")
    return tuple(dims), math.prod(dims)


def _check(api, ts, what):
    for t in ts:
        if not isinstance(t, Tensor):
            raise TypeError(f"GradientTape.{api}: {what} must be tensors or variables, "
                            f"got {type(t).__name__} {t!r}")

