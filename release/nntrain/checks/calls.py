"""How each kind of graded item is called: inputs in, named output arrays out.

Used in two places: the grader's child process (on a student's package, out of the grader's process) and
the notebook's check() (in the student's kernel). Only numpy and the student package are imported.
"""
import importlib

import numpy as np

from . import transfer_calls
from .numeric import eval_numerical_gradient, eval_numerical_gradient_array, replayed_loss

CTOR_KEYS = ("hidden_dims", "input_dim", "num_classes", "reg", "weight_scale", "dropout_keep_ratio",
             "normalization", "l1_reg", "num_filters", "filter_size", "hidden_dim")


class StudentError(Exception):
    """The student's code returned something that cannot be graded (wrong type, missing name)."""


def spec(item):
    """The JSON-able part of an Item that calls need (what a child process is sent)."""
    return {"function": item.function, "kind": item.kind, "returns": list(item.returns), "forward": item.forward,
            "state_arg": item.state_arg, "state_out": list(item.state_out)}


def load(package, dotted):
    """The object `name` of module `package.module` for dotted "module.name"."""
    module, name = dotted.rsplit(".", 1)
    mod = importlib.import_module(f"{package}.{module}")
    if not hasattr(mod, name):
        raise StudentError(f"{module}.py has no {name}; keep the name and signature of the stub")
    return getattr(mod, name)


def call(spec, params, inputs, package="nnkit"):
    """Run one case.

    Args:
        spec: dict from spec(item).
        params: the case's params (JSON values).
        inputs: dict name -> array from the item's recipe; not modified (the function gets copies' originals
            and any in-place change is reported).
        package: name of the student package to import.

    Returns:
        outputs: dict name -> numpy array (float64 where numeric).
        after: dict input name -> that input as it was right after the call; `inputs` itself is restored to
            the values it had before, so changed_inputs(inputs, after) says what the call modified in place.
            The grader makes that comparison in its own process, never in the student's.
    """
    kept = {k: np.array(v, copy=True) for k, v in inputs.items()}
    kind = spec["kind"]
    fn = load(package, spec["function"])
    if kind == "function":
        args = _arguments(spec, params, inputs)
        if "expect_error" in params:
            outputs = _expect_error(fn, args, params["expect_error"])
        else:
            outputs = _name_results(spec, fn(**args))
            outputs.update(_state_outputs(spec, args))
    elif kind == "backward":
        forward = load(package, spec["forward"])
        fwd_in = {k: v for k, v in inputs.items() if k != "dout"}
        fwd_out, cache = forward(**_arguments(spec, params, fwd_in))
        fwd_in = {k: v for k, v in fwd_in.items() if not k.startswith(STATE)}
        reshaped = _cached_reshaped(cache, fwd_in)
        outputs = _name_results(spec, fn(inputs["dout"], cache))
        if np.asarray(fwd_out).dtype.kind in "biuf":  # to tell a wrong forward from a wrong backward
            outputs["forward.out"] = np.asarray(fwd_out)
        for name, shape in reshaped.items():
            outputs[f"forward.cached_reshaped.{name}"] = np.array(shape)
    elif kind == "update_rule":
        outputs = _run_rule(spec, fn, inputs)
    elif kind == "model_init":
        outputs = _model_init(fn, params)
    elif kind == "model_loss":
        outputs = _model_loss(fn, params, inputs)
    elif kind in transfer_calls.KINDS:
        outputs = transfer_calls.call(kind, fn, params, inputs, _as_array, StudentError)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    after = dict(inputs)
    after.update(outputs.pop("#params", {}))  # a model's parameters after the call: they must be unchanged
    for k in inputs:  # later cases and the numeric check need the original values
        inputs[k] = kept[k]
    return outputs, after


def changed_inputs(before, after):
    """{input name: "changed" or "missing"} for the inputs that `after` (from call()) shows changed, or could
    not report, vs `before` ("param.<name>" entries are a model's parameters after loss())."""
    found = {}
    for k, v in before.items():
        got = after.get(k)
        if got is None:
            found[k] = "missing"
        elif got.shape != v.shape or got.dtype != v.dtype or not np.array_equal(got, v, equal_nan=v.dtype.kind in "fc"):
            found[k] = "changed"
    return found


RANDOM_DRAWS = (".draw", ".again", ".other")
AUX = "forward."  # outputs about a backward's forward: for diagnoses only, never scored


def fixture_outputs(outputs):
    """The outputs a fixture records and compares: all but random draws (judged by their distribution) and
    the AUX outputs (kept apart by aux_outputs)."""
    return {k: v for k, v in outputs.items() if not k.endswith(RANDOM_DRAWS) and not k.startswith(AUX)}


def aux_outputs(outputs):
    """The AUX outputs of a call (a backward's forward output)."""
    return {k: v for k, v in outputs.items() if k.startswith(AUX)}


def numeric_gradients(spec, params, inputs, package="nnkit"):
    """Numeric gradients of the student's own forward/loss for the gradients the item returns.

    Returns a dict output name -> numeric gradient (empty for items without gradients). Comparing them with
    the student's analytic outputs tells a wrong backward from a wrong forward.
    """
    kind = spec["kind"]
    inputs = {k: np.array(v, dtype=np.float64 if v.dtype.kind == "f" else v.dtype) for k, v in inputs.items()}
    if kind == "backward":
        forward = load(package, spec["forward"])
        fwd_in = {k: v for k, v in inputs.items() if k != "dout"}
        grads = {}
        for name in spec["returns"]:
            arg = name[1:] if name and name.startswith("d") else None
            if arg in fwd_in:
                grads[name] = eval_numerical_gradient_array(
                    lambda v, arg=arg: forward(**_arguments(spec, params, {**_copies(fwd_in), arg: v.copy()}))[0],
                    fwd_in[arg].copy(), inputs["dout"])
        return grads
    if kind == "function" and spec["returns"][:2] == ["loss", "dx"]:
        fn = load(package, spec["function"])
        return {"dx": eval_numerical_gradient(lambda v: fn(v.copy(), inputs["y"].copy())[0], inputs["x"].copy())}
    if kind == "model_loss" and "y" in inputs:
        model = _build_model(load(package, spec["function"]), params, inputs)
        grads = {}
        for k in model.params:
            grads[f"grad.{k}"] = eval_numerical_gradient(
                lambda v: model.loss(inputs["X"], inputs["y"])[0], model.params[k])
        return grads
    return {}


def _cached_reshaped(cache, fwd_inputs):
    """{input name: shape} for forward inputs whose cache holds only a reshaped copy (same values, other shape)."""
    items = cache if isinstance(cache, (tuple, list)) else tuple(cache.values()) if isinstance(cache, dict) else (cache,)
    arrays = [a for a in items if isinstance(a, np.ndarray)]
    found = {}
    for name, x in fwd_inputs.items():
        if any(a.shape == x.shape for a in arrays):
            continue
        for a in arrays:
            if a.size == x.size and a.size > 1 and np.array_equal(a.reshape(-1), np.asarray(x).reshape(-1)):
                found[name] = a.shape
                break
    return found


STATE = "state."  # inputs that go into the state dict a function reads and writes (bn_param's running_mean)


def _arguments(spec, params, inputs):
    """Keyword arguments of one call: the plain inputs, plus for a function with state (spec["state_arg"],
    e.g. bn_param) a fresh dict of the case's params["state"] entries and copies of the "state.<key>" inputs
    (the function may write into it; its copies keep the case's inputs unchanged; a state entry "rng_seed"
    becomes "rng", a fresh generator with that seed); params["args"] are plain
    keyword arguments (p=0.3, pad=2) and params["rng_seed"] gives a fresh rng=np.random.default_rng(seed)
    (a function that draws from the generator it is passed draws the same numbers at every call)."""
    args = {k: v for k, v in inputs.items() if not k.startswith(STATE)}
    args.update(params.get("args", {}))
    if "rng_seed" in params:
        args["rng"] = np.random.default_rng(params["rng_seed"])
    if spec.get("state_arg"):
        state = dict(params.get("state", {}))
        if "rng_seed" in state:  # the generator a layer draws its masks from (dropout_param["rng"])
            state["rng"] = np.random.default_rng(state.pop("rng_seed"))
        state.update({k[len(STATE):]: np.array(v, copy=True) for k, v in inputs.items() if k.startswith(STATE)})
        args[spec["state_arg"]] = state
    return args


def _state_outputs(spec, args):
    """{"<state_arg>.<key>": array} for the keys the function must have written into its state dict."""
    outputs = {}
    state = args.get(spec.get("state_arg"), {})
    for key in spec.get("state_out") or ():
        if key not in state:
            raise StudentError(f"{spec['state_arg']} has no {key!r} after the call; write it back into "
                               f"{spec['state_arg']}")
        outputs[f"{spec['state_arg']}.{key}"] = _as_array(f"{spec['state_arg']}[{key!r}]", state[key])
    return outputs


def _expect_error(fn, args, expected):
    """Outputs of a call that must raise: expected {"type": exception class name, "names": text the message
    must contain}. Raising that type gives "error.raised" 1 and "error.names_it" 1 when the message names the
    bad value; raising anything else propagates (the case reports it, with its line); raising nothing is a
    StudentError saying what the contract asks."""
    try:
        fn(**args)
    except Exception as exc:  # noqa: BLE001 - which exception, and its message, are the outputs
        if type(exc).__name__ != expected["type"]:
            raise
        return {"error.raised": np.array(1), "error.names_it": np.array(int(expected["names"] in str(exc)))}
    raise StudentError(f"returned normally; the docstring asks for a {expected['type']} naming {expected['names']!r} "
                       f"for this input")


def _copies(arrays):
    return {k: np.array(v, copy=True) for k, v in arrays.items()}


def _as_array(name, value):
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise StudentError(f"{name} is a {type(value).__name__} of dtype {arr.dtype}; expected numbers")
    return arr


def _name_results(spec, result):
    returns = spec["returns"]
    if len(returns) == 1:
        result = (result,)
    elif not isinstance(result, tuple) or len(result) != len(returns):
        got = f"a tuple of {len(result)}" if isinstance(result, tuple) else type(result).__name__
        raise StudentError(f"returned {got}; expected a tuple ({', '.join(r or 'cache' for r in returns)})")
    return {name: _as_array(name, value) for name, value in zip(returns, result) if name is not None}


def _run_rule(spec, fn, inputs):
    config = {k[len("config."):]: (v.item() if v.ndim == 0 else v.copy())
              for k, v in inputs.items() if k.startswith("config.")}
    w = inputs["w"]
    for dw in inputs["dw"]:
        result = fn(w, dw, config)
        if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[1], dict):
            raise StudentError("returned something other than (next_w, config)")
        w, config = result
    outputs = {"next_w": _as_array("next_w", w)}
    for name in spec["returns"][1:]:
        if name not in config:
            raise StudentError(f"config has no {name!r} after the update; the rule must store its state there")
        outputs[name] = _as_array(name, config[name])
    return outputs


def _ctor_args(params):
    args = {k: params[k] for k in CTOR_KEYS if k in params}
    if "model_seed" in params:  # a case's own `seed` draws its inputs; this one seeds the model
        args["seed"] = params["model_seed"]
    args["dtype"] = np.float64
    return args


def _model_init(cls, params):
    """Shapes and dtype flags of a new model's parameters, and its draws: built with the case's seed
    ("<name>.draw"), again with the same seed ("<name>.again") and with seed + 1 ("<name>.other")."""
    model = cls(**_ctor_args(params))
    again = cls(**_ctor_args(params))
    other = cls(**_ctor_args({**params, "model_seed": params.get("model_seed", 0) + 1}))
    outputs = {}
    for k, v in sorted(model.params.items()):
        v = _as_array(k, v)
        outputs[f"{k}.shape"] = np.array(v.shape)
        outputs[f"{k}.dtype_is_float64"] = np.array(v.dtype == np.float64, dtype=np.int64)
        outputs[f"{k}.draw"] = v
        for name, m in (("again", again), ("other", other)):
            if k in m.params:
                outputs[f"{k}.{name}"] = _as_array(k, m.params[k])
    return outputs


def _build_model(cls, params, inputs):
    model = cls(**_ctor_args(params))
    for k, v in inputs.items():
        if k.startswith("param."):
            model.params[k[len("param."):]] = v.copy()
    # the masks come from a generator seeded for the case and replay at every call: they do not depend on how
    # the constructor drew the weights, and a numeric gradient sees the same function as the analytic one
    model.loss = replayed_loss(model, seed=params.get("model_seed", 0))
    return model


def _model_loss(cls, params, inputs):
    model = _build_model(cls, params, inputs)
    given = dict(model.params)
    if "X_warm" in inputs:  # training steps' forward passes first: normalization layers update their state
        for X_warm, y_warm in zip(inputs["X_warm"], inputs["y_warm"]):
            model.loss(X_warm, y_warm)
    if "y" not in inputs:
        outputs = {"scores": _as_array("scores", model.loss(inputs["X"]))}
        outputs["#params"] = {f"param.{k}": np.asarray(model.params.get(k)) for k in given}
        return outputs
    result = model.loss(inputs["X"], inputs["y"])
    if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[1], dict):
        raise StudentError("loss(X, y) returned something other than (loss, grads)")
    loss, grads = result
    outputs = {"loss": _as_array("loss", loss),
               "#params": {f"param.{k}": np.asarray(model.params.get(k)) for k in given}}
    for k in model.params:
        if k not in grads:
            raise StudentError(f"grads has no {k!r}; it needs one entry per parameter")
        outputs[f"grad.{k}"] = _as_array(f"grads[{k!r}]", grads[k])
    return outputs
