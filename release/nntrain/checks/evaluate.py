"""From one case's outputs (or error) and its fixture to a CaseResult: the step grader and check() share."""
from .compare import CaseResult, compare_case
from .explain import describe_factor, explain


def judge_case(item, case, fixture, got=None, error=None, notes=(), hidden=False):
    """Verdict on one case.

    Args:
        item: the Item.
        case: case name.
        fixture: {"expected": {out: arr}, "mistakes": {name: {out: arr}}} for this case.
        got: the student's outputs (None when the call failed).
        error: one line saying why the call failed, or None.
        notes: in-place modifications and similar; each one fails the case.
        hidden: whether the case is hidden (its details are not shown).

    Returns:
        CaseResult.
    """
    if error is not None:
        return CaseResult(case, passed=False, hidden=hidden, problems=[error])
    result = compare_case(case, fixture["expected"], got, item.rtol, item.atol, hidden=hidden)
    if notes:
        result.passed = False
        result.problems.extend(notes)
    if not result.passed:
        explain(result, item, got, fixture.get("mistakes", {}))
        if result.hint is None:
            describe_factor(result, fixture["expected"], got)
    return result
