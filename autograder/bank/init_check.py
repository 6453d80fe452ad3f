"""Random initialization judged against its nominal distribution, not against one particular draw.

A correct init draws W_i from weight_scale * N(0, 1) and sets b_i to zero; any generator may be used, so
the values differ between correct implementations. Each weight matrix's sample standard deviation and mean
are tested against the nominal distribution with bounds at Z standard errors (a chi-square quantile for the
spread), so a correct init fails one test with probability about 2e-9 and a whole item (at most a few dozen
tests) with probability below 1e-7. A model built twice with the same seed must be identical; another seed
must give other weights.
"""
import math

import numpy as np

Z = 6.0  # two-sided normal tail: 2.0e-9 per test


def spread_bounds(n, z=Z):
    """(low, high) bounds on sample std / sigma for n iid normal values (Wilson-Hilferty chi-square quantiles)."""
    k = max(n - 1, 1)
    c = 2 / (9 * k)
    lo, hi = (k * (1 - c + s * z * math.sqrt(c)) ** 3 for s in (-1, 1))
    return math.sqrt(max(lo, 0.0) / k), math.sqrt(hi / k)


def judge_init(params, got):
    """Problems (one line each) with a model's initial parameters.

    Args:
        params: the case's params (weight_scale, model_seed).
        got: outputs of calls._model_init: "<name>.draw", "<name>.again" (same seed) and "<name>.other"
            (seed + 1) arrays for every parameter.
    """
    scale, seed = float(params.get("weight_scale", 1e-3)), params.get("model_seed", 0)
    problems, reproducible, seeded = [], True, False
    for key in sorted(k[:-5] for k in got if k.endswith(".draw")):
        a = np.asarray(got[f"{key}.draw"], np.float64)
        again, other = got.get(f"{key}.again"), got.get(f"{key}.other")
        if again is None or np.shape(again) != a.shape or not np.array_equal(np.asarray(again, np.float64), a):
            reproducible = False
        if other is not None and np.shape(other) == a.shape and not np.array_equal(np.asarray(other, np.float64), a):
            seeded = True
        if key.startswith("b"):
            if a.size and np.any(a != 0):
                problems.append(f"{key} is not all zeros: biases start at zero")
        elif key.startswith("W") and a.size > 1:
            lo, hi = spread_bounds(a.size)
            std, mean = float(a.std(ddof=1)), float(a.mean())
            if not lo * scale <= std <= hi * scale:
                problems.append(f"{key} has standard deviation {std:.3g}, expected {scale:g} (between "
                                f"{lo * scale:.3g} and {hi * scale:.3g} for {a.size} draws): weights are weight_scale "
                                f"times standard normal samples")
            elif abs(mean) > Z * scale / math.sqrt(a.size):
                problems.append(f"{key} has mean {mean:.3g}; draws centred on 0 are expected (at most "
                                f"{Z * scale / math.sqrt(a.size):.3g} from 0 for {a.size} draws)")
    if not reproducible:
        problems.append(f"not reproducible: two models built with seed={seed} got different parameters — draw from "
                        f"np.random.default_rng(seed) (self.rng), not from the global generator")
    elif not seeded:
        problems.append(f"the seed is ignored: seed={seed} and seed={seed + 1} give the same weights")
    return problems
