"""Known mistakes of the TransferLearning notebook's items (see __init__.py)."""
from . import M, T

STAGE_LOOP = "        for i in range(1, k + 1):\n            h, _ = stage_forward("
BATCHES = "    for start in range(0, len(X), batch_size):\n"
FLATTEN = "        chunks.append(h.reshape(len(h), -1))\n"
NEW_LAST = ('    D = model.params[f"W{L}"].shape[0]\n'
            '    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, seed, model.dtype)\n')
COPY = "                self.params[p] = base.params[p].copy()\n"
FREEZE = "                if names[i - 1] in frozen_stages:\n                    self.frozen.add(p)\n"
HEAD = "head_weights(width, num_classes, seed, base.dtype)\n"
GRAD_KEEP = "                if p not in self.frozen:\n                    grads[p] = g\n"
BACK_STEP = ("            dh, dW, db = stage_backward(self.layers[i - 1][1], dh, caches[i - 1])\n"
             "            for p, g in ((f\"W{i}\", dW), (f\"b{i}\", db)):\n")
BACK_LOOP = "        for i in range(len(self.layers), min(trains) - 1, -1):\n"
LR_SET = '        configs[name]["learning_rate"] = learning_rate * m\n'
RULE_CALL = "        params[name], configs[name] = update_rule(params[name], grads[name], configs[name])\n"
SKIP = "        if m == 0:\n            continue\n"
DEFAULT = "        m = multipliers.get(name, 1.0)\n        if m == 0:\n"

MISTAKES = (
    M("tl.extract_features", "stops_one_stage_early", T, STAGE_LOOP,
      "        for i in range(1, k):\n            h, _ = stage_forward("),
    M("tl.extract_features", "last_batch_dropped", T, BATCHES,
      "    for start in range(0, len(X) - batch_size + 1, batch_size):\n"),
    M("tl.extract_features", "flattened_channels_last", T, FLATTEN,
      "        chunks.append((h.transpose(0, 2, 3, 1) if h.ndim == 4 else h).reshape(len(h), -1))\n"),
    M("tl.reinit_last_layer", "old_bias_kept", T, NEW_LAST,
      '    D = model.params[f"W{L}"].shape[0]\n'
      '    model.params[f"W{L}"] = head_weights(D, num_classes, seed, model.dtype)[0]\n'),
    M("tl.reinit_last_layer", "D_from_columns", T, NEW_LAST,
      '    D = model.params[f"W{L}"].shape[1]\n'
      '    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, seed, model.dtype)\n'),
    M("tl.reinit_last_layer", "first_layer_replaced", T, NEW_LAST,
      '    D = model.params["W1"].shape[0]\n'
      '    model.params["W1"], model.params["b1"] = head_weights(D, num_classes, seed, model.dtype)\n'),
    M("tl.reinit_last_layer", "seed_ignored", T, NEW_LAST,
      '    D = model.params[f"W{L}"].shape[0]\n'
      '    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, 0, model.dtype)\n'),
    M("tl.head_on_base_init", "base_params_shared", T, COPY, "                self.params[p] = base.params[p]\n"),
    M("tl.head_on_base_init", "everything_frozen", T, FREEZE, "                self.frozen.add(p)\n"),
    M("tl.head_on_base_init", "head_frozen_too", T, HEAD,
      "head_weights(width, num_classes, seed, base.dtype)\n        if freeze is True:\n            self.frozen |= {f\"W{k + 1}\", f\"b{k + 1}\"}\n"),
    M("tl.head_on_base_init", "head_seed_ignored", T, HEAD, "head_weights(width, num_classes, 0, base.dtype)\n"),
    M("tl.head_on_base_loss", "frozen_gradients_returned", T, BACK_LOOP + BACK_STEP + GRAD_KEEP,
      "        for i in range(len(self.layers), 0, -1):\n" + BACK_STEP + "                grads[p] = g\n"),
    M("tl.head_on_base_loss", "backprop_stops_at_first_frozen", T, BACK_LOOP,
      "        for i in range(len(self.layers), min(trains) - 1, -1):\n"
      "            if f\"W{i}\" in self.frozen:\n                break\n"),
    M("tl.head_on_base_loss", "head_gradient_only", T, BACK_LOOP,
      "        for i in range(len(self.layers), len(self.layers) - 1, -1):\n"),
    M("tl.scaled_step", "gradient_scaled", T, LR_SET + RULE_CALL,
      '        configs[name]["learning_rate"] = learning_rate\n'
      "        params[name], configs[name] = update_rule(params[name], m * grads[name], configs[name])\n"),
    M("tl.scaled_step", "multiplier_compounded", T, LR_SET,
      '        configs[name]["learning_rate"] = configs[name].get("learning_rate", learning_rate) * m\n'),
    M("tl.scaled_step", "frozen_rule_called", T, SKIP,
      "        if m == 0 and name not in grads:\n            continue\n"),
    M("tl.scaled_step", "default_multiplier_zero", T, DEFAULT, "        m = multipliers.get(name, 0.0)\n        if m == 0:\n"),
)
