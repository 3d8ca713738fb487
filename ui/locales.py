"""Interface strings per language, from `ui/locales/<lang>.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

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
    report_label: str
    report_kinds: tuple[str, ...]  # wrong fact, unsafe, other
    report_consent: str
    report_send: str
    report_thanks: str


@cache
def load_locale(code: str, directory: Path = LOCALES_DIR) -> Locale:
    """The strings for `code`; English when the language has no file."""
    path = directory / f"{code}.toml"
    if not path.is_file():
        path, code = directory / "en.toml", "en"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v.strip()
                              for k, v in data.items()}
    return Locale(code=code, **values)


def available_locales(directory: Path = LOCALES_DIR) -> list[Locale]:
    """Every locale shipped, English first."""
    codes = sorted(p.stem for p in directory.glob("*.toml"))
    return [load_locale(c) for c in sorted(codes, key=lambda c: (c != "en", c))]
