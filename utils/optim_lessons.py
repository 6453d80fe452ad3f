"""The numbers behind the optimization section's claims, measured on two-dimensional surfaces.

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
