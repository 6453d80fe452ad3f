"""The data loader API: one function, every dataset, arrays shaped (N, C, H, W)."""
import os
from pathlib import Path

import numpy as np

FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
DIGIT_CLASSES = tuple(str(d) for d in range(10))
NPZ_DATASETS = {  # name: (file in datasets/, class names, script that rebuilds it)
    "fashion_mnist": ("fashion_mnist_subset.npz", FASHION_CLASSES, "make_fashion_subset.py"),
    "mnist5k": ("mnist5k.npz", DIGIT_CLASSES, "make_digit_sets.py"),
    "digits": ("digits8x8.npz", DIGIT_CLASSES, "make_digit_sets.py"),
}
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
SPLITS = ("train", "val", "test")


def datasets_dir():
    """Folder holding the data: $NNKIT_DATA if set, else datasets/ beside utils/ (in the repo or the release)."""
    env = os.environ.get("NNKIT_DATA")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "datasets"


def load_dataset(name="fashion_mnist", subtract_mean=True, unit_std=True, num_train=None, num_val=None,
                 num_test=None, dtype=np.float32, root=None):
    """Load a dataset as float images in [0, 1], optionally centred and scaled by training-set statistics.

    Args:
        name: "fashion_mnist" (the embedded default: 10000 train, 1000 val, 1000 test, 1 x 28 x 28),
            "mnist5k" (embedded: 5000 MNIST digits, 4000 train, 500 val, 500 test, 1 x 28 x 28),
            "digits" (embedded: the UCI 8x8 digits blown up to 1 x 28 x 28, 1000 train, 150 val, 247 test; the
            original 8x8 images are the X8_* arrays of datasets/digits8x8.npz) or
            "cifar10" (after `python datasets/fetch_cifar10.py`: 49000 train, 1000 val, 10000 test, 3 x 32 x 32).
        subtract_mean: subtract the mean training image from every split.
        unit_std: then divide every split by the standard deviation of all training pixels (one scalar), so
            inputs have unit variance and a weight scale of about 1/sqrt(D) keeps activations steady.
        num_train, num_val, num_test: keep only the first this many of each split (None: all).
        dtype: float dtype of the images.
        root: folder holding the data files (default: datasets_dir()).

    Returns:
        dict with X_train (N_train, C, H, W), y_train (N_train,) int64, X_val, y_val, X_test, y_test,
        class_names (tuple of C names), mean_image (C, H, W; zeros unless subtract_mean) and std (float;
        1.0 unless unit_std). A model sees (X_uint8 / 255 - mean_image) / std.
    """
    root = Path(root) if root is not None else datasets_dir()
    if name in NPZ_DATASETS:
        filename, classes, script = NPZ_DATASETS[name]
        raw = _load_npz(root, filename, script)
    elif name == "cifar10":
        from .cifar10 import load_cifar10_splits
        raw, classes = load_cifar10_splits(root / "cifar-10-batches-py"), CIFAR10_CLASSES
    else:
        raise ValueError(f"load_dataset: unknown name {name!r}; expected one of "
                         f"{', '.join(repr(n) for n in (*NPZ_DATASETS, 'cifar10'))}")
    limits = {"train": num_train, "val": num_val, "test": num_test}
    data = {}
    for split in SPLITS:
        X, y = raw[f"X_{split}"], raw[f"y_{split}"]
        n = limits[split]
        data[f"X_{split}"] = images_to_float(X[:n], dtype)
        data[f"y_{split}"] = y[:n].astype(np.int64)
    mean = data["X_train"].mean(axis=0) if subtract_mean else np.zeros_like(data["X_train"][0])
    std = float((data["X_train"] - mean).std()) if unit_std else 1.0
    for split in SPLITS:
        data[f"X_{split}"] = ((data[f"X_{split}"] - mean) / std).astype(dtype)
    data["mean_image"], data["std"] = mean, std
    data["class_names"] = classes
    return data


def subset(data, n):
    """The first n training examples of data (from load_dataset), with its whole validation split: a dict for
    the Solver."""
    return {"X_train": data["X_train"][:n], "y_train": data["y_train"][:n], "X_val": data["X_val"],
            "y_val": data["y_val"]}


PHOTOS = ("cat", "camera")


def load_photo(name="cat", root=None):
    """A demo photo from datasets/photos.npz (CC0, see datasets/README.md) as floats in [0, 1], shaped (C, H, W):
    "cat" (3, 150, 225) RGB, "camera" (1, 256, 256) gray."""
    if name not in PHOTOS:
        raise ValueError(f"load_photo: unknown photo {name!r}; one of {PHOTOS}")
    path = Path(root or datasets_dir()) / "photos.npz"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; it ships with the kit in datasets/ (rebuild: "
                                f"datasets/make_photos.py)")
    with np.load(path) as f:
        image = f[name]
    image = image[None] if image.ndim == 2 else image.transpose(2, 0, 1)
    return image.astype(np.float64) / 255.0


def images_to_float(X, dtype=np.float32):
    """uint8 images (N, H, W) or (N, C, H, W) -> floats in [0, 1] shaped (N, C, H, W)."""
    X = np.asarray(X)
    if X.ndim == 3:
        X = X[:, None]
    if X.ndim != 4:
        raise ValueError(f"images_to_float: expected (N, H, W) or (N, C, H, W) images, got shape {X.shape}")
    return X.astype(dtype) / 255.0


def _load_npz(root, filename, script):
    """The arrays of an embedded dataset file (X_train, y_train, ..., see datasets/README.md) as a dict."""
    path = root / filename
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: it ships with the kit (datasets/{filename}); restore it from "
                                f"the repository (or rebuild it: datasets/{script}) or set NNKIT_DATA to the folder "
                                f"holding it")
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


if __name__ == "__main__":  # `python -m utils.data`: check the embedded data loads
    data = load_dataset()
    sizes = ", ".join(f"{split} {len(data[f'y_{split}'])}" for split in SPLITS)
    print(f"Fashion-MNIST subset OK ({sizes}; images {data['X_train'].shape[1:]}) in {datasets_dir()}")
