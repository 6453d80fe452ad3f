"""The real clients, in a real browser (headless Debian chromium driven by Selenium): a student runs a check cell
in JupyterLab; an instructor finds a graded submission from the Formgrader's start page, reads the kit's
verdicts there and enters a manual grade that `nbgrader export` then contains. Screenshots land in the test's
temporary folder."""
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from autograder import paths
from autograder.samples import SAMPLES
from conftest import FULL, PARTIAL

pytestmark = pytest.mark.notebook
BIN = Path(sys.executable).parent
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
    WHY_NOT = None if CHROMIUM and DRIVER else "Debian's chromium and chromium-driver are not installed"
except ImportError:
    WHY_NOT = "selenium is not installed"
if WHY_NOT:
    print(f"\nbrowser tests skipped: {WHY_NOT}", file=sys.stderr)
    pytestmark = [pytest.mark.notebook, pytest.mark.skip(reason=WHY_NOT)]


class Lab:
    """`jupyter lab` on a free local port, serving `root`, without a token."""

    def __init__(self, root, env):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.log = open(Path(env["JUPYTER_CONFIG_DIR"]).parent / f"lab-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={self.port}", "--ServerApp.ip=127.0.0.1",
             "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={root}"],
            cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(240):
            try:
                urllib.request.urlopen(self.url("/api/status"), timeout=1)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("jupyter lab did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'chrome'}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


def wait_for(condition, seconds=90, what="the page"):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _env(tmp_path):
    return {**os.environ, "PATH": f"{BIN}:/usr/bin:/bin", "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter")}


def test_a_student_runs_a_check_cell_and_sees_its_verdict_without_instructor_tools(tmp_path, browser):
    from selenium.webdriver.common.by import By
    import zipfile
    folder = tmp_path / "student"
    shutil.copytree(paths.RELEASE, folder, symlinks=False)
    shutil.rmtree(folder / paths.PACKAGE)
    with zipfile.ZipFile(SAMPLES / "partial.zip") as z:  # a student whose affine_backward is wrong
        z.extractall(tmp_path / "partial")
    shutil.copytree(tmp_path / "partial" / paths.ASSIGNMENT / paths.PACKAGE, folder / paths.PACKAGE)
    cells = [{"cell_type": "code", "execution_count": None, "id": i, "metadata": {}, "outputs": [], "source": src}
             for i, src in (("a", "from checks import check"), ("b", 'check("affine_backward")'))]
    (folder / "Try.ipynb").write_text(json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}))
    env = _env(tmp_path)
    assert subprocess.run([sys.executable, "-m", "checks.student_lab", "--user"], cwd=folder, env=env).returncode == 0
    lab = Lab(folder, env)
    try:
        browser.get(lab.url("/lab/tree/Try.ipynb"))
        wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook-ExecutionIndicator[data-status='idle']")
                 and len(browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")) >= 2, what="the notebook")
        next(e for e in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel") if e.text == "Run").click()
        wait_for(lambda: [e for e in browser.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel")
                          if e.text == "Run All Cells"], what="the Run menu")[0].click()
        output = wait_for(lambda: "\n".join(o.text for o in browser.find_elements(
            By.CSS_SELECTOR, ".jp-OutputArea-output") if "affine_backward" in o.text), what="the check's output")
        browser.save_screenshot(str(tmp_path / "student.png"))
        assert "affine_backward  FAIL" in output and "likely mistake: dw divided by N" in output
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "Validate" in page  # nbgrader's Validate stays in the notebook toolbar
        assert "Create Assignment" not in page and "Formgrader" not in page
    finally:
        lab.stop()


def test_an_instructor_grades_by_hand_in_the_formgrader_and_nbgrader_export_has_it(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from autograder.nbgrader_course import setup_course
    course = tmp_path / "course"
    setup_course(course, [SAMPLES / "partial.zip", SAMPLES / "reference.zip"])
    env = _env(tmp_path)
    done = subprocess.run([str(BIN / "nbgrader"), "autograde", paths.ASSIGNMENT], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lab = Lab(course, env)
    try:
        browser.get(lab.url("/formgrader"))  # the start page lists the assignment and its submissions
        row = wait_for(lambda: [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tr") if "nntrain" in r.text],
                       what="the assignment list")[0]
        browser.save_screenshot(str(tmp_path / "formgrader.png"))
        assert row.split()[-1] == "2" or " 2 " in f" {row} "
        browser.get(lab.url(f"/formgrader/gradebook/{paths.ASSIGNMENT}/FullyConnectedNets"))
        wait_for(lambda: [e for e in browser.find_elements(By.TAG_NAME, "button") + browser.find_elements(
            By.TAG_NAME, "a") if e.text == "Show All Names"], what="the submissions")[0].click()
        wait_for(lambda: [a for a in browser.find_elements(By.TAG_NAME, "a") if "partial" in a.text],
                 what="the student's name")[0].click()
        box = wait_for(lambda: browser.find_elements(By.ID, "q1-init-depth"), what="the submission")[0]
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "affine_backward  FAIL" in page and "likely mistake" in page  # the kit's reasons, per cell
        box.clear()
        box.send_keys("3", Keys.TAB)
        time.sleep(2)  # the Formgrader saves the grade when the field loses focus
        browser.save_screenshot(str(tmp_path / "submission.png"))
    finally:
        lab.stop()
    out = tmp_path / "grades.csv"
    done = subprocess.run([str(BIN / "nbgrader"), "export", "--to", str(out)], cwd=course, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(open(out))}
    assert rows == {"partial": round(PARTIAL + 3, 2), "reference": FULL}


def test_an_instructor_opens_the_class_report_from_disk(tmp_path, browser):
    """The report opens from a file:// URL with no network, shows every section and its plots, sorts a table
    on a header click, and shows the side-by-side view of a similar pair."""
    from selenium.webdriver.common.by import By
    from autograder.bank.compare import CaseResult
    from autograder.bank.verdict import Verdict
    from autograder.class_report import make_report
    from autograder.report import write_results
    for k, name in enumerate(("ann", "bob", "cat")):
        hint = "dw divided by N, but the mean is already in dout" if k else None
        v = Verdict("fc.affine_backward", "affine_backward", 6,
                    cases=[CaseResult("a", not hint, problems=[] if not hint else ["dw wrong"], hint=hint)])
        write_results(tmp_path, {"name": name, "verdicts": [v], "seconds": 1.5 + k, "sandbox": "bwrap"})
        pkg = tmp_path / "autograded" / name / paths.ASSIGNMENT / paths.PACKAGE
        pkg.mkdir(parents=True)
        source = paths.REFERENCE_PACKAGE / "layers.py" if name != "cat" else paths.ROOT / "tests" / "alternative" \
            / paths.PACKAGE / "layers.py"
        (pkg / "layers.py").write_text(source.read_text())
    page, _, _ = make_report(tmp_path)
    browser.get(page.as_uri())
    for section in ("scores", "items", "mistakes", "problems", "models", "timing", "similarity"):
        assert browser.find_element(By.ID, section).is_displayed()
    images = browser.find_elements(By.CSS_SELECTOR, "img")
    assert len(images) >= 4 and all(browser.execute_script("return arguments[0].naturalWidth", i) > 0
                                     for i in images)
    mistakes = browser.find_element(By.XPATH, "//h2[@id='mistakes']/following-sibling::table[1]")
    assert "dw divided by N" in mistakes.text and "bob" in mistakes.text
    items = browser.find_element(By.XPATH, "//h2[@id='items']/following-sibling::table[1]")
    items.find_element(By.TAG_NAME, "th").click()  # sortable without any library
    assert browser.find_elements(By.CSS_SELECTOR, "details[open] mark")  # ann and bob: the same code, marked
    assert "ann and bob" in browser.find_element(By.CSS_SELECTOR, "details summary").text
    browser.save_screenshot(str(tmp_path / "class_report.png"))
