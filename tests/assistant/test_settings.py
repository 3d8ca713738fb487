from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.settings import Settings, load_settings


def test_defaults_are_valid():
    assert Settings().validated().generator == "fast"


def test_toml_and_overrides(tmp_path, monkeypatch):
    monkeypatch.delenv("SALUS_GENERATOR", raising=False)
    cfg = tmp_path / "salus.toml"
    cfg.write_text('generator = "test"\ntop_k = 3\n')
    settings = load_settings(cfg, top_k=2)
    assert settings.generator == "test" and settings.top_k == 2


def test_a_bad_value_is_named_with_the_allowed_ones(tmp_path):
    cfg = tmp_path / "salus.toml"
    cfg.write_text('generator = "gpt-9"\n')
    with pytest.raises(ConfigError, match="gpt-9.*quality, fast, test"):
        load_settings(cfg)


def test_an_unknown_key_is_refused(tmp_path):
    cfg = tmp_path / "salus.toml"
    cfg.write_text("colour = 1\n")
    with pytest.raises(ConfigError, match="colour"):
        load_settings(cfg)


def test_a_missing_config_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_decode_weights_are_int8_by_default_and_checked(tmp_path):
    assert Settings().weights == "int8"
    cfg = tmp_path / "salus.toml"
    cfg.write_text('weights = "fp8"\n')
    with pytest.raises(ConfigError, match="fp8.*int8, bf16"):
        load_settings(cfg)
