"""The numbers behind the optimization section's claims: on two-dimensional surfaces, and on real data.

The notebook prints them next to its plots, and tests/test_lessons.py asserts each claim with these same
settings, so a change that breaks a lesson fails the kit's tests instead of a class.
"""
import numpy as np

from .surfaces import Saddle, Valley, steps_to_reach, trajectory

START = np.array([-2.0, 1.0])        # on the valley, relative to its own axes
SADDLE_START = np.array([1.5, 1e-3])  # just off the saddle's ridge


def surface_rules(optim):
    """{name: (rule, config)} for the trajectory plots: the condition-20 valley and the saddle.

    SGD runs near its stable limit on the valley (2 / 20 = 0.1); momentum and Nesterov at a smaller rate with
    rho = 0.6 (their steady-state step along the valley is lr / (1 - rho) = 0.15). RMSProp's decay is 0.9
    here: a short memory suits a 60-step toy run (0.99 is the usual default for networks).
    """
    return {"SGD": (optim.sgd, {"learning_rate": 0.09}),
            "momentum": (optim.sgd_momentum, {"learning_rate": 0.06, "momentum": 0.6}),
            "Nesterov": (optim.nesterov_momentum, {"learning_rate": 0.06, "momentum": 0.6}),
            "AdaGrad": (optim.adagrad, {"learning_rate": 0.5}),
            "RMSProp": (optim.rmsprop, {"learning_rate": 0.05, "decay_rate": 0.9}),
            "Adam": (optim.adam, {"learning_rate": 0.1})}


def rotation_rules(optim):
    """surface_rules with SGD and momentum scaled to the condition-100 valley (SGD's limit is 2 / 100)."""
    rules = surface_rules(optim)
    rules["SGD"] = (optim.sgd, {"learning_rate": 0.018})
    rules["momentum"] = (optim.sgd_momentum, {"learning_rate": 0.012, "momentum": 0.6})
    rules["Nesterov"] = (optim.nesterov_momentum, {"learning_rate": 0.012, "momentum": 0.6})
    return rules


def surfaces(condition=20):
    """(valley, the same valley rotated 45 degrees, saddle, {surface: start})."""
    valley, rotated, saddle = Valley(1, condition), Valley(1, condition, angle=45), Saddle()
    starts = {valley: START, rotated: rotated.R.T @ START, saddle: SADDLE_START}
    return valley, rotated, saddle, starts


def steps_table(rules, condition, max_steps=1000):
    """{"axis-aligned": {rule: steps}, "rotated 45°": {...}}: steps to reach loss 1e-3 (None: not in max_steps)."""
    valley, rotated, _, starts = surfaces(condition)
    return {title: {name: steps_to_reach(trajectory(rule, s, starts[s], max_steps, cfg), s)
                    for name, (rule, cfg) in rules.items()}
            for title, s in (("axis-aligned", valley), ("rotated 45°", rotated))}


def saddle_escape(rules, steps=60):
    """{rule: |w_2| after `steps` steps from just off the saddle's ridge} (the minima are at w_2 = +-1)."""
    _, _, saddle, starts = surfaces()
    return {name: float(abs(trajectory(rule, saddle, starts[saddle], steps, cfg)[-1][1]))
            for name, (rule, cfg) in rules.items()}


def effective_rates(rule, config, steps=2000, noise=1.0, seed=1, condition=20):
    """Per-coordinate effective learning rate lr / (sqrt(cache) + eps) of AdaGrad or RMSProp, (steps, 2).

    Row t - 1 is the rate the rule used at step t, read from the cache it kept; the run is on the valley with
    noisy gradients (noise keeps the gradient from vanishing near the minimum). Column 0 is the shallow
    direction, column 1 the steep one.
    """
    valley, _, _, starts = surfaces(condition)
    seen = []

    def record(config):  # called before each step; the cache then holds the previous steps' gradients
        if "cache" in config:
            seen.append(config["learning_rate"] / (np.sqrt(config["cache"]) + config.get("epsilon", 1e-8)))

    trajectory(rule, valley, starts[valley], steps + 1, config, noise=noise, rng=np.random.default_rng(seed),
               hook=record)
    return np.array(seen[:steps])


def adam_bias_factor(t, beta1=0.9, beta2=0.999):
    """How much larger Adam's step is without bias correction, for a constant gradient: (1 - b1^t) / sqrt(1 - b2^t)."""
    t = np.asarray(t, dtype=np.float64)
    return (1 - beta1 ** t) / np.sqrt(1 - beta2 ** t)


def adam_steps(adam, steps=40, learning_rate=0.05, correct=True):
    """Step lengths (steps,) of an adam rule on a constant gradient of 1, with or without bias correction.

    Without: the rule is told at every step that a billion steps have passed, which makes 1 - beta^t = 1.
    """
    w, config, lengths = np.zeros(1), {"learning_rate": learning_rate}, []
    for _ in range(steps):
        if not correct:
            config["t"] = 10 ** 9
        next_w, config = adam(w, np.ones(1), config)
        lengths.append(float(abs(next_w - w)[0]))
        w = next_w
    return np.array(lengths)


# ------------------------------------------------------------------------------------------------ real data

RACE_SCALE = 0.1  # inside the five-layer net's good region in the notebook's weight-scale sweep (0.12 to 0.25
# trains to 100% there; 5e-2 does not), so the race compares the rules, not their escape from a bad init
RACE_RATES = {"sgd": 1e-1, "sgd_momentum": 2e-2, "nesterov_momentum": 2e-2, "adagrad": 1e-2, "rmsprop": 1e-3,
              "adam": 1e-3}


def race(make_model, data, rates=None, num_epochs=5, batch_size=100, progress=None):
    """{rule: trained Solver}, each rule from the same init (make_model()) at its learning rate in `rates`."""
    from .solver import Solver
    rates = rates or RACE_RATES
    names = list(rates) if progress is None else progress(list(rates), desc="update rules")
    return {rule: Solver(make_model(), data, update_rule=rule, optim_config={"learning_rate": rates[rule]},
                         num_epochs=num_epochs, batch_size=batch_size, progress=False).train() for rule in names}


def first_epoch_loss(solver, last=10):
    """Mean training loss over the last `last` iterations of the first epoch."""
    per_epoch = len(solver.loss_history) // max(solver.num_epochs, 1)
    return float(np.mean(solver.loss_history[max(per_epoch - last, 0):per_epoch]))


def ratio_medians(solvers, key="W1"):
    """{rule: median |dW| / |W| of parameter `key` over the run}."""
    return {rule: float(np.median(s.update_ratios[key])) for rule, s in solvers.items()}


def schedule_race(make_model, data, rule, learning_rate, schedules, num_epochs=15, batch_size=100, progress=None):
    """{schedule name: trained Solver}: one rule and base learning rate under each schedule, same init."""
    from .solver import Solver
    names = list(schedules) if progress is None else progress(list(schedules), desc=f"{rule} schedules")
    return {name: Solver(make_model(), data, update_rule=rule, optim_config={"learning_rate": learning_rate},
                         lr_schedule=name, num_epochs=num_epochs, batch_size=batch_size, progress=False).train()
            for name in names}


def decay_gain(solvers):
    """Final validation accuracy of the best decaying schedule minus the constant one's (in accuracy units)."""
    final = {name: s.val_acc_history[-1] for name, s in solvers.items()}
    return max(v for name, v in final.items() if name != "constant") - final["constant"]


SCHEDULES = ["constant", "step", "exponential", "cosine", "warmup", "1/t"]
SCHEDULE_RUNS = {"SGD + momentum, lr 0.1": ("sgd_momentum", 1e-1), "Adam, lr 1e-3": ("adam", 1e-3)}


def lbfgs_race(data, optim, model_factory, n=500, iters=150, seed=0):
    """Training-loss curves on n images: L-BFGS, Adam and SGD+momentum on the full batch, and L-BFGS on minibatches
    of 50; returns ({label: losses}, {label: scipy's termination message})."""
    from .second_order import first_order_history, lbfgs_history
    X, y = data["X_train"][:n].reshape(n, -1).astype(np.float64), data["y_train"][:n]
    curves, messages = {}, {}
    curves["L-BFGS, full batch"], messages["full batch"] = lbfgs_history(model_factory(), X, y, iters=iters)
    curves["Adam, full batch"] = first_order_history(model_factory(), optim.adam, {"learning_rate": 1e-3}, X, y,
                                                     iters=iters)
    curves["SGD + momentum, full batch"] = first_order_history(model_factory(), optim.sgd_momentum,
                                                               {"learning_rate": 1e-2}, X, y, iters=iters)
    curves["L-BFGS, minibatches of 50"], messages["minibatches"] = lbfgs_history(
        model_factory(), X, y, iters=iters, batch_size=50, rng=np.random.default_rng(seed))
    return curves, messages
