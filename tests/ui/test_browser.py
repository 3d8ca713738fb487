"""The web page in Debian's Chromium, driven by Playwright, against the real app.

The app runs in this process on a free port with the test assistant (real
e5, real index of the shipped content, SmolLM2). Screenshots are kept in
`test-artifacts/` for a person to look at.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    from ui.feedback import FeedbackStore

    return FeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")


@pytest.fixture(scope="module")
def url(assistant, feedback):
    from ui.app import LAUNCH_OPTIONS, build_app

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (make test does it)")
    port = _free_port()
    app = build_app(assistant, feedback)
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True,
                       quiet=True, **LAUNCH_OPTIONS)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _open(browser, url, pick: dict[str, str] | None = None):
    """A fresh page on the app, with dropdowns (#salus-language, #salus-country) picked."""
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    page.goto(url)
    for element, option in (pick or {}).items():
        page.locator(f"#{element} input").click()
        page.get_by_role("option", name=option).click()
    return page


def _ask(page, question: str) -> None:
    box = page.locator("#salus-input textarea")
    box.fill(question)
    box.press("Enter")


def test_a_typed_question_gets_a_streamed_cited_answer(url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _open(browser, url)
    page.get_by_text("not affiliated with or endorsed by WHO").wait_for()
    _ask(page, "How much physical activity do adults need?")
    sources = page.locator("#salus-sources a", has_text="Physical activity")
    sources.first.wait_for(timeout=120_000)
    answer = page.locator("#salus-chat").inner_text()
    assert "150" in answer and "[1]" in answer
    assert sources.first.get_attribute("href") == (
        "https://www.who.int/news-room/fact-sheets/detail/physical-activity")
    page.screenshot(path=str(ARTIFACTS / "chat-answer-en.png"), full_page=True)


def test_the_language_picker_localizes_the_page_right_to_left_for_arabic(url, browser):
    page = _open(browser, url, {"salus-language": "العربية"})
    page.get_by_text("منظمة الصحة العالمية").first.wait_for()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.locator("#salus-examples-label", has_text="أمثلة").wait_for()
    assert page.locator("#salus-input textarea").get_attribute("placeholder") != (
        "Ask a health question…")
    page.screenshot(path=str(ARTIFACTS / "chat-arabic.png"), full_page=True)


def test_a_crisis_shows_the_banner_and_the_help_line_of_the_chosen_country(url, browser):
    page = _open(browser, url, {"salus-country": "France (FR)"})
    _ask(page, "I want to kill myself")
    page.locator("#salus-crisis-banner", has_text="emergency number").wait_for(timeout=30_000)
    answer = page.locator("#salus-chat").inner_text()
    assert "3114" in answer and "findahelpline.com" in answer
    page.screenshot(path=str(ARTIFACTS / "crisis-france.png"), full_page=True)


def test_a_question_in_arabic_gets_a_cited_answer_in_arabic(url, browser):
    page = _open(browser, url, {"salus-language": "العربية"})
    page.get_by_text("منظمة الصحة العالمية").first.wait_for()
    _ask(page, "كم دقيقة من النشاط البدني يحتاج البالغون في الأسبوع؟")
    page.locator("#salus-sources a").first.wait_for(timeout=120_000)
    answer = page.locator("#salus-chat").inner_text()
    assert "150" in answer and "[1]" in answer
    assert any("\u0600" <= ch <= "\u06ff" for ch in answer.split("؟", 1)[-1])
    assert page.locator("#salus-sources a").first.get_attribute("href").startswith(
        "https://www.who.int/")
    page.screenshot(path=str(ARTIFACTS / "chat-answer-ar.png"), full_page=True)


def test_a_problem_report_keeps_the_text_only_with_consent(url, browser, feedback):
    page = _open(browser, url)
    _ask(page, "How much salt should adults eat a day?")
    page.locator("#salus-sources a").first.wait_for(timeout=120_000)
    page.locator("#salus-report").click()
    page.get_by_label("Wrong fact").check()
    page.locator("#salus-report-send").click()
    page.locator("#salus-report-thanks", has_text="Thank you").wait_for()
    page.locator("#salus-report-consent input").check()
    page.locator("#salus-report-send").click()
    page.wait_for_timeout(1500)
    reports = [f for f in feedback.all() if f.kind == "wrong_fact"]
    assert len(reports) == 2
    assert reports[0].question is None and reports[0].doc_ids
    assert reports[1].question == "How much salt should adults eat a day?" and reports[1].answer
