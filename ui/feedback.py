"""What people tell us about answers: thumbs and problem reports, in SQLite.

A rating or report keeps the action, language and cited documents (so a
curator can find the document behind a wrong fact). The question and the
answer are kept only when the person ticks consent; otherwise no text of
the conversation is written anywhere. Kept texts pass the redactor first
(names, phone numbers, emails, addresses and ID numbers removed).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from safety.redact import redact

KINDS: tuple[str, ...] = ("up", "down", "wrong_fact", "unsafe", "other")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    action TEXT NOT NULL,
    doc_ids TEXT NOT NULL,
    question TEXT,
    answer TEXT
)
"""


@dataclass(frozen=True)
class Feedback:
    """One rating or report, as stored."""

    kind: str
    language: str
    action: str
    doc_ids: tuple[str, ...]
    question: str | None = None
    answer: str | None = None


class FeedbackStore:
    """Append-only feedback in one SQLite file.

    Example:
        >>> store = FeedbackStore(Path(tmp) / "f.sqlite3")  # doctest: +SKIP
        >>> store.record(Feedback("up", "en", "answer", ("en-alcohol",)))  # doctest: +SKIP
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute(_SCHEMA)
        return conn

    def record(self, item: Feedback) -> None:
        """Store one item; ValueError for an unknown kind."""
        if item.kind not in KINDS:
            raise ValueError(f"feedback kind '{item.kind}' is not one of {', '.join(KINDS)}")
        with self._connect() as conn:
            conn.execute("INSERT INTO feedback (at, kind, language, action, doc_ids, question, "
                         "answer) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), item.kind,
                          item.language, item.action, json.dumps(list(item.doc_ids)),
                          item.question, item.answer))

    def all(self) -> list[Feedback]:
        """Every item, oldest first."""
        with self._connect() as conn:
            rows = conn.execute("SELECT kind, language, action, doc_ids, question, answer "
                                "FROM feedback ORDER BY id").fetchall()
        return [Feedback(k, lang, a, tuple(json.loads(d)), q, ans)
                for k, lang, a, d, q, ans in rows]


def feedback_for(kind: str, reply: dict[str, object] | None, question: str, answer: str,
                 consent: bool) -> Feedback:
    """The item to store for the last reply; texts only with consent, redacted."""
    reply = reply or {}
    cites: Sequence[dict[str, str]] = reply.get("citations", []) or []  # type: ignore[assignment]
    return Feedback(kind, str(reply.get("language", "")), str(reply.get("action", "")),
                    tuple(c["doc_id"] for c in cites),
                    redact(question) if consent else None,
                    redact(answer) if consent else None)
