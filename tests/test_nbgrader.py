"""nbgrader's own commands give the kit's verdicts: Validate fails a failing check, never "Success" for wrong code."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import mistakes, paths
from conftest import make_submission

BIN = Path(sys.executable).parent


def notebook(cells):
    """A minimal nbgrader notebook: an import cell, then one graded check cell per (name, points)."""
    nb_cells = [{"cell_type": "code", "execution_count": None, "id": "setup", "metadata": {}, "outputs": [],
                 "source": "from checks import check"}]
    for name, points in cells:
        nb_cells.append({"cell_type": "code", "execution_count": None, "id": f"check-{name}", "outputs": [],
                         "metadata": {"nbgrader": {"grade": True, "grade_id": f"fc-{name}", "locked": True,
                                                   "points": points, "schema_version": 3, "solution": False}},
                         "source": f'check("{name}")'})
    return {"cells": nb_cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def folder_with(tmp_path, mistake=None):
    """A student's folder: the release's checks/ and utils/, the reference package (or a mutant of it)."""
    folder = tmp_path / "student"
    shutil.copytree(paths.RELEASE / "checks", folder / "checks")
    patches = {}
    if mistake:
        patches = {mistake.file: lambda t: t.replace(mistake.old, mistake.new)}
    make_submission(tmp_path / "pkg", patches=patches)
    shutil.copytree(tmp_path / "pkg" / paths.ASSIGNMENT / paths.PACKAGE, folder / paths.PACKAGE)
    (folder / "Checks.ipynb").write_text(json.dumps(notebook([("affine_backward", 6), ("relu_forward", 2)])))
    return folder


def validate(folder):
    return subprocess.run([str(BIN / "nbgrader"), "validate", "Checks.ipynb"], cwd=folder, capture_output=True,
                          text=True, env={"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(folder)}, timeout=300)


@pytest.mark.notebook
def test_nbgrader_validate_passes_correct_code(tmp_path):
    out = validate(folder_with(tmp_path))
    assert "Success! Your notebook passes all the tests." in out.stdout, out.stdout + out.stderr


@pytest.mark.notebook
def test_nbgrader_validate_fails_wrong_code_with_the_kits_reason(tmp_path):
    wrong = next(m for m in mistakes.MISTAKES if m.item == "fc.affine_backward" and m.name == "dw_divided_by_N")
    out = validate(folder_with(tmp_path, wrong))
    assert "Success" not in out.stdout
    assert "VALIDATION FAILED ON 1 CELL(S)" in out.stdout, out.stdout + out.stderr
    assert "affine_backward does not pass its public checks" in out.stdout
    assert "dw divided by N" in out.stdout  # the kit's reason reaches the student


def test_check_prints_and_does_not_raise_interactively(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    import importlib
    check_module = importlib.import_module("autograder.bank.check")
    verdict = check_module._under_nbgrader(_failing_verdict())
    assert verdict.status == "failed"
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(check_module.CheckFailed, match="relu_forward does not pass"):
        check_module._under_nbgrader(_failing_verdict())


def _failing_verdict():
    from autograder.bank.compare import CaseResult
    from autograder.bank.verdict import Verdict
    return Verdict("fc.relu_forward", "relu_forward", 2, cases=[CaseResult("c", passed=False, problems=["x"])])
