"""Grading behaviour: full marks for the reference, zero for stubs, and hostile code contained per item."""
import json
import zipfile

import numpy as np
from autograder import paths
from autograder.cases import items
from autograder.grade import grade_item, grade_submission
from autograder.run import Limits
from autograder.samples import SAMPLES
from autograder.unpack import unpack
from conftest import FULL, append_to, imports_layers, make_submission

FAST = Limits(seconds=5.0)
FUNCTION_ITEMS = [it for it in items() if it.kind != "artifact"]


def grade_items(folder, table, limits=FAST):
    """{item id: Verdict} for every function item, graded from an unpacked copy of folder."""
    ws = unpack(folder)
    return {it.id: grade_item(ws.root, it, table, limits) for it in FUNCTION_ITEMS}


def test_reference_sample_scores_full_marks():
    result = grade_submission(SAMPLES / "reference.zip")
    assert result["error"] is None
    for v in result["verdicts"]:
        assert v.score == v.points, v.text()
    assert sum(v.points for v in result["verdicts"]) == FULL


def test_untouched_release_scores_zero_with_not_implemented_messages(tmp_path, table):
    verdicts = grade_items(make_submission(tmp_path, paths.RELEASE / paths.PACKAGE), table)
    for v in verdicts.values():
        assert v.score == 0
        assert v.error.startswith("not implemented yet"), v.text()
    assert "then run check('relu_forward')" in verdicts["fc.relu_forward"].error
    # a backward needs its forward's cache, so the first missing function is the one named
    assert "affine_forward: your code goes here" in verdicts["fc.affine_backward"].error


def test_syntax_error_costs_the_items_that_import_the_module(tmp_path, table):
    folder = make_submission(tmp_path, patches={"layers.py": lambda t: t.replace("db = dout.sum(axis=0)",
                                                                                 "db = dout.sum(axis=0")})
    verdicts = grade_items(folder, table)
    by_id = {it.id: it for it in items()}
    for item_id, v in verdicts.items():
        if imports_layers(by_id[item_id]):
            assert v.score == 0 and "SyntaxError in layers.py" in v.error, v.text()
        else:
            assert v.score == v.points, v.text()
    assert {"do.dropout_forward", "do.random_crop", "do.polyak_update", "cn.conv_forward_naive"} <= set(verdicts)


def test_infinite_loop_times_out_and_costs_only_what_calls_it(tmp_path, table):
    folder = make_submission(tmp_path, patches={"layers.py": append_to(
        "def relu_forward(x):\n    while True:\n        pass")})
    verdicts = grade_items(folder, table, Limits(seconds=2.0))
    assert "timed out after 2 s" in verdicts["fc.relu_forward"].error
    for item_id in ("fc.relu_backward", "fc.net_loss"):  # these call relu_forward
        assert verdicts[item_id].score == 0
    for item_id in ("fc.affine_forward", "fc.affine_backward", "fc.softmax_loss", "optim.adam"):
        assert verdicts[item_id].score == verdicts[item_id].points


def test_sys_exit_fails_its_item_with_a_message(tmp_path, table):
    folder = make_submission(tmp_path, patches={"layers.py": append_to(
        "def softmax_loss(x, y):\n    import sys\n    sys.exit(3)")})
    verdicts = grade_items(folder, table)
    assert "called sys.exit(3)" in verdicts["fc.softmax_loss"].error
    assert verdicts["fc.svm_loss"].score == verdicts["fc.svm_loss"].points


def test_os_exit_kills_only_its_item(tmp_path, table):
    folder = make_submission(tmp_path, patches={"optim.py": append_to(
        "def adam(w, dw, config=None):\n    import os\n    os._exit(0)")})
    verdicts = grade_items(folder, table)
    assert "exited with code 0" in verdicts["optim.adam"].error
    assert verdicts["optim.rmsprop"].score == verdicts["optim.rmsprop"].points


def test_50_gb_allocation_is_a_memory_error_not_a_crash(tmp_path, table):
    folder = make_submission(tmp_path, patches={"layers.py": append_to(
        "def affine_forward(x, w, b):\n    big = np.ones(50 * 2**30 // 8)\n    return big, None")})
    verdicts = grade_items(folder, table)
    assert "MemoryError" in verdicts["fc.affine_forward"].error
    assert verdicts["fc.relu_forward"].score == verdicts["fc.relu_forward"].points


def test_monkeypatching_numpy_comparisons_changes_nothing(tmp_path, table):
    hostile = ("np.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
               "np.array_equal = lambda *a, **k: True\n"
               "def affine_forward(x, w, b):\n    return np.zeros((x.shape[0], w.shape[1])), (x, w, b)")
    folder = make_submission(tmp_path, patches={"layers.py": append_to(hostile)})
    verdicts = grade_items(folder, table)
    assert verdicts["fc.affine_forward"].score == 0
    assert "out wrong" in verdicts["fc.affine_forward"].text()
    assert verdicts["fc.relu_forward"].score == verdicts["fc.relu_forward"].points


def test_an_object_claiming_equality_is_compared_by_its_numbers(tmp_path, table):
    hostile = ("class Liar:\n    def __eq__(self, other):\n        return True\n"
               "    def __array__(self, dtype=None, copy=None):\n        return np.zeros((1, 1))\n"
               "def relu_forward(x):\n    return Liar(), x")
    folder = make_submission(tmp_path, patches={"layers.py": append_to(hostile)})
    verdict = grade_items(folder, table)["fc.relu_forward"]
    assert verdict.score == 0 and "shape (1, 1)" in verdict.text()


def test_returning_a_non_numeric_object_is_reported(tmp_path, table):
    folder = make_submission(tmp_path, patches={"layers.py": append_to(
        "def relu_forward(x):\n    return 'done', x")})
    verdict = grade_items(folder, table)["fc.relu_forward"]
    assert verdict.score == 0 and "expected numbers" in verdict.text()


def test_in_place_modification_of_the_input_loses_points(tmp_path, table):
    folder = make_submission(tmp_path, patches={"layers.py": append_to(
        "def relu_forward(x):\n    np.maximum(x, 0, out=x)\n    return x, x")})
    verdict = grade_items(folder, table)["fc.relu_forward"]
    # every output is right: the stated cost of an in-place change, not the whole item
    assert verdict.score == 0.75 * verdict.points and verdict.status == "failed"
    assert "modified its input x in place" in verdict.text() and "costs 25% of the item's points" in verdict.text()


def test_check_shows_public_points_and_says_hidden_cases_exist(tmp_path, capsys):
    import importlib
    import sys
    folder = make_submission(tmp_path, patches={"layers.py": lambda t: t.replace("db = dout.sum(axis=0)",
                                                                                 "db = dout.mean(axis=0)")})
    sys.path.insert(0, str(folder))
    try:
        for m in [m for m in sys.modules if m == "nnkit" or m.startswith("nnkit.")]:
            del sys.modules[m]
        from autograder.bank.check import check
        verdict = check("affine_backward")
    finally:
        sys.path.remove(str(folder))
        for m in [m for m in sys.modules if m == "nnkit" or m.startswith("nnkit.")]:
            del sys.modules[m]
        importlib.invalidate_caches()
    printed = capsys.readouterr().out
    # 1 of 3 public cases pass (batch of one: the mean is the sum); each of the 5 cases carries 6/5 points
    assert "public cases: 1 of 3 pass" in printed
    assert "(1.2 of the 3.6 points public cases carry; 2 hidden cases worth 2.4 more are graded by the autograder)" \
        in printed
    assert "divided by N = 4 once too often" in printed
    assert verdict._ipython_display_() is None and "Verdict(" not in printed  # a notebook shows the text only


def test_a_pickled_model_file_is_refused_without_loading_it(tmp_path):
    folder = make_submission(tmp_path)
    (folder / "artifacts").mkdir()
    np.save(folder / "artifacts" / "W1.npy", np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(folder / "artifacts" / "best_model.npz", "w") as z:
        z.write(folder / "artifacts" / "W1.npy", "W1.npy")
    best = next(it for it in items() if it.kind == "artifact")
    ws = unpack(folder)
    verdict = grade_item(ws.root, best, {})
    assert verdict.score == 0 and "not a readable .npz of plain arrays" in verdict.error


def test_hidden_case_details_are_not_in_the_report(tmp_path, table):
    folder = make_submission(tmp_path, patches={"layers.py": lambda t: t.replace("db = dout.sum(axis=0)",
                                                                                 "db = 2 * dout.sum(axis=0)")})
    text = grade_items(folder, table)["fc.affine_backward"].text()
    hidden_lines = [ln for ln in text.splitlines() if "hidden case" in ln]
    assert hidden_lines and all("got " not in ln and " at [" not in ln for ln in hidden_lines)


def test_hidden_cases_show_no_shapes_or_sizes_even_in_hints():
    from autograder.bank.verdict import hidden_hint, hidden_problem
    assert hidden_problem("dw: shape (4, 8), expected (8, 4) (transposed?)") == "dw: wrong shape"
    assert hidden_problem("db wrong, worst relative error 0.6 at [0]: got 1, expected 2") == "db wrong"
    assert hidden_problem("dx is float32; float64 inputs must give float64 (a conversion?)").startswith("dx is float32")
    assert hidden_hint("your affine_forward caches x reshaped to (6, 8), not x") == \
        "your affine_forward caches x reshaped to (...), not x"
    assert hidden_hint("divided by N = 6 once too often") == "divided by N once too often"


def test_results_json_has_gradescope_shape(tmp_path):
    from autograder.report import results_json
    data = results_json(grade_submission(SAMPLES / "partial.zip"))
    json.dumps(data)
    assert {"score", "max_score", "tests"} <= set(data)
    assert all({"name", "score", "max_score", "status", "output"} <= set(t) for t in data["tests"])
    assert 0 < data["score"] < data["max_score"]


def test_a_module_whose_import_never_ends_is_timed_out_once_then_skipped(tmp_path):
    folder = make_submission(tmp_path, patches={"optim.py": append_to("while True:\n    pass")})
    result = grade_submission(folder, Limits(seconds=2.0))
    by_id = {v.id: v for v in result["verdicts"]}
    optim_items = [v for v in result["verdicts"] if v.id.startswith("optim.")]
    assert all("while importing optim.py" in v.error and v.score == 0 for v in optim_items)
    assert by_id["fc.affine_forward"].score == by_id["fc.affine_forward"].points
    assert result["seconds"] < 2.0 * 2 + 10  # one timeout, not five
