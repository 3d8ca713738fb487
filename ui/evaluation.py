"""The evaluation desk: run a safety or retrieval suite for a logged-in evaluator.

A suite is a shipped one or an evaluator's own file in the DESIGN.md form;
its kind is read from its first case. The result is the same JSON the
command line writes (`salus eval safety --out`), kept in a file to download,
with its figures. No Gradio here; ui/evaluation_tab.py wires it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ContentError
from assistant.pipeline import Assistant
from evals import plots
from evals import retrieval as retrieval_eval
from evals import safety as safety_eval
from knowledge_base.accounts import Sessions
from ui.desk import EVALUATORS

SHIPPED = {"safety (shipped, 673 cases)": safety_eval.SUITE,
           "retrieval (shipped, 479 questions)": retrieval_eval.SUITE}


@dataclass(frozen=True)
class EvalRun:
    """One finished run: its kind, the result JSON (and its file) and figures."""

    kind: str
    result: dict[str, Any]
    json_path: Path
    figures: dict[str, Any]

    def summary_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The summary as a table: headers and rows."""
        summary = self.result["summary"]
        if self.kind == "retrieval":
            return (["language", "n", "recall@1", "recall@5", "mrr"],
                    [[lang, m["n"], m["recall@1"], m["recall@5"], m["mrr"]]
                     for lang, m in summary.items()])
        cells = summary["by_action_language"]
        languages = sorted({lang for row in cells.values() for lang in row} - {"all"})
        return (["expected action", *languages, "all"],
                [[action, *[row.get(lang, {}).get("pass", "") for lang in [*languages, "all"]]]
                 for action, row in cells.items()])


def suite_kind(path: Path) -> str:
    """'safety' or 'retrieval', from the fields of the first case."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                first = json.loads(line)
            except ValueError as exc:
                raise ContentError(f"{path.name}: the first line is not JSON ({exc}).") from exc
            if {"prompt", "expect"} <= first.keys():
                return "safety"
            if {"question", "relevant"} <= first.keys():
                return "retrieval"
            break
    raise ContentError(f"{path.name} is neither a safety suite (id, language, prompt, expect) "
                       "nor a retrieval suite (id, language, question, relevant); see DESIGN.md.")


class EvaluationDesk:
    """Runs suites against the live assistant, for evaluators only."""

    def __init__(self, assistant: Assistant, sessions: Sessions) -> None:
        self.assistant = assistant
        self.sessions = sessions

    def run(self, token: str | None, suite: Path,
            progress: Callable[[int, int], None] | None = None) -> EvalRun:
        """Run `suite` and keep the result; refuses anyone but an evaluator (or admin)."""
        self.sessions.require(token, EVALUATORS)
        kind = suite_kind(suite)
        figures: dict[str, Any]
        if kind == "safety":
            try:
                cases = safety_eval.load_suite(suite)
            except ValueError as exc:
                raise ContentError(str(exc)) from exc
            result = safety_eval.run_suite(self.assistant, cases, progress)
            figures = {"pass_rate": plots.pass_rate_figure(result["summary"]),
                       "by_category": plots.pass_rate_figure(
                           result["summary"], "by_category_language",
                           "Pass rate (category × language)"),
                       "confusion": plots.confusion_figure(result["cases"])}
        else:
            try:
                questions = retrieval_eval.load_suite(suite)
            except ValueError as exc:
                raise ContentError(str(exc)) from exc
            result = retrieval_eval.evaluate(self.assistant.retriever, questions, progress)
            figures = {"recall": plots.recall_figure(result["summary"])}
        result = {"suite": suite.name, "kind": kind, **result}
        out = Path(tempfile.mkdtemp(prefix="salus-eval-")) / f"{suite.stem}-results.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        return EvalRun(kind, result, out, figures)
