import numpy as np


def affine_forward(x, w, b):
    n = x.shape[0]
    flat = np.reshape(x, (n, int(np.prod(x.shape[1:], dtype=int))))
    out = np.empty((n, w.shape[1]), dtype=np.result_type(x, w, b))
    for i in range(n):  # one example at a time
        out[i] = flat[i] @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    n = x.shape[0]
    flat = np.reshape(x, (n, -1))
    dw = np.zeros_like(w)
    for i in range(n):
        dw += np.outer(flat[i], dout[i])
    dx = np.reshape(dout @ np.transpose(w), np.shape(x))
    db = np.add.reduce(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = x.copy()
    out[out < 0] = 0
    return out, x


def relu_backward(dout, cache):
    dx = np.where(cache > 0, dout, np.zeros_like(dout))
    return dx


def svm_loss(x, y):
    n = x.shape[0]
    loss = 0.0
    dx = np.zeros_like(x)
    for i, row in enumerate(x):  # one example at a time, vectorized over classes
        margins = row - row[y[i]] + 1
        margins[y[i]] = 0
        active = margins > 0
        loss += margins[active].sum()
        dx[i] = active
        dx[i, y[i]] = -active.sum()
    return loss / n, dx / n


def softmax_loss(x, y):
    n = x.shape[0]
    loss = 0.0
    dx = np.empty_like(x)
    for i in range(n):
        z = x[i] - np.max(x[i])
        logsum = np.log(np.sum(np.exp(z)))
        loss -= z[y[i]] - logsum
        dx[i] = np.exp(z - logsum)
        dx[i, y[i]] -= 1
    return loss / n, dx / n


def batchnorm_forward(x, gamma, beta, bn_param):
    """Staged like a textbook graph, with a tuple cache."""
    mode = bn_param.get("mode", "train")
    if mode not in ("train", "test"):
        raise ValueError(f"unknown mode {mode}")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        bn_param.update(running_mean=running_mean, running_var=running_var)
        return out, None
    mu = x.sum(axis=0) / N
    xmu = x - mu
    sq = xmu ** 2
    var = sq.sum(axis=0) / N
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    bn_param["running_mean"] = momentum * running_mean + (1.0 - momentum) * mu
    bn_param["running_var"] = momentum * running_var + (1.0 - momentum) * var
    return out, (xhat, gamma, xmu, ivar, sqrtvar, var, eps)


def batchnorm_backward(dout, cache):
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -divar / sqrtvar ** 2
    dvar = 0.5 / np.sqrt(var + eps) * dsqrtvar
    dsq = np.ones_like(dout) * dvar / N
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(axis=0)
    dx2 = np.ones_like(dout) * dmu / N
    return dx1 + dx2, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    xhat, gamma, _, ivar, _, _, _ = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = ivar / N * (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer norm as batch norm of the transpose (the CS231n trick)."""
    out_t, cache = batchnorm_forward(x.T, np.ones(x.shape[0]), np.zeros(x.shape[0]),
                                     {"mode": "train", "eps": ln_param.get("eps", 1e-5)})
    return gamma * out_t.T + beta, (cache, gamma, out_t.T)


def layernorm_backward(dout, cache):
    bn_cache, gamma, xhat = cache
    dxhat_t = (dout * gamma).T
    dx_t, _, _ = batchnorm_backward(dxhat_t, bn_cache)
    return dx_t.T, (dout * xhat).sum(axis=0), dout.sum(axis=0)
