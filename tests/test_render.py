from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from diagramgen.formats.plan import parse_plan
from diagramgen.layout import layout_plan
from diagramgen.render import save, to_png, to_svg
from diagramgen.typeset import text_width

FLOW = 'flow horizontal palette=blue\n"Load data" -> "Train model" -> "Evaluate"\n"Evaluate" -> "Train model" dashed\nend\n'
SVG_NS = "{http://www.w3.org/2000/svg}"


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def test_svg_is_valid_and_text_stays_text() -> None:
    diagram = layout_plan(parse_plan(FLOW))
    root = ET.fromstring(to_svg(diagram))
    assert root.tag == f"{SVG_NS}svg"
    assert (root.get("width"), root.get("height")) == (str(diagram.width), str(diagram.height))
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert {"Load data", "Train model", "Evaluate"} <= set(texts)
    paths = list(root.iter(f"{SVG_NS}path"))
    assert any(p.get("stroke-dasharray") for p in paths)  # the dashed back edge
    assert any("url(#arrow" in (p.get("marker-end") or "") for p in paths)


def test_png_has_the_diagram_size_and_draws_the_labels() -> None:
    diagram = layout_plan(parse_plan(FLOW))
    png = to_png(diagram)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = _pixels(png)
    assert pixels.shape == (diagram.height, diagram.width, 3)
    # Text must really be drawn (resvg silently drops text when it finds no font).
    for node in diagram.nodes:
        node.label = ""
    unlabelled = _pixels(to_png(diagram))
    assert np.abs(pixels - unlabelled).sum() > 50_000


def test_png_is_anti_aliased() -> None:
    pixels = _pixels(to_png(layout_plan(parse_plan("nn\ninput 3\noutput 2\nend\n"))))
    colours = {tuple(p) for p in pixels.reshape(-1, 3)[::7]}
    assert len(colours) > 20  # edges blend into the background, not two-tone


def test_zoomed_png_for_high_dpi() -> None:
    diagram = layout_plan(parse_plan(FLOW))
    assert _pixels(to_png(diagram, zoom=2.0)).shape[:2] == (2 * diagram.height, 2 * diagram.width)


def test_save_by_suffix(tmp_path) -> None:
    diagram = layout_plan(parse_plan(FLOW))
    assert save(diagram, tmp_path / "a.svg").read_text().startswith("<svg")
    assert save(diagram, tmp_path / "a.PNG").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        save(diagram, tmp_path / "a.gif")


def test_labels_are_escaped() -> None:
    diagram = layout_plan(parse_plan('flow\n"a <b> & c" -> "d"\nend\n'))
    root = ET.fromstring(to_svg(diagram))
    assert "a <b> & c" in [t.text for t in root.iter(f"{SVG_NS}text")]


def test_flow_shapes_groups_and_edge_labels_are_drawn() -> None:
    plan = (
        'flow vertical\nnode a "Enter password" data\nnode b "Valid?" decision\n'
        'node c "Users" db\nnode d "Home"\ngroup "Frontend": a, d\n'
        'a -> b\nb -> d "yes"\nb -> a "no" dashed\nb -> c\nend\n'
    )
    diagram = layout_plan(parse_plan(plan))
    root = ET.fromstring(to_svg(diagram))
    polygons = [p.get("points") for p in root.iter(f"{SVG_NS}polygon")]
    assert len(polygons) == 2  # the diamond and the parallelogram
    assert any(" A" in (p.get("d") or "") for p in root.iter(f"{SVG_NS}path"))  # the cylinder
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert {"yes", "no", "Frontend"} <= set(texts)
    dashed = [p for p in root.iter(f"{SVG_NS}path") if p.get("stroke-dasharray")]
    assert dashed and all("url(#arrow" in (p.get("marker-end") or "") for p in dashed)


def test_a_repeated_block_stacks_copies_behind_it() -> None:
    plan = 'nn\ninput 512\nrepeat 6 "Encoder layer"\noutput 2\nend\n'
    root = ET.fromstring(to_svg(layout_plan(parse_plan(plan))))
    assert (
        len(list(root.iter(f"{SVG_NS}rect"))) == 1 + 3 + 2
    )  # background, block + 2 copies, others
    assert "Encoder layer × 6" in [t.text for t in root.iter(f"{SVG_NS}text")]


def test_korean_labels_are_drawn_in_hangul_not_empty_boxes() -> None:
    """DejaVu Sans has no Hangul; without the shipped fallback every syllable is the same
    empty box, so two labels of as many syllables would draw the same pixels."""

    def drawn(label: str) -> bytes:
        return to_png(layout_plan(parse_plan(f'flow\nnode a "{label}"\nnode b "b"\na -> b\nend\n')))

    assert drawn("이메일") != drawn("확인함")
    assert text_width("이메일", 14) == pytest.approx(text_width("확인함", 14))
    assert text_width("이메일 check", 14) > text_width("이메일", 14) + text_width("check", 14)
