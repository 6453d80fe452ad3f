"""Update rules against values derived by hand (scalars, two steps), and their contracts."""
import numpy as np
import pytest

from nnkit import optim

W, DW = np.array([1.0]), np.array([2.0])


def test_sgd_momentum_two_steps_by_hand():
    # v1 = 0.9*0 - 0.1*2 = -0.2, w1 = 0.8; v2 = 0.9*(-0.2) - 0.1*2 = -0.38, w2 = 0.42
    w, cfg = optim.sgd_momentum(W, DW, {"learning_rate": 0.1, "momentum": 0.9})
    w, cfg = optim.sgd_momentum(w, DW, cfg)
    assert w == pytest.approx([0.42]) and cfg["velocity"] == pytest.approx([-0.38])


def test_nesterov_two_steps_by_hand():
    # step 1: v=-0.2, w = 1 - 0.9*0 + 1.9*(-0.2) = 0.62; step 2: v = -0.38, w = 0.62 + 0.18 - 0.722 = 0.078
    w, cfg = optim.nesterov_momentum(W, DW, {"learning_rate": 0.1, "momentum": 0.9})
    assert w == pytest.approx([0.62])
    w, cfg = optim.nesterov_momentum(w, DW, cfg)
    assert w == pytest.approx([0.078]) and cfg["velocity"] == pytest.approx([-0.38])


def test_adagrad_two_steps_by_hand():
    # cache 4 -> w = 1 - 0.1*2/2 = 0.9; cache 8 -> w = 0.9 - 0.2/sqrt(8)
    w, cfg = optim.adagrad(W, DW, {"learning_rate": 0.1, "epsilon": 0.0})
    w, cfg = optim.adagrad(w, DW, cfg)
    assert w == pytest.approx([0.9 - 0.2 / np.sqrt(8)]) and cfg["cache"] == pytest.approx([8.0])


def test_rmsprop_one_step_by_hand():
    # cache = 0.5*0 + 0.5*4 = 2; w = 1 - 0.1*2/sqrt(2)
    w, cfg = optim.rmsprop(W, DW, {"learning_rate": 0.1, "decay_rate": 0.5, "epsilon": 0.0})
    assert w == pytest.approx([1 - 0.2 / np.sqrt(2)]) and cfg["cache"] == pytest.approx([2.0])


def test_adam_first_step_moves_by_exactly_the_learning_rate():
    # bias-corrected: m_hat = dw, v_hat = dw^2, so the first step is lr * sign(dw)
    w, cfg = optim.adam(W, DW, {"learning_rate": 0.1, "epsilon": 0.0})
    assert w == pytest.approx([0.9]) and cfg["t"] == 1
    assert cfg["m"] == pytest.approx([0.2]) and cfg["v"] == pytest.approx([0.004])


def test_adam_second_step_by_hand():
    w, cfg = optim.adam(W, DW, {"learning_rate": 0.1, "epsilon": 0.0})
    w, cfg = optim.adam(w, np.array([-1.0]), cfg)
    m = 0.9 * 0.2 + 0.1 * -1.0            # 0.08
    v = 0.999 * 0.004 + 0.001 * 1.0        # 0.004996
    step = 0.1 * (m / (1 - 0.81)) / np.sqrt(v / (1 - 0.999 ** 2))
    assert w == pytest.approx([0.9 - step]) and cfg["t"] == 2


@pytest.mark.parametrize("rule", ["sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adam"])
def test_rules_do_not_modify_their_inputs_and_fill_defaults(rule):
    w, dw = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    w0, dw0 = w.copy(), dw.copy()
    next_w, cfg = getattr(optim, rule)(w, dw)
    assert next_w.shape == w.shape and "learning_rate" in cfg
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(dw, dw0)
