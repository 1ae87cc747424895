"""gc.keras.backend's control functions: switch, in_train_phase/in_test_phase, map_fn,
foldl/foldr and rnn (Keras' loop of a step function over time), as in
tf.compat.v1.keras.backend.

    y = K.in_train_phase(K.dropout(x, 0.5), x)        # dropout only while training
    last, outputs, states = K.rnn(step, inputs, [h0])
"""
import graphc as gc
from .. import nest
from ..graph import Tensor
from .backend import learning_phase

__all__ = ["switch", "in_train_phase", "in_test_phase", "map_fn", "foldl", "foldr", "rnn"]


def _call(x):
    return x() if callable(x) else x


def switch(condition, then_expression, else_expression):
    """then_expression where `condition` holds, else else_expression. A scalar
    condition picks a whole branch (gc.cond; the expressions may be callables); a
    tensor condition selects elementwise, broadcast over the trailing axes.

        y = K.switch(K.greater(x, 0), x, -x)
    """
    if not isinstance(condition, Tensor):
        condition = gc.convert_to_tensor(condition)
    if condition.dtype is not gc.bool:
        condition = gc.cast(condition, gc.bool)
    cond_ndim = condition.shape.ndims
    if not cond_ndim:
        then_fn = then_expression if callable(then_expression) else (lambda: then_expression)
        else_fn = else_expression if callable(else_expression) else (lambda: else_expression)
        return gc.cond(condition, then_fn, else_fn)
    then_expression, else_expression = _call(then_expression), _call(else_expression)
    expr_ndim = then_expression.shape.ndims
    if cond_ndim > expr_ndim:
        raise ValueError(f"Rank of `condition` should be less than or equal to rank of "
                         f"`then_expression` and `else_expression`. ndim(condition)="
                         f"{cond_ndim}, ndim(then_expression)={expr_ndim}")
    if 1 < cond_ndim < expr_ndim:
        extra = [1] * (expr_ndim - cond_ndim)
        cond_shape = gc.concat([gc.shape(condition), extra], 0)
        condition = gc.reshape(condition, cond_shape)
        expr_shape = gc.shape(then_expression)
        multiples = gc.where(expr_shape - cond_shape > 0, expr_shape,
                             gc.ones_like(expr_shape))
        condition = gc.tile(condition, multiples)
    return gc.where_v2(condition, then_expression, else_expression)


def in_train_phase(x, alt, training=None):
    """x in the training phase, alt otherwise; `training` defaults to the learning phase
    (a fixed 0/1 phase or a Python bool picks at build time, a tensor at run time).

        y = K.in_train_phase(lambda: K.dropout(x, 0.5), x)
    """
    if training is None:
        training = learning_phase()
    if training is True or (not isinstance(training, Tensor) and training == 1):
        return _call(x)
    if training is False or (not isinstance(training, Tensor) and training == 0):
        return _call(alt)
    return switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    """x in the test phase, alt while training: in_train_phase(alt, x, training)."""
    return in_train_phase(alt, x, training=training)


def map_fn(fn, elems, name=None, dtype=None):
    """fn over the first axis of elems, results stacked (gc.map_fn)."""
    return gc.map_fn(fn, elems, name=name, dtype=dtype)


def foldl(fn, elems, initializer=None, name=None):
    """fn(acc, x) over elems from the first element (gc.foldl)."""
    return gc.foldl(fn, elems, initializer=initializer, name=name)


def foldr(fn, elems, initializer=None, name=None):
    """fn(acc, x) over elems from the last element (gc.foldr)."""
    return gc.foldr(fn, elems, initializer=initializer, name=name)


def _swap(x):
    """Swap axes 0 and 1 (batch-major <-> time-major)."""
    perm = [1, 0] + list(range(2, x.shape.ndims))
    return gc.transpose(x, perm)


def _expand_mask(mask_t, like):
    """mask_t (batch, 1...) broadcast to like's shape as a bool tensor."""
    for _ in range(like.shape.ndims - mask_t.shape.ndims):
        mask_t = gc.expand_dims(mask_t, -1)
    return gc.logical_and(mask_t, gc.ones_like(like, dtype=gc.bool))


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None, time_major=False,
        zero_output_for_mask=False, return_all_outputs=True):
    """Loop `step_function(input_t, states + constants) -> (output_t, new_states)` over
    the time axis of `inputs` (batch, time, ...) (time_major: (time, batch, ...)).
    Returns (last_output, outputs, new_states); outputs are (batch, time, ...), or
    (batch, 1, ...) with return_all_outputs=False. With a (batch, time) bool `mask`,
    masked steps keep the previous states and repeat the previous output (zeros with
    zero_output_for_mask). `unroll` and `input_length` change nothing here: the loop is
    a gc.scan either way.

        def step(x_t, states):
            h = K.tanh(K.dot(x_t, W) + K.dot(states[0], U))
            return h, [h]
        last, outputs, (h,) = K.rnn(step, x, [K.zeros_like(x[:, 0, :1] @ U0)])
    """
    del unroll, input_length
    flat_in = nest.flatten(inputs)
    if not time_major:
        flat_in = [_swap(t) for t in flat_in]
    constants = list(constants or [])
    states = list(initial_states)
    if mask is not None:
        mask = gc.cast(mask, gc.bool)
        if mask.shape.ndims == 2:
            mask = gc.expand_dims(mask, -1)
        if not time_major:
            mask = _swap(mask)
    if go_backwards:
        flat_in = [gc.reverse(t, [0]) for t in flat_in]
        mask = None if mask is None else gc.reverse(mask, [0])

    def pack(flat_x):
        return nest.pack_sequence_as(inputs, list(flat_x))

    first_out, _ = step_function(pack([t[0] for t in flat_in]), tuple(states) + tuple(constants))
    zeros_out = gc.zeros_like(first_out)
    n_states = len(states)

    def body(carry, elems):
        prev_out, old = carry[0], list(carry[1:])
        x_t = pack(elems[:len(flat_in)])
        out, new = step_function(x_t, tuple(old) + tuple(constants))
        new = nest.flatten(new)
        if mask is None:
            return (out,) + tuple(new)
        mask_t = elems[-1]
        out = gc.where(_expand_mask(mask_t, out), out,
                       zeros_out if zero_output_for_mask else prev_out)
        new = [gc.where(_expand_mask(mask_t, n), n, o) for n, o in zip(new, old)]
        return (out,) + tuple(new)

    elems = tuple(flat_in) + (() if mask is None else (mask,))
    seq = gc.scan(body, elems, initializer=(zeros_out,) + tuple(states))
    outputs, final = seq[0], [s[-1] for s in seq[1:1 + n_states]]
    last_output = outputs[-1]
    if not return_all_outputs:
        outputs = gc.expand_dims(last_output, 0)
    if not time_major:
        outputs = _swap(outputs)
    new_states = final if isinstance(initial_states, list) else tuple(final)
    return last_output, outputs, new_states
