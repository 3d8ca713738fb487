from __future__ import annotations

import pytest

from assistant.settings import SUPPORTED_LANGUAGES
from safety.messages import KEYS, load_messages


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_language_has_every_message(lang):
    messages = load_messages(lang)
    assert messages.language == lang
    for key in KEYS:
        assert len(messages.text(key)) > 20, f"{lang}: [{key}] is too short"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_crisis_text_points_to_an_international_directory_not_one_country(lang):
    text = load_messages(lang).text("crisis_support")
    assert "findahelpline.com" in text or "iasp.info" in text
