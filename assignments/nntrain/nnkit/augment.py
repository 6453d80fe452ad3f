"""Data augmentation of image minibatches (N, C, H, W), driven by the generator the caller passes.

The Solver (augment=...) applies it to every training minibatch, never to validation or test data:
training sees a new random variant of each image at each step, testing sees the images as they are.
The draws are exactly the ones each docstring names, in that order, so a run is reproducible (and gradable).
Return new arrays of X's dtype and shape; do not modify X in place.
"""
import numpy as np


def random_flip(X, rng, p=0.5):
    """Mirror each image left-right (along W) with probability p.

    Draw: flip = rng.random(N) < p — image n is mirrored where flip[n] is True.

    Args:
        X: (N, C, H, W) images.
        rng: np.random.Generator.
        p: probability of mirroring each image.

    Returns:
        out: (N, C, H, W); out[n] = X[n, :, :, ::-1] where flipped, X[n] elsewhere.
    """
    if X.ndim != 4:
        raise ValueError(f"random_flip: expected images (N, C, H, W), got shape {X.shape}")
    ### BEGIN SOLUTION
    mirrored = rng.random(X.shape[0]) < p
    out = np.where(mirrored[:, None, None, None], X[..., ::-1], X)
    ### END SOLUTION
    return out


def random_crop(X, rng, pad=2):
    """Random translation: pad each image with `pad` zeros on all four sides, then cut an H x W window at a
    random offset, so the content moves by up to `pad` pixels in each direction.

    Draw: offsets = rng.integers(0, 2 * pad + 1, size=(N, 2)) — image n's window starts at row offsets[n, 0]
    and column offsets[n, 1] of the padded image (offset pad, pad is the original image).

    Args:
        X: (N, C, H, W) images.
        rng: np.random.Generator.
        pad: int >= 0, the largest shift in pixels.

    Returns:
        out: (N, C, H, W); out[n, :, i, j] = padded[n, :, offsets[n, 0] + i, offsets[n, 1] + j].
    """
    if X.ndim != 4:
        raise ValueError(f"random_crop: expected images (N, C, H, W), got shape {X.shape}")
    if int(pad) != pad or pad < 0:
        raise ValueError(f"random_crop: pad must be a non-negative int, got {pad!r}")
    N, C, H, W = X.shape
    ### BEGIN SOLUTION
    shifts = rng.integers(0, 2 * pad + 1, size=(N, 2))
    padded = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (H, W), axis=(2, 3))  # (N, C, 2p+1, 2p+1, H, W)
    out = windows[np.arange(N), :, shifts[:, 0], shifts[:, 1]]                         # (N, C, H, W)
    ### END SOLUTION
    return out
