"""Name the likely mistake behind a wrong output: a recorded mistake, a generated variant, or a diagnosis.

Recorded mistakes are realistic wrong versions kept in autograder/mistakes/; the build stores their outputs
on every case. Generated variants are the reference run with one hyperparameter or piece of state left out
("ignores:beta1", "ignores:bn_param.eps"), two inputs swapped ("swapped:gamma,beta"), or another graded
function run on the same inputs ("same_as:optim.sgd_momentum"). When
none matches, diagnose.py looks for a relation between the wrong output and the right one.
"""
from .compare import matches
from .diagnose import diagnose, forward_at_fault

STATE = ("velocity", "cache", "m", "v", "t")


def variant_hint(name):
    """The hint for a generated variant's name, or None for a recorded mistake's name."""
    if name.startswith("ignores:") and "." in name:
        owner, key = name.split(":", 1)[1].split(".", 1)
        return f"matches ignoring {owner}['{key}'] (a default used instead of the value given): read it from {owner}"
    if name.startswith("swapped:"):
        a, b = name.split(":", 1)[1].split(",")
        return f"matches {a} and {b} swapped: check which one scales and which one shifts"
    if name.startswith("ignores:"):
        keys = name.split(":", 1)[1].split(",")
        state = [k for k in keys if k in STATE]
        what = " and ".join(f"config['{k}']" for k in keys)
        if state:
            return (f"matches ignoring {what} it was given (a fresh {state[0]}, or a default, instead): continue from "
                    f"the state in config and read every hyperparameter from it")
        return f"matches ignoring {what} (a default used instead of the value in config): read it from config"
    if name == "no_reg_loss":
        return "the loss lacks the regularization term 0.5 * reg * sum(W**2) (over W1..WL)"
    if name == "no_reg_grads":
        return "the weight gradients lack the regularization term reg * W"
    if name.startswith("same_as:"):
        return f"matches what {name.split(':', 1)[1].split('.')[-1]} computes on the same inputs"
    return None


def explain(result, item, got, mistake_outputs, inputs=None, expected=None, aux=None):
    """Set result.hint when a failed case matches a recorded mistake, a generated variant, or a diagnosis.

    Args:
        result: CaseResult of a failed case (modified in place and returned).
        item: the Item (its mistakes map name -> hint; its tolerances).
        got: the student's outputs, name -> array.
        mistake_outputs: name of mistake or variant -> its outputs on the same case.
        inputs: the case's input arrays (for diagnoses), or None.
        expected: the right outputs (for diagnoses), or None.
        aux: the fixture's aux outputs (a backward's right forward output), or None.
    """
    if result.passed:
        return result
    result.hint = forward_at_fault(item, got, aux or {})
    if result.hint:
        return result
    tol = (max(item.rtol, 1e-6), item.atol)
    for name, outputs in mistake_outputs.items():
        hint = item.mistakes.get(name) or variant_hint(name)
        if expected is not None and outputs and matches(outputs, expected, *tol):
            continue  # gives the right outputs here: it cannot explain a wrong one
        if hint and outputs and matches(outputs, got, *tol):
            result.hint = hint
            return result
    if expected is not None:
        result.hint = diagnose(item, inputs or {}, expected, got)
    return result
