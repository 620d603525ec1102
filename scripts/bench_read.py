#!/usr/bin/env python3
"""Time the readers (coach/read/) and the outline (coach/script/outline.py)
on large and hostile inputs: a saved page, a page of 20,000 table rows,
50,000 nested <div>s, a 30-page three-column justified PDF, a PDF table of
1,500 rows, and the outline of a 52,000-line text.

    .venv/bin/python scripts/bench_read.py

Prints seconds per input (best of 3; PDF times include pdfminer's own,
printed beside them)."""

import sys
import tempfile
import time
from pathlib import Path

from coach.read.html import html_to_text
from coach.read.pdf import pdf_to_text
from coach.script.outline import outline
from coach.script.parse import parse_routine

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"


def best_of(work, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def three_column_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    with pdf.text_columns(ncols=3, text_align="JUSTIFY") as cols:
        for i in range(400):
            with cols.paragraph(bottom_margin=2) as p:
                p.write(f"{i}. Lie on your back and hold for {i % 50 + 5} seconds. Bring the knee to the "
                        "chest slowly and breathe. Repeat 3 times on each side with care.")
    return bytes(pdf.output())


def table_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=10)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 8)
    for i in range(1500):
        pdf.cell(40, 6, f"Stretch {i}")
        pdf.cell(80, 6, "Lie on your back and hold")
        pdf.cell(30, 6, "20 seconds", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def main() -> None:
    from pdfminer.high_level import extract_text

    pages = {
        "saved page (wordpress)": (PAGES / "wordpress-back-stretches.html").read_text(),
        "20,000 table rows": "<html><body><table>" + "<tr><td>Knee hug</td><td>20 s</td></tr>" * 20_000
                             + "</table></body></html>",
        "50,000 nested divs": "<html><body>" + "<div>" * 50_000 + "<p>Hold for 20 seconds.</p>"
                              + "</div>" * 50_000 + "</body></html>",
    }
    for name, page in pages.items():
        print(f"{name:32} {best_of(lambda: html_to_text(page)):6.3f} s")
    for name, data in (("30-page 3-column justified PDF", three_column_pdf()),
                       ("PDF table, 1,500 rows", table_pdf())):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            alone = best_of(lambda: extract_text(f.name), 1)
        print(f"{name:32} {best_of(lambda: pdf_to_text(data), 1):6.3f} s  (pdfminer alone {alone:.3f} s)")
    text = "## Knee\n\nLie down. Hold for 5 seconds.\n\n" + "1. A\n" * 52_000
    routine = parse_routine(text)
    print(f"{'outline of 52,000 lines':32} {best_of(lambda: outline(text, routine)):6.3f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
