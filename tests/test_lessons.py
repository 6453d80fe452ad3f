"""The optimization section's claims, asserted on the numbers utils/optim_lessons.py computes with the notebook's
own settings (the reference update rules stand in for a student's correct ones)."""
import numpy as np
import pytest

from nnkit import optim
from utils import optim_lessons as L


@pytest.fixture(scope="module")
def rules():
    return L.surface_rules(optim)


def test_momentum_reaches_the_valleys_minimum_in_fewer_steps_than_sgd(rules):
    steps = L.steps_table(rules, condition=20, max_steps=400)["axis-aligned"]
    assert steps["momentum"] < steps["SGD"] and steps["Nesterov"] < steps["SGD"]
    assert steps["momentum"] <= 0.5 * steps["SGD"]  # "about half the steps": 18 and 20 against 41


def test_momentum_leaves_the_saddle_before_sgd_and_adaptive_methods_first(rules):
    y = L.saddle_escape(rules, steps=60)
    assert y["SGD"] < 0.3 and y["momentum"] > 0.8 and y["Nesterov"] > 0.8  # minima at |w_2| = 1
    assert all(abs(y[name] - 1) < 0.05 for name in ("AdaGrad", "RMSProp", "Adam"))


def test_sgd_and_momentum_do_not_care_about_rotation(rules):
    table = L.steps_table(rules, condition=20, max_steps=400)
    for name in ("SGD", "momentum", "Nesterov"):
        assert table["axis-aligned"][name] == table["rotated 45°"][name]


def test_per_coordinate_methods_win_when_aligned_and_lose_it_when_rotated():
    table = L.steps_table(L.rotation_rules(optim), condition=100, max_steps=1000)
    aligned, rotated = table["axis-aligned"], table["rotated 45°"]
    for name in ("AdaGrad", "RMSProp", "Adam"):
        assert aligned[name] < aligned["SGD"] / 2  # 22, 51, 81 against 210
        assert rotated[name] is None or rotated[name] > rotated["SGD"]  # 569, >= 1000, 363 against 210
    assert rotated["SGD"] == aligned["SGD"]


def test_adagrads_effective_rate_dies_like_one_over_sqrt_t_while_rmsprops_levels_off(rules):
    ada = L.effective_rates(*rules["AdaGrad"])[:, 0]   # the shallow direction
    rms = L.effective_rates(*rules["RMSProp"])[:, 0]
    assert ada[0] / ada[1999] >= 10                       # 0.30 -> 0.011
    assert 1.6 < ada[499] / ada[1999] < 2.5               # 1/sqrt(t): sqrt(2000 / 500) = 2
    assert rms[0] / rms[1999] < 3 and rms[499] / rms[1999] < 1.3


def test_uncorrected_adam_steps_are_the_stated_multiple_of_the_corrected_ones():
    ratio = L.adam_steps(optim.adam, correct=False) / L.adam_steps(optim.adam)
    assert np.allclose(ratio, L.adam_bias_factor(np.arange(1, 41)), rtol=1e-6)
    assert round(ratio[0], 1) == 3.2 and round(ratio.max(), 1) == 6.6 and ratio.argmax() + 1 == 12
    assert round(ratio[-1], 1) == 5.0  # still 5x after 40 steps: beta2 = 0.999 forgets over ~1000 steps
    assert L.adam_bias_factor(5000) < 1.01


@pytest.fixture(scope="module")
def sub():
    from utils.data import load_dataset
    data = load_dataset()
    return {"X_train": data["X_train"][:4000], "y_train": data["y_train"][:4000], "X_val": data["X_val"],
            "y_val": data["y_val"]}


def _make(scale=L.RACE_SCALE):
    from nnkit.fc_net import FullyConnectedNet
    return lambda: FullyConnectedNet([100] * 4, weight_scale=scale, seed=0)


def test_the_race_init_lets_every_rule_leave_log_c_within_the_first_epoch(sub):
    solvers = L.race(_make(), sub)
    assert all(L.first_epoch_loss(s) < 1.0 for s in solvers.values())  # log 10 = 2.3 at the start
    ratios = L.ratio_medians(solvers)
    assert all(3e-4 < ratios[r] < 3.5e-3 for r in ("sgd", "sgd_momentum", "nesterov_momentum", "adam"))
    assert all(5e-3 < ratios[r] < 2e-2 for r in ("adagrad", "rmsprop"))  # "about 1% per step"
    slow = L.race(_make(5e-2), sub, rates={r: L.RACE_RATES[r] for r in ("sgd", "sgd_momentum")})
    assert all(L.first_epoch_loss(s) > 1.8 for s in slow.values())  # the old scale: stuck near log C


def test_decay_helps_momentum_at_a_large_rate_more_than_adam(sub):
    runs = {label: L.schedule_race(_make(), sub, rule, lr, L.SCHEDULES) for label, (rule, lr) in L.SCHEDULE_RUNS.items()}
    momentum, adam = runs["SGD + momentum, lr 0.1"], runs["Adam, lr 1e-3"]
    const = momentum["constant"]
    for name, s in momentum.items():
        if name != "constant":
            assert s.val_acc_history[-1] > const.val_acc_history[-1]
            assert np.mean(s.loss_history[-40:]) < np.mean(const.loss_history[-40:])
    assert L.decay_gain(momentum) >= 0.02 and abs(L.decay_gain(adam)) < 0.015


def test_lbfgs_wins_on_the_full_batch_and_gives_up_on_minibatches():
    from nnkit.fc_net import FullyConnectedNet
    from utils.data import load_dataset
    make = lambda: FullyConnectedNet([50], reg=1e-3, weight_scale=5e-2, dtype=np.float64, seed=0)  # noqa: E731
    curves, messages = L.lbfgs_race(load_dataset(), optim, make)
    full, mini = curves["L-BFGS, full batch"], curves["L-BFGS, minibatches of 50"]
    assert full[-1] < curves["Adam, full batch"][-1] < curves["SGD + momentum, full batch"][-1]
    assert len(mini) < 10 and mini[-1] > 1.0 and "CONVERGENCE" in messages["minibatches"]
