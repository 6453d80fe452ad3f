"""Rebuild datasets/photos.npz, the two demo photos of the ConvolutionalNetworks notebook, from scikit-image's
wheel (its bundled sample images; both CC0, see datasets/README.md).

Run: pip download scikit-image==0.24.0 --no-deps --only-binary=:all: -d /tmp/skimage
     python datasets/make_photos.py /tmp/skimage/scikit_image-0.24.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl

The PNGs inside the wheel are checked against their SHA-256 first; each photo is shrunk by averaging 2x2 blocks
(keeping the repository small) and stored as uint8: "cat" (150, 225, 3) RGB, "camera" (256, 256) gray.
"""
import argparse
import hashlib
import io
import zipfile
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np

SOURCES = {"cat": ("skimage/data/chelsea.png", "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb"),
           "camera": ("skimage/data/camera.png", "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a")}
OUT = Path(__file__).resolve().parent / "photos.npz"


def shrink(image):
    """Average 2x2 blocks: (H, W[, 3]) uint8 -> (H // 2, W // 2[, 3]) uint8."""
    H, W = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
    x = image[:H, :W].astype(np.float64)
    x = x.reshape(H // 2, 2, W // 2, 2, *x.shape[2:]).mean(axis=(1, 3))
    return np.round(x).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", help="scikit-image's wheel (any platform; the data files are the same)")
    wheel = parser.parse_args().wheel
    photos = {}
    with zipfile.ZipFile(wheel) as z:
        for name, (member, digest) in SOURCES.items():
            raw = z.read(member)
            if hashlib.sha256(raw).hexdigest() != digest:
                raise SystemExit(f"{member}: SHA-256 differs from the recorded one; not the file this was made from")
            image = mpimg.imread(io.BytesIO(raw), format="png")
            image = np.round(image * 255).astype(np.uint8) if image.dtype != np.uint8 else image
            photos[name] = shrink(image[..., :3] if image.ndim == 3 else image)
    np.savez_compressed(OUT, **photos)
    print(f"wrote {OUT}: " + ", ".join(f"{k} {v.shape}" for k, v in photos.items()))


if __name__ == "__main__":
    main()
