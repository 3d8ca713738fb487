"""The live knowledge base: an embedded SQLite database where nothing is lost.

Every change (create, edit, submit, approve, retire, restore, import) is a
new row in `revisions`, with who, when, why and the whole document; no row
is ever updated or deleted. A document's *live* revision, the one answers
come from, is its latest approved revision, unless it was retired after
that: an edit makes a draft that waits for review while the approved text
stays live. Edits name the revision they started from; if another edit
landed meanwhile, the edit is refused with what changed (optimistic
concurrency). Approving needs the reviewer role and, by default, a
different person than the one who wrote the text (four eyes).

Example:
    >>> store = Store(Path(tmp) / "kb.sqlite3")  # doctest: +SKIP
    >>> store.add_user("ana", "curator"); store.create(doc, "ana", "first draft")  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConflictError, ContentError, PermissionDenied, StoreError
from knowledge_base.document import Document, render_document
from knowledge_base.validation import parse_document

ROLES: tuple[str, ...] = ("curator", "reviewer", "evaluator", "admin")
_CAN_EDIT = ("curator", "reviewer", "admin")
_CAN_REVIEW = ("reviewer", "admin")
_CONTENT_ACTIONS = ("create", "edit", "import")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    doc_id TEXT NOT NULL,
    rev INTEGER NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    author TEXT NOT NULL,
    content_author TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL,
    markdown TEXT NOT NULL,
    PRIMARY KEY (doc_id, rev)
);
"""


@dataclass(frozen=True)
class Revision:
    """One state of one document: the change that made it, and the whole document."""

    doc_id: str
    rev: int
    action: str
    status: str
    author: str
    content_author: str
    at: str
    reason: str
    document: Document


class Store:
    """Documents with their full history, in one SQLite file (WAL)."""

    def __init__(self, path: Path, allow_self_approval: bool = False) -> None:
        self.path = path
        self.allow_self_approval = allow_self_approval
        self._checked = False

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            if not self._checked:
                self._open_checks(conn)
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def _open_checks(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._corrupt(str(exc))) from exc
        if ok != "ok":
            raise StoreError(self._corrupt(ok))
        self._checked = True

    def _corrupt(self, detail: str) -> str:
        return (f"The knowledge-base database {self.path} is damaged ({detail}). Nothing was "
                "changed. Move it aside and restore a copy, or rebuild it from an export: "
                f"mv {self.path} {self.path}.damaged && salus kb import EXPORT_DIR")

    # users -------------------------------------------------------------
    def add_user(self, name: str, role: str, password_hash: str | None = None) -> None:
        """Add a user, or change the role of an existing one."""
        if role not in ROLES:
            raise StoreError(f"Role '{role}' is not one of {', '.join(ROLES)}.")
        with self._db(write=True) as db:
            db.execute("INSERT INTO users VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                       "role = excluded.role, password_hash = coalesce(excluded.password_hash,"
                       " users.password_hash)", (name, role, password_hash, _now()))

    def role(self, name: str) -> str | None:
        """A user's role, or None if there is no such user."""
        with self._db() as db:
            row = db.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def password_hash(self, name: str) -> str | None:
        """The stored password hash of a user (None: no such user, or no password)."""
        with self._db() as db:
            row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def users(self) -> list[tuple[str, str]]:
        """Every user's name and role."""
        with self._db() as db:
            return [(r[0], r[1]) for r in db.execute("SELECT name, role FROM users ORDER BY name")]

    def _require(self, name: str, roles: tuple[str, ...], doing: str) -> None:
        role = self.role(name)
        if role not in roles:
            has = f"has the role '{role}'" if role else "is not a user"
            raise PermissionDenied(f"'{name}' {has}; to {doing} you need one of: "
                                   f"{', '.join(roles)} (salus users add NAME --role ROLE).")

    # reading -----------------------------------------------------------
    def get(self, doc_id: str, rev: int | None = None) -> Revision:
        """The latest revision of a document, or revision `rev`."""
        with self._db() as db:
            row = db.execute(
                "SELECT * FROM revisions WHERE doc_id = ? AND (? IS NULL OR rev = ?) "
                "ORDER BY rev DESC LIMIT 1", (doc_id, rev, rev)).fetchone()
        if row is None:
            what = f"revision {rev} of '{doc_id}'" if rev else f"document '{doc_id}'"
            raise StoreError(f"There is no {what}. See: salus kb list / salus kb history ID")
        return _revision(row)

    def history(self, doc_id: str) -> list[Revision]:
        """Every revision of a document, oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM revisions WHERE doc_id = ? ORDER BY rev",
                              (doc_id,)).fetchall()
        if not rows:
            raise StoreError(f"There is no document '{doc_id}'. See: salus kb list")
        return [_revision(r) for r in rows]

    def latest(self) -> list[Revision]:
        """The latest revision of every document, by id."""
        with self._db() as db:
            rows = db.execute("SELECT r.* FROM revisions r JOIN (SELECT doc_id, max(rev) m "
                              "FROM revisions GROUP BY doc_id) l ON r.doc_id = l.doc_id AND "
                              "r.rev = l.m ORDER BY r.doc_id").fetchall()
        return [_revision(r) for r in rows]

    def live(self) -> list[Revision]:
        """The revision answers come from, for every document that has one."""
        with self._db() as db:
            rows = db.execute(
                "SELECT r.* FROM revisions r JOIN (SELECT doc_id, max(rev) m FROM revisions "
                "WHERE status = 'approved' GROUP BY doc_id) a ON r.doc_id = a.doc_id AND "
                "r.rev = a.m WHERE NOT EXISTS (SELECT 1 FROM revisions x WHERE x.doc_id = "
                "r.doc_id AND x.rev > r.rev AND x.status = 'retired') ORDER BY r.doc_id"
            ).fetchall()
        return [_revision(r) for r in rows]

    def diff(self, doc_id: str, rev_a: int, rev_b: int) -> str:
        """A unified diff of the Markdown form of two revisions."""
        a, b = self.get(doc_id, rev_a), self.get(doc_id, rev_b)
        return "".join(difflib.unified_diff(
            render_document(a.document).splitlines(keepends=True),
            render_document(b.document).splitlines(keepends=True),
            fromfile=f"{doc_id} r{rev_a}", tofile=f"{doc_id} r{rev_b}"))

    # changing ----------------------------------------------------------
    def create(self, doc: Document, author: str, reason: str) -> Revision:
        """A new document, as a draft."""
        self._require(author, _CAN_EDIT, "create a document")
        with self._db(write=True) as db:
            if _latest_rev(db, doc.id):
                raise StoreError(f"'{doc.id}' exists already; edit it: salus kb edit {doc.id}")
            return _append(db, doc, 1, "create", "draft", author, author, reason)

    def edit(self, doc_id: str, doc: Document, author: str, base_rev: int,
             reason: str) -> Revision:
        """A new draft of the text, refused if someone changed it since `base_rev`."""
        self._require(author, _CAN_EDIT, "edit")
        if doc.id != doc_id:
            raise ContentError(f"The id changed from '{doc_id}' to '{doc.id}'; ids are fixed.")
        with self._db(write=True) as db:
            latest = _latest_rev(db, doc_id)
            if not latest:
                raise StoreError(f"There is no document '{doc_id}'; create it first.")
            if latest != base_rev:
                raise ConflictError(self._conflict(db, doc_id, base_rev, latest))
            return _append(db, doc, latest + 1, "edit", "draft", author, author, reason)

    def submit(self, doc_id: str, author: str, reason: str) -> Revision:
        """Ask for review of the latest draft."""
        self._require(author, _CAN_EDIT, "submit for review")
        return self._transition(doc_id, author, reason, "submit", "draft", frm=("draft",))

    def approve(self, doc_id: str, reviewer: str, reason: str) -> Revision:
        """Make the submitted draft the live text (reviewer; four eyes)."""
        self._require(reviewer, _CAN_REVIEW, "approve")
        current = self.get(doc_id)
        if current.action != "submit":
            raise StoreError(f"'{doc_id}' r{current.rev} is not submitted for review "
                             f"(last change: {current.action}). Submit it first: "
                             f"salus kb submit {doc_id} --reason ...")
        if current.content_author == reviewer and not self.allow_self_approval:
            raise PermissionDenied(f"'{reviewer}' wrote this text; another reviewer must "
                                   "approve it (four eyes).")
        return self._transition(doc_id, reviewer, reason, "approve", "approved", frm=("draft",),
                                reviewed=(f"{reviewer}: {reason}", _now()[:10]))

    def retire(self, doc_id: str, actor: str, reason: str) -> Revision:
        """Take a document out of answers; its history stays."""
        self._require(actor, _CAN_REVIEW, "retire")
        return self._transition(doc_id, actor, reason, "retire", "retired",
                                frm=("draft", "approved"))

    def restore(self, doc_id: str, actor: str, reason: str) -> Revision:
        """Bring a retired document back with its last approved text."""
        self._require(actor, _CAN_REVIEW, "restore")
        with self._db(write=True) as db:
            latest = _latest_rev(db, doc_id)
            rows = db.execute("SELECT * FROM revisions WHERE doc_id = ? AND status = "
                              "'approved' ORDER BY rev DESC LIMIT 1", (doc_id,)).fetchone()
            if not latest or self._status(db, doc_id) != "retired":
                raise StoreError(f"'{doc_id}' is not retired; nothing to restore.")
            if rows is None:
                raise StoreError(f"'{doc_id}' was never approved; edit and submit it instead.")
            last = _revision(rows)
            return _append(db, last.document, latest + 1, "restore", "approved", actor,
                           last.content_author, reason)

    def import_document(self, doc: Document, author: str, reason: str,
                        db: sqlite3.Connection) -> str:
        """Bring in one document from its Markdown form: created, updated or unchanged."""
        latest = _latest_rev(db, doc.id)
        if latest and _revision(db.execute(
                "SELECT * FROM revisions WHERE doc_id = ? AND rev = ?",
                (doc.id, latest)).fetchone()).document == doc:
            return "unchanged"
        _append(db, doc, latest + 1, "import", doc.status, author, author, reason)
        return "updated" if latest else "created"

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it (imports use it)."""
        with self._db(write=True) as db:
            yield db

    # helpers -----------------------------------------------------------
    def _transition(self, doc_id: str, actor: str, reason: str, action: str, status: str,
                    frm: tuple[str, ...], reviewed: tuple[str, str] | None = None) -> Revision:
        with self._db(write=True) as db:
            latest = _latest_rev(db, doc_id)
            if not latest:
                raise StoreError(f"There is no document '{doc_id}'. See: salus kb list")
            current = _revision(db.execute("SELECT * FROM revisions WHERE doc_id = ? AND "
                                           "rev = ?", (doc_id, latest)).fetchone())
            if current.status not in frm:
                raise StoreError(f"'{doc_id}' is {current.status}; cannot {action} it.")
            doc = current.document
            if reviewed:
                doc = dataclasses.replace(doc, reviewed_by=reviewed[0], reviewed_on=reviewed[1])
            return _append(db, doc, latest + 1, action, status, actor,
                           current.content_author, reason)

    def _status(self, db: sqlite3.Connection, doc_id: str) -> str:
        row = db.execute("SELECT status FROM revisions WHERE doc_id = ? ORDER BY rev DESC "
                         "LIMIT 1", (doc_id,)).fetchone()
        return str(row[0]) if row else ""

    def _conflict(self, db: sqlite3.Connection, doc_id: str, base: int, latest: int) -> str:
        rows = db.execute("SELECT * FROM revisions WHERE doc_id = ? AND rev > ? ORDER BY rev",
                          (doc_id, base)).fetchall()
        changes = "\n".join(f"  r{r['rev']} {r['action']} by {r['author']} at {r['at']}: "
                            f"{r['reason']}" for r in rows)
        base_doc = db.execute("SELECT markdown FROM revisions WHERE doc_id = ? AND rev = ?",
                              (doc_id, base)).fetchone()
        now = rows[-1]["markdown"]
        diff = "".join(difflib.unified_diff(
            (base_doc[0] if base_doc else "").splitlines(keepends=True),
            now.splitlines(keepends=True), fromfile=f"r{base}", tofile=f"r{latest}"))
        return (f"'{doc_id}' changed since r{base}, which your edit started from:\n{changes}\n"
                f"{diff}Start again from r{latest}: salus kb edit {doc_id}")


def _append(db: sqlite3.Connection, doc: Document, rev: int, action: str, status: str,
            author: str, content_author: str, reason: str) -> Revision:
    if not reason.strip():
        raise StoreError("Every change needs a reason: add --reason \"...\".")
    markdown = render_document(dataclasses.replace(doc, status=status))
    doc = parse_document(markdown, origin=doc.id)  # the stored form must be valid
    at = _now()
    db.execute("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (doc.id, rev, action, status, author, content_author, at, reason, markdown))
    return Revision(doc.id, rev, action, status, author, content_author, at, reason, doc)


def _latest_rev(db: sqlite3.Connection, doc_id: str) -> int:
    row = db.execute("SELECT max(rev) FROM revisions WHERE doc_id = ?", (doc_id,)).fetchone()
    return int(row[0] or 0)


def _revision(row: sqlite3.Row) -> Revision:
    doc_id, rev, action, status, author, content_author, at, reason, markdown = tuple(row)
    return Revision(doc_id, rev, action, status, author, content_author, at, reason,
                    parse_document(markdown, origin=f"{doc_id} r{rev}"))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
