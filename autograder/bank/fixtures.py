"""Fixture files: expected outputs (and known mistakes' outputs) per item and case, as plain-array .npz.

Key layout: "<item>|<case>|expected|<output>", "<item>|<case>|~<mistake>|<output>" and, for outputs used by
diagnoses only, "<item>|<case>|aux|<output>".

One file per notebook: a table's files are "<stem>.<Notebook>.npz" (public_fixtures.FullyConnectedNets.npz),
so a new notebook adds files and leaves the others' untouched; load() reads every file of a stem.
"""
import io
import zipfile
from pathlib import Path

import numpy as np

PUBLIC = Path(__file__).resolve().parent / "public_fixtures"  # a stem: public_fixtures.<Notebook>.npz


def files(stem):
    """The files of a table: <stem>.<Notebook>.npz, sorted."""
    stem = Path(stem)
    return sorted(stem.parent.glob(f"{stem.name}.*.npz"))


def save_split(stem, table, notebook_of):
    """Write table as one file per notebook (notebook_of(item_id) -> notebook name), replacing the stem's old
    files; returns the paths written."""
    stem = Path(stem)
    for old in files(stem):
        old.unlink()
    groups = {}
    for (item_id, case), entry in table.items():
        groups.setdefault(notebook_of(item_id), {})[(item_id, case)] = entry
    written = []
    for notebook, part in sorted(groups.items()):
        written.append(stem.parent / f"{stem.name}.{notebook}.npz")
        save(written[-1], part)
    return written


def save(path, table):
    """Write table {(item_id, case): {"expected": {out: arr}, "mistakes": {name: {out: arr}}}} to path."""
    arrays = {}
    for (item_id, case), entry in sorted(table.items()):
        for out, arr in entry["expected"].items():
            arrays[f"{item_id}|{case}|expected|{out}"] = arr
        for out, arr in entry.get("aux", {}).items():
            arrays[f"{item_id}|{case}|aux|{out}"] = arr
        for name, outputs in entry.get("mistakes", {}).items():
            for out, arr in outputs.items():
                arrays[f"{item_id}|{case}|~{name}|{out}"] = arr
    write_npz(path, arrays)


def write_zip(path, members, executable=()):
    """A byte-for-byte reproducible zip: members {name: bytes or text}, sorted, fixed timestamps and modes
    (0755 for names in `executable`, else 0644)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if name in executable else 0o644) << 16
            z.writestr(info, members[name])
    return path


def write_npz(path, arrays):
    """np.savez_compressed, but byte-for-byte reproducible (see write_zip)."""
    members = {}
    for key, value in arrays.items():
        buf = io.BytesIO()
        np.lib.format.write_array(buf, np.asarray(value), allow_pickle=False)
        members[f"{key}.npy"] = buf.getvalue()
    return write_zip(path, members)


def load(stem=PUBLIC):
    """The table written by save_split(): every file of the stem merged; raises FileNotFoundError with a hint
    when there is none."""
    stem = Path(stem)
    paths = files(stem)
    if not paths:
        raise FileNotFoundError(f"no fixtures {stem}.*.npz; rebuild with `python -m autograder build`")
    table = {}
    for path in paths:
        table.update(_load_file(path))
    return table


def _load_file(path):
    table = {}
    with np.load(path, allow_pickle=False) as f:
        for key in f.files:
            item_id, case, which, out = key.split("|", 3)
            entry = table.setdefault((item_id, case), {"expected": {}, "mistakes": {}, "aux": {}})
            if which in ("expected", "aux"):
                entry[which][out] = f[key]
            else:
                entry["mistakes"].setdefault(which[1:], {})[out] = f[key]
    return table
