"""An int8 matrix product for decoding, written for VNNI (`vpdpbusd`), compiled by numba.

A decode pass multiplies a few rows of activations (1 to 7) by every weight
matrix, so it is bound by how fast the weights stream from memory. fbgemm's
dynamic int8 linear read them at 0.75-0.8 of the rate of a plain read on 2
cores. This kernel reads them at about that rate for one row, and at 0.7 of
it for seven (the fast pack's 97 matrices, 0.5 GB, in turn), because:
- the weights are packed so that one 64-byte load holds 4 consecutive input
  bytes of 16 output rows, and one `vpdpbusd` multiplies them by 4 input
  bytes broadcast: each lane accumulates one output row, with no horizontal
  sum at the end;
- 4 such blocks (64 output rows) are in flight at once, so 4 chains of
  `vpdpbusd` overlap, and each activation row's accumulators stay in registers;
- up to 4 activation rows share each weight load; more rows take the same
  64 output rows again while they are in cache.
The activation rows are quantized to 8 bits each with its own scale
(symmetric, stored plus 128 because `vpdpbusd` multiplies unsigned by signed
bytes); the 128 is taken back out with each weight row's sum. So a row's
product is the same, bit for bit, whichever rows share its pass.

`available()` says whether this machine has AVX-512 VNNI and numba; where it
does not, the decoder keeps fbgemm's product. Heavy imports (numba, llvmlite):
an adapter, loaded by the decode loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

ROWS = 16  # output rows a 64-byte vector accumulates, one per 32-bit lane
BLOCKS = 4  # 16-row blocks in flight at once
GROUP = 4  # activation rows that share one load of the weights
_I32 = ir.IntType(32)
_V16 = ir.VectorType(_I32, 16)


def available() -> bool:
    """True when the CPU has AVX-512 VNNI, which the kernel's `vpdpbusd` needs."""
    import llvmlite.binding as llvm

    features = llvm.get_host_cpu_features()
    return bool(features.get("avx512vnni") and features.get("avx512f"))


@dataclass(frozen=True)
class PackedInt8:
    """A weight matrix in the kernel's layout: int8 with one scale per output row.

    `weights` is (output rows / 16, input columns * 16) bytes; `sums` is each
    int8 row's sum, which takes the activations' offset of 128 back out."""

    weights: np.ndarray  # int8, rows padded to a multiple of ROWS * BLOCKS
    scales: np.ndarray  # float32, one per output row
    sums: np.ndarray  # int32, one per output row
    bias: np.ndarray  # float32, one per output row (zeros when the layer has none)
    outputs: int  # output rows before padding

    @property
    def nbytes(self) -> int:
        """Bytes one product reads: the int8 weights, scales, sums and bias."""
        return self.outputs * (self.weights.shape[1] // ROWS + 12)


def pack(qweight: np.ndarray, scales: np.ndarray, bias: np.ndarray | None) -> PackedInt8:
    """The kernel's layout of int8 weights (output rows x input columns)."""
    outputs, inputs = qweight.shape
    if inputs % 4:
        raise ValueError(f"the VNNI product needs input columns in fours, got {inputs}")
    padded = -(-outputs // (ROWS * BLOCKS)) * ROWS * BLOCKS
    full = np.zeros((padded, inputs), np.int8)
    full[:outputs] = qweight

    def pad(values: np.ndarray, dtype: Any) -> np.ndarray:
        out = np.zeros(padded, dtype)
        out[:outputs] = values
        return out

    layout = full.reshape(padded // ROWS, ROWS, inputs // 4, 4).transpose(0, 2, 1, 3)
    return PackedInt8(np.ascontiguousarray(layout).reshape(padded // ROWS, inputs * ROWS),
                      pad(scales, np.float32), pad(qweight.sum(1, dtype=np.int64), np.int32),
                      pad(np.zeros(outputs) if bias is None else bias, np.float32), outputs)


def _declare(module: ir.Module, name: str, ret: ir.Type, args: list[ir.Type]) -> Any:
    found = module.globals.get(name)
    return found if found is not None else ir.Function(module, ir.FunctionType(ret, args), name)


def _arrays(context: Any, builder: Any, signature: Any, args: Any) -> list[Any]:
    """An intrinsic's first three arguments as array structs (data, shape)."""
    return [context.make_array(t)(context, builder, a)
            for t, a in zip(signature.args[:3], args[:3], strict=True)]


def _splat(builder: Any, value: Any, vector: ir.VectorType) -> Any:
    """`value` in every lane of a `vector`."""
    lanes = ir.Constant(ir.VectorType(_I32, vector.count), None)
    return builder.shuffle_vector(
        builder.insert_element(ir.Constant(vector, ir.Undefined), value, ir.Constant(_I32, 0)),
        ir.Constant(vector, ir.Undefined), lanes)


def _tile(rows: int) -> Any:
    """An intrinsic: int32 products of `rows` activation rows (from row g, uint8)
    with BLOCKS blocks of 16 packed weight rows (from block b), into `acc`."""

    @intrinsic
    def tile(typingctx: Any, w: Any, x: Any, acc: Any, b: Any, g: Any) -> Any:
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            wa, xa, oa = _arrays(context, builder, signature, args)
            b, g = args[3], args[4]
            stride = builder.extract_value(wa.shape, 1)  # bytes of one 16-row block
            quads = builder.extract_value(xa.shape, 1)  # input columns / 4
            outputs = builder.extract_value(oa.shape, 1)

            def c(v: int) -> Any:
                return ir.Constant(quads.type, v)

            dot = _declare(builder.module, "llvm.x86.avx512.vpdpbusd.512", _V16,
                           [_V16, _V16, _V16])
            accs = [[cgutils.alloca_once(builder, _V16) for _ in range(BLOCKS)]
                    for _ in range(rows)]
            for row in accs:
                for a in row:
                    builder.store(ir.Constant(_V16, None), a)
            xs = builder.bitcast(xa.data, _I32.as_pointer())
            with cgutils.for_range_slice(builder, c(0), quads, c(1)) as (q, _):
                loads = []
                for j in range(BLOCKS):
                    at = builder.add(builder.mul(builder.add(b, c(j)), stride),
                                     builder.mul(q, c(64)))
                    loads.append(builder.load(builder.bitcast(
                        builder.gep(wa.data, [at]), _V16.as_pointer()), align=1))
                for m in range(rows):
                    four = builder.load(builder.gep(
                        xs, [builder.add(builder.mul(builder.add(g, c(m)), quads), q)]), align=4)
                    spread = _splat(builder, four, _V16)
                    for j in range(BLOCKS):
                        builder.store(builder.call(
                            dot, [builder.load(accs[m][j]), spread, loads[j]]), accs[m][j])
            out = builder.bitcast(oa.data, _I32.as_pointer())
            for m in range(rows):
                for j in range(BLOCKS):
                    at = builder.add(builder.mul(builder.add(g, c(m)), outputs),
                                     builder.mul(builder.add(b, c(j)), c(ROWS)))
                    builder.store(builder.load(accs[m][j]), builder.bitcast(
                        builder.gep(out, [at]), _V16.as_pointer()), align=4)
            return context.get_dummy_value()

        return types.void(w, x, acc, types.intp, types.intp), codegen

    return tile


_tile1, _tile2, _tile3, _tile4 = (_tile(rows) for rows in range(1, GROUP + 1))


@njit(parallel=True, cache=True, boundscheck=False)
def _products(w: np.ndarray, x: np.ndarray, acc: np.ndarray) -> None:
    """acc = x @ unpacked(w).T in int32, 64 output rows a task."""
    rows = x.shape[0]
    for task in prange(w.shape[0] // BLOCKS):
        b = task * BLOCKS
        for g in range(0, rows, GROUP):
            left = rows - g
            if left >= 4:
                _tile4(w, x, acc, b, g)
            elif left == 3:
                _tile3(w, x, acc, b, g)
            elif left == 2:
                _tile2(w, x, acc, b, g)
            else:
                _tile1(w, x, acc, b, g)


@njit(cache=True, fastmath=True, boundscheck=False)
def product(x: np.ndarray, w: np.ndarray, scales: np.ndarray, sums: np.ndarray,
            bias: np.ndarray, out: np.ndarray) -> None:
    """out = x @ W.T + bias for float32 rows `x`, with W the packed int8 `w` times its
    row `scales`; each row of x is quantized to 8 bits with its own scale."""
    rows, inputs = x.shape
    if w.shape[1] != inputs * ROWS or out.shape[1] > w.shape[0] * ROWS:
        raise ValueError("the rows, packed weights and output do not fit together")
    quantized = np.empty((rows, inputs), np.uint8)
    step = np.empty(rows, np.float32)
    for m in range(rows):
        peak = np.float32(1e-12)
        for k in range(inputs):
            peak = max(peak, abs(x[m, k]))
        step[m] = peak / np.float32(127)
        inverse = np.float32(127) / peak
        for k in range(inputs):
            quantized[m, k] = np.uint8(np.int32(np.rint(x[m, k] * inverse)) + 128)
    acc = np.empty((rows, w.shape[0] * ROWS), np.int32)
    _products(w, quantized.view(np.int32).reshape(rows, inputs // 4), acc)
    for m in range(rows):
        for n in range(out.shape[1]):
            out[m, n] = (np.float32(acc[m, n] - 128 * sums[n]) * step[m] * scales[n]
                         + bias[n])
