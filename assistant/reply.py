"""The Reply contract of DESIGN.md, as frozen dataclasses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Citation:
    """A source shown under an answer; `n` matches the [n] in the text."""

    n: int
    doc_id: str
    title: str
    source_url: str
    reviewed_on: str = ""


@dataclass(frozen=True)
class SafetyInfo:
    """The triage category and reasons (lexicon entries, never user text)."""

    category: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timings:
    """Milliseconds spent in each stage."""

    language: float = 0.0
    safety_in: float = 0.0
    retrieval: float = 0.0
    generation: float = 0.0
    grounding: float = 0.0
    safety_out: float = 0.0
    total: float = 0.0


@dataclass(frozen=True)
class Reply:
    """What Salus answers: text, language, action, sources, safety, timings."""

    text: str
    language: str
    action: str
    citations: tuple[Citation, ...] = ()
    safety: SafetyInfo = SafetyInfo()
    timings_ms: Timings = Timings()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (`salus ask --json`)."""
        data = dataclasses.asdict(self)
        data["timings_ms"] = {k: round(v, 1) for k, v in data["timings_ms"].items()}
        return data


class Draft(str):
    """The answer shown so far, while it streams, with the sources its [n] markers
    name: the chat can list them at once. A str, so a consumer that only wants
    the text uses it as one.

    Example:
        >>> d = Draft("Walk daily. [1]", (Citation(1, "en-pa", "Physical activity",
        ...                                       "https://www.who.int", "2025-01-01"),))
        >>> d.upper(), d.citations[0].n
        ('WALK DAILY. [1]', 1)
    """

    citations: tuple[Citation, ...]

    def __new__(cls, text: str, citations: tuple[Citation, ...] = ()) -> Draft:
        draft = super().__new__(cls, text)
        draft.citations = citations
        return draft
