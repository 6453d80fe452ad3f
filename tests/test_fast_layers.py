"""The given fast layers (nnkit.fast_layers) against straightforward references written here: loops over the
filter or window offsets, einsum over the padded input, np.argmax over each flattened window."""
import numpy as np
import pytest

from checks.numeric import eval_numerical_gradient_array
from nnkit import fast_layers as fl

rng = np.random.default_rng(0)


def close(a, b):
    """Relative error, normwise: max |a - b| / max |b|."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-300)


# --- references -------------------------------------------------------------------------------------------------
def ref_conv(x, w, b, stride, pad):
    x, w = x.astype(np.float64), w.astype(np.float64)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, Ho, Wo)) + b.astype(np.float64)[None, :, None, None]
    for a in range(HH):
        for e in range(WW):
            win = xp[:, :, a:a + stride * (Ho - 1) + 1:stride, e:e + stride * (Wo - 1) + 1:stride]
            out += np.einsum("nchw,fc->nfhw", win, w[:, :, a, e])
    return out


def ref_conv_backward(dout, x, w, stride, pad):
    x, w, dout = x.astype(np.float64), w.astype(np.float64), dout.astype(np.float64)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    _, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for a in range(HH):
        for e in range(WW):
            rows, cols = slice(a, a + stride * (Ho - 1) + 1, stride), slice(e, e + stride * (Wo - 1) + 1, stride)
            dw[:, :, a, e] = np.einsum("nchw,nfhw->fc", xp[:, :, rows, cols], dout)
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, a, e])
    H, W = x.shape[2:]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def ref_pool(x, ph, pw, s):
    N, C, H, W = x.shape
    Ho, Wo = 1 + (H - ph) // s, 1 + (W - pw) // s
    out = np.empty((N, C, Ho, Wo), x.dtype)
    arg = np.empty((N, C, Ho, Wo), int)
    for i in range(Ho):
        for j in range(Wo):
            win = x[:, :, i * s:i * s + ph, j * s:j * s + pw].reshape(N, C, ph * pw)
            arg[:, :, i, j] = win.argmax(axis=2)
            out[:, :, i, j] = win.max(axis=2)
    return out, arg


def ref_pool_backward(dout, x, ph, pw, s):
    _, arg = ref_pool(x, ph, pw, s)
    dx = np.zeros(x.shape)
    N, C, Ho, Wo = dout.shape
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(Ho):
        for j in range(Wo):
            a, e = np.divmod(arg[:, :, i, j], pw)
            dx[n, c, i * s + a, j * s + e] += dout[:, :, i, j]
    return dx


# --- convolution --------------------------------------------------------------------------------------------------
CONV_CASES = [  # x shape, w shape, stride, pad
    ((2, 3, 8, 8), (4, 3, 3, 3), 1, 1),      # stride 1: shifted slices of the flat input
    ((3, 2, 7, 5), (5, 2, 3, 3), 1, 0),
    ((2, 4, 9, 11), (3, 4, 3, 3), 1, 2),
    ((1, 1, 3, 3), (1, 1, 3, 3), 1, 0),      # one output
    ((2, 3, 6, 13), (2, 3, 3, 3), 1, 3),     # pad larger than the filter's reach
    ((3, 5, 17, 10), (6, 5, 3, 3), 1, 1),
    ((2, 3, 8, 8), (4, 3, 5, 5), 1, 2),
    ((2, 3, 9, 9), (4, 3, 3, 3), 2, 1),      # stride > 1: strided views
    ((2, 3, 10, 7), (4, 3, 2, 3), 2, 1),     # non-square filter
    ((2, 2, 11, 11), (3, 2, 3, 3), 3, 2),
    ((2, 3, 7, 9), (4, 3, 1, 1), 1, 0),      # 1x1
    ((1, 2, 9, 8), (3, 2, 4, 2), 1, 1),
    ((2, 3, 1, 1), (2, 3, 3, 3), 1, 1),      # "same" convolutions of tiny images: most taps fall off the border
    ((3, 2, 2, 5), (2, 2, 3, 3), 1, 1),
    ((2, 2, 3, 3), (4, 2, 5, 5), 1, 2),
    ((2, 2, 1, 4), (3, 2, 5, 5), 1, 2),      # taps reach two rows past a one-row image
    ((2, 2, 2, 3), (3, 2, 7, 7), 1, 3),      # and three rows past a two-row one
]


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", CONV_CASES,
                         ids=[f"{c[0]}-{c[1]}-s{c[2]}-p{c[3]}" for c in CONV_CASES])
def test_conv_matches_reference_float64(x_shape, w_shape, stride, pad):
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    out, cache = fl.conv_forward_fast(x, w, b, {"stride": stride, "pad": pad})
    ref = ref_conv(x, w, b, stride, pad)
    assert out.shape == ref.shape and out.dtype == np.float64
    assert close(out, ref) < 1e-9
    dout = rng.standard_normal(out.shape)
    dx, dw, db = fl.conv_backward_fast(dout, cache)
    rdx, rdw, rdb = ref_conv_backward(dout, x, w, stride, pad)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    assert close(dx, rdx) < 1e-9 and close(dw, rdw) < 1e-9 and close(db, rdb) < 1e-9


@pytest.mark.parametrize("w_shape, stride, pad", [((6, 4, 3, 3), 1, 1), ((6, 4, 3, 2), 2, 0)],
                         ids=["stride1", "stride2"])
def test_conv_float32_stays_float32(w_shape, stride, pad):
    x, w, b = (rng.standard_normal((3, 4, 11, 12)).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32),
               rng.standard_normal(w_shape[0]).astype(np.float32))
    out, cache = fl.conv_forward_fast(x, w, b, {"stride": stride, "pad": pad})
    assert out.dtype == np.float32 and close(out, ref_conv(x, w, b, stride, pad)) < 1e-4
    dout = rng.standard_normal(out.shape).astype(np.float32)
    grads = fl.conv_backward_fast(dout, cache)
    for g, r in zip(grads, ref_conv_backward(dout, x, w, stride, pad)):
        assert g.dtype == np.float32 and close(g, r) < 1e-4


def test_conv_defaults_and_non_contiguous_input():
    x = rng.standard_normal((5, 6, 2, 7)).transpose(2, 0, 1, 3)     # (2, 5, 6, 7), not contiguous
    w, b = rng.standard_normal((3, 5, 3, 3)), rng.standard_normal(3)
    out, _ = fl.conv_forward_fast(x, w, b, {})                       # stride 1, pad 0
    assert close(out, ref_conv(x, w, b, 1, 0)) < 1e-9


@pytest.mark.parametrize("w_shape, stride, pad", [((3, 2, 3, 3), 1, 1), ((3, 2, 2, 3), 2, 1)],
                         ids=["stride1", "stride2"])
def test_conv_backward_matches_numeric_gradient(w_shape, stride, pad):
    x, w, b = rng.standard_normal((2, 2, 6, 5)), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    param = {"stride": stride, "pad": pad}
    out, cache = fl.conv_forward_fast(x, w, b, param)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = fl.conv_backward_fast(dout, cache)
    assert close(dx, eval_numerical_gradient_array(lambda v: fl.conv_forward_fast(v, w, b, param)[0], x, dout)) < 1e-8
    assert close(dw, eval_numerical_gradient_array(lambda v: fl.conv_forward_fast(x, v, b, param)[0], w, dout)) < 1e-8
    assert close(db, eval_numerical_gradient_array(lambda v: fl.conv_forward_fast(x, w, v, param)[0], b, dout)) < 1e-8


@pytest.mark.parametrize("chunk_bytes, buffer_count", [(1, 64), (3000, 64), (3000, 1)],
                         ids=["one image a chunk", "a partial last chunk", "scratch dropped every time"])
def test_conv_chunks_and_scratch_arrays_change_nothing(monkeypatch, chunk_bytes, buffer_count):
    monkeypatch.setattr(fl, "CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(fl, "_BUFFER_COUNT", buffer_count)
    x, w, b = rng.standard_normal((5, 2, 7, 6)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    for stride, pad in ((1, 1), (2, 2)):
        out, cache = fl.conv_forward_fast(x, w, b, {"stride": stride, "pad": pad})
        assert close(out, ref_conv(x, w, b, stride, pad)) < 1e-9
        dout = rng.standard_normal(out.shape)
        for g, r in zip(fl.conv_backward_fast(dout, cache), ref_conv_backward(dout, x, w, stride, pad)):
            assert close(g, r) < 1e-9


def test_conv_backward_after_numeric_gradients_of_the_same_x():
    # the notebooks' order: numeric gradients first (x perturbed in place, forward after forward), backward last
    x, w, b = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    out, cache = fl.conv_forward_fast(x, w, b, {"pad": 1})
    dout = rng.standard_normal(out.shape)
    dx_num = eval_numerical_gradient_array(lambda v: fl.conv_forward_fast(v, w, b, {"pad": 1})[0], x, dout)
    dw_num = eval_numerical_gradient_array(lambda v: fl.conv_forward_fast(x, v, b, {"pad": 1})[0], w, dout)
    dx, dw, db = fl.conv_backward_fast(dout, cache)
    rdx, rdw, _ = ref_conv_backward(dout, x, w, 1, 1)
    assert close(dx, rdx) < 1e-9 and close(dw, rdw) < 1e-9
    assert close(dx, dx_num) < 1e-8 and close(dw, dw_num) < 1e-8


def test_two_layers_of_the_same_shape_keep_their_own_caches():
    # forward 1, forward 2, backward 2, backward 1: the scratch arrays reused by layer 2 must not leak into layer 1
    x1, x2 = rng.standard_normal((2, 3, 8, 8)), rng.standard_normal((2, 3, 8, 8))
    w, b = rng.standard_normal((3, 3, 3, 3)), rng.standard_normal(3)
    pool = {"pool_height": 2, "pool_width": 2, "stride": 2}
    (c1, cc1), (c2, cc2) = fl.conv_forward_fast(x1, w, b, {"pad": 1}), fl.conv_forward_fast(x2, w, b, {"pad": 1})
    (p1, pc1), (p2, pc2) = fl.max_pool_forward_fast(c1, pool), fl.max_pool_forward_fast(c2, pool)
    dp = rng.integers(-3, 4, p1.shape).astype(np.float64)
    dc2 = fl.max_pool_backward_fast(2 * dp, pc2)
    fl.conv_backward_fast(dc2, cc2)
    dc1 = fl.max_pool_backward_fast(dp, pc1)
    np.testing.assert_array_equal(dc1, ref_pool_backward(dp, c1, 2, 2, 2))
    for g, r in zip(fl.conv_backward_fast(dc1, cc1), ref_conv_backward(dc1, x1, w, 1, 1)):
        assert close(g, r) < 1e-9


def test_conv_names_the_dimension_that_does_not_fit():
    x, b = np.zeros((1, 2, 10, 9)), np.zeros(3)
    with pytest.raises(ValueError, match=r"conv_forward_fast: the height does not fit: height 10 \+ 2 \* pad 1 - "
                                         r"filter 3 = 9 is not a multiple of stride 2"):
        fl.conv_forward_fast(x, np.zeros((3, 2, 3, 3)), b, {"stride": 2, "pad": 1})
    with pytest.raises(ValueError, match=r"the width does not fit: width 9 \+ 2 \* pad 0 - filter 2 = 7 is not a "
                                         r"multiple of stride 2"):
        fl.conv_forward_fast(x, np.zeros((3, 2, 2, 2)), b, {"stride": 2, "pad": 0})
    with pytest.raises(ValueError, match=r"w has C = 4 channels but x has C = 2"):
        fl.conv_forward_fast(x, np.zeros((3, 4, 3, 3)), b, {"stride": 1, "pad": 1})


def test_conv_outputs_are_never_shared_between_calls():
    x, w, b = rng.standard_normal((2, 3, 9, 9)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    for param in ({"stride": 1, "pad": 1}, {"stride": 2, "pad": 1}):
        out1, cache1 = fl.conv_forward_fast(x, w, b, param)
        dout = rng.standard_normal(out1.shape)
        grads1 = fl.conv_backward_fast(dout, cache1)
        kept = [a.copy() for a in (out1,) + grads1]
        out2, cache2 = fl.conv_forward_fast(x + 1, w, b, param)        # same shapes, other values
        grads2 = fl.conv_backward_fast(2 * dout, cache2)
        for first, second, k in zip((out1,) + grads1, (out2,) + grads2, kept):
            assert np.array_equal(first, k)                        # the second call left the first's arrays alone
            assert not np.shares_memory(first, second)
            first += 100                                           # and changing them leaves the second's alone
            assert not np.array_equal(first, second)
        assert close(out2, ref_conv(x + 1, w, b, param["stride"], param["pad"])) < 1e-9


# --- max pooling ----------------------------------------------------------------------------------------------------
POOL_CASES = [  # x shape, pool height, pool width, stride
    ((2, 3, 8, 8), 2, 2, 2),     # the fast path
    ((2, 3, 6, 10), 2, 2, 2),
    ((2, 2, 9, 9), 3, 3, 3),
    ((2, 2, 7, 9), 2, 3, 1),     # overlapping, non-square
    ((2, 2, 6, 6), 2, 2, 1),
    ((1, 3, 7, 7), 3, 3, 1),
    ((2, 2, 9, 7), 3, 3, 2),
    ((2, 2, 8, 9), 4, 3, 2),
]


@pytest.mark.parametrize("x_shape, ph, pw, stride", POOL_CASES,
                         ids=[f"{c[0]}-{c[1]}x{c[2]}-s{c[3]}" for c in POOL_CASES])
@pytest.mark.parametrize("values", ["normal", "ties"])
def test_pool_matches_reference_with_first_max_ties(x_shape, ph, pw, stride, values):
    # ties: small integers (most windows hold a repeated maximum) and a block of zeros, as after a ReLU
    if values == "ties":
        x = rng.integers(0, 3, x_shape).astype(np.float64)
        x[0, 0] = 0.0
    else:
        x = rng.standard_normal(x_shape)
    param = {"pool_height": ph, "pool_width": pw, "stride": stride}
    out, cache = fl.max_pool_forward_fast(x, param)
    ref, _ = ref_pool(x, ph, pw, stride)
    np.testing.assert_array_equal(out, ref)
    dout = rng.integers(-5, 6, out.shape).astype(np.float64)      # integers: sums are exact in any order
    dx = fl.max_pool_backward_fast(dout, cache)
    np.testing.assert_array_equal(dx, ref_pool_backward(dout, x, ph, pw, stride))


@pytest.mark.parametrize("param", [{"pool_height": 2, "pool_width": 2, "stride": 2},
                                   {"pool_height": 3, "pool_width": 2, "stride": 1}], ids=["2x2", "3x2-s1"])
def test_pool_float32_stays_float32(param):
    x = rng.integers(0, 4, (2, 3, 8, 8)).astype(np.float32)
    out, cache = fl.max_pool_forward_fast(x, param)
    dx = fl.max_pool_backward_fast(rng.standard_normal(out.shape).astype(np.float32), cache)
    assert out.dtype == np.float32 and dx.dtype == np.float32
    np.testing.assert_array_equal(out, ref_pool(x, param["pool_height"], param["pool_width"], param["stride"])[0])


def test_pool_names_the_dimension_that_does_not_fit():
    with pytest.raises(ValueError, match=r"max_pool_forward_fast: the height does not fit: height 9 - pool 2 = 7 is "
                                         r"not a multiple of stride 2"):
        fl.max_pool_forward_fast(np.zeros((1, 1, 9, 8)), {"pool_height": 2, "pool_width": 2, "stride": 2})
    with pytest.raises(ValueError, match=r"the width does not fit: width 8 - pool 3 = 5 is not a multiple of stride 2"):
        fl.max_pool_forward_fast(np.zeros((1, 1, 9, 8)), {"pool_height": 3, "pool_width": 3, "stride": 2})


@pytest.mark.parametrize("param", [{"pool_height": 2, "pool_width": 2, "stride": 2},
                                   {"pool_height": 3, "pool_width": 3, "stride": 1}], ids=["2x2", "3x3-s1"])
def test_pool_outputs_are_never_shared_between_calls(param):
    x = rng.standard_normal((2, 3, 8, 8))
    out1, cache1 = fl.max_pool_forward_fast(x, param)
    dout = rng.standard_normal(out1.shape)
    dx1 = fl.max_pool_backward_fast(dout, cache1)
    kept = out1.copy(), dx1.copy()
    out2, cache2 = fl.max_pool_forward_fast(-x, param)
    dx2 = fl.max_pool_backward_fast(2 * dout, cache2)
    for first, second, k in zip((out1, dx1), (out2, dx2), kept):
        assert np.array_equal(first, k) and not np.shares_memory(first, second)
        first += 100
        assert not np.array_equal(first, second)
    np.testing.assert_allclose(dx2, ref_pool_backward(2 * dout, -x, param["pool_height"], param["pool_width"],
                                                      param["stride"]), rtol=1e-12, atol=1e-12)


# --- the benchmark's functions ---------------------------------------------------------------------------------------
def test_benchmark_functions_return_positive_times():
    from utils import conv_benchmark as cb
    cases = [("conv", (2, 3, 8, 8), (4, 3, 3, 3), {"stride": 1, "pad": 1}, "float32", 1.0),
             ("pool", (2, 3, 8, 8), None, {"pool_height": 2, "pool_width": 2, "stride": 2}, "float64", 1.0)]
    rows = cb.conv_table(rounds=1, cases=cases, progress=False)
    assert [r["name"] for r in rows] == ["conv", "pool"]
    assert rows[0]["fast_ms"] > 0 and rows[0]["gemm_ms"] > 0 and rows[0]["ratio"] > 0
    assert rows[1]["fast_ms"] > 0 and rows[1]["gemm_ms"] is None and rows[1]["meets_ratio"] is None
    assert cb.best_time(lambda: None, rounds=2) > 0
    result = cb.naive_vs_fast((2, 1, 6, 6), (2, 1, 3, 3), (2, 2, 6, 6), rounds=1, progress=False)
    for r in result.values():
        assert r["fast_ms"] > 0
        assert (r["naive_ms"] is None) == (r["speedup"] is None) and (r["naive_ms"] is None or r["naive_ms"] > 0)
