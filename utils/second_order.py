"""L-BFGS (scipy) against first-order rules on a small full-batch problem, and under minibatch noise."""
import numpy as np
from scipy.optimize import minimize


class FlatModel:
    """A model's loss as a function of one flat parameter vector, as scipy's optimizers want it.

    Args:
        model: object with params (dict of arrays) and loss(X, y) -> (loss, grads).
    """

    def __init__(self, model):
        self.model = model
        self.keys = sorted(model.params)
        self.shapes = [model.params[k].shape for k in self.keys]
        self.sizes = [int(np.prod(s)) for s in self.shapes]

    def get(self):
        """The parameters as one float64 vector (P,)."""
        return np.concatenate([self.model.params[k].ravel() for k in self.keys]).astype(np.float64)

    def set(self, theta):
        for k, part, shape in zip(self.keys, np.split(theta, np.cumsum(self.sizes)[:-1]), self.shapes):
            self.model.params[k] = part.reshape(shape).copy()

    def loss_and_grad(self, theta, X, y):
        """(loss, gradient (P,)) at theta on (X, y)."""
        self.set(theta)
        loss, grads = self.model.loss(X, y)
        return float(loss), np.concatenate([grads[k].ravel() for k in self.keys]).astype(np.float64)


def lbfgs_history(model, X, y, iters=100, batch_size=None, rng=None, memory=10):
    """Train with L-BFGS; return the full-batch loss after each iteration.

    Args:
        model: the model (trained in place).
        X, y: the training set; the history is measured on all of it.
        iters: maximum L-BFGS iterations.
        batch_size: None for full-batch; else every function evaluation sees a fresh random minibatch of this
            size, so the line search and the curvature pairs are built from noisy values.
        rng: numpy Generator for the minibatches.
        memory: number of correction pairs L-BFGS keeps.

    Returns:
        (losses (K,) after each iteration, scipy's termination message).
    """
    rng = np.random.default_rng(0) if rng is None else rng
    flat = FlatModel(model)
    history = [flat.loss_and_grad(flat.get(), X, y)[0]]

    def fun(theta):
        if batch_size is None:
            return flat.loss_and_grad(theta, X, y)
        idx = rng.choice(len(X), batch_size, replace=False)
        return flat.loss_and_grad(theta, X[idx], y[idx])

    def record(theta):
        history.append(flat.loss_and_grad(theta, X, y)[0])

    result = minimize(fun, flat.get(), jac=True, method="L-BFGS-B", callback=record,
                      options={"maxiter": iters, "maxcor": memory})
    flat.set(result.x)
    return np.array(history), str(result.message)


def first_order_history(model, rule, config, X, y, iters=100, batch_size=None, rng=None):
    """Train with an update rule (full-batch or minibatch steps); return the full-batch loss after each step."""
    rng = np.random.default_rng(0) if rng is None else rng
    configs = {k: dict(config) for k in model.params}
    history = [float(model.loss(X, y)[0])]
    for _ in range(iters):
        idx = slice(None) if batch_size is None else rng.choice(len(X), batch_size, replace=False)
        _, grads = model.loss(X[idx], y[idx])
        for k in model.params:
            model.params[k], configs[k] = rule(model.params[k], grads[k], configs[k])
        history.append(float(model.loss(X, y)[0]))
    return np.array(history)
