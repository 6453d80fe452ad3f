"""Rebuild the embedded Fashion-MNIST subset from Debian's `dataset-fashion-mnist` package.

Run: python datasets/make_fashion_subset.py [--src /usr/share/datasets/fashion-mnist]

Writes datasets/fashion_mnist_subset.npz (what students get) and autograder/fixtures/heldout.npz (a split
students never see, used to score saved models). The choice of examples is fixed by SEED; the script checks
the source files' SHA-256 first, so the arrays are exactly the committed ones.
"""
import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np

SEED = 231
SOURCE_SHA256 = {
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}
# Examples per class in each split (10 classes).
PER_CLASS = {"train": 1000, "val": 100, "test": 100, "heldout": 200}
ROOT = Path(__file__).resolve().parent.parent


def read_idx(path):
    """Read a gzipped IDX file into a uint8 array: images (N, 28, 28) or labels (N,)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def balanced_pick(y, per_class, rng, exclude=()):
    """Indices into y with `per_class` examples of each class, avoiding `exclude`, in a shuffled order."""
    excluded = np.zeros(len(y), bool)
    excluded[list(exclude)] = True
    picks = [rng.choice(np.flatnonzero((y == c) & ~excluded), per_class, replace=False) for c in range(10)]
    idx = np.concatenate(picks)
    return idx[rng.permutation(len(idx))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default="/usr/share/datasets/fashion-mnist")
    src = Path(parser.parse_args().src)
    for name, digest in SOURCE_SHA256.items():
        got = hashlib.sha256((src / name).read_bytes()).hexdigest()
        if got != digest:
            raise SystemExit(f"{src / name}: SHA-256 {got}, expected {digest}")
    Xtr, ytr = read_idx(src / "train-images-idx3-ubyte.gz"), read_idx(src / "train-labels-idx1-ubyte.gz")
    Xte, yte = read_idx(src / "t10k-images-idx3-ubyte.gz"), read_idx(src / "t10k-labels-idx1-ubyte.gz")
    rng = np.random.default_rng(SEED)
    i_train = balanced_pick(ytr, PER_CLASS["train"], rng)
    i_val = balanced_pick(ytr, PER_CLASS["val"], rng, exclude=i_train)
    i_test = balanced_pick(yte, PER_CLASS["test"], rng)
    i_held = balanced_pick(yte, PER_CLASS["heldout"], rng, exclude=i_test)
    np.savez_compressed(
        ROOT / "datasets" / "fashion_mnist_subset.npz",
        X_train=Xtr[i_train], y_train=ytr[i_train], X_val=Xtr[i_val], y_val=ytr[i_val],
        X_test=Xte[i_test], y_test=yte[i_test],
        source_index_train=i_train, source_index_val=i_val, source_index_test=i_test)
    np.savez_compressed(ROOT / "autograder" / "fixtures" / "heldout.npz",
                        X=Xte[i_held], y=yte[i_held], source_index=i_held)
    print("train", len(i_train), "val", len(i_val), "test", len(i_test), "heldout", len(i_held))


if __name__ == "__main__":
    main()
