"""The generation pipeline against a real local OpenAI-compatible server, and the CLI."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagramgen.cli import app
from diagramgen.llm import BackendError, Sampling, load_backend
from diagramgen.pipeline import generate
from diagramgen.request import RequestError

runner = CliRunner()


def test_openai_backend_returns_n_samples(server_url: str) -> None:
    backend = load_backend(f"openai:{server_url}", model="any")
    answers = backend.generate(["a net please"], Sampling(n=3))
    assert len(answers) == 1 and len(answers[0]) == 3


def test_openai_backend_retries_a_busy_server_and_fails_in_one_line(server_url: str) -> None:
    patient = load_backend(f"openai:{server_url}")
    assert len(patient.generate(["a flaky net"], Sampling(n=2))[0]) == 2  # 503, then an answer
    impatient = load_backend(f"openai:{server_url}")
    impatient.retries = 0  # type: ignore[attr-defined]
    answers = []
    with pytest.raises(BackendError, match="HTTP 503: busy") as failed:
        for _ in range(2):  # one of two calls meets the 503
            answers.append(impatient.generate(["a flaky net"], Sampling(n=1)))
    assert "\n" not in str(failed.value)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    dead = load_backend(f"openai:http://127.0.0.1:{closed}")
    dead.backoff = 0.01  # type: ignore[attr-defined]
    with pytest.raises(BackendError, match="cannot reach"):
        dead.generate(["a net"], Sampling(n=1))


def test_pipeline_keeps_valid_distinct_candidates_and_ranks_them(
    server_url: str, tmp_path: Path
) -> None:
    backend = load_backend(f"openai:{server_url}")
    # The server knows 3 distinct valid plans and 1 broken one: asking for 4 must keep the 3,
    # drop the broken one with the parser's reason, retry, and drop repeats as duplicates.
    result = generate(
        "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output", 4, 2, backend, tmp_path
    )
    assert [c.rank for c in result.candidates] == [1, 2, 3]
    assert [c.recommended for c in result.candidates] == [True, True, False]
    finals = [c.scores["final"] for c in result.candidates]
    assert finals == sorted(finals, reverse=True)
    reasons = [d["reason"] for d in result.dropped]
    assert (
        any("unknown layer type" in r for r in reasons)
        and "the same drawing as another candidate" in reasons
    )
    for c in result.candidates:
        assert c.text.rstrip().endswith("end")  # text after the end line was cut
        assert [layer["size"] for layer in c.diagram.structure()["layers"]] == [4, 6, 10, 1]
        assert c.png is not None and c.png.stat().st_size > 1000 and c.svg is not None
    saved = json.loads((tmp_path / "result.json").read_text())
    assert saved["request"].startswith("a neural net") and len(saved["candidates"]) == 3


def test_cli_generate_json_has_the_promised_shape(server_url: str, tmp_path: Path) -> None:
    args = ["generate", "RAG flow: question -> LLM -> answer", "--backend", f"openai:{server_url}"]
    result = runner.invoke(
        app, [*args, "--count", "2", "--recommend", "1", "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"request", "candidates", "seconds"}
    assert set(data["seconds"]) == {"load", "decode", "draw", "rounds", "rank", "write", "total"}
    assert 1 <= data["seconds"]["rounds"] <= 3
    first = data["candidates"][0]
    keys = {"rank", "recommended", "text", "png", "svg", "structure", "scores", "fidelity"}
    keys.add("readability_parts")
    assert set(first) == keys
    assert 5 - sum(first["readability_parts"].values()) == pytest.approx(
        first["scores"]["readability"], abs=0.01
    )
    assert (
        set(first["scores"]) == {"readability", "user", "final"} and first["scores"]["user"] is None
    )
    assert first["rank"] == 1 and first["recommended"] is True
    assert [n["label"] for n in first["structure"]["nodes"]] == ["question", "LLM", "answer"]
    assert Path(first["png"]).is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "   "], "the request is empty"),
        (["generate", "x" * 3000], "limit is 2000"),
        (["generate", "a net", "--backend", "gpt5"], "unknown backend"),
        (["generate", "a net", "--backend", "openai:http://127.0.0.1:9"], "cannot reach"),
        (["generate", "a net", "--backend", "hf:/no/such/model"], "not a Hugging Face model"),
        (["generate", "a net", "--count", "0"], "count must be"),
        (["generate", "a net", "--mode", "xml"], "--mode"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_request_checks() -> None:
    with pytest.raises(RequestError):
        generate("", backend=load_backend("openai:http://127.0.0.1:9"))
    with pytest.raises(BackendError, match="cannot reach"):
        generate("a net", backend=load_backend("openai:http://127.0.0.1:9"))


def test_pairs_are_mined_from_wrong_model_samples(server_url: str) -> None:
    from diagramgen.data.mining import mine_pairs
    from diagramgen.diagram import net_structure

    answer = "nn horizontal palette=blue\ninput 4\ndense 6\ndense 10\noutput 1\nend\n"
    right = {
        "request": "a net",
        "answer": answer,
        "kind": "nn",
        "structure": net_structure(
            "nn", [("input", 4), ("dense", 6), ("dense", 10), ("output", 1)]
        ),
    }
    wrong = dict(right, structure=net_structure("nn", [("input", 4), ("dense", 7), ("output", 1)]))
    backend = load_backend(f"openai:{server_url}")
    pairs = mine_pairs([right], backend, Sampling(n=4))
    assert len(pairs) == 1 and "does not parse" in pairs[0]["reason"]  # only the broken sample
    pairs = mine_pairs([wrong], backend, Sampling(n=2))
    assert len(pairs) == 1 and "wrong structure" in pairs[0]["reason"]
    assert pairs[0]["chosen"] == answer and pairs[0]["rejected"] != answer


def test_a_vllm_server_is_sent_the_grammar_held_to_the_request(server_url: str) -> None:
    import json as json_
    import urllib.request

    backend = load_backend(f"openai:{server_url}", server_grammar="vllm")
    backend.generate(["a net with 4 inputs, hidden layers of 6 and 10, 1 output"], Sampling(n=2))
    with urllib.request.urlopen(f"{server_url}/last") as reply:
        sent = json_.loads(reply.read())
    assert sent["guided_grammar"] == sent["structured_outputs"]["grammar"]
    assert "/dense 6/" in sent["guided_grammar"] and "/dense 10/" in sent["guided_grammar"]
    load_backend(f"openai:{server_url}").generate(["a flow: a -> b"], Sampling(n=1))
    with urllib.request.urlopen(f"{server_url}/last") as reply:
        assert "guided_grammar" not in json_.loads(reply.read())  # only when asked for


def test_a_kind_we_do_not_draw_is_refused_before_any_model_runs() -> None:
    result = CliRunner().invoke(
        app,
        ["generate", "a Gantt chart of the release plan", "--backend", "openai:http://127.0.0.1:9"],
    )
    assert result.exit_code == 2
    assert "cannot draw a Gantt chart" in result.output and "flowcharts" in result.output
    assert "Traceback" not in result.output


class ScriptedModel:
    """A backend answering each round with the next list of texts (what it was asked is kept)."""

    name = "scripted"

    def __init__(self, rounds: list[list[str]]) -> None:
        self.rounds, self.asked = rounds, []

    def generate(self, requests: list[str], sampling: Sampling) -> list[list[str]]:
        self.asked.append((sampling.n, sampling.temperature))
        return [self.rounds[len(self.asked) - 1][: sampling.n]]


def _net(hidden: int, style: str = "") -> str:
    return f"nn{style}\ninput 4\ndense {hidden}\noutput 1\nend\n"


def test_the_first_round_oversamples_and_keeps_the_drawings_sampled_most() -> None:
    from diagramgen.pipeline import SURPLUS, sample_candidates
    from diagramgen.request import read_request

    spec = read_request("a small neural network, any hidden size")
    first = [_net(8), _net(9), _net(8, " palette=warm"), _net(7), _net(9), _net(6), _net(5)]
    model = ScriptedModel([first])
    kept, dropped = sample_candidates(model, spec, Sampling(n=3), lambda _: None)
    assert model.asked == [(6, 0.8)]  # one round of 3 + OVERSAMPLE rows: 4 drawings differ
    assert [c.text for c in kept] == [_net(8), _net(9), _net(7)]  # most votes, then first seen
    assert [c.votes for c in kept] == [2, 2, 1]
    assert sorted(d["text"] for d in dropped if d["reason"] == SURPLUS) == [_net(6)]

    model = ScriptedModel([[_net(8)] * 8, [_net(8), _net(9), _net(10)]])
    kept, _ = sample_candidates(model, spec, Sampling(n=3), lambda _: None)
    assert model.asked == [(6, 0.8), (2, 1.0)]  # too few differ: one hotter round for the rest
    assert [c.text for c in kept] == [_net(8), _net(9)]


def test_a_request_held_exactly_is_not_oversampled() -> None:
    from diagramgen.pipeline import sample_candidates
    from diagramgen.request import read_request

    spec = read_request("a neural net with 4 inputs, one hidden layer of 8 and 1 output")
    assert spec.certain
    model = ScriptedModel([[_net(8)] * 3 + [_net(8, " vertical"), _net(8, " palette=warm")]])
    kept, _ = sample_candidates(model, spec, Sampling(n=5), lambda _: None)
    assert model.asked == [(5, 0.8)]  # no extra rows, and its repeats are not resampled
    # its body is fixed, so its candidates are its styles, the most sampled first
    assert [c.text for c in kept] == [_net(8), _net(8, " vertical"), _net(8, " palette=warm")]
    assert [c.votes for c in kept] == [3, 1, 1]
