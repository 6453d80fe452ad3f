"""The committed release is what the build makes now, and no reference line reaches it."""
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from autograder import build, paths
from autograder.hidden import HIDDEN


def _solution_lines(text):
    """Non-trivial lines between solution markers in a .py or notebook source."""
    lines, inside = set(), False
    for line in text.splitlines():
        s = line.strip()
        if s == build.BEGIN:
            inside = True
        elif s == build.END:
            inside = False
        elif inside and len(s) > 12:
            lines.add(s)
    return lines


def test_committed_generated_files_are_what_the_build_makes_now():
    assert build.stale_files() == [], "run `python -m autograder build`"


def test_a_stale_release_file_is_reported(monkeypatch, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(paths.RELEASE, copy)
    (copy / "README.md").write_text("edited by hand")
    monkeypatch.setattr(paths, "RELEASE", copy)
    assert f"release/{paths.ASSIGNMENT}/README.md" in build.stale_files()


def secret_lines():
    """Lines of the reference solutions (code and notebook answers) that appear nowhere outside them."""
    reference, outside = set(), set()
    for src in list(paths.REFERENCE_PACKAGE.rglob("*.py")) + list(paths.SOURCE.glob("*.ipynb")):
        text = src.read_text()
        reference |= _solution_lines(text)
        outside |= {ln.strip() for ln in build.strip_solutions(text).splitlines()} if src.suffix == ".py" else set()
    return reference - outside  # lines such as "N = x.shape[0]" also stand outside the solutions


def test_no_line_of_reference_code_reaches_the_release():
    secret = secret_lines()
    assert len(secret) > 30  # the markers are really there
    leaks = []
    for path in list(paths.RELEASE.rglob("*.py")) + list(paths.RELEASE.glob("*.ipynb")):
        text = path.read_text()
        leaks += [f"{path.relative_to(paths.RELEASE)}: {line}" for line in secret if line in text]
    assert not leaks, "\n".join(leaks[:10])


def test_shipped_checks_and_utils_are_the_kit_copies_without_reference_code():
    for shipped, origin in (("checks", paths.BANK), ("utils", paths.ROOT / "utils")):
        for path in (paths.RELEASE / shipped).glob("*.py"):
            assert path.read_text() == (origin / path.name).read_text(), path
    assert not (paths.RELEASE / "autograder").exists() and not (paths.RELEASE / "assignments").exists()


def test_release_has_no_solution_markers_and_no_answers():
    for path in paths.RELEASE.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".ipynb"):
            assert "BEGIN SOLUTION" not in path.read_text(), path


def test_release_stubs_keep_signatures_docstrings_and_raise_a_pointer():
    text = (paths.RELEASE / paths.PACKAGE / "layers.py").read_text()
    assert "def affine_backward(dout, cache):" in text and "dw: (D, M), where D = d1 * ... * dk." in text
    assert ('raise NotImplementedError("affine_backward: your code goes here (see the docstring); '
            "then run check('affine_backward')\")") in text
    init = (paths.RELEASE / paths.PACKAGE / "fc_net.py").read_text()
    assert "FullyConnectedNet.__init__: your code goes here" in init and "check('net_init')" in init


def test_release_modules_import_and_stubs_raise(tmp_path):
    code = ("import numpy as np\nfrom nnkit import layers\n"
            "try:\n    layers.relu_forward(np.ones(3))\nexcept NotImplementedError as e:\n    print('RAISED', e)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=paths.RELEASE, capture_output=True, text=True)
    assert "RAISED relu_forward: your code goes here" in out.stdout, out.stderr


def test_hidden_cases_and_fixtures_are_not_shipped():
    shipped = "\n".join(p.read_text() for p in (paths.RELEASE / "checks").glob("*.py"))
    assert "HIDDEN" not in shipped and "hidden_fixtures" not in shipped
    assert not list(paths.RELEASE.rglob("hidden*"))
    shipped_fixtures = list((paths.RELEASE / "checks").glob("public_fixtures.*.npz"))
    assert len(shipped_fixtures) == len(paths.NOTEBOOKS)  # one per notebook
    hidden_names = {(item_id, c.name) for item_id, cases in HIDDEN.items() for c in cases}
    for path in shipped_fixtures:
        with np.load(path) as f:
            assert not [k for k in f.files if tuple(k.split("|")[:2]) in hidden_names]


@pytest.mark.parametrize("text, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    x = 1\n", "without"),
    ("def f():\n    ### END SOLUTION\n", "without"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION\n", "nested"),
], ids=["unterminated", "stray end", "nested"])
def test_strip_solutions_rejects_broken_markers(text, message):
    with pytest.raises(ValueError, match=message):
        build.strip_solutions(text)


def test_strip_solutions_names_methods_and_keeps_indentation():
    text = "class A:\n    def go(self):\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n"
    out = build.strip_solutions(text)
    assert re.search(r'^        raise NotImplementedError\("A.go: your code goes here', out, re.M)
