"""The bank agrees with the notebooks: grade cells, points, ids; totals add up."""
import json

from autograder import paths
from autograder.bank.items import REGISTRY, find
from autograder.gradebook import notebook_cells


def test_every_item_has_a_grade_cell_with_its_points_and_nothing_else_is_autograded():
    for notebook in paths.NOTEBOOKS:
        for folder in (paths.SOURCE, paths.RELEASE):
            cells = notebook_cells(folder / f"{notebook}.ipynb")
            auto = {c["grade_id"]: c["points"] for c in cells if c["grade"] and not c["solution"]}
            expected = {it.grade_id: it.points for it in REGISTRY.values() if it.notebook == notebook}
            assert auto == expected


def test_points_add_up_to_100_with_the_inline_questions():
    cells = notebook_cells(paths.SOURCE / "FullyConnectedNets.ipynb")
    manual = [c for c in cells if c["grade"] and c["solution"]]
    assert len(manual) >= 5
    assert sum(c["points"] for c in cells if c["grade"]) == 100


def test_grade_cells_call_the_check_of_their_item():
    nb = json.loads((paths.SOURCE / "FullyConnectedNets.ipynb").read_text())
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            source = "".join(cell["source"])
            item = next(it for it in REGISTRY.values() if it.grade_id == meta["grade_id"])
            assert source == f'check("{item.name}")'


def test_item_ids_are_stable_and_findable_by_function_name():
    assert find("affine_backward").id == "fc.affine_backward"
    assert find("fc.adam" if "fc.adam" in REGISTRY else "optim.adam").points == 6


def test_source_notebooks_are_committed_without_outputs():
    for notebook in paths.NOTEBOOKS:
        nb = json.loads((paths.SOURCE / f"{notebook}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
