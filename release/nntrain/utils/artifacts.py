"""Saving a trained model in the plain-array format the grader reads (no pickle)."""
import json
from pathlib import Path

import numpy as np

FORMAT = "nnkit-fc-v1"   # affine layers only; with a 4-D W1 (ThreeLayerConvNet's conv layer) "nnkit-cnn-v1"


def save_model(model, path, mean_image=None, std=1.0, dataset="fashion_mnist", note=""):
    """Save a FullyConnectedNet's or a ThreeLayerConvNet's parameters and preprocessing to an .npz the grader
    can score.

    Args:
        model: a FullyConnectedNet (params W1..WL, b1..bL; no normalization) or a ThreeLayerConvNet (W1 (F, C, k,
            k), b1, W2, b2, W3, b3).
        path: file to write, e.g. "artifacts/best_model.npz" (folders are created).
        mean_image: (C, H, W) mean training image subtracted from inputs (data["mean_image"]), or None.
        std: the scalar inputs were divided by after that (data["std"]).
        dataset: "fashion_mnist" or "cifar10", the data it was trained on (decides the grader's test set).
        note: free text kept with the model (your hyperparameters, say).

    Returns:
        Path written.
    """
    if getattr(model, "normalization", None) is not None:
        raise ValueError("save_model: this format holds affine-ReLU nets only; build the net with normalization=None")
    L = getattr(model, "num_layers", None) or sum(1 for k in model.params if k.startswith("W"))
    missing = [k for i in range(1, L + 1) for k in (f"W{i}", f"b{i}") if k not in model.params]
    if missing:
        raise ValueError(f"save_model: model.params lacks {missing}")
    arrays = {k: np.asarray(model.params[k], dtype=np.float32) for i in range(1, L + 1)
              for k in (f"W{i}", f"b{i}")}
    fmt = "nnkit-cnn-v1" if np.ndim(model.params["W1"]) == 4 else FORMAT
    meta = {"format": fmt, "num_layers": L, "dataset": dataset, "note": str(note)}
    arrays["std"] = np.array(float(std))
    arrays["meta"] = np.array(json.dumps(meta))
    if mean_image is not None:
        arrays["mean_image"] = np.asarray(mean_image, dtype=np.float32)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path
