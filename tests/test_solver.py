"""The Solver trains, keeps the best parameters and its histories; schedules give the documented factors."""
import math

import numpy as np
import pytest

from nnkit.fc_net import FullyConnectedNet
from utils import schedules
from utils.solver import Solver


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((3, 5)) * 3
    y = rng.integers(0, 3, 300)
    X = centers[y] + rng.standard_normal((300, 5))
    return {"X_train": X[:200], "y_train": y[:200], "X_val": X[200:], "y_val": y[200:]}


@pytest.mark.parametrize("rule, lr", [("sgd", 0.1), ("sgd_momentum", 0.05), ("nesterov_momentum", 0.05),
                                      ("adagrad", 0.1), ("rmsprop", 0.01), ("adam", 0.01)])
def test_every_rule_learns_separable_blobs(blobs, rule, lr):
    model = FullyConnectedNet([20], input_dim=5, num_classes=3, weight_scale=0.1, seed=0)
    solver = Solver(model, blobs, update_rule=rule, optim_config={"learning_rate": lr}, num_epochs=10,
                    batch_size=20, progress=False).train()
    assert solver.best_val_acc > 0.9
    assert len(solver.train_acc_history) == 10 and len(solver.loss_history) == 100
    assert solver.loss_history[-1] < solver.loss_history[0]


def test_best_parameters_are_kept_and_checkpoints_are_plain_npz(blobs, tmp_path):
    model = FullyConnectedNet([10], input_dim=5, num_classes=3, weight_scale=0.1, seed=0)
    solver = Solver(model, blobs, update_rule="adam", optim_config={"learning_rate": 1e-2}, num_epochs=3,
                    batch_size=50, checkpoint_name=str(tmp_path / "ck"), progress=False).train()
    assert solver.best_val_acc == max(solver.val_acc_history)
    with np.load(tmp_path / "ck_epoch_3.npz", allow_pickle=False) as f:
        assert "param/W1" in f.files and int(f["epoch"]) == 3


def test_optimizer_state_is_per_parameter(blobs):
    model = FullyConnectedNet([10], input_dim=5, num_classes=3, seed=0)
    solver = Solver(model, blobs, update_rule="sgd_momentum", num_epochs=1, batch_size=50, progress=False).train()
    assert solver.optim_configs["W1"]["velocity"].shape == (5, 10)
    assert solver.optim_configs["b2"]["velocity"].shape == (3,)


def test_bad_data_and_unknown_rules_are_named(blobs):
    model = FullyConnectedNet([10], input_dim=5, num_classes=3, seed=0)
    with pytest.raises(ValueError, match="missing \\['X_val'\\]"):
        Solver(model, {k: v for k, v in blobs.items() if k != "X_val"})
    with pytest.raises(ValueError, match="unknown update_rule 'adamw'"):
        Solver(model, blobs, update_rule="adamw")
    with pytest.raises(ValueError, match="unknown name 'linear'"):
        Solver(model, blobs, lr_schedule="linear")


def test_schedule_factors_at_known_points():
    T = 100
    assert schedules.step(every=0.25, factor=0.5)(60, T) == 0.25
    assert schedules.exponential(final=0.01)(50, T) == pytest.approx(0.1)
    assert schedules.cosine()(50, T) == pytest.approx(0.5) and schedules.cosine()(T, T) == pytest.approx(0.0)
    warm = schedules.warmup(fraction=0.1)
    assert warm(0, T) == pytest.approx(0.1) and warm(9, T) == pytest.approx(1.0)
    assert warm(10, T) == pytest.approx(1.0) and warm(55, T) == pytest.approx(0.5 * (1 + math.cos(math.pi * 45 / 90)))


def test_solver_applies_the_schedule_to_the_learning_rate(blobs):
    model = FullyConnectedNet([10], input_dim=5, num_classes=3, seed=0)
    solver = Solver(model, blobs, optim_config={"learning_rate": 0.1}, lr_schedule="cosine", num_epochs=2,
                    batch_size=50, progress=False).train()
    assert solver.lr_history[0] == pytest.approx(0.1) and solver.lr_history[-1] < 0.01


def test_update_to_weight_ratios_are_recorded_per_parameter(blobs):
    model = FullyConnectedNet([10], input_dim=5, num_classes=3, weight_scale=0.1, seed=0)
    solver = Solver(model, blobs, optim_config={"learning_rate": 1e-3}, num_epochs=1, batch_size=50,
                    progress=False).train()
    ratios = solver.update_ratios["W1"]
    assert len(ratios) == 4 and all(0 < r < 1e-1 for r in ratios)
    assert solver.update_ratios["b1"][0] == 0.0  # biases start at zero: no ratio to speak of


def test_a_diverging_sweep_run_is_reported_not_warned_about(recwarn, capsys):
    import warnings
    from utils import sweeps
    from utils.data import load_dataset
    from nnkit.fc_net import FullyConnectedNet
    data = load_dataset("fashion_mnist", num_train=50, num_val=20)
    tiny = {k: data[k] for k in ("X_train", "y_train", "X_val", "y_val")}
    warnings.simplefilter("error")  # any RuntimeWarning (overflow) would fail the test
    result = sweeps.weight_scale_sweep(lambda dims, ws, seed: FullyConnectedNet(dims, weight_scale=ws, seed=seed),
                                       tiny, [1e-2, 10.0], {"5 layers": ([20] * 4, 1.0)}, num_epochs=2)
    r = result["5 layers"]
    assert r["diverged"].tolist() == [False, True]
    assert np.isnan(r["accuracy"][1]) and 0 <= r["accuracy"][0] <= 1
    out = capsys.readouterr()
    assert "weight scales: 100%" in out.out and out.err == ""  # a text bar on stdout, nothing pink
