import numpy as np

from . import layers
from .layer_utils import affine_relu_backward, affine_relu_forward


class FullyConnectedNet:
    """Written from the contract: W_i ~ weight_scale * N(0, 1) drawn from its own generator, b_i = 0."""

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        self.reg, self.dtype = reg, dtype
        dims = [input_dim, *hidden_dims, num_classes]
        self.num_layers = len(dims) - 1
        gen = np.random.Generator(np.random.PCG64(seed))
        self.params = {}
        for i in range(self.num_layers):
            self.params["W" + str(i + 1)] = gen.normal(scale=weight_scale, size=(dims[i], dims[i + 1])).astype(dtype)
            self.params["b" + str(i + 1)] = np.zeros(dims[i + 1], dtype=dtype)

    def loss(self, X, y=None):
        h = np.asarray(X, dtype=self.dtype)
        caches = []
        for i in range(1, self.num_layers):
            h, c = affine_relu_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            caches.append(c)
        last = self.num_layers
        scores, c_last = layers.affine_forward(h, self.params[f"W{last}"], self.params[f"b{last}"])
        if y is None:
            return scores
        data_loss, d = layers.softmax_loss(scores, y)
        reg_loss = 0.0
        grads = {}
        d, grads[f"W{last}"], grads[f"b{last}"] = layers.affine_backward(d, c_last)
        for i in range(last - 1, 0, -1):
            d, grads[f"W{i}"], grads[f"b{i}"] = affine_relu_backward(d, caches[i - 1])
        for i in range(1, last + 1):
            W = self.params[f"W{i}"]
            reg_loss += 0.5 * self.reg * float(np.vdot(W, W))
            grads[f"W{i}"] = grads[f"W{i}"] + self.reg * W
        return data_loss + reg_loss, grads
