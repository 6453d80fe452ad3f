"""Reading hostile .npz files: refused from their headers, before anything is allocated."""
import io
import zipfile

import numpy as np
import pytest

from autograder.bank.safe_npz import NpzError, read_npz


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def member(arr=None, shape=None, body=None, allow_pickle=False):
    """One .npy member's bytes; with shape, the header declares that shape over `body`."""
    buf = io.BytesIO()
    if shape is None:
        np.lib.format.write_array(buf, arr, allow_pickle=allow_pickle)
        return buf.getvalue()
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = shape
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + body


def zip_of(**members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(f"{name}.npy", data)
    return buf.getvalue()


def test_plain_arrays_round_trip_from_bytes_and_from_a_path(tmp_path):
    data = npz_bytes(a=np.arange(6.0).reshape(2, 3), b=np.array([1, 2], dtype=np.int32))
    (tmp_path / "f.npz").write_bytes(data)
    for source in (data, tmp_path / "f.npz"):
        got = read_npz(source, 1000)
        assert got["a"].shape == (2, 3) and got["b"].dtype == np.int32 and got["a"][1, 2] == 5


def test_a_small_file_declaring_a_huge_array_is_refused_before_loading():
    data = zip_of(W=member(shape=(784, 255_102), body=b"\0" * 1024))
    assert len(data) < 5000
    with pytest.raises(NpzError, match=r"declares shape \(784, 255102\) \(1599999744 bytes\)"):
        read_npz(data, 10**8)


def test_the_budget_counts_all_members_together():
    data = npz_bytes(a=np.zeros(100), b=np.zeros(100))
    read_npz(data, 1600)
    with pytest.raises(NpzError, match="'b' declares"):
        read_npz(data, 1599)


def test_object_arrays_are_refused_without_unpickling():
    data = zip_of(x=member(np.array([{"a": 1}], dtype=object), allow_pickle=True))
    with pytest.raises(NpzError, match="holds Python objects"):
        read_npz(data, 10**6)


def test_dtype_kinds_outside_the_allowed_ones_are_refused():
    data = npz_bytes(meta=np.array("text"))
    with pytest.raises(NpzError, match="has dtype <U4; expected numbers"):
        read_npz(data, 10**6)
    assert str(read_npz(data, 10**6, kinds="biufU")["meta"]) == "text"


def test_data_longer_or_shorter_than_declared_is_refused():
    for body in (b"\0" * 72, b"\0" * 88):
        with pytest.raises(NpzError, match="bytes of data but declares 80"):
            read_npz(zip_of(x=member(shape=(10,), body=body)), 10**6)


def test_broken_zips_and_members_are_refused_with_a_reason():
    with pytest.raises(NpzError, match="not a readable .npz"):
        read_npz(b"PK\x03\x04 nope", 100)
    with pytest.raises(NpzError, match="is not a .npy array"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("x.txt", "hello")
        read_npz(buf.getvalue(), 100)
    data = bytearray(zip_of(x=member(np.arange(50.0))))
    pos = data.find(b"PK\x01\x02")  # central directory: break the CRC it records
    data[pos + 16] ^= 0xFF
    with pytest.raises(NpzError, match="unreadable"):
        read_npz(bytes(data), 10**6)


def test_too_many_members_are_refused():
    data = zip_of(**{f"a{i}": member(np.zeros(1)) for i in range(20)})
    with pytest.raises(NpzError, match="holds 20 arrays; at most 10"):
        read_npz(data, 10**6, max_members=10)
