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
