"""Record autograded scores in an nbgrader gradebook (SQLite), under the notebooks' grade cell ids.

Manual grades (inline answers graded in formgrader) are kept when a submission is graded again.
"""
import json
import os
import sys
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from . import paths


def notebook_cells(notebook_path):
    """nbgrader cells of a notebook: list of dicts grade_id, points, grade, solution, task, cell_type."""
    nb = json.loads(Path(notebook_path).read_text())
    cells = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta and meta.get("grade_id"):
            cells.append({"grade_id": meta["grade_id"], "points": float(meta.get("points", 0) or 0),
                          "grade": bool(meta.get("grade")), "solution": bool(meta.get("solution")),
                          "task": bool(meta.get("task")), "cell_type": cell["cell_type"]})
    return cells


def ensure_assignment(gb, notebooks_dir=paths.RELEASE, notebooks=paths.NOTEBOOKS, assignment=paths.ASSIGNMENT):
    """Create (or update) the assignment, its notebooks and their grade/solution/task cells in gb."""
    gb.update_or_create_assignment(assignment)
    for name in notebooks:
        gb.update_or_create_notebook(name, assignment)
        for c in notebook_cells(Path(notebooks_dir) / f"{name}.ipynb"):
            if c["task"]:
                gb.update_or_create_task_cell(c["grade_id"], name, assignment, max_score=c["points"],
                                              cell_type=c["cell_type"])
                continue
            if c["grade"]:
                gb.update_or_create_grade_cell(c["grade_id"], name, assignment, max_score=c["points"],
                                               cell_type=c["cell_type"])
            if c["solution"]:
                gb.update_or_create_solution_cell(c["grade_id"], name, assignment)


def record(db_path, student, scores, items, assignment=paths.ASSIGNMENT, notebooks=paths.NOTEBOOKS):
    """Store each item's score as the auto_score of its grade cell for `student` (idempotent).

    Args:
        db_path: SQLite file of the gradebook (created if missing).
        student: student id (the submission name).
        scores: {item id: score}.
        items: {item id: Item}, for the notebook and grade cell of each score.
    """
    venv_bin = str(Path(sys.executable).parent)  # nbgrader runs the `alembic` command on a new gradebook
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{Path(db_path).resolve()}") as gb:
        warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy session warns on every new submission
        ensure_assignment(gb, notebooks=notebooks, assignment=assignment)
        gb.update_or_create_student(student, last_name=student, first_name="")
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            gb.add_submission(assignment, student)
        for item_id, score in scores.items():
            item = items[item_id]
            grade = gb.find_grade(item.grade_id, item.notebook, assignment, student)
            grade.auto_score = score
        gb.db.commit()
