"""gc.ragged: TF's tf.ragged namespace (tf.compat.v1.ragged), plus the ragged versions
of the ops that TF reaches by dispatch (tf.reduce_sum(rt, axis=1), tf.gather(rt, i),
tf.concat([rt, rt], 0), ...); graphc's dense functions dispatch to them too
(ragged_dispatch.py)."""
from .ragged_convert import constant, constant_value, placeholder
from .ragged_cross import cross, cross_hashed, stack_dynamic_partitions
from .ragged_index import boolean_mask, concat, expand_dims, gather, stack
from .ragged_math import (map_flat_values, range, reduce_all, reduce_any,  # noqa: A004
                          reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
                          row_splits_to_segment_ids, segment_ids_to_row_splits)
from .ragged_tensor import RaggedTensorValue

__all__ = ["RaggedTensorValue", "boolean_mask", "concat", "constant", "constant_value",
           "cross", "cross_hashed", "stack_dynamic_partitions",
           "expand_dims", "gather", "map_flat_values", "placeholder", "range",
           "reduce_all", "reduce_any", "reduce_max", "reduce_mean", "reduce_min",
           "reduce_prod", "reduce_sum", "row_splits_to_segment_ids",
           "segment_ids_to_row_splits", "stack"]

