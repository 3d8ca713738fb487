"""Pure helpers that turn Replies and chat state into what the page shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.reply import Citation
from ui.locales import Locale


def sources_markdown(citations: Sequence[Citation], locale: Locale) -> str:
    """A numbered list of sources: title as a link, and when it was reviewed.

    Example:
        >>> from ui.locales import load_locale
        >>> cite = Citation(1, "en-salt", "Salt", "https://who.int/x", "2026-11-28")
        >>> print(sources_markdown([cite], load_locale("en")))
        **Sources**
        <BLANKLINE>
        1. [Salt](https://who.int/x) — reviewed 2026-11-28
    """
    if not citations:
        return ""
    lines = [f"**{locale.sources_label}**", ""]
    for c in citations:
        reviewed = f" — {locale.reviewed_label} {c.reviewed_on}" if c.reviewed_on else ""
        lines.append(f"{c.n}. [{c.title}]({c.source_url}){reviewed}")
    return "\n".join(lines)


def history_pairs(messages: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(user, assistant) pairs from a Gradio messages list; unfinished turns dropped."""
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for message in messages:
        content = _text(message.get("content"))
        if message.get("role") == "user":
            pending = content
        elif message.get("role") == "assistant" and pending is not None:
            pairs.append((pending, content))
            pending = None
    return pairs


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # Gradio 6 may hand back a list of parts
        return " ".join(_text(part.get("text", "")) if isinstance(part, dict) else str(part)
                        for part in content)
    return "" if content is None else str(content)
