"""Input triage: decide, before any retrieval or generation, what a message needs.

Order matters and leans to safety: crisis first (in doubt, crisis), then an
acute emergency, then a harmful or manipulative request, then a request for
personal medical advice; everything else may be answered. A bare crisis term
("suicide") counts as crisis unless the message is plainly about someone
else or asks for information ("warning signs of suicide in a friend").
A crisis said earlier in the conversation keeps short replies after it
("yes", "nobody would care") in the crisis path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from safety.lexicon import Hit, Lexicon, load_lexicon
from safety.verdict import ANSWER, CRISIS, DECLINE, EMERGENCY, PROFESSIONAL, Verdict

_SHORT_TURN_WORDS = 6


class Triage:
    """Lexicon-based triage into the shared actions.

    Example:
        >>> Triage().check("I want to end my life").action
        'crisis_support'
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon

    def warm_up(self) -> None:
        """Load the phrase lists (fast; done on first use otherwise)."""
        if self._lexicon is None:
            self._lexicon = load_lexicon()

    def check(self, message: str, history: Sequence[tuple[str, str]] = ()) -> Verdict:
        """The verdict for `message`, given earlier (user, assistant) turns."""
        self.warm_up()
        assert self._lexicon is not None
        verdict = decide(self._lexicon.find(message))
        if verdict.action == ANSWER and _is_short(message) and any(
                decide(self._lexicon.find(user)).action == CRISIS for user, _ in history):
            return Verdict(CRISIS, "crisis_context", ("earlier turn expressed a crisis",))
        return verdict


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
    return len(message.split()) <= _SHORT_TURN_WORDS or len(message) <= 24
