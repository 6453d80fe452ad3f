import numpy as np


def sgd(w, dw, config=None):
    config = dict(config or {})
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def sgd_momentum(w, dw, config=None):
    config = config if config is not None else {}
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    config["velocity"] = mu * config.get("velocity", 0.0 * w) - lr * dw
    return w + config["velocity"], config


def nesterov_momentum(w, dw, config=None):
    config = config if config is not None else {}
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    old = config.get("velocity", 0.0 * w)
    new = mu * old - lr * dw
    config["velocity"] = new
    return w + new + mu * (new - old), config  # the same update, regrouped


def adagrad(w, dw, config=None):
    config = config if config is not None else {}
    lr, eps = config.setdefault("learning_rate", 1e-2), config.setdefault("epsilon", 1e-8)
    config["cache"] = config.get("cache", 0.0 * w) + dw * dw
    return w - lr * dw / (config["cache"] ** 0.5 + eps), config


def rmsprop(w, dw, config=None):
    config = config if config is not None else {}
    lr, rho = config.setdefault("learning_rate", 1e-2), config.setdefault("decay_rate", 0.99)
    eps = config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", 0.0 * w)
    config["cache"] = cache + (1 - rho) * (dw * dw - cache)
    return w - lr * dw / (np.sqrt(config["cache"]) + eps), config


def adam(w, dw, config=None):
    config = config if config is not None else {}
    lr = config.setdefault("learning_rate", 1e-3)
    b1, b2 = config.setdefault("beta1", 0.9), config.setdefault("beta2", 0.999)
    eps = config.setdefault("epsilon", 1e-8)
    t = config.get("t", 0) + 1
    m = config.get("m", 0.0 * w) * b1 + (1 - b1) * dw
    v = config.get("v", 0.0 * w) * b2 + (1 - b2) * dw ** 2
    alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)  # the "efficient" form of the bias correction
    step = alpha * m / (np.sqrt(v) + eps * np.sqrt(1 - b2 ** t))
    config.update(m=m, v=v, t=t)
    return w - step, config


def polyak_update(w_avg, w, decay=0.99):
    return w_avg + (1 - decay) * (w - w_avg)
