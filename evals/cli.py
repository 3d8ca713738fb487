"""`salus eval ...` and `salus bench ...`: measurements, printed as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `eval` and `bench` commands to the `salus` parser."""
    evals = sub.add_parser("eval", help="run an evaluation suite").add_subparsers(
        metavar="EVAL")
    ret = evals.add_parser("retrieval", help="recall@1, recall@5, MRR per language (JSON)")
    ret.add_argument("--suite", type=Path, help="a retrieval suite (default: the shipped one)")
    ret.add_argument("--out", type=Path, help="also write the JSON here")
    ret.set_defaults(run=_eval_retrieval)

    gr = evals.add_parser("grounding", help="faithfulness, fact recall, language, citations")
    gr.add_argument("--suite", type=Path, help="an answers suite (default: the shipped one)")
    gr.add_argument("--per-language", type=int, help="only the first N questions of each")
    gr.add_argument("--out", type=Path, help="folder for results.json")
    gr.add_argument("--generator", help="pack name or local Hugging Face folder")
    gr.set_defaults(run=_eval_grounding)

    pairs = evals.add_parser("grounding-pairs", help="grounding check on labelled pairs")
    pairs.set_defaults(run=_eval_pairs)

    saf = evals.add_parser("safety", help="actions by action x language, per-case results")
    saf.add_argument("--suite", type=Path, help="a safety suite (default: the shipped one)")
    saf.add_argument("--out", type=Path,
                     help="folder for results.json and the figures (pass_rate.png, "
                     "by_category.png, confusion.png)")
    saf.add_argument("--generator", help="pack name or local Hugging Face folder")
    saf.set_defaults(run=_eval_safety)

    bench = sub.add_parser("bench", help="measure performance").add_subparsers(metavar="BENCH")
    pipe = bench.add_parser("pipeline", help="warm start and per-stage timings, as JSON")
    pipe.add_argument("questions", nargs="*", help="questions (default: five fixed ones)")
    pipe.add_argument("--generator", help="pack name or local Hugging Face folder")
    pipe.set_defaults(run=_bench_pipeline)
    rb = bench.add_parser("retrieval", help="query latency and build speed vs a flat baseline")
    rb.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000],
                    help="synthetic collection sizes (default: 100000 1000000)")
    rb.set_defaults(run=_bench_retrieval)
    gb = bench.add_parser("generation",
                          help="prefill/decode speed vs the memory-bandwidth ceiling, as JSON")
    gb.add_argument("--weights", nargs="+", default=["bf16", "int8"],
                    choices=["bf16", "int8", "int8-single", "int8-fbgemm", "int8-generate"],
                    help="decode settings to compare side by side (default: bf16 int8; "
                         "int8-single: the int8 loop one token a pass, without prompt "
                         "lookup; int8-fbgemm: the int8 loop on fbgemm's products instead "
                         "of the VNNI kernel; int8-generate: int8 weights through "
                         "model.generate)")
    gb.add_argument("--generator", help="pack name or local Hugging Face folder")
    gb.set_defaults(run=_bench_generation)
    tb = bench.add_parser("triage", help="triage time per message, beside the shared embedding")
    tb.add_argument("--suite", type=Path, help="a safety suite (default: the shipped one)")
    tb.add_argument("--every", type=int, default=3, help="take every Nth case (default: 3)")
    tb.set_defaults(run=_bench_triage)


def _retriever(settings: Settings) -> Any:
    from retrieval.embedder import E5Embedder
    from retrieval.index import load_index
    from retrieval.retriever import Retriever

    embedder = E5Embedder(threads=settings.threads)
    index = load_index(settings.index_dir, embedder.model_id)
    return Retriever(index, embedder, settings.top_k, settings.min_score)


def _print(result: dict[str, Any], out: Path | None = None) -> None:
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if out:
        out.write_text(text, encoding="utf-8")
    print(text)


def _eval_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.retrieval import SUITE, evaluate, load_suite

    result = evaluate(_retriever(settings), load_suite(args.suite or SUITE))
    _print(result if args.out else {"summary": result["summary"]}, args.out)
    return 0


def _progress(done: int, total: int) -> None:
    import sys

    print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _write(out: Path | None, result: dict[str, Any]) -> None:
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                          encoding="utf-8")


def _eval_grounding(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.pipeline import Assistant
    from evals.grounding import SUITE, load_suite, run_suite
    from knowledge_base.loader import load_documents

    bot = Assistant.from_settings(settings)
    bot.warm_up()
    documents = {d.id: d.body for d in load_documents(settings.content_dir)}
    result = run_suite(bot, load_suite(args.suite or SUITE, args.per_language), documents,
                       _progress)
    _write(args.out, result)
    _print({"generator": settings.generator, "summary": result["summary"]})
    return 0


def _eval_pairs(args: argparse.Namespace, settings: Settings) -> int:
    from evals.grounding_pairs import evaluate_pairs
    from retrieval.embedder import E5Embedder

    _print({"right_share": evaluate_pairs(E5Embedder(threads=settings.threads))})
    return 0


def _eval_safety(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.pipeline import Assistant
    from evals.safety import SUITE, load_suite, run_suite

    bot = Assistant.from_settings(settings)
    bot.warm_up()
    result = run_suite(bot, load_suite(args.suite or SUITE), _progress)
    _write(args.out, result)
    if args.out:
        from evals.plots import confusion_figure, pass_rate_figure, save_figures

        save_figures({"pass_rate": pass_rate_figure(result["summary"]),
                      "by_category": pass_rate_figure(
                          result["summary"], "by_category_language",
                          "Pass rate (category × language)"),
                      "confusion": confusion_figure(result["cases"])}, args.out)
    _print({"summary": result["summary"]})
    return 0


def _bench_pipeline(args: argparse.Namespace, settings: Settings) -> int:
    from evals.bench import DEFAULT_QUESTIONS, bench_pipeline

    _print(bench_pipeline(settings, args.questions or DEFAULT_QUESTIONS).to_dict())
    return 0


def _bench_generation(args: argparse.Namespace, settings: Settings) -> int:
    from evals.bench_generation import bench_generation

    _print(bench_generation(settings, args.weights).to_dict())
    return 0


def _bench_triage(args: argparse.Namespace, settings: Settings) -> int:
    from evals.bench_triage import bench_triage
    from evals.safety import SUITE, load_suite
    from retrieval.embedder import E5Embedder
    from safety.reader import RiskReader
    from safety.triage import Triage

    embedder = E5Embedder(threads=settings.threads)
    triage = Triage(reader=RiskReader(embedder))
    cases = load_suite(args.suite or SUITE)[::max(1, args.every)]
    _print(bench_triage(triage, embedder, cases))
    return 0


def _bench_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.bench_retrieval import bench_shipped, bench_synthetic

    retriever = _retriever(settings)
    result = {"shipped": bench_shipped(retriever)}
    for n in args.sizes:
        result[f"synthetic_{n}"] = bench_synthetic(retriever, n)
    _print(result)
    return 0
