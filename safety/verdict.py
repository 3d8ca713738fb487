"""The actions every part of Salus shares (DESIGN.md) and the triage verdict."""

from __future__ import annotations

from dataclasses import dataclass

ANSWER = "answer"
CRISIS = "crisis_support"
EMERGENCY = "emergency_referral"
PROFESSIONAL = "professional_referral"
DECLINE = "decline"
OUT_OF_SCOPE = "out_of_scope"
NO_INFORMATION = "no_information"
ACTIONS: tuple[str, ...] = (
    ANSWER, CRISIS, EMERGENCY, PROFESSIONAL, DECLINE, OUT_OF_SCOPE, NO_INFORMATION,
)


@dataclass(frozen=True)
class Verdict:
    """What the input triage decided, and why (lexicon entries, never user text).

    `language` is the language of the lexicon entries that decided it: a
    hint for messages too short to tell their language ("quiero morir").
    """

    action: str
    category: str | None = None
    reasons: tuple[str, ...] = ()
    language: str | None = None
