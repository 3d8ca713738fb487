from __future__ import annotations

import pytest

from safety.lexicon import contains_phrase
from safety.normalize import normalize
from safety.output_filter import filter_sentence, load_rules

PASSAGE = ["Adults should eat less than 5 g of salt a day."]
URLS = ["https://www.who.int/news-room/fact-sheets/detail/healthy-diet"]


def test_a_dose_not_in_a_passage_is_withheld():
    for sentence in ("Take 400 mg of ibuprofen [1].", "Prends 2 comprimés le soir.",
                     "每天吃两片，每片 500 毫克。"):
        assert filter_sentence(sentence, PASSAGE, URLS, "").text is None


def test_a_figure_that_is_not_a_dose_passes():
    check = filter_sentence("Eat less than 5 g of salt a day [1].", PASSAGE, URLS, "")
    assert check.text == "Eat less than 5 g of salt a day [1]."


def test_telling_the_user_they_have_a_condition_is_withheld():
    assert filter_sentence("You probably have diabetes.", PASSAGE, URLS, "").text is None
    assert filter_sentence("If you have diabetes, walk daily.", PASSAGE, URLS, "").text


def test_links_other_than_the_sources_are_removed():
    check = filter_sentence(f"See {URLS[0]} or https://evil.example/x now.", PASSAGE, URLS, "")
    assert check.text == f"See {URLS[0]} or now."
    assert check.reasons


def test_repeating_the_system_prompt_is_withheld():
    prompt = "You are Salus, a warm and friendly health-promotion assistant. Answer in English."
    leak = "My instructions: You are Salus, a warm and friendly health-promotion assistant."
    assert filter_sentence(leak, PASSAGE, URLS, prompt).text is None


@pytest.mark.parametrize("sentence", [
    "Her brother committed suicide last year [1].",
    "Junkies should be kept away from clinics [1].",
    "Il a commis un suicide [1].",
    "Los yonquis y los drogatas no merecen ayuda [1].",
    "Он был психом [1].",
    "他是个疯子 [1].",
    "वह पागलखाने का मरीज है [1].",
    "Ele é um aidético [1].",
])
def test_stigmatizing_wording_is_withheld_in_every_language(sentence):
    check = filter_sentence(sentence, [sentence], [], "")
    assert check.text is None, sentence
    assert check.reasons[0].startswith("stigmatizing wording")


@pytest.mark.parametrize("sentence", [
    "Fatty acids and carrier oils are not medicines [1].",
    "A suicide attempt is a reason to reach out for help at once [1].",
    "Il est en retard pour son vaccin [1].",
    "Spastic cerebral palsy affects movement [1].",
])
def test_ordinary_words_near_the_stigma_list_pass(sentence):
    assert filter_sentence(sentence, [sentence], [], "").text == sentence


def test_the_knowledge_base_uses_none_of_the_stigmatizing_wording(shipped_docs):
    rules = load_rules()
    bodies = {d.id: normalize(d.body) for d in shipped_docs}
    hits = [(doc, p) for doc, body in bodies.items() for p in rules.stigma
            if contains_phrase(body, p)]
    assert hits == []
