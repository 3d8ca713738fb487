"""`salus bench pipeline`: warm-start time and per-stage timings of real questions.

Times come from the pipeline's own `timings_ms`, so the figures are the ones
a user's reply carries. A second pass over the same questions shows the
warm figures. These are measurements to compare side by side (one run
against another on the same machine), never thresholds.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from assistant.pipeline import Assistant
from assistant.settings import Settings

DEFAULT_QUESTIONS: tuple[str, ...] = (
    "How much physical activity do adults need?",
    "Combien de sel peut-on manger par jour ?",
    "Is any amount of alcohol safe to drink?",
    "What are the health risks of smoking?",
    "I want to kill myself",
)


@dataclass(frozen=True)
class QuestionTiming:
    """One question's action, language and stage timings (ms)."""

    question: str
    action: str
    language: str
    first_text_ms: float
    timings_ms: dict[str, float]


@dataclass(frozen=True)
class PipelineBench:
    """Load and warm-up time, then every question's timings."""

    generator: str
    load_s: float
    warm_up_s: float
    questions: tuple[QuestionTiming, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def bench_pipeline(settings: Settings, questions: Sequence[str] = DEFAULT_QUESTIONS
                   ) -> PipelineBench:
    """Build the real pipeline, warm it up, and time each question once."""
    started = time.perf_counter()
    bot = Assistant.from_settings(settings)
    loaded = time.perf_counter()
    bot.warm_up()
    warmed = time.perf_counter()
    results = []
    for question in questions:
        asked = time.perf_counter()
        first = None
        for item in bot.stream(question):
            if first is None and isinstance(item, str):
                first = (time.perf_counter() - asked) * 1000
            final = item
        reply = final
        assert not isinstance(reply, str)
        results.append(QuestionTiming(question, reply.action, reply.language,
                                      round(first or 0.0, 1), reply.to_dict()["timings_ms"]))
    return PipelineBench(settings.generator, round(loaded - started, 2),
                         round(warmed - loaded, 2), tuple(results))
