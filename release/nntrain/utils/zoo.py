"""The kit's model zoo: small ConvNets it pretrains itself (offline, reproducibly), for the TransferLearning
notebook.

Each entry of ZOO is a recipe: architecture (nnkit.convnet.ConvNet arguments), source data (a
utils.data.load_dataset name), training settings and seed. `datasets/pretrain.py NAME` trains it with the kit's
own layers and writes datasets/zoo_<NAME>.npz (the weights, in the plain-array format of
utils.artifacts.save_model) and its entry in datasets/zoo.json (the manifest): the data file's and the
weights' SHA-256, the accuracy on the source's test split, the command, the license of the data, the size.
load_pretrained(NAME) gives the model back, refusing weights whose hash is not the manifest's.

Inputs are the images' pixels in [0, 1] (no mean subtraction), for the source and for any target.
"""
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from .data import datasets_dir, load_dataset
from .reg_models import _nnkit
from .solver import Solver, accuracy

MANIFEST = "zoo.json"
ARCH = {"input_dim": [1, 28, 28], "conv_filters": [16, 32], "hidden_dims": [128], "num_classes": 10,
        "filter_size": 3}
TRAIN = {"update_rule": "adam", "learning_rate": 2e-3, "lr_schedule": "cosine", "batch_size": 64, "num_epochs": 15}
ZOO = {
    "mnist5k-cnn": {"data": "mnist5k", "data_file": "mnist5k.npz", "architecture": ARCH, "train": TRAIN,
                    "seed": 0, "license": "weights: the kit's (see README); data: MNIST, CC BY-SA 3.0"},
    "fashion-cnn": {"data": "fashion_mnist", "data_file": "fashion_mnist_subset.npz", "architecture": ARCH,
                    "train": TRAIN, "seed": 0,
                    "license": "weights: the kit's (see README); data: Fashion-MNIST, MIT (Zalando SE)"},
    "cifar10-cnn": {"data": "cifar10", "data_file": "cifar-10-batches-py/data_batch_1", "train": TRAIN, "seed": 0,
                    "architecture": {**ARCH, "input_dim": [3, 32, 32]},
                    "license": "weights: the kit's; data: CIFAR-10 (not redistributed; python datasets/fetch_cifar10.py)"},
}


class ZooError(Exception):
    """A zoo model is unknown, missing, or its weights are not the ones the manifest records."""


def sha256(path):
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(root=None):
    """{name: entry} from datasets/zoo.json ({} when there is none yet)."""
    path = Path(root or datasets_dir()) / MANIFEST
    return json.loads(path.read_text()) if path.exists() else {}


def source_data(name, root=None):
    """The recipe's source dataset (load_dataset dict: pixels in [0, 1], no mean subtraction)."""
    return load_dataset(ZOO[name]["data"], subtract_mean=False, unit_std=False, root=root)


def new_model(name, seed=None):
    """A freshly initialized ConvNet with the recipe's architecture (float32)."""
    arch = ZOO[name]["architecture"]
    return _nnkit("convnet").ConvNet(input_dim=tuple(arch["input_dim"]), conv_filters=tuple(arch["conv_filters"]),
                                     hidden_dims=tuple(arch["hidden_dims"]), num_classes=arch["num_classes"],
                                     filter_size=arch["filter_size"], seed=seed)


def pretrain(name, root=None, progress=True):
    """Train the recipe `name` from its seed; returns (model, facts) with facts the manifest entry's measured
    part: val_accuracy, test_accuracy, seconds."""
    if name not in ZOO:
        raise ZooError(f"unknown zoo model {name!r}; the recipes are {sorted(ZOO)}")
    recipe, start = ZOO[name], time.time()
    data, train = source_data(name, root), recipe["train"]
    model = new_model(name, seed=recipe["seed"])
    solver = Solver(model, data, update_rule=train["update_rule"],
                    optim_config={"learning_rate": train["learning_rate"]}, lr_schedule=train["lr_schedule"],
                    batch_size=train["batch_size"], num_epochs=train["num_epochs"], num_train_samples=1000,
                    progress=progress, seed=recipe["seed"])
    solver.train()
    return model, {"val_accuracy": accuracy(model, data["X_val"], data["y_val"]),
                   "test_accuracy": accuracy(model, data["X_test"], data["y_test"]),
                   "seconds": round(time.time() - start, 1)}


def save_pretrained(name, model, facts, root=None, command=None):
    """Write datasets/zoo_<name>.npz and the manifest entry; returns the entry."""
    from .artifacts import save_model
    root = Path(root or datasets_dir())
    recipe = ZOO[name]
    weights = save_model(model, root / f"zoo_{name}.npz", dataset=recipe["data"], note=f"zoo model {name}")
    entry = {"name": name, "file": weights.name, "architecture": recipe["architecture"], "source": recipe["data"],
             "data_file": recipe["data_file"], "data_sha256": sha256(root / recipe["data_file"]),
             "train": recipe["train"], "seed": recipe["seed"], **facts, "license": recipe["license"],
             "weights_sha256": sha256(weights), "size_bytes": weights.stat().st_size,
             "num_params": int(sum(v.size for v in model.params.values())),
             "command": command or f"python datasets/pretrain.py {name}"}
    manifest = read_manifest(root)
    manifest[name] = entry
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return entry


def load_pretrained(name, root=None):
    """The zoo model `name` as a ConvNet (float32), its weights checked against the manifest's SHA-256.

    The manifest entry is attached as model.zoo_entry. Raises ZooError when the name is not in the manifest,
    the weights file is missing, or its hash differs (a changed or corrupted file).
    """
    root = Path(root or datasets_dir())
    manifest = read_manifest(root)
    if name not in manifest:
        raise ZooError(f"no zoo model {name!r} in {root / MANIFEST}; available: {sorted(manifest)} "
                       f"(train one with: python datasets/pretrain.py NAME)")
    entry = manifest[name]
    path = root / entry["file"]
    if not path.exists():
        raise ZooError(f"{path} is missing; it ships with the kit (or rebuild it: {entry['command']})")
    digest = sha256(path)
    if digest != entry["weights_sha256"]:
        raise ZooError(f"{path} has SHA-256 {digest[:12]}..., the manifest records {entry['weights_sha256'][:12]}...: "
                       f"the weights are not the shipped ones (restore the file or rerun {entry['command']})")
    model = new_model(name)
    with np.load(path, allow_pickle=False) as f:
        for k in model.params:
            if f[k].shape != model.params[k].shape:
                raise ZooError(f"{path}: {k} is {f[k].shape}, the architecture needs {model.params[k].shape}")
            model.params[k] = f[k].astype(model.dtype)
    model.zoo_entry = entry
    return model


def zoo_table(root=None):
    """The manifest as rows for display: name, source, test accuracy, parameters, size (KB), license."""
    return [{"name": e["name"], "source": e["source"], "test accuracy": e["test_accuracy"],
             "parameters": e["num_params"], "size (KB)": round(e["size_bytes"] / 1024), "license": e["license"]}
            for e in read_manifest(root).values()]
