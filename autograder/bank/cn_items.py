"""Graded items of the ConvolutionalNetworks notebook (public cases; hidden cases stay in the grader)."""
from .items import Case, Item, register

NB = "ConvolutionalNetworks"
TRAIN = {"mode": "train"}
BN_STATE = ("running_mean", "running_var")
STRIDE_IGNORED = "the windows are `stride` apart: output (i, j) reads the window starting at (i · stride, j · stride)"
FIRST_MAX = ("on a tie the gradient goes to ONE input, the first maximum of the window in row-major order "
             "(np.argmax of the flattened window), not to every tied maximum")
TO_EVERY = "route each window's gradient to its maximum only: the other inputs of the window did not reach out"
NOT_ADDED = ("windows overlap when the stride is smaller than the window: ADD each window's contribution into dx "
             "(+=), do not overwrite it")
NOT_TRANSPOSED = ("(N, C, H, W) -> (N·H·W, C) needs the channel axis last first: x.transpose(0, 2, 3, 1)"
                  ".reshape(-1, C); a plain reshape mixes channels and pixels")


def conv_case(name, seed, x, w, stride=1, pad=0, backward=False):
    """A case of the conv items: x (N, C, H, W), w (F, C, HH, WW), conv_param {stride, pad}; a backward case
    also gets dout shaped like the output (N, F, H', W')."""
    N, _, H, W = x
    F, _, HH, WW = w
    params = {"x": x, "w": w, "args": {"conv_param": {"stride": stride, "pad": pad}}}
    if backward:
        params["dout"] = (N, F, 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride)
    return Case(name, seed=seed, **params)


def pool_case(name, seed, x, ph=2, pw=2, stride=2, ties=False, backward=False):
    """A case of the pool items: x (N, C, H, W), pool_param {pool_height, pool_width, stride}; ties=True draws
    small integers (many tied maxima); a backward case also gets dout shaped like the output."""
    N, C, H, W = x
    params = {"x": x, "ties": ties, "args": {"pool_param": {"pool_height": ph, "pool_width": pw, "stride": stride}}}
    if backward:
        params["dout"] = (N, C, 1 + (H - ph) // stride, 1 + (W - pw) // stride)
    return Case(name, seed=seed, **params)


register(
    Item("cn.conv_forward_naive", points=6, function="conv_layers.conv_forward_naive", kind="function",
         recipe="conv", returns=("out", None), notebook=NB,
         public=(conv_case("3x3 filters, stride 1, pad 1 (size-preserving)", 601, (2, 3, 5, 5), (4, 3, 3, 3), 1, 1),
                 conv_case("stride 2, no padding", 602, (2, 2, 7, 7), (3, 2, 3, 3), 2, 0),
                 conv_case("2x4 filters, stride 2, pad 2", 603, (1, 2, 6, 4), (2, 2, 2, 4), 2, 2),
                 Case("width 6 does not fit stride 2 with 3x3 filters: ValueError", seed=604, x=(1, 1, 5, 6),
                      w=(1, 1, 3, 3), args={"conv_param": {"stride": 2, "pad": 0}},
                      expect_error={"type": "ValueError", "names": "width"})),
         hidden=2,
         mistakes={"kernel_flipped": "a convolutional layer computes a cross-correlation: apply w as it is, not "
                                     "flipped (no w[:, :, ::-1, ::-1])",
                   "pad_one_side": "pad `pad` zeros on BOTH sides of each spatial axis (x sits in the middle of "
                                   "x_pad), not 2 · pad zeros after it",
                   "stride_ignored": STRIDE_IGNORED,
                   "bias_per_channel": "b[f] is added once to every output of filter f: out[:, f] += b[f], "
                                       "not once per input channel"}),
    Item("cn.conv_backward_naive", points=6, function="conv_layers.conv_backward_naive", kind="backward",
         recipe="conv", forward="conv_layers.conv_forward_naive", returns=("dx", "dw", "db"), notebook=NB,
         public=(conv_case("3x3 filters, stride 1, pad 1", 611, (2, 3, 5, 5), (4, 3, 3, 3), 1, 1, backward=True),
                 conv_case("stride 2, no padding", 612, (2, 2, 7, 7), (3, 2, 3, 3), 2, 0, backward=True),
                 conv_case("2x4 filters, stride 2, pad 2", 613, (1, 2, 6, 4), (2, 2, 2, 4), 2, 2, backward=True)),
         hidden=2,
         mistakes={"stride_ignored": "in backward too, " + STRIDE_IGNORED,
                   "db_not_summed": "db sums dout over the batch AND every output position: "
                                    "dout.sum(axis=(0, 2, 3)), one entry per filter",
                   "dx_overwritten": NOT_ADDED,
                   "dx_padded": "dx has x's shape: cut the padded border off the gradient of x_pad "
                                "(dx_pad[:, :, pad:H + pad, pad:W + pad])",
                   "dw_not_summed_over_batch": "dw sums over the batch: every example's windows add to dw"}),
    Item("cn.max_pool_forward_naive", points=3, function="conv_layers.max_pool_forward_naive", kind="function",
         recipe="pool", returns=("out", None), notebook=NB,
         public=(pool_case("2x2, stride 2", 621, (2, 3, 4, 6)),
                 pool_case("3x3, stride 1 (overlapping windows)", 622, (1, 2, 5, 5), 3, 3, 1),
                 pool_case("2x1 windows, stride 2, with ties", 623, (2, 2, 6, 5), 2, 1, 2, ties=True),
                 Case("height 5 does not fit 2x2 with stride 2: ValueError", seed=624, x=(1, 1, 5, 4),
                      args={"pool_param": {"pool_height": 2, "pool_width": 2, "stride": 2}},
                      expect_error={"type": "ValueError", "names": "height"})),
         hidden=2,
         mistakes={"stride_ignored": STRIDE_IGNORED,
                   "mean_pool": "max pooling keeps each window's largest value, not its mean",
                   "size_ignores_stride": "the output has H' = 1 + (H - pool_height) / stride rows (and the same for "
                                          "the width)"}),
    Item("cn.max_pool_backward_naive", points=4, function="conv_layers.max_pool_backward_naive", kind="backward",
         recipe="pool", forward="conv_layers.max_pool_forward_naive", returns=("dx",), notebook=NB,
         public=(pool_case("2x2, stride 2", 631, (2, 3, 4, 6), backward=True),
                 pool_case("3x3, stride 1: overlapping windows", 632, (1, 2, 5, 5), 3, 3, 1, backward=True),
                 pool_case("2x2, stride 2, with ties", 633, (2, 2, 4, 4), ties=True, backward=True),
                 pool_case("2x2, stride 1, with ties: overlapping", 634, (1, 2, 4, 4), 2, 2, 1, ties=True,
                           backward=True)),
         hidden=2,
         mistakes={"to_every_element": TO_EVERY, "ties_to_all": FIRST_MAX, "dx_overwritten": NOT_ADDED,
                   "ties_to_last": FIRST_MAX.replace("not to every tied maximum", "not the last one")}),
    Item("cn.spatial_batchnorm_forward", points=3, function="conv_layers.spatial_batchnorm_forward",
         kind="function", recipe="spatial_norm", returns=("out", None), notebook=NB, state_arg="bn_param",
         state_out=BN_STATE,
         public=(Case("train, running stats given", seed=641, N=3, C=4, H=3, W=2, stats=True,
                      state={"mode": "train", "momentum": 0.8}),
                 Case("test mode: running statistics", seed=642, N=2, C=3, H=2, W=2, stats=True,
                      state={"mode": "test"}),
                 Case("one image, 2 channels", seed=643, N=1, C=2, H=4, W=3, state=TRAIN)),
         hidden=2,
         mistakes={"per_image": "spatial batch norm normalizes each CHANNEL over the batch and all its pixels "
                                "(N·H·W values), not each image's channel over its own pixels",
                   "reshape_without_transpose": NOT_TRANSPOSED,
                   "state_not_written": "pass bn_param itself to batchnorm_forward, so that the running statistics "
                                        "it writes back reach the caller"}),
    Item("cn.spatial_batchnorm_backward", points=3, function="conv_layers.spatial_batchnorm_backward",
         kind="backward", recipe="spatial_norm", forward="conv_layers.spatial_batchnorm_forward",
         returns=("dx", "dgamma", "dbeta"), notebook=NB, state_arg="bn_param",
         public=(Case("N=3, C=4, 3x2", seed=651, N=3, C=4, H=3, W=2, backward=True, state=TRAIN),
                 Case("one image", seed=652, N=1, C=3, H=3, W=3, backward=True, state=TRAIN),
                 Case("eps = 0.1", seed=653, N=2, C=2, H=2, W=3, backward=True, state={"mode": "train", "eps": 0.1})),
         hidden=2,
         mistakes={"reshape_without_transpose": NOT_TRANSPOSED,
                   "statistics_as_constants": "dx goes through batch norm's whole backward (batchnorm_backward_alt): "
                                              "each channel's mean and variance depend on every one of its pixels",
                   "not_transposed_back": "the (N·H·W, C) gradient goes back to (N, C, H, W) the way it came: "
                                          "reshape to (N, H, W, C), then transpose(0, 3, 1, 2)"}),
    Item("cn.spatial_groupnorm_forward", points=3, function="conv_layers.spatial_groupnorm_forward",
         kind="function", recipe="spatial_norm", returns=("out", None), notebook=NB, state_arg="gn_param",
         public=(Case("6 channels in 2 groups", seed=661, N=2, C=6, H=2, W=3, per_channel_shape=True, args={"G": 2},
                      state=TRAIN),
                 Case("one group (layer norm over C, H, W)", seed=662, N=3, C=2, H=2, W=2, per_channel_shape=True,
                      args={"G": 1}, state=TRAIN),
                 Case("4 groups of 1 channel, eps = 0.1", seed=663, N=2, C=4, H=3, W=1, per_channel_shape=True,
                      args={"G": 4}, state={"mode": "test", "eps": 0.1})),
         hidden=2,
         mistakes={"strided_groups": "a group is C / G CONTIGUOUS channels (channels 0..C/G-1 are group 0): "
                                     "x.reshape(N, G, C // G, H, W), not channels G apart",
                   "over_batch": "group norm normalizes each example on its own: the batch axis is never averaged",
                   "unbiased_var": "group norm uses the biased variance of the group (divide by its size)",
                   "per_channel": "each group holds C / G channels, normalized together (with G = 1 that is "
                                  "every channel of the image)"}),
    Item("cn.spatial_groupnorm_backward", points=4, function="conv_layers.spatial_groupnorm_backward",
         kind="backward", recipe="spatial_norm", forward="conv_layers.spatial_groupnorm_forward",
         returns=("dx", "dgamma", "dbeta"), notebook=NB, state_arg="gn_param",
         public=(Case("6 channels in 2 groups", seed=671, N=2, C=6, H=2, W=3, per_channel_shape=True, args={"G": 2},
                      backward=True, state=TRAIN),
                 Case("one group", seed=672, N=3, C=2, H=2, W=2, per_channel_shape=True, args={"G": 1},
                      backward=True, state=TRAIN),
                 Case("3 groups, eps = 0.1", seed=673, N=1, C=3, H=3, W=2, per_channel_shape=True, args={"G": 3},
                      backward=True, state={"mode": "train", "eps": 0.1})),
         hidden=2,
         mistakes={"dgamma_shape": "dgamma and dbeta are shaped like gamma and beta, (1, C, 1, 1): sum over axes "
                                   "(0, 2, 3) with keepdims=True",
                   "dvar_missing": "dx lacks the path through each group's variance (the term "
                                   "- x_hat · mean(dx_hat · x_hat) over the group)",
                   "dmean_missing": "dx lacks the path through each group's mean (the term - mean(dx_hat) over "
                                    "the group)"}),
    Item("cn.convnet_init", points=3, function="cnn.ThreeLayerConvNet", kind="model_init", recipe="nothing",
         returns=(), rtol=0.1, notebook=NB,
         public=(Case("1x8x8 images, 4 filters 3x3", input_dim=[1, 8, 8], num_filters=4, filter_size=3,
                      hidden_dim=10, num_classes=5, weight_scale=5e-2, model_seed=0),
                 Case("3x6x4 images, 2 filters 5x5", input_dim=[3, 6, 4], num_filters=2, filter_size=5,
                      hidden_dim=7, num_classes=3, weight_scale=1e-2, model_seed=1)),
         hidden=1,
         mistakes={"W2_unpooled": "the pool halves H and W: W2 is (F · H/2 · W/2, hidden_dim)",
                   "W1_channels_last": "W1 is (F, C, filter_size, filter_size): filters first, then channels",
                   "biases_random": "biases start at zero"}),
    Item("cn.convnet_loss", points=8, function="cnn.ThreeLayerConvNet", kind="model_loss", recipe="convnet",
         returns=(), rtol=1e-5, notebook=NB,
         public=(Case("loss, reg = 0.4", seed=681, input_dim=[1, 6, 6], num_filters=3, filter_size=3, hidden_dim=5,
                      num_classes=4, N=3, reg=0.4),
                 Case("loss, 2 channels, 5x5 filters", seed=682, input_dim=[2, 4, 6], num_filters=2, filter_size=5,
                      hidden_dim=4, num_classes=3, N=2),
                 Case("scores", seed=683, input_dim=[1, 4, 4], num_filters=2, filter_size=3, hidden_dim=6,
                      num_classes=3, N=4, labels=False)),
         hidden=2,
         uses=("fc.affine_forward", "fc.affine_backward", "fc.relu_forward", "fc.relu_backward", "fc.softmax_loss"),
         mistakes={"W1_not_regularized": "L2 covers every weight: 0.5 · reg · (sum W1² + sum W2² + sum W3²), W1 too",
                   "hidden_relu_missing": "the hidden affine layer is followed by a ReLU: affine_relu_forward, "
                                          "then affine_forward for the scores",
                   "W1_reg_gradient_missing": "the L2 term's gradient reg · W goes to every weight's gradient, "
                                              "the conv filters W1 included"}),
    Item("cn.cnn_model", points=10, function="artifacts.cnn_model", kind="artifact", recipe="nothing", returns=(),
         public=(), notebook=NB, artifact="artifacts/cnn_model.npz",
         targets={"fashion_mnist": (0.80, 0.87)}),  # full marks beat the FC reference's 0.858; the reference CNN: 0.880
)
