"""Constrained decoding, backends, and prompts (no model weights needed except where noted)."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
import torch

from diagramgen.data import generate_examples
from diagramgen.formats.plan import parse_plan
from diagramgen.formats.plan_writer import plan_to_text
from diagramgen.llm import BackendError, Sampling, cut_at_end, load_backend
from diagramgen.llm.constrain import GrammarMasks
from diagramgen.llm.grammar import HeldPlan


def _allowed_ids(processor: GrammarMasks, row: int, vocab: int) -> list[int]:
    mask = processor.allowed(row)
    bits = [(int(mask[t >> 5]) >> (t & 31)) & 1 for t in range(vocab)]
    return [t for t, bit in enumerate(bits) if bit]


def test_every_canonical_answer_is_inside_the_grammar(tokenizer) -> None:
    examples = list(generate_examples(150, seed=11))
    processor = GrammarMasks(tokenizer, 1)
    for example in examples:
        processor.__init__(tokenizer, 1)
        matcher = processor.matchers[0]
        ids = tokenizer(example.answer.rstrip("\n"), add_special_tokens=False)["input_ids"]
        assert matcher.consume_tokens(ids), example.answer
        assert matcher.is_accepting()


def test_a_net_the_request_states_completely_is_held_to_it(tokenizer) -> None:
    from diagramgen.llm.grammar import request_plan as request_net

    def accepts(net: Any, answer: str) -> bool:
        matcher = GrammarMasks(tokenizer, 1, net).matchers[0]
        ids = tokenizer(answer.rstrip("\n"), add_special_tokens=False)["input_ids"]
        return bool(matcher.consume_tokens(ids)) and matcher.is_accepting()

    checked = 0
    for example in generate_examples(200, seed=12, mix={"composed-net": 1.0}):
        net = request_net(example.request)
        if net and "repeat" not in example.answer:
            checked += accepts(net, example.answer)
    assert checked > 90  # the reader is certain of many composed nets, and they pass
    request = "CNN: 32x32 input, 3x3 conv, 3x3 conv, a 2x2 max pool, dense 64, 10 outputs"
    net = request_net(request)
    right = "cnn\ninput 32x32\nconv 3x3\nconv 3x3 16\npool 2x2\ndense 64\noutput 10\nend\n"
    assert accepts(net, right)
    assert accepts(net, right.replace("pool 2x2\n", "pool 2x2\nflatten\n"))  # implied glue
    assert not accepts(net, right.replace("conv 3x3\n", "", 1))  # a conv lost
    assert not accepts(net, right.replace("conv 3x3 16", "conv 5x5"))  # stated: 3x3
    assert not accepts(net, right.replace("pool 2x2", "pool 2x2 avg"))  # stated: max
    assert not accepts(net, right.replace("dense 64", "dense 65"))
    assert not accepts(net, 'flow\nnode a "image" data\nnode b "conv net" model\na -> b\nend\n')
    assert not request_net("a CNN with some conv layers")  # nothing certain: syntax only


def test_a_flow_told_as_arrow_chains_is_held_to_its_steps_and_edges(tokenizer) -> None:
    from diagramgen.llm.grammar import request_plan

    held = request_plan("RAG flow: question → embedding → vector DB → LLM → answer")
    assert held.flow is not None and held.flow.labels[2] == "vector DB"
    right = (
        'flow horizontal palette=teal\nnode a "question" text\nnode b "embedding" model\n'
        'node c "vector DB" db\nnode d "LLM" model\nnode e "answer" text\n'
        "a -> b -> c -> d -> e\nend\n"
    )
    assert _accepts(tokenizer, right, held)
    assert _accepts(tokenizer, right.replace(" palette=teal", "").replace("db\n", "data\n"), held)
    assert not _accepts(tokenizer, right.replace("vector DB", "Vector database"), held)
    assert not _accepts(tokenizer, right.replace("a -> b -> c -> d -> e", "a -> b -> c -> e"), held)
    assert not _accepts(tokenizer, right.replace('node e "answer" text\n', ""), held)
    said = request_plan("client -(HTTPS)-> API -> worker --writes to--> queue")
    labelled = (
        'flow horizontal\nnode a "client" process\nnode b "API" process\n'
        'node c "worker" process\nnode d "queue" db\na -> b "HTTPS"\nb -> c\n'
        'c -> d "writes to"\nend\n'
    )
    assert _accepts(tokenizer, labelled, said)
    assert not _accepts(tokenizer, labelled.replace(' "HTTPS"', ""), said)
    loop = request_plan("train -> evaluate -> deploy; evaluate -> train")
    assert loop.flow is not None and loop.flow.edges == ((0, 1), (1, 2), (1, 0))
    branched = request_plan("login -> valid? yes -> home; no -> back to login")
    decided = (
        'flow vertical\nnode a "login" process\nnode b "valid?" decision\n'
        'node c "home" process\na -> b\nb -> c "yes"\nb -> a "no"\nend\n'
    )
    assert _accepts(tokenizer, decided, branched)
    assert not _accepts(
        tokenizer, decided.replace('"valid?" decision', '"valid?" process'), branched
    )
    assert not _accepts(tokenizer, decided.replace('"home" process', '"home" decision'), branched)
    assert not _accepts(tokenizer, decided.replace('b -> a "no"', "b -> a"), branched)
    grouped = request_plan("Group 'Edge': CDN\nGroup 'App': web, api\nCDN -> web -> api")
    boxed = (
        'flow horizontal\nnode a "CDN" process\nnode b "web" process\nnode c "api" process\n'
        'group "Edge": a\ngroup "App": b, c\na -> b -> c\nend\n'
    )
    assert _accepts(tokenizer, boxed, grouped)
    assert not _accepts(tokenizer, boxed.replace('group "Edge": a\n', ""), grouped)
    assert not _accepts(tokenizer, boxed.replace('"App": b, c', '"App": b'), grouped)


def test_random_walks_under_the_constraint_always_parse(tokenizer) -> None:
    """Property: whatever the model's preferences, masked sampling yields a parseable plan.
    Walks pick random allowed tokens (biased toward line ends so walks finish)."""
    vocab = len(tokenizer)
    eos = tokenizer.eos_token_id
    rng = random.Random(0)
    for _ in range(12):
        processor = GrammarMasks(tokenizer, 1)
        tokens: list[int] = []
        for _ in range(400):
            processor.fill(0)
            allowed = _allowed_ids(processor, 0, vocab)
            assert allowed, tokenizer.decode(tokens)
            if eos in allowed and (rng.random() < 0.7 or allowed == [eos]):
                break
            allowed = [t for t in allowed if t != eos]
            newline = [t for t in allowed if "\n" in tokenizer.decode([t])]
            pick = rng.choice(newline if newline and rng.random() < 0.3 else allowed)
            tokens.append(pick)
            processor.advance(0, pick)
        text = tokenizer.decode(tokens, skip_special_tokens=True)
        if processor.matchers[0].is_accepting():
            parse_plan(text)  # raises if the constraint let anything unparseable through


def test_cut_at_end_drops_what_follows_the_end_line() -> None:
    assert cut_at_end("nn\ninput 2\nend\ngarbage\n") == "nn\ninput 2\nend\n"
    assert cut_at_end("nn\ninput 2") == "nn\ninput 2\n"


def test_bad_backend_specs_are_user_errors() -> None:
    with pytest.raises(BackendError, match="unknown backend"):
        load_backend("gpt5")
    with pytest.raises(BackendError, match="not a Hugging Face model directory"):
        load_backend("hf:/nonexistent/model")
    with pytest.raises(BackendError, match="not an http"):
        load_backend("openai:ftp://x")
    with pytest.raises(ValueError, match="count"):
        Sampling(n=0)


def test_a_plan_can_only_start_with_a_header_word(tokenizer) -> None:
    from diagramgen.llm.decode import unpack_masks

    masks = GrammarMasks(tokenizer, 2)
    masks.fill(0)
    masks.fill(1)
    allowed = unpack_masks(masks.bitmask, len(tokenizer))
    assert torch.equal(allowed[0], allowed[1])
    first = allowed[0].nonzero().flatten().tolist()
    assert 0 < len(first) < 100  # only header words can start a plan
    assert all(tokenizer.decode([t]).strip()[:1] in "ncf" for t in first)


def _accepts(tokenizer, answer: str, held: Any = None) -> bool:
    matcher = GrammarMasks(tokenizer, 1, held or HeldPlan()).matchers[0]
    ids = tokenizer(answer.rstrip("\n"), add_special_tokens=False)["input_ids"]
    return bool(matcher.consume_tokens(ids)) and matcher.is_accepting()


def test_the_grammar_admits_labels_groups_shapes_and_repeats(tokenizer) -> None:
    flow = (
        'flow vertical palette=blue\nnode a "Enter password" data\n'
        'node b "Valid password?" decision\nnode c "Home page" process\n'
        'node d "Users" db shape=cylinder\ngroup "Frontend": a, c\n'
        'a -> b\nb -> c "yes"\nb -> a "no" dashed\nb -> d\nend\n'
    )
    net = 'nn horizontal palette=blue\ninput 512 "tokens"\nrepeat 12 "Transformer block"\noutput 10\nend\n'
    for answer in (flow, net):
        assert plan_to_text(parse_plan(answer)) == answer  # canonical
        assert _accepts(tokenizer, answer), answer
    assert not _accepts(tokenizer, flow.replace("a, c", "a, z"))  # no such node
    assert not _accepts(tokenizer, flow.replace('"no"', '"' + "n" * 31 + '"'))  # too long


def test_the_decoding_loop_stops_each_row_at_its_end_line(embedded_backend) -> None:
    from diagramgen.llm.constrain import GrammarMasks
    from diagramgen.llm.decode import ConstrainedSampler

    backend, tokenizer = embedded_backend, embedded_backend.tokenizer
    prompt = backend.prompt_ids("ML pipeline: load data, clean data, train model, evaluate")

    def sample(share: float, sampling: Sampling) -> list[str]:
        sampler = ConstrainedSampler(backend.model, narrow_share=share)
        with torch.inference_mode():
            rows = sampler.sample(prompt, GrammarMasks(tokenizer, sampling.n), sampling, -1)
        return [tokenizer.decode(row) for row in rows]

    answers = sample(0.25, Sampling(n=4, seed=3))
    assert len(answers) == 4 and answers == sample(0.25, Sampling(n=4, seed=3))
    for answer in answers:
        assert answer.endswith("\nend"), answer  # nothing sampled after the end line
        parse_plan(answer)
    assert len(set(answers)) > 1  # the rows are sampled, not copies
    # the narrow output layer picks what the full one picks (near-greedy, so comparable), but
    # for the palette: the data draws it uniformly, so it is a near tie either layer may break
    cold = Sampling(n=2, seed=0, temperature=0.05)
    unpainted = lambda answers: [re.sub(r" palette=\w+", "", a) for a in answers]  # noqa: E731
    assert unpainted(sample(0.0, cold)) == unpainted(sample(1.0, cold))


@pytest.mark.parametrize(
    "request_text",
    [
        "CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output",  # held: mostly forced
        "ML pipeline: load data, clean data, train model, evaluate",  # free: forced in places
    ],
)
def test_forced_tokens_are_read_with_the_token_before_them(
    embedded_backend, request_text: str
) -> None:
    """Reading what the grammar forces in the step before it gives the answers decoding token
    by token gives (near-greedy; the header's palette, a near tie, may differ with the random
    draws skipped), in fewer steps, with rows of one batch left unaligned."""
    from diagramgen.llm.decode import ConstrainedSampler
    from diagramgen.llm.grammar import request_plan

    backend, tokenizer = embedded_backend, embedded_backend.tokenizer
    prompt = backend.prompt_ids(request_text)
    held = request_plan(request_text)
    cold = Sampling(n=3, seed=0, temperature=0.05)

    def sample(fast_forward: bool) -> tuple[list[str], dict[str, float]]:
        sampler = ConstrainedSampler(backend.model, fast_forward=fast_forward)
        timings: dict[str, float] = {}
        with torch.inference_mode():
            grammar = GrammarMasks(tokenizer, cold.n, held)
            rows = sampler.sample(prompt, grammar, cold, tokenizer.eos_token_id, timings)
        return [tokenizer.decode(row) for row in rows], timings

    (stepwise, slow), (forwarded, fast) = sample(False), sample(True)
    assert [a.split("\n", 1)[1] for a in forwarded] == [a.split("\n", 1)[1] for a in stepwise]
    assert fast["forced"] > 0 and fast["steps"] < slow["steps"]
    if held:
        assert fast["steps"] < slow["steps"] / 2
    for answer in forwarded:
        parse_plan(answer)


def test_a_packed_linear_layer_answers_as_the_plain_one() -> None:
    from diagramgen.llm.packed import PackedLinear

    torch.manual_seed(0)
    linear = torch.nn.Linear(64, 96, bias=False).to(torch.bfloat16)
    try:
        packed = PackedLinear(linear)
    except RuntimeError:
        pytest.skip("oneDNN cannot pack bf16 weights on this CPU")
    with torch.inference_mode():
        for shape in [(5, 64), (3, 1, 64), (1, 43, 64)]:
            x = torch.randn(*shape, dtype=torch.bfloat16)
            assert torch.equal(packed(x), linear(x))


def test_several_requests_decoded_together_answer_as_each_alone(embedded_backend) -> None:
    """Prompts of different lengths share one batch (padded on the left, masked): near-greedy,
    each gets the plans it gets alone (the header's palette, a near tie, may differ with the
    rounding of a padded batch)."""
    requests = [
        "CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output",
        "RAG flow: question -> embedding -> vector DB -> LLM -> answer, drawn top to bottom",
    ]
    cold = [Sampling(n=2, seed=0, temperature=0.05), Sampling(n=3, seed=1, temperature=0.05)]
    together = embedded_backend.generate_batch(list(zip(requests, cold, strict=True)))
    alone = [embedded_backend.generate([r], s)[0] for r, s in zip(requests, cold, strict=True)]
    assert [len(a) for a in together] == [2, 3]

    def bodies(answers: list[list[str]]) -> list[list[str]]:
        return [[a.split("\n", 1)[1] for a in rows] for rows in answers]

    assert bodies(together) == bodies(alone)


def test_concurrent_calls_share_one_decode(embedded_backend) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from diagramgen.llm.batching import BatchingBackend

    batching = BatchingBackend(embedded_backend, window=0.5, max_requests=4)
    requests = [
        "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output",
        "RAG flow: question -> embedding -> vector DB -> LLM -> answer",
        "CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output",
    ]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda r: batching.generate([r], Sampling(n=2))[0], requests))
    assert batching.batches == [3]  # all three in one decode
    assert [len(a) for a in answers] == [2, 2, 2]
    assert answers[0][0].startswith("nn") and answers[1][0].startswith("flow")
    assert answers[2][0].startswith("cnn")


def test_a_failed_shared_decode_fails_each_caller() -> None:
    from diagramgen.llm.batching import BatchingBackend

    class Broken:
        name = "broken"

        def generate_batch(self, calls: list[Any]) -> list[list[str]]:
            raise BackendError("the model is gone")

    with pytest.raises(BackendError, match="gone"):
        BatchingBackend(Broken(), window=0.01).generate(["a flow"], Sampling(n=1))
    with pytest.raises(ValueError, match="cannot decode several"):
        BatchingBackend(object())
