"""Graded items of the Dropout notebook (public cases; hidden cases stay in the grader)."""
from .items import Case, Item, register

NB = "Dropout"
MASK_SCALE = "inverted dropout divides the kept values by p, the KEEP probability (not by 1 - p)"
NO_SCALE = "in train mode divide the kept values by p (inverted dropout), so the expected output equals x"
TEST_SCALED = ("inverted dropout scales at TRAIN time (divide by p); in test mode the layer is the identity: "
               "no mask and no scaling")
TEST_DROPPED = "test mode draws no mask: out = x (the mask is for train mode only)"
KEEP_SWAPPED = "p is the KEEP probability: keep where rng.random(shape) < p, drop the rest"
MASK_REDRAWN = "backward must reuse the mask of the forward pass (from the cache), not draw a new one"


def _dropout_state(mode, p, seed, generator=True):
    """A dropout_param / dc_param: the masks drawn from param["rng"], a generator seeded with `seed` (as in the
    net), or with generator=False from param["seed"]."""
    return {"mode": mode, "p": p, "rng_seed" if generator else "seed": seed}


register(
    Item("do.dropout_forward", points=5, function="regularization.dropout_forward", kind="function",
         recipe="arrays", returns=("out", None), notebook=NB, state_arg="dropout_param",
         public=(Case("train, p = 0.7", seed=401, shapes={"x": (8, 6)}, state=_dropout_state("train", 0.7, 11, generator=False)),
                 Case("train, p = 0.3, 4-D activations", seed=402, shapes={"x": (3, 2, 4, 4)},
                      state=_dropout_state("train", 0.3, 12)),
                 Case("test mode: the identity", seed=403, shapes={"x": (5, 7)}, state=_dropout_state("test", 0.4, 13)),
                 Case("p = 1: keep everything", seed=404, shapes={"x": (4, 3)}, state=_dropout_state("train", 1.0, 14))),
         hidden=2,
         mistakes={"divides_by_drop_probability": MASK_SCALE, "not_scaled": NO_SCALE, "scaled_at_test": TEST_SCALED,
                   "dropped_at_test": TEST_DROPPED, "keep_drop_swapped": KEEP_SWAPPED}),
    Item("do.dropout_backward", points=4, function="regularization.dropout_backward", kind="backward",
         recipe="arrays", forward="regularization.dropout_forward", returns=("dx",), notebook=NB,
         state_arg="dropout_param",
         public=(Case("train, p = 0.6", seed=411, shapes={"x": (6, 5), "dout": (6, 5)},
                      state=_dropout_state("train", 0.6, 21)),
                 Case("train, p = 0.25, 3-D", seed=412, shapes={"x": (2, 3, 4), "dout": (2, 3, 4)},
                      state=_dropout_state("train", 0.25, 22)),
                 Case("test mode: dx = dout", seed=413, shapes={"x": (4, 4), "dout": (4, 4)},
                      state=_dropout_state("test", 0.5, 23))),
         hidden=2,
         mistakes={"mask_redrawn": MASK_REDRAWN,
                   "not_scaled": "dx = dout · mask with the same scaled mask as the forward pass (kept / p)",
                   "mask_without_dout": "dx is the upstream gradient times the mask: dout · mask, not the mask "
                                        "alone"}),
    Item("do.net_regularized", points=5, function="fc_net.FullyConnectedNet", kind="model_loss", recipe="model",
         returns=(), rtol=1e-5, notebook=NB,
         public=(Case("dropout 0.6: loss and gradients", seed=421, hidden_dims=[7, 6], input_dim=5, num_classes=4,
                      N=6, dropout_keep_ratio=0.6, model_seed=3),
                 Case("L1, l1_reg = 0.1", seed=422, hidden_dims=[6], input_dim=4, num_classes=3, N=5, l1_reg=0.1),
                 Case("elastic net: L1 0.05 + L2 0.3, dropout 0.8", seed=423, hidden_dims=[5, 5], input_dim=4,
                      num_classes=3, N=4, l1_reg=0.05, reg=0.3, dropout_keep_ratio=0.8, model_seed=4),
                 Case("dropout 0.5: scores (test mode)", seed=424, hidden_dims=[6], input_dim=5, num_classes=3, N=4,
                      labels=False, dropout_keep_ratio=0.5, model_seed=5)),
         hidden=2,
         uses=("fc.affine_forward", "fc.affine_backward", "fc.relu_forward", "fc.relu_backward", "fc.softmax_loss",
               "do.dropout_forward", "do.dropout_backward", "do.l1_penalty"),
         mistakes={"dropped_at_test": "the scores (test mode) are computed with dropout: dropout_forward in test "
                                      "mode is the identity",
                   "not_scaled": NO_SCALE,
                   "l2_gradient": "the L1 gradient is l1_reg · sign(W), not l1_reg · W (that is L2's)"}),
    Item("do.dropconnect_forward", points=4, function="regularization.dropconnect_forward", kind="function",
         recipe="affine", returns=("out", None), notebook=NB, state_arg="dc_param",
         public=(Case("train, p = 0.6", seed=431, x=(4, 5), w=(5, 3), state=_dropout_state("train", 0.6, 31, generator=False)),
                 Case("train, p = 0.3, 3-D input", seed=432, x=(3, 2, 3), w=(6, 4), state=_dropout_state("train", 0.3, 32)),
                 Case("test mode: plain affine", seed=433, x=(5, 4), w=(4, 2), state=_dropout_state("test", 0.5, 33))),
         hidden=2,
         mistakes={"drops_inputs": "DropConnect drops WEIGHTS: the mask is shaped like w, (D, M), not like x",
                   "not_scaled": "divide the kept weights by p (inverted scaling): w · mask / p",
                   "dropped_at_test": "test mode uses all the weights, unscaled, and draws no mask",
                   "bias_dropped": "the bias is never dropped: out = x @ (w · mask) + b"}),
    Item("do.dropconnect_backward", points=4, function="regularization.dropconnect_backward", kind="backward",
         recipe="affine_backward", forward="regularization.dropconnect_forward", returns=("dx", "dw", "db"),
         notebook=NB, state_arg="dc_param",
         public=(Case("train, p = 0.6", seed=441, x=(4, 5), w=(5, 3), state=_dropout_state("train", 0.6, 41)),
                 Case("train, p = 0.4, 3-D input", seed=442, x=(3, 2, 3), w=(6, 4),
                      state=_dropout_state("train", 0.4, 42)),
                 Case("test mode", seed=443, x=(5, 4), w=(4, 2), state=_dropout_state("test", 0.5, 43))),
         hidden=2,
         mistakes={"dw_unmasked": "dw is masked too: a dropped weight had no effect on the loss, so its gradient is 0 "
                                  "(and kept ones get x.T @ dout / p)",
                   "dx_through_full_w": "dx flows through the weights that were used: dout @ (w · mask).T",
                   "dw_mask_unscaled": "dw uses the same scaled mask as the forward pass: (x.T @ dout) · mask, "
                                       "mask = kept / p"}),
    Item("do.l1_penalty", points=3, function="regularization.l1_penalty", kind="function", recipe="arrays",
         returns=("loss", "dw"), notebook=NB,
         public=(Case("w (5, 4), reg = 0.1", seed=451, shapes={"w": (5, 4)}, args={"reg": 0.1}),
                 Case("some weights exactly 0: sign(0) = 0", seed=452, shapes={"w": (6, 3)}, zeros=0.3,
                      args={"reg": 0.5}),
                 Case("reg = 0", seed=453, shapes={"w": (3,)}, args={"reg": 0.0})),
         hidden=2,
         mistakes={"l2_gradient": "the L1 gradient is reg · sign(w), not reg · w (that is L2's)",
                   "halved": "L1 is reg · sum(|w|): the 0.5 belongs to L2's 0.5 · reg · sum(w**2)",
                   "no_abs": "the penalty sums |w|, not w",
                   "zero_subgradient": "at w == 0 the subgradient is sign(0) = 0 (np.sign), so a zero weight "
                                       "stays put"}),
    Item("do.polyak_update", points=3, function="optim.polyak_update", kind="function", recipe="arrays",
         returns=("w_avg_next",), notebook=NB,
         public=(Case("decay 0.9", seed=461, shapes={"w_avg": (4, 3), "w": (4, 3)}, args={"decay": 0.9}),
                 Case("decay 0.999", seed=462, shapes={"w_avg": (5,), "w": (5,)}, args={"decay": 0.999}),
                 Case("decay 0: the newest weights", seed=463, shapes={"w_avg": (2, 2), "w": (2, 2)},
                      args={"decay": 0.0})),
         hidden=2,
         mistakes={"decay_reversed": "decay weighs the OLD average: decay · w_avg + (1 - decay) · w",
                   "no_one_minus": "the new weights get weight (1 - decay), so the average stays an average",
                   "returns_weights": "return the running average, not the current weights"}),
    Item("do.random_flip", points=3, function="augment.random_flip", kind="function", recipe="images",
         returns=("out",), notebook=NB,
         public=(Case("8 images, p = 0.5", seed=471, N=8, C=1, H=4, W=5, rng_seed=51),
                 Case("3 channels, p = 0.8", seed=472, N=6, C=3, H=3, W=3, rng_seed=52, args={"p": 0.8}),
                 Case("p = 0: unchanged", seed=473, N=3, C=1, H=2, W=4, rng_seed=53, args={"p": 0.0})),
         hidden=2,
         mistakes={"vertical": "a horizontal flip mirrors left-right, along the last axis W: X[n, :, :, ::-1]",
                   "flips_all": "flip each image only with probability p: flip = rng.random(N) < p",
                   "flip_where_kept": "image n is flipped where rng.random(N)[n] < p, not where it is >= p"}),
    Item("do.random_crop", points=4, function="augment.random_crop", kind="function", recipe="images",
         returns=("out",), notebook=NB,
         public=(Case("pad 2", seed=481, N=5, C=1, H=6, W=5, rng_seed=61, args={"pad": 2}),
                 Case("pad 1, 3 channels", seed=482, N=4, C=3, H=4, W=4, rng_seed=62, args={"pad": 1}),
                 Case("pad 0: unchanged", seed=483, N=2, C=1, H=3, W=3, rng_seed=63, args={"pad": 0})),
         hidden=2,
         mistakes={"edge_padding": "pad with zeros (np.pad's default constant mode), not by repeating the edge",
                   "offsets_swapped": "offsets[n, 0] is the ROW (H) offset and offsets[n, 1] the column (W) offset",
                   "offset_range": "offsets run from 0 to 2 · pad inclusive: rng.integers(0, 2 * pad + 1, ...)"}),
    Item("do.regularized_model", points=10, function="artifacts.regularized_model", kind="artifact",
         recipe="nothing", returns=(), public=(), notebook=NB, artifact="artifacts/regularized_model.npz",
         targets={"fashion_mnist": (0.65, 0.79)}),  # the reference notebook's: 0.807 held-out, 0.820 val
)
