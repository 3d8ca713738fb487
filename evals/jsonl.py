"""Read a suite file: one JSON object a line, each made into a case by `build`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

Case = TypeVar("Case")


def read_cases(path: Path, build: Callable[[dict[str, Any]], Case], kind: str) -> list[Case]:
    """Every non-empty line of `path` through `build`; ValueError names a bad line.

    Example:
        >>> read_cases(Path("evals/suites/retrieval.jsonl"), lambda r: r["id"], "retrieval")[0]
        'ret-en-001'
    """
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(build(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a {kind} case ({exc}); see DESIGN.md") from exc
    return cases


def history(raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The optional `history` of a case as (user, assistant) pairs."""
    return tuple((str(u), str(a)) for u, a in raw.get("history", []))
