"""nbgrader's own commands give the kit's verdicts: Validate fails a failing check, never "Success" for wrong code."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import mistakes, paths
from conftest import FULL, make_submission

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


def _env(extra=None):
    import os
    return {**os.environ, "PATH": f"{BIN}:/usr/bin:/bin", **(extra or {})}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course set up by the kit with the four samples, autograded by nbgrader's own command."""
    from autograder.nbgrader_course import setup_course
    from autograder.samples import SAMPLES
    root = tmp_path_factory.mktemp("course")
    students = setup_course(root, sorted(SAMPLES.glob("*.zip")))
    out = subprocess.run([str(BIN / "nbgrader"), "autograde", paths.ASSIGNMENT], cwd=root, capture_output=True,
                         text=True, env=_env(), timeout=600)
    return root, students, out


@pytest.mark.notebook
def test_nbgrader_autograde_gives_the_kits_scores_for_every_sample(course):
    from nbgrader.api import Gradebook
    from autograder.cases import items
    from autograder.grade import grade_submission
    from autograder.run import Limits
    from autograder.samples import SAMPLES
    root, students, out = course
    assert out.returncode == 0, out.stderr[-3000:]
    assert sorted(students) == ["broken", "partial", "reference", "stubs"]
    by_cell = {it.id: it.grade_id for it in items()}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for name in students:
            kit = grade_submission(SAMPLES / f"{name}.zip", Limits(seconds=20))
            scores = {g.name: g.score for notebook in paths.NOTEBOOKS
                      for g in gb.find_submission_notebook(notebook, paths.ASSIGNMENT, name).grades}
            for v in kit["verdicts"]:
                assert scores[by_cell[v.id]] == v.score, (name, v.id, scores[by_cell[v.id]], v.score)
            if name != "reference":
                assert sum(v.score for v in kit["verdicts"]) < FULL  # never full marks for a wrong one


@pytest.mark.notebook
def test_nbgrader_never_copies_reference_code_into_the_course(course):
    root, students, _ = course
    reference_lines = {"dw = x2.T @ dout", "dx[np.arange(N), y] -= 1", "v = b2 * v + (1 - b2) * dw ** 2"}
    for path in [*(root / "source").rglob("*.py"), *(root / "release").rglob("*.py")]:
        text = path.read_text()
        assert not [ln for ln in reference_lines if ln in text], path
    for name in students:  # the student's package is graded as submitted, never overwritten by source copies
        for sub in (root / "submitted" / name / paths.ASSIGNMENT / paths.PACKAGE).glob("*.py"):
            graded = root / "autograded" / name / paths.ASSIGNMENT / paths.PACKAGE / sub.name
            assert graded.read_text() == sub.read_text(), graded


@pytest.mark.notebook
def test_class_report_reads_the_course_nbgrader_autograded(course):
    """The hook keeps the kit's structured results beside each autograded notebook; the report reads them."""
    from autograder.class_report import make_report
    root, students, _ = course
    page, summary, _ = make_report(root, out=root.parent / "course_report")
    assert summary["graded"] == 4 and set(summary["scores"]["totals"]) == set(students)
    assert summary["scores"]["totals"]["reference"] == FULL
    partial = {m["hint"] for m in summary["mistakes"] if "partial" in m["students"]}
    assert "dw divided by N, but the mean is already in dout" in partial
    assert {p["b"] for p in summary["similarity"]["pairs"]} <= set(students)  # all four derive from the reference
    assert summary["problems"]["timeouts"][0]["student"] == "broken"


@pytest.mark.notebook
def test_feedback_shows_the_kits_reasons(course):
    root, _, _ = course
    out = subprocess.run([str(BIN / "nbgrader"), "generate_feedback", paths.ASSIGNMENT], cwd=root,
                         capture_output=True, text=True, env=_env(), timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    html = (root / "feedback" / "partial" / paths.ASSIGNMENT / "FullyConnectedNets.html").read_text()
    assert "affine_backward  FAIL" in html and "likely mistake" in html and "Score: 1.2 / 6.0" in html


@pytest.mark.notebook
def test_without_a_sandbox_nbgrader_autograde_refuses_instead_of_scoring(tmp_path):
    from autograder.nbgrader_course import setup_course
    from autograder.samples import SAMPLES
    setup_course(tmp_path, [SAMPLES / "partial.zip"])
    out = subprocess.run([str(BIN / "nbgrader"), "autograde", paths.ASSIGNMENT], cwd=tmp_path, capture_output=True,
                         text=True, env=_env({"NNKIT_BWRAP": str(tmp_path / "none")}), timeout=300)
    assert out.returncode != 0 and "refusing to run student code without a sandbox" in out.stdout + out.stderr
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        assert all(g.auto_score in (None, 0) for g in
                   gb.find_submission_notebook("FullyConnectedNets", paths.ASSIGNMENT, "partial").grades)


def test_student_lab_hides_the_instructor_tools_and_keeps_validate(tmp_path):
    import os
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter"), "PATH": f"{BIN}:/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "checks.student_lab", "--user"], cwd=paths.RELEASE,
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    page = json.loads((tmp_path / "jupyter" / "labconfig" / "page_config.json").read_text())
    disabled = page["disabledExtensions"]
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:course-list"} <= set(k for k, v in disabled.items() if v)
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    import re
    listing = subprocess.run([str(BIN / "jupyter"), "server", "extension", "list"], capture_output=True, text=True,
                             env=env, timeout=120)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    assert "nbgrader.server_extensions.formgrader disabled" in text, text
    assert "nbgrader.server_extensions.validate_assignment enabled" in text
