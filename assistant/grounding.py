"""Is each sentence of a generated answer backed by a passage? Pure functions.

First version of the check (DESIGN.md, grounding): a sentence is kept when
every figure in it stands in a passage it cites (or, when it cites none, in
one passage), and it is close to that passage: enough shared words, or an
embedding similarity above a threshold (which also works across languages).
Anything else is dropped: a made-up figure is worse than a
shorter answer. When too little survives, `extractive_answer` builds the
reply from the best passage's own sentences instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.text import (
    citations,
    content_tokens,
    number_in,
    numbers,
    split_sentences,
    strip_citations,
)

MIN_OVERLAP = 0.34
MIN_SHARED = 3  # "You're right!" shares a word with anything
# e5 cosine, sentence vs passage: supported paraphrases, also across languages, measured
# 0.84-0.91; filler ("You're right!") and unrelated claims 0.77-0.82.
MIN_SIMILARITY = 0.83
MIN_KEPT_SHARE = 0.4
_TERMINAL = tuple(".!?。！？؟।…")


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one sentence: supported or not, and by which passages."""

    sentence: str
    supported: bool
    passages: tuple[int, ...]
    reason: str


def check_sentence(sentence: str, passages: Sequence[str],
                   similarity: Sequence[float] | None = None) -> SentenceCheck:
    """Check one sentence against the numbered passages (1-based).

    `similarity[i]` is the embedding cosine between the sentence and passage
    i+1, when the caller has an embedder; it lets a sentence in another
    language than its passage count as close to it.

    Example:
        >>> facts = ["Adults need at least 150 minutes of activity a week."]
        >>> check_sentence("Adults need 150 minutes of activity [1].", facts).supported
        True
        >>> check_sentence("Adults need 200 minutes of activity [1].", facts).reason
        'figure 200 not in the cited passage'
    """
    cited = tuple(n for n in citations(sentence) if 1 <= n <= len(passages))
    figures = numbers(sentence)
    if cited:
        pool = " ".join(passages[n - 1] for n in cited)
        missing = [f for f in figures if not number_in(f, pool)]
        if missing:
            return SentenceCheck(sentence, False, cited,
                                 f"figure {missing[0]} not in the cited passage")
    tokens = content_tokens(strip_citations(sentence))
    for n in cited or range(1, len(passages) + 1):
        passage = passages[n - 1]
        if not cited and not all(number_in(f, passage) for f in figures):
            continue
        close = similarity is not None and similarity[n - 1] >= MIN_SIMILARITY
        if close or _overlap(tokens, passage) >= MIN_OVERLAP:
            return SentenceCheck(sentence, True, cited or (n,), "close to a passage")
    return SentenceCheck(sentence, False, cited, "no passage supports it")


def is_complete(sentence: str) -> bool:
    """False for a fragment cut off when the model ran out of tokens.

    Example:
        >>> is_complete("Walk every day. [1]"), is_complete("So you")
        (True, False)
    """
    bare = strip_citations(sentence).rstrip()
    return bare.endswith(_TERMINAL) or len(bare.split()) >= 8


def too_little_left(kept: Sequence[str], all_sentences: Sequence[str]) -> bool:
    """True when the kept sentences are too thin to stand as the answer."""
    total = sum(len(s) for s in all_sentences)
    return not kept or sum(len(s) for s in kept) < MIN_KEPT_SHARE * total


def extractive_answer(question: str, passage: str, max_sentences: int = 3) -> list[str]:
    """The passage's sentences that best match the question, in their original order.

    Example:
        >>> extractive_answer("How much salt?", "Eat less salt. Use under 5 g a day. Walk.", 1)
        ['Eat less salt.']
    """
    sentences = [s.lstrip("-*• ").strip() for s in split_sentences(passage)]
    sentences = [s for s in sentences if len(s) > 3]
    wanted = content_tokens(question)
    ranked = sorted(range(len(sentences)),
                    key=lambda i: (-len(wanted & content_tokens(sentences[i])), i))
    return [sentences[i] for i in sorted(ranked[:max_sentences])]


def _overlap(tokens: set[str], passage: str) -> float:
    """Share of the sentence's words found in the passage; 0 below MIN_SHARED words."""
    shared = len(tokens & content_tokens(passage))
    return shared / len(tokens) if shared >= MIN_SHARED else 0.0
