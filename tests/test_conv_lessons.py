"""The ConvolutionalNetworks notebook's claims, asserted on the numbers utils/conv_lessons.py computes with the
notebook's own settings (the reference nnkit stands in for a student's correct one), and a gradient check of the
lesson model in utils/conv_models.py.

The comments give the notebook's numbers (seed 0); the margins are below the smallest seen on seeds 0-2."""
import numpy as np
import pytest

from utils import conv_lessons as L
from utils.conv_models import NormConvNet
from utils.data import load_dataset
from utils.gradcheck import check_model_gradients


@pytest.fixture(scope="module")
def data():
    return load_dataset("fashion_mnist")


# --- No training -----------------------------------------------------------------------------------------------

def test_the_blur_smooths_the_photo_and_only_sobel_x_answers_vertical_stripes():
    photo = L.filter_photo("cat")
    assert photo["photo"].shape == (3, 150, 225)
    assert all(r.shape == (150, 225) for r in photo["responses"].values())
    assert photo["roughness"]["blur"] < 0.5 * photo["roughness"]["gray"]         # 0.0014 vs 0.0035
    assert photo["stripes"]["x"] > 0.5 and photo["stripes"]["y"] < 1e-12


def test_the_photo_filters_are_the_same_through_the_fast_layer():
    from nnkit.fast_layers import conv_forward_fast
    naive, fast = L.filter_photo("camera"), L.filter_photo("camera", conv_forward=conv_forward_fast)
    for name in naive["responses"]:
        np.testing.assert_allclose(fast["responses"][name], naive["responses"][name], atol=1e-9)


def test_output_sizes_and_receptive_fields():
    assert L.size_table() == [(28, 5, 2, 1, 28), (28, 3, 0, 1, 26), (28, 2, 0, 2, 14), (32, 3, 1, 2, None),
                              (32, 5, 0, 3, 10), (7, 3, 1, 2, 4)]
    assert [r for _, r in L.receptive_fields(L.STACKS["three 3x3 convs"])] == [3, 5, 7]
    assert L.receptive_fields(L.STACKS["one 7x7 conv"]) == [("conv 7x7", 7)]
    assert [r for _, r in L.receptive_fields(L.STACKS["conv-pool x 3 (3x3 convs)"])] == [3, 4, 8, 10, 18, 22]
    assert L.stack_weights(3, 3, 64) < L.stack_weights(7, 1, 64)  # 27 C^2 < 49 C^2


def test_the_initial_loss_is_log_C(data):
    loss, expected = L.initial_loss(data)
    assert abs(loss - expected) < 0.01


@pytest.mark.parametrize("norm", [None, "batchnorm", "groupnorm"])
def test_the_lesson_cnn_gradients_agree_with_numeric_ones(norm):
    rng = np.random.default_rng(3)
    model = NormConvNet(norm, input_dim=(2, 6, 6), num_filters=4, G=2, num_classes=3, dtype=np.float64, seed=0)
    for k, v in model.params.items():
        if k.startswith(("b", "beta")):
            model.params[k] = 0.1 * rng.standard_normal(v.shape)
    X, y = rng.standard_normal((4, 2, 6, 6)), rng.integers(0, 3, size=4)
    errors = check_model_gradients(model, X, y, verbose=False)
    if norm == "batchnorm":  # the conv bias before batch norm is subtracted again with the mean: no gradient
        assert np.abs(model.loss(X, y)[1]["b1"]).max() < 1e-12
        del errors["b1"]
    assert max(errors.values()) < 1e-6, errors


# --- Training (the notebook's runs) -----------------------------------------------------------------------------

def test_the_cnn_overfits_100_images(data):
    solver = L.overfit_small(data)
    assert solver.train_acc_history[-1] >= 0.98 and max(solver.val_acc_history) < 0.8


def test_the_cnn_beats_the_fully_connected_reference(data):
    solver = L.train_cnn(data)
    assert solver.best_val_acc > L.FC_REFERENCE["val"] + 0.01   # 0.891 vs 0.870


def test_batch_norm_test_mode_drifts_from_training_at_small_batches_and_group_norm_never(data):
    r = L.norm_study(data)
    bn = r["batchnorm"]["mode_gap"]
    assert bn[0] > bn[1] > bn[2] >= 0 and bn[0] > 3 * bn[2]          # 0.054, 0.016, 0.005
    assert r["groupnorm"]["mode_gap"] == [0.0] * 3 and r["none"]["mode_gap"] == [0.0] * 3


def test_augmentation_narrows_the_gap_without_costing_validation_accuracy(data):
    r = L.augment_study(data)
    assert r["with"]["gap"] < r["without"]["gap"] - 0.04             # 0.097 vs 0.168
    assert r["with"]["train"] < r["without"]["train"]                 # 0.906 vs 0.976
    assert abs(r["with"]["val"] - r["without"]["val"]) < 0.02        # 0.809 vs 0.808


def test_the_notebook_compares_with_the_students_own_fully_connected_model(tmp_path):
    import shutil

    from autograder.samples import REFERENCE_MODEL
    assert L.your_fc_model_accuracy(tmp_path) is None  # not saved yet: the notebook prints the reference only
    (tmp_path / "artifacts").mkdir()
    shutil.copy(REFERENCE_MODEL, tmp_path / "artifacts" / "best_model.npz")
    assert L.your_fc_model_accuracy(tmp_path) == pytest.approx(L.FC_REFERENCE["val"], abs=1e-9)
