"""Build: fixtures from the reference, then the student release (`python -m autograder build`).

Steps: (1) run the reference and every known mistake on every case -> public fixtures (shipped) and hidden
fixtures (kept); (2) nbgrader generate_assignment for the notebooks; (3) strip solution blocks from the .py
modules, which nbgrader copies verbatim; (4) copy utils/, the public test bank and the default data in.
"""
import importlib
import itertools
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from . import mistakes, paths
from .bank import calls, fixtures
from .bank.recipes import make_inputs
from .cases import all_cases, items

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# Check names for solution blocks inside methods (functions map to their own name).
METHOD_CHECKS = {"FullyConnectedNet.__init__": "net_init", "FullyConnectedNet.loss": "net_loss",
                 "ThreeLayerConvNet.__init__": "convnet_init", "ThreeLayerConvNet.loss": "convnet_loss"}
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


def _import_copy(src_dir, dest_root, name):
    """Copy package src_dir to dest_root/name and import it under that name (fresh)."""
    shutil.copytree(src_dir, Path(dest_root) / name, ignore=COPY_IGNORE)
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[mod]
    importlib.invalidate_caches()
    return name


def compute_fixtures(reference_dir=paths.REFERENCE_PACKAGE):
    """(public table, hidden table): expected outputs of the reference and known mistakes on every case."""
    public, hidden = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, tmp)
        try:
            ref = _import_copy(reference_dir, tmp, "nnkit_reference")
            for item in items():
                cases, hidden_names = all_cases(item)
                sp = calls.spec(item)
                muts = {}
                for k, m in enumerate(mistakes.for_item(item.id)):
                    pkg_dir = Path(tmp) / f"m{k}_{item.id.replace('.', '_')}"
                    mistakes.mutant_package(reference_dir, m, pkg_dir, "nnkit")
                    muts[m.name] = _import_copy(pkg_dir / "nnkit", tmp, f"nnkit_m{k}_{item.id.replace('.', '_')}")
                for case in cases:
                    full, _ = calls.call(sp, case.params, make_inputs(item, case), ref)
                    expected = calls.fixture_outputs(full)
                    entry = {"expected": expected, "mistakes": {}, "aux": calls.aux_outputs(full)}
                    for name, pkg in muts.items():
                        outputs = _call_quietly(sp, case.params, make_inputs(item, case), pkg)
                        if outputs is not None:  # a mistake that crashes has no outputs to match
                            entry["mistakes"][name] = outputs
                    entry["mistakes"].update(generated_variants(item, case, ref, expected))
                    (hidden if case.name in hidden_names else public)[(item.id, case.name)] = entry
        finally:
            sys.path.remove(tmp)
    return public, hidden


def generated_variants(item, case, ref, expected):
    """{variant name: outputs} of the reference with one config entry left out ("ignores:beta1"), one entry of
    a state dict left out ("ignores:bn_param.eps"), two inputs swapped ("swapped:gamma,beta"), and of the
    other graded functions of the same kind on the same inputs ("same_as:optim.sgd_momentum"), keeping only
    those that differ from the right answer (see explain.py for their hints)."""
    from .bank.compare import matches
    found = {}
    sp = calls.spec(item)
    if item.kind == "update_rule":
        keys = [k for k in make_inputs(item, case) if k.startswith("config.")]
        groups = [[k] for k in keys] + [list(pair) for pair in itertools.combinations(keys, 2)]
        for group in groups:
            reduced = {k: v for k, v in make_inputs(item, case).items() if k not in group}
            name = "ignores:" + ",".join(k[len("config."):] for k in group)
            found[name] = _call_quietly(sp, case.params, reduced, ref)
    if item.state_arg:  # a function with a state dict: each setting in it left out (the default used instead)
        for key in case.params.get("state", {}):
            if key != "mode" and key not in SEED_KEYS:  # without its seed a mask is drawn at random: no fixture
                state = {k: v for k, v in case.params["state"].items() if k != key}
                found[f"ignores:{item.state_arg}.{key}"] = _call_quietly(sp, {**case.params, "state": state},
                                                                          make_inputs(item, case), ref)
    inputs = make_inputs(item, case)
    if item.kind == "function" and "gamma" in inputs and "beta" in inputs:
        found["swapped:gamma,beta"] = _call_quietly(sp, case.params, {**inputs, "gamma": inputs["beta"],
                                                                      "beta": inputs["gamma"]}, ref)
    if item.kind == "model_loss" and case.params.get("reg"):
        outputs = _call_quietly(sp, {**case.params, "reg": 0.0}, make_inputs(item, case), ref) or {}
        found["no_reg_loss"] = {k: v for k, v in outputs.items() if k == "loss"}
        found["no_reg_grads"] = {k: v for k, v in outputs.items() if k.startswith("grad.W")}
    compared = item.outputs if item.kind == "function" else item.outputs[:1]  # update rules: next_w only
    for other in items():
        same_kind = other.kind == item.kind and (item.kind == "update_rule" or
                                                  (item.kind == "function" and other.outputs == item.outputs))
        if other.id != item.id and same_kind and not _draws_masks(other):  # unseeded here, so never the same
            outputs = _call_quietly(calls.spec(other), case.params, make_inputs(item, case), ref)
            found[f"same_as:{other.id}"] = {k: v for k, v in (outputs or {}).items() if k in compared}
    return {name: outputs for name, outputs in found.items()
            if outputs and not matches(outputs, expected, max(item.rtol, 1e-6), item.atol)}


SEED_KEYS = ("seed", "rng_seed")  # state entries that seed a function's random draws (calls._arguments)


def _draws_masks(item):
    """Whether the item's function draws random numbers (its cases seed them: "rng_seed", or a seed in its state)."""
    return any("rng_seed" in c.params or set(SEED_KEYS) & set(c.params.get("state", {})) for c in item.public)


def _call_quietly(sp, params, inputs, package):
    """calls.call's fixture outputs, or None when the call raises."""
    try:
        with np.errstate(all="ignore"):
            outputs, _ = calls.call(sp, params, inputs, package)
        return calls.fixture_outputs(outputs)
    except Exception:  # noqa: BLE001 - a variant that cannot run has nothing to match
        return None


def stub_message(qualname):
    check_name = METHOD_CHECKS.get(qualname, qualname)
    return f"{qualname}: your code goes here (see the docstring); then run check('{check_name}')"


def strip_solutions(text, filename="<module>"):
    """Source text with every BEGIN/END SOLUTION block replaced by a raise NotImplementedError stub.

    The stub names the enclosing function (Class.method for methods) and the check to run.
    """
    lines = text.splitlines(keepends=True)
    out, scope, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"(\s*)(def|class)\s+(\w+)", line)
        if m:
            indent = len(m.group(1))
            scope = [(d, n) for d, n in scope if d < indent] + [(indent, m.group(3))]
        if line.strip() == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            j = i + 1
            while j < len(lines) and lines[j].strip() != END:
                if lines[j].strip() == BEGIN:
                    raise ValueError(f"{filename}:{j + 1}: nested {BEGIN}")
                j += 1
            if j == len(lines):
                raise ValueError(f"{filename}:{i + 1}: {BEGIN} without {END}")
            qualname = ".".join(n for _, n in scope) or "module"
            out.append(f"{indent}raise NotImplementedError(\"{stub_message(qualname)}\")\n")
            i = j + 1
            continue
        if line.strip() == END:
            raise ValueError(f"{filename}:{i + 1}: {END} without {BEGIN}")
        out.append(line)
        i += 1
    return "".join(out)


def save_fixtures(stem, table):
    """fixtures.save_split by each item's notebook; returns the paths written."""
    from .bank.items import REGISTRY
    return fixtures.save_split(stem, table, lambda item_id: REGISTRY[item_id].notebook)


def write_fixtures():
    public, hidden = compute_fixtures()
    for stem, table in ((fixtures.PUBLIC, public), (paths.HIDDEN_FIXTURES, hidden)):
        save_fixtures(stem, table)
    return public, hidden


def generate_notebooks(release_root):
    """nbgrader generate_assignment into release_root/<assignment> (no gradebook)."""
    cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", paths.ASSIGNMENT, "--force", "--no-db",
           f"--CourseDirectory.root={paths.ROOT}", "--CourseDirectory.source_directory=assignments",
           f"--CourseDirectory.release_directory={release_root}", "--log-level=WARN"]
    done = subprocess.run(cmd, cwd=paths.ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{done.stdout}\n{done.stderr}")


RELEASE_README = """\
# {assignment}: Training Neural Networks (student release)

Generated by `python -m autograder build` from assignments/{assignment}/; do not edit by hand.

Set up once with `python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/python -m
checks.student_lab` (the last step hides nbgrader's instructor tools; Validate stays), then open the
notebooks in order with `.venv/bin/jupyter lab`, implement the stubs in `nnkit/` (each raises
NotImplementedError and says which check to run), and check each function right after writing it (a check
prints its verdict; under nbgrader's Validate a failing check fails its cell):

    from checks import check
    check("affine_forward")

When you are done, pack a submission with `python -m checks.pack` and upload the zip it names.

- nnkit/     the package you edit: layers, update rules, models
- checks/    public test cases, their expected outputs and the check() function
- utils/     gradient checkers, data loading, the Solver, plots (given)
- datasets/  the embedded Fashion-MNIST subset (see datasets/README.md for its source and license)
"""


KIT_ONLY = ("selenium", "pytest", "copydetect")  # the kit's tests and instructor tools need them; a student's setup does not


def student_requirements():
    """The kit's requirements.txt without the packages only the kit's tests use."""
    lines = (paths.ROOT / "requirements.txt").read_text().splitlines()
    keep = [ln for ln in lines if ln.split("==")[0].strip().lower() not in KIT_ONLY and not ln.startswith("#")]
    return "# What the notebooks and checks need, pinned (from the kit's requirements.txt).\n" + "\n".join(keep) + "\n"


def build_release(release_root=paths.ROOT / "release"):
    """Generate release_root/<assignment>: notebooks, stripped package, utils, checks, default data."""
    release_root = Path(release_root)
    target = release_root / paths.ASSIGNMENT
    if target.exists():
        shutil.rmtree(target)
    generate_notebooks(release_root)
    for extra in ("utils", "checks", "datasets", "artifacts", paths.PACKAGE):
        shutil.rmtree(target / extra, ignore_errors=True)
    shutil.copytree(paths.REFERENCE_PACKAGE, target / paths.PACKAGE, ignore=COPY_IGNORE)
    for py in sorted((target / paths.PACKAGE).rglob("*.py")):
        py.write_text(strip_solutions(py.read_text(), str(py)))
    shutil.copytree(paths.ROOT / "utils", target / "utils", ignore=COPY_IGNORE)
    shutil.copytree(paths.BANK, target / "checks", ignore=COPY_IGNORE)
    (target / "datasets").mkdir()
    for name in (*paths.DATA_FILES, *paths.DATA_SCRIPTS):
        shutil.copy2(paths.ROOT / "datasets" / name, target / "datasets" / name)
    (target / "requirements.txt").write_text(student_requirements())
    (target / "README.md").write_text(RELEASE_README.format(assignment=paths.ASSIGNMENT))
    return target


def _same_file(a, b):
    if a.suffix == ".npz":
        with np.load(a) as fa, np.load(b) as fb:
            return fa.files == fb.files and all(
                np.array_equal(fa[k], fb[k], equal_nan=fa[k].dtype.kind == "f") for k in fa.files)
    return a.read_bytes() == b.read_bytes()


def _tree(root):
    return {p.relative_to(root) for p in Path(root).rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def stale_files():
    """Generated files that differ from what the build makes now (empty when release/ etc. are fresh).

    Compares the fixtures (by value), a fresh release (file by file) and the sample submissions.
    """
    from .samples import SAMPLES, write_samples
    stale = []
    public, hidden = compute_fixtures()
    for table, stem in ((public, fixtures.PUBLIC), (hidden, paths.HIDDEN_FIXTURES)):
        with tempfile.TemporaryDirectory() as tmp:
            fresh = save_fixtures(Path(tmp) / stem.name, table)
            committed = {p.name: p for p in fixtures.files(stem)}
            for path in fresh:
                if path.name not in committed or not _same_file(path, committed.pop(path.name)):
                    stale.append(str((stem.parent / path.name).relative_to(paths.ROOT)))
            stale += [str(p.relative_to(paths.ROOT)) for p in committed.values()]  # a notebook's no more
    with tempfile.TemporaryDirectory() as tmp:
        target = build_release(Path(tmp))
        committed = paths.RELEASE
        for rel in sorted(_tree(target) | _tree(committed)):
            if not (target / rel).exists() or not (committed / rel).exists() or not _same_file(target / rel,
                                                                                               committed / rel):
                stale.append(f"release/{paths.ASSIGNMENT}/{rel}")
        written = write_samples(Path(tmp))
        stale += [str((SAMPLES / p.name).relative_to(paths.ROOT)) for p in written
                  if not (SAMPLES / p.name).exists() or not _same_file(p, SAMPLES / p.name)]
    return stale


def build(release_root=paths.ROOT / "release", fixtures_too=True):
    """Fixtures, then the release, then the sample submissions. Returns the release folder."""
    from .samples import write_samples
    if fixtures_too:
        write_fixtures()
    target = build_release(release_root)
    write_samples()
    return target
