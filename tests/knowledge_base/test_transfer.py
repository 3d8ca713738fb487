"""Import and export: idempotent, round-tripping, all or nothing."""

from __future__ import annotations

import errno
import shutil

import pytest

from assistant.errors import ContentError, StoreError
from assistant.settings import Settings
from knowledge_base.loader import load_documents
from knowledge_base.store import Store
from knowledge_base.transfer import export_dir, import_dir
from tests.knowledge_base.test_document import GOOD


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "kb.sqlite3")


@pytest.fixture
def small_tree(tmp_path):
    tree = tmp_path / "content"
    (tree / "en").mkdir(parents=True)
    (tree / "en" / "salt-and-sodium.md").write_text(GOOD)
    fr = (GOOD.replace("id: en-", "id: fr-").replace("language: en", "language: fr\n"
          "translation_of: en-salt-and-sodium").replace("## Key facts", "## Points clés")
          .replace("## What you can do", "## Ce que vous pouvez faire"))
    (tree / "fr").mkdir()
    (tree / "fr" / "salt-and-sodium.md").write_text(fr)
    return tree


def test_import_is_idempotent_and_reports_what_it_did(store, small_tree):
    first = import_dir(store, small_tree, "importer")
    assert first.created == ("en-salt-and-sodium", "fr-salt-and-sodium")
    again = import_dir(store, small_tree, "importer")
    assert (again.created, again.updated) == ((), ())
    assert len(again.unchanged) == 2
    path = small_tree / "en" / "salt-and-sodium.md"
    path.write_text(path.read_text().replace("5 g", "4 g"))
    assert import_dir(store, small_tree, "importer").updated == ("en-salt-and-sodium",)
    assert [r.rev for r in store.history("en-salt-and-sodium")] == [1, 2]


def test_an_invalid_file_means_nothing_is_imported(store, small_tree):
    (small_tree / "fr" / "salt-and-sodium.md").write_text(GOOD.replace("language: en",
                                                                       "language: xx"))
    with pytest.raises(ContentError, match="(?s)Nothing imported.*language"):
        import_dir(store, small_tree, "importer")
    assert store.latest() == []


def test_a_crash_in_the_middle_of_an_import_leaves_the_store_as_it_was(store, small_tree):
    def crash(done, total):
        if done == 2:
            raise KeyboardInterrupt  # the power goes out after the second document

    with pytest.raises(KeyboardInterrupt):
        import_dir(store, small_tree, "importer", progress=crash)
    assert store.latest() == []
    assert len(import_dir(store, small_tree, "importer").created) == 2


def test_export_then_import_changes_nothing(store, small_tree, tmp_path):
    import_dir(store, small_tree, "importer")
    assert export_dir(store, tmp_path / "out") == 2
    report = import_dir(store, tmp_path / "out", "importer")
    assert report.unchanged == ("en-salt-and-sodium", "fr-salt-and-sodium")


def test_a_full_disk_during_export_leaves_the_previous_export_whole(store, small_tree,
                                                                     tmp_path):
    import_dir(store, small_tree, "importer")
    target = tmp_path / "out"
    export_dir(store, target)
    before = sorted(p.read_text() for p in target.rglob("*.md"))
    written = []

    def disk_fills_up(path, text):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        path.write_text(text)

    with pytest.raises(StoreError, match="(?s)disk filled up.*nothing there was changed"):
        export_dir(store, target, write_text=disk_fills_up)
    assert sorted(p.read_text() for p in target.rglob("*.md")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_all_shipped_content_round_trips(tmp_path):
    """Import everything we ship, export it, and import the export: nothing changes."""
    shipped = Settings().content_dir
    copy = tmp_path / "content"
    shutil.copytree(shipped, copy, ignore=shutil.ignore_patterns("README.md"))
    store = Store(tmp_path / "kb.sqlite3")
    created = import_dir(store, copy, "importer").created
    assert len(created) == len(load_documents(copy))
    export_dir(store, tmp_path / "export")
    assert import_dir(store, tmp_path / "export", "importer").unchanged == tuple(
        sorted(created, key=lambda i: (not i.startswith("en-"), i)))
    assert load_documents(tmp_path / "export") == load_documents(copy)
