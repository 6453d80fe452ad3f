import numpy as np

from . import conv_layers, layers

def _forward(kind, h, W, b):
    """One stage with this package's own (naive) layers; returns (out, backward function)."""
    if kind == "conv":
        a, c1 = conv_layers.conv_forward_naive(h, W, b, {"stride": 1, "pad": W.shape[2] // 2})
        r, c2 = layers.relu_forward(a)
        out, c3 = conv_layers.max_pool_forward_naive(r, {"pool_height": 2, "pool_width": 2, "stride": 2})
        return out, lambda d: conv_layers.conv_backward_naive(
            layers.relu_backward(conv_layers.max_pool_backward_naive(d, c3), c2), c1)
    a, c1 = layers.affine_forward(h, W, b)
    if kind == "output":
        return a, lambda d: layers.affine_backward(d, c1)
    out, c2 = layers.relu_forward(a)
    return out, lambda d: layers.affine_backward(layers.relu_backward(d, c2), c1)


def _index(model, layer):
    names = [n for n, _ in model.layers]
    if layer not in names:
        raise ValueError(f"unknown stage {layer!r}; stages: {names}")
    return names.index(layer) + 1


def extract_features(model, X, layer, batch_size=256):
    k = _index(model, layer)
    parts = []
    for s in range(0, len(X), batch_size):
        h = np.asarray(X[s:s + batch_size], dtype=model.dtype)
        for i, (_, kind) in enumerate(model.layers[:k], start=1):
            h, _ = _forward(kind, h, model.params["W%d" % i], model.params["b%d" % i])
        parts.append(h.reshape(h.shape[0], -1))
    if not parts:
        return np.zeros((0, model.feature_dims[layer]), dtype=model.dtype)
    return np.vstack(parts).astype(model.dtype)


def head_weights(D, num_classes, seed=None, dtype=np.float32):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((D, num_classes)) * np.sqrt(1.0 / D)
    return W.astype(dtype), np.zeros(num_classes, dtype=dtype)


def reinit_last_layer(model, num_classes, seed=None):
    last = len(model.layers)
    W, b = head_weights(len(model.params["W%d" % last]), num_classes, seed, model.dtype)
    model.params.update({"W%d" % last: W, "b%d" % last: b})
    return model


class HeadOnBase:
    def __init__(self, base, layer, num_classes, freeze=True, seed=None):
        k = _index(base, layer)
        kept = [n for n, _ in base.layers[:k]]
        if freeze is True:
            freeze = kept
        elif freeze is False:
            freeze = []
        self.layers = tuple(base.layers[:k]) + (("head", "output"),)
        self.feature_dims = {n: base.feature_dims[n] for n in kept}
        self.feature_dims["head"] = num_classes
        self.dtype, self.input_dim = base.dtype, tuple(base.input_dim)
        self.params = {}
        for i in range(1, k + 1):
            self.params["W%d" % i] = np.array(base.params["W%d" % i])
            self.params["b%d" % i] = np.array(base.params["b%d" % i])
        self.params["W%d" % (k + 1)], self.params["b%d" % (k + 1)] = head_weights(
            base.feature_dims[layer], num_classes, seed, base.dtype)
        self.frozen = {p + str(i) for i, n in enumerate(kept, start=1) if n in freeze for p in "Wb"}

    def loss(self, X, y=None):
        h, backs = X.astype(self.dtype), []
        for i, (_, kind) in enumerate(self.layers, start=1):
            h, back = _forward(kind, h, self.params["W%d" % i], self.params["b%d" % i])
            backs.append(back)
        if y is None:
            return h
        loss, d = layers.softmax_loss(h, y)
        lowest = min(i for i in range(1, len(self.layers) + 1)
                     if {"W%d" % i, "b%d" % i} - self.frozen)
        grads = {}
        for i in range(len(self.layers), lowest - 1, -1):
            d, dW, db = backs[i - 1](d)
            grads.update({k: v for k, v in (("W%d" % i, dW), ("b%d" % i, db)) if k not in self.frozen})
        return loss, grads


def scaled_step(params, grads, configs, update_rule, learning_rate, multipliers):
    for name in list(params):
        rate = learning_rate * multipliers.get(name, 1.0)
        if rate == 0 and multipliers.get(name, 1.0) == 0:
            continue
        config = configs[name]
        config["learning_rate"] = rate
        params[name], configs[name] = update_rule(params[name], grads[name], config)
