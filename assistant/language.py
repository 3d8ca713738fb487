"""Which language a message is in: script ranges first, then langdetect.

Arabic, Devanagari, Han and Cyrillic letters decide alone (our 8 languages
have one script each there). Latin text is first read for the common words
of Hindi and Arabic typed in Latin letters ("mujhe kitna namak khana
chahiye", "ana ta3ban"), which langdetect does not know; then langdetect
(seeded, so the same text always gives the same answer), restricted to
en/fr/es/pt; a short question that langdetect misreads ("Do vaccines cause
autism?" as French) is decided by its common words
(`assistant/data/function_words.toml`). Short or unsure text falls back to
the conversation's language, then the UI's, then English: three words of
"ok merci" are not evidence enough.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from assistant.settings import SUPPORTED_LANGUAGES

_SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("ar", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFF))),
    ("hi", ((0x0900, 0x097F), (0xA8E0, 0xA8FF))),
    ("zh", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))),
    ("ru", ((0x0400, 0x04FF), (0x0500, 0x052F))),
)
_LATIN_LANGUAGES = ("en", "fr", "es", "pt")
_MIN_WORDS = 3
_MIN_PROBABILITY = 0.85
_MIN_SUPPORTED_MASS = 0.5
# Below this many words, common words outvote langdetect.
_SHORT_WORDS = 8
FUNCTION_WORDS = Path(__file__).parent / "data" / "function_words.toml"
_TOKEN = re.compile(r"[a-z0-9']+")
_ARABIZI_DIGIT = re.compile(r"[a-z]*[a-z][2356789][a-z]*|[2356789][a-z]+")


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language and how it was decided (script, langdetect, fallback)."""

    language: str
    method: str


class LanguageDetector(Protocol):
    """Tells the language of a message."""

    def detect(self, text: str, context_language: str | None = None,
               ui_language: str | None = None) -> LanguageGuess: ...


def script_counts(text: str) -> dict[str, int]:
    """Letters per script-language, plus 'latin'.

    Example:
        >>> script_counts("Hi, привет")
        {'latin': 2, 'ru': 6}
    """
    counts: dict[str, int] = {}
    for ch in text:
        if not (ch.isalpha() or unicodedata.category(ch).startswith("M")):
            continue
        code = ord(ch)
        lang = next((name for name, ranges in _SCRIPTS
                     if any(lo <= code <= hi for lo, hi in ranges)), None)
        if lang is None and code < 0x0250:
            lang = "latin"
        if lang:
            counts[lang] = counts.get(lang, 0) + 1
    return counts


class LangdetectDetector:
    """Script ranges plus seeded langdetect.

    Example:
        >>> LangdetectDetector().detect("¿Cuánta actividad física necesita un adulto?").language
        'es'
    """

    def __init__(self, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> None:
        self.languages = languages

    def detect(self, text: str, context_language: str | None = None,
               ui_language: str | None = None) -> LanguageGuess:
        """Guess the language of `text`, falling back to context, UI, then English."""
        fallback = next((lang for lang in (context_language, ui_language)
                         if lang in self.languages), "en")
        counts = script_counts(text)
        if not counts:
            return LanguageGuess(fallback, "fallback")
        top, letters = max(counts.items(), key=lambda kv: kv[1])
        if top != "latin" and letters * 2 >= sum(counts.values()) and top in self.languages:
            return LanguageGuess(top, "script")
        words = _counts(text, self.languages)
        romanized = _romanized(words)
        if romanized:
            return LanguageGuess(romanized, "romanized")
        hinted = _letter_hint(text, self.languages)
        voted = _winner(words) if len(text.split()) < _SHORT_WORDS else None
        short = len(text.split()) < _MIN_WORDS
        if short and (context_language or ui_language):
            return LanguageGuess(hinted or fallback, "hint" if hinted else "fallback")
        if voted and not hinted:
            return LanguageGuess(voted, "words")
        # Only our Latin-script languages compete: "pt 0.71, it 0.29" is Portuguese.
        latin = [(lang, p) for lang, p in _langdetect_probabilities(text)
                 if lang in _LATIN_LANGUAGES and lang in self.languages]
        total = sum(p for _, p in latin)
        if latin and total >= _MIN_SUPPORTED_MASS and latin[0][1] / total >= _MIN_PROBABILITY:
            return LanguageGuess(latin[0][0], "langdetect")
        return LanguageGuess(hinted or fallback, "hint" if hinted else "fallback")


def _letter_hint(text: str, languages: tuple[str, ...]) -> str | None:
    """A language that letters alone give away: ñ ¿ ¡ Spanish, ã õ Portuguese, œ è ê French.

    Example:
        >>> _letter_hint("¿y el alcohol?", ("en", "es")), _letter_hint("e o álcool", ("pt",))
        ('es', None)
    """
    low = text.casefold()
    for lang, letters in (("es", "ñ¿¡"), ("pt", "ãõ"), ("fr", "œèêëîûùÿ")):
        if lang in languages and any(ch in low for ch in letters):
            return lang
    return None


@lru_cache(maxsize=1)
def _function_words(path: Path = FUNCTION_WORDS) -> dict[str, frozenset[str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {lang: frozenset(body["words"]) for lang, body in data.items()}


def _counts(text: str, languages: tuple[str, ...]) -> dict[str, int]:
    """Per language, how many of the text's words are its common words."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    tokens = _TOKEN.findall(folded.replace("'", " "))
    counts = {lang: sum(t in words for t in tokens)
              for lang, words in _function_words().items() if lang in languages}
    if "ar" in counts:  # 3, 7, 2... standing for Arabic letters: "ta3ban", "mel7"
        counts["ar"] += sum(1 for t in tokens if _ARABIZI_DIGIT.fullmatch(t))
    return counts


def word_vote(text: str, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> str | None:
    """The language whose common words outnumber every other's by half as many again.

    Example:
        >>> word_vote("Do vaccines cause autism?"), word_vote("la la la")
        ('en', None)
    """
    return _winner(_counts(text, languages))


def _winner(counts: dict[str, int]) -> str | None:
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] == 0:
        return None
    if len(ranked) > 1 and (ranked[0][1] <= ranked[1][1]
                            or ranked[0][1] < 1.5 * ranked[1][1]):
        return None
    return ranked[0][0]


def _romanized(counts: dict[str, int]) -> str | None:
    """Hindi or Arabic in Latin letters: at least two of its words, and most of them.

    Example:
        >>> _romanized(_counts("mujhe din me kitna namak khana chahiye", ("en", "hi")))
        'hi'
        >>> _romanized(_counts("I need to eat more fruit", ("en", "hi", "ar")))
    """
    best = max((lang for lang in ("hi", "ar") if lang in counts),
               key=lambda lang: counts[lang], default=None)
    if best is None or counts[best] < 2:
        return None
    others = max((n for lang, n in counts.items() if lang != best), default=0)
    return best if counts[best] >= 2 * others + 1 else None


def _langdetect_probabilities(text: str) -> list[tuple[str, float]]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random unless seeded
    try:
        return [(g.lang, g.prob) for g in detect_langs(text)]
    except LangDetectException:
        return []
