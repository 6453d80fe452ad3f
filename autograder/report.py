"""Reports: a Gradescope-shaped results JSON per submission, a grades.csv per batch, a one-line summary."""
import csv
import io
import json
import os
from pathlib import Path


def results_json(result):
    """Gradescope's results.json shape for one graded submission (see autograder/grade.py's result dict)."""
    verdicts = result["verdicts"]
    tests = [{"id": v.id, "number": v.id, "name": v.name, "score": v.score, "max_score": v.points,
              "status": v.status, "output": v.text(), "visibility": "visible"} for v in verdicts]
    output = f"Graded {len(tests)} items in {result.get('seconds', 0):.1f} s."
    if result.get("error"):
        output = f"Could not grade this submission: {result['error']}"
    if result.get("skipped"):
        output += "\nSkipped files: " + "; ".join(result["skipped"])
    return {"score": round(sum(v.score for v in verdicts), 2),
            "max_score": round(sum(v.points for v in verdicts), 2),
            "execution_time": round(result.get("seconds", 0), 2), "output": output, "tests": tests}


def write_atomic(path, text):
    """Write text to path via a temporary file and rename, so a crash never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_results(out_dir, result, filename=None):
    """out_dir/<name>.json; returns its path."""
    path = Path(out_dir) / (filename or f"{result['name']}.json")
    write_atomic(path, json.dumps(results_json(result), indent=1))
    return path


def write_grades_csv(out_dir, results, item_ids):
    """out_dir/grades.csv: one row per submission, total, max, one column per item, and the error if any."""
    path = Path(out_dir) / "grades.csv"
    rows = []
    for r in results:
        by_id = {v.id: v.score for v in r["verdicts"]}
        data = results_json(r)
        rows.append([r["name"], data["score"], data["max_score"], *[by_id.get(i, 0.0) for i in item_ids],
                     r.get("error") or ""])
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["submission", "score", "max_score", *item_ids, "error"])
    writer.writerows(rows)
    write_atomic(path, text.getvalue())
    return path


def summary_line(result, width=14):
    """'alice.zip   97.0 / 100' plus the first reason for lost points, for the terminal table."""
    data = results_json(result)
    line = f"{result['name']:<{width}} {data['score']:6.1f} / {data['max_score']:g}"
    if result.get("error"):
        return f"{line}   {result['error']}"
    errors = [v.error for v in result["verdicts"] if v.error]
    missing = sum(e.startswith("not implemented") for e in errors)
    others = [e for e in errors if not e.startswith("not implemented")]
    reasons = []
    if missing:
        reasons.append(f"{missing} items not implemented")
    for e in dict.fromkeys(others):  # distinct, in item order
        n = others.count(e)
        reasons.append(e + (f"; its {n} items scored 0" if n > 1 else ""))
    if reasons:
        line += "   " + " | ".join(reasons[:3]) + (" | ..." if len(reasons) > 3 else "")
    return line
