"""Compare a case's outputs with the expected ones: shape, dtype, NaN, worst relative error and where."""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class CaseResult:
    """The verdict on one case. problems: what differs, one line each; hint: the likely mistake, if known."""
    case: str
    passed: bool
    hidden: bool = False
    problems: list = field(default_factory=list)
    hint: str = None
    notes: list = field(default_factory=list)


def _where(index, shape):
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(index, shape)) + "]" if shape else "[]"


def compare_output(name, expected, got, rtol, atol):
    """None if got matches expected, else one line saying how it differs.

    Args:
        name: output name for the message.
        expected: array from the reference.
        got: array from the student.
        rtol, atol: pass if worst |got - exp| / max(1e-8, |got| + |exp|) <= rtol, or worst |got - exp| <= atol.
    """
    expected, got = np.asarray(expected), np.asarray(got)
    if got.shape != expected.shape:
        extra = ""
        if got.ndim == 2 and got.shape[::-1] == expected.shape:
            extra = " (transposed?)"
        elif got.size == expected.size:
            extra = " (same size: a reshape missing or wrong?)"
        return f"{name}: shape {got.shape}, expected {expected.shape}{extra}"
    if got.dtype.kind not in "biuf":
        return f"{name}: dtype {got.dtype}, expected numbers"
    if expected.dtype.kind == "f" and got.dtype != expected.dtype:
        return (f"{name} is {got.dtype}; {expected.dtype} inputs must give {expected.dtype} "
                f"(a conversion, or an array created with another dtype?)")
    got64, exp64 = got.astype(np.float64), expected.astype(np.float64)
    bad = ~np.isfinite(got64) & np.isfinite(exp64)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "NaN" if np.isnan(got64.reshape(-1)[i]) else "inf"
        return (f"{name}: {int(bad.sum())} of {got.size} values are NaN/inf, first {what} at {_where(i, got.shape)}"
                " (overflow in exp? division by zero?)")
    if got.size == 0:
        return None
    got64, exp64 = np.nan_to_num(got64), np.nan_to_num(exp64)  # NaN where expected NaN counts as equal
    with np.errstate(all="ignore"):
        diff = np.abs(got64 - exp64)
        rel = diff / np.maximum(1e-8, np.abs(got64) + np.abs(exp64))
    if rel.max() <= rtol or diff.max() <= atol:
        return None
    i = int(np.argmax(rel))
    ix = _where(i, got.shape)
    return (f"{name} wrong, worst relative error {rel.reshape(-1)[i]:.2g} at {ix}: "
            f"got {got64.reshape(-1)[i]:.6g}, expected {exp64.reshape(-1)[i]:.6g}")


def compare_case(case, expected, got, rtol, atol, hidden=False):
    """CaseResult for one case; expected and got map output name -> array (got may lack some)."""
    problems = []
    for name, exp in expected.items():
        if name not in got:
            problems.append(f"{name}: not returned")
            continue
        problem = compare_output(name, exp, got[name], rtol, atol)
        if problem:
            problems.append(problem)
    return CaseResult(case, passed=not problems, hidden=hidden, problems=problems)


def matches(expected, got, rtol, atol):
    """True when every expected output is in got and compares equal within tolerance."""
    return all(name in got and compare_output(name, exp, got[name], rtol, atol) is None
               for name, exp in expected.items())
