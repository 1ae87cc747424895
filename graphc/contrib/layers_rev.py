"""TF 1.15's tf.contrib.layers.rev_block and RevBlock: reversible residual layers
(Gomez et al. 2017) whose gradient recomputes each layer's inputs from its outputs
instead of keeping the activations.

    y1, y2 = layers.rev_block(x1, x2, f, g, num_layers=3)
    # per layer: y1 = x1 + f(x2); y2 = x2 + g(y1)

The efficient gradient is one gc.custom_gradient over the whole block. custom_gradient
has one output, so the block's two outputs travel flattened and concatenated through it
and are cut apart again after it.
"""
from ..autodiff.reverse import _variables_read, custom_gradient, gradients
from ..graph import get_default_graph
from ..layers_base import Layer
from ..ops import array, core
from ..ops.join import concat
from ..ops.scope import get_variable_scope, variable_scope
from ..ops.slice_pad import slice as _slice

__all__ = ["rev_block", "RevBlock"]


def _in_scope(fn, scope):
    """fn run inside variable_scope(scope): 'revlayer_<i>/f' or 'revlayer_<i>/g'."""
    def wrapped(*args):
        with variable_scope(scope):
            return fn(*args)
    wrapped.__name__ = getattr(fn, "__name__", "fn")
    return wrapped


def _call(fn, x, side):
    return fn(x, side) if side else fn(x)


def _add(a, b):
    """a + b where None stands for a zero gradient."""
    if a is None:
        return b
    return a if b is None else a + b


def _numel(t):
    n = t.shape.num_elements() if t.shape.is_fully_defined() else None
    return n if n is not None else array.size(t)


def _pack(y1, y2):
    return concat([array.reshape(y1, [-1]), array.reshape(y2, [-1])], 0)


def _unpack(flat, like1, like2):
    """flat cut back into tensors shaped like like1 and like2."""
    n1 = _numel(like1)
    parts = [_slice(flat, [0], array.reshape(n1, [1])), _slice(flat, array.reshape(n1, [1]),
                                                               [-1])]
    out = []
    for part, like in zip(parts, (like1, like2)):
        shape = like.shape.as_list() if like.shape.is_fully_defined() else array.shape(like)
        t = array.reshape(part, shape)
        t.set_shape(like.shape)
        out.append(t)
    return out


class RevBlock(Layer):
    """Block of reversible residual layers (tf.contrib.layers.RevBlock); see rev_block.

        block = layers.RevBlock(f, g, num_layers=2)
        y1, y2 = block.forward(x1, x2)
        x1_again, x2_again = block.backward(y1, y2)   # the inverse, same variables

    f and g are functions (or lists of num_layers functions) of a tensor (and of the list
    of side inputs when given); their variables live under
    '<block>/revlayer_<i>/f' and '<block>/revlayer_<i>/g'.
    """

    def __init__(self, f, g, num_layers=1, f_side_input=None, g_side_input=None,
                 use_efficient_backprop=True, name="revblock", **kwargs):
        reuse = kwargs.pop("_reuse", None)
        super().__init__(name=name, **kwargs)
        f = self._per_layer(f, num_layers, "f")
        g = self._per_layer(g, num_layers, "g")
        self.f = [_in_scope(fn, f"revlayer_{i}/f") for i, fn in enumerate(f)]
        self.g = [_in_scope(fn, f"revlayer_{i}/g") for i, fn in enumerate(g)]
        self.num_layers = num_layers
        self.f_side_input = list(f_side_input or [])
        self.g_side_input = list(g_side_input or [])
        self._use_efficient_backprop = use_efficient_backprop
        self._reuse = reuse

    @staticmethod
    def _per_layer(fns, num_layers, what):
        if isinstance(fns, list):
            if len(fns) != num_layers:
                raise ValueError(f"RevBlock: {what} is a list of {len(fns)} functions but "
                                 f"num_layers is {num_layers}")
            return fns
        return [fns] * num_layers

    def forward(self, x1, x2):
        """(y1, y2): the block on (x1, x2)."""
        return self.apply([x1, x2])

    def backward(self, y1, y2):
        """(x1, x2): the block's inverse on (y1, y2), with the same variables."""
        return self.apply([y1, y2], forward=False)

    def __call__(self, inputs, *args, **kwargs):
        if self._scope is None and self._reuse:     # TF: _reuse=True names it exactly
            with variable_scope(self._base_name, auxiliary_name_scope=False) as captured:
                pass
            self._scope, self.built = captured, True
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs, forward=True):
        a, b = [core.convert_to_tensor(t) for t in inputs]
        return self._forward(a, b) if forward else self._backward(a, b)

    def _layers_forward(self, x1, x2, f_side, g_side, reads=None):
        graph = get_default_graph()
        for i in range(self.num_layers):
            first = len(graph.nodes)
            x1 = x1 + _call(self.f[i], x2, f_side)
            if reads is not None:
                reads.append(("f", i, _variables_read(graph.nodes[first:])))
                first = len(graph.nodes)
            x2 = x2 + _call(self.g[i], x1, g_side)
            if reads is not None:
                reads.append(("g", i, _variables_read(graph.nodes[first:])))
        return x1, x2

    def _forward(self, x1, x2):
        if not self._use_efficient_backprop:
            return self._layers_forward(x1, x2, self.f_side_input, self.g_side_input)
        n_f = len(self.f_side_input)
        reads = []
        outs = []

        @custom_gradient
        def block(a, b, *sides):
            y1, y2 = self._layers_forward(a, b, list(sides[:n_f]), list(sides[n_f:]), reads)
            outs[:] = [y1, y2]

            def grad_fn(dflat, variables=None):
                return self._efficient_grad(dflat, y1, y2, x1, x2, reads, variables)
            return _pack(y1, y2), grad_fn

        flat = block(x1, x2, *self.f_side_input, *self.g_side_input)
        return tuple(_unpack(flat, *outs))

    def _efficient_grad(self, dflat, y1, y2, x1, x2, reads, variables):
        """Gradients of the block's inputs, side inputs and variables, going back one
        layer at a time and rebuilding each layer's inputs from its outputs."""
        dy1, dy2 = _unpack(dflat, x1, x2)
        f_vars = {i: vs for kind, i, vs in reads if kind == "f"}
        g_vars = {i: vs for kind, i, vs in reads if kind == "g"}
        var_grads = {}
        f_side_grads = [None] * len(self.f_side_input)
        g_side_grads = [None] * len(self.g_side_input)
        with variable_scope(self._scope, reuse=True, auxiliary_name_scope=False):
            for i in reversed(range(self.num_layers)):
                y1_stop = core.stop_gradient(y1)
                gy1 = _call(self.g[i], y1_stop, self.g_side_input)
                x2_again = y2 - gy1
                x2_stop = core.stop_gradient(x2_again)
                fx2 = _call(self.f[i], x2_stop, self.f_side_input)
                x1_again = y1 - fx2
                gs = gradients(gy1, [y1_stop] + g_vars[i] + self.g_side_input,
                               grad_ys=dy2)
                dx1 = _add(dy1, gs[0])
                fs = gradients(fx2, [x2_stop] + f_vars[i] + self.f_side_input,
                               grad_ys=dx1)
                dx2 = _add(dy2, fs[0])
                for v, dv in zip(g_vars[i] + f_vars[i],
                                 gs[1:1 + len(g_vars[i])] + fs[1:1 + len(f_vars[i])]):
                    var_grads[v] = _add(var_grads.get(v), dv)
                for k, d in enumerate(gs[1 + len(g_vars[i]):]):
                    g_side_grads[k] = _add(g_side_grads[k], d)
                for k, d in enumerate(fs[1 + len(f_vars[i]):]):
                    f_side_grads[k] = _add(f_side_grads[k], d)
                y1, y2, dy1, dy2 = x1_again, x2_again, dx1, dx2
        input_grads = [dy1, dy2] + f_side_grads + g_side_grads
        if variables is None:
            return input_grads
        return input_grads, [var_grads.get(v) for v in variables]

    def _backward(self, y1, y2):
        for i in reversed(range(self.num_layers)):
            x2 = y2 - _call(self.g[i], y1, self.g_side_input)
            x1 = y1 - _call(self.f[i], x2, self.f_side_input)
            y1, y2 = x1, x2
        return y1, y2


def rev_block(x1, x2, f, g, num_layers=1, f_side_input=None, g_side_input=None,
              is_training=True):
    """A block of reversible residual layers (tf.contrib.layers.rev_block): per layer
    y1 = x1 + f(x2[, f_side_input]), y2 = x2 + g(y1[, g_side_input]).

        def f(x):
            return gc.layers.dense(x, 4, activation=gc.nn.relu)
        y1, y2 = layers.rev_block(x1, x2, f, f, num_layers=2)

    f and g must keep their input's shape and must not close over tensors that need a
    gradient (pass those as side inputs: f is then called f(x, f_side_input)). With
    is_training the gradient recomputes the layers' inputs from their outputs instead of
    keeping activations. Returns (y1, y2).
    """
    block = RevBlock(f, g, num_layers=num_layers, f_side_input=f_side_input,
                     g_side_input=g_side_input, use_efficient_backprop=is_training,
                     _reuse=get_variable_scope().reuse)
    return block.forward(x1, x2)

