"""Known mistakes of the ConvolutionalNetworks notebook's items (see __init__.py)."""
from . import C, M, N

PAD = "    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))\n"
WINDOW = "window = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]"
CONV_OUT = "out[:, :, i, j] = window.reshape(N, -1) @ w_rows.T + b"
BACK_SLICES = "rows, cols = slice(i * stride, i * stride + HH), slice(j * stride, j * stride + WW)"
DX_ADD = "dx_pad[:, :, rows, cols] += (d @ w_rows).reshape(window.shape)"
POOL_MAX = "out[:, :, i, j] = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw].max(axis=(2, 3))"
POOL_ONE_HOT = "first_max = np.eye(ph * pw, dtype=x.dtype)[window.argmax(axis=2)]   # (N, C, ph * pw), one-hot"
POOL_ADD = "dx[:, :, rows, cols] += (first_max * dout[:, :, i, j, None]).reshape(N, C, ph, pw)"
SBN = "    rows, cache = batchnorm_forward(_channels_last(x), gamma, beta, bn_param)\n"
SBN_BACK = "    drows, dgamma, dbeta = batchnorm_backward_alt(_channels_last(dout), bn_cache)\n"
GROUPS = "    groups = x.reshape(N, G, -1)                        # contiguous channels: (N, G, C / G · H · W)\n"
GN_STATS = ("    mean = groups.mean(axis=2, keepdims=True)\n"
            "    std = np.sqrt(groups.var(axis=2, keepdims=True) + eps)\n")
GN_DX = ("    dx = (dx_hat - dx_hat.mean(axis=2, keepdims=True)\n"
         "          - g_hat * (dx_hat * g_hat).mean(axis=2, keepdims=True)) / std\n")
CNN_SHAPES = ("shapes = {1: (F, C, fs, fs), 2: (F * (H // 2) * (W // 2), hidden_dim), 3: (hidden_dim, "
              "num_classes)}")
CNN_HIDDEN = ('h2, cache2 = affine_relu_forward(h1, self.params["W2"], self.params["b2"])\n        scores, cache3 = affine_forward(h2, self.params["W3"], self.params["b3"])\n        ### END SOLUTION\n        if y is None:\n            return scores\n        grads = {}\n        ### BEGIN SOLUTION\n        loss, dscores = softmax_loss(scores, y)\n        loss += 0.5 * self.reg * sum(np.sum(self.params[f"W{i}"] ** 2) for i in (1, 2, 3))\n        dh2, grads["W3"], grads["b3"] = affine_backward(dscores, cache3)\n        dh1, grads["W2"], grads["b2"] = affine_relu_backward(dh2, cache2)')  # from the hidden layer's forward to its backward
CNN_REG = "loss += 0.5 * self.reg * sum(np.sum(self.params[f\"W{i}\"] ** 2) for i in (1, 2, 3))"

MISTAKES = (
    M("cn.conv_forward_naive", "kernel_flipped", C, CONV_OUT,
      "out[:, :, i, j] = window.reshape(N, -1) @ w[:, :, ::-1, ::-1].reshape(F, -1).T + b"),
    M("cn.conv_forward_naive", "pad_one_side", C, PAD,
      "    x_pad = np.pad(x, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))\n"),
    M("cn.conv_forward_naive", "stride_ignored", C, WINDOW, "window = x_pad[:, :, i:i + HH, j:j + WW]"),
    M("cn.conv_forward_naive", "bias_per_channel", C, CONV_OUT,
      "out[:, :, i, j] = window.reshape(N, -1) @ w_rows.T + b * x.shape[1]"),
    M("cn.conv_backward_naive", "stride_ignored", C, BACK_SLICES, "rows, cols = slice(i, i + HH), slice(j, j + WW)"),
    M("cn.conv_backward_naive", "db_not_summed", C, "    db = dout.sum(axis=(0, 2, 3))\n",
      "    db = dout.sum(axis=(2, 3))\n"),
    M("cn.conv_backward_naive", "dx_overwritten", C, DX_ADD, DX_ADD.replace("+=", "=")),
    M("cn.conv_backward_naive", "dx_padded", C, "    dx = dx_pad[:, :, pad:H_pad - pad, pad:W_pad - pad]\n",
      "    dx = dx_pad\n"),
    M("cn.conv_backward_naive", "dw_not_summed_over_batch", C, "dw_rows += d.T @ window.reshape(N, -1)",
      "dw_rows += d[:1].T @ window[:1].reshape(1, -1)"),
    M("cn.max_pool_forward_naive", "stride_ignored", C, POOL_MAX,
      "out[:, :, i, j] = x[:, :, i:i + ph, j:j + pw].max(axis=(2, 3))"),
    M("cn.max_pool_forward_naive", "mean_pool", C, POOL_MAX, POOL_MAX.replace(".max(", ".mean(")),
    M("cn.max_pool_forward_naive", "size_ignores_stride", C,
      "    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride\n",
      "    H_out, W_out = H // ph, W // pw\n"),
    M("cn.max_pool_backward_naive", "to_every_element", C, POOL_ONE_HOT,
      "first_max = np.ones((N, C, ph * pw), dtype=x.dtype)"),
    M("cn.max_pool_backward_naive", "ties_to_all", C, POOL_ONE_HOT,
      "first_max = (window == window.max(axis=2, keepdims=True)).astype(x.dtype)"),
    M("cn.max_pool_backward_naive", "dx_overwritten", C, POOL_ADD, POOL_ADD.replace("+=", "=")),
    M("cn.max_pool_backward_naive", "ties_to_last", C, POOL_ONE_HOT,
      "first_max = np.eye(ph * pw, dtype=x.dtype)[ph * pw - 1 - window[:, :, ::-1].argmax(axis=2)]"),
    M("cn.spatial_batchnorm_forward", "per_image", C, SBN,
      "    per_image = x.reshape(x.shape[0] * x.shape[1], -1).T  # one column per (image, channel)\n"
      "    rows, cache = batchnorm_forward(per_image, 1.0, 0.0, {\"eps\": bn_param.get(\"eps\", 1e-5)})\n"
      "    rows = _channels_last(rows.T.reshape(x.shape) * gamma[:, None, None] + beta[:, None, None])\n"
      "    bn_param.setdefault(\"running_mean\", np.zeros(x.shape[1]))\n"
      "    bn_param.setdefault(\"running_var\", np.zeros(x.shape[1]))\n"),
    M("cn.spatial_batchnorm_forward", "reshape_without_transpose", C, SBN,
      "    rows, cache = batchnorm_forward(x.reshape(-1, x.shape[1]), gamma, beta, bn_param)\n"
      "    rows = _channels_last(rows.reshape(x.shape))\n"),
    M("cn.spatial_batchnorm_forward", "state_not_written", C, SBN, SBN.replace("beta, bn_param)", "beta, {**bn_param})")),
    M("cn.spatial_batchnorm_backward", "reshape_without_transpose", C, SBN_BACK,
      "    drows, dgamma, dbeta = batchnorm_backward_alt(dout.reshape(-1, dout.shape[1]), bn_cache)\n"
      "    drows = _channels_last(drows.reshape(dout.shape))\n"),
    M("cn.spatial_batchnorm_backward", "not_transposed_back", C, "    dx = _channels_first(drows, shape)\n",
      "    dx = drows.reshape(shape)\n"),
    M("cn.spatial_batchnorm_backward", "statistics_as_constants", C, SBN_BACK,
      SBN_BACK + "    drows = _channels_last(dout) * bn_cache[3] / bn_cache[2]\n"),
    M("cn.spatial_groupnorm_forward", "strided_groups", C, GROUPS + GN_STATS + "    x_hat = ((groups - mean) / std).reshape(x.shape)\n",
      "    groups = x.reshape(N, C // G, G, H * W).transpose(0, 2, 1, 3).reshape(N, G, -1)\n"
      + GN_STATS + "    x_hat = ((groups - mean) / std).reshape(N, G, C // G, H * W).transpose(0, 2, 1, 3).reshape(x.shape)\n"),
    M("cn.spatial_groupnorm_forward", "over_batch", C, GN_STATS, GN_STATS.replace("axis=2", "axis=(0, 2)")),
    M("cn.spatial_groupnorm_forward", "unbiased_var", C, "groups.var(axis=2, keepdims=True)",
      "groups.var(axis=2, keepdims=True, ddof=1)"),
    M("cn.spatial_groupnorm_forward", "per_channel", C, GROUPS, GROUPS.replace("x.reshape(N, G, -1)", "x.reshape(N, C, -1)")),
    M("cn.spatial_groupnorm_backward", "dgamma_shape", C,
      "    dbeta = dout.sum(axis=(0, 2, 3), keepdims=True)\n    dgamma = (dout * x_hat).sum(axis=(0, 2, 3), keepdims=True)\n",
      "    dbeta = dout.sum(axis=(0, 2, 3))\n    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))\n"),
    M("cn.spatial_groupnorm_backward", "dvar_missing", C, GN_DX,
      "    dx = (dx_hat - dx_hat.mean(axis=2, keepdims=True)) / std\n"),
    M("cn.spatial_groupnorm_backward", "dmean_missing", C, GN_DX,
      "    dx = (dx_hat - g_hat * (dx_hat * g_hat).mean(axis=2, keepdims=True)) / std\n"),
    M("cn.convnet_init", "W2_unpooled", N, CNN_SHAPES, CNN_SHAPES.replace("F * (H // 2) * (W // 2)", "F * H * W")),
    M("cn.convnet_init", "W1_channels_last", N, CNN_SHAPES, CNN_SHAPES.replace("(F, C, fs, fs)", "(F, fs, fs, C)")),
    M("cn.convnet_init", "biases_random", N,
      "self.params[f\"b{i}\"] = np.zeros(shape[0] if i == 1 else shape[1])",
      "self.params[f\"b{i}\"] = weight_scale * self.rng.standard_normal(shape[0] if i == 1 else shape[1])"),
    M("cn.convnet_loss", "W1_not_regularized", N, CNN_REG, CNN_REG.replace("(1, 2, 3)", "(2, 3)")),
    M("cn.convnet_loss", "hidden_relu_missing", N, CNN_HIDDEN,
      CNN_HIDDEN.replace("affine_relu_forward", "affine_forward").replace("affine_relu_backward", "affine_backward")),
    M("cn.convnet_loss", "W1_reg_gradient_missing", N,
      "        for i in (1, 2, 3):\n            grads[f\"W{i}\"] = grads[f\"W{i}\"] + self.reg",
      "        for i in (2, 3):\n            grads[f\"W{i}\"] = grads[f\"W{i}\"] + self.reg"),
)
