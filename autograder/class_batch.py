"""A graded batch read from disk, for the class report: each submission's results and its package's code.

Two layouts are read (both can be in one folder: `grade`'s output is itself an nbgrader course):
- `python -m autograder grade ... --out DIR`: DIR/<name>.json (report.results_json) and the kept package in
  DIR/autograded/<name>/nntrain/nnkit/*.py;
- an nbgrader course autograded with the kit's hook: autograded/<student>/nntrain/<notebook>.kit.json (one per
  notebook, merged here) and the code in autograded/<student>/nntrain/nnkit/ or submitted/<student>/nntrain/nnkit/.
Nothing here raises for a bad file: what cannot be read is a problem line of the batch or of the submission.
"""
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .report import read_results

CODE_LIMIT = 2 * 2**20  # bytes of code read per submission: a huge file is cut, never loaded whole


@dataclass
class Submission:
    """name; data: its results JSON (None when there is none); code: {file name: text}; problems: lines."""
    name: str
    data: dict = None
    code: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


@dataclass
class Batch:
    """The submissions of a graded folder, by name, and problems with the folder itself."""
    root: Path
    submissions: dict
    problems: list


def read_code(package_dir):
    """{file name: text} of package_dir/*.py (undecodable bytes replaced, at most CODE_LIMIT bytes in all)."""
    code, left = {}, CODE_LIMIT
    for f in sorted(Path(package_dir).glob("*.py")) if Path(package_dir).is_dir() else []:
        try:
            with open(f, "rb") as fh:
                data = fh.read(max(left, 0))
        except OSError:
            continue
        left -= len(data)
        code[f.name] = data.decode("utf-8", "replace")
    return code


def merge_results(parts):
    """One results dict from several (one per notebook): tests, scores, times and item diagnoses added up."""
    if len(parts) == 1:
        return parts[0]
    extra = dict(parts[0]["extra_data"])
    extra["items"] = {k: v for p in parts for k, v in p["extra_data"].get("items", {}).items()}
    extra["error"] = next((p["extra_data"].get("error") for p in parts if p["extra_data"].get("error")), None)
    return {"score": round(sum(p.get("score", 0) for p in parts), 2),
            "max_score": round(sum(p.get("max_score", 0) for p in parts), 2),
            "execution_time": round(sum(p.get("execution_time", 0) for p in parts), 2),
            "tests": [t for p in parts for t in p["tests"]], "extra_data": extra}


def _well_formed(data):
    """True when a results dict has the fields the report reads, of the right types."""
    extra = data.get("extra_data")
    return (isinstance(extra, dict) and isinstance(extra.get("submission", ""), str)
            and isinstance(data.get("score", 0), (int, float)) and isinstance(data.get("max_score", 0), (int, float))
            and all(isinstance(t, dict) and isinstance(t.get("id"), str) and isinstance(t.get("score", 0), (int, float))
                    for t in data["tests"]))


def load_batch(root):
    """Read a graded folder (see the module docstring). Raises FileNotFoundError only when root is not a folder."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder")
    subs, problems = {}, []
    for f in sorted(root.glob("*.json")):
        data = read_results(f)
        if data is None or not _well_formed(data):
            if f.name not in ("class_report.json",):
                problems.append(f"{f.name}: not a results file of this grader (unreadable or of another form); left out")
            continue
        name = data["extra_data"].get("submission") or f.stem
        subs[name] = Submission(name, data)
    autograded = root / "autograded"
    for folder in sorted(autograded.glob(f"*/{paths.ASSIGNMENT}")) if autograded.is_dir() else []:
        student = folder.parent.name
        parts = []
        for f in sorted(folder.glob("*.kit.json")):
            data = read_results(f)
            if data is None or not _well_formed(data):
                problems.append(f"{f.relative_to(root)}: unreadable kit results; left out")
            else:
                parts.append(data)
        if student not in subs and parts:
            subs[student] = Submission(student, merge_results(parts))
        if student in subs:
            subs[student].code = read_code(folder / paths.PACKAGE)
    submitted = root / "submitted"
    for folder in sorted(submitted.glob(f"*/{paths.ASSIGNMENT}")) if submitted.is_dir() else []:
        student = folder.parent.name
        sub = subs.setdefault(student, Submission(student))
        if sub.data is None:
            sub.problems.append("no kit verdicts: not autograded yet, or autograded before the kit kept them "
                                "(run `nbgrader autograde --force` again)")
        if not sub.code:
            sub.code = read_code(folder / paths.PACKAGE)
    for sub in subs.values():
        if not sub.code and sub.data is not None and not sub.data["extra_data"].get("error"):
            sub.problems.append("no code kept for it (graded by an older grader?): left out of the similarity check")
    if not subs:
        problems.append(f"no graded submissions found in {root} (expected <name>.json files from `grade`, or an "
                        f"nbgrader course with autograded/<student>/{paths.ASSIGNMENT}/)")
    return Batch(root, subs, problems)


def write_json(path, data):
    """Write data as indented JSON (atomically)."""
    from .report import write_atomic
    write_atomic(path, json.dumps(data, indent=1, default=float))
