"""A generated class for the class report: distinct students with known mistakes and two planted copies.

Each student's package is composed function group by function group (a forward and its backward are one group,
they share a cache) from three independently written correct versions — the reference, tests/alternative and
tests/alternative2 — or left as the release's stub. Students are drawn so that no two share more than
MAX_SHARED of their implemented code (as the similarity check sees it), as students who wrote their own code
would not; some get one recorded mistake (autograder/mistakes.py, on a reference group), a few are the
untouched stubs, and two are near copies of other students (comments added, a variable renamed, two functions
swapped). build_class() returns the manifest the tests check: each planted mistake's hint and its students,
and the copied pairs. `python tests/class_corpus.py OUT --students 100` writes the zips.
"""
import ast
import functools
import random
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder import mistakes, paths  # noqa: E402
from autograder.bank.items import REGISTRY  # noqa: E402
from autograder.build import strip_solutions  # noqa: E402

VARIANTS = {"ref": paths.REFERENCE_PACKAGE, "alt": ROOT / "tests" / "alternative" / "nnkit",
            "alt2": ROOT / "tests" / "alternative2" / "nnkit"}
GROUPS = {  # group -> (module file, names of its top-level functions or Class.methods)
    "affine": ("layers.py", ("affine_forward", "affine_backward")),
    "relu": ("layers.py", ("relu_forward", "relu_backward")),
    "svm": ("layers.py", ("svm_loss",)),
    "softmax": ("layers.py", ("softmax_loss",)),
    "momentum": ("optim.py", ("sgd_momentum",)),
    "nesterov": ("optim.py", ("nesterov_momentum",)),
    "adagrad": ("optim.py", ("adagrad",)),
    "rmsprop": ("optim.py", ("rmsprop",)),
    "adam": ("optim.py", ("adam",)),
    "net_init": ("fc_net.py", ("FullyConnectedNet.__init__",)),  # the reference's loss needs its own __init__
    "net_loss": ("fc_net.py", ("FullyConnectedNet.loss",)),
    "dropout": ("regularization.py", ("dropout_forward", "dropout_backward")),
    "dropconnect": ("regularization.py", ("dropconnect_forward", "dropconnect_backward")),
    "l1": ("regularization.py", ("l1_penalty",)),
    "polyak": ("optim.py", ("polyak_update",)),
    "flip": ("augment.py", ("random_flip",)),
    "crop": ("augment.py", ("random_crop",)),
    "conv": ("conv_layers.py", ("conv_forward_naive", "conv_backward_naive")),
    "pool": ("conv_layers.py", ("max_pool_forward_naive", "max_pool_backward_naive")),
    "spatial_bn": ("conv_layers.py", ("spatial_batchnorm_forward", "spatial_batchnorm_backward")),
    "groupnorm": ("conv_layers.py", ("spatial_groupnorm_forward", "spatial_groupnorm_backward")),
    "convnet_init": ("cnn.py", ("ThreeLayerConvNet.__init__",)),
    "convnet_loss": ("cnn.py", ("ThreeLayerConvNet.loss",)),
    "features": ("transfer.py", ("extract_features",)),
    "reinit": ("transfer.py", ("reinit_last_layer",)),
    "head_init": ("transfer.py", ("HeadOnBase.__init__",)),
    "head_loss": ("transfer.py", ("HeadOnBase.loss",)),
    "scaled_step": ("transfer.py", ("scaled_step",)),
}
MAX_SHARED = 0.75
# (item, recorded mistake, group it patches): the planted mistakes, each on a reference group
PLANTED = (("fc.affine_backward", "dw_divided_by_N", "affine"), ("fc.softmax_loss", "forgot_minus_one", "softmax"),
           ("optim.adam", "no_bias_correction", "adam"), ("fc.relu_backward", "mask_inverted", "relu"),
           ("fc.svm_loss", "no_mean", "svm"))
SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


@functools.lru_cache(maxsize=None)
def _source(variant, module):
    """A variant's module text: the reference without its solution markers, an alternative, or the stub."""
    if variant == "stub":
        return strip_solutions((paths.REFERENCE_PACKAGE / module).read_text(), module)
    return SOLUTION_MARKER.sub("", (VARIANTS[variant] / module).read_text())


def _defs(text):
    """{top-level function name or Class.method: (first line, last line)} (1-based, inclusive)."""
    spans = {}
    for n in ast.parse(text).body:
        if isinstance(n, ast.FunctionDef):
            spans[n.name] = (n.lineno, n.end_lineno)
        elif isinstance(n, ast.ClassDef):
            spans.update({f"{n.name}.{m.name}": (m.lineno, m.end_lineno) for m in n.body
                          if isinstance(m, ast.FunctionDef)})
    return spans


def _imports(text):
    """The module's top-level import lines."""
    return [ln for ln in text.splitlines() if ln.startswith(("import ", "from "))]


def compose(choice):
    """{module file: text} of a package whose groups come from the chosen variants ({group: variant})."""
    files = {}
    modules = sorted(p.name for p in paths.REFERENCE_PACKAGE.glob("*.py") if p.name not in ("__init__.py", "layer_utils.py"))
    for module in modules:  # every module the release has (a missing one would be more than a stub's change)
        base = _source("stub", module)  # functions outside the groups (later notebooks') stay stubs
        lines = base.splitlines(keepends=True)
        spans = _defs(base)
        extra, swaps, imports = [], [], []
        for group, (mod, names) in GROUPS.items():
            if mod != module or choice[group] == "stub":
                continue
            other = _source(choice[group], module)
            other_lines, other_defs = other.splitlines(keepends=True), _defs(other)
            imports += [ln for ln in _imports(other) if ln not in base and ln not in imports]
            for name in names:
                a, b = other_defs[name]
                swaps.append((spans[name], "".join(other_lines[a - 1:b])))
            for helper, (a, b) in other_defs.items():  # an alternative's own helpers (alt2's _state)
                if helper not in spans and helper.startswith("_") and "".join(other_lines[a - 1:b]) not in extra:
                    extra.append("".join(other_lines[a - 1:b]))
        for (a, b), text in sorted(swaps, reverse=True):
            lines[a - 1:b] = [text]
        first = next(n.lineno for n in ast.parse(base).body if isinstance(n, (ast.FunctionDef, ast.ClassDef)))
        # the variants' imports go before the first definition
        lines[first - 1:first - 1] = [ln + "\n" for ln in imports]
        files[module] = "".join(lines) + "".join("\n\n" + e for e in extra)
    files["layer_utils.py"] = _source("ref", "layer_utils.py")
    files["__init__.py"] = _source("ref", "__init__.py")
    return files


@functools.lru_cache(maxsize=None)
def _kgrams():
    """{(group, variant): the set of 25-character k-grams of that group's code as copydetect filters it (each
    name one character), less those of the stubs}: what the similarity check can match, without its hashes
    (which Python salts per process), so the class drawn from them is the same in every run."""
    from copydetect.utils import filter_code

    def grams(variant, module, names):
        text = _source(variant, module)
        lines, spans = text.splitlines(keepends=True), _defs(text)
        code = filter_code("".join("".join(lines[spans[n][0] - 1:spans[n][1]]) for n in names), "x.py")[0]
        return {code[i:i + 25] for i in range(len(code) - 24)}
    return {(group, variant): frozenset(grams(variant, module, names) - grams("stub", module, names))
            for group, (module, names) in GROUPS.items() for variant in VARIANTS}


def _code_grams(choice):
    """The k-grams of a student's implemented groups."""
    sets = _kgrams()
    return frozenset().union(*[sets[g, v] for g, v in choice.items() if v != "stub"])


def _shared(a, b):
    """The share of the smaller of two students' k-gram sets that the other has too."""
    return len(a & b) / max(1, min(len(a), len(b)))


def _disguise(files):
    """A near copy: comments and blank lines added, a local variable renamed, two functions swapped."""
    out = {}
    for name, text in files.items():
        text = re.sub(r"^(    )(\w+ = )", r"\1# step\n\1\2", text, count=6, flags=re.M)
        text = re.sub(r"\bmargins\b", "margin_matrix", text)
        out[name] = text.replace("\n\n\ndef ", "\n\n\n# ---\ndef ")
    spans = _defs(out["optim.py"])
    if "adagrad" in spans and "rmsprop" in spans:
        lines = out["optim.py"].splitlines(keepends=True)
        (a1, b1), (a2, b2) = spans["adagrad"], spans["rmsprop"]
        first, second = lines[a1 - 1:b1], lines[a2 - 1:b2]
        lines[a2 - 1:b2] = first
        lines[a1 - 1:b1] = second
        out["optim.py"] = "".join(lines)
    return out


@functools.lru_cache(maxsize=1)
def _reference_model():
    import numpy as np
    from autograder.samples import REFERENCE_MODEL
    with np.load(REFERENCE_MODEL, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def _model_bytes(rng, noise):
    """The reference's saved model with Gaussian noise of the given scale added to its weights (.npz bytes)."""
    import io
    import numpy as np
    arrays = dict(_reference_model())
    noise_rng = np.random.default_rng(rng.randrange(2**31))
    for k in arrays:
        if k.startswith("W"):
            arrays[k] = arrays[k] + noise * np.std(arrays[k]) * noise_rng.standard_normal(arrays[k].shape)
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # uncompressed: noisy weights do not compress, and deflating them is slow
    return buf.getvalue()


def _write_zip(path, members):
    """A zip of {name: text or bytes}, stored without compression (fast to write and to unpack)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name in sorted(members):
            z.writestr(name, members[name])
    return Path(path)


def draw_students(n, planted_counts, n_stubs=2, n_partial=3, seed=0, max_shared=MAX_SHARED):
    """[(name, {group: variant}, planted (item, mistake) or None)] for n students (before the copies)."""
    rng = random.Random(seed)
    plan = [("stubs", None)] * n_stubs + [("partial", None)] * n_partial
    for (item, name, group), count in zip(PLANTED, planted_counts):
        plan += [("mistake", (item, name, group))] * count
    plan += [("correct", None)] * (n - len(plan))
    students, chosen = [], []
    for k, (kind, planted) in enumerate(plan):
        for _ in range(20000):
            choice = {g: rng.choice(list(VARIANTS)) for g in GROUPS}
            if kind == "stubs":
                choice = {g: "stub" for g in GROUPS}
            elif kind == "partial":
                for g in rng.sample(list(GROUPS), 3):
                    choice[g] = "stub"
            if planted:
                choice[planted[2]] = "ref"
            if choice["net_loss"] == "ref" and choice["net_init"] not in ("ref", "stub"):
                continue
            grams = _code_grams(choice)
            if kind == "stubs" or all(_shared(grams, c) <= max_shared for c in chosen):
                break
        else:
            raise RuntimeError(f"could not draw student {k} distinct enough from the others; lower n")
        if kind != "stubs":
            chosen.append(grams)
        students.append((f"s{k:03d}_{kind}", choice, planted[:2] if planted else None))
    return students


def build_class(out, n=100, planted_counts=(12, 9, 7, 5, 3), copies=2, seed=0, no_model=3, max_shared=MAX_SHARED,
                n_stubs=2, n_partial=3):
    """Write n + copies student zips into out; returns the manifest.

    Returns:
        dict: "zips" (paths), "mistakes" ({hint: sorted students}), "copies" ([(original, copy)]),
        "stubs" (names), "no_model" (names without a saved model).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)
    students = draw_students(n, planted_counts, n_stubs, n_partial, seed, max_shared)
    by_key = {(m.item, m.name): m for m in mistakes.MISTAKES}
    packages, manifest = {}, {"zips": [], "mistakes": {}, "copies": [], "stubs": [], "no_model": []}
    for name, choice, planted in students:
        files = compose(choice)
        if planted:
            m = by_key[planted]
            if files[m.file].count(m.old) != 1:
                raise RuntimeError(f"{name}: mistake {planted} does not apply")
            files[m.file] = files[m.file].replace(m.old, m.new)
            hint = REGISTRY[m.item].mistakes[m.name]
            manifest["mistakes"].setdefault(hint, []).append(name)
        packages[name] = files
        if name.endswith("_stubs"):
            manifest["stubs"].append(name)
    originals = [next(name for name, _, p in students if name.endswith("_correct")),  # one right, one wrong
                 next(name for name, _, p in students if p and p[1] == "forgot_minus_one")][:copies]
    for k, original in enumerate(originals):
        copy = f"z{k:02d}_copy"
        packages[copy] = _disguise(packages[original])
        manifest["copies"].append((original, copy))
        hint = next((h for h, names in manifest["mistakes"].items() if original in names), None)
        if hint:
            manifest["mistakes"][hint].append(copy)
    implemented = [s for s in packages if not s.endswith("_stubs")]
    without = set(rng.sample(implemented, no_model))
    for name, files in sorted(packages.items()):
        members = {f"{paths.ASSIGNMENT}/{paths.PACKAGE}/{f}": t for f, t in files.items()}
        if name not in without and not name.endswith("_stubs"):
            members[f"{paths.ASSIGNMENT}/artifacts/best_model.npz"] = _model_bytes(rng, rng.uniform(0, 0.6))
        else:
            manifest["no_model"].append(name)
        manifest["zips"].append(_write_zip(out / f"{name}.zip", members))
    manifest["mistakes"] = {h: sorted(v) for h, v in manifest["mistakes"].items()}
    return manifest


def benchmark_batch(out, n=300, real=12, seed=0):
    """A graded folder of n submissions for timing the report: `real` of them graded for real (a generated
    class of that size), their results replicated to n (name and time changed), each replica with its own
    composed package (no two alike). Returns (folder, seconds spent grading the real ones)."""
    import json
    import subprocess
    import time
    out = Path(out)
    manifest = build_class(out / "zips", n=real, planted_counts=(2, 2, 1, 1), n_stubs=1, n_partial=2, seed=seed)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, manifest["zips"]), "--out",
                    str(out / "graded"), "--jobs", "2", "--quiet", "--no-gradebook", "--no-report"], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    grading = time.perf_counter() - start
    graded = sorted((out / "graded").glob("*.json"))
    results = [json.loads(f.read_text()) for f in graded]
    rng = random.Random(seed)
    students = draw_students(n, (), n_stubs=0, n_partial=0, seed=seed, max_shared=1.0)
    for k, (_, choice, _) in enumerate(students):
        name = f"r{k:04d}"
        data = json.loads(json.dumps(results[k % len(results)]))
        data["extra_data"]["submission"] = name
        data["execution_time"] = round(data["execution_time"] * rng.uniform(0.8, 1.2), 2)
        (out / "graded" / f"{name}.json").write_text(json.dumps(data))
        pkg = out / "graded" / "autograded" / name / paths.ASSIGNMENT / paths.PACKAGE
        pkg.mkdir(parents=True, exist_ok=True)
        for f, text in compose(choice).items():
            (pkg / f).write_text(text)
    for f in graded:  # only the replicas remain: n submissions
        f.unlink()
    return out / "graded", grading


def main():
    import argparse
    import json
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", nargs="?", help="folder to write the class's zips into")
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--benchmark", type=int, metavar="N",
                   help="instead: time the class report on N submissions (a few graded for real, replicated)")
    args = p.parse_args()
    if args.benchmark:
        import tempfile
        import time
        from autograder.class_report import make_report
        with tempfile.TemporaryDirectory() as tmp:
            folder, grading = benchmark_batch(tmp, args.benchmark)
            start = time.perf_counter()
            _, summary, _ = make_report(folder)
            seconds = time.perf_counter() - start
            start = time.perf_counter()
            make_report(folder, similarity=False)
            without = time.perf_counter() - start
        sim = summary["similarity"]
        print(f"class report on {summary['submissions']} submissions ({sim['pairs_compared']} pairs compared): "
              f"{seconds:.1f} s, of which the similarity check {seconds - without:.1f} s "
              f"(12 distinct submissions graded for real first in {grading:.1f} s, not counted)")
        return
    if not args.out:
        p.error("give OUT, or --benchmark N")
    manifest = build_class(args.out, args.students)
    print(json.dumps({k: v for k, v in manifest.items() if k != "zips"}, indent=1))


if __name__ == "__main__":
    main()
