"""The Salus pipeline: one message in, one Reply out, in a fixed line of stages.

language → input triage → retrieval → generation → grounding → output filter.
Plain calls, top to bottom. Anything but `answer` from triage gets a vetted,
human-written message and no generation. An answer opens with the passage
sentence nearest in meaning to the question (shown at once, cited); the model
reads only the few passage sentences nearest the question, and its text is
released one sentence at a time, each only after it passed grounding and the
output filter, so the user never sees an unchecked claim. A model sentence
that nearly copies a passage sentence is shown as that sentence. If too
little of the model's text survives, the answer is the nearest passage
sentences alone.

Example:
    >>> bot = Assistant.from_settings(load_settings())  # doctest: +SKIP
    >>> bot.reply("How much physical activity do adults need?").action  # doctest: +SKIP
    'answer'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.generation import Generator, TransformersGenerator
from assistant.grounding import (
    RankedSentence,
    check_sentence,
    closeness,
    excerpts,
    grafted_words,
    is_complete,
    near_copy,
    passage_sentences,
    rank_sentences,
    too_little_left,
)
from assistant.language import LangdetectDetector, LanguageDetector
from assistant.models import model_folder
from assistant.prompting import build_messages, load_template, strip_echo
from assistant.reply import Citation, Draft, Reply, SafetyInfo, Timings
from assistant.settings import Settings
from assistant.text import (
    asks_quantity,
    leans_on_previous,
    number_in,
    numbers,
    renumber_citations,
    split_sentences,
    strip_citations,
)
from retrieval.chunking import Chunk
from retrieval.embedder import E5Embedder, Embedder
from retrieval.index import SearchIndex, load_index
from retrieval.retriever import Retriever, ScoredChunk, query_vector
from safety.helplines import helpline_text
from safety.messages import load_messages
from safety.output_filter import filter_sentence
from safety.reader import RiskReader
from safety.scope import ScopeClassifier
from safety.triage import Triage
from safety.verdict import (
    ANSWER,
    CRISIS,
    EMERGENCY,
    NO_INFORMATION,
    OUT_OF_SCOPE,
    PROFESSIONAL,
    Verdict,
)

log = logging.getLogger(__name__)
_SENTENCE_CACHE = 4096
# The model reads only the passage sentences nearest in meaning to the question
# (grouped by passage, in reading order), not whole passages: on `salus bench
# generation` the prompt fell from about 1400 tokens to about 400 and its
# prefill time with it; grounding still checks against the whole passages.
CONTEXT_SENTENCES = 8
EARLY_STOP = 2  # the model's first sentences all failed: stop it, answer from passages
EXTRACTIVE_SENTENCES = 3
REPEAT_SIMILARITY = 0.95  # a generated sentence this close to one shown says it again
# When the second nearest sentence is this close to the first (e5 cosine plus the
# figure prior), the answer opens with both: "adults" or "children", "salt" or
# "fruit" is then a near tie. On the answers suite, 65 of 254 questions; the
# opening holds the expected fact .92 of the time instead of .88.
TIE_MARGIN = 0.01
# A top-up sentence from another document than the nearest sentence's is shown
# only within this of its score (the Hindi heart-disease question was topped up
# with COVID-19 deaths at 0.870 against 0.942).
OTHER_DOCUMENT_MARGIN = 0.05
History = Sequence[tuple[str, str]]


@dataclass
class _Clock:
    """Accumulates stage times in ms for one reply (internal, per call)."""

    start: float = field(default_factory=time.perf_counter)
    spent: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.spent[stage] = self.spent.get(stage, 0.0) + (now - since) * 1000
        return now

    def timings(self) -> Timings:
        return Timings(**self.spent, total=(time.perf_counter() - self.start) * 1000)


@dataclass(frozen=True)
class Context:
    """The passages an answer draws on and the excerpts of them the model reads."""

    passages: tuple[ScoredChunk, ...]  # the retrieved passages that have an excerpt
    excerpts: tuple[str, ...]  # one per kept passage: title, heading, nearest sentences
    nearest: tuple[tuple[list[str], np.ndarray], ...]  # each kept passage's sentences
    ranked: tuple[RankedSentence, ...]  # every passage sentence, nearest first
    position: dict[int, int]  # retrieved passage number -> number in the prompt


class Assistant:
    """Answers health questions from the vetted knowledge base."""

    def __init__(self, settings: Settings, *, detector: LanguageDetector, triage: Triage,
                 embedder: Embedder, retriever: Retriever, generator: Generator,
                 scope: ScopeClassifier) -> None:
        self.settings = settings
        self.detector = detector
        self.triage = triage
        self.embedder = embedder
        self.retriever = retriever
        self.generator = generator
        self.scope = scope
        self._sentence_cache: dict[str, tuple[list[str], np.ndarray]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        """The real pipeline: e5 embedder, the live index, the configured generator."""
        embedder = E5Embedder(threads=settings.threads)
        index = load_index(settings.index_dir, embedder.model_id)
        triage = Triage(reader=RiskReader(embedder))
        return cls(settings, detector=LangdetectDetector(), triage=triage, embedder=embedder,
                   retriever=Retriever(index, embedder, settings.top_k, settings.min_score),
                   generator=TransformersGenerator(model_folder(settings), settings.threads,
                                                            settings.weights),
                   scope=ScopeClassifier(embedder))

    def use_index(self, index: SearchIndex) -> None:
        """Answer from `index` from the next question on (after a rebuild)."""
        self.retriever = Retriever(index, self.embedder, self.settings.top_k,
                                   self.settings.min_score)
        self._sentence_cache.clear()

    def warm_up(self) -> None:
        """Load every model now rather than on the first question."""
        self.triage.warm_up()
        self.scope.warm_up()
        self.detector.detect("warm up the language profiles")
        warm = getattr(self.generator, "warm_up", None)
        if warm is not None:
            warm()

    def reply(self, message: str, history: History = (), ui_language: str | None = None,
              country: str | None = None) -> Reply:
        """The complete Reply for `message`."""
        final = None
        for item in self.stream(message, history, ui_language, country):
            final = item
        assert isinstance(final, Reply)
        return final

    def stream(self, message: str, history: History = (), ui_language: str | None = None,
               country: str | None = None) -> Iterator[str | Reply]:
        """Yield the text shown so far as it grows, then the final Reply.

        `country` (ISO code, chosen by the user) adds that country's vetted
        emergency number and help lines to crisis and emergency replies.
        """
        clock = _Clock()
        log.debug("message: %s", message)
        t = time.perf_counter()
        context = self.detector.detect(history[-1][0]).language if history else None
        guess = self.detector.detect(message, context, ui_language)
        t = clock.add("language", t)
        message_vector = self.embedder.embed_queries([message])[0]
        verdict = self.triage.check(message, history, message_vector, guess.language)
        t = clock.add("safety_in", t)
        # Too short to tell? The language of the matched safety phrases says it.
        language = verdict.language if guess.method == "fallback" and verdict.language \
            else guess.language
        messages = load_messages(language)
        if verdict.action not in (ANSWER, PROFESSIONAL):
            text = messages.text(verdict.action)
            if verdict.action in (CRISIS, EMERGENCY) and country:
                text = f"{text}\n\n{helpline_text(country, messages.language)}".strip()
            yield text
            yield self._finish(text, language, verdict, (), clock)
            return

        vector = query_vector(self.embedder, message, history, message_vector)
        found = self.retriever.search(message, vector, language)
        t = clock.add("retrieval", t)
        prefix = messages.text(PROFESSIONAL) + "\n\n" if verdict.action == PROFESSIONAL else ""
        if not found.passages:
            if verdict.action == PROFESSIONAL:
                action = PROFESSIONAL
            else:
                action = NO_INFORMATION if self.scope.is_health(vector) else OUT_OF_SCOPE
            clock.add("retrieval", t)
            text = prefix.strip() or messages.text(action)
            yield text
            yield self._finish(text, language, Verdict(action, verdict.category, verdict.reasons),
                               (), clock)
            return

        yield from self._answer(message, vector, language, found.passages, prefix, verdict,
                                clock)

    def _answer(self, question: str, vector: np.ndarray, language: str,
                passages: Sequence[ScoredChunk], prefix: str, verdict: Verdict,
                clock: _Clock) -> Iterator[str | Reply]:
        """Lead with the passage sentence nearest the question, then the model's
        verified sentences; the model reads only the sentences that matter."""
        ctx = self.context(vector, passages, asks_quantity(question, language))
        ranked, position, nearest = ctx.ranked, ctx.position, ctx.nearest
        passages = ctx.passages
        texts = [p.chunk.passage_text for p in passages]
        heads = [head(p.chunk) for p in passages]
        urls = sorted({p.chunk.source_url for p in passages})
        template = load_template(language)
        numbering: dict[int, int] = {}
        shown: list[str] = []
        shown_vectors: list[np.ndarray] = []
        generated: list[str] = []
        written: list[str] = []
        buffer = ""
        if prefix:
            yield prefix.strip()

        def show(sentence: str, cited_passages: Sequence[int], sentence_vector: np.ndarray,
                 at: int | None = None) -> str | None:
            """Show the sentence (at the end, or at index `at`); the text shown, or
            None when the output filter withholds it."""
            t0 = time.perf_counter()
            out = filter_sentence(sentence, texts, urls, template.system)
            clock.add("safety_out", t0)
            if out.text is None:
                log.info("withheld a sentence: %s", ", ".join(out.reasons))
                return None
            for n in cited_passages:
                if n not in numbering:  # two sections of one document are one source
                    doc = passages[n - 1].chunk.doc_id
                    numbering[n] = next(
                        (shown_n for m, shown_n in numbering.items()
                         if passages[m - 1].chunk.doc_id == doc),
                        len(set(numbering.values())) + 1)
            # Cite exactly the passages grounding found (a model's [n] may name none).
            marks = ", ".join(str(n) for n in cited_passages)
            text = renumber_citations(f"{strip_citations(out.text)} [{marks}]", numbering)
            place = len(shown) if at is None else at
            shown.insert(place, text)
            shown_vectors.insert(place, sentence_vector)
            return text

        def document(best: RankedSentence) -> str | None:
            n = position.get(best.passage)
            return None if n is None else passages[n - 1].chunk.doc_id

        def quote(best: RankedSentence) -> bool:
            """Show a passage's own sentence (the opening one, a near tie, the top-up's)
            unless it says again one shown; when it opens with "this" or "among
            them", right after the sentence before it (shown first if need be)."""
            n = position.get(best.passage)
            return n is not None and quote_at(n, best.position) is not None

        def quote_at(n: int, i: int) -> str | None:
            sentences, vectors = nearest[n - 1]
            if _repeated(vectors[i], sentences[i], shown_vectors, shown) is not None:
                return None
            if i > 0 and leans_on_previous(sentences[i], language):
                before = sentences[i - 1]
                j = _repeated(vectors[i - 1], before, shown_vectors, shown)
                if j is None:
                    show(before, (n,), vectors[i - 1])
                else:  # right after what it points at, wherever that was shown
                    return show(sentences[i], (n,), vectors[i], at=j + 1)
            return show(sentences[i], (n,), vectors[i])

        def release(sentence: str) -> bool:
            t0 = time.perf_counter()
            sentence = strip_echo(sentence, template, heads)
            plain = strip_citations(sentence)
            if not plain.strip():
                return False  # only an excerpt's head line, copied
            sentence_vector = self.embedder.embed_passages([plain])[0]
            if _repeated(sentence_vector, sentence, shown_vectors, shown) is not None:
                return False  # says again what is shown: neither kept nor a failure
            written.append(sentence)
            closes = [closeness(sentence_vector, sents, vecs) for sents, vecs in nearest]
            check = check_sentence(sentence, texts, closes, language)
            clock.add("grounding", t0)
            if not check.supported:
                log.debug("dropped sentence (%s)", check.reason)
                return False
            n = check.passages[0]
            if grafted_words(sentence, question, closes[n - 1].nearest):
                log.debug("dropped sentence (takes words from the question, not the passage)")
                return False
            copied = closes[n - 1]
            if near_copy(sentence, copied.nearest):  # its edits are the riskiest: the original
                if (quoted := quote_at(n, copied.nearest_at)) is not None:
                    generated.append(quoted)
                    return True
                written.pop()  # the original is shown already (or withheld): not a failure
                return False
            if (text := show(sentence, check.passages, sentence_vector)) is not None:
                generated.append(text)
                return True
            return False

        def shown_so_far() -> Draft:
            """The text shown so far and the sources its markers name."""
            by_new = {new: passages[old - 1].chunk for old, new in numbering.items()}
            return Draft(prefix + " ".join(shown),
                         tuple(Citation(n, c.doc_id, c.title, c.source_url, c.reviewed_on)
                               for n, c in sorted(by_new.items())))

        if ranked and quote(ranked[0]):
            if len(ranked) > 1 and ranked[0].score - ranked[1].score <= TIE_MARGIN:
                quote(ranked[1])  # two near-equal candidates: show both
            yield shown_so_far()
        t = time.perf_counter()
        stream = self.generator.stream(build_messages(question, ctx.excerpts, template),
                                       self.settings.max_new_tokens)
        try:
            for piece in stream:
                buffer += piece
                sentences = split_sentences(buffer)
                if len(sentences) < 2:
                    continue
                t = clock.add("generation", t)
                released = [release(s) for s in sentences[:-1]]
                buffer = buffer[buffer.rfind(sentences[-1]):]  # keep its trailing space
                t = time.perf_counter()
                if any(released):
                    yield shown_so_far()
                if len(written) >= EARLY_STOP and not generated:
                    log.info("the model's first sentences failed grounding; stopping it")
                    buffer = ""
                    break
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # stops the model when we leave early
        t = clock.add("generation", t)
        for sentence in split_sentences(buffer):
            if is_complete(sentence):
                release(sentence)

        if too_little_left(generated, written) or self._wrong_language(generated, language):
            log.info("generated answer too thin or in another language; using the passages")
            shown, shown_vectors, numbering = [], [], {}
        # A short answer is topped up with the next nearest passage sentences: the
        # nearest three hold the expected fact far more often than the first alone.
        # One from another document than the nearest must be nearly as near: a
        # figure of deaths from COVID-19 is near "how many die of heart disease".
        for best in ranked:
            if len(shown) >= EXTRACTIVE_SENTENCES:
                break
            if (document(best) != document(ranked[0])
                    and best.score < ranked[0].score - OTHER_DOCUMENT_MARGIN):
                continue
            quote(best)
        draft = shown_so_far()
        yield draft
        yield self._finish(str(draft), language, verdict, draft.citations, clock)

    def context(self, vector: np.ndarray, passages: Sequence[ScoredChunk],
                prefer_figures: bool = False) -> Context:
        """What the model reads: the CONTEXT_SENTENCES passage sentences nearest the
        question (figures first when it asks for one), under their passage's
        title, and the passages they come from."""
        near_all = [self._sentences_of(p.chunk.id, p.chunk.text) for p in passages]
        ranked = rank_sentences(vector, near_all, prefer_figures)
        chosen = excerpts(ranked, CONTEXT_SENTENCES) or {1: list(near_all[0][0])}
        kept = sorted(chosen)
        return Context(
            passages=tuple(passages[n - 1] for n in kept),
            excerpts=tuple(head(passages[n - 1].chunk) + "\n" + "\n".join(chosen[n])
                           for n in kept),
            nearest=tuple(near_all[n - 1] for n in kept),
            ranked=tuple(ranked),
            position={n: i for i, n in enumerate(kept, start=1)})

    def _wrong_language(self, shown: Sequence[str], language: str) -> bool:
        """True when the shown answer is confidently in another language than asked."""
        guess = self.detector.detect(strip_citations(" ".join(shown)))
        return guess.method != "fallback" and guess.language != language

    def _sentences_of(self, chunk_id: str, text: str) -> tuple[list[str], np.ndarray]:
        """A passage's sentences and their vectors, embedded once per process."""
        if chunk_id not in self._sentence_cache:
            if len(self._sentence_cache) > _SENTENCE_CACHE:
                self._sentence_cache.clear()
            sentences = passage_sentences(text)
            self._sentence_cache[chunk_id] = (sentences, self.embedder.embed_passages(sentences))
        return self._sentence_cache[chunk_id]

    def _finish(self, text: str, language: str, verdict: Verdict,
                cites: tuple[Citation, ...], clock: _Clock) -> Reply:
        reply = Reply(text=text, language=language, action=verdict.action, citations=cites,
                      safety=SafetyInfo(verdict.category, verdict.reasons),
                      timings_ms=clock.timings())
        log.info("reply action=%s language=%s citations=%d total_ms=%.0f", reply.action,
                 language, len(cites), reply.timings_ms.total)
        return reply


def head(chunk: Chunk) -> str:
    """The line that heads a passage's excerpt in the prompt: "Sugars — Key facts"."""
    return f"{chunk.title} — {chunk.heading}"


def _repeated(vector: np.ndarray, text: str, shown_vectors: Sequence[np.ndarray],
              shown: Sequence[str]) -> int | None:
    """Which sentence shown does this one say again: nearly the same vector, and
    no figure of its own? ("less than 5 g of salt" is not "at least 400 g of
    fruit", however alike the two sentences read to e5.) None if none."""
    figures = numbers(strip_citations(text))
    return next((j for j, (v, other) in enumerate(zip(shown_vectors, shown, strict=True))
                 if float(v @ vector) >= REPEAT_SIMILARITY
                 and all(number_in(f, strip_citations(other)) for f in figures)), None)
