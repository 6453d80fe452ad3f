"""Graded items of the TransferLearning notebook (public cases; hidden cases stay in the grader)."""
from .items import Case, Item, register

NB = "TransferLearning"
# A small pretrained model: 1 x 8 x 8 images, conv1 (2 filters) - conv2 (3) - fc1 (5) - fc2 (4 classes).
INPUT = [1, 8, 8]
LAYERS = [["conv1", "conv"], ["conv2", "conv"], ["fc1", "hidden"], ["fc2", "output"]]
WIDTHS = [2, 3, 5, 4]
FC_ONLY = {"input_dim": [1, 2, 3], "layers": [["fc1", "hidden"], ["fc2", "output"]], "widths": [4, 3]}
SMALL = {"input_dim": INPUT, "layers": LAYERS, "widths": WIDTHS}
BASE_W = [f"{p}{i}" for i in (1, 2, 3) for p in ("W", "b")]  # the parameters below the head on fc1
STAGES = ("fc.affine_forward", "fc.relu_forward")
STAGES_BACK = STAGES + ("fc.affine_backward", "fc.relu_backward", "fc.softmax_loss")

ITEMS = register(
    Item("tl.extract_features", points=4, function="transfer.extract_features", kind="features", recipe="stages",
         returns=(), notebook=NB, uses=STAGES,
         public=(Case("conv2 features of 5 images, batches of 2", seed=801, N=5, layer="conv2", batch_size=2, **SMALL),
                 Case("fc1 features", seed=802, N=3, layer="fc1", **SMALL)),
         hidden=2,
         mistakes={"stops_one_stage_early": "run stages 1 .. layer INCLUDING the stage named layer (its output is "
                                            "the feature)",
                   "last_batch_dropped": "the last minibatch may be smaller than batch_size: cover every example "
                                         "(range(0, N, batch_size))",
                   "flattened_channels_last": "flatten each example's (C, H, W) output in C order: "
                                              "h.reshape(len(h), -1), no transpose"}),
    Item("tl.reinit_last_layer", points=3, function="transfer.reinit_last_layer", kind="reinit", recipe="stages",
         returns=(), notebook=NB,
         public=(Case("4 classes -> 6", seed=811, num_classes=6, model_seed=3, **SMALL),
                 Case("a new draw for the same 4 classes", seed=812, num_classes=4, model_seed=5, **SMALL)),
         hidden=1,
         mistakes={"old_bias_kept": "replace the bias too: b{L} = zeros(num_classes) from head_weights",
                   "D_from_columns": "D is the number of features the output stage takes: W{L}.shape[0], not "
                                     "its number of classes",
                   "first_layer_replaced": "the output stage is the LAST one, index L = len(model.layers)",
                   "seed_ignored": "pass the caller's seed to head_weights (not a fixed one): each seed gives its "
                                   "own new weights"}),
    Item("tl.head_on_base_init", points=3, function="transfer.HeadOnBase", kind="head_init", recipe="stages",
         returns=(), notebook=NB,
         public=(Case("a probe on fc1: every kept stage frozen", seed=821, layer="fc1", num_classes=3, freeze=True,
                      model_seed=2, **SMALL),
                 Case("a head on conv2, nothing frozen", seed=822, layer="conv2", num_classes=5, freeze=False,
                      model_seed=4, **SMALL)),
         hidden=1,
         mistakes={"base_params_shared": "copy the base's arrays (base.params[p].copy()): a shared array lets "
                                         "training change the pretrained model",
                   "everything_frozen": "freeze only the stages named in freeze (True: all kept stages; False: "
                                        "none)",
                   "head_frozen_too": "the head always trains: freeze only copied stages, never W{k+1} and b{k+1}",
                   "head_seed_ignored": "the head's weights come from head_weights(D, num_classes, seed, "
                                        "base.dtype): pass the caller's seed, not a fixed one"}),
    Item("tl.head_on_base_loss", points=6, function="transfer.HeadOnBase", kind="head_loss", recipe="stages",
         returns=(), rtol=1e-5, notebook=NB, uses=STAGES_BACK + ("tl.head_on_base_init",),
         public=(Case("frozen base: the head's gradients only, then 2 SGD steps", seed=831, N=4, layer="fc1",
                      num_classes=3, head=["fc1", 3], labels=True, frozen=BASE_W, train_steps=2, **SMALL),
                 Case("nothing frozen: gradients down to conv1", seed=832, N=3, layer="conv2", num_classes=4,
                      head=["conv2", 4], labels=True, frozen=[], **SMALL),
                 Case("conv2 frozen between trainable stages", seed=834, N=3, layer="conv2", num_classes=3,
                      head=["conv2", 3], labels=True, frozen=["W2", "b2"], train_steps=1, **SMALL),
                 Case("scores", seed=833, N=3, layer="fc1", num_classes=2, head=["fc1", 2], frozen=BASE_W, **SMALL)),
         hidden=1,
         mistakes={"frozen_gradients_returned": "leave frozen parameters out of grads: the Solver updates "
                                                "every parameter that has a gradient",
                   "backprop_stops_at_first_frozen": "a frozen stage still passes the gradient down to the "
                                                     "trainable stages below it; only its own W and b get none",
                   "head_gradient_only": "backpropagate from the head down to the lowest stage that trains: every "
                                         "parameter not frozen gets its gradient"}),
    Item("tl.scaled_step", points=5, function="transfer.scaled_step", kind="scaled_step", recipe="param_steps",
         returns=(), notebook=NB,
         public=(Case("adam, pretrained W1/b1 at 0.1, 3 steps", seed=841,
                      shapes={"W1": [3, 2], "b1": [2], "W2": [2, 2]}, steps=3, rule="adam", learning_rate=0.01,
                      multipliers={"W1": 0.1, "b1": 0.1}),
                 Case("sgd, W1/b1 frozen, W2 at 0.5, 2 steps", seed=842,
                      shapes={"W1": [2, 2], "b1": [2], "W2": [2, 3]}, steps=2, rule="sgd", learning_rate=0.1,
                      multipliers={"W1": 0.0, "b1": 0.0, "W2": 0.5}, frozen_grads=True)),
         hidden=2,
         mistakes={"gradient_scaled": "scale the LEARNING RATE, not the gradient: Adam divides the gradient by its "
                                      "own running scale, so a scaled gradient changes nothing",
                   "multiplier_compounded": "set config['learning_rate'] = learning_rate * m afresh at every step; "
                                            "multiplying the stored rate again shrinks it step after step",
                   "frozen_rule_called": "a multiplier of 0 means no call of the rule at all: its state (Adam's t, "
                                         "m, v) must not move either",
                   "default_multiplier_zero": "parameters without a multiplier learn at the base rate (multiplier "
                                              "1)"}),
    Item("tl.transfer_model", points=10, function="artifacts.transfer_model", kind="artifact", recipe="nothing",
         returns=(), public=(), notebook=NB, artifact="artifacts/transfer_model.npz",
         targets={"digits": (0.85, 0.95)}),  # the reference (head kept, 100 labels per class): 0.980
)
