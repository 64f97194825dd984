"""Pages with ruled tables: pdfium parses the page, pdfplumber's table finder lays out the cells.

pdfplumber parses a page in pure Python (pdfminer): on the shared corpus its 135 ruled
pages took 15.1 s of CPU, two thirds of all reading time. pdfium, which pdfplumber
already installs to render pages, parses them in C. The characters and ruling lines it
finds are handed to pdfplumber's own table geometry (snapping and joining edges,
intersections, cells, tables) and text assembly, so cells and lines come out as
pdfplumber lays them out: the same 135 pages take 4.1 s, with the same lines, sizes and
weights, and the same cells but in two overprinted (unreadable) tables.

Coordinates follow pdfplumber's: points from the top-left corner of the page as displayed,
that is after its /Rotate.
"""

from __future__ import annotations

import ctypes
import math
from bisect import bisect_left
from collections.abc import Iterator
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table as CellGrid
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from pdfplumber.utils import chars_to_textmap, extract_text, filter_edges

from ingest.models import Line, Page, Table

TOLERANCE = 3  # points: pdfplumber's default snap, join and intersection tolerances
MIN_EDGE = 3  # points: shorter ruling segments are not cell borders (pdfplumber's default)
SOFT_HYPHEN_MARK = 0x02  # what pdfium reports for a hyphen ending a line
SPACE_GAP = 0.05  # of the font size: a wider gap between two text objects is a space
MAX_FORM_DEPTH = 8  # forms nested deeper than this are not searched for ruling lines
MIN_COLUMN_LINES = 4  # column lines ending together that make a table cut by a page break (3 columns)
MIN_ROW_CELLS = 3  # filled cells that make a ruled grid a table
Matrix = tuple[float, float, float, float, float, float]


def open_pdf(path: str) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(path)


def read_ruled_page(document: pdfium.PdfDocument, index: int) -> Page:
    """The page's text lines outside its tables, and its tables."""
    page = document[index]
    try:
        display = _Display(page)
        edges = _ruling_edges(page, display)
        textpage = page.get_textpage()
        try:
            chars = _characters(textpage, display)
        finally:
            textpage.close()
    finally:
        page.close()
    found = []
    for grid in _cell_grids(edges):
        rows = _cell_texts(grid, chars)
        if _is_real_table(rows):
            found.append((grid.bbox, rows))
    outside = [char for char in chars if not any(_centre_in(char, bbox) for bbox, _ in found)]
    number = index + 1
    tables = []
    for bbox, grid_rows in found:
        rows = [[(cell or "").strip() for cell in row] for row in grid_rows]
        rows = [row for row in rows if any(row)]
        if rows:
            tables.append(Table.from_grid(rows, number, bbox[1]))
    return Page(number=number, lines=_text_lines(outside), tables=tables)


class _Display:
    """Maps pdfium's page space (y up, unrotated) to pdfplumber's (top down, as displayed)."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        self.x0, self.y0, self.x1, self.y1 = page.get_mediabox()
        self.rotation = page.get_rotation() % 360

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) of a point as shown on screen."""
        if self.rotation == 90:
            return y - self.y0, x - self.x0
        if self.rotation == 180:
            return self.x1 - x, y - self.y0
        if self.rotation == 270:
            return self.y1 - y, self.x1 - x
        return x - self.x0, self.y1 - y

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a box as shown on screen."""
        (ax, at), (bx, bt) = self.point(left, bottom), self.point(right, top)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)

    def upright(self, a: float, b: float, c: float, d: float) -> bool:
        """pdfminer's test of a character's matrix, after the page's rotation."""
        for _ in range(self.rotation // 90):
            a, b, c, d = b, -a, d, -c
        return a * d > 0 and b * c <= 0


def _characters(textpage: pdfium.PdfTextPage, display: _Display) -> list[dict]:
    """The page's characters as pdfplumber describes them (text, box, size, font name).

    pdfium's inferred spaces and line breaks are left out, as pdfminer has none. But pdfium
    also drops a space drawn as a text object of its own, which pdfminer keeps: Word draws
    "10." and " " so before a numbered paragraph, and without it "10. Section" would read
    "10.Section". So a gap where one text object gives way to the next on the same line, in
    the direction the text runs on the page before any /Rotate, is a space."""
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    looks: dict[int, tuple[bool, float, str]] = {}  # by text object: one font, size and matrix each
    chars: list[dict] = []
    previous = None  # the last character's text object, and its right edge and baseline on the page
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, index):
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code == SOFT_HYPHEN_MARK:
            code = ord("-")
        if code < 0x20 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
        x0, top, x1, bottom = display.box(box.left, box.bottom, box.right, box.top)
        text_object = pdfium_c.FPDFText_GetTextObject(raw, index)
        object_address = ctypes.cast(text_object, ctypes.c_void_p).value or 0
        if object_address not in looks:
            looks[object_address] = _look(raw, index, text_object, display)
        upright, size, fontname = looks[object_address]
        if previous and previous[0] != object_address and code != 0x20 and chars[-1]["text"] != " ":
            _, right, baseline = previous
            if abs(box.bottom - baseline) < 1 and box.left - right > SPACE_GAP * max(size, 1.0):
                chars.append({**chars[-1], "text": " ", **_span(chars[-1], x0, x1)})
        chars.append({
            "text": chr(code), "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "upright": upright, "size": size, "fontname": fontname,
        })
        previous = (object_address, box.right, box.bottom)
    return chars


def _span(before: dict, x0: float, x1: float) -> dict:
    """The gap between a character and the next, on screen, whichever way the text runs."""
    left, right = (before["x1"], x0) if before["x1"] <= x0 else (x1, before["x0"])
    return {"x0": left, "x1": right, "width": right - left}


def _look(textpage, index: int, text_object, display: _Display) -> tuple[bool, float, str]:
    """Whether a character stands upright, its font size as drawn (pdfium gives it before
    the page's scaling) and its font name."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
    font = pdfium_c.FPDFTextObj_GetFont(text_object)
    buffer = ctypes.create_string_buffer(256)
    length = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer)) if font else 0
    return (
        display.upright(matrix.a, matrix.b, matrix.c, matrix.d),
        pdfium_c.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.c, matrix.d),  # as drawn
        buffer.value.decode("utf-8", "replace") if length else "",
    )


def _ruling_edges(page: pdfium.PdfPage, display: _Display) -> list[dict]:
    """Horizontal and vertical segments of every drawn path (forms included), as pdfplumber's
    edges, snapped and joined as its table finder does."""
    edges = []
    for subpath in _subpaths(page):
        points = [display.point(x, y) for x, y in subpath]
        for (ax, at), (bx, bt) in pairwise(points):
            vertical, horizontal = math.isclose(ax, bx, abs_tol=0.01), math.isclose(at, bt, abs_tol=0.01)
            if vertical == horizontal:
                continue  # a diagonal, or a point
            x0, x1, top, bottom = min(ax, bx), max(ax, bx), min(at, bt), max(at, bt)
            edges.append({
                "object_type": "curve_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                "width": x1 - x0, "height": bottom - top, "orientation": "v" if vertical else "h",
            })
    edges = filter_edges(edges, min_length=1)
    edges = merge_edges(edges, TOLERANCE, TOLERANCE, TOLERANCE, TOLERANCE)
    edges = filter_edges(edges, min_length=MIN_EDGE)
    return edges + _page_break_borders(edges)


def _page_break_borders(edges: list[dict]) -> list[dict]:
    """The border a page break leaves out. A table row that runs on over the page is drawn
    with its column lines but without the rule above or below it on this page; without that
    rule the table finder sees no cells, and the row's columns would be read across as lines.
    Where column lines (at least MIN_COLUMN_LINES) start or stop at one height with no rule
    there, the rule is drawn in."""
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    added = []
    for end in ("top", "bottom"):
        heights: dict[int, list[dict]] = {}
        for edge in vertical:
            heights.setdefault(round(edge[end]), []).append(edge)
        for height, lines in heights.items():
            if len(lines) < MIN_COLUMN_LINES:
                continue
            x0, x1 = min(e["x0"] for e in lines), max(e["x1"] for e in lines)
            ruled = any(
                abs(h["top"] - height) <= TOLERANCE and h["x0"] <= x0 + TOLERANCE and h["x1"] >= x1 - TOLERANCE
                for h in horizontal
            )
            if not ruled:
                added.append({
                    "object_type": "curve_edge", "x0": x0, "x1": x1, "top": float(height), "bottom": float(height),
                    "doctop": float(height), "width": x1 - x0, "height": 0.0, "orientation": "h",
                })
    return added


def _subpaths(page: pdfium.PdfPage) -> Iterator[list[tuple[float, float]]]:
    """Each drawn subpath's points in page space; a closed one ends where it began."""
    x, y = ctypes.c_float(), ctypes.c_float()
    for path, matrix in _path_objects(page):
        points: list[tuple[float, float]] = []
        for index in range(pdfium_c.FPDFPath_CountSegments(path)):
            segment = pdfium_c.FPDFPath_GetPathSegment(path, index)
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO and points:
                yield points
                points = []
            points.append(_apply(matrix, x.value, y.value))
            if pdfium_c.FPDFPathSegment_GetClose(segment) and points:
                yield [*points, points[0]]
                points = []
        if points:
            yield points


def _path_objects(page: pdfium.PdfPage) -> Iterator[tuple[object, Matrix]]:
    """The page's path objects, walking into forms (XObjects), each with its matrix to page space."""

    def walk(objects: list, outer: Matrix, depth: int) -> Iterator[tuple[object, Matrix]]:
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            matrix = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
            combined = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                yield obj, combined
            elif depth < MAX_FORM_DEPTH:
                inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
                yield from walk(inner, combined, depth + 1)

    raw = page.raw
    top_level = [pdfium_c.FPDFPage_GetObject(raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(raw))]
    yield from walk(top_level, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)


def _multiply(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _cell_grids(edges: list[dict]) -> list[CellGrid]:
    intersections = edges_to_intersections(edges, TOLERANCE, TOLERANCE)
    return [CellGrid(None, cells) for cells in cells_to_tables(intersections_to_cells(intersections))]


def _cell_texts(grid: CellGrid, chars: list[dict]) -> list[list[str | None]]:
    """Each cell's text, from the characters centred in it (as pdfplumber's Table.extract)."""
    grid_box = grid.bbox  # computed from the cells at each use
    inside = sorted((char for char in chars if _centre_in(char, grid_box)), key=_middle)
    middles = [_middle(char) for char in inside]
    rows = []
    for row in grid.rows:
        _, top, _, bottom = row_box = row.bbox
        row_chars = [
            char for char in inside[bisect_left(middles, top):bisect_left(middles, bottom)]
            if _centre_in(char, row_box)
        ]
        rows.append([
            None if cell is None else extract_text([char for char in row_chars if _centre_in(char, cell)])
            for cell in row.cells
        ])
    return rows


def _middle(char: dict) -> float:
    return (char["top"] + char["bottom"]) / 2


def _centre_in(char: dict, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= (char["x0"] + char["x1"]) / 2 < x1 and top <= (char["top"] + char["bottom"]) / 2 < bottom


def _is_real_table(rows: list[list[str | None]]) -> bool:
    """Two rows or more with three filled cells between them; or a single row that reads as a
    table's row run on from the page before (an action plan's action filling a page): most of
    its cells filled, two of them with phrases in. A one-row grid of single words is a chart's
    title set in boxes, not a table."""
    cells = [c.strip() for row in rows for c in row if c and c.strip()]
    if len(rows) >= 2:
        return len(cells) >= MIN_ROW_CELLS
    phrases = [c for c in cells if len(c.split()) > 1]
    return len(cells) >= MIN_ROW_CELLS and len(cells) >= len(rows[0]) * 2 / 3 and len(phrases) >= 2


def _text_lines(chars: list[dict]) -> list[Line]:
    """Lines of text with their position, most common font size and weight."""
    if not chars:
        return []
    lines = []
    for text_line in chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=True):
        inked = [c for c in text_line["chars"] if c["text"].strip()]
        sizes = [round(c["size"], 1) for c in inked]
        bold = [("Bold" in c["fontname"]) for c in inked]
        lines.append(Line(
            text=text_line["text"],
            top=text_line["top"],
            size=max(set(sizes), key=sizes.count) if sizes else 0.0,
            bold=bool(bold) and sum(bold) > len(bold) / 2,
        ))
    return lines
