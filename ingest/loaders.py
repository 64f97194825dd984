"""One loader per file format: each turns a file into pages of lines and tables.

Loaders keep page numbers and whatever the format says about structure (headings,
list items, tables). They raise `DocumentUnreadable` with a reason an admin can act on.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from errors import DocumentUnreadable
from ingest.models import Line, Page, ParsedDocument, Table
from ingest.ruled_pages import open_pdf, read_ruled_page

logging.getLogger("pypdf").setLevel(logging.ERROR)

# pypdf stops inflating a stream at 75 MB (its Configuration.zlib_maximum_output_length);
# no real page's text needs that much, so a stream reaching it is a decompression bomb.
_DECOMPRESSION_BOMB = (
    "a compressed stream inflates past pypdf's 75 MB limit: refused as a decompression bomb"
)


def _decompression_bomb(exc: Exception) -> bool:
    """pypdf raises LimitReachedError for other limits too (a declared length, a damaged
    stream it tried to recover byte by byte): those are damage, not a bomb."""
    return str(exc).startswith("Limit reached while decompressing") and not isinstance(
        exc.__context__, zlib.error
    )


# Pages drawing at least this many rectangles and line segments are read as tables and
# text (ingest.ruled_pages), which keeps table cells apart; pypdf reads every other page.
RULED_PAGE_MIN_SHAPES = 12
# A content-stream operator token "re" (rectangle) or "l" (line to), delimited as PDF tokens are.
_SHAPE_OPERATOR = re.compile(rb"(?<![^\s\]\)>])(?:re|l)(?=[\s\[\(/<%]|$)")
BULLETS = "•●▪■◦○‣∙·–-*"


def load(path: Path, max_pages: int = 2000, max_unpacked_mb: float = 100.0) -> ParsedDocument:
    """Read any supported file; the loader is chosen by the file's extension."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise DocumentUnreadable(f"unsupported file type '{path.suffix or path.name}'")
    if path.stat().st_size == 0:
        raise DocumentUnreadable("the file is empty (0 bytes)")
    if loader is load_pdf:
        return load_pdf(path, max_pages=max_pages)
    if loader is load_docx:
        return load_docx(path, max_unpacked_mb=max_unpacked_mb)
    return loader(path)


# --- PDF --------------------------------------------------------------------------------


def load_pdf(path: Path, max_pages: int = 2000) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    with path.open("rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF"):
            raise DocumentUnreadable("not a PDF file (no %PDF header): corrupt or misnamed")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentUnreadable("the PDF is encrypted (password protected)")
        page_count = len(reader.pages)
    except (DocumentUnreadable, MemoryError):
        raise
    except LimitReachedError as exc:
        if _decompression_bomb(exc):
            raise DocumentUnreadable(_DECOMPRESSION_BOMB) from exc
        raise DocumentUnreadable(f"corrupt or truncated PDF ({_short(exc)})") from exc
    except Exception as exc:  # pypdf raises many types for broken files
        raise DocumentUnreadable(f"corrupt or truncated PDF ({_short(exc)})") from exc
    if page_count == 0:
        raise DocumentUnreadable("the PDF has no pages")
    if page_count > max_pages:
        raise DocumentUnreadable(f"the PDF has {page_count} pages (limit {max_pages})")

    pages: list[Page] = []
    ruled: list[int] = []
    page_errors: list[Exception] = []

    def pypdf_page(index: int) -> tuple[Page, int]:
        page, shapes, error = _pypdf_page(path, reader.pages[index], index + 1)
        if error is not None:
            page_errors.append(error)
        return page, shapes

    for index, pdf_page in enumerate(reader.pages):
        if _drawn_shapes(pdf_page) >= RULED_PAGE_MIN_SHAPES:
            pages.append(Page(number=index + 1))  # read as tables and text below
            ruled.append(index)
            continue
        page, shapes = pypdf_page(index)  # shapes drawn inside forms are counted here too
        pages.append(page)
        if shapes >= RULED_PAGE_MIN_SHAPES:
            ruled.append(index)

    if ruled:
        _read_ruled_pages(path, pages, ruled, fallback=lambda index: pypdf_page(index)[0])
    if not any(line.text.strip() for page in pages for line in page.lines) and not any(
        page.tables for page in pages
    ):
        if len(page_errors) == len(pages):  # not a scan: nothing on any page could be decoded
            raise DocumentUnreadable(f"corrupt PDF: none of its pages could be read ({_short(page_errors[0])})")
        raise DocumentUnreadable("no text layer: an image-only (scanned) or blank PDF")
    metadata = _pdf_metadata(reader)
    return ParsedDocument(
        path=str(path),
        title=metadata.get("title", ""),
        pages=pages,
        date=metadata.get("created", ""),
        source_format="pdf",
    )


def _drawn_shapes(pdf_page) -> int:
    """Rectangles and line segments in the page's own content stream, counted in its bytes
    without parsing it: a ruled page found this way is read as tables and spared
    pypdf's text extraction (on the shared corpus this agrees with counting parsed
    operators on all 299 pages, in 0.2 s instead of 5 s of extraction)."""
    try:
        contents = pdf_page.get_contents()
        return len(_SHAPE_OPERATOR.findall(contents.get_data())) if contents is not None else 0
    except Exception:
        return 0  # the text extraction meets the damage and reports it


def _pypdf_page(path: Path, pdf_page, number: int) -> tuple[Page, int, Exception | None]:
    """A page's text by pypdf, the shapes it draws (forms included), and its error if any."""
    from pypdf.errors import LimitReachedError

    shapes = Counter()

    def count_shapes(op: bytes, args, cm, tm) -> None:
        if op in (b"re", b"l"):
            shapes[op] += 1

    error = None
    try:
        text = pdf_page.extract_text(visitor_operand_before=count_shapes) or ""
    except MemoryError:
        raise
    except Exception as exc:  # one bad page must not lose the rest (PdfReadError and many more)
        if isinstance(exc, LimitReachedError) and _decompression_bomb(exc):
            raise DocumentUnreadable(f"page {number}: {_DECOMPRESSION_BOMB}") from exc  # refuse it all
        logging.getLogger(__name__).warning("%s p.%d unreadable: %s", path.name, number, exc)
        error, text = exc, ""
    return Page(number=number, lines=[Line(t) for t in text.splitlines()]), sum(shapes.values()), error


def _read_ruled_pages(path: Path, pages: list[Page], indexes: list[int], fallback: Callable[[int], Page]) -> None:
    """Read pages with ruled tables as cells and the text around them (ingest.ruled_pages).
    A page that cannot be read so is read by pypdf instead, and so are all of them when
    pdfium counts other pages than pypdf: page 7 might not be the same page to both."""
    unread = list(indexes)
    try:
        document = open_pdf(str(path))
    except MemoryError:
        raise  # the worker's memory cap: the file is reported as too big, not read half
    except Exception as exc:
        logging.getLogger(__name__).warning("%s: table reading failed: %s", path.name, exc)
    else:
        try:
            if len(document) != len(pages):  # a damaged page tree the two libraries mend differently
                logging.getLogger(__name__).warning(
                    "%s: table reading found %d pages, not %d: read as text", path.name, len(document), len(pages)
                )
                indexes = []
            for index in indexes:
                try:
                    pages[index] = read_ruled_page(document, index)
                    unread.remove(index)
                except MemoryError:
                    raise
                except Exception as exc:
                    logging.getLogger(__name__).warning("%s p.%d: table reading failed: %s", path.name, index + 1, exc)
        finally:
            document.close()
    for index in unread:
        if not pages[index].lines and not pages[index].tables:
            pages[index] = fallback(index)


def _pdf_metadata(reader) -> dict[str, str]:
    info = {}
    try:
        meta = reader.metadata or {}
        title = str(meta.get("/Title") or "").strip()
        title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", title)
        if title and not re.fullmatch(r"(untitled|document\d*|.*\.(docx?|pdf))", title, re.I):
            info["title"] = title
        created = str(meta.get("/CreationDate") or "")
        match = re.match(r"D:(\d{4})(\d{2})(\d{2})", created)
        if match:
            info["created"] = "-".join(match.groups())
    except Exception:  # broken metadata is not worth losing the document over
        pass
    return info


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# --- Word -------------------------------------------------------------------------------


def load_docx(path: Path, max_unpacked_mb: float = 100.0) -> ParsedDocument:
    """Word body in reading order: headings by style, tables as cells, page breaks as pages."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    if not zipfile.is_zipfile(path):
        raise DocumentUnreadable("not a Word file (not a .docx zip package): corrupt or misnamed")
    _check_unpacked_size(path, max_unpacked_mb)
    try:
        document = docx.Document(str(path))
    except MemoryError:
        raise
    except Exception as exc:
        raise DocumentUnreadable(f"broken Word file ({_short(exc)})") from exc

    # python-docx finds a paragraph's style by scanning every style of the document, once
    # per paragraph; long documents took minutes. Look each style id up once instead.
    style_names: dict[str | None, str] = {}

    def style_name(paragraph) -> str:
        style_id = paragraph._p.style
        if style_id not in style_names:
            style = paragraph.part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            style_names[style_id] = (style.name if style is not None else "") or ""
        return style_names[style_id]

    pages = [Page(number=1)]
    body = document.element.body
    for element in body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = docx.text.paragraph.Paragraph(element, document)
            breaks = element.findall(".//" + qn("w:br"))
            if any(b.get(qn("w:type")) == "page" for b in breaks) and pages[-1].lines:
                pages.append(Page(number=len(pages) + 1))
            text = paragraph.text.strip()
            if not text:
                continue
            style = style_name(paragraph)
            level = _heading_level(style)
            pages[-1].lines.append(
                Line(
                    text=text,
                    bold=level > 0 or all(r.bold for r in paragraph.runs if r.text.strip()),
                    heading_level=level,
                    bullet="List" in style or element.find(".//" + qn("w:numPr")) is not None,
                )
            )
        elif element.tag == qn("w:tbl"):
            table = docx.table.Table(element, document)
            rows = [[cell.text.strip() for cell in _unique_cells(row)] for row in table.rows]
            rows = [row for row in rows if any(row)]
            if rows:
                pages[-1].tables.append(
                    Table.from_grid(rows, pages[-1].number, top=len(pages[-1].lines))
                )
                pages[-1].lines.append(Line(text="", top=-1))  # marks the table's place
    title = (document.core_properties.title or "").strip()
    return ParsedDocument(path=str(path), title=title, pages=pages, source_format="docx")


def _check_unpacked_size(path: Path, max_unpacked_mb: float) -> None:
    """Refuse a zip bomb before python-docx reads every part whole into memory.

    The sizes the zip declares are checked first. A bomb may declare small sizes, and
    Python's zipfile, asked for a whole part, inflates all the data holds before cutting it
    to the declared size; so each part is also inflated here in 1 MB steps and counted.
    """
    limit = max_unpacked_mb * 1024 * 1024
    bomb = f"{{}} MB unpacked (limit {max_unpacked_mb:,.0f} MB): refused as a zip bomb"
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            declared = sum(info.file_size for info in members)
            if declared > limit:
                raise DocumentUnreadable(bomb.format(f"{declared / 1024 / 1024:,.0f}"))
            for info in members:  # deflate never grows data by more than a few bytes per 16 KB
                if info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size > info.file_size * 1.01 + 1024:
                    raise DocumentUnreadable(
                        f"'{info.filename}' holds more data than its declared size: corrupt, or a disguised zip bomb"
                    )
            total = 0
            for info in members:
                with archive.open(info) as part:
                    while block := part.read(1 << 20):
                        total += len(block)
                        if total > limit:
                            raise DocumentUnreadable(bomb.format(f"over {max_unpacked_mb:,.0f}"))
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):  # a part inflates to other data than its declared size says
            raise DocumentUnreadable(
                f"a part's data does not match its declared size ({_short(exc)}): corrupt, or a disguised zip bomb"
            ) from exc
        raise DocumentUnreadable(f"broken Word file ({_short(exc)})") from exc
    except (zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, EOFError) as exc:
        raise DocumentUnreadable(f"broken Word file ({_short(exc)})") from exc


def _unique_cells(row) -> list:
    """Merged Word cells repeat; keep each once, in order."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _heading_level(style: str) -> int:
    match = re.match(r"(Heading|Title)\s*(\d*)", style)
    if not match:
        return 0
    return int(match.group(2) or 1)


# --- HTML -------------------------------------------------------------------------------

SITE_CHROME = re.compile(r"cookie|banner|breadcrumb|nav|menu|sidebar|footer|header|skip|share", re.I)


def load_html(path: Path) -> ParsedDocument:
    """The article of a saved web page, without the site's header, navigation and footer."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "lxml")
    for tag in soup(["script", "style", "noscript", "template", "svg", "form", "iframe"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article")
    root = main or soup.body or soup
    for tag in root.find_all(["nav", "header", "footer", "aside"]):
        tag.decompose()
    for tag in root.find_all(attrs={"class": SITE_CHROME}) + root.find_all(attrs={"id": SITE_CHROME}):
        if tag.decomposed or tag.find(["h1", "h2", "article"]):
            continue
        tag.decompose()

    page = Page(number=1)
    for element in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "summary", "dt", "dd"]):
        if element.find_parent("table") or (element.name != "table" and element.find_parent("li")):
            continue
        if element.name == "table":
            rows = [
                [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
                for tr in element.find_all("tr")
            ]
            rows = [row for row in rows if any(row)]
            if rows:
                page.tables.append(Table.from_grid(rows, 1, top=len(page.lines)))
                page.lines.append(Line(text="", top=-1))
            continue
        if element.name in ("p", "dd", "dt") and element.find(["p", "li"]):
            continue
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        level = int(element.name[1]) if element.name[0] == "h" and element.name[1:].isdigit() else 0
        if element.name == "summary":
            level = 4
        page.lines.append(Line(text=text, heading_level=level, bold=level > 0, bullet=element.name == "li"))
    if not page.lines and not page.tables:
        raise DocumentUnreadable("the web page has no readable text")
    h1 = root.find("h1")
    return ParsedDocument(
        path=str(path),
        title=h1.get_text(" ", strip=True) if h1 else title,
        pages=[page],
        source_format="html",
    )


# --- Markdown and text ------------------------------------------------------------------


def load_markdown(path: Path) -> ParsedDocument:
    text = _read_text(path)
    page = Page(number=1)
    table_rows: list[list[str]] = []
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                table_rows.append(cells)
            continue
        if table_rows:
            page.tables.append(Table.from_grid(table_rows, 1, top=len(page.lines)))
            page.lines.append(Line(text="", top=-1))
            table_rows = []
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if heading:
            page.lines.append(Line(text=heading.group(2).strip(" #"), heading_level=len(heading.group(1)), bold=True))
            continue
        bullet = re.match(r"([-*+]|\d+[.)])\s+(.*)", line)
        clean = _strip_markdown(bullet.group(2) if bullet and bullet.group(1) in "-*+" else line)
        page.lines.append(Line(text=clean, bullet=bool(bullet and bullet.group(1) in "-*+")))
    title = next((ln.text for ln in page.lines if ln.heading_level == 1), "")
    return ParsedDocument(path=str(path), title=title, pages=[page], source_format="md")


def _strip_markdown(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|`)", "", text)


def load_text(path: Path) -> ParsedDocument:
    """Plain text; a form feed starts a new page."""
    pages = [
        Page(number=i + 1, lines=[Line(t) for t in chunk.splitlines()])
        for i, chunk in enumerate(_read_text(path).split("\f"))
    ]
    return ParsedDocument(path=str(path), title="", pages=pages, source_format="txt")


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DocumentUnreadable("binary data in a text file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


LOADERS: dict[str, Callable[[Path], ParsedDocument]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
}
SUPPORTED_SUFFIXES = frozenset(LOADERS)
