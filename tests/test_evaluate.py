from __future__ import annotations

import pytest

from diagramgen.formats.nodelist import node_list_to_diagram
from diagramgen.llm.embedded import count_tokens
from diagramgen.seedbench.evaluate import evaluate_seed_outputs, mentioned_terms, seed_net_structure


@pytest.mark.model
def test_seed_outputs_are_scored_by_the_same_code(seed_benchmark: list[dict]) -> None:
    summary = evaluate_seed_outputs(seed_benchmark, count_tokens).summary()
    assert summary["requests"] == 200
    assert summary["parse_rate"] == 199 / 200  # one recorded answer is garbage
    assert summary["clean"] < 0.1 and summary["readability"] < 2
    assert summary["tokens_per_answer"] > 1000  # the seed's answers ran to the token limit
    assert summary["flow_labels_from_request"] == 0.0  # its boxes carry no text


def test_seed_dense_nets_read_back_as_rows() -> None:
    text = "\n".join(
        f"[{i}, {100 + 50 * (i % 3)}, {120 * (1 + i // 3)}, 'circle', 40, 40, 'solid arrow', (1, 2, 3), (0, 0, 0), []]"
        for i in range(6)
    )
    layers = seed_net_structure(node_list_to_diagram(text)[0], "nn")["layers"]
    assert [(layer["type"], layer["size"]) for layer in layers] == [("input", 3), ("output", 3)]


def test_request_terms() -> None:
    assert mentioned_terms("inputs png file and outputs data storage with NN") == [
        "data storage",
        "png file",
        "nn",
    ]


def test_drop_reasons_are_counted_by_kind() -> None:
    from diagramgen.seedbench.evaluate import Report, RowResult

    def row(*reasons: str) -> RowResult:
        return RowResult("cnn", 5, 5 - len(reasons), True, True, 1.0, 1.0, 5.0, True, 1.0, 90.0,
                         list(reasons))  # fmt: skip

    report = Report([
        row("line 16: a 3x3 window does not fit the 1-wide input of this layer"),
        row("line 9: a 5x5 window does not fit the 2-wide input of this layer", "no end line"),
    ])  # fmt: skip
    assert report.summary()["drop_reasons"] == {
        "a NxN window does not fit the N-wide input of this layer": 2,
        "no end line": 1,
    }
