"""Input triage: decide, before any retrieval or generation, what a message needs.

Two readers, both multilingual: curated phrase lists (precise, evasion-proof
after normalization) and a learned model over the message's e5 vector
(safety/classifier.py: it generalizes to wordings nobody wrote down),
reading the whole message and each of its windows, so one crisis sentence
in a long post counts. Either can raise a concern; the order leans to
safety: crisis first, then an acute emergency, then a harmful or
manipulative request, then a request for personal medical advice;
everything else may be answered. A bare crisis term ("suicide") counts as
crisis unless the message is plainly about someone else or asks for
information ("warning signs of suicide in a friend"). A crisis said earlier
in the conversation, or asked about in the last reply ("are you having
thoughts of suicide?"), keeps short replies after it ("yes", "nobody
answered", "not safe") in the crisis path, whatever else they resemble,
unless the phrase lists name an acute emergency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from safety.classifier import ACTION_OF, PRECEDENCE, Risk
from safety.lexicon import Hit, Lexicon, load_lexicon
from safety.reader import RiskReader
from safety.verdict import ANSWER, CRISIS, DECLINE, EMERGENCY, PROFESSIONAL, Verdict

# A reply this short, after a crisis, is read as part of it. Measured on the suite's
# multi-turn cases: 6 words missed "I went to that site and nobody answered, what for"
# (9 words); 10 words sent no benign multi-turn case to crisis.
_SHORT_TURN_WORDS = 10
_SHORT_TURN_CHARS = 60
_PRECEDENCE = tuple(ACTION_OF[label] for label in PRECEDENCE)  # crisis, emergency, ...


class Triage:
    """Phrase lists plus the learned model, into the shared actions.

    Example:
        >>> Triage().check("I want to end my life").action
        'crisis_support'
    """

    def __init__(self, lexicon: Lexicon | None = None,
                 reader: RiskReader | None = None) -> None:
        self._lexicon = lexicon
        self.reader = reader

    def warm_up(self) -> None:
        """Load the phrase lists and the model."""
        if self._lexicon is None:
            self._lexicon = load_lexicon()
        if self.reader is not None:
            self.reader.warm_up()

    def check(self, message: str, history: Sequence[tuple[str, str]] = (),
              vector: np.ndarray | None = None, language: str | None = None) -> Verdict:
        """The verdict for `message` (its query vector if already embedded, its
        language if known)."""
        verdict = self._one(message, vector, language)
        if verdict.action != CRISIS and verdict.category != "acute_emergency" \
                and _is_short(message) and (
                any(self._one(user, None, language).action == CRISIS for user, _ in history)
                or (history and self._about_crisis(history[-1][1]))):
            return Verdict(CRISIS, "crisis_context", ("the conversation is about a crisis",),
                           verdict.language)
        return verdict

    def _about_crisis(self, assistant_turn: str) -> bool:
        """Was the last reply about a crisis ("are you thinking of ending your life?")."""
        if not assistant_turn.strip():
            return False
        assert self._lexicon is not None
        if decide(self._lexicon.find(assistant_turn)).action == CRISIS:
            return True
        if self.reader is None:
            return False
        risk = self.reader.risk(assistant_turn)
        return risk.concern(self.reader.thresholds(None)) == "crisis"

    def _one(self, message: str, vector: np.ndarray | None, language: str | None) -> Verdict:
        self.warm_up()
        assert self._lexicon is not None
        verdict = decide(self._lexicon.find(message))
        if self.reader is None or not message.strip():
            return verdict
        return combine(verdict, self.reader.risk(message, vector),
                       self.reader.thresholds(language))


def combine(lexical: Verdict, risk: Risk, thresholds: dict[str, float]) -> Verdict:
    """The stricter of the phrase-list verdict and the model's.

    One exception: an emergency the phrase lists name beats a crisis only the
    model suggests (a bee sting with a swelling throat is not a crisis).

    Example:
        >>> t = {"crisis": 0.5, "emergency": 0.5, "harmful": 0.5, "professional": 0.5}
        >>> combine(Verdict(ANSWER), Risk({"crisis": 0.8, "benign": 0.2}), t).action
        'crisis_support'
        >>> combine(Verdict(ANSWER), Risk({"crisis": 0.1, "benign": 0.9}), t).action
        'answer'
    """
    concern = risk.concern(thresholds)
    if concern is None:
        return lexical
    action = ACTION_OF[concern]
    if lexical.action in _PRECEDENCE and (
            _PRECEDENCE.index(lexical.action) <= _PRECEDENCE.index(action)):
        return lexical
    if lexical.action == EMERGENCY and action == CRISIS:
        return lexical  # a named emergency ("can't breathe") needs the emergency number first
    reason = f"model:{concern}:{risk.scores[concern]:.3f}"
    return Verdict(action, f"model_{concern}", (*lexical.reasons, reason), lexical.language)


def decide(hits: Sequence[Hit]) -> Verdict:
    """Pure decision from lexicon hits, in order of precedence.

    Example:
        >>> decide([Hit("crisis_terms", "en", "suicide")]).action
        'crisis_support'
        >>> friend = Hit("third_party", "en", "warning signs")
        >>> decide([Hit("crisis_terms", "en", "suicide"), friend]).action
        'answer'
    """
    by_section: dict[str, list[Hit]] = {}
    for hit in hits:
        by_section.setdefault(hit.section, []).append(hit)

    def verdict(action: str, category: str | None, *sections: str) -> Verdict:
        found = [h for s in sections for h in by_section.get(s, [])]
        languages = Counter(h.language for h in found).most_common(1)
        return Verdict(action, category, tuple(f"{h.section}:{h.language}:{h.phrase}"
                                               for h in found),
                       languages[0][0] if languages and action != ANSWER else None)

    if "crisis" in by_section:
        return verdict(CRISIS, "self_harm_or_abuse", "crisis")
    if "crisis_terms" in by_section and "third_party" not in by_section:
        return verdict(CRISIS, "crisis_term", "crisis_terms")
    if "emergency" in by_section:
        return verdict(EMERGENCY, "acute_emergency", "emergency")
    if "decline" in by_section:
        return verdict(DECLINE, "harmful_or_injection", "decline")
    if "professional_referral" in by_section:
        return verdict(PROFESSIONAL, "personal_medical_advice", "professional_referral")
    return verdict(ANSWER, None, "crisis_terms", "third_party")


def _is_short(message: str) -> bool:
    return len(message.split()) <= _SHORT_TURN_WORDS and len(message) <= _SHORT_TURN_CHARS
