import numpy as np

from .conv_layers import conv_backward_naive, conv_forward_naive, max_pool_backward_naive, max_pool_forward_naive
from .layer_utils import affine_relu_backward, affine_relu_forward
from .layers import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss


class ThreeLayerConvNet:
    """conv - relu - 2x2 pool - affine - relu - affine - softmax, on the naive layers (no fast_layers)."""

    def __init__(self, input_dim=(1, 28, 28), num_filters=32, filter_size=5, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32, seed=None):
        C, H, W = input_dim
        if filter_size % 2 != 1:
            raise ValueError("filter_size must be odd, got %d" % filter_size)
        if H % 2 != 0 or W % 2 != 0:
            raise ValueError("the 2x2 pool needs even height and width, got %d x %d" % (H, W))
        if reg < 0:
            raise ValueError("reg must be non-negative, got %r" % (reg,))
        self.reg, self.dtype = reg, dtype
        self.rng = np.random.default_rng(seed)
        flat = num_filters * (H // 2) * (W // 2)
        self.params = {}
        # drawn last layer first, with normal(0, weight_scale) rather than a scaled standard normal
        self.params["W3"] = self.rng.normal(0.0, weight_scale, size=(hidden_dim, num_classes)).astype(dtype)
        self.params["W2"] = self.rng.normal(0.0, weight_scale, size=(flat, hidden_dim)).astype(dtype)
        self.params["W1"] = self.rng.normal(0.0, weight_scale,
                                            size=(num_filters, C, filter_size, filter_size)).astype(dtype)
        self.params["b1"] = np.zeros(num_filters, dtype=dtype)
        self.params["b2"] = np.zeros(hidden_dim, dtype=dtype)
        self.params["b3"] = np.zeros(num_classes, dtype=dtype)

    def loss(self, X, y=None):
        p = self.params
        X = X.astype(self.dtype)
        conv_param = {"stride": 1, "pad": p["W1"].shape[2] // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
        a, c_conv = conv_forward_naive(X, p["W1"], p["b1"], conv_param)
        r, c_relu = relu_forward(a)
        h1, c_pool = max_pool_forward_naive(r, pool_param)
        h2, c_hid = affine_relu_forward(h1, p["W2"], p["b2"])
        scores, c_out = affine_forward(h2, p["W3"], p["b3"])
        if y is None:
            return scores
        loss, d = softmax_loss(scores, y)
        grads = {}
        d, grads["W3"], grads["b3"] = affine_backward(d, c_out)
        d, grads["W2"], grads["b2"] = affine_relu_backward(d, c_hid)
        d = relu_backward(max_pool_backward_naive(d, c_pool), c_relu)
        _, grads["W1"], grads["b1"] = conv_backward_naive(d, c_conv)
        for k in ("W1", "W2", "W3"):
            loss += 0.5 * self.reg * np.sum(p[k] * p[k])
            grads[k] = grads[k] + self.reg * p[k]
        return loss, grads
