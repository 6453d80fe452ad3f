"""Unpacking keeps only what the grader needs and refuses what it must not trust."""
import stat
import zipfile

import pytest

from autograder.unpack import SubmissionError, unpack


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_nested_folder_is_found_and_only_gradable_files_kept(tmp_path):
    z = make_zip(tmp_path / "alice.zip", {"home/alice/nntrain/nnkit/layers.py": "x = 1\n",
                                         "home/alice/nntrain/FullyConnectedNets.ipynb": "{}",
                                         "home/alice/nntrain/artifacts/best_model.npz": "npz",
                                         "home/alice/nntrain/datasets/big.npz": "data",
                                         "home/alice/nntrain/checks/check.py": "fake checker",
                                         "home/alice/nntrain/.hidden/x.py": "no"})
    ws = unpack(z)
    files = sorted(p.relative_to(ws.root).as_posix() for p in ws.root.rglob("*") if p.is_file())
    assert ws.name == "alice"
    assert files == ["FullyConnectedNets.ipynb", "artifacts/best_model.npz", "nnkit/layers.py"]


def test_zip_slip_paths_cannot_escape(tmp_path):
    z = make_zip(tmp_path / "eve.zip", {"nnkit/layers.py": "x = 1\n", "nnkit/../../../../tmp/evil.py": "boom",
                                       "/etc/nnkit/passwd.py": "boom"})
    ws = unpack(z)
    assert not (tmp_path / "evil.py").exists()
    assert all(ws.root in p.resolve().parents for p in ws.root.rglob("*"))


def test_symlinks_in_a_zip_are_skipped(tmp_path):
    path = tmp_path / "sym.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("nnkit/layers.py", "x = 1\n")
        info = zipfile.ZipInfo("nnkit/optim.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    ws = unpack(path)
    assert not (ws.root / "nnkit" / "optim.py").exists()


def test_not_a_zip_and_no_package_are_clear_errors(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"nope")
    with pytest.raises(SubmissionError, match="not a readable zip"):
        unpack(tmp_path / "bad.zip")
    with pytest.raises(SubmissionError, match="no nnkit/ package"):
        unpack(make_zip(tmp_path / "empty.zip", {"readme.txt": "hi"}))
    with pytest.raises(SubmissionError, match="no such file"):
        unpack(tmp_path / "absent.zip")


def test_a_zip_bomb_is_stopped(tmp_path, monkeypatch):
    import autograder.unpack as unpack_module
    monkeypatch.setattr(unpack_module, "MAX_FILE", 1000)
    z = make_zip(tmp_path / "bomb.zip", {"nnkit/layers.py": "#" * 5000})
    ws = unpack(z)
    assert not (ws.root / "nnkit" / "layers.py").exists() and "too large" in ws.skipped[0]


def test_submission_names_follow_zip_folder_and_nbgrader_layouts(tmp_path):
    from autograder.unpack import submission_name
    assert submission_name(tmp_path / "alice.zip") == "alice"
    assert submission_name(tmp_path / "bob") == "bob"
    assert submission_name(tmp_path / "submitted" / "carol" / "nntrain") == "carol"
