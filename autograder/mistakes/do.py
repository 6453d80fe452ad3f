"""Known mistakes of the Dropout notebook's items (see __init__.py)."""
from . import A, M, O, R

DROP_SCALE = "        mask = keep / p\n        out = (x * mask)"
DROP_TEST = "    else:\n        out = x.copy()\n"
DROP_TEST_MASKED = "    else:\n        out = x * ((rng.random(x.shape) < p) / p)\n"
DROP_UNSCALED = "        mask = keep * 1.0\n        out = (x * mask)"
L1_GRAD = "dw = (reg * np.sign(w))"
DC_DRAW = "        keep = rng.random(w.shape) < p\n        mask = keep / p\n        w_used = w * mask\n"
POLYAK = "(decay * w_avg + (1.0 - decay) * w)"
FLIP = "mirrored = rng.random(X.shape[0]) < p"
CROP_PAD = "(pad, pad), (pad, pad)))"
CROP_INDEX = "shifts[:, 0], shifts[:, 1]]"

MISTAKES = (
    M("do.dropout_forward", "divides_by_drop_probability", R, DROP_SCALE,
      DROP_SCALE.replace("keep / p", "keep / (1 - p)")),
    M("do.dropout_forward", "not_scaled", R, DROP_SCALE, DROP_UNSCALED),
    M("do.dropout_forward", "scaled_at_test", R, DROP_TEST, "    else:\n        out = x * p\n"),
    M("do.dropout_forward", "dropped_at_test", R, DROP_TEST, DROP_TEST_MASKED),
    M("do.dropout_forward", "keep_drop_swapped", R, "        keep = rng.random(x.shape) < p\n",
      "        keep = rng.random(x.shape) >= p\n"),
    M("do.dropout_backward", "mask_redrawn", R, "        dx = (dout * mask).astype(dout.dtype, copy=False)\n",
      "        p = dropout_param.get(\"p\", 0.5)\n"
      "        rng = dropout_param.get(\"rng\") or np.random.default_rng(dropout_param.get(\"seed\"))\n"
      "        dx = dout * ((rng.random(dout.shape) < p) / p)\n"),
    M("do.dropout_backward", "not_scaled", R, "dx = (dout * mask)", "dx = (dout * (mask > 0))"),
    M("do.dropout_backward", "mask_without_dout", R, "dx = (dout * mask).astype(dout.dtype, copy=False)",
      "dx = mask.astype(dout.dtype)"),
    M("do.net_regularized", "dropped_at_test", R, DROP_TEST, DROP_TEST_MASKED),
    M("do.net_regularized", "not_scaled", R, DROP_SCALE, DROP_UNSCALED),
    M("do.net_regularized", "l2_gradient", R, L1_GRAD, "dw = (reg * w)"),
    M("do.dropconnect_forward", "drops_inputs", R, DC_DRAW + "    out = x.reshape(N, D) @ w_used + b",
      "        keep = rng.random(x.shape) < p\n        x = x * (keep / p)\n        mask = None\n"
      "    out = x.reshape(N, D) @ w_used + b"),
    M("do.dropconnect_forward", "not_scaled", R, DC_DRAW, DC_DRAW.replace("mask = keep / p", "mask = keep * 1.0")),
    M("do.dropconnect_forward", "dropped_at_test", R, "    w_used = w\n    if mode == \"train\":\n",
      "    w_used = w\n    if True:\n"),
    M("do.dropconnect_forward", "bias_dropped", R, DC_DRAW,
      DC_DRAW + "        b = b * ((rng.random(b.shape) < p) / p)\n"),
    M("do.dropconnect_backward", "dw_unmasked", R, "    if mask is not None:\n        dw = dw * mask\n", ""),
    M("do.dropconnect_backward", "dx_through_full_w", R, "dx = (dout @ w_used.T)", "dx = (dout @ w.T)"),
    M("do.dropconnect_backward", "dw_mask_unscaled", R, "        dw = dw * mask\n", "        dw = dw * (mask > 0)\n"),
    M("do.l1_penalty", "l2_gradient", R, L1_GRAD, "dw = (reg * w)"),
    M("do.l1_penalty", "halved", R, "loss = float(reg * np.abs(w).sum())", "loss = float(0.5 * reg * np.abs(w).sum())"),
    M("do.l1_penalty", "no_abs", R, "loss = float(reg * np.abs(w).sum())", "loss = float(reg * w.sum())"),
    M("do.l1_penalty", "zero_subgradient", R, L1_GRAD, "dw = (reg * np.where(w >= 0, 1.0, -1.0))"),
    M("do.polyak_update", "decay_reversed", O, POLYAK, "((1.0 - decay) * w_avg + decay * w)"),
    M("do.polyak_update", "no_one_minus", O, POLYAK, "(decay * w_avg + w)"),
    M("do.polyak_update", "returns_weights", O, POLYAK, "(w + 0.0)"),
    M("do.random_flip", "vertical", A, "X[..., ::-1], X)", "X[..., ::-1, :], X)"),
    M("do.random_flip", "flips_all", A, "np.where(mirrored[:, None, None, None], X[..., ::-1], X)", "X[..., ::-1].copy()"),
    M("do.random_flip", "flip_where_kept", A, FLIP, FLIP.replace("< p", ">= p")),
    M("do.random_crop", "edge_padding", A, CROP_PAD, "(pad, pad), (pad, pad)), mode=\"edge\")"),
    M("do.random_crop", "offsets_swapped", A, CROP_INDEX, "shifts[:, 1], shifts[:, 0]]"),
    M("do.random_crop", "offset_range", A, "shifts = rng.integers(0, 2 * pad + 1, size=(N, 2))",
      "shifts = rng.integers(0, 2 * pad, size=(N, 2))"),
)
