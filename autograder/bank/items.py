"""Records of graded items and their cases; the registry of all items by id."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One input to a graded function: a name, shape parameters for the item's recipe, and a seed.

    params are plain JSON values (shape tuples, hyperparameters); the item's recipe turns them and the seed
    into input arrays, so the same case gives the same inputs in the grader and in the student's notebook.
    """
    name: str
    seed: int = 0
    params: dict = field(default_factory=dict)

    def __init__(self, name, seed=0, **params):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "seed", seed)
        object.__setattr__(self, "params", params)


@dataclass(frozen=True)
class Item:
    """One graded item.

    id: stable id ("fc.affine_backward"); grade_id is the nbgrader grade cell id derived from it.
    points: full marks.
    function: "module.name" inside the student package nnkit ("layers.affine_backward").
    kind: how calls.py calls it ("function", "backward", "update_rule", "model_init", "model_loss").
    recipe: name of the input recipe in recipes.py.
    returns: names of the values the function returns, None for ones not compared (a cache).
    public: cases students see; hidden cases live in the grader only.
    rtol, atol: a case passes when every output's worst relative error <= rtol or absolute error <= atol.
    mistakes: known wrong versions, name -> hint shown when a wrong output matches that mistake.
    forward: for kind "backward", the "module.name" of the forward that makes the cache.
    notebook: the notebook whose grade cell holds this item.
    hidden: how many hidden cases the grader adds (their number is public, their inputs are not).
    boundary: what the contract says at x == 0, for the diagnosis of outputs wrong only there.
    uses: ids of the items whose functions this one calls (a model uses its layers), so a failure there is
        named here too.
    state_arg: the argument that is a dict the function reads and writes (batchnorm's bn_param), or None;
        a case's params["state"] gives its plain entries, "state.<key>" inputs its arrays.
    state_out: keys of that dict the function must leave there; compared as outputs "<state_arg>.<key>".
    artifact: for kind "artifact", the saved model's path in the submission.
    targets: for kind "artifact", {dataset: (accuracy where points start, accuracy for full marks)};
        None: artifact.TARGETS.
    """
    id: str
    points: float
    function: str
    kind: str
    recipe: str
    returns: tuple
    public: tuple
    rtol: float = 1e-6
    atol: float = 1e-10
    mistakes: dict = field(default_factory=dict)
    forward: str = None
    notebook: str = "FullyConnectedNets"
    hidden: int = 0
    boundary: str = None
    uses: tuple = ()
    state_arg: str = None
    state_out: tuple = ()
    artifact: str = "artifacts/best_model.npz"
    targets: dict = None

    @property
    def grade_id(self):
        return self.id.replace(".", "-")

    @property
    def name(self):
        return self.id.split(".")[-1]

    @property
    def outputs(self):
        return tuple(r for r in self.returns if r is not None)


REGISTRY = {}


def register(*items):
    """Add items to the registry; ids must be unique."""
    for item in items:
        if item.id in REGISTRY:
            raise ValueError(f"duplicate item id {item.id!r}")
        REGISTRY[item.id] = item
    return items


def find(name):
    """The item with this id ("fc.affine_backward") or function name ("affine_backward")."""
    if name in REGISTRY:
        return REGISTRY[name]
    matches = [it for it in REGISTRY.values() if it.name == name]
    if len(matches) != 1:
        known = ", ".join(sorted(it.name for it in REGISTRY.values()))
        raise KeyError(f"no graded item named {name!r}; known: {known}")
    return matches[0]
