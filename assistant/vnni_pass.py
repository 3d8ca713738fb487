"""A decode pass of a Llama-family model over a few rows, in numba, on VNNI products.

The same arithmetic as `decode.Stack` (RMS norms, q/k/v in one product with
rotary pairs adjacent and queries pre-scaled, attention over the key and value
buffers with a causal mask between the pass's rows, SiLU-gated MLP, output
head), with two differences:
- the int8 products are `vnni.product` (per-row 8-bit activations), which read
  the weights at up to the machine's bandwidth, where fbgemm's read at 0.6-0.8
  of it;
- the whole pass is one compiled call, so it has no per-operation dispatch.
The weights of every layer are stacked into one array per kind, so a pass
takes a fixed handful of arrays. Compiled code is cached on disk by numba.
Heavy imports (numba): an adapter, loaded by the decode loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from numba import njit

from assistant.vnni import PackedInt8, pack, product
from assistant.vnni_attention import LANES, attend, exp

Stacked = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def stacked(matrices: list[PackedInt8]) -> Stacked:
    """One matrix kind of every layer: (weights, scales, sums, bias), layer first."""
    return (np.stack([m.weights for m in matrices]), np.stack([m.scales for m in matrices]),
            np.stack([m.sums for m in matrices]), np.stack([m.bias for m in matrices]))


def use_threads(threads: int) -> None:
    """Run the compiled pass on `threads` threads (as many as torch uses)."""
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))  # type: ignore[attr-defined]


@dataclass(frozen=True, repr=False)
class VnniStack:
    """Every block's int8 weights in the VNNI layout, the norms and the output head."""

    qkv: Stacked
    out: Stacked
    gate_up: Stacked
    down: Stacked
    head: PackedInt8
    norms: np.ndarray  # float32 (layers, 2, hidden): before attention, before the MLP
    final_norm: np.ndarray
    eps: float
    heads: int
    kv_heads: int
    head_dim: int
    inner: int  # the MLP's width
    nbytes: int  # bytes of weights a pass reads

    @classmethod
    def of(cls, layers: list[dict[str, Any]], head: PackedInt8, final_norm: np.ndarray,
           eps: float, heads: int, kv_heads: int, head_dim: int) -> VnniStack:
        """From each layer's packed matrices ("qkv", "out", "gate_up", "down") and
        norm weights ("attn_norm", "mlp_norm")."""
        kinds = ("qkv", "out", "gate_up", "down")
        nbytes = sum(layer[k].nbytes for layer in layers for k in kinds) + head.nbytes
        norms = np.stack([np.stack([layer["attn_norm"], layer["mlp_norm"]]) for layer in layers])
        qkv, out, gate_up, down = (stacked([layer[k] for layer in layers]) for k in kinds)
        return cls(qkv, out, gate_up, down, head,
                   norms.astype(np.float32), final_norm.astype(np.float32), eps, heads,
                   kv_heads, head_dim, layers[0]["gate_up"].outputs // 2,
                   nbytes + 4 * (norms.size + final_norm.size))

    def compile(self) -> None:
        """Compile the pass now (or load it from numba's cache), with one pass over
        one position, so the first question does not wait for it."""
        hidden, dim = self.norms.shape[2], self.head_dim
        # as wide as attention's 16-position steps read, like DecodePlan's buffers
        buffers = np.zeros((self.norms.shape[0], self.kv_heads, dim, LANES), np.float32)
        self(np.zeros((1, hidden), np.float32), 0, buffers, buffers.copy(),
             np.zeros((1, dim // 2, 2), np.float32))

    def __call__(self, x: np.ndarray, position: int, keys: np.ndarray, values: np.ndarray,
                 turns: np.ndarray) -> np.ndarray:
        """Logits after each row of `x` (embeddings, float32, overwritten), the first at
        `position`; their keys and values are written into the (layers, kv heads,
        head size, positions) buffers. `turns` holds each position's rotary cos and
        sin (positions, head size / 2, 2)."""
        reach = -(-(position + x.shape[0]) // LANES) * LANES  # what attention reads
        if keys.shape[3] < reach or not (keys.flags.c_contiguous and values.flags.c_contiguous
                                         and keys.shape == values.shape):
            raise ValueError(f"key and value buffers must be C-contiguous, alike and at "
                             f"least {reach} positions wide (see DecodePlan._buffers)")
        return _forward(x, position, keys, values, turns, self.norms,
                        self.final_norm, np.float32(self.eps), self.qkv, self.out,
                        self.gate_up, self.down, self.head.weights, self.head.scales,
                        self.head.sums, self.head.bias, self.head.outputs, self.heads,
                        self.kv_heads, self.inner)


def pack_matrix(weight: Any, scales: Any, bias: Any) -> PackedInt8:
    """Quantize float32 weights (torch or numpy) with their row scales and pack them."""
    w, s = np.asarray(weight, np.float32), np.asarray(scales, np.float32)
    q = np.clip(np.rint(w / s[:, None]), -127, 127).astype(np.int8)
    return pack(q, s, None if bias is None else np.asarray(bias, np.float32))


@njit(cache=True, fastmath=True, boundscheck=False)
def _norm(x: np.ndarray, weight: np.ndarray, eps: np.float32, out: np.ndarray) -> None:
    for m in range(x.shape[0]):
        total = np.float32(0)
        for k in range(x.shape[1]):
            total += x[m, k] * x[m, k]
        scale = np.float32(1) / np.sqrt(total / x.shape[1] + eps)
        for k in range(x.shape[1]):
            out[m, k] = x[m, k] * scale * weight[k]


@njit(cache=True, fastmath=True, boundscheck=False)
def _rotate(y: np.ndarray, turns: np.ndarray, position: int, heads: int, dim: int) -> None:
    """Rotary embedding of the first `heads` heads of each row, pairs adjacent."""
    for m in range(y.shape[0]):
        for h in range(heads):
            for j in range(dim // 2):
                i = h * dim + 2 * j
                a, b = y[m, i], y[m, i + 1]
                c, s = turns[position + m, j, 0], turns[position + m, j, 1]
                y[m, i] = a * c - b * s
                y[m, i + 1] = a * s + b * c


@njit(cache=True, fastmath=True, boundscheck=False)
def _forward(x: np.ndarray, position: int, keys: np.ndarray, values: np.ndarray,
             turns: np.ndarray, norms: np.ndarray, final_norm: np.ndarray,
             eps: np.float32, qkv: Stacked, out: Stacked, gate_up: Stacked, down: Stacked,
             head_w: np.ndarray, head_s: np.ndarray, head_sums: np.ndarray,
             head_b: np.ndarray, vocab: int, heads: int, kv_heads: int,
             inner: int) -> np.ndarray:
    rows, hidden = x.shape
    dim = keys.shape[2]
    q_size, kv_size = heads * dim, kv_heads * dim
    h = np.empty_like(x)
    y = np.empty((rows, q_size + 2 * kv_size), np.float32)
    attn = np.empty((rows, q_size), np.float32)
    added = np.empty_like(x)
    gu = np.empty((rows, 2 * inner), np.float32)
    act = np.empty((rows, inner), np.float32)
    bits = np.empty(inner, np.int32)
    for layer in range(keys.shape[0]):
        _norm(x, norms[layer, 0], eps, h)
        product(h, qkv[0][layer], qkv[1][layer], qkv[2][layer], qkv[3][layer], y)
        _rotate(y, turns, position, heads + kv_heads, dim)
        for m in range(rows):
            for kv in range(kv_heads):
                k0 = q_size + kv * dim
                keys[layer, kv, :, position + m] = y[m, k0:k0 + dim]
                values[layer, kv, :, position + m] = y[m, k0 + kv_size:k0 + kv_size + dim]
        attend(y, keys[layer], values[layer], position, heads, attn)
        product(attn, out[0][layer], out[1][layer], out[2][layer], out[3][layer], added)
        x += added
        _norm(x, norms[layer, 1], eps, h)
        product(h, gate_up[0][layer], gate_up[1][layer], gate_up[2][layer],
                gate_up[3][layer], gu)
        for m in range(rows):  # SiLU(gate) * up
            for i in range(inner):
                act[m, i] = -gu[m, i]
            exp(act[m], inner, bits)
            for i in range(inner):
                act[m, i] = gu[m, i] / (np.float32(1) + act[m, i]) * gu[m, inner + i]
        product(act, down[0][layer], down[1][layer], down[2][layer], down[3][layer], added)
        x += added
    _norm(x, final_norm, eps, h)
    logits = np.empty((rows, vocab), np.float32)
    product(h, head_w, head_s, head_sums, head_b, logits)
    return logits


def vnni_stack(model: Any, rows: Any, gains: Any, eps: float, heads: int, kv_heads: int,
               head_dim: int) -> VnniStack:
    """The decode weights of a Llama-family transformers model, as `decode.Block`
    prepares them (q/k/v rows reordered by `rows` and multiplied by `gains`)."""
    from assistant.decode import prepared

    def packed(*linears: Any, **order: Any) -> PackedInt8:
        return pack_matrix(*(None if t is None else t.numpy()
                             for t in prepared(*linears, **order)))

    layers = []
    for block in model.model.layers:
        attention, mlp = block.self_attn, block.mlp
        layers.append({
            "qkv": packed(attention.q_proj, attention.k_proj, attention.v_proj,
                          rows=rows, gains=gains),
            "out": packed(attention.o_proj),
            "gate_up": packed(mlp.gate_proj, mlp.up_proj),
            "down": packed(mlp.down_proj),
            "attn_norm": block.input_layernorm.weight.data.float().numpy(),
            "mlp_norm": block.post_attention_layernorm.weight.data.float().numpy()})
    return VnniStack.of(layers, packed(model.lm_head), model.model.norm.weight.data.float()
                        .numpy(), eps, heads, kv_heads, head_dim)
