import numpy as np

from . import layers, regularization
from .layers import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss


class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim=784, num_classes=10, dropout_keep_ratio=1, normalization=None,
                 reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None, l1_reg=0.0):
        self.reg, self.dtype, self.norm, self.l1 = reg, dtype, normalization, l1_reg
        self.keep = dropout_keep_ratio
        self.dropout_param = {"mode": "train", "p": dropout_keep_ratio, "rng": np.random.default_rng(seed)}
        sizes = [input_dim] + list(hidden_dims) + [num_classes]
        self.num_layers = len(sizes) - 1
        rs = np.random.RandomState(seed)
        self.params = {}
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.params["W%d" % i] = rs.normal(0.0, weight_scale, size=(a, b)).astype(dtype)
            self.params["b%d" % i] = np.zeros(b, dtype=dtype)
            if normalization and i < self.num_layers:
                self.params["gamma%d" % i] = np.ones(b, dtype=dtype)
                self.params["beta%d" % i] = np.zeros(b, dtype=dtype)
        self.states = [{} for _ in hidden_dims]

    def loss(self, X, y=None):
        mode = "test" if y is None else "train"
        h, caches = X.astype(self.dtype), []
        for i in range(1, self.num_layers + 1):
            h, c = affine_forward(h, self.params["W%d" % i], self.params["b%d" % i])
            caches.append(c)
            if i < self.num_layers:
                if self.norm:
                    state = self.states[i - 1]
                    state["mode"] = mode
                    h, c = getattr(layers, self.norm + "_forward")(h, self.params["gamma%d" % i],
                                                                   self.params["beta%d" % i], state)
                    caches.append(c)
                h, c = relu_forward(h)
                caches.append(c)
                if self.keep < 1:
                    self.dropout_param["mode"] = mode
                    h, c = regularization.dropout_forward(h, self.dropout_param)
                    caches.append(c)
        if y is None:
            return h
        loss, d = softmax_loss(h, y)
        grads = {}
        for i in range(self.num_layers, 0, -1):
            if i < self.num_layers:
                if self.keep < 1:
                    d = regularization.dropout_backward(d, caches.pop())
                d = relu_backward(d, caches.pop())
                if self.norm:
                    d, grads["gamma%d" % i], grads["beta%d" % i] = getattr(layers, self.norm + "_backward")(
                        d, caches.pop())
            d, dW, grads["b%d" % i] = affine_backward(d, caches.pop())
            W = self.params["W%d" % i]
            grads["W%d" % i] = dW + self.reg * W + self.l1 * np.sign(W)
            loss += self.reg * np.sum(W ** 2) / 2 + self.l1 * np.abs(W).sum()
        return loss, grads
