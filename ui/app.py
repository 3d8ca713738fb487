"""The web app. Wires the Assistant and the desks to Gradio; decides nothing itself.

The public chat tab needs no login: answers stream in as they are verified,
and the sources they cite appear under the chat as soon as they are cited;
the language picker switches every string on the page (Arabic right to left)
and tells the assistant which language to expect. The curation and evaluation
tabs (ui/staff.py) sit behind a login and check the role on the server in
every handler.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import gradio as gr

from assistant.pipeline import Assistant
from assistant.reply import Draft, Reply
from assistant.settings import Settings
from safety.helplines import load_countries
from safety.verdict import ANSWER, CRISIS
from ui.desk import CurationDesk, Progress
from ui.evaluation import EvaluationDesk
from ui.feedback import FeedbackStore, feedback_for
from ui.formatting import history_pairs, sources_markdown
from ui.locales import Locale, available_locales, load_locale

log = logging.getLogger(__name__)


# Runs in the browser before `localize`: the whole page turns right to left for Arabic.
_SET_DIRECTION = """(lang) => {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  return lang;
}"""


_CSS = ("[dir=rtl] .prose, [dir=rtl] textarea { text-align: right; }\n"
        "#salus-crisis-banner { background: #fde8e8; border-left: 6px solid #c81e1e;"
        " padding: 0.5em 1em; }")
# Options for `launch()` wherever the app is served (here and in the browser tests).
LAUNCH_OPTIONS: dict[str, Any] = {"footer_links": ["settings"], "css": _CSS}


def _header(locale: Locale) -> str:
    return f"# {locale.title}\n{locale.tagline}"


def _kinds(locale: Locale) -> list[tuple[str, str]]:
    return list(zip(locale.report_kinds, ("wrong_fact", "unsafe", "other"), strict=True))


def build_app(assistant: Assistant, feedback: FeedbackStore,
              curation: CurationDesk | None = None,
              evaluation: EvaluationDesk | None = None) -> Any:
    """The Gradio Blocks app for `assistant`; ratings and reports go to `feedback`.

    With `curation` and `evaluation`, the staff tabs are added beside the chat.
    """
    from ui.staff import curation_tab, evaluation_tab

    with gr.Blocks(title="Salus") as app:
        token = gr.State(None)  # the staff session token, server side
        with gr.Tabs(elem_id="salus-tabs"):
            with gr.Tab("Chat", id="chat", elem_id="salus-tab-chat"):
                _chat_tab(assistant, feedback)
            if curation is not None:
                with gr.Tab("Curation", id="curation", elem_id="salus-tab-curation"):
                    curation_tab(curation, token)
            if evaluation is not None:
                with gr.Tab("Evaluation", id="evaluation", elem_id="salus-tab-evaluation"):
                    evaluation_tab(evaluation, token)
    return app


def _chat_tab(assistant: Assistant, feedback: FeedbackStore) -> None:
    """The public chat, its pickers, sources, examples and feedback."""
    locales = available_locales()
    en = load_locale("en")
    countries = sorted(load_countries().values(), key=lambda c: c.name)
    with gr.Row():
        header = gr.Markdown(_header(en), elem_id="salus-header")
        language = gr.Dropdown(choices=[(loc.language_name, loc.code) for loc in locales],
                               value="en", label=en.language_label, elem_id="salus-language",
                               scale=0, min_width=180)
    about = gr.Markdown(en.about, elem_id="salus-about")
    country = gr.Dropdown(choices=[("—", "")] + [(f"{c.name} ({c.code})", c.code)
                                                for c in countries],
                          value="", label=en.country_label, elem_id="salus-country")
    banner = gr.Markdown("", visible=False, elem_id="salus-crisis-banner")
    chat = gr.Chatbot(elem_id="salus-chat", height=420, placeholder=en.thinking,
                      show_label=False)
    sources = gr.Markdown("", elem_id="salus-sources")
    with gr.Row():
        box = gr.Textbox(placeholder=en.placeholder, show_label=False, scale=5,
                         elem_id="salus-input", autofocus=True)
        send = gr.Button(en.send, variant="primary", scale=1, elem_id="salus-send")
        clear = gr.Button(en.clear, scale=1, elem_id="salus-clear")
    with gr.Accordion(en.report_label, open=False, elem_id="salus-report") as report:
        kind = gr.Radio(choices=_kinds(en), value="wrong_fact", show_label=False,
                        elem_id="salus-report-kind")
        consent = gr.Checkbox(value=False, label=en.report_consent,
                              elem_id="salus-report-consent")
        report_send = gr.Button(en.report_send, elem_id="salus-report-send")
        thanks = gr.Markdown("", elem_id="salus-report-thanks")
    last = gr.State(None)  # the Reply as a dict (its sources while it streams), for feedback
    # A Dataset's label does not follow gr.update, so the heading is its own Markdown.
    examples_heading = gr.Markdown(f"**{en.examples_label}**", elem_id="salus-examples-label")
    examples = gr.Dataset(components=[box], samples=[[q] for q in en.examples],
                          show_label=False, elem_id="salus-examples")

    def respond(message: str, messages: list[dict[str, Any]], lang: str, where: str
                ) -> Iterator[tuple[Any, ...]]:
        hidden = gr.update(value="", visible=False)
        if not message or not message.strip():
            yield messages, "", "", hidden, gr.update()
            return
        history = history_pairs(messages)
        messages = [*messages, {"role": "user", "content": message},
                    {"role": "assistant", "content": load_locale(lang).thinking}]
        yield messages, "", "", hidden, None  # a report from now on is about this answer
        for item in assistant.stream(message, history, ui_language=lang,
                                     country=where or None):
            if isinstance(item, Reply):
                messages[-1] = {"role": "assistant", "content": item.text}
                shown = gr.update(value=f"### {load_locale(item.language).crisis_banner}",
                                  visible=True) if item.action == CRISIS else hidden
                yield (messages, sources_markdown(item.citations, load_locale(lang)), "",
                       shown, item.to_dict())
            else:  # a Draft lists its sources at once; other texts have none yet
                messages[-1] = {"role": "assistant", "content": str(item)}
                cited = item.citations if isinstance(item, Draft) else ()
                so_far = {"action": ANSWER, "citations": [asdict(c) for c in cited]}
                yield (messages, sources_markdown(cited, load_locale(lang)), "", gr.update(),
                       so_far if cited else None)

    def localize(lang: str) -> tuple[Any, ...]:
        loc = load_locale(lang)
        return (_header(loc), loc.about,
                gr.update(placeholder=loc.placeholder),
                gr.update(value=loc.send), gr.update(value=loc.clear),
                gr.update(label=loc.language_label), gr.update(label=loc.country_label),
                gr.update(rtl=loc.direction == "rtl", placeholder=loc.thinking),
                gr.update(samples=[[q] for q in loc.examples]), f"**{loc.examples_label}**",
                gr.update(label=loc.report_label),
                gr.update(choices=_kinds(loc)), gr.update(label=loc.report_consent),
                gr.update(value=loc.report_send))

    inputs = [box, chat, language, country]
    outputs = [chat, sources, box, banner, last]
    box.submit(respond, inputs, outputs, api_name="ask")
    send.click(respond, inputs, outputs, api_visibility="private")
    clear.click(lambda: ([], "", gr.update(visible=False)), None, [chat, sources, banner],
                api_visibility="private")
    examples.click(lambda sample: sample[0], examples, box, api_visibility="private")

    def turn(messages: list[dict[str, Any]]) -> tuple[str, str]:
        pairs = history_pairs(messages)
        return pairs[-1] if pairs else ("", "")

    def rate(data: gr.LikeData, messages: list[dict[str, Any]],
             reply: dict[str, Any] | None) -> None:
        feedback.record(feedback_for("up" if data.liked else "down", reply, *turn(messages),
                                     consent=False))

    def send_report(what: str, keep: bool, messages: list[dict[str, Any]],
                    reply: dict[str, Any] | None, lang: str) -> str:
        feedback.record(feedback_for(what, reply, *turn(messages), consent=keep))
        return load_locale(lang).report_thanks

    chat.like(rate, [chat, last], None, api_visibility="private")
    report_send.click(send_report, [kind, consent, chat, last, language], thanks,
                      api_visibility="private")
    language.change(localize, language,
                    [header, about, box, send, clear, language, country, chat, examples,
                     examples_heading, report, kind, consent, report_send],
                    api_visibility="private", js=_SET_DIRECTION)


def serve(settings: Settings, host: str, port: int) -> None:
    """Load the models, then serve the app until interrupted."""
    assistant = Assistant.from_settings(settings)
    assistant.warm_up()
    feedback = FeedbackStore(settings.home / "feedback.sqlite3")
    curation, evaluation = staff_desks(settings, assistant, feedback)
    app = build_app(assistant, feedback, curation, evaluation)
    log.info("serving on http://%s:%d", host, port)
    app.queue(default_concurrency_limit=1).launch(server_name=host, server_port=port,
                                                  show_error=True, **LAUNCH_OPTIONS)


def staff_desks(settings: Settings, assistant: Assistant,
                feedback: FeedbackStore) -> tuple[CurationDesk, EvaluationDesk]:
    """The curation and evaluation desks over this installation's store and index.

    A rebuild from the curation tab re-indexes the live documents and makes
    `assistant` answer from the new index at once.
    """
    from knowledge_base.accounts import Sessions
    from knowledge_base.publish import rebuild_index
    from knowledge_base.store import Store
    from retrieval.index import load_index

    store = Store(settings.store_path)
    sessions = Sessions(store)

    def rebuild(progress: Progress | None) -> Any:
        report = rebuild_index(store, assistant.embedder, settings.index_dir, progress)
        assistant.use_index(load_index(settings.index_dir, assistant.embedder.model_id))
        return report

    return (CurationDesk(store, sessions, feedback, rebuild),
            EvaluationDesk(assistant, sessions))
