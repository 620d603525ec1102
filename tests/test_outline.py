"""How a text was read, line by line (coach/script/outline.py), and what
`coach show` and `coach compile --json` say about it.

The unit tests build the Routine by hand, as a parser would: they test the
outline alone, whatever the parser decides. Expected roles are written by
reading the texts below."""

import json
import subprocess
import sys

from coach.model import Block, Exercise, Program, Routine, Step
from coach.script.outline import (Role, Warning, full_lines, json_fields, outline,
                                  program_warnings, summary_lines)

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def run(*args):
    return subprocess.run([*COACH, *args], capture_output=True, text=True, timeout=120)


MORNING = """\
# Morning stretches

Do these slowly, every morning.

Skip to content

## Knee hug

- Lie on your back and hug
  both knees to your chest.
- Hold for 20 seconds.

Photo: Jane Doe

## Cat and camel

1. Kneel on your hands and knees.
2. Arch your back. Repeat 8 times.

## Tips

Breathe out as you stretch.

Lie on your side and hold for 30 seconds.
---
Share | Print
"""

MORNING_ROUTINE = Routine(
    "Morning stretches",
    (
        Exercise("Knee hug", 7, (Step("Lie on your back and hug both knees to your chest.", 9),
                                 Step("Hold for 20 seconds.", 11))),
        Exercise("Cat and camel", 15, (Step("Kneel on your hands and knees.", 17),
                                       Step("Arch your back.", 18), Step("Repeat 8 times.", 18))),
    ),
    (Step("Do these slowly, every morning.", 3), Step("Breathe out as you stretch.", 22),
     Step("Lie on your side and hold for 30 seconds.", 24)),
)


def roles(reading):
    return {line.number: (line.role.value, line.exercise) for line in reading.lines}


def test_every_line_with_words_gets_its_role():
    reading = outline(MORNING, MORNING_ROUTINE)
    assert roles(reading) == {
        1: ("title", None), 3: ("note", None), 5: ("skipped", None),
        7: ("exercise", 0), 9: ("step", 0), 10: ("step", 0), 11: ("step", 0),
        13: ("skipped", None),
        15: ("exercise", 1), 17: ("step", 1), 18: ("step", 1),
        20: ("note", None), 22: ("note", None), 24: ("note", None),
        26: ("skipped", None),
    }  # line 25 ("---") has no words
    assert reading.lines[0].text == "# Morning stretches"


def test_a_note_with_an_instruction_and_a_hold_is_suspect():
    reading = outline(MORNING, MORNING_ROUTINE)
    assert [line.number for line in reading.suspects] == [24]
    assert not reading.confident
    assert reading.doubts == ("1 line kept as a note or skipped looks like an exercise",)


def test_a_line_inside_a_paragraph_that_no_sentence_holds_is_skipped():
    text = "## Knee hug\nLie on your back.\nAdvertisement\nHold for 20 seconds.\n"
    routine = Routine("r", (Exercise("Knee hug", 1, (Step("Lie on your back.", 2),
                                                     Step("Hold for 20 seconds.", 4))),))
    assert roles(outline(text, routine)) == {1: ("exercise", 0), 2: ("step", 0),
                                             3: ("skipped", None), 4: ("step", 0)}


def test_a_title_and_its_first_step_on_one_line_and_a_wrapped_step():
    text = "1. Up dog: Press into your hands and lift\nyour chest. Hold for 10 seconds.\n"
    routine = Routine("r", (Exercise("Up dog", 1, (Step("Press into your hands and lift your chest.", 1),
                                                   Step("Hold for 10 seconds.", 2))),))
    reading = outline(text, routine)
    assert roles(reading) == {1: ("exercise", 0), 2: ("step", 0)}
    assert reading.confident


def test_skipped_numbered_lines_are_suspect_dates_and_chrome_are_not():
    text = ("## Knee hug\n\nLie on your back. Hold for 20 seconds.\n\n3. Bridge\n\n"
            "(4) SIDE LYING TWIST\n\nPosted 12.05.2024\n\nStretch No. 5\n\n30 seconds is plenty.\n")
    routine = Routine("r", (Exercise("Knee hug", 1, (Step("Lie on your back.", 3),
                                                     Step("Hold for 20 seconds.", 3))),))
    reading = outline(text, routine)
    assert [(line.number, line.role.value) for line in reading.suspects] == [
        (5, "skipped"), (7, "skipped"), (11, "skipped")]
    assert {line.number for line in reading.having(Role.SKIPPED)} == {5, 7, 9, 11, 13}


def test_numbered_tips_and_a_repeated_title_are_not_suspect():
    text = ("## Knee hug\n\nLie on your back. Hold for 20 seconds.\n\n"
            "1. Do not bounce while you stretch\n\n2. Keep your neck long.\n\n3. Knee hug\n\n4. Bridge\n\n"
            "288Good\n\nStep 2: Turn and hold\n")
    routine = Routine("r", (Exercise("Knee hug", 1, (Step("Lie on your back.", 3),
                                                     Step("Hold for 20 seconds.", 3))),),
                      (Step("Do not bounce while you stretch", 5), Step("Keep your neck long.", 7)))
    reading = outline(text, routine)
    assert [(line.number, line.role.value) for line in reading.suspects] == [(11, "skipped")]


def test_advice_about_every_exercise_is_not_suspect():
    text = "Hold each stretch for 30 seconds.\n\nDo 5 repetitions of each exercise, 3 times a day.\n\n## A\n\nLie down.\n"
    routine = Routine("r", (Exercise("A", 5, (Step("Lie down.", 7),)),),
                      (Step("Hold each stretch for 30 seconds.", 1),
                       Step("Do 5 repetitions of each exercise, 3 times a day.", 3)))
    reading = outline(text, routine)
    assert reading.suspects == [] and reading.confident


def test_a_text_read_as_one_exercise_named_after_the_file_is_in_doubt():
    text = "Lie on your back.\nHug your knees. Hold for 20 seconds.\n"
    routine = Routine("my file", (Exercise("my file", 1, (Step("Lie on your back.", 1),
                                                          Step("Hug your knees.", 2),
                                                          Step("Hold for 20 seconds.", 2))),))
    reading = outline(text, routine)
    assert reading.doubts == ("'my file' (line 1) has no title in the text",)


def test_several_titles_guessed_from_plain_lines_are_in_doubt_headings_are_not():
    plain = "Knee hug\nLie down. Hold for 20 seconds.\n\nCat stretch\nKneel. Repeat 8 times.\n"
    routine = Routine("r", (
        Exercise("Knee hug", 1, (Step("Lie down.", 2), Step("Hold for 20 seconds.", 2))),
        Exercise("Cat stretch", 4, (Step("Kneel.", 5), Step("Repeat 8 times.", 5)))))
    assert outline(plain, routine).doubts == ("2 exercise titles found without a heading or a number",)
    headed = plain.replace("Knee hug", "## Knee hug").replace("Cat stretch", "2) Cat stretch")
    assert outline(headed, routine).confident


def test_warnings_keep_their_line_and_the_programs_exercise_index():
    blocks = (Block("Welcome", ()),
              Block("Knee hug", (), is_exercise=True),
              Block("Cat", (), is_exercise=True,
                    warnings=("line 12: no length given for the hold in 'Hold it.'; the level's default is used",)))
    found = program_warnings(Program("t", "full", blocks))
    assert found == (Warning(12, 1, "no length given for the hold in 'Hold it.'; the level's default is used"),)
    assert not outline(MORNING, MORNING_ROUTINE, found[:0] + found).confident


def test_json_fields_list_warnings_by_line_and_every_skipped_line():
    reading = outline(MORNING, MORNING_ROUTINE, (Warning(18, 1, "something odd"),))
    fields = json_fields(reading)
    assert fields["warnings"] == [
        {"line": 18, "exercise": 1, "message": "something odd"},
        {"line": 24, "exercise": None,
         "message": "looks like an exercise but was kept as a note: 'Lie on your side and hold for 30 seconds.'"},
    ]
    assert fields["skipped"] == [
        {"line": 5, "text": "Skip to content", "suspect": False},
        {"line": 13, "text": "Photo: Jane Doe", "suspect": False},
        {"line": 26, "text": "Share | Print", "suspect": False},
    ]


def test_summary_groups_exercises_skipped_runs_and_suspects():
    text = MORNING + "Tweet\nEmail\n"
    reading = outline(text, MORNING_ROUTINE)
    out = summary_lines(reading)
    assert "Taken as exercises:" in out
    assert "      7  ## Knee hug" in out and "     15  ## Cat and camel" in out
    assert "  26-28  Share | Print (+2 more)" in out  # one run of three lines
    assert "!    24  note     Lie on your side and hold for 30 seconds." in out
    assert len(full_lines(reading)) == 1 + len(reading.lines)


# ------------------------------------------------------------ the command

ARTICLE = """\
Skip to content
Home | Exercises | Contact

Three stretches for a stiff back

These gentle moves loosen the lower back. Do them on a mat.

First lie on your side, bend your top knee over and hold for 30 seconds.

1. Knee hug
Lie on your back and pull both knees to your chest.
Hold for 20 seconds, then release. Repeat 5 times.

2. Cat and camel
Kneel on your hands and knees. Round your back up, then let it sag.
Repeat 8 times.

Share this article
"""


def test_show_lists_the_lines_of_a_doubtful_reading(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE)
    result = run("show", str(path), "--level", "full")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Taken as exercises:" in out
    assert "     10  1. Knee hug" in out and "     14  2. Cat and camel" in out
    assert "Skip to content" in out.split("Skipped:")[1]
    assert "!     8  note     First lie on your side" in out  # an exercise without a title


def test_show_says_nothing_more_when_confident_and_everything_with_lines(tmp_path):
    path = tmp_path / "clean.md"
    path.write_text("# Two stretches\n\n## Knee hug\n\n- Lie on your back.\n- Hold for 20 seconds.\n\n"
                    "## Cat and camel\n\n- Kneel on your hands and knees.\n- Arch your back. Repeat 8 times.\n")
    quiet = run("show", str(path))
    assert quiet.returncode == 0, quiet.stderr
    assert "Taken as exercises" not in quiet.stdout and "skipped" not in quiet.stdout
    every = run("show", str(path), "--lines").stdout
    listed = [ln.split() for ln in every.splitlines() if ln[:6].strip().isdigit()]
    assert [(int(ln[0]), ln[1]) for ln in listed] == [
        (1, "title"), (3, "exercise"), (5, "step"), (6, "step"), (8, "exercise"), (10, "step"), (11, "step")]


def test_show_builtin_has_no_outline_unless_asked():
    result = run("show", "beginner")
    assert result.returncode == 0 and "Taken as exercises" not in result.stdout
    listed = run("show", "beginner", "--lines").stdout
    assert "     1  title         # the back routine" in listed and "exercise   1  ## Knees to chest" in listed


def test_compile_json_carries_warnings_with_lines_and_skipped_lines(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE.replace("Repeat 8 times.", "Hold the stretch. Repeat 8 times."))
    result = run("compile", str(path), "--level", "full", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"line": 16, "exercise": 1,
            "message": "no length given for the hold in 'Hold the stretch.'; it is read as a movement unless the page gives every stretch a length"} \
        in data["warnings"]
    assert any(w["line"] == 8 and w["exercise"] is None for w in data["warnings"])
    skipped = {s["line"]: s["text"] for s in data["skipped"]}
    assert skipped[1] == "Skip to content" and skipped[18] == "Share this article"
    assert data["exercises"][1]["warnings"] == [
        "line 16: no length given for the hold in 'Hold the stretch.'; it is read as a movement unless the page gives every stretch a length"]


def test_compile_and_export_say_in_one_line_that_the_reading_has_doubts(tmp_path):
    path = tmp_path / "my article.txt"
    path.write_text(ARTICLE)
    note = (f"Read with doubts: 1 line kept as a note or skipped looks like an exercise. "
            f"coach show '{path}' lists how each line was read.\n")
    said = run("compile", str(path), "--level", "full")
    assert said.returncode == 0 and said.stderr.endswith(note) and "Knee hug" in said.stdout
    wav = tmp_path / "out.wav"
    done = run("export", str(path), "--engine", "fake", "-o", str(wav))
    assert done.returncode == 0 and done.stderr.endswith(note) and wav.exists()
    clean = tmp_path / "clean.md"
    clean.write_text("## Knee hug\n\n- Lie on your back.\n- Hold for 20 seconds.\n")
    assert "doubts" not in run("compile", str(clean)).stderr
