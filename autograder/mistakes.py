"""Known mistakes: realistic wrong versions of each graded function, as patches on the reference source.

A Mistake replaces one exact snippet of a reference module with the wrong code. The build runs each one to
record its outputs (so the grader can name the mistake when a student's output matches), and the tests grade
each as a submission to prove it loses points and gets its hint (the hint text lives in the bank item).
"""
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mistake:
    item: str   # item id
    name: str   # key of the hint in the item's mistakes
    file: str   # module file inside the package
    old: str    # exact reference snippet
    new: str    # its wrong replacement

    def apply(self, package_dir):
        """Patch the module in package_dir (a copy of the reference package) in place."""
        path = Path(package_dir) / self.file
        text = path.read_text()
        if text.count(self.old) != 1:
            raise ValueError(f"mistake {self.item}/{self.name}: snippet found {text.count(self.old)} times in "
                             f"{self.file}; expected once:\n{self.old}")
        path.write_text(text.replace(self.old, self.new))


def M(item, name, file, old, new):
    return Mistake(item, name, file, old, new)


L, O, F = "layers.py", "optim.py", "fc_net.py"
MISTAKES = (
    M("fc.affine_forward", "forgot_bias", L, "out = x.reshape(N, D) @ w + b", "out = x.reshape(N, D) @ w"),
    M("fc.affine_forward", "flattened_wrong_order", L, "out = x.reshape(N, D) @ w + b",
      "out = x.reshape(D, N).T @ w + b"),
    M("fc.affine_forward", "x_reshaped_in_place", L, "out = x.reshape(N, D) @ w + b",
      "x.shape = (N, D)\n    out = x @ w + b"),
    M("fc.affine_backward", "dw_divided_by_N", L, "dw = x2.T @ dout", "dw = x2.T @ dout / x.shape[0]"),
    M("fc.affine_backward", "dx_not_reshaped", L, "dx = (dout @ w.T).reshape(x.shape)", "dx = dout @ w.T"),
    M("fc.affine_backward", "db_wrong_axis", L, "db = dout.sum(axis=0)", "db = dout.sum(axis=1)"),
    M("fc.affine_backward", "dout_ignored", L, "dw = x2.T @ dout", "dw = x2.T @ np.ones_like(dout)"),
    M("fc.relu_forward", "in_place", L, "out = np.maximum(0, x)", "x[x < 0] = 0\n    out = x"),
    M("fc.relu_forward", "leaky", L, "out = np.maximum(0, x)", "out = np.maximum(0.01 * x, x)"),
    M("fc.relu_forward", "returns_mask", L, "out = np.maximum(0, x)", "out = (x > 0).astype(x.dtype)"),
    M("fc.relu_backward", "dout_ignored", L, "dx = dout * (x > 0)", "dx = (x > 0).astype(dout.dtype)"),
    M("fc.relu_backward", "mask_inverted", L, "dx = dout * (x > 0)", "dx = dout * (x < 0)"),
    M("fc.relu_backward", "masked_by_dout", L, "dx = dout * (x > 0)", "dx = np.maximum(0, dout)"),
    M("fc.svm_loss", "counts_correct_class", L, "    margins[np.arange(N), y] = 0\n    loss", "    loss"),
    M("fc.svm_loss", "no_mean", L, "loss = margins.sum() / N", "loss = margins.sum()"),
    M("fc.svm_loss", "correct_class_grad_missing", L, "positive[np.arange(N), y] = -positive.sum(axis=1)",
      "positive[np.arange(N), y] = 0"),
    M("fc.softmax_loss", "unstable", L, "shifted = x - x.max(axis=1, keepdims=True)", "shifted = x"),
    M("fc.softmax_loss", "dx_not_divided_by_N", L, "    dx /= N\n", ""),
    M("fc.softmax_loss", "forgot_minus_one", L, "    dx[np.arange(N), y] -= 1\n", ""),
    M("fc.net_init", "biases_random", F, "self.params[f\"b{i}\"] = np.zeros(d_out)",
      "self.params[f\"b{i}\"] = weight_scale * self.rng.standard_normal(d_out)"),
    M("fc.net_init", "weight_scale_ignored", F, "weight_scale * self.rng.standard_normal((d_in, d_out))",
      "self.rng.standard_normal((d_in, d_out))"),
    M("fc.net_init", "weights_transposed", F, "weight_scale * self.rng.standard_normal((d_in, d_out))",
      "weight_scale * self.rng.standard_normal((d_out, d_in))"),
    M("fc.net_loss", "relu_on_scores", F, "scores, last_cache = affine_forward(h, self.params[f\"W{L}\"], "
      "self.params[f\"b{L}\"])", "scores, last_cache = affine_forward(h, self.params[f\"W{L}\"], "
      "self.params[f\"b{L}\"])\n        scores = np.maximum(0, scores)"),
    M("fc.net_loss", "reg_without_half", F, "loss += 0.5 * self.reg *", "loss += self.reg *"),
    M("fc.net_loss", "reg_on_biases", F, "weights = [self.params[f\"W{i}\"] for i in range(1, L + 1)]",
      "weights = list(self.params.values())"),
    M("fc.net_loss", "reg_grad_missing", F, "grads[f\"W{i}\"] += self.reg * self.params[f\"W{i}\"]",
      "pass"),
    M("optim.sgd_momentum", "gradient_sign", O,
      "    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w + v\n",
      "    v = config[\"momentum\"] * v + config[\"learning_rate\"] * dw\n    next_w = w + v\n"),
    M("optim.sgd_momentum", "step_before_velocity", O,
      "    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w + v\n",
      "    next_w = w + v\n    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n"),
    M("optim.sgd_momentum", "no_momentum", O,
      "    v = config[\"momentum\"] * v - config[\"learning_rate\"] * dw\n    next_w = w + v\n",
      "    v = -config[\"learning_rate\"] * dw\n    next_w = w + v\n"),
    M("optim.nesterov_momentum", "plain_momentum", O,
      "next_w = w - config[\"momentum\"] * v_prev + (1 + config[\"momentum\"]) * v", "next_w = w + v"),
    M("optim.nesterov_momentum", "v_prev_sign", O,
      "next_w = w - config[\"momentum\"] * v_prev + (1 + config[\"momentum\"]) * v",
      "next_w = w + config[\"momentum\"] * v_prev + (1 + config[\"momentum\"]) * v"),
    M("optim.nesterov_momentum", "v_prev_term_missing", O,
      "next_w = w - config[\"momentum\"] * v_prev + (1 + config[\"momentum\"]) * v",
      "next_w = w + (1 + config[\"momentum\"]) * v"),
    M("optim.adagrad", "cache_not_accumulated", O, "cache = cache + dw ** 2", "cache = dw ** 2"),
    M("optim.adagrad", "no_sqrt", O,
      "    cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / (np.sqrt(cache) + config[\"epsilon\"])",
      "    cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / (cache + config[\"epsilon\"])"),
    M("optim.adagrad", "old_cache_used", O,
      "    cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / (np.sqrt(cache) + config[\"epsilon\"])",
      "    next_w = w - config[\"learning_rate\"] * dw / (np.sqrt(cache) + config[\"epsilon\"])\n"
      "    cache = cache + dw ** 2"),
    M("optim.rmsprop", "decay_swapped", O, "cache = decay * cache + (1 - decay) * dw ** 2",
      "cache = (1 - decay) * cache + decay * dw ** 2"),
    M("optim.rmsprop", "adagrad_cache", O, "cache = decay * cache + (1 - decay) * dw ** 2",
      "cache = cache + dw ** 2"),
    M("optim.rmsprop", "no_sqrt", O,
      "    cache = decay * cache + (1 - decay) * dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / "
      "(np.sqrt(cache) + config[\"epsilon\"])",
      "    cache = decay * cache + (1 - decay) * dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / "
      "(cache + config[\"epsilon\"])"),
    M("optim.adam", "no_bias_correction", O,
      "    m_hat = m / (1 - b1 ** t)\n    v_hat = v / (1 - b2 ** t)\n", "    m_hat, v_hat = m, v\n"),
    M("optim.adam", "t_incremented_after", O,
      "    t = t + 1\n    m = b1 * m + (1 - b1) * dw\n    v = b2 * v + (1 - b2) * dw ** 2\n"
      "    m_hat = m / (1 - b1 ** t)\n    v_hat = v / (1 - b2 ** t)\n",
      "    m = b1 * m + (1 - b1) * dw\n    v = b2 * v + (1 - b2) * dw ** 2\n"
      "    m_hat = m / (1 - b1 ** t)\n    v_hat = v / (1 - b2 ** t)\n    t = t + 1\n"),
    M("optim.adam", "v_not_squared", O, "v = b2 * v + (1 - b2) * dw ** 2", "v = b2 * v + (1 - b2) * dw"),
    M("optim.adam", "eps_inside_sqrt", O, "m_hat / (np.sqrt(v_hat) + config[\"epsilon\"])",
      "m_hat / np.sqrt(v_hat + config[\"epsilon\"])"),
    M("optim.adam", "eps_hat", O,
      "    next_w = w - config[\"learning_rate\"] * m_hat / (np.sqrt(v_hat) + config[\"epsilon\"])\n",
      "    lr_t = config[\"learning_rate\"] * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)\n"
      "    next_w = w - lr_t * m / (np.sqrt(v) + config[\"epsilon\"])\n"),
    M("optim.adagrad", "no_epsilon", O,
      "next_w = w - config[\"learning_rate\"] * dw / (np.sqrt(cache) + config[\"epsilon\"])\n    ### END SOLUTION\n"
      "    config[\"cache\"] = cache\n    return next_w, config\n\n\ndef rmsprop",
      "next_w = w - config[\"learning_rate\"] * dw / np.sqrt(cache)\n    ### END SOLUTION\n"
      "    config[\"cache\"] = cache\n    return next_w, config\n\n\ndef rmsprop"),
    M("optim.adagrad", "eps_inside_sqrt", O,
      "    cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / (np.sqrt(cache) + config[\"epsilon\"])",
      "    cache = cache + dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / np.sqrt(cache + config[\"epsilon\"])"),
    M("optim.rmsprop", "eps_inside_sqrt", O,
      "    cache = decay * cache + (1 - decay) * dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / "
      "(np.sqrt(cache) + config[\"epsilon\"])",
      "    cache = decay * cache + (1 - decay) * dw ** 2\n    next_w = w - config[\"learning_rate\"] * dw / "
      "np.sqrt(cache + config[\"epsilon\"])"),
    M("fc.softmax_loss", "log_of_probability", L,
      "    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n",
      "    log_probs = np.log(np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True))\n"),
    M("fc.affine_forward", "float32", L, "out = x.reshape(N, D) @ w + b",
      "out = (x.reshape(N, D) @ w + b).astype(np.float32)"),
    M("fc.net_loss", "params_scaled_in_place", F, "grads[f\"W{i}\"] += self.reg * self.params[f\"W{i}\"]",
      "grads[f\"W{i}\"] += np.multiply(self.params[f\"W{i}\"], self.reg, out=self.params[f\"W{i}\"])"),
    M("fc.net_init", "global_generator", F, "weight_scale * self.rng.standard_normal((d_in, d_out))",
      "weight_scale * np.random.standard_normal((d_in, d_out))"),
)


def for_item(item_id):
    """The mistakes of one item."""
    return [m for m in MISTAKES if m.item == item_id]


def mutant_package(reference_dir, mistake, dest, name="nnkit"):
    """Copy the reference package to dest/name and apply `mistake`; returns dest/name."""
    target = Path(dest) / name
    shutil.copytree(reference_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
    mistake.apply(target)
    return target
