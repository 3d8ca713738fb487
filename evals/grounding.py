"""`salus eval grounding`: are answers faithful, complete, in the right language, cited?

Suite lines: `{"id", "language", "question", "topic", "facts": [str]}`. For
each question the real assistant answers, and per language we report:
- faithfulness: share of shown sentences with a valid citation whose every
  figure stands in the cited document (checked against the whole document,
  independently of the pipeline's own sentence check);
- fact recall: share of expected facts found in the answer;
- language accuracy: share of answers detected in the question's language;
- citation validity: share of answers whose every [n] names a listed source;
- latency: time to the first text shown and to the whole reply (p50/p95).
Faithfulness checks figures and citations only, so each case also lists its
`model_sentences` (cited sentences shown that do not stand word for word in a
cited document: the model's own; uncited ones are vetted notes), and the
summary counts them: those are the sentences to read by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.language import LangdetectDetector
from assistant.pipeline import Assistant
from assistant.reply import Reply
from assistant.text import (
    citations,
    number_in,
    numbers,
    split_sentences,
    strip_citations,
    unbold,
)
from evals.jsonl import read_cases
from evals.stats import percentile
from safety.verdict import ANSWER, PROFESSIONAL

SUITE = Path(__file__).parent / "suites" / "answers.jsonl"


@dataclass(frozen=True)
class AnswerCase:
    """A question and the facts its answer must carry."""

    id: str
    language: str
    question: str
    topic: str
    facts: tuple[str, ...]


def load_suite(path: Path = SUITE, per_language: int | None = None) -> list[AnswerCase]:
    """Read an answers suite, optionally only the first `per_language` of each language."""
    cases = read_cases(path, lambda raw: AnswerCase(raw["id"], raw["language"], raw["question"],
                                                     raw["topic"], tuple(raw["facts"])), "answers")
    if per_language is None:
        return cases
    seen: dict[str, int] = defaultdict(int)
    kept = []
    for case in cases:
        seen[case.language] += 1
        if seen[case.language] <= per_language:
            kept.append(case)
    return kept


def judge(case: AnswerCase, reply: Reply, documents: dict[str, str]) -> dict[str, Any]:
    """The four measures for one reply; `documents` maps doc id to body text."""
    body = reply.text
    every = split_sentences(body)
    sentences = [s for s in every if citations(s) or numbers(s)]
    by_n = {c.n: documents.get(c.doc_id, "") for c in reply.citations}
    faithful = [bool(citations(s)) and all(n in by_n for n in citations(s)) and all(
        any(number_in(f, by_n[n]) for n in citations(s) if n in by_n) for f in numbers(s))
        for s in sentences]
    cited = {n for s in every for n in citations(s)}
    flat = {n: " ".join(unbold(text).split()) for n, text in by_n.items()}
    generated = [s for s in every if citations(s)
                 and not any(_word_for_word(s, flat[n]) for n in citations(s) if n in flat)]
    language = LangdetectDetector().detect(strip_citations(body)).language
    return {"id": case.id, "language": case.language, "action": reply.action,
            "faithful_sentences": sum(faithful), "sentences": len(faithful),
            "facts_found": sum(1 for f in case.facts if f.casefold() in body.casefold()),
            "facts": len(case.facts), "language_ok": language == case.language,
            "citations_ok": cited <= set(by_n), "total_ms": round(reply.timings_ms.total),
            "text": body, "model_sentences": generated}


def run_suite(assistant: Assistant, cases: Sequence[AnswerCase], documents: dict[str, str],
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Every case judged, and the per-language summary."""
    results = []
    for done, case in enumerate(cases, start=1):
        reply = assistant.reply(case.question, ui_language=case.language)
        results.append(judge(case, reply, documents))
        if progress:
            progress(done, len(cases))
    return {"summary": summarize(results), "cases": results}


def summarize(results: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per language (and all): faithfulness, fact recall, language, citations, latency."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        groups[r["language"]].append(r)
        groups["all"].append(r)
    out = {}
    for lang, rs in sorted(groups.items()):
        answered = [r for r in rs if r["action"] in (ANSWER, PROFESSIONAL)]
        times = [r["total_ms"] for r in rs]
        out[lang] = {
            "n": len(rs), "answered": len(answered),
            "faithfulness": _share(sum(r["faithful_sentences"] for r in answered),
                                   sum(r["sentences"] for r in answered)),
            "fact_recall": _share(sum(r["facts_found"] for r in rs), sum(r["facts"] for r in rs)),
            "language_accuracy": _share(sum(r["language_ok"] for r in rs), len(rs)),
            "citation_validity": _share(sum(r["citations_ok"] for r in rs), len(rs)),
            "model_sentences": sum(len(r["model_sentences"]) for r in answered),
            "latency_p50_ms": percentile(times, 50),
            "latency_p95_ms": percentile(times, 95),
        }
    return out


def _share(part: float, whole: float) -> float:
    return round(part / whole, 3) if whole else 1.0


def _word_for_word(sentence: str, flat_document: str) -> bool:
    """Does the sentence (citations and closing stop aside) stand in the document,
    whose whitespace runs are single spaces?

    Example:
        >>> _word_for_word("Eat less  salt. [1]", "- Eat less salt. - Move.")
        True
    """
    plain = " ".join(strip_citations(sentence).split()).rstrip(".。")
    return bool(plain) and plain in flat_document
