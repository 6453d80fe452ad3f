"""The reference layers are right: numeric gradients agree, losses match hand-computed values."""
import numpy as np
import pytest

from checks.numeric import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from nnkit import layers
from nnkit.fc_net import FullyConnectedNet
from nnkit.layer_utils import affine_relu_backward, affine_relu_forward

rng = np.random.default_rng(0)


@pytest.mark.parametrize("x_shape, M", [((4, 5), 3), ((2, 3, 4), 6), ((1, 7), 2), ((3, 2, 2, 2), 1)],
                         ids=["2-D", "3-D", "batch of one", "4-D, one output"])
def test_affine_backward_matches_numeric_gradient(x_shape, M):
    x = rng.standard_normal(x_shape)
    D = int(np.prod(x_shape[1:]))
    w, b = rng.standard_normal((D, M)), rng.standard_normal(M)
    dout = rng.standard_normal((x_shape[0], M))
    dx, dw, db = layers.affine_backward(dout, layers.affine_forward(x, w, b)[1])
    assert dx.shape == x.shape
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: layers.affine_forward(v, w, b)[0], x, dout)) < 1e-8
    assert rel_error(dw, eval_numerical_gradient_array(lambda v: layers.affine_forward(x, v, b)[0], w, dout)) < 1e-8
    assert rel_error(db, eval_numerical_gradient_array(lambda v: layers.affine_forward(x, w, v)[0], b, dout)) < 1e-8


def test_affine_forward_matches_hand_computed_values():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 2.0]])
    out, _ = layers.affine_forward(x, w, np.array([0.0, 1.0, -1.0]))
    np.testing.assert_allclose(out, [[2.0, 3.0, 2.0], [5.0, 5.0, 4.0]])


def test_affine_forward_names_a_shape_mismatch():
    with pytest.raises(ValueError, match=r"w is \(5, 3\) but x flattens to D=12"):
        layers.affine_forward(np.zeros((2, 3, 4)), np.zeros((5, 3)), np.zeros(3))


def test_relu_backward_matches_numeric_gradient():
    x = rng.standard_normal((4, 6))
    x[np.abs(x) < 1e-2] = 0.5  # keep away from the kink
    dout = rng.standard_normal(x.shape)
    dx = layers.relu_backward(dout, layers.relu_forward(x)[1])
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: layers.relu_forward(v)[0], x, dout)) < 1e-9


def test_affine_relu_sandwich_matches_numeric_gradient():
    x, w, b = rng.standard_normal((3, 5)), rng.standard_normal((5, 4)), rng.standard_normal(4)
    dout = rng.standard_normal((3, 4))
    dx, dw, db = affine_relu_backward(dout, affine_relu_forward(x, w, b)[1])
    assert rel_error(dw, eval_numerical_gradient_array(lambda v: affine_relu_forward(x, v, b)[0], w, dout)) < 1e-7


@pytest.mark.parametrize("loss", ["svm_loss", "softmax_loss"])
def test_loss_gradients_match_numeric_gradient(loss):
    fn = getattr(layers, loss)
    x, y = rng.standard_normal((10, 5)), rng.integers(0, 5, size=10)
    _, dx = fn(x, y)
    assert rel_error(dx, eval_numerical_gradient(lambda v: fn(v, y)[0], x)) < 1e-7


def test_softmax_loss_of_uniform_scores_is_log_C_and_huge_scores_stay_finite():
    loss, _ = layers.softmax_loss(np.zeros((4, 10)), np.arange(4))
    assert loss == pytest.approx(np.log(10))
    loss, dx = layers.softmax_loss(np.array([[1000.0, 0.0, -1000.0]]), np.array([1]))
    assert loss == pytest.approx(1000.0)
    assert np.isfinite(dx).all()


def test_svm_loss_matches_hand_computed_value():
    # margins: row 0: max(0, 2 - 3 + 1) + max(0, 1 - 3 + 1) = 0; row 1: max(0, 1 - 0 + 1) + max(0, 4 - 0 + 1) = 7
    x = np.array([[3.0, 2.0, 1.0], [1.0, 0.0, 4.0]])
    loss, _ = layers.svm_loss(x, np.array([0, 1]))
    assert loss == pytest.approx(3.5)


def test_losses_reject_labels_out_of_range():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        layers.softmax_loss(np.zeros((2, 3)), np.array([0, 3]))


@pytest.mark.parametrize("hidden, reg", [([], 0.0), ([6], 0.0), ([6, 5], 0.7), ([4, 4, 4], 3.14)],
                         ids=["no hidden", "one hidden", "two hidden + reg", "three hidden + big reg"])
def test_net_gradients_match_numeric_gradient(hidden, reg):
    model = FullyConnectedNet(hidden, input_dim=7, num_classes=4, reg=reg, weight_scale=0.5, dtype=np.float64,
                              seed=3)
    X, y = rng.standard_normal((3, 7)), rng.integers(0, 4, size=3)
    loss, grads = model.loss(X, y)
    assert set(grads) == set(model.params)
    for name, param in model.params.items():
        numeric = eval_numerical_gradient(lambda _: model.loss(X, y)[0], param)
        assert rel_error(grads[name], numeric) < 1e-6, name


def test_net_regularization_is_half_reg_times_squared_weights():
    model = FullyConnectedNet([3], input_dim=2, num_classes=2, reg=2.0, weight_scale=1.0, dtype=np.float64, seed=0)
    X, y = np.zeros((1, 2)), np.array([0])  # zero input: data loss depends on the biases only (zeros): log 2
    loss, _ = model.loss(X, y)
    expected = np.log(2) + 0.5 * 2.0 * sum((model.params[k] ** 2).sum() for k in ("W1", "W2"))
    assert loss == pytest.approx(expected)


def test_net_initial_loss_with_small_weights_is_log_C():
    model = FullyConnectedNet([20, 20], input_dim=10, num_classes=10, weight_scale=1e-4, seed=0)
    loss, _ = model.loss(rng.standard_normal((50, 10)), rng.integers(0, 10, 50))
    assert loss == pytest.approx(np.log(10), rel=1e-3)
