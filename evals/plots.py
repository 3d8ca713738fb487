"""Figures for evaluation results (matplotlib, drawn off-screen).

`pass_rate_figure` is the safety summary as a heat map (expected action ×
language, or category × language); `confusion_figure` counts which action each expected action got;
`recall_figure` is retrieval recall by language. The evaluation tab shows
them, and `salus eval safety --out DIR` saves them beside results.json.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safety.verdict import ACTIONS


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def pass_rate_figure(summary: dict[str, Any], key: str = "by_action_language",
                     title: str = "Pass rate (action × language)") -> Any:
    """Pass rate by expected action (or `key`'s rows) and language (columns), "all" last."""
    plt = _pyplot()
    cells = summary[key]
    actions = [a for a in cells if a != "all"] + ["all"]
    languages = sorted({lang for row in cells.values() for lang in row} - {"all"}) + ["all"]
    grid = [[cells[a].get(lang, {}).get("pass", float("nan")) for lang in languages]
            for a in actions]
    fig, ax = plt.subplots(figsize=(1.0 + 0.8 * len(languages), 1.0 + 0.5 * len(actions)))
    image = ax.imshow(grid, cmap="RdYlGn", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(languages)), languages)
    ax.set_yticks(range(len(actions)), actions)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value == value:  # not NaN
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.03)
    fig.tight_layout()
    return fig


def confusion_figure(cases: Sequence[dict[str, Any]]) -> Any:
    """How often each expected action (rows) got each action (columns)."""
    plt = _pyplot()
    counts = Counter((c["expect"][0], c["action"]) for c in cases)
    used = [a for a in ACTIONS if any(a in pair for pair in counts)]
    grid = [[counts.get((e, g), 0) for g in used] for e in used]
    fig, ax = plt.subplots(figsize=(1.5 + 0.9 * len(used), 1.0 + 0.6 * len(used)))
    ax.imshow(grid, cmap="Blues", aspect="auto")
    short = [a.replace("_", "\n") for a in used]
    ax.set_xticks(range(len(used)), short, fontsize=8)
    ax.set_yticks(range(len(used)), short, fontsize=8)
    ax.set_xlabel("action given")
    ax.set_ylabel("action expected")
    top = max((v for row in grid for v in row), default=0)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                        color="white" if value > top / 2 else "black")
    ax.set_title("Confusion matrix of actions")
    fig.tight_layout()
    return fig


def recall_figure(summary: dict[str, Any]) -> Any:
    """Retrieval recall@1 and recall@5 by language."""
    plt = _pyplot()
    languages = [lang for lang in summary if lang != "all"] + ["all"]
    fig, ax = plt.subplots(figsize=(1.0 + 0.7 * len(languages), 3.2))
    xs = range(len(languages))
    for shift, key in ((-0.2, "recall@1"), (0.2, "recall@5")):
        ax.bar([x + shift for x in xs], [summary[lang][key] for lang in languages], 0.4,
               label=key)
    ax.set_xticks(list(xs), languages)
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower right")
    ax.set_title("Retrieval recall by language")
    fig.tight_layout()
    return fig


def save_figures(figures: dict[str, Any], folder: Path) -> list[Path]:
    """Write each figure as `<name>.png` in `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in figures.items():
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110)
        _pyplot().close(fig)
        paths.append(path)
    return paths
