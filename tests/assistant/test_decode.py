"""The lean int8 decode loop computes what the model computes, within int8 rounding."""

from __future__ import annotations

import pytest
import torch

from assistant.decode import KERNELS, DecodePlan, accepted, default_kernel
from assistant.generation import TransformersGenerator
from assistant.prompting import build_messages, load_template

# Both kernels run the same loop; where this CPU has no VNNI, only fbgemm's.
HERE = [k for k in KERNELS if k == "fbgemm" or default_kernel() == "vnni"]


def tiny(model_type: str) -> torch.nn.Module:
    """A small random model of the given architecture (seconds to build)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    torch.manual_seed(0)
    config = AutoConfig.for_model(
        model_type, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, vocab_size=512,
        max_position_embeddings=256)
    return AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16).eval()


def step_logits(plan: DecodePlan, model: torch.nn.Module, ids: torch.Tensor, steps: int,
                block: int = 1):
    """Teacher-forced: the loop's logits and the model's for each of the last `steps`,
    fed to the loop `block` tokens a pass."""
    prompt = ids[:, :-steps]
    ours, theirs = [], []
    with torch.inference_mode():
        out = model(input_ids=prompt, use_cache=True)
        keys, values = plan._buffers(out.past_key_values, ids.shape[1])
        turns = plan._turns(ids.shape[1])
        full = model(input_ids=ids).logits[0].float()
        for position in range(prompt.shape[1], ids.shape[1], block):
            tokens = ids[0, position:position + block].tolist()
            ours.extend(plan._forward(tokens, position, keys, values, turns))
            theirs.extend(full[position:position + block])
    return torch.stack(ours), torch.stack(theirs)


@pytest.mark.parametrize("kernel", HERE)
@pytest.mark.parametrize("block", [1, 3])
@pytest.mark.parametrize("model_type", ["qwen2", "llama"])
def test_each_step_matches_the_models_own_forward(model_type, block, kernel):
    model = tiny(model_type)
    plan = DecodePlan(model, kernel)
    ids = torch.randint(0, 512, (1, 40), generator=torch.Generator().manual_seed(1))
    ours, theirs = step_logits(plan, model, ids, 9, block)
    error = (ours - theirs).norm(dim=-1) / theirs.norm(dim=-1)
    assert error.max() < 0.05  # int8 weights and activations: about 1% here


def test_with_fbgemm_products_the_blocks_run_compiled_by_torchscript():
    assert isinstance(DecodePlan(tiny("qwen2"), "fbgemm").stack, torch.jit.ScriptModule)


def test_the_kernel_is_vnni_where_the_cpu_has_it_and_can_be_chosen():
    from assistant.vnni import available

    assert DecodePlan(tiny("llama")).kernel == ("vnni" if available() else "fbgemm")
    with pytest.raises(ValueError, match="use one of"):
        DecodePlan(tiny("llama"), "mkl")


def test_where_torchscript_fails_the_same_blocks_run_eagerly(monkeypatch, caplog):
    from torch.jit.frontend import FrontendError

    def fails(module):
        raise FrontendError(None, "not supported")

    model = tiny("qwen2")
    monkeypatch.setattr(torch.jit, "script", fails)
    plan = DecodePlan(model, "fbgemm")
    assert not isinstance(plan.stack, torch.jit.ScriptModule)
    assert "without TorchScript" in caplog.text
    ids = torch.randint(0, 512, (1, 40), generator=torch.Generator().manual_seed(1))
    ours, theirs = step_logits(plan, model, ids, 4)
    assert ((ours - theirs).norm(dim=-1) / theirs.norm(dim=-1)).max() < 0.05


@pytest.mark.parametrize("kernel", HERE)
@pytest.mark.parametrize("block", [1, 5])  # one token a pass, or a token and its drafts
def test_on_the_test_pack_each_step_is_within_int8_rounding_of_the_model(test_model_dir, block,
                                                                         kernel):
    generator = TransformersGenerator(test_model_dir, 2, "int8", kernel=kernel)
    assert generator.plan is not None  # a Llama-family pack decodes in the loop
    messages = build_messages("How much salt per day?",
                              ["Adults should eat less than 5 g of salt a day."],
                              load_template("en"))
    answer = "Adults should eat less than 5 g of salt a day, about one teaspoon [1]."
    ids, _ = generator.encode(messages + [{"role": "assistant", "content": answer}])
    ours, theirs = step_logits(generator.plan, generator.model, ids, 16, block)
    error = (ours - theirs).norm(dim=-1) / theirs.norm(dim=-1)
    # int8 weights and 8-bit activations: about 5% on this 135M model (2-3% on
    # the fast pack); a wrong head layout or rotation would be near 100%
    assert error.median() < 0.08
    assert (ours.argmax(-1) == theirs.argmax(-1)).float().mean() >= 0.8


def test_a_step_reads_about_half_the_bytes_of_bf16_weights(test_model_dir):
    from transformers import AutoModelForCausalLM

    from assistant.int8 import decode_bytes_per_token

    model = AutoModelForCausalLM.from_pretrained(test_model_dir, dtype=torch.bfloat16)
    for kernel in HERE:
        plan = DecodePlan(model, kernel)
        assert 0.45 < plan.bytes_per_token / decode_bytes_per_token(model) < 0.6


def test_other_architectures_keep_generate():
    from transformers import AutoModelForCausalLM, GPT2Config

    model = AutoModelForCausalLM.from_config(GPT2Config(n_layer=1, n_embd=64, n_head=2,
                                                        vocab_size=128))
    assert not DecodePlan.supports(model)
    with pytest.raises(ValueError, match="use model.generate"):
        DecodePlan(model)


def test_streamed_pieces_are_whole_characters_and_end_at_the_stop_token(test_model_dir):
    generator = TransformersGenerator(test_model_dir, 2, "int8")
    messages = build_messages("每天应该吃多少盐？", ["成年人每天的盐摄入量应少于5克。"],
                              load_template("zh"))
    pieces = list(generator.stream(messages, 40))
    assert pieces and all("\ufffd" not in piece for piece in pieces)
    ids, cache = generator.encode(messages)
    tokens = [t for t in generator.plan.greedy(ids, cache, 40, 1.1, generator.stop_ids)
              if t not in generator.stop_ids]
    whole = generator.tokenizer.decode(tokens, skip_special_tokens=True)
    shown = "".join(pieces)
    assert whole.startswith(shown)
    assert not whole[len(shown):].strip(" \ufffd")  # only a character cut by the limit is held


def test_tokens_chosen_in_one_pass_stop_at_the_first_wrong_proposal():
    rows = torch.tensor([[0.0, 5, 1, 2], [0, 1, 5, 2], [5, 0, 1, 2], [0, 0, 0, 5]])
    # row 0 picks 1 (proposed), row 1 picks 2 (proposed), row 2 picks 0 where 3 was
    # proposed: row 3 was computed after a wrong token and is not read
    chosen, seen = accepted(rows.clone(), [1, 2, 3], torch.tensor([3]), 1.0)
    assert chosen == [1, 2, 0]
    assert seen.tolist() == [3, 1, 2, 0]
    # all proposals right: the last row adds one token of its own
    assert accepted(rows.clone(), [1, 2, 0], torch.tensor([3]), 1.0)[0] == [1, 2, 0, 3]


def test_a_token_chosen_earlier_in_the_pass_is_penalised_in_later_rows():
    rows = torch.tensor([[0.0, 4, 3], [0, 4, 3.8]])
    # alone, row 1 would pick 1 again; with 1 just chosen, 4 / 1.1 < 3.8
    assert accepted(rows, [1], torch.tensor([0]), 1.1)[0] == [1, 2]


def test_drafting_copies_a_quoted_sentence_in_fewer_passes(test_model_dir):
    generator = TransformersGenerator(test_model_dir, 2, "int8")
    plan = generator.plan
    sentence = ("Wash your hands with soap and water for at least 20 seconds, "
                "then dry them with a clean towel.")
    messages = [{"role": "user", "content": f"Write the sentence '{sentence}' once."}]

    def run(drafts: int) -> tuple[list[int], int]:
        ids, cache = generator.encode(messages)
        before = plan.forwards
        tokens = list(plan.greedy(ids, cache, 48, 1.0, generator.stop_ids, drafts))
        return tokens, plan.forwards - before

    alone, passes_alone = run(0)
    drafted, passes_drafted = run(6)
    assert passes_alone == len(alone) - 1  # the prompt's own pass gives the first token
    assert passes_drafted < 0.5 * passes_alone  # the sentence's tokens come from the prompt
    # the same greedy answer, up to where int8 rounding of a different batch tips a
    # near tie (here: the closing quote and full stop)
    pairs = zip(alone, drafted, strict=False)
    assert next((i for i, (a, b) in enumerate(pairs) if a != b), len(alone)) >= 20
    assert sentence[:60] in generator.tokenizer.decode(drafted)


@pytest.mark.skipif("vnni" not in HERE, reason="this CPU has no AVX-512 VNNI")
def test_where_the_vnni_kernels_do_not_compile_fbgemm_runs_the_loop(monkeypatch, caplog):
    from numba.core.errors import LoweringError

    from assistant.vnni_pass import VnniStack

    def fails(stack):
        raise LoweringError("cannot select vpdpbusd")

    monkeypatch.setattr(VnniStack, "compile", fails)
    model = tiny("llama")
    plan = DecodePlan(model)
    assert plan.kernel == "fbgemm" and "did not compile" in caplog.text
    ids = torch.randint(0, 512, (1, 40), generator=torch.Generator().manual_seed(1))
    ours, theirs = step_logits(plan, model, ids, 4)
    assert ((ours - theirs).norm(dim=-1) / theirs.norm(dim=-1)).max() < 0.05


@pytest.mark.skipif("vnni" not in HERE, reason="this CPU has no AVX-512 VNNI")
def test_with_vnni_a_row_gets_the_same_logits_in_a_pass_of_five_as_alone(test_model_dir):
    # each row is quantized with its own scale and attends on its own, so prompt
    # lookup changes how fast the answer comes, never which tokens it has
    generator = TransformersGenerator(test_model_dir, 2, "int8", kernel="vnni")
    messages = build_messages("How much salt per day?",
                              ["Adults should eat less than 5 g of salt a day."],
                              load_template("en"))
    answer = "Adults should eat less than 5 g of salt a day, about one teaspoon [1]."
    ids, _ = generator.encode(messages + [{"role": "assistant", "content": answer}])
    alone, _ = step_logits(generator.plan, generator.model, ids, 16, 1)
    together, _ = step_logits(generator.plan, generator.model, ids, 16, 5)
    assert torch.equal(alone, together)
