"""A laid-out Diagram in the formats of the editors people use: Mermaid, Graphviz DOT, draw.io
and TikZ. Each carries every node's label and shape, every edge with its label and style, and
the groups; draw.io and TikZ keep our positions too."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from diagramgen.diagram import Diagram, Edge, LineStyle, Node, Orientation, Shape
from diagramgen.render.svg import xml_text

EXPORTS = {"mermaid": ".mmd", "dot": ".dot", "drawio": ".drawio", "tikz": ".tex"}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ids(diagram: Diagram) -> dict[str, str]:
    """A safe identifier per node (ours are already, but a node list's may be numbers)."""
    return {n.id: f"n{i}" for i, n in enumerate(diagram.nodes)}


# Mermaid ------------------------------------------------------------------------------------
_MERMAID_SHAPES = {
    Shape.RECTANGLE: ('["', '"]'),
    Shape.ROUND_RECTANGLE: ('("', '")'),
    Shape.CIRCLE: ('(("', '"))'),
    Shape.DIAMOND: ('{"', '"}'),
    Shape.CYLINDER: ('[("', '")]'),
    Shape.PARALLELOGRAM: ('[/"', '"/]'),
}


def _mermaid_text(text: str) -> str:
    return _one_line(text).replace('"', "#quot;")


def _mermaid_edge(edge: Edge, ids: dict[str, str]) -> str:
    arrow = {LineStyle.SOLID_ARROW: "-->", LineStyle.SOLID_LINE: "---"}.get(edge.style, "-.->")
    label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
    return f"    {ids[edge.source]} {arrow}{label} {ids[edge.target]}"


def to_mermaid(diagram: Diagram) -> str:
    """A Mermaid flowchart: shapes, labels, edge labels and styles, groups as subgraphs."""
    ids = _ids(diagram)
    direction = "TB" if diagram.orientation is Orientation.VERTICAL else "LR"
    lines = [f"flowchart {direction}"]
    grouped = {m for c in diagram.clusters for m in c.node_ids}

    def node_line(n: Node, indent: str) -> str:
        opening, closing = _MERMAID_SHAPES[n.shape]
        return f"{indent}{ids[n.id]}{opening}{_mermaid_text(n.label or n.id)}{closing}"

    lines += [node_line(n, "    ") for n in diagram.nodes if n.id not in grouped]
    for k, cluster in enumerate(diagram.clusters):
        lines.append(f'    subgraph g{k}["{_mermaid_text(cluster.label)}"]')
        lines += [node_line(diagram.node(m), "        ") for m in cluster.node_ids]
        lines.append("    end")
    lines += [_mermaid_edge(e, ids) for e in diagram.edges]
    return "\n".join(lines) + "\n"


# Graphviz DOT -------------------------------------------------------------------------------
_DOT_SHAPES = {
    Shape.RECTANGLE: "box",
    Shape.ROUND_RECTANGLE: "box",
    Shape.CIRCLE: "ellipse",
    Shape.DIAMOND: "diamond",
    Shape.CYLINDER: "cylinder",
    Shape.PARALLELOGRAM: "parallelogram",
}


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_node(n: Node, ids: dict[str, str]) -> str:
    style = "filled,rounded" if n.shape is Shape.ROUND_RECTANGLE else "filled"
    return (
        f"{ids[n.id]} [label={_dot_text(n.label or n.id)}, shape={_DOT_SHAPES[n.shape]}, "
        f'style="{style}", fillcolor="{_hex(n.fill)}", color="{_hex(n.line_color)}", '
        f'fontcolor="{_hex(n.text_color)}"]'
    )


def _dot_edge(e: Edge, ids: dict[str, str]) -> str:
    attrs = [f'color="{_hex(e.color)}"']
    if e.label:
        attrs.append(f"label={_dot_text(e.label)}")
    if e.style is LineStyle.DASHED_LINE:
        attrs.append("style=dashed")
    if e.style is LineStyle.SOLID_LINE:
        attrs.append("arrowhead=none")
    return f"    {ids[e.source]} -> {ids[e.target]} [{', '.join(attrs)}]"


def to_dot(diagram: Diagram) -> str:
    """Graphviz DOT: the same graph for `dot` to lay out (its own positions, our styling)."""
    ids = _ids(diagram)
    rankdir = "TB" if diagram.orientation is Orientation.VERTICAL else "LR"
    lines = [
        "digraph diagram {",
        f'    rankdir={rankdir}; fontname="DejaVu Sans";',
        '    node [fontname="DejaVu Sans", fontsize=12];',
        '    edge [fontname="DejaVu Sans", fontsize=10];',
    ]
    grouped = {m for c in diagram.clusters for m in c.node_ids}
    lines += [f"    {_dot_node(n, ids)};" for n in diagram.nodes if n.id not in grouped]
    for k, cluster in enumerate(diagram.clusters):
        lines += [f"    subgraph cluster_{k} {{", f"        label={_dot_text(cluster.label)};"]
        lines += [f"        {_dot_node(diagram.node(m), ids)};" for m in cluster.node_ids]
        lines.append("    }")
    lines += [f"{_dot_edge(e, ids)};" for e in diagram.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


# draw.io ------------------------------------------------------------------------------------
_DRAWIO_SHAPES = {
    Shape.RECTANGLE: "rounded=0;",
    Shape.ROUND_RECTANGLE: "rounded=1;",
    Shape.CIRCLE: "ellipse;",
    Shape.DIAMOND: "rhombus;",
    Shape.CYLINDER: "shape=cylinder3;boundedLbl=1;size=8;",
    Shape.PARALLELOGRAM: "shape=parallelogram;perimeter=parallelogramPerimeter;",
}


def _attr(text: str) -> str:
    return xml_text(text).replace("\n", "&#xa;")


def _cell(cell_id: str, value: str, style: str, geometry: str, extra: str = "") -> str:
    return (
        f'        <mxCell id="{cell_id}" value="{_attr(value)}" style="{style}" parent="1"'
        f"{extra}>\n          {geometry}\n        </mxCell>"
    )


def to_drawio(diagram: Diagram) -> str:
    """An uncompressed draw.io (diagrams.net) file with our positions, one cell per node, edge
    and group."""
    ids = _ids(diagram)
    cells = []
    for k, c in enumerate(diagram.clusters):
        geometry = (
            f'<mxGeometry x="{c.x:.1f}" y="{c.y:.1f}" width="{c.width:.1f}" '
            f'height="{c.height:.1f}" as="geometry"/>'
        )
        style = "rounded=1;dashed=1;fillColor=#f4f4f6;verticalAlign=top;align=left;spacingLeft=8;"
        cells.append(_cell(f"g{k}", c.label, style + "fontStyle=1;", geometry, ' vertex="1"'))
    for n in diagram.nodes:
        style = (
            f"{_DRAWIO_SHAPES[n.shape]}whiteSpace=wrap;html=0;fillColor={_hex(n.fill)};"
            f"strokeColor={_hex(n.line_color)};fontColor={_hex(n.text_color)};"
        )
        geometry = (
            f'<mxGeometry x="{n.left:.1f}" y="{n.top:.1f}" width="{n.width:.1f}" '
            f'height="{n.height:.1f}" as="geometry"/>'
        )
        cells.append(_cell(ids[n.id], n.label, style, geometry, ' vertex="1"'))
    for k, e in enumerate(diagram.edges):
        style = f"edgeStyle=none;html=0;strokeColor={_hex(e.color)};"
        if e.style is LineStyle.DASHED_LINE:
            style += "dashed=1;"
        if e.style is LineStyle.SOLID_LINE:
            style += "endArrow=none;"
        points = "".join(f'<mxPoint x="{x:.1f}" y="{y:.1f}"/>' for x, y in e.route)
        geometry = (
            f'<mxGeometry relative="1" as="geometry"><Array as="points">{points}</Array>'
            "</mxGeometry>"
        )
        extra = f' edge="1" source="{ids[e.source]}" target="{ids[e.target]}"'
        cells.append(_cell(f"e{k}", e.label, style, geometry, extra))
    for k, t in enumerate(diagram.texts):
        geometry = (
            f'<mxGeometry x="{t.x - 60:.1f}" y="{t.y - 14:.1f}" width="120" height="20" '
            'as="geometry"/>'
        )
        cells.append(_cell(f"t{k}", t.text, "text;html=0;align=center;", geometry, ' vertex="1"'))
    return (
        '<mxfile host="diagramgen">\n  <diagram id="diagram" name="diagram">\n'
        f'    <mxGraphModel dx="{diagram.width}" dy="{diagram.height}" grid="0" page="0">\n'
        '      <root>\n        <mxCell id="0"/>\n        <mxCell id="1" parent="0"/>\n'
        + "\n".join(cells)
        + "\n      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>\n"
    )


# TikZ ---------------------------------------------------------------------------------------
_TIKZ_SHAPES = {
    Shape.RECTANGLE: "rectangle",
    Shape.ROUND_RECTANGLE: "rectangle, rounded corners=3pt",
    Shape.CIRCLE: "ellipse",
    Shape.DIAMOND: "diamond, aspect=2",
    Shape.CYLINDER: "cylinder, shape border rotate=90, aspect=0.25",
    Shape.PARALLELOGRAM: "trapezium, trapezium left angle=70, trapezium right angle=110",
}
_TEX_SPECIAL = re.compile(r"([\\&%$#_{}~^])")
PT_PER_PX = 0.6  # a 1000 px wide diagram becomes 600 pt, about a page's width


def _tex(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        ch = m.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\^{}"}.get(
            ch, "\\" + ch
        )

    return _TEX_SPECIAL.sub(one, text).replace("\n", r"\\")


def _pt(x: float, y: float) -> str:
    return f"({x * PT_PER_PX:.1f}pt,{-y * PT_PER_PX:.1f}pt)"


def to_tikz(diagram: Diagram) -> str:
    """A LaTeX document with one TikZ picture on a page its size: our positions, shapes, labels
    (the `tikzpicture` block can be pasted into a paper as it is)."""
    ids = _ids(diagram)
    width, height = diagram.width * PT_PER_PX, diagram.height * PT_PER_PX
    lines = [  # a page the size of the canvas, with only base TeX packages (no standalone)
        r"\documentclass{article}",
        rf"\usepackage[paperwidth={width:.1f}pt,paperheight={height:.1f}pt,margin=0pt]{{geometry}}",
        r"\usepackage{tikz}",
        r"\usetikzlibrary{shapes.geometric,arrows.meta}",
        r"\pagestyle{empty}",
        r"\begin{document}\noindent",
        r"\begin{tikzpicture}[font=\sffamily\small, >={Stealth}]",
        rf"  \useasboundingbox (0,0) rectangle {_pt(diagram.width, diagram.height)};",
    ]
    for c in diagram.clusters:
        lines.append(
            rf"  \draw[dashed, rounded corners=4pt, fill=black!3] {_pt(c.x, c.y)} rectangle "
            rf"{_pt(c.x + c.width, c.y + c.height)};"
        )
        lines.append(
            rf"  \node[anchor=north west, font=\sffamily\small\bfseries] "
            rf"at {_pt(c.x + 4, c.y + 2)} {{{_tex(c.label)}}};"
        )
    for n in diagram.nodes:
        w, h = n.width * PT_PER_PX, n.height * PT_PER_PX
        size = f"minimum width={w:.1f}pt, minimum height={h:.1f}pt"
        lines.append(
            rf"  \node[draw, {_TIKZ_SHAPES[n.shape]}, {size}, align=center, inner sep=1pt] "
            rf"({ids[n.id]}) at {_pt(n.x, n.y)} {{{_tex(n.label)}}};"
        )
    for e in diagram.edges:
        style = {LineStyle.SOLID_ARROW: "->", LineStyle.SOLID_LINE: "-"}.get(e.style, "->, dashed")
        via = "".join(f" -- {_pt(x, y)}" for x, y in e.route)
        label = (
            rf" node[midway, fill=white, font=\sffamily\scriptsize] {{{_tex(e.label)}}}"
            if e.label
            else ""
        )
        lines.append(rf"  \draw[{style}] ({ids[e.source]}){via} -- ({ids[e.target]}){label};")
    for t in diagram.texts:
        lines.append(rf"  \node[font=\sffamily\scriptsize] at {_pt(t.x, t.y)} {{{_tex(t.text)}}};")
    lines += [r"\end{tikzpicture}", r"\end{document}"]
    return "\n".join(lines) + "\n"


WRITERS: dict[str, Callable[[Diagram], str]] = {
    "mermaid": to_mermaid,
    "dot": to_dot,
    "drawio": to_drawio,
    "tikz": to_tikz,
}


def parse_exports(spec: str) -> list[str]:
    """'mermaid,dot' -> ['mermaid', 'dot']; ValueError naming an unknown format."""
    names = [s.strip().lower() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in EXPORTS]
    if unknown:
        raise ValueError(f"unknown export {unknown[0]!r} (choose from {', '.join(EXPORTS)})")
    return list(dict.fromkeys(names))


def export(diagram: Diagram, fmt: str, stem: Path) -> Path:
    """Write the diagram in one editor format next to `stem` (its suffix replaced)."""
    path = stem.with_suffix(EXPORTS[fmt])
    path.write_text(WRITERS[fmt](diagram), encoding="utf-8")
    return path
