"""Samples for graphc.summary's ops (see samples.py). Their values are serialized
Summary protos (gc.string), which the registry's numeric comparison cannot read:
tests/test_summary.py checks what they hold. No gradients: summaries have none."""
import graphc as gc
from samples import Sample, normal, shape

SAMPLES = [
    Sample("ScalarSummary", lambda x: gc.summary.scalar("loss", x),
           lambda r: [normal(r, ())], grad=False),
    Sample("ScalarSummary", lambda x: gc.summary.scalar("n", x),
           lambda r: [r.integers(-5, 5, size=(), dtype="int64")], grad=False, id="int"),
    Sample("HistogramSummary", lambda x: gc.summary.histogram("w", x),
           lambda r: [normal(r, shape(r, 2))], grad=False),
    Sample("MergeSummary",
           lambda x, y: gc.summary.merge([gc.summary.scalar("a", x),
                                          gc.summary.histogram("b", y)]),
           lambda r: [normal(r, ()), normal(r, shape(r, 3))], grad=False),
]
