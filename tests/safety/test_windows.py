from __future__ import annotations

import pytest

from safety.windows import MAX_SENTENCE, MAX_WINDOWS, sentences, windows
from tests.multilingual import AWKWARD, LONG_CRISIS_POST


def test_a_long_post_is_read_sentence_by_sentence():
    parts = windows(LONG_CRISIS_POST)
    assert len(parts) >= 5
    assert any("tonight is the night" in p and "Work has been" not in p for p in parts)


def test_a_one_sentence_message_has_no_windows():
    assert windows("How much salt should I eat a day?") == []


@pytest.mark.parametrize("text", ["今天很累。我想结束一切。谢谢你听我说。",
                                  "أنا متعب. لا أريد أن أعيش بعد الآن؟ شكرا",
                                  "मैं थक गया हूँ। अब जीना नहीं चाहता। धन्यवाद।"])
def test_sentences_end_in_every_script(text):
    assert len(sentences(text)) == 3


@pytest.mark.parametrize("text", ["word " * 20_000, "好" * 100_000, "I am fine. " * 10_000])
def test_a_huge_message_gets_a_bounded_number_of_short_windows(text):
    parts = windows(text)
    assert 1 < len(parts) <= MAX_WINDOWS
    assert max(len(p) for p in parts) <= 2 * MAX_SENTENCE


def test_a_huge_message_is_read_at_its_start_and_at_its_end():
    text = "I start here. " + "I walk every day and eat well. " * 3000 + "Tonight I end it."
    parts = windows(text)
    assert parts[0].startswith("I start here.") and parts[-1].endswith("Tonight I end it.")


def test_a_post_of_thirty_sentences_is_read_whole():
    text = " ".join(f"This is sentence number {i} of my long post." for i in range(30))
    assert "".join("".join(windows(text)).split()) == "".join(text.split())


@pytest.mark.parametrize(("name", "text"), AWKWARD)
def test_awkward_input_never_breaks_windows(name, text):
    assert isinstance(windows(text), list)
