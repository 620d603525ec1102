"""A PDF handout -> routine text.

pdfminer.six (pure Python, no system library) gives each page's text boxes
with their positions and font sizes. We put back the pieces pdfminer cuts a
widely spaced justified line into, put the boxes in reading order (boxes
across the columns in turn, and between them each column left to right: two
columns, or a leaflet's three), drop running headers, footers and page numbers (a box in the top or
bottom margin whose text, digits aside, comes back on another page, or that
is only a page number), and mark short runs of lines in a larger print as
headings (the largest print ``#``, the others ``##``), or, when only the
title is in a larger print, short title-like lines in bold. A table of
exercises (three or more columns, a short name first) is read row by row
(coach/read/tables.py); a gap far wider than a line's spaces is the border
between two of its cells.
A PDF with no text at all is a scan: say so.
"""

from __future__ import annotations

import bisect
import io
import re
import statistics
from dataclasses import dataclass, field, replace

from coach.errors import RoutineError
from coach.read.tables import table_blocks

MARGIN = 0.09
"""Top and bottom share of a page where running headers and footers live."""
ITEM_START = re.compile(r"[-•*–]\s|\(?\d{1,3}[.):]+(?:\s|[A-Z])|#\d")
"""A line that starts a list item or a numbered title ("1. ", "3.Side Bends"):
never the rest of a wrapped line."""
FIELD_START = re.compile(r"[A-Z][A-Za-z-]*(?: [A-Za-z-]+){0,2}:\s")
"""A line that opens with a label: "Note: ", "Starting position: "."""
TITLE_LINE = re.compile(r"(?:[A-Z0-9][\w'’-]*|[a-z]{1,3})(?:,?\s+(?:[A-Z0-9][\w'’-]*|[a-z]{1,3}))*")
"""A line in title case: "Low Back Rotation", "Figure-4 Stretch, Alternate 1"."""
WIDE_GAP = 2.5
"""A gap this many times the line's usual space between words is a border
between table cells."""
JOIN_GAP = 1.6
"""Widest gap, in ems, between two pieces of one justified line."""
HEADING_SIZE = 1.15
"""Print this much larger than the body text is a heading."""
BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
BOLD_TITLE = re.compile(r"(?:(?:\(?\d{1,3}[.):]+|#\s?\d{1,3}:?)\s*)?[A-Z0-9(][^:.;,!?]{0,78}[^:.;,!?\s]")
"""A line in bold that reads as a title: short, no sentence punctuation, no
"Hold: …" field."""
PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)


@dataclass(eq=False)
class _Box:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    bold: bool = False
    lines: list = field(default_factory=list)
    """Its lines (``_Line``), top to bottom."""


@dataclass
class _Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    bold: bool
    gap: float = 0.0
    """The usual space between its words (wide in a justified line; 0 for
    one word)."""


def _pieces(line) -> list[list]:
    """A pdfminer line's characters (and its spaces) in pieces: a gap far
    wider than the line's own spaces between words is the border between
    two cells of a table, not a space ("…to your      5 times each leg")."""
    from pdfminer.layout import LTChar

    chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
    if len(chars) < 2:
        return [list(line)]
    size = statistics.median(c.size for c in chars)
    gaps = [b.x0 - a.x1 for a, b in zip(chars, chars[1:])]
    spaces = [g for g in gaps if g > 0.15 * size]
    usual = statistics.median(spaces) if spaces else 0.3 * size
    wide = max(WIDE_GAP * usual, 1.0 * size)
    pieces, last = [[]], None
    for item in line:
        if isinstance(item, LTChar) and item.get_text().strip():
            if last is not None and item.x0 - last.x1 > wide:
                pieces.append([])
            last = item
        pieces[-1].append(item)
    return pieces


def _line_of(items, bold_of) -> _Line | None:
    from pdfminer.layout import LTChar

    chars = [c for c in items if isinstance(c, LTChar) and c.get_text().strip()]
    text = " ".join("".join(item.get_text() for item in items).split())
    if not chars or not text:
        return None
    size = round(statistics.median(c.size for c in chars), 1)
    spaces = [b.x0 - a.x1 for a, b in zip(chars, chars[1:]) if b.x0 - a.x1 > 0.15 * size]
    return _Line(chars[0].x0, min(c.y0 for c in chars), chars[-1].x1, max(c.y1 for c in chars), text,
                 size, bold_of(chars), statistics.median(spaces) if spaces else 0.0)


def _lines_of(box) -> list[list[_Line]]:
    """A pdfminer text box as groups of lines: its own, and one group for
    each further table cell that a wide gap split off its lines."""
    from pdfminer.layout import LTTextLine

    def bold_of(chars) -> bool:
        return sum(bool(BOLD.search(c.fontname)) for c in chars) > len(chars) / 2

    own: list[_Line] = []
    split_off: dict[int, list[_Line]] = {}
    for line in box:
        if not isinstance(line, LTTextLine):
            continue
        for k, items in enumerate(_pieces(line)):
            found = _line_of(items, bold_of)
            if found is None:
                continue
            if k == 0 or not own:
                own.append(found)
            else:
                split_off.setdefault(round(found.x0 / 6), []).append(found)
    return [group for group in (own, *split_off.values()) if group]


def _join_limit(head: _Line, piece: _Line) -> float:
    """Widest gap that still joins ``piece`` to ``head``: under JOIN_GAP
    ems, and, when either shows its spaces between words, under WIDE_GAP times
    the wider of them (a justified line's gaps are all alike; the border to
    the next cell of a table is far wider than the spaces in its text)."""
    known = max(head.gap, piece.gap)
    return min(JOIN_GAP * piece.size, WIDE_GAP * known) if known else JOIN_GAP * piece.size


def _join_pieces(groups: list[list[_Line]]) -> list[list[_Line]]:
    """A justified line spreads its words so far apart that pdfminer can cut
    it into pieces (lines of their own, often boxes of their own): put each
    piece back at the end of the line it belongs to, the nearest one on the
    same baseline less than JOIN_GAP ems to its left (a column's gutter is
    wider)."""
    rows: dict[int, list[_Line]] = {}
    for group in groups:
        for line in group:
            rows.setdefault(round(line.y0 / 2), []).append(line)
    gone: set[int] = set()
    for line in sorted((ln for g in groups for ln in g), key=lambda ln: ln.x0):
        near = [ln for key in (round(line.y0 / 2) + d for d in (-1, 0, 1)) for ln in rows.get(key, ())]
        before = [ln for ln in near if ln is not line and id(ln) not in gone
                  and abs(ln.y0 - line.y0) < 0.3 * line.size and ln.x1 <= line.x0 + 1
                  and line.x0 - ln.x1 < _join_limit(ln, line)]
        if before:
            head = max(before, key=lambda ln: ln.x1)
            head.gap = max(head.gap, line.gap, line.x0 - head.x1)
            head.text, head.x1 = head.text + " " + line.text, line.x1
            gone.add(id(line))
    return [kept for g in groups if (kept := [ln for ln in g if id(ln) not in gone])]


def _boxes(data: bytes) -> tuple[list[_Box], list[tuple[float, float]]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    boxes, pages = [], []
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
            pages.append((page.width, page.height))
            groups = [group for element in page if isinstance(element, LTTextBox)
                      for group in _lines_of(element)]
            for group in _join_pieces(groups):
                # A box can hold a title in a larger print and the text under
                # it: each run of lines in one print size is a box of its own.
                runs: list[list[_Line]] = []
                for line in group:
                    if runs and (runs[-1][-1].size, runs[-1][-1].bold) == (line.size, line.bold):
                        runs[-1].append(line)
                    else:
                        runs.append([line])
                for lines in runs:
                    boxes.append(_Box(number, min(ln.x0 for ln in lines), min(ln.y0 for ln in lines),
                                      max(ln.x1 for ln in lines), max(ln.y1 for ln in lines),
                                      _unwrap(lines), lines[0].size, lines[0].bold, lines))
    except Exception as exc:  # pdfminer raises many types for broken files
        if isinstance(exc, PDFPasswordIncorrect):
            raise RoutineError("this PDF is locked with a password; open it, save or print it "
                               "without one, or copy its text into a .txt file") from None
        raise RoutineError(f"this PDF cannot be read ({type(exc).__name__}); "
                           "save the handout's text as a .txt file instead") from None
    return boxes, pages


def _unwrap(lines: list[_Line]) -> str:
    """A box's lines, with the lines that the layout wrapped joined again: a
    line that reaches (nearly) the box's right edge goes on in the next one,
    unless that one starts a list item or a field ("Note: …"), or is a short
    line in title case (the next exercise's name)."""
    right = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    out = [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        wrapped = prev.x1 >= right - 0.15 * (right - left) and len(prev.text.split()) > 3
        if wrapped and not ITEM_START.match(line.text) and not FIELD_START.match(line.text) \
                and not (len(line.text.split()) <= 6 and TITLE_LINE.fullmatch(line.text)):
            out[-1] += " " + line.text
        else:
            out.append(line.text)
    return "\n".join(out)


def body_size(boxes: list[_Box]) -> float:
    """The print size of most of the text (by characters, not boxes: a
    one-page handout has as many header and footer boxes as body boxes)."""
    sized = sorted((b.size, len(b.text)) for b in boxes if b.size)
    half, seen = sum(n for _, n in sized) / 2, 0
    for size, n in sized:
        seen += n
        if seen >= half:
            return size
    return 0.0


def _running(boxes: list[_Box], pages: list[tuple[float, float]]) -> set[int]:
    """Indexes of header, footer and page-number boxes: in the top or bottom
    margin, and repeated on another page, only a page number, or in a smaller
    print than the body (a one-page handout's header)."""
    def in_margin(b: _Box) -> bool:
        height = pages[b.page - 1][1]
        return b.y0 > height * (1 - MARGIN) or b.y1 < height * MARGIN

    key = lambda b: re.sub(r"\d+", "#", " ".join(b.text.split()).lower())  # noqa: E731
    seen: dict[str, set[int]] = {}
    for b in boxes:
        if in_margin(b):
            seen.setdefault(key(b), set()).add(b.page)
    body = body_size(boxes)
    return {
        i for i, b in enumerate(boxes)
        if in_margin(b) and (len(seen[key(b)]) > 1 or PAGE_NUMBER.fullmatch(b.text.strip())
                             or 0 < b.size < body * 0.9)
    }


def _column_starts(boxes: list[_Box], width: float) -> list[float]:
    """Left edges of the page's columns: where its narrow boxes start, in
    clusters (an indented list stays in its column). A column holds two
    boxes or more, or a tall one: a lone piece of a widely spaced line
    ("Piriformis Stretch »" after "« Knee to Chest") is no column."""
    narrow = sorted((b for b in boxes if b.x1 - b.x0 < 0.45 * width), key=lambda b: b.x0)
    clusters: list[list[_Box]] = []
    for b in narrow:
        if clusters and b.x0 - clusters[-1][-1].x0 <= 0.12 * width:
            clusters[-1].append(b)
        else:
            clusters.append([b])
    tall = 0.15 * (max((b.y1 for b in boxes), default=0.0) - min((b.y0 for b in boxes), default=0.0))
    return [c[0].x0 for c in clusters if len(c) >= 2 or sum(b.y1 - b.y0 for b in c) >= tall]


def _reading_order(page_boxes: list[_Box], width: float) -> list[_Box]:
    """Boxes across the columns top to bottom; between two of them, each
    column in turn, left to right (two columns, or a three-fold leaflet's
    three). Boxes that are not side by side stay in order from the top."""
    starts = _column_starts(page_boxes, width)
    tolerance = 0.02 * width

    def column(b: _Box) -> int:
        return max([i for i, x in enumerate(starts) if x <= b.x0 + tolerance], default=0)

    def spans(b: _Box) -> bool:
        later = [x for x in starts if x > b.x0 + tolerance]
        return bool(later) and b.x1 > later[0] + tolerance

    ordered: list[_Box] = []
    band: list[_Box] = []

    def side_by_side() -> bool:
        """Do boxes of two columns share some height? (A sweep from the bottom.)"""
        active: list[tuple[float, int]] = []
        for b in sorted(band, key=lambda b: b.y0):
            active = [(top, c) for top, c in active if top > b.y0]
            if any(c != column(b) for _, c in active):
                return True
            active.append((b.y1, column(b)))
        return False

    def flush() -> None:
        if side_by_side():
            band.sort(key=lambda b: (column(b), -b.y1))
        ordered.extend(band)
        band.clear()

    for b in sorted(page_boxes, key=lambda b: -b.y1):
        if spans(b):
            flush()
            ordered.append(b)
        else:
            band.append(b)
    flush()
    return ordered


@dataclass
class _Table:
    rows: list[list[str]]
    header: bool
    members: list[_Box]
    where: _Box
    """A stand-in across the page where the table is, for the reading order."""


def _cut_rows(boxes: list[_Box], column) -> list[_Box]:
    """Under a header row, a table set tight comes out of pdfminer with
    boxes that run down a column across rows: cut them into their lines.
    A line of the first column with nothing beside it in the columns of
    short cells ("5 times", "20 seconds") is the rest of the name above it
    ("Hamstring stretch / lying down")."""
    lines = [_Box(b.page, ln.x0, ln.y0, ln.x1, ln.y1, ln.text, ln.size, ln.bold, [ln])
             for b in boxes for ln in (b.lines if len(b.lines) > 1 else [])]
    if not lines:
        return boxes
    pieces = [b for b in boxes if len(b.lines) <= 1] + lines
    others = {column(b) for b in pieces} - {0}
    short = {j for j in others if all(len(b.text.split()) <= 4 for b in pieces if column(b) == j)}
    beside = {round(b.y1) for b in pieces if column(b) in (short or others)}
    names = sorted((b for b in pieces if column(b) == 0), key=lambda b: -b.y1)
    kept: list[_Box] = []
    for name in names:
        alone = not any(round(name.y1) + d in beside for d in (-1, 0, 1))
        if alone and kept and name in lines:
            # a copy: the box may be one of the page's own, read again if no table takes it
            kept[-1] = replace(kept[-1], text=f"{kept[-1].text} {name.text}", y0=name.y0)
        else:
            kept.append(name)
    return kept + [b for b in pieces if column(b) != 0]


def _tables(page_boxes: list[_Box], body: float, width: float) -> list[_Table]:
    """Tables of exercises on a page. A table starts with three or more
    boxes side by side (its header, or its first row) that set the columns;
    it goes on down through the boxes that start in one of them, until a
    gap, a box that starts elsewhere, or one across the first two columns.
    Each box in the first column starts a row; the other boxes join the
    row beside them (the nearest middle when cells are centred, else the
    row at or above them)."""
    order = sorted(page_boxes, key=lambda b: -b.y1)
    clusters: list[list[_Box]] = []
    ends: list[int] = []  # index in order just past each cluster
    bottom = 0.0
    for i, b in enumerate(order):
        if clusters and b.y1 > bottom + 0.5:
            clusters[-1].append(b)
            bottom = min(bottom, b.y0)
            ends[-1] = i + 1
        else:
            clusters.append([b])
            ends.append(i + 1)
            bottom = b.y0

    def side_by_side(boxes: list[_Box]) -> list[list[_Box]]:
        found: list[list[_Box]] = []
        for b in sorted(boxes, key=lambda b: b.x0):
            if found and b.x0 < max(c.x1 for c in found[-1]) - 1:
                found[-1].append(b)
            else:
                found.append([b])
        return found

    def text(cell: list[_Box]) -> str:
        return " ".join(" ".join(b.text.split()) for b in sorted(cell, key=lambda b: -b.y1))

    def middle(b: _Box) -> float:
        return (b.y0 + b.y1) / 2

    tables: list[_Table] = []
    used: set[int] = set()
    line = 1.3 * max(body, 1.0)
    for cluster, end in zip(clusters, ends):
        top_cells = side_by_side(cluster)
        if len(top_cells) < 3 or any(id(b) in used for b in cluster):
            continue
        starts = [min(b.x0 for b in c) for c in top_cells]

        def column(b: _Box) -> int | None:
            near = [j for j, x in enumerate(starts) if abs(b.x0 - x) <= 6]
            return near[0] if near else None

        members, low = list(cluster), min(b.y0 for b in cluster)
        below = low + 0.5
        inside = {id(b) for b in cluster}
        for b in order[end:]:
            if b.y1 > below or id(b) in used or id(b) in inside:
                continue
            if low - b.y1 > 3 * line or column(b) is None or column(b) == 0 and b.x1 > starts[1]:
                break
            members.append(b)
            low = min(low, b.y0)
        heads = [" ".join(text(c).split()) for c in top_cells]
        digits = lambda texts: any(ch.isdigit() for t in texts for ch in t)  # noqa: E731
        rest = [text([b]) for b in members if id(b) not in inside]
        header = all(len(h.split()) <= 4 for h in heads) and (
            all(b.bold for b in cluster) or not digits(heads) and digits(rest))
        body_boxes = [b for b in members if not header or id(b) not in inside]
        if header:
            body_boxes = _cut_rows(body_boxes, column)
        anchors = sorted((b for b in body_boxes if column(b) == 0), key=lambda b: -b.y1)
        if len(anchors) < (1 if header else 2) or any(len(a.text.split()) > 8 for a in anchors):
            used.update(id(b) for b in members)  # looked at once
            continue
        centred = any(b.y1 > anchors[0].y1 + 1 for b in body_boxes if column(b) != 0)
        rows: dict[int, list[list[_Box]]] = {id(a): [[a]] + [[] for _ in starts[1:]] for a in anchors}
        tops = [-a.y1 for a in anchors]  # ascending
        for b in body_boxes:
            if column(b) == 0:
                continue
            if centred:  # the anchor with the nearest middle: one of the two around it
                k = bisect.bisect_left(tops, -b.y1)
                near = anchors[max(0, k - 1):k + 1] or anchors[-1:]
                anchor = min(near, key=lambda a: abs(middle(a) - middle(b)))
            else:  # the last anchor whose top is at or above the box's
                anchor = anchors[max(0, bisect.bisect_right(tops, -b.y1 + 1) - 1)]
            rows[id(anchor)][column(b)].append(b)
        texts = ([heads] if header else []) + [[text(c) for c in rows[id(a)]] for a in anchors]
        used.update(id(b) for b in members)
        where = _Box(members[0].page, 0.0, low, width, max(b.y1 for b in members), "", 0.0)
        tables.append(_Table(texts, header, members, where))
    return tables


def pdf_to_text(data: bytes) -> str:
    """The handout's text as routine text."""
    boxes, pages = _boxes(data)
    if not boxes:
        raise RoutineError("this PDF has no text (a scanned handout?); coach needs text it can "
                           "read: type or paste the exercises into a .txt file")
    skip = _running(boxes, pages)
    kept = [b for i, b in enumerate(boxes) if i not in skip]
    body = body_size(kept)

    def short(b: _Box) -> bool:
        return len(b.text.splitlines()) <= 2

    tables = {number: _tables([b for b in kept if b.page == number], body, width)
              for number, (width, _) in enumerate(pages, 1)}
    in_tables = {id(b) for found in tables.values() for t in found for b in t.members}
    kept = [b for b in kept if id(b) not in in_tables]
    headings = {id(b) for b in kept if body and b.size >= body * HEADING_SIZE and short(b)}
    top = max((b.size for b in kept if id(b) in headings), default=0.0)
    # A handout whose only large print is its title marks its sections in bold.
    bold_titles = len(headings) <= 1
    blocks: list[str] = []
    for number, (width, _) in enumerate(pages, 1):
        stand_ins = {id(t.where): t for t in tables[number]}
        page_boxes = [b for b in kept if b.page == number] + [t.where for t in tables[number]]
        for b in _reading_order(page_boxes, width):
            if id(b) in stand_ins:
                table = stand_ins[id(b)]
                level = next((len(x) - len(x.lstrip("#")) for x in reversed(blocks) if x.startswith("#")), 1)
                blocks.extend(table_blocks(table.rows, min(level + 1, 6), table.header))
                continue
            lines = [" ".join(line.split()) for line in b.text.splitlines() if line.strip()]
            text = " ".join(lines)
            if id(b) in headings:
                blocks.append(("# " if b.size == top else "## ") + text)
            elif bold_titles and b.bold and short(b) and BOLD_TITLE.fullmatch(text):
                blocks.append("## " + text)
            elif blocks and lines[0][:1].islower() and not blocks[-1].endswith((".", "!", "?", ":")):
                blocks[-1] += "\n" + "\n".join(lines)  # a paragraph going on in the next column
            else:
                blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
