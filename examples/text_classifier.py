"""A bag-of-words sentiment classifier, TF1-style from file to checkpoint:

- the data is written as a TFRecord file of tf.train.Example protos (text and label);
- a TFRecordDataset parses them (parse_single_example), shuffles and batches;
- sentences are split into words (string_split) and hashed into buckets
  (string_to_hash_bucket_fast, TF's FarmHash buckets), then embedded and averaged
  (embedding_lookup_sparse);
- the embedding table gets sparse gradients (IndexedSlices), so each Adagrad step updates
  only the rows of the words in the batch;
- MonitoredTrainingSession runs the loop, stops at a step and writes checkpoints.

    python examples/text_classifier.py
"""
import os
import tempfile

import numpy as np

import graphc as gc

GOOD = "good great fine excellent lovely superb happy nice".split()
BAD = "bad awful poor terrible sad horrible nasty dull".split()
NEUTRAL = "the a movie film plot actor scene was is and it this".split()


def sentences(n, rng):
    """n (text, label) pairs: label 1 when the sentence holds more GOOD than BAD words."""
    out = []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        words = list(rng.choice(NEUTRAL, size=int(rng.integers(3, 7))))
        words += list(rng.choice(GOOD if label else BAD, size=int(rng.integers(1, 3))))
        rng.shuffle(words)
        out.append((" ".join(words), label))
    return out


def write_records(path, data):
    with gc.python_io.TFRecordWriter(path) as writer:
        for text, label in data:
            example = gc.train.Example(features=gc.train.Features(feature={
                "text": gc.train.Feature(bytes_list=gc.train.BytesList(
                    value=[text.encode()])),
                "label": gc.train.Feature(int64_list=gc.train.Int64List(value=[label]))}))
            writer.write(example.SerializeToString())


def model(texts, buckets=256, dim=8):
    """Logits of a batch of sentences (a 1-D string tensor)."""
    words = gc.string_split(texts, " ")
    ids = gc.SparseTensor(words.indices, gc.string_to_hash_bucket_fast(words.values, buckets),
                          words.dense_shape)
    table = gc.get_variable("embeddings", (buckets, dim),
                            initializer=gc.random_normal_initializer(stddev=0.1, seed=1))
    bag = gc.nn.embedding_lookup_sparse(table, ids, None, combiner="mean")
    w = gc.get_variable("w", (dim, 1), initializer=gc.zeros_initializer())
    b = gc.get_variable("b", (1,), initializer=gc.zeros_initializer())
    return gc.squeeze(gc.matmul(bag, w) + b, axis=1)


def main(steps=300, verbose=True, workdir=None):
    rng = np.random.default_rng(0)
    workdir = workdir or tempfile.mkdtemp(prefix="graphc_text_")
    path = os.path.join(workdir, "train.tfrecord")
    write_records(path, sentences(400, rng))
    test = sentences(200, rng)

    with gc.Graph().as_default():
        features = {"text": gc.FixedLenFeature([], gc.string),
                    "label": gc.FixedLenFeature([], gc.int64)}
        ds = (gc.data.TFRecordDataset(path)
              .map(lambda record: gc.parse_single_example(record, features))
              .shuffle(400, seed=1).repeat().batch(32))
        batch = ds.make_one_shot_iterator().get_next()
        with gc.variable_scope("classifier"):
            logits = model(batch["text"])
        labels = gc.cast(batch["label"], gc.float32)
        loss = gc.reduce_mean(gc.nn.sigmoid_cross_entropy_with_logits(
            labels=labels, logits=logits))
        step = gc.train.get_or_create_global_step()
        opt = gc.train.AdagradOptimizer(0.5)
        grads = opt.compute_gradients(loss)
        sparse = [v.op.name for g, v in grads if isinstance(g, gc.IndexedSlices)]
        train_op = opt.apply_gradients(grads, global_step=step)

        text_in = gc.placeholder(gc.string, [None], name="text_in")
        with gc.variable_scope("classifier", reuse=True):
            predicted = gc.cast(model(text_in) > 0.0, gc.int32)

        history = []
        ckpt_dir = os.path.join(workdir, "ckpt")
        with gc.train.MonitoredTrainingSession(
                checkpoint_dir=ckpt_dir, save_summaries_steps=None,
                hooks=[gc.train.StopAtStepHook(last_step=steps)]) as sess:
            while not sess.should_stop():
                _, value = sess.run([train_op, loss])
                history.append(float(value))
        with gc.Session() as sess:                  # evaluate the last checkpoint
            gc.train.Saver().restore(sess, gc.train.latest_checkpoint(ckpt_dir))
            guesses = sess.run(predicted, {text_in: [t for t, _ in test]})
        accuracy = float(np.mean(guesses == np.array([label for _, label in test])))
    if verbose:
        print(f"sparse gradients for: {sparse}")
        print(f"loss {history[0]:.3f} -> {np.mean(history[-20:]):.3f}; "
              f"test accuracy {accuracy:.3f}; checkpoint {gc.train.latest_checkpoint(ckpt_dir)}")
    return {"loss_history": history, "accuracy": accuracy, "sparse": sparse,
            "checkpoint": gc.train.latest_checkpoint(ckpt_dir)}


if __name__ == "__main__":
    main()
