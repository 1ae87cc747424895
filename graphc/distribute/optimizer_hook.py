"""What a v1 optimizer does in a replica function (TF1's Optimizer.apply_gradients under
a strategy): merge_call, SUM each gradient across replicas (users divide the loss by the
global batch size), then apply once in cross-replica context."""
from . import context
from .values import DistributedValues, ReduceOp


def apply_in_replica_context(optimizer, grads_and_vars, global_step, name):
    """The train op, built through merge_call, when called in the replica function of a
    strategy with several replicas; None otherwise (the optimizer applies as usual)."""
    ctx = context.get_replica_context()
    if ctx is None or ctx._runner is None:
        return None
    pairs = [(g, v) for g, v in grads_and_vars]

    def merge(strategy, pairs):
        summed = [(_sum_across(strategy, g, v), v) for g, v in pairs]
        return optimizer.apply_gradients(summed, global_step=global_step, name=name)
    return ctx.merge_call(merge, args=(pairs,))


def _sum_across(strategy, g, v):
    """The SUM over replicas of one gradient (IndexedSlices: their rows concatenated)."""
    from ..indexed_slices import IndexedSlices
    if not isinstance(g, DistributedValues):
        return g
    parts = g.values
    if any(p is None for p in parts):
        return None
    if isinstance(parts[0], IndexedSlices):
        from ..ops.join import concat
        return IndexedSlices(concat([p.values for p in parts], axis=0),
                             concat([p.indices for p in parts], axis=0), parts[0].dense_shape)
    return strategy.extended.reduce_to(ReduceOp.SUM, g, v)
