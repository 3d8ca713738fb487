from __future__ import annotations

from assistant.grounding import (
    Closeness,
    check_sentence,
    excerpts,
    passage_sentences,
    rank_sentences,
    too_little_left,
)

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


def _ranked(embedder, question, passages):
    sets = [(passage_sentences(p), embedder.embed_passages(passage_sentences(p)))
            for p in passages]
    return rank_sentences(embedder.embed_queries([question])[0], sets)


def test_the_passage_sentence_nearest_the_question_comes_first(embedder):
    passage = ("- Physical activity is good for the heart and the mind.\n"
               "- Adults need 150 to 300 minutes of moderate activity a week.\n"
               "- Children should play outside every day.")
    best = _ranked(embedder, "How many minutes of exercise do adults need?", [passage])[0]
    assert best.text == "Adults need 150 to 300 minutes of moderate activity a week."
    assert (best.passage, best.position) == (1, 1)


def test_a_quoted_myth_is_never_picked_on_its_own(embedder):
    passage = '- "Brown sugar is healthy." Not true. Brown sugar is still sugar to limit.'
    texts = [r.text for r in _ranked(embedder, "Is brown sugar healthy?", [passage])]
    assert texts == ["Brown sugar is still sugar to limit."]


def test_excerpts_keep_the_best_sentences_in_reading_order(embedder):
    passages = ["- Salt raises blood pressure.\n- Adults should eat under 5 g of salt a day.",
                "- Sugary drinks add free sugars.\n- Walking is good exercise for everyone."]
    ranked = _ranked(embedder, "How much salt can an adult eat each day?", passages)
    assert excerpts(ranked, 2) == {1: ["Salt raises blood pressure.",
                                       "Adults should eat under 5 g of salt a day."]}


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


def test_a_figure_that_changed_its_unit_is_caught():
    passages = ["Free sugars — Key facts\nKeep free sugars under 10 % of energy a day."]
    check = check_sentence("Keep free sugars under 10 g a day [1].", passages)
    assert not check.supported and "10 g" in check.reason
    assert check_sentence("Keep free sugars under 10% of energy a day [1].", passages).supported


def test_a_range_in_the_passage_still_gives_its_unit():
    assert check_sentence("Adults need at least 150 minutes of moderate-intensity aerobic "
                          "activity a week [1].", PASSAGES).supported


def test_a_flipped_negation_is_caught_in_every_language_form():
    passage = ("Adults should eat at least 400 g of fruit and vegetables a day. "
               "Potatoes and cassava do not count.")
    nearest = Closeness(0.95, nearby=passage, nearest="Potatoes and cassava do not count.")
    flipped = check_sentence("Potatoes and cassava count too [1].", [passage], [nearest], "en")
    assert not flipped.supported and "negates" in flipped.reason
    kept = check_sentence("Potatoes and cassava do not count [1].", [passage], [nearest], "en")
    assert kept.supported


def test_a_negation_the_passage_does_not_make_is_caught():
    passage = "Vaccines are safe and protect children from measles."
    nearest = Closeness(0.95, nearby=passage, nearest=passage)
    check = check_sentence("Vaccines are not safe and do not protect children from measles [1].",
                           [passage], [nearest], "en")
    assert not check.supported


def test_a_question_asking_for_a_figure_prefers_the_sentence_that_gives_one():
    import numpy as np

    sentences = (["Salt raises blood pressure and harms the heart.",
                  "Adults should eat less than 5 g of salt a day."],
                 np.array([[0.80, 0.0], [0.79, 0.0]]))
    question = np.array([1.0, 0.0])
    plain = rank_sentences(question, [sentences])
    figures = rank_sentences(question, [sentences], prefer_figures=True)
    assert plain[0].text.startswith("Salt raises")
    assert figures[0].text.startswith("Adults should eat less than 5 g")


def test_a_sentence_must_keep_every_figure_of_its_nearest_passage_sentence():
    # the 0.5B model's answer to "if I quit at 30, how many years do I gain?"
    passage = "Quitting at 60 still gains about 3 years of life."
    nearest = Closeness(0.93, nearby=passage, nearest=passage)
    dropped = check_sentence("You gain about 3 years of life [1].", [passage], [nearest], "en")
    assert not dropped.supported and "leaves out 60" in dropped.reason
    kept = check_sentence("Quitting at 60 gains about 3 years of life [1].", [passage],
                          [nearest], "en")
    assert kept.supported


def test_a_sentence_that_runs_three_passage_sentences_together_is_dropped():
    # the 0.5B model's Russian answer on diabetes, each figure true on its own
    passage = ("- Число людей с диабетом выросло с 200 млн в 1990 году до 830 млн в 2022 году.\n"
               "- В 2022 году диабет был у 14% взрослых в возрасте 18 лет и старше, тогда как "
               "в 1990 году — у 7%.\n"
               "- В 2022 году 59% взрослых в возрасте 30 лет и старше с диабетом не принимали "
               "лекарств от него.")
    merged = check_sentence("С 200 млн в 1990 году до 830 млн в 2022 году было 14% взрослых, "
                            "7% старше, 59% взрослых в возрасте 30 лет и старше с диабетом не "
                            "принимали лекарств от него. [1]", [passage])
    assert not merged.supported and "three or more" in merged.reason
    uncited = check_sentence(merged.sentence.removesuffix(" [1]"), [passage])
    assert not uncited.supported
    two = check_sentence("Число людей с диабетом выросло до 830 млн в 2022 году, и диабет был "
                         "у 14% взрослых. [1]", [passage])
    assert two.supported


def test_a_passage_sentence_from_a_bold_list_item_carries_no_markdown():
    assert passage_sentences("- **Type 1 diabetes**: the body makes too little insulin.") == [
        "Type 1 diabetes: the body makes too little insulin."]
