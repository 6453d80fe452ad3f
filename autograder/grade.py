"""Grade one submission: unpack, run every item out of process, compare with fixtures, explain."""
import os
import shutil
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from . import paths
from .bank import artifact, fixtures
from .bank.evaluate import judge_case
from .bank.numeric import rel_error
from .bank.verdict import Verdict
from .cases import all_cases, items
from .run import Limits, SandboxUnavailable, grading_root, hung_module, resolve_mode, run_item
from .unpack import SubmissionError, unpack


def load_tables():
    """Public and hidden fixtures merged into one table."""
    table = fixtures.load(fixtures.PUBLIC)
    table.update(fixtures.load(paths.HIDDEN_FIXTURES))
    return table


def grade_artifact(workspace_root, item):
    """Verdict of a saved-model item: the kit's own forward pass on the held-out split of the item's dataset
    (its one targets entry; Fashion-MNIST by default), no student code."""
    import numpy as np
    datasets = list(item.targets or ())
    heldout = paths.HELDOUT_FILES[datasets[0]] if len(datasets) == 1 else paths.HELDOUT
    with np.load(heldout, allow_pickle=False) as f:
        images, labels = f["X"], f["y"]
    return artifact.verdict(item, Path(workspace_root) / item.artifact, images, labels, "held-out")


def grade_item(workspace_root, item, table, limits=Limits(), mode=None):
    """Verdict of one item on a workspace (the child runs the code in the sandbox; this process judges).

    mode: the sandbox mode (see run.resolve_mode).
    """
    if item.kind == "artifact":
        return grade_artifact(workspace_root, item)
    cases, hidden = all_cases(item)
    outcomes = run_item(workspace_root, item, cases, limits, mode=mode)
    verdict = Verdict(item.id, item.name, item.points)
    for case, out in zip(cases, outcomes):
        verdict.cases.append(judge_case(item, case.name, table[(item.id, case.name)], out.outputs, out.error,
                                        out.changed, hidden=case.name in hidden, inputs=out.inputs,
                                        params=case.params))
    verdict.collapse_common_error()
    first = outcomes[0] if outcomes else None
    if first and first.outputs and first.numeric and not first.changed:  # a function that changes its inputs
        # (or a model its parameters) makes the numeric gradient meaningless: no gradient check line then
        verdict.gradcheck = {k: rel_error(first.outputs[k], v) for k, v in first.numeric.items()
                             if k in first.outputs and first.outputs[k].shape == v.shape}
    return verdict


def _explain_missing_module(verdict, skipped):
    """When an item failed because a module is missing that the unpacker had to skip, say why it was skipped."""
    import re
    match = re.search(r"No module named '\w+\.(\w+)'", verdict.error or "")
    if match:
        why = [s for s in skipped if f"{paths.PACKAGE}/{match.group(1)}.py" in s]
        if why:
            verdict.error += f"; {paths.PACKAGE}/{match.group(1)}.py was in the submission but skipped: {why[0]}"


# items of one submission graded at once (each in its own sandboxed child): the cores, at most 4
ITEM_WORKERS = max(1, min(4, os.cpu_count() or 1))


def grade_submission(submission, limits=Limits(), table=None, notebooks=None, keep_notebooks=None, mode=None,
                     on_verdict=None, workers=ITEM_WORKERS):
    """Grade a zip or folder. Never raises for anything about the submission: a failure anywhere is the result.

    Args:
        submission: path of a zip or folder.
        limits: Limits per item.
        table: fixtures (default: public and hidden, loaded here).
        notebooks: grade only the items of these notebooks (default: all).
        keep_notebooks: folder to copy the submitted notebooks (for formgrader) and nnkit/*.py (for the class
            report's similarity check) into, as nbgrader's autograded/<student>/<assignment>/ holds them; or None.
        mode: the sandbox mode (see run.resolve_mode); resolved before anything is unpacked.
        on_verdict: called with the result dict so far after each item (Gradescope writes results.json then).
        workers: items graded at once, each in its own child; verdicts still come in item order, and once an
            import of a module never ends, the items after it that need the module are not run (at most
            `workers` - 1 more meet it while it hangs, with the same reason).

    Returns:
        dict: name, verdicts (list of Verdict), error (None, or why it could not be graded), seconds, skipped,
        sandbox (the mode used).
    """
    from .unpack import submission_name
    start = time.perf_counter()
    mode = resolve_mode(mode)
    result = {"name": submission_name(submission), "verdicts": [], "error": None, "skipped": [], "sandbox": mode}
    ws = None
    try:
        table = load_tables() if table is None else table
        ws = unpack(submission, dest=grading_root())
        result.update(name=ws.name, skipped=ws.skipped)
        hanging = {}  # module -> the error of the item whose import of it never ended
        in_flight = deque()  # (item, future) in item order; at most `workers` children run at once

        def finish():
            it, future = in_flight.popleft()
            try:
                verdict = future.result()
            except SandboxUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001 - costs this item, with the reason, not the submission
                verdict = Verdict(it.id, it.name, it.points, error=f"could not be graded: the grader failed on "
                                                                   f"this item ({type(exc).__name__}: {str(exc)[:200]})")
            _explain_missing_module(verdict, ws.skipped)
            module = hung_module(verdict.error)
            if module:
                hanging[module] = verdict.error
            result["verdicts"].append(verdict)
            if on_verdict:
                on_verdict(result)

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for it in items(notebooks):
                modules = {f.rsplit(".", 1)[0] for f in (it.function, it.forward) if f} if it.kind != "artifact" else set()
                while len(in_flight) >= max(1, workers):
                    finish()
                stuck = sorted(modules & set(hanging))
                if stuck:
                    done = Future()
                    done.set_result(Verdict(it.id, it.name, it.points, error=hanging[stuck[0]]))
                    in_flight.append((it, done))
                    continue
                in_flight.append((it, pool.submit(grade_item, ws.root, it, table, limits, mode)))
            while in_flight:
                finish()
        by_id = {v.id: v for v in result["verdicts"]}
        for it in items(notebooks):
            if it.uses and it.id in by_id:
                by_id[it.id].note_failing_uses([by_id[u] for u in it.uses if u in by_id])
        if keep_notebooks:  # the notebooks for formgrader, the package for the class report's similarity check
            keep = Path(keep_notebooks)
            shutil.rmtree(keep / paths.PACKAGE, ignore_errors=True)  # no file left from an earlier grading
            for f in [*ws.root.glob("*.ipynb"), *ws.root.glob(f"{paths.PACKAGE}/*.py")]:
                (keep / f.parent.relative_to(ws.root)).mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, keep / f.relative_to(ws.root))
    except SubmissionError as exc:
        result["error"] = str(exc)
    except SandboxUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - one submission's failure is its result, never the batch's end
        result["error"] = f"the grader failed on this submission ({type(exc).__name__}: {str(exc)[:300]})"
    finally:
        if ws is not None:
            shutil.rmtree(ws.root, ignore_errors=True)
    if result["error"]:
        result["verdicts"] = [Verdict(it.id, it.name, it.points, error=f"not graded: {result['error']}")
                              for it in items(notebooks)]
    result["seconds"] = time.perf_counter() - start
    return result
