"""The last check before a sentence is shown. Pure functions over data.

A sentence is withheld when it gives a dose (a number with a dose unit) that
is not word for word in a passage, tells the user they have a condition,
repeats the system prompt, or uses toxic or stigmatizing wording
(`data/stigma.toml`, every language at once); links that are not one of
the cited sources are removed from it. A generated answer can be wrong in
ways grounding does not see; this catches the ones that could hurt.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.text import ascii_digits
from safety.lexicon import contains_phrase
from safety.normalize import normalize

DATA = Path(__file__).parent / "data" / "output.toml"
STIGMA = Path(__file__).parent / "data" / "stigma.toml"
_URL = re.compile(r"https?://[^\s)\]>]+")
_LEAK_WORDS = 8


@dataclass(frozen=True)
class OutputCheck:
    """The sentence to show (links cleaned), or None if withheld, and why."""

    text: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OutputRules:
    """Dose units, diagnosis phrases and stigmatizing wording, normalized."""

    dose_units: tuple[str, ...]
    diagnosis: tuple[str, ...]
    stigma: tuple[str, ...] = ()


@cache
def load_rules(path: Path = DATA, stigma: Path = STIGMA) -> OutputRules:
    """Read the output filter's data files."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    with stigma.open("rb") as fh:
        words = tomllib.load(fh)
    return OutputRules(tuple(normalize(w) for w in data["dose_units"]["words"]),
                       tuple(normalize(p) for p in data["diagnosis"]["phrases"]),
                       tuple(sorted({normalize(p) for lang in words.values()
                                     for p in lang["phrases"]})))


def filter_sentence(sentence: str, passages: Sequence[str], source_urls: Sequence[str],
                    system_prompt: str, rules: OutputRules | None = None) -> OutputCheck:
    """Check one sentence about to be shown.

    Example:
        >>> filter_sentence("Take 500 mg twice a day.", [], [], "").text is None
        True
    """
    rules = rules or load_rules()
    plain = normalize(sentence)
    sources = " ".join(normalize(p) for p in passages)
    for dose in _doses(plain, rules.dose_units):
        if dose not in sources:
            return OutputCheck(None, (f"dose not in a passage: {dose}",))
    for phrase in rules.diagnosis:
        if contains_phrase(plain, phrase) and phrase not in sources:
            return OutputCheck(None, (f"diagnosis wording: {phrase}",))
    for phrase in rules.stigma:
        if contains_phrase(plain, phrase):
            return OutputCheck(None, (f"stigmatizing wording: {phrase}",))
    if _repeats(plain, normalize(system_prompt)):
        return OutputCheck(None, ("repeats the system prompt",))
    reasons: list[str] = []

    def keep_source(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;")
        if url in source_urls:
            return match.group(0)
        reasons.append("removed a link that is not a source")
        return ""

    cleaned = " ".join(_URL.sub(keep_source, sentence).split())
    return OutputCheck(cleaned or None, tuple(reasons))


def _doses(plain: str, units: Sequence[str]) -> list[str]:
    """Each "number unit" in the text whose unit is a dose unit ("500 mg", "2 片")."""
    found = []
    for match in re.finditer(r"\d+(?:[.,]\d+)?\s*", ascii_digits(plain)):
        rest = plain[match.end():]
        for unit in units:
            if rest.startswith(unit) and contains_phrase(rest, unit):
                found.append(match.group(0) + unit)
                break
    return found


def _repeats(plain: str, prompt: str) -> bool:
    words = prompt.split()
    return any(" ".join(words[i:i + _LEAK_WORDS]) in plain
               for i in range(0, max(0, len(words) - _LEAK_WORDS + 1)))
