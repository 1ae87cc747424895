"""Softmax regression, TF1 style: three Gaussian blobs in 2-D, one linear layer,
softmax cross-entropy, minibatch SGD with momentum and an exponentially decaying
learning rate. Fixed seeds, no downloads.

    python examples/softmax_regression.py      # after `pip install -e .`, or with PYTHONPATH=.
"""
import numpy as np

import graphc as gc

CENTERS = np.array([[0.0, 3.0], [-2.6, -1.5], [2.6, -1.5]], dtype=np.float32)
N_CLASSES = 3


def make_blobs(n_per_class, seed):
    """Points around each center (sd 1), labels 0..2, shuffled."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([c + rng.normal(size=(n_per_class, 2)) for c in CENTERS])
    labels = np.repeat(np.arange(N_CLASSES), n_per_class)
    order = rng.permutation(len(labels))
    return x[order].astype(np.float32), labels[order]


def main(steps=300, batch_size=64, n_per_class=200, verbose=True):
    """Train for `steps` minibatch steps; return train/test accuracy and the loss
    history."""
    x_train, y_train = make_blobs(n_per_class, seed=0)
    x_test, y_test = make_blobs(n_per_class, seed=1)
    onehot_train = np.eye(N_CLASSES, dtype=np.float32)[y_train]
    onehot_test = np.eye(N_CLASSES, dtype=np.float32)[y_test]

    graph = gc.Graph()
    with graph.as_default():
        gc.set_random_seed(0)
        x = gc.placeholder(gc.float32, shape=(None, 2), name="x")
        labels = gc.placeholder(gc.float32, shape=(None, N_CLASSES), name="labels")
        w = gc.Variable(gc.random_normal((2, N_CLASSES), stddev=0.1), name="w")
        b = gc.Variable(gc.zeros((N_CLASSES,)), name="b")
        logits = gc.matmul(x, w) + b
        loss = gc.reduce_mean(
            gc.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        step = gc.train.get_or_create_global_step()
        lr = gc.train.exponential_decay(0.1, step, decay_steps=100, decay_rate=0.5)
        train_op = gc.train.MomentumOptimizer(lr, momentum=0.9).minimize(
            loss, global_step=step)
        correct = gc.equal(gc.argmax(logits, 1), gc.argmax(labels, 1))
        accuracy = gc.reduce_mean(gc.cast(correct, gc.float32))

        rng = np.random.default_rng(2)
        history = []
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            for i in range(steps):
                idx = rng.integers(0, len(x_train), size=batch_size)
                _, value = sess.run([train_op, loss],
                                    feed_dict={x: x_train[idx], labels: onehot_train[idx]})
                history.append(float(value))
                if verbose and (i % max(1, steps // 10) == 0 or i == steps - 1):
                    print(f"step {i:4d}  batch loss {value:.4f}")
            train_acc = sess.run(accuracy, feed_dict={x: x_train, labels: onehot_train})
            test_acc, test_loss = sess.run([accuracy, loss],
                                           feed_dict={x: x_test, labels: onehot_test})
    if verbose:
        print(f"train accuracy {train_acc:.3f}, test accuracy {test_acc:.3f}, "
              f"test loss {test_loss:.4f}")
    return {"train_accuracy": float(train_acc), "test_accuracy": float(test_acc),
            "test_loss": float(test_loss), "loss_history": history}


if __name__ == "__main__":
    main()
