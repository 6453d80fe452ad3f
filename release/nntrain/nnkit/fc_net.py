"""FullyConnectedNet: {affine - [norm] - relu - [dropout]} x (L - 1) - affine - softmax."""
import importlib

import numpy as np

from .layers import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss

NORMALIZATIONS = (None, "batchnorm", "layernorm")


class FullyConnectedNet:
    """A fully connected network with L = len(hidden_dims) + 1 affine layers and a softmax loss.

    Hidden layer i is affine -> [batch/layer norm] -> ReLU -> [dropout]; the last layer is affine only.

    Args:
        hidden_dims: list of L - 1 ints, the width of each hidden layer.
        input_dim: D, the number of features of one example (1 * 28 * 28 for Fashion-MNIST).
        num_classes: C.
        dropout_keep_ratio: p in (0, 1], the probability of keeping an activation; 1 means no dropout.
        normalization: None, "batchnorm" or "layernorm" (filled in by the BatchNormalization notebook).
        reg: L2 strength; the loss adds 0.5 * reg * sum(W**2) over the weights W1..WL (not biases).
        l1_reg: L1 strength (the Dropout notebook); the loss adds l1_reg * sum(|W|) over W1..WL through
            regularization.l1_penalty. Both reg and l1_reg > 0 is the elastic-net penalty.
        weight_scale: standard deviation of the normal initial weights; biases start at zero.
        dtype: float dtype of parameters and computation (np.float64 for gradient checks).
        seed: seed of the generator for initialization and dropout masks.

    Attributes:
        dropout_param: the dict every dropout layer of the net gets ({"mode", "p", "rng"}); its "rng" (the
            net's generator unless replaced) draws the masks, so replacing it replays the same masks.
        params: dict with W1..WL, shapes (D, H1), (H1, H2), ..., (H_{L-1}, C), and b1..bL, shapes (H1,)...(C,);
            with normalization also gamma1..gamma{L-1} (ones) and beta1..beta{L-1} (zeros).
    """

    def __init__(self, hidden_dims, input_dim=1 * 28 * 28, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None, l1_reg=0.0):
        if normalization not in NORMALIZATIONS:
            raise ValueError(f"FullyConnectedNet: normalization must be one of {NORMALIZATIONS}, "
                             f"got {normalization!r}")
        if not 0 < dropout_keep_ratio <= 1:
            raise ValueError(f"FullyConnectedNet: dropout_keep_ratio must be in (0, 1], got {dropout_keep_ratio}")
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        if reg < 0 or l1_reg < 0:
            raise ValueError(f"FullyConnectedNet: reg and l1_reg must be >= 0, got {reg} and {l1_reg}")
        self.reg = reg
        self.l1_reg = l1_reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.rng = np.random.default_rng(seed)
        self.params = {}
        raise NotImplementedError("FullyConnectedNet.__init__: your code goes here (see the docstring); then run check('net_init')")
        if normalization is not None:
            for i, h in enumerate(hidden_dims, start=1):
                self.params[f"gamma{i}"] = np.ones(h)
                self.params[f"beta{i}"] = np.zeros(h)
        # Per-layer state the norm and dropout layers keep (running means, masks' generator, mode).
        self.dropout_param = {"mode": "train", "p": dropout_keep_ratio, "rng": self.rng}
        self.norm_params = [{"mode": "train"} for _ in hidden_dims]
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def _set_mode(self, mode):
        self.dropout_param["mode"] = mode
        for p in self.norm_params:
            p["mode"] = mode

    def _hidden_forward(self, x, i):
        """Hidden layer i (1-based): affine -> [norm] -> relu -> [dropout]. Returns (out, cache)."""
        out, fc_cache = affine_forward(x, self.params[f"W{i}"], self.params[f"b{i}"])
        norm_cache = drop_cache = None
        if self.normalization is not None:
            forward = _layer_function(f"{self.normalization}_forward")
            out, norm_cache = forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                      self.norm_params[i - 1])
        out, relu_cache = relu_forward(out)
        if self.use_dropout:
            out, drop_cache = _layer_function("dropout_forward", "regularization")(out, self.dropout_param)
        return out, (fc_cache, norm_cache, relu_cache, drop_cache)

    def _hidden_backward(self, dout, cache, i, grads):
        """Backward of hidden layer i; stores dW_i, db_i (and dgamma_i, dbeta_i) in grads, returns dx."""
        fc_cache, norm_cache, relu_cache, drop_cache = cache
        if self.use_dropout:
            dout = _layer_function("dropout_backward", "regularization")(dout, drop_cache)
        dout = relu_backward(dout, relu_cache)
        if self.normalization is not None:
            backward = _layer_function(f"{self.normalization}_backward")
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = backward(dout, norm_cache)
        dx, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(dout, fc_cache)
        return dx

    def loss(self, X, y=None):
        """Scores, or loss and gradients.

        Args:
            X: (N, d1, ..., dk) inputs with d1 * ... * dk = D.
            y: (N,) integer labels, or None.

        Returns:
            If y is None (test mode: no dropout, norm layers use running statistics):
                scores: (N, C).
            Else (train mode):
                loss: float, mean softmax loss plus 0.5 * reg * sum of squared weights (plus the L1 term).
                grads: dict with the same keys and shapes as self.params.
            loss() leaves self.params unchanged (the Solver updates them); in float64 mode every output is
            float64.
        """
        X = X.astype(self.dtype)
        self._set_mode("test" if y is None else "train")
        L = self.num_layers
        raise NotImplementedError("FullyConnectedNet.loss: your code goes here (see the docstring); then run check('net_loss')")
        if y is None:
            return scores
        grads = {}
        raise NotImplementedError("FullyConnectedNet.loss: your code goes here (see the docstring); then run check('net_loss')")
        if self.l1_reg:
            l1_penalty = _layer_function("l1_penalty", "regularization")
            for i in range(1, L + 1):
                penalty, dW = l1_penalty(self.params[f"W{i}"], self.l1_reg)
                loss += penalty
                grads[f"W{i}"] = grads[f"W{i}"] + dW
        return loss, grads


def _layer_function(name, module="layers"):
    """<module>.<name> of this package (imported when first needed, so a broken module a later notebook adds
    costs only the nets that use it), or a clear error naming the notebook that adds it."""
    try:
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)
    except (AttributeError, ModuleNotFoundError) as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name != f"{__package__}.{module}":
            raise  # the module exists but imports something missing: its own error says what
        raise NotImplementedError(
            f"FullyConnectedNet needs {module}.{name}, which a later notebook (BatchNormalization or "
            f"Dropout) adds; build the net without normalization/dropout/L1 until then") from None
