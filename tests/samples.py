"""Op samples: how to build each registered op on random inputs, and its numpy reference.

Every OpDef in graphc.ops.registry.REGISTRY must have at least one Sample here (or in a
samples_*.py module listed in MODULES) or an entry in EXEMPT saying why not; the
registry-wide tests in test_registry.py enumerate the registry, so a new op without a
sample fails the suite.
"""
import importlib
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Sample:
    op: str                  # the OpDef name this sample exercises
    build: object            # build(*input_tensors) -> tensor or list of tensors
    inputs: object           # inputs(rng) -> list of numpy arrays (random shapes/values)
    ref: object = None       # ref(*arrays) -> expected value(s); None: no value check
    grad: bool = True        # check the vjp (and jvp) against finite differences
    wrt: tuple = None        # input positions to differentiate (default: float inputs)
    grad_kw: dict = field(default_factory=dict)   # extra check_vjp arguments (eps...)
    rtol: float = 1e-6
    atol: float = 1e-9
    id: str = ""
    tags: tuple = field(default_factory=tuple)

    def __str__(self):
        return f"{self.op}[{self.id}]" if self.id else self.op


def shape(rng, rank=None, lo=1, hi=5):
    """A random shape with distinct-ish dims (a square matrix hides a swapped axis)."""
    rank = int(rng.integers(0, 4)) if rank is None else rank
    return tuple(int(d) for d in rng.integers(lo, hi + 1, size=rank))


def broadcastable(rng, s):
    """A random shape that broadcasts against s (some dims 1, maybe fewer dims)."""
    drop = int(rng.integers(0, len(s) + 1))
    out = list(s[drop:])
    for k in range(len(out)):
        if rng.random() < 0.3:
            out[k] = 1
    return tuple(out)


def normal(rng, s, dtype=np.float64):
    return rng.standard_normal(s).astype(dtype)


def positive(rng, s, lo=0.5, hi=2.0):
    return rng.uniform(lo, hi, size=s)


def away_from(rng, s, points=(0.0,), gap=0.1, scale=2.0):
    """Normal values kept `gap` away from kinks (for relu, abs, max...)."""
    x = rng.standard_normal(s) * scale
    for p in points:
        near = np.abs(x - p) < gap
        x = np.where(near, p + np.sign(x - p + 1e-12) * gap * 2, x)
    return x


# Ops with no sample, and why. Keep this short: everything computable gets a sample.
EXEMPT = {
    "Placeholder": "a feed, tested by the Session tests",
    "VariableV2": "state, tested by the variable tests",
    "Assign": "state, tested by the variable tests",
    "ReadCapturedVariable": "a variable read in a cond branch or loop body, tested by "
                            "tests/test_control_live_vars.py",
    "NoOp": "no outputs",
    "CustomGradient": "tested by test_gradients (custom_gradient)",
    "MakeIterator": "an iterator's initializer: no outputs, runs before IteratorGetNext; "
                    "tests/test_data.py runs it (with feeds, restarts)",
    "CountUpTo": "state (a variable's increment), tested by tests/test_misc8.py",
    "IteratorGetNext": "a stateful read of a pipeline (a sample's fed placeholders need "
                       "an initializer run first); tests/test_data.py checks values, "
                       "order, static shapes and dtypes for every transformation",
}
# tf.contrib.summary's writer ops write event files (a writer resource's state):
# tests/test_contrib_summary.py runs them and reads the files back (and the parity file
# with TF's summary_iterator)
EXEMPT.update(dict.fromkeys(
    ["SummaryWriter", "CreateSummaryFileWriter", "FlushSummaryWriter", "CloseSummaryWriter",
     "ImportEvent", "WriteScalarSummary", "WriteHistogramSummary", "WriteImageSummary",
     "WriteAudioSummary", "WriteSummary", "WriteGraphSummary"],
    "an event-file write of a summary writer; tests/test_contrib_summary.py reads the files"))

# Ops with value samples but no gradient to check, and why.
NO_GRADIENT = {
    "PyFunc": "a Python function has none (TF1: NotDifferentiable); test_pyfunc checks the "
              "None gradient and the gradient_override_map path",
    "PyFuncStateless": "as PyFunc",
    "MatrixLogarithm": "TF1 defines no gradient; test_nn2 checks the GradientError",
    "RandomGammaGrad": "random_gamma's derivative in alpha has none (TF1 neither); "
                       "test_random_extra checks the error",
}

MODULES = ["samples_names10", "samples_elementwise", "samples_array", "samples_reduce", "samples_linalg",
           "samples_nn", "samples_random", "samples_control", "samples_nn_extra",
           "samples_math", "samples_segment", "samples_conv_extra", "samples_rnn",
           "samples_tensor_array", "samples_decomp", "samples_array_extra",
           "samples_random_extra", "samples_nn_more", "samples_summary", "samples_image",
           "samples_sampled", "samples_math_more", "samples_nn_more2",
           "samples_array_more", "samples_sparse_ops", "samples_ctc",
           "samples_image_more", "samples_strings",
           "samples_parsing", "samples_linalg_more",
           "samples_complex", "samples_signal", "samples_lookup",
           "samples_queues", "samples_ragged", "samples_feature_column",
           "samples_distributions", "samples_image_jpeg", "samples_metrics_at_k",
           "samples_random_stateless", "samples_extras8", "samples_misc8",
           "samples_train_extras", "samples_data_more", "samples_nn2",
           "samples_audio", "samples_sigx", "samples_rng", "samples_quant",
           "samples_seqfc", "samples_names9", "samples_data_methods",
           "samples_data_experimental", "samples_seq2seq",
           "samples_contrib_image", "samples_checkpoint", "samples_image_scale",
           "samples_map_fn_composite"]


def all_samples():
    out = []
    for m in MODULES:
        try:
            mod = importlib.import_module(m)
        except ModuleNotFoundError as e:
            if e.name != m:
                raise
            continue
        out.extend(mod.SAMPLES)
    return out
