"""Vetted emergency numbers and help lines by country (`safety/data/helplines.toml`).

Shown under a crisis or emergency message only when the user has chosen a
country: with no country known, Salus gives emergency-number advice and the
international directories (in the message itself) and never presents one
country's line as the user's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from safety.messages import load_messages

TABLE = Path(__file__).parent / "data" / "helplines.toml"


@dataclass(frozen=True)
class Helpline:
    """A crisis or support line, as vetted."""

    name: str
    number: str
    hours: str
    source_url: str
    last_checked: str


@dataclass(frozen=True)
class Country:
    """A country's emergency numbers and help lines."""

    code: str
    name: str
    emergency: str
    ambulance: str | None
    helplines: tuple[Helpline, ...]


@cache
def load_countries(path: Path = TABLE) -> dict[str, Country]:
    """Every country in the table, by ISO 3166-1 alpha-2 code."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)["countries"]
    return {code: Country(code, c["name"], c["emergency"], c.get("ambulance"),
                          tuple(Helpline(h["name"], h["number"], h["hours"], h["source_url"],
                                         h["last_checked"]) for h in c.get("helplines", [])))
            for code, c in data.items()}


def helpline_text(country_code: str | None, language: str) -> str:
    """Markdown lines with the chosen country's numbers; empty if no country is known.

    Example:
        >>> print(helpline_text("FR", "en").splitlines()[0])
        **Help in France**
    """
    country = load_countries().get((country_code or "").upper())
    if country is None:
        return ""
    labels = load_messages(language).texts_of("helplines")
    lines = [f"**{labels['heading'].format(country=country.name)}**",
             f"- {labels['emergency']}: **{country.emergency}**"]
    if country.ambulance:
        lines.append(f"- {labels['ambulance']}: **{country.ambulance}**")
    lines += [f"- {h.name}: **{h.number}** ({h.hours})" for h in country.helplines]
    return "\n".join(lines)
