"""ThreeLayerConvNet: conv - relu - 2x2 max pool - affine - relu - affine - softmax."""
import numpy as np

from .layer_utils import (POOL_2X2, affine_relu_backward, affine_relu_forward, conv_relu_pool_backward,
                          conv_relu_pool_forward)
from .layers import affine_backward, affine_forward, softmax_loss

POOL_PARAM = POOL_2X2  # 2x2 max pool, stride 2


class ThreeLayerConvNet:
    """A three-layer convolutional network for images of shape (C, H, W):

        conv (F filters of size filter_size x filter_size, stride 1, size-preserving zero padding) - ReLU -
        2x2 max pool (stride 2) - affine (hidden_dim) - ReLU - affine (num_classes) - softmax loss.

    The convolution and pooling are the fast layers (nnkit.fast_layers, through layer_utils'
    conv_relu_pool_forward / conv_relu_pool_backward).

    Args:
        input_dim: (C, H, W) of one image; H and W even (the pool halves them).
        num_filters: F.
        filter_size: odd size of the square filters; the padding (filter_size - 1) / 2 keeps H and W.
        hidden_dim: width of the hidden affine layer.
        num_classes: number of classes.
        weight_scale: standard deviation of the normal initial weights; biases start at zero.
        reg: L2 strength; the loss adds 0.5 * reg * sum(W**2) over W1, W2, W3 (not biases).
        dtype: float dtype of parameters and computation (np.float64 for gradient checks).
        seed: seed of the generator the initial weights are drawn from.

    Attributes:
        params: W1 (F, C, filter_size, filter_size), b1 (F,), W2 (F * H/2 * W/2, hidden_dim), b2 (hidden_dim,),
            W3 (hidden_dim, num_classes), b3 (num_classes,).
    """

    def __init__(self, input_dim=(1, 28, 28), num_filters=32, filter_size=5, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32, seed=None):
        C, H, W = input_dim
        if filter_size % 2 == 0:
            raise ValueError(f"ThreeLayerConvNet: filter_size must be odd (a size-preserving padding), "
                             f"got {filter_size}")
        if H % 2 or W % 2:
            raise ValueError(f"ThreeLayerConvNet: the 2x2 pool needs an even height and width, got {H} x {W}")
        if reg < 0:
            raise ValueError(f"ThreeLayerConvNet: reg must be >= 0, got {reg}")
        self.reg = reg
        self.dtype = dtype
        self.rng = np.random.default_rng(seed)
        self.params = {}
        raise NotImplementedError("ThreeLayerConvNet.__init__: your code goes here (see the docstring); then run check('convnet_init')")
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Scores, or loss and gradients.

        Args:
            X: (N, C, H, W) images.
            y: (N,) integer labels, or None.

        Returns:
            If y is None: scores (N, num_classes).
            Else: loss (float: mean softmax loss plus 0.5 * reg * sum of squared weights) and grads (dict with
            the same keys and shapes as self.params). loss() leaves self.params unchanged.
        """
        X = X.astype(self.dtype)
        W1 = self.params["W1"]
        conv_param = {"stride": 1, "pad": (W1.shape[2] - 1) // 2}
        raise NotImplementedError("ThreeLayerConvNet.loss: your code goes here (see the docstring); then run check('convnet_loss')")
        if y is None:
            return scores
        grads = {}
        raise NotImplementedError("ThreeLayerConvNet.loss: your code goes here (see the docstring); then run check('convnet_loss')")
        return loss, grads
