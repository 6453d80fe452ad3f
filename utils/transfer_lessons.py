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
from .zoo import TRAIN as PRETRAIN, load_pretrained, new_model

# --- Settings (the notebook shows these) ------------------------------------------------------------------

PAIRS = {"similar": {"source": "mnist5k-cnn", "target": "digits"},
         "different": {"source": "fashion-cnn", "target": "mnist5k"}}
BUDGETS = (1, 2, 5, 10, 20, 50, 100)   # labels per class (the full sweep: datasets/transfer_sweep.py)
LIVE_BUDGETS = (1, 2)                  # the notebook's own live sweep
SEEDS = (0, 1, 2, 3, 4)
FIT = {"steps": 300, "batch_size": 64, "probe_learning_rate": 1e-2, "update_rule": "adam"}
LR = PRETRAIN["learning_rate"]         # fine-tuning "at the same rate" is the pretraining rate
STRATEGIES = ("scratch", "linear head on fc1", "linear head on conv2", "LP-FT", "fine-tune all at 1/10",
              "fine-tune all at 1x")
LIVE_STRATEGIES = ("scratch", "linear head on fc1", "LP-FT")
TRANSFER = ("linear head on fc1", "linear head on conv2", "LP-FT", "fine-tune all at 1/10", "fine-tune all at 1x")


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
    the pretrained stages at LR / 10 or LR (scaled_step's multipliers), the new head at LR.
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
    if strategy.startswith("fine-tune all"):
        head = transfer.HeadOnBase(base, "fc1", num_classes, freeze=False, seed=seed)
        rate = 0.1 if strategy.endswith("1/10") else 1.0
        return fit(head, X, y, LR, steps, seed, lr_multipliers={p: rate for p in head.params if p not in
                                                                 (f"W{len(head.layers)}", f"b{len(head.layers)}")})
    raise ValueError(f"run_strategy: unknown strategy {strategy!r}; one of {STRATEGIES}")


def budget_curves(pair="similar", budgets=LIVE_BUDGETS, seeds=SEEDS, strategies=LIVE_STRATEGIES, progress=True):
    """Test accuracy of every strategy at every budget and seed on the pair's target.

    Returns {"budgets": [...], "seeds": [...], "accuracy": {strategy: (len(budgets), len(seeds)) list of
    lists}}, plain JSON values (the sweep script saves it as is)."""
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
