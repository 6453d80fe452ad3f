import numpy as np


def _gen(param):
    g = param.get("rng")
    return g if g is not None else np.random.default_rng(param.get("seed"))


def dropout_forward(x, dropout_param):
    p = dropout_param.get("p", 0.5)
    if dropout_param.get("mode", "train") == "test":
        return x + 0, (dropout_param, None)
    u = _gen(dropout_param).random(x.shape)
    mask = np.zeros(x.shape)
    mask[u < p] = 1.0 / p
    return (x * mask).astype(x.dtype), (dropout_param, mask)


def dropout_backward(dout, cache):
    _, mask = cache
    return dout.copy() if mask is None else (dout * mask).astype(dout.dtype)


def dropconnect_forward(x, w, b, dc_param):
    p = dc_param.get("p", 0.5)
    xf = x.reshape(len(x), -1)
    if dc_param.get("mode", "train") == "test":
        return xf.dot(w) + b, (x, w, b, None)
    mask = np.where(_gen(dc_param).random(w.shape) < p, 1.0 / p, 0.0)
    return np.einsum("nd,dm->nm", xf, w * mask) + b, (x, w, b, mask)


def dropconnect_backward(dout, cache):
    x, w, b, mask = cache
    m = np.ones_like(w) if mask is None else mask
    xf = x.reshape(len(x), -1)
    return (dout @ (w * m).T).reshape(x.shape), np.einsum("nd,nm->dm", xf, dout) * m, dout.sum(0)


def l1_penalty(w, reg):
    return reg * float(np.sum(np.abs(w))), reg * np.sign(w)
