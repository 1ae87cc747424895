"""gc.estimator: TF1's tf.estimator, on graphc's MonitoredTrainingSession, hooks, Saver,
summaries and tf.data.

    est = gc.estimator.Estimator(model_fn, model_dir="m")
    est.train(input_fn, steps=100)
    print(est.evaluate(input_fn))           # {'loss': ..., 'global_step': 100}
    for p in est.predict(input_fn): ...

Modules: model_fn.py (ModeKeys, EstimatorSpec), run_config.py (RunConfig),
estimator.py (Estimator), estimator_lib.py (its helpers, WarmStartSettings),
training.py (TrainSpec, EvalSpec, train_and_evaluate), inputs.py (numpy_input_fn),
export.py and export_output.py (serving receivers, ExportOutputs), export_saved.py
(Estimator.export_saved_model); the canned estimators in canned_linear.py, canned_dnn.py,
canned_dnn_linear_combined.py on the heads of head.py and head_classification.py.
"""
from . import export, inputs
from .estimator import Estimator
from .estimator_lib import WarmStartSettings
from .model_fn import EstimatorSpec, ModeKeys
from .run_config import RunConfig
from .training import EvalSpec, TrainSpec, train_and_evaluate
from .canned_dnn import DNNClassifier, DNNRegressor
from .canned_dnn_linear_combined import DNNLinearCombinedClassifier, DNNLinearCombinedRegressor
from .canned_linear import LinearClassifier, LinearRegressor

__all__ = ["Estimator", "EstimatorSpec", "ModeKeys", "RunConfig", "WarmStartSettings",
           "TrainSpec", "EvalSpec", "train_and_evaluate", "export", "inputs",
           "LinearClassifier", "LinearRegressor", "DNNClassifier", "DNNRegressor",
           "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor"]
