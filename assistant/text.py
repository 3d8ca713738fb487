"""Pure text helpers shared by grounding and the output filter.

Sentences end at . ! ? and their CJK, Arabic and Devanagari forms; a
citation written after the full stop ("… a week. [1]") stays with the
sentence before it. Numbers are compared in ASCII digits whatever digits
the text used (Arabic-Indic, Devanagari, full-width).
"""

from __future__ import annotations

import re
import unicodedata

_SENTENCE = re.compile(
    r"(?:[^.!?。！？؟।\n]|(?<=\d)\.(?=\d))*"  # a decimal point ends no sentence
    r"(?:[.!?。！？؟।]+|\n|$)(?:\s*\[\d+(?:\s*,\s*\d+)*\])*", re.UNICODE)
_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Python's \w leaves out combining marks, which would cut Hindi words at every
# vowel sign ("मलेरिया" -> "मल", "र", "य"); the marks of our scripts are added.
WORD = re.compile("[\\w\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670"
                  "\u06d6-\u06ed\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962-\u0963]+")


def split_sentences(text: str) -> list[str]:
    """Sentences with their trailing citations, stripped, empty ones dropped.

    Example:
        >>> split_sentences("Walk daily. [1] Eat less salt [2]. 少吃盐。")
        ['Walk daily. [1]', 'Eat less salt [2].', '少吃盐。']
        >>> split_sentences("About 2.6 million died. Sad.")
        ['About 2.6 million died.', 'Sad.']
    """
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(" \n-*")]


def citations(sentence: str) -> list[int]:
    """Passage numbers cited in a sentence, in order, without repeats.

    Example:
        >>> citations("Adults need 150 minutes [1, 2][2].")
        [1, 2]
    """
    found = [int(n) for group in _CITATION.findall(sentence) for n in group.split(",")]
    return list(dict.fromkeys(found))


def strip_citations(sentence: str) -> str:
    """The sentence without its [n] markers."""
    return " ".join(_CITATION.sub(" ", sentence).split())


def renumber_citations(sentence: str, mapping: dict[int, int]) -> str:
    """Rewrite [n] markers through `mapping`; markers not in it are removed."""
    def swap(match: re.Match[str]) -> str:
        kept = [str(mapping[int(n)]) for n in match.group(1).split(",") if int(n) in mapping]
        return f"[{', '.join(dict.fromkeys(kept))}]" if kept else ""
    return _CITATION.sub(swap, sentence).replace(" .", ".")


def ascii_digits(text: str) -> str:
    """Map every Unicode decimal digit to its ASCII form.

    Example:
        >>> ascii_digits("١٥٠ और १५०")
        '150 और 150'
    """
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def numbers(text: str) -> list[str]:
    """Figures in the text (citations excluded), digits in ASCII, thousands marks kept.

    Example:
        >>> numbers("150–300 minutes, 7,5 % [2]")
        ['150', '300', '7,5']
    """
    return _NUMBER.findall(ascii_digits(strip_citations(text)))


def number_in(number: str, text: str) -> bool:
    """True if `number` stands in `text` as a whole figure (not inside a longer one)."""
    plain = ascii_digits(text)
    variants = {number, number.replace(",", "."), number.replace(".", ","),
                number.replace(",", ""), number.replace(",", " ")}
    return any(re.search(rf"(?<![\d.,]){re.escape(v)}(?![\d]|[.,]\d)", plain) for v in variants)


def content_tokens(text: str) -> set[str]:
    """Lowercase words, or character bigrams for text without spaces (Chinese).

    Example:
        >>> sorted(content_tokens("少吃盐"))
        ['吃盐', '少吃']
        >>> sorted(content_tokens("मलेरिया कैसे फैलता है"))
        ['कैसे', 'फैलता', 'मलेरिया']
    """
    tokens: set[str] = set()
    for word in WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        if any("\u3400" <= ch <= "\u9fff" for ch in word):
            tokens.update(word[i:i + 2] for i in range(max(1, len(word) - 1)))
        elif len(word) > 2 and not word.isdigit():
            tokens.add(word)
    return tokens
