import numpy as np

from . import conv_layers, layers


class ThreeLayerConvNet:
    """Written from the contract: the conv - relu - pool path composed here on this package's naive layers;
    every weight comes from one standard-normal draw, split and scaled."""

    def __init__(self, input_dim=(1, 28, 28), num_filters=32, filter_size=5, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32, seed=None):
        C, H, W = input_dim
        if not filter_size % 2:
            raise ValueError(f"ThreeLayerConvNet: an even filter_size {filter_size} has no same-size padding")
        if H % 2 or W % 2:
            raise ValueError(f"ThreeLayerConvNet: height {H} and width {W} must be even for the 2x2 pool")
        if reg < 0:
            raise ValueError(f"ThreeLayerConvNet: negative reg {reg}")
        self.reg = reg
        self.dtype = dtype
        self.rng = np.random.default_rng(seed)
        shapes = [(num_filters, C, filter_size, filter_size), (num_filters * H * W // 4, hidden_dim),
                  (hidden_dim, num_classes)]
        sizes = [int(np.prod(s)) for s in shapes]
        draws = np.split(self.rng.standard_normal(sum(sizes)) * weight_scale, np.cumsum(sizes)[:-1])
        self.params = {}
        for i, (shape, draw) in enumerate(zip(shapes, draws), start=1):
            self.params[f"W{i}"] = draw.reshape(shape).astype(dtype)
            self.params[f"b{i}"] = np.zeros(shape[0] if i == 1 else shape[1], dtype=dtype)

    def loss(self, X, y=None):
        X = np.asarray(X).astype(self.dtype)
        W1, b1, W2, b2, W3, b3 = (self.params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        conv_param = {"stride": 1, "pad": (W1.shape[-1] - 1) // 2}
        a, conv_cache = conv_layers.conv_forward_naive(X, W1, b1, conv_param)
        relu1 = np.maximum(a, 0)
        pooled, pool_cache = conv_layers.max_pool_forward_naive(relu1, {"pool_height": 2, "pool_width": 2,
                                                                        "stride": 2})
        flat = pooled.reshape(X.shape[0], -1)
        z = flat @ W2 + b2
        hidden = np.maximum(z, 0)
        scores = hidden @ W3 + b3
        if y is None:
            return scores
        data_loss, dscores = layers.softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * (np.vdot(W1, W1) + np.vdot(W2, W2) + np.vdot(W3, W3))
        grads = {"W3": hidden.T @ dscores + self.reg * W3, "b3": dscores.sum(axis=0)}
        dz = (dscores @ W3.T) * (z > 0)
        grads["W2"] = flat.T @ dz + self.reg * W2
        grads["b2"] = dz.sum(axis=0)
        dpooled = (dz @ W2.T).reshape(pooled.shape)
        da = conv_layers.max_pool_backward_naive(dpooled, pool_cache) * (a > 0)
        _, dW1, grads["b1"] = conv_layers.conv_backward_naive(da, conv_cache)
        grads["W1"] = dW1 + self.reg * W1
        return data_loss + reg_loss, grads
