"""Two-dimensional loss surfaces for watching update rules, and a runner that records trajectories."""
import numpy as np


class Valley:
    """An ill-conditioned quadratic f(w) = 0.5 * (a u^2 + b v^2), (u, v) = w rotated by `angle` degrees.

    The condition number is b / a; at angle 0 the steep direction v is the second axis.
    """

    def __init__(self, a=1.0, b=20.0, angle=0.0):
        self.a, self.b, self.angle = a, b, angle
        t = np.deg2rad(angle)
        self.R = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])  # w -> (u, v)
        self.H = self.R.T @ np.diag([a, b]) @ self.R  # Hessian
        self.minimum = np.zeros(2)
        self.name = f"valley, condition number {b / a:g}" + (f", rotated {angle:g} deg" if angle else "")

    def loss(self, w):
        """f at w (2,) or at a grid (..., 2)."""
        return 0.5 * np.einsum("...i,ij,...j->...", w, self.H, w)

    def grad(self, w):
        return self.H @ w


class Saddle:
    """f(x, y) = x^2 + y^4 / 4 - y^2 / 2: a saddle at (0, 0), minima at (0, +-1)."""

    name = "saddle at the origin"
    minimum = np.array([0.0, 1.0])

    def loss(self, w):
        x, y = w[..., 0], w[..., 1]
        return x ** 2 + y ** 4 / 4 - y ** 2 / 2

    def grad(self, w):
        x, y = w
        return np.array([2 * x, y ** 3 - y])


def trajectory(rule, surface, start, steps, config=None, noise=0.0, rng=None, hook=None):
    """Run an update rule on a surface.

    Args:
        rule: rule(w, dw, config) -> (next_w, config), e.g. nnkit.optim.adam.
        surface: an object with grad(w) for w of shape (2,).
        start: (2,) starting point.
        steps: number of updates.
        config: the rule's hyperparameters (copied; state is kept between steps).
        noise: standard deviation of Gaussian noise added to each gradient (a stand-in for minibatches).
        rng: numpy Generator for the noise.
        hook: called as hook(config) before each step (e.g. to override config["t"]).

    Returns:
        (steps + 1, 2) array of the points visited, start first.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    config = dict(config or {})
    w = np.array(start, dtype=np.float64)
    path = [w.copy()]
    for _ in range(steps):
        g = surface.grad(w) + noise * rng.standard_normal(2)
        if hook is not None:
            hook(config)
        w, config = rule(w, g, config)
        path.append(np.array(w, dtype=np.float64))
        if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
            break  # diverged: stop here, the plot shows where
    return np.array(path)


def steps_to_reach(path, surface, tol=1e-3):
    """First step at which the loss is within tol of the minimum's loss, or None if never."""
    target = surface.loss(surface.minimum) + tol
    losses = surface.loss(path)
    hits = np.flatnonzero(losses <= target)
    return int(hits[0]) if hits.size else None


def step_ratio(path, surface):
    """Effective learning rate of each step: |w_{t+1} - w_t| / |grad f(w_t)| (noise-free gradient), (T,)."""
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    grads = np.array([np.linalg.norm(surface.grad(w)) for w in path[:-1]])
    return steps / np.maximum(grads, 1e-12)
