"""Grammar-constrained sampling of N answers to one prompt, with a decoding loop of our own.

What it saves over `model.generate` with a logits processor, all measured in
docs/BENCHMARKS.md ("Generation speed"):
- the prompt is read once and its cache copied to the N rows (no padding: the rows stay aligned);
- each row leaves the batch once its grammar is complete (at `end`);
- the next grammar masks are computed in a second thread while the model reads the tokens;
- the output layer is computed only for the tokens some row may take next, and top-p sorts
  only those;
- tokens the grammar forces are read in the step of the token before them, not one a step
  (rows then read different numbers of tokens: padded on the right and masked).
"""

from __future__ import annotations

import inspect
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
    `narrow_share` of the vocabulary, the output layer is computed for those tokens only.
    With `fast_forward`, the tokens the grammar forces after a sampled one are read with it in
    the same step (a held answer is mostly forced: its labels, its edges)."""

    def __init__(self, model: Any, narrow_share: float = 0.1, fast_forward: bool = True) -> None:
        self.model = model
        self.fast_forward = fast_forward
        self.body = model.get_decoder()
        # transformers renamed `past_key_values` to `cache` (5.25; the old name warns)
        forward = inspect.signature(self.body.forward).parameters
        self.cache_name = "cache" if "cache" in forward else "past_key_values"
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
        return self.sample_many([prompt], [grammar], [sampling], eos_id, timings)[0]

    def sample_many(
        self,
        prompts: list[list[int]],
        grammars: list[GrammarMasks],
        samplings: list[Sampling],
        eos_id: int,
        timings: Timings | None = None,
    ) -> list[list[list[int]]]:
        """For each prompt, its sampling's `n` answers, all decoded as one batch: prompts of
        different lengths are padded on the left and masked."""
        timings = {} if timings is None else timings
        device = self.head.weight.device
        rows = _Rows(samplings, [len(p) for p in prompts], device)
        started = time.perf_counter()
        masks = self.pool.submit(self._fill, grammars, rows, rows.active)
        hidden, cache = self._prefill(prompts, rows, device)
        started = _add(timings, "prefill", started)
        vocab = self.head.weight.shape[0]
        for _ in range(max(s.max_new_tokens for s in samplings)):
            allowed = unpack_masks(masks.result(), vocab)[rows.active].to(device)
            started = _add(timings, "masks", started)
            tokens = self._next_tokens(hidden, allowed, rows)
            started = _add(timings, "sample", started)
            keep, feeds = rows.take(tokens.tolist(), eos_id, grammars, self.fast_forward)
            if not keep:
                break
            if len(keep) < len(tokens):
                index = torch.tensor(keep, device=device)
                cache.batch_select_indices(index)
                rows.keep(keep, index)
            masks = self.pool.submit(self._fill, grammars, rows, rows.active)
            started = _add(timings, "advance", started)
            hidden, cache = self._read(*rows.step(feeds, device), cache=cache)
            started = _add(timings, "forward", started)
            timings["steps"] = timings.get("steps", 0) + 1
        timings["tokens"] = timings.get("tokens", 0) + sum(map(len, rows.answers))
        timings["forced"] = timings.get("forced", 0) + rows.forced
        return rows.by_prompt()

    def _prefill(self, prompts: list[list[int]], rows: _Rows, device: Any) -> tuple[Any, Any]:
        """Read each prompt once; copy its cache to its rows."""
        width = max(map(len, prompts))
        ids = torch.tensor([[0] * (width - len(p)) + p for p in prompts], device=device)
        mask = positions = None
        if len(prompts) > 1:
            mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
            mask = mask.to(device)
            positions = (mask.cumsum(-1) - 1).clamp(min=0)
        hidden, cache = self._read(ids, mask, positions)
        cache.batch_select_indices(rows.prompt_of)
        rows.mask = None if mask is None else mask[rows.prompt_of]
        return hidden[rows.prompt_of], cache

    @staticmethod
    def _fill(grammars: list[GrammarMasks], rows: _Rows, active: list[int]) -> torch.Tensor:
        """Every row's next-token mask, stacked (in a thread of its own)."""
        with torch.inference_mode():  # the mode is per thread
            for row in active:
                grammars[rows.group[row]].fill(rows.local[row])
        return torch.cat([g.bitmask for g in grammars])

    def _read(
        self,
        ids: torch.Tensor,
        mask: torch.Tensor | None = None,
        positions: torch.Tensor | None = None,
        last: torch.Tensor | None = None,
        cache: Any = None,
    ) -> tuple[torch.Tensor, Any]:
        """Each row's hidden state at its last real token (`last`; the last column if None),
        and the grown cache."""
        out = self.body(
            input_ids=ids,
            attention_mask=mask,
            position_ids=positions,
            use_cache=True,
            **{self.cache_name: cache},
        )
        states, grown = out.last_hidden_state, out[self.cache_name]
        if last is None:
            return states[:, -1], grown
        return states[torch.arange(len(states), device=states.device), last], grown

    def _next_tokens(
        self, hidden: torch.Tensor, allowed: torch.Tensor, rows: _Rows
    ) -> torch.Tensor:
        """The next token of each active row, sampled under its prompt's settings."""
        weight = self.head.weight
        candidates = allowed.any(dim=0).nonzero().squeeze(-1)
        narrow = self.narrow_ok and len(candidates) <= self.narrow_share * weight.shape[0]
        if narrow:
            logits = (hidden @ weight[candidates].T).masked_fill(
                ~allowed[:, candidates], float("-inf")
            )
        else:
            logits = self.full_head(hidden).masked_fill(~allowed, float("-inf"))
        picked = torch.empty(len(logits), dtype=torch.long, device=logits.device)
        for group, at in rows.active_groups():
            picked[at] = _top_p_sample(logits[at], rows.samplings[group], rows.generators[group])
        return candidates[picked] if narrow else picked


class _Rows:
    """Who is who in a batch: each row's prompt, its answer so far, which rows still write,
    their attention mask and positions (several prompts only)."""

    def __init__(self, samplings: list[Sampling], lengths: list[int], device: Any) -> None:
        self.samplings = samplings
        self.generators = [torch.Generator(device=device).manual_seed(s.seed) for s in samplings]
        self.group = [g for g, s in enumerate(samplings) for _ in range(s.n)]
        self.local = [i for s in samplings for i in range(s.n)]
        self.prompt_of = torch.tensor(self.group, device=device)
        self.answers: list[list[int]] = [[] for _ in self.group]
        self.active = list(range(len(self.group)))
        self.mask: torch.Tensor | None = None
        self.positions = torch.tensor([lengths[g] for g in self.group], device=device)
        self.forced = 0  # tokens read without sampling

    def take(
        self, tokens: list[int], eos_id: int, grammars: list[GrammarMasks], fast_forward: bool
    ) -> tuple[list[int], list[list[int]]]:
        """Append each active row's token, and the tokens its grammar then forces; the batch
        positions of the rows still writing, and what each of them reads next."""
        keep, feeds = [], []
        for i, (row, token) in enumerate(zip(self.active, tokens, strict=True)):
            if token == eos_id:
                continue
            grammar, local = grammars[self.group[row]], self.local[row]
            self.answers[row].append(token)
            grammar.advance(local, token)
            limit = self.samplings[self.group[row]].max_new_tokens
            forced = grammar.forced(local, limit - len(self.answers[row])) if fast_forward else []
            self.answers[row] += forced
            self.forced += len(forced)
            if not grammar.complete(local) and len(self.answers[row]) < limit:
                keep.append(i)
                feeds.append([token, *forced])
        return keep, feeds

    def keep(self, keep: list[int], index: torch.Tensor) -> None:
        """Drop the rows that finished (batch positions not in `keep`)."""
        self.active = [self.active[i] for i in keep]
        self.positions = self.positions[index]
        if self.mask is not None:
            self.mask = self.mask[index]

    def step(
        self, feeds: list[list[int]], device: Any
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None, torch.Tensor | None]:
        """The ids each row reads next, right-padded, with the attention mask, positions and
        each row's last real column; mask, positions and last columns are None while every row
        of a single prompt reads one token (rows aligned, the cache unpadded)."""
        width = max(map(len, feeds))
        ids = torch.tensor([f + [0] * (width - len(f)) for f in feeds], device=device)
        if self.mask is None and width == 1:
            self.positions = self.positions + 1
            return ids, None, None, None
        if self.mask is None:  # the first forced run: from here on the rows go unaligned
            # aligned rows of one prompt: each row's position is the cache's length
            columns = int(self.positions[0])
            self.mask = torch.ones(len(feeds), columns, dtype=torch.long, device=device)
        grown = torch.tensor([len(f) for f in feeds], device=device)
        new = (torch.arange(width, device=device) < grown.unsqueeze(-1)).to(self.mask.dtype)
        self.mask = torch.cat([self.mask, new], dim=1)
        positions = self.positions.unsqueeze(-1) + torch.arange(width, device=device)
        self.positions = self.positions + grown
        return ids, self.mask, positions, grown - 1

    def active_groups(self) -> list[tuple[int, list[int]]]:
        """(prompt, batch positions of its active rows), for each prompt with active rows."""
        at: dict[int, list[int]] = {}
        for i, row in enumerate(self.active):
            at.setdefault(self.group[row], []).append(i)
        return list(at.items())

    def by_prompt(self) -> list[list[list[int]]]:
        """The answers, grouped by prompt."""
        grouped: list[list[list[int]]] = [[] for _ in self.samplings]
        for row, answer in enumerate(self.answers):
            grouped[self.group[row]].append(answer)
        return grouped
