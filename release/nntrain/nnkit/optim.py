"""First-order update rules.

Every rule has the signature rule(w, dw, config=None) -> (next_w, config):
    w: array of any shape, the current weights.
    dw: shaped like w, the gradient of the loss with respect to w.
    config: dict of hyperparameters and of the rule's state (velocity, caches, moments, step count).
        Missing entries get defaults; state starts at zero. The Solver passes the returned config back in at
        the next step, so all state must live in it.
    next_w: shaped like w and of its dtype (float64 in, float64 out), the updated weights.
Do not modify w or dw in place (build new arrays): an in-place change costs 25% of the item's points even
when every output is right. The rule may update the arrays in config in place: they are its own state.
Rules that divide by a root mean square add epsilon outside the square root: dw / (sqrt(cache) + epsilon),
so a coordinate whose gradient has always been 0 gets a step of 0, not 0/0.
"""
import numpy as np


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent: w - learning_rate * dw.

    config: learning_rate (default 1e-2).
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """SGD with momentum: v = momentum * v - learning_rate * dw; w + v.

    config: learning_rate (1e-2), momentum (0.9), velocity (shaped like w; starts at zero).
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    raise NotImplementedError("sgd_momentum: your code goes here (see the docstring); then run check('sgd_momentum')")
    config["velocity"] = v
    return next_w, config


def nesterov_momentum(w, dw, config=None):
    """Nesterov momentum in the look-ahead form that needs only the gradient at w.

    v_prev = v; v = momentum * v - learning_rate * dw; w - momentum * v_prev + (1 + momentum) * v.

    config: learning_rate (1e-2), momentum (0.9), velocity (shaped like w; starts at zero).
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    raise NotImplementedError("nesterov_momentum: your code goes here (see the docstring); then run check('nesterov_momentum')")
    config["velocity"] = v
    return next_w, config


def adagrad(w, dw, config=None):
    """AdaGrad: cache += dw**2; w - learning_rate * dw / (sqrt(cache) + epsilon), epsilon outside the root.

    config: learning_rate (1e-2), epsilon (1e-8), cache (shaped like w; starts at zero).
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w))
    raise NotImplementedError("adagrad: your code goes here (see the docstring); then run check('adagrad')")
    config["cache"] = cache
    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSProp: a leaky AdaGrad cache.

    cache = decay_rate * cache + (1 - decay_rate) * dw**2; w - learning_rate * dw / (sqrt(cache) + epsilon),
    epsilon outside the square root.

    config: learning_rate (1e-2), decay_rate (0.99), epsilon (1e-8), cache (shaped like w; starts at zero).
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w))
    raise NotImplementedError("rmsprop: your code goes here (see the docstring); then run check('rmsprop')")
    config["cache"] = cache
    return next_w, config


def adam(w, dw, config=None):
    """Adam: momentum (first moment m) plus RMSProp (second moment v), both bias-corrected.

    t += 1; m = beta1 * m + (1 - beta1) * dw; v = beta2 * v + (1 - beta2) * dw**2;
    m_hat = m / (1 - beta1**t); v_hat = v / (1 - beta2**t); w - learning_rate * m_hat / (sqrt(v_hat) + epsilon),
    epsilon added to sqrt(v_hat) (not inside the root, and not the paper's rescaled "epsilon hat").

    config: learning_rate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8),
        m and v (shaped like w; start at zero), t (int, steps taken so far; starts at 0).
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    t = config.get("t", 0)
    raise NotImplementedError("adam: your code goes here (see the docstring); then run check('adam')")
    config.update(m=m, v=v, t=t)
    return next_w, config


def polyak_update(w_avg, w, decay=0.99):
    """Polyak averaging: one step of the exponential moving average of the weights along training.

        w_avg_next = decay · w_avg + (1 - decay) · w

    Not an update rule: the Solver (polyak_decay=...) calls it after every step, for every parameter, and
    evaluates the averaged weights at test time; training itself goes on with w.

    Args:
        w_avg: the running average so far (any shape; the Solver starts it at the initial weights).
        w: the weights after this step, shaped like w_avg.
        decay: in [0, 1); the weight of the old average.

    Returns:
        w_avg_next: shaped like w_avg, of its dtype; a new array (do not modify w_avg or w in place).
    """
    if not 0 <= decay < 1:
        raise ValueError(f"polyak_update: decay must be in [0, 1), got {decay!r}")
    raise NotImplementedError("polyak_update: your code goes here (see the docstring); then run check('polyak_update')")
    return w_avg_next
