"""Sample submissions the setup command grades: made from the reference and the release by
`python -m autograder samples` (run by the build), as deterministic zips in autograder/samples/.

- reference.zip  the reference package, the source notebooks and the reference's saved models: full marks
- stubs.zip      the untouched release: zero, every item "not implemented"
- partial.zip    the reference with three known mistakes and no saved model
- broken.zip     a syntax error in layers.py and an infinite loop in adam: only the items they touch fail (with
                 FullyConnectedNets' saved model only)
"""
from pathlib import Path

from . import mistakes, paths
from .bank.fixtures import write_zip
from .build import strip_solutions

SAMPLES = paths.ROOT / "autograder" / "samples"
REFERENCE_MODEL = SAMPLES / "reference_best_model.npz"


def reference_models():
    """{artifact path in the assignment: the reference's saved file}, one per artifact item: for the item
    saving artifacts/<name>.npz, autograder/samples/reference_<name>.npz (the reference notebook's)."""
    from .bank.pack import artifact_items
    return {it.artifact: SAMPLES / f"reference_{Path(it.artifact).name}" for it in artifact_items()}
PARTIAL_MISTAKES = (("fc.affine_backward", "dw_divided_by_N"), ("fc.softmax_loss", "unstable"),
                    ("optim.adam", "no_bias_correction"))


def _package_files(package_dir):
    return {f"{paths.ASSIGNMENT}/{paths.PACKAGE}/{p.relative_to(package_dir).as_posix()}": p.read_text()
            for p in sorted(package_dir.rglob("*.py")) if "__pycache__" not in p.parts}


def sample_files():
    """{sample name: {path in zip: text or bytes}}."""
    ref = _package_files(paths.REFERENCE_PACKAGE)
    notebook = {f"{paths.ASSIGNMENT}/{n}.ipynb": (paths.SOURCE / f"{n}.ipynb").read_text() for n in paths.NOTEBOOKS}
    release_nb = {f"{paths.ASSIGNMENT}/{n}.ipynb": (paths.RELEASE / f"{n}.ipynb").read_text() for n in paths.NOTEBOOKS}
    models = {f"{paths.ASSIGNMENT}/{name}": path.read_bytes() for name, path in reference_models().items()}
    model = {f"{paths.ASSIGNMENT}/artifacts/best_model.npz": REFERENCE_MODEL.read_bytes()}
    stubs = {k: strip_solutions(v, k) for k, v in ref.items()}
    partial = dict(ref)
    for item_id, name in PARTIAL_MISTAKES:
        m = next(m for m in mistakes.for_item(item_id) if m.name == name)
        key = f"{paths.ASSIGNMENT}/{paths.PACKAGE}/{m.file}"
        if m.old not in partial[key]:
            raise ValueError(f"sample partial: {m.item}/{m.name} does not apply")
        partial[key] = partial[key].replace(m.old, m.new)
    optim_key = f"{paths.ASSIGNMENT}/{paths.PACKAGE}/optim.py"
    broken = dict(ref)
    layers_key = f"{paths.ASSIGNMENT}/{paths.PACKAGE}/layers.py"
    broken[layers_key] = broken[layers_key].replace("    db = dout.sum(axis=0)\n", "    db = dout.sum(axis=0\n")
    broken[optim_key] = broken[optim_key].replace("    t = t + 1\n", "    while True:\n        t = t + 1\n")
    return {"reference": {**ref, **notebook, **models}, "stubs": {**stubs, **release_nb},
            "partial": {**partial, **notebook}, "broken": {**broken, **notebook, **model}}


def write_samples(folder=SAMPLES):
    """Write the four sample zips; returns their paths."""
    out = []
    for name, files in sample_files().items():
        path = Path(folder) / f"{name}.zip"
        write_zip(path, files)
        out.append(path)
    return out
