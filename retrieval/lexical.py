"""BM25 over the passages, per language, built with the index and saved beside it.

Tokens: words for scripts with spaces, after the same folding the safety
matcher uses (case, Latin accents, Arabic letter variants and diacritics)
plus Devanagari nukta and candrabindu; Chinese, which has no spaces, as
overlapping character pairs (bigrams), the usual choice for CJK search
without a dictionary. Dense e5 search crosses languages; BM25 adds exact
terms (drug names, "HPV", figures) in the user's own language.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from assistant.text import WORD
from safety.normalize import normalize

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_K1, _B = 1.2, 0.75


def tokenize(text: str) -> list[str]:
    """Search terms of a text, in any of our languages.

    Example:
        >>> tokenize("Moins de SEL, s'il vous plaît")
        ['moins', 'de', 'sel', 'il', 'vous', 'plait']
        >>> tokenize("少吃盐")
        ['少吃', '吃盐']
    """
    folded = normalize(text).replace("\u093c", "").replace("\u0901", "\u0902")
    tokens: list[str] = []
    for word in WORD.findall(folded):
        for part in re.split(f"({_CJK.pattern})", word):
            if not part:
                continue
            if _CJK.fullmatch(part):
                tokens += [part[i:i + 2] for i in range(len(part) - 1)] or [part]
            elif len(part) > 1 or part.isdigit():
                tokens.append(part)
    return tokens


class LexicalIndex:
    """BM25 postings per language over chunk positions."""

    def __init__(self, languages: Sequence[str], lengths: Sequence[int],
                 postings: dict[str, dict[str, list[list[int]]]]) -> None:
        self.languages = list(languages)
        self.lengths = list(lengths)
        self.postings = postings  # language -> term -> [[chunk position, tf], ...]
        self._avg = {lang: _mean([n for n, la in zip(lengths, languages, strict=True)
                                  if la == lang]) for lang in set(languages)}
        self._count = Counter(languages)

    @classmethod
    def build(cls, texts: Sequence[str], languages: Sequence[str]) -> LexicalIndex:
        """Index passage texts, each with its language."""
        postings: dict[str, dict[str, list[list[int]]]] = defaultdict(lambda: defaultdict(list))
        lengths = []
        for pos, (text, lang) in enumerate(zip(texts, languages, strict=True)):
            counts = Counter(tokenize(text))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[lang][term].append([pos, tf])
        return cls(languages, lengths, {k: dict(v) for k, v in postings.items()})

    def search(self, query: str, language: str, k: int) -> list[tuple[int, float]]:
        """Best `k` chunk positions in `language` for `query`, with BM25 scores."""
        terms = self.postings.get(language, {})
        n, avg = self._count.get(language, 0), self._avg.get(language, 1.0)
        scores: dict[int, float] = defaultdict(float)
        for term in set(tokenize(query)):
            hits = terms.get(term, [])
            if not hits:
                continue
            idf = math.log(1 + (n - len(hits) + 0.5) / (len(hits) + 0.5))
            for pos, tf in hits:
                norm = tf + _K1 * (1 - _B + _B * self.lengths[pos] / avg)
                scores[pos] += idf * tf * (_K1 + 1) / norm
        return sorted(scores.items(), key=lambda kv: -kv[1])[:k]

    def save(self, path: Path) -> None:
        """Write the postings as JSON."""
        path.write_text(json.dumps({"languages": self.languages, "lengths": self.lengths,
                                    "postings": self.postings}, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read postings written by `save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["languages"], data["lengths"], data["postings"])


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values) if values else 1.0
