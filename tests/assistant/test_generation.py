"""The generator's two speed-ups keep its answers: int8 decode weights, reused system prompt."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from assistant.generation import TransformersGenerator
from assistant.int8 import Int8DecodeLinear, decode_bytes_per_token, quantize_for_decode
from assistant.prompting import build_messages, load_template


@pytest.fixture(scope="module")
def layer() -> tuple[nn.Linear, Int8DecodeLinear]:
    torch.manual_seed(0)
    linear = nn.Linear(256, 64).to(torch.bfloat16)
    return linear, Int8DecodeLinear.from_linear(linear)


def test_one_token_is_within_the_int8_rounding_of_the_bf16_result(layer):
    linear, int8 = layer
    x = torch.randn(1, 1, 256, dtype=torch.bfloat16)
    exact = nn.functional.linear(x.float(), linear.weight.float(), linear.bias.float())
    # each weight is off by at most half a step; bf16 output rounding on top
    bound = x.float().abs().sum() * int8.scale.float() / 2 + exact.abs() * 2**-7 + 1e-2
    assert (int8(x).float() - exact).abs().le(bound).all()
    assert int8(x).shape == (1, 1, 64)


def test_a_prompt_is_multiplied_with_the_original_weights(layer):
    linear, int8 = layer
    x = torch.randn(1, 32, 256, dtype=torch.bfloat16)
    assert torch.equal(int8(x), linear(x))


def test_every_linear_is_swapped_and_a_decode_step_reads_about_half(test_model_dir):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(test_model_dir, dtype=torch.bfloat16)
    before = decode_bytes_per_token(model)
    linears = sum(isinstance(m, nn.Linear) for m in model.modules())
    assert quantize_for_decode(model) == linears
    assert not any(isinstance(m, nn.Linear) for m in model.modules())
    assert 0.45 < decode_bytes_per_token(model) / before < 0.6


@pytest.fixture(scope="module")
def messages() -> list[dict[str, str]]:
    return build_messages("How much salt per day?",
                          ["Adults should eat less than 5 g of salt a day."], load_template("en"))


@pytest.mark.parametrize("weights", ["bf16", "int8"])
def test_the_reused_system_prompt_cache_predicts_what_a_full_prefill_does(
        test_model_dir, messages, weights):
    generator = TransformersGenerator(test_model_dir, 2, weights)
    ids, cache = generator.encode(messages)
    cached = cache.get_seq_length()
    with torch.inference_mode():
        full = generator.model(input_ids=ids).logits[0, -1].float()
        reused = generator.model(input_ids=ids[:, cached:], cache=cache).logits[0, -1].float()
    assert reused.argmax() == full.argmax()
    assert (reused - full).abs().max() < 0.05 * full.abs().max()


def test_the_cached_prefix_is_copied_for_each_answer(test_model_dir, messages):
    generator = TransformersGenerator(test_model_dir, 2, "int8")
    first = "".join(generator.stream(messages, 24))
    assert "".join(generator.stream(messages, 24)) == first


def test_the_prefix_is_reused_only_when_the_prompt_starts_with_it(test_model_dir, messages):
    generator = TransformersGenerator(test_model_dir, 2, "bf16")
    ids, cache = generator.encode(messages)
    assert cache is not None and 0 < cache.get_seq_length() < ids.shape[1]
    _, none = generator.encode(messages[1:])  # no system message: nothing to reuse
    assert none is None
