"""The kit's mutant corpus: realistic wrong versions of every graded function.

RECORDED are the mistakes the build knows (autograder/mistakes.py: their outputs are in the fixtures, so the
grader names them by matching). UNRECORDED are further wrong versions it has never seen: they must lose
points too, and the grader's diagnoses (autograder/bank/diagnose.py) should still name what is wrong.
`python tests/mutant_corpus.py` grades them all and prints the figures (points lost, reasons named).
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder.mistakes import MISTAKES, M  # noqa: E402

L, O, F = "layers.py", "optim.py", "fc_net.py"
R, A = "regularization.py", "augment.py"
CL, CN = "conv_layers.py", "cnn.py"
T = "transfer.py"
LR = 'config["learning_rate"]'
BN_GRAPH_GRADS = ("    dbeta = dout.sum(axis=0)\n    dgamma = (dout * x_hat).sum(axis=0)\n    dx_hat = dout * gamma\n"
                  "    dxc = dx_hat / std")

UNRECORDED = (
    # affine_forward
    M("fc.affine_forward", "bias_subtracted", L, "out = x.reshape(N, D) @ w + b", "out = x.reshape(N, D) @ w - b"),
    M("fc.affine_forward", "not_flattened", L, "out = x.reshape(N, D) @ w + b", "out = x @ w + b"),
    M("fc.affine_forward", "bias_twice", L, "out = x.reshape(N, D) @ w + b", "out = x.reshape(N, D) @ w + 2 * b"),
    # affine_backward
    M("fc.affine_backward", "db_mean", L, "db = dout.sum(axis=0)", "db = dout.mean(axis=0)"),
    M("fc.affine_backward", "dw_transposed", L, "dw = x2.T @ dout", "dw = dout.T @ x2"),
    M("fc.affine_backward", "dx_without_transpose", L, "dx = (dout @ w.T).reshape(x.shape)",
      "dx = (dout @ w).reshape(x.shape)"),
    M("fc.affine_backward", "dw_sign", L, "dw = x2.T @ dout", "dw = -(x2.T @ dout)"),
    M("fc.affine_backward", "forward_caches_flat_x", L, "    out = x.reshape(N, D) @ w + b\n",
      "    out = x.reshape(N, D) @ w + b\n    x = x.reshape(N, D)\n"),
    # relu_forward
    M("fc.relu_forward", "absolute_value", L, "out = np.maximum(0, x)", "out = np.abs(x)"),
    M("fc.relu_forward", "float32", L, "out = np.maximum(0, x)", "out = np.maximum(0, x).astype(np.float32)"),
    M("fc.relu_forward", "min_instead_of_max", L, "out = np.maximum(0, x)", "out = np.minimum(0, x)"),
    # relu_backward
    M("fc.relu_backward", "gradient_at_zero", L, "dx = dout * (x > 0)", "dx = dout * (x >= 0)"),
    M("fc.relu_backward", "sign_mask", L, "dx = dout * (x > 0)", "dx = dout * np.sign(x)"),
    M("fc.relu_backward", "dout_masked_in_place", L, "dx = dout * (x > 0)", "dout[x <= 0] = 0\n    dx = dout"),
    # svm_loss
    M("fc.svm_loss", "dx_sign", L, "dx = positive / N", "dx = -positive / N"),
    M("fc.svm_loss", "margin_without_one", L, "margins = np.maximum(0, x - correct + 1.0)",
      "margins = np.maximum(0, x - correct)"),
    M("fc.svm_loss", "dx_not_averaged", L, "dx = positive / N", "dx = positive"),
    # softmax_loss
    M("fc.softmax_loss", "loss_not_averaged", L, "loss = -log_probs[np.arange(N), y].sum() / N",
      "loss = -log_probs[np.arange(N), y].sum()"),
    M("fc.softmax_loss", "dx_sign", L, "    dx /= N\n", "    dx /= -N\n"),
    M("fc.softmax_loss", "mean_over_classes", L, "loss = -log_probs[np.arange(N), y].sum() / N",
      "loss = -log_probs[np.arange(N), y].sum() / (N * x.shape[1])"),
    M("fc.softmax_loss", "x_shifted_in_place", L, "    shifted = x - x.max(axis=1, keepdims=True)",
      "    x -= x.max(axis=1, keepdims=True)\n    shifted = x"),
    # net_init
    M("fc.net_init", "variance_for_std", F, "weight_scale * self.rng.standard_normal((d_in, d_out))",
      "self.rng.normal(0, weight_scale ** 2, (d_in, d_out))"),
    M("fc.net_init", "he_init", F, "weight_scale * self.rng.standard_normal((d_in, d_out))",
      "np.sqrt(2 / d_in) * self.rng.standard_normal((d_in, d_out))"),
    M("fc.net_init", "biases_one", F, "self.params[f\"b{i}\"] = np.zeros(d_out)",
      "self.params[f\"b{i}\"] = np.ones(d_out)"),
    # net_loss
    M("fc.net_loss", "reg_loss_missing", F, "        loss += 0.5 * self.reg * sum(np.sum(W * W) for W in weights)\n",
      ""),
    M("fc.net_loss", "reg_not_squared", F, "loss += 0.5 * self.reg * sum(np.sum(W * W) for W in weights)",
      "loss += 0.5 * self.reg * sum(np.sum(np.abs(W)) for W in weights)"),
    M("fc.net_loss", "float32_scores", F, "        loss, dscores = softmax_loss(scores, y)\n",
      "        scores = scores.astype(np.float32)\n        loss, dscores = softmax_loss(scores, y)\n"),
    # sgd_momentum
    M("optim.sgd_momentum", "momentum_hard_coded", O,
      "    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w + v\n",
      "    v = 0.9 * v - config[\"learning_rate\"] * dw\n    next_w = w + v\n"),
    M("optim.sgd_momentum", "velocity_not_kept", O,
      "    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w + v\n",
      "    next_w = w + config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n"),
    # nesterov_momentum
    M("optim.nesterov_momentum", "momentum_hard_coded", O,
      "    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w - config[\"momentum\"] * v_prev",
      "    v = 0.9 * v - config[\"learning_rate\"] * dw\n    next_w = w - config[\"momentum\"] * v_prev"),
    M("optim.nesterov_momentum", "velocity_not_kept", O,
      "    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w - config[\"momentum\"] * v_prev "
      "+ (1 + config[\"momentum\"]) * v\n",
      "    v_new = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w - config[\"momentum\"] * "
      "v_prev + (1 + config[\"momentum\"]) * v_new\n"),
    # adagrad
    M("optim.adagrad", "lr_hard_coded", O,
      "    cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw",
      "    cache = cache + dw ** 2\n    next_w = w - 1e-2 * dw"),
    M("optim.adagrad", "cache_not_kept", O,
      "    cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / (np.sqrt(cache) + config[\"epsilon\"])",
      "    new_cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / (np.sqrt(new_cache) + "
      "config[\"epsilon\"])"),
    # rmsprop
    M("optim.rmsprop", "decay_hard_coded", O, "cache = decay * cache + (1 - decay) * dw ** 2",
      "cache = 0.99 * cache + 0.01 * dw ** 2"),
    M("optim.rmsprop", "no_epsilon", O,
      "    cache = decay * cache + (1 - decay) * dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / "
      "(np.sqrt(cache) + config[\"epsilon\"])",
      "    cache = decay * cache + (1 - decay) * dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / "
      "np.sqrt(cache)"),
    # adam
    M("optim.adam", "betas_hard_coded", O, "    b1, b2 = config[\"beta1\"], config[\"beta2\"]\n",
      "    b1, b2 = 0.9, 0.999\n"),
    M("optim.adam", "moments_not_kept", O, "    m = b1 * m + (1 - b1) * dw\n    v = b2 * v + (1 - b2) * dw ** 2\n"
      "    m_hat = m / (1 - b1 ** t)\n    v_hat = v / (1 - b2 ** t)\n",
      "    m_new = b1 * m + (1 - b1) * dw\n    v_new = b2 * v + (1 - b2) * dw ** 2\n"
      "    m_hat = m_new / (1 - b1 ** t)\n    v_hat = v_new / (1 - b2 ** t)\n"),
    # batchnorm_forward
    M("bn.batchnorm_forward", "gamma_beta_swapped", L, "    out = gamma * x_hat + beta\n    cache = (x_hat, xc, std, gamma)",
      "    out = beta * x_hat + gamma\n    cache = (x_hat, xc, std, gamma)"),
    M("bn.batchnorm_forward", "mode_unchecked", L, "    if mode not in (\"train\", \"test\"):\n"
      "        raise ValueError(f\"batchnorm_forward: bn_param['mode'] must be 'train' or 'test', got {mode!r}\")\n", ""),
    M("bn.batchnorm_forward", "default_eps_hard_coded", L, "        std = np.sqrt(var + eps)\n",
      "        std = np.sqrt(var + 1e-5)\n"),
    # batchnorm_backward
    M("bn.batchnorm_backward", "dbeta_mean", L, BN_GRAPH_GRADS, BN_GRAPH_GRADS.replace("dbeta = dout.sum(axis=0)", "dbeta = dout.mean(axis=0)")),
    M("bn.batchnorm_backward", "dvar_factor_2_missing", L, "2.0 * xc * dvar / N", "xc * dvar / N"),
    # batchnorm_backward_alt
    M("bn.batchnorm_backward_alt", "sign_of_mean_term", L, "(N * dout - dbeta - x_hat * dgamma)",
      "(N * dout + dbeta - x_hat * dgamma)"),
    M("bn.batchnorm_backward_alt", "gamma_squared", L, "    dx = gamma / (N * std) * (N * dout - dbeta - x_hat * dgamma)\n",
      "    dx = gamma ** 2 / (N * std) * (N * dout - dbeta - x_hat * dgamma)\n"),
    # layernorm_forward
    M("bn.layernorm_forward", "no_shift", L, "    out = gamma * x_hat + beta\n    cache = (x_hat, std, gamma)",
      "    out = gamma * x_hat\n    cache = (x_hat, std, gamma)"),
    M("bn.layernorm_forward", "not_centred", L, "    std = np.sqrt((xc ** 2).mean(axis=1, keepdims=True) + eps)\n"
      "    x_hat = xc / std\n", "    std = np.sqrt((xc ** 2).mean(axis=1, keepdims=True) + eps)\n    x_hat = x / std\n"),
    # layernorm_backward
    M("bn.layernorm_backward", "dgamma_without_x_hat", L, "    dgamma = (dout * x_hat).sum(axis=0)\n    dx_hat = dout * gamma\n    dx = (",
      "    dgamma = dout.sum(axis=0)\n    dx_hat = dout * gamma\n    dx = ("),
    M("bn.layernorm_backward", "gamma_forgotten", L, "    dx_hat = dout * gamma\n    dx = (", "    dx_hat = dout\n    dx = ("),
    M("bn.layernorm_backward", "batch_axis", L,
      "    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n          - x_hat * (dx_hat * x_hat).mean(axis=1, keepdims=True)) / std\n",
      "    dx = (dx_hat - dx_hat.mean(axis=0, keepdims=True)\n          - x_hat * (dx_hat * x_hat).mean(axis=0, keepdims=True)) / std\n"),
    # net_with_norm
    M("bn.net_with_norm", "gamma_grad_sign", L, "    dgamma = (dout * x_hat).sum(axis=0)\n    dx_hat = dout * gamma\n    dxc",
      "    dgamma = -(dout * x_hat).sum(axis=0)\n    dx_hat = dout * gamma\n    dxc"),
    M("bn.net_with_norm", "momentum_reversed", L, "        running_mean = momentum * running_mean + (1 - momentum) * mean\n",
      "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"),
    M("bn.net_with_norm", "eps_hard_coded", L, "        std = np.sqrt(var + eps)\n", "        std = np.sqrt(var + 1e-3)\n"),
    # dropout_backward
    M("do.dropout_backward", "global_rng_mask", R, "        dx = (dout * mask).astype(dout.dtype, copy=False)\n",
      "        p = dropout_param[\"p\"]\n        dx = dout * (np.random.rand(*dout.shape) < p) / p\n"),
    M("do.dropout_backward", "divided_by_p_again", R, "dx = (dout * mask)", "dx = (dout * mask / dropout_param[\"p\"])"),
    # net_regularized
    M("do.net_regularized", "keep_drop_swapped", R, "        keep = rng.random(x.shape) < p\n",
      "        keep = rng.random(x.shape) >= p\n"),
    M("do.net_regularized", "l1_halved", R, "loss = float(reg * np.abs(w).sum())", "loss = float(0.5 * reg * np.abs(w).sum())"),
    # dropconnect_forward
    M("do.dropconnect_forward", "divides_by_drop_probability", R, "mask = keep / p\n        w_used",
      "mask = keep / (1 - p)\n        w_used"),
    M("do.dropconnect_forward", "drops_outputs", R, "    out = x.reshape(N, D) @ w_used + b\n",
      "    out = x.reshape(N, D) @ w_used + b\n    if mode == \"train\":\n"
      "        out = out * (rng.random(out.shape) < p) / p\n"),
    # dropconnect_backward
    M("do.dropconnect_backward", "dx_mask_unscaled", R, "w_used = w if mask is None else w * mask",
      "w_used = w if mask is None else w * (mask > 0)"),
    M("do.dropconnect_backward", "db_mean", R, "    db = dout.sum(axis=0)\n", "    db = dout.mean(axis=0)\n"),
    # l1_penalty
    M("do.l1_penalty", "reg_missing_in_gradient", R, "dw = (reg * np.sign(w))", "dw = (np.sign(w))"),
    # polyak_update
    M("do.polyak_update", "in_place", O, "    w_avg_next = (decay * w_avg + (1.0 - decay) * w).astype(w_avg.dtype, copy=False)\n",
      "    w_avg *= decay\n    w_avg += (1.0 - decay) * w\n    w_avg_next = w_avg\n"),
    M("do.polyak_update", "squared", O, "(1.0 - decay) * w)", "(1.0 - decay) * w ** 2)"),
    # random_flip
    M("do.random_flip", "transposed", A, "X[..., ::-1], X)", "X.transpose(0, 1, 3, 2), X)"),
    M("do.random_flip", "one_draw_for_all", A, "mirrored = rng.random(X.shape[0]) < p",
      "mirrored = np.repeat(rng.random() < p, X.shape[0])"),
    # random_crop
    M("do.random_crop", "pad_one_side", A, "(pad, pad), (pad, pad)))", "(0, 2 * pad), (0, 2 * pad)))"),
    M("do.random_crop", "one_offset_for_all", A, "shifts = rng.integers(0, 2 * pad + 1, size=(N, 2))",
      "shifts = np.repeat(rng.integers(0, 2 * pad + 1, size=(1, 2)), N, axis=0)"),
    # ConvolutionalNetworks
    # conv_forward_naive
    M("cn.conv_forward_naive", "bias_twice", CL, "out[:, :, i, j] = window.reshape(N, -1) @ w_rows.T + b",
      "out[:, :, i, j] = window.reshape(N, -1) @ w_rows.T + 2 * b"),
    M("cn.conv_forward_naive", "filter_spatially_transposed", CL, "    w_rows = w.reshape(F, -1)\n    out = np.empty",
      "    w_rows = w.transpose(0, 1, 3, 2).reshape(F, -1)\n    out = np.empty"),
    # conv_backward_naive
    M("cn.conv_backward_naive", "dx_kernel_flipped", CL, "dx_pad[:, :, rows, cols] += (d @ w_rows).reshape(window.shape)",
      "dx_pad[:, :, rows, cols] += (d @ w[:, :, ::-1, ::-1].reshape(F, -1)).reshape(window.shape)"),
    M("cn.conv_backward_naive", "db_mean", CL, "    db = dout.sum(axis=(0, 2, 3))\n", "    db = dout.mean(axis=(0, 2, 3))\n"),
    M("cn.conv_backward_naive", "dw_spatially_transposed", CL, "    dw = dw_rows.reshape(w.shape)\n",
      "    dw = dw_rows.reshape(w.shape).swapaxes(2, 3)\n"),
    # max_pool_forward_naive
    M("cn.max_pool_forward_naive", "min_pool", CL, ".max(axis=(2, 3))", ".min(axis=(2, 3))"),
    M("cn.max_pool_forward_naive", "window_off_by_one", CL,
      "x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]",
      "x[:, :, i * stride:i * stride + ph - 1, j * stride:j * stride + pw - 1]"),
    M("cn.max_pool_forward_naive", "pool_sizes_swapped", CL,
      "x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]",
      "x[:, :, i * stride:i * stride + pw, j * stride:j * stride + ph]"),
    # max_pool_backward_naive
    M("cn.max_pool_backward_naive", "to_last_element_always", CL, "[window.argmax(axis=2)]",
      "[np.full((N, C), ph * pw - 1)]"),
    M("cn.max_pool_backward_naive", "argmin", CL, "[window.argmax(axis=2)]", "[window.argmin(axis=2)]"),
    M("cn.max_pool_backward_naive", "window_column_major", CL, "window = x[:, :, rows, cols].reshape(N, C, ph * pw)",
      "window = x[:, :, rows, cols].transpose(0, 1, 3, 2).reshape(N, C, ph * pw)"),
    # spatial_batchnorm_forward
    M("cn.spatial_batchnorm_forward", "gamma_beta_swapped", CL,
      "batchnorm_forward(_channels_last(x), gamma, beta, bn_param)",
      "batchnorm_forward(_channels_last(x), beta, gamma, bn_param)"),
    M("cn.spatial_batchnorm_forward", "not_transposed_back", CL, "    out = _channels_first(rows, x.shape)\n",
      "    out = rows.reshape(x.shape)\n"),
    M("cn.spatial_batchnorm_forward", "height_width_swapped", CL, "batchnorm_forward(_channels_last(x), gamma",
      "batchnorm_forward(x.transpose(0, 3, 2, 1).reshape(-1, x.shape[1]), gamma"),
    # spatial_batchnorm_backward
    M("cn.spatial_batchnorm_backward", "dgamma_dbeta_swapped", CL, "    drows, dgamma, dbeta = batchnorm_backward_alt(",
      "    drows, dbeta, dgamma = batchnorm_backward_alt("),
    M("cn.spatial_batchnorm_backward", "batch_statistics_path_missing", CL, "    dx = _channels_first(drows, shape)\n",
      "    dx = _channels_first(_channels_last(dout) * bn_cache[3] / bn_cache[2], shape)\n"),
    M("cn.spatial_batchnorm_backward", "dbeta_mean_over_pixels", CL, "    dx = _channels_first(drows, shape)\n",
      "    dx = _channels_first(drows, shape)\n    dbeta = dbeta / (shape[2] * shape[3])\n"),
    # spatial_groupnorm_forward
    M("cn.spatial_groupnorm_forward", "eps_outside_sqrt", CL, "std = np.sqrt(groups.var(axis=2, keepdims=True) + eps)",
      "std = np.sqrt(groups.var(axis=2, keepdims=True)) + eps"),
    M("cn.spatial_groupnorm_forward", "gamma_beta_swapped", CL, "    out = gamma * x_hat + beta\n",
      "    out = beta * x_hat + gamma\n"),
    M("cn.spatial_groupnorm_forward", "G_as_group_size", CL, "    groups = x.reshape(N, G, -1)",
      "    groups = x.reshape(N, C // G, -1)"),
    # spatial_groupnorm_backward
    M("cn.spatial_groupnorm_backward", "dgamma_without_x_hat", CL,
      "    dgamma = (dout * x_hat).sum(axis=(0, 2, 3), keepdims=True)\n",
      "    dgamma = dout.sum(axis=(0, 2, 3), keepdims=True)\n"),
    M("cn.spatial_groupnorm_backward", "gamma_forgotten", CL, "dx_hat = (dout * gamma).reshape(N, G, -1)",
      "dx_hat = dout.reshape(N, G, -1)"),
    M("cn.spatial_groupnorm_backward", "var_term_sign", CL, "- g_hat * (dx_hat * g_hat)", "+ g_hat * (dx_hat * g_hat)"),
    # convnet_init
    M("cn.convnet_init", "he_init", CN, "weight_scale * self.rng.standard_normal(shape)",
      "np.sqrt(2 / np.prod(shape[1:] if i == 1 else shape[:1])) * self.rng.standard_normal(shape)"),
    M("cn.convnet_init", "variance_for_std", CN, "weight_scale * self.rng.standard_normal(shape)",
      "weight_scale ** 2 * self.rng.standard_normal(shape)"),
    M("cn.convnet_init", "global_rng", CN, "weight_scale * self.rng.standard_normal(shape)",
      "weight_scale * np.random.randn(*shape)"),
    # convnet_loss
    M("cn.convnet_loss", "reg_not_halved", CN, "loss += 0.5 * self.reg * sum(", "loss += self.reg * sum("),
    M("cn.convnet_loss", "reg_gradient_doubled", CN, "grads[f\"W{i}\"] + self.reg * self.params[f\"W{i}\"]",
      "grads[f\"W{i}\"] + 2 * self.reg * self.params[f\"W{i}\"]"),
    M("cn.convnet_loss", "biases_regularized", CN,
      "loss += 0.5 * self.reg * sum(np.sum(self.params[f\"W{i}\"] ** 2) for i in (1, 2, 3))",
      "loss += 0.5 * self.reg * sum(np.sum(v ** 2) for v in self.params.values())"),
    # extract_features
    M("tl.extract_features", "every_batch_the_first", T, "        h = X[start:start + batch_size].astype(model.dtype)\n",
      "        h = X[:batch_size].astype(model.dtype)\n"),
    M("tl.extract_features", "hidden_relu_skipped", T,
      'h, _ = stage_forward(model.layers[i - 1][1], h, model.params[f"W{i}"], model.params[f"b{i}"])',
      'h, _ = stage_forward(model.layers[i - 1][1].replace("hidden", "output"), h, model.params[f"W{i}"], '
      'model.params[f"b{i}"])'),
    # reinit_last_layer
    M("tl.reinit_last_layer", "bias_ones", T,
      '    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, seed, model.dtype)\n',
      '    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, seed, model.dtype)\n'
      '    model.params[f"b{L}"] = model.params[f"b{L}"] + 1\n'),
    M("tl.reinit_last_layer", "weights_doubled", T,
      '    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, seed, model.dtype)\n',
      '    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, seed, model.dtype)\n'
      '    model.params[f"W{L}"] = 2 * model.params[f"W{L}"]\n'),
    # HeadOnBase.__init__
    M("tl.head_on_base_init", "frozen_inverted", T, "                if names[i - 1] in frozen_stages:\n",
      "                if names[i - 1] not in frozen_stages:\n"),
    M("tl.head_on_base_init", "head_sized_for_the_input", T, "        width = base.feature_dims[layer]\n",
      "        width = base.feature_dims[names[0]]\n"),
    # HeadOnBase.loss
    M("tl.head_on_base_loss", "gradients_averaged_twice", T, "                    grads[p] = g\n",
      "                    grads[p] = g / len(X)\n"),
    M("tl.head_on_base_loss", "gradient_sign", T, "                    grads[p] = g\n",
      "                    grads[p] = -g\n"),
    # scaled_step
    M("tl.scaled_step", "multiplier_squared", T, '        configs[name]["learning_rate"] = learning_rate * m\n',
      '        configs[name]["learning_rate"] = learning_rate * m * m\n'),
    M("tl.scaled_step", "frozen_zero_gradient_step", T, "        if m == 0:\n            continue\n",
      "        if m == 0:\n            configs[name]['learning_rate'] = 0.0\n"
      "            params[name], configs[name] = update_rule(params[name], 0 * params[name], configs[name])\n"
      "            continue\n"),
)

ALL = tuple(MISTAKES) + UNRECORDED


def named_figures(verdicts):
    """(number losing points, number with a named reason, total) over {mutant: Verdict}."""
    lost = sum(v.score < v.points for v in verdicts.values())
    named = sum(v.names_a_reason() for v in verdicts.values())
    return lost, named, len(verdicts)


def grade_corpus(dest, mutants=ALL, limits=None):
    """{"item/name": Verdict} for every mutant, each graded (in the sandbox) on its own item."""
    from autograder.bank.items import REGISTRY
    from autograder.grade import grade_item, load_tables
    from autograder.run import Limits
    from autograder.unpack import unpack
    from conftest import make_submission
    table, verdicts = load_tables(), {}
    for k, m in enumerate(mutants):
        patch = {m.file: lambda t, m=m: t.replace(m.old, m.new) if t.count(m.old) == 1 else 1 / 0}
        folder = make_submission(Path(dest) / f"m{k}", patches=patch)
        ws = unpack(folder)
        verdicts[f"{m.item}/{m.name}"] = grade_item(ws.root, REGISTRY[m.item], table, limits or Limits(seconds=10))
    return verdicts


def main():
    import tempfile
    import time
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        verdicts = grade_corpus(tmp)
    lost, named, total = named_figures(verdicts)
    recorded = {f"{m.item}/{m.name}" for m in MISTAKES}
    unrec = {k: v for k, v in verdicts.items() if k not in recorded}
    _, unrec_named, unrec_total = named_figures(unrec)
    print(f"mutants: {total} ({total - unrec_total} recorded, {unrec_total} never seen by the build), "
          f"graded in {time.perf_counter() - start:.1f} s")
    print(f"lose points: {lost} of {total} ({lost / total:.0%})")
    print(f"get a reason that names the mistake: {named} of {total} ({named / total:.0%}); "
          f"of the unrecorded ones: {unrec_named} of {unrec_total} ({unrec_named / unrec_total:.0%})")
    for key, v in verdicts.items():
        if not v.names_a_reason() or v.score >= v.points:
            print(f"  without a named reason: {key}: {v.text().splitlines()[1:2]}")


if __name__ == "__main__":
    main()
