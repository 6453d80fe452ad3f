"""End to end: the reference notebook runs top to bottom; the release stops at the first stub.

Run time is measured by `python -m autograder.benchmark --notebooks` against the 3-minute budget, not here.
"""
import pytest

from autograder import paths
from autograder.notebooks import copy_assignment, execute

pytestmark = pytest.mark.notebook


@pytest.mark.parametrize("name", paths.NOTEBOOKS)
def test_reference_notebook_runs_top_to_bottom(tmp_path, name):
    folder = copy_assignment(paths.SOURCE, tmp_path)
    nb, error, seconds = execute(folder, name)
    assert error is None, str(error)[-2000:]
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "FAIL" not in text
    assert "3 layers: final training accuracy 1.00" in text and "5 layers: final training accuracy 1.00" in text
    assert (folder / "artifacts" / "best_model.npz").exists()
    outputs = [(c.get("id"), o) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    warnings = [cid for cid, o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    assert warnings == [], f"cells writing to stderr (warnings): {warnings}"
    reprs = [(cid, o["data"].get("text/plain", "")[:60]) for cid, o in outputs if o.get("output_type") == "execute_result"]
    assert reprs == [], f"cells ending in a stray repr: {reprs}"
    print(f"{name}: {seconds:.1f} s")


@pytest.mark.parametrize("name", paths.NOTEBOOKS)
def test_release_notebook_stops_at_the_first_unimplemented_function(tmp_path, name):
    folder = copy_assignment(paths.RELEASE, tmp_path)
    nb, error, _ = execute(folder, name)
    assert error is not None
    # the check cell only prints (Run All goes on); the first cell that uses the stub stops, naming it
    assert "affine_forward: your code goes here (see the docstring); then run check('affine_forward')" in str(error)
    check_cell = next(c for c in nb.cells if c.cell_type == "code" and c.source == 'check("affine_forward")')
    assert "affine_forward  FAIL" in "".join(o.get("text", "") for o in check_cell.outputs)
    ran = [c for c in nb.cells if c.cell_type == "code" and c.execution_count]
    assert any("load_dataset" in c.source for c in ran)  # the data section ran before the stop
