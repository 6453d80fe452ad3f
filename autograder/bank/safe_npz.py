"""Reading an .npz that may be hostile: each member's header (dtype, shape) is checked before its data is read.

np.load checks nothing before it allocates: a 21 KB file can declare (and inflate to) gigabytes, and an
object array is a pickle. Here a member that is not a plain .npy of an allowed dtype kind, or whose declared
size would pass the budget, is refused with a message naming it, before anything is allocated.
"""
import io
import zipfile
from pathlib import Path

import numpy as np


class NpzError(Exception):
    """The file is not an .npz of plain arrays within the limits; the message names the member and why."""


def _header(fp):
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(fp)
    if version in ((2, 0), (3, 0)):
        return np.lib.format.read_array_header_2_0(fp)
    raise ValueError(f"unknown .npy format version {version}")


def read_npz(source, max_bytes, kinds="biuf", max_members=10_000):
    """Plain arrays of an .npz file.

    Args:
        source: a path, or the file's bytes.
        max_bytes: the most the arrays may take in memory together (their declared sizes, checked before
            any is loaded).
        kinds: dtype kinds allowed ("b" bool, "i"/"u" integers, "f" floats, "U" text); objects never are.
        max_members: the most members the file may hold.

    Returns:
        dict name (without ".npy") -> numpy array.

    Raises:
        NpzError, with a one-line reason, for anything else.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else Path(source))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise NpzError(f"not a readable .npz (zip) file ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise NpzError(f"holds {len(infos)} arrays; at most {max_members} allowed")
        total, plans = 0, []
        for info in infos:
            name = info.filename
            if not name.endswith(".npy"):
                raise NpzError(f"member {name[:80]!r} is not a .npy array")
            try:
                with archive.open(info) as fp:
                    shape, fortran, dtype = _header(fp)
                    offset = fp.tell()
            except Exception as exc:  # noqa: BLE001 - encrypted, bad CRC, bad header: all refused alike
                raise NpzError(f"array {name[:-4][:80]!r} is unreadable ({type(exc).__name__}: {str(exc)[:120]})") \
                    from None
            if dtype.hasobject:
                raise NpzError(f"array {name[:-4][:80]!r} holds Python objects (a pickle); only plain arrays are read")
            if dtype.kind not in kinds:
                raise NpzError(f"array {name[:-4][:80]!r} has dtype {dtype}; expected "
                               f"{'numbers' if set(kinds) <= set('biuf') else 'numbers or text'}")
            nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
            total += nbytes
            if total > max_bytes:
                raise NpzError(f"array {name[:-4][:80]!r} declares shape {tuple(shape)} ({nbytes} bytes): more than "
                               f"the {max_bytes} bytes allowed for the whole file")
            if info.file_size != offset + nbytes:
                raise NpzError(f"array {name[:-4][:80]!r} holds {info.file_size - offset} bytes of data but "
                               f"declares {nbytes}")
            plans.append(info)
        arrays = {}
        for info in plans:
            try:
                with archive.open(info) as fp:
                    arrays[info.filename[:-4]] = np.lib.format.read_array(fp, allow_pickle=False)
            except Exception as exc:  # noqa: BLE001
                raise NpzError(f"array {info.filename[:-4][:80]!r} is unreadable ({type(exc).__name__})") from None
    return arrays
