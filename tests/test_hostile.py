"""The hostile-submission suite: one real batch (`grade --jobs 2`, the sandbox, the gradebook) of attacks and
malformed zips and models (tests/hostile_corpus.py), then one test per class of attack.

Each test checks that the submission got a result, that its unaffected items kept their points, that nothing
outside the sandbox changed, and that the batch's other results are intact.
"""
import csv
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile_corpus as hc
from autograder import paths
from autograder.sandbox import Cgroup
from conftest import FC_FULL, needs_sandbox

pytestmark = needs_sandbox


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade the corpus once; returns a dict with the corpus, results, the grader's output and host checks."""
    tmp = tmp_path_factory.mktemp("hostile")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind("\0" + hc.MARKER)
    abstract.listen()
    abstract.setblocking(False)
    out = tmp / "graded"
    subs = tmp / "subs"
    ctx = hc.context(out, subs / "canary_last.zip", listener.getsockname()[1], os.getpid())
    corpus = hc.build(subs, ctx)
    names = ["canary_first", *[n for n in corpus if not n.startswith("canary")], "canary_last"]
    secrets = [hc.HIDDEN_FILE, paths.REFERENCE_PACKAGE / "layers.py", paths.ROOT / "autograder" / "run.py",
               *[corpus[n][0] for n in names]]
    before = {str(p): _digest(p) for p in secrets}
    tmp_before = set(os.listdir("/tmp"))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", *[str(corpus[n][0]) for n in names],
                           "--out", str(out), "--jobs", "2", "--quiet", "--time-limit", "10"],
                          cwd=paths.ROOT, capture_output=True, text=True, timeout=900,
                          env={**os.environ, hc.SECRET_ENV: "1"})
    seconds = time.perf_counter() - start
    time.sleep(4)  # the daemon's write, had it survived, would have happened by now
    connections = 0
    for sock in (listener, abstract):
        try:
            sock.accept()
            connections += 1
        except BlockingIOError:
            pass
        sock.close()
    results = {n: json.loads((out / f"{n}.json").read_text()) for n in names if (out / f"{n}.json").exists()}
    print(f"\nhostile batch: {len(names)} submissions graded in {seconds:.1f} s (--jobs 2)")
    return {"corpus": corpus, "names": names, "out": out, "proc": proc, "results": results,
            "before": before, "after": {p: _digest(p) for p in before}, "connections": connections,
            "new_tmp": set(os.listdir("/tmp")) - tmp_before, "strays": hc.stray_processes()}


def _svm(result):
    return next(t for t in result["tests"] if t["id"] == "fc.svm_loss")


def _check_attack(batch, name):
    """The attack's submission got a result, lost only its own item (fc.svm_loss, or the one ITEM_ATTACKS
    names), and reported what it must."""
    result = batch["results"][name]
    own = hc.attacked_item(name)
    svm = next(t for t in result["tests"] if t["id"] == own)
    assert hc.EXPECT_REPORT[name] in svm["output"], svm["output"]
    assert svm["score"] < svm["max_score"] or name == "daemon"
    others = [t for t in result["tests"] if t["id"] != own]
    assert all(t["score"] == t["max_score"] for t in others), [t["output"] for t in others if t["score"] < t["max_score"]]
    return svm["output"]


def test_the_batch_finishes_with_every_submission_scored_and_no_grader_crash(batch):
    proc = batch["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1  # some submissions could not be graded (broken zips): exit 1, as README says
    assert set(batch["results"]) == set(batch["names"])
    rows = {r["submission"]: r for r in csv.DictReader(open(batch["out"] / "grades.csv"))}
    assert set(rows) == set(batch["names"])
    for name, result in batch["results"].items():
        assert float(rows[name]["score"]) == result["score"]
        assert result["extra_data"]["sandbox"] == "bwrap"


def test_canaries_before_and_after_the_attacks_keep_full_marks(batch):
    for name in ("canary_first", "canary_last"):
        assert batch["results"][name]["score"] == hc.FULL, batch["results"][name]["output"]


def test_nothing_outside_the_sandbox_changed(batch):
    assert batch["before"] == batch["after"]  # secrets, the grader's code and every submission's zip
    expected = {f"{n}.json" for n in batch["names"]} | {"grades.csv", "gradebook.db", "nbgrader_config.py"}
    assert set(os.listdir(batch["out"])) - {"autograded", "source", "class_report"} == expected
    assert not [n for n in batch["new_tmp"] if hc.MARKER in n or n.startswith("big")]
    assert batch["connections"] == 0


def test_gradebook_has_a_row_for_every_graded_submission(batch):
    from nbgrader.api import Gradebook
    graded = [n for n, r in batch["results"].items() if not r["extra_data"]["error"]]
    with Gradebook(f"sqlite:///{batch['out'] / 'gradebook.db'}") as gb:
        for name in graded:
            sub = gb.find_submission(paths.ASSIGNMENT, name)
            assert sub.score == batch["results"][name]["score"]


def test_reading_secrets_through_the_parents_proc_finds_nothing(batch):
    out = _check_attack(batch, "proc_parent")
    assert "pids=" in out  # only the sandbox's own processes were visible


def test_reading_secrets_other_submissions_and_workspaces_by_path_finds_nothing(batch):
    _check_attack(batch, "read_secrets")


def test_unmounting_or_remounting_is_refused(batch):
    _check_attack(batch, "umount")


def test_setns_new_user_namespaces_and_the_network_are_refused(batch):
    out = _check_attack(batch, "setns_network")
    assert "net=OK" not in out and "unix=OK" not in out and "dns=OK" not in out


def test_ptrace_and_kill_of_the_grader_are_refused(batch):
    out = _check_attack(batch, "ptrace_kill")
    assert "killpg=ProcessLookupError" in out or "killpg=PermissionError" in out


def test_a_transfer_item_cannot_read_the_held_out_digits_or_touch_the_zoo(batch):
    _check_attack(batch, "transfer_zoo_and_heldout")
    from utils import zoo
    for name, entry in zoo.read_manifest().items():  # the shipped weights are still the manifest's
        assert zoo.sha256(zoo.datasets_dir() / entry["file"]) == entry["weights_sha256"], name


def test_writing_outside_the_sandbox_is_refused(batch):
    _check_attack(batch, "write_outside")
    assert batch["results"]["canary_first"]["score"] == hc.FULL


def test_a_daemon_does_not_outlive_its_item(batch):
    _check_attack(batch, "daemon")
    assert batch["strays"] == []
    assert not list(batch["out"].glob("daemon-*"))


def test_a_fork_bomb_ends_at_a_bound(batch):
    out = _check_attack(batch, "fork_bomb")
    forked = int(out.split("forked=")[1].split()[0])
    group = Cgroup.create(64, 2**30)
    if group is None:
        pytest.skip("no cgroup pids controller writable here: the fork bound is the time limit only")
    group.close()
    assert forked < 64 and "err=BlockingIOError" in out


def test_filling_tmp_stops_at_the_sandboxs_own_small_tmpfs(batch):
    out = _check_attack(batch, "fill_tmp")
    assert int(out.split("mib=")[1].split()[0]) <= 64


def test_many_memory_hogs_cost_only_their_item(batch):
    result = batch["results"]["memory_hog"]
    others = [t for t in result["tests"] if t["id"] != "fc.svm_loss"]
    assert all(t["score"] == t["max_score"] for t in others)


def test_monkeypatched_numpy_does_not_hide_an_in_place_change(batch):
    _check_attack(batch, "numpy_patch_inplace")


def test_flooding_stderr_costs_one_timeout(batch):
    _check_attack(batch, "stderr_flood")


@pytest.mark.parametrize("name", ["forge_json_list", "forge_garbage", "forge_huge_npz", "forge_object_npz", "output_flood",
                                  "exit_and_signal"])
def test_malformed_or_oversized_child_output_costs_only_its_case(batch, name):
    _check_attack(batch, name)


@pytest.mark.parametrize("name", [n for n in hc._model_variants()])
def test_malformed_saved_models_cost_only_the_model_item_with_a_reason(batch, name):
    result = batch["results"][name]
    best = next(t for t in result["tests"] if t["id"] == "fc.best_model")
    assert best["score"] == 0 and batch["corpus"][name][2] in best["output"], best["output"]
    assert result["score"] == hc.FULL - hc.MODEL_POINTS


@pytest.mark.parametrize("name", ["zip_bad_utf8", "zip_encrypted", "zip_bad_crc", "zip_file_folder", "zip_long_name",
                                  "zip_not_a_zip", "zip_empty", "zip_no_package", "zip_bomb", "zip_slip"])
def test_malformed_zips_get_a_result_with_a_reason(batch, name):
    result = batch["results"][name]
    expect = batch["corpus"][name][2]
    if isinstance(expect, str):  # the whole zip is unreadable: a result that says why, zero points
        assert result["score"] == 0 and expect in result["extra_data"]["error"], result["output"]
    else:  # one member is bad: it is skipped with its reason, the rest is graded
        reason, score = expect
        assert reason in result["output"] and result["score"] == score, result["output"]


NBGRADER_ATTACK = '''
def svm_loss(x, y):
    import os
    hits = []
    for p in ("{db}", "{course}/nbgrader_config.py", "{course}/submitted/canary/nntrain/nnkit/layers.py", "{hidden}"):
        try:
            with open(p, "a") as f:
                f.write("# owned")
            hits.append(p)
        except OSError:
            pass
    raise RuntimeError(f"PROBE wrote={{len(hits)}}")
'''


@pytest.mark.notebook
def test_nbgrader_autograde_of_a_hostile_submission_is_contained(tmp_path):
    """The nbgrader path runs student code through the same sandbox: the course's gradebook, config and the
    other students' submissions stay untouched, and the attack costs only its own item."""
    from autograder.nbgrader_course import setup_course
    course = tmp_path / "course"
    hostile = hc.reference_folder(tmp_path / "h", {"layers.py": hc.append_to(
        "_reference_svm = svm_loss\n" + NBGRADER_ATTACK.format(db=course / "gradebook.db", course=course,
                                                                 hidden=hc.HIDDEN_FILE))})
    canary = hc.reference_folder(tmp_path / "c")
    import shutil
    for folder in (hostile, canary):  # nbgrader grades notebooks: each student hands in the release notebook
        for notebook in paths.NOTEBOOKS:
            shutil.copy(paths.RELEASE / f"{notebook}.ipynb", folder / f"{notebook}.ipynb")
    setup_course(course, [hc._zip_folder(hostile, tmp_path / "mallory.zip"), hc._zip_folder(canary, tmp_path / "canary.zip")])
    watched = [course / "gradebook.db", course / "nbgrader_config.py", hc.HIDDEN_FILE,
               course / "submitted" / "canary" / "nntrain" / "nnkit" / "layers.py"]
    before = {p: _digest(p) for p in watched[1:]}
    bin_dir = Path(sys.executable).parent
    out = subprocess.run([str(bin_dir / "nbgrader"), "autograde", paths.ASSIGNMENT], cwd=course, capture_output=True,
                         text=True, timeout=600, env={**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert {p: _digest(p) for p in watched[1:]} == before
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        mallory = {g.name: g.score for g in gb.find_submission_notebook("FullyConnectedNets", paths.ASSIGNMENT,
                                                                         "mallory").grades if g.cell_type == "code"}
        assert mallory["fc-svm_loss"] == 0 and sum(mallory.values()) == FC_FULL - hc.SVM_POINTS
        assert gb.find_submission(paths.ASSIGNMENT, "canary").code_score == hc.FULL
    text = (course / "autograded" / "mallory" / paths.ASSIGNMENT / "FullyConnectedNets.ipynb").read_text()
    assert "PROBE wrote=0" in text


def test_the_gradescope_verb_contains_a_hostile_submission(tmp_path):
    """Gradescope's entry point grades through the same sandbox (when the container allows bwrap)."""
    ctx = hc.context(tmp_path / "out", tmp_path / "other.zip", 9, os.getpid())
    folder = hc.reference_folder(tmp_path / "g", {"layers.py": hc.append_to(
        "_reference_svm = svm_loss\n" + hc.PRELUDE + hc.ATTACKS["write_outside"].format(**ctx))})
    (tmp_path / "out").mkdir()
    results = tmp_path / "results" / "results.json"
    out = subprocess.run([sys.executable, "-m", "autograder", "gradescope", str(folder), "--results", str(results)],
                         cwd=paths.ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    import json
    data = json.loads(results.read_text())
    svm = next(t for t in data["tests"] if t["id"] == "fc.svm_loss")
    assert "PROBE wrote=0" in svm["output"] and data["score"] == hc.FULL - hc.SVM_POINTS
    assert data["extra_data"]["sandbox"] == "bwrap" and os.listdir(tmp_path / "out") == []


STATE_ATTACK = '''
_reference_bn = batchnorm_forward


class _Poison:
    """What a hostile batchnorm_forward leaves in bn_param: converting it to an array is where it acts."""
    def __array__(self, dtype=None, copy=None):
        import numpy
        if {huge}:
            return numpy.ones(2 ** 31)  # 16 GiB of float64: beyond the item's memory limit
        try:
            open("{hidden}", "rb").read(10)
            found = "read"
        except OSError:
            found = "blocked"
        raise RuntimeError(f"PROBE hidden={{found}}")


def batchnorm_forward(x, gamma, beta, bn_param):
    out, cache = _reference_bn(x, gamma, beta, bn_param)
    bn_param["running_mean"] = _Poison()
    return out, cache
'''


@needs_sandbox
@pytest.mark.parametrize("huge", [False, True], ids=["probe", "memory_bomb"])
def test_a_poisoned_state_dict_costs_only_the_items_that_read_it(tmp_path, table, huge):
    """The state dict (bn_param) is a new way student code hands objects back: what it leaves there is turned
    into arrays in the child, under the sandbox and its limits; the parent only ever sees checked frames."""
    from autograder.bank.items import REGISTRY
    from autograder.grade import grade_item
    from autograder.run import Limits
    from autograder.unpack import unpack
    from conftest import make_submission
    folder = make_submission(tmp_path, patches={"layers.py": hc.append_to(
        STATE_ATTACK.format(huge=huge, hidden=hc.HIDDEN_FILE))})
    ws = unpack(folder)
    limits = Limits(seconds=20, memory=2 * 2**30)
    poisoned = grade_item(ws.root, REGISTRY["bn.batchnorm_forward"], table, limits)
    assert poisoned.score < poisoned.points and poisoned.names_a_reason(), poisoned.text()
    text = poisoned.text()
    assert ("MemoryError" in text or "memory" in text) if huge else "PROBE hidden=blocked" in text, text
    for other in ("bn.batchnorm_backward", "bn.layernorm_forward", "fc.affine_forward"):  # they never read it
        verdict = grade_item(ws.root, REGISTRY[other], table, limits)
        assert verdict.score == verdict.points, verdict.text()


RNG_ATTACK = '''

class _Rigged(dict):
    """A hostile net's dropout_param: where the grader hands it a generator (and the net its mode), it probes."""
    def __setitem__(self, key, value):
        try:
            open("{hidden}", "rb").read(10)
            found = "read"
        except OSError:
            found = "blocked"
        raise RuntimeError(f"PROBE hidden={{found}} key={{key}}")


_reference_init = FullyConnectedNet.__init__


def _init(self, *args, **kwargs):
    _reference_init(self, *args, **kwargs)
    self.dropout_param = _Rigged(self.dropout_param)


FullyConnectedNet.__init__ = _init
'''


@needs_sandbox
def test_a_rigged_dropout_param_costs_only_the_nets(tmp_path, table):
    """The grader hands the net's dropout_param a generator of its own (so masks replay): a net that rigs that
    dict runs its code there, in the child under the sandbox, and loses only the items that build nets."""
    from autograder.bank.items import REGISTRY
    from autograder.grade import grade_item
    from autograder.run import Limits
    from autograder.unpack import unpack
    from conftest import make_submission
    folder = make_submission(tmp_path, patches={"fc_net.py": hc.append_to(RNG_ATTACK.format(hidden=hc.HIDDEN_FILE))})
    ws = unpack(folder)
    limits = Limits(seconds=20)
    rigged = grade_item(ws.root, REGISTRY["do.net_regularized"], table, limits)
    assert rigged.score == 0 and "PROBE hidden=blocked" in rigged.text(), rigged.text()
    for other in ("do.dropout_forward", "do.dropout_backward", "do.random_flip", "do.polyak_update",
                  "fc.affine_forward"):
        verdict = grade_item(ws.root, REGISTRY[other], table, limits)
        assert verdict.score == verdict.points, verdict.text()


def test_the_class_report_of_the_hostile_batch_is_written_and_escaped(batch):
    """The report reads every hostile submission's code and results (never runs them) and writes a page where
    no student text is markup."""
    assert "class report:" in batch["proc"].stdout, batch["proc"].stderr[-2000:]
    summary = json.loads((batch["out"] / "class_report" / "report.json").read_text())
    assert summary["submissions"] == len(batch["names"])
    page = (batch["out"] / "class_report" / "index.html").read_text()
    assert page.count("<script>") == 1  # the page's own sorting script, nothing from a submission
