"""ConvNet: the model zoo's architecture (given, not graded), a stack of named stages.

    conv1 .. convK: conv k x k (stride 1, size-preserving padding) - ReLU - 2x2 max pool
    fc1 .. fcH:     affine - ReLU
    fcH+1:          affine (the scores) - softmax loss

The stages run through nnkit.layer_utils.stage_forward / stage_backward; stage i (1-based) owns params
W{i} and b{i}. The TransferLearning notebook's functions (nnkit.transfer) read `layers` and `feature_dims` to
take features from any stage, put new heads on it and fine-tune it.
"""
import numpy as np

from .layer_utils import stage_backward, stage_forward
from .layers import softmax_loss


class ConvNet:
    """conv stages, hidden affine stages, output affine stage; softmax loss with optional L2.

    Args:
        input_dim: (C, H, W); H and W divisible by 2 ** len(conv_filters).
        conv_filters: filters of each conv stage, e.g. (16, 32).
        hidden_dims: widths of the hidden affine stages, e.g. (128,).
        num_classes: number of classes (the output stage's width).
        filter_size: odd size of every conv stage's square filters.
        reg: L2 strength; the loss adds 0.5 * reg * sum(W**2) over every W (not the biases).
        dtype: float dtype of parameters and computation.
        seed: seed of the He-normal initial weights (std sqrt(2 / fan-in); the output stage sqrt(1 / fan-in)).

    Attributes:
        layers: tuple of (name, kind) in order, kind "conv", "hidden" or "output"; stage i owns W{i}, b{i}.
        feature_dims: {stage name: size of its output per example (C' * H' * W' for a conv stage)}.
        params: W{i} (F, C, k, k) or (D, M), b{i} (F,) or (M,).
        input_dim, reg, dtype.
    """

    def __init__(self, input_dim=(1, 28, 28), conv_filters=(16, 32), hidden_dims=(128,), num_classes=10,
                 filter_size=3, reg=0.0, dtype=np.float32, seed=None):
        C, H, W = input_dim
        if filter_size % 2 == 0:
            raise ValueError(f"ConvNet: filter_size must be odd (a size-preserving padding), got {filter_size}")
        if H % 2 ** len(conv_filters) or W % 2 ** len(conv_filters):
            raise ValueError(f"ConvNet: {len(conv_filters)} 2x2 pools need H and W divisible by "
                             f"{2 ** len(conv_filters)}, got {H} x {W}")
        rng = np.random.default_rng(seed)
        self.input_dim, self.reg, self.dtype = tuple(input_dim), reg, dtype
        layers, shapes, dims = [], [], {}
        for i, F in enumerate(conv_filters, start=1):
            layers.append((f"conv{i}", "conv"))
            shapes.append((F, C, filter_size, filter_size))
            C, H, W = F, H // 2, W // 2
            dims[f"conv{i}"] = C * H * W
        D = C * H * W
        for j, M in enumerate(tuple(hidden_dims) + (num_classes,), start=1):
            layers.append((f"fc{j}", "hidden" if j <= len(hidden_dims) else "output"))
            shapes.append((D, M))
            D = dims[f"fc{j}"] = M
        self.layers, self.feature_dims = tuple(layers), dims
        self.params = {}
        for i, ((_, kind), shape) in enumerate(zip(layers, shapes), start=1):
            fan_in = int(np.prod(shape[1:])) if kind == "conv" else shape[0]
            gain = 1.0 if kind == "output" else 2.0
            self.params[f"W{i}"] = (rng.standard_normal(shape) * np.sqrt(gain / fan_in)).astype(dtype)
            self.params[f"b{i}"] = np.zeros(shape[0] if kind == "conv" else shape[1], dtype=dtype)

    @property
    def num_classes(self):
        return self.params[f"W{len(self.layers)}"].shape[1]

    def loss(self, X, y=None):
        """Scores (N, num_classes) when y is None, else (loss, grads) with grads keyed like params."""
        h = X.astype(self.dtype, copy=False)
        caches = []
        for i, (_, kind) in enumerate(self.layers, start=1):
            h, cache = stage_forward(kind, h, self.params[f"W{i}"], self.params[f"b{i}"])
            caches.append(cache)
        if y is None:
            return h
        loss, dh = softmax_loss(h, y)
        grads = {}
        for i in range(len(self.layers), 0, -1):
            dh, grads[f"W{i}"], grads[f"b{i}"] = stage_backward(self.layers[i - 1][1], dh, caches[i - 1])
            if self.reg:
                grads[f"W{i}"] = grads[f"W{i}"] + self.reg * self.params[f"W{i}"]
        if self.reg:
            loss += 0.5 * self.reg * sum(float(np.sum(self.params[f"W{i}"] ** 2))
                                         for i in range(1, len(self.layers) + 1))
        return loss, grads
