"""Input triage: decide, before any retrieval or generation, what a message needs.

Two readers, both multilingual: curated phrase lists (exact, evasion-proof
after normalization) and the nearest curated example messages (semantic,
catches what no list has). Either can raise a concern; the order leans to
safety: crisis first (in doubt, crisis), then an acute emergency, then a
harmful or manipulative request, then a request for personal medical
advice; everything else may be answered. A bare crisis term ("suicide")
counts as crisis unless the message is plainly about someone else or asks
for information ("warning signs of suicide in a friend"). A crisis said
earlier in the conversation, or asked about in the last reply ("are you
having thoughts of suicide?"), keeps short replies after it ("yes", "nobody
answered", "not safe") in the crisis path, whatever else they resemble,
unless the phrase lists name an acute emergency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from safety.lexicon import Hit, Lexicon, load_lexicon
from safety.semantic import ActionScores, ExemplarMatcher
from safety.verdict import ANSWER, CRISIS, DECLINE, EMERGENCY, PROFESSIONAL, Verdict

# A reply this short, after a crisis, is read as part of it. Measured on the suite's
# multi-turn cases: 6 words missed "I went to that site and nobody answered, what for"
# (9 words); 10 words sent no benign multi-turn case to crisis.
_SHORT_TURN_WORDS = 10
_SHORT_TURN_CHARS = 60
# The nearest examples raise a concern when their mean cosine reaches
# MIN_SEMANTIC (MIN_CRISIS for crisis: lower, leaning to recall). BONUS is added
# to an action's score before the nearest action is chosen. Chosen on the
# even-numbered half of evals/suites/safety.jsonl (673 cases, 8 languages) and
# checked on the odd half: phrase lists alone gave crisis recall 0.36, overall
# 0.55; with examples, odd half: crisis 0.96, emergency 0.98, decline 0.89,
# benign refused 2.8%, overall 0.93. Larger bonuses bought crisis recall with
# more refused benign questions.
BONUS = {CRISIS: 0.0, EMERGENCY: 0.0, DECLINE: 0.0, PROFESSIONAL: 0.0}
MIN_SEMANTIC = 0.88
MIN_CRISIS = 0.86
# Tried: calling it crisis whenever crisis is within 0.01-0.03 of the nearest
# action. It lifted crisis recall to 0.98-1.0 but sent emergencies (0.54-0.91)
# and benign questions (5.6% refused) to the crisis reply; not taken.
_PRECEDENCE = (CRISIS, EMERGENCY, DECLINE, PROFESSIONAL)
# Chinese messages score higher against every example (as in retrieval, where the
# median gap is 0.021), so benign Chinese questions (gout, migraine, malaria before
# travel) reached 0.895-0.901 against referral examples. For zh, actions other than
# crisis need this much more; crisis keeps its threshold (recall first).
SEMANTIC_SHIFT = {"zh": 0.02}


class Triage:
    """Phrase lists plus nearest examples, into the shared actions.

    Example:
        >>> Triage().check("I want to end my life").action
        'crisis_support'
    """

    def __init__(self, lexicon: Lexicon | None = None,
                 matcher: ExemplarMatcher | None = None) -> None:
        self._lexicon = lexicon
        self.matcher = matcher

    def warm_up(self) -> None:
        """Load the phrase lists and the example vectors."""
        if self._lexicon is None:
            self._lexicon = load_lexicon()
        if self.matcher is not None:
            self.matcher.warm_up()

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
        if self.matcher is None:
            return False
        vector = self.matcher.embedder.embed_queries([assistant_turn])[0]
        nearest, score = self.matcher.score(vector).best()
        return nearest == CRISIS and score >= MIN_CRISIS

    def _one(self, message: str, vector: np.ndarray | None, language: str | None) -> Verdict:
        self.warm_up()
        assert self._lexicon is not None
        verdict = decide(self._lexicon.find(message))
        if self.matcher is None or not message.strip():
            return verdict
        if vector is None:
            vector = self.matcher.embedder.embed_queries([message])[0]
        return combine(verdict, self.matcher.score(vector), language)


def combine(lexical: Verdict, semantic: ActionScores, language: str | None = None) -> Verdict:
    """The stricter of the phrase-list verdict and the nearest-examples verdict.

    One exception: an emergency the phrase lists name beats a crisis only the
    examples suggest (a bee sting with a swelling throat is not a crisis).

    Example:
        >>> combine(Verdict(ANSWER), ActionScores({ANSWER: 0.88, CRISIS: 0.89})).action
        'crisis_support'
        >>> combine(Verdict(ANSWER), ActionScores({ANSWER: 0.93, CRISIS: 0.87})).action
        'answer'
    """
    if not semantic.scores:
        return lexical
    boosted = {a: s + BONUS.get(a, 0.0) for a, s in semantic.scores.items()}
    nearest = max(boosted, key=lambda a: boosted[a])
    needed = MIN_CRISIS if nearest == CRISIS else \
        MIN_SEMANTIC + SEMANTIC_SHIFT.get(language or "", 0.0)
    if nearest not in _PRECEDENCE or semantic.scores[nearest] < needed:
        return lexical
    if lexical.action in _PRECEDENCE and (
            _PRECEDENCE.index(lexical.action) <= _PRECEDENCE.index(nearest)):
        return lexical
    if lexical.action == EMERGENCY and nearest == CRISIS:
        return lexical  # a named emergency ("can't breathe") needs the emergency number first
    reason = f"examples:{nearest}:{semantic.scores[nearest]:.3f}"
    return Verdict(nearest, f"similar_to_{nearest}", (*lexical.reasons, reason),
                   lexical.language)


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
