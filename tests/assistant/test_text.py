from __future__ import annotations

import pytest

from assistant.text import (
    ascii_digits,
    asks_quantity,
    citations,
    content_tokens,
    negated,
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


@pytest.mark.parametrize(("language", "figure", "other"), [
    ("en", "How many minutes of exercise do adults need?", "Why is exercise good?"),
    ("fr", "Combien de sel peut-on manger par jour ?", "Pourquoi manger moins de sel ?"),
    ("es", "¿Cuántas frutas hay que comer al día?", "¿Por qué comer fruta?"),
    ("pt", "Quantos adultos têm obesidade?", "O que é a obesidade?"),
    ("ru", "Сколько соли можно есть в день?", "Чем вредна соль?"),
    ("ar", "كم دقيقة يجب أن أمشي يوميا؟", "لماذا المشي مفيد؟"),
    ("hi", "रोज़ कितना नमक खाना चाहिए?", "नमक से क्या नुकसान है?"),
    ("zh", "每天应该吃多少盐？", "为什么要少吃盐？"),
])
def test_a_question_for_a_figure_is_told_apart_in_every_language(language, figure, other):
    assert asks_quantity(figure, language)
    assert not asks_quantity(other, language)


@pytest.mark.parametrize(("language", "denies", "affirms"), [
    ("en", "Potatoes do not count.", "Potatoes count."),
    ("fr", "Les pommes de terre ne comptent pas.", "Les pommes de terre comptent."),
    ("es", "Las papas no cuentan.", "Las papas cuentan."),
    ("pt", "As batatas não contam no total.", "As batatas contam no total."),
    ("ru", "Картофель не учитывается.", "Картофель учитывается."),
    ("ar", "البطاطس لا تحسب.", "البطاطس تحسب."),
    ("hi", "आलू नहीं गिने जाते।", "आलू गिने जाते हैं।"),
    ("zh", "土豆不算在内。", "土豆算在内。"),
])
def test_a_negation_is_seen_in_every_language(language, denies, affirms):
    assert negated(denies, language)
    assert not negated(affirms, language)


def test_phrases_that_only_look_negative_are_not_negations():
    assert not negated("Adults need no less than 150 minutes.", "en")
    assert not negated("Не менее 150 минут в неделю.", "ru")
    assert not negated("非常重要，不同的人需要不同的量。", "zh")
    assert not negated("Coma no más de 5 g de sal.", "es")
