import numpy as np


def _state(config, key, like):
    if key not in config:
        config[key] = np.zeros_like(like)
    return config[key]


def sgd(w, dw, config=None):
    config = config if config is not None else {}
    lr = config.setdefault("learning_rate", 1e-2)
    return w - lr * dw, config


def sgd_momentum(w, dw, config=None):
    config = config if config is not None else {}
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    v = _state(config, "velocity", w)
    v *= mu          # the rule's own state, updated in place
    v -= lr * dw
    return w + v, config


def nesterov_momentum(w, dw, config=None):
    config = config if config is not None else {}
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    v = _state(config, "velocity", w)
    old = v.copy()
    v *= mu
    v -= lr * dw
    return w + v + mu * (v - old), config


def adagrad(w, dw, config=None):
    config = config if config is not None else {}
    lr, eps = config.setdefault("learning_rate", 1e-2), config.setdefault("epsilon", 1e-8)
    cache = _state(config, "cache", w)
    cache += dw * dw
    return w - lr * dw / (np.sqrt(cache) + eps), config


def rmsprop(w, dw, config=None):
    config = config if config is not None else {}
    lr, eps = config.setdefault("learning_rate", 1e-2), config.setdefault("epsilon", 1e-8)
    rho = config.setdefault("decay_rate", 0.99)
    cache = _state(config, "cache", w)
    cache *= rho
    cache += (1 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(cache) + eps), config


def adam(w, dw, config=None):
    config = config if config is not None else {}
    lr, eps = config.setdefault("learning_rate", 1e-3), config.setdefault("epsilon", 1e-8)
    b1, b2 = config.setdefault("beta1", 0.9), config.setdefault("beta2", 0.999)
    m, v = _state(config, "m", w), _state(config, "v", w)
    config["t"] = config.get("t", 0) + 1
    t = config["t"]
    m *= b1
    m += (1 - b1) * dw
    v *= b2
    v += (1 - b2) * dw ** 2
    step = lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w - step, config


def polyak_update(w_avg, w, decay=0.99):
    out = np.multiply(w_avg, decay)
    out += (1 - decay) * w
    return out
