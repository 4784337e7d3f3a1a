"""Render a Diagram to SVG (text stays text) and to PNG (the same SVG rasterised by resvg)."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from html import escape
from pathlib import Path

import resvg_py

from diagramgen.diagram import (
    RGB,
    Cluster,
    Diagram,
    Edge,
    Kind,
    LineStyle,
    Node,
    Orientation,
    Shape,
)
from diagramgen.geometry import COPY_OFFSET, cap, edge_path, outline
from diagramgen.limits import MAX_PNG_PIXELS
from diagramgen.typeset import (
    EDGE_LABEL_FONT,
    FONT_FAMILY,
    LABEL_LINE,
    edge_label_box,
    font_files,
    label_lines,
    text_width,
)

CORNER = 10  # radius of round rectangles, px

# What XML 1.0 cannot hold at all (control characters, lone surrogates, U+FFFE/U+FFFF): such a
# character in a label would make the whole SVG unreadable, so it is left out of the drawing.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text escaped for XML, without the characters XML cannot hold."""
    return escape(_NOT_XML.sub("", text))


def _hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _marker(color: RGB) -> str:
    return (
        f'<marker id="arrow{_hex(color)[1:]}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{_hex(color)}"/></marker>'
    )


def _blend(color: RGB, background: RGB, alpha: float) -> RGB:
    r, g, b = (round(bg + alpha * (c - bg)) for c, bg in zip(color, background, strict=True))
    return (r, g, b)


def _edge(diagram: Diagram, edge: Edge, nodes: dict[str, Node]) -> str:
    points = edge_path(diagram, edge, nodes)
    d = "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in points)
    color, width = edge.color, "1.6"
    if edge.bundle:  # dense layer bundles recede: thin and pre-blended (opacity is slow to raster)
        color, width = _blend(edge.color, diagram.background, 0.45), "1"
    extra = ""
    if edge.style is LineStyle.DASHED_LINE:
        extra += ' stroke-dasharray="6 4"'
    if has_arrowhead(diagram, edge):
        extra += f' marker-end="url(#arrow{_hex(edge.color)[1:]})"'
    return (
        f'<path d="{d}" fill="none" stroke="{_hex(color)}" stroke-width="{width}"'
        f' stroke-linejoin="round"{extra}/>'
    )


def has_arrowhead(diagram: Diagram, edge: Edge) -> bool:
    """Arrows, and in a flow dashed lines too (a flow's edges all have a direction)."""
    if edge.style is LineStyle.SOLID_ARROW:
        return True
    return edge.style is LineStyle.DASHED_LINE and diagram.kind is Kind.FLOW


def _edge_label(edge: Edge, background: RGB) -> list[str]:
    """An edge's label on a patch of the background, so the line does not strike through it."""
    if not edge.label or edge.label_at is None:
        return []
    x, y = edge.label_at
    left, top, right, bottom = edge_label_box(edge.label, edge.label_at)
    return [
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
        f'height="{_n(bottom - top)}" rx="3" fill="{_hex(background)}"/>',
        f'<text x="{_n(x)}" y="{_n(y + EDGE_LABEL_FONT * 0.35)}" text-anchor="middle" '
        f'font-size="{_n(EDGE_LABEL_FONT)}" fill="{_hex(edge.color)}">'
        f"{xml_text(edge.label)}</text>",
    ]


CLUSTER_STROKE: RGB = (150, 150, 160)
CLUSTER_FONT = 13.0


def _cluster(cluster: Cluster, diagram: Diagram) -> str:
    """A group's box, faintly tinted."""
    fill = _blend(CLUSTER_STROKE, diagram.background, 0.08)
    return (
        f'<rect x="{_n(cluster.x)}" y="{_n(cluster.y)}" width="{_n(cluster.width)}" '
        f'height="{_n(cluster.height)}" rx="8" fill="{_hex(fill)}" '
        f'stroke="{_hex(CLUSTER_STROKE)}" stroke-width="1.2" stroke-dasharray="5 3"/>'
    )


def _cluster_label(cluster: Cluster, diagram: Diagram) -> list[str]:
    """A group's label in its box's top-left corner, over the lines that pass under it."""
    fill = _blend(CLUSTER_STROKE, diagram.background, 0.08)
    w = text_width(cluster.label, CLUSTER_FONT) * 1.08 + 8  # bold runs about 8 % wider
    return [
        f'<rect x="{_n(cluster.x + 6)}" y="{_n(cluster.y + 4)}" width="{_n(w)}" '
        f'height="{_n(CLUSTER_FONT + 5)}" rx="3" fill="{_hex(fill)}"/>',
        f'<text x="{_n(cluster.x + 10)}" y="{_n(cluster.y + 17)}" font-size="{_n(CLUSTER_FONT)}" '
        f'font-weight="bold" fill="#3c3c46">{xml_text(cluster.label)}</text>',
    ]


def _outline(node: Node, style: str) -> str:
    """The node's shape as one SVG element."""
    if node.shape is Shape.CIRCLE:
        rx, ry = node.width / 2, node.height / 2
        return f'<ellipse cx="{_n(node.x)}" cy="{_n(node.y)}" rx="{_n(rx)}" ry="{_n(ry)}" {style}/>'
    corners = outline(node)
    if corners is not None:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in corners)
        return f'<polygon points="{points}" {style}/>'
    if node.shape is Shape.CYLINDER:
        c, rx = cap(node), node.width / 2
        top, bottom = node.top + c, node.bottom - c
        return (
            f'<path d="M{_n(node.left)},{_n(top)} L{_n(node.left)},{_n(bottom)} '
            f"A{_n(rx)},{_n(c)} 0 0 0 {_n(node.right)},{_n(bottom)} L{_n(node.right)},{_n(top)} "
            f"A{_n(rx)},{_n(c)} 0 0 0 {_n(node.left)},{_n(top)} "
            f'A{_n(rx)},{_n(c)} 0 0 0 {_n(node.right)},{_n(top)}" {style}/>'
        )
    radius = min(CORNER, node.width / 4, node.height / 4)
    r = f' rx="{_n(radius)}"' if node.shape is Shape.ROUND_RECTANGLE else ""
    return (
        f'<rect x="{_n(node.left)}" y="{_n(node.top)}" width="{_n(node.width)}" '
        f'height="{_n(node.height)}"{r} {style}/>'
    )


def _node(node: Node, down: float = -1.0) -> list[str]:
    """A node's outline and label; `down` is where a repeated block's copies stack (-1: up,
    away from an arrow coming in from the left; 1: down, away from one coming from above)."""
    style = f'fill="{_hex(node.fill)}" stroke="{_hex(node.line_color)}" stroke-width="1.6"'
    out = []
    for k in range(node.copies - 1, 0, -1):  # a repeated block: copies behind it, to the right
        behind = replace(node, x=node.x + COPY_OFFSET * k, y=node.y + down * COPY_OFFSET * k)
        out.append(_outline(behind, style))
    out.append(_outline(node, style))
    lines = label_lines(node)
    step = node.font_size * LABEL_LINE
    middle = node.y + (cap(node) / 2 if node.shape is Shape.CYLINDER else 0.0)
    top = middle - step * (len(lines) - 1) / 2 + node.font_size * 0.35
    for i, line in enumerate(lines):
        out.append(
            f'<text x="{_n(node.x)}" y="{_n(top + i * step)}" text-anchor="middle" '
            f'font-size="{_n(node.font_size)}" fill="{_hex(node.text_color)}">'
            f"{xml_text(line)}</text>"
        )
    return out


def to_svg(diagram: Diagram) -> str:
    """A standalone SVG document; text stays selectable text in the shipped font family."""
    nodes = {n.id: n for n in diagram.nodes}
    colors = sorted({e.color for e in diagram.edges if has_arrowhead(diagram, e)})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{diagram.width}" '
        f'height="{diagram.height}" viewBox="0 0 {diagram.width} {diagram.height}" '
        f"font-family=\"'{FONT_FAMILY}', sans-serif\">",
        "<defs>" + "".join(_marker(c) for c in colors) + "</defs>",
        f'<rect width="100%" height="100%" fill="{_hex(diagram.background)}"/>',
    ]
    parts += [_cluster(cluster, diagram) for cluster in diagram.clusters]
    parts += [_edge(diagram, e, nodes) for e in diagram.edges]
    down = 1.0 if diagram.orientation is Orientation.VERTICAL else -1.0
    for node in diagram.nodes:
        parts += _node(node, down)
    for cluster in diagram.clusters:
        parts += _cluster_label(cluster, diagram)
    for edge in diagram.edges:
        parts += _edge_label(edge, diagram.background)
    for t in diagram.texts:
        parts.append(
            f'<text x="{_n(t.x)}" y="{_n(t.y)}" text-anchor="{t.anchor}" '
            f'font-size="{_n(t.font_size)}" fill="{_hex(t.color)}">{xml_text(t.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def svg_to_png(svg: str, zoom: float = 1.0) -> bytes:
    """Anti-aliased PNG from our SVG, using only the shipped fonts (no system lookup)."""
    return resvg_py.svg_to_bytes(
        svg_string=svg,
        skip_system_fonts=True,
        font_files=[str(f) for f in font_files()],
        font_family=FONT_FAMILY,
        sans_serif_family=FONT_FAMILY,
        zoom=zoom if zoom != 1.0 else None,
    )


def to_png(diagram: Diagram, zoom: float = 1.0) -> bytes:
    """The diagram as PNG bytes (rendered from its SVG), scaled by `zoom`, and down to
    MAX_PNG_PIXELS when larger (rasterising is time and memory in proportion to pixels)."""
    pixels = diagram.width * diagram.height * zoom * zoom
    if pixels > MAX_PNG_PIXELS:
        zoom *= math.sqrt(MAX_PNG_PIXELS / pixels)
    return svg_to_png(to_svg(diagram), zoom)


def save(diagram: Diagram, path: str | Path) -> Path:
    """Write an .svg or .png file, chosen by the suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_text(to_svg(diagram), encoding="utf-8")
    elif suffix == ".png":
        path.write_bytes(to_png(diagram))
    else:
        raise ValueError(f"cannot write {path.name}: the output must end in .png or .svg")
    return path
