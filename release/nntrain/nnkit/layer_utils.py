"""Sandwich layers: common sequences of layers as one forward/backward pair, and the stages of a ConvNet
(given, not graded)."""
from .layers import affine_backward, affine_forward, relu_backward, relu_forward


def affine_relu_forward(x, w, b):
    """Affine layer followed by a ReLU.

    Args:
        x: (N, d1, ..., dk) inputs.
        w: (D, M) weights.
        b: (M,) biases.

    Returns:
        out: (N, M) ReLU output.
        cache: (affine cache, relu cache), for affine_relu_backward.
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    """Gradients of affine_relu_forward.

    Args:
        dout: (N, M) upstream gradient.
        cache: as saved by affine_relu_forward.

    Returns:
        dx: shaped like x; dw: (D, M); db: (M,).
    """
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, fc_cache)


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """Convolution (the fast layer), ReLU, then max pooling (the fast layer).

    Args:
        x: (N, C, H, W) inputs; w: (F, C, HH, WW) filters; b: (F,) biases.
        conv_param: {"stride", "pad"}; pool_param: {"pool_height", "pool_width", "stride"}.

    Returns:
        out: (N, F, H'', W'') pooled activations.
        cache: (conv cache, relu cache, pool cache), for conv_relu_pool_backward.
    """
    from .fast_layers import conv_forward_fast, max_pool_forward_fast  # given, imported when a CNN first runs
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_fast(s, pool_param)
    return out, (conv_cache, relu_cache, pool_cache)


def conv_relu_pool_backward(dout, cache):
    """Gradients of conv_relu_pool_forward.

    Args:
        dout: (N, F, H'', W'') upstream gradient.
        cache: as saved by conv_relu_pool_forward.

    Returns:
        dx: (N, C, H, W); dw: (F, C, HH, WW); db: (F,).
    """
    from .fast_layers import conv_backward_fast, max_pool_backward_fast
    conv_cache, relu_cache, pool_cache = cache
    ds = max_pool_backward_fast(dout, pool_cache)
    da = relu_backward(ds, relu_cache)
    return conv_backward_fast(da, conv_cache)


STAGE_KINDS = ("conv", "hidden", "output")  # conv - ReLU - 2x2 pool | affine - ReLU | affine
POOL_2X2 = {"pool_height": 2, "pool_width": 2, "stride": 2}


def stage_forward(kind, x, w, b):
    """One stage of a ConvNet (nnkit.convnet): the sandwich named by kind.

    Args:
        kind: "conv": convolution (stride 1, size-preserving padding (k - 1) / 2 for w (F, C, k, k), k odd) -
            ReLU - 2x2 max pool (stride 2), x (N, C, H, W) -> (N, F, H/2, W/2);
            "hidden": affine - ReLU, x (N, d1, ..., dk) -> (N, M) for w (D, M);
            "output": affine, x -> (N, M) scores.
        x, w, b: the stage's input, weights and biases.

    Returns:
        out, cache (for stage_backward).
    """
    if kind == "conv":
        return conv_relu_pool_forward(x, w, b, {"stride": 1, "pad": (w.shape[2] - 1) // 2}, POOL_2X2)
    if kind == "hidden":
        return affine_relu_forward(x, w, b)
    if kind == "output":
        return affine_forward(x, w, b)
    raise ValueError(f"stage_forward: unknown kind {kind!r}; expected one of {STAGE_KINDS}")


def stage_backward(kind, dout, cache):
    """Gradients of stage_forward(kind, ...): (dx shaped like x, dw, db)."""
    if kind == "conv":
        return conv_relu_pool_backward(dout, cache)
    if kind == "hidden":
        return affine_relu_backward(dout, cache)
    if kind == "output":
        return affine_backward(dout, cache)
    raise ValueError(f"stage_backward: unknown kind {kind!r}; expected one of {STAGE_KINDS}")
