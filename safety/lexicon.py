"""Curated phrase lists, per language, and a matcher over normalized text.

The lists are data (`safety/data/lexicon/<lang>.toml`), written by people.
Every language's lists are matched against every message: people mix
languages, and a crisis phrase in any of them must not be missed. A phrase
matches at word boundaries in scripts with spaces, and anywhere in Chinese.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from safety.normalize import fold_evasions, has_spaced_letters, normalize

DATA_DIR = Path(__file__).parent / "data"
SECTIONS: tuple[str, ...] = (
    "crisis", "crisis_terms", "third_party", "emergency", "professional_referral", "decline",
)


@dataclass(frozen=True)
class Hit:
    """A lexicon phrase found in a message."""

    section: str
    language: str
    phrase: str


@dataclass(frozen=True)
class Lexicon:
    """Phrases by section, each with its language, normalized once at load."""

    phrases: tuple[tuple[str, str, str], ...]  # (section, language, normalized phrase)

    def find(self, text: str) -> list[Hit]:
        """Every phrase present in `text` (plain or with evasions folded).

        Example:
            >>> lex = Lexicon((("crisis", "en", "kill myself"),))
            >>> [h.phrase for h in lex.find("I want to k1ll mys3lf")]
            ['kill myself']
        """
        spaced = normalize(text, collapse_spaces=False)
        forms = {normalize(text), fold_evasions(spaced)}
        # Letters spaced out one by one hide where words end: compare without spaces.
        compact = "".join(spaced.split()) if has_spaced_letters(spaced) else ""
        return [Hit(section, lang, phrase) for section, lang, phrase in self.phrases
                if any(contains_phrase(form, phrase) for form in forms)
                or (compact and " " in phrase and phrase.replace(" ", "") in compact)]


def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """Read every `lexicon/<lang>.toml`; unknown sections are an error."""
    entries: list[tuple[str, str, str]] = []
    for path in sorted((data_dir / "lexicon").glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for section, body in data.items():
            if section == "benign_examples":
                continue
            if section not in SECTIONS:
                raise ValueError(f"{path}: unknown section [{section}]; allowed: {SECTIONS}")
            for phrase in body.get("phrases", []):
                folded = normalize(phrase)
                if folded:
                    entries.append((section, path.stem, folded))
    return Lexicon(tuple(dict.fromkeys(entries)))


def contains_phrase(text: str, phrase: str) -> bool:
    """True if `phrase` occurs in `text`, at word boundaries unless it is CJK.

    Example:
        >>> contains_phrase("i will die", "die"), contains_phrase("a diet", "die")
        (True, False)
    """
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if (_is_cjk(phrase[0]) or not _is_word_char(text, start - 1)) and (
                _is_cjk(phrase[-1]) or not _is_word_char(text, end)):
            return True
        start = text.find(phrase, start + 1)
    return False


def _is_word_char(text: str, i: int) -> bool:
    if i < 0 or i >= len(text):
        return False
    ch = text[i]
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
