"""CIFAR-10: download with checksum and resume, and load the python-format batches."""
import hashlib
import os
import pickle
import socket
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from .progress import progress_bar

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
MD5 = "c58f30108f718f92721af3b95e74349a"  # published on the CIFAR-10 page
ARCHIVE = "cifar-10-python.tar.gz"
FOLDER = "cifar-10-batches-py"
NUM_VAL = 1000  # the last 1000 training images become the validation split


class DownloadError(RuntimeError):
    """The archive could not be fetched or failed its checksum; the message says what to do."""


def md5sum(path, chunk=1 << 20):
    """Hex MD5 of a file, read in chunks."""
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def download(url, dest, md5, timeout=30, progress=True):
    """Fetch url to dest, resuming a partial dest.part, then verify the MD5.

    Args:
        url: http(s) address of the file.
        dest: final path; the download goes to dest + ".part" and is renamed once its checksum matches.
        md5: expected hex digest.
        timeout: seconds to wait for the server.
        progress: show a progress bar.

    Returns:
        Path of the verified file. Raises DownloadError when offline or on a checksum mismatch.
    """
    dest = Path(dest)
    if dest.exists() and md5sum(dest) == md5:
        return dest
    part = dest.with_name(dest.name + ".part")
    start = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={start}-"} if start else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and start:  # the partial file is already complete
            response = None
        else:
            raise DownloadError(f"{url}: server answered {e.code} {e.reason}") from None
    except (urllib.error.URLError, socket.timeout, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DownloadError(f"cannot reach {url} ({reason}). You seem to be offline: the notebooks run on the "
                            f"embedded Fashion-MNIST subset; fetch CIFAR-10 later with "
                            f"`python datasets/fetch_cifar10.py`. Partial downloads resume.") from None
    if response is not None:
        with response:
            resumed = start and response.status == 206
            mode = "ab" if resumed else "wb"
            done = start if resumed else 0
            total = response.headers.get("Content-Length")
            total = int(total) + done if total is not None else None
            with open(part, mode) as f, progress_bar(total=total, desc=dest.name, disable=not progress) as bar:
                bar.update(done)
                for block in iter(lambda: response.read(1 << 16), b""):
                    f.write(block)
                    bar.update(len(block))
    got = md5sum(part)
    if got != md5:
        part.unlink()
        raise DownloadError(f"{dest.name}: MD5 {got} does not match the published {md5}; the corrupt download "
                            f"was deleted, run the fetch again")
    os.replace(part, dest)
    return dest


def fetch_cifar10(root, url=URL, md5=MD5, progress=True):
    """Download (if needed) and extract CIFAR-10 into root/cifar-10-batches-py; returns that folder."""
    root = Path(root)
    folder = root / FOLDER
    if (folder / "test_batch").exists():
        return folder
    root.mkdir(parents=True, exist_ok=True)
    archive = download(url, root / ARCHIVE, md5, progress=progress)
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return folder


def load_batch(path):
    """One CIFAR-10 python batch -> (X uint8 (N, 3, 32, 32), y int64 (N,))."""
    with open(path, "rb") as f:
        # The official batches are pickles of plain dicts; load only files you fetched and checksummed.
        batch = pickle.load(f, encoding="bytes")
    X = np.asarray(batch[b"data"], dtype=np.uint8)
    y = np.asarray(batch[b"labels"], dtype=np.int64)
    if X.ndim != 2 or X.shape[1] != 3 * 32 * 32 or len(X) != len(y):
        raise ValueError(f"{path}: expected data (N, 3072) and N labels, got {X.shape} and {y.shape}")
    return X.reshape(-1, 3, 32, 32), y


def load_cifar10_splits(folder):
    """Train (the data_batch_* files minus the last NUM_VAL images), val and test arrays of a CIFAR-10 folder."""
    folder = Path(folder)
    if not (folder / "test_batch").exists():
        raise FileNotFoundError(f"{folder} has no CIFAR-10 batches; run `python datasets/fetch_cifar10.py` "
                                f"(needs the internet once) or use the default name='fashion_mnist'")
    parts = [load_batch(p) for p in sorted(folder.glob("data_batch_*"))]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    X_test, y_test = load_batch(folder / "test_batch")
    n_val = min(NUM_VAL, len(X) // 10)  # tiny test archives keep a tenth for validation
    return {"X_train": X[:-n_val], "y_train": y[:-n_val], "X_val": X[-n_val:], "y_val": y[-n_val:],
            "X_test": X_test, "y_test": y_test}
