"""`salus safety train`: rebuild the triage model from its data files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.settings import Settings

# Where the public safety-train data sits beside a checkout (shared/data/safety-train).
DEFAULT_PUBLIC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "safety-train"


def register(sub: argparse._SubParsersAction) -> None:
    """Add `salus safety ...` to the command line."""
    safety = sub.add_parser("safety", help="the triage model").add_subparsers()
    train = safety.add_parser("train", help="retrain the triage model from its data files")
    train.add_argument("--public", type=Path, default=DEFAULT_PUBLIC,
                       help=f"folder of the public safety-train *.jsonl (default {DEFAULT_PUBLIC})")
    train.add_argument("--out", type=Path, help="write the model here instead of the package")
    train.set_defaults(run=_train)


def _progress(done: int, total: int) -> None:
    print(f"\rembedding {done}/{total}", end="" if done < total else "\n", file=sys.stderr,
          flush=True)


def _train(args: argparse.Namespace, settings: Settings) -> int:
    from retrieval.embedder import E5Embedder
    from safety.classifier import MODEL_DIR
    from safety.retrain import retrain

    record: dict[str, Any] = retrain(
        args.public, E5Embedder(threads=settings.threads),
        settings.home / "cache" / "triage-train-vectors.npz", args.out or MODEL_DIR,
        progress=_progress)
    print(json.dumps({key: record[key] for key in ("hidden", "metrics",
                                                   "metrics_with_phrase_lists")}, indent=1,
                     ensure_ascii=False))
    return 0
