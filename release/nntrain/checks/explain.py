"""Name the likely mistake behind a wrong output."""
import numpy as np

from .compare import matches


def explain(result, item, got, mistake_outputs):
    """Set result.hint when a failed case matches a known mistake or a recognizable pattern.

    Args:
        result: CaseResult of a failed case (modified in place and returned).
        item: the Item (its mistakes map name -> hint; its tolerances).
        got: the student's outputs, name -> array.
        mistake_outputs: name of mistake -> its outputs on the same case.
    """
    if result.passed:
        return result
    for name, outputs in mistake_outputs.items():
        if name in item.mistakes and outputs and matches(outputs, got, max(item.rtol, 1e-6), item.atol):
            result.hint = item.mistakes[name]
            return result
    return result


def constant_factor(expected, got):
    """k if got == k * expected for one constant k (within 1e-6), else None."""
    expected, got = np.asarray(expected, np.float64), np.asarray(got, np.float64)
    if expected.shape != got.shape or expected.size < 2 or not np.isfinite(got).all():
        return None
    mask = np.abs(expected) > 1e-12
    if not mask.any():
        return None
    ratios = got[mask] / expected[mask]
    k = float(np.median(ratios))
    if abs(k - 1) < 1e-6 or not np.allclose(got, k * expected, rtol=1e-6, atol=1e-12):
        return None
    return k


def describe_factor(result, expected_outputs, got):
    """Add a problem line when an output is off by a constant factor (a stray 1/N, a missing 0.5...)."""
    for name, exp in expected_outputs.items():
        if name in got:
            k = constant_factor(exp, got[name])
            if k is not None:
                result.problems.append(f"{name} is exactly {k:.6g} times the expected value")
    return result
