"""Known mistakes of the BatchNormalization notebook's items (see __init__.py)."""
from . import F, L, M

TEST_BRANCH = "    else:\n        xc = x - running_mean\n        std = np.sqrt(running_var + eps)\n"
TEST_WITH_BATCH = "    else:\n        xc = x - x.mean(axis=0)\n        std = np.sqrt(x.var(axis=0) + eps)\n"
RUNNING = ("        running_mean = momentum * running_mean + (1 - momentum) * mean\n"
           "        running_var = momentum * running_var + (1 - momentum) * var\n")
BN_STATS = "        mean = x.mean(axis=0)\n        xc = x - mean\n        var = (xc ** 2).mean(axis=0)\n"
GRAPH_GRADS = ("    dbeta = dout.sum(axis=0)\n    dgamma = (dout * x_hat).sum(axis=0)\n    dx_hat = dout * gamma\n"
               "    dxc = dx_hat / std")
GRAPH_DX = "    dx = dxc + dmean / N                              # mean = mean(x)\n"
ALT_DX = "    dx = gamma / (N * std) * (N * dout - dbeta - x_hat * dgamma)\n"
LN_STATS = ("    mean = x.mean(axis=1, keepdims=True)\n    xc = x - mean\n"
            "    std = np.sqrt((xc ** 2).mean(axis=1, keepdims=True) + eps)\n")
LN_OUT = "    out = gamma * x_hat + beta\n    cache = (x_hat, std, gamma)\n"
LN_GRADS = ("    dbeta = dout.sum(axis=0)\n    dgamma = (dout * x_hat).sum(axis=0)\n    dx_hat = dout * gamma\n"
            "    dx = (dx_hat")
LN_DX = ("    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)\n"
         "          - x_hat * (dx_hat * x_hat).mean(axis=1, keepdims=True)) / std\n")

MISTAKES = (
    M("bn.batchnorm_forward", "test_uses_batch_stats", L, TEST_BRANCH, TEST_WITH_BATCH),
    M("bn.batchnorm_forward", "unbiased_var", L, "        var = (xc ** 2).mean(axis=0)\n",
      "        var = (xc ** 2).sum(axis=0) / (x.shape[0] - 1)\n"),
    M("bn.batchnorm_forward", "running_not_updated", L, RUNNING, ""),
    M("bn.batchnorm_forward", "momentum_reversed", L, RUNNING,
      RUNNING.replace("momentum * running_mean + (1 - momentum) * mean",
                      "(1 - momentum) * running_mean + momentum * mean")
      .replace("momentum * running_var + (1 - momentum) * var", "(1 - momentum) * running_var + momentum * var")),
    M("bn.batchnorm_forward", "eps_outside_sqrt", L, "        std = np.sqrt(var + eps)\n",
      "        std = np.sqrt(var) + eps\n"),
    M("bn.batchnorm_forward", "running_var_of_std", L, "running_var = momentum * running_var + (1 - momentum) * var",
      "running_var = momentum * running_var + (1 - momentum) * np.sqrt(var)"),
    M("bn.batchnorm_forward", "normalized_over_features", L, BN_STATS,
      BN_STATS.replace("axis=0)", "axis=1, keepdims=True)")),
    M("bn.batchnorm_backward", "dvar_missing", L,
      "    dxc = dxc + 2.0 * xc * dvar / N                   # var = mean(xc ** 2)\n", ""),
    M("bn.batchnorm_backward", "dmean_missing", L, GRAPH_DX, "    dx = dxc\n"),
    M("bn.batchnorm_backward", "dgamma_axis", L, GRAPH_GRADS, GRAPH_GRADS.replace("axis=0", "axis=1")),
    M("bn.batchnorm_backward", "x_hat_treated_as_input", L, GRAPH_DX, "    dx = dout * gamma / std\n"),
    M("bn.batchnorm_backward", "dgamma_without_x_hat", L, GRAPH_GRADS,
      GRAPH_GRADS.replace("dgamma = (dout * x_hat).sum(axis=0)", "dgamma = dout.sum(axis=0)")),
    M("bn.batchnorm_backward_alt", "no_N_factor", L, ALT_DX,
      "    dx = gamma / (N * std) * (dout - dbeta - x_hat * dgamma)\n"),
    M("bn.batchnorm_backward_alt", "without_x_hat_term", L, ALT_DX, "    dx = gamma / (N * std) * (N * dout - dbeta)\n"),
    M("bn.batchnorm_backward_alt", "without_mean_term", L, ALT_DX,
      "    dx = gamma / (N * std) * (N * dout - x_hat * dgamma)\n"),
    M("bn.batchnorm_backward_alt", "gamma_missing", L, ALT_DX,
      "    dx = 1 / (N * std) * (N * dout - dbeta - x_hat * dgamma)\n"),
    M("bn.layernorm_forward", "over_batch", L, LN_STATS, LN_STATS.replace("axis=1", "axis=0")),
    M("bn.layernorm_forward", "running_stats", L, LN_OUT,
      "    if ln_param.get(\"mode\") == \"test\":\n"
      "        x_hat = (x - ln_param.get(\"running_mean\", 0.0)) / np.sqrt(ln_param.get(\"running_var\", 1.0) + eps)\n"
      + LN_OUT),
    M("bn.layernorm_forward", "unbiased_var", L, "    std = np.sqrt((xc ** 2).mean(axis=1, keepdims=True) + eps)\n",
      "    std = np.sqrt((xc ** 2).sum(axis=1, keepdims=True) / (x.shape[1] - 1) + eps)\n"),
    M("bn.layernorm_forward", "eps_outside_sqrt", L, "    std = np.sqrt((xc ** 2).mean(axis=1, keepdims=True) + eps)\n",
      "    std = np.sqrt((xc ** 2).mean(axis=1, keepdims=True)) + eps\n"),
    M("bn.layernorm_backward", "dgamma_axis", L, LN_GRADS, LN_GRADS.replace("axis=0", "axis=1")),
    M("bn.layernorm_backward", "dvar_missing", L, LN_DX,
      "    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)) / std\n"),
    M("bn.layernorm_backward", "dmean_missing", L, LN_DX, LN_DX.replace(" - dx_hat.mean(axis=1, keepdims=True)", "")),
    M("bn.net_with_norm", "norm_params_regularized", F,
      "weights = [self.params[f\"W{i}\"] for i in range(1, L + 1)]", "weights = list(self.params.values())"),
    M("bn.net_with_norm", "test_uses_batch_stats", L, TEST_BRANCH, TEST_WITH_BATCH),
    M("bn.net_with_norm", "layernorm_over_batch", L, LN_STATS, LN_STATS.replace("axis=1", "axis=0")),
)
