"""The TransferLearning items' grading calls on the reference and on every known mistake: the reference passes
its own cases without touching its inputs, every mistake is caught by some case, and each has its hint."""
import sys

import numpy as np
import pytest

from autograder import paths
from autograder.bank import calls
from autograder.bank.compare import matches
from autograder.bank.recipes import make_inputs
from autograder.bank.tl_items import ITEMS
from autograder.build import _call_quietly, _import_copy
from autograder.hidden.tl import HIDDEN
from autograder.mistakes import mutant_package
from autograder.mistakes.tl import MISTAKES

CODE_ITEMS = [it for it in ITEMS if it.kind != "artifact"]


def _cases(item):
    return list(item.public) + list(HIDDEN.get(item.id, ()))


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """{"reference": module name, mistake name: module name} of importable copies."""
    tmp = tmp_path_factory.mktemp("tl_packages")
    sys.path.insert(0, str(tmp))
    found = {"reference": _import_copy(paths.REFERENCE_PACKAGE, tmp, "nnkit_tl_reference")}
    for k, m in enumerate(MISTAKES):
        mutant_package(paths.REFERENCE_PACKAGE, m, tmp / f"m{k}", "nnkit")
        found[m.name] = _import_copy(tmp / f"m{k}" / "nnkit", tmp, f"nnkit_tl_m{k}")
    yield found
    sys.path.remove(str(tmp))


@pytest.mark.parametrize("item", CODE_ITEMS, ids=lambda it: it.id)
def test_the_reference_passes_its_cases_and_leaves_its_inputs_alone(item, packages):
    for case in _cases(item):
        inputs = make_inputs(item, case)
        outputs, after = calls.call(calls.spec(item), case.params, inputs, packages["reference"])
        assert calls.changed_inputs(make_inputs(item, case), after) == {}, case.name
        assert calls.fixture_outputs(outputs), case.name
        if "frozen_bit_identical" in outputs:
            assert outputs["frozen_bit_identical"] == 1, case.name
        if "shares_memory_with_base" in outputs:
            assert outputs["shares_memory_with_base"] == 0, case.name


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: f"{m.item}/{m.name}")
def test_every_mistake_fails_a_public_case_and_has_a_hint(mistake, packages):
    item = next(it for it in ITEMS if it.id == mistake.item)
    assert mistake.name in item.mistakes
    caught = []
    for case in item.public:
        expected, _ = calls.call(calls.spec(item), case.params, make_inputs(item, case), packages["reference"])
        got = _call_quietly(calls.spec(item), case.params, make_inputs(item, case), packages[mistake.name])
        caught.append(got is None or not matches(calls.fixture_outputs(expected), got, item.rtol, item.atol))
    assert any(caught), f"{mistake.name} passes every public case"


def test_scaled_step_leaves_a_frozen_parameter_and_its_optimizer_state_bit_identical(packages):
    """Adam's step for a multiplier m is the base step times m exactly; frozen parameters do not move."""
    import importlib
    transfer = importlib.import_module(f"{packages['reference']}.transfer")
    optim = importlib.import_module(f"{packages['reference']}.optim")
    rng = np.random.default_rng(0)
    params = {"W1": rng.standard_normal((3, 2)), "W2": rng.standard_normal(4), "W3": rng.standard_normal(2)}
    start = {k: v.copy() for k, v in params.items()}
    configs = {k: {} for k in params}
    for _ in range(3):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items() if k != "W1"}
        transfer.scaled_step(params, grads, configs, optim.adam, 0.01, {"W1": 0.0, "W2": 0.1})
    assert np.array_equal(params["W1"], start["W1"]) and configs["W1"] == {}
    first_step = np.abs(params["W3"] - start["W3"])
    assert configs["W2"]["learning_rate"] == pytest.approx(0.001) and configs["W3"]["learning_rate"] == 0.01
    assert np.all(first_step > 0)
    with pytest.raises(ValueError, match="W9"):
        transfer.scaled_step(params, {}, configs, optim.adam, 0.01, {"W9": 1.0})
    with pytest.raises(ValueError, match="no gradient for \\['W2'\\]"):
        transfer.scaled_step(params, {"W3": np.zeros(2)}, configs, optim.adam, 0.01, {"W1": 0.0})
