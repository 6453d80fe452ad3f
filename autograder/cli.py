"""python -m autograder <verb>: build, grade, gradescope, gradescope-bundle, check. Each verb's docstring is its --help."""
import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
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


def _grade_one(job):
    from .grade import grade_submission
    from .run import Limits
    submission, limits, notebooks_dest, out = job
    return grade_submission(submission, Limits(*limits), keep_notebooks=notebooks_dest, hide=[out])


def grade(args):
    """Grade submissions (zips or folders holding a student's copy of release/nntrain/).

    Writes DIR/<name>.json (Gradescope's results format), DIR/grades.csv, and records scores in the nbgrader
    gradebook DIR/gradebook.db (with DIR/nbgrader_config.py, so `nbgrader export` and formgrader work in DIR).
    Prints one line per submission on stdout; progress on stderr.
    Exit 0 when every submission got a result, 1 when one could not be graded or recorded.
    """
    from tqdm import tqdm

    from .cases import items
    from .report import summary_line, write_grades_csv, write_results
    from .unpack import submission_name

    for s in args.submissions:
        if not Path(s).exists():
            raise UsageError(f"{s}: no such file")
    names = [submission_name(s) for s in args.submissions]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"two submissions are both named {dupes[0]!r}; rename one")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = Path(args.gradebook) if args.gradebook else out / "gradebook.db"
    by_id = {it.id: it for it in items()}
    limits = (args.time_limit, int(args.memory_limit * 2**20))
    jobs = [(s, limits, str(out / "autograded" / n / paths.ASSIGNMENT), str(out.resolve()))
            for s, n in zip(args.submissions, names)]
    if not args.quiet:
        from .run import sandbox_mode
        print(f"sandbox for student code: {sandbox_mode()}", file=sys.stderr)
    results, status = [], 0
    width = max(len(n) for n in names) + 2
    bar = tqdm(total=len(jobs), desc="grading", unit="sub", file=sys.stderr, disable=args.quiet)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        graded = pool.map(_grade_one, jobs)  # workers start now; nbgrader's slow import overlaps with them
        if not args.no_gradebook:
            from .gradebook import record, write_config
        for result in graded:
            results.append(result)
            write_results(out, result)
            if result["error"]:
                status = 1
            elif not args.no_gradebook:
                try:
                    record(db, result["name"], result["verdicts"], by_id)
                except Exception as exc:  # noqa: BLE001 - a gradebook failure must not stop the batch
                    status = 1
                    result["error"] = f"not recorded in the gradebook: {exc}"
            bar.write(summary_line(result, width), file=sys.stdout)
            bar.update(1)
    bar.close()
    write_grades_csv(out, results, list(by_id))
    if not args.no_gradebook:
        write_config(out, db)
    print(f"wrote {out / 'grades.csv'} and {len(results)} reports in {out}/"
          + ("" if args.no_gradebook else f"; gradebook {db}"))
    return status


def gradescope(args):
    """Gradescope's run_autograder step: grade one submission folder, write its results.json.

    Defaults follow Gradescope's layout (/autograder/submission in, /autograder/results/results.json out).
    Exit 0 once the results file is written, whatever the score.
    """
    from .grade import grade_submission
    from .report import write_results
    from .run import Limits
    submission = Path(args.submission)
    if not submission.exists():
        raise UsageError(f"{submission}: no such file")
    result = grade_submission(submission, Limits(args.time_limit, int(args.memory_limit * 2**20)))
    Path(args.results).parent.mkdir(parents=True, exist_ok=True)
    path = write_results(Path(args.results).parent, result, filename=Path(args.results).name)
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
    g.set_defaults(func=grade)
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
