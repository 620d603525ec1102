"""Structure recognition: which lines of a pasted text name exercises, and
which are notes. Each text below is small and shaped like a real article;
the expected names and lines were written from reading the text."""

import pytest

from coach.errors import RoutineError
from coach.script.parse import parse_routine


def names(text: str) -> list[str]:
    return [e.name for e in parse_routine(text).exercises]


def lines_of(text: str) -> list[int]:
    return [e.line for e in parse_routine(text).exercises]


KNEE = "Lie on your back and hug both knees to your chest. Hold for 20 seconds."
CAT = "Kneel on all fours. Arch your back, then round it. Repeat 10 times."


@pytest.mark.parametrize("first,second", [
    ("1. Knee hug", "2. Cat cow"),
    ("1) Knee hug", "2) Cat cow"),
    ("(1) Knee hug", "(2) Cat cow"),
    ("#1 Knee hug", "#2 Cat cow"),
    ("1..Knee hug:", "2..Cat cow:"),
    ("1Knee hug", "2Cat cow"),
    ("Stretch No. 1: Knee hug", "Stretch No. 2: Cat cow"),
    ("Exercise 1 - Knee hug", "Exercise 2 - Cat cow"),
    ("KNEE HUG", "CAT COW"),
    ("Knee hug:", "Cat cow:"),
    ("Knee hug", "Cat cow"),
    ("## Knee hug", "## Cat cow"),
])
def test_title_forms(first, second):
    text = f"Back basics\n\n{first}\n{KNEE}\n\n{second}\n{CAT}\n"
    assert [n.lower() for n in names(text)] == ["knee hug", "cat cow"]
    assert lines_of(text) == [3, 6]


def test_bare_number_takes_the_title_below():
    text = f"#1\nKnee hug\n{KNEE}\n\n#2\nCat cow\n{CAT}\n"
    assert names(text) == ["Knee hug", "Cat cow"]


def test_title_and_instructions_on_one_line():
    text = (f"Two moves\n\n1.  Up dog: Lie on your front and press up. Hold for 3 breaths.\n\n"
            f"2. Elbow and Side Planks: Get onto your elbows and toes. Hold for 20 seconds.\n")
    assert names(text) == ["Up dog", "Elbow and Side Planks"]
    routine = parse_routine(text)
    assert routine.exercises[0].steps[0].text == "Lie on your front and press up."
    assert routine.exercises[0].steps[0].line == 3


def test_nameless_label_headings_are_their_own_names():
    text = (f"Top stretches\n\nSciatica Exercise 1\n{KNEE}\n\nExercise 2\n{CAT}\n\n"
            "How Often Should I Stretch?\nDo these stretches 3 times a day.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Sciatica Exercise 1", "Exercise 2"]
    # the advice heading ends the last exercise; its text is a note
    assert all("3 times a day" not in s.text for s in routine.exercises[1].steps)
    assert any("3 times a day" in n.text for n in routine.notes)


def test_label_with_instructions_on_the_same_line():
    text = (f"Hip stretches\n\nStretch 1: {KNEE}\n\nStretch 2: {CAT}\n\n"
            "To modify – Hold onto a doorframe.\n")
    assert names(text) == ["Stretch 1", "Stretch 2"]


def test_untitled_numbered_paragraphs_are_exercises():
    text = ("A column about backs.\n\n"
            "1 Lie on your back with your legs long. Draw your right knee to your chest. "
            "Hold for 20 seconds. Repeat on the other side.\n\n"
            "2 Bend both knees to your chest and hold your shins. Hold for 20 seconds.\n")
    assert lines_of(text) == [3, 5]


def test_numbered_steps_of_one_exercise_are_not_exercises():
    text = ("Hamstring stretch\n\n1. Stand facing a table.\n2. Rest your heel on it. Keep your knee straight.\n"
            "3. Hold for 30 seconds.\n4. Repeat 3 times.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Hamstring stretch"]
    assert len(routine.exercises[0].steps) == 5


def test_step_labels_are_steps_of_the_exercise_above():
    text = ("Stretch Your Neck\n\nWhy it helps: your neck works hard.\n\n"
            "Step 1: Lie on floor\nLie down on the floor.\n\n"
            "Step 2: Turn & hold\nTurn your head to one side and hold for about 10 seconds.\n\n"
            "Step 3: Repeat\nRepeat 3 to 5 times.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Stretch Your Neck"]
    spoken = [s.text for s in routine.exercises[0].steps]
    assert "Turn & hold" not in spoken and "Lie on floor" not in spoken


def test_plain_titles_without_blank_lines():
    text = ("Home › Conditions › Back Pain\nSpine Exercises\nKnees to Chest\n"
            "Lie on the floor with knees bent. Draw the knees in and hold for 15 seconds.\n"
            "Side Stretch\nLie on the floor with legs straight. Cross one knee over. "
            "Hold for 15 seconds, then repeat with the other leg.\n"
            "Related Articles\nBack Pain Causes\nExercises for a Herniated Disc\n")
    routine = parse_routine(text)
    assert [(e.name, e.line) for e in routine.exercises] == [("Knees to Chest", 3), ("Side Stretch", 5)]
    assert routine.title == "Spine Exercises"


def test_field_lines_are_not_titles():
    text = ("Post Adjustment Stretches\nAll stretches should be done twice.\n"
            "Low Back Rotation\nPosition: Lie on your back, knees bent.\n"
            "Action: Let your knees drop to the right and hold for 15 seconds.\n"
            "Note: You can do this on your bed\n"
            "Figure-4 Stretch\nPosition: Lie on your back.\n"
            "Repetition: 10-15 second hold, 2-3 times on each side\n")
    assert names(text) == ["Low Back Rotation", "Figure-4 Stretch"]


def test_all_caps_titles_beat_the_headline():
    text = ("Routine that's your FLEXIBLE FRIEND\n\nTHESE stretches ease the back. Aim for slow "
            "stretches over ten seconds.\n\nSITTING TWIST\n\nSIT on a chair. Keep both feet on the floor "
            "and turn to the right.\n\nBACK STRETCH\n\nGET down on all fours. Breathe out as you sit "
            "back toward your heels.\n")
    assert names(text) == ["SITTING TWIST", "BACK STRETCH"]


def test_intro_under_a_headline_is_not_an_exercise():
    text = ("The Best Stretches for Neck Pain\n\nHunching over a desk all day often ends in a stiff, "
            "sore neck. Do not stretch your neck if you have numbness.\n\n"
            f"Chicken Neck\n\nSit tall. Draw your head straight back. Hold for 10 seconds.\n\n"
            f"Side Neck Stretch\n\nSit on a chair. Ease your head to the left. Hold for 20 seconds.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Chicken Neck", "Side Neck Stretch"]
    assert routine.notes[0].line == 3


def test_run_in_names():
    text = ("Back exercises include:\n\n"
            "      Pelvic Tilt. Lie on your back with your knees bent. Hold this position 5 sec.\n\n"
            "      Sit-Ups or Curl-Ups. Bend your knees 90 degrees. Do a slow partial sit-up.\n\n"
            "      Back arches. Lie on your stomach. Press up slowly. Repeat 3 to 5 times.\n")
    assert names(text) == ["Pelvic Tilt", "Sit-Ups or Curl-Ups", "Back arches"]


def test_a_program_listed_twice_is_one_set_of_exercises():
    text = ("1. Child's Pose\nReps: 10\nHold: 10-20 seconds\n2. Lumbar Extension\nReps: 10\n"
            "Hold: 10-20 seconds\n1. Child's Pose\nReps: 10\nHold: 10-20 seconds\nExecution:\n"
            "- Reach your arms forward as far as they go.\n2. Lumbar Extension\nReps: 10\n"
            "Hold: 10-20 seconds\nExecution:\n- Push up with your arms.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Child's Pose", "Lumbar Extension"]
    first = " ".join(s.text for s in routine.exercises[0].steps)
    assert first.count("Hold: 10-20 seconds") == 1 and "Reach your arms forward as far as they go." in first


def test_markdown_heading_levels():
    text = ("# Mobility Flow\n\nA daily reset.\n\n## The Flow (Repeat 2x)\n\n**Each move: 60 seconds**\n\n"
            "### 1. Cat-Cow Stretch (60 sec)\n\n**How:** Begin on hands and knees. Breathe in as you arch.\n\n"
            "### 2. Thread the Needle (Each Side – 60 sec total)\n\n**How:** From hands and knees, "
            "slide one arm under your body. Rest that shoulder on the floor.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Cat-Cow Stretch", "Thread the Needle"]
    assert routine.title == "Mobility Flow"
    # the heading's timing is the exercise's own when its text has none
    assert routine.exercises[0].steps[0].text == "60 sec"


def test_page_chrome_is_never_an_exercise():
    text = ("Skip to content\nHome  About  Services  Contact\n\nKnee hug\n\n" + KNEE +
            "\n\nPrint this page\nShare this page\n\nCat cow\n\n" + CAT +
            "\n\npresented by Riverside Physio\n\n-- Karen Voight\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Knee hug", "Cat cow"]
    said = [s.text for e in routine.exercises for s in e.steps] + [n.text for n in routine.notes]
    assert not any("Print" in s or "Share" in s or "presented" in s or "Voight" in s for s in said)


def test_nothing_to_read_says_so():
    with pytest.raises(RoutineError, match="no exercises found"):
        parse_routine("Welcome to our clinic.\n\nWe are open on Mondays.\n")
