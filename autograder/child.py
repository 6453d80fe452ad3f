"""The child process: runs one item's cases on a student's package and sends plain arrays back.

Run by the grader (in the sandbox) as `python -I -S -B child.py BANK_DIR WORKSPACE JOB_DIR [SITE_DIR]`; never
imported by the grader. JOB_DIR holds plan.json ({"item", "spec", "package", "limits", "cases": [{"name",
"params", "numeric"}]}) and inputs.npz ("<case index>|<input>").

Everything goes back to the grader as frames on the child's original stdout (student prints go to stderr):
    b"NNKIT <tag> <length>\\n" + payload
with tags "importing" (payload: the module being imported), "imported", and per case i "res <i>" (JSON
{"error": str or null}) then "out <i>" (an .npz of the outputs, the numeric gradients as "#num|<name>" and
each input as it was after the call as "#after|<name>"). A crash in a later case loses only that case.
The grader reads at most a fixed number of bytes, validates every frame, and decides everything itself.
"""
import importlib.util
import io
import json
import os
import resource
import sys
import traceback

CHANNEL = None  # the fd frames are written to


def send(tag, payload=b""):
    """Write one frame to the grader."""
    data = f"NNKIT {tag} {len(payload)}\n".encode() + payload
    while data:
        data = data[os.write(CHANNEL, data):]


def _limit(limits):
    """Lower this process's limits before any student code runs (they cannot be raised again)."""
    for name, value in (("RLIMIT_AS", limits.get("memory")), ("RLIMIT_CPU", limits.get("cpu")),
                        ("RLIMIT_FSIZE", limits.get("file_size")), ("RLIMIT_NPROC", limits.get("processes")),
                        ("RLIMIT_CORE", 0)):
        if value is not None and hasattr(resource, name):
            try:
                resource.setrlimit(getattr(resource, name), (int(value), int(value)))
            except (ValueError, OSError):
                pass


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


def main(bank_dir, workspace, job_dir, site=None):
    global CHANNEL
    CHANNEL = os.dup(1)
    os.dup2(2, 1)  # student prints go to stderr, which the grader reads only the end of
    with open(os.path.join(job_dir, "plan.json")) as f:
        plan = json.load(f)
    _limit(plan.get("limits", {}))
    if site:
        sys.path.insert(0, site)
    sys.path.insert(0, workspace)
    calls = _load_bank(bank_dir)
    import numpy as np
    savez = np.savez  # kept before student code runs, which could replace np.savez
    with np.load(os.path.join(job_dir, "inputs.npz"), allow_pickle=False) as f:
        all_inputs = {k: f[k] for k in f.files}
    np.seterr(all="ignore")
    # Import the item's modules first, announcing each, so a module whose import never ends is named once and
    # the grader can skip the other items that need it. Import errors surface again in each case below.
    modules = sorted({plan["spec"][k].rsplit(".", 1)[0] for k in ("function", "forward") if plan["spec"].get(k)})
    for module in modules:
        send("importing", module.encode())
        try:
            importlib.import_module(f"{plan['package']}.{module}")
        except BaseException:  # noqa: BLE001 - reported per case
            pass
    send("imported")
    for i, case in enumerate(plan["cases"]):
        inputs = {k.split("|", 1)[1]: v for k, v in all_inputs.items() if k.split("|", 1)[0] == str(i)}
        result = {"error": None}
        arrays = {}
        try:
            outputs, after = calls.call(plan["spec"], case["params"], inputs, plan["package"])
            arrays.update(outputs)
            arrays.update({f"#after|{k}": v for k, v in after.items()})
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
        send(f"res {i}", json.dumps(result).encode())
        buf = io.BytesIO()
        try:
            savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})
        except BaseException:  # noqa: BLE001 - an output numpy cannot save: the grader reports it missing
            buf = io.BytesIO()
            savez(buf)
        send(f"out {i}", buf.getvalue())
    os._exit(0)  # skip interpreter teardown, which student code could hook


if __name__ == "__main__":
    main(*sys.argv[1:5])
