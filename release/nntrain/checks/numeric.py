"""Numeric gradients by centered differences, and the relative error that compares gradients."""
import numpy as np


def rel_error(x, y):
    """Worst elementwise relative error max |x - y| / max(1e-8, |x| + |y|); 0.0 for two empty arrays.

    Args:
        x, y: arrays of the same shape (or scalars).

    Returns:
        float. Below ~1e-7 a float64 gradient is almost surely right; above ~1e-2 almost surely wrong.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"rel_error: shapes differ, {x.shape} vs {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def eval_numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function f at x by centered differences, (f(x + h) - f(x - h)) / 2h.

    Args:
        f: callable taking x (perturbed in place, then restored) and returning a float.
        x: float array of any shape; the point at which to differentiate.
        h: step.

    Returns:
        grad: float64, shaped like x.
    """
    return eval_numerical_gradient_array(lambda v: np.asarray(f(v), dtype=np.float64), x, np.array(1.0), h)


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Gradient of sum(f(x) * df) at x: the backward pass of an array-valued f with upstream gradient df.

    Args:
        f: callable taking x (perturbed in place, then restored) and returning an array shaped like df.
        x: float array of any shape.
        df: upstream gradient, shaped like f(x).
        h: step.

    Returns:
        grad: float64, shaped like x.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)  # a view: perturbing flat perturbs x
    if not np.shares_memory(flat, x):
        raise ValueError("eval_numerical_gradient_array: x must be a contiguous array")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        pos = np.array(f(x), dtype=np.float64)
        flat[i] = old - h
        neg = np.array(f(x), dtype=np.float64)
        flat[i] = old
        grad.reshape(-1)[i] = np.sum((pos - neg) * df) / (2 * h)
    return grad


def replayed_loss(model, seed=None):
    """model.loss, drawing the same dropout masks at every call (what a gradient check needs).

    The net's masks come from model.dropout_param["rng"]; the returned function restarts that generator from
    the state it has now before each call. With `seed`, a fresh np.random.default_rng(seed) replaces it first,
    so the masks do not depend on how the constructor drew the weights. A model without dropout_param (or
    without a generator there) gets its own loss back.
    """
    drop = getattr(model, "dropout_param", None)
    if not isinstance(drop, dict):
        return model.loss
    if seed is not None:
        drop["rng"] = np.random.default_rng(seed)
    rng = drop.get("rng")
    if not isinstance(rng, np.random.Generator):
        return model.loss
    state, loss = rng.bit_generator.state, model.loss

    def replayed(*args, **kwargs):
        rng.bit_generator.state = state
        return loss(*args, **kwargs)
    return replayed
