"""How fast nnkit.fast_layers is: forward + backward times against the matrix products they contain, and the naive
layers (nnkit.conv_layers) against the fast ones on a notebook-size batch.

Run `python -m utils.conv_benchmark` (from the kit's root or the assignment folder) for the tables, or call the
functions from a notebook: they return numbers (milliseconds), main() only formats them. Times are the best of
several rounds: a CPU shared with another busy process makes every round slow, so take the numbers of an idle
machine.
"""
import importlib
import sys
import time
from pathlib import Path

import numpy as np

from .conv_models import POOL_2X2
from .progress import progress_bar
from .reg_models import _nnkit

# (name, x shape, w shape (None: pooling), conv_param or pool_param, dtype, target fwd+bwd ms)
CASES = [
    ("conv 3x3, stride 1, pad 1", (64, 32, 32, 32), (64, 32, 3, 3), {"stride": 1, "pad": 1}, "float32", 28.0),
    ("conv 3x3, stride 1, pad 1", (64, 32, 32, 32), (64, 32, 3, 3), {"stride": 1, "pad": 1}, "float64", 80.0),
    ("max pool 2x2, stride 2", (64, 64, 32, 32), None, POOL_2X2, "float32", 9.0),
]
GEMM_RATIO_TARGET = 1.3      # a fast convolution should cost at most this many times its bare matrix products


def best_time(fn, rounds=5, warmup=1):
    """Best wall time of fn() over `rounds` calls, after `warmup` untimed calls.

    Args:
        fn: a function of no arguments.
        rounds: timed calls (>= 1).
        warmup: untimed calls first (scratch buffers allocated, caches warm).

    Returns:
        milliseconds (float > 0).
    """
    return best_times([fn], rounds, warmup)[0]


def best_times(fns, rounds=5, warmup=1):
    """Best wall time of each function, timed in turns (one call of each per round), so that a machine that is
    slower for a while slows them all alike: their ratios stay fair.

    Args:
        fns: functions of no arguments.
        rounds, warmup: as for best_time.

    Returns:
        list of milliseconds, one per function.
    """
    for fn in fns:
        for _ in range(warmup):
            fn()
    best = [float("inf")] * len(fns)
    for _ in range(max(1, rounds)):
        for k, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t)
    return [t * 1e3 for t in best]


def _conv_out(x_shape, w_shape, conv_param):
    N, C, H, W = x_shape
    F, _, HH, WW = w_shape
    s, p = conv_param.get("stride", 1), conv_param.get("pad", 0)
    return N, F, 1 + (H + 2 * p - HH) // s, 1 + (W + 2 * p - WW) // s


def _gemm_step(x_shape, w_shape, conv_param, dtype):
    """The three products of gemm_time, as a function of no arguments."""
    N, F, Ho, Wo = _conv_out(x_shape, w_shape, conv_param)
    M, K = N * Ho * Wo, int(np.prod(w_shape[1:]))
    rng = np.random.default_rng(0)
    cols = rng.standard_normal((M, K)).astype(dtype)
    colsT = np.ascontiguousarray(cols.T)
    w2 = rng.standard_normal((K, F)).astype(dtype)
    w2T = np.ascontiguousarray(w2.T)
    d = rng.standard_normal((M, F)).astype(dtype)
    out, dcols, dw = np.empty((M, F), dtype), np.empty((M, K), dtype), np.empty((K, F), dtype)

    def products():
        np.matmul(cols, w2, out=out)
        np.matmul(d, w2T, out=dcols)
        np.matmul(colsT, d, out=dw)
    return products


def _conv_step(x_shape, w_shape, conv_param, dtype, module):
    """One forward and one backward of nnkit.<module>'s convolution, as a function of no arguments."""
    mod = _nnkit(module)
    kind = "naive" if module == "conv_layers" else "fast"
    forward, backward = getattr(mod, f"conv_forward_{kind}"), getattr(mod, f"conv_backward_{kind}")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = (rng.standard_normal(w_shape) * 0.1).astype(dtype)
    b = np.zeros(w_shape[0], dtype)
    dout = rng.standard_normal(_conv_out(x_shape, w_shape, conv_param)).astype(dtype)

    def step():
        _, cache = forward(x, w, b, conv_param)
        backward(dout, cache)
    return step


def _pool_step(x_shape, pool_param, dtype, module):
    """One forward and one backward of nnkit.<module>'s max pooling, as a function of no arguments."""
    mod = _nnkit(module)
    kind = "naive" if module == "conv_layers" else "fast"
    forward, backward = getattr(mod, f"max_pool_forward_{kind}"), getattr(mod, f"max_pool_backward_{kind}")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    N, C, H, W = x_shape
    s = pool_param.get("stride", 2)
    Ho = 1 + (H - pool_param.get("pool_height", 2)) // s
    Wo = 1 + (W - pool_param.get("pool_width", 2)) // s
    dout = rng.standard_normal((N, C, Ho, Wo)).astype(dtype)

    def step():
        _, cache = forward(x, pool_param)
        backward(dout, cache)
    return step


def gemm_time(x_shape, w_shape, conv_param, dtype="float32", rounds=5):
    """Bare time of the three matrix products of an im2col convolution, at NumPy's BLAS speed.

    With M = N H' W' output positions and K = C HH WW: forward (M, K) @ (K, F), and the backward's
    (M, F) @ (F, K) (the columns of dx) and (K, M) @ (M, F) (dw), on preallocated contiguous operands.

    Args:
        x_shape: (N, C, H, W); w_shape: (F, C, HH, WW); conv_param: {"stride", "pad"}.
        dtype: "float32" or "float64".
        rounds: timed rounds (best of).

    Returns:
        milliseconds for the three products together.
    """
    return best_time(_gemm_step(x_shape, w_shape, conv_param, dtype), rounds)


def conv_time(x_shape, w_shape, conv_param, dtype="float32", rounds=5, module="fast_layers"):
    """Forward + backward time of nnkit.<module>'s convolution (conv_forward_fast/conv_backward_fast, or the
    *_naive ones for module="conv_layers").

    Args:
        x_shape, w_shape, conv_param: the layer; dtype: "float32" or "float64"; rounds: best of.

    Returns:
        milliseconds for one forward and one backward.
    """
    return best_time(_conv_step(x_shape, w_shape, conv_param, dtype, module), rounds)


def pool_time(x_shape, pool_param, dtype="float32", rounds=5, module="fast_layers"):
    """Forward + backward time of nnkit.<module>'s max pooling (max_pool_*_fast, or *_naive for
    module="conv_layers").

    Args:
        x_shape: (N, C, H, W); pool_param: {"pool_height", "pool_width", "stride"}; dtype; rounds: best of.

    Returns:
        milliseconds for one forward and one backward.
    """
    return best_time(_pool_step(x_shape, pool_param, dtype, module), rounds)


def conv_table(rounds=5, cases=CASES, progress=True):
    """The fast layers on the benchmark shapes (a convolution and its bare products timed in turns).

    Args:
        rounds: best of this many rounds per measurement.
        cases: list of (name, x shape, w shape or None for pooling, param dict, dtype, target ms).
        progress: show a progress bar.

    Returns:
        list of dicts {"name", "x_shape", "w_shape", "dtype", "fast_ms", "gemm_ms" (None for pooling),
        "ratio" (fast_ms / gemm_ms, or None), "target_ms", "meets_time" (fast_ms <= target_ms), "meets_ratio"
        (ratio <= GEMM_RATIO_TARGET, or None for pooling)}.
    """
    rows = []
    for name, x_shape, w_shape, param, dtype, target in progress_bar(cases, desc="benchmark", disable=not progress,
                                                                     leave=False):
        if w_shape is None:
            fast, gemm = pool_time(x_shape, param, dtype, rounds), None
        else:                   # in turns: a slow spell of the machine hits both
            fast, gemm = best_times([_conv_step(x_shape, w_shape, param, dtype, "fast_layers"),
                                     _gemm_step(x_shape, w_shape, param, dtype)], rounds)
        ratio = None if gemm is None else fast / gemm
        rows.append({"name": name, "x_shape": x_shape, "w_shape": w_shape, "dtype": dtype, "fast_ms": fast,
                     "gemm_ms": gemm, "ratio": ratio, "target_ms": target, "meets_time": fast <= target,
                     "meets_ratio": None if ratio is None else ratio <= GEMM_RATIO_TARGET})
    return rows


def naive_vs_fast(x_shape=(20, 1, 28, 28), w_shape=(8, 1, 3, 3), pool_shape=(20, 8, 28, 28), dtype="float64",
                  rounds=3, progress=True):
    """The naive layers (nnkit.conv_layers) against the fast ones on a notebook-size batch.

    Args:
        x_shape, w_shape: the convolution (stride 1, pad 1).
        pool_shape: the input of a 2x2, stride-2 max pool.
        dtype: "float32" or "float64".
        rounds: best of.
        progress: show a progress bar.

    Returns:
        {"conv": {...}, "pool": {...}}, each {"naive_ms" (None when the naive layer is missing, raises
        NotImplementedError or fails otherwise), "fast_ms", "speedup" (naive_ms / fast_ms, or None),
        "error" (why the naive one is unavailable, or None)}.
    """
    conv_param = {"stride": 1, "pad": 1}
    jobs = {"conv": lambda m: conv_time(x_shape, w_shape, conv_param, dtype, rounds, module=m),
            "pool": lambda m: pool_time(pool_shape, POOL_2X2, dtype, rounds, module=m)}
    result = {}
    for name in progress_bar(list(jobs), desc="naive vs fast", disable=not progress, leave=False):
        fast = jobs[name]("fast_layers")
        naive, error = None, None
        try:
            naive = jobs[name]("conv_layers")
        except Exception as e:  # missing module or function, NotImplementedError, or a failing naive layer
            error = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        result[name] = {"naive_ms": naive, "fast_ms": fast, "speedup": None if naive is None else naive / fast,
                        "error": error}
    return result


def _shape(s):
    return "x".join(map(str, s))


def main(rounds=10):
    """Print the benchmark tables (the numbers come from conv_table and naive_vs_fast)."""
    try:
        importlib.import_module("nnkit")
    except ImportError:          # run from the kit's root: the package lives in the assignment folder
        here = Path(__file__).resolve().parent.parent
        for folder in (here, here / "assignments" / "nntrain"):
            if (folder / "nnkit").is_dir():
                sys.path.insert(0, str(folder))
                break
    print(f"numpy {np.__version__}; times in ms for one forward + one backward, best of {rounds} rounds")
    rows = conv_table(rounds)
    yes_no = {True: "yes", False: "NO", None: "-"}
    head = (f"{'layer':26} {'x':>11} {'w':>9} {'dtype':>7} {'fast':>6} {'GEMMs':>6} {'ratio':>5} "
            f"{'target':>6}  {'<=target':>8} {'<=' + str(GEMM_RATIO_TARGET) + 'x GEMMs':>12}")
    print(head)
    print("-" * len(head))
    for r in rows:
        gemm = "-" if r["gemm_ms"] is None else f"{r['gemm_ms']:.1f}"
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        w = "-" if r["w_shape"] is None else _shape(r["w_shape"])
        print(f"{r['name']:26} {_shape(r['x_shape']):>11} {w:>9} {r['dtype']:>7} {r['fast_ms']:6.1f} {gemm:>6} "
              f"{ratio:>5} {r['target_ms']:6.1f}  {yes_no[r['meets_time']]:>8} {yes_no[r['meets_ratio']]:>12}")
    print("GEMMs: the bare matrix products of an im2col convolution of that shape, (N H' W', C HH WW) @ (C HH WW, F)\n"
          "and the backward's two of the same sizes, at NumPy's BLAS speed; ratio = fast / GEMMs.")
    print()
    print("naive vs fast, float64: conv x 20x1x28x28, w 8x1x3x3, pad 1; max pool 2x2 on 20x8x28x28")
    for name, r in naive_vs_fast(rounds=3).items():
        if r["naive_ms"] is None:
            print(f"  {name}: fast {r['fast_ms']:.2f} ms; naive: not available ({r['error']})")
        else:
            print(f"  {name}: naive {r['naive_ms']:.1f} ms, fast {r['fast_ms']:.2f} ms: {r['speedup']:.0f}x faster")


if __name__ == "__main__":
    main()
