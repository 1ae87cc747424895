"""A multilayer perceptron, TF1 style, on two interleaved spirals: a problem no linear
classifier solves (run with hidden=() to see one stall near chance), that two tanh
layers learn. Full-batch Adam, sparse softmax cross-entropy. Fixed seeds.

    python examples/mlp_classifier.py      # after `pip install -e .`, or with PYTHONPATH=.
"""
import numpy as np

import graphc as gc


def make_spirals(n_per_class, seed, noise=0.2):
    """Two spirals, 1.75 turns each, labels 0 and 1, shuffled."""
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.uniform(0.05, 1.0, size=n_per_class)) * 3.5 * np.pi
    xs, ys = [], []
    for k in range(2):
        angle = t + k * np.pi
        pts = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) / (3.5 * np.pi)
        xs.append(pts * 2.0 + noise * 2.0 / (3.5 * np.pi) * rng.normal(size=pts.shape))
        ys.append(np.full(n_per_class, k))
    x, y = np.concatenate(xs), np.concatenate(ys)
    order = rng.permutation(len(y))
    return x[order].astype(np.float32), y[order].astype(np.int32)


def dense(x, n_in, n_out, name, activation=None):
    with gc.name_scope(name):
        w = gc.Variable(gc.random_normal((n_in, n_out), stddev=np.sqrt(1.0 / n_in)),
                        name="w")
        b = gc.Variable(gc.zeros((n_out,)), name="b")
        y = gc.matmul(x, w) + b
        return activation(y) if activation is not None else y


def main(steps=1000, hidden=(32, 32), learning_rate=0.02, n_per_class=200, verbose=True):
    """Train for `steps` full-batch steps; return train/test accuracy and the loss
    history. hidden=() gives a linear (softmax regression) baseline."""
    x_train, y_train = make_spirals(n_per_class, seed=0)
    x_test, y_test = make_spirals(n_per_class, seed=1)

    graph = gc.Graph()
    with graph.as_default():
        gc.set_random_seed(0)
        x = gc.placeholder(gc.float32, shape=(None, 2), name="x")
        labels = gc.placeholder(gc.int32, shape=(None,), name="labels")
        h, n_in = x, 2
        for i, width in enumerate(hidden):
            h = dense(h, n_in, width, f"hidden{i + 1}", activation=gc.tanh)
            n_in = width
        logits = dense(h, n_in, 2, "logits")
        loss = gc.reduce_mean(
            gc.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        step = gc.train.get_or_create_global_step()
        train_op = gc.train.AdamOptimizer(learning_rate).minimize(loss, global_step=step)
        predicted = gc.cast(gc.argmax(logits, 1), gc.int32)
        accuracy = gc.reduce_mean(gc.cast(gc.equal(predicted, labels), gc.float32))

        history = []
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            train = sess.make_callable([train_op, loss], feed_list=[x, labels])
            for i in range(steps):
                _, value = train(x_train, y_train)
                history.append(float(value))
                if verbose and (i % max(1, steps // 10) == 0 or i == steps - 1):
                    print(f"step {i:5d}  loss {value:.4f}")
            train_acc = sess.run(accuracy, feed_dict={x: x_train, labels: y_train})
            test_acc = sess.run(accuracy, feed_dict={x: x_test, labels: y_test})
    if verbose:
        kind = f"MLP {list(hidden)}" if hidden else "linear model"
        print(f"{kind}: train accuracy {train_acc:.3f}, test accuracy {test_acc:.3f}")
    return {"train_accuracy": float(train_acc), "test_accuracy": float(test_acc),
            "loss_history": history}


if __name__ == "__main__":
    main()
