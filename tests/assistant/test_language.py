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
