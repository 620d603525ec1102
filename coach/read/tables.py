"""A table of exercises (a web page's or a PDF's) -> routine text.

Physio programmes are often tables: one row per exercise, its name in the
first column, then how to do it, sets and repetitions, the hold. With a
header row, each row becomes a titled section the parser reads like any
other: the name as a heading, a short cell as a field under its column's
label ("Hold: 20 seconds"), a long one as a paragraph. Any other table
keeps one line per row, its cells joined by " | ".
"""

from __future__ import annotations

import re

EMPTY = re.compile(r"[-–—/x✓✗\s]*", re.IGNORECASE)
"""A cell that says nothing: "-", "–", "x"."""
MAX_NAME_WORDS = 8
MAX_FIELD_WORDS = 6


def is_exercise_table(rows: list[list[str]]) -> bool:
    """A header row of two or more short labels, and at least one row under
    it whose first cell is a short name."""
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    header, body = rows[0], rows[1:]
    # the corner over the names may be blank: ("", "Sets", "Reps", "Hold")
    if not header[1:] or not all(0 < len(label.split()) <= 4 for label in header[1:]) or len(header[0].split()) > 4:
        return False
    names = [row[0] for row in body if row]
    return bool(names) and all(0 < len(name.split()) <= MAX_NAME_WORDS for name in names) \
        and any(len(row) > 1 and any(cell.strip() for cell in row[1:]) for row in body)


def table_blocks(rows: list[list[str]], level: int, header: bool) -> list[str]:
    """The blocks of routine text for a table: sections for a table of
    exercises under a ``header`` row (headings of ``level``), else one line
    per row."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not header or not is_exercise_table(rows):
        return [" | ".join(cell for cell in row if cell) for row in rows]
    header, blocks = rows[0], []
    for row in rows[1:]:
        blocks.append("#" * level + " " + row[0])
        for label, cell in zip(header[1:], row[1:]):
            if EMPTY.fullmatch(cell):
                continue
            short = len(cell.split()) <= MAX_FIELD_WORDS and not cell.endswith(".")
            blocks.append(f"{label.rstrip(':')}: {cell}" if short else cell)
    return blocks
