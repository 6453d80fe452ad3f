"""The Dropout notebook's two lesson models, built from the student's code (nnkit, imported when a model runs):
DropConnectNet (the student's FullyConnectedNet with DropConnect hidden layers) and ResidualMLP (residual blocks
with stochastic depth).

Both follow FullyConnectedNet's API: `params` (dict name -> array) and loss(X, y=None), scores (N, C) in test
mode when y is None, (loss, grads) in train mode otherwise, so the Solver trains them unchanged.
"""
import importlib

import numpy as np


def _nnkit(module):
    """The student's nnkit.<module>, found next to the notebook (imported at call time, as the Solver does)."""
    return importlib.import_module(f"nnkit.{module}")


def DropConnectNet(hidden_dims, input_dim=1 * 28 * 28, num_classes=10, keep_ratio=0.5, weight_scale=5e-2,
                   dtype=np.float32, seed=None):
    """{DropConnect affine - ReLU} x (L - 1) - affine - softmax: the student's FullyConnectedNet whose hidden
    layers use DropConnect (regularization's dropconnect_forward/backward) instead of the plain affine layer.

    It is the student's net (a subclass), with only the hidden-layer hooks replaced: in train mode every hidden
    layer multiplies its weights by a fresh random mask (inverted scaling), in test mode it uses the plain
    weights, so a trained net is an ordinary affine-ReLU FullyConnectedNet (artifacts.save_model saves it).
    The last layer is never dropped.

    Args:
        hidden_dims, input_dim, num_classes, weight_scale, dtype, seed: as for FullyConnectedNet (the masks come
            from the net's generator).
        keep_ratio: p in (0, 1], the probability of keeping each hidden-layer weight.

    Returns:
        the net; its dc_param {"mode", "p", "rng"} is passed to every hidden layer (replace "rng" by "seed"
        for a fixed mask).
    """
    if not 0 < keep_ratio <= 1:
        raise ValueError(f"DropConnectNet: keep_ratio must be in (0, 1], got {keep_ratio}")
    net = _dropconnect_class()(hidden_dims, input_dim=input_dim, num_classes=num_classes,
                               weight_scale=weight_scale, dtype=dtype, seed=seed)
    net.dc_param = {"mode": "train", "p": keep_ratio, "rng": net.rng}
    return net


def _dropconnect_class():
    """A subclass of the student's FullyConnectedNet with DropConnect hidden layers (made when first needed:
    the student's package is imported at run time)."""
    layers, reg, fc_net = _nnkit("layers"), _nnkit("regularization"), _nnkit("fc_net")

    class DropConnectFullyConnectedNet(fc_net.FullyConnectedNet):
        def _set_mode(self, mode):
            super()._set_mode(mode)
            self.dc_param["mode"] = mode

        def _hidden_forward(self, x, i):
            a, dc_cache = reg.dropconnect_forward(x, self.params[f"W{i}"], self.params[f"b{i}"], self.dc_param)
            out, relu_cache = layers.relu_forward(a)
            return out, (dc_cache, relu_cache)

        def _hidden_backward(self, dout, cache, i, grads):
            dc_cache, relu_cache = cache
            dx, grads[f"W{i}"], grads[f"b{i}"] = reg.dropconnect_backward(layers.relu_backward(dout, relu_cache),
                                                                          dc_cache)
            return dx

    return DropConnectFullyConnectedNet


def to_fc_net(model, net_class):
    """The test-time network of a trained DropConnectNet as a plain net_class (the student's
    FullyConnectedNet) with the same weights: what artifacts.save_model saves."""
    L = model.num_layers
    hidden = [model.params[f"W{i}"].shape[1] for i in range(1, L)]
    net = net_class(hidden, input_dim=model.params["W1"].shape[0], num_classes=model.params[f"W{L}"].shape[1],
                    dtype=model.dtype)
    net.params = {k: v.copy() for k, v in model.params.items()}
    return net


class ResidualMLP:
    """Affine - ReLU to width H, then B residual blocks h <- h + f_l(h), then affine - softmax;
    f_l = affine - ReLU - affine (H -> H -> H). With stochastic depth, training skips whole blocks at random.

    Train mode: block l (1..B) survives a forward pass with probability p_l = 1 - (l / B) (1 - survival)
    (the linear decay of Huang et al. 2016: early blocks almost always, the last with probability `survival`).
    One draw per forward pass, the whole minibatch alike: kept = rng.random(B) < p. A skipped block is the
    identity, h <- h, and its parameters get zero gradient; a kept block is used as is (no rescaling).
    Test mode: every block, its branch scaled by its expectation: h <- h + p_l f_l(h) (dropout's "scale at test
    time" applied to whole blocks).

    Args:
        input_dim: D.
        width: H, the width of the residual stream and of each branch.
        num_blocks: B.
        num_classes: C.
        survival: p_B in (0, 1], the last block's survival probability; 1 means no stochastic depth.
        weight_scale: None for He initialization, std sqrt(2 / fan_in), except each branch's last affine,
            std sqrt(1 / (fan_in * B)) (so the sum of B branches keeps the stream's scale), and the output layer,
            std sqrt(0.1 / fan_in) (small initial scores); or one float for every weight (gradient checks).
        dtype: float dtype (np.float64 for gradient checks).
        seed: seed of the generator for initialization and the blocks' draws.

    Attributes:
        params: W_in (D, H), b_in (H,); per block l: W{l}a, W{l}b (H, H), b{l}a, b{l}b (H,); W_out (H, C), b_out (C,).
        survival: (B,) the p_l.
        sd_param: {"mode", "rng"}; replace "rng" by "seed" to draw the same blocks at every call.
    """

    def __init__(self, input_dim=1 * 28 * 28, width=100, num_blocks=4, num_classes=10, survival=1.0,
                 weight_scale=None, dtype=np.float32, seed=None):
        if not 0 < survival <= 1:
            raise ValueError(f"ResidualMLP: survival must be in (0, 1], got {survival}")
        if num_blocks < 1:
            raise ValueError(f"ResidualMLP: num_blocks must be >= 1, got {num_blocks}")
        self.num_blocks = B = num_blocks
        self.dtype = dtype
        self.rng = np.random.default_rng(seed)
        self.survival = 1 - np.arange(1, B + 1) / B * (1 - survival)
        shapes = {"W_in": ((input_dim, width), 2.0 / input_dim)}
        for l in range(1, B + 1):
            shapes[f"W{l}a"] = ((width, width), 2.0 / width)
            shapes[f"W{l}b"] = ((width, width), 1.0 / (width * B))
        shapes["W_out"] = ((width, num_classes), 0.1 / width)  # initial scores small: loss near log C
        self.params = {}
        for name, (shape, var) in shapes.items():
            std = np.sqrt(var) if weight_scale is None else weight_scale
            self.params[name] = (std * self.rng.standard_normal(shape)).astype(dtype)
            self.params["b" + name[1:]] = np.zeros(shape[1], dtype=dtype)
        self.sd_param = {"mode": "train", "rng": self.rng}

    def _kept(self, mode):
        """(B,) bool: which blocks run in this forward pass (all in test mode; one draw in train mode)."""
        if mode == "test":
            return np.ones(self.num_blocks, dtype=bool)
        rng = self.sd_param.get("rng")
        if rng is None:
            rng = np.random.default_rng(self.sd_param.get("seed"))
        return rng.random(self.num_blocks) < self.survival

    def loss(self, X, y=None):
        """Scores (N, C) in test mode when y is None; else (loss, grads) in train mode (see FullyConnectedNet)."""
        layers = _nnkit("layers")
        mode = self.sd_param["mode"] = "test" if y is None else "train"
        P = self.params
        kept = self._kept(mode)
        a, in_cache = layers.affine_forward(X.astype(self.dtype), P["W_in"], P["b_in"])
        h, relu_cache = layers.relu_forward(a)
        caches = []
        for l in range(1, self.num_blocks + 1):
            if not kept[l - 1]:
                caches.append(None)
                continue
            u, ca = layers.affine_forward(h, P[f"W{l}a"], P[f"b{l}a"])
            r, cr = layers.relu_forward(u)
            f, cb = layers.affine_forward(r, P[f"W{l}b"], P[f"b{l}b"])
            scale = self.survival[l - 1] if mode == "test" else 1.0
            h = h + (scale * f).astype(self.dtype, copy=False)
            caches.append((ca, cr, cb))
        scores, out_cache = layers.affine_forward(h, P["W_out"], P["b_out"])
        if y is None:
            return scores
        loss, dscores = layers.softmax_loss(scores, y)
        grads = {k: np.zeros_like(v) for k, v in P.items()}  # skipped blocks keep zero gradients
        dh, grads["W_out"], grads["b_out"] = layers.affine_backward(dscores, out_cache)
        for l in range(self.num_blocks, 0, -1):
            if caches[l - 1] is None:
                continue  # identity: dh passes through unchanged
            ca, cr, cb = caches[l - 1]
            dr, grads[f"W{l}b"], grads[f"b{l}b"] = layers.affine_backward(dh, cb)
            du = layers.relu_backward(dr, cr)
            dh_branch, grads[f"W{l}a"], grads[f"b{l}a"] = layers.affine_backward(du, ca)
            dh = dh + dh_branch
        _, grads["W_in"], grads["b_in"] = layers.affine_backward(layers.relu_backward(dh, relu_cache), in_cache)
        return loss, grads
