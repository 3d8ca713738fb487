"""`salus bench generation` measures the real pipeline against this machine's ceiling."""

from __future__ import annotations

import pytest

from evals.bench_generation import QUESTIONS, bench_generation, read_bandwidth_gb_s


def test_the_bandwidth_reading_is_a_positive_rate():
    assert read_bandwidth_gb_s(threads=2, gib=0.25, repeats=2) > 0


@pytest.fixture(scope="module")
def bench(settings):
    return bench_generation(settings, ("bf16", "int8-single", "int8"), QUESTIONS[:1])


def test_each_weights_setting_is_measured_on_the_same_questions(bench):
    assert [r.weights for r in bench.runs] == ["bf16", "int8-single", "int8"]
    assert all(r.model_sentences_shown.endswith("/1") for r in bench.runs)


def test_int8_decoding_reads_about_half_the_bytes_and_raises_the_ceiling(bench):
    bf16, _, int8 = bench.runs
    assert 0.45 < int8.decode_bytes_per_token / bf16.decode_bytes_per_token < 0.6
    assert int8.ceiling_tok_s > bf16.ceiling_tok_s


def test_the_ratio_is_decode_speed_over_the_ceiling(bench):
    for run in bench.runs:
        assert run.ceiling_tok_s == pytest.approx(
            bench.bandwidth_gb_s * 1e9 / run.decode_bytes_per_token, rel=0.01)
        assert run.decode_ratio_to_ceiling == pytest.approx(
            run.decode_tok_s / run.ceiling_tok_s, abs=0.01)
        assert 0 < run.cached_prefix_tokens < run.prompt_tokens
        assert run.first_sentence_shown_ms_p50 <= run.reply_ms_p50
        assert run.pass_ratio_to_ceiling == pytest.approx(
            run.decode_passes_s / run.ceiling_tok_s, abs=0.01)


def test_one_token_a_pass_unless_prompt_lookup_drafts(bench):
    bf16, single, drafted = bench.runs
    assert bf16.tokens_per_pass == single.tokens_per_pass == 1
    assert drafted.tokens_per_pass >= 1
    assert drafted.decode_tok_s == pytest.approx(
        drafted.decode_passes_s * drafted.tokens_per_pass, rel=0.3)  # medians of each
