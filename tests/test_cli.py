from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from diagramgen.cli import app, main

runner = CliRunner()
PLAN = "cnn horizontal\ninput 32x32\nconv 3x3\npool 2x2\ndense 256\noutput 1\nend\n"


def test_render_plan_to_png_and_svg(tmp_path: Path) -> None:
    src = tmp_path / "net.plan"
    src.write_text(PLAN)
    result = runner.invoke(app, ["render", str(src), "-o", str(tmp_path / "net.svg")])
    assert result.exit_code == 0, result.output
    assert re.search(r"readability 4\.\d\d/5", result.output), result.output
    assert (tmp_path / "net.svg").read_text().startswith("<svg")
    result = runner.invoke(app, ["render", str(src)])  # default output beside the input
    assert result.exit_code == 0 and (tmp_path / "net.png").stat().st_size > 1000


def test_render_json_prints_the_structure(tmp_path: Path) -> None:
    src = tmp_path / "net.plan"
    src.write_text(PLAN)
    result = runner.invoke(app, ["render", str(src), "-o", str(tmp_path / "o.png"), "--json"])
    structure = json.loads(result.stdout)
    assert structure["kind"] == "cnn"
    assert [layer["size"] for layer in structure["layers"]] == [32, 30, 15, 256, 1]
    assert structure["edges"][0] == ["L1", "L2"]


def test_render_seed_node_list_warns_about_bad_lines(
    tmp_path: Path, seed_format_cases: str
) -> None:
    src = tmp_path / "seed.txt"
    src.write_text(seed_format_cases.rstrip() + "\n\n[8, 1, 2,\n")
    result = runner.invoke(app, ["render", str(src), "-o", str(tmp_path / "s.png")])
    assert result.exit_code == 0
    assert "warning" in result.stderr and "line 10: line ends early" in result.stderr
    strict = runner.invoke(app, ["render", str(src), "-o", str(tmp_path / "s.png"), "--strict"])
    assert strict.exit_code == 1 and "line" in strict.stderr


def test_bad_inputs_give_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.plan"
    bad.write_text("nn\ninput 4\nconvv 3x3\nend\n")
    cases = [
        (["render", str(bad), "-o", str(tmp_path / "x.png")], 1, "line 3: unknown layer type"),
        (["render", str(tmp_path / "missing.plan")], 2, "no such file"),
        (["render", str(bad), "-o", str(tmp_path / "x.gif")], 2, ".png or .svg"),
        (["render", str(bad), "--format", "yaml"], 2, "--format"),
    ]
    for args, code, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == code, result.output
        assert message in result.stderr
        assert "Traceback" not in result.output
    (tmp_path / "bin.plan").write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(app, ["render", str(tmp_path / "bin.plan")])
    assert result.exit_code == 2 and "UTF-8" in result.stderr


def test_console_script_reads_stdin(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "diagramgen"
    out = tmp_path / "stdin.svg"
    proc = subprocess.run(
        [str(exe), "render", "-", "-o", str(out)],
        input=PLAN,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().count("<text") >= 5


@pytest.mark.model
def test_data_commands_make_a_dataset_pairs_and_a_card(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DIAGRAMGEN_CACHE", str(tmp_path / "cache"))
    sft, prefs = tmp_path / "sft", tmp_path / "prefs"
    written = tmp_path / "people.jsonl"
    truth = {"kind": "nn", "layers": [{"type": "input", "size": 3}, {"type": "output", "size": 2}]}
    written.write_text(json.dumps({"id": "p-1", "request": "three in, two out", "truth": truth}))
    command = ["data", "sft", "--count", "60", "--seed", "2", "--out", str(sft)]
    result = runner.invoke(app, [*command, "--written", str(written), "--written-repeat", "2"])
    assert result.exit_code == 0, result.output
    assert "validation examples" in result.stdout
    assert (sft / "train.jsonl").read_text().count("\n") > 50
    result = runner.invoke(app, ["data", "prefs", "--sft", str(sft), "--out", str(prefs)])
    assert result.exit_code == 0 and (prefs / "val.jsonl").is_file()
    card = tmp_path / "CARD.md"
    result = runner.invoke(app, ["data", "card", str(sft), "-o", str(card)])
    assert result.exit_code == 0, result.output
    text = card.read_text()
    assert "answer tokens, median" in text and "Ten random examples" in text
    assert f"--written {written} --written-repeat 2`" in text  # the command that made it
    missing = runner.invoke(
        app, ["data", "prefs", "--sft", str(tmp_path / "nope"), "--out", str(prefs)]
    )
    assert missing.exit_code == 2 and "no train.jsonl" in missing.stderr


def test_serve_refuses_more_recommendations_than_candidates() -> None:
    result = runner.invoke(app, ["serve", "--count", "2", "--recommend", "3"])
    assert result.exit_code == 2
    assert "--recommend cannot be larger than --count" in result.output


def test_score_rates_texts_by_the_metric_and_images_by_the_cnn(tmp_path: Path) -> None:
    src = tmp_path / "net.plan"
    src.write_text(PLAN)
    image = tmp_path / "net.png"
    assert runner.invoke(app, ["render", str(src), "-o", str(image)]).exit_code == 0
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    result = runner.invoke(app, ["score", str(src), str(broken), str(image), "--json"])
    assert result.exit_code == 1  # the broken file fails, the others are still scored
    assert "broken.png" in result.stderr
    text_row, image_row = (json.loads(line) for line in result.stdout.splitlines())
    assert text_row["metric"]["score"] > 4.5 and text_row["metric"]["overlaps"] == 0
    assert set(text_row["metric"]["penalties"]) <= set(text_row["metric"]["drawing"]) | {"balance"}
    assert image_row["cnn"] is None or 3.0 < image_row["cnn"] <= 5.0
    plain = runner.invoke(app, ["score", str(src)])
    assert plain.exit_code == 0 and re.search(r"4\.\d\d/5 \(metric\)", plain.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ratings", "import", "{tmp}", "--user", "ana", "--db", "{tmp}"],
            "not a usable ratings database",
        ),
        (
            ["rate", "99999999999999999999999", "3", "--user", "ana", "--db", "{tmp}/r.db"],
            "no diagram",
        ),
        (["eval", "{tmp}/bad.jsonl"], "line 2 is not a JSON object"),
        (["serve", "--port", "70000"], "--port"),
        (["ratings", "import", "{tmp}", "--user", ""], "user name"),
        (
            ["ratings", "import", "{tmp}", "--user", "ana", "--db", "{tmp}/bad.jsonl"],
            "not a usable ratings database",
        ),
        (["render", "--no-such-option"], "No such option"),
    ],
)
def test_bad_files_and_options_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:

    (tmp_path / "bad.jsonl").write_text('{"request": "a net"}\nnot json\n', encoding="utf-8")
    for score in range(6):
        (tmp_path / str(score)).mkdir()
    (tmp_path / "0" / "a.png").write_bytes(b"\x89PNG")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "diagramgen.cli", *argv], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr + done.stdout
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def _bad_values(param: Any) -> list[str]:
    """Values the option's type must refuse (none for free text and paths)."""
    annotation = param.type_descriptor.annotation
    if annotation not in (int, float):
        return []
    bounds = [param.min - 1 if param.min is not None else None]
    bounds.append(param.max + 1 if param.max is not None else None)
    return ["x", "1e999x", *(str(b) for b in bounds if b is not None)]


def test_every_command_refuses_every_bad_option_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each command, an unknown option and each typed option's bad values: one line, exit 2."""
    tried = 0
    for path, command in _commands(get_command(app)):
        cases = [["--no-such-option"]]
        for param in command.params:
            if param.opts[0].startswith("--") and not getattr(param, "is_flag", False):
                cases += [[param.opts[0], value] for value in _bad_values(param)]
        for case in cases:
            with pytest.raises(SystemExit) as done:
                main([*path, *case])
            err = capsys.readouterr().err
            assert done.value.code == 2, (path, case, err)
            assert err.startswith("error: ") and len(err.splitlines()) == 1, (path, case, err)
            tried += 1
    assert tried > 40


def test_render_score_and_help_start_without_torch(tmp_path: Path) -> None:
    """The commands that draw or score never load the model stack (a cold start of ~0.3 s)."""
    plan = tmp_path / "net.txt"
    plan.write_text("nn\ninput 4\ndense 8\noutput 2\nend\n", encoding="utf-8")
    image = tmp_path / "net.png"
    probe = (
        "import sys\nfrom diagramgen.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('torch', 'transformers', 'llguidance') if m in sys.modules))"
    )
    for args in (
        ["--help"],
        ["generate", "--help"],
        ["render", str(plan), "-o", str(image)],
        ["score", str(image), str(plan)],
    ):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip().splitlines()[-1] == "[]", (args, done.stdout)
    assert image.is_file()
