"""From one case's outputs (or error) and its fixture to a CaseResult: the step grader and check() share."""
from .compare import CaseResult, compare_case
from .explain import explain

PARAM_CHANGED = "loss() changed self.params{keys}; it must leave the parameters unchanged (build new arrays)"
BASE_CHANGED = ("changed the pretrained model's parameters{keys}; it must leave the base model as it was (copy "
                "what you keep)")
IN_PLACE = "modified its input {key} in place (work on a copy or build a new array)"
UNREADABLE = "its input {key} could not be read back after the call"


def judge_case(item, case, fixture, got=None, error=None, changed=None, hidden=False, inputs=None, params=None):
    """Verdict on one case.

    Args:
        item: the Item.
        case: case name.
        fixture: {"expected": {out: arr}, "mistakes": {name: {out: arr}}} for this case.
        got: the student's outputs (None when the call failed).
        error: one line saying why the call failed, or None.
        changed: from calls.changed_inputs: inputs changed in place (a cost on the item, see verdict.py) and
            model parameters ("param.<name>") changed by loss() (the case fails).
        hidden: whether the case is hidden (its details are not shown).
        inputs: the case's input arrays, for diagnoses (None: no diagnosis needs them).
        params: the case's params (model_init items judge draws against the nominal weight_scale).

    Returns:
        CaseResult.
    """
    if error is not None:
        return CaseResult(case, passed=False, hidden=hidden, problems=[error])
    result = compare_case(case, fixture["expected"], got, item.rtol, item.atol, hidden=hidden)
    if item.kind == "model_init":
        from .init_check import judge_init
        result.problems.extend(judge_init(params or {}, got))
        result.passed = not result.problems
    params_changed = [k[len("param."):] for k in (changed or {}) if k.startswith("param.")]
    base_changed = [k[len("base."):] for k in (changed or {}) if k.startswith("base.")]
    for k, how in (changed or {}).items():
        if not k.startswith(("param.", "base.")):
            result.notes.append(IN_PLACE.format(key=k) if how == "changed" else UNREADABLE.format(key=k))
    if params_changed:
        result.problems.append(PARAM_CHANGED.format(keys=", ".join(f"[{k!r}]" for k in params_changed)))
        result.passed = False
    if base_changed:
        result.problems.append(BASE_CHANGED.format(keys=", ".join(f"[{k!r}]" for k in base_changed)))
        result.passed = False
    if not result.passed:
        explain(result, item, got, fixture.get("mistakes", {}), inputs, fixture["expected"], fixture.get("aux"))
    return result
