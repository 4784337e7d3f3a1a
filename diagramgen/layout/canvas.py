"""The canvas: a drawing's bounding box, and the canvas fitted to it with a margin."""

from __future__ import annotations

from diagramgen.diagram import Diagram
from diagramgen.geometry import COPY_OFFSET
from diagramgen.typeset import edge_label_box, text_width

MARGIN = 24


def content_box(diagram: Diagram) -> tuple[float, float, float, float]:
    """Bounding box (left, top, right, bottom) of nodes, free texts and edge bends."""
    xs: list[float] = []
    ys: list[float] = []
    for n in diagram.nodes:
        stack = COPY_OFFSET * (n.copies - 1)  # a repeated block's copies stick out behind it
        xs += [n.left, n.right + stack]
        ys += [n.top - stack, n.bottom + stack]
    for t in diagram.texts:
        w = text_width(t.text, t.font_size)
        left = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
        xs += [left, left + w]
        ys += [t.y - t.font_size, t.y + t.font_size * 0.4]
    for e in diagram.edges:
        for x, y in e.route:
            xs.append(x)
            ys.append(y)
        if e.label and e.label_at is not None:
            left, top, right, bottom = edge_label_box(e.label, e.label_at)
            xs += [left, right]
            ys += [top - 1, bottom + 1]
    for c in diagram.clusters:
        xs += [c.x, c.x + c.width]
        ys += [c.y, c.y + c.height]
    return (min(xs), min(ys), max(xs), max(ys))


def fit_to_canvas(diagram: Diagram, margin: float = MARGIN) -> None:
    """The canvas is the content's bounding box plus a margin on every side."""
    left, top, right, bottom = content_box(diagram)
    diagram.width = int(right - left + 2 * margin + 0.999)
    diagram.height = int(bottom - top + 2 * margin + 0.999)
    dx = (diagram.width - (right - left)) / 2 - left
    dy = (diagram.height - (bottom - top)) / 2 - top
    for n in diagram.nodes:
        n.x, n.y = round(n.x + dx, 1), round(n.y + dy, 1)
    for t in diagram.texts:
        t.x, t.y = round(t.x + dx, 1), round(t.y + dy, 1)
    for e in diagram.edges:
        e.route = [(round(x + dx, 1), round(y + dy, 1)) for x, y in e.route]
        if e.label_at is not None:
            e.label_at = (round(e.label_at[0] + dx, 1), round(e.label_at[1] + dy, 1))
    for c in diagram.clusters:
        c.x, c.y = round(c.x + dx, 1), round(c.y + dy, 1)
