"""The curation desk: what the curation tab can do, each call checked on the server.

Every method takes the caller's session token and asks `Sessions` for the
role it needs before touching anything, so a handler reached through the
HTTP API without a login gets `PermissionDenied` like anyone else. No
Gradio here: the tab (ui/curation_tab.py) only wires widgets to these calls.

Example:
    >>> desk = CurationDesk(store, sessions, feedback, rebuild)  # doctest: +SKIP
    >>> desk.approve(token, "en-alcohol", "checked against the fact sheet")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.errors import StoreError
from knowledge_base.accounts import Session, Sessions
from knowledge_base.document import render_document
from knowledge_base.store import Revision, Store
from knowledge_base.validation import Problem, check_text
from retrieval.index import BuildReport
from ui.feedback import FeedbackStore

EDITORS: tuple[str, ...] = ("curator", "reviewer", "admin")
REVIEWERS: tuple[str, ...] = ("reviewer", "admin")
EVALUATORS: tuple[str, ...] = ("evaluator", "admin")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Checked:
    """A Markdown text as the validator sees it: a preview and every problem."""

    preview: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class CurationDesk:
    """Browse, edit, review and publish the knowledge base, as a logged-in person."""

    def __init__(self, store: Store, sessions: Sessions, feedback: FeedbackStore,
                 rebuild: Callable[[Progress | None], BuildReport]) -> None:
        self.store = store
        self.sessions = sessions
        self.feedback = feedback
        self._rebuild = rebuild

    def documents(self, token: str | None, topic: str = "", language: str = "",
                  status: str = "", text: str = "") -> list[Revision]:
        """The latest revision of each document matching the filters (all when empty)."""
        self.sessions.require(token, EDITORS)
        needle = text.strip().casefold()
        return [r for r in self.store.latest()
                if (not topic or r.document.topic == topic)
                and (not language or r.document.language == language)
                and (not status or r.status == status)
                and (not needle or needle in r.doc_id.casefold()
                     or needle in r.document.title.casefold()
                     or needle in r.document.body.casefold())]

    def open(self, token: str | None, doc_id: str) -> Revision:
        """The latest revision of one document, to edit."""
        self.sessions.require(token, EDITORS)
        return self.store.get(doc_id.strip())

    def check(self, token: str | None, markdown: str) -> Checked:
        """Validate a text as import would; the preview is its title, summary and body."""
        self.sessions.require(token, EDITORS)
        doc, problems = check_text(markdown, "document")
        preview = f"## {doc.title}\n\n*{doc.summary}*\n\n{doc.body}" if doc else ""
        return Checked(preview, _described(problems))

    def save(self, token: str | None, markdown: str, base_rev: int, reason: str) -> Revision:
        """Save a new draft: an edit of `base_rev`, or a new document when `base_rev` is 0."""
        who = self._editor(token, reason)
        doc, problems = check_text(markdown, "document")
        if problems or doc is None:
            raise StoreError("Not saved; fix these first: " + "; ".join(_described(problems)))
        if base_rev == 0:
            return self.store.create(doc, who.user, reason)
        return self.store.edit(doc.id, doc, who.user, base_rev, reason)

    def submit(self, token: str | None, doc_id: str, reason: str) -> Revision:
        """Ask a reviewer to approve the latest draft."""
        return self.store.submit(doc_id, self._editor(token, reason).user, reason)

    def approve(self, token: str | None, doc_id: str, reason: str) -> Revision:
        """Approve a submitted draft (reviewer; not one's own text)."""
        who = self.sessions.require(token, REVIEWERS)
        return self.store.approve(doc_id, who.user, _reason(reason))

    def retire(self, token: str | None, doc_id: str, reason: str) -> Revision:
        """Take a document out of answers (reviewer)."""
        who = self.sessions.require(token, REVIEWERS)
        return self.store.retire(doc_id, who.user, _reason(reason))

    def history(self, token: str | None, doc_id: str) -> list[Revision]:
        """Every revision of a document, oldest first."""
        self.sessions.require(token, EDITORS)
        return self.store.history(doc_id.strip())

    def diff(self, token: str | None, doc_id: str, rev_a: int, rev_b: int) -> str:
        """What changed between two revisions, as a unified diff."""
        self.sessions.require(token, EDITORS)
        return self.store.diff(doc_id.strip(), rev_a, rev_b)

    def rebuild(self, token: str | None, progress: Progress | None = None) -> BuildReport:
        """Re-index the live documents and switch answers to the new index (reviewer)."""
        self.sessions.require(token, REVIEWERS)
        return self._rebuild(progress)

    def reports(self, token: str | None) -> list[tuple[str, str, str, str, str]]:
        """Problem reports and thumbs down, newest first: kind, language, action,
        the cited documents (id: title), and the question when the person consented."""
        self.sessions.require(token, EDITORS)
        titles = {r.doc_id: r.document.title for r in self.store.latest()}
        rows = []
        for item in reversed(self.feedback.all()):
            if item.kind == "up":
                continue
            docs = "; ".join(f"{d}: {titles.get(d, '(unknown)')}" for d in item.doc_ids)
            rows.append((item.kind, item.language, item.action, docs, item.question or ""))
        return rows

    def _editor(self, token: str | None, reason: str) -> Session:
        who = self.sessions.require(token, EDITORS)
        _reason(reason)
        return who


def _described(problems: Sequence[Problem]) -> tuple[str, ...]:
    """Validator problems as the editor shows them ("line 7, source_url: ...")."""
    return tuple(f"line {p.line}, {p.field}: {p.message}" for p in problems)


def _reason(reason: str) -> str:
    if not reason.strip():
        raise StoreError("Say why (a reason is kept with every change).")
    return reason.strip()


def markdown_of(revision: Revision) -> str:
    """The Markdown form of a revision, as the editor shows it."""
    return render_document(revision.document)


def revision_rows(revisions: Sequence[Revision]) -> list[list[object]]:
    """History as table rows: rev, action, status, who, when, why."""
    return [[r.rev, r.action, r.status, r.author, r.at[:16].replace("T", " "), r.reason]
            for r in revisions]
