"""The child process: runs one item's cases on a student's package and writes plain arrays.

Run by the grader as `python -I child.py BANK_DIR WORKSPACE JOB_DIR`; never imported by the grader.
JOB_DIR holds plan.json ({"item", "spec", "package", "cases": [{"name", "params", "numeric"}]}) and
inputs.npz ("<case index>|<input>"). For each case i it writes out_<i>.npz (outputs, and numeric gradients
as "#num|<name>") and then res_<i>.json ({"error": str or null, "notes": [...]}), so a crash in a later case
loses only that case. The grader reads these with allow_pickle=False and decides the score itself.
"""
import importlib.util
import json
import os
import sys
import traceback


def _load_bank(bank_dir):
    """Import the grader's bank (calls.py and its relatives) as package `_bank`, from its own path."""
    spec = importlib.util.spec_from_file_location("_bank", os.path.join(bank_dir, "__init__.py"),
                                                  submodule_search_locations=[bank_dir])
    module = importlib.util.module_from_spec(spec)
    sys.modules["_bank"] = module  # a bare package: __init__ is not executed, so check.py is not imported
    return importlib.import_module("_bank.calls")


def _describe(exc, workspace):
    if isinstance(exc, NotImplementedError):
        return f"not implemented yet: {exc}" if str(exc) else "not implemented yet"
    if isinstance(exc, SyntaxError):
        return f"SyntaxError in {os.path.basename(exc.filename or '?')} at line {exc.lineno}: {exc.msg}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(workspace)]
    where = ""
    if frames:
        f = frames[-1]
        where = f" (at {os.path.relpath(f.filename, workspace)}:{f.lineno}: {f.line})"
    return f"{type(exc).__name__}: {str(exc)[:300]}{where}"


def main(bank_dir, workspace, job_dir):
    os.dup2(2, 1)  # student prints go to the grader's stderr log, whose size is limited
    sys.path[:0] = [workspace]
    calls = _load_bank(bank_dir)
    import numpy as np

    with open(os.path.join(job_dir, "plan.json")) as f:
        plan = json.load(f)
    with np.load(os.path.join(job_dir, "inputs.npz"), allow_pickle=False) as f:
        all_inputs = {k: f[k] for k in f.files}
    np.seterr(all="ignore")
    # Import the item's modules first, leaving a mark, so a module whose import never ends is named once and
    # the grader can skip the other items that need it. Import errors surface again in each case below.
    modules = sorted({plan["spec"][k].rsplit(".", 1)[0] for k in ("function", "forward") if plan["spec"].get(k)})
    for module in modules:
        with open(os.path.join(job_dir, "importing"), "w") as f:
            f.write(module)
        try:
            importlib.import_module(f"{plan['package']}.{module}")
        except BaseException:  # noqa: BLE001 - reported per case
            pass
    os.remove(os.path.join(job_dir, "importing"))
    for i, case in enumerate(plan["cases"]):
        inputs = {k.split("|", 1)[1]: v for k, v in all_inputs.items() if k.split("|", 1)[0] == str(i)}
        result = {"error": None, "notes": []}
        arrays = {}
        try:
            outputs, result["notes"] = calls.call(plan["spec"], case["params"], inputs, plan["package"])
            arrays.update(outputs)
            if case["numeric"]:
                try:
                    numeric = calls.numeric_gradients(plan["spec"], case["params"], inputs, plan["package"])
                    arrays.update({f"#num|{k}": v for k, v in numeric.items()})
                except BaseException:  # noqa: BLE001 - diagnostics only
                    pass
        except SystemExit as exc:
            result["error"] = f"called sys.exit({exc.code!r}); a graded function must return, not exit"
        except MemoryError:
            result["error"] = "MemoryError: the function tried to allocate more memory than the limit"
        except RecursionError:
            result["error"] = "RecursionError: maximum recursion depth exceeded"
        except BaseException as exc:  # noqa: BLE001 - report any failure of student code as this case's verdict
            result["error"] = _describe(exc, workspace)
        np.savez(os.path.join(job_dir, f"out_{i}.npz"), **{k: np.asarray(v) for k, v in arrays.items()})
        with open(os.path.join(job_dir, f"res_{i}.json"), "w") as f:
            json.dump(result, f)
    os._exit(0)  # skip interpreter teardown, which student code could hook


if __name__ == "__main__":
    main(*sys.argv[1:4])
