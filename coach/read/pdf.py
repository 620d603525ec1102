"""A PDF handout -> routine text.

pdfminer.six (pure Python, no system library) gives each page's text boxes
with their positions and font sizes. We put the boxes in reading order
(full-width boxes in turn, and between them the left column before the right
one), drop running headers, footers and page numbers (a box in the top or
bottom margin whose text, digits aside, comes back on another page, or that
is only a page number), and mark short runs of lines in a larger print as
headings (the largest print ``#``, the others ``##``), or, when only the
title is in a larger print, short title-like lines in bold.
A PDF with no text at all is a scan: say so.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass

from coach.errors import RoutineError

MARGIN = 0.09
"""Top and bottom share of a page where running headers and footers live."""
ITEM_START = re.compile(r"[-•*–]\s|\(?\d{1,3}[.):]+(?:\s|[A-Z])|#\d")
"""A line that starts a list item or a numbered title ("1. ", "3.Side Bends"):
never the rest of a wrapped line."""
HEADING_SIZE = 1.15
"""Print this much larger than the body text is a heading."""
BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
BOLD_TITLE = re.compile(r"(?:(?:\(?\d{1,3}[.):]+|#\s?\d{1,3}:?)\s*)?[A-Z0-9(][^:.;,!?]{0,78}[^:.;,!?\s]")
"""A line in bold that reads as a title: short, no sentence punctuation, no
"Hold: …" field."""
PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)


@dataclass
class _Box:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    bold: bool = False


def _boxes(data: bytes) -> tuple[list[_Box], list[tuple[float, float]]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine

    boxes, pages = [], []
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
            pages.append((page.width, page.height))
            for element in page:
                if not isinstance(element, LTTextBox):
                    continue
                # A box can hold a title in a larger print and the text under
                # it: each run of lines in one print size is a box of its own.
                runs: list[tuple[tuple[float, bool], list]] = []
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
                    if not chars:
                        continue
                    bold = sum(bool(BOLD.search(c.fontname)) for c in chars) > len(chars) / 2
                    key = (round(statistics.median(c.size for c in chars), 1), bold)
                    if runs and runs[-1][0] == key:
                        runs[-1][1].append(line)
                    else:
                        runs.append((key, [line]))
                for (size, bold), lines in runs:
                    text = _unwrap(lines)
                    if text:
                        boxes.append(_Box(number, min(ln.x0 for ln in lines), min(ln.y0 for ln in lines),
                                          max(ln.x1 for ln in lines), max(ln.y1 for ln in lines), text,
                                          size, bold))
    except Exception as exc:  # pdfminer raises many types for broken files
        raise RoutineError(f"this PDF cannot be read ({type(exc).__name__}); "
                           "save the handout's text as a .txt file instead") from None
    return boxes, pages


def _unwrap(lines) -> str:
    """A box's lines, with the lines that the layout wrapped joined again: a
    line that reaches (nearly) the box's right edge goes on in the next one,
    unless that one starts a list item."""
    texts = [(" ".join(line.get_text().split()), line.x1) for line in lines]
    texts = [(t, x1) for t, x1 in texts if t]
    if not texts:
        return ""
    right = max(x1 for _, x1 in texts)
    left = min(line.x0 for line in lines)
    out = [texts[0][0]]
    for (prev, prev_x1), (text, _) in zip(texts, texts[1:]):
        wrapped = prev_x1 >= right - 0.15 * (right - left) and len(prev.split()) > 6
        if wrapped and not ITEM_START.match(text):
            out[-1] += " " + text
        else:
            out.append(text)
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


def _reading_order(page_boxes: list[_Box], width: float) -> list[_Box]:
    """Full-width boxes top to bottom; between two of them, the left column
    then the right one."""
    middle = width / 2
    ordered: list[_Box] = []
    band: list[_Box] = []

    def flush() -> None:
        left = [b for b in band if b.x0 < middle - 0.02 * width]
        right = [b for b in band if b not in left]
        ordered.extend(sorted(left, key=lambda b: -b.y1) + sorted(right, key=lambda b: -b.y1))
        band.clear()

    for b in sorted(page_boxes, key=lambda b: -b.y1):
        spans = b.x0 < middle - 0.02 * width and b.x1 > middle + 0.02 * width
        if spans:
            flush()
            ordered.append(b)
        else:
            band.append(b)
    flush()
    return ordered


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

    headings = [b for b in kept if body and b.size >= body * HEADING_SIZE and short(b)]
    top = max((b.size for b in headings), default=0.0)
    # A handout whose only large print is its title marks its sections in bold.
    bold_titles = len(headings) <= 1
    blocks = []
    for number, (width, _) in enumerate(pages, 1):
        for b in _reading_order([b for b in kept if b.page == number], width):
            lines = [" ".join(line.split()) for line in b.text.splitlines() if line.strip()]
            text = " ".join(lines)
            if b in headings:
                blocks.append(("# " if b.size == top else "## ") + text)
            elif bold_titles and b.bold and short(b) and BOLD_TITLE.fullmatch(text):
                blocks.append("## " + text)
            elif blocks and lines[0][:1].islower() and not blocks[-1].endswith((".", "!", "?", ":")):
                blocks[-1] += "\n" + "\n".join(lines)  # a paragraph going on in the next column
            else:
                blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
