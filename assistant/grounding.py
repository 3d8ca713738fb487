"""Is each sentence of a generated answer backed by a passage? Pure functions.

First version of the check (DESIGN.md, grounding): a sentence is kept when
every figure in it stands in a passage it cites (or, when it cites none, in
one passage), and it is close to that passage: enough shared words, or an
embedding similarity above a threshold (which also works across languages).
Anything else is dropped: a made-up figure is worse than a
shorter answer. `rank_sentences` orders the passages' own sentences by
closeness in meaning to the question: the pipeline leads with the nearest one,
gives the model only the nearest few, and answers with them alone when too
little of the model's text survives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations_with_replacement

import numpy as np

from assistant.text import (
    WORD,
    citations,
    content_tokens,
    negated,
    number_in,
    numbers,
    split_sentences,
    strip_citations,
    unbold,
    unit_mismatch,
)

# Calibrated on evals/suites/grounding_pairs.jsonl (240 labelled pairs, 8 languages;
# run `salus eval grounding-pairs`): a sentence needs this share of its words in
# the passage, and an e5 cosine of at least MIN_SIMILARITY with the passage's
# nearest sentence, whose negation it must share. Kept: 89% of supported; dropped:
# 99% of unsupported, 80% of contradicted (every changed figure; flipped negations
# where the nearest sentence is the one flipped). Without the negation rule: 95%
# kept, 70% of contradicted dropped; requiring it against the nearest two instead
# keeps 95% but drops 75%. A dropped true sentence costs a passage sentence in its
# place; a kept contradiction misinforms, so the stricter rule is taken. Words
# alone (0.34) dropped 14% of unsupported; cosine to the whole passage crowds
# together. The rule that a sentence keeps every figure of its nearest passage
# sentence (`left_out_figures`) then moved these to 82.5% kept, 100% and 85%
# dropped; on the answers suite it cut the model sentences shown from 34 to 22,
# and the wrong ones among them (read by hand) from 9 to 4. Dropping sentences
# whose figures need three passage sentences (`merges_sentences`) moved none of
# the pairs (each is built from one sentence); on the answers suite it dropped
# one model sentence, the wrong one.
MIN_OVERLAP = 0.55
MIN_SHARED = 3  # "You're right!" shares a word with anything
MIN_SIMILARITY = 0.89
MIN_KEPT_SHARE = 0.4
# A model sentence this close, letter by letter, to a passage sentence is shown as
# the passage sentence. On the answers suite, 16 of the 19 model sentences shown
# were such near-copies (0.89-1.0; the paraphrases were 0.55-0.74), and their
# edits were the riskiest words in them: "水利组织" for "世卫组织", "A OMS
# recomendaria" (would recommend) for "recomenda", "Entre ellos" for "Entre ellas".
NEAR_COPY = 0.85
# A figure must stand in one of the passage sentences nearest in meaning, not just
# anywhere in the passage ("deaths = 1", with "US$ 1" elsewhere, is made up).
NEARBY = 3
# Added to a sentence's cosine when the question asks for a figure and the sentence
# gives one: about the gap between neighbouring sentences. Chosen on the answers
# suite (0.01: .86 of facts in the first sentence, 0.02 and 0.03: .88, 0.05: .88),
# whose questions mostly ask for figures, so the gain there flatters.
FIGURE_PRIOR = 0.03
# Words for "passage" in our languages: a sentence about the passages ("This is based
# on the passage ...") says nothing about health, however close its words are.
_META = ("passage", "passages", "pasaje", "pasajes", "passagem", "passagens", "trecho",
         "отрывок", "отрывке", "фрагмент", "фрагменте", "段落", "文段", "المقطع", "الفقرة",
         "النص المقدم", "अंश", "अनुच्छेद", "गद्यांश")
_TERMINAL = tuple(".!?。！？؟।…")
_QUOTES = tuple("\"'«»“”„‘’「『")


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one sentence: supported or not, and by which passages."""

    sentence: str
    supported: bool
    passages: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class Closeness:
    """How close a sentence is to its nearest sentence of one passage."""

    similarity: float
    nearest_is_myth: bool = False
    nearby: str | None = None  # the nearest passage sentences, where figures must stand
    nearest: str = ""  # the nearest passage sentence itself
    nearest_at: int = 0  # its index among the passage's sentences


def closeness(sentence_vector: np.ndarray, passage_sentences: Sequence[str],
              passage_vectors: np.ndarray) -> Closeness:
    """The nearest passage sentence by cosine, whether it is a quoted myth, and the
    `NEARBY` nearest sentences (a sentence's figures must stand in them)."""
    if not len(passage_sentences):
        return Closeness(0.0)
    sims = passage_vectors @ sentence_vector
    order = np.argsort(-sims)
    best = int(order[0])
    return Closeness(float(sims[best]), is_quoted_myth(passage_sentences[best]),
                     " ".join(passage_sentences[int(i)] for i in order[:NEARBY]),
                     passage_sentences[best], best)


def check_sentence(sentence: str, passages: Sequence[str],
                   close: Sequence[Closeness] | None = None,
                   language: str | None = None) -> SentenceCheck:
    """Check one sentence against the numbered passages (1-based).

    `close[i]` is how close the sentence is to passage i+1's nearest
    sentence (from the embedder); without it only the words are compared.
    With the `language`, a sentence whose negation differs from its nearest
    passage sentence's ("... count" against "... do not count") is dropped.

    Example:
        >>> facts = ["Adults need at least 150 minutes of activity a week."]
        >>> check_sentence("Adults need 150 minutes of activity [1].", facts).supported
        True
        >>> check_sentence("Adults need 200 minutes of activity [1].", facts).reason
        'figure 200 not in the cited passage'
    """
    cited = tuple(n for n in citations(sentence) if 1 <= n <= len(passages))
    if _is_meta(sentence):
        return SentenceCheck(sentence, False, cited, "talks about the passages, not the topic")
    figures = numbers(sentence)
    if cited:
        pool = " ".join(passages[n - 1] for n in cited)
        missing = [f for f in figures if not number_in(f, pool)]
        if missing:
            return SentenceCheck(sentence, False, cited,
                                 f"figure {missing[0]} not in the cited passage")
        changed = unit_mismatch(sentence, pool)
        if changed:
            return SentenceCheck(sentence, False, cited,
                                 f"{changed}: not with that unit in the cited passage")
        if merges_sentences(figures, [passages[n - 1] for n in cited]):
            return SentenceCheck(sentence, False, cited,
                                 "gathers its figures from three or more passage sentences")
    tokens = content_tokens(strip_citations(sentence))
    for n in cited or range(1, len(passages) + 1):
        passage = passages[n - 1]
        if not cited and (not all(number_in(f, passage) for f in figures)
                          or unit_mismatch(sentence, passage)
                          or merges_sentences(figures, [passage])):
            continue
        if _overlap(tokens, passage) < MIN_OVERLAP:
            continue
        near = close[n - 1].nearby if close is not None else None
        if near is not None and not all(number_in(f, near) for f in figures):
            continue
        if close is not None and close[n - 1].nearest_is_myth:
            return SentenceCheck(sentence, False, (n,), "repeats a myth the passage corrects")
        if close is not None and close[n - 1].similarity < MIN_SIMILARITY:
            continue
        if (close is not None and language is not None
                and negated(sentence, language) != negated(close[n - 1].nearest, language)):
            return SentenceCheck(sentence, False, (n,),
                                 "negates what the nearest passage sentence says, or the reverse")
        if close is not None and (left := left_out_figures(sentence, close[n - 1].nearest)):
            return SentenceCheck(sentence, False, (n,),
                                 f"leaves out {left[0]}, which the nearest passage sentence "
                                 "ties its claim to")
        return SentenceCheck(sentence, True, cited or (n,), "close to a passage")
    return SentenceCheck(sentence, False, cited, "no passage supports it")


def left_out_figures(sentence: str, nearest: str) -> list[str]:
    """Figures of the nearest passage sentence that a generated sentence drops. A
    figure in a passage sentence is often its condition or its second subject,
    and the 0.5B model's worst sentences drop exactly that: "I gain about 3 years"
    (the passage: 3 years when quitting at 60), "passive smoking kills 8 million"
    (8 million is all of tobacco; passive smoking, 1.3 million).

    Example:
        >>> left_out_figures("You gain about 3 years of life [1].",
        ...                  "Quitting at 60 still gains about 3 years of life.")
        ['60']
        >>> left_out_figures("Quitting at 60 gains 3 years [1].",
        ...                  "Quitting at 60 still gains about 3 years of life.")
        []
    """
    return [f for f in numbers(nearest) if not number_in(f, strip_citations(sentence))]


def near_copy(sentence: str, passage_sentence: str) -> bool:
    """Is a generated sentence the passage sentence with a few letters changed?

    Example:
        >>> near_copy("水利组织欧洲区域，一半的癌症来自少量饮酒。 [1]",
        ...           "在世卫组织欧洲区域，一半的癌症来自少量饮酒。")
        True
        >>> near_copy("Walking counts [1].", "Adults need 150 minutes of activity a week.")
        False
    """
    plain = strip_citations(sentence).strip()
    return SequenceMatcher(None, plain, passage_sentence, autojunk=False).ratio() >= NEAR_COPY


def merges_sentences(figures: Sequence[str], passages: Sequence[str]) -> bool:
    """Do no two sentences of the passages hold all these figures between them? The
    0.5B model sometimes runs a list of facts into one garbled sentence, each
    figure true alone: "From 200 million in 1990 to 830 million in 2022 was 14%
    of adults, 7% older, 59% ..." (three sentences of the diabetes facts). A
    sentence built from one or two passage sentences passes.

    Example:
        >>> facts = ["Cases rose from 200 million in 1990 to 830 million in 2022.",
        ...          "In 2022, 14% of adults had it, against 7% in 1990.",
        ...          "In 2022, 59% of them took no medicine for it."]
        >>> merges_sentences(["200", "830", "14", "7"], facts)
        False
        >>> merges_sentences(["830", "14", "59"], facts)
        True
    """
    wanted = set(figures)
    if len(wanted) < 3:
        return False
    holds = [held for s in (s for p in passages for s in passage_sentences(p))
             if (held := {f for f in wanted if number_in(f, s)})]
    return not any(a | b == wanted for a, b in combinations_with_replacement(holds, 2))


def grafted_words(sentence: str, question: str, nearest: str) -> set[str]:
    """Words a generated sentence shares with the question but not with the passage
    sentence it is nearest to: the question grafted onto a passage's figure
    ("Adults need 60 minutes a day", from the children's sentence). Words of 5
    letters or more, compared on their first 5, and acronyms, which name the
    subject ("... missed their first HPV dose", from the measles sentence).
    Chinese is not checked.

    Example:
        >>> sorted(grafted_words("Adults need 60 minutes a day [1].",
        ...                      "How many minutes do adults need?",
        ...                      "Children need an average of 60 minutes a day."))
        ['adult']
        >>> sorted(grafted_words("20.6 million children missed their first HPV dose.",
        ...                      "What share of girls got their first HPV dose?",
        ...                      "20.6 million children missed their first measles dose."))
        ['hpv']
        >>> grafted_words("Children need 60 minutes a day [1].",
        ...               "How many minutes do children need?",
        ...               "Children need an average of 60 minutes a day.")
        set()
    """
    def stems(text: str) -> set[str]:
        plain = strip_citations(text)
        acronyms = {w.casefold() for w in WORD.findall(plain) if len(w) >= 2 and w.isupper()}
        return {t[:5] for t in content_tokens(plain) if len(t) >= 5} | acronyms

    return (stems(sentence) & stems(question)) - stems(nearest)


def _is_meta(sentence: str) -> bool:
    """Does the sentence speak of "the passage" (any of our languages)?

    Example:
        >>> _is_meta("This is based on the passage by WHO. [1]"), _is_meta("Eat fruit. [1]")
        (True, False)
    """
    plain = strip_citations(sentence).casefold()
    words = set(WORD.findall(plain))
    return any(m in plain if (" " in m or "\u4e00" <= m[0] <= "\u9fff") else m in words
               for m in _META)


def is_complete(sentence: str) -> bool:
    """False for a fragment cut off when the model ran out of tokens.

    Example:
        >>> is_complete("Walk every day. [1]"), is_complete("Smoking can lead to cancer, which")
        (True, False)
    """
    return strip_citations(sentence).rstrip().endswith(_TERMINAL)


def too_little_left(kept: Sequence[str], all_sentences: Sequence[str]) -> bool:
    """True when the kept sentences are too thin to stand as the answer."""
    total = sum(len(s) for s in all_sentences)
    return not kept or sum(len(s) for s in kept) < MIN_KEPT_SHARE * total


@dataclass(frozen=True)
class RankedSentence:
    """A passage sentence and how close it is in meaning to the question."""

    score: float
    passage: int  # 1-based position among the retrieved passages
    position: int  # its place in the passage
    text: str


def rank_sentences(question: np.ndarray,
                   passages: Sequence[tuple[Sequence[str], np.ndarray]],
                   prefer_figures: bool = False) -> list[RankedSentence]:
    """Every usable passage sentence, closest to the question first (e5 query vs
    passage cosine; ties go to the better-ranked passage). Quoted myths and
    fragments of fewer than 3 words are left out. With `prefer_figures` (the
    question asks how many, how much...), a sentence that gives a figure gets
    FIGURE_PRIOR added to its cosine.

    On the answers suite (272 facts), the best sentence holds the expected fact
    0.85 of the time and the best 3 0.96 (ranked by shared words, 0.71 and
    0.89); with the figure prior, 0.88 and 0.97.

    Example:
        >>> sents = (["Eat less salt.", "Adults: under 5 g of salt a day."], np.eye(2))
        >>> [r.text for r in rank_sentences(np.array([0.2, 1.0]), [sents])]
        ['Adults: under 5 g of salt a day.', 'Eat less salt.']
    """
    found = [RankedSentence(float(vectors[i] @ question)
                            + (FIGURE_PRIOR if prefer_figures and numbers(text) else 0.0),
                            n, i, text)
             for n, (sentences, vectors) in enumerate(passages, start=1)
             for i, text in enumerate(sentences)
             if len(content_tokens(text)) >= 3 and not is_quoted_myth(text)]
    return sorted(found, key=lambda r: (-r.score, r.passage, r.position))


def excerpts(ranked: Sequence[RankedSentence], count: int) -> dict[int, list[str]]:
    """The `count` best sentences, grouped by passage number, in reading order.

    Example:
        >>> rs = [RankedSentence(.9, 2, 1, "b"), RankedSentence(.8, 2, 0, "a"),
        ...       RankedSentence(.7, 1, 0, "c")]
        >>> excerpts(rs, 2)
        {2: ['a', 'b']}
    """
    chosen = sorted(ranked[:count], key=lambda r: (r.passage, r.position))
    grouped: dict[int, list[str]] = {}
    for r in chosen:
        grouped.setdefault(r.passage, []).append(r.text)
    return grouped


def is_quoted_myth(sentence: str) -> bool:
    """A sentence that opens with a quotation: in our content, a myth being quoted.

    Example:
        >>> is_quoted_myth('**"Brown sugar is healthy."**'), is_quoted_myth("Sugar is sugar.")
        (True, False)
    """
    return sentence.lstrip("-*• ").startswith(_QUOTES)


def passage_sentences(passage: str) -> list[str]:
    """A passage's sentences, list markers removed."""
    return [s for s in _bare_sentences(passage) if len(s) > 3]


def _bare_sentences(passage: str) -> list[str]:
    return [s.lstrip("-*• ").strip() for s in split_sentences(unbold(passage))]


def _overlap(tokens: set[str], passage: str) -> float:
    """Share of the sentence's words found in the passage; 0 below MIN_SHARED words."""
    shared = len(tokens & content_tokens(passage))
    return shared / len(tokens) if shared >= MIN_SHARED else 0.0
