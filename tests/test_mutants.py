"""Every known mistake loses points on its item and is named; mistakes the grader does not know lose points too;
an independently written correct implementation gets full marks."""
from pathlib import Path

import pytest

from autograder import mistakes, paths
from autograder.bank.items import REGISTRY
from autograder.grade import grade_item
from autograder.run import Limits
from autograder.unpack import unpack
from conftest import append_to, make_submission

HERE = Path(__file__).resolve().parent


def grade_one(folder, item_id, table):
    ws = unpack(folder)
    return grade_item(ws.root, REGISTRY[item_id], table, Limits(seconds=10))


@pytest.mark.parametrize("mistake", mistakes.MISTAKES, ids=lambda m: f"{m.item}/{m.name}")
def test_each_known_mistake_loses_points_and_is_named(mistake, tmp_path, table):
    folder = make_submission(tmp_path, patches={mistake.file: lambda t: (t.replace(mistake.old, mistake.new)
                                                                          if t.count(mistake.old) == 1 else 1 / 0)})
    verdict = grade_one(folder, mistake.item, table)
    assert verdict.score < verdict.points
    assert REGISTRY[mistake.item].mistakes[mistake.name] in verdict.text()


def test_every_item_has_at_least_three_known_mistakes_and_every_hint_a_mistake():
    for item in REGISTRY.values():
        if item.kind == "artifact":
            continue
        names = {m.name for m in mistakes.for_item(item.id)}
        assert len(names) >= 3, item.id
        assert names == set(item.mistakes), item.id


# Wrong versions the grader has no hint for: each must still lose points.
UNKNOWN = {
    "fc.affine_forward": ("layers.py", "def affine_forward(x, w, b):\n    out = x.reshape(x.shape[0], -1) @ w - b\n"
                                       "    return out, (x, w, b)"),
    "fc.affine_backward": ("layers.py", "def affine_backward(dout, cache):\n    x, w, b = cache\n"
                                        "    x2 = x.reshape(x.shape[0], -1)\n"
                                        "    return (dout @ w.T).reshape(x.shape), x2.T @ dout, dout.mean(axis=0)"),
    "fc.relu_backward": ("layers.py", "def relu_backward(dout, cache):\n    return dout * (cache >= 0.5)"),
    "fc.softmax_loss": ("layers.py", "def softmax_loss(x, y):\n    p = np.exp(x - x.max(1, keepdims=True))\n"
                                     "    p /= p.sum(1, keepdims=True)\n    N = len(y)\n"
                                     "    loss = -np.log(p[np.arange(N), y]).mean()\n"
                                     "    p[np.arange(N), y] += 1\n    return loss, p / N"),
    "optim.adam": ("optim.py", "def adam(w, dw, config=None):\n    config = config or {}\n"
                               "    config.setdefault('t', 0); config['t'] += 1\n"
                               "    config['m'] = config.get('m', 0 * w); config['v'] = config.get('v', 0 * w)\n"
                               "    return w - 1e-3 * np.sign(dw), config"),
}


@pytest.mark.parametrize("item_id", sorted(UNKNOWN))
def test_unknown_mistakes_lose_points(item_id, tmp_path, table):
    file, code = UNKNOWN[item_id]
    verdict = grade_one(make_submission(tmp_path, patches={file: append_to(code)}), item_id, table)
    assert verdict.score < verdict.points
    assert "likely mistake" not in verdict.text()  # no known mistake is claimed for an unknown one


def test_an_independent_correct_implementation_gets_full_marks(tmp_path, table):
    folder = make_submission(tmp_path, package_dir=HERE / "alternative" / paths.PACKAGE)
    ws = unpack(folder)
    for item in REGISTRY.values():
        if item.kind == "artifact":
            continue
        verdict = grade_item(ws.root, item, table, Limits(seconds=30))
        assert verdict.score == verdict.points, verdict.text()
