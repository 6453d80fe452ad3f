"""The command line: a batch goes on past bad submissions, writes its reports and the gradebook."""
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import paths
from autograder.samples import SAMPLES
from conftest import BROKEN, FC_PARTIAL, FULL, MAX_WITH_HAND_GRADES, N_ARTIFACTS, N_ITEMS, PARTIAL
from test_release import secret_lines


def run(*args, cwd=paths.ROOT):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True)


def test_missing_submission_is_bad_usage_with_one_line(tmp_path):
    out = run("grade", "missing.zip", "--out", str(tmp_path / "g"))
    assert out.returncode == 2
    assert out.stderr.strip() == "error: missing.zip: no such file"


def test_batch_with_a_corrupt_zip_grades_the_others_and_exits_1(tmp_path):
    bad = tmp_path / "mallory.zip"
    bad.write_bytes(b"this is not a zip")
    out = run("grade", str(SAMPLES / "reference.zip"), str(bad), str(SAMPLES / "stubs.zip"),
              str(SAMPLES / "broken.zip"), "--out", str(tmp_path / "g"), "--jobs", "2", "--quiet",
              "--time-limit", "3")
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert any(ln.startswith("reference") and f"{FULL} / {FULL:.0f}" in ln for ln in lines)
    assert any(ln.startswith("mallory") and "not a readable zip" in ln for ln in lines)
    assert any(ln.startswith("stubs") and f"{N_ITEMS - N_ARTIFACTS} items not implemented" in ln for ln in lines)
    broken = next(ln for ln in lines if ln.startswith("broken"))  # syntax error in layers.py, infinite loop in adam
    assert f"{BROKEN} / {FULL:.0f}" in broken and "SyntaxError in layers.py" in broken and "timed out after 3 s" in broken
    with open(tmp_path / "g" / "grades.csv") as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    assert float(rows["reference"]["score"]) == FULL and float(rows["mallory"]["score"]) == 0
    assert json.loads((tmp_path / "g" / "mallory.json").read_text())["score"] == 0


def test_grades_reach_the_nbgrader_gradebook_and_export(tmp_path):
    out_dir = tmp_path / "g"
    out = run("grade", str(SAMPLES / "partial.zip"), str(SAMPLES / "reference.zip"), "--out", str(out_dir),
              "--quiet")
    assert out.returncode == 0, out.stderr
    partial = next(ln for ln in out.stdout.splitlines() if ln.startswith("partial"))
    assert ("lost points in affine_backward, softmax_loss, net_loss, adam, net_with_norm, net_regularized"
            in partial)  # every such item is named, in notebook order
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{out_dir / 'gradebook.db'}") as gb:
        sub = gb.find_submission(paths.ASSIGNMENT, "partial")
        assert sub.score == PARTIAL and sub.max_score == MAX_WITH_HAND_GRADES
        grade = gb.find_grade("fc-affine_backward", "FullyConnectedNets", paths.ASSIGNMENT, "partial")
        assert grade.auto_score == 1.2 and grade.max_score == 6
        manual = gb.find_grade("q1-init-depth", "FullyConnectedNets", paths.ASSIGNMENT, "partial")
        assert manual.auto_score is None and manual.needs_manual_grade
    assert (out_dir / "autograded" / "partial" / paths.ASSIGNMENT / "FullyConnectedNets.ipynb").exists()
    bin_dir = f"{sys.prefix}/bin"
    export = subprocess.run([f"{bin_dir}/nbgrader", "export", "--to", "exported.csv"], cwd=out_dir,
                            capture_output=True, text=True, env={"PATH": bin_dir + ":/usr/bin:/bin"})
    assert export.returncode == 0, export.stderr
    rows = {r["student_id"]: r for r in csv.DictReader(open(out_dir / "exported.csv"))}
    assert float(rows["reference"]["score"]) == FULL and float(rows["partial"]["max_score"]) == MAX_WITH_HAND_GRADES
    feedback = subprocess.run([f"{bin_dir}/nbgrader", "generate_feedback", paths.ASSIGNMENT], cwd=out_dir,
                              capture_output=True, text=True, env={"PATH": bin_dir + ":/usr/bin:/bin"})
    assert feedback.returncode == 0, feedback.stderr
    html = (out_dir / "feedback" / "partial" / paths.ASSIGNMENT / "FullyConnectedNets.html").read_text()
    assert f"Score: {FC_PARTIAL} / 100.0" in html and "Score: 1.2 / 6.0" in html
    assert "affine_backward  FAIL" in html and "likely mistake: dw divided by N" in html  # reasons reach feedback
    assert (out_dir / "source" / paths.ASSIGNMENT / "FullyConnectedNets.ipynb").exists()  # Formgrader lists it
    with Gradebook(f"sqlite:///{out_dir / 'gradebook.db'}") as gb:
        assert gb.find_student("partial").last_name == "partial"  # not "None, None" in the Formgrader


def test_regrading_keeps_manual_grades(tmp_path):
    out_dir = tmp_path / "g"
    assert run("grade", str(SAMPLES / "partial.zip"), "--out", str(out_dir), "--quiet").returncode == 0
    from nbgrader.api import Gradebook
    url = f"sqlite:///{out_dir / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.find_grade("q1-init-depth", "FullyConnectedNets", paths.ASSIGNMENT, "partial").manual_score = 3
        gb.db.commit()
    assert run("grade", str(SAMPLES / "partial.zip"), "--out", str(out_dir), "--quiet").returncode == 0
    with Gradebook(url) as gb:
        assert gb.find_grade("q1-init-depth", "FullyConnectedNets", paths.ASSIGNMENT, "partial").score == 3
        assert gb.find_submission(paths.ASSIGNMENT, "partial").score == round(PARTIAL + 3, 2)


def test_check_verb_prints_public_verdicts():
    out = run("check", "affine_backward")
    assert out.returncode == 0 and "affine_backward  PASS" in out.stdout
    out = run("check", "relu_forward", "--folder", str(paths.RELEASE))
    assert out.returncode == 1 and "not implemented yet" in out.stdout


def test_help_comes_from_the_docstrings():
    out = run("grade", "--help")
    assert "Gradescope's results format" in out.stdout


def test_gradescope_verb_writes_results_json_for_a_folder(tmp_path):
    import zipfile
    with zipfile.ZipFile(SAMPLES / "partial.zip") as z:
        z.extractall(tmp_path / "submission")
    results = tmp_path / "results" / "results.json"
    out = run("gradescope", str(tmp_path / "submission"), "--results", str(results))
    assert out.returncode == 0, out.stderr
    data = json.loads(results.read_text())
    assert data["score"] == PARTIAL and len(data["tests"]) == N_ITEMS


def _bundle(tmp_path):
    import zipfile
    bundle = tmp_path / "ag.zip"
    assert run("gradescope-bundle", "--out", str(bundle)).returncode == 0
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path / "source")
        return z.namelist()


def test_gradescope_bundle_holds_the_grader_only_and_no_reference_line(tmp_path):
    names = _bundle(tmp_path)
    assert "run_autograder" in names and "setup.sh" in names
    assert not [n for n in names if n.startswith(("assignments/", "release/", "autograder/samples/"))]
    assert "autograder/mistakes.py" not in names and "autograder/build.py" not in names
    leaks = [(n, ln) for n in names if n.endswith((".py", ".sh")) or n == "run_autograder"
             for ln in secret_lines() if ln in (tmp_path / "source" / n).read_text()]
    assert leaks == []
    setup = (tmp_path / "source" / "setup.sh").read_text()
    assert "apt-get update" in setup and "python3 -m venv /autograder/venv" in setup and "set -euxo" in setup
    assert "numpy==2.2.6; python_version < '3.11'" in setup


def test_gradescope_bundle_grades_without_the_reference(tmp_path):
    import zipfile
    _bundle(tmp_path)
    with zipfile.ZipFile(SAMPLES / "reference.zip") as z:
        z.extractall(tmp_path / "submission")
    results = tmp_path / "results" / "results.json"
    out = run("gradescope", str(tmp_path / "submission"), "--results", str(results), cwd=tmp_path / "source")
    assert out.returncode == 0, out.stderr
    assert json.loads(results.read_text())["score"] == FULL


PY310 = [p for p in ("/root/.pyenv/versions/3.10.13/bin/python3", "/usr/bin/python3.10") if Path(p).exists()]


@pytest.mark.skipif(not PY310, reason="no Python 3.10 on this machine (Ubuntu 22.04's python3 on Gradescope)")
@pytest.mark.notebook
def test_gradescope_bundle_runs_in_a_python_310_venv_with_its_numpy_pin(tmp_path):
    import zipfile
    _bundle(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([PY310[0], "-m", "venv", str(venv)], check=True)
    pin = re.search(r'"numpy==([\d.]+); python_version < \'3.11\'"', (tmp_path / "source" / "setup.sh").read_text())
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"numpy=={pin.group(1)}"],
                         capture_output=True, text=True)
    if pip.returncode != 0:
        pytest.skip(f"numpy {pin.group(1)} could not be installed here (no package registry?): {pip.stderr[-300:]}")
    with zipfile.ZipFile(SAMPLES / "partial.zip") as z:
        z.extractall(tmp_path / "submission")
    results = tmp_path / "results.json"
    out = subprocess.run([str(venv / "bin" / "python"), "-m", "autograder", "gradescope", str(tmp_path / "submission"),
                          "--results", str(results)], cwd=tmp_path / "source", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(results.read_text())
    assert data["score"] == PARTIAL and len(data["tests"]) == N_ITEMS


def test_gradescope_results_json_is_written_after_every_item(tmp_path):
    import os
    import signal
    import time
    from conftest import append_to, make_submission
    folder = make_submission(tmp_path, patches={"optim.py": append_to("import time\ntime.sleep(600)")})
    results = tmp_path / "results.json"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "gradescope", str(folder), "--results", str(results),
                             "--time-limit", "60"], cwd=paths.ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, graded = time.time() + 120, []
    while time.time() < deadline:
        if results.exists():
            data = json.loads(results.read_text())
            graded = [t for t in data["tests"] if "not graded" not in t["output"]]
            if any(t["id"].startswith("fc.net") for t in graded):
                break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # as Gradescope's global timeout would
    proc.wait()
    data = json.loads(results.read_text())
    by_id = {t["id"]: t for t in data["tests"]}
    assert len(by_id) == N_ITEMS and by_id["fc.affine_backward"]["score"] == 6
    assert "not graded: the autograder stopped before this item" in by_id["optim.adam"]["output"]


def test_without_a_sandbox_grade_refuses_and_says_how_to_fix_it(tmp_path):
    import os
    env = {**os.environ, "NNKIT_BWRAP": str(tmp_path / "no-bwrap-here")}
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SAMPLES / "partial.zip"), "--out",
                          str(tmp_path / "g"), "--quiet"], cwd=paths.ROOT, capture_output=True, text=True, env=env)
    assert out.returncode == 3
    assert "refusing to run student code without a sandbox" in out.stderr and "apt-get install bubblewrap" in out.stderr
    assert not (tmp_path / "g").exists()


def test_no_sandbox_grades_and_every_report_says_so(tmp_path):
    import os
    env = {**os.environ, "NNKIT_BWRAP": str(tmp_path / "no-bwrap-here")}
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SAMPLES / "partial.zip"), "--out",
                          str(tmp_path / "g"), "--no-sandbox", "--no-gradebook"], cwd=paths.ROOT, capture_output=True,
                         text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "NONE (--no-sandbox" in out.stderr and "[UNSANDBOXED]" in out.stdout
    data = json.loads((tmp_path / "g" / "partial.json").read_text())
    assert data["output"].startswith("WARNING: graded WITHOUT a sandbox") and data["score"] == PARTIAL
    rows = list(csv.DictReader(open(tmp_path / "g" / "grades.csv")))
    assert rows[0]["sandbox"] == "none"


def _copies(tmp_path, n):
    import shutil
    subs = []
    for i in range(n):
        subs.append(tmp_path / f"student{i}.zip")
        shutil.copy(SAMPLES / ("reference.zip" if i % 2 else "partial.zip"), subs[-1])
    return subs


def test_a_batch_killed_halfway_keeps_its_grades_and_a_rerun_resumes(tmp_path):
    import os
    import signal
    import time
    from nbgrader.api import Gradebook
    subs, out_dir = _copies(tmp_path, 6), tmp_path / "g"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", *map(str, subs), "--out", str(out_dir),
                             "--quiet"], cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.time() + 120
    while len(list(out_dir.glob("student*.json"))) < 2 and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    kept = sorted(p.stem for p in out_dir.glob("student*.json"))
    assert 2 <= len(kept) < 6
    for name in kept:  # each report is whole (written atomically)
        assert json.loads((out_dir / f"{name}.json").read_text())["max_score"] == FULL
    rows = {r["submission"] for r in csv.DictReader(open(out_dir / "grades.csv"))}
    assert set(kept) - rows == set() or len(set(kept) - rows) == 1  # the csv follows each report
    again = run("grade", *map(str, subs), "--out", str(out_dir), "--quiet")
    assert again.returncode == 0, again.stderr
    resumed = [ln for ln in again.stdout.splitlines() if "already graded" in ln]
    assert len(resumed) == len(kept)
    rows = {r["submission"]: float(r["score"]) for r in csv.DictReader(open(out_dir / "grades.csv"))}
    assert rows == {f"student{i}": (FULL if i % 2 else PARTIAL) for i in range(6)}
    with Gradebook(f"sqlite:///{out_dir / 'gradebook.db'}") as gb:
        assert sorted(s.student_id for s in gb.assignment_submissions(paths.ASSIGNMENT)) == sorted(rows)
    forced = run("grade", str(subs[0]), "--out", str(out_dir), "--quiet", "--force")
    assert forced.returncode == 0 and "already graded" not in forced.stdout


def test_a_changed_submission_is_graded_again_on_resume(tmp_path):
    import shutil
    subs, out_dir = _copies(tmp_path, 1), tmp_path / "g"
    assert run("grade", str(subs[0]), "--out", str(out_dir), "--quiet", "--no-gradebook").returncode == 0
    shutil.copy(SAMPLES / "stubs.zip", subs[0])
    again = run("grade", str(subs[0]), "--out", str(out_dir), "--quiet", "--no-gradebook")
    assert "already graded" not in again.stdout and f"0.0 / {FULL:.0f}" in again.stdout
