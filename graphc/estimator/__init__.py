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
canned_dnn_linear_combined.py, canned_baseline.py on the heads of head.py and
head_classification.py; the public heads in heads.py (MultiLabelHead and MultiHead
in heads_multi.py); add_metrics in extenders.py;
the exporters of EvalSpec in exporter.py; Keras' model_to_estimator in
keras_estimator.py; the early-stopping hooks of experimental.py in early_stopping.py.
"""
from . import experimental, export, inputs
from .estimator import Estimator
from .estimator_lib import WarmStartSettings
from .model_fn import EstimatorSpec, ModeKeys
from .run_config import RunConfig
from .training import EvalSpec, TrainSpec, train_and_evaluate
from .canned_baseline import BaselineClassifier, BaselineEstimator, BaselineRegressor
from .canned_dnn import DNNClassifier, DNNEstimator, DNNRegressor
from .canned_dnn_linear_combined import (DNNLinearCombinedClassifier,
                                         DNNLinearCombinedEstimator,
                                         DNNLinearCombinedRegressor)
from .canned_linear import LinearClassifier, LinearEstimator, LinearRegressor
from .extenders import add_metrics
from .exporter import BestExporter, Exporter, FinalExporter, LatestExporter
from .heads import (BinaryClassHead, Head, LogisticRegressionHead, MultiClassHead,
                    PoissonRegressionHead, RegressionHead)
from .heads_multi import MultiHead, MultiLabelHead

__all__ = ["Estimator", "EstimatorSpec", "ModeKeys", "RunConfig", "WarmStartSettings",
           "TrainSpec", "EvalSpec", "train_and_evaluate", "export", "inputs",
           "LinearClassifier", "LinearRegressor", "DNNClassifier", "DNNRegressor",
           "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor", "LinearEstimator",
           "DNNEstimator", "DNNLinearCombinedEstimator", "BaselineClassifier",
           "BaselineRegressor", "BaselineEstimator", "Head", "BinaryClassHead",
           "MultiClassHead", "RegressionHead", "PoissonRegressionHead",
           "LogisticRegressionHead", "add_metrics", "experimental", "Exporter",
           "FinalExporter", "LatestExporter", "BestExporter", "MultiLabelHead",
           "MultiHead"]
