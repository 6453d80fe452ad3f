"""Training sweeps a notebook plots: each run's outcome, with diverged runs named, not warned about."""
import numpy as np

from .progress import progress_bar


def weight_scale_sweep(make_model, data, scales, runs, num_epochs=30, batch_size=25, seed=0):
    """Train one model per (weight scale, run) and report the best training accuracy each reached.

    Args:
        make_model: (dims, weight_scale, seed) -> model.
        data: dict for the Solver (X_train, y_train, X_val, y_val).
        scales: weight scales to try, 1-D.
        runs: {label: (hidden dims, learning rate)}.
        num_epochs, batch_size: Solver settings (plain SGD).
        seed: model seed.

    Returns:
        {label: {"scales": array, "accuracy": array (best training accuracy; NaN for diverged runs),
                 "diverged": bool array (the loss became inf/NaN: the run blew up)}}.
    """
    from .solver import Solver
    results = {label: {"scales": np.asarray(scales, float), "accuracy": [], "diverged": []} for label in runs}
    for ws in progress_bar(list(scales), desc="weight scales"):
        for label, (dims, lr) in runs.items():
            with np.errstate(all="ignore"):  # a diverging run overflows; it is reported as diverged instead
                solver = Solver(make_model(dims, ws, seed), data, update_rule="sgd", optim_config={"learning_rate": lr},
                                num_epochs=num_epochs, batch_size=batch_size, progress=False)
                solver.train()
            diverged = not np.all(np.isfinite(solver.loss_history))
            results[label]["diverged"].append(diverged)
            results[label]["accuracy"].append(np.nan if diverged else max(solver.train_acc_history))
    for r in results.values():
        r["accuracy"], r["diverged"] = np.array(r["accuracy"]), np.array(r["diverged"])
    return results
