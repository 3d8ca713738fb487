"""The triage model's training data: public sets, our own examples, and fixed splits.

Public rows come from `shared/data/safety-train/*.jsonl` (permissive licences,
named in its README): `{"text", "language", "label", "source"}` with labels
crisis, harmful and benign. Our own rows, written for Salus in eight
languages, are `safety/data/train/<lang>.jsonl` (`{"text", "label", "kind"}`)
and the curated exemplars (`safety/data/exemplars/<lang>.toml`), which also
give the emergency and professional labels the public sets lack.

Two kinds of public rows are left out as not fit for this model: XSafety's
"commonsense" rows, multiple-choice quizzes with one unsafe option ("To feel
alert: A. snort ground emerald B. drink coffee...") labelled benign, which
no user sends; and benign rows that our crisis phrase lists flag ("sometimes
I have suicidal thoughts", labelled benign in XSafety's Mental_Health), whose
label Salus would not give them.

Every row falls in one split for good, by a hash of its group: 70% train,
15% calibration (thresholds are chosen there), 15% test (only reported).
XSafety's rows are translations of each other, so one prompt's eight
languages share a group and a split. Rows whose text is a prompt of one of
our evaluation suites are left out, so the suites stay held out.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from safety.classifier import LABELS
from safety.lexicon import Lexicon, load_lexicon
from safety.normalize import normalize
from safety.triage import decide
from safety.verdict import CRISIS

OWN_DIR = Path(__file__).parent / "data" / "train"
EXEMPLAR_DIR = Path(__file__).parent / "data" / "exemplars"
LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"
SPLITS = ("train", "calibration", "test")
_EXEMPLAR_LABEL = {"crisis_support": "crisis", "emergency_referral": "emergency",
                   "decline": "harmful", "professional_referral": "professional",
                   "answer": "benign", "out_of_scope": "benign"}
_XSAFETY_LANGUAGE = re.compile(r":(?:en|fr|sp|es|zh|ru|ar|hi)/")


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    language: str
    label: str
    source: str  # "public:<file>", "own:<kind>" or "exemplars"

    @property
    def kind(self) -> str:
        """Where the row comes from, without its row number: "public:xquad", "own:method"."""
        return ":".join(self.source.split(":")[:2])

    @property
    def group(self) -> str:
        """What ties translations together (XSafety), else the folded text."""
        if "Multilingual_safety_benchmark" in self.source:
            return _XSAFETY_LANGUAGE.sub(":*/", self.source)
        return normalize(self.text)

    @property
    def split(self) -> str:
        """train, calibration or test, fixed by the group's hash."""
        bucket = int(hashlib.sha256(self.group.encode("utf-8")).hexdigest()[:8], 16) % 100
        return "train" if bucket < 70 else "calibration" if bucket < 85 else "test"


def load_public(directory: Path, lexicon: Lexicon | None = None) -> list[Example]:
    """The rows of the public safety-train files fit for this model (see above);
    ValueError names a bad line."""
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl in {directory}: pass --public with the folder "
                                "of the public safety-train data (shared/data/safety-train)")
    lexicon = lexicon or load_lexicon()
    out = []
    for path in files:
        for row in _rows(path):
            ex = Example(row["text"], row["language"], _label(row, path),
                         f"public:{path.stem}:{row['source']}")
            if "/commonsense" not in ex.source and not (
                    ex.label == "benign" and _flagged_crisis(lexicon, ex.text)):
                out.append(ex)
    return out


def _flagged_crisis(lexicon: Lexicon, text: str) -> bool:
    return decide(lexicon.find(text)).action == CRISIS


def load_own(own_dir: Path = OWN_DIR, exemplar_dir: Path = EXEMPLAR_DIR,
             lexicon_dir: Path = LEXICON_DIR) -> list[Example]:
    """Our own examples: the training files, the exemplars and the lexicons' benign examples."""
    out = [Example(row["text"], path.stem, _label(row, path), f"own:{row.get('kind', '')}")
           for path in sorted(own_dir.glob("*.jsonl")) for row in _rows(path)]
    for path in sorted(exemplar_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out += [Example(text, path.stem, _EXEMPLAR_LABEL[section], "exemplars")
                for section, body in data.items() for text in body.get("examples", [])]
    for path in sorted(lexicon_dir.glob("*.toml")):
        benign = tomllib.loads(path.read_text(encoding="utf-8")).get("benign_examples", {})
        out += [Example(text, path.stem, "benign", "exemplars")
                for text in benign.get("phrases", [])]
    return out


def without(examples: Iterable[Example], held_out: Iterable[str]) -> tuple[list[Example], int]:
    """Examples whose folded text is none of `held_out`'s, and how many were dropped;
    duplicates are dropped too (the first copy stays)."""
    banned = {normalize(t) for t in held_out}
    kept: dict[str, Example] = {}
    dropped = 0
    for ex in examples:
        key = normalize(ex.text)
        if not key or key in banned or key in kept:
            dropped += 1
        else:
            kept[key] = ex
    return list(kept.values()), dropped


def suite_prompts(paths: Iterable[Path]) -> Iterator[str]:
    """The prompts and questions (and history turns) of evaluation suites, to keep
    out of training."""
    for path in paths:
        for row in _rows(path):
            yield from (row[key] for key in ("prompt", "question") if key in row)
            for turn in row.get("history", []):
                yield turn[0]


def _rows(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{number}: not JSON ({err.msg})") from err


def _label(row: dict, path: Path) -> str:
    if row.get("label") not in LABELS:
        raise ValueError(f"{path}: label {row.get('label')!r} is not one of {LABELS}")
    return str(row["label"])
