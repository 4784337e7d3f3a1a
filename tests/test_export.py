"""Editor exports: Mermaid, Graphviz DOT, draw.io and TikZ files of a laid-out diagram."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diagramgen.cli import app
from diagramgen.diagram import Diagram
from diagramgen.formats.plan import parse_plan
from diagramgen.layout import layout_plan
from diagramgen.render.export import EXPORTS, parse_exports, to_dot, to_drawio, to_mermaid, to_tikz

FLOW = (
    'flow horizontal palette=teal\nnode user "Browser & \'app\'" terminal\nnode web "Web app"\n'
    'node ok "Signed in?" decision\nnode db "Orders_DB 100%" db\nnode q "Events {raw}" data\n'
    'group "Back end": db, q\nuser -> web -> ok\nok -> db "yes"\nok -> web "no" dashed\n'
    "db -> q line\nend\n"
)
NET = "nn horizontal\ninput 4\ndense 6\noutput 2\nend\n"
CNN = 'cnn\ninput 32x32\nconv 3x3 16\npool 2x2\nrepeat 3 "res block"\ndense 10\noutput 10\nend\n'


@pytest.fixture(params=[FLOW, NET, CNN], ids=["flow", "nn", "cnn"])
def diagram(request: pytest.FixtureRequest) -> Diagram:
    return layout_plan(parse_plan(request.param))


def test_mermaid_carries_every_label_and_edge(diagram: Diagram) -> None:
    text = to_mermaid(diagram)
    assert text.startswith("flowchart ")
    for node in diagram.nodes:
        shown = " ".join(node.label.split()).replace('"', "#quot;")
        assert shown in text, node.label
    arrows = re.findall(r"^\s+n\d+ (-->|---|-\.->)(\|\"[^\"]*\"\|)? n\d+$", text, re.M)
    assert len(arrows) == len(diagram.edges)
    for edge in diagram.edges:
        if edge.label:
            assert f'|"{edge.label}"|' in text
    assert text.count("subgraph") == len(diagram.clusters)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_dot_parses_with_graphviz(diagram: Diagram, tmp_path: Path) -> None:
    source = tmp_path / "d.dot"
    source.write_text(to_dot(diagram))
    done = subprocess.run(["dot", "-Tsvg", str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('class="node"') == len(diagram.nodes)
    assert done.stdout.count('class="edge"') == len(diagram.edges)


def test_drawio_has_a_cell_with_geometry_for_every_node_and_edge(diagram: Diagram) -> None:
    root = ET.fromstring(to_drawio(diagram))
    cells = root.findall(".//mxCell")
    vertices = [c for c in cells if c.get("vertex") == "1"]
    edges = [c for c in cells if c.get("edge") == "1"]
    assert len(vertices) == len(diagram.nodes) + len(diagram.clusters) + len(diagram.texts)
    assert len(edges) == len(diagram.edges)
    ids = {c.get("id") for c in vertices}
    for cell in vertices + edges:
        assert cell.find("mxGeometry") is not None
    for cell in edges:
        assert cell.get("source") in ids and cell.get("target") in ids
    node = diagram.nodes[0]
    first = next(c for c in vertices if c.get("value") == node.label)
    geometry = first.find("mxGeometry")
    assert geometry is not None and float(geometry.get("width", 0)) == pytest.approx(
        node.width, abs=0.1
    )


def test_tikz_has_one_node_per_node(diagram: Diagram, tmp_path: Path) -> None:
    text = to_tikz(diagram)
    drawn = re.findall(r"\\node\[draw, [^\]]*\] \((n\d+)\)", text)
    assert len(drawn) == len(diagram.nodes) == len(set(drawn))
    assert text.count(r"\draw[") == len(diagram.edges) + len(diagram.clusters)
    latex = shutil.which("pdflatex")
    if latex is None:
        pytest.skip("no TeX installed: the document is not compiled")
    (tmp_path / "d.tex").write_text(text)
    done = subprocess.run([latex, "-halt-on-error", "d.tex"], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0, done.stdout[-2000:]


def test_special_characters_are_escaped() -> None:
    flow = layout_plan(parse_plan(FLOW))
    assert r"Orders\_DB 100\%" in to_tikz(flow) and r"Events \{raw\}" in to_tikz(flow)
    assert "Browser &amp; &#x27;app&#x27;" in to_drawio(flow)
    assert "label=\"Browser & 'app'\"" in to_dot(flow)


def test_render_and_generate_take_export(tmp_path: Path) -> None:
    plan = tmp_path / "flow.plan"
    plan.write_text(FLOW)
    out = tmp_path / "flow.svg"
    result = CliRunner().invoke(
        app, ["render", str(plan), "-o", str(out), "--export", "mermaid,dot,drawio,tikz"]
    )
    assert result.exit_code == 0, result.output
    for suffix in EXPORTS.values():
        assert out.with_suffix(suffix).is_file()
    bad = CliRunner().invoke(app, ["render", str(plan), "--export", "visio"])
    assert bad.exit_code == 2 and "unknown export 'visio'" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    with pytest.raises(ValueError):
        parse_exports("dot,pdf")
