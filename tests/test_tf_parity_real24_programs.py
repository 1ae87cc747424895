"""Five small TF1 programs run on graphc and on TF's tf.compat.v1, from the same weights
(set from numpy by variable name) and inputs: a char-RNN (dynamic_rnn, masked loss,
clip_by_global_norm, Adam on exponential_decay, Saver round trip), a conv net
(batch_normalization under UPDATE_OPS, dropout, tf.metrics), word2vec (nce_loss and
sampled_softmax_loss with given sampled values, sparse gradients), a VAE with an MDN
head (tf.distributions), a bag-of-words classifier (tf.data padded_batch, feature
columns, Ftrl, streaming AUC) and a seq2seq (bidirectional encoder, raw_rnn decoder,
greedy while_loop). Losses, gradients, trained values and what they print must agree.
"""
import os
import tempfile

import numpy as np
import pytest

from tf_parity import tf, v1  # noqa: F401

import graphc as gc


def load_weights(m, sess, seed=0, scale=0.3):
    """Set every global float variable from numpy by name (sorted), so both libs match."""
    out = {}
    for v in sorted(m.trainable_variables(), key=lambda v: v.op.name):
        name = v.op.name
        if not v.dtype.base_dtype.is_floating or "Adam" in name or "power" in name \
                or "moving" in name or "Momentum" in name:
            continue
        shape = v.get_shape().as_list()
        rs = np.random.RandomState(sum(map(ord, name)) + seed)
        val = (rs.randn(*shape) * scale).astype(v.dtype.base_dtype.as_numpy_dtype)
        v.load(val, sess)
        out[name] = val
    return out

# ---- charrnn -------------------------------------------------------------------------

def charrnn(m, ckdir):
    V, H, T, B = 11, 8, 7, 3
    g = m.Graph()
    with g.as_default():
        x = m.placeholder(m.int32, [None, None], name="x")
        y = m.placeholder(m.int32, [None, None], name="y")
        lens = m.placeholder(m.int32, [None], name="lens")
        emb = m.get_variable("emb", [V, 5])
        inp = m.nn.embedding_lookup(emb, x)
        cell = m.nn.rnn_cell.MultiRNNCell([m.nn.rnn_cell.LSTMCell(H), m.nn.rnn_cell.GRUCell(H)])
        outs, state = m.nn.dynamic_rnn(cell, inp, sequence_length=lens, dtype=m.float32)
        logits = m.layers.dense(outs, V, name="proj")
        mask = m.sequence_mask(lens, m.shape(x)[1], dtype=m.float32)
        ce = m.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        loss = m.reduce_sum(ce * mask) / m.reduce_sum(mask)
        gstep = m.train.get_or_create_global_step()
        lr = m.train.exponential_decay(0.05, gstep, 2, 0.5, staircase=True)
        opt = m.train.AdamOptimizer(lr)
        tvars = m.trainable_variables()
        grads = m.gradients(loss, tvars)
        clipped, gnorm = m.clip_by_global_norm(grads, 1.0)
        train = opt.apply_gradients(zip(clipped, tvars), global_step=gstep)
        saver = m.train.Saver(max_to_keep=2)
        rs = np.random.RandomState(0)
        xs = rs.randint(0, V, (B, T)); ys = rs.randint(0, V, (B, T))
        ln = np.array([7, 4, 1])
        fd = {x: xs, y: ys, lens: ln}
        res = {"names": [v.op.name for v in tvars], "gvars": sorted(v.op.name for v in m.global_variables())}
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            load_weights(m, sess)
            res["g0"] = sess.run(grads, fd)
            res["state0"] = sess.run(state, fd)
            res["outs0"] = sess.run(outs, fd)
            steps = []
            for i in range(4):
                steps.append(sess.run([loss, gnorm, lr, train], fd)[:3])
                if i == 1:
                    path = saver.save(sess, os.path.join(ckdir, "model"), global_step=gstep)
                    res["path"] = os.path.basename(path)
            res["steps"] = steps
            res["final"] = sess.run(tvars)
            saver.restore(sess, path)
            res["restored_step"] = sess.run(gstep)
            res["after_restore"] = sess.run([loss, lr], fd)
            res["ckpt_state"] = [os.path.basename(p) for p in m.train.get_checkpoint_state(ckdir).all_model_checkpoint_paths]
            res["list_vars"] = sorted(n for n, _ in m.train.list_variables(ckdir))
    return res

# ---- convbn --------------------------------------------------------------------------
def convbn(m, ckdir):
    g = m.Graph()
    with g.as_default():
        m.set_random_seed(1)
        x = m.placeholder(m.float32, [None, 8, 8, 2], name="x")
        y = m.placeholder(m.int64, [None], name="y")
        training = m.placeholder_with_default(False, [], name="training")
        drop_on = m.placeholder_with_default(False, [], name="drop_on")
        h = m.layers.conv2d(x, 4, 3, padding="same", use_bias=False, name="c1")
        h = m.layers.batch_normalization(h, training=training, momentum=0.9, name="bn1")
        h = m.nn.relu(h)
        h = m.layers.max_pooling2d(h, 2, 2)
        h = m.layers.conv2d(h, 6, 3, strides=2, padding="valid", name="c2")
        h = m.layers.batch_normalization(h, axis=-1, training=training, center=True, scale=False, renorm=False, fused=False, name="bn2")
        h = m.nn.elu(h)
        h = m.layers.flatten(h)
        h = m.layers.dropout(h, rate=0.5, training=drop_on)
        logits = m.layers.dense(h, 3, name="out")
        loss = m.losses.sparse_softmax_cross_entropy(y, logits)
        reg = m.add_n([m.nn.l2_loss(v) for v in m.trainable_variables() if "kernel" in v.name]) * 1e-3
        total = loss + reg
        preds = m.argmax(logits, 1)
        acc, acc_up = m.metrics.accuracy(y, preds)
        mpc, mpc_up = m.metrics.mean_per_class_accuracy(y, preds, 3)
        upd = m.get_collection(m.GraphKeys.UPDATE_OPS)
        with m.control_dependencies(upd):
            train = m.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True).minimize(total)
        rs = np.random.RandomState(3)
        xs = rs.randn(5, 8, 8, 2).astype(np.float32)
        ys = rs.randint(0, 3, 5)
        res = {"upd": sorted(o.name for o in upd), "gv": sorted(v.op.name for v in m.global_variables()),
               "lv": sorted(v.op.name for v in m.local_variables()), "loss_coll": len(m.get_collection(m.GraphKeys.LOSSES))}
        with m.Session() as sess:
            sess.run([m.global_variables_initializer(), m.local_variables_initializer()])
            load_weights(m, sess)
            res["eval0"] = sess.run([loss, logits], {x: xs, y: ys})
            steps = []
            for i in range(3):
                steps.append(sess.run([total, loss, train], {x: xs, y: ys, training: True})[:2])
            res["steps"] = steps
            res["moving"] = sess.run([v for v in m.global_variables() if "moving" in v.name])
            for i in range(2):
                sess.run([acc_up, mpc_up], {x: xs[i*2:i*2+3], y: ys[i*2:i*2+3]})
            res["acc"] = sess.run([acc, mpc])
            d = sess.run(h, {x: xs, drop_on: True})
            nd = sess.run(h, {x: xs})
            kept = d != 0
            res["drop_scale"] = np.allclose(d[kept], 2 * nd[kept], rtol=1e-5)
            res["eval1"] = sess.run(logits, {x: xs})
    return res

# ---- w2v -----------------------------------------------------------------------------

def w2v(m, ckdir):
    V, D, S = 13, 4, 5
    g = m.Graph()
    with g.as_default():
        centers = m.placeholder(m.int32, [None], name="c")
        ctx = m.placeholder(m.int64, [None, 2], name="ctx")
        emb = m.Variable(m.random_uniform([V, D], -1.0, 1.0), name="emb")
        nce_w = m.Variable(m.truncated_normal([V, D], stddev=0.5), name="nce_w")
        nce_b = m.Variable(m.zeros([V]), name="nce_b")
        e = m.nn.embedding_lookup(emb, centers)
        sampled = m.constant([2, 3, 7, 0, 11], m.int64)
        true_exp = m.fill(m.shape(ctx), 0.3)
        samp_exp = m.constant([0.2, 0.5, 0.1, 0.4, 0.25])
        sv = (sampled, true_exp, samp_exp)
        nce = m.nn.nce_loss(nce_w, nce_b, ctx, e, S, V, num_true=2, sampled_values=sv,
                            remove_accidental_hits=True)
        nce2 = m.nn.nce_loss(nce_w, nce_b, ctx[:, :1], e, S, V, sampled_values=(sampled, true_exp[:, :1], samp_exp))
        ssm = m.nn.sampled_softmax_loss(nce_w, nce_b, ctx, e, S, V, num_true=2, sampled_values=sv,
                                        remove_accidental_hits=True)
        ssm_part = m.nn.sampled_softmax_loss([nce_w[:6], nce_w[6:]], nce_b, ctx, e, S, V, num_true=2,
                                             sampled_values=sv, partition_strategy="div")
        loss = m.reduce_mean(nce) + m.reduce_mean(ssm)
        gr = m.gradients(loss, [emb, nce_w, nce_b])
        train = m.train.GradientDescentOptimizer(0.1).minimize(loss)
        ada = m.train.AdagradOptimizer(0.3).minimize(m.reduce_mean(nce2), var_list=[emb, nce_w])
        # normalized embeddings + cosine similarity, as the word2vec tutorial prints
        norm = m.sqrt(m.reduce_sum(m.square(emb), 1, keepdims=True))
        normalized = emb / norm
        valid = m.nn.embedding_lookup(normalized, m.constant([1, 4]))
        sim = m.matmul(valid, normalized, transpose_b=True)
        top = m.nn.top_k(sim, 3)
        # the sampler: deterministic parts only
        cand = m.nn.log_uniform_candidate_sampler(ctx, 2, 4, True, V, seed=3)
        fix = m.nn.fixed_unigram_candidate_sampler(ctx, 2, 4, False, V, unigrams=list(range(1, V + 1)), seed=5)
        rs = np.random.RandomState(1)
        fd = {centers: rs.randint(0, V, 6), ctx: np.array([[2, 1], [3, 3], [0, 5], [7, 8], [12, 2], [9, 11]])}
        res = {"shapes": [nce.get_shape().as_list(), ssm.get_shape().as_list(), ssm_part.get_shape().as_list()]}
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            load_weights(m, sess)
            res["losses0"] = sess.run([nce, nce2, ssm, ssm_part], fd)
            res["grads0"] = sess.run(gr, fd)
            res["gtypes"] = [type(t).__name__ for t in gr]
            steps = []
            for _ in range(3):
                steps.append(sess.run([loss, train], fd)[0])
            for _ in range(2):
                sess.run(ada, fd)
            res["steps"] = steps
            res["vars"] = sess.run([emb, nce_w, nce_b])
            res["top"] = sess.run(top)
            c = sess.run(cand, fd)
            res["cand_shape"] = [np.shape(a) for a in c]
            res["cand_range"] = bool(np.all((c[0] >= 0) & (c[0] < V))) and len(set(c[0])) == 4
            f = sess.run(fix, fd)
            res["fix_exp"] = [f[1], np.allclose(f[2], 4 * (f[0] + 1.0) / sum(range(1, V + 1)))]
            res["fix_range"] = bool(np.all((f[0] >= 0) & (f[0] < V)))
            # log-uniform expected counts for unique=True depend on the number of tries: check the formula
            p = (np.log(c[0] + 2.0) - np.log(c[0] + 1.0)) / np.log(V + 1.0)
            res["cand_exp_formula"] = bool(np.all(c[2] <= 4.0 + 1e-6)) and bool(np.all(np.argsort(c[2]) == np.argsort(p) )) if len(set(p)) == 4 else True
    return res

# ---- vae -----------------------------------------------------------------------------
def vae(m, ckdir):
    ds = m.distributions
    g = m.Graph()
    with g.as_default():
        x = m.placeholder(m.float32, [None, 6], name="x")
        eps = m.placeholder(m.float32, [None, 2], name="eps")
        h = m.layers.dense(x, 8, activation=m.nn.softplus, name="enc")
        mu = m.layers.dense(h, 2, name="mu")
        sig = m.nn.softplus(m.layers.dense(h, 2, name="sig")) + 1e-3
        q = ds.Normal(loc=mu, scale=sig)
        p = ds.Normal(loc=m.zeros_like(mu), scale=m.ones_like(sig))
        z = mu + sig * eps
        dh = m.layers.dense(z, 8, activation=m.nn.relu, name="dec")
        logits = m.layers.dense(dh, 6, name="dec_out")
        lik = ds.Bernoulli(logits=logits)
        rec = m.reduce_sum(lik.log_prob(x), 1)
        kl = m.reduce_sum(ds.kl_divergence(q, p), 1)
        elbo = m.reduce_mean(rec - kl)
        # MDN head on the same code: a 3-component 1-D mixture for x[:, 0]
        mix_logits = m.layers.dense(h, 3, name="pi")
        locs = m.layers.dense(h, 3, name="locs")
        scales = m.exp(m.layers.dense(h, 3, name="ls"))
        comp = ds.Normal(locs, scales)
        cat = ds.Categorical(logits=mix_logits)
        mdn_lp = m.reduce_logsumexp(comp.log_prob(x[:, :1]) + m.nn.log_softmax(mix_logits), 1)
        mdn = -m.reduce_mean(mdn_lp)
        loss = -elbo + mdn
        opt = m.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.5, centered=True)
        train = opt.minimize(loss)
        rs = np.random.RandomState(7)
        xs = (rs.rand(4, 6) > 0.5).astype(np.float32)
        es = rs.randn(4, 2).astype(np.float32)
        fd = {x: xs, eps: es}
        res = {"bs": [str(q.batch_shape), str(cat.batch_shape), str(cat.event_shape)],
               "dt": [cat.sample().dtype.name, lik.sample().dtype.name],
               "names": [q.name, cat.name, lik.name]}
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            load_weights(m, sess)
            res["v0"] = sess.run([rec, kl, mdn, q.entropy(), q.cdf(z), q.log_cdf(z), q.survival_function(z),
                                  cat.entropy(), cat.probs_parameter() if hasattr(cat, "probs_parameter") else cat.probs,
                                  lik.entropy(), lik.mean(), lik.stddev(), q.quantile(m.fill(m.shape(mu), 0.3)),
                                  ds.kl_divergence(cat, ds.Categorical(logits=m.zeros_like(mix_logits)))], fd)
            res["g"] = sess.run(m.gradients(loss, m.trainable_variables()), fd)
            res["steps"] = [sess.run([loss, train], fd)[0] for _ in range(3)]
            res["final"] = sess.run(m.trainable_variables())
    return res

# ---- bow -----------------------------------------------------------------------------
VOCAB = ["the", "cat", "sat", "dog", "ran", "far"]


def bow(m, ckdir):
    g = m.Graph()
    with g.as_default():
        texts = np.array([b"the cat sat", b"dog ran", b"the dog ran far far", b"cat", b"zebra sat", b"the the"])
        labels = np.array([1, 0, 0, 1, 1, 0], np.int64)
        nums = np.array([0.5, -1.0, 2.0, 0.0, 1.5, -0.5], np.float32)
        d = m.data.Dataset.from_tensor_slices((texts, nums, labels))
        d = d.map(lambda t, n, l: ({"words": m.string_split([t]).values, "num": n}, l))
        d = d.padded_batch(4, padded_shapes=({"words": [None], "num": []}, []), padding_values=({"words": "", "num": 0.0}, m.constant(0, m.int64)))
        d = d.repeat(2)
        it = m.data.make_initializable_iterator(d)
        feats, y = it.get_next()
        fc = m.feature_column
        words = fc.categorical_column_with_vocabulary_list("words", VOCAB, num_oov_buckets=1)
        cols = [fc.embedding_column(words, 3, combiner="sqrtn"), fc.numeric_column("num"),
                fc.indicator_column(words)]
        sparse_words = m.string_split(m.reshape(m.constant(["x"]), [1]))  # unused: just builds
        net = fc.input_layer({"words": feats["words"], "num": feats["num"]}, cols)
        logits = m.squeeze(m.layers.dense(net, 1, name="logit"), 1)
        loss = m.reduce_mean(m.nn.sigmoid_cross_entropy_with_logits(labels=m.cast(y, m.float32), logits=logits))
        auc, auc_up = m.metrics.auc(y, m.sigmoid(logits), num_thresholds=20)
        prec, prec_up = m.metrics.precision(y, m.cast(logits > 0, m.int64))
        train = m.train.FtrlOptimizer(0.3, l1_regularization_strength=0.01, l2_regularization_strength=0.01).minimize(loss)
        res = {"net_shape": net.get_shape().as_list(), "vars": sorted(v.op.name for v in m.global_variables())}
        with m.Session() as sess:
            sess.run([m.global_variables_initializer(), m.local_variables_initializer(), m.tables_initializer()])
            load_weights(m, sess)
            sess.run(it.initializer)
            out = []
            while True:
                try:
                    out.append(sess.run([net, loss, auc_up, prec_up, train])[:4])
                except m.errors.OutOfRangeError:
                    break
            res["out"] = out
            res["metrics"] = sess.run([auc, prec])
            res["final"] = sess.run(m.trainable_variables())
    return res

# ---- s2s -----------------------------------------------------------------------------

def s2s(m, ckdir):
    V, H, E, T = 7, 5, 4, 4
    GO, EOS = 0, 1
    g = m.Graph()
    with g.as_default():
        src = m.placeholder(m.int32, [None, None], name="src")
        src_len = m.placeholder(m.int32, [None], name="src_len")
        tgt = m.placeholder(m.int32, [None, T], name="tgt")
        emb = m.get_variable("emb", [V, E])
        with m.variable_scope("enc"):
            enc_cell = m.nn.rnn_cell.GRUCell(H)
            (fw, bw), (sf, sb) = m.nn.bidirectional_dynamic_rnn(
                enc_cell, m.nn.rnn_cell.GRUCell(H), m.nn.embedding_lookup(emb, src),
                sequence_length=src_len, dtype=m.float32)
        init = m.layers.dense(m.concat([sf, sb], 1), H, activation=m.tanh, name="bridge")
        batch = m.shape(src)[0]
        dec_cell = m.nn.rnn_cell.GRUCell(H, name="dec_cell")
        proj = m.layers.Dense(V, name="proj")
        tgt_ta = m.TensorArray(m.int32, size=T).unstack(m.transpose(tgt))

        def loop_fn(time, cell_output, cell_state, loop_state):
            if cell_output is None:
                nxt = init
                inp = m.nn.embedding_lookup(emb, m.fill([batch], GO))
                emit = m.zeros([V])
            else:
                nxt = cell_state
                emit = proj(cell_output)
                prev = m.cond(time < T, lambda: tgt_ta.read(m.minimum(time - 1, T - 1)),
                              lambda: m.fill([batch], EOS))
                inp = m.nn.embedding_lookup(emb, prev)
            finished = time >= T
            return finished, inp, nxt, emit, loop_state

        outs_ta, final_state, _ = m.nn.raw_rnn(dec_cell, loop_fn)
        logits = m.transpose(outs_ta.stack(), [1, 0, 2])
        loss = m.reduce_mean(m.nn.sparse_softmax_cross_entropy_with_logits(labels=tgt, logits=logits))

        # greedy decoding with a while_loop and a TensorArray
        def body(t, state, tok, ta, done):
            out, state = dec_cell(m.nn.embedding_lookup(emb, tok), state)
            tok = m.argmax(proj(out), 1, output_type=m.int32)
            done = m.logical_or(done, m.equal(tok, EOS))
            return t + 1, state, tok, ta.write(t, m.where(done, m.fill([batch], EOS), tok)), done
        _, _, _, dec_ta, _ = m.while_loop(
            lambda t, s, k, ta, d: m.logical_and(t < 6, m.logical_not(m.reduce_all(d))), body,
            [0, init, m.fill([batch], GO), m.TensorArray(m.int32, size=0, dynamic_size=True),
             m.zeros([batch], m.bool)])
        greedy = m.transpose(dec_ta.stack())
        opt = m.train.AdadeltaOptimizer(1.0)
        gv = opt.compute_gradients(loss)
        train = opt.apply_gradients([(m.clip_by_norm(g, 0.5), v) for g, v in gv])
        rs = np.random.RandomState(2)
        fd = {src: rs.randint(2, V, (3, 5)), src_len: [5, 2, 3], tgt: rs.randint(0, V, (3, T))}
        res = {"vars": [v.op.name for v in m.trainable_variables()], "shape": logits.get_shape().as_list()}
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            load_weights(m, sess, scale=0.8)
            res["g"] = sess.run([g for g, _ in gv], fd)
            res["fs"] = sess.run([sf, sb, final_state], fd)
            res["steps"] = [sess.run([loss, train], fd)[0] for _ in range(3)]
            res["greedy"] = sess.run(greedy, fd)
    return res


# ---- comparison ----------------------------------------------------------------------------
def _dense(s):
    out = np.zeros(tuple(s.dense_shape), np.float64)
    np.add.at(out, np.asarray(s.indices), np.asarray(s.values))
    return out


def _same(a, b, path, rtol, atol, rows=True):
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            _same(a[k], b[k], f"{path}/{k}", rtol, atol, rows)
    elif hasattr(a, "indices") and hasattr(a, "dense_shape"):
        assert hasattr(b, "indices"), f"{path}: graphc gave IndexedSlices, TF dense"
        if rows:
            np.testing.assert_array_equal(a.indices, b.indices, err_msg=path)
            _same(a.values, b.values, path + ".values", rtol, atol)
        _same(_dense(a), _dense(b), path + ".dense", rtol, atol)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (p, q) in enumerate(zip(a, b)):
            _same(p, q, f"{path}/{i}", rtol, atol, rows)
    elif isinstance(a, (str, bytes, bool)) or a is None:
        assert a == b, (path, a, b)
    else:
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, (path, a.shape, b.shape, a.dtype, b.dtype)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=path)


def _both(program):
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
        return program(gc, d1), program(v1, d2)


def test_char_rnn_trains_and_restores_as_tf1():
    ours, theirs = _both(charrnn)
    final = ours.pop("final"), theirs.pop("final")
    _same(ours, theirs, "charrnn", 1e-5, 1e-6)
    _same(*final, "charrnn/final", 1e-5, 1e-5)      # 4 Adam steps on clipped gradients


def test_conv_net_with_batch_norm_dropout_and_metrics_as_tf1():
    ours, theirs = _both(convbn)
    # TF 2's resource variables make the update ops operations, not TF1's tensors
    assert ours.pop("upd") == ["bn1/AssignMovingAvg:0", "bn1/AssignMovingAvg_1:0",
                               "bn2/AssignMovingAvg:0", "bn2/AssignMovingAvg_1:0"]
    assert len(theirs.pop("upd")) == 4
    assert ours["drop_scale"]
    _same(ours, theirs, "convbn", 1e-5, 1e-6)


def test_word2vec_sampled_losses_and_sparse_gradients_as_tf1():
    ours, theirs = _both(w2v)
    _same(ours, theirs, "w2v", 1e-5, 1e-6)


def test_vae_and_mixture_density_head_as_tf1():
    ours, theirs = _both(vae)
    # TF 2 prints an unknown dimension as None, TF1 (and graphc) as ?
    assert ours.pop("bs") == ["(?, 2)", "(?,)", "()"]
    theirs.pop("bs")
    _same(ours, theirs, "vae", 1e-5, 1e-6)


def test_bag_of_words_from_tf_data_and_feature_columns_as_tf1():
    ours, theirs = _both(bow)
    _same(ours, theirs, "bow", 1e-5, 1e-6)


def test_seq2seq_with_raw_rnn_and_greedy_while_loop_as_tf1():
    ours, theirs = _both(s2s)
    # TF 2's while_v2 gives the embedding a dense gradient where TF1's loop gives rows
    # (graphc follows TF1): compare the sums of the rows
    g = ours.pop("g"), theirs.pop("g")
    _same(_dense(g[0][0]), np.asarray(g[1][0], np.float64), "s2s/g/0", 1e-5, 1e-6)
    _same(g[0][1:], g[1][1:], "s2s/g", 1e-5, 1e-6)
    _same(ours, theirs, "s2s", 1e-5, 1e-6)
