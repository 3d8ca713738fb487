"""The knowledge-base document: Markdown with a YAML front matter (DESIGN.md).

Parsing is pure: text in, a frozen `Document` (or a list of problems) out.
Validation here is the first version: required fields, known language,
status, ISO dates, a URL, and the body sections. The full curation rules
(unique ids across a tree, injection text, history) live in the store.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import yaml

from assistant.errors import ContentError
from assistant.settings import SUPPORTED_LANGUAGES

REQUIRED_FIELDS: tuple[str, ...] = (
    "id", "language", "topic", "title", "summary", "source_url", "source_title",
    "source_date", "status", "reviewed_by", "reviewed_on",
)
STATUSES: tuple[str, ...] = ("draft", "approved", "retired")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_TOPIC = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def parse_document(text: str, origin: str = "<text>") -> Document:
    """Parse Markdown with front matter; raise ContentError listing every problem.

    Example:
        >>> doc = parse_document(open("knowledge_base/content/en/alcohol.md").read())
        >>> doc.topic
        'alcohol'
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError(f"{origin}: no YAML front matter; start the file with '---'.")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{origin}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError(f"{origin}: front matter must be a mapping of fields.")
    fields = {k: _as_text(v) for k, v in meta.items()}
    problems = document_problems(fields, text[match.end():])
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    return Document(
        **{k: fields[k] for k in REQUIRED_FIELDS},
        body=text[match.end():].strip(),
        translation_of=fields.get("translation_of") or None,
    )


def document_problems(fields: dict[str, str], body: str) -> list[str]:
    """Every problem with a document's fields and body, as readable sentences."""
    problems = [f"missing field '{k}'" for k in REQUIRED_FIELDS if not fields.get(k)]
    unknown = sorted(set(fields) - set(REQUIRED_FIELDS) - {"translation_of"})
    problems += [f"unknown field '{k}'" for k in unknown]
    lang = fields.get("language", "")
    if lang and lang not in SUPPORTED_LANGUAGES:
        problems.append(f"language '{lang}' is not one of {', '.join(SUPPORTED_LANGUAGES)}")
    if fields.get("status") and fields["status"] not in STATUSES:
        problems.append(f"status '{fields['status']}' is not one of {', '.join(STATUSES)}")
    if fields.get("topic") and not _TOPIC.match(fields["topic"]):
        problems.append(f"topic '{fields['topic']}' must be lowercase words joined by '-'")
    if fields.get("source_url") and not re.match(r"^https://\S+$", fields["source_url"]):
        problems.append(f"source_url '{fields['source_url']}' must be an https:// URL")
    for key in ("source_date", "reviewed_on"):
        if fields.get(key) and not _is_iso_date(fields[key]):
            problems.append(f"{key} '{fields[key]}' must be an ISO date (YYYY-MM-DD)")
    if lang != "en" and lang and not fields.get("translation_of"):
        problems.append("a non-English document needs 'translation_of' (the English id)")
    if len(split_sections(body)) < 2:
        problems.append("the body needs at least two '## ' sections")
    return problems


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


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
