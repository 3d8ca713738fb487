"""`salus kb ...` and `salus users ...`: the curation commands over the store."""

from __future__ import annotations

import argparse
import getpass
import os
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from assistant.errors import ContentError
from assistant.settings import SUPPORTED_LANGUAGES, Settings
from knowledge_base.document import STATUSES, render_document
from knowledge_base.store import ROLES, Revision, Store
from knowledge_base.validation import TOPICS, parse_document


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `kb` and `users` commands to the `salus` parser."""
    kb = sub.add_parser("kb", help="the knowledge base: curate, review, import, export")
    cmds = kb.add_subparsers(metavar="KB_COMMAND")

    def cmd(name: str, run, text: str, user: bool = False) -> argparse.ArgumentParser:
        parser = cmds.add_parser(name, help=text, description=text)
        if user:
            parser.add_argument("--user", help="who acts (default: $SALUS_USER or your login)")
        parser.set_defaults(run=run)
        return parser

    cmd("validate", _validate, "check documents; non-zero exit on any problem").add_argument(
        "path", nargs="?", type=Path, help="content folder (default: the shipped content)")
    cmd("import", _import, "import Markdown documents (idempotent)", user=True).add_argument(
        "path", nargs="?", type=Path, help="content folder (default: the shipped content)")
    cmd("export", _export, "write every document's latest revision as Markdown").add_argument(
        "path", type=Path)
    lst = cmd("list", _list, "documents with their latest revision")
    lst.add_argument("--status", choices=STATUSES)
    lst.add_argument("--lang", choices=SUPPORTED_LANGUAGES)
    lst.add_argument("--topic", choices=TOPICS, metavar="TOPIC")
    show = cmd("show", _show, "a document in Markdown form")
    show.add_argument("id")
    show.add_argument("--rev", type=int)
    cmd("history", _history, "every revision of a document").add_argument("id")
    diff = cmd("diff", _diff, "what changed between two revisions")
    diff.add_argument("id")
    diff.add_argument("rev1", type=int)
    diff.add_argument("rev2", type=int)
    edit = cmd("edit", _edit, "edit a document in $EDITOR (or from a file)", user=True)
    edit.add_argument("id")
    edit.add_argument("--from", dest="source", type=Path, help="take the new text from FILE")
    edit.add_argument("--base", type=int, help="revision the text started from (with --from)")
    edit.add_argument("--reason", required=True)
    for name, text in (("submit", "ask for review of the latest draft"),
                       ("approve", "make the submitted draft live (reviewer)"),
                       ("retire", "take a document out of answers (reviewer)"),
                       ("restore", "bring a retired document back (reviewer)")):
        p = cmd(name, _transition, text, user=True)
        p.set_defaults(run_name=name)
        p.add_argument("id")
        p.add_argument("--reason", required=True)
    cmd("stats", _stats, "documents by topic x language x status, and the gaps")

    users = sub.add_parser("users", help="people who curate, review and evaluate")
    add = users.add_subparsers(metavar="USERS_COMMAND").add_parser(
        "add", help="add a user or change a role")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (for scripts)")
    add.add_argument("--no-password", action="store_true",
                     help="command-line use only: no web login (keeps an existing password)")
    add.set_defaults(run=_users_add)


def store_for(settings: Settings) -> Store:
    """The live store of these settings."""
    return Store(settings.store_path)


def _user(args: argparse.Namespace) -> str:
    return args.user or os.environ.get("SALUS_USER") or getpass.getuser()


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge_base.loader import load_documents

    docs = load_documents(args.path or settings.content_dir)
    print(f"{len(docs)} documents valid ({len({d.topic for d in docs})} topics; languages: "
          f"{', '.join(sorted({d.language for d in docs}))})")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge_base.transfer import import_dir

    report = import_dir(store_for(settings), args.path or settings.content_dir, _user(args))
    print(f"created {len(report.created)}, updated {len(report.updated)}, "
          f"unchanged {len(report.unchanged)}")
    for doc_id in report.created + report.updated:
        print(f"  {'created' if doc_id in report.created else 'updated'}: {doc_id}")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge_base.transfer import export_dir

    print(f"exported {export_dir(store_for(settings), args.path)} documents to {args.path}")
    return 0


def _line(r: Revision) -> str:
    return f"{r.doc_id:34} r{r.rev:<3} {r.status:8} {r.action:8} {r.author:12} {r.at}"


def _list(args: argparse.Namespace, settings: Settings) -> int:
    for r in store_for(settings).latest():
        d = r.document
        if (args.status in (None, r.status) and args.lang in (None, d.language)
                and args.topic in (None, d.topic)):
            print(_line(r))
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    print(render_document(store_for(settings).get(args.id, args.rev).document), end="")
    return 0


def _history(args: argparse.Namespace, settings: Settings) -> int:
    for r in store_for(settings).history(args.id):
        print(f"{_line(r)}  {r.reason}")
    return 0


def _diff(args: argparse.Namespace, settings: Settings) -> int:
    print(store_for(settings).diff(args.id, args.rev1, args.rev2) or "no difference", end="")
    return 0


def _edit(args: argparse.Namespace, settings: Settings) -> int:
    store = store_for(settings)
    if args.source:
        text, base = args.source.read_text(encoding="utf-8"), args.base
        if base is None:
            raise ContentError("With --from, say which revision you started from: --base REV")
    else:
        current = store.get(args.id)
        text, base = _in_editor(render_document(current.document), args.id), current.rev
    try:
        doc = parse_document(text, origin=args.id)
    except ContentError as exc:
        kept = Path(tempfile.mkstemp(prefix=f"{args.id}-", suffix=".md")[1])
        kept.write_text(text, encoding="utf-8")
        raise ContentError(f"{exc}\nYour text is kept in {kept}; fix it and run: salus kb edit "
                           f"{args.id} --from {kept} --base {base} --reason ...") from None
    if doc == store.get(args.id, base).document:
        print("no change")
        return 0
    rev = store.edit(args.id, doc, _user(args), base, args.reason)
    print(f"{args.id}: r{rev.rev} saved as a draft; submit it for review: "
          f"salus kb submit {args.id} --reason ...")
    return 0


def _in_editor(text: str, doc_id: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{doc_id}.md"
        path.write_text(text, encoding="utf-8")
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        done = subprocess.run([*shlex.split(editor), str(path)])
        if done.returncode:
            raise ContentError(f"The editor ({editor}) exited with status {done.returncode}; "
                               "nothing was changed.")
        return path.read_text(encoding="utf-8")


def _transition(args: argparse.Namespace, settings: Settings) -> int:
    store = store_for(settings)
    act = {"submit": store.submit, "approve": store.approve, "retire": store.retire,
           "restore": store.restore}[args.run_name]
    rev = act(args.id, _user(args), args.reason)
    hint = "; rebuild the index: salus index build" if rev.status != "draft" else ""
    print(f"{args.id}: r{rev.rev} {rev.action} -> {rev.status}{hint}")
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for r in store_for(settings).latest():
        table[r.document.topic][r.document.language] = r.status
    print(f"{'topic':26} " + " ".join(f"{lang:>3}" for lang in SUPPORTED_LANGUAGES))
    mark = {"approved": "A", "draft": "d", "retired": "r"}
    for topic in sorted(table):
        print(f"{topic:26} " + " ".join(f"{mark.get(table[topic].get(lang, ''), '-'):>3}"
                                         for lang in SUPPORTED_LANGUAGES))
    counts: dict[str, int] = defaultdict(int)
    for langs in table.values():
        for status in langs.values():
            counts[status] += 1
    print("A approved, d draft, r retired, - missing. "
          + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    gaps = [f"{t}/{lang}" for t in sorted(table) for lang in SUPPORTED_LANGUAGES
            if lang not in table[t]]
    gaps += [f"{t} (no document)" for t in TOPICS if t not in table]
    print(f"gaps ({len(gaps)}): " + (", ".join(gaps) if gaps else "none"))
    return 0


def _users_add(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge_base.accounts import check_new_password, hash_password

    hashed = None
    if not args.no_password:
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"Password for {args.name} (web login): ")
            if getpass.getpass("Again: ") != password:
                raise ContentError("The two passwords differ; nothing was changed.")
        check_new_password(password)
        hashed = hash_password(password)
    store_for(settings).add_user(args.name, args.role, hashed)
    print(f"{args.name}: {args.role}" + ("" if hashed else " (no web login)"))
    return 0
