"""Nothing a person wrote reaches a log as they wrote it: personal details are redacted."""

import logging

import pytest

from safety.redact import RedactingFilter, redact


@pytest.mark.parametrize(("text", "gone", "placeholder"), [
    ("write to maria.lopez@example.org please", "maria.lopez@example.org", "[email]"),
    ("call me on +34 612 345 678", "612 345 678", "[phone]"),
    ("мой телефон 8 (912) 345-67-89", "345-67-89", "[phone]"),
    ("رقمي 0501234567", "0501234567", "[phone]"),
    ("my passport is X1234567", "X1234567", "[id]"),
    ("IBAN DE89 3704 0044 0532 0130 00", "3704 0044", "[id]"),
    ("I live at 221B Baker Street, London", "Baker", "[address]"),
    ("j'habite 12 rue de la Paix", "rue de la Paix", "[address]"),
    ("vivo en Calle Mayor 5", "Mayor", "[address]"),
    ("My name is John Smith and I feel low", "John", "[name]"),
    ("je m'appelle Jean Dupont", "Dupont", "[name]"),
    ("me llamo Ana", "Ana", "[name]"),
    ("meu nome é Joana Silva", "Joana", "[name]"),
    ("меня зовут Иван", "Иван", "[name]"),
    ("اسمي أحمد", "أحمد", "[name]"),
    ("我叫王伟", "王伟", "[name]"),
    ("मेरा नाम राहुल है", "राहुल", "[name]"),
])
def test_personal_details_are_replaced_by_a_placeholder(text: str, gone: str,
                                                        placeholder: str) -> None:
    out = redact(text)
    assert gone not in out
    assert placeholder in out


@pytest.mark.parametrize("text", [
    "How much salt should I eat a day? WHO says less than 5 g.",
    "I am worried about my blood pressure",
    "I'm 45 years old and want to exercise 150 minutes a week",
    "Adults need 150-300 minutes of moderate activity in 2024",
])
def test_ordinary_health_questions_pass_unchanged(text: str) -> None:
    assert redact(text) == text


def test_a_log_record_is_redacted_arguments_included(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("salus.test.redact")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.DEBUG, logger="salus.test.redact"):
        log.debug("message: %s", "my name is Ana Lima, ana@example.org")
    assert "Ana" not in caplog.text and "ana@example.org" not in caplog.text
    assert "message: my name is [name], [email]" in caplog.text
