"""Interface strings per language, from `ui/locales/<lang>.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"


@dataclass(frozen=True)
class Locale:
    """Every string the web page shows, in one language."""

    code: str
    language_name: str
    direction: str
    title: str
    tagline: str
    about: str
    placeholder: str
    send: str
    clear: str
    language_label: str
    sources_label: str
    reviewed_label: str
    country_label: str
    crisis_banner: str
    examples_label: str
    examples: tuple[str, ...]
    thinking: str


@cache
def load_locale(code: str, directory: Path = LOCALES_DIR) -> Locale:
    """The strings for `code`; English when the language has no file."""
    path = directory / f"{code}.toml"
    if not path.is_file():
        path, code = directory / "en.toml", "en"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    strings = {k: v.strip() for k, v in data.items() if k != "examples"}
    return Locale(code=code, examples=tuple(data["examples"]), **strings)


def available_locales(directory: Path = LOCALES_DIR) -> list[Locale]:
    """Every locale shipped, English first."""
    codes = sorted(p.stem for p in directory.glob("*.toml"))
    return [load_locale(c) for c in sorted(codes, key=lambda c: (c != "en", c))]
