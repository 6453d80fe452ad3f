"""Diagnoses of a wrong output that need no recorded mistake: what relation holds between it and the answer.

Each function looks at one wrong output (got vs expected, with the case's inputs) and returns one line that
names the mistake, or None. diagnose() tries them in order and returns the first that fits. They run in the
grader's process and in check(), on plain arrays only.
"""
import numpy as np

TOL = 1e-6


def _close(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=TOL, atol=1e-10, equal_nan=False))


def _batch_size(inputs):
    for key in ("x", "X", "y", "dout"):
        if key in inputs and np.ndim(inputs[key]) >= 1:
            return int(np.shape(inputs[key])[0])
    return None


def _factor_words(k, inputs):
    N = _batch_size(inputs)
    names = {-1.0: "the sign is flipped", 2.0: "a factor 2 too many (a missing 0.5, or a term counted twice)",
             0.5: "half the expected value (a stray 0.5, or a term missing from a sum of two)"}
    for value, words in names.items():
        if abs(k - value) < 1e-6:
            return words
    if N and N > 1 and abs(k - 1 / N) < 1e-9:
        return f"divided by N = {N} once too often (the mean is already in the upstream gradient?)"
    if N and N > 1 and abs(k - N) < 1e-6 * N:
        return f"N = {N} times too large: the average over the batch (divide by N) is missing"
    return None


def constant_factor(expected, got):
    """k if got == k * expected for one constant k (within 1e-6), else None."""
    expected, got = np.asarray(expected, np.float64), np.asarray(got, np.float64)
    if expected.shape != got.shape or not np.isfinite(got).all():
        return None
    mask = np.abs(expected) > 1e-12
    if not mask.any():
        return None
    k = float(np.median(got[mask] / expected[mask]))
    if abs(k - 1) < 1e-6 or not np.allclose(got, k * expected, rtol=1e-6, atol=1e-12):
        return None
    return k


def factor(name, expected, got, inputs, item):
    got64 = np.asarray(got, np.float64)
    if got64.shape == np.shape(expected) and got64.size and not got64.any() and np.any(expected):
        return f"{name} is 0 everywhere (never computed or never updated?)"
    k = constant_factor(expected, got)
    if k is None:
        return None
    words = _factor_words(k, inputs)
    return f"{name} is exactly {k:.6g} times the right value" + (f": {words}" if words else "")


def non_finite(name, expected, got, inputs, item):
    got = np.asarray(got, np.float64)
    bad = ~np.isfinite(got) & np.isfinite(np.asarray(expected, np.float64))
    if not bad.any():
        return None
    for key, arr in inputs.items():
        arr = np.asarray(arr)
        if arr.shape == got.shape and arr.dtype.kind == "f" and (arr[bad] == 0).all() and (arr == 0).any():
            return (f"{name} is NaN/inf exactly where {key} == 0: a 0/0 (or x/0) — add epsilon to the denominator "
                    f"(outside the square root)")
        if arr.ndim == 3 and arr.shape[1:] == got.shape:  # update rules get dw as (steps, *w)
            zeros = (arr == 0).all(axis=0)
            if zeros.any() and zeros[bad].all():
                return (f"{name} is NaN/inf exactly where every {key} is 0: a 0/0 — add epsilon to the denominator "
                        f"(outside the square root)")
    scores = inputs.get("x")
    if name == "loss" and np.isinf(got).any():
        return ("the loss is inf: log(0), a probability that underflowed to 0 — compute log-probabilities as "
                "shifted - log(sum(exp(shifted))) instead of log(p)")
    if scores is not None and np.abs(scores).max() > 700:
        return (f"{name} is NaN/inf on scores as large as {np.abs(scores).max():.0f}: exp overflowed (exp(x) is inf "
                f"past 709) — subtract each row's max before exponentiating")
    return None


def transposed(name, expected, got, inputs, item):
    expected, got = np.asarray(expected), np.asarray(got)
    if got.ndim == 2 and got.shape == expected.shape[::-1] and _close(got.T, expected):
        shapes = f": expected shape {expected.shape}, got {got.shape}" if got.shape != expected.shape else ""
        return f"{name} is the right matrix transposed{shapes}"
    return None


def reshaped(name, expected, got, inputs, item):
    expected, got = np.asarray(expected), np.asarray(got)
    if got.shape != expected.shape and got.size == expected.size and _close(got.reshape(expected.shape), expected):
        return (f"{name} has the right values in the wrong shape {got.shape}: it must be {expected.shape} "
                f"(reshape it back, e.g. .reshape(x.shape))")
    return None


def wrong_axis(name, expected, got, inputs, item):
    got = np.asarray(got, np.float64)
    for key, arr in inputs.items():
        arr = np.asarray(arr, np.float64) if np.asarray(arr).dtype.kind in "biuf" else None
        if arr is None or arr.ndim < 2:
            continue
        for how in ("sum", "mean"):
            right = [a for a in range(arr.ndim) if _close(getattr(arr, how)(axis=a), expected)]
            wrong = [a for a in range(arr.ndim) if _close(getattr(arr, how)(axis=a), got)]
            if right and wrong and right[0] != wrong[0]:
                return f"{name} is {key}.{how}(axis={wrong[0]}); the reduction must run over axis {right[0]}"
    return None


def only_at_correct_class(name, expected, got, inputs, item):
    expected, got, y = np.asarray(expected, np.float64), np.asarray(got, np.float64), inputs.get("y")
    if y is None or got.shape != expected.shape or got.ndim != 2 or got.shape[0] != np.size(y):
        return None
    wrong = ~np.isclose(got, expected, rtol=TOL, atol=1e-10)
    at_y = np.zeros_like(wrong)
    at_y[np.arange(len(y)), np.asarray(y)] = True
    if wrong.any() and not (wrong & ~at_y).any():
        return (f"{name} is right everywhere except at the correct-class entries [i, y_i]: check the term that "
                f"applies when j == y_i")
    if wrong.any() and not (wrong & at_y).any():
        return f"{name} is right at the correct-class entries [i, y_i] but wrong at the others"
    return None


def _wrong_and_x(expected, got, inputs):
    """(mask of wrong entries, input x) when x, got and expected share a shape, else (None, None)."""
    expected, got, x = np.asarray(expected, np.float64), np.asarray(got, np.float64), inputs.get("x")
    if x is None or np.shape(x) != got.shape or got.shape != expected.shape:
        return None, None
    return ~np.isclose(got, expected, rtol=TOL, atol=1e-10), np.asarray(x)


def only_at_zero(name, expected, got, inputs, item):
    wrong, x = _wrong_and_x(expected, got, inputs)
    if wrong is None:
        return None
    at_zero = x == 0
    if wrong.any() and at_zero.any() and not (wrong & ~at_zero).any():
        contract = getattr(item, "boundary", None) or "see the docstring for what the function gives there"
        return f"{name} is right everywhere except where x == 0: {contract}"
    return None


def row_offset(name, expected, got, inputs, item):
    expected, got = np.asarray(expected, np.float64), np.asarray(got, np.float64)
    if got.shape != expected.shape or got.ndim != 2 or got.shape[0] < 2:
        return None
    diff = got - expected
    if np.abs(diff).max() > 1e-8 and np.allclose(diff, diff[:1], rtol=1e-6, atol=1e-10):
        b = inputs.get("b")
        which = ""
        if b is not None and np.shape(b) == diff[0].shape:
            for k in (-2.0, -1.0, 1.0):
                if np.allclose(diff[0], k * np.asarray(b), rtol=1e-6, atol=1e-10):
                    which = f": it is {k:g} * b — check the bias term (out = x w + b)"
        return f"{name} is off by the same vector in every row{which or ' (a bias-like term is wrong)'}"
    return None


def by_sign(name, expected, got, inputs, item):
    wrong, x = _wrong_and_x(expected, got, inputs)
    if wrong is None:
        return None
    for where, other in (("x < 0", "x > 0"), ("x > 0", "x < 0")):
        mask = x < 0 if where == "x < 0" else x > 0
        if wrong.any() and mask.any() and not (wrong & ~mask & (x != 0)).any() and (wrong & mask).any():
            return f"{name} is right where {other} but wrong where {where}"
    return None


CHECKS = (non_finite, factor, transposed, reshaped, wrong_axis, only_at_correct_class, only_at_zero, by_sign,
          row_offset)


def forward_at_fault(item, got, aux):
    """For a backward: a line blaming the student's forward when its output on the same inputs is wrong."""
    if item.kind != "backward":
        return None
    forward = item.forward.split(".")[-1]
    for key, shape in got.items():
        if key.startswith("forward.cached_reshaped."):
            name = key.rsplit(".", 1)[1]
            return (f"your {forward} caches {name} reshaped to {tuple(int(n) for n in shape)}, not {name} itself, so "
                    f"the backward cannot give d{name} in {name}'s shape: cache the original {name}")
    if "forward.out" not in aux or "forward.out" not in got or _same(aux["forward.out"], got["forward.out"]):
        return None
    return (f"your {forward} gives a wrong output on these inputs, and this backward works from its cache: "
            f"fix {forward} first (see its check)")


def diagnose(item, inputs, expected, got):
    """One line naming what is wrong with the first wrong output that a check recognizes, or None.

    Args:
        item: the Item (its kind, returns and optional boundary contract).
        inputs: the case's input arrays.
        expected: output name -> the right array.
        got: output name -> the student's array.
    """
    wrong = [n for n, e in expected.items() if n in got and not _same(e, got[n])]
    for name in wrong:
        for check in CHECKS:
            try:
                with np.errstate(all="ignore"):
                    line = check(name, expected[name], got[name], inputs, item)
            except (ValueError, TypeError, IndexError):
                line = None
            if line:
                return line
    if item.kind == "update_rule" and wrong:
        state = [n for n in wrong if n != "next_w"]
        if "next_w" not in wrong:
            return (f"next_w is right but the state {', '.join(state)} is not: store the updated "
                    f"{state[0]} in config")
        if not state and len(expected) > 1:
            return "the state in config is right but next_w is not: the step itself is wrong"
    return None


def _same(expected, got):
    expected, got = np.asarray(expected), np.asarray(got)
    if expected.shape != got.shape or got.dtype.kind not in "biuf":
        return False
    return bool(np.allclose(np.asarray(got, np.float64), np.asarray(expected, np.float64), rtol=TOL, atol=1e-10,
                            equal_nan=True))
