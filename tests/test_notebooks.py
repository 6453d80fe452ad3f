"""End to end: the reference notebook runs top to bottom; the release stops at the first stub.

Run time is measured by `python -m autograder.benchmark --notebooks` against the 3-minute budget, not here.
"""
import pytest

from autograder import paths
from autograder.notebooks import copy_assignment, execute

pytestmark = pytest.mark.notebook


# What each reference notebook's outputs must contain besides every check passing.
EXPECT = {
    "FullyConnectedNets": ("3 layers: final training accuracy 1.00", "5 layers: final training accuracy 1.00"),
    "BatchNormalization": ("net_with_norm  PASS", "graph vs closed form: largest relative difference",
                           "batch statistics, batches of 1: validation accuracy"),
    "Dropout": ("net_regularized  PASS", "highest validation accuracy:", "Monte-Carlo, 100 masks:",
                "regularized_model  PASS"),
    "ConvolutionalNetworks": ("convnet_loss  PASS", "initial loss 2.30", "speed-up", "cnn_model  PASS"),
    "TransferLearning": ("scaled_step  PASS", "best transfer at 1-2 labels per class", "transfer_model  PASS"),
}
ARTIFACTS = {"FullyConnectedNets": ("best_model.npz",), "Dropout": ("regularized_model.npz",),
             "ConvolutionalNetworks": ("cnn_model.npz",), "TransferLearning": ("transfer_model.npz",)}


def test_every_notebook_has_its_expectations():
    assert set(EXPECT) == set(paths.NOTEBOOKS)


@pytest.mark.parametrize("name", paths.NOTEBOOKS)
def test_reference_notebook_runs_top_to_bottom(tmp_path, name):
    folder = copy_assignment(paths.SOURCE, tmp_path)
    nb, error, seconds = execute(folder, name)
    assert error is None, str(error)[-2000:]
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "FAIL" not in text and text.count("  PASS  ") == _check_cells(nb)
    for expected in EXPECT[name]:
        assert expected in text
    for artifact in ARTIFACTS.get(name, ()):
        assert (folder / "artifacts" / artifact).exists()
    outputs = [(c.get("id"), o) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    warnings = [cid for cid, o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    assert warnings == [], f"cells writing to stderr (warnings): {warnings}"
    reprs = [(cid, o["data"].get("text/plain", "")[:60]) for cid, o in outputs if o.get("output_type") == "execute_result"]
    assert reprs == [], f"cells ending in a stray repr: {reprs}"
    print(f"{name}: {seconds:.1f} s")


def _check_cells(nb):
    """The number of check("...") cells of a notebook (each prints one PASS line for the reference)."""
    return sum(c.cell_type == "code" and c.source.startswith("check(") for c in nb.cells)


@pytest.mark.parametrize("name", paths.NOTEBOOKS)
def test_release_notebook_stops_at_the_first_unimplemented_function(tmp_path, name):
    folder = copy_assignment(paths.RELEASE, tmp_path)
    nb, error, _ = execute(folder, name)
    assert error is not None
    first = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("check("))
    function = first.source.split('"')[1]
    # the check cell only prints (Run All goes on); the first cell that uses the stub stops, naming it
    assert f"{function}: your code goes here (see the docstring); then run check('{function}')" in str(error)
    assert f"{function}  FAIL" in "".join(o.get("text", "") for o in first.outputs)
    ran = [c for c in nb.cells if c.cell_type == "code" and c.execution_count]
    assert any("load_dataset" in c.source or "lessons." in c.source for c in ran)  # the cells before the stop ran
