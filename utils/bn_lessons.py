"""The BatchNormalization notebook's experiments: each returns the numbers its text states (tests assert them).

The layers and the network are the student's (nnkit); this module only sets up runs and measures them.
"""
import time

import numpy as np

from .data import subset
from .progress import progress_bar
from .solver import Solver, accuracy

# --- Why normalization helps: a linear classifier on data far from the origin -------------------------------


def offset_blobs(n=200, offset=(8.0, 6.0), seed=0):
    """Two Gaussian classes (n each) in 2-D, centred near `offset`, separated along (1, -1).

    Returns X (2n, 2) and y (2n,) in {0, 1}."""
    rng = np.random.default_rng(seed)
    centres = np.array(offset) + np.array([[0.6, -0.6], [-0.6, 0.6]])
    X = np.concatenate([c + 0.35 * rng.standard_normal((n, 2)) for c in centres])
    return X, np.repeat([0, 1], n)


def standardize(X):
    """X with every feature shifted to mean 0 and scaled to standard deviation 1 (over the examples)."""
    return (X - X.mean(axis=0)) / X.std(axis=0)


def logistic_fit(X, y):
    """Logistic regression weights (w (D,), b) by Newton's method (exact; no learning rate to tune)."""
    A = np.hstack([X, np.ones((len(X), 1))])
    theta = np.zeros(A.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-A @ theta))
        H = A.T @ (A * (p * (1 - p))[:, None]) / len(X) + 1e-3 * np.eye(A.shape[1])
        theta -= np.linalg.solve(H, A.T @ (p - y) / len(X) + 1e-3 * theta)
    return theta[:-1], theta[-1]


def logistic_loss(X, y, w, b):
    """Mean logistic loss of scores X @ w + b for labels y in {0, 1}."""
    s = X @ w + b
    return float(np.mean(np.logaddexp(0, s) - y * s))


def sensitivity(X, y, w, b, step=0.05, directions=64, seed=0):
    """How much the loss and the predictions move when the weights move a little.

    The weights (w, b) are nudged by `step` times their own norm along random unit directions.

    Returns dict: loss_change (mean |dL| per unit relative weight change) and flipped (mean fraction of
    predictions that change sign)."""
    rng = np.random.default_rng(seed)
    theta = np.append(w, b)
    base = logistic_loss(X, y, w, b)
    pred = X @ w + b > 0
    dl, flips = [], []
    for _ in range(directions):
        u = rng.standard_normal(theta.size)
        t = theta + step * np.linalg.norm(theta) * u / np.linalg.norm(u)
        dl.append(abs(logistic_loss(X, y, t[:-1], t[-1]) - base) / step)
        flips.append(np.mean((X @ t[:-1] + t[-1] > 0) != pred))
    return {"loss_change": float(np.mean(dl)), "flipped": float(np.mean(flips))}


def hessian_condition(X):
    """Condition number of the Hessian of a linear model's squared loss, [X 1]^T [X 1] / N: the ratio of the
    steepest to the flattest curvature gradient descent has to live with."""
    A = np.hstack([X, np.ones((len(X), 1))])
    eig = np.linalg.eigvalsh(A.T @ A / len(X))
    return float(eig[-1] / eig[0])


def normalization_effect(X, y):
    """{"raw": {...}, "standardized": {...}} with each one's Hessian condition number, sensitivity and fit."""
    out = {}
    for name, data in (("raw", X), ("standardized", standardize(X))):
        w, b = logistic_fit(data, y)
        out[name] = {"condition": hessian_condition(data), **sensitivity(data, y, w, b), "w": w, "b": b,
                     "accuracy": float(np.mean((data @ w + b > 0) == y))}
    return out


# --- Forward checks -----------------------------------------------------------------------------------------


def feature_stats(x):
    """(mean, std) of every feature of x (N, D) over the batch."""
    return x.mean(axis=0), x.std(axis=0)


def activations(rng, n=200, d_in=50, d=60, scale=3.0):
    """Pre-activations of a random affine-ReLU-affine layer pair: features with assorted means and scales
    (what batch norm sees inside a network). Fixed weights from seed 1; examples from rng."""
    w_rng = np.random.default_rng(1)
    W1, W2 = w_rng.standard_normal((d_in, d)), w_rng.standard_normal((d, d))
    return np.maximum(0, rng.standard_normal((n, d_in)) @ W1) @ W2 * scale / d


def warm_up(batchnorm_forward, gamma, beta, steps=50, seed=0):
    """Train-mode calls of batchnorm_forward on `steps` batches of activations(); returns the bn_param after."""
    rng = np.random.default_rng(seed)
    bn_param = {"mode": "train"}
    for _ in range(steps):
        batchnorm_forward(activations(rng), gamma, beta, bn_param)
    return bn_param


def time_backwards(batchnorm_forward, backwards, N=1000, D=500, repeats=20, seed=0):
    """Best-of-repeats seconds of each backward on one cache ({name: function}); the same inputs for all."""
    rng = np.random.default_rng(seed)
    x, dout = 3 * rng.standard_normal((N, D)) + 1, rng.standard_normal((N, D))
    gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
    _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    best = {}
    for name, fn in backwards.items():
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn(dout, cache)
            times.append(time.perf_counter() - t0)
        best[name] = min(times)
    return best


# --- Deep nets with and without normalization ----------------------------------------------------------------

DEEP = [100] * 5  # six affine layers: deep enough that initialization and rates matter


def train(make_model, data, num_epochs, batch_size=50, update_rule="adam", learning_rate=1e-3, seed=0):
    """A trained Solver (quiet); diverging runs train on without warnings and show as NaN/inf losses."""
    with np.errstate(all="ignore"):
        solver = Solver(make_model(), data, update_rule=update_rule, optim_config={"learning_rate": learning_rate},
                        num_epochs=num_epochs, batch_size=batch_size, progress=False, num_train_samples=1000,
                        seed=seed)
        return solver.train()


def final(solver):
    """(final training accuracy, final validation accuracy, diverged) of a trained Solver."""
    diverged = not np.all(np.isfinite(solver.loss_history))
    return solver.train_acc_history[-1], solver.val_acc_history[-1], diverged


def sweep(make_model, data, values, key, normalizations=(None, "batchnorm"), desc=None, **train_args):
    """Train one model per (normalization, value of `key`).

    make_model: (normalization, **{key: value}) -> model, when key is a model argument; else key is a train()
    argument (learning_rate, batch_size) and make_model is called with the normalization only.

    Returns {normalization label: {"values": array, "train": array, "val": array, "diverged": bool array}}
    (accuracies at the last epoch; NaN where the run diverged)."""
    out = {}
    jobs = [(n, v) for n in normalizations for v in values]
    for norm, v in progress_bar(jobs, desc=desc or key):
        label = norm or "no normalization"
        r = out.setdefault(label, {"values": np.asarray(values, float), "train": [], "val": [], "diverged": []})
        if key in ("learning_rate", "batch_size", "num_epochs"):
            solver = train(lambda: make_model(norm), data, **{**train_args, key: v})
        else:
            solver = train(lambda: make_model(norm, **{key: v}), data, **train_args)
        tr, va, div = final(solver)
        r["train"].append(np.nan if div else tr)
        r["val"].append(np.nan if div else va)
        r["diverged"].append(div)
    for r in out.values():
        for k in ("train", "val", "diverged"):
            r[k] = np.array(r[k])
    return out


def best_value(result):
    """The value of the sweep's best validation accuracy, and that accuracy."""
    k = int(np.nanargmax(result["val"]))
    return result["values"][k], float(result["val"][k])


def tolerated(result, within=0.05):
    """Sweep values whose validation accuracy is within `within` of the sweep's best (NaN: never)."""
    best = np.nanmax(result["val"])
    return result["values"][np.nan_to_num(result["val"], nan=-1) >= best - within]


def test_time_statistics(model, X, y, batch_sizes=(500, 10, 1)):
    """Validation accuracy of a trained batch-norm net when test mode gets the statistics right or wrong.

    Returns {label: accuracy}: the running statistics it learned; the initial ones (mean 0, variance 0:
    as if never updated); and the batch's own statistics (train-mode forward) on batches of each size."""
    import copy
    saved = copy.deepcopy(model.norm_params)
    out = {"running statistics": accuracy(model, X, y)}
    for p in model.norm_params:
        p["running_mean"] = np.zeros_like(p["running_mean"])
        p["running_var"] = np.zeros_like(p["running_var"])
    out["initial statistics (never updated)"] = accuracy(model, X, y)
    model.norm_params = copy.deepcopy(saved)
    for bs in batch_sizes:
        preds = []
        for i in range(0, len(X), bs):
            preds.append(np.argmax(_train_mode_scores(model, X[i:i + bs]), axis=1))
        out[f"batch statistics, batches of {bs}"] = float(np.mean(np.concatenate(preds) == y))
    model.norm_params = saved
    return out


def _train_mode_scores(model, X):
    """Scores with every norm layer in train mode (the batch's own statistics); the model is left unchanged.

    loss(X) switches its layers to test mode through model._set_mode; for this call it switches them to train."""
    import copy
    saved = copy.deepcopy(model.norm_params)
    set_mode = model._set_mode
    model._set_mode = lambda mode: set_mode("train")
    try:
        return model.loss(X)
    finally:
        del model._set_mode
        model.norm_params = saved


def epoch_losses(solver, epochs):
    """Mean training loss of each epoch of a Solver run of `epochs` epochs."""
    losses = np.asarray(solver.loss_history, dtype=float)
    return losses[: len(losses) // epochs * epochs].reshape(epochs, -1).mean(axis=1)


def regularization_gap(make_model, data, batch_sizes, seeds=(0, 1), num_epochs=20, learning_rate=1e-3,
                       normalizations=(None, "batchnorm")):
    """Overfitting a small training set with and without batch norm, at several batch sizes (Adam).

    make_model: (normalization, seed) -> model.

    Returns {batch size: {normalization label: {"train", "val", "gap", "final_loss"}}}, each the mean over
    seeds: final training and validation accuracy, their difference, and the mean training loss of the
    last 50 steps."""
    out = {}
    jobs = [(bs, n, s) for bs in batch_sizes for n in normalizations for s in seeds]
    runs = {}
    for bs, norm, seed in progress_bar(jobs, desc="gap"):
        solver = train(lambda: make_model(norm, seed), data, num_epochs, batch_size=bs,
                       learning_rate=learning_rate, seed=seed)
        tr, va, _ = final(solver)
        runs.setdefault((bs, norm), []).append((tr, va, tr - va, float(np.mean(solver.loss_history[-50:]))))
    for (bs, norm), values in runs.items():
        mean = np.mean(values, axis=0)
        out.setdefault(bs, {})[norm or "no normalization"] = dict(zip(("train", "val", "gap", "final_loss"),
                                                                      map(float, mean)))
    return out


# Batch norm's forward pass as a graph (for vis.plot_graph): nodes {name: (x, y, label)} and edges.
BN_GRAPH = (
    {"x": (0, 0, "$x$"), "mean": (1.2, 1, r"$\mu = \frac{1}{N}\sum_i x_i$"), "xc": (2.4, 0, r"$x_c = x - \mu$"),
     "var": (3.6, 1, r"$\sigma^2 = \frac{1}{N}\sum_i x_{c,i}^2$"), "std": (4.9, 1, r"$s = \sqrt{\sigma^2 + \epsilon}$"),
     "xhat": (5.6, 0, r"$\hat x = x_c / s$"), "gamma": (6.6, 1, r"$\gamma$"), "beta": (7.6, 1, r"$\beta$"),
     "out": (7.6, 0, r"$\gamma \hat x + \beta$")},
    [("x", "mean"), ("x", "xc"), ("mean", "xc"), ("xc", "var"), ("var", "std"), ("xc", "xhat"), ("std", "xhat"),
     ("xhat", "out"), ("gamma", "out"), ("beta", "out")],
)


def norm_gradient_errors(forward, backward, x, gamma, beta, dout, param):
    """Relative errors between backward's (dx, dgamma, dbeta) and numeric gradients of forward (train mode).

    forward(x, gamma, beta, param) -> (out, cache); each evaluation gets a fresh copy of the param dict.
    Returns {"dx": error, "dgamma": error, "dbeta": error}."""
    from .gradcheck import eval_numerical_gradient_array, rel_error
    args = {"x": x, "gamma": gamma, "beta": beta}
    analytic = dict(zip(("dx", "dgamma", "dbeta"), backward(dout, forward(x, gamma, beta, dict(param))[1])))
    errors = {}
    for name, value in args.items():
        def f(v, name=name):
            return forward(**{**args, name: v}, **{_param_name(forward): dict(param)})[0]
        errors[f"d{name}"] = rel_error(analytic[f"d{name}"], eval_numerical_gradient_array(f, value.copy(), dout))
    return errors


def _param_name(forward):
    """The name of a norm forward's dict argument (bn_param, ln_param)."""
    import inspect
    return list(inspect.signature(forward).parameters)[3]


# --- The notebook's experiments, with its settings (the notebook and the tests call these) --------------------

SCALES = np.logspace(-4, 0, 9)
RATES = np.logspace(-3, 0, 7)
BATCH_SIZES = (1, 2, 4, 8, 16, 64)
RUN_SETTINGS = {"num_epochs": 5, "update_rule": "sgd_momentum", "learning_rate": 1e-2}


def deep_net_factory(net_class):
    """make(normalization, weight_scale=0.05, seed=0) -> a DEEP net_class (the student's FullyConnectedNet)."""
    def make(normalization, weight_scale=5e-2, seed=0):
        return net_class(DEEP, normalization=normalization, weight_scale=weight_scale, seed=seed)
    return make


def training_runs(make, data, progress=lambda x, desc=None: x):
    """{label: trained Solver} without normalization, with batch norm and with layer norm (4 000 images,
    RUN_SETTINGS)."""
    sub = subset(data, 4000)
    return {norm or "no normalization": train(lambda: make(norm), sub, **RUN_SETTINGS)
            for norm in progress([None, "batchnorm", "layernorm"], desc="runs")}


def init_sweep(make, data):
    """Final validation accuracy vs weight scale (SCALES), with and without batch norm (Adam, 3 epochs)."""
    return sweep(make, subset(data, 4000), SCALES, "weight_scale", num_epochs=3, desc="weight scales")


def rate_sweep(make, data):
    """Final validation accuracy vs learning rate (RATES) of SGD + momentum, with and without batch norm."""
    return sweep(make, subset(data, 4000), RATES, "learning_rate", num_epochs=3, update_rule="sgd_momentum",
                 desc="learning rates")


def batch_sweep(make, data):
    """Final validation accuracy vs batch size (BATCH_SIZES), batch norm vs layer norm (Adam, 2 epochs)."""
    return sweep(make, subset(data, 2000), BATCH_SIZES, "batch_size", normalizations=("batchnorm", "layernorm"),
                 num_epochs=2, desc="batch sizes")


def gap_experiment(make, data):
    """regularization_gap on 1 000 images, batches of 10 and 50, two seeds."""
    return regularization_gap(lambda norm, seed: make(norm, seed=seed), subset(data, 1000), batch_sizes=(10, 50))
