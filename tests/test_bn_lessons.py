"""The BatchNormalization notebook's claims, asserted on the numbers utils/bn_lessons.py computes with the
notebook's own settings (the reference layers and net stand in for a student's correct ones)."""
import numpy as np
import pytest

from nnkit.fc_net import FullyConnectedNet
from nnkit.layers import (batchnorm_backward, batchnorm_backward_alt, batchnorm_forward, layernorm_backward,
                          layernorm_forward)
from utils import bn_lessons as L
from utils.gradcheck import check_model_gradients, rel_error


def test_standardizing_makes_the_loss_much_less_sensitive_to_the_weights():
    effect = L.normalization_effect(*L.offset_blobs())
    raw, std = effect["raw"], effect["standardized"]
    assert raw["accuracy"] == std["accuracy"] > 0.98                    # "both fits classify equally well"
    assert raw["condition"] / std["condition"] > 1000                   # "thousands of times more uneven": 12 091x
    assert raw["loss_change"] / std["loss_change"] > 10                 # "tens of times more": 72x
    assert raw["flipped"] / std["flipped"] > 10                         # "over ten times as many": 16x


def test_batchnorm_output_has_mean_beta_and_std_gamma_and_test_mode_is_close_after_warm_up():
    rng = np.random.default_rng(231)
    a = L.activations(rng)
    D = a.shape[1]
    gamma, beta = np.linspace(1, 3, D), np.linspace(-2, 2, D)
    mean, std = L.feature_stats(batchnorm_forward(a, gamma, beta, {"mode": "train"})[0])
    assert np.abs(mean - beta).max() < 1e-12 and np.abs(std - gamma).max() < 1e-4
    bn_param = L.warm_up(batchnorm_forward, np.ones(D), np.zeros(D), steps=50)
    bn_param["mode"] = "test"
    mean, std = L.feature_stats(batchnorm_forward(L.activations(rng), np.ones(D), np.zeros(D), bn_param)[0])
    assert np.abs(mean).mean() < 0.1 and 0.8 < std.min() and std.max() < 1.25   # "close to 0 and 1, not exact"
    assert np.abs(mean).max() > 1e-3                                             # ... and indeed not exact


@pytest.mark.parametrize("forward,backward", [(batchnorm_forward, batchnorm_backward),
                                              (batchnorm_forward, batchnorm_backward_alt),
                                              (layernorm_forward, layernorm_backward)])
def test_reference_norm_gradients_agree_with_numeric_ones_to_1e_7(forward, backward):
    rng = np.random.default_rng(0)
    for N, D in ((8, 5), (10, 10), (16, 3)):
        x = 4 * rng.standard_normal((N, D)) + 3
        gamma, beta, dout = rng.standard_normal(D), rng.standard_normal(D), rng.standard_normal((N, D))
        errors = L.norm_gradient_errors(forward, backward, x, gamma, beta, dout, {"mode": "train"})
        assert max(errors.values()) <= 1e-7, errors


def test_graph_and_closed_form_backward_give_the_same_values():
    rng = np.random.default_rng(1)
    x, dout = 3 * rng.standard_normal((50, 20)) + 1, rng.standard_normal((50, 20))
    cache = batchnorm_forward(x, rng.standard_normal(20), rng.standard_normal(20), {"mode": "train"})[1]
    for a, b in zip(batchnorm_backward(dout, cache), batchnorm_backward_alt(dout, cache)):
        assert rel_error(a, b) < 1e-12


@pytest.mark.parametrize("norm", ["batchnorm", "layernorm"])
def test_normalized_net_gradients_agree_to_1e_5_and_biases_before_batchnorm_get_none(norm):
    rng = np.random.default_rng(231)
    X, y = rng.standard_normal((4, 12)), rng.integers(0, 10, size=4)
    model = FullyConnectedNet([10, 8], input_dim=12, normalization=norm, reg=0.1, weight_scale=0.3,
                              dtype=np.float64, seed=0)
    errors = check_model_gradients(model, X, y, verbose=False)
    assert max(v for k, v in errors.items() if not k.startswith("b")) <= 1e-5, errors
    _, grads = model.loss(X, y)
    if norm == "batchnorm":  # "the gradient of b1, b2 is zero to rounding"
        assert max(np.abs(grads["b1"]).max(), np.abs(grads["b2"]).max()) < 1e-12
    else:
        assert errors["b1"] <= 1e-5 and np.abs(grads["b1"]).max() > 1e-6


def test_solver_restores_the_running_statistics_of_the_best_epoch():
    from utils.data import load_dataset
    data = L.subset(load_dataset(), 500)
    solver = L.train(lambda: FullyConnectedNet([20], normalization="batchnorm", seed=0), data, num_epochs=3,
                     learning_rate=1e-2)
    best = int(np.argmax(solver.val_acc_history))
    assert solver.best_state and solver.model.norm_params is solver.best_state["norm_params"]
    assert L.final(solver)[1] == solver.val_acc_history[-1]
    from utils.solver import accuracy
    assert accuracy(solver.model, data["X_val"], data["y_val"]) == pytest.approx(solver.val_acc_history[best])


@pytest.fixture(scope="module")
def experiments():
    from utils.data import load_dataset
    data = load_dataset()
    make = L.deep_net_factory(FullyConnectedNet)
    runs = L.training_runs(make, data)
    return {"runs": runs, "init": L.init_sweep(make, data), "rate": L.rate_sweep(make, data),
            "batch": L.batch_sweep(make, data), "gap": L.gap_experiment(make, data),
            "stats": L.test_time_statistics(runs["batchnorm"].model, data["X_val"], data["y_val"])}


def test_normalized_nets_start_learning_at_once_and_end_better(experiments):
    runs = experiments["runs"]
    first = {k: L.epoch_losses(s, L.RUN_SETTINGS["num_epochs"])[0] for k, s in runs.items()}
    assert first["no normalization"] > 2.2                              # "near log 10 for the whole first epoch"
    assert first["batchnorm"] < 1.2 and first["layernorm"] < 1.2
    none = runs["no normalization"].val_acc_history[-1]
    assert runs["batchnorm"].val_acc_history[-1] > none and runs["layernorm"].val_acc_history[-1] > none


def _span(result):
    ok = L.tolerated(result)
    return ok.max() / ok.min()


def test_batchnorm_widens_the_range_of_good_weight_scales_by_orders_of_magnitude(experiments):
    r = experiments["init"]
    assert _span(r["batchnorm"]) >= 100 and _span(r["batchnorm"]) >= 30 * _span(r["no normalization"])


def test_batchnorm_tolerates_large_rates_that_break_the_plain_net(experiments):
    none, bn = experiments["rate"]["no normalization"], experiments["rate"]["batchnorm"]
    at = {v: k for k, v in enumerate(bn["values"])}
    big, biggest = at[L.RATES[-2]], at[L.RATES[-1]]
    assert none["diverged"][biggest] and not bn["diverged"].any()       # "1 diverges", "nothing diverges"
    assert none["val"][big] < 0.2 and bn["val"][big] > 0.7             # "0.3 ends at chance"
    assert _span(bn) >= 100 and bn["values"][bn["val"] >= np.nanmax(bn["val"]) - 0.05].max() >= 0.3
    assert _span(none) <= 10                                            # "a narrow band"


def test_batchnorm_fails_at_tiny_batches_and_layernorm_does_not_care(experiments):
    bn, ln = experiments["batch"]["batchnorm"]["val"], experiments["batch"]["layernorm"]["val"]
    sizes = list(L.BATCH_SIZES)
    assert bn[sizes.index(1)] <= 0.15                                   # chance at a batch of one
    assert bn[sizes.index(2)] < ln[sizes.index(2)] - 0.3                # far below layer norm at two
    assert ln.max() - ln.min() < 0.1                                    # "less than 10 points"
    assert all(abs(bn[sizes.index(b)] - ln[sizes.index(b)]) < 0.05 for b in (16, 64))  # catches up from 16


def test_batchnorm_is_at_best_a_weak_regularizer_here(experiments):
    gaps = experiments["gap"]
    assert gaps[10]["batchnorm"]["final_loss"] > 1.5 * gaps[10]["no normalization"]["final_loss"]  # the noise
    for bs in (10, 50):
        assert abs(gaps[bs]["batchnorm"]["gap"] - gaps[bs]["no normalization"]["gap"]) < 0.05  # "a few points"
    assert gaps[50]["batchnorm"]["gap"] >= gaps[50]["no normalization"]["gap"]  # "not in batch norm's favour"


def test_wrong_test_time_statistics_cost_what_the_notebook_says(experiments):
    s = experiments["stats"]
    running = s["running statistics"]
    assert running >= max(s.values())                                   # the best
    assert running - s["batch statistics, batches of 500"] <= 0.02      # within two points
    assert running - s["initial statistics (never updated)"] > 0.2      # over 20 points
    assert running - s["batch statistics, batches of 10"] > 0.1         # over 10
    assert s["batch statistics, batches of 1"] <= 0.15                  # chance
