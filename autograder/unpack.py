"""Unpack a submission (zip or folder) into a clean workspace holding only the files the grader needs."""
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import paths

MAX_FILE = 50 * 2**20
MAX_TOTAL = 200 * 2**20
KEEP_SUFFIXES = {".py", ".ipynb", ".npz"}


class SubmissionError(Exception):
    """The submission cannot be graded at all (not a zip, no package); the message says why."""


@dataclass
class Workspace:
    """A student's files in a temp folder: root/nnkit/*.py, root/*.ipynb, root/artifacts/*.npz."""
    name: str
    root: Path
    skipped: list


def submission_name(path):
    """alice.zip -> alice; a folder -> its name; nbgrader's submitted/alice/nntrain -> alice."""
    path = Path(path).absolute()
    if path.suffix == ".zip":
        return path.name[:-4]
    return path.parent.name if path.name == paths.ASSIGNMENT else path.name


def _wanted(rel):
    """Path inside the workspace for a member path relative to the package's parent, or None to skip."""
    parts = rel.parts
    if not parts or any(p in ("..", "") or p.startswith(".") for p in parts) or rel.suffix not in KEEP_SUFFIXES:
        return None
    if parts[0] == paths.PACKAGE and rel.suffix == ".py":
        return rel
    if len(parts) == 1 and rel.suffix == ".ipynb":
        return rel
    if parts[0] == "artifacts" and len(parts) == 2 and rel.suffix == ".npz":
        return rel
    return None


def _package_prefix(names):
    """The folder (posix, may be '') that holds nnkit/ in a list of member paths; the shallowest wins."""
    prefixes = sorted({str(PurePosixPath(n).parents[1]) for n in names
                       if PurePosixPath(n).parent.name == paths.PACKAGE and n.endswith(".py")
                       and len(PurePosixPath(n).parts) >= 2}, key=lambda p: (p.count("/"), p))
    if not prefixes:
        raise SubmissionError(f"no {paths.PACKAGE}/ package with .py files found; submit the zip made by "
                              f"`python -m checks.pack` (or your whole {paths.ASSIGNMENT}/ folder)")
    return "" if prefixes[0] == "." else prefixes[0]


def unpack(submission, dest=None):
    """Copy a submission's gradable files into a new workspace.

    Args:
        submission: path to a .zip or a folder (a student's copy of release/<assignment>/, possibly nested).
        dest: parent folder of the workspace (default: the system temp folder).

    Returns:
        Workspace. Raises SubmissionError for a missing file, a broken zip or no package.
    """
    submission = Path(submission)
    if not submission.exists():
        raise SubmissionError(f"{submission}: no such file or folder")
    root = Path(tempfile.mkdtemp(prefix=f"ws-{safe_filename(submission_name(submission))[:40]}-", dir=dest))
    os.chmod(root, 0o755)
    try:
        members, sources, sizes = _listing(submission)
        prefix = _package_prefix(members)
        skipped = _extract(root, members, sources, sizes, prefix)
        for d in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
            os.chmod(d, 0o755)
    except SubmissionError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the archive does, it is this submission's reason
        shutil.rmtree(root, ignore_errors=True)
        raise SubmissionError(f"{submission.name}: could not be unpacked ({type(exc).__name__}: {str(exc)[:200]})") \
            from None
    return Workspace(submission_name(submission), root, skipped)


def safe_filename(name):
    """name with anything but letters, digits and ._-@+ replaced by _ (for file names the grader makes)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-@+") else "_" for c in name)


def _listing(submission):
    """(member names, {name: opener}, {name: declared size}) of a folder or a zip; SubmissionError if unreadable."""
    if submission.is_dir():
        members = [str(p.relative_to(submission).as_posix()) for p in submission.rglob("*")
                   if p.is_file() and not p.is_symlink()]
        return members, {m: (lambda m=m: open(submission / m, "rb")) for m in members}, \
            {m: (submission / m).stat().st_size for m in members}
    try:
        archive = zipfile.ZipFile(submission)
        infos = [i for i in archive.infolist() if not i.is_dir() and not stat.S_ISLNK(i.external_attr >> 16)]
    except Exception as exc:  # noqa: BLE001 - BadZipFile, bad UTF-8 names, truncated files ...
        raise SubmissionError(f"{submission.name}: not a readable zip file ({type(exc).__name__}: "
                              f"{str(exc)[:200]})") from None
    names = {}
    for i in infos:
        names.setdefault(i.filename.replace("\\", "/"), i)  # a name given twice: the first one counts
    return list(names), {n: (lambda i=i: archive.open(i)) for n, i in names.items()}, \
        {n: i.file_size for n, i in names.items()}


def _extract(root, members, sources, sizes, prefix):
    """Copy the wanted members under root; returns the list of skipped members with reasons.

    A member that cannot be read or written (encrypted, bad CRC, a name too long, a file where a folder is
    needed) is skipped with its reason; the others are still graded.
    """
    skipped, total = [], 0
    for member in members:
        rel_text = member[len(prefix) + 1:] if prefix and member.startswith(prefix + "/") else (
            member if not prefix else None)
        rel = _wanted(PurePosixPath(rel_text)) if rel_text else None
        if rel is None:
            continue
        shown = member if len(member) <= 80 else member[:77] + "..."
        if sizes[member] > MAX_FILE or total + sizes[member] > MAX_TOTAL:
            skipped.append(f"{shown}: too large ({sizes[member]} bytes)")
            continue
        target = root / Path(*rel.parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with sources[member]() as src, open(target, "wb") as out:
                total += _copy_limited(src, out, MAX_FILE)
            os.chmod(target, 0o644)
        except Exception as exc:  # noqa: BLE001 - RuntimeError (encrypted), BadZipFile (CRC), OSError (names)
            try:
                target.unlink()
            except OSError:
                pass
            reason = str(exc)[:120] if isinstance(exc, SubmissionError) else f"{type(exc).__name__}: {str(exc)[:120]}"
            skipped.append(f"{shown}: could not be extracted ({reason})")
    return skipped


def _copy_limited(src, out, limit):
    """Copy at most `limit` bytes (a zip can lie about sizes); returns the bytes copied."""
    copied = 0
    for block in iter(lambda: src.read(1 << 16), b""):
        copied += len(block)
        if copied > limit:
            raise SubmissionError(f"a file is larger than {limit} bytes once decompressed")
        out.write(block)
    return copied
