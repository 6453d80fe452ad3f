"""Second alternative conv layers: an explicit zero array for the padding, loops over kernel / window offsets
(a, b) with strided slices instead of loops over output positions, a first-max mask built offset by offset,
spatial batch norm and group norm computed directly (staged graphs), tuple caches."""
import numpy as np


def _out_size(fn, which, size, k, stride):
    q, r = divmod(size - k, stride)
    if r:
        raise ValueError(f"{fn}: {which} mismatch, {size} - {k} leaves remainder {r} for stride {stride}")
    return q + 1


def _padded(x, pad):
    N, C, H, W = x.shape
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + H, pad:pad + W] = x
    return xp


def conv_forward_naive(x, w, b, conv_param):
    stride = conv_param.get("stride", 1)
    pad = conv_param.get("pad", 0)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = _out_size("conv_forward_naive", "height", H + 2 * pad, HH, stride)
    Wo = _out_size("conv_forward_naive", "width", W + 2 * pad, WW, stride)
    xp = _padded(x, pad)
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w))
    for a in range(HH):
        for e in range(WW):
            # every output position's input pixel at kernel offset (a, e): (N, C, Ho, Wo)
            patch = xp[:, :, a:a + stride * (Ho - 1) + 1:stride, e:e + stride * (Wo - 1) + 1:stride]
            out += np.tensordot(patch, w[:, :, a, e], axes=([1], [1])).transpose(0, 3, 1, 2)
    out += b.reshape(1, F, 1, 1)
    return out, (x, w, b, stride, pad)


def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2], dout.shape[3]
    xp = _padded(x, pad)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for a in range(HH):
        for e in range(WW):
            rows = slice(a, a + stride * (Ho - 1) + 1, stride)
            cols = slice(e, e + stride * (Wo - 1) + 1, stride)
            dw[:, :, a, e] = np.tensordot(dout, xp[:, :, rows, cols], axes=([0, 2, 3], [0, 2, 3]))
            dxp[:, :, rows, cols] += np.tensordot(dout, w[:, :, a, e], axes=([1], [0])).transpose(0, 3, 1, 2)
    db = dout.sum(axis=3).sum(axis=2).sum(axis=0)
    return dxp[:, :, pad:pad + H, pad:pad + W].copy(), dw, db


def max_pool_forward_naive(x, pool_param):
    ph = pool_param.get("pool_height", 2)
    pw = pool_param.get("pool_width", 2)
    stride = pool_param.get("stride", 2)
    N, C, H, W = x.shape
    Ho = _out_size("max_pool_forward_naive", "height", H, ph, stride)
    Wo = _out_size("max_pool_forward_naive", "width", W, pw, stride)
    out = None
    for a in range(ph):
        for e in range(pw):
            v = x[:, :, a:a + stride * (Ho - 1) + 1:stride, e:e + stride * (Wo - 1) + 1:stride]
            out = v.copy() if out is None else np.maximum(out, v)
    return out, (x, ph, pw, stride)


def max_pool_backward_naive(dout, cache):
    x, ph, pw, stride = cache
    Ho, Wo = dout.shape[2], dout.shape[3]
    out, _ = max_pool_forward_naive(x, {"pool_height": ph, "pool_width": pw, "stride": stride})
    dx = np.zeros_like(x)
    taken = np.zeros(out.shape, dtype=bool)   # has the window's gradient gone to an earlier offset already?
    for a in range(ph):                        # offsets in row-major order: the first max wins a tie
        for e in range(pw):
            rows = slice(a, a + stride * (Ho - 1) + 1, stride)
            cols = slice(e, e + stride * (Wo - 1) + 1, stride)
            hit = (x[:, :, rows, cols] == out) & ~taken
            taken |= hit
            dx[:, :, rows, cols] += np.where(hit, dout, 0)
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param.get("mode", "train")
    if mode not in ("train", "test"):
        raise ValueError(f"spatial_batchnorm_forward: unknown mode {mode!r}")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    C = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(C, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(C, dtype=x.dtype))
    g, bt = gamma.reshape(1, C, 1, 1), beta.reshape(1, C, 1, 1)
    if mode == "test":
        out = g * (x - running_mean.reshape(1, C, 1, 1)) / np.sqrt(running_var.reshape(1, C, 1, 1) + eps) + bt
        bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
        return out, None
    m = x.shape[0] * x.shape[2] * x.shape[3]
    mu = x.sum(axis=(0, 2, 3)) / m
    xmu = x - mu.reshape(1, C, 1, 1)
    var = (xmu * xmu).sum(axis=(0, 2, 3)) / m
    sqrtvar = np.sqrt(var + eps)
    xhat = xmu / sqrtvar.reshape(1, C, 1, 1)
    bn_param["running_mean"] = momentum * running_mean + (1.0 - momentum) * mu
    bn_param["running_var"] = momentum * running_var + (1.0 - momentum) * var
    return g * xhat + bt, (xhat, xmu, sqrtvar, gamma)


def spatial_batchnorm_backward(dout, cache):
    xhat, xmu, sqrtvar, gamma = cache
    C = dout.shape[1]
    m = dout.shape[0] * dout.shape[2] * dout.shape[3]
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * xhat).sum(axis=(0, 2, 3))
    dxhat = dout * gamma.reshape(1, C, 1, 1)
    sv = sqrtvar.reshape(1, C, 1, 1)
    dvar = (-0.5 * (dxhat * xmu).sum(axis=(0, 2, 3)) / sqrtvar ** 3).reshape(1, C, 1, 1)
    dxmu = dxhat / sv + 2.0 * xmu * dvar / m
    dmu = -dxmu.sum(axis=(0, 2, 3), keepdims=True)
    return dxmu + dmu / m, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    N, C, H, W = x.shape
    if C % G:
        raise ValueError(f"spatial_groupnorm_forward: C={C} is not a multiple of G={G}")
    eps = gn_param.get("eps", 1e-5)
    k = C // G
    xhat = np.empty_like(x)
    stats = []
    for grp in range(G):                                 # group grp: channels grp*k .. grp*k + k - 1
        part = x[:, grp * k:(grp + 1) * k]
        mu = part.mean(axis=(1, 2, 3), keepdims=True)    # one mean per example
        xmu = part - mu
        sqrtvar = np.sqrt((xmu ** 2).mean(axis=(1, 2, 3), keepdims=True) + eps)
        xhat[:, grp * k:(grp + 1) * k] = xmu / sqrtvar
        stats.append((xmu, sqrtvar))
    return gamma * xhat + beta, (xhat, stats, gamma, k)


def spatial_groupnorm_backward(dout, cache):
    xhat, stats, gamma, k = cache
    dbeta = dout.sum(axis=(0, 2, 3)).reshape(gamma.shape)
    dgamma = (dout * xhat).sum(axis=(0, 2, 3)).reshape(gamma.shape)
    dxhat = dout * gamma
    dx = np.empty_like(dout)
    for grp, (xmu, sqrtvar) in enumerate(stats):
        sl = slice(grp * k, (grp + 1) * k)
        d = dxhat[:, sl]
        m = d[0].size
        dvar = -0.5 * (d * xmu).sum(axis=(1, 2, 3), keepdims=True) / sqrtvar ** 3
        dxmu = d / sqrtvar + 2.0 * xmu * dvar / m
        dx[:, sl] = dxmu - dxmu.sum(axis=(1, 2, 3), keepdims=True) / m
    return dx, dgamma, dbeta
