from __future__ import annotations

from assistant.text import (
    ascii_digits,
    citations,
    content_tokens,
    number_in,
    numbers,
    renumber_citations,
    split_sentences,
)


def test_sentences_keep_their_citations_in_every_script():
    text = "Walk daily. [1] Mangez moins de sel [2]. 少吃盐。[1] قلل الملح؟ कम नमक खाएं।"
    assert split_sentences(text) == [
        "Walk daily. [1]", "Mangez moins de sel [2].", "少吃盐。[1]", "قلل الملح؟", "कम नमक खाएं।"]


def test_empty_text_has_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("  \n ") == []


def test_citations_are_read_in_order_without_repeats():
    assert citations("A [2] b [1, 2] c [3]") == [2, 1, 3]
    assert citations("no citation") == []


def test_renumbering_drops_unknown_markers():
    assert renumber_citations("Eat fruit [3] and walk [5].", {3: 1}) == "Eat fruit [1] and walk."


def test_figures_compare_across_digit_systems():
    assert ascii_digits("١٥٠") == "150"
    assert numbers("١٥٠ دقيقة [1]") == ["150"]
    assert number_in("150", "at least 150–300 minutes")
    assert not number_in("15", "at least 150 minutes")
    assert number_in("2,5", "2.5 hours")


def test_tokens_work_without_spaces():
    assert "吃盐" in content_tokens("少吃盐")
    assert content_tokens("The 150 minutes") == {"the", "minutes"}
