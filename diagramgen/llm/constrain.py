"""Grammar masks that keep every sampled sequence inside the plan grammar.

The grammar (llguidance) fixes the syntax, the layer and node counts that references may
name, and the end line; one check it cannot express, an edge from a node to itself, is masked
here directly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import llguidance
import llguidance.hf
import torch

from diagramgen.llm import BackendError
from diagramgen.llm.grammar import NOTHING_HELD, HeldPlan, plan_grammar

_LAST_ID = re.compile(r"(?:^|\n| )([a-z]) ->\s?$")


@lru_cache(maxsize=64)
def _grammar(held: HeldPlan) -> str:
    return str(llguidance.LLMatcher.grammar_from_lark(plan_grammar(held)))


@lru_cache(maxsize=4)
def _compiled(tokenizer: Any) -> tuple[Any, dict[str, list[int]]]:
    """(llguidance tokenizer, letter -> ids of tokens that are that letter)."""
    letters: dict[str, list[int]] = {}
    for token_id in range(len(tokenizer)):
        text = tokenizer.decode([token_id]).strip()
        if len(text) == 1 and "a" <= text <= "z":
            letters.setdefault(text, []).append(token_id)
    ll_tokenizer = llguidance.hf.from_tokenizer(tokenizer)
    probe = "nn horizontal"
    if ll_tokenizer.decode_str(tokenizer.encode(probe, add_special_tokens=False)) != probe:
        # seen with transformers 5.17's GGUF tokenizer: byte-level pieces ('nnĠhorizontal')
        # reach the grammar undecoded, and every answer stops after its first word
        raise BackendError(
            "the grammar engine cannot read this tokenizer's pieces; "
            "use transformers >= 5.20 (pip install 'transformers>=5.20,<6')"
        )
    return ll_tokenizer, letters


def _clear(bitmask: torch.Tensor, row: int, token_ids: list[int]) -> None:
    for t in token_ids:
        word = int(bitmask[row, t >> 5]) & 0xFFFFFFFF
        word &= ~(1 << (t & 31)) & 0xFFFFFFFF
        bitmask[row, t >> 5] = word - (1 << 32) if word >= 1 << 31 else word


class GrammarMasks:
    """One grammar matcher per sampled row: the tokens each row may take next, as a packed
    bitmask; `held` holds the answer to what the request states exactly (see `request_plan`)."""

    def __init__(self, tokenizer: Any, batch: int, held: HeldPlan = NOTHING_HELD) -> None:
        ll_tokenizer, self.letters = _compiled(tokenizer)
        grammar = _grammar(held)
        self.tokenizer = tokenizer
        self.matchers = [llguidance.LLMatcher(ll_tokenizer, grammar) for _ in range(batch)]
        self.texts = [""] * batch
        # packed: bit t of row r says whether token t may come next (llguidance's layout; its
        # torch helpers are not used, as importing them imports torch's compiler, 1.2 s cold)
        words = (ll_tokenizer.vocab_size + 31) // 32
        self.bitmask = torch.full((batch, words), -1, dtype=torch.int32)

    def allowed(self, row: int) -> torch.Tensor:
        """The packed mask for one row (after `fill`)."""
        return self.bitmask[row]

    def advance(self, row: int, token_id: int) -> None:
        """Feed the row's matcher its newly sampled token (unless it has stopped or failed)."""
        matcher = self.matchers[row]
        if not matcher.is_stopped() and not matcher.is_error():
            matcher.consume_token(token_id)
            self.texts[row] += self.tokenizer.decode([token_id])

    def forced(self, row: int, most: int) -> list[int]:
        """Up to `most` tokens the grammar now forces on the row (the only way on, such as a
        held step's label), fed to its matcher: the model reads them without sampling."""
        matcher = self.matchers[row]
        if most <= 0 or matcher.is_stopped() or matcher.is_error():
            return []
        tokens: list[int] = list(matcher.compute_ff_tokens())[:most]
        for token_id in tokens:
            self.advance(row, token_id)
        return tokens

    def complete(self, row: int) -> bool:
        """True once the row's answer is a whole plan (its `end` line written)."""
        matcher = self.matchers[row]
        return bool(matcher.is_stopped() or matcher.is_accepting())

    def fill(self, row: int) -> None:
        """Write the row's allowed next tokens into the bitmask (all, once its matcher failed)."""
        matcher = self.matchers[row]
        if matcher.is_error():
            self.bitmask[row] = -1  # never leave a row with no allowed token
            return
        words = self.bitmask[row]
        matcher.unsafe_compute_mask_ptr(words.data_ptr(), 4 * words.numel())
        last = _LAST_ID.search(self.texts[row][-8:])
        if last:  # no edge from a node to itself
            _clear(self.bitmask, row, self.letters.get(last.group(1), []))
