"""Alternative conv layers: im2col by sliding_window_view + einsum, dx as a full correlation of the dilated
dout with the flipped filters, pooling gradient by argmax + unravel + np.add.at, dict caches."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import layers


def _windows(x, kh, kw, stride):
    """(N, C, H, W) -> (N, C, H', W', kh, kw) read-only view of every window, windows `stride` apart."""
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def _fits(fn, size, k, stride, which):
    if (size - k) % stride != 0:
        raise ValueError("%s: %s %d (padded) minus window %d = %d is not divisible by stride %d"
                         % (fn, which, size, k, size - k, stride))


def conv_forward_naive(x, w, b, conv_param):
    s, p = conv_param.get("stride", 1), conv_param.get("pad", 0)
    kh, kw = w.shape[2], w.shape[3]
    _fits("conv", x.shape[2] + 2 * p, kh, s, "height")
    _fits("conv", x.shape[3] + 2 * p, kw, s, "width")
    xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)], mode="constant", constant_values=0)
    cols = _windows(xp, kh, kw, s)
    out = (np.einsum("nchwij,fcij->nfhw", cols, w) + b[None, :, None, None]).astype(np.result_type(x, w))
    return out, {"x": x, "w": w, "stride": s, "pad": p}


def conv_backward_naive(dout, cache):
    x, w, s, p = cache["x"], cache["w"], cache["stride"], cache["pad"]
    F, C, kh, kw = w.shape
    N, _, Ho, Wo = dout.shape
    xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)], mode="constant")
    dw = np.einsum("nchwij,nfhw->fcij", _windows(xp, kh, kw, s), dout)
    db = np.einsum("nfhw->f", dout)
    # dx_pad is the full correlation of the stride-dilated dout with the flipped filters (channels swapped)
    dil = np.zeros((N, F, (Ho - 1) * s + 1, (Wo - 1) * s + 1), dtype=dout.dtype)
    dil[:, :, ::s, ::s] = dout
    dil = np.pad(dil, [(0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)], mode="constant")
    flipped = w[:, :, ::-1, ::-1]
    dxp = np.einsum("nfhwij,fcij->nchw", _windows(dil, kh, kw, 1), flipped)
    dx = dxp[:, :, p:p + x.shape[2], p:p + x.shape[3]]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    ph = pool_param.get("pool_height", 2)
    pw = pool_param.get("pool_width", 2)
    s = pool_param.get("stride", 2)
    _fits("max pool", x.shape[2], ph, s, "height")
    _fits("max pool", x.shape[3], pw, s, "width")
    out = _windows(x, ph, pw, s).max(axis=(4, 5))
    return out, {"x": x, "ph": ph, "pw": pw, "s": s}


def max_pool_backward_naive(dout, cache):
    x, ph, pw, s = cache["x"], cache["ph"], cache["pw"], cache["s"]
    N, C, Ho, Wo = dout.shape
    flat = _windows(x, ph, pw, s).reshape(N, C, Ho, Wo, ph * pw)
    a, e = np.unravel_index(flat.argmax(axis=-1), (ph, pw))   # argmax: the first max in row-major order
    n, c, i, j = np.indices((N, C, Ho, Wo))
    dx = np.zeros_like(x)
    np.add.at(dx, (n, c, i * s + a, j * s + e), dout)          # add.at: overlapping windows accumulate
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    flat = np.moveaxis(x, 1, -1).reshape(N * H * W, C)
    out, cache = layers.batchnorm_forward(flat, gamma, beta, bn_param)
    return np.moveaxis(out.reshape(N, H, W, C), -1, 1), {"bn": cache, "shape": x.shape}


def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = cache["shape"]
    flat = np.moveaxis(dout, 1, -1).reshape(-1, C)
    dflat, dgamma, dbeta = layers.batchnorm_backward(flat, cache["bn"])
    return np.moveaxis(dflat.reshape(N, H, W, C), -1, 1), dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    N, C, H, W = x.shape
    if C % G != 0:
        raise ValueError("group norm: C = %d channels cannot be split into G = %d groups" % (C, G))
    eps = gn_param.get("eps", 1e-5)
    xg = x.reshape(N, G, C // G, H, W)
    mu = xg.mean(axis=(2, 3, 4), keepdims=True)
    inv = 1.0 / np.sqrt(((xg - mu) ** 2).mean(axis=(2, 3, 4), keepdims=True) + eps)
    xn = ((xg - mu) * inv).reshape(N, C, H, W)
    return xn * gamma + beta, {"xn": xn, "inv": inv, "gamma": gamma, "G": G}


def spatial_groupnorm_backward(dout, cache):
    xn, inv, gamma, G = cache["xn"], cache["inv"], cache["gamma"], cache["G"]
    N, C, H, W = dout.shape
    dbeta = np.einsum("nchw->c", dout).reshape(1, C, 1, 1)
    dgamma = np.einsum("nchw,nchw->c", dout, xn).reshape(1, C, 1, 1)
    m = (C // G) * H * W
    dxn = (dout * gamma).reshape(N, G, C // G, H, W)
    xg = xn.reshape(N, G, C // G, H, W)
    s1 = np.einsum("ngchw->ng", dxn)[:, :, None, None, None]
    s2 = np.einsum("ngchw,ngchw->ng", dxn, xg)[:, :, None, None, None]
    dx = inv / m * (m * dxn - s1 - xg * s2)
    return dx.reshape(N, C, H, W), dgamma, dbeta
