"""Text generation with a local transformers model. The one heavy adapter.

`Generator` is the role: chat messages in, streamed text pieces out.
`TransformersGenerator` loads a prepared Hugging Face folder (a pack from
`salus models prepare`, or any local folder) in bf16 on the CPU, applies the
model's own chat template, and decodes greedily: a health answer should be
the same every time it is asked. Measured speed-ups (`salus bench
generation`): the system prompt's key/value cache is computed once per system
prompt and reused, so each question's prefill starts after it; with int8
weights, Llama-family models decode in a lean loop over int8 weights
(`assistant.decode`) that checks several tokens proposed by prompt lookup in
each pass (`assistant.lookup`), and other models through `generate` with int8
copies of their Linear weights (`assistant.int8`).
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from assistant.lookup import DRAFTS

log = logging.getLogger(__name__)

REPETITION_PENALTY = 1.1  # transformers' rule: a seen token's logit divided (or times) by it


class Generator(Protocol):
    """Generates an answer for chat messages, streamed as text pieces."""

    model_id: str

    def stream(self, messages: Sequence[dict[str, str]], max_new_tokens: int) -> Iterator[str]: ...


class TransformersGenerator:
    """A causal LM from a local folder, loaded on first use.

    Example:
        >>> gen = TransformersGenerator(Path("~/.cache/salus/models/test").expanduser())
        >>> "".join(gen.stream([{"role": "user", "content": "Say hi"}], 8))  # doctest: +SKIP
    """

    def __init__(self, folder: Path, threads: int = 2, weights: str = "int8",
                 reuse_prefix: bool = True, loop: bool = True, drafts: int = DRAFTS,
                 kernel: str | None = None) -> None:
        self.folder = folder
        self.threads = threads
        self.weights = weights
        self.reuse_prefix = reuse_prefix
        self.loop = loop
        self.drafts = drafts
        self.kernel = kernel  # the loop's int8 products (decode.KERNELS); None: the best here
        self.model_id = folder.name
        self._plan: Any = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._prefixes: dict[str, tuple[Any, Any]] = {}  # system prompt -> (ids, cache)
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        """The loaded torch model (loads it on first use)."""
        self.warm_up()
        return self._model

    @property
    def plan(self) -> Any:
        """The DecodePlan of the lean int8 loop, or None when `generate` decodes."""
        self.warm_up()
        return self._plan

    @property
    def tokenizer(self) -> Any:
        """The loaded tokenizer (loads it on first use)."""
        self.warm_up()
        return self._tokenizer

    def warm_up(self) -> None:
        """Load weights and tokenizer (seconds from a prepared folder)."""
        if self._model is not None:
            return
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(self.threads)
        self._tokenizer = AutoTokenizer.from_pretrained(self.folder)
        model = AutoModelForCausalLM.from_pretrained(self.folder, dtype=torch.bfloat16)
        model.eval()
        if self.weights == "int8":
            from assistant.decode import DecodePlan

            if self.loop and DecodePlan.supports(model):
                self._plan = DecodePlan(model, self.kernel)
            else:
                from assistant.int8 import quantize_for_decode

                quantize_for_decode(model)
        self._model = model
        log.info("generator loaded from %s (%s decode weights, %s)", self.folder, self.weights,
                 f"lean loop, {self._plan.kernel} products" if self._plan is not None
                 else "generate")

    def encode(self, messages: Sequence[dict[str, str]]) -> tuple[Any, Any]:
        """Prompt token ids for `messages`, and a copy of the cached system-prompt
        keys and values they start with (None when there is nothing to reuse)."""
        encoded = self.tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True)
        ids = encoded["input_ids"]
        if not self.reuse_prefix or not messages or messages[0]["role"] != "system":
            return ids, None
        prefix_ids, cache = self._prefix(messages[0]["content"])
        n = prefix_ids.shape[1]
        if ids.shape[1] <= n or not bool((ids[0, :n] == prefix_ids[0]).all()):
            return ids, None  # this chat template does not put the system prompt first
        return ids, copy.deepcopy(cache)

    def _prefix(self, system: str) -> tuple[Any, Any]:
        """The system prompt's token ids and key/value cache, computed once."""
        import torch

        with self._lock:
            if system not in self._prefixes:
                ids = self.tokenizer.apply_chat_template(
                    [{"role": "system", "content": system}], return_tensors="pt",
                    return_dict=True)["input_ids"]
                with torch.inference_mode():
                    out = self.model(input_ids=ids, use_cache=True)
                self._prefixes[system] = (ids, out.past_key_values)
            return self._prefixes[system]

    @property
    def stop_ids(self) -> tuple[int, ...]:
        """The token ids that end an answer (the tokenizer's and the model's own)."""
        ends = self.model.generation_config.eos_token_id
        ends = list(ends) if isinstance(ends, list | tuple) else [ends]
        return tuple(int(i) for i in {*ends, self.tokenizer.eos_token_id} if i is not None)

    def stream(self, messages: Sequence[dict[str, str]], max_new_tokens: int) -> Iterator[str]:
        """Yield decoded text pieces as the model produces them. Closing the
        iterator early (the caller has heard enough) stops the model."""
        ids, cache = self.encode(messages)
        if self.plan is not None:
            return self._stream_loop(ids, cache, max_new_tokens)
        return self._stream_generate(ids, cache, max_new_tokens)

    def _stream_loop(self, ids: Any, cache: Any, max_new_tokens: int) -> Iterator[str]:
        """Text pieces from the lean int8 loop, run in the caller's thread."""
        tokens: list[int] = []
        printed = ""
        stops = self.stop_ids
        for token in self.plan.greedy(ids, cache, max_new_tokens, REPETITION_PENALTY, stops,
                                      self.drafts):
            if token in stops:
                break
            tokens.append(token)
            text = self._tokenizer.decode(tokens, skip_special_tokens=True)
            if text.endswith("\ufffd"):
                continue  # a character split across tokens: wait for its end
            if len(text) > len(printed):
                yield text[len(printed):]
                printed = text

    def _stream_generate(self, ids: Any, cache: Any, max_new_tokens: int) -> Iterator[str]:
        """Text pieces from `model.generate`, run in a worker thread."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        stop = threading.Event()

        class _Stopped(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool)

        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True,
                                        skip_special_tokens=True)
        kwargs: dict[str, Any] = dict(
            input_ids=ids, attention_mask=torch.ones_like(ids), streamer=streamer,
            max_new_tokens=max_new_tokens, do_sample=False, repetition_penalty=REPETITION_PENALTY,
            pad_token_id=self._tokenizer.eos_token_id,
            stopping_criteria=StoppingCriteriaList([_Stopped()]))
        if cache is not None:
            kwargs["cache"] = cache
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    self._model.generate(**kwargs)
            except BaseException as exc:  # surfaced in the caller's thread below
                failure.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        try:
            yield from streamer
        finally:
            stop.set()
            worker.join()
        if failure:
            raise failure[0]
