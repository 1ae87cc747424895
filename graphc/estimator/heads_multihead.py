"""TF's tf.estimator.MultiHead: several named heads on one model (one loss, the
weighted sum of theirs; per-head predictions, metrics and export outputs).

    head = gc.estimator.MultiHead([gc.estimator.MultiLabelHead(3, name="tags"),
                                   gc.estimator.RegressionHead(name="score")])

Built from the public API of heads.py: MultiHead uses only the heads'
create_estimator_spec, name and logits_dimension, so any Head subclass fits.
heads_multi.py re-exports it.
"""
from ..graph import name_scope
from ..metrics import mean as metrics_mean
from ..ops.broadcast import add_n
from ..ops.core import convert_to_tensor, no_op
from ..ops.elementwise import multiply
from ..summary import scalar
from . import export_output
from .head import DEFAULT_SERVING_KEY, PREDICT_SERVING_KEY, MetricKeys, summary_key
from .heads import Head, _train_op
from .model_fn import EstimatorSpec, ModeKeys

__all__ = ["MultiHead"]


def _no_op_train_fn(loss):
    return no_op()


def _default_export_output(export_outputs, head_name):
    """The serving_default output of one head's export outputs (TF)."""
    if len(export_outputs) == 1:
        return next(iter(export_outputs.values()))
    if DEFAULT_SERVING_KEY not in export_outputs:
        raise ValueError(f"{head_name} did not specify default export_outputs. Given: "
                         f"{export_outputs} Suggested fix: Use one of the heads in "
                         f"tf.estimator, or include key {DEFAULT_SERVING_KEY} in "
                         "export_outputs.")
    return export_outputs[DEFAULT_SERVING_KEY]


class MultiHead(Head):
    """Several named heads on one model (TF): the loss is the (head_weights-weighted)
    sum of the heads' losses; predictions are keyed (head name, key); eval metrics are
    the heads' own (keys end in '/<head name>') plus 'loss/<head name>'; the first
    head serves by default.

        head = gc.estimator.MultiHead([gc.estimator.MultiClassHead(3, name="a"),
                                       gc.estimator.BinaryClassHead(name="b")],
                                      head_weights=[1., .5])
    logits: a dict {head name: logits} or one [batch, logits_dimension] tensor split
    in the heads' order; labels: a dict {head name: labels}.
    """

    def __init__(self, heads, head_weights=None):
        if not heads:
            raise ValueError(f"Must specify heads. Given: {heads}")
        if head_weights and len(head_weights) != len(heads):
            raise ValueError(f"heads and head_weights must have the same size. Given "
                             f"len(heads): {len(heads)}. Given len(head_weights): "
                             f"{len(head_weights)}.")
        for head in heads:
            if head.name is None:
                raise ValueError(f"All given heads must have name specified. Given: "
                                 f"{head}")
        self._heads = tuple(heads)
        self._head_weights = tuple(head_weights) if head_weights else ()

    name = property(lambda self: "_".join(h.name for h in self._heads),
                    doc="The heads' names joined by '_'.")
    logits_dimension = property(lambda self: sum(h.logits_dimension for h in self._heads),
                                doc="The sum of the heads' logits dimensions.")

    @property
    def loss_reduction(self):
        """The heads' common loss_reduction (ValueError if they differ)."""
        reductions = [h.loss_reduction for h in self._heads]
        if len(set(reductions)) > 1:
            raise ValueError(f"The loss_reduction must be the same for different heads. "
                             f"Given: {reductions}")
        return reductions[0]

    def _split_logits(self, logits):
        """{head name: its slice of logits' last axis}, in the heads' order."""
        dims = [h.logits_dimension for h in self._heads]
        with name_scope(None, "split_logits", (logits,)):
            logits = convert_to_tensor(logits)
            shape = logits.shape.as_list() if logits.shape.rank is not None else None
            if shape and shape[-1] is not None and shape[-1] != sum(dims):
                raise ValueError(
                    f"Could not split logits of shape {shape!r} among the heads with "
                    f"individual logits dimensions: {dims!r}. The last dimension of the "
                    f"logits tensor should equal {shape[-1]} but is {sum(dims)}.")
            out, begin = {}, 0
            for head, d in zip(self._heads, dims):
                out[head.name] = logits[..., begin:begin + d]
                begin += d
        return out

    def _check_logits_and_labels(self, logits, labels=None):
        names = [h.name for h in self._heads]
        if isinstance(logits, dict):
            missing = list(set(names) - set(logits))
            if missing:
                raise ValueError(f"logits has missing values for head(s): {missing}")
            logits_dict = logits
        else:
            logits_dict = self._split_logits(logits)
        if labels is not None:
            if not isinstance(labels, dict):
                raise ValueError(f"labels must be a dict. Given: {labels}")
            missing = list(set(names) - set(labels))
            if missing:
                raise ValueError(f"labels has missing values for head(s): {missing}")
        return logits_dict

    def _merge_losses(self, losses, regularization_losses):
        with name_scope(None, "merge_losses", tuple(losses)):
            if self._head_weights:
                losses = [multiply(loss, w) for loss, w in zip(losses, self._head_weights)]
            loss = add_n(list(losses))
            if regularization_losses is not None:
                loss = loss + add_n(list(regularization_losses))
        return loss

    def loss(self, labels, logits, features=None, mode=None, regularization_losses=None):
        """The weighted sum of the heads' losses plus regularization_losses.

            loss = multi_head.loss({"a": y_a, "b": y_b}, {"a": logits_a, "b": logits_b})
        """
        logits_dict = self._check_logits_and_labels(logits, labels)
        losses = [h.loss(logits=logits_dict[h.name], labels=labels[h.name],
                         features=features, mode=mode) for h in self._heads]
        return self._merge_losses(losses, regularization_losses)

    def predictions(self, logits, keys=None):
        """Every head's predictions, keyed (head name, prediction key); keys is unused
        (as in TF).

            multi_head.predictions(logits)[("a", "probabilities")]
        """
        del keys
        logits_dict = self._check_logits_and_labels(logits)
        out = {}
        with name_scope("merge_pred"):
            for head in self._heads:
                for k, v in head.predictions(logits_dict[head.name]).items():
                    out[(head.name, k)] = v
        return out

    def _merge_export_outputs(self, specs):
        """serving_default: the first head's; '<name>' and '<name>/<key>' for each head's
        outputs; 'predict': every head's predictions as '<name>/<key>' (TF)."""
        outputs = {DEFAULT_SERVING_KEY: _default_export_output(specs[0].export_outputs,
                                                               self._heads[0].name)}
        merged = {}
        for head, spec in zip(self._heads, specs):
            for k, v in spec.export_outputs.items():
                outputs[head.name if k == DEFAULT_SERVING_KEY else f"{head.name}/{k}"] = v
                if k == PREDICT_SERVING_KEY and isinstance(v, export_output.PredictOutput):
                    for kp, vp in v.outputs.items():
                        merged[f"{head.name}/{kp}"] = vp
        outputs[PREDICT_SERVING_KEY] = export_output.PredictOutput(merged)
        return outputs

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None,
                              trainable_variables=None, train_op_fn=None, update_ops=None,
                              regularization_losses=None):
        """The EstimatorSpec of mode from every head's spec (TF's MultiHead): the loss is
        the weighted sum of the heads' losses; TRAIN minimizes it with optimizer or
        train_op_fn, as Head.create_estimator_spec.

            spec = multi_head.create_estimator_spec(features, mode, {"a": la, "b": lb},
                                                    labels, optimizer=opt)
        """
        with name_scope(self.name, "multi_head"):
            logits_dict = self._check_logits_and_labels(logits, labels)
            specs = [h.create_estimator_spec(
                features=features, mode=mode, logits=logits_dict[h.name],
                labels=labels[h.name] if labels else None, train_op_fn=_no_op_train_fn)
                for h in self._heads]
            predictions = self.predictions(logits_dict)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions,
                                     export_outputs=self._merge_export_outputs(specs))
            loss = self._merge_losses([s.loss for s in specs], regularization_losses)
            if mode == ModeKeys.EVAL:
                metrics = {}
                if regularization_losses is not None:
                    metrics[summary_key(self.name, MetricKeys.LOSS_REGULARIZATION)] = \
                        metrics_mean(add_n(list(regularization_losses)),
                                     name=MetricKeys.LOSS_REGULARIZATION)
                with name_scope("merge_eval"):
                    for head, spec in zip(self._heads, specs):
                        key = f"{MetricKeys.LOSS}/{head.name}"
                        metrics[key] = metrics_mean(spec.loss, name=key)
                for spec in specs:
                    metrics.update(spec.eval_metric_ops or {})
                return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                     eval_metric_ops=metrics)
            if mode != ModeKeys.TRAIN:
                raise ValueError(f"mode={mode} unrecognized")
        train_op = _train_op(optimizer, trainable_variables, train_op_fn, update_ops, loss)
        with name_scope(""):
            scalar(MetricKeys.LOSS, loss)
            if regularization_losses is not None:
                scalar(MetricKeys.LOSS_REGULARIZATION, add_n(list(regularization_losses)))
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)
