"""Run a notebook top to bottom in a self-contained copy of an assignment folder (tests and benchmark)."""
import shutil
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from . import paths

CELL_TIMEOUT = 600  # seconds; a guard against hangs, not a budget (the benchmark reports the budget)


def copy_assignment(src, dest):
    """A self-contained copy of src in dest (symlinked utils/ and checks/ resolved, default data beside)."""
    target = dest / paths.ASSIGNMENT
    shutil.copytree(src, target, symlinks=False, ignore=shutil.ignore_patterns("__pycache__", "artifacts"))
    (target / "datasets").mkdir(exist_ok=True)
    for name in paths.DATA_FILES:
        shutil.copy(paths.ROOT / "datasets" / name, target / "datasets")
    return target


def execute(folder, name):
    """Execute folder/<name>.ipynb in place of its folder; returns (notebook, CellExecutionError or None, seconds)."""
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = exc
    return nb, error, time.perf_counter() - start
