"""Packing a submission, and scoring a saved model from its file alone."""
import json
import shutil
import zipfile

import numpy as np
import pytest

from autograder import paths
from autograder.bank import artifact, pack
from autograder.bank.items import REGISTRY
from autograder.grade import grade_item
from autograder.samples import REFERENCE_MODEL
from autograder.unpack import unpack
from conftest import make_submission

BEST = REGISTRY["fc.best_model"]


def write_notebook(path, counts):
    cells = [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": c}
             for c in counts]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


@pytest.mark.parametrize("counts, problem", [([1, 2, 3], None), ([None, None], "was never run"),
                                             ([1, None, 2], "were not run"), ([3, 1, 2], "not run in order"),
                                             ([5, 6, 7], "not run in order")],
                         ids=["clean run", "never run", "skipped cell", "out of order", "not a fresh kernel"])
def test_pack_flags_notebooks_not_run_top_to_bottom(tmp_path, counts, problem):
    write_notebook(tmp_path / "nb.ipynb", counts)
    problems = pack.notebook_problems(tmp_path / "nb.ipynb")
    assert (problems == []) if problem is None else any(problem in p for p in problems)


def test_pack_zips_package_notebooks_and_model_and_the_grader_reads_it(tmp_path):
    folder = make_submission(tmp_path)
    write_notebook(folder / "FullyConnectedNets.ipynb", [2, 1])
    (folder / "artifacts").mkdir()
    shutil.copy(REFERENCE_MODEL, folder / "artifacts" / "best_model.npz")
    (folder / "datasets").mkdir()
    (folder / "datasets" / "big.npz").write_bytes(b"0" * 1000)
    renamed = folder.parent / "my copy of the assignment"
    folder.rename(renamed)
    folder = renamed
    out, files, warnings = pack.pack(folder)
    assert out.name == f"submission_{paths.ASSIGNMENT}.zip" and pack.ASSIGNMENT == paths.ASSIGNMENT
    names = zipfile.ZipFile(out).namelist()
    assert "nnkit/layers.py" in names and "artifacts/best_model.npz" in names and "FullyConnectedNets.ipynb" in names
    assert not [n for n in names if n.startswith("datasets")]
    assert any("not run in order" in w for w in warnings)
    ws = unpack(out)
    assert grade_item(ws.root, BEST, {}).score == BEST.points


def test_reference_model_scores_full_marks_and_the_scale_is_linear():
    with np.load(paths.HELDOUT) as f:
        verdict = artifact.verdict(BEST, REFERENCE_MODEL, f["X"], f["y"], "held-out")
    assert verdict.score == 12 and "held-out accuracy 0.85" in verdict.text()
    floor, target = artifact.TARGETS["fashion_mnist"]
    assert artifact.score(floor, 12) == 0 and artifact.score(target, 12) == 12
    assert artifact.score((floor + target) / 2, 12) == 6


@pytest.mark.parametrize("arrays, message", [
    ({"b1": np.zeros(10)}, "has no W1"),
    ({"W1": np.zeros((784, 10)), "b1": np.zeros(3)}, "expected (D, M) and (M,)"),
    ({"W1": np.full((784, 10), np.nan), "b1": np.zeros(10)}, "NaN/inf"),
    ({"W1": np.zeros((784, 5)), "b1": np.zeros(5), "W2": np.zeros((6, 10)), "b2": np.zeros(10)}, "gives 5 features"),
    ({"W1": np.zeros((100, 10)), "b1": np.zeros(10)}, "W1 takes D=100 features"),
], ids=["no W1", "bias shape", "NaN", "chain", "input size"])
def test_broken_model_files_score_zero_with_a_reason(tmp_path, arrays, message):
    np.savez(tmp_path / "m.npz", **arrays)
    with np.load(paths.HELDOUT) as f:
        verdict = artifact.verdict(BEST, tmp_path / "m.npz", f["X"][:50], f["y"][:50], "held-out")
    assert verdict.score == 0 and message in verdict.error


def test_pack_command_prints_warnings_before_the_file_to_upload(tmp_path, capsys):
    folder = make_submission(tmp_path)
    write_notebook(folder / "FullyConnectedNets.ipynb", [None])
    pack.main([str(folder)])
    out = capsys.readouterr().out
    missing = [n for n in pack.notebooks() if n != "FullyConnectedNets"] + [it.artifact for it in pack.artifact_items()]
    assert f"!!! {1 + len(missing)} WARNINGS" in out and "was never run" in out
    for name in missing:  # every graded notebook and every saved model is asked for (not only the first notebook's)
        assert f"{name}.ipynb is missing" in out or f"{name} is missing" in out
    assert "BatchNormalization.ipynb is missing" in out and "artifacts/best_model.npz is missing" in out
    assert out.strip().splitlines()[-1].startswith("upload this file: ")


def _cnn_arrays(rng, F=4, k=3, hidden=6):
    return {"W1": 0.3 * rng.standard_normal((F, 1, k, k)), "b1": 0.1 * rng.standard_normal(F),
            "W2": 0.1 * rng.standard_normal((F * 14 * 14, hidden)), "b2": 0.1 * rng.standard_normal(hidden),
            "W3": rng.standard_normal((hidden, 10)), "b3": rng.standard_normal(10)}


def test_the_graders_cnn_forward_is_the_reference_conv_relu_pool_and_affine_layers(tmp_path):
    from nnkit.conv_layers import conv_forward_naive, max_pool_forward_naive
    from nnkit.layers import affine_forward
    rng = np.random.default_rng(5)
    arrays = _cnn_arrays(rng, k=5)
    np.savez(tmp_path / "cnn.npz", **arrays, std=np.array(0.5))
    images = rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    model = artifact.load(tmp_path / "cnn.npz")
    X = images[:, None] / 255.0 / 0.5
    a, _ = conv_forward_naive(X, arrays["W1"], arrays["b1"], {"stride": 1, "pad": 2})
    h, _ = max_pool_forward_naive(np.maximum(a, 0), {"pool_height": 2, "pool_width": 2, "stride": 2})
    h = np.maximum(0, affine_forward(h, arrays["W2"], arrays["b2"])[0])
    scores = affine_forward(h, arrays["W3"], arrays["b3"])[0]
    assert np.array_equal(artifact.predict(model, images), scores.argmax(axis=1))


@pytest.mark.parametrize("change, message", [
    ({"W1": np.zeros((4, 1, 2, 2))}, "odd k"),
    ({"b1": np.zeros(3)}, "b (F,)"),
    ({"W1": np.zeros((4, 3, 3, 3))}, "takes 3 channels"),
    ({"W2": np.zeros((100, 6))}, "W2 takes D=100 features but these images give 784 after the convolutional"),
    ({"W3": np.zeros((6, 10, 1, 1))}, "expected (D, M) and (M,) (convolutional layers, 4-D, come first)"),
], ids=["even kernel", "bias", "channels", "flattened size", "conv after affine"])
def test_broken_cnn_files_score_zero_with_a_reason(tmp_path, change, message):
    np.savez(tmp_path / "m.npz", **{**_cnn_arrays(np.random.default_rng(0)), **change})
    with np.load(paths.HELDOUT) as f:
        verdict = artifact.verdict(BEST, tmp_path / "m.npz", f["X"][:20], f["y"][:20], "held-out")
    assert verdict.score == 0 and message in verdict.error, verdict.error
