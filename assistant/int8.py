"""Weight-only int8 for decoding: half the bytes read per generated token.

Decoding one token reads every weight once, so on a CPU its speed is bound by
memory bandwidth. `Int8DecodeLinear` keeps each weight matrix twice: int8
with one scale per output row (for decoding, where a step multiplies a few
rows of activations) and the original bf16 (for the prompt, where a
thousand-row matrix product is faster in bf16: measured 9 ms bf16 against
27 ms int8 for 1000 x 896 x 4864, but 0.09 ms int8 against 0.24 ms bf16 for
one row). The int8 rounding error is at most half a step of 1/127 of each
row's largest weight. Chosen by `salus bench generation`; `weights = "bf16"`
in salus.toml turns it off. Heavy import (torch): an adapter, loaded only by
the generator.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

DECODE_ROWS = 4  # up to this many activation rows, the int8 weights are read


def row_scales(weight: torch.Tensor) -> torch.Tensor:
    """One int8 scale per output row: its largest weight maps to 127 (float32)."""
    return weight.float().abs().amax(dim=1).clamp(min=1e-8) / 127


class Int8DecodeLinear(nn.Module):
    """A Linear whose decode steps read int8 weights with per-row scales.

    Example:
        >>> layer = Int8DecodeLinear.from_linear(nn.Linear(8, 4).to(torch.bfloat16))
        >>> layer(torch.ones(1, 8, dtype=torch.bfloat16)).shape
        torch.Size([1, 4])
    """

    qweight: torch.Tensor
    scale: torch.Tensor

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        super().__init__()
        scale = row_scales(weight)
        self.weight = nn.Parameter(weight, requires_grad=False)
        self.bias = None if bias is None else nn.Parameter(bias, requires_grad=False)
        self.register_buffer("qweight", torch.round(weight.float() / scale[:, None])
                             .clamp(-127, 127).to(torch.int8))
        self.register_buffer("scale", scale.to(weight.dtype))
        self.in_features = weight.shape[1]
        self.out_features = weight.shape[0]

    @classmethod
    def from_linear(cls, linear: nn.Linear) -> Int8DecodeLinear:
        """Wrap an existing Linear (its weights are shared, not copied)."""
        return cls(linear.weight.data, None if linear.bias is None else linear.bias.data)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, self.in_features)
        if rows.shape[0] > DECODE_ROWS or x.dtype != self.scale.dtype:
            return nn.functional.linear(x, self.weight, self.bias)
        out = torch.ops.aten._weight_int8pack_mm(rows.contiguous(), self.qweight, self.scale)
        if self.bias is not None:
            out = out + self.bias
        return out.reshape(*x.shape[:-1], self.out_features)


def quantize_for_decode(model: Any) -> int:
    """Swap every nn.Linear in `model` for an Int8DecodeLinear; return how many."""
    swapped = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.Linear):
                setattr(parent, name, Int8DecodeLinear.from_linear(child))
                swapped += 1
    return swapped


def decode_bytes_per_token(model: Any) -> int:
    """Bytes of weights one decode step reads (int8 where swapped; one embedding row)."""
    total = 0
    for module in model.modules():
        if isinstance(module, Int8DecodeLinear):
            total += module.qweight.numel() + module.scale.numel() * module.scale.element_size()
            if module.bias is not None:
                total += module.bias.numel() * module.bias.element_size()
        elif isinstance(module, nn.Embedding):
            total += module.weight.shape[1] * module.weight.element_size()
        else:
            total += sum(p.numel() * p.element_size() for p in module.parameters(recurse=False))
    return total
