"""check(name): run a function's public cases in this kernel and print the verdict (a student's tool).

The grade itself is computed by the autograder in a separate process; this gives the same diagnostics early.
"""
import importlib
import os
import sys
import traceback

from . import calls, fixtures, items
from .evaluate import judge_case
from .recipes import make_inputs
from .verdict import Verdict
from . import catalog  # noqa: F401  (registers every notebook's items)

GRADIENT_KINDS = ("backward", "model_loss", "function")


def reload_package(package="nnkit"):
    """Re-import the student's modules so edits to the .py files take effect without a kernel restart."""
    names = [n for n in list(sys.modules) if n == package or n.startswith(package + ".")]
    for name in names:
        importlib.reload(sys.modules[name])


def short_error(exc):
    """One line for an exception raised by student code: type, message and the student's last line."""
    if isinstance(exc, NotImplementedError):
        return f"not implemented yet: {exc}" if str(exc) else "not implemented yet"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/checks/" not in f.filename
              and "/bank/" not in f.filename]
    where = f" (at {frames[-1].filename.split('/')[-1]}:{frames[-1].lineno}: {frames[-1].line})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def run_in_kernel(item, cases, table, package="nnkit", gradient=True, hidden=()):
    """Verdict of `item` on `cases`, run in this process against fixture `table`.

    Args:
        item: Item.
        cases: Case list.
        table: fixtures as loaded by fixtures.load().
        package: the student package name.
        gradient: also compare the analytic gradient with a numeric one on the first case.
        hidden: names of cases to mark hidden.
    """
    verdict = Verdict(item.id, item.name, item.points)
    sp = calls.spec(item)
    first_changed = {}
    for k, case in enumerate(cases):
        inputs = make_inputs(item, case)
        got, error, changed = None, None, {}
        try:
            got, after = calls.call(sp, case.params, inputs, package)
            changed = calls.changed_inputs(inputs, after)
        except Exception as exc:  # noqa: BLE001 - any failure of student code is a verdict, not a crash
            error = short_error(exc)
        first_changed = changed if k == 0 else first_changed
        verdict.cases.append(judge_case(item, case.name, table[(item.id, case.name)], got, error, changed,
                                        hidden=case.name in hidden, inputs=inputs, params=case.params))
    verdict.collapse_common_error()
    # a function that changes its inputs (or a model its parameters) makes the numeric gradient meaningless
    if gradient and item.kind in GRADIENT_KINDS and cases and not verdict.error and not first_changed:
        verdict.gradcheck = gradient_errors(item, cases[0], package)
    return verdict


def gradient_errors(item, case, package="nnkit"):
    """Relative error of each analytic gradient vs a numeric gradient of the student's own forward."""
    from .numeric import rel_error
    try:
        inputs = make_inputs(item, case)
        numeric = calls.numeric_gradients(calls.spec(item), case.params, inputs, package)
        if not numeric:
            return {}
        analytic, _ = calls.call(calls.spec(item), case.params, make_inputs(item, case), package)
        return {k: rel_error(analytic[k], v) for k, v in numeric.items() if analytic[k].shape == v.shape}
    except Exception:  # noqa: BLE001 - the verdict above already reports the failure
        return {}


def check(name, package="nnkit", gradient=True, quiet=False):
    """Run the public cases of one graded function and print its verdict.

    Args:
        name: function name ("affine_backward") or item id ("fc.affine_backward").
        package: the student package name.
        gradient: for backward passes and losses, also run a numeric gradient check of your own forward.
        quiet: do not print.

    Returns:
        Verdict (its .status is "passed" or "failed", .text() the printed report).
    """
    reload_package(package)
    item = items.find(name)
    if item.kind == "artifact":
        verdict = check_artifact(item)
        if not quiet:
            print(verdict.text())
        return _under_nbgrader(verdict)
    table = fixtures.load()
    verdict = run_in_kernel(item, item.public, table, package, gradient)
    verdict.pending = item.hidden
    if item.uses and verdict.status != "passed":
        used = [run_in_kernel(items.REGISTRY[u], items.REGISTRY[u].public, table, package, gradient=False)
                for u in item.uses]
        verdict.note_failing_uses(used)
    if not quiet:
        print(verdict.text())
    return _under_nbgrader(verdict)


class CheckFailed(AssertionError):
    """Raised by check() when nbgrader runs the notebook (Validate, `nbgrader validate`) and the function
    does not pass its public cases: nbgrader then marks the cell failed instead of reading it as passed."""


def _under_nbgrader(verdict):
    """verdict, or CheckFailed when nbgrader executes this notebook and the verdict is not a pass.

    Interactively a check only prints, so Run All goes on past a function that is not done yet.
    """
    if os.environ.get("NBGRADER_EXECUTION") and verdict.status != "passed":
        raise CheckFailed(f"{verdict.name} does not pass its public checks:\n{verdict.text()}")
    return verdict


VALIDATION_FILES = {"fashion_mnist": "fashion_mnist_subset.npz", "digits": "digits8x8.npz"}  # X_val, y_val


def check_artifact(item, folder="."):
    """Verdict on the saved model in folder/artifacts, measured on the validation split students have (of the
    item's dataset: its one targets entry, Fashion-MNIST by default)."""
    import numpy as np
    from . import artifact
    from pathlib import Path
    datasets = list(item.targets or ())
    name = VALIDATION_FILES[datasets[0] if len(datasets) == 1 else "fashion_mnist"]
    data = Path(folder) / "datasets" / name
    if not data.exists():  # in the source tree the data sits at the repository root
        data = Path(__file__).resolve().parent.parent.parent / "datasets" / name
    with np.load(data, allow_pickle=False) as f:
        images, labels = f["X_val"], f["y_val"]
    return artifact.verdict(item, Path(folder) / item.artifact, images, labels, "validation")


def check_all(package="nnkit", notebook=None, quiet=False):
    """check() every graded function (of one notebook, if given); returns {item id: Verdict}."""
    reload_package(package)
    table = fixtures.load()
    verdicts = {}
    for item in items.REGISTRY.values():
        if item.kind == "artifact" or (notebook and item.notebook != notebook):
            continue
        verdicts[item.id] = run_in_kernel(item, item.public, table, package, gradient=False)
        verdicts[item.id].pending = item.hidden
        if not quiet:
            print(verdicts[item.id].text())
    return verdicts
