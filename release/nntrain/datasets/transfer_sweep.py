"""The TransferLearning notebook's full label-budget sweep (too slow to run live): every strategy at every
budget and seed, on both source -> target pairs, with the zoo's shipped models.

Run: python datasets/transfer_sweep.py                      # writes datasets/transfer_sweep.json
     python datasets/transfer_sweep.py --pairs similar --budgets 1 --seeds 0 --strategies scratch LP-FT --out -

Settings are utils/transfer_lessons.py's (FIT, BUDGETS, SEEDS, STRATEGIES); every run is seeded, so a rerun
gives the same numbers on the same machine. The shipped file was made with OPENBLAS_NUM_THREADS=1 (recorded as
blas_threads), one process per pair: OPENBLAS_NUM_THREADS=1 python datasets/transfer_sweep.py --pairs similar ...
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "assignments" / "nntrain")]  # utils/ and nnkit/ (repo or release)

from utils import transfer_lessons as T  # noqa: E402

OUT = HERE / "transfer_sweep.json"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", nargs="+", default=list(T.PAIRS), choices=list(T.PAIRS))
    parser.add_argument("--budgets", nargs="+", type=int, default=list(T.BUDGETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(T.SEEDS))
    parser.add_argument("--strategies", nargs="+", default=list(T.STRATEGIES), choices=list(T.STRATEGIES))
    parser.add_argument("--out", default=str(OUT), help="JSON file to write, or - for stdout")
    args = parser.parse_args(argv)
    command = "python datasets/transfer_sweep.py" + ("" if argv is None and len(sys.argv) == 1 else
                                                     " " + " ".join(sys.argv[1:] if argv is None else argv))
    result = {"command": command, "fit": T.FIT, "learning_rate": T.LR,
              "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "pairs": {}}
    for pair in args.pairs:
        start = time.time()
        curves = T.budget_curves(pair, args.budgets, args.seeds, args.strategies, progress=False)
        curves["seconds"] = round(time.time() - start, 1)
        result["pairs"][pair] = curves
        print(f"{pair}: {curves['seconds']:.0f} s", file=sys.stderr)
        if "scratch" in curves["accuracy"] and len(curves["accuracy"]) > 1:
            best, gain = T.transfer_gain(curves, [b for b in (1, 2) if b in args.budgets] or args.budgets[:1])
            print(f"  best transfer at the smallest budgets: {best}, {gain:+.1f} points over scratch", file=sys.stderr)
        for s, row in T.summary(curves).items():
            print(f"  {s:24s} " + "  ".join(f"{m:5.1f}±{d:4.1f}" for m, d in zip(row["mean"], row["std"])),
                  file=sys.stderr)
    text = json.dumps(result, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
