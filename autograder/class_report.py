"""The class report: what a whole class got wrong, and which submissions look copied.

`python -m autograder report GRADED_DIR` (and the end of `grade`) writes GRADED_DIR/class_report/:
    index.html         one self-contained page (plots embedded as PNG, no script needed to read it)
    report.json        every number on the page
    items.csv          per item: pass rate, mean score, submissions not implemented / crashed / timed out
    mistakes.csv       the diagnosed mistakes, most frequent first, with the students who made them
    similar_pairs.csv  the submissions whose code looks copied
summarize() computes the numbers from a Batch (class_batch.py); class_html.py renders them.
"""
import time
from pathlib import Path

from . import paths
from .class_batch import load_batch, write_json
from .report import write_atomic, write_csv

REPORT_DIR = "class_report"


def _item_meta():
    """{item id: (name, notebook, points)} of the registered items."""
    from .cases import items
    return {it.id: (it.name, it.notebook, it.points) for it in items()}


def summarize(batch, similarity=None, batch_seconds=None):
    """The report's numbers from a Batch.

    Args:
        batch: class_batch.Batch.
        similarity: the result of similarity.compare_all, or None.
        batch_seconds: the batch's wall time when the caller measured it (grade does), else None.

    Returns:
        dict (JSON-ready): submissions, scores, notebooks, items, mistakes, problems, models, timing, similarity.
    """
    meta = _item_meta()
    subs = sorted(batch.submissions.values(), key=lambda s: s.name)
    with_data = [s for s in subs if s.data is not None]
    graded = [s for s in with_data if not s.data["extra_data"].get("error")]
    notebooks = {}
    for s in graded:
        per = {}
        for t in s.data["tests"]:
            nb = meta.get(t["id"], (None, "other"))[1]
            got, full = per.get(nb, (0.0, 0.0))
            per[nb] = (got + t.get("score", 0), full + t.get("max_score", 0))
        for nb, (got, full) in per.items():
            notebooks.setdefault(nb, {"scores": [], "max_score": full})["scores"].append(round(got, 2))
    items, mistakes, problems = {}, {}, {"not_graded": [], "timeouts": [], "crashes": [], "unsandboxed": [],
                                          "skipped_files": [], "old_format": [], "other": list(batch.problems)}
    accuracies, model_errors = [], []
    for s in with_data:
        extra = s.data["extra_data"]
        if extra.get("sandbox") == "none":
            problems["unsandboxed"].append(s.name)
        for why in extra.get("skipped") or []:
            problems["skipped_files"].append({"student": s.name, "why": str(why)})
        if extra.get("error"):
            problems["not_graded"].append({"student": s.name, "why": str(extra["error"])})
            continue
        if "items" not in extra:
            problems["old_format"].append(s.name)
        by_test = {t["id"]: t for t in s.data["tests"]}
        for item_id, t in by_test.items():
            name, notebook, _ = meta.get(item_id, (t.get("name", item_id), "other", None))
            row = items.setdefault(item_id, {"id": item_id, "name": name, "notebook": notebook,
                                             "points": t.get("max_score", 0), "graded": 0, "passed": 0, "scores": [],
                                             "not-implemented": 0, "crash": 0, "timeout": 0, "syntax-error": 0,
                                             "model": 0})
            info = (extra.get("items") or {}).get(item_id) or {}
            row["graded"] += 1
            row["passed"] += (info.get("status") or t.get("status")) == "passed"
            row["scores"].append(t.get("score", 0))
            kind = info.get("error_kind")
            if kind in row:
                row[kind] += 1
            if kind == "timeout":
                problems["timeouts"].append({"student": s.name, "item": name, "why": info.get("error")})
            elif kind in ("crash", "syntax-error"):  # one row per student and reason, naming its items
                same = [c for c in problems["crashes"] if c["student"] == s.name and c["why"] == info.get("error")]
                if same:
                    same[0]["item"] += f", {name}"
                else:
                    problems["crashes"].append({"student": s.name, "item": name, "why": info.get("error")})
            if info.get("accuracy") is not None:
                accuracies.append({"student": s.name, "item": name, "accuracy": info["accuracy"]})
            elif kind == "model":
                model_errors.append({"student": s.name, "item": name, "why": info.get("error")})
            lost = max(0.0, t.get("max_score", 0) - t.get("score", 0))
            reasons = [(d["hint"], d.get("cases", 1)) for d in info.get("diagnoses", []) if d.get("hint")]
            reasons += [(note, 0) for note in info.get("in_place", [])]
            for hint, cases in reasons:
                m = mistakes.setdefault(str(hint), {"hint": str(hint), "students": set(), "items": {}, "cases": 0})
                m["students"].add(s.name)
                m["cases"] += cases
                it = m["items"].setdefault(name, {"item": name, "students": 0, "points_lost": 0.0})
                it["students"] += 1
                it["points_lost"] = round(it["points_lost"] + lost, 2)
    item_rows = []
    for row in items.values():
        scores = row.pop("scores")
        row["pass_rate"] = round(row["passed"] / row["graded"], 4) if row["graded"] else 0.0
        row["mean_score"] = round(sum(scores) / len(scores), 3) if scores else 0.0
        item_rows.append(row)
    order = {item_id: k for k, item_id in enumerate(meta)}
    item_rows.sort(key=lambda r: (r["pass_rate"], order.get(r["id"], len(order))))
    mistake_rows = [{"hint": m["hint"], "students": sorted(m["students"]), "count": len(m["students"]),
                     "cases": m["cases"], "items": sorted(m["items"].values(), key=lambda i: -i["students"]),
                     "points_lost": round(sum(i["points_lost"] for i in m["items"].values()), 2)}
                    for m in mistakes.values()]
    mistake_rows.sort(key=lambda m: (-m["count"], -m["points_lost"], m["hint"]))
    seconds = [s.data.get("execution_time", 0) for s in with_data]
    totals = [s.data.get("score", 0) for s in graded]
    summary = {
        "folder": str(batch.root), "generated": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "submissions": len(subs), "graded": len(graded),
        "scores": {"totals": {s.name: s.data.get("score", 0) for s in graded},
                   "max_score": max((s.data.get("max_score", 0) for s in graded), default=0),
                   "mean": round(sum(totals) / len(totals), 2) if totals else None,
                   "median": sorted(totals)[len(totals) // 2] if totals else None},
        "notebooks": notebooks, "items": item_rows, "mistakes": mistake_rows, "problems": problems,
        "submission_problems": {s.name: s.problems for s in subs if s.problems},
        "models": {"accuracies": accuracies, "errors": model_errors},
        "timing": {"batch_seconds": batch_seconds, "sum_seconds": round(sum(seconds), 2),
                   "per_submission": {s.name: s.data.get("execution_time", 0) for s in with_data},
                   "mean_seconds": round(sum(seconds) / len(seconds), 2) if seconds else None,
                   "max_seconds": max(seconds, default=None)},
        "similarity": _similarity_summary(similarity),
    }
    return summary


def _similarity_summary(sim):
    """The JSON part of a similarity result (the pairs without their character ranges)."""
    if sim is None:
        return None

    def rows(pairs):
        return [{"a": p.a, "b": p.b, "score": round(p.score, 4), "sim_a": round(p.sim_a, 4),
                 "sim_b": round(p.sim_b, 4), "tokens": p.tokens} for p in pairs]
    scores = sorted(sim["scores"])
    return {"pairs": rows(sim["pairs"]), "known": rows(sim["known"]), "compared": sim["compared"],
            "pairs_compared": len(scores), "skipped": sim["skipped"], "threshold": sim["threshold"],
            "min_tokens": sim["min_tokens"], "max_unflagged": max((s for s in scores if s < sim["threshold"]),
                                                                   default=None)}


def starter_code():
    """The starter code students were given, as documents for the similarity check's boilerplate: the release's
    stub package, and the reference package with its solutions stripped (what the build makes the stubs from,
    so a release not rebuilt yet still counts as given). Absent parts are left out."""
    from .build import strip_solutions
    from .class_batch import read_code
    from .similarity import package_text
    release = read_code(paths.ROOT / "release" / paths.ASSIGNMENT / paths.PACKAGE)
    source = {n: strip_solutions(t, n) for n, t in read_code(paths.REFERENCE_PACKAGE).items()}
    return [package_text(files) for files in (release, source) if files]


def make_report(graded_dir, out=None, known=None, threshold=None, batch_seconds=None, similarity=True):
    """Read a graded folder and write the class report (see the module docstring).

    Args:
        graded_dir: `grade`'s --out folder or an nbgrader course root.
        out: folder to write into (default graded_dir/class_report).
        known: folder of known solutions to compare every submission with, or None.
        threshold: similarity from which a pair is flagged (default similarity.THRESHOLD).
        batch_seconds: the batch's grading wall time, when known.
        similarity: False skips the similarity check.

    Returns:
        (path of index.html, the summary dict, seconds the report took).
    """
    from . import similarity as sim_mod
    from .class_html import render
    start = time.perf_counter()
    batch = load_batch(graded_dir)
    out = Path(out) if out else Path(graded_dir) / REPORT_DIR
    out.mkdir(parents=True, exist_ok=True)
    sim, docs = None, {}
    if similarity:
        docs = {s.name: sim_mod.package_text(s.code) for s in batch.submissions.values() if s.code}
        known_docs = {f"known: {k}": v for k, v in sim_mod.read_known(known).items()} if known else None
        sim = sim_mod.compare_all(docs, starter_code(), known_docs,
                                  threshold if threshold is not None else sim_mod.THRESHOLD)
        docs.update(known_docs or {})
    summary = summarize(batch, sim, batch_seconds)
    summary["report_seconds"] = round(time.perf_counter() - start, 2)
    page = render(summary, sim, docs)
    write_atomic(out / "index.html", page)
    write_json(out / "report.json", summary)
    write_csv(out / "items.csv",
              ["item", "notebook", "points", "graded", "passed", "pass_rate", "mean_score", "not_implemented",
               "crashed", "timed_out"],
              [[r["id"], r["notebook"], r["points"], r["graded"], r["passed"], r["pass_rate"], r["mean_score"],
                r["not-implemented"], r["crash"] + r["syntax-error"], r["timeout"]] for r in summary["items"]])
    write_csv(out / "mistakes.csv", ["students", "mistake", "items", "points_lost", "who"],
              [[m["count"], m["hint"], "; ".join(i["item"] for i in m["items"]), m["points_lost"],
                " ".join(m["students"])] for m in summary["mistakes"]])
    sims = summary["similarity"] or {"pairs": [], "known": []}
    write_csv(out / "similar_pairs.csv", ["a", "b", "score", "share_of_a", "share_of_b", "matching_tokens"],
              [[p["a"], p["b"], p["score"], p["sim_a"], p["sim_b"], p["tokens"]] for p in sims["pairs"] + sims["known"]])
    return out / "index.html", summary, time.perf_counter() - start
