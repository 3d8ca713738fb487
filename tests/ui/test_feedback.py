from __future__ import annotations

import pytest

from ui.feedback import Feedback, FeedbackStore, feedback_for

REPLY = {"language": "fr", "action": "answer",
         "citations": [{"n": 1, "doc_id": "fr-alcohol"}, {"n": 2, "doc_id": "fr-tobacco"}]}


def test_without_consent_no_text_is_kept(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.record(feedback_for("down", REPLY, "Quelle dose ?", "Réponse", consent=False))
    assert store.all() == [Feedback("down", "fr", "answer", ("fr-alcohol", "fr-tobacco"))]


def test_with_consent_the_question_and_answer_are_kept(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.record(feedback_for("wrong_fact", REPLY, "Question", "Réponse", consent=True))
    assert (store.all()[0].question, store.all()[0].answer) == ("Question", "Réponse")


def test_an_unknown_kind_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not one of"):
        FeedbackStore(tmp_path / "f.sqlite3").record(Feedback("meh", "en", "answer", ()))


def test_feedback_before_any_reply_is_still_recorded(tmp_path):
    assert feedback_for("up", None, "", "", consent=False) == Feedback("up", "", "", ())
