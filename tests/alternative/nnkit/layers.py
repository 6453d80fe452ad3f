"""Alternative layers: written differently from the reference on purpose."""
import numpy as np


def affine_forward(x, w, b):
    flat = np.reshape(x, (len(x), np.size(x) // max(len(x), 1)))
    out = np.einsum("nd,dm->nm", flat, w) + b[None, :]
    return out, {"x": x, "w": w}


def affine_backward(dout, cache):
    x, w = cache["x"], cache["w"]
    flat = x.reshape(len(x), -1)
    dw = np.zeros_like(w)
    for i in range(len(x)):  # sum of per-example outer products
        dw += np.outer(flat[i], dout[i])
    dx = np.einsum("nm,dm->nd", dout, w).reshape(x.shape)
    db = np.einsum("nm->m", dout)
    return dx, dw, db


def relu_forward(x):
    return np.where(x > 0, x, 0.0), {"mask": x > 0}


def relu_backward(dout, cache):
    return np.where(cache["mask"], dout, 0.0)


def svm_loss(x, y):
    N, C = x.shape
    loss, dx = 0.0, np.zeros_like(x)
    for i in range(N):
        for j in range(C):
            if j == y[i]:
                continue
            margin = x[i, j] - x[i, y[i]] + 1
            if margin > 0:
                loss += margin
                dx[i, j] += 1
                dx[i, y[i]] -= 1
    return loss / N, dx / N


def softmax_loss(x, y):
    N = x.shape[0]
    m = np.max(x, axis=1)
    lse = m + np.log(np.sum(np.exp(x - m[:, None]), axis=1))  # log-sum-exp
    loss = np.mean(lse - x[np.arange(N), y])
    probs = np.exp(x - lse[:, None])
    onehot = np.eye(x.shape[1])[y]
    return loss, (probs - onehot) / N


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param.get("mode", "train")
    eps, mom = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    d = x.shape[1]
    rm = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))
    rv = bn_param.get("running_var", np.zeros(d, dtype=x.dtype))
    if mode == "train":
        mu, var = np.mean(x, axis=0), np.var(x, axis=0)
        inv = 1.0 / np.sqrt(var + eps)
        xn = (x - mu) * inv
        bn_param["running_mean"] = mom * rm + (1 - mom) * mu
        bn_param["running_var"] = mom * rv + (1 - mom) * var
    elif mode == "test":
        inv = 1.0 / np.sqrt(rv + eps)
        xn = (x - rm) * inv
        bn_param["running_mean"], bn_param["running_var"] = rm, rv
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return xn * gamma + beta, {"xn": xn, "inv": inv, "gamma": gamma}


def batchnorm_backward(dout, cache):
    xn, inv, gamma = cache["xn"], cache["inv"], cache["gamma"]
    n = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xn, axis=0)
    dxn = dout * gamma
    dx = inv * (dxn - np.mean(dxn, axis=0) - xn * np.mean(dxn * xn, axis=0))
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    return batchnorm_backward(dout, cache)


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1)[:, None]
    inv = 1.0 / np.sqrt(np.var(x, axis=1)[:, None] + eps)
    xn = (x - mu) * inv
    return xn * gamma + beta, {"xn": xn, "inv": inv, "gamma": gamma}


def layernorm_backward(dout, cache):
    xn, inv, gamma = cache["xn"], cache["inv"], cache["gamma"]
    dxn = dout * gamma
    dx = inv * (dxn - np.mean(dxn, axis=1)[:, None] - xn * np.mean(dxn * xn, axis=1)[:, None])
    return dx, np.sum(dout * xn, axis=0), np.sum(dout, axis=0)
