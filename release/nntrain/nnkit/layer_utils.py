"""Sandwich layers: common sequences of layers as one forward/backward pair (given, not graded)."""
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
