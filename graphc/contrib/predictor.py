"""gc.contrib.predictor: TF 1.15's tf.contrib.predictor. A Predictor holds a Session on
a loaded model and maps a dict of inputs to a dict of outputs.

    predict = predictor.from_saved_model("export/1554")
    out = predict({"x": [[1.0, 2.0]]})          # {"y": array(...)}
"""
from ..graph import Graph

__all__ = ["Predictor", "from_saved_model", "from_estimator", "from_contrib_estimator"]

DEFAULT_TAGS = "serve"
_DEFAULT_INPUT_ALTERNATIVE_FORMAT = "default_input_alternative:{}"


class Predictor:
    """A callable over a Session: predictor(input_dict) -> {output key: value}.

        out = predict({"x": batch})
    input_dict's keys are those of feed_tensors (a missing one is not fed; an unknown
    one is a ValueError); the result has every key of fetch_tensors."""

    def __call__(self, input_dict):
        unexpected = set(input_dict) - set(self.feed_tensors)
        if unexpected:
            raise ValueError(f"Got unexpected keys in input_dict: {unexpected}\n"
                             f"expected: {set(self.feed_tensors)}")
        feed_dict = {}
        for key, tensor in self.feed_tensors.items():
            value = input_dict.get(key)
            if value is not None:
                feed_dict[tensor] = value
        return self._session.run(fetches=self.fetch_tensors, feed_dict=feed_dict)

    @property
    def graph(self):
        """The graph the model lives in."""
        return self._graph

    @property
    def session(self):
        """The Session that runs it."""
        return self._session

    @property
    def feed_tensors(self):
        """{input key: the tensor fed}."""
        return self._feed_tensors

    @property
    def fetch_tensors(self):
        """{output key: the tensor fetched}."""
        return self._fetch_tensors

    def __repr__(self):
        return (f"{type(self).__name__} with feed tensors {self.feed_tensors} and fetch "
                f"tensors {self.fetch_tensors}")


def _check_signature_arguments(signature_def_key, signature_def, input_names,
                               output_names):
    if (input_names is None) != (output_names is None):
        raise ValueError("input_names and output_names must both be specified or both be "
                         "unspecified.")
    if ((signature_def_key is not None) + (signature_def is not None)
            + (input_names is not None) > 1):
        raise ValueError("You must specify at most one of signature_def_key OR "
                         "signature_def OR (input_names AND output_names).")


def _signature(meta_graph, signature_def_key):
    key = signature_def_key or "serving_default"
    found = meta_graph.signature_def.get(key)
    if found is None:
        found = meta_graph.signature_def.get(_DEFAULT_INPUT_ALTERNATIVE_FORMAT.format(key))
    if found is None:
        raise ValueError(f'Got signature_def_key "{key}". Available signatures are '
                         f"{sorted(meta_graph.signature_def)}.")
    return found


class SavedModelPredictor(Predictor):
    """A Predictor over a SavedModel (see from_saved_model)."""

    def __init__(self, export_dir, signature_def_key=None, signature_def=None,
                 input_names=None, output_names=None, tags=None, graph=None, config=None):
        from ..saved_model import loader
        from ..session import Session
        _check_signature_arguments(signature_def_key, signature_def, input_names,
                                   output_names)
        tags = tags or DEFAULT_TAGS
        tags = tags.split(",") if isinstance(tags, str) else list(tags)
        self._graph = graph or Graph()
        with self._graph.as_default():
            self._session = Session(config=config)
            meta_graph = loader.load(self._session, tags, export_dir)
        if input_names is None:
            if signature_def is None:
                signature_def = _signature(meta_graph, signature_def_key)
            input_names = {k: v.name for k, v in signature_def.inputs.items()}
            output_names = {k: v.name for k, v in signature_def.outputs.items()}
        get = self._graph.get_tensor_by_name
        self._feed_tensors = {k: get(v) for k, v in input_names.items()}
        self._fetch_tensors = {k: get(v) for k, v in output_names.items()}


class CoreEstimatorPredictor(Predictor):
    """A Predictor over an Estimator's latest checkpoint (see from_estimator)."""

    def __init__(self, estimator, serving_input_receiver_fn, output_key=None, graph=None,
                 config=None):
        from ..estimator.export_saved import build_all_signature_defs
        from ..estimator.model_fn import ModeKeys
        from ..train import MonitoredSession, ChiefSessionCreator, create_global_step
        self._graph = graph or Graph()
        with self._graph.as_default():
            create_global_step(self._graph)
            receiver = serving_input_receiver_fn()
            spec = estimator._call_model_fn(receiver.features, None, ModeKeys.PREDICT,
                                            estimator.config)
            signatures = build_all_signature_defs(
                receiver.receiver_tensors, spec.export_outputs,
                getattr(receiver, "receiver_tensors_alternatives", None))
            key = output_key or "serving_default"
            if key not in signatures:
                raise KeyError(f"output_key {key!r} is not among the signatures "
                               f"{sorted(signatures)}")
            signature_def = signatures[key]
            self._session = MonitoredSession(session_creator=ChiefSessionCreator(
                scaffold=spec.scaffold, config=config,
                checkpoint_filename_with_path=estimator.latest_checkpoint()))
        get = self._graph.get_tensor_by_name
        self._feed_tensors = {k: get(v.name) for k, v in signature_def.inputs.items()}
        self._fetch_tensors = {k: get(v.name) for k, v in signature_def.outputs.items()}


def from_saved_model(export_dir, signature_def_key=None, signature_def=None,
                     input_names=None, output_names=None, tags=None, graph=None,
                     config=None):
    """A Predictor running a SavedModel (graphc's format) exported to export_dir.

        predict = predictor.from_saved_model(export_dir)
        predict({"x": [[1.0]]})
    The signature is signature_def_key's (default "serving_default", or
    "default_input_alternative:<key>"), or signature_def, or the tensor names
    input_names / output_names ({key: "name:0"}); at most one of the three. tags: a
    comma-separated string (default "serve") or a list."""
    return SavedModelPredictor(export_dir, signature_def_key, signature_def, input_names,
                               output_names, tags, graph, config)


def from_estimator(estimator, serving_input_receiver_fn, output_key=None, graph=None,
                   config=None):
    """A Predictor running estimator's model_fn in PREDICT mode on the receiver of
    serving_input_receiver_fn, restored from its latest checkpoint; the outputs are
    those of the export output output_key (default "serving_default").

        predict = predictor.from_estimator(est, serving_input_fn)"""
    from ..estimator.estimator import Estimator
    if not isinstance(estimator, Estimator):
        raise TypeError(f"Expected estimator to be of type tf.estimator.Estimator, but "
                        f"got type {type(estimator).__name__}.")
    return CoreEstimatorPredictor(estimator, serving_input_receiver_fn,
                                  output_key=output_key, graph=graph, config=config)


def from_contrib_estimator(estimator, prediction_input_fn, input_alternative_key=None,
                           output_alternative_key=None, graph=None, config=None):
    """For tf.contrib.learn Estimators, which graphc does not have: NotImplementedError.

        predictor.from_estimator(est, serving_input_fn)     # use this instead"""
    raise NotImplementedError("from_contrib_estimator: graphc has no tf.contrib.learn "
                              "Estimator; use from_estimator with a gc.estimator.Estimator")
