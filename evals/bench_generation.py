"""`salus bench generation`: prefill and decode speed against this machine's ceiling.

Decoding a token reads every weight once, so tokens/s can be at most
(memory bandwidth) / (bytes of weights read per token). This bench measures
the bandwidth in the same run (the best of five reads of a 1 GiB tensor with
the generator's threads, before and after the model runs), then, for real
questions through the real retriever and prompt:
- prefill: tokens/s over the question's prompt after the cached system prompt;
- decode: tokens/s of greedy decoding, and its ratio to the ceiling. The lean
  loop checks several tokens proposed by prompt lookup in one pass over the
  weights, so its tokens/s can pass that one-token ceiling; the bench also
  gives passes/s, whose ratio to the ceiling is how well a pass uses the
  bandwidth, and the tokens each pass yielded;
- time to the first sentence shown: from the question to the first text the
  pipeline shows (the passage sentence nearest the question, checked like
  every other), and to the first sentence of the model's own that passed
  grounding (None when none did and the answer came from the passages).
Each setting given is run side by side on the same questions, so the figures
compare as ratios, never as thresholds. Settings: `bf16` and `int8` (the
weights setting of salus.toml, each decoded the way the generator decodes it:
the lean int8 loop for Llama-family models), and `int8-generate` (int8
weights through `model.generate`, the path before the loop, for comparison),
`int8-single` (the lean loop without prompt lookup: one token a pass), and
`int8-fbgemm` (the lean loop with fbgemm's int8 products in TorchScript, where
`int8` uses `assistant.vnni` on CPUs that have VNNI).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from assistant.generation import TransformersGenerator
from assistant.lookup import DRAFTS
from assistant.models import model_folder
from assistant.pipeline import Assistant
from assistant.prompting import build_messages, load_template
from assistant.reply import Reply
from assistant.settings import Settings
from assistant.text import asks_quantity
from evals.stats import percentile
from retrieval.retriever import query_vector

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("en", "How much physical activity do adults need each week?"),
    ("fr", "Combien de sel peut-on manger par jour ?"),
    ("es", "¿Cuántas frutas y verduras hay que comer al día?"),
    ("pt", "Quais são os riscos de fumar?"),
    ("ru", "Как защититься от малярии?"),
    ("ar", "ما هي أعراض مرض السكري؟"),
    ("zh", "成年人每天应该吃多少盐？"),
    ("hi", "उच्च रक्तचाप को कैसे नियंत्रित करें?"),
)
DECODE_STEPS = 48


@dataclass(frozen=True)
class SpeedRun:
    """One weights setting, measured over the questions (medians)."""

    weights: str
    decode_bytes_per_token: int
    ceiling_tok_s: float
    prompt_tokens: int
    cached_prefix_tokens: int
    prefill_tok_s: float
    prefill_ms: float
    decode_tok_s: float
    decode_ratio_to_ceiling: float
    decode_passes_s: float  # forward passes over the weights a second
    pass_ratio_to_ceiling: float  # bytes of weights read a second / bandwidth
    tokens_per_pass: float
    first_sentence_shown_ms_p50: float
    first_sentence_shown_ms_p95: float
    first_model_sentence_ms_p50: float | None
    first_model_sentence_ms_p95: float | None
    model_sentences_shown: str  # questions where a model sentence passed, of all
    reply_ms_p50: float


@dataclass(frozen=True)
class GenerationBench:
    """The machine's read bandwidth and one SpeedRun per weights setting."""

    generator: str
    threads: int
    bandwidth_gb_s: float
    runs: tuple[SpeedRun, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def read_bandwidth_gb_s(threads: int, gib: float = 1.0, repeats: int = 5) -> float:
    """The best read rate (GB/s) of a sum over a `gib`-GiB float32 tensor."""
    import torch

    torch.set_num_threads(threads)
    data = torch.ones(int(gib * 2**30) // 4, dtype=torch.float32)
    best = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        data.sum()
        best = max(best, data.numel() * 4 / (time.perf_counter() - started) / 1e9)
    return round(best, 1)


def bench_generation(settings: Settings, weights: Sequence[str] = ("bf16", "int8"),
                     questions: Sequence[tuple[str, str]] = QUESTIONS) -> GenerationBench:
    """Measure bandwidth, then each weights setting on the same questions."""
    before = read_bandwidth_gb_s(settings.threads)
    bot = Assistant.from_settings(settings)
    bot.warm_up()
    measured = []
    for setting in weights:
        generator = TransformersGenerator(
            model_folder(settings), settings.threads,
            setting.split("-")[0], loop=not setting.endswith("-generate"),
            drafts=0 if setting.endswith("-single") else DRAFTS,
            kernel="fbgemm" if setting.endswith("-fbgemm") else None)
        bot.generator = generator
        measured.append((setting, generator, _speeds(bot, generator, questions)))
    bandwidth = max(before, read_bandwidth_gb_s(settings.threads))
    runs = tuple(_run(setting, generator, rows, bandwidth) for setting, generator, rows
                 in measured)
    return GenerationBench(settings.generator, settings.threads, bandwidth, runs)


def _speeds(bot: Assistant, generator: TransformersGenerator,
            questions: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    generator.warm_up()
    bot.reply(questions[0][1], ui_language=questions[0][0])  # warm caches and the system prompt
    rows = []
    for language, question in questions:
        asked = time.perf_counter()
        shown: list[tuple[float, str]] = []  # (ms, text) of each text the user saw
        final: str | Reply | None = None
        for item in bot.stream(question, ui_language=language):
            if isinstance(item, str):
                shown.append(((time.perf_counter() - asked) * 1000, item))
            final = item
        first, model = _first_sentence_times(shown)
        vector = query_vector(bot.embedder, question, ())
        passages = bot.retriever.search(question, vector, language).passages
        context = bot.context(vector, passages, asks_quantity(question, language))
        messages = build_messages(question, context.excerpts,
                                  load_template(language))
        rows.append({**_prefill_and_decode(generator, messages), "first_ms": first,
                     "model_ms": model,
                     "reply_ms": final.timings_ms.total if isinstance(final, Reply) else 0.0})
    return rows


def _first_sentence_times(shown: Sequence[tuple[float, str]]) -> tuple[float, float | None]:
    """When the first cited sentence was shown, and when a longer text first followed
    it before the final one (a model sentence that passed); None when none did.

    Example:
        >>> _first_sentence_times([(1, "Note."), (2, "Note. A [1]"), (9, "Note. A [1] B [1]"),
        ...                        (12, "Note. A [1] B [1]")])
        (2, 9)
    """
    cited = [(ms, text) for ms, text in shown if "[" in text]
    if not cited:
        return (shown[0][0] if shown else 0.0), None
    first_ms, first_text = cited[0]
    later = [ms for ms, text in cited[1:-1] if len(text) > len(first_text)]
    return first_ms, (later[0] if later else None)


def _prefill_and_decode(generator: TransformersGenerator,
                        messages: list[dict[str, str]]) -> dict[str, float]:
    """Time the prompt after the cached prefix, then DECODE_STEPS greedy steps,
    on the path the generator decodes with."""
    import torch

    ids, cache = generator.encode(messages)
    cached = cache.get_seq_length() if cache is not None else 0
    model = generator.model
    with torch.inference_mode():
        if generator.plan is not None:
            started = time.perf_counter()
            tokens = generator.plan.greedy(ids, cache, DECODE_STEPS + 1,
                                           drafts=generator.drafts)
            next(tokens)
            prefilled = time.perf_counter()
            before = generator.plan.forwards
            for _ in tokens:
                pass
            passes = generator.plan.forwards - before
        else:
            started = time.perf_counter()
            out = model(input_ids=ids[:, cached:], cache=cache, use_cache=True,
                        logits_to_keep=1)
            prefilled = time.perf_counter()
            cache = out.past_key_values
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            for _ in range(DECODE_STEPS):
                out = model(input_ids=token, cache=cache, use_cache=True)
                cache = out.past_key_values
                token = out.logits[:, -1].argmax(-1, keepdim=True)
            passes = DECODE_STEPS
        decoded = time.perf_counter()
    new = ids.shape[1] - cached
    return {"prompt": ids.shape[1], "cached": cached, "prefill_ms": (prefilled - started) * 1000,
            "prefill_tok_s": new / (prefilled - started),
            "decode_tok_s": DECODE_STEPS / (decoded - prefilled),
            "passes_s": passes / (decoded - prefilled), "tokens_per_pass": DECODE_STEPS / passes}


def _run(setting: str, generator: TransformersGenerator, rows: list[dict[str, Any]],
         bandwidth: float) -> SpeedRun:
    from assistant.int8 import decode_bytes_per_token

    plan = generator.plan
    per_token = plan.bytes_per_token if plan is not None else decode_bytes_per_token(
        generator.model)
    ceiling = bandwidth * 1e9 / per_token

    def median(key: str) -> float:
        return round(percentile([r[key] for r in rows], 50), 1)

    firsts = [r["first_ms"] for r in rows]
    models = [r["model_ms"] for r in rows if r["model_ms"] is not None]
    decode, passes = median("decode_tok_s"), median("passes_s")
    return SpeedRun(setting, per_token, round(ceiling, 1), int(median("prompt")),
                    int(median("cached")), median("prefill_tok_s"), median("prefill_ms"),
                    decode, round(decode / ceiling, 2), passes, round(passes / ceiling, 2),
                    round(percentile([r["tokens_per_pass"] for r in rows], 50), 2),
                    round(percentile(firsts, 50)),
                    round(percentile(firsts, 95)),
                    round(percentile(models, 50)) if models else None,
                    round(percentile(models, 95)) if models else None,
                    f"{len(models)}/{len(rows)}", median("reply_ms"))
