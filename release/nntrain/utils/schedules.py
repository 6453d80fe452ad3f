"""Learning-rate schedules: functions (t, T) -> multiplier of the base learning rate.

t is the iteration (0-based), T the total number of iterations. Pass one to Solver(lr_schedule=...),
by name ("constant", "step", "exponential", "cosine", "warmup", "cosine_restarts") or as any callable of this shape.
"""
import math


def constant():
    """Multiplier 1 throughout."""
    return lambda t, T: 1.0


def step(every=0.25, factor=0.5):
    """Multiply by `factor` after each `every` fraction of training (0.25: four equal stages)."""
    return lambda t, T: factor ** math.floor(t / max(1.0, every * T))


def exponential(final=0.01):
    """Smooth exponential decay from 1 at t = 0 to `final` at t = T."""
    return lambda t, T: final ** (t / max(1, T))


def cosine(final=0.0):
    """Half a cosine from 1 at t = 0 to `final` at t = T."""
    return lambda t, T: final + (1 - final) * 0.5 * (1 + math.cos(math.pi * min(t, T) / max(1, T)))


def warmup(fraction=0.1, then=None):
    """Linear warm-up from ~0 to 1 over the first `fraction` of training, then the `then` schedule (cosine)."""
    after = cosine() if then is None else then

    def schedule(t, T):
        n = max(1, int(fraction * T))
        if t < n:
            return (t + 1) / n
        return after(t - n, max(1, T - n))
    return schedule


def inverse_time(final=0.1):
    """The lecture's 1/t decay, 1 / (1 + k t / T), with k chosen so the factor ends at `final`."""
    k = 1 / final - 1
    return lambda t, T: 1.0 / (1.0 + k * t / max(T, 1))


def cosine_restarts(cycles=4, final=0.0):
    """`cycles` equal cosine cycles, each from 1 down to `final` and back up at once (SGDR, warm restarts):
    the ends of the cycles are the snapshots of a snapshot ensemble."""
    half = cosine(final)

    def schedule(t, T):
        length = max(1, T // cycles)
        return half(t % length, length - 1)
    return schedule


BY_NAME = {"constant": constant, "step": step, "exponential": exponential, "cosine": cosine, "warmup": warmup,
           "1/t": inverse_time, "cosine_restarts": cosine_restarts}


def get(schedule):
    """A schedule from a name in BY_NAME, a callable (returned as is) or None (constant)."""
    if schedule is None:
        return constant()
    if callable(schedule):
        return schedule
    if schedule not in BY_NAME:
        raise ValueError(f"lr_schedule: unknown name {schedule!r}; expected one of {sorted(BY_NAME)} or a callable")
    return BY_NAME[schedule]()
