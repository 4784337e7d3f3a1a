"""Grammar-constrained sampling of N answers to one prompt, with a decoding loop of our own.

What it saves over `model.generate` with a logits processor, all measured in
docs/BENCHMARKS.md ("Generation speed"):
- the prompt is read once and its cache copied to the N rows (no padding: the rows stay aligned);
- each row leaves the batch once its grammar is complete (at `end`);
- the next grammar masks are computed in a second thread while the model reads the tokens;
- the output layer is computed only for the tokens some row may take next, and top-p sorts
  only those.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import torch

from diagramgen.llm import Sampling
from diagramgen.llm.packed import packed_output_layer

if TYPE_CHECKING:
    from diagramgen.llm.constrain import GrammarMasks

Timings = dict[str, float]


def _add(timings: Timings, stage: str, started: float) -> float:
    now = time.perf_counter()
    timings[stage] = timings.get(stage, 0.0) + now - started
    return now


def unpack_masks(bitmask: torch.Tensor, vocab: int) -> torch.Tensor:
    """Packed int32 masks (rows x words) -> booleans (rows x vocab); ids past the mask (padding
    rows of the output layer) are never allowed."""
    bits = torch.arange(32, dtype=torch.int32)
    unpacked = ((bitmask.unsqueeze(-1) >> bits) & 1).view(bitmask.shape[0], -1)[:, :vocab].bool()
    if unpacked.shape[1] < vocab:
        unpacked = torch.nn.functional.pad(unpacked, (0, vocab - unpacked.shape[1]))
    return unpacked


def _top_p_sample(
    logits: torch.Tensor, sampling: Sampling, generator: torch.Generator
) -> torch.Tensor:
    """One token index per row: temperature, then the smallest set with top_p of the mass.
    The nucleus is looked for among the k most likely tokens, k growing until it holds it
    (exact, and far cheaper than sorting the vocabulary: 0.7 ms against 14 ms a step)."""
    probs = torch.softmax(logits.float() / sampling.temperature, dim=-1)
    k = min(64, probs.shape[-1])
    while True:
        top, order = probs.topk(k, dim=-1)
        if k == probs.shape[-1] or bool((top.sum(dim=-1) >= sampling.top_p).all()):
            break
        k = min(4 * k, probs.shape[-1])
    before = top.cumsum(dim=-1) - top
    top[before >= sampling.top_p] = 0.0  # keeps at least the most likely token
    picked = torch.multinomial(top, 1, generator=generator)
    return order.gather(-1, picked).squeeze(-1)


class ConstrainedSampler:
    """Samples from one model. When the tokens the rows may take next are at most
    `narrow_share` of the vocabulary, the output layer is computed for those tokens only."""

    def __init__(self, model: Any, narrow_share: float = 0.1) -> None:
        self.model = model
        self.body = model.get_decoder()
        self.head = model.get_output_embeddings()
        self.full_head = packed_output_layer(model)
        config = model.config
        plain_head = isinstance(self.head, torch.nn.Linear) and self.head.bias is None
        # models that scale or cap their logits get the full output layer every step
        self.narrow_ok = plain_head and not any(
            getattr(config, name, None) for name in ("final_logit_softcapping", "logit_scale")
        )
        self.narrow_share = narrow_share
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="grammar-masks")

    def sample(
        self,
        prompt: list[int],
        grammar: GrammarMasks,
        sampling: Sampling,
        eos_id: int,
        timings: Timings | None = None,
    ) -> list[list[int]]:
        """`sampling.n` answers (token ids, without the end-of-text token) to `prompt`."""
        timings = {} if timings is None else timings
        device = self.head.weight.device
        generator = torch.Generator(device=device).manual_seed(sampling.seed)
        n, vocab = sampling.n, self.head.weight.shape[0]
        started = time.perf_counter()
        masks = self.pool.submit(self._fill, grammar, list(range(n)))
        ids = torch.tensor([prompt], device=device)
        hidden, cache = self._read(ids, None)
        cache.batch_repeat_interleave(n)
        hidden = hidden.expand(n, -1)
        started = _add(timings, "prefill", started)
        answers: list[list[int]] = [[] for _ in range(n)]
        active = list(range(n))
        for _ in range(sampling.max_new_tokens):
            allowed = unpack_masks(masks.result(), vocab)[active].to(device)
            started = _add(timings, "masks", started)
            tokens = self._next_tokens(hidden, allowed, sampling, generator)
            started = _add(timings, "sample", started)
            keep = []  # positions in the batch of the rows still writing
            for i, (row, token) in enumerate(zip(active, tokens.tolist(), strict=True)):
                if token == eos_id:
                    continue
                answers[row].append(token)
                grammar.advance(row, token)
                if not grammar.complete(row):
                    keep.append(i)
            if not keep:
                break
            if len(keep) < len(active):
                index = torch.tensor(keep, device=device)
                cache.batch_select_indices(index)
                tokens = tokens[index]
                active = [active[i] for i in keep]
            masks = self.pool.submit(self._fill, grammar, active)
            started = _add(timings, "advance", started)
            hidden, cache = self._read(tokens.unsqueeze(-1), cache)
            started = _add(timings, "forward", started)
            timings["steps"] = timings.get("steps", 0) + 1
        timings["tokens"] = timings.get("tokens", 0) + sum(map(len, answers))
        return answers

    @staticmethod
    def _fill(grammar: GrammarMasks, rows: list[int]) -> torch.Tensor:
        with torch.inference_mode():  # a thread of its own: the mode is per thread
            for row in rows:
                grammar.fill(row)
        return grammar.bitmask

    def _read(self, ids: torch.Tensor, cache: Any) -> tuple[torch.Tensor, Any]:
        """The last position's hidden state per row, and the grown cache."""
        out = self.body(input_ids=ids, past_key_values=cache, use_cache=True)
        return out.last_hidden_state[:, -1], out.past_key_values

    def _next_tokens(
        self,
        hidden: torch.Tensor,
        allowed: torch.Tensor,
        sampling: Sampling,
        generator: torch.Generator,
    ) -> torch.Tensor:
        weight = self.head.weight
        candidates = allowed.any(dim=0).nonzero().squeeze(-1)
        if self.narrow_ok and len(candidates) <= self.narrow_share * weight.shape[0]:
            logits = hidden @ weight[candidates].T
            logits = logits.masked_fill(~allowed[:, candidates], float("-inf"))
            return candidates[_top_p_sample(logits, sampling, generator)]
        logits = self.full_head(hidden).masked_fill(~allowed, float("-inf"))
        return _top_p_sample(logits, sampling, generator)
