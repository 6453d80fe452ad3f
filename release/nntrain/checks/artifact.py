"""Scoring a saved model (an artifact item's file, e.g. artifacts/best_model.npz) by its accuracy; nothing the
student wrote is run.

The file holds plain arrays only (read with allow_pickle=False): W1..WL, b1..bL, optional mean_image and
std, and meta (a JSON string). The forward pass here is the kit's own: a 4-D W (F, C, k, k) is a convolution
(stride 1, size-preserving zero padding (k - 1) / 2, odd k) followed by ReLU and 2x2 max pooling (stride 2) —
ThreeLayerConvNet's first layer; a 2-D W is an affine layer, followed by ReLU except the last.
"""
import json
from pathlib import Path

import numpy as np

PATH = "artifacts/best_model.npz"
MAX_PARAMS = 10_000_000
MAX_BYTES = 8 * MAX_PARAMS + 2**20  # float64 parameters, plus mean image and meta
MISSING = "not found: run the last section of"  # the start of a missing model's reason (report.py groups them)
MAX_MACS = 20_000_000  # multiply-adds per image (the reference CNN needs 1.4 million): bounds the grading time
# dataset -> (accuracy at which the score starts above zero, accuracy for full marks).
# Fashion-MNIST: the reference notebook's model reaches 0.858 on the held-out split (0.870 on validation);
# full marks from 0.84.
TARGETS = {"fashion_mnist": (0.70, 0.84), "cifar10": (0.35, 0.50), "digits": (0.85, 0.95)}
INPUT_SHAPES = {"fashion_mnist": (1, 28, 28), "cifar10": (3, 32, 32), "digits": (1, 28, 28)}


class ArtifactError(Exception):
    """The file is missing or is not a model this kit can evaluate; the message says what is wrong."""


def _array(arrays, key, name, kinds="f"):
    """arrays[key] (or None when absent), refused with a reason unless its dtype kind is in kinds and it is finite."""
    if key not in arrays:
        return None
    value = arrays[key]
    if value.dtype.kind not in kinds:
        raise ArtifactError(f"{name}: {key} has dtype {value.dtype}; expected floating-point numbers")
    if not np.isfinite(value).all():
        raise ArtifactError(f"{name}: {key} holds NaN/inf values")
    return value.astype(np.float64)


def _meta(arrays, name):
    if "meta" not in arrays:
        return {}
    value = arrays["meta"]
    if value.dtype.kind != "U" or value.ndim != 0 or value.size != 1:
        raise ArtifactError(f"{name}: meta must be one JSON string, got dtype {value.dtype} and shape {value.shape}")
    try:
        meta = json.loads(str(value))
    except ValueError:
        raise ArtifactError(f"{name}: meta is not JSON") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("dataset", ""), str):
        raise ArtifactError(f"{name}: meta must be a JSON object (with a string \"dataset\"), "
                            f"got {type(meta).__name__}")
    return meta


def load(path, name=PATH, notebook="FullyConnectedNets"):
    """Validated arrays of a saved model: dict with layers [(W, b)...], mean_image, std, meta.

    Each array's dtype and size are checked from the file's headers before anything is loaded, so a small
    file that declares a huge array is refused without allocating it. Raises ArtifactError saying what is
    wrong; `name` is the file as the student knows it, `notebook` the one whose last section saves it.
    """
    from .safe_npz import NpzError, read_npz
    path = Path(path)
    if not path.exists():
        raise ArtifactError(f"{name} {MISSING} {notebook} (save_model) "
                            f"and include artifacts/ in your submission")
    try:
        arrays = read_npz(path, MAX_BYTES, kinds="biufU", max_members=100)
    except NpzError as exc:
        raise ArtifactError(f"{name} is not a readable .npz of plain arrays: {exc}") from None
    meta = _meta(arrays, name)
    L = 0
    while f"W{L + 1}" in arrays:
        L += 1
    if L == 0:
        raise ArtifactError(f"{name} has no W1; save it with utils.artifacts.save_model")
    layers = []
    for n in range(1, L + 1):
        W, b = _array(arrays, f"W{n}", name), _array(arrays, f"b{n}", name)
        if W.ndim == 4 and (not layers or layers[-1][0].ndim == 4):
            if b is None or b.shape != (W.shape[0],) or W.shape[2] != W.shape[3] or W.shape[2] % 2 == 0 or (
                    layers and layers[-1][0].shape[0] != W.shape[1]):
                raise ArtifactError(f"{name}: convolutional layer {n} has W {W.shape} and b {getattr(b, 'shape', None)}"
                                    f"; expected (F, C, k, k) with odd k, C the previous layer's F, and b (F,)")
            layers.append((W, b))
            continue
        if b is None or W.ndim != 2 or b.shape != (W.shape[1],):
            raise ArtifactError(f"{name}: layer {n} has W {getattr(W, 'shape', None)} and b "
                                f"{getattr(b, 'shape', None)}; expected (D, M) and (M,) (convolutional layers, "
                                f"4-D, come first)")
        if layers and layers[-1][0].ndim == 2 and layers[-1][0].shape[1] != W.shape[0]:
            raise ArtifactError(f"{name}: W{n - 1} gives {layers[-1][0].shape[1]} features but W{n} takes {W.shape[0]}")
        layers.append((W, b))
    if layers[-1][0].ndim == 4:
        raise ArtifactError(f"{name}: the last layer W{L} is convolutional; the scores come from an affine layer")
    if sum(W.size + b.size for W, b in layers) > MAX_PARAMS:
        raise ArtifactError(f"{name}: more than {MAX_PARAMS} parameters")
    std = _array(arrays, "std", name, "biuf")
    if std is not None and (std.size != 1 or float(std.reshape(-1)[0]) <= 0):
        raise ArtifactError(f"{name}: std must be one positive number, got shape {std.shape}")
    return {"layers": layers, "mean_image": _array(arrays, "mean_image", name),
            "std": 1.0 if std is None else float(std.reshape(-1)[0]), "meta": meta, "name": name}


def predict(model, images, batch=1000):
    """Class predictions (N,) for uint8 images (N, H, W) or (N, C, H, W) with a model from load()."""
    name = model.get("name", PATH)
    X = images.astype(np.float64) / 255.0
    if X.ndim == 3:
        X = X[:, None]
    if model["mean_image"] is not None:
        if model["mean_image"].shape != X.shape[1:]:
            raise ArtifactError(f"{name}: mean_image is {model['mean_image'].shape}, images are {X.shape[1:]}")
        X = X - model["mean_image"]
    X = X / (model["std"] if model["std"] > 0 else 1.0)
    convs = [(W, b) for W, b in model["layers"] if W.ndim == 4]
    affines = model["layers"][len(convs):]
    shape, macs = X.shape[1:], sum(W.size for W, _ in affines)
    for n, (W, _) in enumerate(convs, start=1):
        if W.shape[1] != shape[0] or shape[1] % 2 or shape[2] % 2:
            raise ArtifactError(f"{name}: convolutional layer {n} takes {W.shape[1]} channels and an even height "
                                f"and width; its input is {shape}")
        macs += W.size * shape[1] * shape[2]
        shape = (W.shape[0], shape[1] // 2, shape[2] // 2)
    if macs > MAX_MACS:
        raise ArtifactError(f"{name}: the model needs {macs:,} multiply-adds per image; the grader evaluates at most "
                            f"{MAX_MACS:,}")
    D = affines[0][0].shape[0] if affines else None
    if D != int(np.prod(shape)):
        raise ArtifactError(f"{name}: W{len(convs) + 1} takes D={D} features but these images give "
                            f"{int(np.prod(shape))}" + (" after the convolutional layers" if convs else ""))
    preds = []
    batch = batch // 4 if convs else batch  # a conv layer's activations are F · H · W per image
    for i in range(0, len(X), batch):
        h = X[i:i + batch]
        for W, b in convs:
            h = _conv_relu_pool(h, W, b)
        h = h.reshape(len(h), -1)
        for W, b in affines[:-1]:
            h = np.maximum(0, h @ W + b)
        W, b = affines[-1]
        preds.append(np.argmax(h @ W + b, axis=1))
    return np.concatenate(preds)


def _conv_relu_pool(x, w, b):
    """The grader's own conv (stride 1, padding (k - 1) / 2) - ReLU - 2x2 max pool, for x (N, C, H, W) with even
    H and W and w (F, C, k, k): returns (N, F, H / 2, W / 2)."""
    N, C, H, W = x.shape
    F, _, k, _ = w.shape
    pad = (k - 1) // 2
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])  # (the given fast_layers compute the same)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(2, 3))   # (N, C, H, W, k, k)
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * H * W, C * k * k)
    out = np.maximum(0, cols @ w.reshape(F, -1).T + b).reshape(N, H // 2, 2, W // 2, 2, F)
    return out.max(axis=(2, 4)).transpose(0, 3, 1, 2)


def score(accuracy, points, dataset="fashion_mnist", targets=None):
    """Points for an accuracy: 0 at or below the floor, full at or above the target, linear between."""
    floor, target = (targets or TARGETS)[dataset]
    return round(points * float(np.clip((accuracy - floor) / (target - floor), 0.0, 1.0)), 2)


def verdict(item, path, images, labels, split):
    """Verdict on a saved model: accuracy on (images, labels) of the named split, scored against TARGETS.

    Args:
        item: the artifact Item.
        path: the .npz file (item.artifact in the submission).
        images: uint8 (N, H, W) or (N, C, H, W).
        labels: (N,) ints.
        split: name of the split for the message ("held-out", "validation").
    """
    from .compare import CaseResult
    from .verdict import Verdict
    v = Verdict(item.id, item.name, item.points)
    targets = item.targets or TARGETS
    name = item.artifact
    try:
        model = load(path, name, item.notebook)
        dataset = model["meta"].get("dataset", "fashion_mnist")
        if dataset not in targets:
            raise ArtifactError(f"{name}: unknown dataset {dataset!r} in meta; expected one of {sorted(targets)}")
        acc = float(np.mean(predict(model, images) == labels))
    except ArtifactError as exc:
        v.error = str(exc)
        v.fixed_score = 0.0
        v.cases = [CaseResult(split, passed=False)]
        return v
    floor, target = targets[dataset]
    v.fixed_score = score(acc, item.points, dataset, targets)
    v.accuracy = acc
    problems = [] if acc >= target else [f"accuracy {acc:.3f} on the {split} split; full marks from {target:.2f}, "
                                         f"none at or below {floor:.2f}"]
    v.cases = [CaseResult(f"{split} accuracy {acc:.3f} (target {target:.2f})", passed=acc >= target,
                          problems=problems)]
    return v
