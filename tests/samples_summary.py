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


def _images(r, dtype):
    x = normal(r, (2,) + shape(r, 2, lo=2) + (int(r.choice([1, 3, 4])),))
    return x.astype(dtype) if dtype != "uint8" else (x * 60 + 128).clip(0, 255).astype(dtype)


SAMPLES += [
    Sample("ImageSummary", lambda x: gc.summary.image("img", x),
           lambda r: [_images(r, "float32")], grad=False),
    Sample("ImageSummary", lambda x: gc.summary.image("img", x, max_outputs=1),
           lambda r: [_images(r, "uint8")], grad=False, id="uint8"),
    Sample("AudioSummaryV2", lambda x: gc.summary.audio("clip", x, 8000.0),
           lambda r: [normal(r, (2, 9, 2)).astype("float32")], grad=False),
    Sample("TensorSummaryV2", lambda x: gc.summary.tensor_summary("t", x),
           lambda r: [normal(r, shape(r))], grad=False),
    Sample("TensorSummaryV2", lambda x: gc.summary.text("notes", gc.as_string(x)),
           lambda r: [r.integers(0, 9, size=shape(r, 2))], grad=False, id="text"),
]
