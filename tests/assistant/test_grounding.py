from __future__ import annotations

from assistant.grounding import Closeness, check_sentence, extractive_answer, too_little_left

PASSAGES = [
    "Physical activity — Key facts\nAdults aged 18–64 should do at least 150–300 minutes "
    "of moderate-intensity aerobic activity a week.",
    "Healthy diet — Key facts\nKeep salt intake to less than 5 g a day.",
]


def test_a_cited_sentence_with_its_figure_is_supported():
    check = check_sentence("Adults need at least 150 minutes a week [1].", PASSAGES)
    assert check.supported and check.passages == (1,)


def test_a_changed_figure_is_caught():
    check = check_sentence("Adults need at least 200 minutes a week [1].", PASSAGES)
    assert not check.supported
    assert "200" in check.reason


def test_a_figure_from_another_passage_than_the_cited_one_is_caught():
    assert not check_sentence("Eat less than 5 g of salt [1].", PASSAGES).supported


def test_an_uncited_sentence_needs_a_passage_that_says_it():
    assert check_sentence("Keep salt intake to less than 5 g a day.", PASSAGES).passages == (2,)
    assert not check_sentence("Vitamin pills cure colds.", PASSAGES).supported


def test_a_citation_beyond_the_passages_does_not_count():
    assert not check_sentence("Drink 3 litres of water [7].", PASSAGES).supported


def test_too_little_left_when_most_text_was_dropped():
    assert too_little_left([], ["a sentence"])
    assert too_little_left(["short."], ["short.", "a much longer sentence that was dropped"])
    assert not too_little_left(["kept sentence"], ["kept sentence"])


def test_extractive_answer_uses_the_passage_own_sentences():
    passage = "- Adults should be active.\n- Adults need 150 minutes a week.\n- Children play."
    answer = extractive_answer("How many minutes do adults need?", [passage], 2)
    assert answer == [("Adults should be active.", 1), ("Adults need 150 minutes a week.", 1)]


def test_extractive_answer_never_quotes_a_myth_alone():
    passage = '- **"Brown sugar is healthy."** Not true. Brown sugar is still sugar to limit.'
    assert extractive_answer("Is brown sugar healthy?", [passage]) == [
        ("Brown sugar is still sugar to limit.", 1)]


def test_a_citation_alone_does_not_make_filler_supported():
    assert not check_sentence("You're right! [1]", PASSAGES).supported


def test_without_closeness_only_words_and_figures_decide():
    assert check_sentence("Adults should do at least 150–300 minutes of moderate activity a "
                          "week [1].", PASSAGES).supported


def test_a_sentence_far_from_every_passage_sentence_is_dropped():
    sentence = "Adults should do at least 150 minutes of moderate-intensity activity a week [1]."
    assert check_sentence(sentence, PASSAGES, [Closeness(0.93), Closeness(0.8)]).supported
    assert not check_sentence(sentence, PASSAGES, [Closeness(0.85), Closeness(0.8)]).supported


def test_repeating_a_quoted_myth_is_not_support():
    passage = ['- **"Brown sugar is healthy."** Not true: brown sugar is still sugar.']
    check = check_sentence("Brown sugar is healthy [1].", passage,
                           [Closeness(0.95, nearest_is_myth=True)])
    assert not check.supported and "myth" in check.reason
