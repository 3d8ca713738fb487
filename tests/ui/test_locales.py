from __future__ import annotations

from dataclasses import fields

import pytest

from assistant.settings import SUPPORTED_LANGUAGES
from ui.formatting import history_pairs
from ui.locales import Locale, available_locales, load_locale


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_language_localizes_every_string(lang):
    locale = load_locale(lang)
    assert locale.code == lang
    for f in fields(Locale):
        assert getattr(locale, f.name), f"{lang}: '{f.name}' is empty"
    assert len(locale.examples) >= 3


WHO_NAME = {"en": "WHO", "fr": "OMS", "es": "OMS", "pt": "OMS", "ru": "ВОЗ",
            "ar": "منظمة الصحة العالمية", "zh": "世界卫生组织", "hi": "विश्व स्वास्थ्य संगठन"}


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_page_names_who_when_it_says_salus_is_not_affiliated(lang):
    assert WHO_NAME[lang] in load_locale(lang).about


def test_arabic_is_right_to_left_and_the_others_are_not():
    assert {loc.code for loc in available_locales() if loc.direction == "rtl"} == {"ar"}
    assert available_locales()[0].code == "en"


def test_history_pairs_come_from_gradio_messages():
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
                {"role": "user", "content": [{"type": "text", "text": "salt?"}]},
                {"role": "assistant", "content": "less"}, {"role": "user", "content": "x"}]
    assert history_pairs(messages) == [("hi", "hello"), ("salt?", "less")]
