"""How the TransferLearning notebook's items are called (calls.call hands them over): a pretrained model is
a plain object built here from the case's arrays (not the student's ConvNet), so these items depend only on
nnkit.transfer and the layers it uses.

Input names: "base.W1", "base.b1", ... the pretrained model's parameters (they must come out unchanged);
"head.W", "head.b" a head's parameters; "grad.<name>" (steps, ...) a parameter's gradient at every step.
"""
import numpy as np

KINDS = ("features", "reinit", "head_init", "head_loss", "scaled_step")
BASE = "base."


class Pretrained:
    """A ConvNet-like model from case params and arrays: layers, params (copies of the "base.*" inputs),
    feature_dims, dtype (float64), input_dim."""

    def __init__(self, params, inputs):
        self.layers = tuple((name, kind) for name, kind in params["layers"])
        self.params = {k[len(BASE):]: np.array(v, copy=True) for k, v in inputs.items() if k.startswith(BASE)}
        self.dtype, self.input_dim = np.float64, tuple(params["input_dim"])
        shape, self.feature_dims = tuple(params["input_dim"]), {}
        for i, (name, kind) in enumerate(self.layers, start=1):
            W = self.params[f"W{i}"]
            shape = (W.shape[0], shape[1] // 2, shape[2] // 2) if kind == "conv" else (W.shape[1],)
            self.feature_dims[name] = int(np.prod(shape))


def stage_shapes(input_dim, layers, widths, filter_size):
    """({stage index: W's shape}, {stage index: features per example it outputs}) for stages (name, kind) with
    widths F (conv) or M (affine)."""
    C, H, W = input_dim
    D, shapes, dims = C * H * W, {}, {}
    for i, ((_, kind), width) in enumerate(zip(layers, widths), start=1):
        if kind == "conv":
            shapes[i] = (width, C, filter_size, filter_size)
            C, H, W = width, H // 2, W // 2
            D = C * H * W
        else:
            shapes[i] = (D, width)
            D = width
        dims[i] = D
    return shapes, dims


def _sgd(w, dw, config):
    config["calls"] = config.get("calls", 0) + 1
    return w - config["learning_rate"] * dw, config


def _adam(w, dw, config):
    """Adam with beta1 0.9, beta2 0.999, epsilon 1e-8 (the grader's own; counts its calls in config)."""
    c = config
    c["calls"], c["t"] = c.get("calls", 0) + 1, c.get("t", 0) + 1
    c["m"] = 0.9 * c.get("m", np.zeros_like(w)) + 0.1 * dw
    c["v"] = 0.999 * c.get("v", np.zeros_like(w)) + 0.001 * np.square(dw)
    unbiased_m, unbiased_v = c["m"] / (1 - 0.9 ** c["t"]), c["v"] / (1 - 0.999 ** c["t"])
    return w - c["learning_rate"] * unbiased_m / (1e-8 + np.sqrt(unbiased_v)), c


RULES = {"sgd": _sgd, "adam": _adam}


def call(kind, fn, params, inputs, as_array, error):
    """Outputs of one case of a transfer item; as_array(name, value) and error (StudentError) from calls.py."""
    if kind == "scaled_step":
        return _scaled_step(fn, params, inputs, as_array, error)
    base = Pretrained(params, inputs)
    outputs = {}
    if kind == "features":
        outputs["features"] = as_array("features", fn(base, inputs["X"], params["layer"],
                                                      batch_size=params.get("batch_size", 256)))
    elif kind == "reinit":
        returned = fn(base, params["num_classes"], seed=params.get("model_seed", 0))
        outputs["returned_the_model"] = np.array(int(returned is base))
        outputs.update({f"params.{k}": as_array(k, v) for k, v in base.params.items()})
        return outputs  # its parameters are meant to change
    elif kind == "head_init":
        head = fn(base, params["layer"], params["num_classes"], freeze=_freeze(params), seed=params.get("model_seed", 0))
        outputs.update({f"params.{k}": as_array(k, v) for k, v in sorted(head.params.items())})
        outputs["num_params"] = np.array(len(head.params))
        frozen = getattr(head, "frozen", None)
        if not isinstance(frozen, (set, frozenset, list, tuple)):
            raise error(f"HeadOnBase has frozen = {frozen!r}; expected a set of parameter names")
        outputs.update({f"frozen.{k}": np.array(int(k in frozen)) for k in sorted(head.params)})
        outputs["shares_memory_with_base"] = np.array(sum(
            int(np.shares_memory(v, b)) for v in head.params.values() for b in base.params.values()))
    elif kind == "head_loss":
        outputs.update(_head_loss(fn, base, params, inputs, as_array, error))
    outputs["#params"] = {f"{BASE}{k}": np.asarray(v) for k, v in base.params.items()}
    return outputs


def _freeze(params):
    freeze = params.get("freeze", True)
    return tuple(freeze) if isinstance(freeze, list) else freeze


def _head_loss(fn, base, params, inputs, as_array, error):
    """The head built by the student's HeadOnBase, its parameters then set to the case's ("base.*" copies for
    the kept stages, "head.W"/"head.b" for the head) and its frozen set to the case's; loss(X[, y]), then
    params["train_steps"] plain SGD steps over the gradients it returns."""
    head = fn(base, params["layer"], params["num_classes"], freeze=False, seed=0)
    k = [n for n, _ in base.layers].index(params["layer"]) + 1
    given = {f"W{i}": f"{BASE}W{i}" for i in range(1, k + 1)} | {f"b{i}": f"{BASE}b{i}" for i in range(1, k + 1)}
    given |= {f"W{k + 1}": "head.W", f"b{k + 1}": "head.b"}
    head.params = {p: np.array(inputs[src], copy=True) for p, src in given.items()}
    head.frozen = set(params.get("frozen", ()))
    if "y" not in inputs:
        return {"scores": as_array("scores", head.loss(inputs["X"]))}
    start = {p: v.copy() for p, v in head.params.items()}
    result = head.loss(inputs["X"], inputs["y"])
    if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[1], dict):
        raise error("loss(X, y) returned something other than (loss, grads)")
    loss, grads = result
    outputs = {"loss": as_array("loss", loss)}
    if any(not np.array_equal(head.params[p], start[p]) for p in start):
        raise error("loss() changed self.params; it must leave the parameters unchanged")
    for p in sorted(start):
        outputs[f"has_grad.{p}"] = np.array(int(p in grads))
        if p in grads and p not in head.frozen:
            outputs[f"grad.{p}"] = as_array(f"grads[{p!r}]", grads[p])
    for _ in range(params.get("train_steps", 0)):  # what a Solver does: every parameter with a gradient moves
        _, grads = head.loss(inputs["X"], inputs["y"])
        for p, g in grads.items():
            head.params[p] = head.params[p] - 0.1 * g
    if params.get("train_steps"):
        outputs["frozen_bit_identical"] = np.array(int(all(np.array_equal(head.params[p], start[p])
                                                           for p in head.frozen)))
    return outputs


def _scaled_step(fn, params, inputs, as_array, error):
    """params["steps"] calls of scaled_step with the grader's own rule (params["rule"]) on "param.*" arrays and
    their per-step "grad.*" gradients; frozen names (multiplier 0) get no gradient unless params["frozen_grads"]."""
    rule, mult = RULES[params["rule"]], params["multipliers"]
    weights = {k[len("param."):]: np.array(v, copy=True) for k, v in inputs.items() if k.startswith("param.")}
    start = {k: v.copy() for k, v in weights.items()}
    configs = {k: {} for k in weights}
    for s in range(params["steps"]):
        grads = {k: inputs[f"grad.{k}"][s].copy() for k in weights
                 if mult.get(k, 1.0) != 0 or params.get("frozen_grads")}
        if fn(weights, grads, configs, rule, params["learning_rate"], mult) is not None:
            raise error("scaled_step returned a value; it updates params and configs in place and returns None")
    outputs = {}
    for k in sorted(weights):
        outputs[f"after.{k}"] = as_array(f"params[{k!r}]", weights[k])
        outputs[f"calls.{k}"] = np.array(configs[k].get("calls", 0))
        outputs[f"learning_rate.{k}"] = np.array(float(configs[k].get("learning_rate", -1.0)))
    outputs["frozen_bit_identical"] = np.array(int(all(np.array_equal(weights[k], start[k])
                                                       for k in weights if mult.get(k, 1.0) == 0)))
    return outputs
