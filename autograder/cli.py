"""python -m autograder <verb>: build, grade, report, gradescope, gradescope-bundle, nbgrader-course, check. Each verb's docstring is its --help."""
import argparse
import sys
import time
from pathlib import Path

from . import paths


class UsageError(Exception):
    """Bad command-line input: printed as one 'error:' line, exit code 2."""


def build(args):
    """Regenerate fixtures from the reference, the student release in release/ (nbgrader + .py stripping)
    and the sample submissions. With --check, change nothing: exit 1 and list the generated files that are
    out of date."""
    from .build import build as run_build, stale_files
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path}")
        print("generated files are up to date" if not stale else
              f"{len(stale)} generated files are out of date: run `python -m autograder build`")
        return 1 if stale else 0
    target = run_build(fixtures_too=not args.skip_fixtures)
    print(f"wrote fixtures and {target.relative_to(paths.ROOT)}")
    return 0


def fingerprint(submission):
    """sha256 of a submission's bytes (a zip) or of its files' names and bytes (a folder)."""
    import hashlib
    h = hashlib.sha256()
    path = Path(submission)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    for f in files:
        h.update(str(f.relative_to(path) if f != path else f.name).encode(errors="replace") + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def grader_version():
    """sha256 of the grader's code and fixtures: a result made by another version is graded again."""
    import hashlib
    h = hashlib.sha256()
    grader = paths.ROOT / "autograder"
    for f in sorted(p for p in grader.rglob("*") if p.is_file() and p.suffix in (".py", ".npz")
                    and "samples" not in p.parts and "__pycache__" not in p.parts):
        h.update(f.relative_to(grader).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def _grade_one(submission, limits, notebooks_dest, mode, on_verdict=None, workers=None):
    """grade_submission, but never raising: anything unexpected is this submission's error. workers: items at
    once (default grade.ITEM_WORKERS)."""
    from .grade import ITEM_WORKERS, grade_submission
    from .unpack import submission_name
    try:
        result = grade_submission(submission, limits, keep_notebooks=notebooks_dest, mode=mode, on_verdict=on_verdict,
                                  workers=workers or ITEM_WORKERS)
        if notebooks_dest and Path(notebooks_dest).is_dir():  # the Formgrader and feedback show the verdicts
            from .nbgrader_hook import fill_notebook
            for nb in Path(notebooks_dest).glob("*.ipynb"):
                fill_notebook(nb, result["verdicts"])
        return result
    except Exception as exc:  # noqa: BLE001 - the batch goes on
        return {"name": submission_name(submission), "verdicts": [], "skipped": [], "sandbox": mode, "seconds": 0,
                "error": f"the grader failed on {submission} ({type(exc).__name__}: {str(exc)[:300]})"}


def grade(args):
    """Grade submissions (zips or folders holding a student's copy of release/nntrain/).

    Writes DIR/<name>.json (Gradescope's results format) as each submission finishes, DIR/grades.csv after
    each one, and records scores in the nbgrader gradebook DIR/gradebook.db (with DIR/nbgrader_config.py, so
    `nbgrader export` and formgrader work in DIR). A submission that cannot be graded (a broken zip, a crash of
    the grader on it) gets a result saying why; the batch goes on. Run again with the same --out to resume:
    submissions already graded (same file, same grader) are kept; --force grades them again.
    Student code runs in the bubblewrap sandbox; without one, grade refuses unless --no-sandbox is given.
    Prints one line per submission on stdout; progress on stderr.
    Exit 0 when every submission got a result, 1 when one could not be graded or recorded, 2 for bad usage,
    3 when no sandbox is available.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm

    from .cases import items
    from .grade import ITEM_WORKERS, grade_submission  # noqa: F401 - imported here so a broken grader fails first
    from .report import read_results, results_path, summary_line, write_grades_csv, write_results
    from .run import Limits, SandboxUnavailable, default_mode, remove_stale
    from .unpack import submission_name

    started = time.perf_counter()
    for s in args.submissions:
        if not Path(s).exists():
            raise UsageError(f"{s}: no such file")
    names = [submission_name(s) for s in args.submissions]
    files = [results_path(args.out, n).name for n in names]
    dupes = sorted({n for n, f in zip(names, files) if files.count(f) > 1})
    if dupes:
        raise UsageError(f"two submissions are both named {dupes[0]!r} (as a file name); rename one")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    try:
        mode = default_mode(args.no_sandbox)
    except SandboxUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    remove_stale()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = Path(args.gradebook) if args.gradebook else out / "gradebook.db"
    by_id = {it.id: it for it in items()}
    limits = Limits(args.time_limit, int(args.memory_limit * 2**20))
    version = grader_version()
    if not args.quiet:
        print("sandbox for student code: " + ("bubblewrap" if mode == "bwrap" else
                                               "NONE (--no-sandbox: only for code you trust)"), file=sys.stderr)
    done, todo = {}, []
    for sub, name in zip(args.submissions, names):
        stamp = {"fingerprint": fingerprint(sub), "grader": version}
        old = None if args.force else read_results(results_path(out, name))
        if old and all(old["extra_data"].get(k) == v for k, v in stamp.items()) \
                and old["extra_data"].get("sandbox") == mode:
            done[name] = old
        else:
            todo.append((sub, name, stamp))
    width = max(len(n) for n in names) + 2
    status = 0

    def finish(name, data, line):
        """Record one submission's result in the gradebook, grades.csv and the terminal."""
        nonlocal status
        if data["extra_data"].get("error"):
            status = 1
        elif not args.no_gradebook:
            try:
                record(db, name, {t["id"]: t["score"] for t in data["tests"] if t["id"] in by_id}, by_id)
            except Exception as exc:  # noqa: BLE001 - a gradebook failure must not stop the batch
                status = 1
                line += f"   not recorded in the gradebook: {type(exc).__name__}: {str(exc)[:200]}"
        done[name] = data
        write_grades_csv(out, list(done.values()), list(by_id))
        bar.write(line, file=sys.stdout)

    bar = tqdm(total=len(names), desc="grading", unit="sub", file=sys.stderr, disable=args.quiet)
    item_workers = max(1, ITEM_WORKERS // args.jobs)  # submissions x items at once stay within the cores
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(_grade_one, sub, limits, str(out / "autograded" / name / paths.ASSIGNMENT), mode,
                               None, item_workers): (name, stamp) for sub, name, stamp in todo}
        if not args.no_gradebook:  # nbgrader's slow import overlaps with the first submissions' grading
            from .gradebook import record
            from .nbgrader_course import write_config, write_source
        for name, data in list(done.items()):
            finish(name, data, f"{name:<{width}} {data['score']:6.1f} / {data['max_score']:g}   (already graded; "
                               f"--force grades it again)")
            bar.update(1)
        for future in as_completed(futures):
            name, stamp = futures[future]
            result = future.result()
            try:
                _, data = write_results(out, result, extra=stamp)
            except Exception as exc:  # noqa: BLE001 - e.g. the disk is full: say so, go on
                result["error"] = f"its results could not be written ({type(exc).__name__}: {exc})"
                data = None
                status = 1
            if data is not None:
                finish(name, data, summary_line(result, width))
            else:
                bar.write(summary_line(result, width), file=sys.stdout)
            bar.update(1)
    bar.close()
    if not args.no_gradebook:  # DIR is an nbgrader course: the Formgrader lists it, feedback and export work
        write_source(out)
        write_config(out, db)
    print(f"wrote {out / 'grades.csv'} and {len(done)} reports in {out}/"
          + ("" if args.no_gradebook else f"; gradebook {db}"))
    if not args.no_report:
        _class_report(out, batch_seconds=time.perf_counter() - started)
    return status


def _class_report(folder, **options):
    """Write the class report of a graded folder and print where; a failure is printed, never raised."""
    from .class_report import make_report
    try:
        page, summary, seconds = make_report(folder, **options)
    except Exception as exc:  # noqa: BLE001 - the grades are written; the report must not undo that
        print(f"the class report could not be written: {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr)
        return None
    sim = summary["similarity"]
    flagged = f", {len(sim['pairs'])} similar pairs flagged" if sim else ""
    print(f"class report: {page} ({summary['graded']} graded submissions, {len(summary['mistakes'])} distinct "
          f"mistakes{flagged}; {seconds:.1f} s)")
    return page


def report(args):
    """Write the class report of a graded folder: GRADED_DIR/class_report/index.html (one self-contained page:
    score histograms, per-item pass rates, the diagnosed mistakes ranked by how many students made them, the
    submissions not graded, timeouts and unsandboxed runs, saved models' held-out accuracy, grading time, and
    the pairs of submissions whose code looks copied), with the same numbers in report.json and CSV files.
    GRADED_DIR is `grade`'s --out folder or an nbgrader course autograded with the kit. Student code is read,
    never run. Exit 0 when the report is written, 2 for bad usage."""
    folder = Path(args.graded_dir)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder (give grade's --out folder or an nbgrader course)")
    if args.known and not Path(args.known).is_dir():
        raise UsageError(f"{args.known}: no such folder of known solutions")
    if args.threshold is not None and not 0 < args.threshold <= 1:
        raise UsageError(f"--threshold must be in (0, 1], got {args.threshold}")
    page = _class_report(folder, out=args.out, known=args.known, threshold=args.threshold,
                         similarity=not args.no_similarity)
    return 0 if page else 1


def gradescope(args):
    """Gradescope's run_autograder step: grade one submission folder, write its results.json.

    Defaults follow Gradescope's layout (/autograder/submission in, /autograder/results/results.json out).
    Student code runs in the bubblewrap sandbox when the container allows it; otherwise (Gradescope's own
    container being the isolation, one per submission) as user nobody, and the results say it was unsandboxed.
    Exit 0 once the results file is written, whatever the score.
    """
    from .bank.verdict import Verdict
    from .cases import items
    from .report import write_results
    from .run import Limits, default_mode
    submission = Path(args.submission)
    if not submission.exists():
        raise UsageError(f"{submission}: no such file")
    mode = default_mode(no_sandbox=True)
    if mode == "none":
        print("warning: no working bubblewrap sandbox here; grading as user nobody where possible", file=sys.stderr)
    out = Path(args.results)
    out.parent.mkdir(parents=True, exist_ok=True)
    all_items = items()

    def save(partial):
        """results.json now: finished items with their scores, the others "not graded yet" (0 points)."""
        done = {v.id for v in partial["verdicts"]}
        pending = [Verdict(it.id, it.name, it.points, error="not graded: the autograder stopped before this item "
                                                            "(Gradescope's time limit?)") for it in all_items
                   if it.id not in done]
        write_results(out.parent, {**partial, "verdicts": partial["verdicts"] + pending}, filename=out.name)

    from .unpack import submission_name
    save({"name": submission_name(submission), "verdicts": [], "sandbox": mode, "seconds": 0})
    result = _grade_one(submission, Limits(args.time_limit, int(args.memory_limit * 2**20)), None, mode, save)
    path, _ = write_results(out.parent, result, filename=out.name)
    print(f"wrote {path}: {sum(v.score for v in result['verdicts']):g} points")
    return 0


def gradescope_bundle(args):
    """Write the zip to upload as a Gradescope programming assignment's autograder (grader and fixtures only;
    no reference code). Gradescope then runs `python -m autograder gradescope` on each submission."""
    from .gradescope import write_bundle
    print(f"wrote {write_bundle(args.out)}; upload it as the assignment's autograder")
    return 0


def check(args):
    """Run the public checks of one function (or all) on a package folder, printing the diagnostics."""
    folder = Path(args.folder).resolve()
    if not (folder / paths.PACKAGE).is_dir():
        raise UsageError(f"{folder}: no {paths.PACKAGE}/ folder here")
    sys.path[:0] = [str(folder), str(paths.BANK.parent)]
    from .bank.check import check as check_one, check_all
    if args.name:
        try:
            verdict = check_one(args.name)
        except NotImplementedError:
            return 1
        except KeyError as exc:
            raise UsageError(exc.args[0]) from None
        return 0 if verdict.status == "passed" else 1
    verdicts = check_all()
    return 0 if all(v.status == "passed" for v in verdicts.values()) else 1


def nbgrader_course(args):
    """Set up (or refresh) a real nbgrader course in DIR whose own commands give the kit's verdicts:
    `nbgrader autograde`, the Formgrader's Autograde button, generate_feedback and export. Submissions (zips or
    folders) are unpacked into DIR/submitted/<name>/nntrain. Then, in DIR: `nbgrader autograde nntrain`."""
    from .nbgrader_course import setup_course
    for s in args.submissions:
        if not Path(s).exists():
            raise UsageError(f"{s}: no such file")
    students = setup_course(args.dir, args.submissions)
    print(f"nbgrader course in {args.dir}: source/, release/, {len(students)} submissions in submitted/; "
          f"grade with `cd {args.dir} && nbgrader autograde {paths.ASSIGNMENT}`")
    return 0


def parser():
    p = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="verb", required=True)
    b = sub.add_parser("build", help=build.__doc__.splitlines()[0], description=build.__doc__)
    b.add_argument("--skip-fixtures", action="store_true", help="only regenerate release/ and the samples")
    b.add_argument("--check", action="store_true", help="only report generated files that are out of date")
    b.set_defaults(func=build)
    g = sub.add_parser("grade", help=grade.__doc__.splitlines()[0], description=grade.__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("submissions", nargs="+", metavar="SUBMISSION")
    g.add_argument("--out", required=True, metavar="DIR")
    g.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    g.add_argument("--time-limit", type=float, default=20.0, help="seconds per graded item (default 20)")
    g.add_argument("--memory-limit", type=float, default=3072, help="MiB per graded item (default 3072)")
    g.add_argument("--gradebook", metavar="DB", help="nbgrader SQLite gradebook (default DIR/gradebook.db)")
    g.add_argument("--no-gradebook", action="store_true", help="do not record in an nbgrader gradebook")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.add_argument("--force", action="store_true", help="grade again submissions already graded in DIR")
    g.add_argument("--no-sandbox", action="store_true",
                   help="grade without the bubblewrap sandbox: ONLY for code you trust (reports say so)")
    g.add_argument("--no-report", action="store_true", help="do not write the class report (DIR/class_report/)")
    g.set_defaults(func=grade)
    r = sub.add_parser("report", help=report.__doc__.splitlines()[0], description=report.__doc__)
    r.add_argument("graded_dir", metavar="GRADED_DIR")
    r.add_argument("--out", metavar="DIR", help="where to write the report (default GRADED_DIR/class_report)")
    r.add_argument("--known", metavar="DIR", help="also compare every submission with these known solutions "
                                                  "(each sub-folder or .py file is one)")
    r.add_argument("--threshold", type=float, help="similarity from which a pair is flagged (default 0.8)")
    r.add_argument("--no-similarity", action="store_true", help="skip the similarity check")
    r.set_defaults(func=report)
    gs = sub.add_parser("gradescope", help=gradescope.__doc__.splitlines()[0], description=gradescope.__doc__)
    gs.add_argument("submission", nargs="?", default="/autograder/submission")
    gs.add_argument("--results", default="/autograder/results/results.json")
    gs.add_argument("--time-limit", type=float, default=20.0)
    gs.add_argument("--memory-limit", type=float, default=3072)
    gs.set_defaults(func=gradescope)
    gb = sub.add_parser("gradescope-bundle", help=gradescope_bundle.__doc__.splitlines()[0],
                        description=gradescope_bundle.__doc__)
    gb.add_argument("--out", default="autograder_gradescope.zip", help="zip to write")
    gb.set_defaults(func=gradescope_bundle)
    nc = sub.add_parser("nbgrader-course", help=nbgrader_course.__doc__.splitlines()[0],
                        description=nbgrader_course.__doc__)
    nc.add_argument("dir", metavar="DIR")
    nc.add_argument("submissions", nargs="*", metavar="SUBMISSION")
    nc.set_defaults(func=nbgrader_course)
    c = sub.add_parser("check", help=check.__doc__.splitlines()[0], description=check.__doc__)
    c.add_argument("name", nargs="?", help="function name, e.g. affine_backward (default: all)")
    c.add_argument("--folder", default=str(paths.SOURCE), help="folder holding nnkit/ (default: the reference)")
    c.set_defaults(func=check)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
