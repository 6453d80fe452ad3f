"""Fetch CIFAR-10 (python version, 163 MB) into datasets/cifar-10-batches-py; resumes, verifies MD5.

Run: python datasets/fetch_cifar10.py [--root DIR]
Then: load_dataset("cifar10").
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils.cifar10 import DownloadError, fetch_cifar10  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent))
    root = parser.parse_args().root
    try:
        print(f"CIFAR-10 ready in {fetch_cifar10(root)}")
    except DownloadError as e:
        sys.exit(f"error: {e}")


if __name__ == "__main__":
    main()
