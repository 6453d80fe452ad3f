"""Fast convolution and max-pooling layers, in pure NumPy (given code: nothing to write here).

They compute what the naive layers of conv_layers.py compute (same arguments, same outputs; the caches are their
own), only much faster.

The convolution. A 3x3 filter with stride 1, the common case, uses Winograd's minimal filtering F(4x4, 3x3)
(Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). Cut the padded input into 6x6 tiles
that overlap by 2, one tile per 4x4 block of outputs; then

    V = B^T d B      every 6x6 input tile d (of every image and channel),
    U = G g G^T      every 3x3 filter g (of every output and input channel), also 6x6,
    M_t = U_t @ V_t  for each of the 36 tile positions t: an (F, C) @ (C, tiles) matrix product,
    Y = A^T M A      back to the 4x4 outputs of each tile.

That is 36 multiplies for 16 outputs where the plain sum has 144: four times fewer, and they are 36 BLAS matrix
products. B, G and A are small constant matrices; the transforms are additions of whole arrays. The backward pass
is the same algebra transposed: with E = A e A^T of each 4x4 block e of dout, dw = G^T (sum over tiles of
E_t V_t^T) G, and dx adds B (U_t^T E_t) B^T into the overlapping input tiles.

Layout trick: a tile starts every 4 rows and 4 columns, so the input is stored by "phase" (row mod 4, column mod 4):
then every entry (i, j) of every tile is a plain strided view over all tiles at once, no copy per tile. The work
is done a block of tiles at a time so that the transformed arrays stay in the CPU cache.

Every other filter size or stride uses im2col: copy every input window into a column of a matrix and do one
matrix product (forward) or two (backward: dw, and the columns of dx, added back into place by col2im).

Max pooling. 2x2 windows with stride 2 compare neighbouring columns, then neighbouring rows, of the whole array at
once; other windows loop over the window's ph * pw offsets (each step vectorized over the whole batch).

Scratch arrays are reused between calls (a fresh large array costs page faults on every call); no returned array
ever shares memory with them.
"""
import numpy as np

__all__ = ["conv_forward_fast", "conv_backward_fast", "max_pool_forward_fast", "max_pool_backward_fast"]

# ----------------------------------------------------------------------------------------------------------------
# Scratch buffers
# ----------------------------------------------------------------------------------------------------------------
_BUFFERS = {}
_BUFFER_BYTES = 768 * 2 ** 20        # cleared when the scratch arrays would grow past this


def _buffer(name, shape, dtype, zero=False):
    """A scratch array reused between calls, keyed by (name, shape, dtype); never handed to a caller.

    zero=True: zero-filled when first made. A caller relying on the zeros writes the same positions on every
    call (name encodes everything that decides them), so the rest stays zero.
    """
    key = (name, tuple(shape), np.dtype(dtype).str)
    buf = _BUFFERS.get(key)
    if buf is None:
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        if sum(b.nbytes for b in _BUFFERS.values()) + nbytes > _BUFFER_BYTES:
            _BUFFERS.clear()
        buf = np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
        _BUFFERS[key] = buf
    return buf


def _view(a, shape):
    """a reshaped without a copy (ValueError if that is impossible): writes through it land in a."""
    return np.reshape(a, shape, copy=False)


# ----------------------------------------------------------------------------------------------------------------
# Convolution
# ----------------------------------------------------------------------------------------------------------------
def _conv_shapes(x, w, conv_param, name):
    """Checked sizes: (stride, pad, H_out, W_out, dtype of the computation)."""
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"{name}: x must be (N, C, H, W) and w (F, C, HH, WW), got {x.shape} and {w.shape}")
    N, C, H, W = x.shape
    F, Cw, HH, WW = w.shape
    if Cw != C:
        raise ValueError(f"{name}: w has C = {Cw} channels but x has C = {C}; they must match")
    if int(stride) != stride or stride < 1 or int(pad) != pad or pad < 0:
        raise ValueError(f"{name}: stride must be an int >= 1 and pad an int >= 0, got {stride!r} and {pad!r}")
    for which, size, k in (("height", H, HH), ("width", W, WW)):
        span = size + 2 * pad - k
        if span < 0:
            raise ValueError(f"{name}: the {which} does not fit: the filter ({k}) is larger than the padded "
                             f"{which} {size} + 2 * pad {pad}")
        if span % stride:
            raise ValueError(f"{name}: the {which} does not fit: {which} {size} + 2 * pad {pad} - filter {k} = "
                             f"{span} is not a multiple of stride {stride}")
    dtype = np.result_type(x.dtype, w.dtype, np.float32)   # float32 stays float32; ints compute in float64
    return int(stride), int(pad), 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride, dtype


def conv_forward_fast(x, w, b, conv_param):
    """A convolutional layer (cross-correlation, no kernel flip), as conv_forward_naive:

        out[n, f, i, j] = b[f] + sum over c, a, e of  x_pad[n, c, i * stride + a, j * stride + e] * w[f, c, a, e]

    with x_pad = x zero-padded by `pad` on both sides of the height and width.

    Args:
        x: (N, C, H, W) inputs.
        w: (F, C, HH, WW) filters.
        b: (F,) biases.
        conv_param: dict with "stride" (default 1) and "pad" (default 0), ints.

    Returns:
        out: (N, F, H', W'), H' = 1 + (H + 2 pad - HH) / stride, W' = 1 + (W + 2 pad - WW) / stride; the dtype of
            x and w (float32 stays float32).
        cache: for conv_backward_fast.

    Raises:
        ValueError when H + 2 pad - HH (or the width's) is not a multiple of the stride (naming "height" or
        "width" and the numbers), or when w's C differs from x's.
    """
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    stride, pad, Ho, Wo, dtype = _conv_shapes(x, w, conv_param, "conv_forward_fast")
    if b.shape != (w.shape[0],):
        raise ValueError(f"conv_forward_fast: b is {b.shape}; expected ({w.shape[0]},)")
    x, w, b = x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False)
    if stride == 1:
        out = _shift_forward(x, w, b, pad, Ho, Wo)
    else:
        out = _im2col_forward(x, w, b, stride, pad, Ho, Wo)
    return out, (x, w, stride, pad)


def conv_backward_fast(dout, cache):
    """Gradients of conv_forward_fast.

    Args:
        dout: (N, F, H', W') upstream gradient.
        cache: from conv_forward_fast.

    Returns:
        dx: (N, C, H, W); dw: (F, C, HH, WW); db: (F,); all in the forward's dtype.
    """
    x, w, stride, pad = cache
    dout = np.asarray(dout).astype(x.dtype, copy=False)
    db = dout.sum(axis=(0, 2, 3))
    if stride == 1:
        dx, dw = _shift_backward(dout, x, w, pad)
    else:
        dx, dw = _im2col_backward(dout, x, w, stride, pad)
    return dx, dw, db


# --- stride 1: shifted slices of one flat array ------------------------------------------------------------------
class _Flat:
    """Every image of a channel, padded, one after the other in one flat row (stride-1 convolutions).

    Each padded image row takes Ws = max(W + pad, W') slots: pad zeros, then the W pixels (the row's right padding
    is the next row's left padding); each image takes Hs = max(H + pad, H') such rows (its bottom padding is the
    next image's top padding). Output (n, i, j) sits at o = (n Hs + i) Ws + j, and the input it multiplies by
    filter tap (a, e) sits at o + a Ws + e: for every tap, the inputs of ALL outputs are one contiguous slice.
    Positions with i >= H' or j >= W' are computed and thrown away (a few percent).
    """

    def __init__(self, N, H, W, Ho, Wo, pad, HH, WW):
        self.N, self.H, self.W, self.pad = N, H, W, pad
        self.Hs, self.Ws = max(H + pad, Ho), max(W + pad, Wo)
        self.per_image = self.Hs * self.Ws
        self.offsets = [a * self.Ws + e for a in range(HH) for e in range(WW)]
        self.length = N * self.per_image + self.offsets[-1] + self.Ws + 1
        self.key = (N, H, W, pad, HH, WW)

    def images(self, flat):
        """flat (ch, length) seen as (ch, N, Hs, Ws)."""
        return _view(flat[:, :self.N * self.per_image], (flat.shape[0], self.N, self.Hs, self.Ws))

    def fill(self, x, name):
        """A scratch (C, length) array holding x (N, C, H, W) in place, zeros elsewhere."""
        flat = _buffer((name,) + self.key, (x.shape[1], self.length), x.dtype, zero=True)
        p = self.pad
        np.copyto(self.images(flat)[:, :, p:p + self.H, p:p + self.W], x.transpose(1, 0, 2, 3))
        return flat

    def chunks(self, rows, itemsize, nbytes=8 * 2 ** 20):
        """(n0, n1) image ranges whose (rows, outputs) matrix takes about nbytes."""
        nb = max(1, min(self.N, nbytes // max(1, rows * self.per_image * itemsize)))
        return [(n0, min(self.N, n0 + nb)) for n0 in range(0, self.N, nb)]

    def columns(self, flat, n0, n1, col):
        """col[c, k, :] = flat[c, o0 + offset k : ... + L] for the outputs o0 = n0 Hs Ws .. n1 Hs Ws."""
        o0, L = n0 * self.per_image, (n1 - n0) * self.per_image
        for k, off in enumerate(self.offsets):
            np.copyto(col[:, k], flat[:, o0 + off:o0 + off + L])


def _shift_forward(x, w, b, pad, Ho, Wo):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    lay = _Flat(N, H, W, Ho, Wo, pad, HH, WW)
    xf = lay.fill(x, "sx")
    K = C * HH * WW
    wb = np.concatenate([w.reshape(F, K), b[:, None]], axis=1)   # the bias multiplies a row of ones
    out = np.empty((N, F, Ho, Wo), x.dtype)
    for n0, n1 in lay.chunks(K, x.dtype.itemsize):
        L = (n1 - n0) * lay.per_image
        col = _buffer("scol", (K + 1, L), x.dtype)
        lay.columns(xf, n0, n1, _view(col[:K], (C, HH * WW, L)))
        col[K] = 1
        res = _buffer("sres", (F, n1 - n0, lay.Hs, lay.Ws), x.dtype)
        np.matmul(wb, col, out=_view(res, (F, L)))
        np.copyto(out[n0:n1], res[:, :, :Ho, :Wo].transpose(1, 0, 2, 3))
    return out


def _shift_backward(dout, x, w, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    lay = _Flat(N, H, W, Ho, Wo, pad, HH, WW)
    xf = lay.fill(x, "sx")                      # again: another layer may have used the buffer since
    dxf = _buffer(("sdx",) + lay.key, (C, lay.length), x.dtype)
    dxf.fill(0)
    K = C * HH * WW
    w2 = w.reshape(F, K)
    dw = np.zeros((F, K), x.dtype)
    for n0, n1 in lay.chunks(K, x.dtype.itemsize):
        L, o0 = (n1 - n0) * lay.per_image, n0 * lay.per_image
        col = _buffer("scol", (K + 1, L), x.dtype)[:K]
        cols = _view(col, (C, HH * WW, L))
        lay.columns(xf, n0, n1, cols)
        # dout in the flat layout; the thrown-away positions stay 0 so they add nothing
        d = _buffer(("sd",) + lay.key, (F, n1 - n0, lay.Hs, lay.Ws), x.dtype, zero=True)
        np.copyto(d[:, :, :Ho, :Wo], dout[n0:n1].transpose(1, 0, 2, 3))
        d2 = _view(d, (F, L))
        dw += d2 @ col.T
        np.matmul(w2.T, d2, out=col)            # the columns of dx, in place of x's
        for k, off in enumerate(lay.offsets):   # col2im: each tap's slice adds back where it was read
            dxf[:, o0 + off:o0 + off + L] += cols[:, k]
    p = pad
    dx = np.ascontiguousarray(lay.images(dxf)[:, :, p:p + H, p:p + W].transpose(1, 0, 2, 3))
    return dx, dw.reshape(w.shape)


# --- im2col, any filter and stride -------------------------------------------------------------------------------
def _im2col_chunks(N, per_image):
    """Images per chunk so that a chunk's column matrix stays around 16 MB."""
    return max(1, min(N, (16 * 2 ** 20) // max(1, per_image)))


def _im2col(xp, n0, n1, HH, WW, stride, Ho, Wo, col):
    """col[c, a, e, n, i, j] = xp[c, n0 + n, i * stride + a, j * stride + e] (xp: (C, N, Hp, Wp))."""
    for a in range(HH):
        for e in range(WW):
            np.copyto(col[:, a, e], xp[:, n0:n1, a:a + stride * (Ho - 1) + 1:stride, e:e + stride * (Wo - 1) + 1:stride])


def _im2col_forward(x, w, b, stride, pad, Ho, Wo):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    dtype = x.dtype
    xp = _buffer(("cx", N, C, H, W, pad), (C, N, H + 2 * pad, W + 2 * pad), dtype, zero=True)
    np.copyto(xp[:, :, pad:pad + H, pad:pad + W], x.transpose(1, 0, 2, 3))
    K = C * HH * WW
    nb = _im2col_chunks(N, K * Ho * Wo * dtype.itemsize)
    out = np.empty((N, F, Ho, Wo), dtype)
    w2 = w.reshape(F, K)
    for n0 in range(0, N, nb):
        n1 = min(N, n0 + nb)
        c = _buffer("ccol", (C, HH, WW, n1 - n0, Ho, Wo), dtype)
        r = _buffer("cres", (F, n1 - n0, Ho, Wo), dtype)
        _im2col(xp, n0, n1, HH, WW, stride, Ho, Wo, c)
        np.matmul(w2, _view(c, (K, -1)), out=_view(r, (F, -1)))
        np.add(r.transpose(1, 0, 2, 3), b[None, :, None, None], out=out[n0:n1])
    return out


def _im2col_backward(dout, x, w, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    dtype = x.dtype
    xp = _buffer(("cx", N, C, H, W, pad), (C, N, H + 2 * pad, W + 2 * pad), dtype, zero=True)
    np.copyto(xp[:, :, pad:pad + H, pad:pad + W], x.transpose(1, 0, 2, 3))
    dxp = _buffer("cdx", (C, N, H + 2 * pad, W + 2 * pad), dtype)
    dxp.fill(0)
    K = C * HH * WW
    nb = _im2col_chunks(N, K * Ho * Wo * dtype.itemsize)
    w2 = w.reshape(F, K)
    dw = np.zeros((F, K), dtype)
    for n0 in range(0, N, nb):
        n1 = min(N, n0 + nb)
        c = _buffer("ccol", (C, HH, WW, n1 - n0, Ho, Wo), dtype)
        d = _buffer("cdres", (F, n1 - n0, Ho, Wo), dtype)
        _im2col(xp, n0, n1, HH, WW, stride, Ho, Wo, c)
        np.copyto(d, dout[n0:n1].transpose(1, 0, 2, 3))
        d2, c2 = _view(d, (F, -1)), _view(c, (K, -1))
        dw += d2 @ c2.T
        np.matmul(w2.T, d2, out=c2)          # the columns of dx, in place of the input's
        for a in range(HH):                                # col2im: add each column back where it came from
            for e in range(WW):
                dxp[:, n0:n1, a:a + stride * (Ho - 1) + 1:stride, e:e + stride * (Wo - 1) + 1:stride] += c[:, a, e]
    dx = np.ascontiguousarray(dxp[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3))
    return dx, dw.reshape(w.shape)


# ----------------------------------------------------------------------------------------------------------------
# Max pooling
# ----------------------------------------------------------------------------------------------------------------
def _pool_shapes(x, pool_param, name):
    """Checked sizes: (pool_height, pool_width, stride, H_out, W_out)."""
    ph, pw = pool_param.get("pool_height", 2), pool_param.get("pool_width", 2)
    stride = pool_param.get("stride", 2)
    if x.ndim != 4:
        raise ValueError(f"{name}: x must be (N, C, H, W), got shape {x.shape}")
    if min(ph, pw, stride) < 1 or any(int(v) != v for v in (ph, pw, stride)):
        raise ValueError(f"{name}: pool_height, pool_width and stride must be ints >= 1, got {ph!r}, {pw!r}, {stride!r}")
    N, C, H, W = x.shape
    for which, size, k in (("height", H, ph), ("width", W, pw)):
        if size < k:
            raise ValueError(f"{name}: the {which} does not fit: the pool ({k}) is larger than the {which} {size}")
        if (size - k) % stride:
            raise ValueError(f"{name}: the {which} does not fit: {which} {size} - pool {k} = {size - k} is not a "
                             f"multiple of stride {stride}")
    return int(ph), int(pw), int(stride), 1 + (H - ph) // stride, 1 + (W - pw) // stride


def _pairs_max(xf, name):
    """Scratch array m with m[k] = max(xf[k], xf[k + 1]) (the last entry unset)."""
    m = _buffer(name + "pairs", (xf.size,), xf.dtype)
    np.maximum(xf[:-1], xf[1:], out=m[:-1])
    return m


def max_pool_forward_fast(x, pool_param):
    """Max pooling, as max_pool_forward_naive: the largest value of each pool_height x pool_width window, windows
    `stride` apart, no padding.

    Args:
        x: (N, C, H, W) inputs.
        pool_param: dict with "pool_height", "pool_width" and "stride" (defaults 2, 2, 2).

    Returns:
        out: (N, C, H', W'), H' = 1 + (H - pool_height) / stride, W' = 1 + (W - pool_width) / stride; x's dtype.
        cache: for max_pool_backward_fast.

    Raises:
        ValueError when H - pool_height (or W - pool_width) is not a multiple of the stride, naming which.
    """
    x = np.asarray(x)
    ph, pw, s, Ho, Wo = _pool_shapes(x, pool_param, "max_pool_forward_fast")
    N, C, H, W = x.shape
    if ph == pw == s == 2:
        # neighbours in the flat array: the max of each column pair, then of each row pair (W apart); the
        # window maxima sit at the even positions of the even rows. Contiguous slices: SIMD-fast.
        xf, n = x.reshape(-1), x.size
        pairs = _pairs_max(xf, "p")
        both = _buffer("prows", (n,), x.dtype)
        np.maximum(pairs[:n - W], pairs[W:], out=both[:n - W])
        out = both.reshape(N * C * Ho, 2 * W)[:, 0:W:2].copy().reshape(N, C, Ho, Wo)
        return out, (x, (ph, pw, s), None)
    # any window: walk the window's offsets in row-major order; keep a value only when strictly larger, so the
    # first maximum wins ties (as np.argmax does)
    out = np.array(x[:, :, 0:s * (Ho - 1) + 1:s, 0:s * (Wo - 1) + 1:s])
    idx = np.zeros(out.shape, np.uint8 if ph * pw <= 256 else np.int32)   # which offset holds the maximum
    larger = _buffer("plarger", out.shape, bool)
    for k in range(1, ph * pw):
        a, e = divmod(k, pw)
        v = x[:, :, a:a + s * (Ho - 1) + 1:s, e:e + s * (Wo - 1) + 1:s]
        np.greater(v, out, out=larger)
        np.copyto(out, v, where=larger)
        np.copyto(idx, k, where=larger)
    return out, (x, (ph, pw, s), idx)


def max_pool_backward_fast(dout, cache):
    """Gradient of max_pool_forward_fast.

    Each window's upstream gradient goes, whole, to one input: the window's first maximum in row-major order (the
    one np.argmax over the flattened window picks). With overlapping windows (stride < pool size) an input that
    is the chosen maximum of several windows receives the sum of their gradients.

    Args:
        dout: (N, C, H', W') upstream gradient.
        cache: from max_pool_forward_fast.

    Returns:
        dx: (N, C, H, W), x's dtype (ints: float64).
    """
    x, (ph, pw, s), idx = cache
    N, C, H, W = x.shape
    Ho, Wo = dout.shape[2:]
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.dtype(np.float64)
    dout = np.asarray(dout).astype(dtype, copy=False)
    if idx is None:                                     # 2x2, stride 2
        xf, n = x.reshape(-1), x.size
        left = _buffer("pleft", (n,), bool)             # at even positions: the left of the pair wins (>=)
        np.greater_equal(xf[:n - 1], xf[1:], out=left[:n - 1])
        pairs = _pairs_max(xf, "p")
        top = _buffer("ptop", (n,), bool)               # at even positions of even rows: the top pair wins
        np.greater_equal(pairs[:n - W], pairs[W:], out=top[:n - W])
        # each row's share of dout (the pair-grid rows 2i and 2i + 1), then each column's share
        g = _buffer("pg", (N * C * Ho, 2, Wo), dtype)
        d = dout.reshape(N * C * Ho, Wo)
        np.multiply(d, top.reshape(N * C * Ho, 2 * W)[:, 0:W:2], out=g[:, 0])
        np.subtract(d, g[:, 0], out=g[:, 1])            # exactly d where the top lost, else 0
        dx = np.empty((N, C, H, W), dtype)
        dxf, gf = dx.reshape(-1), g.reshape(-1)
        np.multiply(gf, left[0::2], out=dxf[0::2])
        np.subtract(gf, dxf[0::2], out=dxf[1::2])
        return dx
    dx = np.zeros((N, C, H, W), dtype)
    chosen = _buffer("pchosen", idx.shape, bool)
    part = _buffer("ppart", idx.shape, dtype)
    for k in range(ph * pw):
        a, e = divmod(k, pw)
        np.equal(idx, k, out=chosen)
        np.multiply(dout, chosen, out=part)
        dx[:, :, a:a + s * (Ho - 1) + 1:s, e:e + s * (Wo - 1) + 1:s] += part
    return dx
