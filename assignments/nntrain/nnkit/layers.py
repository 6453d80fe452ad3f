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
    ### BEGIN SOLUTION
    if mode not in ("train", "test"):
        raise ValueError(f"batchnorm_forward: bn_param['mode'] must be 'train' or 'test', got {mode!r}")
    if mode == "train":
        mean = x.mean(axis=0)
        xc = x - mean
        var = (xc ** 2).mean(axis=0)
        std = np.sqrt(var + eps)
        x_hat = xc / std
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        xc = x - running_mean
        std = np.sqrt(running_var + eps)
        x_hat = xc / std
    out = gamma * x_hat + beta
    cache = (x_hat, xc, std, gamma)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    x_hat, xc, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dxc = dx_hat / std                                # x_hat = xc * (1 / std)
    dstd = -(dx_hat * xc).sum(axis=0) / std ** 2
    dvar = 0.5 * dstd / std                           # std = sqrt(var + eps)
    dxc = dxc + 2.0 * xc * dvar / N                   # var = mean(xc ** 2)
    dmean = -dxc.sum(axis=0)                          # xc = x - mean
    dx = dxc + dmean / N                              # mean = mean(x)
    ### END SOLUTION
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Gradients of batchnorm_forward (train mode) in closed form:

        dx = gamma / (N * std) * (N * dout - sum_i dout - x_hat * sum_i (dout * x_hat)).

    Args and returns: as batchnorm_backward (the same cache).
    """
    ### BEGIN SOLUTION
    x_hat, _, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma / (N * std) * (N * dout - dbeta - x_hat * dgamma)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    mean = x.mean(axis=1, keepdims=True)
    xc = x - mean
    std = np.sqrt((xc ** 2).mean(axis=1, keepdims=True) + eps)
    x_hat = xc / std
    out = gamma * x_hat + beta
    cache = (x_hat, std, gamma)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    x_hat, std, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)
          - x_hat * (dx_hat * x_hat).mean(axis=1, keepdims=True)) / std
    ### END SOLUTION
    return dx, dgamma, dbeta
