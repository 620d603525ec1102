"""The compiler against whole real articles (tests/data/articles), read at
level `full` and compared with a careful reading written before the compiler
ran; and the same articles as PDF handouts (one column, two columns, with a
running header and footer), which must read exactly as their text does.

`scripts/score_articles.py` prints the corpus score."""

from pathlib import Path

import pytest

from coach.errors import RoutineError
from coach.read.pdf import pdf_to_text
from coach.read.score import expected_shape, score_case, shape_of, source_of
from coach.script.load import load_program

ARTICLES = Path(__file__).parent / "data" / "articles"
CASES = sorted(ARTICLES.glob("*.expect.json"))
KNOWN_GAPS: dict[str, str] = {
    # case -> what is still read wrongly, by symptom (xfail; a case read right
    # moves to data/articles/READ_RIGHT;
    # `scripts/score_articles.py -v` shows found and expected side by side)
    "ahcwellness-low-back": "'Flexion + Extension' is one hold, the reading has two",
    "bloomsbury-osteopathy-hamstring": "an optional way to deepen the stretch adds a third hold",
    "christopherconsultants-desk-stretches": "'tip head back and sideways, 5 seconds' is one hold, the reading has two",
    "colorado100-desk-shoulders": "four unnamed moves strung in prose ('Begin by… Next… Then… Finally') are one exercise",
    "farmacycounter-mobility-flow": "'(Alternating – 60 sec)' in a title is mirrored into two 60 s holds",
    "howstuffworks-executive-stretch": "'Do it all again.' is not read as a second round",
    "lairdchiro-cat-cow": "'about fives seconds' (a typo on the page) gives no hold",
    "myleapmagazine-desk-stretch": "'Repeat three times, at 10:30, noon and 2:30' (times of day) is read as 3 rounds",
    "painremovers-lateral-hip": "'Warm Up: 20 seconds' before each side's main stretch is not a hold of its own",
    "runnerstribe-time-poor": "the length is only in a closing Q&A ('Beginners 30 seconds to advanced 60 seconds+')",
}


def case_id(path: Path) -> str:
    return path.name.split(".")[0]


def test_corpus_is_there():
    assert CASES, "tests/data/articles has no cases"


READ_RIGHT = {line.strip() for line in (ARTICLES / "READ_RIGHT").read_text().splitlines()
              if line.strip() and not line.startswith("#")}


def test_read_right_names_cases():
    assert READ_RIGHT <= {case_id(c) for c in CASES}


@pytest.mark.parametrize("expect", CASES, ids=case_id)
def test_article(expect, request):
    name = case_id(expect)
    if name in KNOWN_GAPS:
        # not strict: several people improve the reader at once; a case read
        # right moves to READ_RIGHT, where a regression fails the suite
        request.applymarker(pytest.mark.xfail(reason=KNOWN_GAPS[name], strict=False))
    elif name not in READ_RIGHT:
        # Cases land from the corpus helpers while the compiler is worked on:
        # a new case is reported, not failed, until it is looked at.
        request.applymarker(pytest.mark.xfail(reason="new case, not yet analysed", strict=False))
    score = score_case(expect)
    assert score.error is None
    assert score.got == score.want


# ------------------------------------------------------------------- PDF


def _latin1(text: str) -> str:
    """The PDF core fonts hold Latin-1 only."""
    table = {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "-", "…": "...",
             "×": "x", "\u00a0": " "}
    return "".join(table.get(c, c) for c in text).encode("latin-1", "replace").decode("latin-1")


def make_pdf(text: str, path: Path, columns: int = 1, running: bool = False) -> None:
    """Lay ``text`` out as a handout: '#' lines as larger bold headings,
    paragraphs in one or two columns, optionally a header and footer with the
    page number on every page."""
    from fpdf import FPDF

    class Handout(FPDF):
        def header(self):
            if running:
                self.set_font("Helvetica", "I", 8)
                self.cell(0, 5, "Riverside Physio - home exercise programme", align="C")
                self.ln(8)

        def footer(self):
            if running:
                self.set_y(-12)
                self.set_font("Helvetica", "I", 8)
                self.cell(0, 5, f"Page {self.page_no()} - call us on 555 0100", align="C")

    pdf = Handout(format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 10) / columns
    column, top = 0, pdf.get_y()
    for raw in text.splitlines():
        line = _latin1(raw.strip())
        if not line:
            pdf.ln(3)
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            pdf.set_font("Helvetica", "B", 18 if level == 1 else 13)
            line = line.lstrip("#").strip()
        else:
            pdf.set_font("Helvetica", "", 10)
        if columns == 2 and pdf.get_y() > top + 110:  # short columns: every case spans both
            column = 1 - column
            if column == 0:
                pdf.add_page()
                top = pdf.get_y()
            pdf.set_y(top)
        pdf.set_x(pdf.l_margin + column * (width + 10))
        pdf.multi_cell(width, 5, line)
    pdf.output(str(path))


PDF_GAPS: dict = {}
PDF_LAYOUT_GAPS: dict = {}
PDF_CASES = [c for c in CASES if source_of(c).suffix in (".txt", ".md")]


@pytest.mark.parametrize("columns,running", [(1, False), (2, True)], ids=["plain", "two-columns+header"])
@pytest.mark.parametrize("expect", PDF_CASES, ids=case_id)
def test_pdf_version_reads_as_its_text(expect, columns, running, tmp_path, request):
    if case_id(expect) in PDF_GAPS:
        request.applymarker(pytest.mark.xfail(reason=PDF_GAPS[case_id(expect)], strict=True))
    if (case_id(expect), columns) in PDF_LAYOUT_GAPS:
        request.applymarker(pytest.mark.xfail(reason=PDF_LAYOUT_GAPS[case_id(expect), columns], strict=True))
    source = source_of(expect)
    text = _latin1(source.read_text(encoding="utf-8"))
    plain = tmp_path / ("article" + source.suffix)
    plain.write_text(text, encoding="utf-8")
    pdf = tmp_path / "article.pdf"
    make_pdf(text, pdf, columns, running)
    if not score_case(expect).fully_right:
        pytest.skip("the text version is not read right yet (see test_article)")
    want = shape_of(load_program(str(plain), "full"))
    assert shape_of(load_program(str(pdf), "full")) == want
    read = pdf_to_text(pdf.read_bytes())
    assert "Riverside Physio" not in read and "call us" not in read


def test_pdf_without_text_says_it_is_a_scan(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")  # a drawing, no text: as a scan
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(RoutineError, match="no text .*scanned"):
        load_program(str(path), "full")


def test_expected_shapes_are_well_formed():
    for expect in CASES:
        for reps, holds in expected_shape(expect):
            assert reps >= 1 and all(s > 0 for s, _ in holds)


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize("head,kind", [
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff\xe0", "JPEG image"),
    (b"PK\x03\x04\x14\x00", "Word file"), (b"\xd0\xcf\x11\xe0\xa1\xb1", "Word"),
])
def test_other_formats_get_one_line_naming_what_coach_reads(head, kind, tmp_path):
    path = tmp_path / "routine.docx"
    path.write_bytes(head + bytes(range(256)) * 4)
    with pytest.raises(RoutineError) as err:
        load_program(str(path), "full")
    message = str(err.value)
    assert kind in message and ".html" in message and ".pdf" in message and "\n" not in message


def test_a_fifo_or_device_is_refused_without_reading(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would hang
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(RoutineError, match="not a regular file"):
            load_program(str(path), "full")


def test_utf16_routine_is_text(tmp_path):
    path = tmp_path / "knee.txt"
    path.write_text("## Knee hug\n\nLie on your back. Hug both knees to your chest. "
                    "Hold for 20 seconds.\n", encoding="utf-16")
    program = load_program(str(path), "full")
    assert shape_of(program) == [(1, [(20, None)])]


def test_saved_page_keeps_content_and_drops_chrome(tmp_path):
    from coach.read.html import html_to_text

    page = """<html><head><title>Knee stretches | Site</title><script>var x = "Hold for 99 seconds";</script></head>
    <body><header><nav><a href="/">Skip to content</a><ul><li>Home</li><li>Shop</li></ul></nav></header>
    <main><h1>Two knee stretches</h1><p>Try these.</p>
    <figure><img src="a.jpg"><figcaption>Photo: Jane Doe / Getty</figcaption></figure>
    <h2>Knee hug</h2><ol><li>Lie on your back.</li><li>Hug your knees. Hold for 20 seconds.</li></ol>
    <div class="share-buttons">Share on Facebook</div>
    <h2>Knee rock</h2><p>Lie on your back and rock your knees gently from side to side.
    Repeat 10 times.</p><aside>Related: Ten hip stretches</aside></main>
    <footer>Copyright 2024. Newsletter: sign up</footer></body></html>"""
    text = html_to_text(page)
    for noise in ("Skip to content", "Home", "Photo", "Share", "Related", "Copyright", "99"):
        assert noise not in text
    assert text.split("\n\n")[:3] == ["# Two knee stretches", "Try these.", "## Knee hug"]
    assert "1. Lie on your back." in text and "2. Hug your knees. Hold for 20 seconds." in text


# ------------------------------------------------------- numbering forms

TWO = ("{a}\nSit tall and slide your chin straight back. Hold for 5 seconds.\n\n"
       "{b}\nRoll both shoulders back slowly. Repeat 10 times.\n")


@pytest.mark.parametrize("a,b", [
    ("(1) NECK GLIDE", "(2) SHOULDER ROLL"),
    ("#1\nNECK GLIDE", "#2\nSHOULDER ROLL"),
    ("Stretch No. 1: NECK GLIDE", "Stretch No. 2: SHOULDER ROLL"),
    ("1NECK GLIDE", "2SHOULDER ROLL"),
    ("1..NECK GLIDE:", "2..SHOULDER ROLL:"),
])
def test_numbering_in_any_common_form(a, b, tmp_path):
    path = tmp_path / "neck.txt"
    path.write_text(TWO.format(a=a, b=b))
    program = load_program(str(path), "full")
    assert [e.name.upper() for e in program.exercises] == ["NECK GLIDE", "SHOULDER ROLL"]
    assert shape_of(program) == [(1, [(5, None)]), (10, [])]


def test_title_and_instructions_on_one_numbered_line(tmp_path):
    path = tmp_path / "core.txt"
    path.write_text("Two moves\n\n1.  Up dog: Lie on your front and press up through your hands. "
                    "Hold for 3 breaths.\n\n2. Elbow and Side Planks: Get onto your elbows and "
                    "toes. Hold for 20 seconds.\n")
    program = load_program(str(path), "full")
    assert [e.name for e in program.exercises] == ["Up dog", "Elbow and Side Planks"]
    assert shape_of(program) == [(1, [(15, None)]), (1, [(20, None)])]


def test_run_in_titles_and_field_lines(tmp_path):
    path = tmp_path / "back.txt"
    path.write_text("Pelvic Tilt. Lie on your back with your knees bent. Flatten your back "
                    "to the floor. Hold for 5 seconds.\n\nKnee Roll. Lie on your back and hug "
                    "both knees to your chest. Hold for 10 seconds.\n\nWhy: It eases the back. "
                    "Tip: Go slowly.\n")
    program = load_program(str(path), "full")
    assert [e.name for e in program.exercises] == ["Pelvic Tilt", "Knee Roll"]
    assert shape_of(program) == [(1, [(5, None)]), (1, [(10, None)])]


def test_page_chrome_is_never_an_exercise_nor_spoken(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_text(
        "Skip to content\n\nBack stretches\n\nShare this: Facebook  Twitter\n\n"
        "Image: Courtesy of the Back Society\n\n"
        "Knee hug\n\nLie on your back and hug both knees to your chest. Hold for 20 seconds.\n\n"
        "Only single leg\n\nAdvertisement\n\n"
        "Cat cow\n\nKneel on all fours. Arch your back, then round it. Repeat 10 times.\n\n"
        "Related: Ten hip stretches for runners\n\nCopyright 2024 Back Society\n")
    program = load_program(str(path), "full")
    assert [e.name for e in program.exercises] == ["Knee hug", "Cat cow"]
    said = " ".join(a.text for b in program.blocks for a in b.actions if hasattr(a, "text"))
    for noise in ("Skip", "Share", "Courtesy", "single leg", "Advertisement", "Related", "Copyright"):
        assert noise not in said


def test_title_glued_to_its_text(tmp_path):
    path = tmp_path / "mobility.txt"
    path.write_text("1.Arm CirclesStand tall and swing one arm in a big circle. Repeat 8 times.\n\n"
                    "2.Side BendsStand tall and slide one hand down the side of your leg. "
                    "Repeat 16 times.\n")
    program = load_program(str(path), "full")
    assert [e.name for e in program.exercises] == ["Arm Circles", "Side Bends"]
    assert shape_of(program) == [(8, []), (16, [])]
