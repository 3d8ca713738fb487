"""Text generation with a local transformers model. The one heavy adapter.

`Generator` is the role: chat messages in, streamed text pieces out.
`TransformersGenerator` loads a prepared Hugging Face folder (a pack from
`salus models prepare`, or any local folder) in bf16 on the CPU, applies the
model's own chat template, and decodes greedily: a health answer should be
the same every time it is asked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


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

    def __init__(self, folder: Path, threads: int = 2) -> None:
        self.folder = folder
        self.threads = threads
        self.model_id = folder.name
        self._model: Any = None
        self._tokenizer: Any = None

    def warm_up(self) -> None:
        """Load weights and tokenizer (seconds from a prepared folder)."""
        if self._model is not None:
            return
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(self.threads)
        self._tokenizer = AutoTokenizer.from_pretrained(self.folder)
        self._model = AutoModelForCausalLM.from_pretrained(self.folder, dtype=torch.bfloat16)
        self._model.eval()
        log.info("generator loaded from %s", self.folder)

    def stream(self, messages: Sequence[dict[str, str]], max_new_tokens: int) -> Iterator[str]:
        """Yield decoded text pieces as the model produces them."""
        import torch
        from transformers import TextIteratorStreamer

        self.warm_up()
        encoded = self._tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True)
        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True,
                                        skip_special_tokens=True)
        kwargs = dict(**encoded, streamer=streamer, max_new_tokens=max_new_tokens,
                      do_sample=False, repetition_penalty=1.1,
                      pad_token_id=self._tokenizer.eos_token_id)
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
        yield from streamer
        worker.join()
        if failure:
            raise failure[0]
