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


def test_a_recommended_dose_is_read_but_recommended_links_are_not():
    text = ("Neck side stretch\n\nTilt your head toward your shoulder and hold for 2 seconds.\n\n"
            "Recommended Reps: 2-5 on both sides.\n\nRecommended\nChin tucks for posture\n")
    routine = parse_routine(text)
    said = [s.text for e in routine.exercises for s in e.steps]
    assert "Recommended Reps: 2-5 on both sides." in said
    assert not any("Chin tucks" in s for s in said)


def test_nothing_to_read_says_so():
    with pytest.raises(RoutineError, match="no exercises found"):
        parse_routine("Welcome to our clinic.\n\nWe are open on Mondays.\n")


def test_a_sequence_one_line_per_pose():
    text = ("A Back Sequence\n\nHere is a sequence for your back.\n\n"
            "Sit comfortably, legs crossed, hips elevated (optional)\n"
            "Sitting back arch:  5 breaths\nSitting twist R&L:  5 breaths per side\n"
            "Walk hands forward:  5 breaths  arms shoulder width\n"
            "Roll back down to the floor with your knees bent\n"
            "Knees to chest:  5 breaths\nBent knee twist  5 breaths\nKnees to chest:  5 breaths\n"
            "Savasana with a blanket under the knees\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == [
        "Sitting back arch", "Sitting twist R&L", "Walk hands forward", "Knees to chest",
        "Bent knee twist", "Knees to chest", "Savasana with a blanket under the knees"]
    # the transitions between poses are notes, not parts of a pose
    assert [n.line for n in routine.notes if n.text.startswith(("Sit comf", "Roll back"))] == [5, 9]


def test_run_in_paragraphs_and_unnamed_timed_paragraphs():
    text = ("Lower back\n\nPiriformis stretch. On your back, cross one ankle over the other knee. "
            "Hold for 5-10 breaths then switch sides.\n\n"
            "Dandasana (staff pose) sit tall with the legs out long. Take 10-15 breaths.\n\n"
            "Constructive rest pose. On your back, knees bent. Breathe here for 5-10 minutes.\n\n"
            "Child's pose, 15-20 breaths.\n\n"
            "Do not overdo it. Stop if the pain lasts more than 15 minutes.\n")
    routine = parse_routine(text)
    assert [e.line for e in routine.exercises] == [3, 5, 7, 9]
    assert routine.exercises[0].name == "Piriformis stretch"
    assert any(n.line == 11 for n in routine.notes)


def test_nameless_bullets_that_are_each_an_exercise():
    text = ("Stretching Neck and Shoulders\n\n"
            "  • Lift your shoulders up toward your ears. Hold this for five seconds. Repeat three times.\n"
            "  • Slide your head straight back. Hold for 20 counts and repeat five to 10 times.\n"
            "  • Drop your head to the left. Hold and then repeat on the right side.\n"
            "  • With your hands behind your head, squeeze your shoulder blades together.\n\n"
            "Get More Information\n\nContact our team for help.\n")
    assert lines_of(text) == [3, 4, 5, 6]


def test_steps_in_bullets_under_headings_stay_steps():
    text = ("## Down Dog\n\n- Kneel on all fours. Tuck your toes.\n- Lift your hips. Hold for 5 breaths.\n\n"
            "## Up Dog\n\n- Lower your hips. Lift your chest.\n- Hold for 3 breaths. Return to Down Dog.\n")
    assert names(text) == ["Down Dog", "Up Dog"]


def test_slash_numbering_and_page_parts_in_capitals():
    text = ("8 yoga moves\n\nIF YOU HAVE JUST A FEW MINUTES, DO...\n\n1/ Pigeon pose\n\n"
            "Bend your left leg. Hold for at least 45 seconds. Repeat on the right leg.\n\n"
            "IF YOU HAVE 10 MINUTES, ADD...\n\n2/ High lunge\n\nStep your left foot back. "
            "Raise and lower three or four times.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Pigeon pose", "High lunge"]
    assert all("MINUTES" not in s.text for s in routine.exercises[0].steps)


def test_one_line_titles_with_an_instruction_each():
    text = ("Morning Stretches\n\nHold each position for five breaths.\n\nWhile lying on your back:\n\n"
            "Full body: Reach your arms past your head and point your toes.\n\n"
            "Knee to Chest: Draw one knee in to your chest. Repeat on opposite side.\n\n"
            "Double Knee to Chest: Draw both knees in to your chest.\n")
    assert names(text) == ["Full body", "Knee to Chest", "Double Knee to Chest"]


def test_a_numbered_list_of_pose_names_without_instructions():
    text = ("5 Key Yoga Poses\n\n  1. Pigeon Pose\n  • Advantages: Opens the hips.\n\n"
            "2. Lunge & Quad Stretch\n\n  • Advantages: Opens your hips.\n\n3. Reclining Pigeon\n\n"
            "  • Advantages: Stretches glutes.\n\nGreat but how long do you hold the stretches for\n\n"
            "Beginners 30 seconds to advanced 60 seconds+\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Pigeon Pose", "Lunge & Quad Stretch", "Reclining Pigeon"]
    assert any("60 seconds" in n.text for n in routine.notes)


def test_schedule_labels_and_a_count_in_the_title():
    text = ("Desk Stretches\n\n1st Hour: Touch your toes – 5 seconds, 3 times\n\n"
            "2nd Hour: Tip-toes and stretch up – 5 seconds, 3 times\n\n3rd Hour: Squat 10 times\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Touch your toes", "Tip-toes and stretch up", "Squat"]
    assert [s.text for s in routine.exercises[2].steps] == ["10 times"]


def test_a_page_whose_title_is_its_one_exercise_over_label_headings():
    text = ("# Side lying hip flexor stretch\n\n## General Guidelines:\n\nTry a few hip positions. "
            "Lie down on your side and hold your top leg.\n\n## How to Do:\n\n1. Push your hips forward "
            "and hold for 20-30 seconds.\n\n2. Repeat 2-3 times then switch sides.\n\n## Benefits:\n\n"
            "Stretching keeps the hip flexors loose.\n")
    routine = parse_routine(text)
    assert [(e.name, e.line) for e in routine.exercises] == [("Side lying hip flexor stretch", 1)]


def test_principles_in_a_block_are_not_exercises_beside_timed_run_ins():
    text = ("Three exercises\n\nRemember your ABCs:\n\n"
            "Alignment – begin well lined up: pelvis and spine neutral\n"
            "Centring – draw up the pelvic floor and abdominals\n\n"
            "Spine curls (to mobilise your spine) – curl up bone by bone into a bridge – 6 reps\n\n"
            "Knee pulls (to strengthen abdominals) – knee fold one leg, press the knee into the hand\n\n"
            "Hundred (to warm up and get your circulation going) – curl up and beat the arms "
            "for 100 counts\n")
    routine = parse_routine(text)
    assert [e.line for e in routine.exercises] == [8, 10, 12]
    assert routine.exercises[2].name == "Hundred"


def test_exercises_brought_in_by_name_inside_one_paragraph():
    text = ("How do I stretch for a run?\n\nStretch both before and after a run. Start with leg swings: "
            "Hold on to a chair and swing the other leg back and forth. Then switch. Walking lunges should "
            "be done next. Step out onto one leg and sink. Try a standing quad stretch; bring your left "
            "heel toward your bum, stretch for 30 seconds, then switch. Then try a standing calf stretch. "
            "Lean toward the wall until the calf pulls.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == [
        "Leg swings", "Walking lunges", "Standing quad stretch", "Standing calf stretch"]
    assert routine.exercises[0].steps[0].text.startswith("Start with leg swings:")
    assert any(n.text == "Stretch both before and after a run." for n in routine.notes)


def test_sequence_entries_joined_on_one_line_by_a_pdf():
    text = ("A Back Sequence\n\nSit comfortably (optional) Sitting back arch: 5 breaths Sitting twist R& L "
            "sides: 5 breaths per side\nWalk hands forward: 5 breaths\nKnees to chest: 5 breaths\n")
    assert names(text) == ["Sitting back arch", "Sitting twist R& L sides", "Walk hands forward",
                           "Knees to chest"]


@pytest.mark.parametrize("text,want", [
    ("Evening flow\n\nChild's Pose | 30 sec\nCat Cow | 10 reps\nDownward Dog | 30 sec per side\n",
     ["Child's Pose", "Cat Cow", "Downward Dog"]),
    ("Yin for backs\n\nChild's Pose\nHold: 5-8 breaths\n\nSphinx\nHold: 3 breaths\nRest: 30 seconds\n",
     ["Child's Pose", "Sphinx"]),
    ("# Back routine\n\nWhy your back likes this.\n\n**1. Knee hug**\n\nLie on your back and hug your "
     "knees. Hold for 20 seconds.\n\n**2. Cat cow**\n\nKneel on all fours. Repeat 10 times.\n",
     ["Knee hug", "Cat cow"]),
    # the first heading is an exercise, not the title, when its text is one
    ("# Knee hug\n\nLie on your back and hug your knees. Hold for 20 seconds.\n\n## Cat cow\n\n"
     "Kneel on all fours. Arch and round your back. Repeat 10 times.\n", ["Knee hug", "Cat cow"]),
])
def test_more_title_shapes(text, want):
    assert names(text) == want


def test_credits_disclaimers_bios_and_prompts_are_never_said():
    text = ("Knee hug\n\nPhoto: Getty Images\n\nLie on your back and hug your knees. Hold for 20 seconds.\n\n"
            "Cat cow\n\nImage credit: Jane Doe\n\nKneel on all fours. Arch and round. Repeat 10 times.\n\n"
            "Disclaimer: This article is for information only. Consult your doctor before starting.\n\n"
            "Sign up for our newsletter to get tips in your inbox.\n\n"
            "John Smith is a physiotherapist in Leeds. He has treated backs for 20 years.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Knee hug", "Cat cow"]
    said = " ".join(s.text for e in routine.exercises for s in e.steps)
    kept = " ".join(n.text for n in routine.notes)
    for noise in ("Getty", "Jane Doe", "Disclaimer", "newsletter", "John Smith"):
        assert noise not in said and noise not in kept


def test_a_menu_one_item_a_line_is_chrome_and_the_name_under_it_stays():
    text = ("Golden Chiropractic\nHome\nAbout\nServices\nContact\nKnee To Chest\n\n"
            "This exercise suits a sore back.\n\n  • Steps Lie flat on your back and draw one knee "
            "to your chest. Hold for about 15-30 seconds.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Knee To Chest"]
    assert not any(n.text in ("About", "Services", "Contact") for n in routine.notes)


def test_labels_and_glued_fields_are_not_names_nor_said():
    text = ("Stretches\n\nButterfly StretchAREAS INVOLVED: Groin, Lower back\n\n"
            "Sit up tall with the soles of the feet touching.\n\nHow to perform the exercise\n\n"
            "Bend forward from the waist. Hold for ten seconds.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Butterfly Stretch"]
    assert "How to perform the exercise" not in [s.text for s in routine.exercises[0].steps]


def test_a_numbered_instruction_without_a_full_stop_is_a_step():
    text = ("The Trap Stretch\n\n  1. Sit, stand or lie on your back with your arms by your sides\n"
            "  2. Bend the head to one side\n  3. Shrug the opposite shoulder and hold for 15 seconds.\n"
            "  4. Do the same on the opposite side.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["The Trap Stretch"]


def test_an_introduction_about_all_the_exercises_is_not_one():
    text = ("# Home exercises\n\nDo these exercises once or twice a day. Move slowly and breathe normally.\n\n"
            "## 1. Knee to chest\n\nLie on your back. Hug your right knee. Hold for 20 seconds.\n\n"
            "## 2. Pelvic tilt\n\nLie on your back. Press your back into the floor. Hold for 5 seconds.\n\n"
            "Printed from www.example.com. Not a substitute for treatment.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Knee to chest", "Pelvic tilt"]
    assert all("Printed" not in s.text for s in routine.exercises[1].steps)
    assert any(n.text.startswith("Printed from") and n.line == 13 for n in routine.notes)


def test_a_numbered_list_run_into_one_paragraph():
    text = ("DIY Neck Pain Relief. Repeat each exercise 10 times at a comfortable pace. 1. Neck rotation 10x "
            "2. Neck side bending 10x (ear to shoulder) 3. Traction with neck circle 10x clockwise and "
            "anticlockwise (link your fingers behind your neck) 4. Massage kneading along the neck to the "
            "base of the skull.\n")
    assert names(text) == ["Neck rotation", "Neck side bending", "Traction with neck circle", "Exercise 4"]


def test_sibling_headings_named_like_exercises_without_timing():
    text = ("# Stretching\n\n## Single Leg to Chest\n\n- Draw your right leg to your chest.\n\n"
            "- Hold for 10 seconds. Repeat with your left leg.\n\n## Lumbar Flexion Stretch\n\n"
            "- Be gentle if sore\n\n## Lower Trunk Rotation Stretch\n\n- Lie on back\n\n"
            "- Rotate knees to one side Hold for 10 to 15 seconds\n\n## Tips for stretching\n\n"
            "- Warm up first\n")
    assert names(text) == ["Single Leg to Chest", "Lumbar Flexion Stretch", "Lower Trunk Rotation Stretch"]


def test_titles_under_lines_that_end_without_a_full_stop():
    text = ("Guide to desk stretches\n\nLong hours at a desk strain your muscles. Get up and move often; "
            "these short breaks take about 2 minutes. Stretching helps prevent stiffness.\n\n"
            "Neck Stretch\nLeft and Right (3X) Hold 5 seconds\nShoulder Stretch:\n"
            "Link your fingers behind your head and draw the shoulder blades together. Hold for 8-10 seconds\n"
            "Back Stretch\nStand with your hands on your hips. Push your hips forward.\n")
    assert names(text) == ["Neck Stretch", "Shoulder Stretch", "Back Stretch"]


def test_captions_related_links_and_feedback_prompts_are_chrome():
    text = (f"Back stretches\n\n1. Knee hug\n\nA woman hugging her knees on a mat. (Getty Images)\n\n{KNEE}\n\n"
            f"Related:\nTen hip stretches for runners\nThe best yoga mats\n\n2. Cat cow\n\n"
            f"Photo by Jane Doe on Unsplash\n\n{CAT}\n\nWas this article helpful? Yes No\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Knee hug", "Cat cow"]
    said = " ".join(s.text for e in routine.exercises for s in e.steps)
    for noise in ("Getty", "woman", "Ten hip", "yoga mats", "Unsplash", "helpful"):
        assert noise not in said


def test_a_count_on_a_heading_over_exercises_is_theirs():
    text = ("# Flow\n\n## The Flow (Repeat 2x)\n\n### 1. Cat-Cow (60 sec)\n\nBegin on hands and knees. "
            "Arch, then round your back.\n\n### 2. Hip Circles (60 sec)\n\nStand tall. Circle your hips.\n\n"
            "### 3. Squat (60 sec)\n\nSink into a squat. Repeat 5 times.\n")
    routine = parse_routine(text)
    assert [e.name for e in routine.exercises] == ["Cat-Cow", "Hip Circles", "Squat"]
    assert [s.text for s in routine.exercises[0].steps][-1] == "Repeat 2x"
    assert "Repeat 2x" not in [s.text for s in routine.exercises[2].steps]  # it gives its own


@pytest.mark.parametrize("text", [
    ("Back stretches\nHold each stretch for 20 seconds (this is maintenance stretching)\n"
     "Position your feet differently to feel the stretch change\n"
     "Stretch: your hamstrings\n• Take a short step forwards with your left leg.\n"
     "• Rest your hands on your bent leg and hold the stretch for 20 seconds.\n"
     "Stretch: your quads\n• Lift your left knee and hold your shoelaces.\n• Hold for 20 seconds.\n"),
    ("Back exercises include:\nPelvic Tilt. Lie on your back. Tip your pelvis. Hold this position 5 to 10 sec.\n"
     "Knee to Chest. Pull one knee to your chest and hold for 20 seconds.\n"
     "Back arches. Lie on your stomach. Press up slowly. Repeat 3 to 5 times.\n"),
])
def test_a_paste_without_blank_lines_reads_as_with_them(text):
    spaced = "\n\n".join(text.splitlines())
    assert names(text) == names(spaced) and len(names(text)) >= 2
