"""Data: the embedded subset's loader, and CIFAR-10's loader and fetcher on files the tests make."""
import hashlib
import http.server
import io
import pickle
import socket
import tarfile
import threading

import numpy as np
import pytest

from utils import cifar10
from utils.data import FASHION_CLASSES, load_dataset


def test_default_dataset_shapes_dtypes_and_standardization():
    data = load_dataset()
    assert data["X_train"].shape == (10000, 1, 28, 28) and data["X_val"].shape == (1000, 1, 28, 28)
    assert data["X_test"].shape == (1000, 1, 28, 28) and data["X_train"].dtype == np.float32
    assert data["y_train"].dtype == np.int64 and set(np.unique(data["y_train"])) == set(range(10))
    assert abs(float(data["X_train"].mean())) < 1e-4 and data["X_train"].std() == pytest.approx(1.0, abs=1e-3)
    assert data["class_names"] == FASHION_CLASSES


def test_without_mean_subtraction_images_are_in_0_1_and_limits_apply():
    data = load_dataset(subtract_mean=False, unit_std=False, num_train=100, num_val=10, num_test=5)
    assert data["X_train"].shape[0] == 100 and data["X_test"].shape[0] == 5
    assert data["X_train"].min() >= 0 and data["X_train"].max() <= 1 and data["std"] == 1.0


def test_unknown_dataset_and_missing_file_give_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown name 'mnist'"):
        load_dataset("mnist")
    with pytest.raises(FileNotFoundError, match="fashion_mnist_subset.npz is missing"):
        load_dataset(root=tmp_path)
    with pytest.raises(FileNotFoundError, match="fetch_cifar10.py"):
        load_dataset("cifar10", root=tmp_path)


def _cifar_batch(n, seed):
    rng = np.random.default_rng(seed)
    return {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"labels": list(rng.integers(0, 10, n))}


def make_cifar_archive(path):
    """A tiny CIFAR-10-format tar.gz: 5 training batches of 20 images, a test batch of 10."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        batches = {f"data_batch_{i}": _cifar_batch(20, i) for i in range(1, 6)}
        batches["test_batch"] = _cifar_batch(10, 9)
        for name, batch in batches.items():
            data = pickle.dumps(batch)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(buf.getvalue())
    return batches


def test_cifar_loader_reads_generated_batches(tmp_path):
    archive = tmp_path / "cifar-10-python.tar.gz"
    batches = make_cifar_archive(archive)
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    data = load_dataset("cifar10", root=tmp_path, subtract_mean=False, unit_std=False)
    assert data["X_train"].shape == (90, 3, 32, 32) and data["X_val"].shape == (10, 3, 32, 32)
    assert data["X_test"].shape == (10, 3, 32, 32)
    first = batches["data_batch_1"][b"data"][0].reshape(3, 32, 32) / 255.0
    np.testing.assert_allclose(data["X_train"][0], first, rtol=1e-6)
    assert list(data["y_test"]) == batches["test_batch"][b"labels"]


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves one file with HTTP Range support; counts requests."""
    payload = b""
    requests = []

    def do_GET(self):  # noqa: N802
        start = 0
        rng = self.headers.get("Range")
        RangeHandler.requests.append(rng)
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            if start >= len(self.payload):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
        else:
            self.send_response(200)
        body = self.payload[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    archive = tmp_path / "served.tar.gz"
    make_cifar_archive(archive)
    RangeHandler.payload = archive.read_bytes()
    RangeHandler.requests = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), RangeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/cifar-10-python.tar.gz", RangeHandler.payload
    httpd.shutdown()


def test_fetch_downloads_verifies_and_extracts(server, tmp_path):
    url, payload = server
    folder = cifar10.fetch_cifar10(tmp_path / "data", url=url, md5=hashlib.md5(payload).hexdigest(), progress=False)
    assert (folder / "test_batch").exists()
    assert load_dataset("cifar10", root=tmp_path / "data")["X_train"].shape == (90, 3, 32, 32)


def test_fetch_resumes_a_partial_download(server, tmp_path):
    url, payload = server
    dest = tmp_path / "cifar-10-python.tar.gz"
    (tmp_path / "cifar-10-python.tar.gz.part").write_bytes(payload[:1000])
    cifar10.download(url, dest, hashlib.md5(payload).hexdigest(), progress=False)
    assert dest.read_bytes() == payload
    assert RangeHandler.requests == ["bytes=1000-"]


def test_checksum_mismatch_deletes_the_download_and_says_so(server, tmp_path):
    url, _ = server
    with pytest.raises(cifar10.DownloadError, match="does not match the published"):
        cifar10.download(url, tmp_path / "x.tar.gz", "0" * 32, progress=False)
    assert not list(tmp_path.glob("x.tar.gz*"))


def test_offline_gives_a_clear_message(tmp_path):
    with socket.socket() as s:  # a port nobody listens on: connection refused, like a machine offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(cifar10.DownloadError, match="You seem to be offline"):
        cifar10.download(f"http://127.0.0.1:{port}/c.tar.gz", tmp_path / "c.tar.gz", "0" * 32, progress=False)
