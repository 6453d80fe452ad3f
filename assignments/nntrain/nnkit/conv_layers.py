"""Convolutional layers, written plainly (the ConvolutionalNetworks notebook): convolution and max pooling
with loops over output positions, spatial batch norm and spatial group norm.

fast_layers.py holds fast versions of the convolution and pooling (given); these are the ones you write and
the ones the grader checks.
"""
import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    """A convolutional layer (cross-correlation, as every deep-learning library computes it: no kernel flip).

        out[n, f, i, j] = b[f] + sum over c, a, e of  x_pad[n, c, i * stride + a, j * stride + e] · w[f, c, a, e]

    where x_pad is x with `pad` zeros added on BOTH sides of the height and width axes (never the batch or
    channel axes). Output size: H' = 1 + (H + 2 pad - HH) / stride, W' = 1 + (W + 2 pad - WW) / stride.

    Args:
        x: (N, C, H, W) inputs.
        w: (F, C, HH, WW) filters.
        b: (F,) biases.
        conv_param: dict with "stride" (default 1) and "pad" (default 0), ints.

    Returns:
        out: (N, F, H', W').
        cache: what conv_backward_naive needs.

    Raises:
        ValueError when H + 2 pad - HH (or the same for the width) is not a multiple of the stride; the message
        says which ("height" or "width") and the numbers.
    """
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    ### BEGIN SOLUTION
    for which, size, k in (("height", H, HH), ("width", W, WW)):
        if (size + 2 * pad - k) % stride:
            raise ValueError(f"conv_forward_naive: the {which} does not fit: {which} {size} + 2 * pad {pad} - filter "
                             f"{k} = {size + 2 * pad - k} is not a multiple of stride {stride}")
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    w_rows = w.reshape(F, -1)
    out = np.empty((N, F, H_out, W_out), dtype=np.result_type(x, w))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = window.reshape(N, -1) @ w_rows.T + b
    cache = (x_pad, w, conv_param)
    ### END SOLUTION
    return out, cache


def conv_backward_naive(dout, cache):
    """Gradients of conv_forward_naive.

    Args:
        dout: (N, F, H', W') upstream gradient.
        cache: from conv_forward_naive.

    Returns:
        dx: (N, C, H, W) (the gradient of the padded border is not part of x).
        dw: (F, C, HH, WW).
        db: (F,), summed over the batch and every output position.
    """
    ### BEGIN SOLUTION
    x_pad, w, conv_param = cache
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    N, F, H_out, W_out = dout.shape
    _, _, HH, WW = w.shape
    w_rows = w.reshape(F, -1)
    dx_pad = np.zeros_like(x_pad)
    dw_rows = np.zeros_like(w_rows)
    for i in range(H_out):
        for j in range(W_out):
            rows, cols = slice(i * stride, i * stride + HH), slice(j * stride, j * stride + WW)
            window = x_pad[:, :, rows, cols]
            d = dout[:, :, i, j]                                      # (N, F)
            dw_rows += d.T @ window.reshape(N, -1)
            dx_pad[:, :, rows, cols] += (d @ w_rows).reshape(window.shape)
    H_pad, W_pad = x_pad.shape[2:]
    dx = dx_pad[:, :, pad:H_pad - pad, pad:W_pad - pad]
    dw = dw_rows.reshape(w.shape)
    db = dout.sum(axis=(0, 2, 3))
    ### END SOLUTION
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max pooling: the largest value of each pool_height x pool_width window, windows `stride` apart.

    Output size: H' = 1 + (H - pool_height) / stride, W' = 1 + (W - pool_width) / stride (no padding).

    Args:
        x: (N, C, H, W) inputs.
        pool_param: dict with "pool_height", "pool_width" and "stride" (defaults 2, 2, 2).

    Returns:
        out: (N, C, H', W').
        cache: what max_pool_backward_naive needs.

    Raises:
        ValueError when H - pool_height (or W - pool_width) is not a multiple of the stride, naming which.
    """
    ph, pw = pool_param.get("pool_height", 2), pool_param.get("pool_width", 2)
    stride = pool_param.get("stride", 2)
    N, C, H, W = x.shape
    ### BEGIN SOLUTION
    for which, size, k in (("height", H, ph), ("width", W, pw)):
        if (size - k) % stride:
            raise ValueError(f"max_pool_forward_naive: the {which} does not fit: {which} {size} - pool {k} = "
                             f"{size - k} is not a multiple of stride {stride}")
    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw].max(axis=(2, 3))
    cache = (x, pool_param)
    ### END SOLUTION
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Gradient of max_pool_forward_naive.

    Each window's upstream gradient goes to ONE input: the window's maximum. On a tie, it goes to the first
    maximum in row-major order of the window (what np.argmax over the flattened window picks), never to
    several. When windows overlap (stride < pool size), an input that is the maximum of several windows
    receives the sum of their gradients.

    Args:
        dout: (N, C, H', W') upstream gradient.
        cache: from max_pool_forward_naive.

    Returns:
        dx: (N, C, H, W).
    """
    ### BEGIN SOLUTION
    x, pool_param = cache
    ph, pw = pool_param.get("pool_height", 2), pool_param.get("pool_width", 2)
    stride = pool_param.get("stride", 2)
    N, C, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            rows, cols = slice(i * stride, i * stride + ph), slice(j * stride, j * stride + pw)
            window = x[:, :, rows, cols].reshape(N, C, ph * pw)
            first_max = np.eye(ph * pw, dtype=x.dtype)[window.argmax(axis=2)]   # (N, C, ph * pw), one-hot
            dx[:, :, rows, cols] += (first_max * dout[:, :, i, j, None]).reshape(N, C, ph, pw)
    ### END SOLUTION
    return dx


def _channels_last(x):
    """(N, C, H, W) -> (N * H * W, C): one row per pixel, one column per channel."""
    return x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])


def _channels_first(rows, shape):
    """Inverse of _channels_last: (N * H * W, C) -> (N, C, H, W) for shape (N, C, H, W)."""
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm for images: each CHANNEL is normalized over the batch and all its pixels (N · H · W values),
    with one gamma and beta per channel. Reuse batchnorm_forward (layers.py) on the (N · H · W, C) matrix that
    _channels_last gives; train/test modes and the running statistics in bn_param are batchnorm_forward's.

    Args:
        x: (N, C, H, W).
        gamma, beta: (C,).
        bn_param: as for batchnorm_forward (mode, eps, momentum, running_mean and running_var of shape (C,)).

    Returns:
        out: (N, C, H, W).
        cache: what spatial_batchnorm_backward needs.
    """
    from .layers import batchnorm_forward  # here, so a broken layers.py costs only the norm layers
    ### BEGIN SOLUTION
    rows, cache = batchnorm_forward(_channels_last(x), gamma, beta, bn_param)
    out = _channels_first(rows, x.shape)
    cache = (cache, x.shape)
    ### END SOLUTION
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Gradients of spatial_batchnorm_forward (train mode); reuse batchnorm_backward_alt (or batchnorm_backward).

    Args:
        dout: (N, C, H, W) upstream gradient.
        cache: from spatial_batchnorm_forward.

    Returns:
        dx: (N, C, H, W).
        dgamma, dbeta: (C,).
    """
    from .layers import batchnorm_backward_alt
    ### BEGIN SOLUTION
    bn_cache, shape = cache
    drows, dgamma, dbeta = batchnorm_backward_alt(_channels_last(dout), bn_cache)
    dx = _channels_first(drows, shape)
    ### END SOLUTION
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Group normalization: the C channels are split into G groups of C / G CONTIGUOUS channels (channels
    0..C/G-1 form group 0, and so on); each example's group is normalized over its channels and pixels
    (C / G · H · W values), with the biased variance:
        x_hat = (x - mean) / sqrt(var + eps),   out = gamma · x_hat + beta   (gamma, beta per channel).
    No running statistics: train and test mode are the same.

    Args:
        x: (N, C, H, W).
        gamma, beta: (1, C, 1, 1).
        G: number of groups; C must be a multiple of G (else ValueError naming both).
        gn_param: dict; eps (default 1e-5). A "mode" entry may be present and changes nothing.

    Returns:
        out: (N, C, H, W).
        cache: what spatial_groupnorm_backward needs.
    """
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    if C % G:
        raise ValueError(f"spatial_groupnorm_forward: C = {C} channels do not split into G = {G} groups")
    ### BEGIN SOLUTION
    groups = x.reshape(N, G, -1)                        # contiguous channels: (N, G, C / G · H · W)
    mean = groups.mean(axis=2, keepdims=True)
    std = np.sqrt(groups.var(axis=2, keepdims=True) + eps)
    x_hat = ((groups - mean) / std).reshape(x.shape)
    out = gamma * x_hat + beta
    cache = (x_hat, std, gamma, G)
    ### END SOLUTION
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Gradients of spatial_groupnorm_forward.

    Args:
        dout: (N, C, H, W) upstream gradient.
        cache: from spatial_groupnorm_forward.

    Returns:
        dx: (N, C, H, W).
        dgamma, dbeta: (1, C, 1, 1).
    """
    ### BEGIN SOLUTION
    x_hat, std, gamma, G = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=(0, 2, 3), keepdims=True)
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3), keepdims=True)
    dx_hat = (dout * gamma).reshape(N, G, -1)
    g_hat = x_hat.reshape(N, G, -1)
    dx = (dx_hat - dx_hat.mean(axis=2, keepdims=True)
          - g_hat * (dx_hat * g_hat).mean(axis=2, keepdims=True)) / std
    dx = dx.reshape(dout.shape)
    ### END SOLUTION
    return dx, dgamma, dbeta
