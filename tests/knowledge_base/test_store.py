"""The live store: every operation, and the failure cases a curator meets."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from assistant.errors import ConflictError, PermissionDenied, StoreError
from knowledge_base.store import Store
from knowledge_base.validation import parse_document
from tests.knowledge_base.test_document import GOOD

DOC = dataclasses.replace(parse_document(GOOD), status="draft")
DOC_ID = DOC.id


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "kb.sqlite3")
    s.add_user("ana", "curator")
    s.add_user("carl", "curator")
    s.add_user("ben", "reviewer")
    s.add_user("bea", "reviewer")
    s.add_user("eve", "evaluator")
    return s


def _fixed(doc, old="5 g", new="4 g"):
    return dataclasses.replace(doc, body=doc.body.replace(old, new))


def _publish(store, doc=DOC):
    store.create(doc, "ana", "first draft")
    store.submit(doc.id, "ana", "ready")
    return store.approve(doc.id, "ben", "figures checked")


def test_create_submit_approve_makes_a_document_live(store):
    assert store.create(DOC, "ana", "first draft").status == "draft"
    assert store.live() == []
    store.submit(DOC_ID, "ana", "ready")
    approved = store.approve(DOC_ID, "ben", "figures checked")
    assert (approved.rev, approved.status) == (3, "approved")
    assert approved.document.reviewed_by == "ben: figures checked"
    assert [r.rev for r in store.live()] == [3]


def test_an_edit_is_a_draft_and_the_approved_text_stays_live(store):
    _publish(store)
    store.edit(DOC_ID, _fixed(store.get(DOC_ID).document), "carl", 3, "fix the figure")
    live = store.live()[0]
    assert live.rev == 3 and "5 g" in live.document.body
    store.submit(DOC_ID, "carl", "ready")
    store.approve(DOC_ID, "ben", "checked against the source")
    assert "4 g" in store.live()[0].document.body


def test_history_keeps_every_revision_with_who_when_why(store):
    _publish(store)
    history = store.history(DOC_ID)
    assert [(r.rev, r.action, r.author, r.reason) for r in history] == [
        (1, "create", "ana", "first draft"), (2, "submit", "ana", "ready"),
        (3, "approve", "ben", "figures checked")]
    assert all(r.at for r in history)


def test_show_an_old_revision_and_diff_two(store):
    _publish(store)
    store.edit(DOC_ID, _fixed(store.get(DOC_ID).document), "ana", 3, "fix")
    assert "5 g" in store.get(DOC_ID, rev=1).document.body
    diff = store.diff(DOC_ID, 3, 4)
    assert "-Adults should eat less than 5 g" in diff and "+Adults should eat less than 4 g" in diff


def test_two_curators_editing_at_once_the_second_is_refused_with_what_changed(store):
    _publish(store)
    base = store.get(DOC_ID)
    store.edit(DOC_ID, _fixed(base.document), "ana", base.rev, "salt is 4 g?")
    with pytest.raises(ConflictError) as caught:
        store.edit(DOC_ID, _fixed(base.document, "Taste", "Always taste"), "carl", base.rev,
                   "wording")
    message = str(caught.value)
    assert "r4 edit by ana" in message and "salt is 4 g?" in message
    assert "+Adults should eat less than 4 g" in message
    assert "salus kb edit" in message
    assert len(store.history(DOC_ID)) == 4


def test_concurrent_edits_from_threads_never_both_land(store):
    _publish(store)
    base = store.get(DOC_ID)
    results: list[str] = []

    def edit(who, new):
        try:
            store.edit(DOC_ID, _fixed(base.document, "5 g", new), who, base.rev, "race")
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=edit, args=(w, n)) for w, n in
               (("ana", "4 g"), ("carl", "3 g"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]


def test_approval_needs_a_reviewer_and_four_eyes(store):
    store.create(DOC, "ana", "draft")
    store.submit(DOC_ID, "ana", "ready")
    with pytest.raises(PermissionDenied, match="reviewer"):
        store.approve(DOC_ID, "carl", "looks fine")
    with pytest.raises(PermissionDenied, match="not a user"):
        store.approve(DOC_ID, "mallory", "looks fine")
    store.add_user("ana", "reviewer")  # ana is now a reviewer, but she wrote the text
    with pytest.raises(PermissionDenied, match="four eyes"):
        store.approve(DOC_ID, "ana", "my own")
    assert store.approve(DOC_ID, "bea", "checked").status == "approved"


def test_self_approval_can_be_allowed(tmp_path):
    store = Store(tmp_path / "kb.sqlite3", allow_self_approval=True)
    store.add_user("solo", "reviewer")
    store.create(DOC, "solo", "draft")
    store.submit(DOC_ID, "solo", "ready")
    assert store.approve(DOC_ID, "solo", "small team").status == "approved"


def test_only_a_submitted_draft_can_be_approved(store):
    store.create(DOC, "ana", "draft")
    with pytest.raises(StoreError, match="not submitted"):
        store.approve(DOC_ID, "ben", "too early")


def test_retire_and_restore(store):
    _publish(store)
    store.retire(DOC_ID, "ben", "outdated")
    assert store.live() == []
    restored = store.restore(DOC_ID, "bea", "still right")
    assert restored.status == "approved" and store.live()[0].rev == restored.rev
    with pytest.raises(StoreError, match="not retired"):
        store.restore(DOC_ID, "bea", "again")


def test_evaluators_cannot_edit_and_every_change_needs_a_reason(store):
    with pytest.raises(PermissionDenied):
        store.create(DOC, "eve", "draft")
    with pytest.raises(StoreError, match="reason"):
        store.create(DOC, "ana", "  ")


def test_an_invalid_document_is_refused_before_it_is_stored(store):
    _publish(store)
    bad = dataclasses.replace(store.get(DOC_ID).document, source_url="not a url")
    with pytest.raises(Exception, match="source_url"):
        store.edit(DOC_ID, bad, "ana", 3, "oops")
    assert len(store.history(DOC_ID)) == 3


def test_a_corrupt_database_is_reported_with_what_to_do(tmp_path):
    path = tmp_path / "kb.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged.*salus kb import"):
        Store(path).latest()
    assert path.read_bytes().startswith(b"this is not a database")  # nothing overwritten


def test_unknown_documents_and_revisions_say_where_to_look(store):
    with pytest.raises(StoreError, match="salus kb list"):
        store.get("en-nothing")
    _publish(store)
    with pytest.raises(StoreError, match="revision 9"):
        store.get(DOC_ID, rev=9)
