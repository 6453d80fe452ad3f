"""The ConvolutionalNetworks notebook's lesson model, built from the student's code (nnkit, imported when it
runs): NormConvNet, a small CNN with spatial batch norm, group norm or no normalization after its convolution.

It follows FullyConnectedNet's API (`params`, loss(X, y=None), `norm_params` holding batch norm's running
statistics), so the Solver trains it unchanged.
"""
import numpy as np

from .reg_models import _nnkit

NORMS = (None, "batchnorm", "groupnorm")
POOL_2X2 = {"pool_height": 2, "pool_width": 2, "stride": 2}  # the max pool of every CNN in the notebook


class NormConvNet:
    """conv 3x3 (F filters, padding 1) - [spatial batch norm | spatial group norm (G groups)] - ReLU -
    2x2 max pool - affine - softmax.

    The convolution and pooling are the fast layers; the normalization is the student's
    spatial_batchnorm_forward/backward or spatial_groupnorm_forward/backward (conv_layers.py).

    Args:
        norm: None, "batchnorm" or "groupnorm".
        input_dim: (C, H, W), H and W even.
        num_filters: F; a multiple of G for group norm.
        G: groups of group norm.
        num_classes: number of classes.
        dtype: float dtype of parameters and computation.
        seed: seed of the He-normal initial weights (std sqrt(2 / fan-in)).

    Attributes:
        params: W1 (F, C, 3, 3), b1 (F,), W2 (F · H/2 · W/2, num_classes), b2; with a norm also gamma1 and beta1,
            (F,) for batch norm and (1, F, 1, 1) for group norm.
        norm_params: [the bn_param / gn_param dict] (mode, running statistics).
    """

    def __init__(self, norm=None, input_dim=(1, 28, 28), num_filters=16, G=4, num_classes=10, dtype=np.float32,
                 seed=None):
        if norm not in NORMS:
            raise ValueError(f"NormConvNet: norm must be one of {NORMS}, got {norm!r}")
        C, H, W = input_dim
        F = num_filters
        rng = np.random.default_rng(seed)
        self.norm, self.G, self.dtype = norm, G, dtype
        self.params = {"W1": rng.standard_normal((F, C, 3, 3)) * np.sqrt(2 / (9 * C)), "b1": np.zeros(F),
                       "W2": rng.standard_normal((F * (H // 2) * (W // 2), num_classes)) * np.sqrt(
                           2 / (F * (H // 2) * (W // 2))),
                       "b2": np.zeros(num_classes)}
        if norm is not None:
            shape = (F,) if norm == "batchnorm" else (1, F, 1, 1)
            self.params["gamma1"], self.params["beta1"] = np.ones(shape), np.zeros(shape)
        self.params = {k: v.astype(dtype) for k, v in self.params.items()}
        self.norm_params = [{"mode": "train"}]

    def loss(self, X, y=None):
        """Scores (N, num_classes) when y is None (test mode), else (loss, grads) in train mode."""
        fast, layers, conv = _nnkit("fast_layers"), _nnkit("layers"), _nnkit("conv_layers")
        p, state = self.params, self.norm_params[0]
        state["mode"] = "test" if y is None else "train"
        a, conv_cache = fast.conv_forward_fast(X.astype(self.dtype), p["W1"], p["b1"], {"stride": 1, "pad": 1})
        if self.norm == "batchnorm":
            a, norm_cache = conv.spatial_batchnorm_forward(a, p["gamma1"], p["beta1"], state)
        elif self.norm == "groupnorm":
            a, norm_cache = conv.spatial_groupnorm_forward(a, p["gamma1"], p["beta1"], self.G, state)
        r, relu_cache = layers.relu_forward(a)
        h, pool_cache = fast.max_pool_forward_fast(r, POOL_2X2)
        scores, fc_cache = layers.affine_forward(h, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, dscores = layers.softmax_loss(scores, y)
        grads = {}
        dh, grads["W2"], grads["b2"] = layers.affine_backward(dscores, fc_cache)
        da = layers.relu_backward(fast.max_pool_backward_fast(dh, pool_cache), relu_cache)
        if self.norm == "batchnorm":
            da, grads["gamma1"], grads["beta1"] = conv.spatial_batchnorm_backward(da, norm_cache)
        elif self.norm == "groupnorm":
            da, grads["gamma1"], grads["beta1"] = conv.spatial_groupnorm_backward(da, norm_cache)
        _, grads["W1"], grads["b1"] = fast.conv_backward_fast(da, conv_cache)
        return loss, grads
