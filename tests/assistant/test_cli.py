"""The `salus` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _salus(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def env(settings):
    from knowledge_base.store import Store
    from knowledge_base.transfer import import_dir

    store = Store(settings.store_path)
    if not store.latest():
        import_dir(store, settings.content_dir, "tests")
    return {"SALUS_HOME": str(settings.home), "SALUS_GENERATOR": settings.generator}


def test_ask_json_for_a_crisis_gives_vetted_help_and_no_generation(env):
    done = _salus("ask", "--json", "I want to kill myself", env_extra=env)
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert reply["action"] == "crisis_support"
    assert reply["timings_ms"]["generation"] == 0
    assert "findahelpline.com" in reply["text"]
    assert "kill myself" not in done.stderr  # the message is never logged


def test_ask_answers_with_sources(env):
    done = _salus("ask", "How much physical activity do adults need?", env_extra=env)
    assert done.returncode == 0, done.stderr
    assert "150" in done.stdout
    assert "https://www.who.int/news-room/fact-sheets/detail/physical-activity" in done.stdout


def test_index_status_reports_current(env):
    done = _salus("index", "status", env_extra=env)
    assert done.returncode == 0 and "is current" in done.stdout


def test_kb_validate_lists_every_problem_and_fails(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "salt.md").write_text("---\nid: en-salt\nlanguage: en\n---\n## A\nb\n")
    done = _salus("kb", "validate", str(tmp_path))
    assert done.returncode == 1
    assert "salt.md:1: title: missing" in done.stderr
    assert "salt.md:1: source_url: missing" in done.stderr


def test_a_missing_index_says_how_to_build_it(tmp_path):
    done = _salus("ask", "hello", env_extra={"SALUS_HOME": str(tmp_path)})
    assert done.returncode == 1
    assert "salus index build" in done.stderr or "salus models prepare" in done.stderr


def test_bench_pipeline_reports_every_stage(env):
    done = _salus("bench", "pipeline", "I want to kill myself", "How much salt a day?",
                  env_extra=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [q["action"] for q in result["questions"]] == ["crisis_support", "answer"]
    assert result["questions"][1]["timings_ms"]["generation"] > 0
