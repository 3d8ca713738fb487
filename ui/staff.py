"""The staff tabs: curation (curators, reviewers) and evaluation (evaluators).

Both sit behind a login; the session token lives in server-side state, and
every handler passes it to the desk, which checks the role on the server.
The handlers are not part of the public API (`api_visibility="private"`),
and even when reached directly they refuse a caller without a live session.
Errors reach the person as a message saying what to do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import SalusError
from assistant.settings import SUPPORTED_LANGUAGES
from knowledge_base.document import STATUSES
from knowledge_base.validation import TOPICS
from ui.desk import CurationDesk, markdown_of, revision_rows
from ui.evaluation import SHIPPED, EvaluationDesk

PRIVATE: dict[str, Any] = {"api_visibility": "private"}
_DOC_HEADERS = ["id", "language", "topic", "status", "rev", "title"]
_REPORT_HEADERS = ["kind", "language", "action", "documents cited", "question (with consent)"]


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors (refusals included) into a message in the page."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SalusError as exc:
            raise gr.Error(str(exc), duration=None) from exc

    return wrapper


def login_panel(desk: CurationDesk | EvaluationDesk, token: Any, name: str) -> Any:
    """Name, password, log in / log out, and who is logged in; writes `token`."""
    sessions = desk.sessions
    with gr.Row():
        user = gr.Textbox(label="Name", elem_id=f"{name}-user", scale=2)
        password = gr.Textbox(label="Password", type="password", elem_id=f"{name}-password",
                              scale=2)
        login = gr.Button("Log in", variant="primary", elem_id=f"{name}-login", scale=1)
        logout = gr.Button("Log out", elem_id=f"{name}-logout", scale=1)
    who = gr.Markdown("Not logged in.", elem_id=f"{name}-who")

    @_guarded
    def do_login(name_: str, password_: str) -> tuple[str, str, str]:
        session = sessions.login(name_.strip(), password_)
        return session.token, "", f"Logged in as **{session.user}** ({session.role})."

    def do_logout(current: str | None) -> tuple[None, str]:
        sessions.logout(current)
        return None, "Not logged in."

    login.click(do_login, [user, password], [token, password, who], **PRIVATE)
    password.submit(do_login, [user, password], [token, password, who], **PRIVATE)
    logout.click(do_logout, token, [token, who], **PRIVATE)
    return who


def curation_tab(desk: CurationDesk, token: Any) -> None:
    """Browse, edit with live validation, submit, approve, retire, history, publish."""
    login_panel(desk, token, "cur")
    with gr.Row():
        topic = gr.Dropdown([""] + list(TOPICS), value="", label="Topic", elem_id="cur-topic")
        language = gr.Dropdown([""] + list(SUPPORTED_LANGUAGES), value="", label="Language",
                               elem_id="cur-language")
        status = gr.Dropdown([""] + list(STATUSES), value="", label="Status",
                             elem_id="cur-status")
        query = gr.Textbox(label="Search", elem_id="cur-query")
        search = gr.Button("Search", elem_id="cur-search")
    table = gr.Dataframe(headers=_DOC_HEADERS, interactive=False, elem_id="cur-documents",
                         max_height=260)
    with gr.Row():
        doc_id = gr.Textbox(label="Document id", elem_id="cur-doc-id", scale=3)
        open_ = gr.Button("Open", elem_id="cur-open", scale=1)
        new = gr.Button("New document", elem_id="cur-new", scale=1)
    base = gr.State(0)
    with gr.Row():
        with gr.Column():
            editor = gr.Textbox(label="Markdown", lines=22, max_lines=40, elem_id="cur-editor")
        with gr.Column():
            problems = gr.Markdown("", elem_id="cur-problems")
            preview = gr.Markdown("", elem_id="cur-preview", max_height=520)
    reason = gr.Textbox(label="Why (kept with the change)", elem_id="cur-reason")
    with gr.Row():
        save = gr.Button("Save draft", variant="primary", elem_id="cur-save")
        submit = gr.Button("Submit for review", elem_id="cur-submit")
        approve = gr.Button("Approve (reviewer)", elem_id="cur-approve")
        retire = gr.Button("Retire (reviewer)", elem_id="cur-retire")
    done = gr.Markdown("", elem_id="cur-status-line")
    with gr.Accordion("History and diff", open=False, elem_id="cur-history-panel"):
        history = gr.Dataframe(headers=["rev", "action", "status", "who", "when", "why"],
                               interactive=False, elem_id="cur-history")
        with gr.Row():
            rev_a = gr.Number(label="From revision", precision=0, elem_id="cur-rev-a")
            rev_b = gr.Number(label="To revision", precision=0, elem_id="cur-rev-b")
            show_diff = gr.Button("Show diff", elem_id="cur-diff-button")
        diff = gr.Code(language=None, label="Diff", elem_id="cur-diff")
    with gr.Accordion("Publish", open=True):
        rebuild = gr.Button("Rebuild the index from approved documents", elem_id="cur-rebuild")
        rebuilt = gr.Markdown("", elem_id="cur-rebuilt")
    with gr.Accordion("Feedback reports", open=False, elem_id="cur-reports-panel"):
        refresh = gr.Button("Show reports", elem_id="cur-refresh-reports")
        reports = gr.Dataframe(headers=_REPORT_HEADERS, interactive=False,
                               elem_id="cur-reports")

    @_guarded
    def list_docs(tok: str | None, t: str, lang: str, st: str, q: str) -> list[list[Any]]:
        return [[r.doc_id, r.document.language, r.document.topic, r.status, r.rev,
                 r.document.title] for r in desk.documents(tok, t, lang, st, q)]

    @_guarded
    def open_doc(tok: str | None, wanted: str) -> tuple[Any, ...]:
        revision = desk.open(tok, wanted)
        return (markdown_of(revision), revision.rev,
                revision_rows(desk.history(tok, revision.doc_id)), revision.doc_id)

    def pick(evt: gr.SelectData, rows: Any) -> str:
        return str(rows.iloc[evt.index[0], 0]) if evt.index else ""

    @_guarded
    def check(tok: str | None, text: str) -> tuple[str, str]:
        if not text.strip():
            return "", ""
        checked = desk.check(tok, text)
        listed = "\n".join(f"- {p}" for p in checked.problems)
        return ("Valid: no problems." if checked.ok else f"**Problems**\n{listed}"), checked.preview

    @_guarded
    def save_doc(tok: str | None, text: str, base_rev: int, why: str) -> tuple[Any, ...]:
        revision = desk.save(tok, text, int(base_rev or 0), why)
        return (f"Saved **{revision.doc_id}** r{revision.rev} as a draft.", revision.rev,
                revision_rows(desk.history(tok, revision.doc_id)), revision.doc_id)

    def transition(name: str) -> Callable[..., Any]:
        @_guarded
        def run(tok: str | None, wanted: str, why: str) -> tuple[Any, ...]:
            revision = getattr(desk, name)(tok, wanted.strip(), why)
            return (f"**{revision.doc_id}** r{revision.rev}: {revision.action} → "
                    f"{revision.status}.", revision.rev,
                    revision_rows(desk.history(tok, revision.doc_id)))
        return run

    @_guarded
    def show(tok: str | None, wanted: str, a: float, b: float) -> str:
        return desk.diff(tok, wanted, int(a or 0), int(b or 0))

    @_guarded
    def publish(tok: str | None, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        progress(0, desc="Embedding changed passages")
        report = desk.rebuild(tok, lambda d, n: progress((d, n), desc="Embedding changed "
                                                         "passages"))
        return (f"Index **{report.manifest.build_id}** is live: "
                f"{len(report.manifest.documents)} documents, {report.manifest.chunk_count} "
                f"passages ({report.embedded} embedded, {report.reused} reused) in "
                f"{report.seconds:.1f} s.")

    @_guarded
    def list_reports(tok: str | None) -> list[list[str]]:
        return [list(row) for row in desk.reports(tok)]

    filters = [token, topic, language, status, query]
    search.click(list_docs, filters, table, **PRIVATE)
    query.submit(list_docs, filters, table, **PRIVATE)
    table.select(pick, table, doc_id, **PRIVATE)
    open_.click(open_doc, [token, doc_id], [editor, base, history, doc_id], **PRIVATE)
    doc_id.submit(open_doc, [token, doc_id], [editor, base, history, doc_id], **PRIVATE)
    new.click(lambda: ("", 0, [], ""), None, [editor, base, history, doc_id], **PRIVATE)
    editor.change(check, [token, editor], [problems, preview], **PRIVATE)
    save.click(save_doc, [token, editor, base, reason], [done, base, history, doc_id],
               **PRIVATE)
    for button, name in ((submit, "submit"), (approve, "approve"), (retire, "retire")):
        button.click(transition(name), [token, doc_id, reason], [done, base, history],
                     **PRIVATE)
    show_diff.click(show, [token, doc_id, rev_a, rev_b], diff, **PRIVATE)
    rebuild.click(publish, token, rebuilt, **PRIVATE)
    refresh.click(list_reports, token, reports, **PRIVATE)


def evaluation_tab(desk: EvaluationDesk, token: Any) -> None:
    """Pick or upload a suite, run it with progress, see the table and plots, download."""
    login_panel(desk, token, "ev")
    with gr.Row():
        shipped = gr.Dropdown(list(SHIPPED), value=next(iter(SHIPPED)), label="Shipped suite",
                              elem_id="ev-shipped")
        upload = gr.File(label="…or your own suite (.jsonl, DESIGN.md format)",
                         file_types=[".jsonl"], elem_id="ev-upload")
    run = gr.Button("Run", variant="primary", elem_id="ev-run")
    headline = gr.Markdown("", elem_id="ev-headline")
    table = gr.Dataframe(interactive=False, elem_id="ev-summary")
    with gr.Row():
        first = gr.Plot(elem_id="ev-plot-1")
        second = gr.Plot(elem_id="ev-plot-2")
    third = gr.Plot(elem_id="ev-plot-3")
    download = gr.File(label="Results (JSON)", elem_id="ev-download")

    @_guarded
    def run_suite(tok: str | None, name: str, own: str | None,
                  progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        suite = Path(own) if own else SHIPPED[name]
        progress(0, desc="Running")
        result = desk.run(tok, suite, lambda d, n: progress((d, n), desc="Running"))
        headers, rows = result.summary_rows()
        figures = [*result.figures.values(), None, None][:3]
        return (_headline(result.kind, result.result["summary"], suite.name),
                gr.update(value=rows, headers=headers), *figures, str(result.json_path))

    run.click(run_suite, [token, shipped, upload],
              [headline, table, first, second, third, download], **PRIVATE)


def _headline(kind: str, summary: dict[str, Any], suite: str) -> str:
    if kind == "retrieval":
        overall = summary["all"]
        return (f"**{suite}**: recall@1 {overall['recall@1']}, recall@5 {overall['recall@5']}, "
                f"MRR {overall['mrr']} ({overall['n']} questions).")
    parts = [f"overall pass **{summary['overall_pass']}**"]
    for key, label in (("crisis_recall", "crisis recall"), ("emergency_recall",
                                                            "emergency recall"),
                       ("decline_recall", "decline recall")):
        if summary[key]:
            parts.append(f"{label} {summary[key].get('all')}")
    parts.append(f"benign refused or redirected {summary['benign_refused_or_redirected']}")
    return f"**{suite}**: " + ", ".join(parts) + "."
