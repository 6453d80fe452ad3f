"""Gradient checking: centered differences (full and at random coordinates) and the relative error.

The full-array checkers live in checks/numeric.py, shared with the test bank; this module adds the
sparse check and is what notebooks import.
"""
import numpy as np

from checks.numeric import eval_numerical_gradient, eval_numerical_gradient_array, rel_error, replayed_loss  # noqa: F401


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None, verbose=True):
    """Compare an analytic gradient with centered differences at a few random coordinates.

    Args:
        f: callable taking x and returning a float.
        x: float array; the point (perturbed in place, then restored).
        analytic_grad: shaped like x, the gradient to check.
        num_checks: number of random coordinates.
        h: step.
        rng: numpy Generator choosing the coordinates (default: seeded with 0).
        verbose: print one line per coordinate.

    Returns:
        float, the worst relative error over the checked coordinates.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    worst = 0.0
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(m)) for m in x.shape)
        old = x[ix]
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
        x[ix] = old
        numeric = (fxph - fxmh) / (2 * h)
        err = rel_error(numeric, analytic_grad[ix])
        worst = max(worst, err)
        if verbose:
            print(f"  at {ix}: numeric {numeric:+.6e}  analytic {analytic_grad[ix]:+.6e}  relative error {err:.2e}")
    return worst


def check_model_gradients(model, X, y, h=1e-5, verbose=True):
    """Relative error of every parameter's analytic gradient against centered differences.

    Args:
        model: a model with params and loss(X, y) -> (loss, grads); use dtype=np.float64.
        X, y: a small batch (every parameter entry costs two forward passes).
        h: step.
        verbose: print one line per parameter.

    Returns:
        dict parameter name -> relative error.

    With dropout (model.dropout_param["rng"]), every loss call replays the same masks: the generator restarts
    from the state it had when the check began, so the numeric and analytic gradients are of one function.
    """
    loss = replayed_loss(model)
    _, grads = loss(X, y)
    errors = {}
    for name in sorted(model.params):
        numeric = eval_numerical_gradient(lambda _: loss(X, y)[0], model.params[name], h=h)
        errors[name] = rel_error(numeric, grads[name])
        if verbose:
            print(f"  {name:>7} relative error {errors[name]:.2e}")
    return errors
