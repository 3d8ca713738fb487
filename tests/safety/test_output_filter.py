from __future__ import annotations

from safety.output_filter import filter_sentence

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
