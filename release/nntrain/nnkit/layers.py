"""Forward/backward pairs of the layers and the loss functions.

Every forward returns (out, cache); every backward takes (dout, cache) and returns the gradient with
respect to each input, shaped like that input. Letters: N batch, D features, M outputs, C classes.
Outputs have the inputs' dtype (float64 in, float64 out). Do not modify the inputs in place (build new arrays):
an in-place change costs 25% of the item's points even when every output is right.
"""
import numpy as np


def affine_forward(x, w, b):
    """Affine (fully connected) layer: each example flattened to D features, times w, plus b.

    Args:
        x: (N, d1, ..., dk) inputs; each example is flattened to D = d1 * ... * dk features.
        w: (D, M) weights.
        b: (M,) biases.

    Returns:
        out: (N, M).
        cache: (x, w, b), for affine_backward.
    """
    N = x.shape[0]
    D = int(np.prod(x.shape[1:]))
    if w.ndim != 2 or w.shape[0] != D:
        raise ValueError(f"affine_forward: w is {w.shape} but x flattens to D={D}; expected ({D}, M)")
    if b.shape != (w.shape[1],):
        raise ValueError(f"affine_forward: b is {b.shape}; expected ({w.shape[1]},)")
    raise NotImplementedError("affine_forward: your code goes here (see the docstring); then run check('affine_forward')")
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Gradients of affine_forward.

    Args:
        dout: (N, M) upstream gradient.
        cache: (x, w, b) as saved by affine_forward.

    Returns:
        dx: shaped like x, (N, d1, ..., dk).
        dw: (D, M), where D = d1 * ... * dk.
        db: (M,).
    """
    x, w, b = cache
    raise NotImplementedError("affine_backward: your code goes here (see the docstring); then run check('affine_backward')")
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, elementwise: out = max(0, x).

    Args:
        x: inputs of any shape.

    Returns:
        out: shaped like x.
        cache: x, for relu_backward.
    """
    raise NotImplementedError("relu_forward: your code goes here (see the docstring); then run check('relu_forward')")
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Gradient of relu_forward.

    Args:
        dout: upstream gradient, shaped like x.
        cache: x as saved by relu_forward.

    Returns:
        dx: shaped like x; dout where x > 0, else 0 (also at x == 0 exactly).
    """
    x = cache
    raise NotImplementedError("relu_backward: your code goes here (see the docstring); then run check('relu_backward')")
    return dx


def _check_scores_labels(name, x, y):
    if x.ndim != 2:
        raise ValueError(f"{name}: x must be (N, C) scores, got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"{name}: y must be ({x.shape[0]},) labels for x {x.shape}, got shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= x.shape[1]):
        raise ValueError(f"{name}: labels must lie in [0, {x.shape[1] - 1}], got [{y.min()}, {y.max()}]")


def svm_loss(x, y):
    """Multiclass SVM (hinge) loss with margin 1, averaged over the batch.

    loss = (1/N) sum_i sum_{j != y_i} max(0, x[i, j] - x[i, y_i] + 1)

    Args:
        x: (N, C) class scores.
        y: (N,) integer labels in [0, C).

    Returns:
        loss: float.
        dx: (N, C) gradient of loss with respect to x.
    """
    _check_scores_labels("svm_loss", x, y)
    raise NotImplementedError("svm_loss: your code goes here (see the docstring); then run check('svm_loss')")
    return loss, dx


def softmax_loss(x, y):
    """Softmax cross-entropy loss, averaged over the batch; stable for scores of any size.

    loss = (1/N) sum_i -log(exp(x[i, y_i]) / sum_j exp(x[i, j]))

    Args:
        x: (N, C) class scores.
        y: (N,) integer labels in [0, C).

    Returns:
        loss: float.
        dx: (N, C) gradient of loss with respect to x.
    """
    _check_scores_labels("softmax_loss", x, y)
    raise NotImplementedError("softmax_loss: your code goes here (see the docstring); then run check('softmax_loss')")
    return loss, dx
