import numpy as np

from . import conv_layers, layers


def _names(model):
    return [name for name, _ in model.layers]


def _run_stage(kind, x, w, b):
    caches = []
    if kind == "conv":
        x, c = conv_layers.conv_forward_naive(x, w, b, {"stride": 1, "pad": (w.shape[-1] - 1) // 2})
        caches.append(("conv", c))
        x, c = layers.relu_forward(x)
        caches.append(("relu", c))
        x, c = conv_layers.max_pool_forward_naive(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
        caches.append(("pool", c))
        return x, caches
    x, c = layers.affine_forward(x, w, b)
    caches.append(("affine", c))
    if kind == "hidden":
        x, c = layers.relu_forward(x)
        caches.append(("relu", c))
    return x, caches


def _back_stage(d, caches):
    dw = db = None
    for what, c in reversed(caches):
        if what == "pool":
            d = conv_layers.max_pool_backward_naive(d, c)
        elif what == "relu":
            d = layers.relu_backward(d, c)
        elif what == "conv":
            d, dw, db = conv_layers.conv_backward_naive(d, c)
        else:
            d, dw, db = layers.affine_backward(d, c)
    return d, dw, db


def extract_features(model, X, layer, batch_size=256):
    if layer not in _names(model):
        raise ValueError(f"no stage {layer}")
    stop = _names(model).index(layer)
    out = np.empty((len(X), model.feature_dims[layer]), dtype=model.dtype)
    for lo in range(0, len(X), batch_size):
        x = X[lo:lo + batch_size].astype(model.dtype)
        for i in range(stop + 1):
            x, _ = _run_stage(model.layers[i][1], x, model.params[f"W{i + 1}"], model.params[f"b{i + 1}"])
        out[lo:lo + len(x)] = x.reshape(len(x), -1)
    return out


def head_weights(D, num_classes, seed=None, dtype=np.float32):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((D, num_classes)) * np.sqrt(1.0 / D)
    return W.astype(dtype), np.zeros(num_classes, dtype=dtype)


def reinit_last_layer(model, num_classes, seed=None):
    L = len(model.layers)
    D = model.params[f"W{L}"].shape[0]
    model.params[f"W{L}"], model.params[f"b{L}"] = head_weights(D, num_classes, seed, model.dtype)
    return model


class HeadOnBase:
    def __init__(self, base, layer, num_classes, freeze=True, seed=None):
        names = _names(base)
        if layer not in names:
            raise ValueError(f"no stage {layer}")
        k = names.index(layer) + 1
        self.layers = tuple(base.layers[:k]) + (("head", "output"),)
        self.dtype, self.input_dim = base.dtype, base.input_dim
        self.feature_dims = dict(base.feature_dims)
        self.params = {key: base.params[key].copy() for i in range(1, k + 1) for key in (f"W{i}", f"b{i}")}
        W, b = head_weights(base.feature_dims[layer], num_classes, seed, base.dtype)
        self.params[f"W{k + 1}"] = W
        self.params[f"b{k + 1}"] = b
        frozen_names = names[:k] if freeze is True else [] if freeze is False else list(freeze)
        self.frozen = set()
        for i, name in enumerate(names[:k], start=1):
            if name in frozen_names:
                self.frozen |= {f"W{i}", f"b{i}"}

    def loss(self, X, y=None):
        x, stack = X.astype(self.dtype), []
        for i, (_, kind) in enumerate(self.layers):
            x, caches = _run_stage(kind, x, self.params[f"W{i + 1}"], self.params[f"b{i + 1}"])
            stack.append(caches)
        if y is None:
            return x
        loss, d = layers.softmax_loss(x, y)
        grads = {}
        trainable = [i for i in range(len(self.layers)) if f"W{i + 1}" not in self.frozen
                     or f"b{i + 1}" not in self.frozen]
        for i in range(len(self.layers) - 1, trainable[0] - 1, -1):
            d, dw, db = _back_stage(d, stack[i])
            if f"W{i + 1}" not in self.frozen:
                grads[f"W{i + 1}"] = dw
            if f"b{i + 1}" not in self.frozen:
                grads[f"b{i + 1}"] = db
        return loss, grads


def scaled_step(params, grads, configs, update_rule, learning_rate, multipliers):
    for name in params:
        m = multipliers[name] if name in multipliers else 1.0
        if not m:
            continue
        configs[name]["learning_rate"] = m * learning_rate
        new_w, configs[name] = update_rule(params[name], grads[name], configs[name])
        params[name] = new_w
