"""The VNNI int8 product equals the float product within 8-bit rounding, in any shape."""

from __future__ import annotations

import numpy as np
import pytest

vnni = pytest.importorskip("assistant.vnni")
pytestmark = pytest.mark.skipif(not vnni.available(), reason="this CPU has no AVX-512 VNNI")


def packed(outputs: int, inputs: int, seed: int = 0, bias: bool = True):
    rng = np.random.default_rng(seed)
    weight = (rng.standard_normal((outputs, inputs)) * 0.05).astype(np.float32)
    scales = np.abs(weight).max(1) / 127
    q = np.rint(weight / scales[:, None]).astype(np.int8)
    b = rng.standard_normal(outputs).astype(np.float32) if bias else None
    return weight, q, scales, b, vnni.pack(q, scales, b)


def run(p, x: np.ndarray) -> np.ndarray:
    out = np.empty((x.shape[0], p.outputs), np.float32)
    vnni.product(x, p.weights, p.scales, p.sums, p.bias, out)
    return out


@pytest.mark.parametrize("rows", [1, 2, 3, 4, 5, 7, 8])
@pytest.mark.parametrize("outputs,inputs", [(256, 128), (1152, 896), (100, 36), (17, 4)])
def test_rows_times_weights_is_the_float_product_within_rounding(rows, outputs, inputs):
    weight, _, _, bias, p = packed(outputs, inputs)
    x = np.random.default_rng(rows).standard_normal((rows, inputs)).astype(np.float32)
    x[0] *= 100  # rows of very different range keep their own precision
    ours, exact = run(p, x), x @ weight.T + bias
    error = np.abs(ours - exact).max(1) / np.abs(exact).max(1)
    assert error.max() < 0.03  # 8-bit weights and activations: about 1%


def test_one_hot_rows_give_back_the_weight_columns_exactly():
    # a layout slip (a wrong block, lane or byte order) moves whole columns
    _, q, scales, _, p = packed(130, 64, bias=False)
    for column in (0, 3, 4, 63):
        x = np.zeros((3, 64), np.float32)
        x[:, column] = [1.0, -2.0, 0.5]
        expected = np.outer([1.0, -2.0, 0.5], q[:, column] * scales)
        assert np.allclose(run(p, x), expected, rtol=1e-5, atol=1e-7)


def test_a_zero_row_gives_the_bias():
    _, _, _, bias, p = packed(64, 32)
    assert np.allclose(run(p, np.zeros((2, 32), np.float32)), bias[None].repeat(2, 0))


def test_input_columns_must_come_in_fours():
    with pytest.raises(ValueError, match="in fours"):
        vnni.pack(np.zeros((4, 6), np.int8), np.ones(4, np.float32), None)


def test_rows_of_the_wrong_width_are_refused_not_read_past():
    _, _, _, _, p = packed(64, 32)
    with pytest.raises(ValueError, match="do not fit"):
        run(p, np.zeros((1, 36), np.float32))


@pytest.mark.parametrize("heads,kv_heads,rows", [(14, 2, 1), (14, 2, 7), (9, 3, 5), (4, 4, 2)])
def test_attention_of_each_row_is_softmax_over_the_keys_up_to_its_own(heads, kv_heads, rows):
    from assistant.vnni_attention import attend

    rng = np.random.default_rng(heads + rows)
    dim, position = 64, 37
    width = -(-(position + rows) // 16) * 16
    keys = np.zeros((kv_heads, dim, width), np.float32)  # zero past what is written
    values = np.zeros_like(keys)
    keys[:, :, :position + rows] = rng.standard_normal((kv_heads, dim, position + rows))
    values[:, :, :position + rows] = rng.standard_normal((kv_heads, dim, position + rows))
    y = rng.standard_normal((rows, (heads + 2 * kv_heads) * dim)).astype(np.float32)
    out = np.empty((rows, heads * dim), np.float32)
    attend(y, keys, values, position, heads, out)
    group = heads // kv_heads
    for m in range(rows):
        seen = position + m + 1
        for h in range(heads):
            q = y[m, h * dim:(h + 1) * dim].astype(np.float64)
            k, v = keys[h // group, :, :seen], values[h // group, :, :seen]
            weights = np.exp(q @ k - (q @ k).max())
            expected = v @ (weights / weights.sum())
            assert np.allclose(out[m, h * dim:(h + 1) * dim], expected, atol=1e-4)


def test_buffers_narrower_than_attention_reads_are_refused_not_read_past():
    from assistant.decode import DecodePlan
    from tests.assistant.test_decode import tiny

    plan = DecodePlan(tiny("llama"), "vnni")  # 2 layers, 2 key heads of 32
    narrow = np.zeros((2, 2, 32, 8), np.float32)  # 8 positions; a step reads 16
    turns = np.zeros((8, 16, 2), np.float32)
    with pytest.raises(ValueError, match="positions wide"):
        plan.stack(np.zeros((1, 128), np.float32), 3, narrow, narrow.copy(), turns)
    wide = np.zeros((2, 2, 32, 16), np.float32)
    assert plan.stack(np.zeros((1, 128), np.float32), 3, wide, wide.copy(),
                      np.zeros((16, 16, 2), np.float32)).shape == (1, 512)
