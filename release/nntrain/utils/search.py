"""Random hyperparameter search on a log scale, coarse to fine."""
import numpy as np

from .progress import progress_bar
from .solver import Solver


def sample(rng, ranges):
    """One draw: for each name, a log-uniform value in ranges[name] = (low, high)."""
    return {k: float(10 ** rng.uniform(np.log10(lo), np.log10(hi))) for k, (lo, hi) in ranges.items()}


def random_search(make_model, data, ranges, trials, rng, desc="search", **solver_kwargs):
    """Train one model per random draw of hyperparameters and record its accuracies.

    Args:
        make_model: make_model(hp) -> model, with hp the drawn dict (e.g. {"learning_rate", "reg"}).
        data: dict for the Solver (X_train, y_train, X_val, y_val).
        ranges: name -> (low, high), sampled log-uniformly. "learning_rate" goes to the optimizer.
        trials: number of draws.
        rng: numpy Generator.
        desc: progress bar label.
        **solver_kwargs: passed to Solver (update_rule, num_epochs, batch_size, ...).

    Returns:
        list of dicts: the drawn values plus val_acc (best epoch) and train_acc (last epoch), best first.
    """
    base_config = dict(solver_kwargs.pop("optim_config", None) or {})
    results = []
    for _ in progress_bar(range(trials), desc=desc):
        hp = sample(rng, ranges)
        model = make_model(hp)
        config = dict(base_config)
        config["learning_rate"] = hp.get("learning_rate", config.get("learning_rate"))
        solver = Solver(model, data, optim_config=config, progress=False, **solver_kwargs)
        solver.train()
        results.append({**hp, "val_acc": solver.best_val_acc, "train_acc": solver.train_acc_history[-1]})
    return sorted(results, key=lambda r: -r["val_acc"])


def narrow(results, names, top=3, widen=2.0):
    """Ranges around the `top` best results: for each name, [min / widen, max * widen] of their values."""
    best = results[:top]
    return {k: (min(r[k] for r in best) / widen, max(r[k] for r in best) * widen) for k in names}
