"""A wide-and-deep income classifier, TF1's canned-estimator way, on synthetic census rows:

- feature columns describe the input: numeric and bucketized age, a vocabulary list for
  education, hash buckets for occupation, their cross for the wide part, embeddings and
  indicators for the deep part;
- DNNLinearCombinedClassifier trains with train_and_evaluate (TrainSpec / EvalSpec),
  checkpointing into model_dir and evaluating after each checkpoint;
- the model is exported as a SavedModel whose serving signature parses tf.train.Example
  protos, then loaded back in a fresh graph and run on new examples.

    python examples/wide_and_deep.py
"""
import tempfile

import numpy as np

import graphc as gc

fc = gc.feature_column
EDUCATION = ["hs", "college", "bachelors", "masters", "doctorate"]
OCCUPATIONS = ["clerk", "sales", "tech", "exec", "craft", "service", "farming"]


def census(n, rng):
    """n synthetic rows and labels: income depends on age, education and an
    occupation-by-education interaction (what the crossed column captures)."""
    age = rng.integers(18, 70, n).astype(np.float32)
    edu = rng.integers(0, len(EDUCATION), n)
    occ = rng.integers(0, len(OCCUPATIONS), n)
    score = (0.08 * (age - 40) - 0.002 * (age - 45) ** 2 + 0.9 * edu - 2.0
             + np.where((occ >= 2) & (occ <= 3) & (edu >= 2), 2.5, 0.0))
    label = (score + rng.normal(0, 0.5, n) > 0).astype(np.int64)
    rows = {"age": age.reshape(-1, 1),
            "education": np.array(EDUCATION, object)[edu].reshape(-1, 1),
            "occupation": np.array(OCCUPATIONS, object)[occ].reshape(-1, 1)}
    return rows, label.reshape(-1, 1)


def columns():
    age = fc.numeric_column("age")
    age_buckets = fc.bucketized_column(age, [25, 30, 35, 40, 45, 50, 55, 60, 65])
    education = fc.categorical_column_with_vocabulary_list("education", EDUCATION)
    occupation = fc.categorical_column_with_hash_bucket("occupation", 20)
    wide = [age_buckets, education, occupation,
            fc.crossed_column([education, "occupation"], hash_bucket_size=100)]
    deep = [age, fc.indicator_column(education), fc.embedding_column(occupation, 4)]
    return wide, deep


def main(steps=300, verbose=True, model_dir=None):
    rng = np.random.default_rng(0)
    train_x, train_y = census(2000, rng)
    test_x, test_y = census(500, rng)
    model_dir = model_dir or tempfile.mkdtemp(prefix="wide_and_deep_")
    wide, deep = columns()
    config = gc.estimator.RunConfig(model_dir=model_dir, tf_random_seed=1,
                                    save_checkpoints_steps=100)
    estimator = gc.estimator.DNNLinearCombinedClassifier(
        linear_feature_columns=wide, dnn_feature_columns=deep, dnn_hidden_units=[16, 8],
        dnn_optimizer=gc.train.AdamOptimizer(0.01), config=config)
    inputs = gc.estimator.inputs.numpy_input_fn
    train = gc.estimator.TrainSpec(
        inputs(train_x, train_y, batch_size=64, num_epochs=None, shuffle=True),
        max_steps=steps)
    evaluate = gc.estimator.EvalSpec(
        inputs(test_x, test_y, batch_size=500, shuffle=False), steps=1, throttle_secs=0)
    gc.estimator.train_and_evaluate(estimator, train, evaluate)
    metrics = estimator.evaluate(inputs(test_x, test_y, batch_size=500, shuffle=False))
    if verbose:
        print({k: round(float(v), 4) for k, v in sorted(metrics.items())})

    # serving: parse tf.train.Example protos, as a TF1 model server would
    spec = fc.make_parse_example_spec(wide + deep)
    receiver = gc.estimator.export.build_parsing_serving_input_receiver_fn(spec)
    export_dir = estimator.export_saved_model(model_dir + "/export", receiver)
    examples = [gc.train.Example(features=gc.train.Features(feature={
        "age": gc.train.Feature(float_list=gc.train.FloatList(value=[float(a)])),
        "education": gc.train.Feature(bytes_list=gc.train.BytesList(value=[e.encode()])),
        "occupation": gc.train.Feature(bytes_list=gc.train.BytesList(value=[o.encode()]))
    })).SerializeToString() for a, e, o in [(50, "doctorate", "exec"), (20, "hs", "farming")]]
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, ["serve"], export_dir)
        sig = meta.signature_def["predict"]
        probs = sess.run(sig.outputs["probabilities"].name,
                         {sig.inputs["examples"].name: np.array(examples, object)})
    if verbose:
        print("exported to", export_dir.decode(), "- P(high income):", probs[:, 1].round(3))
    return {"metrics": metrics, "export_dir": export_dir, "served": probs}


if __name__ == "__main__":
    main()
