"""A health educator's day with `salus kb`, run as commands in a scratch SALUS_HOME."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.knowledge_base.test_transfer import small_tree  # noqa: F401  (fixture)


def salus(home, *args, user=None, editor=None, stdin=None):
    env = {**os.environ, "SALUS_HOME": str(home)}
    env.pop("SALUS_USER", None)
    if user:
        env["SALUS_USER"] = user
    if editor:
        env["EDITOR"] = editor
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True,
                           text=True, env=env, timeout=300, input=stdin)


@pytest.fixture
def home(tmp_path, small_tree):  # noqa: F811
    home = tmp_path / "home"
    assert salus(home, "kb", "import", str(small_tree)).returncode == 0
    for name, role in (("ana", "curator"), ("ben", "reviewer")):
        assert salus(home, "users", "add", name, "--role", role,
                     "--no-password").returncode == 0
    return home


def test_fix_a_figure_and_publish_it(home):
    edit = salus(home, "kb", "edit", "fr-salt-and-sodium", "--reason", "figure from the source",
                 user="ana", editor="sed -i 's/5 g/4 g/'")
    assert edit.returncode == 0, edit.stderr
    assert "r2 saved as a draft" in edit.stdout
    assert salus(home, "kb", "submit", "fr-salt-and-sodium", "--reason", "ready",
                 user="ana").returncode == 0
    own = salus(home, "kb", "approve", "fr-salt-and-sodium", "--reason", "ok", user="ana")
    assert own.returncode == 1 and "reviewer" in own.stderr
    ok = salus(home, "kb", "approve", "fr-salt-and-sodium", "--reason", "checked", user="ben")
    assert ok.returncode == 0 and "approve -> approved" in ok.stdout
    history = salus(home, "kb", "history", "fr-salt-and-sodium").stdout.splitlines()
    assert [line.split()[3] for line in history] == ["import", "edit", "submit", "approve"]
    diff = salus(home, "kb", "diff", "fr-salt-and-sodium", "1", "2").stdout
    assert "-Adults should eat less than 5 g" in diff and "+Adults should eat less than 4 g" in diff
    assert "4 g" in salus(home, "kb", "show", "fr-salt-and-sodium").stdout
    assert "5 g" in salus(home, "kb", "show", "fr-salt-and-sodium", "--rev", "1").stdout


def test_list_and_stats_show_status_and_gaps(home):
    listed = salus(home, "kb", "list", "--lang", "fr").stdout
    assert "fr-salt-and-sodium" in listed and "en-salt-and-sodium" not in listed
    stats = salus(home, "kb", "stats").stdout
    assert "salt-and-sodium" in stats and "salt-and-sodium/es" in stats
    assert "physical-activity (no document)" in stats


def test_an_invalid_edit_keeps_the_text_and_says_how_to_retry(home):
    done = salus(home, "kb", "edit", "en-salt-and-sodium", "--reason", "x", user="ana",
                 editor="sed -i 's/^status: .*/status: live/'")
    assert done.returncode == 1
    assert "status: 'live'" in done.stderr and "--from" in done.stderr and "--base 1" in done.stderr


def test_a_failed_editor_changes_nothing(home):
    done = salus(home, "kb", "edit", "en-salt-and-sodium", "--reason", "x", user="ana",
                 editor="false")
    assert done.returncode == 1 and "nothing was changed" in done.stderr
    assert len(salus(home, "kb", "history", "en-salt-and-sodium").stdout.splitlines()) == 1


def test_index_build_follows_the_store_and_status_says_when_it_is_stale(home):
    assert salus(home, "index", "build").returncode == 0
    assert salus(home, "index", "status").returncode == 0
    salus(home, "kb", "retire", "fr-salt-and-sodium", "--reason", "outdated", user="ben")
    stale = salus(home, "index", "status")
    assert stale.returncode == 1 and "no longer approved: fr-salt-and-sodium" in stale.stdout
    rebuilt = salus(home, "index", "build")
    assert "0 embedded" in rebuilt.stdout
    assert salus(home, "index", "status").returncode == 0


def test_index_build_without_an_import_says_what_to_run(tmp_path):
    done = salus(tmp_path, "index", "build")
    assert done.returncode == 1 and "salus kb import" in done.stderr
