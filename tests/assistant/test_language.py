from __future__ import annotations

import pytest

from assistant.language import LangdetectDetector, script_counts
from tests.multilingual import AWKWARD, QUESTIONS

detector = LangdetectDetector()


@pytest.mark.parametrize(("lang", "question", "crisis"), QUESTIONS)
def test_a_question_is_detected_in_its_language(lang, question, crisis):
    assert detector.detect(question).language == lang


@pytest.mark.parametrize(("name", "text"), AWKWARD)
def test_awkward_input_gives_a_supported_language(name, text):
    assert detector.detect(text).language in detector.languages


def test_short_text_falls_back_to_the_conversation_then_the_ui_language():
    assert detector.detect("¿y el alcohol?", context_language="es").language == "es"
    assert detector.detect("ok merci", ui_language="fr").language == "fr"
    assert detector.detect("ok").language == "en"


def test_script_decides_without_langdetect():
    assert detector.detect("Привет").method == "script"
    assert script_counts("abc 中文") == {"latin": 3, "zh": 2}


def test_same_text_always_gives_the_same_answer():
    text = "Quanto sal posso comer por dia sem fazer mal?"
    assert len({detector.detect(text).language for _ in range(5)}) == 1


@pytest.mark.parametrize(("text", "lang"), [
    ("Do vaccines cause autism?", "en"), ("Is vaping safe?", "en"),
    ("How do I get rid of dandruff?", "en"), ("salt per day?", "en"),
    ("c'est quoi le diabète", "fr"), ("la vacuna es segura", "es"),
    ("a vacina é segura?", "pt"), ("Quanto sal por dia?", "pt")])
def test_a_short_question_is_read_by_its_common_words(text, lang):
    assert detector.detect(text).language == lang


@pytest.mark.parametrize(("text", "lang"), [
    ("mujhe din me kitna namak khana chahiye", "hi"), ("roz kitna paani peena chahiye", "hi"),
    ("ana ta3ban w mesh 3aref anam", "ar"), ("kam mel7 lazem akol fel yom", "ar")])
def test_hindi_and_arabic_in_latin_letters_are_read_as_hindi_and_arabic(text, lang):
    guess = detector.detect(text)
    assert (guess.language, guess.method) == (lang, "romanized")


@pytest.mark.parametrize("text", ["I need to eat more fruit and vegetables every day",
                                  "Me siento muy cansada hoy", "main course ideas for dinner"])
def test_ordinary_latin_text_is_not_taken_for_romanized_hindi_or_arabic(text):
    assert detector.detect(text).method != "romanized"
