"""Fold text so that a phrase list matches what people really type.

Pure functions. `normalize` removes what hides a word from a matcher:
compatibility forms (NFKC: full-width letters, ligatures), case, curly
apostrophes (phones type them: "I can’t breathe"), zero-width
and bidi control characters, Latin accents, Arabic diacritics and letter
variants, and runs of spaces. `fold_evasions` also undoes two tricks used to
slip past filters: leetspeak inside words ("k1ll") and letters spaced out
("k i l l"). Matchers try both forms, so a figure like "150" is never
changed in the text that is matched plainly.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                                 "ؤ": "و", "ئ": "ي"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                              "\u00b4": "'"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "!": "i"})
_LEET_WORD = re.compile(r"\S*[a-z]\S*")
_SPACED = re.compile(r"(?<!\S)(?:\w[ .\-_*]){1,}\w(?!\S)")
_SPACED_RUN = re.compile(r"(?<!\S)(?:\w[ .\-_*]){3,}\w(?!\S)")


def normalize(text: str, collapse_spaces: bool = True) -> str:
    """Canonical form for matching; keep runs of spaces for `fold_evasions` if asked.

    Example:
        >>> normalize("  ＫＩＬＬ\u200b   Mysélf ")
        'kill myself'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).casefold().translate(_APOSTROPHES)
    text = _strip_latin_accents(text)
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    return " ".join(text.split()) if collapse_spaces else text


def fold_evasions(text: str) -> str:
    """Undo leetspeak inside Latin words and join letters spaced out one by one.

    Give it `normalize(text, collapse_spaces=False)`: a double space between
    spaced-out letters is where a word ended.

    Example:
        >>> fold_evasions("i want to k i l l mys3lf at 5")
        'i want to kill myself at 5'
        >>> fold_evasions("i w a n t  t o  d i e")
        'iwant to die'
    """
    joined = _SPACED.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), text)
    return " ".join(_LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), joined).split())


def has_spaced_letters(text: str) -> bool:
    """True when letters are spaced out one by one ("k i l l"), a filter evasion."""
    return bool(_SPACED_RUN.search(text))


def _strip_latin_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = [ch for i, ch in enumerate(decomposed)
            if not ("\u0300" <= ch <= "\u036f" and i and decomposed[i - 1] < "\u0250")]
    return unicodedata.normalize("NFC", "".join(kept))
