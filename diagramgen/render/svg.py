"""Render a Diagram to SVG (text stays text) and to PNG (the same SVG rasterised by resvg)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import resvg_py

from diagramgen.diagram import RGB, Diagram, Edge, LineStyle, Node, Shape
from diagramgen.geometry import edge_path
from diagramgen.typeset import FONT_FAMILY, LABEL_LINE, font_path, label_lines

CORNER = 10  # radius of round rectangles, px


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
    if edge.style is LineStyle.SOLID_ARROW:
        extra += f' marker-end="url(#arrow{_hex(edge.color)[1:]})"'
    return (
        f'<path d="{d}" fill="none" stroke="{_hex(color)}" stroke-width="{width}"'
        f' stroke-linejoin="round"{extra}/>'
    )


def _node(node: Node) -> list[str]:
    style = f'fill="{_hex(node.fill)}" stroke="{_hex(node.line_color)}" stroke-width="1.6"'
    if node.shape is Shape.CIRCLE:
        rx, ry = node.width / 2, node.height / 2
        out = [
            f'<ellipse cx="{_n(node.x)}" cy="{_n(node.y)}" rx="{_n(rx)}" ry="{_n(ry)}" {style}/>'
        ]
    else:
        radius = min(CORNER, node.width / 4, node.height / 4)
        r = f' rx="{_n(radius)}"' if node.shape is Shape.ROUND_RECTANGLE else ""
        out = [
            f'<rect x="{_n(node.left)}" y="{_n(node.top)}" width="{_n(node.width)}" '
            f'height="{_n(node.height)}"{r} {style}/>'
        ]
    lines = label_lines(node)
    step = node.font_size * LABEL_LINE
    top = node.y - step * (len(lines) - 1) / 2 + node.font_size * 0.35
    for i, line in enumerate(lines):
        out.append(
            f'<text x="{_n(node.x)}" y="{_n(top + i * step)}" text-anchor="middle" '
            f'font-size="{_n(node.font_size)}" fill="{_hex(node.text_color)}">{escape(line)}</text>'
        )
    return out


def to_svg(diagram: Diagram) -> str:
    """A standalone SVG document; text stays selectable text in the shipped font family."""
    nodes = {n.id: n for n in diagram.nodes}
    colors = sorted({e.color for e in diagram.edges if e.style is LineStyle.SOLID_ARROW})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{diagram.width}" '
        f'height="{diagram.height}" viewBox="0 0 {diagram.width} {diagram.height}" '
        f"font-family=\"'{FONT_FAMILY}', sans-serif\">",
        "<defs>" + "".join(_marker(c) for c in colors) + "</defs>",
        f'<rect width="100%" height="100%" fill="{_hex(diagram.background)}"/>',
    ]
    parts += [_edge(diagram, e, nodes) for e in diagram.edges]
    for node in diagram.nodes:
        parts += _node(node)
    for t in diagram.texts:
        parts.append(
            f'<text x="{_n(t.x)}" y="{_n(t.y)}" text-anchor="{t.anchor}" '
            f'font-size="{_n(t.font_size)}" fill="{_hex(t.color)}">{escape(t.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def svg_to_png(svg: str, zoom: float = 1.0) -> bytes:
    """Anti-aliased PNG from our SVG, using only the shipped fonts (no system lookup)."""
    return resvg_py.svg_to_bytes(
        svg_string=svg,
        skip_system_fonts=True,
        font_files=[str(font_path()), str(font_path(bold=True))],
        font_family=FONT_FAMILY,
        sans_serif_family=FONT_FAMILY,
        zoom=zoom if zoom != 1.0 else None,
    )


def to_png(diagram: Diagram, zoom: float = 1.0) -> bytes:
    """The diagram as PNG bytes (rendered from its SVG), scaled by `zoom`."""
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
