"""The package's shape: every import runs with the flow of the pipeline, never against it.

request -> llm -> formats -> layout -> render -> quality -> personal -> pipeline, then the
seed bench, data and training beside it, then the front ends. A module may import the core
modules, its own stage, and the stages before it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "diagramgen"
CORE = (
    "diagram",
    "errors",
    "limits",
    "vocabulary",
    "style",
    "typeset",
    "geometry",
    "assets",
    "jsonl",
)
FLOW = (
    "request", "llm", "formats", "layout", "render", "quality", "personal", "pipeline",
    "seedbench", "data", "train", "web", "cli",
)  # fmt: skip
# The package's own __init__ is its public parsing API: it stands with layout.
ORDER = {**dict.fromkeys(CORE, 0), **{name: i + 1 for i, name in enumerate(FLOW)}, "": 4}
ORDER["__main__"] = ORDER["cli"]  # `python -m diagramgen` is the command line


def stage(module: str) -> str:
    """The stage of a dotted module name inside diagramgen ('' for the package itself)."""
    parts = module.split(".")
    assert parts[0] == "diagramgen", module
    return parts[1] if len(parts) > 1 else ""


def imported(source: str, module: str) -> set[str]:
    """Every diagramgen module a source imports, at the top or inside functions."""
    found = set()
    package = module if module.endswith("__init__") else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "diagramgen"}
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                base = package.removesuffix(".__init__").split(".")
                name = ".".join(base[: len(base) - node.level + 1] + ([name] if name else []))
            if name.split(".")[0] == "diagramgen":
                found.add(name)
    return found


def against_the_flow(source: str, module: str) -> list[str]:
    """The imports of `module` that reach a later stage than its own."""
    own = ORDER[stage(module)]
    return sorted(m for m in imported(source, module) if ORDER[stage(m)] > own)


def modules() -> list[tuple[str, Path]]:
    """(dotted name, file) of every module in the package."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


def test_every_module_belongs_to_a_known_stage() -> None:
    unknown = {stage(name) for name, _ in modules()} - set(ORDER)
    assert not unknown, f"add these to the flow in tests/test_architecture.py: {unknown}"


@pytest.mark.parametrize("name,path", modules(), ids=[name for name, _ in modules()])
def test_imports_run_with_the_flow(name: str, path: Path) -> None:
    assert against_the_flow(path.read_text(encoding="utf-8"), name) == []


def test_the_check_catches_an_import_against_the_flow() -> None:
    source = "from diagramgen.pipeline import generate\ndef f():\n    import diagramgen.web\n"
    assert against_the_flow(source, "diagramgen.layout.flow") == [
        "diagramgen.pipeline",
        "diagramgen.web",
    ]
    assert against_the_flow("from diagramgen.diagram import Diagram", "diagramgen.request") == []


def test_every_stage_states_its_boundary() -> None:
    for folder in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()):
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"{folder.name}/__init__.py needs a docstring"


def test_drawing_a_text_never_loads_torch(tmp_path: Path) -> None:
    """`render`, `score` of a text and `--help` start fast: no torch, no transformers."""
    plan = tmp_path / "net.plan"
    plan.write_text("nn\ninput 3\ndense 4\noutput 1\nend\n")
    script = (
        "import sys\nfrom typer.testing import CliRunner\nfrom diagramgen.cli import app\n"
        "r = CliRunner()\n"
        f"assert r.invoke(app, ['render', {str(plan)!r}]).exit_code == 0\n"
        f"assert r.invoke(app, ['score', {str(plan)!r}]).exit_code == 0\n"
        "assert r.invoke(app, ['--help']).exit_code == 0\n"
        "heavy = sorted(m for m in ('torch', 'transformers') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.strip() == ""


def test_the_architecture_picture_names_every_stage() -> None:
    """docs/ARCHITECTURE.md's picture is drawn from this plan: it must stay true to the tree."""
    from diagramgen.formats.plan import parse_plan
    from diagramgen.layout import layout_plan

    plan_file = PACKAGE.parent / "docs" / "architecture" / "pipeline.plan"
    plan = parse_plan(plan_file.read_text(encoding="utf-8"))
    shown = " ".join(node.label for node in plan.nodes)
    missing = [name for name in FLOW if name not in shown]
    assert not missing, f"add these stages to {plan_file.name}: {missing}"
    assert layout_plan(plan).nodes
