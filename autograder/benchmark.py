"""Grading speed, measured: `python -m autograder.benchmark [--batch 10]`.

Prints the wall time to grade one full submission (the reference sample), and a batch of N copies of it
with --jobs 1 and --jobs 2, through the real command line (child processes, reports, gradebook).
With --notebooks, it also times each reference notebook top to bottom against the budget; with --mutants it
grades the mutant corpus and prints how many wrong versions lose points and get a named reason; with --report N
it times the class report on N submissions (a few graded for real, their results and distinct code replicated).
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .samples import SAMPLES

NOTEBOOK_BUDGET, ALL_NOTEBOOKS_BUDGET = 180, 600  # DESIGN.md: 3 minutes each, 10 for all five


def timed_grade(submissions, jobs, out, *extra):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, submissions), "--out", str(out),
                           "--jobs", str(jobs), "--quiet", *extra], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"grading failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=10, help="submissions in the batch (default 10)")
    parser.add_argument("--notebooks", action="store_true", help="also time the reference notebooks")
    parser.add_argument("--report", type=int, metavar="N",
                        help="also time the class report on N submissions (tests/class_corpus.py --benchmark N)")
    parser.add_argument("--mutants", action="store_true",
                        help="also grade the mutant corpus (tests/mutant_corpus.py): points lost, reasons named")
    args = parser.parse_args()
    n = args.batch
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copies = []
        for i in range(n):
            copies.append(tmp / f"student{i:02d}.zip")
            shutil.copy(SAMPLES / "reference.zip", copies[-1])
        one = timed_grade(copies[:1], 1, tmp / "one")
        import json
        graded = json.loads((tmp / "one" / "student00.json").read_text())
        print(f"one full submission: {graded['execution_time']:.2f} s grading ({len(graded['tests'])} items, "
              f"sandbox: {graded['extra_data']['sandbox']}); {one:.1f} s for the whole command, including "
              f"start-up and creating the gradebook")
        again = timed_grade(copies[:1], 1, tmp / "one", "--force")
        print(f"the same again into the existing gradebook (--force): {again:.1f} s for the whole command")
        for jobs in (1, 2):
            seconds = timed_grade(copies, jobs, tmp / f"batch{jobs}")
            print(f"batch of {n}, --jobs {jobs}: {seconds:.1f} s ({seconds / n:.2f} s per submission)")
        if args.notebooks:
            time_notebooks(tmp)
    from . import paths
    if args.mutants:
        subprocess.run([sys.executable, str(paths.ROOT / "tests" / "mutant_corpus.py")], check=False)
    if args.report:
        subprocess.run([sys.executable, str(paths.ROOT / "tests" / "class_corpus.py"), "--benchmark",
                        str(args.report)], check=False)


def time_notebooks(tmp):
    from . import paths
    from .notebooks import copy_assignment, execute
    folder = copy_assignment(paths.SOURCE, Path(tmp) / "notebooks")
    total = 0.0
    for name in paths.NOTEBOOKS:
        _, error, seconds = execute(folder, name)
        total += seconds
        status = "ran" if error is None else "FAILED"
        print(f"notebook {name}: {status} in {seconds:.1f} s (budget {NOTEBOOK_BUDGET} s)")
    print(f"all notebooks: {total:.1f} s (budget {ALL_NOTEBOOKS_BUDGET} s)")


if __name__ == "__main__":
    main()
