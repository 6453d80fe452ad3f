"""Fast convolution and max-pooling layers, in pure NumPy (given code: nothing to write here).

They compute what the naive layers of conv_layers.py compute (same arguments and outputs; the caches are their
own), many times faster: nearly all the work is matrix products at BLAS speed.

The convolution is im2col: each output is the dot product of its input window with the filter, so lay every window
out as a column of a (C HH WW, outputs) matrix and the whole layer is ONE matrix product with the (F, C HH WW)
filters; the backward pass is two more (dw, and the columns of dx, added back where they came from: col2im).

The trick for stride 1: put all the images of a channel one after the other in one flat row (rows of Ws slots,
images of Hs rows). The input that output o multiplies by filter tap (a, e) then sits at o + a Ws + e, the same
shift for every output: each row of the column matrix is one contiguous slice of the flat input, so building it is
HH WW plain copies, and col2im is HH WW slice additions. A "same" convolution (output as large as the input) packs
the images without padding and zeroes the entries whose tap falls past an image's border; other paddings leave
zeros between the images and drop the outputs computed in them. The work goes a few images at a time, so the
column matrix stays in the CPU cache. Strides > 1 pick every window with strided views instead (slower).

Max pooling. 2x2 windows with stride 2 compare the array with itself shifted by one column, then by one row: whole-
array operations on contiguous data. Other windows walk the window's offsets (each step over the whole batch).

Scratch arrays are kept between calls (a fresh large array is page-faulted in on every call); no array handed to
the caller shares memory with them.
"""
import numpy as np

__all__ = ["conv_forward_fast", "conv_backward_fast", "max_pool_forward_fast", "max_pool_backward_fast"]

# ----------------------------------------------------------------------------------------------------------------
# Scratch buffers
# ----------------------------------------------------------------------------------------------------------------
CHUNK_BYTES = 8 * 2 ** 20      # the column matrix is built and multiplied about this many bytes at a time
_BUFFERS = {}
_FILLED = {}                   # id(scratch array) -> token of the forward call whose input it holds
_BUFFER_BYTES, _BUFFER_COUNT = 384 * 2 ** 20, 64   # past either, the scratch arrays are all dropped


def _buffer(name, shape, dtype, zero=False):
    """A scratch array reused between calls, keyed by (name, shape, dtype); never handed to a caller.

    zero=True: zero-filled when first made. A caller relying on the zeros writes the same positions on every
    call (name encodes everything that decides them), so the rest stays zero.
    """
    key = (name, tuple(shape), np.dtype(dtype).str)
    buf = _BUFFERS.get(key)
    if buf is None:
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        if (len(_BUFFERS) >= _BUFFER_COUNT
                or sum(b.nbytes for b in _BUFFERS.values()) + nbytes > _BUFFER_BYTES):
            _BUFFERS.clear()
            _FILLED.clear()
        buf = np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
        _BUFFERS[key] = buf
    return buf


def _rows(name, rows, length, dtype, zero=False):
    """A (rows, length) scratch array (a view) whose rows lie a little more than `length` apart: rows exactly a
    multiple of 4 KB apart would all map onto the same few cache sets (slow matrix products and copies)."""
    return _buffer(name, (rows, length + 16), dtype, zero)[:, :length]


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
    call = object()             # names this call: the backward may find its scratch arrays still in place
    if stride == 1:
        out = _shift_forward(x, w, b, pad, Ho, Wo, call)
    else:
        out = _im2col_forward(x, w, b, stride, pad, Ho, Wo)
    return out, (x, w, stride, pad, call)


def conv_backward_fast(dout, cache):
    """Gradients of conv_forward_fast.

    Args:
        dout: (N, F, H', W') upstream gradient.
        cache: from conv_forward_fast.

    Returns:
        dx: (N, C, H, W); dw: (F, C, HH, WW); db: (F,); all in the forward's dtype.
    """
    x, w, stride, pad, call = cache
    dout = np.asarray(dout).astype(x.dtype, copy=False)
    if stride == 1:
        return _shift_backward(dout, x, w, pad, call)
    dx, dw = _im2col_backward(dout, x, w, stride, pad)
    return dx, dw, dout.sum(axis=(0, 2, 3))


# --- stride 1: shifted slices of one flat array ------------------------------------------------------------------
class _Flat:
    """Every image of a channel one after the other in one flat row, for stride-1 convolutions.

    Image n's pixel (h, w) sits at ((n Hs + h + pad) Ws + w + pad), rows of Ws slots, images of Hs rows; output
    (n, i, j) is computed at o = (n Hs + i) Ws + j, and the input it multiplies by filter tap (a, e) sits at
    o + a Ws + e: for every tap, the inputs of ALL the outputs are one contiguous slice of the flat row.

    A "same" convolution (H' = H, W' = W) packs the images tightly (Ws = W, Hs = H); a tap that reaches past an
    image's border then lands on the neighbouring row or image, so those entries of the column matrix are zeroed
    (`masked`). Other paddings leave room for the zeros instead: Ws = max(W + pad, W'), Hs = max(H + pad, H')
    (neighbours share their padding), and the outputs landing in it are computed and dropped.
    """

    def __init__(self, N, H, W, Ho, Wo, pad, HH, WW):
        self.N, self.H, self.W, self.Ho, self.Wo, self.pad, self.HH, self.WW = N, H, W, Ho, Wo, pad, HH, WW
        self.masked = (Ho, Wo) == (H, W) and pad > 0
        self.Hs, self.Ws = (H, W) if self.masked else (max(H + pad, Ho), max(W + pad, Wo))
        self.per_image = self.Hs * self.Ws
        self.offsets = [a * self.Ws + e for a in range(HH) for e in range(WW)]
        self.start = pad * self.Ws + pad
        self.length = self.start + N * self.per_image + self.offsets[-1] + 1
        self.key = (N, H, W, pad, HH, WW)

    def data(self, flat):
        """The pixels' places in flat (ch, length): a (ch, N, H, W) view."""
        block = flat[:, self.start:self.start + self.N * self.per_image]
        return _view(block, (flat.shape[0], self.N, self.Hs, self.Ws))[:, :, :self.H, :self.W]

    def fill(self, x, name, call):
        """A scratch (C, length) array holding x (N, C, H, W) in place, zeros elsewhere; skips the copy when the
        array still holds what the same forward call (`call`, a token) put there."""
        flat = _buffer((name,) + self.key, (x.shape[1], self.length), x.dtype, zero=True)
        if _FILLED.get(id(flat)) is not call:
            np.copyto(self.data(flat), x.transpose(1, 0, 2, 3))
            _FILLED[id(flat)] = call
        return flat

    def chunks(self, rows, itemsize):
        """(n0, n1) image ranges, as even as can be, whose (rows, outputs) matrix takes at most about CHUNK_BYTES;
        and the most images in one."""
        most = max(1, CHUNK_BYTES // max(1, rows * self.per_image * itemsize))
        count = -(-self.N // most)
        bounds = [self.N * k // count for k in range(count + 1)]
        return list(zip(bounds[:-1], bounds[1:])), -(-self.N // count)

    def columns(self, flat, n0, n1, col):
        """col[c, k, :] = flat[c, o0 + offset k : ... + L] for the outputs o0 = n0 Hs Ws .. n1 Hs Ws."""
        o0, L = n0 * self.per_image, (n1 - n0) * self.per_image
        for k, off in enumerate(self.offsets):
            np.copyto(col[:, k], flat[:, o0 + off:o0 + off + L])
        self.mask(col)

    def mask(self, col):
        """Zero the entries of col (ch, taps, L) whose tap reaches past the image border (masked layout only)."""
        if not self.masked:
            return
        p, H, W = self.pad, self.H, self.W
        taps = _view(col, (col.shape[0], self.HH, self.WW, -1, H, W))
        for a in range(self.HH):                        # filter row a reads input row i + a - p
            if a < p:
                taps[:, a, :, :, :p - a] = 0
            elif a > p:
                taps[:, a, :, :, max(0, H - (a - p)):] = 0
        for e in range(self.WW):
            if e < p:
                taps[:, :, e, ..., :p - e] = 0
            elif e > p:
                taps[:, :, e, ..., max(0, W - (e - p)):] = 0


def _shift_forward(x, w, b, pad, Ho, Wo, call):
    """Stride-1 forward: x (N, C, H, W), w (F, C, HH, WW), b (F,) -> out (N, F, Ho, Wo)."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    lay = _Flat(N, H, W, Ho, Wo, pad, HH, WW)
    xf = lay.fill(x, "sx", call)
    K = C * HH * WW
    wb = np.concatenate([w.reshape(F, K), b[:, None]], axis=1)   # the bias multiplies a row of ones
    chunks, most = lay.chunks(K, x.dtype.itemsize)
    cols = _rows("scol", K + 1, most * lay.per_image, x.dtype)
    cols[K] = 1
    results = _view(_rows("sres", F, most * lay.per_image, x.dtype), (F, most, lay.Hs, lay.Ws))
    out = np.empty((N, F, Ho, Wo), x.dtype)
    for n0, n1 in chunks:
        L = (n1 - n0) * lay.per_image
        col, res = cols[:, :L], results[:, :n1 - n0]
        lay.columns(xf, n0, n1, _view(col[:K], (C, HH * WW, L)))
        np.matmul(wb, col, out=_view(res, (F, L)))
        np.copyto(out[n0:n1], res[:, :, :Ho, :Wo].transpose(1, 0, 2, 3))
    return out


def _shift_backward(dout, x, w, pad, call):
    """Stride-1 backward: dout (N, F, Ho, Wo) -> dx (N, C, H, W), dw (F, C, HH, WW), db (F,)."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    lay = _Flat(N, H, W, Ho, Wo, pad, HH, WW)
    xf = lay.fill(x, "sx", call)                # usually still there from the forward
    dxf = _buffer(("sdx",) + lay.key, (C, lay.length), x.dtype)
    dxf.fill(0)
    K = C * HH * WW
    w2 = w.reshape(F, K)
    chunks, most = lay.chunks(K, x.dtype.itemsize)
    cols = _rows("scol", K + 1, most * lay.per_image, x.dtype)
    cols[K] = 1                                 # the row of ones: its product with dout is db
    # dout in the flat layout; the thrown-away positions stay 0 so they add nothing
    douts = _view(_rows(("sd",) + lay.key, F, most * lay.per_image, x.dtype, zero=True), (F, most, lay.Hs, lay.Ws))
    dwb = np.zeros((K + 1, F), x.dtype)         # [dw | db] transposed: this product's faster way round
    for n0, n1 in chunks:
        L, o0 = (n1 - n0) * lay.per_image, n0 * lay.per_image
        col, d = cols[:, :L], douts[:, :n1 - n0]
        taps = _view(col[:K], (C, HH * WW, L))
        lay.columns(xf, n0, n1, taps)
        np.copyto(d[:, :, :Ho, :Wo], dout[n0:n1].transpose(1, 0, 2, 3))
        d2 = _view(d, (F, L))
        dwb += col @ d2.T
        np.matmul(w2.T, d2, out=col[:K])        # the columns of dx, in place of x's
        lay.mask(taps)                          # (taps past the border: no input to add to)
        for k, off in enumerate(lay.offsets):   # col2im: each tap's slice adds back where it was read
            dxf[:, o0 + off:o0 + off + L] += taps[:, k]
    dx = np.ascontiguousarray(lay.data(dxf).transpose(1, 0, 2, 3))
    return dx, np.ascontiguousarray(dwb[:K].T).reshape(w.shape), dwb[K].copy()


# --- any stride: strided views of the padded input --------------------------------------------------------------
def _im2col_chunks(N, per_image):
    """Images per chunk so that a chunk's column matrix (per_image bytes an image) takes about CHUNK_BYTES."""
    return max(1, min(N, CHUNK_BYTES // max(1, per_image)))


def _im2col(xp, n0, n1, HH, WW, stride, Ho, Wo, col):
    """col[c, a, e, n, i, j] = xp[c, n0 + n, i * stride + a, j * stride + e] (xp: (C, N, Hp, Wp))."""
    for a in range(HH):
        for e in range(WW):
            rows, cols = slice(a, a + stride * (Ho - 1) + 1, stride), slice(e, e + stride * (Wo - 1) + 1, stride)
            np.copyto(col[:, a, e], xp[:, n0:n1, rows, cols])


def _im2col_forward(x, w, b, stride, pad, Ho, Wo):
    """Any-stride forward: x (N, C, H, W), w (F, C, HH, WW), b (F,) -> out (N, F, Ho, Wo)."""
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
    """Any-stride backward: dout (N, F, Ho, Wo) -> dx (N, C, H, W), dw (F, C, HH, WW)."""
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
        np.matmul(w2.T, d2, out=c2)                     # the columns of dx, in place of the input's
        for a in range(HH):                             # col2im: add each column back where it came from
            for e in range(WW):
                rows, cols = slice(a, a + stride * (Ho - 1) + 1, stride), slice(e, e + stride * (Wo - 1) + 1, stride)
                dxp[:, n0:n1, rows, cols] += c[:, a, e]
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
        raise ValueError(f"{name}: pool_height, pool_width and stride must be ints >= 1, "
                         f"got {ph!r}, {pw!r}, {stride!r}")
    N, C, H, W = x.shape
    for which, size, k in (("height", H, ph), ("width", W, pw)):
        if size < k:
            raise ValueError(f"{name}: the {which} does not fit: the pool ({k}) is larger than the {which} {size}")
        if (size - k) % stride:
            raise ValueError(f"{name}: the {which} does not fit: {which} {size} - pool {k} = {size - k} is not a "
                             f"multiple of stride {stride}")
    return int(ph), int(pw), int(stride), 1 + (H - ph) // stride, 1 + (W - pw) // stride


def _grad_dtype(x):
    """The dtype of the gradients for inputs x: x's own if floating point, else float64."""
    return x.dtype if np.issubdtype(x.dtype, np.floating) else np.dtype(np.float64)


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
        # Neighbours in the flat array: m[k] = max(x[k], x[k + 1]) holds the max of every column pair at even k;
        # the window's two pair maxima are then W apart (rows 2i and 2i + 1). Contiguous operands: SIMD-fast.
        pairs = _pairs_max(x.reshape(-1), "p").reshape(N * C * Ho, 2 * W)
        upper, lower = _buffer("pupper", (N * C * Ho, Wo), x.dtype), _buffer("plower", (N * C * Ho, Wo), x.dtype)
        np.copyto(upper, pairs[:, 0:W:2])
        np.copyto(lower, pairs[:, W::2])
        out = np.maximum(upper, lower).reshape(N, C, Ho, Wo)
        upper_wins = upper >= lower          # for the backward: the upper pair holds the first maximum (ties go up)
        return out, ("2x2", x, upper_wins)
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
    return out, ("any", x, (ph, pw, s), idx)


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
    x = cache[1]
    N, C, H, W = x.shape
    Ho, Wo = dout.shape[2:]
    dtype = _grad_dtype(x)
    dout = np.asarray(dout).astype(dtype, copy=False)
    if cache[0] == "2x2":
        upper_wins = cache[2]
        xf = x.reshape(-1)
        left_wins = _buffer("pleft", (x.size // 2,), bool)   # a column pair's left holds its max (ties go left)
        np.greater_equal(xf[0::2], xf[1::2], out=left_wins)
        # dout split between the two rows of each window, then between the two columns of each row
        g = _buffer("pg", (N * C * Ho, 2, Wo), dtype)
        d = dout.reshape(N * C * Ho, Wo)
        np.multiply(d, upper_wins, out=g[:, 0])
        np.subtract(d, g[:, 0], out=g[:, 1])            # exactly d where the upper pair lost, else 0
        dx = np.empty((N, C, H, W), dtype)
        dxf, gf = dx.reshape(-1), g.reshape(-1)
        np.multiply(gf, left_wins, out=dxf[0::2])
        np.subtract(gf, dxf[0::2], out=dxf[1::2])
        return dx
    ph, pw, s = cache[2]
    idx = cache[3]
    dx = np.zeros((N, C, H, W), dtype)
    chosen = _buffer("pchosen", idx.shape, bool)
    part = _buffer("ppart", idx.shape, dtype)
    for k in range(ph * pw):
        a, e = divmod(k, pw)
        np.equal(idx, k, out=chosen)
        np.multiply(dout, chosen, out=part)
        dx[:, :, a:a + s * (Ho - 1) + 1:s, e:e + s * (Wo - 1) + 1:s] += part
    return dx
