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


def _norm_eps(param):
    eps = param.get("eps", 1e-5)
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    return eps


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization: normalize each feature over the batch, then scale by gamma and shift by beta.

    Train mode uses the batch's mean and biased variance (divide by N),
        x_hat = (x - mean) / sqrt(var + eps),   out = gamma · x_hat + beta,
    and updates the running statistics in bn_param:
        running_mean <- momentum · running_mean + (1 - momentum) · mean   (the same for running_var).
    Test mode uses running_mean and running_var only (nothing about the batch), and changes nothing.

    Args:
        x: (N, D) inputs.
        gamma: (D,) scale.
        beta: (D,) shift.
        bn_param: dict, read and written:
            mode: "train" or "test" (anything else: ValueError naming it);
            eps: added to the variance inside the square root (default 1e-5);
            momentum: of the running averages (default 0.9);
            running_mean, running_var: (D,) arrays; zeros of x's dtype when absent. After the call
                bn_param holds the updated ones (train) or the ones it used (test).

    Returns:
        out: (N, D).
        cache: what batchnorm_backward and batchnorm_backward_alt need (train mode).
    """
    mode = bn_param.get("mode", "train")
    eps = _norm_eps(bn_param)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    raise NotImplementedError("batchnorm_forward: your code goes here (see the docstring); then run check('batchnorm_forward')")
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Gradients of batchnorm_forward (train mode), node by node through its computation graph.

    Args:
        dout: (N, D) upstream gradient.
        cache: from batchnorm_forward.

    Returns:
        dx: (N, D).
        dgamma: (D,).
        dbeta: (D,).
    """
    raise NotImplementedError("batchnorm_backward: your code goes here (see the docstring); then run check('batchnorm_backward')")
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Gradients of batchnorm_forward (train mode) in closed form:

        dx = gamma / (N * std) * (N * dout - sum_i dout - x_hat * sum_i (dout * x_hat)).

    Args and returns: as batchnorm_backward (the same cache).
    """
    raise NotImplementedError("batchnorm_backward_alt: your code goes here (see the docstring); then run check('batchnorm_backward_alt')")
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization: normalize each example over its D features, then scale and shift per feature.

    The same in train and test mode (no running statistics): x_hat = (x - mean_i) / sqrt(var_i + eps) with
    the mean and biased variance of example i's features, out = gamma · x_hat + beta.

    Args:
        x: (N, D) inputs.
        gamma: (D,) scale.
        beta: (D,) shift.
        ln_param: dict; eps (default 1e-5). A "mode" entry may be present and changes nothing.

    Returns:
        out: (N, D).
        cache: what layernorm_backward needs.
    """
    eps = _norm_eps(ln_param)
    raise NotImplementedError("layernorm_forward: your code goes here (see the docstring); then run check('layernorm_forward')")
    return out, cache


def layernorm_backward(dout, cache):
    """Gradients of layernorm_forward.

    Args:
        dout: (N, D) upstream gradient.
        cache: from layernorm_forward.

    Returns:
        dx: (N, D).
        dgamma: (D,).
        dbeta: (D,).
    """
    raise NotImplementedError("layernorm_backward: your code goes here (see the docstring); then run check('layernorm_backward')")
    return dx, dgamma, dbeta
