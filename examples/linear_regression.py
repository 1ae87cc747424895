"""Linear regression, TF1 style: y = X w + b fitted by gradient descent on the mean
squared error. Data: 3 features, known weights, Gaussian noise (sd 0.1), fixed seed.

    python examples/linear_regression.py      # after `pip install -e .`, or with PYTHONPATH=.
"""
import numpy as np

import graphc as gc

TRUE_W = np.array([[2.0], [-3.0], [0.5]], dtype=np.float32)
TRUE_B = 1.5
NOISE = 0.1


def make_data(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = x @ TRUE_W + TRUE_B + NOISE * rng.normal(size=(n, 1)).astype(np.float32)
    return x, y.astype(np.float32)


def main(steps=200, learning_rate=0.1, n_train=256, n_test=256, verbose=True):
    """Train for `steps` full-batch steps; return the test MSE and R^2, the learned
    parameters and the training-loss history."""
    x_train, y_train = make_data(n_train, seed=0)
    x_test, y_test = make_data(n_test, seed=1)

    graph = gc.Graph()
    with graph.as_default():
        x = gc.placeholder(gc.float32, shape=(None, 3), name="x")
        y = gc.placeholder(gc.float32, shape=(None, 1), name="y")
        w = gc.Variable(gc.zeros((3, 1)), name="w")
        b = gc.Variable(gc.zeros((1,)), name="b")
        pred = gc.matmul(x, w) + b
        loss = gc.reduce_mean(gc.square(pred - y), name="mse")
        step = gc.train.get_or_create_global_step()
        train_op = gc.train.GradientDescentOptimizer(learning_rate).minimize(
            loss, global_step=step)
        # R^2 = 1 - SS_res / SS_tot
        ss_res = gc.reduce_sum(gc.square(y - pred))
        ss_tot = gc.reduce_sum(gc.square(y - gc.reduce_mean(y)))
        r2 = 1.0 - ss_res / ss_tot

        history = []
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            train_feed = {x: x_train, y: y_train}
            for i in range(steps):
                _, value = sess.run([train_op, loss], feed_dict=train_feed)
                history.append(float(value))
                if verbose and (i % max(1, steps // 10) == 0 or i == steps - 1):
                    print(f"step {i:4d}  train mse {value:.5f}")
            mse, r2_value, w_value, b_value = sess.run(
                [loss, r2, w, b], feed_dict={x: x_test, y: y_test})
            n_steps = gc.train.global_step(sess, step)
    if verbose:
        print(f"after {n_steps} steps: test mse {mse:.5f} (noise variance {NOISE**2:.5f}), "
              f"R^2 {r2_value:.4f}")
        print(f"w = {w_value.ravel().round(3)} (true {TRUE_W.ravel()}), "
              f"b = {b_value.round(3)} (true {TRUE_B})")
    return {"mse": float(mse), "r2": float(r2_value), "w": w_value, "b": b_value,
            "loss_history": history, "global_step": n_steps}


if __name__ == "__main__":
    main()
