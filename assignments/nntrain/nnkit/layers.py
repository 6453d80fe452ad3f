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
    ### BEGIN SOLUTION
    out = x.reshape(N, D) @ w + b
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    x2 = x.reshape(x.shape[0], -1)  # (N, D)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x2.T @ dout
    db = dout.sum(axis=0)
    ### END SOLUTION
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, elementwise: out = max(0, x).

    Args:
        x: inputs of any shape.

    Returns:
        out: shaped like x.
        cache: x, for relu_backward.
    """
    ### BEGIN SOLUTION
    out = np.maximum(0, x)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    dx = dout * (x > 0)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    N = x.shape[0]
    correct = x[np.arange(N), y][:, None]  # (N, 1)
    margins = np.maximum(0, x - correct + 1.0)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N
    positive = (margins > 0).astype(x.dtype)
    positive[np.arange(N), y] = -positive.sum(axis=1)
    dx = positive / N
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)  # subtracting the row max keeps exp from overflowing
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].sum() / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    dx /= N
    ### END SOLUTION
    return loss, dx
