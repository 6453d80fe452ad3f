"""The Dropout notebook's experiments: each returns the numbers its text states (tests/test_dropout_lessons.py
asserts them with these settings).

The layers, update rules, augmentations and the net are the student's (nnkit, imported when an experiment runs);
the two lesson models are in reg_models.py. Every run is seeded, so the numbers are the same at every run.
"""
import numpy as np

from .data import subset as data_subset
from .progress import progress_bar
from .reg_models import DropConnectNet, ResidualMLP, to_fc_net
from .schedules import cosine_restarts
from .solver import Solver, accuracy

# --- Settings (the notebook shows these) ------------------------------------------------------------------

NUM_TRAIN = 500          # a small training set: the net fits it perfectly, validation lags far behind
HIDDEN = [256, 256]
WEIGHT_SCALE = 5e-2      # about sqrt(2 / 784): the inputs have unit variance
TRAIN = {"update_rule": "sgd_momentum", "optim_config": {"learning_rate": 3e-2}, "lr_schedule": "cosine",
         "batch_size": 50, "num_epochs": 60}  # the rate decays to 0, so the last epoch's numbers are settled
SHIFT = 1                # pixels of random translation (random_crop's pad); 1 beat 2, see METHODS

# Each method: the model's arguments, the net ("dropconnect": DropConnectNet; by default the student's
# FullyConnectedNet) and the augmentation (a name in AUGMENTATIONS; by default none). Each strength is the best
# mean final validation accuracy of a few tried on seeds 0-2 (L2 3e-3/1e-2/3e-2: 0.801/0.802/0.799;
# L1 1e-4/3e-4/1e-3: 0.806/0.801/0.799; elastic net 5e-3 + 1.5e-4 / 1e-2 + 3e-4: 0.799/0.802; DropConnect
# 0.7/0.5: 0.797/0.803; shifts of 1/2 pixels: 0.810/0.800; no regularization: 0.801): mostly within noise.
METHODS = {
    "none": {},
    "L2": {"model": {"reg": 1e-2}},
    "L1": {"model": {"l1_reg": 1e-4}},
    "elastic net": {"model": {"reg": 1e-2, "l1_reg": 3e-4}},
    "dropout 0.9": {"model": {"dropout_keep_ratio": 0.9}},
    "dropout 0.7": {"model": {"dropout_keep_ratio": 0.7}},
    "dropout 0.5": {"model": {"dropout_keep_ratio": 0.5}},
    "DropConnect 0.5": {"net": "dropconnect", "model": {"keep_ratio": 0.5}},
    "flips + shifts": {"augment": "flips + shifts"},
    "shifts": {"augment": "shifts"},
    "shifts + dropout 0.7": {"augment": "shifts", "model": {"dropout_keep_ratio": 0.7}},
}


def shifts(X, rng):
    """Random translations by up to SHIFT pixels (the student's random_crop), for Solver(augment=...)."""
    from nnkit.augment import random_crop
    return random_crop(X, rng, pad=SHIFT)


def flips_and_shifts(X, rng):
    """Left-right mirroring of half the images, then shifts (the student's random_flip and random_crop)."""
    from nnkit.augment import random_flip
    return shifts(random_flip(X, rng), rng)


AUGMENTATIONS = {"shifts": shifts, "flips + shifts": flips_and_shifts}


def subset(data, n=None):
    """The first n (default NUM_TRAIN) training examples of data, with its whole validation split (a dict for
    the Solver)."""
    return data_subset(data, NUM_TRAIN if n is None else n)


def make_model(method, seed=0, **overrides):
    """A fresh model for METHODS[method] (HIDDEN, WEIGHT_SCALE), with model arguments overridden if given."""
    spec = METHODS[method]
    kwargs = {"weight_scale": WEIGHT_SCALE, "seed": seed, **spec.get("model", {}), **overrides}
    if spec.get("net") == "dropconnect":
        return DropConnectNet(HIDDEN, **kwargs)
    from nnkit.fc_net import FullyConnectedNet
    return FullyConnectedNet(HIDDEN, **kwargs)


def train(model, data, seed=0, augment=None, **settings):
    """A trained Solver (quiet) of model on data with TRAIN's settings, overridden by `settings`.

    The final epoch's parameters are kept as solver.final_params (model.params holds the best epoch's)."""
    settings = {**TRAIN, **settings}
    epochs = settings["num_epochs"]
    snapshot_epochs = set(settings.pop("snapshot_epochs", ())) | {epochs}
    solver = Solver(model, data, progress=False, seed=seed, augment=augment, num_train_samples=None,
                    snapshot_epochs=snapshot_epochs, **settings)
    solver.train()
    solver.final_params = solver.snapshots[-1][0]
    return solver


def train_method(method, data, seed=0):
    """train() of make_model(method, seed) on the first NUM_TRAIN images, with the method's augmentation."""
    name = METHODS[method].get("augment")
    return train(make_model(method, seed), subset(data), seed=seed,
                 augment=AUGMENTATIONS[name] if name else None)


def softmax(scores):
    """Row-wise softmax probabilities of scores (N, C), computed in float64."""
    s = np.asarray(scores, dtype=np.float64)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def probabilities(model, X, params=None, batch_size=500):
    """(N, C) test-mode class probabilities of model on X, with `params` in place of model.params if given."""
    saved = model.params
    if params is not None:
        model.params = params
    try:
        return np.concatenate([softmax(model.loss(X[i:i + batch_size])) for i in range(0, len(X), batch_size)])
    finally:
        model.params = saved


def prob_accuracy(probs, y):
    """Accuracy of the most probable class of probs (N, C) against labels y (N,)."""
    return float(np.mean(np.argmax(probs, axis=1) == y))


def nll(probs, y):
    """Mean negative log-probability of the true class (the softmax loss of the probabilities)."""
    return float(-np.mean(np.log(np.maximum(probs[np.arange(len(y)), y], 1e-12))))


# --- 1. What dropout does to activations --------------------------------------------------------------------


def dropout_statistics(keep_ratios=(0.25, 0.5, 0.75, 0.9), shape=(1000, 500), seed=0):
    """The student's dropout_forward on a large positive random x (uniform in [1, 2)), per keep ratio p.

    Returns {p: {"mean_in": mean of x, "mean_train": mean of the train-mode output (close to mean_in: kept
    entries are divided by p), "kept": fraction of nonzero outputs (close to p), "test_max_diff": max |out - x|
    in test mode (exactly 0)}}."""
    from nnkit.regularization import dropout_forward
    rng = np.random.default_rng(seed)
    x = 1 + rng.random(shape)
    out = {}
    for p in keep_ratios:
        train_out, _ = dropout_forward(x, {"mode": "train", "p": p, "rng": rng})
        test_out, _ = dropout_forward(x, {"mode": "test", "p": p, "rng": rng})
        out[p] = {"mean_in": float(x.mean()), "mean_train": float(train_out.mean()),
                  "kept": float(np.mean(train_out != 0)), "test_max_diff": float(np.abs(test_out - x).max())}
    return out


def scaling_schemes(p=0.5, n_masks=(10, 100, 1000, 10000), D=200, H=50, C=10, seed=0):
    """Vanilla dropout (train: x * keep; test: p * x) vs inverted dropout (train: x * keep / p; test: x).

    For x (D,) positive random: the average of each scheme's train-mode output over the first n masks
    (n in n_masks) against that scheme's test-mode output. The inverted train outputs come from the student's
    dropout_forward (one call on n copies of x); the vanilla ones from the same masks without the 1/p.
    Then a 2-layer net scores = relu(x W1) W2 with dropout on the hidden layer: vanilla with W2, inverted with
    p * W2 give the same scores in train mode (same mask) and in test mode: the schemes differ only by a
    constant the next layer's weights absorb.

    Returns dict:
        n_masks: array; vanilla_gap, inverted_gap: arrays, |mean train output - test output| / |test output|
            (norms over the D features), shrinking roughly like 1 / sqrt(n);
        test_ratio: vanilla test output / inverted test output (p for every feature; its min and max);
        net_train_diff, net_test_diff: max |vanilla scores - inverted scores| of the 2-layer nets (rounding).
    """
    from nnkit.regularization import dropout_forward
    rng = np.random.default_rng(seed)
    x = 1 + rng.random(D)
    X = np.broadcast_to(x, (max(n_masks), D)).copy()
    inverted_train, (_, mask) = dropout_forward(X, {"mode": "train", "p": p, "rng": rng})
    keep = mask != 0                                   # (n, D): the masks the student's function drew
    vanilla_train = X * keep
    vanilla_test, inverted_test = p * x, dropout_forward(x, {"mode": "test", "p": p})[0]
    gaps = {"vanilla": [], "inverted": []}
    for n in n_masks:
        for name, train_out, test_out in (("vanilla", vanilla_train, vanilla_test),
                                          ("inverted", inverted_train, inverted_test)):
            gap = np.linalg.norm(train_out[:n].mean(axis=0) - test_out) / np.linalg.norm(test_out)
            gaps[name].append(float(gap))
    ratio = vanilla_test / inverted_test
    W1, W2 = rng.standard_normal((D, H)) / np.sqrt(D), rng.standard_normal((H, C)) / np.sqrt(H)
    h = np.maximum(0, x @ W1)
    m = rng.random(H) < p
    train_diff = np.abs((h * m) @ W2 - (h * m / p) @ (p * W2)).max()
    test_diff = np.abs((p * h) @ W2 - h @ (p * W2)).max()
    return {"n_masks": np.array(n_masks), "vanilla_gap": np.array(gaps["vanilla"]),
            "inverted_gap": np.array(gaps["inverted"]), "test_ratio": (float(ratio.min()), float(ratio.max())),
            "net_train_diff": float(train_diff), "net_test_diff": float(test_diff)}


# --- 2. Overfitting a small training set, and what each regularizer does about it ---------------------------


def overfitting_study(data, methods=None, seed=0):
    """Train one net per method (METHODS) on the first NUM_TRAIN images with TRAIN's settings.

    Returns {method: dict} with train, val (accuracies at the last epoch), gap (train - val), best_val (the
    best epoch's, what the Solver keeps), val_loss (mean -log p(true class) on the validation set at the last
    epoch), train_history and val_history (arrays, one value per epoch)."""
    results = {}
    for method in progress_bar(list(methods or METHODS), desc="methods"):
        solver = train_method(method, data, seed)
        train_acc, val_acc = solver.train_acc_history[-1], solver.val_acc_history[-1]
        probs = probabilities(solver.model, data["X_val"], solver.final_params)
        results[method] = {"train": train_acc, "val": val_acc, "gap": train_acc - val_acc,
                           "best_val": solver.best_val_acc, "val_loss": nll(probs, data["y_val"]),
                           "train_history": np.array(solver.train_acc_history),
                           "val_history": np.array(solver.val_acc_history)}
    return results


def best_method(results):
    """The method with the highest final validation accuracy in overfitting_study's results."""
    return max(results, key=lambda m: results[m]["val"])


# --- 3. Monte-Carlo dropout: averaging over masks at test time ----------------------------------------------

MC_METHOD = "dropout 0.5"
MC_SAMPLES = (1, 2, 5, 10, 20, 50, 100)


def mc_probabilities(model, X, num_samples, seed=0):
    """(num_samples, N, C) class probabilities of a dropout net (FullyConnectedNet) with its dropout in train
    mode: one fresh set of masks (from np.random.default_rng(seed)) per sample, everything else as at test
    time. The model is left unchanged (its mode, generator and parameters)."""
    saved_rng, set_mode = model.dropout_param["rng"], model._set_mode
    model.dropout_param["rng"] = np.random.default_rng(seed)
    # loss(X) switches the layers to test mode through _set_mode; for these calls dropout stays in train mode
    def dropout_stays_on(mode):
        set_mode(mode)
        model.dropout_param["mode"] = "train"

    model._set_mode = dropout_stays_on
    try:
        return np.stack([probabilities(model, X) for _ in range(num_samples)])
    finally:
        del model._set_mode
        model.dropout_param["rng"] = saved_rng
        set_mode("test")


def mc_accuracy(model, X, y, samples=MC_SAMPLES, seed=0):
    """Accuracy and mean -log p(true class) of the deterministic test-mode pass and of Monte-Carlo dropout,
    the average of the class probabilities over k sampled masks, for each k in samples (the first k of one
    sequence of max(samples) masks).

    Returns {"deterministic": acc, "deterministic_nll": loss, "samples": array, "mc": array of accuracies,
    "mc_nll": array of losses}."""
    det = probabilities(model, X)
    draws = mc_probabilities(model, X, max(samples), seed)
    running = np.cumsum(draws, axis=0)                 # running[k - 1] / k: the mean of the first k
    mean = [running[k - 1] / k for k in samples]
    return {"deterministic": prob_accuracy(det, y), "deterministic_nll": nll(det, y), "samples": np.array(samples),
            "mc": np.array([prob_accuracy(p, y) for p in mean]), "mc_nll": np.array([nll(p, y) for p in mean])}


def mc_dropout(data, method=MC_METHOD, samples=MC_SAMPLES, seed=0):
    """mc_accuracy on the test split of a net trained with `method` (a dropout method of METHODS) and TRAIN's
    settings, with its last epoch's parameters."""
    solver = train_method(method, data, seed)
    solver.model.params = solver.final_params
    return mc_accuracy(solver.model, data["X_test"], data["y_test"], samples, seed)


# --- 4. Ensembles: of independent nets, of one run's snapshots, of its weights over time --------------------

ENSEMBLE_METHOD = "none"
ENSEMBLE_SIZE = 5
SNAPSHOT_CYCLES = 4
# Polyak averaging smooths the noise of the steps, so it needs noisy steps: a constant, fairly high rate, and more
# images than the net memorizes (on NUM_TRAIN images at rate 0.05 the loss reaches ~0, the weights stop moving
# and the average ends within 0.3 points of them, seeds 0-2; at 0.1 the net diverges there).
POLYAK_TRAIN = 2000
POLYAK = {"update_rule": "sgd_momentum", "optim_config": {"learning_rate": 5e-2}, "lr_schedule": None,
          "num_epochs": 15}
POLYAK_DECAY = 0.99      # an average over about the last 1 / (1 - 0.99) = 100 steps (2.5 epochs)


def _split_probs(model, data, params=None):
    """(validation probabilities, test probabilities) of model, with `params` in place of its own if given."""
    return probabilities(model, data["X_val"], params), probabilities(model, data["X_test"], params)


def _accuracies(probs, data):
    """{"val": accuracy, "test": accuracy} of a pair from _split_probs."""
    return {"val": prob_accuracy(probs[0], data["y_val"]), "test": prob_accuracy(probs[1], data["y_test"])}


def ensemble_report(stack, y):
    """What averaging the class probabilities of K models, stack (K, N, C), does on labels y (N,).

    Returns dict: members (K,) accuracies; ensemble, the accuracy of the averaged probabilities; by_size (K,),
    the ensemble of the first k models, k = 1..K; gain_vs_mean, gain_vs_best: ensemble minus the mean and the
    best member; disagreement: the fraction of images two members classify differently (mean over pairs),
    which bounds what averaging can change; member_nll (K,) and ensemble_nll, mean -log p(true class)."""
    members = np.array([prob_accuracy(p, y) for p in stack])
    by_size = np.array([prob_accuracy(stack[:k].mean(axis=0), y) for k in range(1, len(stack) + 1)])
    preds = stack.argmax(axis=2)                       # (K, N)
    pairs = [(a, b) for a in range(len(preds)) for b in range(a + 1, len(preds))]
    return {"members": members, "ensemble": float(by_size[-1]), "by_size": by_size,
            "gain_vs_mean": float(by_size[-1] - members.mean()), "gain_vs_best": float(by_size[-1] - members.max()),
            "disagreement": float(np.mean([np.mean(preds[a] != preds[b]) for a, b in pairs])),
            "member_nll": np.array([nll(p, y) for p in stack]), "ensemble_nll": nll(stack.mean(axis=0), y)}


def _reports(probs, data):
    """{"val": ensemble_report, "test": ensemble_report} of a list of _split_probs pairs."""
    return {split: ensemble_report(np.stack([p[i] for p in probs]), data[f"y_{split}"])
            for i, split in enumerate(("val", "test"))}


def ensemble_study(data, method=ENSEMBLE_METHOD, seeds=range(ENSEMBLE_SIZE)):
    """One net of `method` per seed (initialization and minibatches; otherwise trained alike, TRAIN's settings,
    first NUM_TRAIN images), each with its last epoch's parameters.

    Returns {"val": ensemble_report, "test": ensemble_report}."""
    probs = []
    for seed in progress_bar(list(seeds), desc="ensemble"):
        solver = train_method(method, data, seed)
        probs.append(_split_probs(solver.model, data, solver.final_params))
    return _reports(probs, data)


def snapshot_ensemble(data, method=ENSEMBLE_METHOD, cycles=SNAPSHOT_CYCLES, seed=0):
    """One run with cosine_restarts(cycles) (TRAIN's epochs, rate and rule) and a snapshot at each cycle's end,
    against one ordinary run (TRAIN's single cosine) of the same epochs and seed: the same cost.

    Returns {"val": ensemble_report, "test": ensemble_report} of the snapshots, and "ordinary": {"val", "test"},
    the ordinary run's accuracies at its last epoch."""
    epochs = TRAIN["num_epochs"]
    ends = [epochs * (c + 1) // cycles for c in range(cycles)]
    runs = {}
    for name in progress_bar(["restarts", "ordinary"], desc="snapshot ensemble"):
        restarts = name == "restarts"
        runs[name] = train(make_model(method, seed), subset(data), seed,
                           lr_schedule=cosine_restarts(cycles) if restarts else TRAIN["lr_schedule"],
                           snapshot_epochs=ends if restarts else ())
    snapshots = [_split_probs(runs["restarts"].model, data, params) for params, _ in runs["restarts"].snapshots]
    ordinary = runs["ordinary"]
    return {**_reports(snapshots, data),
            "ordinary": _accuracies(_split_probs(ordinary.model, data, ordinary.final_params), data)}


def polyak_study(data, method=ENSEMBLE_METHOD, decay=POLYAK_DECAY, seed=0):
    """One run of `method` on the first POLYAK_TRAIN images with POLYAK's constant, fairly high rate (noisy
    weights), keeping the Polyak average of the weights (Solver polyak_decay).

    Returns {"raw": array, "polyak": array} (validation accuracy at every epoch end of the current and of the
    averaged weights), "final": {"raw": {"val", "test"}, "polyak": {"val", "test"}} at the last epoch, and
    "gain": {"val", "test"} (polyak minus raw there)."""
    solver = train(make_model(method, seed), subset(data, POLYAK_TRAIN), seed, polyak_decay=decay, **POLYAK)
    final = {"raw": _accuracies(_split_probs(solver.model, data, solver.final_params), data),
             "polyak": _accuracies(_split_probs(solver.model, data, solver.avg_params), data)}
    return {"raw": np.array(solver.val_acc_history), "polyak": np.array(solver.polyak_val_acc_history),
            "final": final, "gain": {k: final["polyak"][k] - final["raw"][k] for k in ("val", "test")}}


# --- 5. Stochastic depth: dropping whole residual blocks ----------------------------------------------------

RESIDUAL = {"width": 128, "num_blocks": 6}
RESIDUAL_RATE = 1e-2     # at TRAIN's 3e-2, 3 of 10 runs of this unnormalized net diverged (seeds 0-2, variants)
SURVIVAL = 0.5           # the last block's survival probability (the first's is 1 - (1 - 0.5) / 6 = 0.92)


def stochastic_depth(data, survival=SURVIVAL, seed=0):
    """A ResidualMLP (RESIDUAL) trained on the first NUM_TRAIN images with TRAIN's settings but RESIDUAL_RATE,
    without (survival 1) and with stochastic depth.

    Returns {"without": dict, "with": dict}, each with train, val, gap (last epoch), test (last epoch's
    parameters), train_history and val_history (arrays, one value per epoch)."""
    out = {}
    for name, p in progress_bar([("without", 1.0), ("with", survival)], desc="stochastic depth"):
        model = ResidualMLP(survival=p, seed=seed, **RESIDUAL)
        solver = train(model, subset(data), seed, optim_config={"learning_rate": RESIDUAL_RATE})
        tr, va = solver.train_acc_history[-1], solver.val_acc_history[-1]
        test = prob_accuracy(probabilities(model, data["X_test"], solver.final_params), data["y_test"])
        out[name] = {"train": tr, "val": va, "gap": tr - va, "test": test,
                     "train_history": np.array(solver.train_acc_history),
                     "val_history": np.array(solver.val_acc_history)}
    return out


# --- 6. Dropout and batch normalization together --------------------------------------------------------------

BN_BASE = "shifts"       # on shifted images dropout helped (+0.3 to +1.7 points, seeds 0-4); on the plain ones
                         # neither dropout nor batch norm moved validation accuracy by 1.5 points (seeds 0-2)
BN_DROPOUT_KEEP = 0.7


def bn_dropout_study(data, base=BN_BASE, keep_ratio=BN_DROPOUT_KEEP, seed=0):
    """The net of METHODS[base] (with its augmentation) with and without batch norm, each with and without
    dropout (keep_ratio), on the first NUM_TRAIN images with TRAIN's settings.

    Returns {"no normalization" | "batchnorm": {"no dropout" | "dropout": {"train", "val", "gap"}}} (last
    epoch), and "dropout_gain": {"no normalization": dropout's validation gain without, "batchnorm": with BN}."""
    name = METHODS[base].get("augment")
    out = {}
    jobs = [(n, d) for n in (None, "batchnorm") for d in (False, True)]
    for norm, drop in progress_bar(jobs, desc="batch norm x dropout"):
        model = make_model(base, seed, normalization=norm, dropout_keep_ratio=keep_ratio if drop else 1)
        solver = train(model, subset(data), seed, augment=AUGMENTATIONS[name] if name else None)
        tr, va = solver.train_acc_history[-1], solver.val_acc_history[-1]
        out.setdefault(norm or "no normalization", {})["dropout" if drop else "no dropout"] = {
            "train": tr, "val": va, "gap": tr - va}
    out["dropout_gain"] = {k: out[k]["dropout"]["val"] - out[k]["no dropout"]["val"]
                           for k in ("no normalization", "batchnorm")}
    return out


# --- 7. The notebook's model --------------------------------------------------------------------------------


def train_regularized_model(data, method, seed=0):
    """The net of `method` (best_method of overfitting_study) trained as there, on the same first NUM_TRAIN
    images, with its last epoch's parameters (the validation set chose the recipe, not the epoch).

    Returns (model, {"method", "val", "test"}): model is the student's FullyConnectedNet without normalization
    (a DropConnectNet's test-time net is one), ready for artifacts.save_model; val and test its accuracies."""
    solver = train_method(method, data, seed)
    model = solver.model
    model.params = solver.final_params
    if hasattr(model, "dc_param"):  # a DropConnectNet: its test-time net is the plain one
        from nnkit.fc_net import FullyConnectedNet
        model = to_fc_net(model, FullyConnectedNet)
    return model, {"method": method, "val": accuracy(model, data["X_val"], data["y_val"]),
                   "test": accuracy(model, data["X_test"], data["y_test"])}
