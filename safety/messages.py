"""Human-written, localized texts shown instead of a generated answer.

One TOML file per language in `safety/messages/`; a key per action that is
not `answer`, plus the disclaimer. Nothing here is generated.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from safety.verdict import ACTIONS, ANSWER

MESSAGES_DIR = Path(__file__).parent / "messages"
KEYS: tuple[str, ...] = tuple(a for a in ACTIONS if a != ANSWER) + ("disclaimer",)


@dataclass(frozen=True)
class Messages:
    """The vetted texts for one language, by key (an action or 'disclaimer')."""

    language: str
    texts: dict[str, str]
    sections: dict[str, dict[str, str]]

    def texts_of(self, section: str) -> dict[str, str]:
        """The strings of a multi-key section (e.g. 'helplines')."""
        return self.sections[section]

    def text(self, key: str) -> str:
        """The text for `key`; KeyError names the file to fix."""
        try:
            return self.texts[key]
        except KeyError:
            raise KeyError(f"safety/messages/{self.language}.toml has no [{key}]") from None


@cache
def load_messages(language: str, directory: Path = MESSAGES_DIR) -> Messages:
    """Messages for `language`, or English where that language has no file."""
    path = directory / f"{language}.toml"
    if not path.is_file():
        path, language = directory / "en.toml", "en"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return Messages(language, {k: v["text"].strip() for k, v in data.items() if "text" in v},
                    {k: dict(v) for k, v in data.items() if "text" not in v})
