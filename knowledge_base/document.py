"""The knowledge-base document: Markdown with a YAML front matter (DESIGN.md).

Pure form only: the `Document` dataclass, reading the front matter, splitting
the body into sections, and writing a document back to Markdown so that
reading what was written gives the same document. What makes a document
*valid* is in `validation.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

import yaml

from assistant.errors import ContentError

REQUIRED_FIELDS: tuple[str, ...] = (
    "id", "language", "topic", "title", "summary", "source_url", "source_title",
    "source_date", "status", "reviewed_by", "reviewed_on",
)
OPTIONAL_FIELDS: tuple[str, ...] = ("translation_of",)
STATUSES: tuple[str, ...] = ("draft", "approved", "retired")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Document:
    """One document in one language, as curated."""

    id: str
    language: str
    topic: str
    title: str
    summary: str
    source_url: str
    source_title: str
    source_date: str
    status: str
    reviewed_by: str
    reviewed_on: str
    body: str
    translation_of: str | None = None


@dataclass(frozen=True)
class Section:
    """A `## heading` of a document body and the text under it."""

    heading: str
    text: str


@dataclass(frozen=True)
class RawDocument:
    """Front matter as text fields, the body, and where each starts (1-based lines)."""

    fields: dict[str, str]
    field_lines: dict[str, int]
    body: str
    body_line: int


def read_raw(text: str, origin: str = "<text>") -> RawDocument:
    """Split front matter from body; ContentError if there is no readable front matter."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError(f"{origin}:1: no YAML front matter; start the file with '---'.")
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{origin}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError(f"{origin}:2: front matter must be a mapping of fields.")
    lines = (match.group(1) or "").splitlines()
    field_lines = {str(k): next((i + 2 for i, line in enumerate(lines)
                                 if line.startswith(f"{k}:")), 1) for k in meta}
    body_line = text[:match.end()].count("\n") + 1
    return RawDocument({str(k): _as_text(v) for k, v in meta.items()}, field_lines,
                       text[match.end():], body_line)


def to_document(raw: RawDocument) -> Document:
    """Build a Document from front matter that has every required field."""
    return Document(**{k: raw.fields[k] for k in REQUIRED_FIELDS}, body=raw.body.strip(),
                    translation_of=raw.fields.get("translation_of") or None)


def render_document(doc: Document) -> str:
    """The Markdown form: front matter in a fixed field order, then the body.

    Example:
        >>> doc = Document("en-x", "en", "x", "X", "S.", "https://who.int/x", "W", "2024-01-01",
        ...                "draft", "me", "2024-01-02", "## A\\nB")
        >>> print(render_document(doc).splitlines()[1])
        id: en-x
    """
    meta = {f.name: getattr(doc, f.name) for f in fields(doc)
            if f.name != "body" and getattr(doc, f.name) is not None}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n\n{doc.body.strip()}\n"


def split_sections(body: str) -> list[Section]:
    """Split a Markdown body at `## ` headings; text before the first is dropped.

    Example:
        >>> split_sections("## Key facts\\nA.\\n## What you can do\\nB.")
        [Section(heading='Key facts', text='A.'), Section(heading='What you can do', text='B.')]
    """
    sections: list[Section] = []
    for part in re.split(r"(?m)^##\s+", body)[1:]:
        heading, _, text = part.partition("\n")
        sections.append(Section(heading=heading.strip(), text=text.strip()))
    return [s for s in sections if s.text]


def _as_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()
