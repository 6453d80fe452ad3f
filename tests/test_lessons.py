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
