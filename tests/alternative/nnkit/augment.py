import numpy as np


def random_flip(X, rng, p=0.5):
    out = X.copy()
    idx = np.flatnonzero(rng.random(len(X)) < p)
    out[idx] = X[idx][:, :, :, ::-1]
    return out


def random_crop(X, rng, pad=2):
    N, C, H, W = X.shape
    off = rng.integers(0, 2 * pad + 1, size=(N, 2))
    big = np.zeros((N, C, H + 2 * pad, W + 2 * pad), X.dtype)
    big[:, :, pad:pad + H, pad:pad + W] = X
    out = np.empty_like(X)
    for n in range(N):
        r, c = off[n]
        out[n] = big[n, :, r:r + H, c:c + W]
    return out
