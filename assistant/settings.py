"""One frozen `Settings`, read from TOML with environment overrides for paths.

Where it is read from, first found wins: the `--config` path, `$SALUS_CONFIG`,
`$SALUS_HOME/salus.toml`. Every key is optional (see the README).
`$SALUS_CONTENT_DIR` overrides where the seed documents are read from.
`$SALUS_HOME` (default `~/.cache/salus`) holds prepared models and indexes.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from assistant.errors import ConfigError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar", "zh", "ru", "pt", "hi")
GENERATOR_PACKS: tuple[str, ...] = ("quality", "fast", "test")
WEIGHTS: tuple[str, ...] = ("int8", "bf16")


def default_home() -> Path:
    """`$SALUS_HOME`, or `~/.cache/salus`."""
    return Path(os.environ.get("SALUS_HOME") or Path.home() / ".cache" / "salus")


def default_content_dir() -> Path:
    """`$SALUS_CONTENT_DIR`, or the seed content shipped with Salus."""
    env = os.environ.get("SALUS_CONTENT_DIR")
    return Path(env) if env else PACKAGE_ROOT / "knowledge_base" / "content"


@dataclass(frozen=True)
class Settings:
    """Everything Salus can be told; defaults serve a fresh install.

    Example:
        >>> Settings(generator="test").generator
        'test'
    """

    home: Path = field(default_factory=default_home)
    content_dir: Path = field(default_factory=default_content_dir)
    # A pack name (quality, fast, test) or the path of a local Hugging Face folder.
    generator: str = "fast"
    threads: int = 2
    # Weights read when decoding: "int8" (a per-row int8 copy, about 2x faster
    # decode) or "bf16"; measured with `salus bench generation`.
    weights: str = "int8"
    max_new_tokens: int = 200
    top_k: int = 4
    # Lowest best cosine score (e5, query vs passage) that can count as relevant;
    # see retrieval/retriever.py for the calibration.
    min_score: float = 0.84
    host: str = "127.0.0.1"
    port: int = 7860

    @property
    def models_dir(self) -> Path:
        """Where prepared model folders live."""
        return self.home / "models"

    @property
    def store_path(self) -> Path:
        """The live knowledge-base database."""
        return self.home / "kb.sqlite3"

    @property
    def index_dir(self) -> Path:
        """Where index builds live; `current` names the live one."""
        return self.home / "index"

    def validated(self) -> Settings:
        """Return self, or raise ConfigError naming the bad value and the allowed ones."""
        gen = self.generator
        if gen not in GENERATOR_PACKS and not Path(gen).expanduser().is_dir():
            raise ConfigError(
                f"generator = {gen!r} is neither a pack ({', '.join(GENERATOR_PACKS)}) "
                "nor an existing local Hugging Face folder. Set it in salus.toml."
            )
        if not 1 <= self.threads <= 256:
            raise ConfigError(f"threads = {self.threads} must be between 1 and 256.")
        if self.weights not in WEIGHTS:
            raise ConfigError(f"weights = {self.weights!r} must be one of: {', '.join(WEIGHTS)}.")
        if not 16 <= self.max_new_tokens <= 2048:
            raise ConfigError(f"max_new_tokens = {self.max_new_tokens} must be 16..2048.")
        if not 1 <= self.top_k <= 20:
            raise ConfigError(f"top_k = {self.top_k} must be between 1 and 20.")
        if not 0.0 <= self.min_score <= 1.0:
            raise ConfigError(f"min_score = {self.min_score} must be between 0 and 1.")
        return self


def load_settings(path: Path | None = None, **overrides: object) -> Settings:
    """Read settings from TOML (if any), apply env overrides, then `overrides`."""
    env_cfg = os.environ.get("SALUS_CONFIG")
    candidates = [p for p in (path, Path(env_cfg) if env_cfg else None) if p is not None]
    candidates.append(default_home() / "salus.toml")
    values: dict[str, object] = {}
    for candidate in candidates:
        if candidate.is_file():
            values = _read_toml(candidate)
            break
        if candidate is path:
            raise ConfigError(f"Config file {path} does not exist.")
    if os.environ.get("SALUS_CONTENT_DIR"):  # env overrides the file for paths
        values["content_dir"] = os.environ["SALUS_CONTENT_DIR"]
    if os.environ.get("SALUS_GENERATOR"):
        values["generator"] = os.environ["SALUS_GENERATOR"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"Unknown setting(s) {unknown}; allowed: {sorted(known)}.")
    coerced = {k: Path(str(v)).expanduser() if k in ("home", "content_dir") else v
               for k, v in values.items()}
    return replace(Settings(), **coerced).validated()  # type: ignore[arg-type]


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return dict(tomllib.load(fh))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
