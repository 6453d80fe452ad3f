"""The class report: a generated class (tests/class_corpus.py) with known mistakes in known numbers and planted
copies gives the expected counts, ranking and similar pairs; bad input is reported, never a crash; student text
cannot inject HTML."""
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import class_corpus
from conftest import N_ARTIFACTS
from autograder import paths
from autograder.bank.compare import CaseResult
from autograder.bank.verdict import Verdict
from autograder.class_report import make_report
from autograder.report import RESULTS_FORMAT, item_diagnoses, results_json, write_results

ROOT = Path(__file__).resolve().parent.parent


def grade_class(zips, out):
    """`python -m autograder grade` on the zips (the class report is written at its end); returns its stdout."""
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, zips), "--out", str(out),
                           "--jobs", "2", "--quiet", "--no-gradebook"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def check_class(manifest, summary):
    """The report's numbers match what the generated class planted."""
    found = {m["hint"]: m["students"] for m in summary["mistakes"]}
    for hint, students in manifest["mistakes"].items():
        assert found.get(hint) == students, hint
    planted = [m for m in summary["mistakes"] if m["hint"] in manifest["mistakes"]]
    counts = [m["count"] for m in planted]
    assert counts == sorted(counts, reverse=True)  # ranked by how many students made them
    flagged = {frozenset((p["a"], p["b"])) for p in summary["similarity"]["pairs"]}
    assert flagged == {frozenset(pair) for pair in manifest["copies"]}
    assert set(summary["similarity"]["skipped"]) >= set(manifest["stubs"])
    items = {r["id"]: r for r in summary["items"]}
    assert items["fc.affine_forward"]["not-implemented"] >= len(manifest["stubs"])
    models = summary["models"]
    assert len(models["accuracies"]) + len(models["errors"]) == summary["graded"] * N_ARTIFACTS  # one per saved model
    # the generated class saves FullyConnectedNets' model only (but for the no_model students)
    assert {e["student"] for e in models["errors"] if e["item"] == "best_model"} == set(manifest["no_model"])
    assert {e["student"] for e in models["errors"] if e["item"] == "regularized_model"} == {
        e["student"] for e in models["accuracies"]} | set(manifest["no_model"])


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    """A class of 14 graded for real once: 1 stub, 2 partial, known mistakes (2, 2, 1, 1), 2 near copies."""
    tmp = tmp_path_factory.mktemp("class")
    manifest = class_corpus.build_class(tmp / "zips", n=12, planted_counts=(2, 2, 1, 1), n_stubs=1, n_partial=2,
                                        no_model=2)
    out = tmp / "graded"
    stdout = grade_class(manifest["zips"], out)
    return manifest, out, stdout


def test_small_class_report_counts_the_planted_mistakes_and_flags_only_the_copies(small_class):
    manifest, out, stdout = small_class
    assert "class report:" in stdout
    summary = json.loads((out / "class_report" / "report.json").read_text())
    assert summary["submissions"] == summary["graded"] == 14
    check_class(manifest, summary)
    rows = (out / "class_report" / "mistakes.csv").read_text().splitlines()
    assert rows[0] == "students,mistake,items,points_lost,who" and len(rows) == len(summary["mistakes"]) + 1
    pairs = (out / "class_report" / "similar_pairs.csv").read_text().splitlines()
    assert len(pairs) == 1 + len(manifest["copies"])
    page = (out / "class_report" / "index.html").read_text()
    for section in ("scores", "items", "mistakes", "problems", "models", "timing", "similarity"):
        assert f'id="{section}"' in page
    assert "<mark>" in page and "http" not in page.replace("http-equiv", "")  # side by side; nothing fetched


def test_the_kept_code_lets_the_report_run_again_and_compare_with_known_solutions(small_class, tmp_path):
    manifest, out, _ = small_class
    original, _copy = manifest["copies"][0]
    known = tmp_path / "known" / "last_year"
    known.mkdir(parents=True)
    for f in (out / "autograded" / original / paths.ASSIGNMENT / paths.PACKAGE).glob("*.py"):
        (known / f.name).write_text(f.read_text())
    page, summary, _ = make_report(out, out=tmp_path / "r", known=tmp_path / "known")
    matched = {p["a"] for p in summary["similarity"]["known"]}
    assert matched == set(manifest["copies"][0]) and all(p["b"] == "known: last_year" for p in
                                                         summary["similarity"]["known"])
    assert "Matching known solutions" in page.read_text()


def test_old_and_corrupt_results_files_are_reported_not_fatal(small_class, tmp_path):
    manifest, out, _ = small_class
    folder = tmp_path / "graded"
    names = sorted(p.stem for p in out.glob("*.json"))
    old = json.loads((out / f"{names[0]}.json").read_text())
    del old["extra_data"]["items"]  # as a grader before the class report wrote it
    (folder).mkdir()
    (folder / f"{names[0]}.json").write_text(json.dumps(old))
    (folder / "garbage.json").write_text("{not json")
    (folder / "wrong.json").write_text(json.dumps({"tests": [{"id": 3}], "extra_data": {}}))
    _, summary, _ = make_report(folder)
    assert summary["graded"] == 1 and summary["problems"]["old_format"] == [names[0]]
    assert summary["mistakes"] == []
    assert sum("not a results file" in p for p in summary["problems"]["other"]) == 2
    assert any("no code kept" in why for why in summary["submission_problems"][names[0]])


def test_report_command_bad_input(tmp_path):
    run = [sys.executable, "-m", "autograder", "report"]
    missing = subprocess.run(run + [str(tmp_path / "nope")], cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    empty = subprocess.run(run + [str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert empty.returncode == 0, empty.stderr
    summary = json.loads((tmp_path / "class_report" / "report.json").read_text())
    assert summary["submissions"] == 0 and "no graded submissions found" in summary["problems"]["other"][0]


def test_student_text_cannot_inject_html(tmp_path):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    verdict = Verdict("fc.affine_forward", "affine_forward", 2,
                      cases=[CaseResult("c", False, problems=["out wrong"], hint=evil)])
    result = {"name": f"mallory{evil}", "verdicts": [verdict], "error": None, "seconds": 1.0, "skipped": [evil],
              "sandbox": "none"}
    write_results(tmp_path, result)
    for name in ("a", "b"):  # two identical packages whose code holds the same string
        pkg = tmp_path / "autograded" / name / paths.ASSIGNMENT / paths.PACKAGE
        pkg.mkdir(parents=True)
        body = "\n".join(f"    x{i} = '{evil}' + str({i} * y)" for i in range(40))
        (pkg / "layers.py").write_text(f"def f(y):\n{body}\n    return x0\n")
        write_results(tmp_path, {**result, "name": name})
    page, summary, _ = make_report(tmp_path)
    text = page.read_text()
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert summary["problems"]["unsandboxed"] and summary["similarity"]["pairs"]


def test_results_json_carries_structured_diagnoses():
    hint = "dw divided by N, but the mean is already in dout (4, 5)"
    v = Verdict("fc.affine_backward", "affine_backward", 6, cases=[
        CaseResult("a", False, problems=["dw wrong"], hint=hint), CaseResult("b", True),
        CaseResult("h", False, hidden=True, problems=["dw wrong"], hint=hint)])
    info = item_diagnoses(v)
    assert info["status"] == "failed" and info["error_kind"] is None
    assert info["diagnoses"] == [{"hint": "dw divided by N, but the mean is already in dout (...)", "cases": 2}]
    timeout = Verdict("optim.adam", "adam", 6, error="timed out after 20 s (an infinite loop?)")
    todo = Verdict("optim.adam", "adam", 6, error="not implemented yet: adam")
    same = Verdict("fc.relu_forward", "relu_forward", 2, cases=[
        CaseResult(c, False, problems=["out is float32; float64 inputs must give float64"], hint="a cast")
        for c in "ab"]).collapse_common_error()
    data = results_json({"name": "x", "verdicts": [timeout, todo, same]})
    items = data["extra_data"]["items"]
    assert data["extra_data"]["format"] == RESULTS_FORMAT
    assert items["optim.adam"]["error_kind"] == "not-implemented"
    assert item_diagnoses(timeout)["error_kind"] == "timeout"
    assert items["fc.relu_forward"]["diagnoses"] == [{"hint": "a cast", "cases": 2}]
    assert items["fc.relu_forward"]["error_kind"] is None and item_diagnoses(same)["error"].startswith("out is")


def test_nbgrader_course_layout_is_read(tmp_path):
    """A course autograded by nbgrader with the kit's hook: kit JSON per notebook, code in submitted/."""
    from autograder.nbgrader_hook import save_structured
    verdict = Verdict("fc.affine_backward", "affine_backward", 6, cases=[
        CaseResult("a", False, problems=["dw wrong"], hint="dw divided by N, but the mean is already in dout")])
    for student in ("ann", "bob"):
        save_structured(tmp_path, {"student": student, "assignment": paths.ASSIGNMENT,
                                   "notebook": "FullyConnectedNets"},
                        {"name": "ignored", "verdicts": [verdict], "error": None, "seconds": 2.0, "sandbox": "bwrap"})
        pkg = tmp_path / "submitted" / student / paths.ASSIGNMENT / paths.PACKAGE
        pkg.mkdir(parents=True)
        (pkg / "layers.py").write_text((paths.REFERENCE_PACKAGE / "layers.py").read_text())
    (tmp_path / "submitted" / "cat" / paths.ASSIGNMENT).mkdir(parents=True)  # submitted, never autograded
    _, summary, _ = make_report(tmp_path)
    assert summary["graded"] == 2 and summary["mistakes"][0]["students"] == ["ann", "bob"]
    assert [(p["a"], p["b"]) for p in summary["similarity"]["pairs"]] == [("ann", "bob")]
    assert "no kit verdicts" in summary["submission_problems"]["cat"][0]


@pytest.mark.notebook
def test_a_generated_class_of_100(tmp_path):
    """The issue's acceptance run: 102 submissions graded for real, then the report."""
    manifest = class_corpus.build_class(tmp_path / "zips", n=100)
    out = tmp_path / "graded"
    grade_class(manifest["zips"], out)
    summary = json.loads((out / "class_report" / "report.json").read_text())
    assert summary["graded"] == 102
    check_class(manifest, summary)


def test_the_generated_class_is_what_it_says():
    """Unzipped, the generated packages hold the planted mistake lines and the copies are disguised."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        manifest = class_corpus.build_class(tmp, n=12, planted_counts=(2, 2, 1, 1), n_stubs=1, n_partial=2)
        original, copy = manifest["copies"][0]
        read = lambda n: zipfile.ZipFile(Path(tmp) / f"{n}.zip").read(  # noqa: E731
            f"{paths.ASSIGNMENT}/{paths.PACKAGE}/layers.py").decode()
        assert read(original) != read(copy) and "# step" in read(copy)
        assert len(manifest["zips"]) == 14
