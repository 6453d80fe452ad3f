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


CALL_PARAMS = ("state", "expect_error", "args", "rng_seed", "model_seed")  # params for the call (see calls.py), not for the recipe


def make_inputs(item, case):
    """Input arrays of `case` for `item` (a fresh dict each call)."""
    rng = np.random.default_rng(case.seed)
    return RECIPES[item.recipe](rng, **{k: v for k, v in case.params.items() if k not in CALL_PARAMS})


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
def model(rng, hidden_dims, input_dim, num_classes, N, weight_scale=1.0, reg=0.0, labels=True, normalization=None,
          warm_steps=0, shift=0.0, l1_reg=0.0, dropout_keep_ratio=1):  # the last two are for the net only
    """Inputs X (N, input_dim), labels y and parameters param.W1.. param.bL of a FullyConnectedNet.

    With normalization also param.gamma1.. and param.beta1.. (around 1 and 0); warm_steps > 0 adds X_warm
    (warm_steps, N, input_dim) and y_warm, minibatches the model trains on (forward only) before the graded
    call, so that batch norm's running statistics are not the initial ones; shift offsets X (a mean that
    normalization removes).
    """
    dims = [input_dim] + list(hidden_dims) + [num_classes]
    inputs = {"X": shift + rng.standard_normal((N, input_dim))}
    if labels:
        inputs["y"] = rng.integers(0, num_classes, size=N)
    for i in range(1, len(dims)):
        inputs[f"param.W{i}"] = weight_scale * rng.standard_normal((dims[i - 1], dims[i])) / np.sqrt(dims[i - 1])
        inputs[f"param.b{i}"] = 0.1 * rng.standard_normal(dims[i])
    if normalization:
        for i, h in enumerate(hidden_dims, start=1):
            inputs[f"param.gamma{i}"] = 1 + 0.2 * rng.standard_normal(h)
            inputs[f"param.beta{i}"] = 0.2 * rng.standard_normal(h)
    if warm_steps:
        inputs["X_warm"] = shift + 1.5 * rng.standard_normal((warm_steps, N, input_dim))
        inputs["y_warm"] = rng.integers(0, num_classes, size=(warm_steps, N))
    return inputs


@recipe
def normalization(rng, N, D, stats=False, backward=False):
    """x (N, D) whose features have different means and scales, gamma (D,) around 1, beta (D,); with stats
    the running statistics "state.running_mean" and "state.running_var" (positive) that bn_param holds;
    with backward an upstream gradient dout (N, D)."""
    inputs = {"x": rng.uniform(-3, 3, D) + rng.uniform(0.5, 4, D) * rng.standard_normal((N, D)),
              "gamma": 1 + 0.5 * rng.standard_normal(D), "beta": rng.standard_normal(D)}
    if stats:
        inputs["state.running_mean"] = rng.standard_normal(D)
        inputs["state.running_var"] = rng.uniform(0.5, 4, D)
    if backward:
        inputs["dout"] = rng.standard_normal((N, D))
    return inputs


@recipe
def arrays(rng, shapes, zeros=0.0, positive=()):
    """Standard normal arrays {name: shape} (e.g. x, dout, w_avg); a fraction `zeros` of each set to exactly 0
    (where a contract says what happens at 0); the names in `positive` made positive (|v| + 0.1)."""
    out = {}
    for name, shape in shapes.items():
        v = _with_zeros(rng, rng.standard_normal(tuple(shape)), zeros)
        out[name] = np.abs(v) + 0.1 if name in positive else v
    return out


@recipe
def images(rng, N, C, H, W):
    """Images X (N, C, H, W) with distinct values at every pixel (so any moved or mirrored pixel shows)."""
    return {"X": rng.permutation(N * C * H * W).reshape(N, C, H, W) / (N * C * H * W) + 0.5}


@recipe
def conv(rng, x, w, dout=None):
    """Images x (N, C, H, W), filters w (F, C, HH, WW) scaled by 1 / sqrt(C HH WW), biases b (F,); with dout
    (a shape: the layer's output shape for the case's conv_param) an upstream gradient of that shape."""
    x, w = tuple(x), tuple(w)
    inputs = {"x": rng.standard_normal(x), "w": rng.standard_normal(w) / np.sqrt(np.prod(w[1:])),
              "b": rng.standard_normal(w[0])}
    if dout is not None:
        inputs["dout"] = rng.standard_normal(tuple(dout))
    return inputs


@recipe
def pool(rng, x, ties=False, dout=None):
    """Activations x (N, C, H, W): distinct values, or with ties=True small integers (-2..2) so that most
    pooling windows hold their maximum more than once; with dout (a shape) an upstream gradient."""
    x = tuple(x)
    values = rng.integers(-2, 3, size=x).astype(np.float64) if ties else rng.permutation(np.prod(x)).reshape(x) / 10
    inputs = {"x": values}
    if dout is not None:
        inputs["dout"] = rng.standard_normal(tuple(dout))
    return inputs


@recipe
def spatial_norm(rng, N, C, H, W, per_channel_shape=False, stats=False, backward=False):
    """Images x (N, C, H, W) whose channels have different means and scales, gamma around 1 and beta, shaped
    (C,) or with per_channel_shape (1, C, 1, 1); stats and backward as in `normalization`."""
    shape = (1, C, 1, 1)
    x = rng.uniform(-3, 3, shape) + rng.uniform(0.5, 4, shape) * rng.standard_normal((N, C, H, W))
    param_shape = shape if per_channel_shape else (C,)
    inputs = {"x": x, "gamma": 1 + 0.5 * rng.standard_normal(param_shape), "beta": rng.standard_normal(param_shape)}
    if stats:
        inputs["state.running_mean"] = rng.standard_normal(C)
        inputs["state.running_var"] = rng.uniform(0.5, 4, C)
    if backward:
        inputs["dout"] = rng.standard_normal((N, C, H, W))
    return inputs


@recipe
def convnet(rng, input_dim, num_filters, filter_size, hidden_dim, num_classes, N, weight_scale=1.0, reg=0.0,
            labels=True):
    """Images X (N, C, H, W), labels y and the parameters param.W1.. param.b3 of a ThreeLayerConvNet
    (W1 (F, C, k, k) scaled by 1 / sqrt(C k k), W2 and W3 by 1 / sqrt(fan-in), biases around 0)."""
    C, H, W = input_dim
    shapes = {1: (num_filters, C, filter_size, filter_size), 2: (num_filters * (H // 2) * (W // 2), hidden_dim),
              3: (hidden_dim, num_classes)}
    inputs = {"X": rng.standard_normal((N, C, H, W))}
    if labels:
        inputs["y"] = rng.integers(0, num_classes, size=N)
    for layer, shape in shapes.items():
        fan_in = np.prod(shape[1:]) if layer == 1 else shape[0]
        inputs[f"param.W{layer}"] = weight_scale * rng.standard_normal(shape) / np.sqrt(fan_in)
        inputs[f"param.b{layer}"] = 0.1 * rng.standard_normal(shape[0] if layer == 1 else shape[1])
    return inputs


@recipe
def nothing(rng, **params):
    """No arrays: the call is built from the case params alone (a constructor)."""
    return {}


@recipe
def stages(rng, input_dim, layers, widths, N=3, filter_size=3, head=None, labels=False, **call):
    """(call: the params transfer_calls.py reads: layer, num_classes, freeze, ...) A pretrained model's parameters base.W1.. base.bL for stages `layers` ([name, kind], kind "conv",
    "hidden" or "output") of `widths` (filters F or units M), images X (N, C, H, W); with labels, y (N,) over
    the last width (or head[1]) classes; head = [layer, num_classes] adds a head's head.W (D, num_classes)
    and head.b for the features of that stage."""
    from .transfer_calls import stage_shapes
    shapes, dims = stage_shapes(input_dim, layers, widths, filter_size)
    inputs = {"X": rng.standard_normal((N, *input_dim))}
    for stage, shape in shapes.items():
        fan_in = int(np.prod(shape[1:])) if len(shape) == 4 else shape[0]
        inputs[f"base.W{stage}"] = rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
        inputs[f"base.b{stage}"] = 0.1 * rng.standard_normal(shape[0] if len(shape) == 4 else shape[1])
    classes = widths[-1]
    if head:
        D, classes = dims[[name for name, _ in layers].index(head[0]) + 1], head[1]
        inputs["head.W"] = rng.standard_normal((D, classes)) / np.sqrt(D)
        inputs["head.b"] = 0.1 * rng.standard_normal(classes)
    if labels:
        inputs["y"] = rng.integers(0, classes, size=N)
    return inputs


@recipe
def param_steps(rng, shapes, steps, **call):
    """(call: rule, learning_rate, multipliers, frozen_grads, for transfer_calls.py) Parameters param.<name> (shapes: {name: shape}) and their gradients grad.<name> (steps, *shape)."""
    inputs = {}
    for name, shape in shapes.items():
        inputs[f"param.{name}"] = rng.standard_normal(tuple(shape))
        inputs[f"grad.{name}"] = rng.standard_normal((steps, *shape))
    return inputs
