"""The ConvolutionalNetworks notebook's experiments, each with its settings; every claim the notebook makes
is a number computed here (and asserted in tests/test_conv_lessons.py).

The student's package (nnkit) is imported when an experiment runs, from the folder next to the notebook.
"""
import copy

import numpy as np

from .conv_models import POOL_2X2, NormConvNet
from .data import load_photo, subset
from .progress import progress_bar
from .reg_models import _nnkit
from .solver import Solver, accuracy

# --- Settings (the notebook shows these) ------------------------------------------------------------------

CNN = {"num_filters": 32, "filter_size": 5, "hidden_dim": 128, "weight_scale": 1e-2}
TRAIN = {"update_rule": "adam", "optim_config": {"learning_rate": 2e-3}, "lr_schedule": "cosine",
         "batch_size": 64, "num_epochs": 5}
OVERFIT = {"num_train": 100, "num_epochs": 20, "batch_size": 25}
NORM_STUDY = {"num_train": 2000, "batch_sizes": (1, 4, 32), "num_epochs": 2, "learning_rate": 1e-2,
              "gap_images": 500}
AUGMENT_STUDY = {"num_train": 500, "num_epochs": 30, "pad": 1, "flip": True}
FC_REFERENCE = {"val": 0.870, "heldout": 0.858}  # the FullyConnectedNets notebook's reference best model

SOBEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])


def gaussian(k=5, sigma=1.0):
    """A k x k Gaussian blur kernel that sums to 1."""
    r = np.arange(k) - (k - 1) / 2
    g = np.exp(-r ** 2 / (2 * sigma ** 2))
    kernel = np.outer(g, g)
    return kernel / kernel.sum()


def demo_filters(C):
    """Hand-made filters for a C-channel image, each applied to the channels' mean, padded to 5 x 5:
    {name: (C, 5, 5)}. The Sobel filters respond to intensity changes along x (vertical edges) and along y."""
    def on_gray(kernel):
        k = np.zeros((5, 5))
        o = (5 - kernel.shape[0]) // 2
        k[o:o + kernel.shape[0], o:o + kernel.shape[1]] = kernel
        return np.repeat(k[None] / C, C, axis=0)
    return {"blur (5x5 Gaussian)": on_gray(gaussian(5, 1.0)), "vertical edges (Sobel x)": on_gray(SOBEL),
            "horizontal edges (Sobel y)": on_gray(SOBEL.T)}


def roughness(image):
    """Mean squared difference between horizontally and vertically neighbouring pixels of a (H, W) map: high
    for fine detail and noise, low for smooth maps."""
    return float((np.diff(image, axis=0) ** 2).mean() + (np.diff(image, axis=1) ** 2).mean())


def filter_photo(name="cat", conv_forward=None):
    """The demo filters applied to a photo with a convolutional layer (the student's conv_forward_naive unless
    another function with its signature is given), stride 1, size-preserving padding 2.

    Returns a dict: "photo" (C, H, W); "gray" (H, W), the channels' mean; "responses" {filter name: (H, W)};
    "roughness" {"gray": ..., "blur (5x5 Gaussian)": ...} (see roughness(); the blur's is far below the photo's);
    "stripes" {"x": ..., "y": ...}: mean |response| of the two Sobel filters on an image of vertical stripes
    (only x answers).
    """
    conv_forward = conv_forward or _nnkit("conv_layers").conv_forward_naive
    photo = load_photo(name)
    filters = demo_filters(photo.shape[0])
    w = np.stack(list(filters.values()))
    out, _ = conv_forward(photo[None], w, np.zeros(len(w)), {"stride": 1, "pad": 2})
    responses = dict(zip(filters, out[0]))
    gray = photo.mean(axis=0)
    result = {"photo": photo, "gray": gray, "responses": responses,
              "roughness": {"gray": roughness(gray), "blur": roughness(responses["blur (5x5 Gaussian)"])},
              "stripes": _stripe_responses(conv_forward)}
    return result


def _stripe_responses(conv_forward):
    """On a synthetic image of vertical stripes 4 pixels wide: {"x": mean |Sobel x|, "y": mean |Sobel y|}."""
    stripes = np.tile(np.repeat([0.0, 1.0], 4), 4)[None, None, None, :] * np.ones((1, 1, 32, 1))
    w = np.stack([demo_filters(1)[k] for k in ("vertical edges (Sobel x)", "horizontal edges (Sobel y)")])
    out, _ = conv_forward(stripes, w, np.zeros(2), {"stride": 1, "pad": 2})
    inner = np.abs(out[0, :, 4:-4, 4:-4])  # away from the zero-padded border
    return {"x": float(inner[0].mean()), "y": float(inner[1].mean())}


def fast_agreement(seed=0):
    """Largest relative error (checks.numeric.rel_error) between the student's naive layers and the given fast
    ones, float64, on a 3x3 convolution with pad 1 (stride 1 and stride 2) and a 2x2 max pool:
    {"conv out", "conv dx", "conv dw", "conv db", "pool out", "pool dx"}."""
    from .gradcheck import rel_error
    naive, fast = _nnkit("conv_layers"), _nnkit("fast_layers")
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((4, 3, 11, 11)), rng.standard_normal((5, 3, 3, 3)), rng.standard_normal(5)
    errors = dict.fromkeys(("conv out", "conv dx", "conv dw", "conv db"), 0.0)
    for stride in (1, 2):
        conv_param = {"stride": stride, "pad": 1}
        (out_n, cache_n), (out_f, cache_f) = (m(x, w, b, conv_param) for m in (naive.conv_forward_naive,
                                                                                  fast.conv_forward_fast))
        dout = rng.standard_normal(out_n.shape)
        grads = zip(naive.conv_backward_naive(dout, cache_n), fast.conv_backward_fast(dout, cache_f))
        for key, (a, c) in zip(("conv out", "conv dx", "conv dw", "conv db"), [(out_n, out_f), *grads]):
            errors[key] = max(errors[key], rel_error(a, c))
    h = rng.standard_normal((4, 5, 10, 10))
    (out_n, cache_n), (out_f, cache_f) = naive.max_pool_forward_naive(h, POOL_2X2), fast.max_pool_forward_fast(
        h, POOL_2X2)
    dout = rng.standard_normal(out_n.shape)
    errors["pool out"] = rel_error(out_n, out_f)
    errors["pool dx"] = rel_error(naive.max_pool_backward_naive(dout, cache_n), fast.max_pool_backward_fast(dout, cache_f))
    return errors


def output_size(n, k, pad=0, stride=1):
    """Output length 1 + (n + 2 pad - k) / stride of a convolution or pool along one axis, or None when the
    stride does not divide n + 2 pad - k (the layer would raise)."""
    span = n + 2 * pad - k
    return None if span < 0 or span % stride else 1 + span // stride


SIZE_EXAMPLES = ((28, 5, 2, 1), (28, 3, 0, 1), (28, 2, 0, 2), (32, 3, 1, 2), (32, 5, 0, 3), (7, 3, 1, 2))


def size_table(examples=SIZE_EXAMPLES):
    """[(n, k, pad, stride, output size or None)] for the notebook's output-size arithmetic."""
    return [(n, k, p, s, output_size(n, k, p, s)) for n, k, p, s in examples]


def receptive_fields(layers):
    """Receptive field (in input pixels, along one axis) after each layer of a stack [(name, k, stride)]:
    r_l = r_{l-1} + (k_l - 1) * (product of the strides before layer l). Returns [(name, r_l)]."""
    r, jump, out = 1, 1, []
    for name, k, stride in layers:
        r += (k - 1) * jump
        jump *= stride
        out.append((name, r))
    return out


STACKS = {"ThreeLayerConvNet (5x5 conv, 2x2 pool)": [("conv 5x5", 5, 1), ("pool 2x2", 2, 2)],
          "three 3x3 convs": [("conv 3x3", 3, 1)] * 3,
          "one 7x7 conv": [("conv 7x7", 7, 1)],
          "conv-pool x 3 (3x3 convs)": [("conv 3x3", 3, 1), ("pool 2x2", 2, 2)] * 3}


def stack_weights(k, depth, C):
    """Weights of `depth` stacked k x k conv layers with C channels in and out (biases aside): depth · k² · C²."""
    return depth * k * k * C * C


# --- The ThreeLayerConvNet ---------------------------------------------------------------------------------

def new_cnn(seed=0, dtype=np.float32, **overrides):
    """The student's ThreeLayerConvNet for 1 x 28 x 28 images and 10 classes, with CNN's settings (overridden by
    keyword)."""
    return _nnkit("cnn").ThreeLayerConvNet(input_dim=(1, 28, 28), num_classes=10, dtype=dtype, seed=seed,
                                           **{**CNN, **overrides})


def initial_loss(data, n=500, seed=0):
    """(loss of a freshly initialized CNN on n training images, log(10)): small weights give near-uniform
    scores, so the softmax loss starts at about log(C)."""
    model = new_cnn(seed)
    loss, _ = model.loss(data["X_train"][:n], data["y_train"][:n])
    return float(loss), float(np.log(10))


def overfit_small(data, seed=0):
    """Train a CNN on OVERFIT["num_train"] images only (TRAIN's update rule and rate, no schedule). Returns the Solver (train_acc_history reaches 1.0;
    val_acc_history stays far below)."""
    solver = Solver(new_cnn(seed), subset(data, OVERFIT["num_train"]), update_rule=TRAIN["update_rule"],
                    optim_config=TRAIN["optim_config"], batch_size=OVERFIT["batch_size"],
                    num_epochs=OVERFIT["num_epochs"], num_train_samples=None, seed=seed)
    solver.train()
    return solver


def train_cnn(data, seed=0, **overrides):
    """A CNN (CNN's settings) trained with TRAIN's on all training images. Returns the Solver; its model holds
    the best epoch's parameters (by validation accuracy)."""
    solver = Solver(new_cnn(seed), data, **{**TRAIN, **overrides}, num_train_samples=1000, seed=seed)
    solver.train()
    return solver


def your_fc_model_accuracy(folder="."):
    """Validation accuracy of the saved FullyConnectedNets best model (artifacts/best_model.npz in folder), with
    the grader's forward pass; None when there is none yet."""
    from checks.check import check_artifact
    from checks.items import find
    verdict = check_artifact(find("best_model"), folder)
    return None if verdict.error else verdict.accuracy


def feature_maps(model, image):
    """The first layer's outputs for one image (C, H, W): conv, ReLU and pool, (F, H/2, W/2) (the fast layers,
    as the model computes them)."""
    from nnkit.layer_utils import conv_relu_pool_forward
    W1 = model.params["W1"]
    out, _ = conv_relu_pool_forward(image[None].astype(W1.dtype), W1, model.params["b1"],
                                    {"stride": 1, "pad": (W1.shape[2] - 1) // 2}, POOL_2X2)
    return out[0]


# --- Normalization in a CNN ---------------------------------------------------------------------------------

def norm_study(data, seed=0):
    """NormConvNet with no normalization, spatial batch norm and group norm, trained with SGD + momentum for the
    same epochs on NORM_STUDY["num_train"] images at each batch size (the rate scaled with the batch size).

    Returns {"batch_sizes": [...], norm name: {"val": [validation accuracy per batch size], "mode_gap": [...]}}:
    mode_gap is mode_gap() of the trained net at its training batch size — how much worse the test-mode net
    (running statistics) does than the net as it was trained (each batch's own statistics).
    """
    small = subset(data, NORM_STUDY["num_train"])
    results = {"batch_sizes": list(NORM_STUDY["batch_sizes"])}
    runs = [(norm, b) for norm in ("none", "batchnorm", "groupnorm") for b in NORM_STUDY["batch_sizes"]]
    for norm, b in progress_bar(runs, desc="normalization x batch size"):
        model = NormConvNet(None if norm == "none" else norm, seed=seed)
        lr = NORM_STUDY["learning_rate"] * b / max(NORM_STUDY["batch_sizes"])
        Solver(model, small, update_rule="sgd_momentum", optim_config={"learning_rate": lr}, batch_size=b,
               num_epochs=NORM_STUDY["num_epochs"], num_train_samples=500, seed=seed, progress=False).train()
        r = results.setdefault(norm, {"val": [], "mode_gap": []})
        r["val"].append(accuracy(model, data["X_val"], data["y_val"]))
        r["mode_gap"].append(mode_gap(model, small["X_train"][:NORM_STUDY["gap_images"]],
                                      small["y_train"][:NORM_STUDY["gap_images"]], b))
    return results


def mode_gap(model, X, y, batch_size):
    """Mean softmax loss on (X, y) of the test-mode net minus that of the train-mode net, which normalizes each
    batch of batch_size with the batch's own statistics (as in training); the model's state is left as it was.
    0 for a net whose layers do the same in both modes (no normalization, group norm)."""
    softmax_loss = _nnkit("layers").softmax_loss
    state = copy.deepcopy(model.norm_params)
    train_loss = test_loss = 0.0
    for i in range(0, len(X), batch_size):
        Xb, yb = X[i:i + batch_size], y[i:i + batch_size]
        train_loss += model.loss(Xb, yb)[0] * len(Xb)
        model.norm_params = copy.deepcopy(state)  # the forward pass in train mode updated the running statistics
        test_loss += softmax_loss(model.loss(Xb), yb)[0] * len(Xb)
    model.norm_params = state
    return float((test_loss - train_loss) / len(X))


# --- Data augmentation ---------------------------------------------------------------------------------------

def flips_and_shifts(X, rng):
    """The student's random_flip (if AUGMENT_STUDY["flip"]), then random_crop with AUGMENT_STUDY["pad"] (for
    Solver(augment=...))."""
    augment = _nnkit("augment")
    if AUGMENT_STUDY["flip"]:
        X = augment.random_flip(X, rng)
    return augment.random_crop(X, rng, pad=AUGMENT_STUDY["pad"])


def augment_study(data, seed=0):
    """The CNN trained on AUGMENT_STUDY["num_train"] images with and without flips and shifts, same epochs.

    Returns {"without": {...}, "with": {...}}, each {"train", "val", "gap", "val_history"} (accuracies of the
    last epoch's model; train on the training images without augmentation)."""
    small = subset(data, AUGMENT_STUDY["num_train"])
    results = {}
    for name, augment in progress_bar([("without", None), ("with", flips_and_shifts)], desc="augmentation"):
        solver = Solver(new_cnn(seed), small, **{**TRAIN, "num_epochs": AUGMENT_STUDY["num_epochs"]},
                        num_train_samples=None, seed=seed, augment=augment, progress=False,
                        snapshot_epochs=(AUGMENT_STUDY["num_epochs"],))
        solver.train()
        model = solver.model
        model.params = solver.snapshots[-1][0]  # the last epoch's parameters
        train = accuracy(model, small["X_train"], small["y_train"])
        val = accuracy(model, data["X_val"], data["y_val"])
        results[name] = {"train": train, "val": val, "gap": train - val, "val_history": list(solver.val_acc_history)}
    return results
