"""Reports: a Gradescope-shaped results JSON per submission, a grades.csv per batch, a one-line summary."""
import csv
import io
import json
import os
import re
from pathlib import Path

from .bank.artifact import MISSING


# How run.py, child.py and grade.py word an item that raised or whose child failed (see error_kind).
CRASH = re.compile(r"^([\w.]*(Error|Exception|Exit|Interrupt)\b|the process running it |the child's |its output "
                   r"|sent more than |could not be graded|the outputs of this case )")
RESULTS_FORMAT = 2  # 2: extra_data["items"] holds each item's structured diagnoses (class_report reads them)
UNSANDBOXED = "WARNING: graded WITHOUT a sandbox (--no-sandbox): student code could read or change anything the grader can."


def error_kind(verdict):
    """Why an item could not run at all, as one word: None (it ran), "not-graded" (the whole submission could
    not be), "not-implemented", "timeout", "syntax-error", "crash" (an exception, a killed or garbled child) or
    "model" (a saved model missing or unreadable)."""
    error = verdict.error
    if not error:
        return None
    if error.startswith("not graded"):
        return "not-graded"
    if verdict.accuracy is not None or verdict.fixed_score is not None:
        return "model"
    if error.startswith("not implemented"):
        return "not-implemented"
    if error.startswith("timed out") or "timed out after" in error or "s of CPU" in error:
        return "timeout"
    if error.startswith("SyntaxError"):
        return "syntax-error"
    if CRASH.match(error):
        return "crash"
    return None  # every case failed the same way (a dtype, a shape): it ran, its diagnoses say why


def item_diagnoses(verdict):
    """The structured verdict of one item, for class reports: {"status", "score", "points", "error_kind",
    "error" (its first line), "diagnoses": [{"hint", "cases"}] (each distinct likely mistake and how many
    failed cases it explains; hidden cases' hints without their shapes), "in_place": [notes], "accuracy"}."""
    from .bank.verdict import hidden_hint
    counts = {}
    for c in verdict.cases:
        if not c.passed and c.hint:
            hint = hidden_hint(c.hint)
            counts[hint] = counts.get(hint, 0) + 1
    if verdict.error_hint:
        hint = hidden_hint(verdict.error_hint)
        counts[hint] = counts.get(hint, 0) + max(1, verdict.total_cases)
    return {"status": verdict.status, "score": verdict.score, "points": verdict.points,
            "error_kind": error_kind(verdict), "error": (verdict.error or "").split("\n")[0] or None,
            "diagnoses": [{"hint": h, "cases": n} for h, n in counts.items()],
            "in_place": sorted({n for c in verdict.cases for n in c.notes}), "accuracy": verdict.accuracy}


def results_json(result, extra=None):
    """Gradescope's results.json shape for one graded submission (see autograder/grade.py's result dict).

    extra: more keys for "extra_data" (the grader's fingerprint of the submission, for resuming a batch).
    """
    verdicts = result["verdicts"]
    tests = [{"id": v.id, "number": v.id, "name": v.name, "score": v.score, "max_score": v.points,
              "status": v.status, "output": v.text(), "visibility": "visible"} for v in verdicts]
    output = f"Graded {len(tests)} items in {result.get('seconds', 0):.1f} s."
    if result.get("error"):
        output = f"Could not grade this submission: {result['error']}"
    if result.get("skipped"):
        output += "\nSkipped files: " + "; ".join(result["skipped"])
    if result.get("sandbox") == "none":
        output = UNSANDBOXED + "\n" + output
    extra_data = {"submission": result["name"], "error": result.get("error"), "sandbox": result.get("sandbox"),
                  "skipped": result.get("skipped", []), "format": RESULTS_FORMAT,
                  "items": {v.id: item_diagnoses(v) for v in verdicts}, **(extra or {})}
    return {"score": round(sum(v.score for v in verdicts), 2),
            "max_score": round(sum(v.points for v in verdicts), 2),
            "execution_time": round(result.get("seconds", 0), 2), "output": output, "tests": tests,
            "extra_data": extra_data}


def write_atomic(path, text):
    """Write text to path via a temporary file and rename, so a crash never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def results_path(out_dir, name):
    """out_dir/<name>.json, the name reduced to characters safe in a file name."""
    from .unpack import safe_filename
    return Path(out_dir) / f"{safe_filename(name)[:200]}.json"


def write_results(out_dir, result, filename=None, extra=None):
    """Write out_dir/<name>.json (or out_dir/filename) atomically; returns (its path, the data written)."""
    data = results_json(result, extra)
    path = Path(out_dir) / filename if filename else results_path(out_dir, result["name"])
    write_atomic(path, json.dumps(data, indent=1))
    return path, data


def read_results(path):
    """The data of a results JSON this grader wrote, or None if it is missing or not of that form."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("tests"), list) or "extra_data" not in data:
        return None
    return data


def write_csv(path, header, rows):
    """Write a CSV file (a header row, then rows) atomically; returns its path."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    write_atomic(path, text.getvalue())
    return Path(path)


def write_grades_csv(out_dir, results, item_ids):
    """out_dir/grades.csv: one row per submission (results: list of results_json data), total, max, one
    column per item, the sandbox used and the error if any. Written atomically."""
    rows = []
    for data in sorted(results, key=lambda d: d["extra_data"]["submission"]):
        by_id = {t["id"]: t["score"] for t in data["tests"]}
        extra = data["extra_data"]
        rows.append([extra["submission"], data["score"], data["max_score"], *[by_id.get(i, 0.0) for i in item_ids],
                     extra.get("sandbox") or "", extra.get("error") or ""])
    return write_csv(Path(out_dir) / "grades.csv", ["submission", "score", "max_score", *item_ids, "sandbox", "error"],
                     rows)


def summary_line(result, width=14):
    """'alice.zip   97.0 / 100' plus the first reason for lost points, for the terminal table."""
    data = results_json(result)
    line = f"{result['name']:<{width}} {data['score']:6.1f} / {data['max_score']:g}"
    if result.get("sandbox") == "none":
        line += "   [UNSANDBOXED]"
    if result.get("error"):
        return f"{line}   {result['error']}"
    errors = [v.error for v in result["verdicts"] if v.error]
    missing = sum(e.startswith("not implemented") for e in errors)
    no_model = [e.split(f" {MISSING}")[0] for e in errors if MISSING in e]  # one reason for every missing model
    others = [e for e in errors if not e.startswith("not implemented") and MISSING not in e]
    wrong = [v.name for v in result["verdicts"] if not v.error and v.score < v.points]
    reasons = []
    if missing:
        reasons.append(f"{missing} items not implemented")
    if no_model:
        reasons.append(f"no saved model ({', '.join(no_model)}): run each notebook's last section")
    for e in dict.fromkeys(others):  # distinct, in item order
        n = others.count(e)
        reasons.append(e + (f"; its {n} items scored 0" if n > 1 else ""))
    if wrong:  # items that ran but lost points: their reasons are in the report
        reasons.append(f"lost points in {', '.join(wrong)}")
    if reasons:
        line += "   " + " | ".join(reasons[:3]) + (" | ..." if len(reasons) > 3 else "")
    return line
