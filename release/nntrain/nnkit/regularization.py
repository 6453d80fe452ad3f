"""Regularizers: dropout, DropConnect and the L1 penalty (the Dropout notebook).

Training adds randomness, testing averages it out. Dropout and DropConnect draw a random mask in train mode;
with inverted scaling (kept entries divided by the keep probability p) the expected output in train mode
equals the test-mode output, so test mode is the plain deterministic layer.

Masks are drawn from the generator the caller passes, so a run is reproducible and the grader can replay it:
    param["rng"]: a np.random.Generator (the net passes its own), or, when absent,
    np.random.default_rng(param.get("seed")) — a fixed seed gives the same mask at every call.
The draw is exactly `rng.random(shape) < p` (True = keep), one call per forward pass; draw nothing in test mode.
Outputs have the inputs' dtype. Do not modify the inputs in place.
"""
import numpy as np

MODES = ("train", "test")


def _mask_setup(name, param):
    """(mode, p, rng) from a dropout_param / dc_param dict, with clear errors for bad entries."""
    mode = param.get("mode", "train")
    if mode not in MODES:
        raise ValueError(f"{name}: mode must be 'train' or 'test', got {mode!r}")
    p = param.get("p", 0.5)
    if not 0 < p <= 1:
        raise ValueError(f"{name}: p is the keep probability and must be in (0, 1], got {p!r}")
    rng = param.get("rng")
    if rng is None:
        rng = np.random.default_rng(param.get("seed"))
    return mode, p, rng


def dropout_forward(x, dropout_param):
    """Inverted dropout: in train mode keep each activation with probability p and divide the kept ones by p.

    Train:  mask = (rng.random(x.shape) < p) / p,   out = x · mask   (so E[out] = x).
    Test:   out = x (no mask, no scaling, no draw).

    Args:
        x: (N, ...) activations, any shape.
        dropout_param: dict with
            p: the KEEP probability in (0, 1] (default 0.5);
            mode: "train" or "test" (default "train");
            rng: a np.random.Generator to draw the mask from, or seed: an int for
                np.random.default_rng(seed) when rng is absent (see the module docstring).

    Returns:
        out: shaped like x, of x's dtype.
        cache: (dropout_param, mask); mask is None in test mode.
    """
    mode, p, rng = _mask_setup("dropout_forward", dropout_param)
    mask = None
    raise NotImplementedError("dropout_forward: your code goes here (see the docstring); then run check('dropout_forward')")
    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """Gradient of dropout_forward: the same mask (from the cache) in train mode, the identity in test mode.

    Args:
        dout: upstream gradient, shaped like x.
        cache: (dropout_param, mask) from dropout_forward.

    Returns:
        dx: shaped like dout.
    """
    dropout_param, mask = cache
    raise NotImplementedError("dropout_backward: your code goes here (see the docstring); then run check('dropout_backward')")
    return dx


def dropconnect_forward(x, w, b, dc_param):
    """DropConnect affine layer: drop WEIGHTS instead of activations, with inverted scaling.

    Train:  mask = (rng.random(w.shape) < p) / p,   out = x_flat @ (w · mask) + b.
    Test:   out = x_flat @ w + b (the expected train-time layer; no draw).
    x_flat is x reshaped to (N, D) as in affine_forward.

    Args:
        x: (N, d1, ..., dk) inputs, D = d1 * ... * dk.
        w: (D, M) weights.
        b: (M,) biases (never dropped).
        dc_param: dict with p (keep probability of each weight, default 0.5), mode, rng or seed, as for
            dropout_forward.

    Returns:
        out: (N, M).
        cache: (x, w, b, mask), mask None in test mode.
    """
    mode, p, rng = _mask_setup("dropconnect_forward", dc_param)
    N = x.shape[0]
    D = int(np.prod(x.shape[1:]))
    if w.ndim != 2 or w.shape[0] != D:
        raise ValueError(f"dropconnect_forward: w is {w.shape} but x flattens to D={D}; expected ({D}, M)")
    mask = None
    raise NotImplementedError("dropconnect_forward: your code goes here (see the docstring); then run check('dropconnect_forward')")
    cache = (x, w, b, mask)
    return out, cache


def dropconnect_backward(dout, cache):
    """Gradients of dropconnect_forward, through the weights that were used (w · mask in train mode).

    Args:
        dout: (N, M) upstream gradient.
        cache: (x, w, b, mask) from dropconnect_forward.

    Returns:
        dx: shaped like x.
        dw: (D, M); zero where the mask dropped a weight, scaled by 1/p where it kept one.
        db: (M,).
    """
    x, w, b, mask = cache
    raise NotImplementedError("dropconnect_backward: your code goes here (see the docstring); then run check('dropconnect_backward')")
    return dx, dw, db


def l1_penalty(w, reg):
    """L1 penalty of one weight array and its (sub)gradient.

        loss = reg · sum(|w|),   dw = reg · sign(w)   (0 where w == 0).

    With the net's L2 term 0.5 · reg2 · sum(w**2) beside it, the sum is the elastic-net penalty.

    Args:
        w: array of any shape.
        reg: the L1 strength (a float >= 0).

    Returns:
        loss: float.
        dw: shaped like w, of its dtype.
    """
    raise NotImplementedError("l1_penalty: your code goes here (see the docstring); then run check('l1_penalty')")
    return loss, dw
