"""The reference nnkit.transfer and nnkit.convnet: gradients against numeric ones, frozen parameters that stay
bit-identical through the Solver, per-parameter learning rates, features that match the model's own forward
pass; the model zoo's loader, its hash check, and the pretraining script reproducing the shipped accuracy."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from autograder.bank.numeric import eval_numerical_gradient, rel_error
from nnkit.convnet import ConvNet
from nnkit.transfer import HeadOnBase, extract_features, reinit_last_layer
from utils import zoo
from utils.gradcheck import check_model_gradients
from utils.solver import Solver, accuracy

ROOT = zoo.datasets_dir().parent


def small_net(seed=0, **kw):
    return ConvNet(input_dim=(2, 8, 8), conv_filters=(3, 4), hidden_dims=(6,), num_classes=5, dtype=np.float64,
                   seed=seed, **kw)


def batch(N=4, C=5, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, 2, 8, 8)), rng.integers(0, C, N)


def test_convnet_gradients_match_numeric_ones_with_and_without_l2():
    X, y = batch()
    for reg in (0.0, 0.3):
        errors = check_model_gradients(small_net(reg=reg), X, y, verbose=False)
        assert max(errors.values()) < 1e-6, errors


def test_convnet_stage_names_and_feature_sizes():
    net = small_net()
    assert net.layers == (("conv1", "conv"), ("conv2", "conv"), ("fc1", "hidden"), ("fc2", "output"))
    assert net.feature_dims == {"conv1": 3 * 4 * 4, "conv2": 4 * 2 * 2, "fc1": 6, "fc2": 5}
    with pytest.raises(ValueError, match="divisible by 4"):
        ConvNet(input_dim=(1, 6, 6))


@pytest.mark.parametrize("freeze", [True, False, ("conv1",), ("conv2",)])
def test_head_on_base_gradients_are_numeric_ones_and_frozen_ones_are_absent(freeze):
    base = small_net()
    head = HeadOnBase(base, "conv2", 3, freeze=freeze, seed=2)
    X, y = batch(C=3)
    loss, grads = head.loss(X, y)
    assert set(grads) == set(head.params) - head.frozen
    for name, g in grads.items():
        numeric = eval_numerical_gradient(lambda _: head.loss(X, y)[0], head.params[name])
        assert rel_error(numeric, g) < 1e-6, name
    assert head.params["W3"].shape == (16, 3)


def test_a_frozen_base_stays_bit_identical_through_the_solver_and_the_pretrained_model_never_changes():
    base = small_net()
    original = {k: v.copy() for k, v in base.params.items()}
    head = HeadOnBase(base, "fc1", 5, freeze=True, seed=0)
    start = {k: v.copy() for k, v in head.params.items()}
    X, y = batch(N=40, seed=3)
    Solver(head, {"X_train": X, "y_train": y, "X_val": X, "y_val": y}, update_rule="adam",
           optim_config={"learning_rate": 1e-2}, batch_size=10, num_epochs=3, progress=False).train()
    for k in head.frozen:
        assert np.array_equal(head.params[k], start[k]), k
    assert not np.array_equal(head.params["W4"], start["W4"])
    head.frozen = set()  # LP-FT's second phase: everything trains, the base model still untouched
    Solver(head, {"X_train": X, "y_train": y, "X_val": X, "y_val": y}, update_rule="adam",
           optim_config={"learning_rate": 1e-3}, batch_size=10, num_epochs=2, progress=False).train()
    assert not np.array_equal(head.params["W1"], start["W1"])
    for k, v in base.params.items():
        assert np.array_equal(v, original[k]), k


def test_solver_lr_multipliers_scale_each_parameters_sgd_step():
    net = small_net()
    X, y = batch(N=8)
    start = {k: v.copy() for k, v in net.params.items()}
    _, grads = net.loss(X, y)
    solver = Solver(net, {"X_train": X, "y_train": y, "X_val": X, "y_val": y}, update_rule="sgd",
                    optim_config={"learning_rate": 0.1}, batch_size=8, num_epochs=1, progress=False,
                    lr_multipliers={"W1": 0.5, "b1": 0.0})
    solver.rng = np.random.default_rng(0)
    solver._step(0, 1)  # one full-batch step (the minibatch is a permutation of the same 8 examples)
    np.testing.assert_allclose(net.params["W1"], start["W1"] - 0.05 * grads["W1"], rtol=1e-10)
    np.testing.assert_allclose(net.params["W2"], start["W2"] - 0.1 * grads["W2"], rtol=1e-10)
    assert np.array_equal(net.params["b1"], start["b1"])
    with pytest.raises(ValueError, match="learning_rate"):
        Solver(net, {"X_train": X, "y_train": y, "X_val": X, "y_val": y}, lr_multipliers={"W1": 0.1})


def test_features_of_the_last_stage_are_the_scores_in_any_batch_size():
    net, (X, _) = small_net(), batch(N=7)
    before = {k: v.copy() for k, v in net.params.items()}
    np.testing.assert_allclose(extract_features(net, X, "fc2", batch_size=3), net.loss(X), rtol=1e-12)
    np.testing.assert_array_equal(extract_features(net, X, "conv2", batch_size=2), extract_features(net, X, "conv2"))
    assert extract_features(net, X[:0], "conv1").shape == (0, 48)
    assert all(np.array_equal(v, before[k]) for k, v in net.params.items())
    with pytest.raises(ValueError, match="conv3"):
        extract_features(net, X, "conv3")


def test_reinit_last_layer_gives_a_fresh_head_and_keeps_the_rest():
    net = small_net()
    kept = {k: net.params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")}
    assert reinit_last_layer(net, 7, seed=1) is net
    assert net.params["W4"].shape == (6, 7) and np.array_equal(net.params["b4"], np.zeros(7))
    assert net.num_classes == 7 and all(net.params[k] is v for k, v in kept.items())
    X, y = batch(C=7)
    assert net.loss(X).shape == (4, 7) and max(check_model_gradients(net, X, y, verbose=False).values()) < 1e-6


# --- The zoo ----------------------------------------------------------------------------------------------------

def test_every_shipped_zoo_model_loads_and_scores_its_manifest_accuracy():
    manifest = zoo.read_manifest()
    assert {"mnist5k-cnn", "fashion-cnn"} <= set(manifest)
    for name, entry in manifest.items():
        model = zoo.load_pretrained(name)
        data = zoo.source_data(name)
        assert accuracy(model, data["X_test"], data["y_test"]) == pytest.approx(entry["test_accuracy"], abs=1e-9)
        assert zoo.sha256(zoo.datasets_dir() / entry["data_file"]) == entry["data_sha256"]
        assert entry["size_bytes"] < 2 * 2**20 and entry["command"].startswith("python datasets/pretrain.py")


def test_load_pretrained_refuses_changed_or_missing_weights_and_unknown_names(tmp_path):
    for f in ("zoo.json", "zoo_mnist5k-cnn.npz"):
        shutil.copy(zoo.datasets_dir() / f, tmp_path / f)
    assert zoo.load_pretrained("mnist5k-cnn", root=tmp_path).params["W1"].shape == (16, 1, 3, 3)
    data = bytearray((tmp_path / "zoo_mnist5k-cnn.npz").read_bytes())
    data[-100] ^= 1
    (tmp_path / "zoo_mnist5k-cnn.npz").write_bytes(bytes(data))
    with pytest.raises(zoo.ZooError, match="not the shipped ones"):
        zoo.load_pretrained("mnist5k-cnn", root=tmp_path)
    (tmp_path / "zoo_mnist5k-cnn.npz").unlink()
    with pytest.raises(zoo.ZooError, match="missing"):
        zoo.load_pretrained("mnist5k-cnn", root=tmp_path)
    with pytest.raises(zoo.ZooError, match="no zoo model 'imagenet'"):
        zoo.load_pretrained("imagenet", root=tmp_path)


def test_the_pretraining_script_reproduces_the_shipped_accuracy():
    done = subprocess.run([sys.executable, str(ROOT / "datasets" / "pretrain.py"), "--check", "mnist5k-cnn"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "reproduced" in done.stdout
    shipped = json.loads((zoo.datasets_dir() / "zoo.json").read_text())["mnist5k-cnn"]["test_accuracy"]
    assert f"test accuracy {shipped:.4f}" in done.stdout


def test_the_saved_transfer_model_is_scored_on_the_held_out_digits(tmp_path):
    from autograder import paths
    from autograder.bank.check import check_artifact
    from autograder.bank.items import REGISTRY
    from autograder.grade import grade_artifact
    item = REGISTRY["tl.transfer_model"]
    (tmp_path / "artifacts").mkdir()
    shutil.copy(paths.ROOT / "autograder" / "samples" / "reference_transfer_model.npz",
                tmp_path / "artifacts" / "transfer_model.npz")
    verdict = grade_artifact(tmp_path, item)
    with np.load(paths.HELDOUT_FILES["digits"]) as f:
        assert len(f["y"]) == 400
    assert verdict.accuracy >= 0.95 and verdict.score == item.points, verdict.text()
    assert "validation accuracy" in check_artifact(item, folder=tmp_path).text()
    fashion = tmp_path / "artifacts" / "transfer_model.npz"
    shutil.copy(paths.ROOT / "autograder" / "samples" / "reference_cnn_model.npz", fashion)
    assert grade_artifact(tmp_path, item).score == 0  # a Fashion-MNIST model: its dataset has no target here
