"""The TransferLearning notebook's experiments, each with its settings; every claim the notebook makes is a
number computed here (asserted in tests/test_transfer_lessons.py).

Pairs of source -> target task: "similar" (MNIST-5k -> sklearn's 8x8 digits upsampled to 28x28) and
"different" (Fashion-MNIST -> MNIST-5k). The pretrained models come from the zoo (utils/zoo.py); the student's
nnkit.transfer functions (extract_features, HeadOnBase, scaled_step through the Solver) run every strategy.
"""
import numpy as np

from .data import load_dataset
from .progress import progress_bar
from .reg_models import _nnkit
from .solver import Solver, accuracy
from .zoo import TRAIN as PRETRAIN, load_pretrained, new_model, source_data

# --- Settings (the notebook shows these) ------------------------------------------------------------------

# same_classes: the target's classes are the source's (digits -> digits), so the pretrained output stage can stay
PAIRS = {"similar": {"source": "mnist5k-cnn", "target": "digits", "same_classes": True},
         "different": {"source": "fashion-cnn", "target": "mnist5k", "same_classes": False}}
BUDGETS = (1, 2, 5, 10, 20, 50, 100)   # labels per class (the full sweep: datasets/transfer_sweep.py)
LIVE_BUDGETS = (1, 2)                  # the notebook's own live sweep
SEEDS = (0, 1, 2, 3, 4)
FIT = {"steps": 300, "batch_size": 64, "probe_learning_rate": 1e-2, "update_rule": "adam"}
LR = PRETRAIN["learning_rate"]         # fine-tuning "at the same rate" is the pretraining rate
STRATEGIES = ("scratch", "linear head on fc1", "linear head on conv2", "LP-FT", "fine-tune all at 1/10",
              "fine-tune all at 1x", "fine-tune all, head kept")
KEEPS_HEAD = "fine-tune all, head kept"  # only where the classes are the source's (PAIRS' same_classes)
LIVE_STRATEGIES = ("scratch", "linear head on fc1", "LP-FT", KEEPS_HEAD)


def target_data(name):
    """The target task's splits as load_dataset gives them (pixels in [0, 1], like the zoo's inputs)."""
    return load_dataset(name, subtract_mean=False, unit_std=False)


def budget_indices(y, per_class, seed):
    """Indices of `per_class` examples of every class of y, drawn with np.random.default_rng(seed) (the
    same seed gives nested draws: the first n of a class are the same whatever the budget)."""
    rng = np.random.default_rng(seed)
    picks = [rng.permutation(np.flatnonzero(y == c))[:per_class] for c in np.unique(y)]
    short = [int(c) for c, p in zip(np.unique(y), picks) if len(p) < per_class]
    if short:
        raise ValueError(f"budget_indices: classes {short} have fewer than {per_class} examples")
    return np.concatenate(picks)


def fit(model, X, y, learning_rate, steps, seed=0, lr_multipliers=None):
    """Train model for `steps` Adam steps on (X, y) with the Solver (minibatches of min(64, N)); returns it.

    Without a validation split (a few labels are all there is), the Solver's "best epoch" is picked on the
    training examples themselves."""
    batch = min(FIT["batch_size"], len(X))
    per_epoch = max(len(X) // batch, 1)
    Solver(model, {"X_train": X, "y_train": y, "X_val": X[:200], "y_val": y[:200]},
           update_rule=FIT["update_rule"], optim_config={"learning_rate": learning_rate}, batch_size=batch,
           num_epochs=max(steps // per_epoch, 1), num_train_samples=200, progress=False, seed=seed,
           lr_multipliers=lr_multipliers).train()
    return model


def run_strategy(strategy, base, X, y, seed=0, num_classes=10):
    """A model trained on (X, y) with `strategy` (one of STRATEGIES) from the pretrained `base`.

    scratch: a new ConvNet of the base's architecture, all at LR; linear head on fc1 / conv2: HeadOnBase with
    every kept stage frozen, the head at the probe rate; LP-FT: that probe on fc1 for half the steps, then
    everything for the other half at LR / 10; fine-tune all at 1/10 or 1x: HeadOnBase on fc1, nothing frozen,
    the pretrained stages at LR / 10 or LR (scaled_step's multipliers), the new head at LR; fine-tune all, head
    kept: a copy of the whole pretrained model, its output stage included (the target's classes are the
    source's), all at LR.
    """
    transfer, steps = _nnkit("transfer"), FIT["steps"]
    if strategy == "scratch":
        model = new_model(base.zoo_entry["name"], seed=seed)
        if num_classes != model.num_classes:
            transfer.reinit_last_layer(model, num_classes, seed=seed)
        return fit(model, X, y, LR, steps, seed)
    if strategy.startswith("linear head on "):
        head = transfer.HeadOnBase(base, strategy.rsplit(" ", 1)[1], num_classes, freeze=True, seed=seed)
        return fit(head, X, y, FIT["probe_learning_rate"], steps, seed)
    if strategy == "LP-FT":
        head = fit(transfer.HeadOnBase(base, "fc1", num_classes, freeze=True, seed=seed), X, y,
                   FIT["probe_learning_rate"], steps // 2, seed)
        head.frozen = set()
        return fit(head, X, y, LR / 10, steps - steps // 2, seed)
    if strategy == KEEPS_HEAD:
        if num_classes != base.num_classes:
            raise ValueError(f"run_strategy: {KEEPS_HEAD!r} needs the source's {base.num_classes} classes")
        model = new_model(base.zoo_entry["name"])
        model.params = {k: v.copy() for k, v in base.params.items()}
        return fit(model, X, y, LR, steps, seed)
    if strategy.startswith("fine-tune all at"):
        head = transfer.HeadOnBase(base, "fc1", num_classes, freeze=False, seed=seed)
        rate = 0.1 if strategy.endswith("1/10") else 1.0
        return fit(head, X, y, LR, steps, seed, lr_multipliers={p: rate for p in head.params if p not in
                                                                 (f"W{len(head.layers)}", f"b{len(head.layers)}")})
    raise ValueError(f"run_strategy: unknown strategy {strategy!r}; one of {STRATEGIES}")


def budget_curves(pair="similar", budgets=LIVE_BUDGETS, seeds=SEEDS, strategies=LIVE_STRATEGIES, progress=True):
    """Test accuracy of every strategy at every budget and seed on the pair's target.

    Returns {"budgets": [...], "seeds": [...], "accuracy": {strategy: (len(budgets), len(seeds)) list of
    lists}}, plain JSON values (the sweep script saves it as is). KEEPS_HEAD runs only on a pair whose
    classes are the source's."""
    strategies = [s for s in strategies if s != KEEPS_HEAD or PAIRS[pair]["same_classes"]]
    base = load_pretrained(PAIRS[pair]["source"])
    data = target_data(PAIRS[pair]["target"])
    acc = {s: np.zeros((len(budgets), len(seeds))) for s in strategies}
    runs = [(i, n, j, seed) for i, n in enumerate(budgets) for j, seed in enumerate(seeds)]
    for i, n, j, seed in progress_bar(runs, desc=f"{pair}: budgets x seeds", disable=not progress):
        idx = budget_indices(data["y_train"], n, seed)
        for s in strategies:
            model = run_strategy(s, base, data["X_train"][idx], data["y_train"][idx], seed)
            acc[s][i, j] = accuracy(model, data["X_test"], data["y_test"])
    return {"pair": pair, "budgets": list(budgets), "seeds": list(seeds),
            "accuracy": {s: a.round(4).tolist() for s, a in acc.items()}}


def summary(curves):
    """{strategy: {"mean": [per budget], "std": [...]}} in accuracy points (0-100)."""
    return {s: {"mean": (100 * np.mean(a, axis=1)).round(1).tolist(), "std": (100 * np.std(a, axis=1)).round(1).tolist()}
            for s, a in ((s, np.array(a)) for s, a in curves["accuracy"].items())}


def transfer_gain(curves, budgets=(1, 2)):
    """(best transfer strategy, its mean gain over scratch in points averaged over `budgets`): the strategy
    with the highest accuracy averaged over those budgets and the seeds."""
    rows = [curves["budgets"].index(b) for b in budgets]
    mean = {s: 100 * float(np.mean(np.array(a)[rows])) for s, a in curves["accuracy"].items()}
    best = max((s for s in mean if s != "scratch"), key=mean.get)
    return best, mean[best] - mean["scratch"]


# --- The strategy table -----------------------------------------------------------------------------------------

SIZES = {"little": (1, 2), "lots": (100,)}  # labels per class that count as little / lots data
SWEEP_FILE = "transfer_sweep.json"


def load_sweep(root=None):
    """The full sweep's results (datasets/transfer_sweep.json, made by datasets/transfer_sweep.py)."""
    import json
    from pathlib import Path

    from .data import datasets_dir
    path = Path(root or datasets_dir()) / SWEEP_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: it ships with the kit (rebuild: python datasets/transfer_sweep.py)")
    return json.loads(path.read_text())


def cell_means(curves, size):
    """{strategy: mean accuracy in points over the budgets of SIZES[size] and the seeds}."""
    rows = [curves["budgets"].index(b) for b in SIZES[size]]
    return {s: 100 * float(np.mean(np.array(a)[rows])) for s, a in curves["accuracy"].items()}


def strategy_table(sweep):
    """{(pair, size): {"best": strategy, "accuracy": its points, "scratch": scratch's points, "close": [the
    strategies within 1 point of the best]}} for pair in "similar"/"different" and size in "little"/"lots"."""
    table = {}
    for pair, curves in sweep["pairs"].items():
        for size in SIZES:
            means = cell_means(curves, size)
            best = max(means, key=means.get)
            table[(pair, size)] = {"best": best, "accuracy": round(means[best], 1),
                                   "scratch": round(means["scratch"], 1),
                                   "close": sorted(s for s, m in means.items() if m >= means[best] - 1.0)}
    return table


def check_choices(choices, table):
    """For each (pair, size) the student chose a strategy for: (choice, measured best, whether the choice is
    the best or within 1 point of it). choices: {(pair, size): strategy}."""
    report = {}
    for key, choice in choices.items():
        if key not in table:
            raise ValueError(f"check_choices: {key!r} is not a cell; cells are {sorted(table)}")
        if choice not in STRATEGIES:
            raise ValueError(f"check_choices: {choice!r} is not a strategy; one of {STRATEGIES}")
        report[key] = (choice, table[key]["best"], choice in table[key]["close"])
    return report


# --- What the features look like -----------------------------------------------------------------------------

def pca_2d(features, fit_on=None):
    """(projection (N, 2) of `features` (N, D) onto the two principal directions of `fit_on` (default: the
    features themselves), explained variance ratio of each (2,))."""
    basis = features if fit_on is None else fit_on
    mean = basis.mean(axis=0)
    _, s, vt = np.linalg.svd(basis - mean, full_matrices=False)
    return (features - mean) @ vt[:2].T, (s[:2] ** 2 / np.sum(s ** 2))


def nearest_mean_accuracy(features, y, per_class=10, seed=0):
    """Accuracy of a nearest-class-mean classifier on `features`: class means from `per_class` labelled
    examples of each class (budget_indices), tested on all the other examples. High when the features
    already separate the classes, with no training at all."""
    idx = budget_indices(y, per_class, seed)
    rest = np.setdiff1d(np.arange(len(y)), idx)
    classes = np.unique(y)
    means = np.stack([features[idx][y[idx] == c].mean(axis=0) for c in classes])
    d = ((features[rest][:, None, :] - means[None]) ** 2).sum(axis=2)
    return float(np.mean(classes[np.argmin(d, axis=1)] == y[rest]))


def feature_study(layer="fc1", n=1000):
    """How the zoo models' features of `layer` place each pair's target data, before any training on it.

    Returns {pair: {"source_model": name, "nearest_mean": nearest_mean_accuracy on the target's features,
    "pixels": the same classifier on raw pixels, "projection": (n, 2) the target's features and
    "source_projection": (500, 2) the source's test images' features, both on the two principal directions of
    the source and target features together, "y": (n,) the target's labels}}."""
    extract = _nnkit("transfer").extract_features
    study = {}
    for pair, spec in PAIRS.items():
        model = load_pretrained(spec["source"])
        data = target_data(spec["target"])
        X, y = data["X_train"][:n], data["y_train"][:n]
        feats = extract(model, X, layer)
        source = extract(model, source_data(spec["source"])["X_test"][:500], layer)
        both = np.concatenate([feats, source])
        study[pair] = {"source_model": spec["source"], "nearest_mean": nearest_mean_accuracy(feats, y),
                       "pixels": nearest_mean_accuracy(X.reshape(len(X), -1), y),
                       "projection": pca_2d(feats, both)[0], "source_projection": pca_2d(source, both)[0], "y": y}
    return study


# --- The student's transferred model -------------------------------------------------------------------------------

FINAL = {"strategy": KEEPS_HEAD, "budget": 100, "seed": 0}  # the reference: the best strategy at 100 per class


def train_transfer_model(strategy=FINAL["strategy"], seed=FINAL["seed"]):
    """A model trained on the whole digits training split (100 labels per class) with `strategy` from the
    MNIST-5k zoo model; returns (model, validation accuracy)."""
    base = load_pretrained(PAIRS["similar"]["source"])
    data = target_data(PAIRS["similar"]["target"])
    model = run_strategy(strategy, base, data["X_train"], data["y_train"], seed)
    return model, accuracy(model, data["X_val"], data["y_val"])


def gap_at(curves, budget):
    """The best transfer strategy's mean accuracy minus scratch's at one budget, in points."""
    return transfer_gain(curves, (budget,))[1]


def digit_examples(n=6):
    """{label: image} for the first n digits of the similar pair's target: each 8x8 original (0..16) and the
    28x28 image the models see, in that order."""
    from .data import datasets_dir
    with np.load(datasets_dir() / "digits8x8.npz") as f:
        X8, X, y = f["X8_train"][:n], f["X_train"][:n], f["y_train"][:n]
    maps = {}
    for i in range(n):
        maps[f"#{i}: {y[i]}, 8x8"] = X8[i]
        maps[f"#{i}: {y[i]}, 28x28"] = X[i]
    return maps
