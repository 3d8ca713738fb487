"""`salus eval grounding` judges each reply against the documents it cites."""

from __future__ import annotations

from assistant.reply import Citation, Reply
from evals.grounding import AnswerCase, judge

DOCUMENTS = {"en-salt": "# Salt\n\n- Adults should eat less than 5 g of salt a day.\n"
                        "- Most people eat 9 to 12 g a day."}
CASE = AnswerCase("t-1", "en", "How much salt a day?", "salt", ("5 g",))
SOURCE = (Citation(1, "en-salt", "Salt", "https://www.who.int/"),)


def reply(text: str) -> Reply:
    return Reply(text=text, language="en", action="answer", citations=SOURCE)


def test_a_figure_missing_from_the_cited_document_is_unfaithful():
    result = judge(CASE, reply("Adults should eat less than 5 g of salt a day. [1] "
                               "Most people eat 15 g a day. [1]"), DOCUMENTS)
    assert (result["faithful_sentences"], result["sentences"]) == (1, 2)
    assert (result["facts_found"], result["facts"]) == (1, 1)
    assert result["citations_ok"]


def test_sentences_not_found_word_for_word_are_listed_as_the_models_to_read():
    result = judge(CASE, reply("Adults should eat less than 5 g of salt a day. [1] "
                               "Passive smoking kills 9 million people a year. [1]"), DOCUMENTS)
    # "9" stands in the document, so the judge's figures check passes the second
    # sentence: hence the list, to be read by hand
    assert result["faithful_sentences"] == 2
    assert result["model_sentences"] == ["Passive smoking kills 9 million people a year. [1]"]


def test_a_citation_of_no_listed_source_is_invalid():
    result = judge(CASE, reply("Adults should eat less than 5 g of salt a day. [2]"), DOCUMENTS)
    assert not result["citations_ok"]
    assert result["faithful_sentences"] == 0


def test_a_vetted_note_without_citation_is_not_a_model_sentence():
    result = judge(CASE, reply("What I can share is general information. "
                               "Adults should eat less than 5 g of salt a day. [1]"), DOCUMENTS)
    assert result["model_sentences"] == []
