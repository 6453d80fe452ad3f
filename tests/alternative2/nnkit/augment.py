import numpy as np


def random_flip(X, rng, p=0.5):
    flip = rng.random(X.shape[0]) < p
    return np.stack([x[:, :, ::-1] if f else x for x, f in zip(X, flip)]).astype(X.dtype, copy=False)


def random_crop(X, rng, pad=2):
    N, C, H, W = X.shape
    offsets = rng.integers(0, 2 * pad + 1, size=(N, 2))
    padded = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=X.dtype)
    padded[:, :, pad:pad + H, pad:pad + W] = X
    rows = offsets[:, 0, None] + np.arange(H)          # (N, H)
    cols = offsets[:, 1, None] + np.arange(W)          # (N, W)
    n = np.arange(N)[:, None, None, None]
    c = np.arange(C)[None, :, None, None]
    return padded[n, c, rows[:, None, :, None], cols[:, None, None, :]]
