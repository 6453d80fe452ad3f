"""Input recipes: (rng, **case params) -> dict of input arrays for one graded call.

Inputs are float64 and drawn from the case's seed, so grader and notebook build identical inputs.
Names follow the function's arguments; "dout" is the upstream gradient of a backward; "config.<key>" is an
update rule's config entry; "param.<name>" a model parameter.
"""
import numpy as np

RECIPES = {}


def recipe(fn):
    RECIPES[fn.__name__] = fn
    return fn


def make_inputs(item, case):
    """Input arrays of `case` for `item` (a fresh dict each call)."""
    rng = np.random.default_rng(case.seed)
    return RECIPES[item.recipe](rng, **case.params)


def _away_from_zero(rng, shape, gap=1e-2):
    """Normal values with |v| >= gap, so kinks (ReLU, hinge) are not straddled by a numeric gradient step."""
    v = rng.standard_normal(shape)
    return np.where(np.abs(v) < gap, np.sign(v + 1e-12) * gap, v)


@recipe
def affine(rng, x, w):
    x = tuple(x)
    return {"x": rng.standard_normal(x), "w": rng.standard_normal(tuple(w)) / np.sqrt(w[0]),
            "b": rng.standard_normal(w[1])}


@recipe
def affine_backward(rng, x, w):
    inputs = affine(rng, x, w)
    inputs["dout"] = rng.standard_normal((x[0], w[1]))
    return inputs


def _with_zeros(rng, x, zeros):
    """x with a fraction `zeros` of its entries set to exactly 0 (where the contract says what happens)."""
    if zeros:
        x = np.where(rng.random(x.shape) < zeros, 0.0, x)
    return x


@recipe
def relu(rng, x, zeros=0.0):
    return {"x": _with_zeros(rng, _away_from_zero(rng, tuple(x)), zeros)}


@recipe
def relu_backward(rng, x, zeros=0.0):
    return {"x": _with_zeros(rng, _away_from_zero(rng, tuple(x)), zeros), "dout": rng.standard_normal(tuple(x))}


@recipe
def scores_labels(rng, N, C, scale=1.0):
    """Scores x (N, C) times scale (large scales test numerical stability) and labels y (N,)."""
    return {"x": scale * rng.standard_normal((N, C)), "y": rng.integers(0, C, size=N)}


@recipe
def hinge_scores(rng, N, C):
    """SVM scores whose margins x_j - x_y + 1 stay away from 0, where the hinge has a kink."""
    x = rng.standard_normal((N, C))
    y = rng.integers(0, C, size=N)
    margins = x - x[np.arange(N), y][:, None] + 1
    x = np.where(np.abs(margins) < 0.05, x + 0.1, x)
    return {"x": x, "y": y}


@recipe
def update_rule(rng, w, steps=1, state=(), dead=0, grad_scale=1.0, **hyper):
    """Weights w, gradients dw (steps, *w), hyperparameters, and initial state arrays named in `state`.

    An integer state ("t") starts at the value given in hyper; array state starts random (positive for
    caches), so a rule that ignores the state it was handed fails. `dead` coordinates (the first ones) get a
    zero gradient at every step, as a dead ReLU unit's weights do; `grad_scale` scales all gradients (tiny
    ones make epsilon's placement matter).
    """
    shape = tuple(w)
    dw = grad_scale * rng.standard_normal((steps, *shape))
    dw.reshape(steps, -1)[:, :dead] = 0.0
    inputs = {"w": rng.standard_normal(shape), "dw": dw}
    for key in state:
        v = rng.standard_normal(shape)
        inputs[f"config.{key}"] = np.abs(v) if key in ("cache", "v") else v
    for key, value in hyper.items():
        inputs[f"config.{key}"] = np.array(value)
    return inputs


@recipe
def model(rng, hidden_dims, input_dim, num_classes, N, weight_scale=1.0, reg=0.0, labels=True):
    """Inputs X (N, input_dim), labels y and parameters param.W1.. param.bL of a FullyConnectedNet."""
    dims = [input_dim] + list(hidden_dims) + [num_classes]
    inputs = {"X": rng.standard_normal((N, input_dim))}
    if labels:
        inputs["y"] = rng.integers(0, num_classes, size=N)
    for i in range(1, len(dims)):
        inputs[f"param.W{i}"] = weight_scale * rng.standard_normal((dims[i - 1], dims[i])) / np.sqrt(dims[i - 1])
        inputs[f"param.b{i}"] = 0.1 * rng.standard_normal(dims[i])
    return inputs


@recipe
def nothing(rng, **params):
    """No arrays: the call is built from the case params alone (a constructor)."""
    return {}
