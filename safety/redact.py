"""Take personal details out of text before it is logged or kept.

Emails, phone numbers, ID and card numbers, street addresses and names a
person gives ("my name is …", in the 8 languages) become placeholders such as
`[email]`. Pure functions; `RedactingFilter` applies them to every log record,
so nothing a user wrote reaches a log file as they wrote it.

Example:
    >>> redact("I'm Maria Lopez, call me on +34 612 345 678 or maria@example.org")
    "I'm [name], call me on [phone] or [email]"
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An IBAN, or a long run of digits with separators: card, passport, national ID.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
_ID = re.compile(r"\b[A-Z]{0,3}\d{3}[-\s.]?\d{2,4}[-\s.]?\d{3,6}\b|\b[A-Z]{1,2}\d{6,9}\b")
# A phone number: optional +country code, then at least 7 digits with spaces, dots,
# dashes or brackets between them.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().-]{5,}\d(?!\w)")
_NUMBER_WORDS = r"\d{1,5}[a-zA-Z]?"
_STREET = (r"street|st\.?|avenue|ave\.?|road|rd\.?|lane|boulevard|blvd\.?|drive|"
           r"rue|avenue|boulevard|chemin|calle|avenida|rua|travessa|"
           r"улица|ул\.?|проспект|пр-т|переулок")
_ADDRESS = re.compile(
    rf"\b{_NUMBER_WORDS},?\s+(?:[\w'-]+\s+){{0,3}}(?:{_STREET})\b(?:\s+[\w'-]+){{0,3}}"
    rf"|\b(?:{_STREET})\s+(?:[\w'-]+\s+){{0,3}}{_NUMBER_WORDS}\b"
    r"|(?:شارع|حي)\s+\S+(?:\s+\S+)?"
    r"|[\u4e00-\u9fff]{1,8}(?:路|街|大道)\d+号",
    re.IGNORECASE)
# A name given after an introduction; the name is up to three capitalized words
# (or, for scripts without case, the next word).
_INTRO = (r"my name is|my name's|i am called|i'm called|call me|this is|i am|i'm|"
          r"je m'appelle|je suis|mon nom est|me llamo|mi nombre es|soy|"
          r"meu nome é|eu sou|меня зовут|я|"
          r"مرحبا انا|اسمي|أنا|انا|"
          r"मेरा नाम|मैं")
_CAPITALIZED = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'-]+"
_NAME = re.compile(rf"(?i:\b(?:{_INTRO}))\s+({_CAPITALIZED}(?:\s+{_CAPITALIZED}){{0,2}})")
_NAME_UNCASED = re.compile(r"(?:اسمي|مرحبا انا)\s+(\S+)|मेरा नाम\s+(\S+)"
                           r"|我叫\s*([\u4e00-\u9fff]{1,4})|我的名字是\s*([\u4e00-\u9fff]{1,4})")
# Capitalized words after an introduction that are not names ("I am Worried").
_NOT_NAMES = {"I", "A", "An", "The", "Not", "So", "Very", "Worried", "Scared", "Sad", "Tired",
              "Pregnant", "Diabetic", "Here", "Looking", "Feeling", "Afraid", "Sick", "Fine",
              "Ok", "Okay", "Sorry", "Going", "Trying", "WHO", "Salus", "Я"}


def redact(text: str) -> str:
    """`text` with emails, addresses, ID numbers, phone numbers and given names replaced."""
    text = _EMAIL.sub("[email]", text)
    text = _IBAN.sub("[id]", text)
    text = _ADDRESS.sub("[address]", text)
    text = _PHONE.sub(_phone, text)
    text = _ID.sub("[id]", text)
    text = _NAME.sub(_name, text)
    return _NAME_UNCASED.sub(lambda m: m.group(0).replace(next(g for g in m.groups() if g),
                                                          "[name]"), text)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone]" if digits >= 7 else match.group(0)


def _name(match: re.Match[str]) -> str:
    words = match.group(1).split()
    if words[0] in _NOT_NAMES:
        return match.group(0)
    return match.group(0)[: match.start(1) - match.start(0)] + "[name]"


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's message, arguments included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
