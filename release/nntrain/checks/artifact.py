"""Scoring a saved model (artifacts/best_model.npz) by its accuracy; nothing the student wrote is run.

The file holds plain arrays only (read with allow_pickle=False): W1..WL, b1..bL, optional mean_image and
std, and meta (a JSON string). The forward pass here is the kit's own: affine-ReLU layers, affine last.
"""
import json
from pathlib import Path

import numpy as np

PATH = "artifacts/best_model.npz"
MAX_PARAMS = 10_000_000
# dataset -> (accuracy at which the score starts above zero, accuracy for full marks).
# Fashion-MNIST: the reference notebook's model reaches 0.858 on the held-out split (0.870 on validation);
# full marks from 0.84.
TARGETS = {"fashion_mnist": (0.70, 0.84), "cifar10": (0.35, 0.50)}
INPUT_SHAPES = {"fashion_mnist": (1, 28, 28), "cifar10": (3, 32, 32)}


class ArtifactError(Exception):
    """The file is missing or is not a model this kit can evaluate; the message says what is wrong."""


def load(path):
    """Validated arrays of a saved model: dict with layers [(W, b)...], mean_image, std, meta."""
    path = Path(path)
    if not path.exists():
        raise ArtifactError(f"{PATH} not found: run the last section of FullyConnectedNets (save_model) "
                            f"and include artifacts/ in your submission")
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same message
        raise ArtifactError(f"{PATH} is not a readable .npz of plain arrays ({type(exc).__name__})") from None
    try:
        meta = json.loads(str(arrays.get("meta", "{}")))
    except ValueError:
        raise ArtifactError(f"{PATH}: meta is not JSON") from None
    L = 0
    while f"W{L + 1}" in arrays:
        L += 1
    if L == 0:
        raise ArtifactError(f"{PATH} has no W1; save it with utils.artifacts.save_model")
    layers = []
    for i in range(1, L + 1):
        W, b = arrays.get(f"W{i}"), arrays.get(f"b{i}")
        if b is None or W.ndim != 2 or b.shape != (W.shape[1],):
            raise ArtifactError(f"{PATH}: layer {i} has W {getattr(W, 'shape', None)} and b "
                                f"{getattr(b, 'shape', None)}; expected (D, M) and (M,)")
        if layers and layers[-1][0].shape[1] != W.shape[0]:
            raise ArtifactError(f"{PATH}: W{i - 1} gives {layers[-1][0].shape[1]} features but W{i} takes {W.shape[0]}")
        if W.dtype.kind != "f" or not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ArtifactError(f"{PATH}: layer {i} holds non-float or NaN/inf values")
        layers.append((W.astype(np.float64), b.astype(np.float64)))
    if sum(W.size + b.size for W, b in layers) > MAX_PARAMS:
        raise ArtifactError(f"{PATH}: more than {MAX_PARAMS} parameters")
    std = float(arrays["std"]) if "std" in arrays else 1.0
    mean = arrays.get("mean_image")
    return {"layers": layers, "mean_image": None if mean is None else mean.astype(np.float64), "std": std,
            "meta": meta}


def predict(model, images, batch=1000):
    """Class predictions (N,) for uint8 images (N, H, W) or (N, C, H, W) with a model from load()."""
    X = images.astype(np.float64) / 255.0
    if X.ndim == 3:
        X = X[:, None]
    D = model["layers"][0][0].shape[0]
    if model["mean_image"] is not None:
        if model["mean_image"].shape != X.shape[1:]:
            raise ArtifactError(f"{PATH}: mean_image is {model['mean_image'].shape}, images are {X.shape[1:]}")
        X = X - model["mean_image"]
    X = X / (model["std"] if model["std"] > 0 else 1.0)
    X = X.reshape(len(X), -1)
    if X.shape[1] != D:
        raise ArtifactError(f"{PATH}: W1 takes D={D} features but these images have {X.shape[1]}")
    preds = []
    for i in range(0, len(X), batch):
        h = X[i:i + batch]
        for W, b in model["layers"][:-1]:
            h = np.maximum(0, h @ W + b)
        W, b = model["layers"][-1]
        preds.append(np.argmax(h @ W + b, axis=1))
    return np.concatenate(preds)


def score(accuracy, points, dataset="fashion_mnist"):
    """Points for an accuracy: 0 at or below the floor, full at or above the target, linear between."""
    floor, target = TARGETS[dataset]
    return round(points * float(np.clip((accuracy - floor) / (target - floor), 0.0, 1.0)), 2)


def verdict(item, path, images, labels, split):
    """Verdict on a saved model: accuracy on (images, labels) of the named split, scored against TARGETS.

    Args:
        item: the artifact Item.
        path: the .npz file.
        images: uint8 (N, H, W) or (N, C, H, W).
        labels: (N,) ints.
        split: name of the split for the message ("held-out", "validation").
    """
    from .compare import CaseResult
    from .verdict import Verdict
    v = Verdict(item.id, item.name, item.points)
    try:
        model = load(path)
        dataset = model["meta"].get("dataset", "fashion_mnist")
        if dataset not in TARGETS:
            raise ArtifactError(f"{PATH}: unknown dataset {dataset!r} in meta; expected one of {sorted(TARGETS)}")
        acc = float(np.mean(predict(model, images) == labels))
    except ArtifactError as exc:
        v.error = str(exc)
        v.fixed_score = 0.0
        v.cases = [CaseResult(split, passed=False)]
        return v
    floor, target = TARGETS[dataset]
    v.fixed_score = score(acc, item.points, dataset)
    problems = [] if acc >= target else [f"accuracy {acc:.3f} on the {split} split; full marks from {target:.2f}, "
                                         f"none at or below {floor:.2f}"]
    v.cases = [CaseResult(f"{split} accuracy {acc:.3f} (target {target:.2f})", passed=acc >= target,
                          problems=problems)]
    return v
