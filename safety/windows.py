"""Cut a message into the pieces that triage reads one by one.

A crisis said in one sentence of a long post ("...anyway, tonight I'm going
to end it. The dog needs walking...") is drowned in the embedding of the
whole post, and a message longer than the embedder's 512 tokens is cut off
before its end. So triage reads the whole message and each window: a
sentence, joined with the next ones while shorter than `MIN_CHARS` (a lone
"ok." says nothing); a "sentence" of more than `MAX_SENTENCE` characters
is cut at spaces. Time is bounded: at most `MAX_WINDOWS` windows are read,
the first half and the last half of them (people tend to say what matters
first or last). A post of up to about 30 sentences is read whole; in a
longer one, only the phrase lists read the middle. (Wider windows that
covered every word cost 60 to 120 s for a message of 100,000 characters:
the embedder's time grows with a window's length.) Pure functions.
"""

from __future__ import annotations

import re

MIN_CHARS = 40
MAX_WINDOWS = 32
MAX_SENTENCE = 500
# Sentence ends in our scripts (Latin, CJK, Arabic, Devanagari) and line breaks.
_SENTENCE = re.compile(r"[^.!?。！？؟।\n]*(?:[.!?。！？؟।]+|\n+|$)")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, empty ones dropped.

    Example:
        >>> sentences("I walked the dog. Tonight I end it!\\n再见。")
        ['I walked the dog.', 'Tonight I end it!', '再见。']
    """
    return [piece for s in _SENTENCE.findall(text) if s.strip()
            for piece in _cut(s.strip(), MAX_SENTENCE)]


def _cut(sentence: str, limit: int) -> list[str]:
    """`sentence` in pieces of at most about `limit` characters, cut at spaces if any.

    Example:
        >>> _cut("aa bb cc", 5)
        ['aa bb', 'cc']
    """
    if len(sentence) <= limit:
        return [sentence]
    out = []
    while len(sentence) > limit:
        cut = sentence.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        out.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    return [p for p in (*out, sentence) if p]


def windows(text: str, min_chars: int = MIN_CHARS, max_windows: int = MAX_WINDOWS) -> list[str]:
    """Windows of whole sentences, each at least `min_chars` long (but the last),
    the first and last `max_windows // 2` of them; [] for a message of one window.

    Example:
        >>> windows("Hi. I had such a long day at work again today. Tonight I end it.")
        ['Hi. I had such a long day at work again today.', 'Tonight I end it.']
        >>> windows("How much salt a day?")
        []
    """
    out: list[str] = []
    current = ""
    for part in sentences(text):
        current = f"{current} {part}".strip()
        if len(current) >= min_chars:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    if len(out) > max_windows:
        half = max_windows // 2
        out = out[:half] + out[-(max_windows - half):]
    return out if len(out) > 1 else []
