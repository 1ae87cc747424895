"""Samples for graphc.ops.sampled (see samples.py): the samplers' static shapes and dtypes
(their distributions, expected counts and seeding are tested in test_sampled.py), and
compute_accidental_hits against a numpy reference."""
import numpy as np

import graphc as gc
from samples import Sample


def _classes(r, batch=3, num_true=2, hi=7):
    return [r.integers(0, hi, (batch, num_true)).astype(np.int64)]


def _hits_ref(true_classes, sampled):
    """Rows and sampled positions (the last one of a repeated class) of each true class."""
    pos = {c: j for j, c in enumerate(sampled.tolist())}
    hits = [(i, pos[c]) for i, row in enumerate(true_classes.tolist()) for c in row
            if c in pos]
    rows = np.array([h[0] for h in hits], np.int32)
    ids = np.array([h[1] for h in hits], np.int64)
    return [rows, ids, np.full(len(hits), -np.finfo(np.float32).max, np.float32)]


SAMPLES = [
    Sample("LogUniformCandidateSampler",
           lambda t: list(gc.nn.log_uniform_candidate_sampler(t, 2, 4, True, 7, seed=1)),
           _classes, grad=False),
    Sample("LogUniformCandidateSampler",
           lambda t: list(gc.nn.log_uniform_candidate_sampler(t, 1, 6, False, 3)),
           lambda r: _classes(r, 4, 1, 3), grad=False, id="not-unique"),
    Sample("UniformCandidateSampler",
           lambda t: list(gc.nn.uniform_candidate_sampler(t, 2, 5, True, 9, seed=2)),
           lambda r: _classes(r, 3, 2, 9), grad=False),
    Sample("FixedUnigramCandidateSampler",
           lambda t: list(gc.nn.fixed_unigram_candidate_sampler(
               t, 2, 3, True, 6, distortion=0.75, num_reserved_ids=1,
               unigrams=[5, 4, 3, 2, 1])),
           lambda r: _classes(r, 2, 2, 6), grad=False),
    Sample("ComputeAccidentalHits", lambda t, s: list(gc.nn.compute_accidental_hits(t, s, 2)),
           lambda r: _classes(r, 4, 2, 5) + [r.integers(0, 5, (6,)).astype(np.int64)],
           ref=_hits_ref, grad=False),
]
