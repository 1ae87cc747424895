"""The exporters of tf.estimator (TF's Exporter, FinalExporter, LatestExporter,
BestExporter): what EvalSpec(exporters=...) runs after each evaluation of
train_and_evaluate, each writing SavedModels to model_dir/export/<name>/<timestamp>.

    exporter = gc.estimator.BestExporter(serving_input_receiver_fn=receiver_fn,
                                         exports_to_keep=2)
    eval_spec = gc.estimator.EvalSpec(eval_input_fn, exporters=[exporter])
    metrics, exports = gc.estimator.train_and_evaluate(est, train_spec, eval_spec)
"""
import glob
import os
import shutil

from ..summary import summary_iterator
from ..tf_logging import get_logger
from .estimator_lib import fn_args
from .model_fn import LOSS_METRIC_KEY

__all__ = ["Exporter", "FinalExporter", "LatestExporter", "BestExporter"]

_log = get_logger


class Exporter:
    """The interface of an exporter (TF's tf.estimator.Exporter): a `name` (the
    directory under model_dir/export) and export(estimator, export_path,
    checkpoint_path, eval_result, is_the_final_export), which returns the export's
    path or None when it skips.

        class MyExporter(gc.estimator.Exporter):
            name = "mine"
            def export(self, estimator, export_path, checkpoint_path, eval_result,
                       is_the_final_export):
                return None
    """

    @property
    def name(self):
        """The directory name under the export base directory."""
        raise NotImplementedError("Exporter subclasses define `name`.")

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        """Export `estimator` (at checkpoint_path) under export_path; the path
        written, or None."""
        raise NotImplementedError("Exporter subclasses define `export`.")


class _SavedModelExporter(Exporter):
    """Exports the serving graph and the checkpoint's variables each time."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        self._name = name
        self._serving_input_receiver_fn = serving_input_receiver_fn
        self._assets_extra = assets_extra
        self._as_text = as_text

    name = property(lambda self: self._name)

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        return estimator.export_saved_model(
            export_path, self._serving_input_receiver_fn,
            assets_extra=self._assets_extra, as_text=self._as_text,
            checkpoint_path=checkpoint_path)


def _check_exports_to_keep(exports_to_keep, message):
    if exports_to_keep is not None and exports_to_keep <= 0:
        raise ValueError(message)
    return exports_to_keep


def garbage_collect_exports(export_dir_base, exports_to_keep):
    """Delete all but the exports_to_keep largest versions (sub-directories named
    by 10 digits) of export_dir_base (TF's exporters' garbage collection)."""
    if exports_to_keep is None or not os.path.isdir(export_dir_base):
        return
    versions = sorted(int(name) for name in os.listdir(export_dir_base)
                      if len(name) == 10 and name.isdigit()
                      and os.path.isdir(os.path.join(export_dir_base, name)))
    for version in versions[:max(len(versions) - exports_to_keep, 0)]:
        path = os.path.join(export_dir_base, str(version))
        try:
            shutil.rmtree(path)
        except OSError as e:
            _log().warning("Can not delete %s recursively: %s", path, e)


class FinalExporter(Exporter):
    """Exports once, at the end of training (the evaluation with
    is_the_final_export=True) (TF).

        gc.estimator.FinalExporter("final", serving_input_receiver_fn)
    """

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        self._saved_model_exporter = _SavedModelExporter(
            name, serving_input_receiver_fn, assets_extra, as_text)

    name = property(lambda self: self._saved_model_exporter.name)

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        """The export path at the final export, else None."""
        if not is_the_final_export:
            return None
        _log().info("Performing the final export in the end of training.")
        return self._saved_model_exporter.export(estimator, export_path, checkpoint_path,
                                                 eval_result, is_the_final_export)


class LatestExporter(Exporter):
    """Exports after every evaluation and keeps the exports_to_keep newest
    exports (None: all) (TF).

        gc.estimator.LatestExporter("latest", serving_input_receiver_fn,
                                    exports_to_keep=3)
    """

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False,
                 exports_to_keep=5):
        self._saved_model_exporter = _SavedModelExporter(
            name, serving_input_receiver_fn, assets_extra, as_text)
        self._exports_to_keep = _check_exports_to_keep(
            exports_to_keep, "`exports_to_keep`, if provided, must be positive number")

    name = property(lambda self: self._saved_model_exporter.name)

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        """Export, then delete the older exports beyond exports_to_keep."""
        result = self._saved_model_exporter.export(estimator, export_path, checkpoint_path,
                                                   eval_result, is_the_final_export)
        garbage_collect_exports(export_path, self._exports_to_keep)
        return result


def _loss_smaller(best_eval_result, current_eval_result):
    """True when current_eval_result's loss is smaller than best_eval_result's (TF's
    default compare_fn of BestExporter)."""
    if not best_eval_result or LOSS_METRIC_KEY not in best_eval_result:
        raise ValueError("best_eval_result cannot be empty or no loss is found in it.")
    if not current_eval_result or LOSS_METRIC_KEY not in current_eval_result:
        raise ValueError("current_eval_result cannot be empty or no loss is found in it.")
    return best_eval_result[LOSS_METRIC_KEY] > current_eval_result[LOSS_METRIC_KEY]


def _verify_compare_fn_args(compare_fn):
    args = set(fn_args(compare_fn))
    if "best_eval_result" not in args:
        raise ValueError(f"compare_fn ({compare_fn}) must include best_eval_result "
                         "argument.")
    if "current_eval_result" not in args:
        raise ValueError(f"compare_fn ({compare_fn}) must include current_eval_result "
                         "argument.")
    extra = list(args - {"best_eval_result", "current_eval_result"})
    if extra:
        raise ValueError(f"compare_fn ({compare_fn}) has following not expected args: "
                         f"{extra}")


class BestExporter(Exporter):
    """Exports when an evaluation is better than the best so far by compare_fn
    (default: a smaller loss). The best so far starts from the eval event files of
    model_dir matching event_file_pattern, so a restarted job keeps it; keeps the
    exports_to_keep newest exports (TF).

        gc.estimator.BestExporter(serving_input_receiver_fn=receiver_fn,
                                  compare_fn=lambda best_eval_result, current_eval_result:
                                  current_eval_result["acc"] > best_eval_result["acc"])
    """

    def __init__(self, name="best_exporter", serving_input_receiver_fn=None,
                 event_file_pattern="eval/*.tfevents.*", compare_fn=_loss_smaller,
                 assets_extra=None, as_text=False, exports_to_keep=5):
        if compare_fn is None:
            raise ValueError("`compare_fn` must not be None.")
        _verify_compare_fn_args(compare_fn)
        self._compare_fn = compare_fn
        self._saved_model_exporter = _SavedModelExporter(
            name, serving_input_receiver_fn, assets_extra, as_text)
        self._event_file_pattern = event_file_pattern
        self._model_dir, self._best_eval_result, self._has_exported = None, None, False
        self._exports_to_keep = _check_exports_to_keep(
            exports_to_keep, "`exports_to_keep`, if provided, must be a positive number. "
            f"Got {exports_to_keep}")

    name = property(lambda self: self._saved_model_exporter.name)

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        """Export when eval_result beats the best so far (always the first time);
        the export path, or None."""
        if self._model_dir != estimator.model_dir and self._event_file_pattern:
            _log().info("Loading best metric from event files.")
            self._model_dir = estimator.model_dir
            self._best_eval_result = self._get_best_eval_result(
                os.path.join(self._model_dir, self._event_file_pattern))
        if (self._best_eval_result is None or not self._has_exported
                or self._compare_fn(best_eval_result=self._best_eval_result,
                                    current_eval_result=eval_result)):
            _log().info("Performing best model export.")
            self._best_eval_result = eval_result
            result = self._saved_model_exporter.export(
                estimator, export_path, checkpoint_path, eval_result, is_the_final_export)
            garbage_collect_exports(export_path, self._exports_to_keep)
            self._has_exported = True
            return result
        return None

    def _get_best_eval_result(self, pattern):
        """The best {tag: simple_value} of the summary events in the files of pattern."""
        best = None
        for path in glob.glob(pattern):
            for event in summary_iterator(path):
                if not event.HasField("summary"):
                    continue
                result = {v.tag: v.simple_value for v in event.summary.value
                          if v.HasField("simple_value")}
                if result and (best is None or self._compare_fn(best, result)):
                    best = result
        return best
