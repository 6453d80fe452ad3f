"""Pack a submission: `python -m checks.pack` in your assignment folder.

Zips nnkit/ (.py files), the notebooks and artifacts/ into submission_nntrain.zip, warns loudly when a
notebook was not run top to bottom in order (or has errors), and prints what to upload.
"""
import json
import sys
import zipfile
from pathlib import Path

ASSIGNMENT = "nntrain"  # the assignment's name (autograder/paths.py), in the zip's name

PACKAGE = "nnkit"


def notebooks():
    """The graded notebooks, in order (each item names its notebook)."""
    from . import catalog  # noqa: F401  (fills the registry)
    from .items import REGISTRY
    return tuple(dict.fromkeys(it.notebook for it in REGISTRY.values()))


def notebook_problems(path):
    """Reasons a notebook does not look like one clean top-to-bottom run (empty list when it does)."""
    try:
        nb = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        return [f"cannot be read as a notebook ({exc})"]
    counts, problems = [], []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or not "".join(cell.get("source", "")).strip():
            continue
        counts.append(cell.get("execution_count"))
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            problems.append("a cell ended with an error")
    ran = [c for c in counts if c is not None]
    if not ran:
        return ["was never run"]
    if len(ran) < len(counts):
        problems.append(f"{len(counts) - len(ran)} code cells were not run")
    if ran != list(range(1, len(ran) + 1)):
        problems.append("cells were not run in order from a fresh kernel (execution counts "
                        f"{ran[:6]}{'...' if len(ran) > 6 else ''}); use Restart Kernel and Run All Cells")
    return sorted(set(problems), key=problems.index)


def collect(folder):
    """Files to submit, relative to folder: nnkit/**/*.py, the notebooks, artifacts/*.npz."""
    folder = Path(folder)
    files = sorted(p for p in (folder / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts)
    files += sorted(folder.glob("*.ipynb"))
    files += sorted((folder / "artifacts").glob("*.npz"))
    return [p.relative_to(folder) for p in files]


def artifact_items():
    """The graded items scored from a saved model file."""
    from . import catalog  # noqa: F401  (fills the registry)
    from .items import REGISTRY
    return [it for it in REGISTRY.values() if it.kind == "artifact"]


def pack(folder=".", out=None):
    """Write the submission zip; returns (zip path, list of warnings)."""
    folder = Path(folder).resolve()
    if not (folder / PACKAGE).is_dir():
        raise SystemExit(f"error: {folder} has no {PACKAGE}/ folder; run this inside your assignment folder")
    warnings = []
    for name in notebooks():
        path = folder / f"{name}.ipynb"
        if not path.exists():
            warnings.append(f"{name}.ipynb is missing")
            continue
        warnings += [f"{name}.ipynb {p}" for p in notebook_problems(path)]
    for item in artifact_items():
        if not (folder / item.artifact).exists():
            warnings.append(f"{item.artifact} is missing: the item {item.name} ({item.notebook}) will score 0")
    out = Path(out) if out else folder / f"submission_{ASSIGNMENT}.zip"  # whatever the folder is called
    files = collect(folder)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in files:
            z.write(folder / rel, rel.as_posix())
    return out, files, warnings


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    out, files, warnings = pack(args[0] if args else ".")
    print(f"packed {len(files)} files ({out.stat().st_size / 1024:.0f} KiB):")
    for f in files:
        print(f"  {f}")
    if warnings:
        print(f"\n!!! {len(warnings)} WARNING{'S' if len(warnings) > 1 else ''}: fix before you upload, or points may be lost")
        for w in warnings:
            print(f"!!!   {w}")
        print()
    print(f"upload this file: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
