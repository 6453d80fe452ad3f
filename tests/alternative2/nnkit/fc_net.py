import numpy as np

from . import layers, regularization
from .layer_utils import affine_relu_backward, affine_relu_forward


class FullyConnectedNet:
    """Written from the contract: W_i ~ weight_scale * N(0, 1) drawn from its own generator, b_i = 0."""

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None, l1_reg=0.0):
        self.reg, self.dtype, self.normalization, self.l1_reg = reg, dtype, normalization, l1_reg
        dims = [input_dim, *hidden_dims, num_classes]
        self.num_layers = len(dims) - 1
        gen = np.random.Generator(np.random.PCG64(seed))
        self.params = {}
        for i in range(self.num_layers):
            self.params["W" + str(i + 1)] = gen.normal(scale=weight_scale, size=(dims[i], dims[i + 1])).astype(dtype)
            self.params["b" + str(i + 1)] = np.zeros(dims[i + 1], dtype=dtype)
        for i, h in enumerate(hidden_dims, start=1):
            if normalization:
                self.params[f"gamma{i}"] = np.ones(h, dtype=dtype)
                self.params[f"beta{i}"] = np.zeros(h, dtype=dtype)
        self.bn_params = [{"mode": "train"} for _ in hidden_dims]
        self.dropout_param = {"mode": "train", "p": dropout_keep_ratio, "rng": gen}

    def _norm(self, i, h, mode):
        p = self.bn_params[i - 1]
        p["mode"] = mode
        fwd = layers.batchnorm_forward if self.normalization == "batchnorm" else layers.layernorm_forward
        return fwd(h, self.params[f"gamma{i}"], self.params[f"beta{i}"], p)

    def loss(self, X, y=None):
        h = np.asarray(X, dtype=self.dtype)
        mode = "train" if y is not None else "test"
        caches, drops = [], []
        self.dropout_param["mode"] = mode
        for i in range(1, self.num_layers):
            if self.normalization:
                a, c_aff = layers.affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
                n, c_norm = self._norm(i, a, mode)
                h, c_relu = layers.relu_forward(n)
                caches.append((c_aff, c_norm, c_relu))
            else:
                h, c = affine_relu_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
                caches.append(c)
            if self.dropout_param["p"] < 1:
                h, c = regularization.dropout_forward(h, self.dropout_param)
                drops.append(c)
        last = self.num_layers
        scores, c_last = layers.affine_forward(h, self.params[f"W{last}"], self.params[f"b{last}"])
        if y is None:
            return scores
        data_loss, d = layers.softmax_loss(scores, y)
        reg_loss = 0.0
        grads = {}
        d, grads[f"W{last}"], grads[f"b{last}"] = layers.affine_backward(d, c_last)
        for i in range(last - 1, 0, -1):
            if drops:
                d = regularization.dropout_backward(d, drops[i - 1])
            if self.normalization:
                c_aff, c_norm, c_relu = caches[i - 1]
                bwd = layers.batchnorm_backward if self.normalization == "batchnorm" else layers.layernorm_backward
                d, grads[f"gamma{i}"], grads[f"beta{i}"] = bwd(layers.relu_backward(d, c_relu), c_norm)
                d, grads[f"W{i}"], grads[f"b{i}"] = layers.affine_backward(d, c_aff)
            else:
                d, grads[f"W{i}"], grads[f"b{i}"] = affine_relu_backward(d, caches[i - 1])
        for i in range(1, last + 1):
            W = self.params[f"W{i}"]
            reg_loss += 0.5 * self.reg * float(np.vdot(W, W))
            grads[f"W{i}"] = grads[f"W{i}"] + self.reg * W
            if self.l1_reg:
                l1, dl1 = regularization.l1_penalty(W, self.l1_reg)
                reg_loss += l1
                grads[f"W{i}"] = grads[f"W{i}"] + dl1
        return data_loss + reg_loss, grads
