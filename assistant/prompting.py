"""Build the chat messages for a grounded answer. Pure: no model, no I/O but data files.

The prompt text is data (`assistant/prompts/<lang>.toml`), one file per
language, so the model is told in the user's own language to answer in it.
Passages are numbered and fenced in `<passage>` tags; any tag-like text
inside a passage is defused so a passage cannot close its fence early.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).parent / "prompts"
_MAX_PASSAGE_CHARS = 1200
_LEADING_CITATIONS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+\s*")
_DASHES = r"[-\u2010-\u2015\uff0d]+\s*"  # hyphen, en/em dashes, fullwidth hyphen


@dataclass(frozen=True)
class PromptTemplate:
    """The system prompt and labels for one language."""

    language: str
    language_name: str
    system: str
    passages_intro: str
    question_label: str
    answer_label: str


@cache
def load_template(language: str, directory: Path = PROMPTS_DIR) -> PromptTemplate:
    """The template for `language`, or English if there is none."""
    path = directory / f"{language}.toml"
    if not path.is_file():
        path, language = directory / "en.toml", "en"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return PromptTemplate(language=language, **{k: str(v).strip() for k, v in data.items()})


def build_messages(question: str, passages: Sequence[str],
                   template: PromptTemplate) -> list[dict[str, str]]:
    """System and user messages: numbered, fenced passages, then the question.

    Example:
        >>> msgs = build_messages("Salt?", ["Eat under 5 g of salt a day."], load_template("en"))
        >>> print(msgs[1]["content"].splitlines()[1])
        <passage n="1">
    """
    fenced = "\n".join(
        f'<passage n="{n}">\n{_defuse(text)[:_MAX_PASSAGE_CHARS]}\n</passage>'
        for n, text in enumerate(passages, start=1))
    user = (f"{template.passages_intro}\n{fenced}\n\n"
            f"{template.question_label} {question.strip()}\n{template.answer_label}")
    return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]


def _defuse(text: str) -> str:
    return text.replace("<", "‹").replace(">", "›")


def strip_echo(sentence: str, template: PromptTemplate, heads: Sequence[str] = ()) -> str:
    """The sentence without a leading copy of the prompt's answer label
    (small models sometimes start by repeating "Answer in Hindi, citing ...:"),
    without a leading copy of an excerpt's head line (`heads`: "Sugars — Key
    facts"), and without citations it opens with, which streaming cut from the
    sentence before.

    Example:
        >>> t = load_template("en")
        >>> strip_echo("Answer in English, citing the passages: Walk daily. [1]", t)
        'Walk daily. [1]'
        >>> strip_echo("[1] Walk daily. [2]", t)
        'Walk daily. [2]'
        >>> strip_echo("Sugars — Key facts [1] Eat less sugar. [1]", t, ["Sugars — Key facts"])
        'Eat less sugar. [1]'
        >>> strip_echo("The sugars — Key facts [1]", t, ["Sugars — Key facts"])
        ''
        >>> strip_echo("Asma - Fatos principais [1] Ar - Fatos principais [1]", t,
        ...            ["Asma — Fatos principais", "Ar — Fatos principais"])
        ''
    """
    sentence = _LEADING_CITATIONS.sub("", sentence)  # they belong to the sentence before
    cut = True
    while cut:  # head lines copied one after another go one by one
        cut = False
        for head in heads:
            title, _, heading = head.partition(" — ")
            # any dash before the heading: "—", "——" (zh), " - " (pt)
            found = re.search(_DASHES + re.escape(heading), sentence) if heading else None
            if found and found.start() <= len(title) + 12:  # give or take an article
                rest = sentence[found.end():]
                sentence = _LEADING_CITATIONS.sub("", rest.lstrip(" .:：。"))
                cut = True
    for label in (template.answer_label, template.answer_label.rstrip(":： ")):
        if label and sentence.startswith(label):
            return sentence[len(label):].lstrip(" :：")
    return sentence
