"""The mutant corpus (tests/mutant_corpus.py): every wrong version loses points, recorded ones are named by
their hint, most unrecorded ones get a diagnosis; independently written correct implementations get full
marks, and random init is judged by its distribution, so no correct init fails (1,000 seeds)."""
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

import mutant_corpus as mc
from autograder import mistakes, paths
from autograder.bank.init_check import judge_init
from autograder.bank.items import REGISTRY
from autograder.grade import grade_item
from autograder.run import Limits
from autograder.unpack import unpack
from conftest import make_submission

HERE = Path(__file__).resolve().parent
ALTERNATIVES = ("alternative", "alternative2")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return mc.grade_corpus(tmp_path_factory.mktemp("mutants"))


@pytest.mark.parametrize("mutant", mc.ALL, ids=lambda m: f"{m.item}/{m.name}")
def test_every_wrong_version_loses_points(mutant, corpus):
    verdict = corpus[f"{mutant.item}/{mutant.name}"]
    assert verdict.score < verdict.points, verdict.text()


@pytest.mark.parametrize("mistake", mistakes.MISTAKES, ids=lambda m: f"{m.item}/{m.name}")
def test_each_recorded_mistake_is_named_by_its_hint(mistake, corpus):
    verdict = corpus[f"{mistake.item}/{mistake.name}"]
    assert REGISTRY[mistake.item].mistakes[mistake.name] in verdict.text()


def test_at_least_85_percent_of_wrong_versions_get_a_named_reason(corpus):
    lost, named, total = mc.named_figures(corpus)
    assert lost == total
    unrecorded = {k: v for k, v in corpus.items() if k in {f"{m.item}/{m.name}" for m in mc.UNRECORDED}}
    _, unrec_named, unrec_total = mc.named_figures(unrecorded)
    print(f"\nnamed reasons: {named} of {total}; unrecorded {unrec_named} of {unrec_total}")
    assert named / total >= 0.85 and unrec_named / unrec_total >= 0.8


def test_every_graded_function_has_at_least_five_wrong_versions():
    for item in REGISTRY.values():
        if item.kind != "artifact":
            assert sum(m.item == item.id for m in mc.ALL) >= 5, item.id


def test_every_item_has_at_least_three_recorded_mistakes_and_every_hint_a_mistake():
    for item in REGISTRY.values():
        if item.kind == "artifact":
            continue
        names = {m.name for m in mistakes.for_item(item.id)}
        assert len(names) >= 3, item.id
        assert names == set(item.mistakes), item.id


@pytest.mark.parametrize("package", ALTERNATIVES)
def test_independent_correct_implementations_get_full_marks(package, tmp_path, table):
    ws = unpack(make_submission(tmp_path, package_dir=HERE / package / paths.PACKAGE))
    for item in REGISTRY.values():
        if item.kind == "artifact":
            continue
        verdict = grade_item(ws.root, item, table, Limits(seconds=30))
        assert verdict.score == verdict.points, verdict.text()


def _package(folder, name):
    """Import folder/nnkit as a fresh package `name`."""
    import shutil
    import tempfile
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(folder, tmp / name)
    sys.path.insert(0, str(tmp))
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[mod]
    return importlib.import_module(f"{name}.fc_net")


@pytest.mark.parametrize("package", ("reference", *ALTERNATIVES))
def test_random_init_of_correct_implementations_passes_for_1000_seeds(package):
    from autograder.bank import calls
    from autograder.cases import all_cases
    folder = paths.REFERENCE_PACKAGE if package == "reference" else HERE / package / paths.PACKAGE
    module = _package(folder, f"nnkit_seeds_{package}")
    item = REGISTRY["fc.net_init"]
    cases, _ = all_cases(item)
    failures = 0
    for seed in range(1000):
        for case in cases:
            params = {**case.params, "model_seed": seed}
            got = calls._model_init(module.FullyConnectedNet, params)
            failures += bool(judge_init(params, got))
    assert failures == 0


def test_the_init_bounds_catch_a_variance_off_by_two():
    rng = np.random.default_rng(0)
    for n in (300, 600, 3000):
        draws = {"W1.draw": 0.05 * np.sqrt(2) * rng.standard_normal(n), "W1.again": None}
        draws["W1.again"] = draws["W1.draw"]
        draws["W1.other"] = -draws["W1.draw"]
        assert judge_init({"weight_scale": 0.05}, draws), n
