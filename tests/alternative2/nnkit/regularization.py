"""Written from the docstrings: masks from param["rng"] or default_rng(param["seed"])."""
import numpy as np


def _draw_keep(param, shape):
    gen = param["rng"] if param.get("rng") is not None else np.random.default_rng(param.get("seed"))
    return gen.random(shape) < param.get("p", 0.5)


def dropout_forward(x, dropout_param):
    if dropout_param.get("mode", "train") != "train":
        return np.array(x, copy=True), (dropout_param, None)
    p = dropout_param.get("p", 0.5)
    mask = _draw_keep(dropout_param, x.shape).astype(x.dtype) / np.asarray(p, dtype=x.dtype)
    return x * mask, (dropout_param, mask)


def dropout_backward(dout, cache):
    _, mask = cache
    if mask is None:
        return np.array(dout, copy=True)
    return dout * mask


def dropconnect_forward(x, w, b, dc_param):
    mask = None
    used = w
    if dc_param.get("mode", "train") == "train":
        mask = _draw_keep(dc_param, w.shape) / dc_param.get("p", 0.5)
        used = w * mask
    flat = x.reshape(x.shape[0], -1)
    return flat @ used + b, (x, w, b, mask)


def dropconnect_backward(dout, cache):
    x, w, b, mask = cache
    flat = x.reshape(x.shape[0], -1)
    used = w if mask is None else w * mask
    dw = flat.T @ dout
    return (dout @ used.T).reshape(x.shape), (dw if mask is None else dw * mask), np.sum(dout, axis=0)


def l1_penalty(w, reg):
    sign = (w > 0).astype(w.dtype) - (w < 0).astype(w.dtype)
    return float(reg * np.abs(w).sum()), reg * sign
