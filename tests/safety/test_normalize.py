from __future__ import annotations

import pytest

from safety.normalize import fold_evasions, normalize
from tests.multilingual import AWKWARD


def test_invisible_characters_case_and_width_are_folded():
    assert normalize("ＫＩＬＬ\u200b  MYSELF\u202e") == "kill myself"


def test_latin_accents_go_but_other_scripts_keep_their_marks():
    assert normalize("Me SUICIDER, ¿sí?") == "me suicider, ¿si?"
    assert normalize("मैं मरना चाहता हूँ") == "मैं मरना चाहता हूँ"


def test_arabic_diacritics_and_letter_forms_are_folded():
    assert normalize("أُرِيدُ أنْ أنتحرَ") == "اريد ان انتحر"


def test_evasions_are_undone_without_touching_figures():
    assert fold_evasions("i want to k i l l mys3lf") == "i want to kill myself"
    assert fold_evasions("150 minutes") == "150 minutes"


@pytest.mark.parametrize(("name", "text"), AWKWARD)
def test_awkward_input_never_crashes(name, text):
    assert isinstance(fold_evasions(normalize(text)), str)
