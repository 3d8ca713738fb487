"""A lean greedy decode loop over int8 weights for Llama-family models (Qwen2, Llama).

Decoding one token reads every weight once, so on a CPU its speed is bound by
memory bandwidth. Through `model.generate`, a step of the fast pack took
34 ms, of which the int8 products were 16 ms. The rest was the attention
kernel (0.36 ms a layer for one query) and a few hundred small operations,
each dispatched from Python. This loop does the same arithmetic in fewer
operations:
- q, k and v are one matrix product, and gate and up are another;
- keys and values go into buffers allocated once;
- attention for one query is two small float32 matrix products;
- the repetition penalty touches only the tokens already seen.

Two kernels run the pass (`KERNELS`), with int8 weights (one scale per output
row) and activations quantized to 8 bits:
- "vnni", where the CPU has AVX-512 VNNI: the whole pass is one numba-compiled
  call (`assistant.vnni_pass`) on our own int8 product (`assistant.vnni`),
  which reads the weights at up to the machine's bandwidth for one row;
- "fbgemm" elsewhere: the blocks below, on fbgemm's dynamic int8 linear,
  compiled by TorchScript. It reads weights at 36-47 GB/s on 2 cores, against
  32 GB/s for int8 weights with bf16 activations (`_weight_int8pack_mm`),
  whose int8->float conversion makes it compute-bound.
Measured on the fast pack at a 550-token context: 34 ms a step through
`generate`, 16.9 ms in the fbgemm loop, 9.0-12.6 ms in the VNNI pass (as the
machine's bandwidth varied from 75 to 47 GB/s).

A pass can also take several tokens: the last one chosen and up to `DRAFTS`
proposed by prompt lookup (`assistant.lookup`); `accepted` keeps the proposals
that equal the model's own greedy choice. Seven rows cost about 1.5-1.8 passes of
one, and yield 2-3 tokens on answers built from passages (`salus bench
generation`: 57 -> 93 tokens/s). In fbgemm's product the rows of such a pass
share one activation scale, so each is brought to the same range first.

The fbgemm blocks are `nn.Module`s compiled by TorchScript (`scripted`), which
saves about 1.5 ms of Python dispatch a pass. `torch.compile` broke its graph on
the quantized ops and measured slower than eager.

The prompt is still run by the model's own forward (bf16, a thousand rows at
once), and its keys and values are copied in. `DecodePlan.supports(model)`
says which models the loop can run; the others keep `model.generate`.
Heavy import (torch): an adapter, loaded by the generator.
"""

# No `from __future__ import annotations`: TorchScript reads the annotations of the
# modules below as objects, and cannot parse them as strings.
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from assistant.int8 import row_scales
from assistant.lookup import DRAFTS, NgramLookup

ARCHITECTURES = ("qwen2", "llama")
KERNELS = ("vnni", "fbgemm")  # the int8 products of a pass: `assistant.vnni`, or fbgemm's

log = logging.getLogger(__name__)


class Int8Matrix(nn.Module):
    """One or more Linear layers stacked by output rows: int8 weights with one
    scale per row, multiplied by activations quantized to 8 bits per call."""

    bias: torch.Tensor | None

    def __init__(self, packed: Any, bias: torch.Tensor | None, nbytes: int) -> None:
        super().__init__()
        self.packed = packed
        self.bias = bias
        self.nbytes = nbytes

    @classmethod
    def of(cls, *linears: nn.Linear, rows: torch.Tensor | None = None,
           gains: torch.Tensor | None = None) -> "Int8Matrix":
        """Quantize the stacked weights (and biases), each output row multiplied by
        its gain if given, then reordered by `rows` if given."""
        weight, scale, bias = prepared(*linears, rows=rows, gains=gains)
        with warnings.catch_warnings():  # quantized tensors are deprecated, still shipped
            warnings.simplefilter("ignore")
            qweight = torch.quantize_per_channel(
                weight, scale.double(), torch.zeros(weight.shape[0], dtype=torch.long), 0,
                torch.qint8)
        nbytes = weight.numel() + scale.numel() * 4 + (0 if bias is None else bias.numel() * 4)
        return cls(torch.ops.quantized.linear_prepack(qweight, None), bias, nbytes)

    def forward(self, x: torch.Tensor, gain: torch.Tensor | None = None) -> torch.Tensor:
        """x @ W.T, each row of it times its `gain` (rows x 1) if given, plus the bias.
        The activation is quantized with one scale, so the product of a scaled row
        is the scaled product: a norm's scalar can be applied after it."""
        if x.shape[0] > 1:
            # One scale for all rows: bring every row to the same range first, so
            # that each keeps the precision it has alone.
            peak = x.abs().amax(dim=1, keepdim=True).clamp_min_(1e-12)
            x = x / peak
            gain = peak if gain is None else gain.mul_(peak)
        y = torch.ops.quantized.linear_dynamic(x, self.packed, False)
        bias = self.bias
        if gain is None:
            return y if bias is None else y.add_(bias)
        return y.mul_(gain) if bias is None else torch.addcmul(bias, y, gain)


def prepared(*linears: nn.Linear, rows: torch.Tensor | None = None,
             gains: torch.Tensor | None = None
             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Linear layers stacked by output rows, in float32: weight, int8 row scales and
    bias, each output row multiplied by its gain if given, then reordered by `rows`."""
    weight = torch.cat([linear.weight.data for linear in linears]).float()
    biases = [linear.bias for linear in linears]
    bias = None
    if any(b is not None for b in biases):
        bias = torch.cat([b.data.float() if b is not None else torch.zeros(linear.out_features)
                          for b, linear in zip(biases, linears, strict=True)])
    if gains is not None:
        weight = weight * gains[:, None]
        bias = None if bias is None else bias * gains
    scale = row_scales(weight)
    if rows is not None:
        weight, scale = weight[rows], scale[rows]
        bias = None if bias is None else bias[rows]
    return weight, scale, bias


class Block(nn.Module):
    """One transformer block's decode weights and its pass over a few rows."""

    def __init__(self, block: Any, heads: int, kv_heads: int, head_dim: int, eps: float,
                 rows: torch.Tensor, gains: torch.Tensor) -> None:
        super().__init__()
        self.heads, self.kv_heads, self.head_dim, self.eps = heads, kv_heads, head_dim, eps
        self.attn_norm = block.input_layernorm.weight.data.float()
        self.qkv = Int8Matrix.of(block.self_attn.q_proj, block.self_attn.k_proj,
                                 block.self_attn.v_proj, rows=rows, gains=gains)
        self.out = Int8Matrix.of(block.self_attn.o_proj)
        self.mlp_norm = block.post_attention_layernorm.weight.data.float()
        self.gate_up = Int8Matrix.of(block.mlp.gate_proj, block.mlp.up_proj)
        self.down = Int8Matrix.of(block.mlp.down_proj)

    def forward(self, x: torch.Tensor, position: int, k_cache: torch.Tensor,
                v_cache: torch.Tensor, turn: torch.Tensor,
                mask: torch.Tensor | None) -> torch.Tensor:
        """Add this block's output to the rows `x` (in place), the first at
        `position`; their keys and values are written into the caches."""
        heads, kv_heads, dim = self.heads, self.kv_heads, self.head_dim
        group, m = heads // kv_heads, x.shape[0]
        end, q_size, kv_size = position + m, heads * dim, kv_heads * dim
        qkv = self.qkv(x * self.attn_norm, inverse_rms(x, self.eps))
        pairs = torch.view_as_complex(qkv[:, :q_size + kv_size].reshape(m, -1, dim // 2, 2))
        qk = torch.view_as_real(pairs * turn).reshape(m, heads + kv_heads, dim)
        k_cache[:, position:end] = qk[:, heads:].transpose(0, 1)
        v_cache[:, position:end] = qkv[:, q_size + kv_size:].reshape(m, kv_heads, dim
                                                                     ).transpose(0, 1)
        q = qk[:, :heads].reshape(m, kv_heads, group, dim).transpose(0, 1)
        scores = torch.bmm(q.reshape(kv_heads, m * group, dim),
                           k_cache[:, :end].transpose(1, 2))
        if mask is not None:
            scores.add_(mask)
        attn = torch.bmm(scores.softmax(-1), v_cache[:, :end])
        x.add_(self.out(attn.reshape(kv_heads, m, group, dim).transpose(0, 1)
                        .reshape(m, q_size)))
        gate, up = self.gate_up(x * self.mlp_norm, inverse_rms(x, self.eps)).chunk(2, dim=-1)
        return x.add_(self.down(nn.functional.silu(gate).mul_(up)))


class Stack(nn.Module):
    """Every block, the final norm and the output head: rows in, logits out."""

    def __init__(self, blocks: list[Block], norm: torch.Tensor, head: Int8Matrix,
                 eps: float) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.norm, self.head, self.eps = norm, head, eps

    def forward(self, x: torch.Tensor, position: int, keys: torch.Tensor,
                values: torch.Tensor, turn: torch.Tensor,
                mask: torch.Tensor | None) -> torch.Tensor:
        for i, block in enumerate(self.blocks):
            x = block(x, position, keys[i], values[i], turn, mask)
        return self.head(x * self.norm, inverse_rms(x, self.eps))


def default_kernel() -> str:
    """"vnni" where this CPU and numba can run `assistant.vnni`, else "fbgemm"."""
    try:
        from assistant.vnni import available
    except ImportError:  # numba is a dependency; without it, fbgemm's products still run
        return "fbgemm"
    return "vnni" if available() else "fbgemm"


def inverse_rms(x: torch.Tensor, eps: float) -> torch.Tensor:
    """1 / RMS of each row: an RMS norm's scalar, applied after the product that
    follows the norm (its weight, which differs by channel, before it)."""
    return torch.mean(x * x, dim=-1, keepdim=True).add_(eps).rsqrt_()


def scripted(stack: Stack) -> nn.Module:
    """The stack compiled by TorchScript, which runs its thousand small operations
    without Python: a pass takes 0.90 of the time, with the same output. Where
    TorchScript cannot compile it, the stack itself (the same code, eager)."""
    try:
        with warnings.catch_warnings():  # deprecated in favour of torch.compile, which
            warnings.simplefilter("ignore")  # breaks on the quantized ops (measured slower)
            return torch.jit.script(stack)
    except Exception as error:  # noqa: BLE001 (any compile failure: eager runs the same code)
        log.warning("the decode loop runs without TorchScript, about 10%% slower: %s", error)
        return stack


class DecodePlan:
    """The int8 weights and shapes a greedy decode step needs, built once per model.

    Example:
        >>> plan = DecodePlan(model)  # doctest: +SKIP
        >>> tokens = list(plan.greedy(prompt_ids, cache, 64))  # doctest: +SKIP
    """

    def __init__(self, model: Any, kernel: str | None = None) -> None:
        if not self.supports(model):
            raise ValueError(f"{model.config.model_type} is not a Llama-family model; "
                             "use model.generate for it.")
        self.kernel = kernel or default_kernel()
        if self.kernel not in KERNELS:
            raise ValueError(f"unknown decode kernel {self.kernel!r}; use one of {KERNELS}")
        config = model.config
        self.heads = config.num_attention_heads
        self.kv_heads = config.num_key_value_heads
        self.head_dim = getattr(config, "head_dim", None) or config.hidden_size // self.heads
        self.eps = config.rms_norm_eps
        self.model = model
        body = model.model
        self.embed = body.embed_tokens.weight.data
        # Within each head, pair dimension i with i + dim/2, so the rotation is one
        # complex product; q and k permuted alike leave their dot product unchanged.
        half = self.head_dim // 2
        self.pairs = torch.tensor([j for i in range(half) for j in (i, i + half)])
        heads = self.heads + self.kv_heads
        rows = torch.cat([(h * self.head_dim + self.pairs) for h in range(heads)]
                         + [torch.arange(self.kv_heads * self.head_dim) + heads * self.head_dim])
        # Queries come out already divided by sqrt(head_dim), as attention wants them.
        gains = torch.ones(rows.numel())
        gains[:self.heads * self.head_dim] = self.head_dim ** -0.5
        embed_row = self.embed.shape[1] * self.embed.element_size()
        self.stack: Any = None
        if self.kernel == "vnni":
            self.stack = self._vnni(model, rows, gains)
            self.kernel = "vnni" if self.stack is not None else "fbgemm"
        if self.stack is not None:
            self.bytes_per_token = self.stack.nbytes + embed_row
        else:
            layers = [Block(block, self.heads, self.kv_heads, self.head_dim, self.eps,
                            rows, gains) for block in body.layers]
            norm = body.norm.weight.data.float()
            head = Int8Matrix.of(model.lm_head)
            matrices = [m for layer in layers
                        for m in (layer.qkv, layer.out, layer.gate_up, layer.down)] + [head]
            norms = sum(layer.attn_norm.numel() + layer.mlp_norm.numel() for layer in layers)
            self.bytes_per_token = (sum(m.nbytes for m in matrices)
                                    + 4 * (norms + norm.numel()) + embed_row)
            self.stack = scripted(Stack(layers, norm, head, self.eps))
        self.rotary = body.rotary_emb
        self.forwards = 0  # forward passes run, for benches

    def _vnni(self, model: Any, rows: torch.Tensor, gains: torch.Tensor) -> Any:
        """The VNNI pass, compiled; None (with a warning) where it does not compile,
        and fbgemm's products run instead."""
        from assistant.vnni import available
        from assistant.vnni_pass import use_threads, vnni_stack

        if not available():  # chosen by name on a CPU without it
            log.warning("this CPU has no AVX-512 VNNI, so fbgemm's products run instead")
            return None
        use_threads(torch.get_num_threads())
        stack = vnni_stack(model, rows, gains, self.eps, self.heads, self.kv_heads,
                           self.head_dim)
        try:
            stack.compile()
        except Exception as error:  # noqa: BLE001 (any compile failure: fbgemm still runs)
            log.warning("the VNNI decode kernels did not compile here, so fbgemm's "
                        "products run instead (slower): %s", error)
            return None
        return stack

    @staticmethod
    def supports(model: Any) -> bool:
        """True for the architectures this loop implements exactly."""
        config = model.config
        return (hasattr(torch.ops.quantized, "linear_dynamic")
                and config.model_type in ARCHITECTURES
                and getattr(config, "hidden_act", "silu") == "silu"
                and not getattr(config, "use_sliding_window", False))

    def greedy(self, ids: torch.Tensor, cache: Any, max_new_tokens: int,
               repetition_penalty: float = 1.1, stop_ids: tuple[int, ...] = (),
               drafts: int = DRAFTS) -> Iterator[int]:
        """Yield greedy next tokens after `ids`, whose keys and values are in `cache`
        except possibly the last few (they are run here). Penalises tokens already
        in `ids` or generated the way transformers' repetition penalty does.

        Each step also checks up to `drafts` tokens proposed by prompt lookup
        (`NgramLookup`); the ones that equal the model's own greedy choice are
        yielded without a step of their own. `drafts=0` decodes one token a step."""
        with torch.inference_mode():
            cached = cache.get_seq_length() if cache is not None else 0
            out = self.model(input_ids=ids[:, cached:], cache=cache, use_cache=True,
                             logits_to_keep=1)
            cache = out.past_key_values
            position = ids.shape[1]
            total = position + max_new_tokens
            keys, values = self._buffers(cache, total)
            turns = self._turns(total)
            seen = ids[0].unique()
            lookup = NgramLookup(ids[0].tolist())
            rows = out.logits[0, -1:].float()
            proposed: list[int] = []
            while True:
                chosen, seen = accepted(rows, proposed, seen, repetition_penalty)
                for token in chosen:
                    yield token
                    lookup.append(token)
                    if token in stop_ids or len(lookup.tokens) == total:
                        return
                position += len(chosen)
                proposed = lookup.draft(min(drafts, total - 1 - position))
                rows = self._forward([chosen[-1], *proposed], position - 1, keys, values, turns)

    def _buffers(self, cache: Any, total: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Key and value buffers (layers, kv heads, positions, head size), float32,
        with the prompt's copied in (keys in rotary-pair order). The VNNI pass
        reads them along positions: (layers, kv heads, head size, positions),
        zero past what is written and whole 16-position steps wide."""
        along = self.kernel == "vnni"
        if along:
            from assistant.vnni_attention import LANES

            total = -(-total // LANES) * LANES
        ends = (self.head_dim, total) if along else (total, self.head_dim)
        keys = torch.zeros(len(cache.layers), self.kv_heads, *ends)
        values = torch.zeros_like(keys)
        # filled through a (positions, head size) view, whichever the layout
        k, v = (keys.transpose(2, 3), values.transpose(2, 3)) if along else (keys, values)
        for i, layer in enumerate(cache.layers):
            filled = layer.keys.shape[2]
            k[i, :, :filled] = layer.keys[0][..., self.pairs].float()
            v[i, :, :filled] = layer.values[0].float()
        return keys, values

    def _turns(self, total: int) -> torch.Tensor:
        """The rotary rotation of each position 0..total-1, as complex numbers."""
        cos, sin = self.rotary(torch.zeros(1, dtype=torch.float32), torch.arange(total)[None])
        half = self.head_dim // 2
        return torch.complex(cos[0, :, :half].float(), sin[0, :, :half].float())

    def _forward(self, tokens: list[int], position: int, keys: torch.Tensor,
                 values: torch.Tensor, turns: torch.Tensor) -> torch.Tensor:
        """Logits after each of `tokens`, the first at `position` (float32, one row
        each). Their keys and values are written into the buffers."""
        self.forwards += 1
        rows = self.embed[tokens].float()
        if self.kernel == "vnni":
            return torch.from_numpy(self.stack(rows.numpy(), position, keys.numpy(),
                                               values.numpy(),
                                               torch.view_as_real(turns).numpy()))
        end = position + len(tokens)
        mask = None if len(tokens) == 1 else _causal_mask(
            position, len(tokens), self.heads // self.kv_heads)
        return self.stack(rows, position, keys, values, turns[position:end, None], mask)


def _causal_mask(position: int, count: int, group: int) -> torch.Tensor:
    """Additive mask for `count` queries from `position` on, each repeated for the
    `group` query heads that share a key head: a query sees keys up to its own."""
    own = torch.arange(position, position + count).repeat_interleave(group)[:, None]
    keys = torch.arange(position + count)[None]
    return torch.zeros(own.shape[0], keys.shape[1]).masked_fill_(keys > own, float("-inf"))


def accepted(rows: torch.Tensor, proposed: list[int], seen: torch.Tensor,
             penalty: float) -> tuple[list[int], torch.Tensor]:
    """The greedy tokens a forward pass yields: row i's choice, for as long as each
    choice equals the proposed token fed after it (rows past a wrong proposal were
    computed from it and mean nothing). Tokens chosen earlier are penalised in
    later rows, as one step at a time would. Returns them and the updated `seen`.

    Example:
        >>> rows = torch.tensor([[0., 9, 1], [0, 1, 9], [9, 0, 1]])
        >>> accepted(rows, [1, 0], torch.tensor([0]), 1.0)[0]  # 0 was proposed, 2 chosen
        [1, 2]
    """
    chosen = []
    for i, row in enumerate(rows):
        if penalty != 1.0:
            picked = row[seen]
            row[seen] = torch.where(picked > 0, picked / penalty, picked * penalty)
        token = int(row.argmax())
        chosen.append(token)
        seen = torch.cat((seen, torch.tensor([token])))
        if i >= len(proposed) or token != proposed[i]:
            break
    return chosen, seen
