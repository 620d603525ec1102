"""Saved web pages and PDF handouts, end to end: what the readers keep and
drop, and `coach show`, `compile --json` and `export` on them.

The two saved pages in tests/data/pages/ have real pages' layout (our own
words): a WordPress-style page with a cookie banner, site header and menu,
breadcrumbs, byline, figure, ads, sharing buttons, newsletter box, comments,
sidebar and footer; and an older site laid out with a table, a div header,
a text menu and bold lines for titles. The handouts are made here with
fpdf2's flowing text columns, with a running header and footer. Expected
exercises are written by reading the texts."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.read.html import html_to_text
from coach.read.pdf import pdf_to_text
from coach.read.score import shape_of
from coach.script.load import load_program

PAGES = Path(__file__).parent / "data" / "pages"
WORDPRESS = PAGES / "wordpress-back-stretches.html"
OLDSITE = PAGES / "oldsite-neck-exercises.html"
COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def run(*args, timeout=180):
    return subprocess.run([*COACH, *args], capture_output=True, text=True, timeout=timeout)


WORDPRESS_SHAPE = [
    (3, [(20, "right"), (20, "left")]),  # knee to chest: "Do 3 times on each side"
    (10, [(5, None)]),                   # pelvic tilt
    (8, []),                             # cat and camel: a movement
    (1, [(30, None)]),                   # child's pose
]


def test_saved_page_keeps_its_content_and_drops_all_chrome():
    text = html_to_text(WORDPRESS.read_text())
    for noise in ("Skip to content", "cookies", "Accept", "Menu", "Services", "Search", "Book online",
                  "Riverside Physio", "Posted on", "Sam Okafor", "Photo", "Advertisement", "Share this",
                  "Facebook", "newsletter", "Subscribe", "Tagged", "Previous", "Hip flexor", "thoughts",
                  "2 minutes", "Popular posts", "Mill Lane", "©", "gtag", "dataLayer", "Hold each for 30",
                  "Table of Contents", "repeat 8 times", "pose, 30 seconds", "image:", "opens in",
                  "More on"):
        assert noise not in text, noise
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# 4 Gentle Stretches for a Stiff Lower Back", "## 1. Knee to chest",
                        "## 2. Pelvic tilt", "## 3. Cat and camel", "## 4. Child's pose"]
    assert shape_of(load_program(str(WORDPRESS), "full")) == WORDPRESS_SHAPE


def test_a_table_laid_out_page_with_bold_titles():
    text = html_to_text(OLDSITE.read_text())
    for noise in ("Hillview", "Call us", "Home", "About us", "Quick links", "Posture tips",
                  "Privacy", "Copyright", "_gaq"):
        assert noise not in text, noise
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        "## Neck Exercises", "### Chin Tucks", "### Side Bends", "### Neck Rotation"]


def test_a_table_laid_out_page_reads_as_three_exercises():
    assert shape_of(load_program(str(OLDSITE), "full")) == [
        (10, [(5, None)]),                    # chin tucks
        (3, [(15, "right"), (15, "left")]),   # side bends: "Do 3 times each side"
        (5, [(10, "right"), (10, "left")]),   # neck rotation: right, then the left
    ]


def test_bold_words_in_a_page_with_headings_stay_words():
    page = ("<html><body><main><h1>Two</h1><h2>Knee hug</h2><p><b>Start</b><br>Lie on your back.</p>"
            "<p>Hug your knees. Hold for 20 seconds.</p><h2>Rock</h2><p>Rock gently. Repeat 10 times.</p>"
            "</main></body></html>")
    text = html_to_text(page)
    assert "# Start" not in text and "Start" in text


def test_the_story_among_teaser_articles_and_hidden_menus():
    teaser = "<article class='card'><h2>Ten hip stretches</h2><p>Hold each for 30 seconds.</p></article>"
    page = ("<html><body><div style='display: none' class='mobile'><ul><li>Home</li></ul></div>"
            f"{teaser}<article><h1>Knee hug</h1><p>Lie on your back and hug both knees to your chest. "
            "Keep your head down and breathe slowly. Hold for 20 seconds, then let go and rest. "
            "Repeat 5 times.</p></article>{teaser}</body></html>")
    text = html_to_text(page)
    assert "Ten hip" not in text and "Home" not in text and text.startswith("# Knee hug\n")


def test_an_exercise_card_header_is_content_a_site_header_is_not():
    page = ("<html><body><div id='header'><h1>Hillview Clinic</h1><p>Call us</p></div>"
            "<div class='exercise'><div class='card-header'><h3>Knee hug</h3></div>"
            "<p>Lie on your back and hug your knees. Hold for 20 seconds.</p></div></body></html>")
    text = html_to_text(page)
    assert "### Knee hug" in text and "Hillview" not in text and "Call us" not in text
    counts = "<div class='exercise-meta'><span>Hold: 20 seconds</span> <span>Reps: 10</span></div>"
    assert "Hold: 20 seconds Reps: 10" in html_to_text(page.replace("</div></body>", counts + "</div></body>"))


def test_dates_meta_and_button_links_are_chrome():
    page = ("<html><body><article><h1>Bridge</h1><section class='program-meta'><p>Physio Jo Bloggs</p>"
            "<p class='updated'>Updated 30-5-25</p></section><p class='date'>Updated July 01, 2012</p>"
            "<p>Lie on your back and lift your hips. Hold for 3 seconds. Repeat 12 times.</p>"
            "<div class='ld-content-actions'><a class='ld-button' href='/a'>Previous Lesson</a>"
            "<a class='btn-primary' href='/b'>Book now</a></div></article></body></html>")
    assert html_to_text(page) == ("# Bridge\n\nLie on your back and lift your hips. Hold for 3 seconds. "
                                  "Repeat 12 times.\n")


def test_a_data_table_without_a_header_stays_rows():
    page = ("<html><body><main><h1>Plan</h1><table><tr><td>Monday</td><td>Walk</td></tr>"
            "<tr><td>Tuesday</td><td>Rest</td></tr></table></main></body></html>")
    assert html_to_text(page) == "# Plan\n\nMonday | Walk\n\nTuesday | Rest\n"


PROGRAMME_PAGE = """<html><body><main><h1>Your home programme</h1>
<p>Do this programme once a day. Stop if the pain gets worse.</p>
<table><thead><tr><th>Exercise</th><th>How to do it</th><th>Sets</th><th>Hold</th></tr></thead>
<tbody><tr><td>Knee to chest</td><td>Lie on your back and pull your right knee to your chest. Repeat
with the left knee.</td><td>5 times each leg</td><td>20 seconds</td></tr>
<tr><td>Pelvic tilt</td><td>Lie on your back, knees bent. Flatten your back into the floor.</td>
<td>10 times</td><td>5 seconds</td></tr>
<tr><td>Cat and camel</td><td>On hands and knees, round your back up, then let it sag.</td>
<td>8 times</td><td>-</td></tr></tbody></table></main></body></html>"""


def test_a_table_of_exercises_becomes_one_section_a_row():
    assert html_to_text(PROGRAMME_PAGE) == (
        "# Your home programme\n\nDo this programme once a day. Stop if the pain gets worse.\n\n"
        "## Knee to chest\n\nLie on your back and pull your right knee to your chest. Repeat with the "
        "left knee.\n\nSets: 5 times each leg\n\nHold: 20 seconds\n\n"
        "## Pelvic tilt\n\nLie on your back, knees bent. Flatten your back into the floor.\n\n"
        "Sets: 10 times\n\nHold: 5 seconds\n\n"
        "## Cat and camel\n\nOn hands and knees, round your back up, then let it sag.\n\nSets: 8 times\n")


def test_a_table_whose_corner_is_blank_is_still_a_table_of_exercises():
    page = ("<html><body><main><h1>Programme</h1><table><tr><th></th><th>Reps</th><th>Hold</th></tr>"
            "<tr><td>Chin tuck</td><td>10</td><td>5 seconds</td></tr>"
            "<tr><td>Shoulder rolls</td><td>10</td><td>-</td></tr></table></main></body></html>")
    assert html_to_text(page) == ("# Programme\n\n## Chin tuck\n\nReps: 10\n\nHold: 5 seconds\n\n"
                                  "## Shoulder rolls\n\nReps: 10\n")


def test_show_lines_of_a_page_are_lines_of_its_text():
    """The numbers `show --lines` prints point at the converted text, and
    the text beside each number is that line."""
    result = run("show", str(WORDPRESS), "--level", "full", "--lines")
    assert result.returncode == 0, result.stderr
    converted = html_to_text(WORDPRESS.read_text()).splitlines()
    listed = [line for line in result.stdout.splitlines() if line[1:6].strip().isdigit()]
    assert len(listed) == sum(bool(line.strip()) for line in converted)
    for line in listed:
        number, text = int(line[1:6]), line[22:]
        want = " ".join(converted[number - 1].split())
        assert want.startswith(text.rstrip("…")), (number, text, want)
    exercises = [line for line in listed if line[8:16].strip() == "exercise"]
    assert [line[22:] for line in exercises] == ["## 1. Knee to chest", "## 2. Pelvic tilt",
                                                 "## 3. Cat and camel", "## 4. Child's pose"]


def test_compile_json_of_a_saved_page(tmp_path):
    result = run("compile", str(OLDSITE), "--level", "full", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [e["name"] for e in data["exercises"]] == ["Chin Tucks", "Side Bends", "Neck Rotation"]
    assert data["warnings"] == [] and data["skipped"] == []


# ------------------------------------------------------------------- PDF

HANDOUT = [
    ("p", "Do these exercises once or twice a day. Move slowly and breathe normally. "
          "A gentle stretch is fine; sharp pain is not."),
    ("h", "1. Knee to chest"),
    ("p", "Lie on your back with both knees bent and your feet flat on the floor."),
    ("li", "Bring your right knee up towards your chest and hold it with both hands."),
    ("li", "Hold for 20 seconds, then lower the leg slowly."),
    ("li", "Repeat with the left leg. Do 3 times on each side."),
    ("h", "2. Pelvic tilt"),
    ("p", "Lie on your back with your knees bent. Tighten your tummy and press the small of your "
          "back into the floor. Hold for 5 seconds, then relax. Repeat 10 times."),
    ("h", "3. Cat and camel"),
    ("li", "Get on your hands and knees."),
    ("li", "Round your back up towards the ceiling, then let it sag down gently."),
    ("li", "Repeat 8 times."),
    ("h", "4. Child's pose"),
    ("p", "Kneel, sit back on your heels and reach your arms forward along the floor. "
          "Stay still for 30 seconds, breathing slowly."),
    ("h", "5. Bridge"),
    ("p", "Lie on your back with your knees bent and your arms by your sides. Squeeze your buttocks "
          "and lift your hips until your body makes a straight line from knees to shoulders. "
          "Hold for 10 seconds, then lower slowly. Repeat 6 times."),
    ("h", "6. Lying twist"),
    ("p", "Lie on your back with your knees bent. Keeping your shoulders on the floor, let both knees "
          "roll to the left. Hold for 15 seconds. Bring them back to the middle and roll them to the "
          "right. Hold for 15 seconds. Repeat 3 times."),
]
HANDOUT_SHAPE = WORDPRESS_SHAPE + [(6, [(10, None)]), (3, [(15, "left"), (15, "right")])]


def make_handout(path: Path, columns: int, body: float = 10, title_size: float = 13,
                 spacing: float = 2, balance: bool = True, align: str = "LEFT") -> None:
    """A physio's handout: a large title across the page, then the text
    flowing in ``columns`` columns (balanced: the column break falls where it
    falls, here between a title and its text), a running header and a
    'Page N of M' footer on every page."""
    from fpdf import FPDF

    class Handout(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 5, "Riverside Physio - home exercise programme", align="C")
            self.ln(8)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}} - call us on 555 0100", align="C")

    pdf = Handout(format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, "Home Exercise Programme: Lower Back")
    pdf.ln(4)
    with pdf.text_columns(ncols=columns, gutter=10, balance=balance, text_align=align) as cols:
        for kind, text in HANDOUT:
            if kind == "h":
                pdf.set_font("Helvetica", "B", title_size)
                with cols.paragraph(top_margin=4, bottom_margin=2) as p:
                    p.write(text)
            else:
                pdf.set_font("Helvetica", "", body)
                with cols.paragraph(bottom_margin=spacing) as p:
                    p.write(("- " if kind == "li" else "") + text)
    pdf.output(str(path))


HANDOUT_LAYOUTS = [
    (1, 10, 13, 2, True, "LEFT"),    # one column, titles in a larger print
    (2, 10, 13, 2, True, "LEFT"),    # two balanced columns: "2. Pelvic tilt" ends the left one
    (2, 13, 13, 2, True, "LEFT"),    # titles only in bold, the body's size
    (2, 12, 14, 40, False, "LEFT"),  # two columns over two pages
    (3, 10, 13, 2, True, "JUSTIFY"),  # three narrow justified columns: words spread far apart
]
HANDOUT_IDS = ["one-column", "two-columns", "bold-titles", "two-pages", "three-justified"]


@pytest.mark.parametrize("columns,body,title_size,spacing,balance,align", HANDOUT_LAYOUTS, ids=HANDOUT_IDS)
def test_handout_reads_as_written(tmp_path, columns, body, title_size, spacing, balance, align):
    path = tmp_path / "handout.pdf"
    make_handout(path, columns, body, title_size, spacing, balance, align)
    assert shape_of(load_program(str(path), "full")) == HANDOUT_SHAPE


@pytest.mark.parametrize("columns,body,title_size,spacing,balance,align", HANDOUT_LAYOUTS, ids=HANDOUT_IDS)
def test_handout_text_has_its_titles_and_no_running_lines(tmp_path, columns, body, title_size, spacing,
                                                          balance, align):
    path = tmp_path / "handout.pdf"
    make_handout(path, columns, body, title_size, spacing, balance, align)
    text = pdf_to_text(path.read_bytes())
    assert "Riverside Physio" not in text and "call us" not in text and "Page 1" not in text
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        "# Home Exercise Programme: Lower Back", "## 1. Knee to chest", "## 2. Pelvic tilt",
        "## 3. Cat and camel", "## 4. Child's pose", "## 5. Bridge", "## 6. Lying twist"]
    for _, said in HANDOUT:
        assert said in text.replace("\n", " ")  # every sentence, in one piece


def test_two_page_handout_is_really_two_pages_of_two_columns(tmp_path):
    """The layout the last case above tests: the text fills the left, then
    the right column of page 1, and goes on on page 2."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextBox

    path = tmp_path / "handout.pdf"
    make_handout(path, 2, 12, 14, 40, False)
    lefts = {(page.pageid, element.x0 > page.width / 2)
             for page in extract_pages(str(path)) for element in page
             if isinstance(element, LTTextBox) and element.y0 > 60 and element.y1 < page.height - 40}
    assert {(1, False), (1, True), (2, False)} <= lefts


def test_handout_and_page_through_show_compile_and_export(tmp_path):
    """Every command on a PDF and a saved page; the export has one chapter
    per exercise compile --json lists, plus the welcome and the closing."""
    path = tmp_path / "handout.pdf"
    make_handout(path, 2)
    shown = run("show", str(path), "--level", "full")
    assert shown.returncode == 0, shown.stderr
    assert "Lying twist" in shown.stdout and "Child's pose" in shown.stdout
    for source in (path, WORDPRESS):
        data = json.loads(run("compile", str(source), "--level", "beginner", "--json").stdout)
        assert [w for w in data["warnings"] if w["exercise"] is None] == []  # nothing looks lost
        wav = tmp_path / (source.stem + ".wav")
        done = run("export", str(source), "--level", "beginner", "--engine", "fake", "-o", str(wav))
        assert done.returncode == 0, done.stderr
        probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(wav)],
                               capture_output=True, text=True, timeout=60)
        chapters = [c["tags"]["title"] for c in json.loads(probe.stdout)["chapters"]]
        assert chapters == ["Welcome", *[e["name"] for e in data["exercises"]], "Well done"]
        assert wav.with_suffix(".vtt").read_text().startswith("WEBVTT")


def test_scanned_handout_is_one_line(tmp_path):
    """A scan: one page holding only a picture of the text."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    picture = Image.new("L", (600, 300), 255)
    ImageDraw.Draw(picture).text((20, 20), "1. Knee to chest\nHold for 20 seconds.", fill=0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=180)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    for command in ("show", "compile", "export"):
        result = run(command, str(path))
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == (f"{path}: this PDF has no text (a scanned handout?); coach needs text "
                                 "it can read: type or paste the exercises into a .txt file\n")


@pytest.mark.parametrize("user", [None, "secret"], ids=["owner-password", "user-password"])
def test_a_password_protected_handout(tmp_path, user):
    """Handouts often come with an owner password (no copying): that one
    reads; one that needs a password to open is one line saying so."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 6, "Knee hug\n\nLie on your back and hug both knees to your chest. "
                         "Hold for 20 seconds. Repeat 5 times.")
    pdf.set_encryption(owner_password="clinic", user_password=user)
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    result = run("compile", str(path), "--level", "full", "--json")
    if user is None:
        assert result.returncode == 0, result.stderr
        assert [(e["reps"], e["holds"]) for e in json.loads(result.stdout)["exercises"]] == [
            (5, [{"seconds": 20, "side": None}])]
    else:
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr == (f"{path}: this PDF is locked with a password; open it, save or print it "
                                 "without one, or copy its text into a .txt file\n")


def test_a_page_saved_as_one_file_mhtml(tmp_path):
    """Chrome's and Edge's 'Webpage, Single File': the page, quoted-printable,
    in a multipart/related message with its pictures."""
    import base64
    import quopri

    html = WORDPRESS.read_bytes()
    boundary = "----MultipartBoundary--k3Jd8s0xQpl9XbWnNn2eYq0VwtNq6X9n3xVyM7L1X----"
    head = ("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://riverside-physio.example/blog/"
            "4-gentle-stretches/\r\nSubject: 4 Gentle Stretches for a Stiff Lower Back | Riverside Physio "
            "Blog\r\nDate: Tue, 14 Mar 2023 09:12:44 -0000\r\nMIME-Version: 1.0\r\nContent-Type: "
            f'multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n\r\n\r\n')
    page = (f"--{boundary}\r\nContent-Type: text/html\r\nContent-ID: <frame-2F1A@mhtml.blink>\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: https://riverside-physio."
            "example/blog/4-gentle-stretches/\r\n\r\n").encode() + quopri.encodestring(html).replace(b"\n", b"\r\n")
    picture = (f"\r\n--{boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
               "Content-Location: https://riverside-physio.example/hero.png\r\n\r\n").encode() \
        + base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(300)) + f"\r\n--{boundary}--\r\n".encode()
    path = tmp_path / "stretches.mhtml"
    path.write_bytes(head.encode() + page + picture)
    assert shape_of(load_program(str(path), "full")) == WORDPRESS_SHAPE
    result = run("show", str(path), "--level", "full", "--lines")
    assert result.returncode == 0, result.stderr
    assert "## 1. Knee to chest" in result.stdout and "Saved by Blink" not in result.stdout


def test_an_old_page_in_windows_1252():
    """An old page declaring ISO-8859-1 but written in Windows-1252, as
    browsers read it: the dash and the curly quotes survive."""
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
            "<body><h1>Knee hug</h1><p>Lie on your back \u2013 hug both knees. Hold for 20 seconds. "
            "\u201cBreathe.\u201d Repeat 5 times. Caf\u00e9.</p></body></html>").encode("cp1252")
    from coach.read.html import decode_page

    text = html_to_text(decode_page(page))
    assert "back \u2013 hug" in text and "\u201cBreathe.\u201d" in text and "Caf\u00e9" in text


# ------------------------------------------------------------- bad pages

from datetime import timedelta  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from coach.errors import RoutineError  # noqa: E402
from coach.script.load import read_text  # noqa: E402

TAGS = st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<h2>", "</h2>", "<ul>", "<li>", "</ul>",
                        "<ol start='x'>", "<table>", "<tr>", "<td>", "<b>", "</b>", "<br>", "<nav>",
                        "<header>", "<article>", "<main>", "<script>", "<!--", "-->", "&amp;", "&#0;",
                        "<div style='display:none'>", "Hold for 20 seconds.", "1. Knee hug", "\n", "\x00"])


@settings(max_examples=60, deadline=timedelta(seconds=10))
@given(st.lists(TAGS, max_size=300).map("".join), st.sampled_from([".html", ".mhtml", ".pdf"]))
def test_any_page_reads_or_raises_routine_error(tmp_path_factory, body, suffix):
    """Broken markup, a bad MHTML, a damaged PDF: text or one RoutineError."""
    heads = {".html": "<!DOCTYPE html><html><body>",
             ".mhtml": "From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; "
                       "boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<html>",
             ".pdf": "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"}
    path = tmp_path_factory.mktemp("page") / ("page" + suffix)
    path.write_bytes((heads[suffix] + body).encode("utf-8", "surrogatepass"))
    try:
        assert isinstance(read_text(path, path.name), str)
    except RoutineError as exc:
        assert str(exc).startswith(path.name) and "\n" not in str(exc)


def test_a_page_nested_fifty_thousand_deep_is_read():
    page = "<html><body>" + "<div>" * 50_000 + "<p>Lie down. Hold for 20 seconds.</p>" + "</div>" * 50_000
    assert "Hold for 20 seconds." in html_to_text(page + "</body></html>")


PROGRAMME_SHAPE = [(5, [(20, "right"), (20, "left")]), (10, [(5, None)]), (8, [])]


def test_a_table_of_exercises_reads_as_its_rows(tmp_path):
    path = tmp_path / "programme.html"
    path.write_text(PROGRAMME_PAGE)
    assert shape_of(load_program(str(path), "full")) == PROGRAMME_SHAPE


@pytest.mark.parametrize("align", ["MIDDLE", "TOP"])
def test_a_programme_table_in_a_pdf_reads_as_its_rows(tmp_path, align):
    """The programme of PROGRAMME_PAGE as a PDF table (fpdf2's tables, a bold
    header row), cells centred or at the top of their row."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, "Your home programme", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, "Do this programme once a day. Stop if the pain gets worse.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    rows = [("Exercise", "How to do it", "Sets", "Hold"),
            ("Knee to chest", "Lie on your back and pull your right knee to your chest. Repeat with the "
             "left knee.", "5 times each leg", "20 seconds"),
            ("Pelvic tilt", "Lie on your back, knees bent. Flatten your back into the floor.", "10 times",
             "5 seconds"),
            ("Cat and camel", "On hands and knees, round your back up, then let it sag.", "8 times", "-")]
    with pdf.table(col_widths=(30, 75, 30, 25), v_align=align, padding=2, text_align="LEFT") as table:
        for i, cells in enumerate(rows):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "programme.pdf"
    pdf.output(str(path))
    assert shape_of(load_program(str(path), "full")) == PROGRAMME_SHAPE
    text = pdf_to_text(path.read_bytes())  # each row's description under its own name
    assert ("## Pelvic tilt\n\nLie on your back, knees bent. Flatten your back into the floor.\n\n"
            "Sets: 10 times\n\nHold: 5 seconds\n") in text


@pytest.mark.parametrize("pages", [1, 2])
def test_a_web_page_printed_to_pdf_by_a_browser(tmp_path, pages):
    """What a browser's 'Print to PDF' adds on every page: the date and the
    page's title at the top, its address and 'N/M' at the bottom, in small
    print, each in a box of its own."""
    from fpdf import FPDF

    class Printed(FPDF):
        def header(self):
            self.set_font("Helvetica", "", 8)
            self.set_xy(8, 5)
            self.cell(60, 4, "25/11/2026, 10:22")
            self.set_xy(80, 5)
            self.cell(60, 4, "Four gentle stretches | Riverside Physio")
            self.set_y(20)

        def footer(self):
            self.set_font("Helvetica", "", 8)
            self.set_xy(8, -10)
            self.cell(120, 4, "https://riverside-physio.example/blog/four-gentle-stretches/")
            self.set_xy(190, -10)
            self.cell(12, 4, f"{self.page_no()}/{{nb}}")

    pdf = Printed()
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, "Four gentle stretches", new_x="LMARGIN", new_y="NEXT")
    for kind, text in HANDOUT[1:]:
        pdf.set_font("Helvetica", "B" if kind == "h" else "", 12 if kind == "h" else 11)
        pdf.multi_cell(0, 6, ("- " if kind == "li" else "") + text, new_x="LMARGIN", new_y="NEXT")
        if kind == "h" and pages == 2 and text.startswith("4."):
            pdf.add_page()
    path = tmp_path / "printed.pdf"
    pdf.output(str(path))
    text = pdf_to_text(path.read_bytes())
    for chrome in ("10:22", "Riverside", "https", "1/"):
        assert chrome not in text, chrome
    assert shape_of(load_program(str(path), "full")) == HANDOUT_SHAPE


def test_a_tight_pdf_table_with_a_name_on_two_lines(tmp_path):
    """A table set tight (rows one line apart, cell margins only, no
    borders), as word processors print one: pdfminer gives the descriptions
    one box down the column, and a long name wraps."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    rows = [("Exercise", "How to do it", "Sets", "Hold"),
            ("Knee to chest", "Lie on your back and pull your right knee to your chest. Repeat with the "
             "left knee.", "5 times each leg", "20 seconds"),
            ("Hamstring stretch lying down", "Lie on your back. Lift one leg and hold the back of the thigh. "
             "Repeat with the other leg.", "3 times each leg", "30 seconds"),
            ("Pelvic tilt", "Lie on your back, knees bent. Flatten your back into the floor.", "10 times",
             "5 seconds")]
    with pdf.table(col_widths=(30, 75, 30, 25), v_align="TOP", padding=(0, 1.5), text_align="LEFT",
                   borders_layout="NONE", line_height=pdf.font_size * 1.15) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "tight.pdf"
    pdf.output(str(path))
    text = pdf_to_text(path.read_bytes())
    assert ("## Hamstring stretch lying down\n\nLie on your back. Lift one leg and hold the back of the "
            "thigh. Repeat with the other leg.\n\nSets: 3 times each leg\n\nHold: 30 seconds\n") in text
    assert shape_of(load_program(str(path), "full")) == [
        (5, [(20, "right"), (20, "left")]), (3, [(30, "one"), (30, "other")]), (10, [(5, None)])]
