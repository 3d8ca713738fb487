"""Attention for a decode pass of a few rows, in numba, on AVX-512 float tiles.

A pass of 7 rows of the fast pack asks 98 queries over about 600 positions in
each of 24 layers: 15 million multiply-adds a layer, more than the int8
products' bandwidth leaves room for when written as plain loops (4.6 ms a
pass). Here:
- the key and value buffers are (kv heads, head size, positions), so both
  products run along positions, 16 at a time;
- a task takes QUERIES queries of one key head, so each key and value is read
  once for all of them: scores for 16 positions are 8 vectors kept in registers
  while the head size is walked (`_scores16`), and each value row meets 8
  rows of weights at once (`_values16`);
- exp is a polynomial that vectorizes (`exp`).
Measured on 7 rows and 600 positions: 1.75 against 4.6 ms a pass (fast pack).
The buffers must be zero past the positions written, and as wide as the
positions rounded up to 16 (`DecodePlan._buffers` makes them so).
Heavy imports (numba, llvmlite): an adapter, loaded by the VNNI pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from assistant.vnni import _arrays, _declare, _splat

QUERIES = 8  # queries of one key head that share each read of its keys and values
DIMS = 2  # value rows that share each read of the attention weights
LANES = 16  # float32 lanes of an AVX-512 vector: positions a step
_F32 = ir.FloatType()
_VF = ir.VectorType(_F32, LANES)


@intrinsic
def _scores16(typingctx: Any, q: Any, keys: Any, scores: Any, t0: Any) -> Any:
    """scores[a, t0:t0+16] = q[a] . keys[:, t0:t0+16] for the QUERIES rows of q."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        qa, ka, sa = _arrays(context, builder, signature, args)
        t0 = args[3]
        dim = builder.extract_value(qa.shape, 1)
        width, swidth = builder.extract_value(ka.shape, 1), builder.extract_value(sa.shape, 1)

        def c(v: int) -> Any:
            return ir.Constant(dim.type, v)

        fma = _declare(builder.module, "llvm.fma.v16f32", _VF, [_VF, _VF, _VF])
        accs = [cgutils.alloca_once(builder, _VF) for _ in range(QUERIES)]
        for acc in accs:
            builder.store(ir.Constant(_VF, None), acc)
        with cgutils.for_range_slice(builder, c(0), dim, c(1)) as (d, _):
            line = builder.load(builder.bitcast(builder.gep(
                ka.data, [builder.add(builder.mul(d, width), t0)]), _VF.as_pointer()), align=4)
            for a, acc in enumerate(accs):
                x = builder.load(builder.gep(qa.data, [builder.add(builder.mul(c(a), dim), d)]))
                spread = _splat(builder, x, _VF)
                builder.store(builder.call(fma, [spread, line, builder.load(acc)]), acc)
        for a, acc in enumerate(accs):
            at = builder.gep(sa.data, [builder.add(builder.mul(c(a), swidth), t0)])
            builder.store(builder.load(acc), builder.bitcast(at, _VF.as_pointer()), align=4)
        return context.get_dummy_value()

    return types.void(q, keys, scores, types.intp), codegen


@intrinsic
def _values16(typingctx: Any, weights: Any, values: Any, out: Any, d0: Any) -> Any:
    """out[a, d0 + j] = weights[a] . values[d0 + j] over the weights' whole width,
    for the QUERIES rows of the weights and j < DIMS."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        wa, va, oa = _arrays(context, builder, signature, args)
        d0 = args[3]
        width, vwidth = builder.extract_value(wa.shape, 1), builder.extract_value(va.shape, 1)
        dim = builder.extract_value(oa.shape, 1)

        def c(v: int) -> Any:
            return ir.Constant(width.type, v)

        fma = _declare(builder.module, "llvm.fma.v16f32", _VF, [_VF, _VF, _VF])
        add = _declare(builder.module, "llvm.vector.reduce.fadd.v16f32", _F32, [_F32, _VF])
        accs = [[cgutils.alloca_once(builder, _VF) for _ in range(DIMS)] for _ in range(QUERIES)]
        for row in accs:
            for acc in row:
                builder.store(ir.Constant(_VF, None), acc)
        with cgutils.for_range_slice(builder, c(0), width, c(LANES)) as (t, _):
            lines = [builder.load(builder.bitcast(builder.gep(va.data, [builder.add(
                builder.mul(builder.add(d0, c(j)), vwidth), t)]), _VF.as_pointer()), align=4)
                for j in range(DIMS)]
            for a in range(QUERIES):
                w = builder.load(builder.bitcast(builder.gep(
                    wa.data, [builder.add(builder.mul(c(a), width), t)]), _VF.as_pointer()),
                    align=4)
                for j in range(DIMS):
                    builder.store(builder.call(fma, [w, lines[j], builder.load(accs[a][j])]),
                                  accs[a][j])
        for a in range(QUERIES):
            for j in range(DIMS):
                total = builder.call(add, [ir.Constant(_F32, 0.0), builder.load(accs[a][j])])
                builder.store(total, builder.gep(oa.data, [builder.add(
                    builder.mul(c(a), dim), builder.add(d0, c(j)))]))
        return context.get_dummy_value()

    return types.void(weights, values, out, types.intp), codegen


@njit(cache=True, fastmath=True, boundscheck=False)
def exp(x: np.ndarray, n: int, bits: np.ndarray) -> None:
    """x[:n] = exp(x[:n]) (relative error under 2e-6; x clamped to [-87, 88]), as 2^k
    times a polynomial in the fraction: it vectorizes, where numba's exp measured
    5x slower."""
    for t in range(n):
        v = min(max(x[t], np.float32(-87.0)), np.float32(88.0)) * np.float32(1.4426950408889634)
        k = np.floor(v)
        f = v - k
        p = np.float32(1.8775767e-3)
        p = p * f + np.float32(8.9893397e-3)
        p = p * f + np.float32(5.5826318e-2)
        p = p * f + np.float32(2.4015361e-1)
        p = p * f + np.float32(6.9315308e-1)
        p = p * f + np.float32(9.9999994e-1)
        bits[t] = (np.int32(k) + np.int32(127)) << 23  # the float 2^k
        x[t] = p
    powers = bits.view(np.float32)
    for t in range(n):
        x[t] *= powers[t]


@njit(parallel=True, cache=True, fastmath=True, boundscheck=False)
def attend(y: np.ndarray, keys: np.ndarray, values: np.ndarray, position: int, heads: int,
           out: np.ndarray) -> None:
    """Each row's query heads (in `y`, pre-scaled) over the keys up to its own
    position, into `out` (rows, heads * head size). `keys` and `values` are one
    layer's (kv heads, head size, positions) buffers."""
    rows, kv_heads, dim = y.shape[0], keys.shape[0], keys.shape[1]
    group = heads // kv_heads
    queries, end = rows * group, position + rows
    width = (end + LANES - 1) // LANES * LANES
    blocks = (queries + QUERIES - 1) // QUERIES
    for task in prange(kv_heads * blocks):
        kv, first = task // blocks, (task % blocks) * QUERIES
        count = min(QUERIES, queries - first)
        row = np.empty(count, np.int64)
        at = np.empty(count, np.int64)  # the query's first column in y and out
        q = np.zeros((QUERIES, dim), np.float32)  # rows past `count` stay zero
        for a in range(count):
            row[a] = (first + a) // group
            at[a] = (kv * group + (first + a) % group) * dim
            q[a] = y[row[a], at[a]:at[a] + dim]
        scores = np.zeros((QUERIES, width), np.float32)
        for t0 in range(0, width, LANES):
            _scores16(q, keys[kv], scores, t0)  # type: ignore[call-arg]
        bits = np.empty(end, np.int32)
        for a in range(count):
            s = scores[a]
            seen = position + row[a] + 1  # a row sees the keys up to its own
            best = np.float32(-np.inf)
            for t in range(seen):
                best = max(best, s[t])
            for t in range(seen):
                s[t] -= best
            exp(s, seen, bits)
            total = np.float32(0)
            for t in range(seen):
                total += s[t]
            inverse = np.float32(1) / total
            for t in range(seen):
                s[t] *= inverse
            s[seen:] = 0
        for a in range(count, QUERIES):
            scores[a] = 0
        heads_out = np.empty((QUERIES, dim), np.float32)
        for d0 in range(0, dim, DIMS):
            _values16(scores, values[kv], heads_out, d0)  # type: ignore[call-arg]
        for a in range(count):
            out[row[a], at[a]:at[a] + dim] = heads_out[a]
